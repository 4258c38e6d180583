/* SPDX-License-Identifier: MIT */
/*
 * The backend's Wayland half, with no Xen: guest framebuffers of every
 * format xen-drm-front offers, at both pitch rules guests use, appear on
 * the output pixel-exact; flips complete only once a repaint took them; a
 * detached framebuffer's buffer is released once the compositor let go of
 * it. A framebuffer two connectors show (a mirroring guest) does not hold
 * back the flip of one of them that replaces it while the other still
 * shows it, nor one the guest flipped back to before Weston repainted.
 *
 * A guest mode larger than the output, under a shell that makes it
 * fullscreen (kiosk-shell), is scaled down to fit instead of breaking the
 * xdg-shell rule the shell enforces by disconnecting us.
 *
 *   test-wayland-sink CASE | --list
 *
 * A case is a renderer, and large-mode or not (the XD_TESTs at the end).
 */

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <wayland-client.h>

#include "event-loop.h"
#include "harness/harness.h"
#include "harness/shm-file.h"
#include "log.h"
#include "pixel-convert.h"
#include "wayland-sink.h"

#define OUT_W 320
#define OUT_H 240
#define FB_W 62		/* RGB888: 186 bytes unaligned, 192 aligned to 8 */
#define FB_H 32
#define BANDS 4

struct test_buffer {
	struct xd_guest_buffer base;
	int *destroyed;
};

static uint64_t flips_done[64];
static int n_flips_done;

/* The displif half's side of the contract, recorded. */
static void
record_flip_done(void *data, uint64_t fb_cookie)
{
	XD_ASSERT(n_flips_done < 64, "too many flips");
	flips_done[n_flips_done++] = fb_cookie;
}

static const struct xd_display_source source = { record_flip_done, NULL };

static void
test_buffer_destroy(struct xd_guest_buffer *base)
{
	struct test_buffer *b = (struct test_buffer *)base;

	(*b->destroyed)++;
	munmap(b->base.cpu, b->base.size);
	close(b->base.dmabuf_fd);
	free(b);
}

/* Writes one pixel of colour rgb (exactly representable) in format. */
static void
put_pixel(uint8_t *p, uint32_t format, uint32_t rgb, int x)
{
	uint32_t r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
	uint32_t v = 0;

	switch (format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		/* Alpha 0: a guest's scanout ignores it, so must we. */
		v = rgb & 0xffffff;
		memcpy(p + 4 * x, &v, 4);
		return;
	case DRM_FORMAT_RGB888:
		p[3 * x] = b;
		p[3 * x + 1] = g;
		p[3 * x + 2] = r;
		return;
	case DRM_FORMAT_RGB565:
		v = (r >> 3) << 11 | (g >> 2) << 5 | b >> 3;
		break;
	case DRM_FORMAT_XRGB4444:
	case DRM_FORMAT_ARGB4444:
		v = (r >> 4) << 8 | (g >> 4) << 4 | b >> 4;
		break;
	case DRM_FORMAT_XRGB1555:
	case DRM_FORMAT_ARGB1555:
		v = (r >> 3) << 10 | (g >> 3) << 5 | b >> 3;
		break;
	case DRM_FORMAT_YUYV:	/* greys only: Y of 16..235, neutral UV */
		p[2 * x] = 16 + (r * 219 + 127) / 255;
		p[2 * x + 1] = 128;
		return;
	}
	p[2 * x] = v;
	p[2 * x + 1] = v >> 8;
}

static uint32_t
band_colour(uint32_t format, int band)
{
	static const uint32_t rgb[BANDS] = {
		0xff0000, 0x00ff00, 0x0000ff, 0xffffff,
	};
	static const uint32_t grey[BANDS] = {
		0xffffff, 0x000000, 0xffffff, 0x000000,
	};

	return format == DRM_FORMAT_YUYV ? grey[band] : rgb[band];
}

static struct xd_guest_buffer *
make_buffer(uint32_t format, uint32_t pitch, uint32_t offset,
	    uint32_t height, int *destroyed)
{
	struct test_buffer *b = calloc(1, sizeof *b);
	uint8_t *map;
	int x, y;

	b->base.refcount = 1;
	b->base.size = offset + pitch * height;
	b->base.dmabuf_fd = xd_shm_file_create(b->base.size, (void **)&map);
	b->base.dmabuf_offset = 0;
	b->base.cpu = map;
	b->base.provider = "test";
	b->base.destroy = test_buffer_destroy;
	b->destroyed = destroyed;
	memset(map, 0x55, b->base.size);	/* padding must not show */
	for (y = 0; y < FB_H; y++)
		for (x = 0; x < FB_W; x++)
			put_pixel(map + offset + y * pitch, format,
				  band_colour(format, y * BANDS / FB_H), x);
	return &b->base;
}

static void
dispatch_until_flipped(struct xd_event_loop *loop, struct xd_wayland *w,
		       uint64_t cookie)
{
	int i;

	for (i = 0; i < 400; i++) {
		if (n_flips_done && flips_done[n_flips_done - 1] == cookie)
			return;
		XD_ASSERT(xd_wayland_flush(w) == 0, "compositor gone");
		xd_event_loop_dispatch(loop, 10);
	}
	XD_ASSERT(false, "flip of fb %#llx never completed",
		  (unsigned long long)cookie);
}

static void
check_capture(struct wl_display *display, uint32_t format, const char *tag)
{
	struct xd_image *image = xd_capture_output(display, NULL);
	int x0 = (OUT_W - FB_W) / 2, y0 = (OUT_H - FB_H) / 2;
	int band, band_h = FB_H / BANDS;
	char path[512];
	long n;

	snprintf(path, sizeof path, "%s/wayland-sink-%s.png",
		 xd_test_output_dir(), tag);
	xd_image_write_png(image, path);
	for (band = 0; band < BANDS; band++) {
		uint32_t want = band_colour(format, band);

		n = xd_image_count(image, x0, y0 + band * band_h, FB_W,
				   band_h, want);
		XD_ASSERT(n == FB_W * band_h,
			  "%s: band %d: %ld of %d pixels are 0x%06x, e.g. "
			  "0x%06x (see %s)", tag, band, n, FB_W * band_h, want,
			  xd_image_pixel(image, x0, y0 + band * band_h), path);
	}
	xd_image_destroy(image);
}

/* A 640x480 guest on the 320x240 output: fits exactly at half size. */
static void
check_large_mode(struct xd_event_loop *loop, struct xd_wayland *w,
		 struct wl_display *display, const char *renderer)
{
	struct xd_connector_info info = { 1, OUT_W * 2, OUT_H * 2, "big" };
	struct xd_fb fb = {
		.cookie = 0x900, .width = OUT_W * 2, .height = OUT_H * 2,
		.drm_format = DRM_FORMAT_XRGB8888, .pitch = OUT_W * 2 * 4,
	};
	/* Released after this returns, when the compositor lets go. */
	static int destroyed;
	struct xd_image *image;
	int x, y;
	uint8_t *p;
	void *conn;
	char path[512];
	long n;

	fb.buffer = make_buffer(DRM_FORMAT_XRGB8888, fb.pitch, 0, fb.height,
				&destroyed);
	/* Left half red, right half blue: scaling must keep them apart. */
	p = fb.buffer->cpu;
	for (y = 0; y < (int)fb.height; y++)
		for (x = 0; x < (int)fb.width; x++)
			put_pixel(p + y * fb.pitch, fb.drm_format,
				  x < (int)fb.width / 2 ? 0xff0000 : 0x0000ff,
				  x);
	conn = xd_wayland_sink_interface.connector_add(w, &source, &info);
	XD_ASSERT(xd_wayland_sink_interface.fb_attach(w, &fb) == 0, "attach");
	xd_guest_buffer_unref(fb.buffer);
	XD_ASSERT(xd_wayland_sink_interface.page_flip(conn, &fb) == 0, "flip");
	dispatch_until_flipped(loop, w, fb.cookie);

	image = xd_capture_output(display, NULL);
	snprintf(path, sizeof path, "%s/wayland-sink-%s-large-mode.png",
		 xd_test_output_dir(), renderer);
	xd_image_write_png(image, path);
	/* Scaling may blend the one column where the halves meet. */
	n = xd_image_count(image, 0, 0, OUT_W / 2 - 1, OUT_H, 0xff0000);
	XD_ASSERT(n == (OUT_W / 2 - 1) * OUT_H, "%ld pixels of the left half "
		  "are red (see %s)", n, path);
	n = xd_image_count(image, OUT_W / 2 + 1, 0, OUT_W / 2 - 1, OUT_H,
			   0x0000ff);
	XD_ASSERT(n == (OUT_W / 2 - 1) * OUT_H, "%ld pixels of the right "
		  "half are blue (see %s)", n, path);
	xd_image_destroy(image);
	xd_wayland_sink_interface.fb_detach(w, fb.cookie);
	xd_wayland_sink_interface.connector_remove(conn);
}

/* The backend's log lines, for the fallback's. */
static int fallbacks;

static void
count_fallbacks(void *data, const char *line)
{
	fprintf(stderr, "backend: %s", line);
	fallbacks += strstr(line, "completing the guest's flips") != NULL;
}

/* n XRGB8888 fbs from cookie on, attached: zero copy, the only path whose
 * flips wait for a release. */
static void
attach_zero_copy_fbs(struct xd_wayland *w, struct xd_fb *fbs, int n,
		     uint64_t cookie)
{
	static int destroyed;
	int i;

	for (i = 0; i < n; i++) {
		fbs[i] = (struct xd_fb){
			.cookie = cookie + i, .width = FB_W, .height = FB_H,
			.drm_format = DRM_FORMAT_XRGB8888, .pitch = FB_W * 4,
		};
		fbs[i].buffer = make_buffer(DRM_FORMAT_XRGB8888, FB_W * 4, 0,
					    FB_H, &destroyed);
		XD_ASSERT(xd_wayland_sink_interface.fb_attach(w, &fbs[i]) == 0,
			  "fb_attach refused");
		xd_guest_buffer_unref(fbs[i].buffer);
		XD_ASSERT(!strcmp(xd_wayland_fb_path(w, fbs[i].cookie),
				  "zero copy"), "XRGB8888 is not zero copy");
	}
}

/* Dispatches until n flips in all completed, or 4 s. */
static void
dispatch_until_done(struct xd_event_loop *loop, struct xd_wayland *w, int n)
{
	int i;

	for (i = 0; i < 400 && n_flips_done < n; i++) {
		XD_ASSERT(xd_wayland_flush(w) == 0, "compositor gone");
		xd_event_loop_dispatch(loop, 10);
	}
}

/* Two connectors show fb X; one flips to Y while the other still shows
 * X, then the other flips to Z. Each flip completes at Weston's repaint:
 * the first may not wait for X's release, which the second connector
 * holds back; only the fallback (500 ms, logged) would complete it. */
static void
check_mirror(struct xd_event_loop *loop, struct xd_wayland *w)
{
	struct xd_connector_info info_a = { 1, FB_W, FB_H, "mirror-a" };
	struct xd_connector_info info_b = { 2, FB_W, FB_H, "mirror-b" };
	struct xd_fb fbs[3];
	void *a, *b;
	int i;

	attach_zero_copy_fbs(w, fbs, 3, 0xa00);
	xd_log_set_handler(count_fallbacks, NULL);
	a = xd_wayland_sink_interface.connector_add(w, &source, &info_a);
	b = xd_wayland_sink_interface.connector_add(w, &source, &info_b);
	XD_ASSERT(a && b, "connector_add failed");
	XD_ASSERT(xd_wayland_sink_interface.page_flip(a, &fbs[0]) == 0 &&
		  xd_wayland_sink_interface.page_flip(b, &fbs[0]) == 0,
		  "page_flip refused");
	dispatch_until_done(loop, w, 2);
	XD_ASSERT(n_flips_done == 2, "the first flips never completed");
	XD_ASSERT(xd_wayland_sink_interface.page_flip(a, &fbs[1]) == 0,
		  "page_flip refused");
	dispatch_until_flipped(loop, w, fbs[1].cookie);
	XD_ASSERT(xd_wayland_sink_interface.page_flip(b, &fbs[2]) == 0,
		  "page_flip refused");
	dispatch_until_flipped(loop, w, fbs[2].cookie);
	xd_log_set_handler(NULL, NULL);
	XD_ASSERT(fallbacks == 0, "%d flips completed by the fallback, not "
		  "at a repaint", fallbacks);
	xd_wayland_sink_interface.connector_remove(a);
	xd_wayland_sink_interface.connector_remove(b);
	for (i = 0; i < 3; i++)
		xd_wayland_sink_interface.fb_detach(w, fbs[i].cookie);
}

/* The guest flips to Y and back to X before Weston repainted: X stays
 * on screen, Weston never releases it, and the flip to Y must not wait
 * for that release (only the fallback would complete it). */
static void
check_flip_back(struct xd_event_loop *loop, struct xd_wayland *w)
{
	struct xd_connector_info info = { 1, FB_W, FB_H, "flip-back" };
	struct xd_fb fbs[2];
	void *conn;
	int i, base;

	attach_zero_copy_fbs(w, fbs, 2, 0xb00);
	xd_log_set_handler(count_fallbacks, NULL);
	conn = xd_wayland_sink_interface.connector_add(w, &source, &info);
	XD_ASSERT(conn, "connector_add failed");
	XD_ASSERT(xd_wayland_sink_interface.page_flip(conn, &fbs[0]) == 0,
		  "page_flip refused");
	dispatch_until_flipped(loop, w, fbs[0].cookie);
	base = n_flips_done;
	/* Both flips before Weston hears of either. */
	XD_ASSERT(xd_wayland_sink_interface.page_flip(conn, &fbs[1]) == 0 &&
		  xd_wayland_sink_interface.page_flip(conn, &fbs[0]) == 0,
		  "page_flip refused");
	dispatch_until_done(loop, w, base + 2);
	xd_log_set_handler(NULL, NULL);
	XD_ASSERT(n_flips_done == base + 2, "%d of 2 flips completed",
		  n_flips_done - base);
	XD_ASSERT(fallbacks == 0, "%d flips completed by the fallback, not "
		  "at a repaint", fallbacks);
	xd_wayland_sink_interface.connector_remove(conn);
	for (i = 0; i < 2; i++)
		xd_wayland_sink_interface.fb_detach(w, fbs[i].cookie);
}

static void
check_sink(const char *renderer, bool large_mode, bool mirror)
{
	static const struct {
		uint32_t format;
		const char *name;
	} formats[] = {
		{ DRM_FORMAT_XRGB8888, "XRGB8888" },
		{ DRM_FORMAT_ARGB8888, "ARGB8888" },
		{ DRM_FORMAT_RGB565, "RGB565" },
		{ DRM_FORMAT_RGB888, "RGB888" },
		{ DRM_FORMAT_XRGB4444, "XRGB4444" },
		{ DRM_FORMAT_ARGB4444, "ARGB4444" },
		{ DRM_FORMAT_XRGB1555, "XRGB1555" },
		{ DRM_FORMAT_ARGB1555, "ARGB1555" },
		{ DRM_FORMAT_YUYV, "YUYV" },
	};
	const int n_formats = sizeof formats / sizeof formats[0];
	struct xd_weston_options opt = { .width = OUT_W, .height = OUT_H };
	struct xd_connector_info info = { 0, FB_W, FB_H, "test-0" };
	struct xd_weston *weston;
	struct wl_display *display;
	struct xd_event_loop *loop;
	struct xd_wayland *w;
	void *conn;
	int destroyed = 0, zero_copy = 0, i;
	bool gl;
	char sock[512];

	opt.renderer = renderer;
	/* Kiosk-shell hides all but one toplevel: no frame callbacks. */
	if (mirror)
		opt.shell = "desktop";
	gl = strcmp(renderer, "gl") == 0;
	weston = xd_weston_start(&opt);
	display = xd_weston_connect(weston);
	snprintf(sock, sizeof sock, "%s/%s", weston->runtime_dir,
		 weston->socket);
	setenv("WAYLAND_DISPLAY", sock, 1);

	loop = xd_event_loop_create();
	w = xd_wayland_create(loop, "testguest", 1);
	XD_ASSERT(w, "the sink could not connect");
	if (mirror) {
		check_mirror(loop, w);
		check_flip_back(loop, w);
		XD_ASSERT(xd_wayland_flush(w) == 0, "the compositor "
			  "disconnected us");
		goto out;
	}
	if (large_mode) {
		check_large_mode(loop, w, display, renderer);
		XD_ASSERT(xd_wayland_flush(w) == 0, "the compositor "
			  "disconnected us");
		goto out;
	}
	conn = xd_wayland_sink_interface.connector_add(w, &source, &info);
	XD_ASSERT(conn, "connector_add failed");

	for (i = 0; i < n_formats; i++) {
		uint32_t format = formats[i].format;
		uint64_t min = xd_format_min_pitch(format, FB_W);
		/* Odd formats: the 2025 rule (8-byte aligned pitch) and a
		 * data offset; even ones: Linux 6.12's unaligned pitch. */
		uint32_t pitch = i % 2 ? (min + 7) & ~7u : min;
		uint32_t offset = i % 2 ? 4096 : 0;
		struct xd_fb fb = {
			.cookie = 0x100 + i, .width = FB_W, .height = FB_H,
			.drm_format = format, .pitch = pitch,
			.offset = offset,
		};
		const char *path;
		char tag[64];

		fb.buffer = make_buffer(format, pitch, offset, FB_H,
					&destroyed);
		XD_ASSERT(xd_wayland_sink_interface.fb_attach(w, &fb) == 0,
			  "%s: fb_attach refused", formats[i].name);
		/* The sink holds its own reference from here on. */
		xd_guest_buffer_unref(fb.buffer);
		path = xd_wayland_fb_path(w, fb.cookie);
		zero_copy += strcmp(path, "zero copy") == 0;
		XD_ASSERT(xd_wayland_sink_interface.page_flip(conn, &fb) == 0,
			  "%s: page_flip refused", formats[i].name);
		XD_ASSERT(n_flips_done == i, "%s: flip completed before a "
			  "repaint took it", formats[i].name);
		dispatch_until_flipped(loop, w, fb.cookie);

		snprintf(tag, sizeof tag, "%s-%s-%s", renderer, formats[i].name,
			 path[0] == 'z' ? "zerocopy" : "copy");
		check_capture(display, format, tag);
		fprintf(stderr, "%s pitch %u offset %u: %s, pixel-exact\n",
			formats[i].name, pitch, offset, path);

		/* The guest detaches the fb it shows; the buffer must
		 * stay until the next flip replaced it on screen. */
		xd_wayland_sink_interface.fb_detach(w, fb.cookie);
	}

	XD_ASSERT(gl ? zero_copy >= 2 : zero_copy == 0,
		  "%d formats went zero copy on %s", zero_copy, renderer);
	XD_ASSERT(xd_wayland_sink_interface.set_config(conn, NULL) == 0,
		  "blanking failed");
	/* Renderers keep the last buffer of a surface until it goes, so
	 * the last one is released when the guest's connector goes. */
	xd_wayland_sink_interface.connector_remove(conn);
	for (i = 0; i < 200 && destroyed < n_formats; i++) {
		xd_wayland_flush(w);
		xd_event_loop_dispatch(loop, 10);
	}
	XD_ASSERT(destroyed == n_formats, "%d of %d detached guest buffers "
		  "released once the compositor let go", destroyed,
		  n_formats);

out:
	xd_wayland_destroy(w);
	xd_event_loop_destroy(loop);
	wl_display_disconnect(display);
	xd_weston_stop(weston);
}

XD_TEST(gl)
{
	check_sink("gl", false, false);
}

XD_TEST(pixman)
{
	check_sink("pixman", false, false);
}

XD_TEST(large_mode_gl)
{
	check_sink("gl", true, false);
}

XD_TEST(large_mode_pixman)
{
	check_sink("pixman", true, false);
}

XD_TEST(mirror_gl)
{
	check_sink("gl", false, true);
}
