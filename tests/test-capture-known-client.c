/* SPDX-License-Identifier: MIT */
/*
 * The harness's own ground truth: a client's buffer of known pixels comes
 * back from an output capture exactly, at the place kiosk-shell puts it.
 *
 *   test-capture-known-client CASE | --list
 *
 * A case is a renderer and a kind of buffer (see the XD_TESTs at the end);
 * Weston 14's pixman renderer offers no dma-buf (doc/testing.md).
 */

#include <string.h>

#include <wayland-client.h>

#include "harness/harness.h"

#define OUT_W 320
#define OUT_H 240
#define WIN_W 256
#define WIN_H 128
#define COLOUR 0xff8000u

static void
check_window(const char *renderer, const char *buffer_kind)
{
	struct xd_weston_options opt = { .width = OUT_W, .height = OUT_H };
	enum xd_buffer_kind kind;
	struct xd_weston *weston;
	struct wl_display *display;
	struct xd_test_window *window;
	struct xd_image *image;
	char path[512];
	long inside, outside_black;
	int x0 = (OUT_W - WIN_W) / 2, y0 = (OUT_H - WIN_H) / 2;

	opt.renderer = renderer;
	kind = strcmp(buffer_kind, "dmabuf") == 0 ? XD_BUFFER_DMABUF_MEMFD :
						XD_BUFFER_SHM;

	weston = xd_weston_start(&opt);
	display = xd_weston_connect(weston);
	window = xd_test_window_create(display, WIN_W, WIN_H, COLOUR, kind);
	image = xd_capture_output(display, NULL);

	snprintf(path, sizeof path, "%s/capture-known-client-%s-%s.png",
		 xd_test_output_dir(), renderer, buffer_kind);
	xd_image_write_png(image, path);

	XD_ASSERT(image->width == OUT_W && image->height == OUT_H,
		  "capture is %dx%d", image->width, image->height);
	inside = xd_image_count(image, x0, y0, WIN_W, WIN_H, COLOUR);
	outside_black = xd_image_count(image, 0, 0, OUT_W, OUT_H, 0) -
			xd_image_count(image, x0, y0, WIN_W, WIN_H, 0);
	XD_ASSERT(inside == WIN_W * WIN_H,
		  "%ld of %d window pixels are 0x%06x (see %s)", inside,
		  WIN_W * WIN_H, COLOUR, path);
	XD_ASSERT(outside_black == OUT_W * OUT_H - WIN_W * WIN_H,
		  "%ld of %d pixels around the window are black (see %s)",
		  outside_black, OUT_W * OUT_H - WIN_W * WIN_H, path);

	xd_test_window_destroy(window);
	xd_image_destroy(image);
	wl_display_disconnect(display);
	xd_weston_stop(weston);
}

XD_TEST(gl_dmabuf)
{
	check_window("gl", "dmabuf");
}

XD_TEST(gl_shm)
{
	check_window("gl", "shm");
}

XD_TEST(pixman_shm)
{
	check_window("pixman", "shm");
}
