/* SPDX-License-Identifier: MIT */
/*
 * A guest connector as a toplevel surface. A page flip is one commit with
 * presentation feedback; the guest hears the flip completed when the
 * compositor says the frame was presented, or discarded for a newer one.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "displif/displif-limits.h"
#include "event-loop.h"
#include "log.h"
#include "presentation-time-client-protocol.h"
#include "viewporter-client-protocol.h"
#include "wl-internal.h"
#include "xdg-shell-client-protocol.h"
#include "xen-display-private-v1-client-protocol.h"

/* A surface the compositor never repaints (hidden, unmapped) gets no
 * feedback; the guest must not stall on it. Well below xen-drm-front's own
 * 3.1 s fallback, well above a slow software repaint. */
#define FLIP_FALLBACK_MS 500
#define STATS_PERIOD_MS 1000
#define MAX_SAMPLES 256
/* A few repaints of a software renderer under load (under TCG in the rig
 * one takes hundreds of ms); the guest is gone, only its memory waits for
 * this, and the module gives an exiting backend more. */
#define BLANK_WAIT_MS 1500

struct wl_flip {
	struct wl_list link;		/* wl_connector::flips, oldest first */
	struct wl_connector *connector;
	uint64_t cookie;
	bool copied;
	uint64_t committed_ns;		/* CLOCK_MONOTONIC, for the trace */
	struct wp_presentation_feedback *feedback;
	struct wl_callback *frame;	/* without wp_presentation */
};

/* Figures over one stats period, for the module's log scope. */
struct wl_stats {
	uint32_t flips;
	uint32_t copied;
	uint32_t n_samples;
	uint32_t latency_us[MAX_SAMPLES];
};

struct wl_connector {
	struct xd_wayland *wayland;
	struct xd_connector *connector;
	uint32_t index;
	char unique_id[XD_MAX_UNIQUE_ID + 1];
	uint32_t mode_w, mode_h;	/* configured resolution */

	struct xen_display_connector_v1 *module_connector;
	bool placement_known;
	bool pinned;
	uint32_t output_mode[3];	/* followed output: w, h, mHz; 0: none */

	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	struct wp_viewport *viewport;
	bool configured;
	int32_t bound_w, bound_h;	/* the shell's size limit, 0: none */
	int32_t dest_w, dest_h;		/* viewport destination, 0: none */
	bool viewport_sent;		/* dest_w, dest_h are the surface's */
	int32_t pending_w, pending_h;	/* from the configure in progress */
	uint32_t shown_w, shown_h;	/* size of the fb on screen */
	bool shown_zero_copy;		/* the compositor reads guest memory */

	uint64_t shown;			/* cookie of the fb on screen, or 0 */
	bool show_pending;		/* show 'shown' once configured */
	struct wl_list flips;		/* struct wl_flip::link */
	struct xd_event_source *fallback;
	bool fallback_armed;
	uint64_t last_flip_ms;		/* when the newest flip came */
	struct xd_event_source *stats_timer;
	bool stats_armed;
	struct wl_stats stats;
};

static uint64_t
timespec_us(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000 + ts->tv_nsec / 1000;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t
now_ms(void)
{
	return now_ns() / 1000000;
}

/* presented: the frame's presentation time, or NULL when it was not. */
static void
flip_finish(struct wl_flip *flip, const struct timespec *presented)
{
	struct wl_connector *c = flip->connector;
	struct wl_stats *st = &c->stats;
	uint64_t cookie = flip->cookie;
	uint64_t committed_ns = flip->committed_ns;
	bool flip_copied = flip->copied;
	struct timespec now;

	wl_list_remove(&flip->link);
	if (flip->feedback)
		wp_presentation_feedback_destroy(flip->feedback);
	if (flip->frame)
		wl_callback_destroy(flip->frame);
	free(flip);
	/* Traced first: the guest may see the event before we return. */
	xd_flip_trace(c->index, c->wayland->presentation_clock, presented,
		      committed_ns, flip_copied);
	xd_connector_flip_done(c->connector, cookie);

	if (!c->stats_armed) {
		xd_event_source_timer_update(c->stats_timer, STATS_PERIOD_MS);
		c->stats_armed = true;
	}
	st->flips++;
	if (flip_copied)
		st->copied++;
	if (presented && st->n_samples < MAX_SAMPLES) {
		clock_gettime(c->wayland->presentation_clock, &now);
		st->latency_us[st->n_samples++] =
			timespec_us(&now) - timespec_us(presented);
	}
}

static void
feedback_sync_output(void *data, struct wp_presentation_feedback *f,
		     struct wl_output *output)
{
}

static void
feedback_presented(void *data, struct wp_presentation_feedback *f,
		   uint32_t tv_sec_hi, uint32_t tv_sec_lo, uint32_t tv_nsec,
		   uint32_t refresh, uint32_t seq_hi, uint32_t seq_lo,
		   uint32_t flags)
{
	struct timespec ts = {
		.tv_sec = (time_t)((uint64_t)tv_sec_hi << 32 | tv_sec_lo),
		.tv_nsec = tv_nsec,
	};

	flip_finish(data, &ts);
}

static void
feedback_discarded(void *data, struct wp_presentation_feedback *f)
{
	flip_finish(data, NULL);
}

static const struct wp_presentation_feedback_listener feedback_listener = {
	feedback_sync_output, feedback_presented, feedback_discarded,
};

static void
frame_done(void *data, struct wl_callback *callback, uint32_t time)
{
	flip_finish(data, NULL);
}

static const struct wl_callback_listener frame_listener = {
	frame_done,
};

/* Armed once per FLIP_FALLBACK_MS at most, not per flip (two syscalls a
 * flip otherwise): it fires when no presentation came FLIP_FALLBACK_MS
 * after the newest flip, as if re-armed by each. */
static void
fallback_fired(void *data)
{
	struct wl_connector *c = data;
	struct wl_flip *flip, *tmp;
	uint64_t waited = now_ms() - c->last_flip_ms;

	c->fallback_armed = false;
	if (wl_list_empty(&c->flips))
		return;
	if (waited < FLIP_FALLBACK_MS) {
		xd_event_source_timer_update(c->fallback,
					     FLIP_FALLBACK_MS - waited);
		c->fallback_armed = true;
		return;
	}
	xd_log("connector %u: no presentation in %d ms "
		"(surface hidden?): completing the guest's flips\n",
		c->index, FLIP_FALLBACK_MS);
	wl_list_for_each_safe(flip, tmp, &c->flips, link)
		flip_finish(flip, NULL);
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
	struct wl_connector *c = data;
	struct wl_stats *st = &c->stats;
	uint32_t p50 = 0, max = 0;

	c->stats_armed = false;
	xd_flip_trace_flush();
	/* Idle: no wakeups until a flip completes again. */
	if (st->flips == 0)
		return;
	xd_event_source_timer_update(c->stats_timer, STATS_PERIOD_MS);
	c->stats_armed = true;
	if (st->n_samples) {
		qsort(st->latency_us, st->n_samples, sizeof st->latency_us[0],
		      compare_u32);
		p50 = st->latency_us[st->n_samples / 2];
		max = st->latency_us[st->n_samples - 1];
	}
	if (c->module_connector)
		xen_display_connector_v1_frame_stats(c->module_connector,
			STATS_PERIOD_MS, st->flips, st->copied, p50, max);
	memset(st, 0, sizeof *st);
}

/* A fullscreen or maximized toplevel must not be larger than the size the
 * shell configured (kiosk-shell disconnects a client that is): a guest
 * mode larger than that is scaled down, aspect kept. Never scaled up: the
 * shell centres a smaller one. */
static void
fit_viewport(struct wl_connector *c)
{
	int32_t w = c->shown_w, h = c->shown_h, dest_w = 0, dest_h = 0;

	if (!c->viewport || !w || !h)
		return;
	if (c->bound_w > 0 && c->bound_h > 0 &&
	    (w > c->bound_w || h > c->bound_h)) {
		if ((int64_t)w * c->bound_h > (int64_t)h * c->bound_w) {
			h = (int32_t)((int64_t)h * c->bound_w / w);
			w = c->bound_w;
		} else {
			w = (int32_t)((int64_t)w * c->bound_h / h);
			h = c->bound_h;
		}
		dest_w = w > 0 ? w : 1;
		dest_h = h > 0 ? h : 1;
	}
	/* Viewport state stays until changed: sent per flip, it would cost
	 * a request and the compositor's work on it each time. */
	if (c->viewport_sent && dest_w == c->dest_w && dest_h == c->dest_h)
		return;
	c->dest_w = dest_w;
	c->dest_h = dest_h;
	c->viewport_sent = true;
	wp_viewport_set_destination(c->viewport, dest_w ? dest_w : -1,
				    dest_h ? dest_h : -1);
}

/* Commits the fb 'shown' (or nothing); with a flip, asks for feedback. */
static int
commit_shown(struct wl_connector *c, struct wl_flip *flip)
{
	struct wl_buffer *buffer = NULL;
	struct wl_fb *fb;

	if (c->shown) {
		fb = wl_fb_find(c->wayland, c->shown);
		if (!fb)
			return -ENOENT;
		buffer = wl_fb_get_buffer(fb);
		if (!buffer)
			return -ENOMEM;
		if (flip)
			flip->copied = !fb->dmabuf_buffer;
		c->shown_zero_copy = fb->dmabuf_buffer != NULL;
		c->shown_w = fb->fb.width;
		c->shown_h = fb->fb.height;
		fit_viewport(c);
		wl_surface_attach(c->surface, buffer, 0, 0);
		wl_surface_damage_buffer(c->surface, 0, 0, INT32_MAX,
					 INT32_MAX);
	}
	if (flip && c->wayland->presentation) {
		flip->feedback = wp_presentation_feedback(
			c->wayland->presentation, c->surface);
		wp_presentation_feedback_add_listener(flip->feedback,
						      &feedback_listener, flip);
	} else if (flip) {
		flip->frame = wl_surface_frame(c->surface);
		wl_callback_add_listener(flip->frame, &frame_listener, flip);
	}
	wl_surface_commit(c->surface);
	return 0;
}

static void
xdg_surface_configure(void *data, struct xdg_surface *xdg_surface,
		      uint32_t serial)
{
	struct wl_connector *c = data;

	xdg_surface_ack_configure(xdg_surface, serial);
	if (c->pending_w != c->bound_w || c->pending_h != c->bound_h) {
		c->bound_w = c->pending_w;
		c->bound_h = c->pending_h;
		if (c->configured && c->shown)
			commit_shown(c, NULL);
	}
	if (c->configured)
		return;
	c->configured = true;
	if (c->show_pending) {
		struct wl_flip *last = NULL;

		/* A flip that came before the surface could show it
		 * completes with this first frame. */
		if (!wl_list_empty(&c->flips))
			last = wl_container_of(c->flips.prev, last, link);
		c->show_pending = false;
		commit_shown(c, last && !last->feedback && !last->frame ?
				last : NULL);
	}
}

static const struct xdg_surface_listener xdg_surface_listener = {
	xdg_surface_configure,
};

static void
toplevel_configure(void *data, struct xdg_toplevel *toplevel, int32_t w,
		   int32_t h, struct wl_array *states)
{
	struct wl_connector *c = data;
	uint32_t *state;
	bool bounded = false;

	/* The guest's mode decides the size, unless the shell made us
	 * fullscreen or maximized: then its size is a limit. */
	wl_array_for_each(state, states)
		if (*state == XDG_TOPLEVEL_STATE_FULLSCREEN ||
		    *state == XDG_TOPLEVEL_STATE_MAXIMIZED)
			bounded = true;
	c->pending_w = bounded ? w : 0;
	c->pending_h = bounded ? h : 0;
}

static void
toplevel_close(void *data, struct xdg_toplevel *toplevel)
{
	/* A guest display cannot be closed from here: the guest owns it. */
}

static const struct xdg_toplevel_listener toplevel_listener = {
	toplevel_configure, toplevel_close,
};

/* An initial commit without a buffer: the compositor answers with the
 * configure that lets us show something. A pinned surface has no such
 * handshake: the module places whatever it shows. */
static void
start_mapping(struct wl_connector *c)
{
	if (c->pinned) {
		c->configured = true;
		return;
	}
	c->configured = false;
	wl_surface_commit(c->surface);
}

static void
module_placement(void *data, struct xen_display_connector_v1 *mc,
		 uint32_t placement)
{
	struct wl_connector *c = data;

	c->pinned = placement == XEN_DISPLAY_CONNECTOR_V1_PLACEMENT_PINNED;
	c->placement_known = true;
}

static void
module_output_mode(void *data, struct xen_display_connector_v1 *mc,
		   int32_t width, int32_t height, int32_t refresh)
{
	struct wl_connector *c = data;

	/* The module sends sane modes; bound them anyway, a zero size
	 * means the output is gone. */
	if (width <= 0 || height <= 0 || refresh < 0) {
		memset(c->output_mode, 0, sizeof c->output_mode);
		return;
	}
	c->output_mode[0] = (uint32_t)width;
	c->output_mode[1] = (uint32_t)height;
	c->output_mode[2] = refresh > 0 ? (uint32_t)refresh : 60000;
	xd_log("connector %u: offering the guest its output's mode "
	       "%dx%d@%d.%03d\n", c->index, width, height,
	       c->output_mode[2] / 1000, c->output_mode[2] % 1000);
}

int
wl_connector_preferred_mode(void *data, uint32_t *width, uint32_t *height,
			    uint32_t *refresh_mhz)
{
	struct wl_connector *c = data;

	if (!c->output_mode[0])
		return -ENOENT;
	*width = c->output_mode[0];
	*height = c->output_mode[1];
	*refresh_mhz = c->output_mode[2];
	return 0;
}

struct wl_connector *
wl_connector_from_surface(struct xd_wayland *wayland,
			  struct wl_surface *surface)
{
	struct wl_connector *c = surface ? wl_surface_get_user_data(surface) :
					   NULL;

	return c && c->wayland == wayland ? c : NULL;
}

/* Surface-local coordinates are those of the surface's size on screen
 * before the compositor's own scaling (placement), which input already
 * undid: only our viewport stands between them and the guest's pixels. */
void
wl_connector_input_event(struct wl_connector *c, enum xd_input_kind kind,
			 wl_fixed_t sx, wl_fixed_t sy,
			 struct xd_input_event *ev)
{
	uint32_t pic_w = c->shown ? c->shown_w : c->mode_w;
	uint32_t pic_h = c->shown ? c->shown_h : c->mode_h;
	double surf_w = c->dest_w > 0 ? (double)c->dest_w : pic_w;
	double surf_h = c->dest_h > 0 ? (double)c->dest_h : pic_h;
	double x = wl_fixed_to_double(sx) * pic_w / (surf_w > 0 ? surf_w : 1);
	double y = wl_fixed_to_double(sy) * pic_h / (surf_h > 0 ? surf_h : 1);

	memset(ev, 0, sizeof *ev);
	ev->kind = kind;
	ev->connector = c->index;
	ev->unique_id = c->unique_id;
	ev->width = pic_w;
	ev->height = pic_h;
	ev->x = x < 0 ? 0 : x >= pic_w ? (int32_t)pic_w - 1 : (int32_t)x;
	ev->y = y < 0 ? 0 : y >= pic_h ? (int32_t)pic_h - 1 : (int32_t)y;
}

static const struct xen_display_connector_v1_listener module_listener = {
	module_placement, module_output_mode,
};

/* Asks the module how to show the connector; waits for its answer. */
static void
ask_placement(struct wl_connector *c, const struct xd_connector_info *info)
{
	struct xd_wayland *w = c->wayland;
	struct xen_display_connector_v1 *mc;

	mc = xen_display_manager_v1_get_connector(w->manager, w->domid,
						  w->label, info->index,
						  info->width, info->height);
	wl_proxy_set_queue((struct wl_proxy *)mc, w->import_queue);
	xen_display_connector_v1_add_listener(mc, &module_listener, c);
	while (!c->placement_known)
		if (wl_display_roundtrip_queue(w->display,
					       w->import_queue) < 0)
			break;
	wl_proxy_set_queue((struct wl_proxy *)mc, NULL);
	c->module_connector = mc;
}

static void
make_toplevel(struct wl_connector *c, const struct xd_connector_info *info)
{
	struct xd_wayland *w = c->wayland;
	char text[256];

	c->xdg_surface = xdg_wm_base_get_xdg_surface(w->wm_base, c->surface);
	xdg_surface_add_listener(c->xdg_surface, &xdg_surface_listener, c);
	c->toplevel = xdg_surface_get_toplevel(c->xdg_surface);
	xdg_toplevel_add_listener(c->toplevel, &toplevel_listener, c);
	if (w->viewporter)
		c->viewport = wp_viewporter_get_viewport(w->viewporter,
							 c->surface);
	snprintf(text, sizeof text, "xen-display.%s.%u", w->label,
		 info->index);
	xdg_toplevel_set_app_id(c->toplevel, text);
	snprintf(text, sizeof text, "%s: display %u (%ux%u)", w->label,
		 info->index, info->width, info->height);
	xdg_toplevel_set_title(c->toplevel, text);
}

void *
wl_connector_add(void *sink, struct xd_connector *connector,
		 const struct xd_connector_info *info)
{
	struct xd_wayland *w = sink;
	struct wl_connector *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	c->wayland = w;
	c->connector = connector;
	c->index = info->index;
	snprintf(c->unique_id, sizeof c->unique_id, "%s", info->unique_id);
	c->mode_w = info->width;
	c->mode_h = info->height;
	wl_list_init(&c->flips);
	c->fallback = xd_event_loop_add_timer(w->loop, fallback_fired, c);
	c->stats_timer = xd_event_loop_add_timer(w->loop, stats_fired, c);
	if (!c->fallback || !c->stats_timer) {
		if (c->fallback)
			xd_event_source_remove(c->fallback);
		free(c);
		return NULL;
	}
	c->surface = wl_compositor_create_surface(w->compositor);
	/* Input events name the surface: this finds the connector. */
	wl_surface_set_user_data(c->surface, c);
	if (w->manager)
		ask_placement(c, info);
	if (c->pinned)
		xen_display_connector_v1_set_surface(c->module_connector,
						     c->surface);
	else
		make_toplevel(c, info);
	start_mapping(c);
	return c;
}

void
wl_connector_remove(void *data)
{
	struct wl_connector *c = data;
	struct wl_flip *flip, *tmp;

	/* Keys and buttons the guest saw pressed are released first. */
	wl_input_forget_connector(c->wayland, c);
	/* The guest is gone: nobody is left to tell about its flips. */
	wl_list_for_each_safe(flip, tmp, &c->flips, link) {
		wl_list_remove(&flip->link);
		if (flip->feedback)
			wp_presentation_feedback_destroy(flip->feedback);
		if (flip->frame)
			wl_callback_destroy(flip->frame);
		free(flip);
	}
	xd_event_source_remove(c->fallback);
	xd_event_source_remove(c->stats_timer);
	/* Only a frame the compositor sampled from the guest's memory can
	 * keep it mapped there; copies are ours. */
	if (c->shown && c->shown_zero_copy)
		wl_show_blank_and_wait(c->wayland, c->surface, BLANK_WAIT_MS);
	if (c->viewport)
		wp_viewport_destroy(c->viewport);
	if (c->toplevel)
		xdg_toplevel_destroy(c->toplevel);
	if (c->xdg_surface)
		xdg_surface_destroy(c->xdg_surface);
	if (c->module_connector)
		xen_display_connector_v1_destroy(c->module_connector);
	wl_surface_destroy(c->surface);
	free(c);
}

int
wl_connector_set_config(void *data, const struct xd_fb *fb)
{
	struct wl_connector *c = data;

	if (!fb) {
		/* Display off: unmap, and get ready to map again. */
		c->shown = 0;
		c->show_pending = false;
		if (c->configured) {
			wl_surface_attach(c->surface, NULL, 0, 0);
			wl_surface_commit(c->surface);
			start_mapping(c);
		}
		return 0;
	}
	if (!wl_fb_find(c->wayland, fb->cookie))
		return -ENOENT;
	c->shown = fb->cookie;
	if (!c->configured) {
		c->show_pending = true;
		return 0;
	}
	return commit_shown(c, NULL);
}

int
wl_connector_page_flip(void *data, const struct xd_fb *fb)
{
	struct wl_connector *c = data;
	struct wl_flip *flip;
	int ret;

	if (!wl_fb_find(c->wayland, fb->cookie))
		return -ENOENT;
	flip = calloc(1, sizeof *flip);
	if (!flip)
		return -ENOMEM;
	flip->connector = c;
	flip->cookie = fb->cookie;
	wl_list_insert(c->flips.prev, &flip->link);
	c->shown = fb->cookie;
	if (!c->configured) {
		/* Shown once mapped; the fallback completes the flip. */
		c->show_pending = true;
		ret = 0;
	} else {
		ret = commit_shown(c, flip);
	}
	if (ret < 0) {
		wl_list_remove(&flip->link);
		free(flip);
		return ret;
	}
	/* One clock read: the fallback's and the trace's. */
	flip->committed_ns = now_ns();
	c->last_flip_ms = flip->committed_ns / 1000000;
	if (!c->fallback_armed) {
		xd_event_source_timer_update(c->fallback, FLIP_FALLBACK_MS);
		c->fallback_armed = true;
	}
	return 0;
}
