/* SPDX-License-Identifier: MIT */
/*
 * Guests' names rendered as pixels: the module launches
 * xen-display-labeler (plugin/labeler/), a trusted Wayland client that
 * shapes and renders text with Pango, and alone lets it bind
 * xen_display_labeler_v1. A label is asked for with its text and colour;
 * its surface comes back from the labeler with the label role, ready for
 * views (guest-frame.c). The labeler is restarted if it dies, and asked
 * again for every live label.
 */

#ifndef XD_LABEL_SERVICE_H
#define XD_LABEL_SERVICE_H

#include <stdint.h>

struct weston_surface;
struct xd_module;
struct xd_label_service;
struct xd_label;

struct xd_label_service *
xd_label_service_create(struct xd_module *module);

void
xd_label_service_destroy(struct xd_label_service *service);

/* Asks for text on background (0xAARRGGBB), XD_LABEL_HEIGHT tall.
 * changed(data) is called whenever the label's surface appears or goes
 * (the labeler died). NULL when out of memory. */
struct xd_label *
xd_label_create(struct xd_label_service *service, const char *text,
		uint32_t background, void (*changed)(void *data), void *data);

void
xd_label_destroy(struct xd_label *label);

/* The rendered label, or NULL while there is none. */
struct weston_surface *
xd_label_surface(struct xd_label *label);

#endif
