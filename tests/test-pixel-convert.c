/* SPDX-License-Identifier: MIT */
/*
 * The copy path's conversions: full-scale channels stay full-scale, YUYV
 * colour bars come back as the colours a video decoder meant, and a line
 * too short for its width is refused rather than over-read.
 */

#include <string.h>

#include <drm_fourcc.h>

#include "harness/harness.h"
#include "pixel-convert.h"

static uint32_t
convert1(uint32_t format, const uint8_t *src, uint32_t pitch)
{
	uint32_t out = 0;

	XD_ASSERT(xd_convert_to_xrgb8888(&out, 4, src, pitch, 1, 1, format),
		  "format %#x refused", format);
	return out & 0xffffff;
}

/* 8-bit YUV bars are themselves rounded: allow one step per channel. */
static void
check_yuyv(uint8_t y, uint8_t u, uint8_t v, uint32_t want)
{
	const uint8_t src[4] = { y, u, y, v };
	uint32_t got = convert1(DRM_FORMAT_YUYV, src, 4);
	int shift;

	for (shift = 0; shift < 24; shift += 8) {
		int d = (int)(got >> shift & 0xff) - (int)(want >> shift & 0xff);

		XD_ASSERT(d >= -1 && d <= 1, "YUV %u,%u,%u -> %06x, want %06x",
			  y, u, v, got, want);
	}
}

int
main(void)
{
	const uint8_t white565[2] = { 0xff, 0xff };
	const uint8_t green565[2] = { 0xe0, 0x07 };
	const uint8_t red1555[2] = { 0x00, 0x7c };
	const uint8_t blue4444[2] = { 0x0f, 0xf0 };	/* alpha bits set */
	const uint8_t rgb888[3] = { 0x33, 0x22, 0x11 };	/* B, G, R */
	uint8_t line[8] = { 0 };
	uint32_t out[2];

	XD_ASSERT(convert1(DRM_FORMAT_RGB565, white565, 2) == 0xffffff,
		  "RGB565 white");
	XD_ASSERT(convert1(DRM_FORMAT_RGB565, green565, 2) == 0x00ff00,
		  "RGB565 green");
	XD_ASSERT(convert1(DRM_FORMAT_ARGB1555, red1555, 2) == 0xff0000,
		  "ARGB1555 red");
	XD_ASSERT(convert1(DRM_FORMAT_ARGB4444, blue4444, 2) == 0x0000ff,
		  "ARGB4444 blue, alpha ignored");
	XD_ASSERT(convert1(DRM_FORMAT_RGB888, rgb888, 3) == 0x112233,
		  "RGB888 byte order");

	/* BT.601 limited-range colour bars. */
	check_yuyv(235, 128, 128, 0xffffff);
	check_yuyv(16, 128, 128, 0x000000);
	check_yuyv(81, 90, 240, 0xff0000);
	check_yuyv(145, 54, 34, 0x00ff00);
	check_yuyv(41, 240, 110, 0x0000ff);

	/* Two YUYV pixels need 4 bytes; three need 8. */
	XD_ASSERT(xd_format_min_pitch(DRM_FORMAT_YUYV, 3) == 8, "YUYV pitch");
	XD_ASSERT(!xd_convert_to_xrgb8888(out, 8, line, 6, 2, 1,
					  DRM_FORMAT_XRGB8888),
		  "a 6-byte line accepted for two XRGB8888 pixels");
	XD_ASSERT(!xd_convert_to_xrgb8888(out, 8, line, 8, 2, 1, 0x12345678),
		  "an unknown format accepted");
	XD_ASSERT(xd_format_opaque(DRM_FORMAT_ARGB8888) ==
		  DRM_FORMAT_XRGB8888, "opaque twin of ARGB8888");
	return 0;
}
