/* SPDX-License-Identifier: MIT */
/*
 * Guest connectors pinned to an output: surfaces with the xen-display role,
 * in the module's own layer, placed from weston.ini (fullscreen, scale or
 * position), whichever shell runs. They follow outputs that come and go.
 */

#ifndef XD_PINNED_SURFACE_H
#define XD_PINNED_SURFACE_H

#include <libweston/libweston.h>

struct xd_placement;
struct xd_pinned_layer;

/* The enabled output called name, or NULL. */
struct weston_output *
xd_output_find(struct weston_compositor *compositor, const char *name);

struct xd_pinned_layer *
xd_pinned_layer_create(struct weston_compositor *compositor);

void
xd_pinned_layer_destroy(struct xd_pinned_layer *layer);

/* Gives surface the role; it is placed as placement says whenever it is
 * committed with content. Posts a protocol error on error_resource and
 * returns -1 when the surface has another role. output_changed is called
 * with the output the connector is now shown on, or NULL when gone. */
int
xd_pinned_surface_create(struct xd_pinned_layer *layer,
			 struct weston_surface *surface,
			 const struct xd_placement *placement,
			 struct wl_resource *error_resource,
			 void (*output_changed)(void *data,
						struct weston_output *output),
			 void *data);

/* Whether view shows one of the layer's pinned surfaces. */
bool
xd_pinned_layer_owns(struct xd_pinned_layer *layer, struct weston_view *view);

/* The connector object went away: the surface loses its placement. */
void
xd_pinned_surface_forget(struct xd_pinned_layer *layer, void *data);

#endif
