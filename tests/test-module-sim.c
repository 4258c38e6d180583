/* SPDX-License-Identifier: MIT */
/*
 * The module end to end, with simulated guests (xd-sim) and headless
 * Weston with two outputs: guests appear on their configured outputs at
 * their configured place, pixel for pixel, and under kiosk-shell where it
 * would put them; a killed backend comes back
 * while the other guest keeps flipping; a removed guest leaves no
 * surface and no process; a pinned connector survives its output going
 * away and coming back.
 *
 * The same simulated guests drive the displif half end to end: every
 * pixel format xen-drm-front offers, two connectors, be-alloc (taken, or
 * offered and not taken, as the log says), GET_EDID, a guest reboot.
 *
 *   test-module-sim CASE | --list       (a case is an XD_TEST below)
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "harness/harness.h"
#include "pixel-convert.h"
#include "sim/backend-process.h"
#include "sim/sim-draw.h"
#include "sim/sim-pattern.h"
#include "sim/sim-process.h"

#define W 320
#define H 240
#define SHOW_MS 15000

static struct xd_sim_process *sim;
static struct xd_weston *weston;
static struct wl_display *display;

static void
stop_all(void)
{
	if (sim)
		xd_sim_process_stop(sim);
}

/* Starts the simulator and Weston with the global section and the given
 * placement sections. */
static void
start(const char *shell, const char *placements)
{
	struct xd_weston_options opt = {
		.shell = shell,
		.width = W,
		.height = H,
		.outputs = 2,
		.load_module = true,
		/* Guest 9 gets the copy path (xen-sim.c). llvmpipe
		 * rasterizing in Weston's thread: its rasterizer threads
		 * leave an idle binning scene holding the textures it last
		 * drew until that scene is reused, which may be never
		 * (Mesa 25.0's lp_setup_get_empty_scene reuses the first
		 * free one), so a removed guest's buffer can stay imported
		 * until Weston exits, whatever we do (doc/performance.md).
		 * With one thread a scene's references go at the next
		 * frame and what remains is ours to release. */
		.extra_env = "XD_SIM_NO_DMABUF=9 LP_NUM_THREADS=0",
		/* Weston's 60 Hz; another rate reproduces timing bugs. */
		.refresh_mhz = getenv("XD_TEST_REFRESH_MHZ") ?
			       atoi(getenv("XD_TEST_REFRESH_MHZ")) : 0,
	};
	char dir[] = "/tmp/xd-module-sim-XXXXXX";
	char *config;

	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	sim = xd_sim_process_start(dir);
	atexit(stop_all);
	/* The frames and names the module draws around every guest
	 * (test-guest-labels.c) would cover the pictures compared here,
	 * pixel for pixel: label=false for every guest of these tests, in
	 * sections of their own, which place nothing. */
	XD_ASSERT(asprintf(&config, "[xen-display]\nxen=sim:%s\nbackend=%s\n"
			   "sandbox-path=%s\n%s"
			   "[xen-display]\nguest=guest-a\nlabel=false\n"
			   "[xen-display]\nguest=guest-b\nlabel=false\n"
			   "[xen-display]\nguest=guest-c\nlabel=false\n",
			   sim->socket, XD_BACKEND_PATH, XD_SANDBOX_PATH,
			   placements) > 0, "asprintf");
	opt.config = config;
	weston = xd_weston_start(&opt);
	free(config);
	display = xd_weston_connect(weston);
	XD_ASSERT(xd_weston_wait_log(weston, "watching", 10000),
		  "module does not watch the simulator's XenStore");
}

/* Pixels of frame on output in the rectangle, compared with the
 * pattern shifted to (x0, y0). */
static long
pattern_mismatches(const struct xd_image *img, uint32_t domid,
		   uint32_t frame, int x0, int y0, int w, int h)
{
	long bad = 0;
	int x, y;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			if (xd_image_pixel(img, x0 + x, y0 + y) !=
			    xd_sim_pattern(domid, 0, frame, x, y))
				bad++;
	return bad;
}

static void
expect_frame(const char *output, uint32_t domid, uint32_t frame, int x0,
	     int y0, int w, int h)
{
	struct xd_image *img = xd_capture_output(display, output);
	long bad = pattern_mismatches(img, domid, frame, x0, y0, w, h);
	char path[512];

	if (bad) {
		snprintf(path, sizeof path, "%s/module-sim-%s-dom%u-f%u.png",
			 xd_test_output_dir(), output, domid, frame);
		xd_image_write_png(img, path);
	}
	XD_ASSERT(bad == 0, "%s: %ld pixels of dom%u frame %u wrong (see %s)",
		  output, bad, domid, frame, path);
	xd_image_destroy(img);
}

/* The whole output shows frame of connector conn of guest domid. */
static void
expect_conn_frame(const char *output, uint32_t domid, uint32_t conn,
		  uint32_t frame)
{
	struct xd_image *img = xd_capture_output(display, output);
	long bad = 0;
	int x, y;

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			if (xd_image_pixel(img, x, y) !=
			    xd_sim_pattern(domid, conn, frame, x, y))
				bad++;
	XD_ASSERT(bad == 0, "%s: %ld pixels of dom%u conn %u frame %u wrong",
		  output, bad, domid, conn, frame);
	xd_image_destroy(img);
}

static const char two_pinned[] =
	"[xen-display]\nguest=guest-a\noutput=headless\n"
	"placement=fullscreen\n"
	"[xen-display]\nguest=guest-b\noutput=headless-2\n"
	"placement=fullscreen\n";

/* desktop-shell fades its outputs in at start and keeps a panel on top
 * (its UI layer is above every other): compare below the panel, once the
 * fade is over. */
static void
expect_rows_eventually(const char *output, uint32_t domid, uint32_t frame,
		       int y0)
{
	struct xd_image *img = NULL;
	long bad = 1;
	int tries;

	for (tries = 0; tries < 40 && bad; tries++) {
		if (img) {
			xd_image_destroy(img);
			usleep(100000);
		}
		img = xd_capture_output(display, output);
		bad = 0;
		for (int y = y0; y < H; y++)
			for (int x = 0; x < W; x++)
				if (xd_image_pixel(img, x, y) !=
				    xd_sim_pattern(domid, 0, frame, x, y))
					bad++;
	}
	XD_ASSERT(bad == 0, "%s: %ld pixels of dom%u frame %u wrong", output,
		  bad, domid, frame);
	xd_image_destroy(img);
}

static void
two_guests_under(const char *shell)
{
	bool desktop = strcmp(shell, "desktop") == 0;
	uint32_t f;

	start(shell, two_pinned);
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a %dx%d", W, H);
	xd_sim_ok(sim, SHOW_MS, "guest 2 guest-b %dx%d", W, H);
	for (f = 0; f < 3; f++) {
		xd_sim_ok(sim, SHOW_MS, "show 1 0 %u", f);
		xd_sim_ok(sim, SHOW_MS, "show 2 0 %u", f + 10);
		if (desktop) {
			expect_rows_eventually("headless", 1, f, 32);
			expect_rows_eventually("headless-2", 2, f + 10, 32);
			continue;
		}
		expect_frame("headless", 1, f, 0, 0, W, H);
		expect_frame("headless-2", 2, f + 10, 0, 0, W, H);
	}
}

XD_TEST(two_guests)
{
	two_guests_under("kiosk");
}

/* Pinned placement is the module's own layer: the same under every
 * shell. */
XD_TEST(two_guests_desktop)
{
	two_guests_under("desktop");
}

XD_TEST(two_guests_ivi)
{
	two_guests_under("ivi");
}

XD_TEST(position)
{
	struct xd_image *img;

	start("desktop", "[xen-display]\nguest=guest-a\noutput=headless-2\n"
	      "placement=position\nposition=40,50\n");
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a 160x120");
	xd_sim_ok(sim, SHOW_MS, "show 1 0 4");
	expect_frame("headless-2", 1, 4, 40, 50, 160, 120);
	/* Nothing of the guest left of or above it. */
	img = xd_capture_output(display, "headless-2");
	XD_ASSERT(pattern_mismatches(img, 1, 4, 0, 0, 40, 50) > 1000,
		  "guest drawn at 0,0 too");
	xd_image_destroy(img);
}

XD_TEST(scale)
{
	struct xd_image *img;
	int x, y;

	/* 160x120 scaled into 320x240 keeps the aspect: exactly 2x. */
	start("kiosk", "[xen-display]\nguest=guest-a\noutput=headless\n"
	      "placement=scale\n");
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a 160x120");
	xd_sim_ok(sim, SHOW_MS, "show 1 0 2");
	img = xd_capture_output(display, "headless");
	/* Filtering blends neighbouring texels: each channel must lie
	 * within the range of the 2x2 texels around the sample. */
	for (y = 8; y < H; y += 16) {
		for (x = 8; x < W; x += 16) {
			uint32_t got = xd_image_pixel(img, x, y);
			int s;

			for (s = 0; s < 24; s += 8) {
				int c = got >> s & 0xff, lo = 255, hi = 0;
				int dx, dy;

				for (dy = -1; dy <= 1; dy++) {
					for (dx = -1; dx <= 1; dx++) {
						int v = xd_sim_pattern(1, 0, 2,
							(x + dx) / 2,
							(y + dy) / 2) >> s &
							0xff;

						lo = v < lo ? v : lo;
						hi = v > hi ? v : hi;
					}
				}
				XD_ASSERT(c >= lo - 2 && c <= hi + 2,
					  "at %d,%d channel %d is %d, not in "
					  "%d..%d", x, y, s / 8, c, lo, hi);
			}
		}
	}
	xd_image_destroy(img);
}

/* No section under kiosk-shell: the module shows the connector where
 * kiosk-shell would show its window, the first output, filled
 * (plugin/module/kiosk-placement.h). */
XD_TEST(kiosk_default)
{
	start("kiosk", "");
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a %dx%d", W, H);
	xd_sim_ok(sim, SHOW_MS, "show 1 0 7");
	expect_frame("headless", 1, 7, 0, 0, W, H);
	XD_ASSERT(xd_weston_wait_log(weston, "pinned where kiosk-shell would",
				     1000), "not placed for kiosk-shell");
}

/* ... or the output whose [output] app-ids= names its app_id. */
XD_TEST(kiosk_app_ids)
{
	start("kiosk", "[output]\nname=headless-2\n"
	      "app-ids=other,xen-display.guest-a.0\n");
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a %dx%d", W, H);
	xd_sim_ok(sim, SHOW_MS, "show 1 0 3");
	expect_frame("headless-2", 1, 3, 0, 0, W, H);
}

/* placement=window asks for the shell's window even under kiosk-shell,
 * which then fills the output with it; the log warns. */
XD_TEST(kiosk_window)
{
	start("kiosk", "[xen-display]\nguest=guest-a\nplacement=window\n");
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a %dx%d", W, H);
	xd_sim_ok(sim, SHOW_MS, "show 1 0 7");
	expect_frame("headless", 1, 7, 0, 0, W, H);
	XD_ASSERT(xd_weston_wait_log(weston, "(320x240): window", 1000),
		  "not a window");
	XD_ASSERT(xd_weston_wait_log(weston, "kiosk-shell may crash", 1000),
		  "no warning");
}

static int
backend_pid(uint32_t domid)
{
	return xd_backend_find(weston, domid);
}

static int
wait_backend(uint32_t domid, bool present, int timeout_ms)
{
	int pid;

	for (; timeout_ms > 0; timeout_ms -= 50) {
		pid = backend_pid(domid);
		if ((pid != 0) == present)
			return pid;
		usleep(50000);
	}
	return -1;
}

/* Polls Weston's log until text occurs count times. */
static bool
wait_log_count(const char *text, int count, int timeout_ms)
{
	for (; timeout_ms > 0; timeout_ms -= 50) {
		char *log = xd_weston_read_log(weston), *p = log;
		int n = 0;

		while (p && (p = strstr(p, text))) {
			n++;
			p += strlen(text);
		}
		free(log);
		if (n >= count)
			return true;
		usleep(50000);
	}
	return false;
}

XD_TEST(restart)
{
	int pid, again;
	uint32_t f;

	start("kiosk", two_pinned);
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a %dx%d", W, H);
	xd_sim_ok(sim, SHOW_MS, "guest 2 guest-b %dx%d", W, H);
	xd_sim_ok(sim, SHOW_MS, "show 1 0 0");
	xd_sim_ok(sim, SHOW_MS, "show 2 0 0");

	pid = backend_pid(1);
	XD_ASSERT(pid > 0, "no backend for guest 1");
	kill(pid, SIGKILL);
	/* The other guest flips on while guest 1's backend is down. */
	for (f = 1; f < 4; f++) {
		xd_sim_ok(sim, SHOW_MS, "show 2 0 %u", f);
		expect_frame("headless-2", 2, f, 0, 0, W, H);
	}
	again = wait_backend(1, true, 15000);
	XD_ASSERT(again > 0 && again != pid, "backend not restarted");
	/* A flip sent before the new backend took the guest over would go
	 * to the dead one's ring and be lost, as on a real guest. */
	XD_ASSERT(wait_log_count("guest-a: dom1: display connected", 2,
				 15000), "guest 1 not reconnected");
	/* The guest reconnects to the new backend and shows again. */
	xd_sim_ok(sim, SHOW_MS, "show 1 0 5");
	expect_frame("headless", 1, 5, 0, 0, W, H);
	XD_ASSERT(xd_weston_wait_log(weston, "restart", 1000),
		  "restart not logged");
}

/* A guest without a section under kiosk-shell without a seat, its
 * backend killed: the new backend's surface replaces the old one, and
 * Weston lives (kiosk-shell's own window would crash it here). */
XD_TEST(kiosk_restart)
{
	int pid, again, waited;

	start("kiosk", "");
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a %dx%d", W, H);
	xd_sim_ok(sim, SHOW_MS, "show 1 0 0");
	pid = backend_pid(1);
	XD_ASSERT(pid > 0, "no backend for guest 1");
	kill(pid, SIGKILL);
	/* The killed one is listed until the module has reaped it. */
	for (waited = 0; (again = backend_pid(1)) <= 0 || again == pid;
	     waited += 50) {
		XD_ASSERT(waited < 15000, "backend not restarted");
		usleep(50000);
	}
	XD_ASSERT(wait_log_count("guest-a: dom1: display connected", 2,
				 15000), "guest 1 not reconnected");
	xd_sim_ok(sim, SHOW_MS, "show 1 0 5");
	expect_frame("headless", 1, 5, 0, 0, W, H);
}

/* Weston's open fds and mappings of guest domid's memory: a removed
 * guest's must all go. */
static int
weston_holds_guest_memory(uint32_t domid)
{
	return xd_weston_holds_guest_memory(weston, domid);
}

/* Polls until Weston holds none of guest domid's memory. */
static int
wait_weston_lets_go(uint32_t domid, int timeout_ms)
{
	int held, waited;

	for (waited = 0;; waited += 50) {
		held = weston_holds_guest_memory(domid);
		if (held == 0 || waited >= timeout_ms)
			return held;
		usleep(50 * 1000);
	}
}

XD_TEST(remove)
{
	struct xd_image *img;
	int held;

	start("kiosk", two_pinned);
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a %dx%d", W, H);
	xd_sim_ok(sim, SHOW_MS, "guest 2 guest-b %dx%d", W, H);
	xd_sim_ok(sim, SHOW_MS, "show 2 0 1");
	xd_sim_ok(sim, SHOW_MS, "show 1 0 1");
	xd_sim_ok(sim, SHOW_MS, "show 1 0 2");
	XD_ASSERT(weston_holds_guest_memory(1) > 0,
		  "guest 1 is shown zero copy but Weston holds none of it");
	/* Guest 1's frame is the last one Weston drew: removing it must
	 * still leave none of its memory open or mapped in Weston (a GL
	 * driver keeps its last textures bound until it draws others). */
	xd_sim_ok(sim, SHOW_MS, "remove 1");
	XD_ASSERT(wait_backend(1, false, 10000) == 0,
		  "guest 1's backend still runs");
	held = wait_weston_lets_go(1, 2000);
	XD_ASSERT(held == 0, "Weston still holds %d fds/mappings of removed "
		  "guest 1", held);
	/* Its surface is gone: nothing of its last frame remains. */
	img = xd_capture_output(display, "headless");
	XD_ASSERT(pattern_mismatches(img, 1, 2, 0, 0, W, H) == (long)W * H,
		  "guest 1's frame still shown");
	xd_image_destroy(img);
	xd_sim_ok(sim, SHOW_MS, "show 2 0 2");
	expect_frame("headless-2", 2, 2, 0, 0, W, H);
}

/* The guest, scaled down to the output, was the only picture Weston drew
 * and flipped as fast as it could before it went; a guest whose frames
 * are copied comes next. None of the first one's memory may stay open or
 * mapped in Weston (its GL driver holds the buffers of its last draws
 * until it draws others: see xdw-blank.c). XD_TEST_REFRESH_MHZ=120000
 * under load is the hard case: with llvmpipe's rasterizer threads it
 * failed in 5 of 8 runs, from Mesa's idle scenes (start()). */
XD_TEST(remove_after_flips)
{
	int held;

	start("kiosk", "");
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a 1920x1080");
	xd_sim_ok(sim, SHOW_MS, "setup 1 0");
	xd_sim_ok(sim, 30000, "flip-loop 0 60 /dev/null 1");
	XD_ASSERT(weston_holds_guest_memory(1) > 0,
		  "guest 1 is shown zero copy but Weston holds none of it");
	xd_sim_ok(sim, SHOW_MS, "remove 1");
	XD_ASSERT(wait_backend(1, false, 10000) == 0,
		  "guest 1's backend still runs");
	/* A guest whose frames are copied draws next. */
	xd_sim_ok(sim, SHOW_MS, "guest 9 guest-c %dx%d", W, H);
	xd_sim_ok(sim, SHOW_MS, "show 9 0 1");
	xd_sim_ok(sim, SHOW_MS, "show 9 0 2");
	held = wait_weston_lets_go(1, 2000);
	XD_ASSERT(held == 0, "Weston still holds %d fds/mappings of removed "
		  "guest 1", held);
}

XD_TEST(hotplug)
{
	start("kiosk", two_pinned);
	xd_sim_ok(sim, SHOW_MS, "guest 2 guest-b %dx%d", W, H);
	xd_sim_ok(sim, SHOW_MS, "show 2 0 0");
	expect_frame("headless-2", 2, 0, 0, 0, W, H);
	kill(weston->pid, SIGUSR1);
	/* Flips still complete (as discarded) while its output is gone. */
	xd_sim_ok(sim, SHOW_MS, "show 2 0 1");
	xd_sim_ok(sim, SHOW_MS, "show 2 0 2");
	kill(weston->pid, SIGUSR1);
	xd_sim_ok(sim, SHOW_MS, "show 2 0 3");
	expect_frame("headless-2", 2, 3, 0, 0, W, H);
}

/* Every format: what the guest drew, converted as the copy path would,
 * within a step of rounding (GL and our converter may round
 * differently for formats with fewer than 8 bits a channel). */
XD_TEST(formats)
{
	uint32_t *want = calloc(W * H, 4);
	uint8_t *drawn = calloc(W * H, 4);
	unsigned int i;

	start("kiosk", two_pinned);
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a %dx%d", W, H);
	for (i = 0; i < xd_sim_num_formats; i++) {
		uint32_t f = xd_sim_formats[i];
		uint32_t pitch = xd_format_min_pitch(f, W);
		struct xd_image *img;
		long bad = 0;
		int x, y, s;

		xd_sim_ok(sim, SHOW_MS, "show 1 0 %u %.4s", i, (char *)&f);
		xd_sim_draw(f, 1, 0, i, W, H, pitch, drawn);
		XD_ASSERT(xd_convert_to_xrgb8888(want, W * 4, drawn, pitch, W,
						 H, f), "convert");
		img = xd_capture_output(display, "headless");
		for (y = 0; y < H; y++) {
			for (x = 0; x < W; x++) {
				uint32_t got = xd_image_pixel(img, x, y);
				uint32_t exp = want[y * W + x];

				for (s = 0; s < 24; s += 8) {
					int d = (int)(got >> s & 0xff) -
						(int)(exp >> s & 0xff);

					if (d < -2 || d > 2) {
						bad++;
						break;
					}
				}
			}
		}
		XD_ASSERT(bad == 0, "format %.4s: %ld pixels wrong",
			  (char *)&f, bad);
		xd_image_destroy(img);
	}
	free(want);
	free(drawn);
}

XD_TEST(two_connectors)
{
	uint32_t f;

	start("kiosk", "[xen-display]\nguest=guest-a\nconnector=0\n"
	      "output=headless\nplacement=fullscreen\n"
	      "[xen-display]\nguest=guest-a\nconnector=1\n"
	      "output=headless-2\nplacement=fullscreen\n");
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a %dx%d,%dx%d", W, H, W, H);
	for (f = 0; f < 2; f++) {
		xd_sim_ok(sim, SHOW_MS, "show 1 0 %u", f);
		xd_sim_ok(sim, SHOW_MS, "show 1 1 %u", f + 5);
		expect_frame("headless", 1, f, 0, 0, W, H);
		expect_conn_frame("headless-2", 1, 1, f + 5);
	}
}

XD_TEST(be_alloc)
{
	start("kiosk", two_pinned);
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a %dx%d be-alloc", W, H);
	xd_sim_ok(sim, SHOW_MS, "show 1 0 3");
	expect_frame("headless", 1, 3, 0, 0, W, H);
	XD_ASSERT(xd_weston_wait_log(weston, "dom1: backend-allocated "
				     "buffers come from provider 'sim', "
				     "zero copy", 1000),
		  "no line for the buffers the backend allocated");
	XD_ASSERT(!xd_weston_log_has(weston, "dom1: guest buffers come from "
				     "provider"),
		  "a be-alloc guest's buffers logged as its own");
}

/* be-alloc offered (the administrator's default) but not taken, as by
 * Linux's xen-drm-front without be-alloc=1: the log names the provider
 * of the guest's own buffers and claims no allocation by the backend. */
XD_TEST(be_alloc_offered_not_taken)
{
	start("kiosk", two_pinned);
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a %dx%d", W, H);
	xd_sim_ok(sim, SHOW_MS, "show 1 0 3");
	expect_frame("headless", 1, 3, 0, 0, W, H);
	XD_ASSERT(xd_weston_wait_log(weston, "dom1: guest buffers come from "
				     "provider 'sim', zero copy", 1000),
		  "no line for the guest's own buffers");
	XD_ASSERT(xd_weston_log_has(weston, "dom1: display connected, "
				    "1 connector, be-alloc offered"),
		  "be-alloc not offered");
	XD_ASSERT(!xd_weston_log_has(weston, "backend-allocated buffers"),
		  "a backend-allocated line for a guest that allocates");
	XD_ASSERT(!xd_weston_log_has(weston, "backend allocates"),
		  "the log claims the backend allocates");
}

static uint8_t
hex_byte(const char *p)
{
	unsigned int v = 0;

	sscanf(p, "%2x", &v);
	return v;
}

/* GET_EDID of guest domid's connector 0, checked for a valid EDID 1.4
 * block; returns its preferred timing's size. */
static void
read_edid_mode(uint32_t domid, uint32_t *w, uint32_t *h)
{
	const char *line, *hex;
	uint8_t e[128], sum = 0;
	int i;

	line = xd_sim_command(sim, SHOW_MS, "edid %u 0", domid);
	XD_ASSERT(line && strncmp(line, "ok edid ", 8) == 0 &&
		  strlen(line + 8) == 256, "edid answer: %s", line);
	hex = line + 8;
	for (i = 0; i < 128; i++) {
		e[i] = hex_byte(hex + 2 * i);
		sum += e[i];
	}
	XD_ASSERT(e[0] == 0 && e[1] == 0xff && e[7] == 0, "EDID header");
	XD_ASSERT(sum == 0, "EDID checksum");
	XD_ASSERT(e[18] == 1 && e[19] == 4, "EDID version %u.%u", e[18],
		  e[19]);
	XD_ASSERT(e[54] | e[55], "no pixel clock");
	*w = e[56] | (e[58] >> 4) << 8;
	*h = e[59] | (e[61] >> 4) << 8;
}

XD_TEST(edid)
{
	uint32_t w, h;

	start("kiosk", two_pinned);
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a 1280x720");
	/* The preferred detailed timing is the connector's mode. */
	read_edid_mode(1, &w, &h);
	XD_ASSERT(w == 1280 && h == 720, "preferred timing %ux%u", w, h);
}

/* Polls the EDID until it offers want_w x want_h (the module tells the
 * backend asynchronously when an output comes or goes). */
static void
expect_edid_mode_eventually(uint32_t domid, uint32_t want_w,
			    uint32_t want_h)
{
	uint32_t w = 0, h = 0;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		read_edid_mode(domid, &w, &h);
		if (w == want_w && h == want_h)
			return;
		usleep(50 * 1000);
	}
	XD_ASSERT(0, "EDID offers %ux%u, want %ux%u", w, h, want_w, want_h);
}

/* resolution=output: the guest is offered its output's mode, and its
 * own vdispl resolution while the output is unplugged. */
XD_TEST(edid_follows_output)
{
	uint32_t w, h;

	start("kiosk", "[xen-display]\nguest=guest-a\noutput=headless-2\n"
		       "resolution=output\n");
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a 1280x720");
	read_edid_mode(1, &w, &h);
	XD_ASSERT(w == W && h == H, "EDID offers %ux%u, output is %dx%d", w,
		  h, W, H);
	kill(weston->pid, SIGUSR1);
	expect_edid_mode_eventually(1, 1280, 720);
	kill(weston->pid, SIGUSR1);
	expect_edid_mode_eventually(1, W, H);
}

XD_TEST(reboot)
{
	start("kiosk", two_pinned);
	xd_sim_ok(sim, SHOW_MS, "guest 1 guest-a %dx%d", W, H);
	xd_sim_ok(sim, SHOW_MS, "show 1 0 1");
	xd_sim_ok(sim, SHOW_MS, "reboot 1");
	xd_sim_ok(sim, SHOW_MS, "show 1 0 2");
	expect_frame("headless", 1, 2, 0, 0, W, H);
	XD_ASSERT(xd_weston_wait_log(weston, "display disconnected", 1000),
		  "disconnect not logged");
}

/* After the case: xd_weston_stop() fails it if Weston died during it. */
static void
teardown(void)
{
	xd_weston_stop(weston);
}

XD_TEST_TEARDOWN(teardown);
