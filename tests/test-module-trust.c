/* SPDX-License-Identifier: MIT */
/*
 * The module trusts no backend: a backend taken over by its guest
 * (tests/hostile-backend.c, the hostile guest's own backend= in its
 * weston.ini section; the real backend for the others) beside an honest guest, in
 * headless Weston with two outputs, each guest's weston.ini section
 * pinning it to an output of its own.
 *
 *   forged-name    the backend names the other guest (and its domid):
 *                  it is shown on its own guest's output, never on the
 *                  other's, whose frames stay exact; the claim is logged
 *   request-flood  the backend asks for one connector over and over: it
 *                  is disconnected (and restarted), the other guest
 *                  flips on
 *   log-flood      the backend logs 5000 lines at once: the log gets
 *                  1000, then says how many it dropped
 *
 *   test-module-trust CASE | --list
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/harness.h"
#include "sim/sim-pattern.h"
#include "sim/sim-process.h"

#define W 320
#define H 240
#define SIM_MS 15000
#define HOSTILE 1
#define HONEST 2
#define HOSTILE_RGB 0xff00ffu	/* hostile-backend.c's colour */

static struct xd_sim_process *sim;
static struct xd_weston *weston;
static struct wl_display *display;

static void
stop_all(void)
{
	if (sim)
		xd_sim_process_stop(sim);
}

static void
teardown(void)
{
	if (weston)
		xd_weston_stop(weston);
}

XD_TEST_TEARDOWN(teardown);

/* The hostile guest "hostile" (domid 1) on output headless, the honest
 * "honest" (2) on headless-2, both filling it; the backend of guest 1
 * does what XD_TEST_HOSTILE says (hostile-backend.c). */
static void
start(const char *hostile)
{
	struct xd_weston_options opt = {
		.width = W,
		.height = H,
		.outputs = 2,
		.load_module = true,
	};
	char dir[] = "/tmp/xd-module-trust-XXXXXX";
	char *config, *env;

	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	sim = xd_sim_process_start(dir);
	atexit(stop_all);
	XD_ASSERT(asprintf(&config, "[xen-display]\nxen=sim:%s\n"
			   "backend=" XD_BACKEND_PATH "\n"
			   "sandbox-path=" XD_SANDBOX_PATH "\n"
			   /* Without the frames over the pictures' edges:
			    * these cases count every pixel. The names on
			    * a forged claim: test-guest-labels.c. */
			   "[xen-display]\nguest=hostile\noutput=headless\n"
			   "placement=fullscreen\nbackend=%s\nlabel=false\n"
			   "[xen-display]\nguest=honest\noutput=headless-2\n"
			   "placement=fullscreen\nlabel=false\n", sim->socket,
			   XD_HOSTILE_BACKEND_PATH) > 0, "asprintf");
	XD_ASSERT(asprintf(&env, "LP_NUM_THREADS=0 XD_TEST_HOSTILE_DOMID=%u "
			   "XD_TEST_HOSTILE=%s", HOSTILE, hostile) > 0,
		  "asprintf");
	opt.config = config;
	opt.extra_env = env;
	weston = xd_weston_start(&opt);
	free(config);
	free(env);
	display = xd_weston_connect(weston);
	XD_ASSERT(xd_weston_wait_log(weston, "watching", 10000),
		  "module does not watch the simulator's XenStore");
}

/* The honest guest's frame fills headless-2, pixel for pixel. */
static void
expect_honest(uint32_t frame)
{
	struct xd_image *img = xd_capture_output(display, "headless-2");
	long bad = 0;
	char path[512];
	int x, y;

	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			if (xd_image_pixel(img, x, y) !=
			    xd_sim_pattern(HONEST, 0, frame, x, y))
				bad++;
	if (bad) {
		snprintf(path, sizeof path, "%s/module-trust-honest-f%u.png",
			 xd_test_output_dir(), frame);
		xd_image_write_png(img, path);
	}
	XD_ASSERT(bad == 0, "headless-2: %ld pixels of the honest guest's "
		  "frame %u wrong", bad, frame);
	xd_image_destroy(img);
}

/* Pixels of the hostile backend's colour on output, polled for up to
 * timeout_ms until there are at least want. */
static long
hostile_pixels(const char *output, long want, int timeout_ms)
{
	long n = 0;

	for (;; timeout_ms -= 100) {
		struct xd_image *img = xd_capture_output(display, output);

		n = xd_image_count(img, 0, 0, W, H, HOSTILE_RGB);
		xd_image_destroy(img);
		if (n >= want || timeout_ms <= 0)
			return n;
		usleep(100 * 1000);
	}
}

XD_TEST(forged_name)
{
	long n;

	start("claim:honest:2");
	xd_sim_ok(sim, SIM_MS, "guest %u honest %dx%d", HONEST, W, H);
	xd_sim_ok(sim, SIM_MS, "show %u 0 1", HONEST);
	expect_honest(1);
	/* Its backend never serves the guest: no frontend to wait for. */
	xd_sim_ok(sim, SIM_MS, "guest %u hostile %dx%d no-connect", HOSTILE,
		  W, H);
	/* Its own place: all of its own output. */
	n = hostile_pixels("headless", (long)W * H, 10000);
	XD_ASSERT(n == (long)W * H, "the hostile backend's surface is not on "
		  "its own guest's output (%ld of %d pixels)", n, W * H);
	/* Not the other's. */
	XD_ASSERT(hostile_pixels("headless-2", 1, 0) == 0,
		  "the hostile backend shows on the other guest's output");
	xd_sim_ok(sim, SIM_MS, "show %u 0 2", HONEST);
	expect_honest(2);
	XD_ASSERT(hostile_pixels("headless-2", 1, 0) == 0,
		  "the hostile backend shows on the other guest's output");
	XD_ASSERT(xd_weston_wait_log(weston, "claims to serve guest 'honest'",
				     1000), "the forged name was not logged");
}

XD_TEST(request_flood)
{
	uint32_t f;

	start("flood");
	xd_sim_ok(sim, SIM_MS, "guest %u honest %dx%d", HONEST, W, H);
	xd_sim_ok(sim, SIM_MS, "show %u 0 1", HONEST);
	xd_sim_ok(sim, SIM_MS, "guest %u hostile %dx%d no-connect", HOSTILE,
		  W, H);
	XD_ASSERT(xd_weston_wait_log(weston, "hostile: backend for device 0 "
				     "disconnected: get_connector 0", 10000),
		  "the flood was not refused");
	XD_ASSERT(xd_weston_wait_log(weston, "hostile: backend for device 0 "
				     "exited; restarting", 10000),
		  "the flooding backend was not disconnected");
	/* The other guest flips on. */
	for (f = 2; f < 6; f++) {
		xd_sim_ok(sim, SIM_MS, "show %u 0 %u", HONEST, f);
		expect_honest(f);
	}
}

/* Lines of Weston's log holding text. */
static int
log_count(const char *text)
{
	char *log = xd_weston_read_log(weston), *p = log;
	int n = 0;

	while (p && (p = strstr(p, text))) {
		n++;
		p += strlen(text);
	}
	free(log);
	return n;
}

XD_TEST(log_flood)
{
	int n;

	start("log-flood");
	xd_sim_ok(sim, SIM_MS, "guest %u hostile %dx%d no-connect", HOSTILE,
		  W, H);
	XD_ASSERT(xd_weston_wait_log(weston, "hostile: after the flood",
				     10000),
		  "the line after the flood is lost");
	n = log_count("hostile: flood line");
	/* 1000 at once, and what 100 a second refilled meanwhile. */
	XD_ASSERT(n >= 1000 && n < 1100, "%d of the 5000 lines logged", n);
	XD_ASSERT(xd_weston_wait_log(weston, "lines of its backend not logged",
				     0), "the dropped lines were not counted");
}
