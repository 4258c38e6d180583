/* SPDX-License-Identifier: MIT */
/*
 * A screen's flips in flight. A page flip is one commit with a frame
 * callback; the displif half hears the flip completed when the compositor
 * took the new frame into a repaint (the callback's done) and let go of
 * the buffer the flip replaced, never before: from then on the guest may
 * draw into that buffer again, which is all a flip's completion promises
 * it. Both come in the one flush of the repaint when the compositor
 * samples the buffer, so a flip costs the backend one wakeup from the
 * compositor (wp_presentation's feedback came one wakeup later, at the
 * frame's completion; doc/performance.md). A buffer on a scan-out plane is
 * released at the next page flip, and the flip waits for that. A surface
 * the compositor does not repaint gets a fallback timer instead. Each
 * completion also feeds the per-second stats and the benchmark trace.
 */

#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "event-loop.h"
#include "log.h"
#include "xdw-internal.h"
#include "xen-display-private-v1-client-protocol.h"

/* A surface the compositor never repaints (hidden, unmapped) gets no
 * frame callback; the guest must not stall on it. Well below xen-drm-front's own
 * 3.1 s fallback, well above a slow software repaint. */
#define FLIP_FALLBACK_MS 500
#define STATS_PERIOD_MS 1000

struct xdw_flip {
	struct wl_list link;		/* xdw_flip_queue::flips */
	struct xdw_flip_queue *queue;
	uint64_t cookie;
	bool copied;
	uint64_t committed_ns;		/* CLOCK_MONOTONIC */
	struct wl_callback *frame;
	bool repainted;			/* the frame callback's done came */
	/* Waits for the release of the buffer this flip replaced on the
	 * screen, when the compositor still held it at the commit. */
	struct xdw_fb_waiter replaced;
};

/* Takes the flip off its queue and drops what the compositor would have
 * told about it: the one teardown of a flip, completed or not. */
static void
flip_free(struct xdw_flip *flip)
{
	wl_list_remove(&flip->link);
	xdw_fb_wait_cancel(&flip->replaced);
	if (flip->frame)
		wl_callback_destroy(flip->frame);
	free(flip);
}

/* repainted: the compositor took the frame, else it was replaced or the
 * fallback completed it. */
static void
flip_finish(struct xdw_flip *flip, bool repainted)
{
	struct xdw_flip_queue *q = flip->queue;
	struct xdw_flip_stats *st = &q->stats;
	uint64_t cookie = flip->cookie;
	uint64_t committed_ns = flip->committed_ns;
	bool flip_copied = flip->copied;

	flip_free(flip);
	/* Traced first: the guest may see the event before we return. */
	xdw_trace_flip(q->index, repainted, committed_ns, flip_copied);
	q->source.flip_done(q->source.data, cookie);

	if (!q->stats_armed) {
		xd_event_source_timer_update(q->stats_timer, STATS_PERIOD_MS);
		q->stats_armed = true;
	}
	st->flips++;
	if (flip_copied)
		st->copied++;
	if (repainted && committed_ns && st->n_samples < XDW_STATS_SAMPLES)
		st->latency_us[st->n_samples++] =
			(xd_now_ns() - committed_ns) / 1000;
}

static void
frame_done(void *data, struct wl_callback *callback, uint32_t time)
{
	struct xdw_flip *flip = data;

	wl_callback_destroy(flip->frame);
	flip->frame = NULL;
	flip->repainted = true;
	/* The replaced buffer is still on a plane: done at its release. */
	if (!wl_list_empty(&flip->replaced.link))
		return;
	flip_finish(flip, true);
}

static const struct wl_callback_listener frame_listener = {
	frame_done,
};

static void
replaced_released(struct xdw_fb_waiter *waiter)
{
	struct xdw_flip *flip = wl_container_of(waiter, flip, replaced);

	if (flip->repainted)
		flip_finish(flip, true);
}

/* Armed once per FLIP_FALLBACK_MS at most, not per flip (two syscalls a
 * flip otherwise): it fires when no repaint took a frame FLIP_FALLBACK_MS
 * after the newest flip, as if re-armed by each. */
static void
fallback_fired(void *data)
{
	struct xdw_flip_queue *q = data;
	struct xdw_flip *flip, *tmp;
	uint64_t waited = xd_now_ms() - q->last_flip_ms;

	q->fallback_armed = false;
	if (wl_list_empty(&q->flips))
		return;
	if (waited < FLIP_FALLBACK_MS) {
		xd_event_source_timer_update(q->fallback,
					     FLIP_FALLBACK_MS - waited);
		q->fallback_armed = true;
		return;
	}
	xd_log("connector %u: no presentation in %d ms "
		"(surface hidden?): completing the guest's flips\n",
		q->index, FLIP_FALLBACK_MS);
	wl_list_for_each_safe(flip, tmp, &q->flips, link)
		flip_finish(flip, false);
}

static int
compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
stats_fired(void *data)
{
	struct xdw_flip_queue *q = data;
	struct xdw_flip_stats *st = &q->stats;
	uint32_t p50 = 0, max = 0;

	q->stats_armed = false;
	xdw_trace_flush();
	/* Idle: no wakeups until a flip completes again. */
	if (st->flips == 0)
		return;
	xd_event_source_timer_update(q->stats_timer, STATS_PERIOD_MS);
	q->stats_armed = true;
	if (st->n_samples) {
		qsort(st->latency_us, st->n_samples, sizeof st->latency_us[0],
		      compare_u32);
		p50 = st->latency_us[st->n_samples / 2];
		max = st->latency_us[st->n_samples - 1];
	}
	if (q->stats_to)
		xen_display_connector_v1_frame_stats(q->stats_to,
			STATS_PERIOD_MS, st->flips, st->copied, p50, max);
	memset(st, 0, sizeof *st);
}

int
xdw_flip_queue_init(struct xdw_flip_queue *q, struct xd_wayland *w,
		    uint32_t index, const struct xd_display_source *source)
{
	memset(q, 0, sizeof *q);
	q->wayland = w;
	q->index = index;
	q->source = *source;
	wl_list_init(&q->flips);
	q->fallback = xd_event_loop_add_timer(w->loop, fallback_fired, q);
	q->stats_timer = xd_event_loop_add_timer(w->loop, stats_fired, q);
	if (!q->fallback || !q->stats_timer) {
		if (q->fallback)
			xd_event_source_remove(q->fallback);
		if (q->stats_timer)
			xd_event_source_remove(q->stats_timer);
		return -1;
	}
	return 0;
}

void
xdw_flip_queue_fini(struct xdw_flip_queue *q)
{
	struct xdw_flip *flip, *tmp;

	/* The guest is gone: nobody is left to tell about its flips. */
	wl_list_for_each_safe(flip, tmp, &q->flips, link)
		flip_free(flip);
	xd_event_source_remove(q->fallback);
	xd_event_source_remove(q->stats_timer);
}

struct xdw_flip *
xdw_flip_new(struct xdw_flip_queue *q, uint64_t fb_cookie)
{
	struct xdw_flip *flip = calloc(1, sizeof *flip);

	if (!flip)
		return NULL;
	flip->queue = q;
	flip->cookie = fb_cookie;
	wl_list_init(&flip->replaced.link);
	flip->replaced.notify = replaced_released;
	wl_list_insert(q->flips.prev, &flip->link);
	return flip;
}

void
xdw_flip_cancel(struct xdw_flip *flip)
{
	flip_free(flip);
}

void
xdw_flip_skip(struct xdw_flip *flip)
{
	flip_finish(flip, false);
}

void
xdw_flip_accept(struct xdw_flip *flip)
{
	struct xdw_flip_queue *q = flip->queue;

	/* One clock read: the fallback's and the trace's. */
	flip->committed_ns = xd_now_ns();
	q->last_flip_ms = flip->committed_ns / 1000000;
	if (!q->fallback_armed) {
		xd_event_source_timer_update(q->fallback, FLIP_FALLBACK_MS);
		q->fallback_armed = true;
	}
}

void
xdw_flip_watch(struct xdw_flip *flip, struct wl_surface *surface,
	       bool copied, struct xdw_fb *replaced)
{
	flip->copied = copied;
	flip->frame = wl_surface_frame(surface);
	wl_callback_add_listener(flip->frame, &frame_listener, flip);
	if (replaced && replaced->dmabuf_busy)
		xdw_fb_wait(replaced, &flip->replaced);
}

struct xdw_flip *
xdw_flip_queue_unwatched(struct xdw_flip_queue *q)
{
	struct xdw_flip *last;

	if (wl_list_empty(&q->flips))
		return NULL;
	last = wl_container_of(q->flips.prev, last, link);
	return !last->frame && !last->repainted ? last : NULL;
}
