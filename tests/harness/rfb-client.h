/* SPDX-License-Identifier: MIT */
/*
 * A small RFB (VNC) client that injects keyboard and pointer input into a
 * test's Weston running the VNC backend, as a user's devices would reach
 * it. See doc/testing.md, "Input through VNC".
 *
 * Every call asserts (XD_ASSERT) on failure and none blocks for longer
 * than XD_RFB_TIMEOUT_MS.
 *
 * Ordering: neatvnc handles one client's messages in the order sent and
 * calls Weston's notify_key/notify_motion/notify_button from its parser,
 * so Weston has queued the Wayland events of every key or pointer message
 * sent before xd_rfb_sync() by the time it returns. A Wayland roundtrip
 * made after it therefore delivers them all to the test's client.
 */

#ifndef XD_RFB_CLIENT_H
#define XD_RFB_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#define XD_RFB_TIMEOUT_MS 10000

/* PointerEvent button mask bits (RFC 6143, 7.5.5). */
#define XD_RFB_BUTTON_LEFT	(1 << 0)
#define XD_RFB_BUTTON_MIDDLE	(1 << 1)
#define XD_RFB_BUTTON_RIGHT	(1 << 2)
#define XD_RFB_WHEEL_UP		(1 << 3)
#define XD_RFB_WHEEL_DOWN	(1 << 4)

struct xd_rfb;
struct xd_image;

/* Connects to host:port, speaks RFB 3.8, authenticates with user and
 * password (Apple-DH, security type 30) and completes ClientInit as a
 * shared client. Retries the whole handshake on what neatvnc 0.9 gets
 * wrong now and then (see rfb-client.c) until XD_RFB_TIMEOUT_MS. */
struct xd_rfb *
xd_rfb_connect(const char *host, int port, const char *user,
	       const char *password);

/* The framebuffer size the server announced: the output's size. */
void
xd_rfb_size(const struct xd_rfb *rfb, int *width, int *height);

/* A KeyEvent: an X keysym pressed (down) or released. */
void
xd_rfb_key(struct xd_rfb *rfb, uint32_t keysym, bool down);

/* A PointerEvent: position in output pixels and the buttons now held
 * (XD_RFB_BUTTON_*, XD_RFB_WHEEL_*; a wheel step is its bit set then
 * cleared). */
void
xd_rfb_pointer(struct xd_rfb *rfb, int x, int y, uint32_t buttons);

/* Returns once the server has handled every message sent before: one
 * FramebufferUpdateRequest answered. */
void
xd_rfb_sync(struct xd_rfb *rfb);

/* What a VNC user sees now: the whole framebuffer, asked for in raw
 * XRGB8888 (the output's pixels; weston_capture_v1 of a VNC output can
 * trip Weston's capture assertion when nothing was damaged). Free with
 * xd_image_destroy(). */
struct xd_image *
xd_rfb_capture(struct xd_rfb *rfb);

void
xd_rfb_close(struct xd_rfb *rfb);

#endif
