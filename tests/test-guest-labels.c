/* SPDX-License-Identifier: MIT */
/*
 * Every guest display framed and named by the module (guest-frame.c,
 * label-service.c, the labeler), checked pixel for pixel from
 * screenshots of headless Weston with simulated guests (xd-sim): the
 * frame in the guest's colour all around its picture, the name rendered
 * by label-render.c at its place, the picture itself untouched.
 *
 *   test-guest-labels CASE | --list     (a case is an XD_TEST below)
 *
 *   position-kiosk, position-desktop, position-ivi
 *                  a pinned placement=position: the frame around the
 *                  picture, the name's strip above it, under each shell
 *   fullscreen     a pinned placement=fullscreen: the frame inside the
 *                  output's edges, the name over the picture's corner
 *   scale          the same over a picture scaled to fill its output
 *   two-connectors one guest's two displays, each framed and named
 *   no-room        a name wider than its frame's room is not shown
 *   window         a guest without a section under desktop-shell, a
 *                  window wherever the shell put it: found by its
 *                  picture, framed around it
 *   colors         each guest in its own label-color=, a guest without
 *                  one in the global section's
 *   label-false    label=false: no frame, and a warning in the log
 *   reserved-color label-color=0xffffff (dom0's) refused, logged, the
 *                  default colour used
 *   fake-frame     a guest that draws another guest's frame and name in
 *                  its picture still has its own around it
 *   focus          a click gives the guest the keyboard: the frame
 *                  widens and the name says so; the release key takes
 *                  both back (input through Weston's VNC backend)
 *   window-focus   the same for a window clicked, which the shell
 *                  activates
 *   focus-fullscreen  the same for a fullscreen guest, its frame inset
 *   focus-switch   two guests: only the one with the keyboard shows it,
 *                  and a click on the other moves that
 *   labeler-restart  the labeler killed: started again, names back
 *   remove         a removed guest leaves no frame behind
 *   backend-restart  a killed backend's successor framed and named
 *   hotplug        the guest's output unplugged and back: framed again
 *   forged-name    a backend that names another guest over the private
 *                  protocol is labelled with its own guest's name
 */

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/label-style.h"
#include "harness/harness.h"
#include "harness/rfb-client.h"
#include "label-render.h"
#include "sim/backend-process.h"
#include "sim/sim-pattern.h"
#include "sim/sim-process.h"

#define W 320
#define H 240
#define SIM_MS 15000
#define POLL_MS 10000
#define LH XD_LABEL_HEIGHT
#define RGB(c) ((c) & 0xffffffu)
#define DEFAULT_RGB RGB(XD_LABEL_DEFAULT_COLOR)
/* desktop-shell's panel, in its UI layer above every guest. */
#define PANEL_H 32

#define XK_Escape 0xff1b
#define XK_Control_L 0xffe3
#define XK_Alt_L 0xffe9

static struct xd_sim_process *sim;
static struct xd_weston *weston;
static struct wl_display *display;
static struct xd_rfb *rfb;

static void
stop_all(void)
{
	if (sim)
		xd_sim_process_stop(sim);
}

/* Starts the simulator and Weston (opt without its config) with the
 * module's global section (the simulator, the build tree's backend,
 * sandbox and labeler, then the lines globals) and sections after it. */
static void
start_with(struct xd_weston_options *opt, const char *globals,
	   const char *sections)
{
	char dir[] = "/tmp/xd-guest-labels-XXXXXX";
	char *config;

	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	sim = xd_sim_process_start(dir);
	atexit(stop_all);
	XD_ASSERT(asprintf(&config, "[xen-display]\nxen=sim:%s\n"
			   "backend=" XD_BACKEND_PATH "\n"
			   "sandbox-path=" XD_SANDBOX_PATH "\n"
			   "labeler-path=" XD_LABELER_PATH "\n%s%s",
			   sim->socket, globals, sections) > 0, "asprintf");
	opt->config = config;
	opt->load_module = true;
	if (!opt->extra_env)
		opt->extra_env = "LP_NUM_THREADS=0";
	weston = xd_weston_start(opt);
	free(config);
	display = xd_weston_connect(weston);
	XD_ASSERT(xd_weston_wait_log(weston, "watching", 10000),
		  "module does not watch the simulator's XenStore");
}

/* Headless, outputs "headless" and "headless-2" of W x H side by side. */
static void
start(const char *shell, const char *globals, const char *sections)
{
	struct xd_weston_options opt = {
		.shell = shell,
		.width = W,
		.height = H,
		.outputs = 2,
	};

	start_with(&opt, globals, sections);
}

/* Ctrl+Alt+Escape, the default release key. */
static void
release_key(void)
{
	xd_rfb_key(rfb, XK_Control_L, true);
	xd_rfb_key(rfb, XK_Alt_L, true);
	xd_rfb_key(rfb, XK_Escape, true);
	xd_rfb_key(rfb, XK_Escape, false);
	xd_rfb_key(rfb, XK_Alt_L, false);
	xd_rfb_key(rfb, XK_Control_L, false);
	xd_rfb_sync(rfb);
}

/* A click at (x, y), the pointer then left in the output's bottom right
 * corner, outside every frame where there is room (the VNC backend
 * shows its sprite to the client apart, not in the framebuffer). */
static void
click_then_away(int x, int y)
{
	int w, h;

	xd_rfb_size(rfb, &w, &h);
	xd_rfb_pointer(rfb, x, y, 0);
	xd_rfb_pointer(rfb, x, y, XD_RFB_BUTTON_LEFT);
	xd_rfb_pointer(rfb, x, y, 0);
	xd_rfb_pointer(rfb, w - 1, h - 1, 0);
	xd_rfb_sync(rfb);
}


/* Where img shows the top left corner of dom domid's frame, found by
 * the pattern's 8x8 pixels at (ox, oy) of it (a corner may lie under
 * the frame when it is inset), or false. */
static bool
find_picture(const struct xd_image *img, uint32_t domid, uint32_t frame,
	     int ox, int oy, int *px, int *py)
{
	int x, y, dx, dy;

	for (y = 0; y + 8 <= img->height; y++) {
		for (x = 0; x + 8 <= img->width; x++) {
			bool all = true;

			for (dy = 0; dy < 8 && all; dy++)
				for (dx = 0; dx < 8 && all; dx++)
					all = xd_image_pixel(img, x + dx,
							     y + dy) ==
					      xd_sim_pattern(domid, 0, frame,
							     ox + dx, oy + dy);
			if (all) {
				*px = x - ox;
				*py = y - oy;
				return true;
			}
		}
	}
	return false;
}

/* ---- What a guest's display must look like ------------------------- */

struct expect {
	const char *output;
	int x1, y1, x2, y2;		/* the picture, output pixels */
	int border;			/* XD_LABEL_BORDER(_FOCUSED) */
	bool inset;			/* the frame over the picture's edges */
	uint32_t color;			/* 0xRRGGBB */
	const char *name;		/* the guest's, as the toolstack's */
	bool focused;			/* the name says it has the keyboard */
	bool no_label;			/* the name has no room: not shown */
	bool label_bottom;		/* inset, its top under the panel */
	/* The picture: sim-pattern.h's frame of domid, or image (the
	 * picture's width a row), or one colour (rgb). */
	uint32_t domid, conn, frame;
	const uint32_t *image;
	bool solid;
	uint32_t rgb;
	bool scaled;			/* filtered: the picture unchecked */
	int top;			/* rows above it not checked */
};

static uint32_t
picture_pixel(const struct expect *e, int x, int y)
{
	if (e->image)
		return RGB(e->image[(size_t)y * (e->x2 - e->x1) + x]);
	if (e->solid)
		return e->rgb;
	return xd_sim_pattern(e->domid, e->conn, e->frame, x, y);
}

struct rect {
	int x, y, w, h;
};

static bool
in(const struct rect *r, int x, int y)
{
	return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

/* The label the module shows for e, rendered as the labeler does. */
static struct xd_label_image *
expected_label(const struct expect *e)
{
	char text[128];
	struct xd_label_image *label;

	snprintf(text, sizeof text, "%s%s", e->name,
		 e->focused ? XD_LABEL_FOCUS_SUFFIX : "");
	label = xd_label_render(text, 0xff000000u | e->color, LH,
				XD_LABEL_MAX_WIDTH);
	XD_ASSERT(label && label->height == LH, "cannot render '%s'", text);
	return label;
}

/* Pixels of img that differ from e; what the first one is, in why. */
static long
mismatches(const struct expect *e, const struct xd_label_image *label,
	   const struct xd_image *img, char *why, size_t len)
{
	const int b = e->border, w = e->x2 - e->x1, h = e->y2 - e->y1;
	const int x1 = e->x1, y1 = e->y1, x2 = e->x2, y2 = e->y2;
	struct rect bars[5], lab, area;
	long bad = 0;
	int x, y, i;

	if (!e->inset) {
		bars[0] = (struct rect){ x1 - b, y1 - b - LH, w + 2 * b, LH };
		bars[1] = (struct rect){ x1 - b, y1 - b, w + 2 * b, b };
		bars[2] = (struct rect){ x1 - b, y2, w + 2 * b, b };
		bars[3] = (struct rect){ x1 - b, y1, b, h };
		bars[4] = (struct rect){ x2, y1, b, h };
		lab = (struct rect){ x1 - b, y1 - b - LH,
				     e->no_label ? 0 : (int)label->width, LH };
		/* With a ring a pixel wide around it: the frame is no
		 * wider than b. */
		area = (struct rect){ x1 - b - 1, y1 - b - LH - 1,
				      w + 2 * b + 2, h + 2 * b + LH + 2 };
	} else {
		bars[0] = (struct rect){ 0, 0, 0, 0 };
		bars[1] = (struct rect){ x1, y1, w, b };
		bars[2] = (struct rect){ x1, y2 - b, w, b };
		bars[3] = (struct rect){ x1, y1 + b, b, h - 2 * b };
		bars[4] = (struct rect){ x2 - b, y1 + b, b, h - 2 * b };
		lab = (struct rect){ x1 + b,
				     e->label_bottom ? y2 - b - LH : y1 + b,
				     e->no_label ? 0 : (int)label->width, LH };
		area = (struct rect){ x1, y1, w, h };
	}
	why[0] = '\0';
	for (y = area.y; y < area.y + area.h; y++) {
		for (x = area.x; x < area.x + area.w; x++) {
			const char *what = NULL;
			uint32_t got, want;
			bool ok;

			if (x < 0 || y < 0 || x >= img->width ||
			    y >= img->height || y < e->top)
				continue;
			got = xd_image_pixel(img, x, y);
			if (in(&lab, x, y)) {
				want = label->pixels[(size_t)(y - lab.y) *
					label->stride / 4 + (x - lab.x)] &
				       0xffffff;
				ok = got == want;
				what = "label";
			} else {
				for (i = 0; i < 5 && !what; i++)
					if (in(&bars[i], x, y))
						what = "frame";
				if (what) {
					want = e->color;
					ok = got == want;
				} else if (x >= x1 && x < x2 && y >= y1 &&
					   y < y2 && e->scaled) {
					continue;
				} else if (x >= x1 && x < x2 && y >= y1 &&
					   y < y2) {
					want = picture_pixel(e, x - x1,
							     y - y1);
					ok = got == want;
					what = "picture";
				} else {
					want = e->color;
					ok = got != want;
					what = "outside the frame, not";
				}
			}
			if (ok)
				continue;
			if (!bad)
				snprintf(why, len, "first at %d,%d (%s): %06x, "
					 "want %06x", x, y, what, got, want);
			bad++;
		}
	}
	return bad;
}

/* What output shows now; a VNC output as its user sees it
 * (rfb-client.h). */
static struct xd_image *
capture(const char *output)
{
	return rfb ? xd_rfb_capture(rfb) : xd_capture_output(display, output);
}

/* Polls output until it shows e (the labeler and a focus change come
 * asynchronously), for up to POLL_MS. */
static void
expect_display(const struct expect *e)
{
	struct xd_label_image *label = expected_label(e);
	struct xd_image *img = NULL;
	char why[160], path[512];
	long bad;
	int ms;

	for (ms = 0;; ms += 100) {
		img = capture(e->output);
		bad = mismatches(e, label, img, why, sizeof why);
		if (!bad || ms >= POLL_MS)
			break;
		xd_image_destroy(img);
		usleep(100 * 1000);
	}
	if (bad) {
		snprintf(path, sizeof path, "%s/guest-labels-%s-%s.png",
			 xd_test_output_dir(), e->name, e->output);
		xd_image_write_png(img, path);
	}
	XD_ASSERT(bad == 0, "%s on %s (%d,%d)-(%d,%d), frame %d%s: %ld pixels "
		  "wrong, %s (see %s)", e->name, e->output, e->x1, e->y1,
		  e->x2, e->y2, e->border, e->inset ? " inset" : "", bad, why,
		  path);
	xd_image_destroy(img);
	xd_label_image_destroy(label);
}

/* ---- Pinned placements --------------------------------------------- */

/* guest-a, 200x120, pinned at (40,70) of headless, in colour (0: the
 * default, no label-color= of its own). */
static void
position_under(const char *shell)
{
	struct expect e = {
		.output = "headless", .x1 = 40, .y1 = 70, .x2 = 240,
		.y2 = 190, .border = XD_LABEL_BORDER, .color = DEFAULT_RGB,
		.name = "guest-a", .domid = 1, .frame = 4,
	};

	start(shell, "", "[xen-display]\nguest=guest-a\noutput=headless\n"
	      "placement=position\nposition=40,70\n");
	xd_sim_ok(sim, SIM_MS, "guest 1 guest-a 200x120");
	xd_sim_ok(sim, SIM_MS, "show 1 0 4");
	expect_display(&e);
	/* A new frame of the guest: the same frame around it. */
	xd_sim_ok(sim, SIM_MS, "show 1 0 5");
	e.frame = 5;
	expect_display(&e);
}

XD_TEST(position_kiosk)
{
	position_under("kiosk");
}

XD_TEST(position_desktop)
{
	position_under("desktop");
}

XD_TEST(position_ivi)
{
	position_under("ivi");
}

/* The picture fills its output: no room outside, the frame is drawn over
 * its edges and the name over its corner; the rest of it is the
 * guest's. */
XD_TEST(fullscreen)
{
	struct expect e = {
		.output = "headless-2", .x1 = 0, .y1 = 0, .x2 = W, .y2 = H,
		.border = XD_LABEL_BORDER, .inset = true,
		.color = 0x3070d0, .name = "guest-b", .domid = 2, .frame = 3,
	};

	start("kiosk", "", "[xen-display]\nguest=guest-b\n"
	      "output=headless-2\nplacement=fullscreen\n"
	      "label-color=0x3070d0\n");
	xd_sim_ok(sim, SIM_MS, "guest 2 guest-b %dx%d", W, H);
	xd_sim_ok(sim, SIM_MS, "show 2 0 3");
	expect_display(&e);
}

/* Scaled to fill its output (160x120 into 320x240): the frame over the
 * edges of the scaled picture (whose filtered pixels test-module-sim.c
 * checks). */
XD_TEST(scale)
{
	struct expect e = {
		.output = "headless", .x1 = 0, .y1 = 0, .x2 = W, .y2 = H,
		.border = XD_LABEL_BORDER, .inset = true,
		.color = DEFAULT_RGB, .name = "guest-a", .scaled = true,
	};

	start("kiosk", "", "[xen-display]\nguest=guest-a\noutput=headless\n"
	      "placement=scale\n");
	xd_sim_ok(sim, SIM_MS, "guest 1 guest-a 160x120");
	xd_sim_ok(sim, SIM_MS, "show 1 0 2");
	expect_display(&e);
}

/* One guest, two connectors on two outputs: each display framed and
 * named as the guest's. */
XD_TEST(two_connectors)
{
	struct expect c0 = {
		.output = "headless", .x1 = 0, .y1 = 0, .x2 = W, .y2 = H,
		.border = XD_LABEL_BORDER, .inset = true, .color = 0xc03060,
		.name = "guest-a", .domid = 1, .conn = 0, .frame = 1,
	};
	struct expect c1 = {
		.output = "headless-2", .x1 = 40, .y1 = 50, .x2 = 240,
		.y2 = 170, .border = XD_LABEL_BORDER, .color = 0xc03060,
		.name = "guest-a", .domid = 1, .conn = 1, .frame = 2,
	};

	start("kiosk", "", "[xen-display]\nguest=guest-a\nconnector=0\n"
	      "output=headless\nplacement=fullscreen\n"
	      "[xen-display]\nguest=guest-a\nconnector=1\n"
	      "output=headless-2\nplacement=position\nposition=40,50\n"
	      "[xen-display]\nguest=guest-a\nlabel-color=0xc03060\n");
	xd_sim_ok(sim, SIM_MS, "guest 1 guest-a %dx%d,200x120", W, H);
	xd_sim_ok(sim, SIM_MS, "show 1 0 1");
	xd_sim_ok(sim, SIM_MS, "show 1 1 2");
	expect_display(&c0);
	expect_display(&c1);
}

/* Pictures too small for their name: no name rather than one lying
 * beyond the frame, over what is beside it (another guest's display
 * maybe). guest-a 30 wide, its strip narrower than "guest-a"; guest-b
 * 40x40 in the output's corner, its frame inset, room for no name
 * inside; guest-c beside guest-b, framed and named as ever. */
XD_TEST(no_room)
{
	struct expect a = {
		.output = "headless", .x1 = 40, .y1 = 50, .x2 = 70,
		.y2 = 150, .border = XD_LABEL_BORDER, .color = 0xc03060,
		.name = "guest-a", .no_label = true, .domid = 1, .frame = 1,
	};
	struct expect b = {
		.output = "headless-2", .x1 = 0, .y1 = 0, .x2 = 40, .y2 = 40,
		.border = XD_LABEL_BORDER, .inset = true, .color = 0x20a040,
		.name = "guest-b", .no_label = true, .domid = 2, .frame = 2,
	};
	struct expect c = {
		.output = "headless-2", .x1 = 45, .y1 = 0, .x2 = 245,
		.y2 = 150, .border = XD_LABEL_BORDER, .inset = true,
		.color = 0x6040c0, .name = "guest-c", .domid = 3, .frame = 3,
	};
	struct xd_image *img;
	long n;

	start("kiosk", "", "[xen-display]\nguest=guest-a\noutput=headless\n"
	      "placement=position\nposition=40,50\nlabel-color=0xc03060\n"
	      "[xen-display]\nguest=guest-b\noutput=headless-2\n"
	      "placement=position\nposition=0,0\nlabel-color=0x20a040\n"
	      "[xen-display]\nguest=guest-c\noutput=headless-2\n"
	      "placement=position\nposition=45,0\nlabel-color=0x6040c0\n");
	xd_sim_ok(sim, SIM_MS, "guest 1 guest-a 30x100");
	xd_sim_ok(sim, SIM_MS, "guest 2 guest-b 40x40");
	xd_sim_ok(sim, SIM_MS, "guest 3 guest-c 200x150");
	xd_sim_ok(sim, SIM_MS, "show 1 0 1");
	xd_sim_ok(sim, SIM_MS, "show 2 0 2");
	xd_sim_ok(sim, SIM_MS, "show 3 0 3");
	expect_display(&c);
	expect_display(&a);
	expect_display(&b);
	img = xd_capture_output(display, "headless-2");
	n = xd_image_count(img, 0, 0, W, H, 0x20a040) -
	    xd_image_count(img, 0, 0, 40, 40, 0x20a040);
	XD_ASSERT(n == 0, "%ld pixels of guest-b's colour beyond its picture",
		  n);
	xd_image_destroy(img);
}

/* A click at (x, y) gives e's guest the keyboard: its frame widens and
 * its name says so; the release key takes both back at once. */
static void
expect_click_then_release(struct expect *e, int x, int y)
{
	click_then_away(x, y);
	e->border = XD_LABEL_BORDER_FOCUSED;
	e->focused = true;
	expect_display(e);

	release_key();
	XD_ASSERT(xd_weston_wait_log(weston, "no longer has the keyboard",
				     5000), "release not logged");
	e->border = XD_LABEL_BORDER;
	e->focused = false;
	expect_display(e);
}

/* ---- A window ------------------------------------------------------ */

/* Finds e's guest (domid, frame; 240x160), a window, on its output
 * (ow x oh) and sets e's place and whether its frame is inset. */
static void
locate_window(struct expect *e, int ow, int oh)
{
	struct xd_image *img;
	int ms, x = 0, y = 0;
	bool found = false;

	XD_ASSERT(xd_weston_wait_log(weston, "(240x160): window", 5000),
		  "%s is not a window", e->name);
	/* desktop-shell fades its output in. */
	for (ms = 0; !found && ms < POLL_MS; ms += 100) {
		img = capture(e->output);
		found = find_picture(img, e->domid, e->frame, 100, 60, &x,
				     &y);
		xd_image_destroy(img);
		if (!found)
			usleep(100 * 1000);
	}
	XD_ASSERT(found, "%s's window is not on the output", e->name);
	e->x1 = x;
	e->y1 = y;
	e->x2 = x + 240;
	e->y2 = y + 160;
	/* As the module decides: the frame, focused or not, and the
	 * strip fit on the output, clear of the shell's panel. */
	e->inset = x - XD_LABEL_BORDER_FOCUSED < 0 ||
		   y - XD_LABEL_BORDER_FOCUSED - LH < PANEL_H ||
		   e->x2 + XD_LABEL_BORDER_FOCUSED > ow ||
		   e->y2 + XD_LABEL_BORDER_FOCUSED > oh;
	/* A window the shell placed under its panel: the name moves to
	 * the bottom corner, where it can be read. */
	e->label_bottom = e->inset && y + XD_LABEL_BORDER < PANEL_H;
}

/* Under desktop-shell a guest without a section is a window the shell
 * places (at random in the output's work area): find it, then its frame
 * must be around it, or over its edges where it would leave the output
 * or go under the panel (desktop-shell's UI layer, above all windows),
 * which would hide the name. A window under the panel (the shell places
 * it so when the panel is not up yet) has its name at the bottom corner;
 * the rows under the panel are not checked. */
XD_TEST(window)
{
	struct xd_weston_options opt = {
		.shell = "desktop",
		.width = 640,
		.height = 480,
		.outputs = 1,
	};
	struct expect e = {
		.output = "headless", .border = XD_LABEL_BORDER,
		.color = DEFAULT_RGB, .name = "guest-a", .domid = 1,
		.frame = 6, .top = PANEL_H,
	};

	start_with(&opt, "", "");
	xd_sim_ok(sim, SIM_MS, "guest 1 guest-a 240x160");
	xd_sim_ok(sim, SIM_MS, "show 1 0 6");
	locate_window(&e, 640, 480);
	expect_display(&e);
}

/* The same window (on a VNC output) clicked: desktop-shell activates it
 * and gives it the keyboard, which its frame and name show; the release
 * key takes both back. It did not have the keyboard before: the shell
 * gave it as it mapped the window, and the module took it back. */
XD_TEST(window_focus)
{
	struct xd_weston_options opt = {
		.backend = "vnc",
		.renderer = "pixman",
		.shell = "desktop",
		.width = 640,
		.height = 480,
	};
	struct expect e = {
		.output = "vnc", .border = XD_LABEL_BORDER,
		.color = DEFAULT_RGB, .name = "alpha", .domid = 1,
		.frame = 6, .top = PANEL_H,
	};

	start_with(&opt, "", "");
	rfb = xd_rfb_connect("127.0.0.1", weston->vnc_port, weston->vnc_user,
			     weston->vnc_password);
	xd_sim_ok(sim, SIM_MS, "guest 1 alpha 240x160");
	xd_sim_ok(sim, SIM_MS, "show 1 0 6");
	xd_sim_ok(sim, SIM_MS, "vkbd 1 0 alpha-0 abs");
	locate_window(&e, 640, 480);
	expect_display(&e);
	expect_click_then_release(&e, (e.x1 + e.x2) / 2, (e.y1 + e.y2) / 2);
}

/* ---- Colours ------------------------------------------------------- */

/* guest-a in its own colour on headless; on headless-2, guest-b in its
 * own and guest-c in the global section's. */
XD_TEST(colors)
{
	struct expect a = {
		.output = "headless", .x1 = 40, .y1 = 50, .x2 = 240,
		.y2 = 170, .border = XD_LABEL_BORDER, .color = 0xc03060,
		.name = "guest-a", .domid = 1, .frame = 1,
	};
	struct expect b = {
		.output = "headless-2", .x1 = 10, .y1 = 40, .x2 = 150,
		.y2 = 140, .border = XD_LABEL_BORDER, .color = 0x20a040,
		.name = "guest-b", .domid = 2, .frame = 2,
	};
	struct expect c = {
		.output = "headless-2", .x1 = 170, .y1 = 40, .x2 = 310,
		.y2 = 140, .border = XD_LABEL_BORDER, .color = 0x6040c0,
		.name = "guest-c", .domid = 3, .frame = 3,
	};

	start("kiosk", "label-color=0x6040c0\n",
	      "[xen-display]\nguest=guest-a\noutput=headless\n"
	      "placement=position\nposition=40,50\nlabel-color=0xc03060\n"
	      "[xen-display]\nguest=guest-b\noutput=headless-2\n"
	      "placement=position\nposition=10,40\n"
	      /* A section of label keys alone, then the placement. */
	      "[xen-display]\nguest=guest-b\nlabel-color=0x20a040\n"
	      "[xen-display]\nguest=guest-c\noutput=headless-2\n"
	      "placement=position\nposition=170,40\n");
	xd_sim_ok(sim, SIM_MS, "guest 1 guest-a 200x120");
	xd_sim_ok(sim, SIM_MS, "guest 2 guest-b 140x100");
	xd_sim_ok(sim, SIM_MS, "guest 3 guest-c 140x100");
	xd_sim_ok(sim, SIM_MS, "show 1 0 1");
	xd_sim_ok(sim, SIM_MS, "show 2 0 2");
	xd_sim_ok(sim, SIM_MS, "show 3 0 3");
	expect_display(&a);
	expect_display(&b);
	expect_display(&c);
}

/* Pixels of the rectangle around (x1,y1)-(x2,y2) where a frame and its
 * strip would be, outside the picture, that are not rgb. */
static long
around_not(const struct xd_image *img, int x1, int y1, int x2, int y2,
	   uint32_t rgb)
{
	const int b = XD_LABEL_BORDER_FOCUSED;
	long n = 0;
	int x, y;

	for (y = y1 - b - LH; y < y2 + b; y++)
		for (x = x1 - b; x < x2 + b; x++)
			if ((x < x1 || x >= x2 || y < y1 || y >= y2) &&
			    xd_image_pixel(img, x, y) != rgb)
				n++;
	return n;
}

/* label=false on guest-a's section: shown as it is, with nothing around
 * it, and a warning; guest-b beside it framed as ever. */
XD_TEST(label_false)
{
	struct expect b = {
		.output = "headless-2", .x1 = 40, .y1 = 50, .x2 = 240,
		.y2 = 170, .border = XD_LABEL_BORDER, .color = DEFAULT_RGB,
		.name = "guest-b", .domid = 2, .frame = 2,
	};
	struct xd_image *img;
	long bad = 0;
	int x, y;

	start("kiosk", "", "[xen-display]\nguest=guest-a\noutput=headless\n"
	      "placement=position\nposition=40,50\nlabel=false\n"
	      "[xen-display]\nguest=guest-b\noutput=headless-2\n"
	      "placement=position\nposition=40,50\n");
	XD_ASSERT(xd_weston_wait_log(weston, "config: warning: guest "
				     "'guest-a': label=false", 1000),
		  "label=false not warned about");
	xd_sim_ok(sim, SIM_MS, "guest 1 guest-a 200x120");
	xd_sim_ok(sim, SIM_MS, "guest 2 guest-b 200x120");
	xd_sim_ok(sim, SIM_MS, "show 1 0 1");
	xd_sim_ok(sim, SIM_MS, "show 2 0 2");
	/* Once guest-b's frame and name are there, guest-a's would be. */
	expect_display(&b);
	img = xd_capture_output(display, "headless");
	for (y = 0; y < 120; y++)
		for (x = 0; x < 200; x++)
			if (xd_image_pixel(img, 40 + x, 50 + y) !=
			    xd_sim_pattern(1, 0, 1, x, y))
				bad++;
	XD_ASSERT(bad == 0, "%ld pixels of guest-a's picture wrong", bad);
	/* kiosk-shell's black background all around. */
	bad = around_not(img, 40, 50, 240, 170, 0x000000);
	XD_ASSERT(bad == 0, "%ld pixels around guest-a (label=false) are not "
		  "the background", bad);
	xd_image_destroy(img);
}

/* dom0's colour is no guest's: refused, logged, the default used. */
XD_TEST(reserved_color)
{
	struct expect a = {
		.output = "headless", .x1 = 40, .y1 = 50, .x2 = 240,
		.y2 = 170, .border = XD_LABEL_BORDER, .color = DEFAULT_RGB,
		.name = "guest-a", .domid = 1, .frame = 1,
	};

	start("kiosk", "", "[xen-display]\nguest=guest-a\noutput=headless\n"
	      "placement=position\nposition=40,50\nlabel-color=0xffffff\n");
	XD_ASSERT(xd_weston_wait_log(weston, "guest 'guest-a': "
				     "label-color=0xffffff is reserved for "
				     "dom0", 1000),
		  "the refusal is not logged");
	xd_sim_ok(sim, SIM_MS, "guest 1 guest-a 200x120");
	xd_sim_ok(sim, SIM_MS, "show 1 0 1");
	expect_display(&a);
}

/* ---- A guest's forgeries ------------------------------------------- */

/* Draws label (its stride's rows) into picture (pw wide) at (x, y). */
static void
paste(uint32_t *picture, int pw, const struct xd_label_image *label, int x,
      int y)
{
	const uint32_t *row;
	uint32_t r, c;

	for (r = 0; r < label->height; r++) {
		row = label->pixels + (size_t)r * label->stride / 4;
		for (c = 0; c < label->width; c++)
			picture[(size_t)(y + r) * pw + x + c] = row[c];
	}
}

static void
fill(uint32_t *picture, int pw, int x, int y, int w, int h, uint32_t rgb)
{
	int r, c;

	for (r = 0; r < h; r++)
		for (c = 0; c < w; c++)
			picture[(size_t)(y + r) * pw + x + c] = rgb;
}

/* guest-a (its colour 0xc03060) draws, inside its picture, guest-b's
 * frame and name (0x20a040) around a pattern, as the module would draw
 * them: the user still sees guest-a's own frame and name around all of
 * it, and the forgery exactly as drawn, inside. */
XD_TEST(fake_frame)
{
	enum { PW = 260, PH = 180, B = XD_LABEL_BORDER };
	struct expect a = {
		.output = "headless", .x1 = 30, .y1 = 40, .x2 = 30 + PW,
		.y2 = 40 + PH, .border = B, .color = 0xc03060,
		.name = "guest-a",
	};
	struct expect fake = {
		.name = "guest-b", .color = 0x20a040,
	};
	struct expect b = {
		.output = "headless-2", .x1 = 40, .y1 = 50, .x2 = 240,
		.y2 = 170, .border = B, .color = 0x20a040,
		.name = "guest-b", .domid = 2, .frame = 2,
	};
	struct xd_label_image *label = expected_label(&fake);
	uint32_t *picture = calloc((size_t)PW * PH, 4);
	char path[] = "/tmp/xd-guest-labels-picture-XXXXXX";
	int x, y, fd;

	XD_ASSERT(picture, "calloc");
	for (y = 0; y < PH; y++)
		for (x = 0; x < PW; x++)
			picture[y * PW + x] = xd_sim_pattern(1, 0, 7, x, y);
	/* guest-b's frame around (B, B + LH)-(PW - B, PH - B), its
	 * strip and name above. */
	fill(picture, PW, 0, 0, PW, LH, fake.color);
	fill(picture, PW, 0, LH, PW, B, fake.color);
	fill(picture, PW, 0, PH - B, PW, B, fake.color);
	fill(picture, PW, 0, LH + B, B, PH - LH - 2 * B, fake.color);
	fill(picture, PW, PW - B, LH + B, B, PH - LH - 2 * B, fake.color);
	paste(picture, PW, label, 0, 0);
	a.image = picture;
	fd = mkstemp(path);
	XD_ASSERT(fd >= 0 && write(fd, picture, (size_t)PW * PH * 4) ==
		  (ssize_t)PW * PH * 4 && close(fd) == 0, "write %s", path);

	start("kiosk", "", "[xen-display]\nguest=guest-a\noutput=headless\n"
	      "placement=position\nposition=30,40\nlabel-color=0xc03060\n"
	      "[xen-display]\nguest=guest-b\noutput=headless-2\n"
	      "placement=position\nposition=40,50\n"
	      "label-color=0x20a040\n");
	xd_sim_ok(sim, SIM_MS, "guest 1 guest-a %dx%d", PW, PH);
	xd_sim_ok(sim, SIM_MS, "guest 2 guest-b 200x120");
	xd_sim_ok(sim, SIM_MS, "image 1 0 %s", path);
	xd_sim_ok(sim, SIM_MS, "show 2 0 2");
	expect_display(&a);
	expect_display(&b);
	unlink(path);
	free(picture);
	xd_label_image_destroy(label);
}

/* ---- The keyboard -------------------------------------------------- */

/* alpha (W x H) pinned at (100,80) of a 640x480 VNC output, with a
 * vkbd: a click gives it the keyboard, and its frame and name change;
 * the release key (the default, ctrl+alt+escape) takes both back. */
XD_TEST(focus)
{
	struct xd_weston_options opt = {
		.backend = "vnc",
		.renderer = "pixman",
		.width = 640,
		.height = 480,
	};
	struct expect e = {
		.output = "vnc", .x1 = 100, .y1 = 80, .x2 = 100 + W,
		.y2 = 80 + H, .border = XD_LABEL_BORDER,
		.color = DEFAULT_RGB, .name = "alpha", .domid = 1,
	};

	start_with(&opt, "", "[xen-display]\nguest=alpha\noutput=vnc\n"
		   "placement=position\nposition=100,80\n");
	rfb = xd_rfb_connect("127.0.0.1", weston->vnc_port, weston->vnc_user,
			     weston->vnc_password);
	xd_sim_ok(sim, SIM_MS, "guest 1 alpha %dx%d", W, H);
	xd_sim_ok(sim, SIM_MS, "show 1 0 0");
	xd_sim_ok(sim, SIM_MS, "vkbd 1 0 alpha-0 abs");
	expect_display(&e);

	expect_click_then_release(&e, 110, 90);
}

/* The same fullscreen: the inset frame widens inside the picture's
 * edges, the focused name over its corner. */
XD_TEST(focus_fullscreen)
{
	struct xd_weston_options opt = {
		.backend = "vnc",
		.renderer = "pixman",
		.width = W,
		.height = H,
	};
	struct expect e = {
		.output = "vnc", .x1 = 0, .y1 = 0, .x2 = W, .y2 = H,
		.border = XD_LABEL_BORDER, .inset = true,
		.color = DEFAULT_RGB, .name = "alpha", .domid = 1,
	};

	start_with(&opt, "", "[xen-display]\nguest=alpha\noutput=vnc\n"
		   "placement=fullscreen\n");
	rfb = xd_rfb_connect("127.0.0.1", weston->vnc_port, weston->vnc_user,
			     weston->vnc_password);
	xd_sim_ok(sim, SIM_MS, "guest 1 alpha %dx%d", W, H);
	xd_sim_ok(sim, SIM_MS, "show 1 0 0");
	xd_sim_ok(sim, SIM_MS, "vkbd 1 0 alpha-0 abs");
	expect_display(&e);
	expect_click_then_release(&e, W / 2, H / 2);
}

/* Two guests side by side: only the one that holds the keyboard has the
 * wide frame and the focused name, and a click on the other moves both. */
XD_TEST(focus_switch)
{
	struct xd_weston_options opt = {
		.backend = "vnc",
		.renderer = "pixman",
		.width = 640,
		.height = 480,
	};
	struct expect alpha = {
		.output = "vnc", .x1 = 20, .y1 = 60, .x2 = 300, .y2 = 260,
		.border = XD_LABEL_BORDER, .color = 0xc03060,
		.name = "alpha", .domid = 1,
	};
	struct expect beta = {
		.output = "vnc", .x1 = 340, .y1 = 60, .x2 = 620, .y2 = 260,
		.border = XD_LABEL_BORDER, .color = 0x20a040,
		.name = "beta", .domid = 2,
	};

	start_with(&opt, "", "[xen-display]\nguest=alpha\noutput=vnc\n"
		   "placement=position\nposition=20,60\n"
		   "label-color=0xc03060\n"
		   "[xen-display]\nguest=beta\noutput=vnc\n"
		   "placement=position\nposition=340,60\n"
		   "label-color=0x20a040\n");
	rfb = xd_rfb_connect("127.0.0.1", weston->vnc_port, weston->vnc_user,
			     weston->vnc_password);
	xd_sim_ok(sim, SIM_MS, "guest 1 alpha 280x200");
	xd_sim_ok(sim, SIM_MS, "guest 2 beta 280x200");
	xd_sim_ok(sim, SIM_MS, "show 1 0 0");
	xd_sim_ok(sim, SIM_MS, "show 2 0 0");
	xd_sim_ok(sim, SIM_MS, "vkbd 1 0 alpha-0 abs");
	xd_sim_ok(sim, SIM_MS, "vkbd 2 0 beta-0 abs");
	expect_display(&alpha);
	expect_display(&beta);

	click_then_away(40, 80);
	alpha.border = XD_LABEL_BORDER_FOCUSED;
	alpha.focused = true;
	expect_display(&alpha);
	expect_display(&beta);

	click_then_away(360, 80);
	beta.border = XD_LABEL_BORDER_FOCUSED;
	beta.focused = true;
	alpha.border = XD_LABEL_BORDER;
	alpha.focused = false;
	expect_display(&beta);
	expect_display(&alpha);

	release_key();
	beta.border = XD_LABEL_BORDER;
	beta.focused = false;
	expect_display(&beta);
	expect_display(&alpha);
}

/* ---- The frame's life ---------------------------------------------- */

/* The labeler the module launched: a child of Weston running
 * XD_LABELER_PATH, or 0. */
static int
labeler_find(void)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;
	int pid = 0;

	while (proc && !pid && (d = readdir(proc))) {
		char path[300], buf[512], *p;
		int ppid = 0;
		size_t n;
		FILE *f;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", d->d_name);
		f = fopen(path, "r");
		n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
		if (f)
			fclose(f);
		buf[n] = '\0';
		if (strcmp(buf, XD_LABELER_PATH) != 0)
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", d->d_name);
		f = fopen(path, "r");
		n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
		if (f)
			fclose(f);
		buf[n] = '\0';
		/* pid (comm) state ppid: comm may hold spaces. */
		p = strrchr(buf, ')');
		if (p && sscanf(p + 1, " %*c %d", &ppid) == 1 &&
		    ppid == weston->pid)
			pid = atoi(d->d_name);
	}
	if (proc)
		closedir(proc);
	return pid;
}

/* The labeler dies: the module starts it again, and the names come
 * back, the frames staying all along. */
XD_TEST(labeler_restart)
{
	struct expect e = {
		.output = "headless", .x1 = 40, .y1 = 50, .x2 = 240,
		.y2 = 170, .border = XD_LABEL_BORDER, .color = DEFAULT_RGB,
		.name = "guest-a", .domid = 1, .frame = 1,
	};
	int pid, again = 0, ms;

	start("kiosk", "", "[xen-display]\nguest=guest-a\noutput=headless\n"
	      "placement=position\nposition=40,50\n");
	xd_sim_ok(sim, SIM_MS, "guest 1 guest-a 200x120");
	xd_sim_ok(sim, SIM_MS, "show 1 0 1");
	expect_display(&e);
	pid = labeler_find();
	XD_ASSERT(pid > 0, "no labeler under Weston");
	kill(pid, SIGKILL);
	XD_ASSERT(xd_weston_wait_log(weston, "labeler gone", 5000),
		  "the labeler's death not logged");
	for (ms = 0; ms < POLL_MS; ms += 100) {
		again = labeler_find();
		if (again > 0 && again != pid)
			break;
		usleep(100 * 1000);
	}
	XD_ASSERT(again > 0 && again != pid, "the labeler is not restarted");
	xd_sim_ok(sim, SIM_MS, "show 1 0 2");
	e.frame = 2;
	expect_display(&e);
}

/* Pixels of rgb on output, polled for up to POLL_MS until there are
 * none. */
static long
color_stays(const char *output, uint32_t rgb)
{
	long n = 0;
	int ms;

	for (ms = 0; ms < POLL_MS; ms += 100) {
		struct xd_image *img = xd_capture_output(display, output);

		n = xd_image_count(img, 0, 0, img->width, img->height, rgb);
		xd_image_destroy(img);
		if (n == 0)
			break;
		usleep(100 * 1000);
	}
	return n;
}

/* A removed guest leaves no frame and no name behind. */
XD_TEST(remove)
{
	struct expect e = {
		.output = "headless", .x1 = 40, .y1 = 50, .x2 = 240,
		.y2 = 170, .border = XD_LABEL_BORDER, .color = 0xc03060,
		.name = "guest-a", .domid = 1, .frame = 1,
	};
	long n;

	start("kiosk", "", "[xen-display]\nguest=guest-a\noutput=headless\n"
	      "placement=position\nposition=40,50\nlabel-color=0xc03060\n");
	xd_sim_ok(sim, SIM_MS, "guest 1 guest-a 200x120");
	xd_sim_ok(sim, SIM_MS, "show 1 0 1");
	expect_display(&e);
	xd_sim_ok(sim, SIM_MS, "remove 1");
	n = color_stays("headless", 0xc03060);
	XD_ASSERT(n == 0, "%ld pixels of the removed guest's frame stay", n);
}

/* The guest's backend killed: the module's new one shows the guest on a
 * new surface, framed and named like the first. */
XD_TEST(backend_restart)
{
	struct expect e = {
		.output = "headless", .x1 = 40, .y1 = 50, .x2 = 240,
		.y2 = 170, .border = XD_LABEL_BORDER, .color = 0xc03060,
		.name = "guest-a", .domid = 1, .frame = 1,
	};
	const char *connected = "guest-a: dom1: display connected";
	int pid, again = 0, ms, n;

	start("kiosk", "", "[xen-display]\nguest=guest-a\noutput=headless\n"
	      "placement=position\nposition=40,50\nlabel-color=0xc03060\n");
	xd_sim_ok(sim, SIM_MS, "guest 1 guest-a 200x120");
	xd_sim_ok(sim, SIM_MS, "show 1 0 1");
	expect_display(&e);
	pid = xd_backend_find(weston, 1);
	XD_ASSERT(pid > 0, "no backend for guest-a");
	kill(pid, SIGKILL);
	for (ms = 0; ms < 15000; ms += 100) {
		again = xd_backend_find(weston, 1);
		if (again > 0 && again != pid)
			break;
		usleep(100 * 1000);
	}
	XD_ASSERT(again > 0 && again != pid, "backend not restarted");
	/* The guest reconnects to the new backend (test-module-sim.c's
	 * restart case waits the same way). */
	for (ms = 0, n = 0; n < 2 && ms < 15000; ms += 100) {
		char *log = xd_weston_read_log(weston), *p = log;

		for (n = 0; p && (p = strstr(p, connected)); p++)
			n++;
		free(log);
		if (n < 2)
			usleep(100 * 1000);
	}
	XD_ASSERT(n >= 2, "guest-a not reconnected");
	xd_sim_ok(sim, SIM_MS, "show 1 0 2");
	e.frame = 2;
	expect_display(&e);
}

/* The guest's output unplugged and plugged again (test-outputs-module.c,
 * SIGUSR1): its display comes back framed and named; nothing of its
 * frame stays on the other output meanwhile. */
XD_TEST(hotplug)
{
	struct expect e = {
		.output = "headless-2", .x1 = 40, .y1 = 50, .x2 = 240,
		.y2 = 170, .border = XD_LABEL_BORDER, .color = 0x20a040,
		.name = "guest-b", .domid = 2, .frame = 0,
	};

	start("kiosk", "", "[xen-display]\nguest=guest-b\n"
	      "output=headless-2\nplacement=position\nposition=40,50\n"
	      "label-color=0x20a040\n");
	xd_sim_ok(sim, SIM_MS, "guest 2 guest-b 200x120");
	xd_sim_ok(sim, SIM_MS, "show 2 0 0");
	expect_display(&e);
	kill(weston->pid, SIGUSR1);
	xd_sim_ok(sim, SIM_MS, "show 2 0 1");
	XD_ASSERT(color_stays("headless", 0x20a040) == 0,
		  "guest-b's frame on headless while its output is gone");
	kill(weston->pid, SIGUSR1);
	xd_sim_ok(sim, SIM_MS, "show 2 0 3");
	e.frame = 3;
	expect_display(&e);
}

/* ---- A lying backend ----------------------------------------------- */

/* The backend of "hostile" (domid 1, hostile-backend.c) asks for a
 * connector of "honest" (domid 2) over the private protocol: its
 * surface, pinned fullscreen on hostile's own output, carries hostile's
 * frame and name; honest's display, on the other output, its own. */
XD_TEST(forged_name)
{
	struct xd_weston_options opt = {
		.width = W,
		.height = H,
		.outputs = 2,
		.extra_env = "LP_NUM_THREADS=0 XD_TEST_HOSTILE_DOMID=1 "
			     "XD_TEST_HOSTILE=claim:honest:2",
	};
	struct expect hostile = {
		.output = "headless", .x1 = 0, .y1 = 0, .x2 = W, .y2 = H,
		.border = XD_LABEL_BORDER, .inset = true, .color = 0xd04010,
		.name = "hostile", .solid = true,
		.rgb = 0xff00ff,		/* hostile-backend.c's */
	};
	struct expect honest = {
		.output = "headless-2", .x1 = 0, .y1 = 0, .x2 = W, .y2 = H,
		.border = XD_LABEL_BORDER, .inset = true, .color = 0x2080c0,
		.name = "honest", .domid = 2, .frame = 1,
	};

	start_with(&opt, "", "[xen-display]\nguest=hostile\noutput=headless\n"
		   "placement=fullscreen\nlabel-color=0xd04010\n"
		   "backend=" XD_HOSTILE_BACKEND_PATH "\n"
		   "[xen-display]\nguest=honest\noutput=headless-2\n"
		   "placement=fullscreen\nlabel-color=0x2080c0\n");
	xd_sim_ok(sim, SIM_MS, "guest 2 honest %dx%d", W, H);
	xd_sim_ok(sim, SIM_MS, "show 2 0 1");
	/* Its backend never serves the guest: no frontend to wait for. */
	xd_sim_ok(sim, SIM_MS, "guest 1 hostile %dx%d no-connect", W, H);
	XD_ASSERT(xd_weston_wait_log(weston, "claims to serve guest 'honest'",
				     10000), "the forged name was not logged");
	expect_display(&hostile);
	expect_display(&honest);
}

/* After the case: xd_weston_stop() fails it if Weston died during it. */
static void
teardown(void)
{
	if (rfb)
		xd_rfb_close(rfb);
	xd_weston_stop(weston);
	xd_label_render_release();
}

XD_TEST_TEARDOWN(teardown);
