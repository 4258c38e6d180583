/* SPDX-License-Identifier: MIT */
/*
 * Guest input end to end: simulated xen-kbdfront devices (xd-sim) served
 * by the module-launched backends, in a Weston whose input comes from
 * where a user's would.
 *
 *   test-input-sim CASE | --list        (a case is an XD_TEST below)
 *
 *   vkbd-connect   the features a frontend finds and the coordinate
 *                  range it gets, for bound and unbound devices
 *   vkbd-hostile   a frontend publishing a bad event page is refused;
 *                  its guest's display goes on
 *
 * The others inject input the way a user's devices give it to Weston:
 * through its VNC backend, with our RFB client (doc/testing.md).
 *
 *   position       pointer, click, key and wheel on a guest pinned 1:1
 *   scale          the same on a guest scaled to half its size
 *   relative       a frontend that asked for relative motion
 *   focus-switch   clicking another guest moves the keyboard: the first
 *                  gets its held key released, nothing more
 *   release-key    the configured release key takes the keyboard from
 *                  the guest, which never sees it
 *   kiosk-reconnect-no-keyboard  under kiosk-shell a guest that appears
 *                  and reconnects again and again never takes the
 *                  keyboard from the window that has it; a click gives it
 *   desktop-reconnect-no-keyboard  the same under desktop-shell, the
 *                  guest a window the shell gives the keyboard as it maps
 *   ring-corrupt   a guest lying about its event ring loses its vkbd,
 *                  not its display
 */

#include <linux/input-event-codes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wayland-client.h>

#include "harness/harness.h"
#include "harness/rfb-client.h"
#include "sim/sim-process.h"

#define W 320
#define H 240
#define SIM_MS 15000

#define XK_a 0x0061
#define XK_b 0x0062
#define XK_Control_L 0xffe3
#define XK_Alt_L 0xffe9
#define NO_MORE_MS 500
#define WAIT_MS 10000		/* below SIM_MS: the answer comes in time */

static struct xd_sim_process *sim;
static struct xd_weston *weston;
static struct xd_rfb *rfb;

static void
stop_all(void)
{
	if (sim)
		xd_sim_process_stop(sim);
}

static void
start(const struct xd_weston_options *base, const char *placements)
{
	struct xd_weston_options opt = *base;
	char dir[] = "/tmp/xd-input-sim-XXXXXX";
	char *config;

	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	sim = xd_sim_process_start(dir);
	atexit(stop_all);
	XD_ASSERT(asprintf(&config, "[xen-display]\nxen=sim:%s\nbackend=%s\n"
			   "sandbox-path=%s\n%s", sim->socket, XD_BACKEND_PATH,
			   XD_SANDBOX_PATH,
			   placements) > 0, "asprintf");
	opt.config = config;
	opt.load_module = true;
	weston = xd_weston_start(&opt);
	free(config);
	XD_ASSERT(xd_weston_wait_log(weston, "watching", 10000),
		  "module does not watch the simulator's XenStore");
}

static void
start_headless(const char *placements)
{
	struct xd_weston_options opt = { .width = W, .height = H };

	start(&opt, placements);
}

/* Weston on its VNC backend, one output of w x h named "vnc", with a VNC
 * client connected (the backend has a seat only while one is). */
static void
start_vnc(int w, int h, const char *placements)
{
	struct xd_weston_options opt = {
		.backend = "vnc",
		.renderer = "pixman",
		.width = w,
		.height = h,
	};

	start(&opt, placements);
	rfb = xd_rfb_connect("127.0.0.1", weston->vnc_port, weston->vnc_user,
			     weston->vnc_password);
}

/* A guest with one connector of w x h, shown, and a vkbd bound to it. */
static void
guest_with_vkbd(uint32_t domid, const char *name, int w, int h,
		const char *mode)
{
	xd_sim_ok(sim, SIM_MS, "guest %u %s %dx%d", domid, name, w, h);
	xd_sim_ok(sim, SIM_MS, "show %u 0 0", domid);
	xd_sim_ok(sim, SIM_MS, "vkbd %u 0 %s-0 %s", domid, name, mode);
}

/* The guest's vkbd received exactly want (events joined by ';') since
 * the last call; waits for as many as want has, then a moment more for
 * any extra. */
static void
expect_input(uint32_t domid, const char *what, const char *want)
{
	unsigned int n = want[0] ? 1 : 0;
	const char *p, *got;

	for (p = want; *p; p++)
		n += *p == ';';
	xd_rfb_sync(rfb);
	xd_sim_ok(sim, SIM_MS, "input %u 0 %u %d", domid, n,
		  n ? WAIT_MS : NO_MORE_MS);
	got = strchr(sim->line, '|');
	XD_ASSERT(got, "bad answer %s", sim->line);
	got++;
	if (n && strcmp(got, want) == 0) {
		/* Nothing may follow what was expected. */
		xd_sim_ok(sim, SIM_MS, "input %u 0 1 %d", domid, NO_MORE_MS);
		got = strchr(sim->line, '|') + 1;
		XD_ASSERT(!got[0], "%s: dom%u got more than %s: %s", what,
			  domid, want, got);
		return;
	}
	XD_ASSERT(strcmp(got, want) == 0, "%s: dom%u got '%s', want '%s'",
		  what, domid, got, want);
}

static void
click(int x, int y)
{
	xd_rfb_pointer(rfb, x, y, 0);
	xd_rfb_pointer(rfb, x, y, XD_RFB_BUTTON_LEFT);
	xd_rfb_pointer(rfb, x, y, 0);
}

static void
type_key(uint32_t keysym)
{
	xd_rfb_key(rfb, keysym, true);
	xd_rfb_key(rfb, keysym, false);
}

static void
wheel_down(int x, int y)
{
	xd_rfb_pointer(rfb, x, y, XD_RFB_WHEEL_DOWN);
	xd_rfb_pointer(rfb, x, y, 0);
}

/* The value after key in the simulator's last answer. */
static long
answer_field(const char *key)
{
	char pattern[64];
	const char *p;

	snprintf(pattern, sizeof pattern, " %s ", key);
	p = strstr(sim->line, pattern);
	XD_ASSERT(p, "no '%s' in the answer '%s'", key, sim->line);
	return strtol(p + strlen(pattern), NULL, 10);
}

XD_TEST(vkbd_connect)
{
	start_headless("");
	xd_sim_ok(sim, SIM_MS, "guest 1 alpha %dx%d,640x480", W, H);

	/* Bound to the second connector: its mode is the pointer's range;
	 * absolute coordinates and multi-touch are offered. */
	xd_sim_ok(sim, SIM_MS, "vkbd 1 0 alpha-1");
	XD_ASSERT(answer_field("abs") == 1, "%s", sim->line);
	XD_ASSERT(answer_field("width") == 640 &&
		  answer_field("height") == 480, "%s", sim->line);
	XD_ASSERT(answer_field("mt") == 1 && answer_field("contacts") == 10,
		  "%s", sim->line);
	XD_ASSERT(answer_field("mt-width") == 640 &&
		  answer_field("mt-height") == 480, "%s", sim->line);

	/* Unbound: the first connector's range. A frontend that wants
	 * relative motion gets it. */
	xd_sim_ok(sim, SIM_MS, "vkbd 1 1 - rel");
	XD_ASSERT(answer_field("abs") == 0, "%s", sim->line);
	XD_ASSERT(answer_field("width") == W && answer_field("height") == H,
		  "%s", sim->line);

	xd_sim_ok(sim, SIM_MS, "vkbd 1 2 - raw");
	XD_ASSERT(answer_field("raw") == 1, "%s", sim->line);
	XD_ASSERT(xd_weston_wait_log(weston, "vkbd 2 connected: raw absolute",
				     5000), "raw pointer not logged");
}

XD_TEST(vkbd_hostile)
{
	const char *answer;

	start_headless("");
	xd_sim_ok(sim, SIM_MS, "guest 1 alpha %dx%d", W, H);
	answer = xd_sim_command(sim, SIM_MS, "vkbd 1 0 - bad-gref");
	/* XenbusStateClosing: refused, not crashed. */
	XD_ASSERT(strstr(answer, "error") && strstr(answer, "state 5"),
		  "bad page-gref not refused: %s", answer);
	XD_ASSERT(xd_weston_wait_log(weston, "cannot map the event page",
				     5000), "refusal not logged");
	/* The same backend still shows the guest. */
	xd_sim_ok(sim, SIM_MS, "show 1 0 3");
	/* A well-behaved device of the same guest connects. */
	xd_sim_ok(sim, SIM_MS, "vkbd 1 1 alpha-0");
}

/* A 640x480 output with guest 1, "alpha" (W x H), pinned unscaled at
 * (x, y), shown, with a vkbd in mode; globals are weston.ini lines of the
 * module's global section. */
static void
start_alpha_at(int x, int y, const char *globals, const char *mode)
{
	char *config;

	XD_ASSERT(asprintf(&config, "%s[xen-display]\nguest=alpha\n"
			   "output=vnc\nplacement=position\nposition=%d,%d\n",
			   globals, x, y) > 0, "asprintf");
	start_vnc(640, 480, config);
	free(config);
	guest_with_vkbd(1, "alpha", W, H, mode);
}

/* A click at alpha's (10,10), alpha pinned at 0,0: it has the keyboard. */
static void
focus_alpha(void)
{
	click(10, 10);
	expect_input(1, "focus", "pos 10 10 0;key 272 1;key 272 0");
}

/* Pinned 1:1 at (100,50): output pixels minus the position. */
XD_TEST(position)
{
	start_alpha_at(100, 50, "", "abs");
	click(110, 70);
	expect_input(1, "click", "pos 10 20 0;key 272 1;key 272 0");
	xd_rfb_pointer(rfb, 100 + W - 1, 50 + H - 1, 0);
	expect_input(1, "bottom right corner", "pos 319 239 0");
	type_key(XK_a);
	expect_input(1, "key", "key 30 1;key 30 0");
	wheel_down(100 + 40, 50 + 30);
	expect_input(1, "wheel", "pos 40 30 0;pos 40 30 1");
	/* Off the guest: nothing. */
	xd_rfb_pointer(rfb, 10, 10, 0);
	click(10, 10);
	expect_input(1, "outside", "");
}

/* 640x480 scaled into a 320x240 output: half size, at 0,0. */
XD_TEST(scale)
{
	start_vnc(W, H, "[xen-display]\nguest=beta\noutput=vnc\n"
		  "placement=scale\n");
	guest_with_vkbd(1, "beta", 640, 480, "abs");
	click(100, 60);
	expect_input(1, "click", "pos 200 120 0;key 272 1;key 272 0");
	xd_rfb_pointer(rfb, 25, 201, 0);
	expect_input(1, "motion", "pos 50 402 0");
	type_key(XK_b);
	expect_input(1, "key", "key 48 1;key 48 0");
}

XD_TEST(relative)
{
	start_alpha_at(100, 50, "", "rel");
	xd_rfb_pointer(rfb, 110, 70, 0);
	xd_rfb_pointer(rfb, 115, 76, 0);
	xd_rfb_pointer(rfb, 105, 60, 0);
	expect_input(1, "relative motion",
		     "motion 0 0 0;motion 5 6 0;motion -10 -16 0");
}

/* Two guests side by side on a 640x240 output. */
XD_TEST(focus_switch)
{
	start_vnc(2 * W, H,
		  "[xen-display]\nguest=alpha\noutput=vnc\n"
		  "placement=position\nposition=0,0\n"
		  "[xen-display]\nguest=beta\noutput=vnc\n"
		  "placement=position\nposition=320,0\n");
	guest_with_vkbd(1, "alpha", W, H, "abs");
	guest_with_vkbd(2, "beta", W, H, "abs");
	click(10, 10);
	xd_rfb_key(rfb, XK_a, true);
	expect_input(1, "alpha focused", "pos 10 10 0;key 272 1;key 272 0;"
		     "key 30 1");
	/* The held key is released in alpha when beta takes the
	 * keyboard; beta never sees its release. */
	click(W + 20, 30);
	xd_rfb_key(rfb, XK_a, false);
	type_key(XK_b);
	expect_input(1, "alpha left", "key 30 0");
	expect_input(2, "beta focused", "pos 20 30 0;key 272 1;key 272 0;"
		     "key 48 1;key 48 0");
}

/* A configured release key (the default, ctrl+alt+escape, is the rig's
 * guest-input). */
XD_TEST(release_key)
{
	start_alpha_at(0, 0, "release-key=Ctrl+Alt+B\n", "abs");
	focus_alpha();
	xd_rfb_key(rfb, XK_Control_L, true);
	xd_rfb_key(rfb, XK_Alt_L, true);
	type_key(XK_b);
	xd_rfb_key(rfb, XK_Alt_L, false);
	xd_rfb_key(rfb, XK_Control_L, false);
	expect_input(1, "release key", "key 29 1;key 56 1;key 56 0;key 29 0");
	type_key(XK_a);
	expect_input(1, "after the release key", "");
	XD_ASSERT(xd_weston_wait_log(weston, "no longer has the keyboard",
				     1000), "release not logged");
	/* A click gives it back. */
	click(10, 10);
	type_key(XK_a);
	expect_input(1, "clicked again",
		     "key 272 1;key 272 0;key 30 1;key 30 0");
}

XD_TEST(ring_corrupt)
{
	start_alpha_at(0, 0, "", "abs");
	focus_alpha();
	/* in_cons far beyond anything written. */
	xd_sim_ok(sim, SIM_MS, "vkbd-scribble 1 0 1000");
	type_key(XK_a);
	xd_rfb_sync(rfb);
	XD_ASSERT(xd_weston_wait_log(weston, "event ring index out of range",
				     5000), "corrupt ring not caught");
	xd_sim_ok(sim, SIM_MS, "vkbd-state 1 0");
	XD_ASSERT(strstr(sim->line, "state 5") || strstr(sim->line, "state 6"),
		  "vkbd not closed: %s", sim->line);
	/* The display goes on. */
	xd_sim_ok(sim, SIM_MS, "show 1 0 1");
}

/* The guest's vkbd received no key (pointer motion it may: a new
 * surface under the pointer gets its position). */
static void
expect_no_keys(uint32_t domid, const char *what)
{
	const char *got;

	xd_rfb_sync(rfb);
	xd_sim_ok(sim, SIM_MS, "input %u 0 1 %d", domid, NO_MORE_MS);
	got = strchr(sim->line, '|');
	XD_ASSERT(got, "bad answer %s", sim->line);
	XD_ASSERT(!strstr(got, "key "), "%s: dom%u got keys: %s", what, domid,
		  got + 1);
}

/* The client display's window got the key pressed and released since
 * the last call (the input was synced by expect_input()). */
static void
expect_window_key(struct wl_display *display, struct xd_seat_recorder *rec,
		  const char *what, uint32_t code)
{
	const struct xd_seat_event *ev;
	bool pressed = false, released = false;
	int i, n;

	XD_ASSERT(wl_display_roundtrip(display) >= 0, "weston is gone");
	ev = xd_seat_recorder_events(rec, &n);
	for (i = 0; i < n; i++) {
		if (ev[i].kind != XD_SEAT_KEY || ev[i].code != code)
			continue;
		if (ev[i].state == WL_KEYBOARD_KEY_STATE_PRESSED)
			pressed = true;
		else
			released = true;
	}
	XD_ASSERT(pressed && released, "%s: the focused window did not get "
		  "key %u (pressed %d, released %d)", what, code, pressed,
		  released);
	xd_seat_recorder_clear(rec);
}

/* Under kiosk-shell a guest without a section is pinned where kiosk-shell
 * would put its window. Neither its first display nor a reconnect, over
 * and over, takes the keyboard from the client that has it; the user's
 * click on the guest gives it. */
XD_TEST(kiosk_reconnect_no_keyboard)
{
	struct wl_display *display;
	struct xd_seat_recorder *rec;
	struct xd_test_window *window;
	char what[64];
	int i;

	start_vnc(W, H, "");
	display = xd_weston_connect(weston);
	rec = xd_seat_recorder_create(display, WAIT_MS);
	/* kiosk-shell gives its window the keyboard. */
	window = xd_test_window_create(display, W, H, 0x00ff00, XD_BUFFER_SHM);
	guest_with_vkbd(1, "alpha", W, H, "abs");
	for (i = 0; i < 5; i++) {
		if (i > 0) {
			/* Initialising -> Initialised, a new connector,
			 * its first SET_CONFIG. */
			xd_sim_ok(sim, SIM_MS, "reboot 1");
			xd_sim_ok(sim, SIM_MS, "show 1 0 %d", i);
		}
		snprintf(what, sizeof what, "after %d reconnects", i);
		type_key(XK_a);
		expect_no_keys(1, what);
		expect_window_key(display, rec, what, KEY_A);
	}
	xd_rfb_pointer(rfb, 10, 10, 0);
	expect_no_keys(1, "pointer moved");
	click(10, 10);
	type_key(XK_a);
	expect_input(1, "clicked", "key 272 1;key 272 0;key 30 1;key 30 0");
	xd_test_window_destroy(window);
	xd_seat_recorder_destroy(rec);
	wl_display_disconnect(display);
}

/* The same under desktop-shell, where a guest without a section is a
 * window: the shell gives each new window the keyboard as it maps, and
 * the module takes it back from a guest's window that got it so. A
 * click on the window (the shell's activation) gives it the keyboard. */
XD_TEST(desktop_reconnect_no_keyboard)
{
	struct xd_weston_options opt = {
		.backend = "vnc",
		.renderer = "pixman",
		.shell = "desktop",
		.width = W,
		.height = H,
	};
	struct wl_display *display;
	struct xd_seat_recorder *rec;
	struct xd_test_window *window;
	const char *got;
	char what[64];
	int i;

	start(&opt, "");
	rfb = xd_rfb_connect("127.0.0.1", weston->vnc_port, weston->vnc_user,
			     weston->vnc_password);
	display = xd_weston_connect(weston);
	rec = xd_seat_recorder_create(display, WAIT_MS);
	window = xd_test_window_create(display, W, H, 0x00ff00, XD_BUFFER_SHM);
	guest_with_vkbd(1, "alpha", W, H, "abs");
	for (i = 0; i < 5; i++) {
		if (i > 0) {
			xd_sim_ok(sim, SIM_MS, "reboot 1");
			xd_sim_ok(sim, SIM_MS, "show 1 0 %d", i);
		}
		snprintf(what, sizeof what, "after %d reconnects", i);
		type_key(XK_a);
		expect_no_keys(1, what);
		expect_window_key(display, rec, what, KEY_A);
	}
	XD_ASSERT(xd_weston_wait_log(weston, "alpha: its new surface was given "
				     "the keyboard without the user's action",
				     1000), "the undone activation not logged");
	/* The guest's window, the last mapped, lies on top, below the
	 * panel. */
	click(W / 2, H / 2);
	type_key(XK_a);
	xd_rfb_sync(rfb);
	xd_sim_ok(sim, SIM_MS, "input 1 0 100 %d", NO_MORE_MS);
	got = strchr(sim->line, '|');
	XD_ASSERT(got && strstr(got, "key 272 1;key 272 0;key 30 1;key 30 0"),
		  "clicked: dom1 got %s", got ? got + 1 : sim->line);
	xd_test_window_destroy(window);
	xd_seat_recorder_destroy(rec);
	wl_display_disconnect(display);
}

/* After the case: xd_weston_stop() fails it if Weston died during it. */
static void
teardown(void)
{
	if (rfb)
		xd_rfb_close(rfb);
	xd_weston_stop(weston);
}

XD_TEST_TEARDOWN(teardown);
