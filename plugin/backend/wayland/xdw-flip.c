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
 * frame callback; the guest must not stall on it. Well below xen-drm-front's
 * own 3.1 s fallback, well above a slow software repaint.
 *
 * One timer per screen, the tick, serves both the fallback and the stats:
 * while repaints complete flips it comes once a second (STATS_PERIOD_MS),
 * with the stats; once a tick finds no flip completed at a repaint since
 * the one before, the next comes when the fallback is due, FLIP_FALLBACK_MS
 * after both the newest flip and the last completion. A surface that stops
 * being repainted so gets its first flips completed 0.5-1.5 s after the
 * last repaint, later ones 0.5 s after each. A fallback timer of its own
 * woke the backend twice a second while the guest flipped, for nothing. */
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
	uint64_t now_ns;

	flip_free(flip);
	/* Traced first: the guest may see the event before we return. */
	xdw_trace_flip(q->index, repainted, committed_ns, flip_copied);
	q->source.flip_done(q->source.data, cookie);

	st->flips++;
	if (flip_copied)
		st->copied++;
	if (!repainted)
		return;
	now_ns = xd_now_ns();
	q->last_done_ms = now_ns / 1000000;
	if (committed_ns && st->n_samples < XDW_STATS_SAMPLES)
		st->latency_us[st->n_samples++] =
			(now_ns - committed_ns) / 1000;
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

static int
compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The flips completed since the last report, for the module's log. */
static void
report_stats(struct xdw_flip_queue *q, uint64_t now_ms)
{
	struct xdw_flip_stats *st = &q->stats;
	uint64_t period_ms = now_ms - q->period_start_ms;
	uint32_t p50 = 0, max = 0;

	q->period_start_ms = now_ms;
	xdw_trace_flush();
	if (st->flips == 0)
		return;
	if (st->n_samples) {
		qsort(st->latency_us, st->n_samples, sizeof st->latency_us[0],
		      compare_u32);
		p50 = st->latency_us[st->n_samples / 2];
		max = st->latency_us[st->n_samples - 1];
	}
	if (q->stats_to && period_ms > 0)
		xen_display_connector_v1_frame_stats(q->stats_to,
			period_ms > UINT32_MAX ? UINT32_MAX : period_ms,
			st->flips, st->copied, p50, max);
	memset(st, 0, sizeof *st);
}

static void
arm_tick(struct xdw_flip_queue *q, uint64_t ms)
{
	xd_event_source_timer_update(q->tick, ms > 0 ? ms : 1);
	q->tick_armed = true;
}

static void
tick_fired(void *data)
{
	struct xdw_flip_queue *q = data;
	struct xdw_flip *flip, *tmp;
	uint64_t now = xd_now_ms(), due;
	/* Since the last tick, or since the first flip after idle. */
	bool repainted = q->last_done_ms > q->period_start_ms;

	q->tick_armed = false;
	report_stats(q, now);
	/* Idle: no wakeups until the next flip. */
	if (wl_list_empty(&q->flips))
		return;
	due = (q->last_flip_ms > q->last_done_ms ? q->last_flip_ms :
	       q->last_done_ms) + FLIP_FALLBACK_MS;
	if (now < due) {
		arm_tick(q, repainted ? STATS_PERIOD_MS : due - now);
		return;
	}
	xd_log("connector %u: no presentation in %d ms "
		"(surface hidden?): completing the guest's flips\n",
		q->index, FLIP_FALLBACK_MS);
	wl_list_for_each_safe(flip, tmp, &q->flips, link)
		flip_finish(flip, false);
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
	q->tick = xd_event_loop_add_timer(w->loop, tick_fired, q);
	return q->tick ? 0 : -1;
}

void
xdw_flip_queue_fini(struct xdw_flip_queue *q)
{
	struct xdw_flip *flip, *tmp;

	/* The guest is gone: nobody is left to tell about its flips. */
	wl_list_for_each_safe(flip, tmp, &q->flips, link)
		flip_free(flip);
	xd_event_source_remove(q->tick);
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

	/* One clock read: the fallback's, the stats' and the trace's. */
	flip->committed_ns = xd_now_ns();
	q->last_flip_ms = flip->committed_ns / 1000000;
	if (q->tick_armed)
		return;
	/* From idle: the stats' period starts with the first flip. */
	if (q->stats.flips == 0)
		q->period_start_ms = q->last_flip_ms;
	arm_tick(q, FLIP_FALLBACK_MS);
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
