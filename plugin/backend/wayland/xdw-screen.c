/* SPDX-License-Identifier: MIT */
/*
 * One guest connector shown as a screen: a surface (xdw-surface.c) and its
 * flips in flight (xdw-flip.c). SET_CONFIG and PG_FLIP name the fb to
 * show; the commit here joins its wl_buffer, the surface and, for a flip,
 * its frame callback and the fb it replaces (xdw-flip.c). Until the shell first configured
 * the surface, what the guest shows waits, and is committed then.
 *
 * On the copy path the compositor may still hold every copy of the fb to
 * show (it repaints slower than the guest flips): the newest fb then
 * waits for a copy's release and is committed at it, with the newest flip;
 * a flip that comes meanwhile replaces the waiting one, which completes
 * unshown. The guest is paced to the compositor, never refused.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xdw-internal.h"

/* A few repaints of a software renderer under load (under TCG in the rig
 * one takes hundreds of ms); the guest is gone, only its memory waits for
 * this, and the module gives an exiting backend more. */
#define BLANK_WAIT_MS 1500

/* The fbs a screen committed last that keep a spare copy. */
#define KEPT_FBS 3

struct xdw_screen {
	struct xd_wayland *wayland;
	struct xdw_surface surface;
	struct xdw_flip_queue flips;
	uint64_t shown;			/* cookie of the fb on screen, or 0 */
	bool show_pending;		/* show 'shown' once configured */
	bool shown_zero_copy;		/* the compositor reads guest memory */
	uint64_t attached;		/* serial of the fb attached last */
	/* Waits for a copy of 'shown' while the compositor holds them all. */
	struct xdw_fb_waiter copy_wait;
	/* The serials of the fbs committed last, newest first, which keep
	 * a spare copy each (xdw_fb_keep()); 0: none. */
	uint64_t kept[KEPT_FBS];
};

/* fb is committed: it and the ones before keep their spare copies (a
 * double- or triple-buffering guest on the copy path reuses them). */
static void
keep_fb(struct xdw_screen *sc, struct xdw_fb *fb)
{
	struct xdw_fb *old;
	int at;

	for (at = 0; at < KEPT_FBS; at++)
		if (sc->kept[at] == fb->serial)
			break;
	if (at == KEPT_FBS) {
		/* New: the oldest lets go of its spare. */
		at = KEPT_FBS - 1;
		old = xdw_fb_find_serial(sc->wayland, sc->kept[at]);
		if (old)
			xdw_fb_keep(old, false);
		xdw_fb_keep(fb, true);
	}
	memmove(&sc->kept[1], &sc->kept[0], at * sizeof sc->kept[0]);
	sc->kept[0] = fb->serial;
}

static void
keep_none(struct xdw_screen *sc)
{
	struct xdw_fb *fb;
	int i;

	for (i = 0; i < KEPT_FBS; i++) {
		fb = xdw_fb_find_serial(sc->wayland, sc->kept[i]);
		if (fb)
			xdw_fb_keep(fb, false);
		sc->kept[i] = 0;
	}
}

/* The surface lets go of the fb attached to it: that fb if no other
 * screen shows it either (its buffer's release is then this screen's
 * doing), else NULL. */
static struct xdw_fb *
detach_fb(struct xdw_screen *sc)
{
	struct xdw_fb *fb = xdw_fb_find_serial(sc->wayland, sc->attached);

	sc->attached = 0;
	if (!fb)
		return NULL;
	fb->on_screens--;
	return fb->on_screens == 0 ? fb : NULL;
}

static bool
waiting_for_copy(struct xdw_screen *sc)
{
	return !wl_list_empty(&sc->copy_wait.link);
}

/* Commits the fb 'shown' (or nothing); with a flip, asks for feedback.
 * -EBUSY: the compositor holds every copy of that fb; the screen waits
 * for one and commits then (copy_freed()). */
static int
commit_shown(struct xdw_screen *sc, struct xdw_flip *flip)
{
	struct xdw_surface *s = &sc->surface;
	struct xdw_fb *replaced = NULL;
	struct wl_buffer *buffer;
	struct xdw_fb *fb;
	int ret;

	if (sc->shown) {
		fb = xdw_fb_find(sc->wayland, sc->shown);
		if (!fb)
			return -ENOENT;
		ret = xdw_fb_get_buffer(fb, &buffer);
		if (ret == -EBUSY)
			xdw_fb_wait(fb, &sc->copy_wait);
		if (ret < 0)
			return ret;
		/* What it waited for, if anything, is older than this. */
		xdw_fb_wait_cancel(&sc->copy_wait);
		keep_fb(sc, fb);
		sc->shown_zero_copy = fb->dmabuf_buffer != NULL;
		if (sc->attached != fb->serial) {
			replaced = detach_fb(sc);
			fb->on_screens++;
			sc->attached = fb->serial;
		}
		xdw_surface_attach(s, buffer, fb->fb.width, fb->fb.height);
	}
	if (flip)
		xdw_flip_watch(flip, s->surface, !sc->shown_zero_copy,
			       replaced);
	wl_surface_commit(s->surface);
	return 0;
}

/* The compositor released a copy of the fb 'shown': the newest frame goes
 * out with the flip that waited for it (none if the fallback completed
 * it meanwhile). */
static void
copy_freed(struct xdw_fb_waiter *waiter)
{
	struct xdw_screen *sc = wl_container_of(waiter, sc, copy_wait);

	commit_shown(sc, xdw_flip_queue_unwatched(&sc->flips));
}

static void
surface_configured(struct xdw_surface *s, bool first)
{
	struct xdw_screen *sc = wl_container_of(s, sc, surface);

	if (!first) {
		/* A new size limit: the picture is fitted again. */
		if (sc->shown)
			commit_shown(sc, NULL);
		return;
	}
	if (sc->show_pending) {
		/* A flip that came before the surface could show it
		 * completes with this first frame. */
		sc->show_pending = false;
		commit_shown(sc, xdw_flip_queue_unwatched(&sc->flips));
	}
}

void *
xdw_screen_add(void *sink, const struct xd_display_source *source,
	       const struct xd_connector_info *info)
{
	struct xd_wayland *w = sink;
	struct xdw_screen *sc = calloc(1, sizeof *sc);

	if (!sc)
		return NULL;
	sc->wayland = w;
	wl_list_init(&sc->copy_wait.link);
	sc->copy_wait.notify = copy_freed;
	if (xdw_flip_queue_init(&sc->flips, w, info->index, source) < 0) {
		free(sc);
		return NULL;
	}
	if (xdw_surface_init(&sc->surface, w, info, surface_configured) < 0) {
		xdw_flip_queue_fini(&sc->flips);
		free(sc);
		return NULL;
	}
	/* The module's object for the connector takes its frame stats. */
	sc->flips.stats_to = sc->surface.module_connector;
	return sc;
}

void
xdw_screen_remove(void *data)
{
	struct xdw_screen *sc = data;

	/* Keys and buttons the guest saw pressed are released first. */
	xdw_input_forget(sc->wayland, &sc->surface.target);
	xdw_fb_wait_cancel(&sc->copy_wait);
	xdw_flip_queue_fini(&sc->flips);
	keep_none(sc);
	detach_fb(sc);
	/* Only a frame the compositor sampled from the guest's memory can
	 * keep it mapped there; copies are ours. */
	if (sc->shown && sc->shown_zero_copy)
		xdw_blank_and_wait(sc->wayland, sc->surface.surface,
				   BLANK_WAIT_MS);
	xdw_surface_fini(&sc->surface);
	free(sc);
}

int
xdw_screen_set_config(void *data, const struct xd_fb *fb)
{
	struct xdw_screen *sc = data;
	uint64_t before = sc->shown;
	int ret;

	if (!fb) {
		/* Display off: unmap, and get ready to map again. */
		sc->shown = 0;
		sc->show_pending = false;
		xdw_fb_wait_cancel(&sc->copy_wait);
		xdw_surface_unmap(&sc->surface);
		detach_fb(sc);
		keep_none(sc);
		return 0;
	}
	if (!xdw_fb_find(sc->wayland, fb->cookie))
		return -ENOENT;
	sc->shown = fb->cookie;
	if (!sc->surface.configured) {
		sc->show_pending = true;
		return 0;
	}
	ret = commit_shown(sc, NULL);
	/* Every copy held: shown at the next release. */
	if (ret == -EBUSY)
		return 0;
	/* Refused (no copy within the guest's budget): the screen keeps
	 * what it showed. */
	if (ret < 0)
		sc->shown = before;
	return ret;
}

int
xdw_screen_page_flip(void *data, const struct xd_fb *fb)
{
	struct xdw_screen *sc = data;
	struct xdw_flip *flip, *replaced = NULL;
	uint64_t before;
	int ret = 0;

	if (!xdw_fb_find(sc->wayland, fb->cookie))
		return -ENOENT;
	/* The flip waiting for a copy, if any: this one replaces it. */
	if (waiting_for_copy(sc))
		replaced = xdw_flip_queue_unwatched(&sc->flips);
	flip = xdw_flip_new(&sc->flips, fb->cookie);
	if (!flip)
		return -ENOMEM;
	before = sc->shown;
	sc->shown = fb->cookie;
	if (!sc->surface.configured)
		/* Shown once mapped; the fallback completes the flip. */
		sc->show_pending = true;
	else
		ret = commit_shown(sc, flip);
	/* Every copy held: the flip waits for a release and completes as
	 * any other, presented or at the fallback; the guest is paced, as a
	 * client of a slow compositor is, not refused. */
	if (ret == -EBUSY)
		ret = 0;
	if (ret < 0) {
		sc->shown = before;
		xdw_flip_cancel(flip);
		return ret;
	}
	if (replaced)
		xdw_flip_skip(replaced);
	xdw_flip_accept(flip);
	return 0;
}

int
xdw_screen_preferred_mode(void *data, uint32_t *width, uint32_t *height,
			  uint32_t *refresh_mhz)
{
	struct xdw_screen *sc = data;

	return xdw_surface_preferred_mode(&sc->surface, width, height,
					  refresh_mhz);
}
