/* SPDX-License-Identifier: MIT */
/*
 * A screen's wl_surface and where it goes. Launched by xen-display.so, the
 * backend asks the module how to place each guest connector: pinned (the
 * module puts the surface on an output itself; no role, no handshake) or
 * as a window. A window is an xdg toplevel; when the shell makes it
 * fullscreen or maximized, its size is a limit the viewport scales the
 * guest's picture down to.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "viewporter-client-protocol.h"
#include "xdg-shell-client-protocol.h"
#include "xdw-internal.h"
#include "xen-display-private-v1-client-protocol.h"

/* What input maps its coordinates by: the picture, and its size on
 * screen. */
static void
update_target(struct xdw_surface *s)
{
	s->target.width = s->shown_w ? s->shown_w : s->mode_w;
	s->target.height = s->shown_w ? s->shown_h : s->mode_h;
	s->target.surface_w = s->dest_w;
	s->target.surface_h = s->dest_h;
}

/* A fullscreen or maximized toplevel must not be larger than the size the
 * shell configured (kiosk-shell disconnects a client that is): a guest
 * mode larger than that is scaled down, aspect kept. Never scaled up: the
 * shell centres a smaller one. */
static void
fit_viewport(struct xdw_surface *s)
{
	int32_t w = s->shown_w, h = s->shown_h, dest_w = 0, dest_h = 0;

	if (!s->viewport || !w || !h)
		return;
	if (s->bound_w > 0 && s->bound_h > 0 &&
	    (w > s->bound_w || h > s->bound_h)) {
		if ((int64_t)w * s->bound_h > (int64_t)h * s->bound_w) {
			h = (int32_t)((int64_t)h * s->bound_w / w);
			w = s->bound_w;
		} else {
			w = (int32_t)((int64_t)w * s->bound_h / h);
			h = s->bound_h;
		}
		dest_w = w > 0 ? w : 1;
		dest_h = h > 0 ? h : 1;
	}
	/* Viewport state stays until changed: sent per flip, it would cost
	 * a request and the compositor's work on it each time. */
	if (s->viewport_sent && dest_w == s->dest_w && dest_h == s->dest_h)
		return;
	s->dest_w = dest_w;
	s->dest_h = dest_h;
	s->viewport_sent = true;
	wp_viewport_set_destination(s->viewport, dest_w ? dest_w : -1,
				    dest_h ? dest_h : -1);
}

void
xdw_surface_attach(struct xdw_surface *s, struct wl_buffer *buffer,
		   uint32_t width, uint32_t height)
{
	s->shown_w = width;
	s->shown_h = height;
	fit_viewport(s);
	update_target(s);
	wl_surface_attach(s->surface, buffer, 0, 0);
	wl_surface_damage_buffer(s->surface, 0, 0, INT32_MAX, INT32_MAX);
}

static void
xdg_surface_configure(void *data, struct xdg_surface *xdg_surface,
		      uint32_t serial)
{
	struct xdw_surface *s = data;
	bool bound_changed;

	xdg_surface_ack_configure(xdg_surface, serial);
	bound_changed = s->pending_w != s->bound_w ||
			s->pending_h != s->bound_h;
	s->bound_w = s->pending_w;
	s->bound_h = s->pending_h;
	if (s->configured) {
		if (bound_changed)
			s->on_configure(s, false);
		return;
	}
	s->configured = true;
	s->on_configure(s, true);
}

static const struct xdg_surface_listener xdg_surface_listener = {
	xdg_surface_configure,
};

static void
toplevel_configure(void *data, struct xdg_toplevel *toplevel, int32_t w,
		   int32_t h, struct wl_array *states)
{
	struct xdw_surface *s = data;
	uint32_t *state;
	bool bounded = false;

	/* The guest's mode decides the size, unless the shell made us
	 * fullscreen or maximized: then its size is a limit. */
	wl_array_for_each(state, states)
		if (*state == XDG_TOPLEVEL_STATE_FULLSCREEN ||
		    *state == XDG_TOPLEVEL_STATE_MAXIMIZED)
			bounded = true;
	s->pending_w = bounded ? w : 0;
	s->pending_h = bounded ? h : 0;
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
start_mapping(struct xdw_surface *s)
{
	if (s->pinned) {
		s->configured = true;
		return;
	}
	s->configured = false;
	wl_surface_commit(s->surface);
}

void
xdw_surface_unmap(struct xdw_surface *s)
{
	s->shown_w = s->shown_h = 0;
	update_target(s);
	if (!s->configured)
		return;
	wl_surface_attach(s->surface, NULL, 0, 0);
	wl_surface_commit(s->surface);
	start_mapping(s);
}

static void
module_placement(void *data, struct xen_display_connector_v1 *mc,
		 uint32_t placement)
{
	struct xdw_surface *s = data;

	s->pinned = placement == XEN_DISPLAY_CONNECTOR_V1_PLACEMENT_PINNED;
	s->placement_known = true;
}

static void
module_output_mode(void *data, struct xen_display_connector_v1 *mc,
		   int32_t width, int32_t height, int32_t refresh)
{
	struct xdw_surface *s = data;

	/* The module sends sane modes; bound them anyway, a zero size
	 * means the output is gone. */
	if (width <= 0 || height <= 0 || refresh < 0) {
		memset(s->output_mode, 0, sizeof s->output_mode);
		return;
	}
	s->output_mode[0] = (uint32_t)width;
	s->output_mode[1] = (uint32_t)height;
	s->output_mode[2] = refresh > 0 ? (uint32_t)refresh : 60000;
	xd_log("connector %u: offering the guest its output's mode "
	       "%dx%d@%d.%03d\n", s->target.index, width, height,
	       s->output_mode[2] / 1000, s->output_mode[2] % 1000);
}

static const struct xen_display_connector_v1_listener module_listener = {
	module_placement, module_output_mode,
};

int
xdw_surface_preferred_mode(struct xdw_surface *s, uint32_t *width,
			   uint32_t *height, uint32_t *refresh_mhz)
{
	if (!s->output_mode[0])
		return -ENOENT;
	*width = s->output_mode[0];
	*height = s->output_mode[1];
	*refresh_mhz = s->output_mode[2];
	return 0;
}

/* Asks the module how to show the connector; waits for its answer. */
static void
ask_placement(struct xdw_surface *s, const struct xd_connector_info *info)
{
	struct xd_wayland *w = s->wayland;
	struct xen_display_connector_v1 *mc;

	mc = xen_display_manager_v1_get_connector(w->manager, w->domid,
						  w->label, info->index,
						  info->width, info->height);
	wl_proxy_set_queue((struct wl_proxy *)mc, w->import_queue);
	xen_display_connector_v1_add_listener(mc, &module_listener, s);
	while (!s->placement_known)
		if (wl_display_roundtrip_queue(w->display,
					       w->import_queue) < 0)
			break;
	wl_proxy_set_queue((struct wl_proxy *)mc, NULL);
	s->module_connector = mc;
}

static void
make_toplevel(struct xdw_surface *s, const struct xd_connector_info *info)
{
	struct xd_wayland *w = s->wayland;
	char text[256];

	s->xdg_surface = xdg_wm_base_get_xdg_surface(w->wm_base, s->surface);
	xdg_surface_add_listener(s->xdg_surface, &xdg_surface_listener, s);
	s->toplevel = xdg_surface_get_toplevel(s->xdg_surface);
	xdg_toplevel_add_listener(s->toplevel, &toplevel_listener, s);
	if (w->viewporter)
		s->viewport = wp_viewporter_get_viewport(w->viewporter,
							 s->surface);
	snprintf(text, sizeof text, "xen-display.%s.%u", w->label,
		 info->index);
	xdg_toplevel_set_app_id(s->toplevel, text);
	snprintf(text, sizeof text, "%s: display %u (%ux%u)", w->label,
		 info->index, info->width, info->height);
	xdg_toplevel_set_title(s->toplevel, text);
}

int
xdw_surface_init(struct xdw_surface *s, struct xd_wayland *w,
		 const struct xd_connector_info *info,
		 void (*on_configure)(struct xdw_surface *surface, bool first))
{
	memset(s, 0, sizeof *s);
	s->unique_id = strdup(info->unique_id);
	if (!s->unique_id)
		return -ENOMEM;
	s->wayland = w;
	s->on_configure = on_configure;
	s->mode_w = info->width;
	s->mode_h = info->height;
	s->target.wayland = w;
	s->target.index = info->index;
	s->target.unique_id = s->unique_id;
	update_target(s);
	s->surface = wl_compositor_create_surface(w->compositor);
	/* Input events name the surface: this finds the connector. */
	wl_surface_set_user_data(s->surface, &s->target);
	if (w->manager)
		ask_placement(s, info);
	if (s->pinned)
		xen_display_connector_v1_set_surface(s->module_connector,
						     s->surface);
	else
		make_toplevel(s, info);
	start_mapping(s);
	return 0;
}

void
xdw_surface_fini(struct xdw_surface *s)
{
	if (s->viewport)
		wp_viewport_destroy(s->viewport);
	if (s->toplevel)
		xdg_toplevel_destroy(s->toplevel);
	if (s->xdg_surface)
		xdg_surface_destroy(s->xdg_surface);
	if (s->module_connector)
		xen_display_connector_v1_destroy(s->module_connector);
	wl_surface_destroy(s->surface);
	free(s->unique_id);
}
