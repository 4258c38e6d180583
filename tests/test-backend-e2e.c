/* SPDX-License-Identifier: MIT */
/*
 * The real backend process against a simulated xen-drm-front in this
 * process, with no Weston module in between: the test is the guest and
 * the toolstack, spawns xen-display-backend itself and checks what a
 * user sees on a headless Weston after every flip.
 *
 *   test-backend-e2e CASE | --list      (a case is an XD_TEST below)
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <wayland-client.h>
#include <xen/io/xenbus.h>

#include "event-loop.h"
#include "harness/harness.h"
#include "pixel-convert.h"
#include "sim/sim-draw.h"
#include "sim/backend-process.h"
#include "sim/sim-front.h"
#include "sim/sim-hv.h"

#define W 640
#define H 480
#define DOMID 1
#define TIMEOUT_MS 10000
#define FRAMES 5
/* xen-drm-front's FRAME_DONE_TO_MS: a flip without its event by then
 * completes on a timer, with an error in the guest's log. */
#define FRAME_DONE_TO_MS 3100

static struct xd_weston *weston;
static struct wl_display *display;
static struct xd_event_loop *loop;
static struct xd_sim_hv *hv;
static struct xd_sim_front *front;
static struct xd_sim_front_config config;
static char sim_socket[300];
static int backend_pid = -1;
static bool backend_be_alloc;

static void
kill_backend(void)
{
	xd_backend_kill(backend_pid);
	backend_pid = -1;
}

static void
spawn_backend(void)
{
	backend_pid = xd_backend_spawn(weston, sim_socket, DOMID,
				       backend_be_alloc);
}

static void
start(uint32_t num_connectors, bool be_alloc)
{
	/* A seat, or kiosk-shell crashes at a reconnect's new window
	 * (harness/test-outputs-module.c). */
	struct xd_weston_options opt = { .width = W, .height = H,
					 .seat = true };
	char dir[] = "/tmp/xd-backend-e2e-XXXXXX";
	uint32_t i;

	weston = xd_weston_start(&opt);
	display = xd_weston_connect(weston);
	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	snprintf(sim_socket, sizeof sim_socket, "%s/sim.sock", dir);
	loop = xd_event_loop_create();
	hv = xd_sim_hv_create(loop, sim_socket);
	XD_ASSERT(hv, "simulator");
	atexit(kill_backend);

	config.domid = DOMID;
	config.num_connectors = num_connectors;
	config.be_alloc = be_alloc;
	for (i = 0; i < num_connectors; i++) {
		config.connectors[i].width = W;
		config.connectors[i].height = H;
		config.connectors[i].unique_id = i ? "second" : "first";
	}
	XD_ASSERT(xd_sim_hv_domain_create(hv, DOMID, "guest", 16384) == 0,
		  "domain");
	XD_ASSERT(xd_sim_toolstack_add_vdispl(hv, &config) == 0, "toolstack");
	spawn_backend();
	front = xd_sim_front_create(hv, loop, &config);
	XD_ASSERT(front, "front");
	XD_ASSERT(xd_sim_front_connect(front, TIMEOUT_MS) == 0,
		  "front does not connect; backend state %d",
		  xd_sim_front_backend_state(front));
}

static void
stop(void)
{
	xd_sim_front_destroy(front);
	kill_backend();
	xd_sim_hv_destroy(hv);
	xd_event_loop_destroy(loop);
	wl_display_disconnect(display);
	xd_weston_stop(weston);
}

/* Pixels of the captured output that are not buf's, through the same
 * conversion the backend's copy path uses; tolerance covers GL rounding
 * of channels narrower than 8 bits. The first wrong one in *first_x,
 * *first_y, what it should be in *first_want; the capture in *image. */
static long
wrong_pixels(const char *output, const struct xd_sim_buffer *buf,
	     uint32_t fourcc, int tolerance, struct xd_image **image,
	     int *first_x, int *first_y, uint32_t *first_want)
{
	uint32_t *want = calloc((size_t)W * H, 4);
	struct xd_image *img;
	long bad = 0;
	int x, y, s;

	XD_ASSERT(want && xd_convert_to_xrgb8888(want, W * 4, buf->pixels,
						 buf->pitch, W, H, fourcc),
		  "convert %.4s", (char *)&fourcc);
	img = xd_capture_output(display, output);
	XD_ASSERT(img->width == W && img->height == H, "output %dx%d",
		  img->width, img->height);
	for (y = 0; y < H; y++) {
		for (x = 0; x < W; x++) {
			uint32_t got = xd_image_pixel(img, x, y);
			uint32_t exp = want[y * W + x] & 0xffffff;

			for (s = 0; s < 24; s += 8) {
				int d = (int)(got >> s & 0xff) -
					(int)(exp >> s & 0xff);

				if (d < -tolerance || d > tolerance)
					break;
			}
			if (s < 24 && bad++ == 0) {
				*first_x = x;
				*first_y = y;
				*first_want = exp;
			}
		}
	}
	free(want);
	*image = img;
	return bad;
}

/* What the guest's buffer must look like on screen. */
static void
expect_buffer(const char *output, const struct xd_sim_buffer *buf,
	      uint32_t fourcc, int tolerance, const char *tag)
{
	struct xd_image *img;
	int first_x = -1, first_y = -1;
	uint32_t first_want = 0;
	char path[512];
	long bad;

	bad = wrong_pixels(output, buf, fourcc, tolerance, &img, &first_x,
			   &first_y, &first_want);
	if (bad) {
		snprintf(path, sizeof path, "%s/backend-e2e-%s.png",
			 xd_test_output_dir(), tag);
		xd_image_write_png(img, path);
		XD_ASSERT(false, "%s: %ld pixels wrong, first at %d,%d: "
			  "0x%06x, want 0x%06x (see %s)", tag, bad, first_x,
			  first_y, xd_image_pixel(img, first_x, first_y),
			  first_want, path);
	}
	xd_image_destroy(img);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* PG_FLIP, then its event, soon enough for the guest's timer. */
static void
flip(uint32_t conn, uint64_t cookie, uint32_t frame)
{
	long start = now_ms(), took;
	int ret;

	ret = xd_sim_front_page_flip(front, conn, cookie);
	XD_ASSERT(ret == 0, "PG_FLIP of frame %u: %d", frame, ret);
	ret = xd_sim_front_wait_flip_done(front, conn, cookie, TIMEOUT_MS);
	XD_ASSERT(ret == 0, "no flip-done event for frame %u: %d", frame,
		  ret);
	took = now_ms() - start;
	XD_ASSERT(took < FRAME_DONE_TO_MS, "frame %u: flip-done after %ld "
		  "ms; the guest's timer would have fired", frame, took);
}

struct fb {
	struct xd_sim_buffer *buf;
	uint64_t cookie;
	uint32_t fourcc;
};

/* A guest's modeset: dumb buffer, framebuffer, as DRM orders them. */
static struct fb
make_fb(uint32_t conn, uint64_t cookie, uint32_t fourcc)
{
	struct fb fb = { .cookie = cookie, .fourcc = fourcc };
	uint32_t bpp = xd_format_bpp(fourcc);
	int ret;

	ret = xd_sim_front_dbuf_create(front, conn, cookie, W, H, bpp, 0,
				       &fb.buf);
	XD_ASSERT(ret == 0, "DBUF_CREATE %.4s: %d", (char *)&fourcc, ret);
	XD_ASSERT(fb.buf->pitch == (W * bpp + 7) / 8, "pitch %u",
		  fb.buf->pitch);
	ret = xd_sim_front_fb_attach(front, conn, fb.buf, cookie + 0x1000, W,
				     H, fourcc);
	XD_ASSERT(ret == 0, "FB_ATTACH %.4s: %d", (char *)&fourcc, ret);
	fb.cookie = cookie + 0x1000;
	return fb;
}

static void
flip_and_check(uint32_t conn, const struct fb *fb, uint32_t frame,
	       const char *output, int tolerance)
{
	char tag[64];

	xd_sim_draw(fb->fourcc, DOMID, conn, frame, W, H, fb->buf->pitch,
		    fb->buf->pixels);
	flip(conn, fb->cookie, frame);
	snprintf(tag, sizeof tag, "c%u-f%u-%.4s", conn, frame,
		 (const char *)&fb->fourcc);
	expect_buffer(output, fb->buf, fb->fourcc, tolerance, tag);
}

/* Five frames in two buffers: each shows, exactly, once its flip is
 * done; the other buffer is being drawn meanwhile. */
static void
show_frames(uint32_t first_frame)
{
	struct fb fbs[2];
	uint32_t i;

	fbs[0] = make_fb(0, 0x10 + first_frame * 2, DRM_FORMAT_XRGB8888);
	fbs[1] = make_fb(0, 0x11 + first_frame * 2, DRM_FORMAT_XRGB8888);
	XD_ASSERT(xd_sim_front_set_config(front, 0, fbs[0].cookie, W, H,
					  32) == 0, "SET_CONFIG");
	for (i = 0; i < FRAMES; i++)
		flip_and_check(0, &fbs[i % 2], first_frame + i, NULL, 0);
}

XD_TEST(frames)
{
	start(1, false);
	show_frames(0);
	XD_ASSERT(xd_sim_front_flips_done(front, 0) == FRAMES,
		  "%u flip events for %d flips",
		  xd_sim_front_flips_done(front, 0), FRAMES);
	stop();
}

XD_TEST(formats)
{
	unsigned int i;

	start(1, false);
	for (i = 0; i < xd_sim_num_formats; i++) {
		uint32_t f = xd_sim_formats[i];
		struct fb fb = make_fb(0, 0x100 + i, f);
		bool full = xd_format_bpp(f) >= 24;

		XD_ASSERT(xd_sim_front_set_config(front, 0, fb.cookie, W, H,
						  xd_format_bpp(f)) == 0,
			  "SET_CONFIG %.4s", (char *)&f);
		flip_and_check(0, &fb, i, NULL, full ? 0 : 2);
		fprintf(stderr, "%.4s: as pixel-convert.h converts it\n",
			(char *)&f);
	}
	stop();
}

XD_TEST(two_connectors)
{
	struct fb a, b;
	uint32_t f;

	start(2, false);
	a = make_fb(0, 0x20, DRM_FORMAT_XRGB8888);
	b = make_fb(1, 0x30, DRM_FORMAT_XRGB8888);
	XD_ASSERT(xd_sim_front_set_config(front, 0, a.cookie, W, H, 32) == 0,
		  "SET_CONFIG 0");
	XD_ASSERT(xd_sim_front_set_config(front, 1, b.cookie, W, H, 32) == 0,
		  "SET_CONFIG 1");
	/* kiosk-shell puts the second surface on top of the first on the
	 * one output: connector 1 shows, and both flip in time. */
	for (f = 0; f < 2; f++) {
		xd_sim_draw(a.fourcc, DOMID, 0, f, W, H, a.buf->pitch,
			    a.buf->pixels);
		/* Hidden under connector 1's surface: still flips. */
		flip(0, a.cookie, f);
		flip_and_check(1, &b, f + 5, NULL, 0);
	}
	XD_ASSERT(xd_sim_front_flips_done(front, 0) == 2 &&
		  xd_sim_front_flips_done(front, 1) == 2,
		  "flip events %u and %u", xd_sim_front_flips_done(front, 0),
		  xd_sim_front_flips_done(front, 1));
	stop();
}

XD_TEST(be_alloc)
{
	struct xd_sim_stats stats;
	struct fb fb;

	backend_be_alloc = true;	/* the administrator allows it */
	start(1, true);
	fb = make_fb(0, 0x40, DRM_FORMAT_XRGB8888);
	XD_ASSERT(fb.buf->be_alloc, "buffer not backend-allocated");
	xd_sim_hv_stats(hv, 0, &stats);
	XD_ASSERT(stats.grants >= fb.buf->num_pages, "dom0 granted %u pages "
		  "for a %u-page buffer", stats.grants, fb.buf->num_pages);
	XD_ASSERT(xd_sim_front_set_config(front, 0, fb.cookie, W, H, 32) == 0,
		  "SET_CONFIG");
	flip_and_check(0, &fb, 3, NULL, 0);
	flip_and_check(0, &fb, 4, NULL, 0);
	stop();
}

/* Without the administrator's consent dom0 allocates nothing. */
XD_TEST(be_alloc_not_allowed)
{
	struct xd_sim_buffer *buf = NULL;
	int ret;

	start(1, true);
	ret = xd_sim_front_dbuf_create(front, 0, 0x50, W, H, 32, 0, &buf);
	XD_ASSERT(ret == -EOPNOTSUPP, "be-alloc DBUF_CREATE gave %d", ret);
	XD_ASSERT(!buf, "a buffer came back");
	/* A refused request is no reason to drop the device. */
	XD_ASSERT(xd_sim_front_backend_state(front) == XenbusStateConnected,
		  "backend state %d", xd_sim_front_backend_state(front));
	stop();
}

XD_TEST(edid)
{
	uint8_t e[XENDISPL_EDID_BLOCK_SIZE * 2], sum = 0;
	uint32_t size = 0;
	unsigned int i, w, h;
	int ret;

	start(1, false);
	ret = xd_sim_front_get_edid(front, 0, e, sizeof e, &size);
	XD_ASSERT(ret == 0, "GET_EDID: %d", ret);
	XD_ASSERT(size >= 128 && size % 128 == 0 && size <= sizeof e,
		  "edid_sz %u", size);
	for (i = 0; i < 128; i++)
		sum += e[i];
	XD_ASSERT(e[0] == 0 && e[1] == 0xff && e[6] == 0xff && e[7] == 0,
		  "EDID header");
	XD_ASSERT(sum == 0, "EDID checksum");
	XD_ASSERT(e[18] == 1, "EDID version %u.%u", e[18], e[19]);
	w = e[56] | (e[58] >> 4) << 8;
	h = e[59] | (e[61] >> 4) << 8;
	XD_ASSERT(w == W && h == H, "preferred timing %ux%u", w, h);
	XD_ASSERT(e[54] | e[55], "no pixel clock");
	stop();
}

/* The guest reboots: xenbus closes the device on shutdown, the new
 * kernel's driver probes it again. */
XD_TEST(reboot)
{
	struct xd_sim_stats stats;
	long start_ms;
	int i;

	start(1, false);
	show_frames(0);
	xd_sim_hv_stats(hv, DOMID, &stats);
	XD_ASSERT(stats.pages_mapped > 0, "the backend maps no guest page");
	start_ms = now_ms();
	XD_ASSERT(xd_sim_front_shutdown(front) == 0, "the backend kept the "
		  "guest's shutdown waiting 5 s (state %d)",
		  xd_sim_front_backend_state(front));
	fprintf(stderr, "shutdown took %ld ms\n", now_ms() - start_ms);
	/* The backend lets go of every page of the old guest's. */
	for (i = 0; i < 100; i++) {
		xd_sim_hv_stats(hv, DOMID, &stats);
		if (!stats.pages_mapped)
			break;
		xd_event_loop_dispatch(loop, 10);
	}
	XD_ASSERT(stats.pages_mapped == 0, "%u guest pages still mapped by "
		  "the backend after the guest closed", stats.pages_mapped);
	XD_ASSERT(xd_sim_front_connect(front, TIMEOUT_MS) == 0,
		  "no reconnection after reboot (backend state %d)",
		  xd_sim_front_backend_state(front));
	show_frames(10);
	stop();
}

/* The guest unbinds the driver (rmmod) and binds it again. */
XD_TEST(rebind)
{
	start(1, false);
	show_frames(0);
	XD_ASSERT(xd_sim_front_disconnect(front, TIMEOUT_MS) == 0,
		  "backend did not follow the close (state %d)",
		  xd_sim_front_backend_state(front));
	/* Linux's driver waits a second for InitWait while it is Closing
	 * and logs an error without it; our backend goes Closing, as
	 * xenbus's shutdown path wants. Seen, not failed. */
	if (xd_sim_front_remove_timed_out(front))
		fprintf(stderr, "note: the backend did not reach InitWait "
			"while the driver was being removed: a real guest "
			"waits 1 s and logs an error\n");
	XD_ASSERT(xd_sim_front_connect(front, TIMEOUT_MS) == 0,
		  "no reconnection after rebind (backend state %d)",
		  xd_sim_front_backend_state(front));
	show_frames(10);
	stop();
}

/* The backend dies without a word; its successor starts over and the
 * front, as xen-drm-front does when the backend goes back to InitWait
 * or Closed, drops its device and probes again. */
XD_TEST(backend_restart)
{
	uint32_t generation, i;

	start(1, false);
	show_frames(0);
	generation = xd_sim_front_generation(front);
	kill_backend();
	spawn_backend();
	for (i = 0; i < TIMEOUT_MS / 10; i++) {
		if (xd_sim_front_generation(front) != generation &&
		    xd_sim_front_backend_state(front) == XenbusStateConnected)
			break;
		xd_event_loop_dispatch(loop, 10);
	}
	XD_ASSERT(xd_sim_front_generation(front) != generation,
		  "front did not reconnect to the new backend (its state "
		  "%d)", xd_sim_front_backend_state(front));
	show_frames(20);
	stop();
}

/* Waits until the output shows buf (the backend commits it on its own,
 * at an event of Weston's the test does not see), then checks it. */
static void
wait_for_buffer(const struct xd_sim_buffer *buf, uint32_t fourcc,
		const char *tag)
{
	struct xd_image *img;
	int first_x, first_y, i;
	uint32_t first_want;
	long bad = 1;

	for (i = 0; i < TIMEOUT_MS / 100 && bad; i++) {
		bad = wrong_pixels(NULL, buf, fourcc, 0, &img, &first_x,
				   &first_y, &first_want);
		xd_image_destroy(img);
		if (bad)
			xd_event_loop_dispatch(loop, 100);
	}
	expect_buffer(NULL, buf, fourcc, 0, tag);
}

/* Frames flipped while Weston holds every buffer: more than the copies
 * a framebuffer may have (3) on each of the guest's two. */
#define SLOW_FRAMES 10

/*
 * A dom0 Weston that repaints slower than the guest flips (under TCG, or
 * busy) releases the copy path's buffers late: here it is stopped, so it
 * releases none, presents nothing, and the backend's fallback completes
 * the flips. The guest, double-buffering as xen-drm-front does, sometimes
 * with a second flip sent before the first is done, must be paced, not
 * refused: every PG_FLIP answered 0, every flip completed, and once
 * Weston runs again the newest frame is the one on screen.
 */
XD_TEST(slow_release)
{
	struct fb fbs[2], *fb, *before = NULL;
	uint32_t frame;
	int ret;

	setenv("XD_SIM_NO_DMABUF", "all", 1);
	start(1, false);
	fbs[0] = make_fb(0, 0x10, DRM_FORMAT_XRGB8888);
	fbs[1] = make_fb(0, 0x11, DRM_FORMAT_XRGB8888);
	XD_ASSERT(xd_sim_front_set_config(front, 0, fbs[0].cookie, W, H,
					  32) == 0, "SET_CONFIG");
	flip_and_check(0, &fbs[0], 0, NULL, 0);

	XD_ASSERT(kill(weston->pid, SIGSTOP) == 0, "stopping Weston");
	for (frame = 1; frame <= SLOW_FRAMES; frame++) {
		fb = &fbs[frame % 2];
		xd_sim_draw(fb->fourcc, DOMID, 0, frame, W, H, fb->buf->pitch,
			    fb->buf->pixels);
		ret = xd_sim_front_page_flip(front, 0, fb->cookie);
		XD_ASSERT(ret == 0, "PG_FLIP of frame %u while Weston holds "
			  "the copies: %d", frame, ret);
		/* Every fourth frame goes out with the one before still in
		 * flight, as the ring allows: it may replace that one. */
		if (frame % 4 == 3) {
			before = fb;
			continue;
		}
		if (before) {
			ret = xd_sim_front_wait_flip_done(front, 0,
							  before->cookie,
							  FRAME_DONE_TO_MS);
			XD_ASSERT(ret == 0, "frame %u's flip, replaced or "
				  "not, never completed: %d", frame - 1, ret);
			before = NULL;
		}
		ret = xd_sim_front_wait_flip_done(front, 0, fb->cookie,
						  FRAME_DONE_TO_MS);
		XD_ASSERT(ret == 0, "no flip-done event for frame %u in %d "
			  "ms: %d", frame, FRAME_DONE_TO_MS, ret);
	}
	XD_ASSERT(kill(weston->pid, SIGCONT) == 0, "resuming Weston");
	XD_ASSERT(xd_sim_front_flips_done(front, 0) == SLOW_FRAMES + 1,
		  "%u flip events for %d flips",
		  xd_sim_front_flips_done(front, 0), SLOW_FRAMES + 1);

	/* The newest frame, not one the backend had queued before. */
	fb = &fbs[SLOW_FRAMES % 2];
	wait_for_buffer(fb->buf, fb->fourcc, "slow-release-newest");
	/* And the guest flips on at Weston's pace. */
	fb = &fbs[(SLOW_FRAMES + 1) % 2];
	flip_and_check(0, fb, SLOW_FRAMES + 1, NULL, 0);
	stop();
}
