/* SPDX-License-Identifier: MIT */
/*
 * The contract between the Wayland half, which receives the user's input
 * while a guest's surface has the seat's focus, and the kbdif half, which
 * hands it to the guest's virtual keyboard and pointer devices. As with
 * display-sink.h, neither side sees the other's objects: input arrives
 * here already in the pixels of the guest's own picture.
 */

#ifndef XD_INPUT_SINK_H
#define XD_INPUT_SINK_H

#include <stdbool.h>
#include <stdint.h>

/* Touch contacts a guest can hold at once (kbdif's contact ids). */
#define XD_MAX_TOUCH_CONTACTS 10

enum xd_input_kind {
	XD_INPUT_KEY,		/* code: KEY_* (evdev), pressed */
	XD_INPUT_BUTTON,	/* code: BTN_*, pressed */
	XD_INPUT_MOTION,	/* x, y */
	XD_INPUT_WHEEL,		/* steps: > 0 towards the user (down) */
	XD_INPUT_TOUCH_DOWN,	/* contact, x, y */
	XD_INPUT_TOUCH_MOTION,	/* contact, x, y */
	XD_INPUT_TOUCH_UP,	/* contact */
	XD_INPUT_TOUCH_FRAME,	/* the touches so far belong together */
};

struct xd_input_event {
	enum xd_input_kind kind;
	/* The connector the input is for: it holds the focus. */
	uint32_t connector;
	const char *unique_id;
	/* The picture the guest shows there, in its own pixels; x and y
	 * are inside it, 0 <= x < width. */
	uint32_t width;
	uint32_t height;
	int32_t x;
	int32_t y;
	uint32_t code;
	bool pressed;
	int32_t steps;
	uint32_t contact;	/* < XD_MAX_TOUCH_CONTACTS */
};

typedef void (*xd_input_handler_t)(void *data,
				   const struct xd_input_event *event);

#endif
