/* SPDX-License-Identifier: MIT */
/*
 * Input injected through Weston's VNC backend reaches a client's window
 * exactly: keys (with Shift and Control), pointer positions in the
 * window's own coordinates, buttons and the wheel. The foundation for
 * tests of guest input (kbdif); see doc/testing.md, "Input through VNC".
 */

#include <linux/input-event-codes.h>
#include <string.h>

#include <wayland-client.h>

#include "harness/harness.h"
#include "harness/rfb-client.h"

#define OUTPUT_W 320
#define OUTPUT_H 240
/* Even margins, so that centring lands on whole pixels. */
#define WINDOW_W 160
#define WINDOW_H 120

#define XK_a 0x0061
#define XK_A 0x0041
#define XK_Control_L 0xffe3

/* xkbcommon gives the eight real modifiers fixed indices, in X11 order. */
#define MOD_SHIFT (1u << 0)
#define MOD_CONTROL (1u << 2)

#define MAX_KEYS 16

struct test {
	struct xd_weston *weston;
	struct xd_rfb *rfb;
	struct wl_display *display;
	struct xd_seat_recorder *input;
	struct xd_test_window *window;
	int window_x, window_y;		/* where the shell put it */
};

/* Everything sent so far has reached the client, and is recorded. */
static void
settle(struct test *t)
{
	xd_rfb_sync(t->rfb);
	XD_ASSERT(wl_display_roundtrip(t->display) >= 0, "roundtrip failed");
}

struct key {
	uint32_t code, state;
	uint32_t mods;		/* modifiers depressed when it came */
};

static int
recorded_keys(struct test *t, struct key *keys)
{
	const struct xd_seat_event *e;
	uint32_t mods = 0;
	int count, i, n = 0;

	e = xd_seat_recorder_events(t->input, &count);
	for (i = 0; i < count; i++) {
		if (e[i].kind == XD_SEAT_MODIFIERS)
			mods = e[i].mods_depressed;
		if (e[i].kind != XD_SEAT_KEY)
			continue;
		XD_ASSERT(n < MAX_KEYS, "too many key events");
		keys[n++] = (struct key){ e[i].code, e[i].state, mods };
	}
	return n;
}

/* The keys recorded since the last check are exactly expected. */
static void
expect_keys(struct test *t, const char *what, const struct key *expected,
	    int n_expected)
{
	struct key got[MAX_KEYS];
	int n = recorded_keys(t, got), i;

	for (i = 0; i < n; i++)
		fprintf(stderr, "%s: key %u %s, modifiers 0x%x\n", what,
			got[i].code, got[i].state ? "pressed" : "released",
			got[i].mods);
	XD_ASSERT(n == n_expected, "%s: %d key events, expected %d", what,
		  n, n_expected);
	for (i = 0; i < n; i++)
		XD_ASSERT(got[i].code == expected[i].code &&
			  got[i].state == expected[i].state &&
			  got[i].mods == expected[i].mods,
			  "%s: event %d is key %u state %u modifiers 0x%x, "
			  "expected key %u state %u modifiers 0x%x", what, i,
			  got[i].code, got[i].state, got[i].mods,
			  expected[i].code, expected[i].state,
			  expected[i].mods);
	xd_seat_recorder_clear(t->input);
}

static void
test_keys(struct test *t)
{
	const uint32_t down = WL_KEYBOARD_KEY_STATE_PRESSED;
	const uint32_t up = WL_KEYBOARD_KEY_STATE_RELEASED;
	const struct key plain[] = {
		{ KEY_A, down, 0 }, { KEY_A, up, 0 },
	};
	/* The VNC backend ignores Shift keysyms (RFC 6143 7.5.4) and
	 * wraps a shifted keysym in a Shift press and release. */
	const struct key shifted[] = {
		{ KEY_LEFTSHIFT, down, 0 }, { KEY_A, down, MOD_SHIFT },
		{ KEY_LEFTSHIFT, up, MOD_SHIFT },
		{ KEY_LEFTSHIFT, down, 0 }, { KEY_A, up, MOD_SHIFT },
		{ KEY_LEFTSHIFT, up, MOD_SHIFT },
	};
	const struct key control[] = {
		{ KEY_LEFTCTRL, down, 0 }, { KEY_A, down, MOD_CONTROL },
		{ KEY_A, up, MOD_CONTROL }, { KEY_LEFTCTRL, up, MOD_CONTROL },
	};
	const struct xd_seat_event *e;
	uint32_t mods = ~0u;
	int count, i;

	xd_rfb_key(t->rfb, XK_a, true);
	xd_rfb_key(t->rfb, XK_a, false);
	settle(t);
	expect_keys(t, "a", plain, 2);

	xd_rfb_key(t->rfb, XK_A, true);
	xd_rfb_key(t->rfb, XK_A, false);
	settle(t);
	e = xd_seat_recorder_events(t->input, &count);
	for (i = 0; i < count; i++)
		if (e[i].kind == XD_SEAT_MODIFIERS)
			mods = e[i].mods_depressed;
	XD_ASSERT(mods == 0, "Shift still held after 'A' (0x%x)", mods);
	expect_keys(t, "A", shifted, 6);

	xd_rfb_key(t->rfb, XK_Control_L, true);
	xd_rfb_key(t->rfb, XK_a, true);
	xd_rfb_key(t->rfb, XK_a, false);
	xd_rfb_key(t->rfb, XK_Control_L, false);
	settle(t);
	expect_keys(t, "Control+a", control, 4);
}

/* Moves the pointer to output pixel (x, y) and checks the window got it
 * at (x, y) less its position: in its own coordinates. */
static void
test_motion(struct test *t, int x, int y)
{
	const struct xd_seat_event *e, *last = NULL;
	double want_x = x - t->window_x, want_y = y - t->window_y;
	int count, i;

	xd_rfb_pointer(t->rfb, x, y, 0);
	settle(t);
	e = xd_seat_recorder_events(t->input, &count);
	for (i = 0; i < count; i++) {
		if (e[i].kind == XD_SEAT_POINTER_ENTER)
			XD_ASSERT(e[i].surface ==
				  xd_test_window_surface(t->window),
				  "pointer entered another surface");
		if (e[i].kind == XD_SEAT_POINTER_ENTER ||
		    e[i].kind == XD_SEAT_MOTION)
			last = &e[i];
		XD_ASSERT(e[i].kind != XD_SEAT_POINTER_LEAVE,
			  "pointer left the window");
	}
	XD_ASSERT(last, "no pointer event for output %d,%d", x, y);
	fprintf(stderr, "pointer at output %d,%d: window %.2f,%.2f\n", x, y,
		last->x, last->y);
	XD_ASSERT(last->x == want_x && last->y == want_y,
		  "pointer at output %d,%d arrived at %.2f,%.2f in the window, "
		  "expected %.0f,%.0f", x, y, last->x, last->y, want_x,
		  want_y);
	xd_seat_recorder_clear(t->input);
}

static void
test_button(struct test *t, int x, int y, uint32_t mask, uint32_t button)
{
	const struct xd_seat_event *e;
	uint32_t got[4];
	int count, i, n = 0;

	xd_rfb_pointer(t->rfb, x, y, mask);
	xd_rfb_pointer(t->rfb, x, y, 0);
	settle(t);
	e = xd_seat_recorder_events(t->input, &count);
	for (i = 0; i < count; i++) {
		if (e[i].kind != XD_SEAT_BUTTON)
			continue;
		XD_ASSERT(n < 2 && e[i].code == button,
			  "button mask 0x%x: unexpected button event %u %u",
			  mask, e[i].code, e[i].state);
		got[n++] = e[i].state;
	}
	XD_ASSERT(n == 2 && got[0] == WL_POINTER_BUTTON_STATE_PRESSED &&
		  got[1] == WL_POINTER_BUTTON_STATE_RELEASED,
		  "button mask 0x%x: %d events, not button 0x%x pressed then "
		  "released", mask, n, button);
	xd_seat_recorder_clear(t->input);
}

/* One wheel step: one vertical axis event of the given sign (Wayland's
 * positive is down). */
static void
test_wheel(struct test *t, int x, int y, uint32_t mask, int sign)
{
	const struct xd_seat_event *e;
	int count, i, n = 0;
	double value = 0;

	xd_rfb_pointer(t->rfb, x, y, mask);
	xd_rfb_pointer(t->rfb, x, y, 0);
	settle(t);
	e = xd_seat_recorder_events(t->input, &count);
	for (i = 0; i < count; i++) {
		if (e[i].kind != XD_SEAT_AXIS)
			continue;
		XD_ASSERT(e[i].axis == WL_POINTER_AXIS_VERTICAL_SCROLL,
			  "wheel mask 0x%x: horizontal axis event", mask);
		value = e[i].value;
		n++;
	}
	fprintf(stderr, "wheel mask 0x%x: %d axis events, value %.2f\n",
		mask, n, value);
	XD_ASSERT(n == 1 && value * sign > 0,
		  "wheel mask 0x%x: %d axis events, last value %.2f, expected "
		  "one of sign %d", mask, n, value, sign);
	xd_seat_recorder_clear(t->input);
}

static bool
keyboard_entered(struct test *t)
{
	const struct xd_seat_event *e;
	bool in = false;
	int count, i;

	e = xd_seat_recorder_events(t->input, &count);
	for (i = 0; i < count; i++) {
		if (e[i].kind == XD_SEAT_KEYBOARD_ENTER)
			in = e[i].surface == xd_test_window_surface(t->window);
		if (e[i].kind == XD_SEAT_KEYBOARD_LEAVE)
			in = false;
	}
	return in;
}

int
main(void)
{
	struct xd_weston_options options = {
		.backend = "vnc",
		.renderer = "pixman",
		.width = OUTPUT_W,
		.height = OUTPUT_H,
	};
	struct test t = { 0 };
	int width, height, x0, y0;

	t.weston = xd_weston_start(&options);
	/* The backend's seat and a powered output exist only while a VNC
	 * client is connected: connect first. */
	t.rfb = xd_rfb_connect("127.0.0.1", t.weston->vnc_port,
			       t.weston->vnc_user, t.weston->vnc_password);
	xd_rfb_size(t.rfb, &width, &height);
	XD_ASSERT(width == OUTPUT_W && height == OUTPUT_H,
		  "VNC framebuffer %dx%d, asked %dx%d", width, height,
		  OUTPUT_W, OUTPUT_H);

	t.display = xd_weston_connect(t.weston);
	t.input = xd_seat_recorder_create(t.display, XD_RFB_TIMEOUT_MS);
	t.window = xd_test_window_create(t.display, WINDOW_W, WINDOW_H,
					 0x336699, XD_BUFFER_SHM);
	/* kiosk-shell centres a toplevel smaller than the output. */
	t.window_x = (OUTPUT_W - WINDOW_W) / 2;
	t.window_y = (OUTPUT_H - WINDOW_H) / 2;

	settle(&t);
	XD_ASSERT(keyboard_entered(&t), "the window has no keyboard focus");
	xd_seat_recorder_clear(t.input);

	test_keys(&t);

	x0 = t.window_x;
	y0 = t.window_y;
	test_motion(&t, x0 + 20, y0 + 10);
	test_motion(&t, x0 + WINDOW_W - 1, y0 + WINDOW_H - 1);
	test_motion(&t, x0 + 37, y0 + 81);

	test_button(&t, x0 + 37, y0 + 81, XD_RFB_BUTTON_LEFT, BTN_LEFT);
	test_button(&t, x0 + 37, y0 + 81, XD_RFB_BUTTON_MIDDLE, BTN_MIDDLE);
	test_button(&t, x0 + 37, y0 + 81, XD_RFB_BUTTON_RIGHT, BTN_RIGHT);

	test_wheel(&t, x0 + 37, y0 + 81, XD_RFB_WHEEL_UP, -1);
	test_wheel(&t, x0 + 37, y0 + 81, XD_RFB_WHEEL_DOWN, 1);

	xd_test_window_destroy(t.window);
	xd_seat_recorder_destroy(t.input);
	wl_display_disconnect(t.display);
	xd_rfb_close(t.rfb);
	xd_weston_stop(t.weston);
	return 0;
}
