/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the Wayland half's framebuffer check (wayland/xdw-fb-check.c),
 * the last word before the copy path reads guest memory by a
 * framebuffer's format, pitch, offset and size, and before they go to
 * the compositor. No compositor: what the check accepts is run through
 * the copy path's conversion into a destination the size the copy path
 * makes, over a source exactly the buffer's size, so the sanitizers see
 * any read or write past either.
 *
 * Input: a mode byte. Even: the fields as the sink receives them, any
 * values (a sink must not trust the displif half). Odd: a DBUF_CREATE and
 * an FB_ATTACH as a guest sends them, through the displif half's own
 * checks (requests.c) over fake-xen; every framebuffer it passes on must
 * pass the Wayland half's check too.
 *
 * Built with libFuzzer (-Dfuzz=true, clang), and always as a replay
 * program that runs the seed corpus in the default test run.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <drm_fourcc.h>

#include "displif/displif-internal.h"
#include "fake-xen.h"
#include "guest-buffer.h"
#include "pixel-convert.h"
#include "wayland/xdw-fb-check.h"

/* Sources and destinations the fuzzer really allocates and converts. */
#define MAX_RUN_BYTES (4u << 20)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static const uint32_t formats[] = {
	DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_RGB888,
	DRM_FORMAT_RGB565, DRM_FORMAT_XRGB4444, DRM_FORMAT_ARGB4444,
	DRM_FORMAT_XRGB1555, DRM_FORMAT_ARGB1555, DRM_FORMAT_YUYV,
};

static uint32_t
take_u32(const uint8_t **data, size_t *size)
{
	uint32_t v = 0;

	if (*size >= 4) {
		memcpy(&v, *data, 4);
		*data += 4;
		*size -= 4;
	}
	return v;
}

static uint32_t
take_format(const uint8_t **data, size_t *size)
{
	uint32_t v = take_u32(data, size);

	return v < 64 ? formats[v % (sizeof formats / sizeof formats[0])] : v;
}

/* What the sink does with fb once xdw_fb_check() passed it: the copy
 * path's XRGB8888 copy (stride width * 4, as xdw-fb.c's copy_create()
 * makes it, in a wl_shm pool whose size is an int32) and the conversion
 * into it from the guest's pixels at cpu. */
static void
use_fb(const struct xd_fb *fb, const uint8_t *cpu)
{
	uint64_t line = xd_format_min_pitch(fb->drm_format, fb->width);
	uint64_t copy = (uint64_t)fb->width * 4 * fb->height;
	uint32_t *dst;

	check(xd_format_bpp(fb->drm_format) != 0);
	check(fb->width >= 1 && fb->height >= 1);
	check(fb->pitch >= line);
	check((uint64_t)fb->offset + (uint64_t)fb->pitch * (fb->height - 1) +
	      line <= fb->buffer->size);
	/* wl_shm_create_pool() and create_buffer() take int32 sizes. */
	check(copy <= INT32_MAX);
	if (fb->buffer->size > MAX_RUN_BYTES || copy > MAX_RUN_BYTES)
		return;
	dst = malloc(copy);
	check(dst != NULL);
	check(xd_convert_to_xrgb8888(dst, fb->width * 4, cpu + fb->offset,
				     fb->pitch, fb->width, fb->height,
				     fb->drm_format));
	free(dst);
}

static void
buffer_destroy(struct xd_guest_buffer *buffer)
{
}

/* Mode 0: any fields, a source exactly the buffer's size. */
static void
fields(const uint8_t *data, size_t size)
{
	struct xd_guest_buffer buffer = {
		.refcount = 1, .dmabuf_fd = -1, .provider = "fuzz",
		.destroy = buffer_destroy,
	};
	struct xd_fb fb = { .cookie = 1, .buffer = &buffer };
	uint8_t *cpu;

	fb.width = take_u32(&data, &size);
	fb.height = take_u32(&data, &size);
	fb.drm_format = take_format(&data, &size);
	fb.pitch = take_u32(&data, &size);
	fb.offset = take_u32(&data, &size);
	buffer.size = take_u32(&data, &size);
	if (xdw_fb_check(&fb) < 0)
		return;
	if (buffer.size > MAX_RUN_BYTES) {
		use_fb(&fb, NULL);
		return;
	}
	cpu = malloc(buffer.size ? buffer.size : 1);
	check(cpu != NULL);
	memset(cpu, 0x5a, buffer.size);
	buffer.cpu = cpu;
	use_fb(&fb, cpu);
	free(cpu);
}

/* Mode 1: the sink behind the displif half. */
static int
sink_fb_attach(void *sink, const struct xd_fb *fb)
{
	/* Whatever the displif half passes, the sink takes. */
	check(xdw_fb_check(fb) == 0);
	use_fb(fb, fb->buffer->cpu);
	return fake_sink_interface.fb_attach(sink, fb);
}

static void
requests(const uint8_t *data, size_t size)
{
	static struct fake_xen fx;
	static struct xd_display_sink_interface sink_interface;
	struct fake_sink sink = { 0 };
	struct xendispl_req req = { .id = 1 };
	struct xendispl_resp resp;
	struct xd_displif *d;
	uint32_t *dir, i;

	fake_xen_init(&fx);
	sink_interface = fake_sink_interface;
	sink_interface.fb_attach = sink_fb_attach;
	/* Directory page 1: it links to itself and names page 2 for every
	 * page (the fake provider maps any ref below FAKE_PAGES). */
	dir = (uint32_t *)fx.pages[1];
	dir[0] = 1;
	for (i = 1; i < XD_XEN_PAGE_SIZE / 4; i++)
		dir[i] = 2;
	d = fake_displif_create(&fx, &sink, 1, false, 1024, 768, 15);
	d->sink_interface = &sink_interface;

	req.operation = XENDISPL_OP_DBUF_CREATE;
	req.op.dbuf_create.dbuf_cookie = 1;
	req.op.dbuf_create.width = take_u32(&data, &size);
	req.op.dbuf_create.height = take_u32(&data, &size);
	req.op.dbuf_create.bpp = take_u32(&data, &size);
	req.op.dbuf_create.buffer_sz = take_u32(&data, &size);
	req.op.dbuf_create.data_ofs = take_u32(&data, &size);
	req.op.dbuf_create.gref_directory = 1;
	/* Bigger buffers cost the fuzzer time, not coverage. */
	if ((uint64_t)req.op.dbuf_create.buffer_sz +
	    req.op.dbuf_create.data_ofs <= MAX_RUN_BYTES) {
		xd_displif_handle_request(&d->connectors[0], &req, &resp);
		req.operation = XENDISPL_OP_FB_ATTACH;
		memset(&req.op, 0, sizeof req.op);
		req.op.fb_attach.dbuf_cookie = 1;
		req.op.fb_attach.fb_cookie = 2;
		req.op.fb_attach.width = take_u32(&data, &size);
		req.op.fb_attach.height = take_u32(&data, &size);
		req.op.fb_attach.pixel_format = take_format(&data, &size);
		xd_displif_handle_request(&d->connectors[0], &req, &resp);
	}
	check(fake_displif_destroy(d, &fx, &sink));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		requests(data + 1, size - 1);
	else
		fields(data + 1, size - 1);
	return 0;
}
