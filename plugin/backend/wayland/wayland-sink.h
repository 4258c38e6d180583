/* SPDX-License-Identifier: MIT */
/*
 * The Wayland half of the backend process: each guest connector is a
 * wl_surface, each guest framebuffer a wl_buffer (a dma-buf when the
 * compositor can import it, else a copy), and a flip completes when the
 * compositor took the frame into a repaint and released the buffer it
 * replaced.
 */

#ifndef XD_WAYLAND_SINK_H
#define XD_WAYLAND_SINK_H

#include <stdint.h>

#include "display-sink.h"
#include "input-sink.h"

struct xd_event_loop;
struct xd_wayland;

extern const struct xd_display_sink_interface xd_wayland_sink_interface;

/* Connects to the compositor (WAYLAND_SOCKET or WAYLAND_DISPLAY). label
 * names the guest in window titles and logs. NULL when no compositor. */
struct xd_wayland *
xd_wayland_create(struct xd_event_loop *loop, const char *label,
		  uint32_t domid);

void
xd_wayland_destroy(struct xd_wayland *wayland);

/* Call before the loop sleeps: sends what is queued for the compositor.
 * Returns -1 when the compositor connection is gone. */
int
xd_wayland_flush(struct xd_wayland *wayland);

/* Where the input our surfaces receive goes (NULL: nowhere). */
void
xd_wayland_set_input_handler(struct xd_wayland *wayland,
			     xd_input_handler_t handler, void *data);

/* How fb_cookie reaches the compositor: "zero copy" or "copy", or NULL
 * for an unknown fb. For logs and statistics. */
const char *
xd_wayland_fb_path(struct xd_wayland *wayland, uint64_t fb_cookie);

#endif
