/* SPDX-License-Identifier: MIT */
/*
 * A guest connector as a toplevel surface. A page flip is one commit with
 * presentation feedback; the guest hears the flip completed when the
 * compositor says the frame was presented, or discarded for a newer one.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "event-loop.h"
#include "presentation-time-client-protocol.h"
#include "wl-internal.h"
#include "xdg-shell-client-protocol.h"

/* A surface the compositor never repaints (hidden, unmapped) gets no
 * feedback; the guest must not stall on it. Well below xen-drm-front's own
 * 3.1 s fallback, well above a slow software repaint. */
#define FLIP_FALLBACK_MS 500

struct wl_flip {
	struct wl_list link;		/* wl_connector::flips, oldest first */
	struct wl_connector *connector;
	uint64_t cookie;
	struct wp_presentation_feedback *feedback;
	struct wl_callback *frame;	/* without wp_presentation */
};

struct wl_connector {
	struct xd_wayland *wayland;
	struct xd_connector *connector;
	uint32_t index;

	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	bool configured;

	uint64_t shown;			/* cookie of the fb on screen, or 0 */
	bool show_pending;		/* show 'shown' once configured */
	struct wl_list flips;		/* struct wl_flip::link */
	struct xd_event_source *fallback;
};

static void
flip_finish(struct wl_flip *flip)
{
	struct wl_connector *c = flip->connector;
	uint64_t cookie = flip->cookie;

	wl_list_remove(&flip->link);
	if (flip->feedback)
		wp_presentation_feedback_destroy(flip->feedback);
	if (flip->frame)
		wl_callback_destroy(flip->frame);
	free(flip);
	if (wl_list_empty(&c->flips))
		xd_event_source_timer_update(c->fallback, 0);
	xd_connector_flip_done(c->connector, cookie);
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
	flip_finish(data);
}

static void
feedback_discarded(void *data, struct wp_presentation_feedback *f)
{
	flip_finish(data);
}

static const struct wp_presentation_feedback_listener feedback_listener = {
	feedback_sync_output, feedback_presented, feedback_discarded,
};

static void
frame_done(void *data, struct wl_callback *callback, uint32_t time)
{
	flip_finish(data);
}

static const struct wl_callback_listener frame_listener = {
	frame_done,
};

static void
fallback_fired(void *data)
{
	struct wl_connector *c = data;
	struct wl_flip *flip, *tmp;

	fprintf(stderr, "%s: connector %u: no presentation in %d ms "
		"(surface hidden?): completing the guest's flips\n",
		c->wayland->label, c->index, FLIP_FALLBACK_MS);
	wl_list_for_each_safe(flip, tmp, &c->flips, link)
		flip_finish(flip);
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
	/* The guest's mode decides the size; the shell places it. */
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
 * configure that lets us show something. */
static void
start_mapping(struct wl_connector *c)
{
	c->configured = false;
	wl_surface_commit(c->surface);
}

void *
wl_connector_add(void *sink, struct xd_connector *connector,
		 const struct xd_connector_info *info)
{
	struct xd_wayland *w = sink;
	struct wl_connector *c = calloc(1, sizeof *c);
	char text[256];

	if (!c)
		return NULL;
	c->wayland = w;
	c->connector = connector;
	c->index = info->index;
	wl_list_init(&c->flips);
	c->fallback = xd_event_loop_add_timer(w->loop, fallback_fired, c);
	if (!c->fallback) {
		free(c);
		return NULL;
	}
	c->surface = wl_compositor_create_surface(w->compositor);
	c->xdg_surface = xdg_wm_base_get_xdg_surface(w->wm_base, c->surface);
	xdg_surface_add_listener(c->xdg_surface, &xdg_surface_listener, c);
	c->toplevel = xdg_surface_get_toplevel(c->xdg_surface);
	xdg_toplevel_add_listener(c->toplevel, &toplevel_listener, c);
	snprintf(text, sizeof text, "xen-display.%s.%u", w->label,
		 info->index);
	xdg_toplevel_set_app_id(c->toplevel, text);
	snprintf(text, sizeof text, "%s: display %u (%ux%u)", w->label,
		 info->index, info->width, info->height);
	xdg_toplevel_set_title(c->toplevel, text);
	start_mapping(c);
	return c;
}

void
wl_connector_remove(void *data)
{
	struct wl_connector *c = data;
	struct wl_flip *flip, *tmp;

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
	xdg_toplevel_destroy(c->toplevel);
	xdg_surface_destroy(c->xdg_surface);
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
	xd_event_source_timer_update(c->fallback, FLIP_FALLBACK_MS);
	return 0;
}
