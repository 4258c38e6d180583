/* SPDX-License-Identifier: MIT */

#include <string.h>

#include <drm_fourcc.h>

#include "pixel-convert.h"

uint32_t
xd_format_bpp(uint32_t drm_format)
{
	switch (drm_format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		return 32;
	case DRM_FORMAT_RGB888:
		return 24;
	case DRM_FORMAT_RGB565:
	case DRM_FORMAT_XRGB4444:
	case DRM_FORMAT_ARGB4444:
	case DRM_FORMAT_XRGB1555:
	case DRM_FORMAT_ARGB1555:
	case DRM_FORMAT_YUYV:
		return 16;
	}
	return 0;
}

uint64_t
xd_format_min_pitch(uint32_t drm_format, uint32_t width)
{
	if (drm_format == DRM_FORMAT_YUYV)
		return ((uint64_t)width + 1) / 2 * 4;
	return (uint64_t)width * xd_format_bpp(drm_format) / 8;
}

uint32_t
xd_format_opaque(uint32_t drm_format)
{
	switch (drm_format) {
	case DRM_FORMAT_ARGB8888:
		return DRM_FORMAT_XRGB8888;
	case DRM_FORMAT_ARGB4444:
		return DRM_FORMAT_XRGB4444;
	case DRM_FORMAT_ARGB1555:
		return DRM_FORMAT_XRGB1555;
	}
	return drm_format;
}

/* Widens an n-bit channel to 8 bits by repeating its high bits. */
static inline uint32_t
widen(uint32_t v, unsigned bits)
{
	v <<= 8 - bits;
	return v | v >> bits;
}

static inline uint32_t
pack(uint32_t r, uint32_t g, uint32_t b)
{
	return 0xff000000u | r << 16 | g << 8 | b;
}

static inline uint32_t
clamp8(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (uint32_t)v;
}

/* BT.601, limited range, as a guest's YUYV from video decoders is. */
static inline uint32_t
yuv_to_xrgb(int y, int u, int v)
{
	int c = (y - 16) * 298, d = u - 128, e = v - 128;

	return pack(clamp8((c + 409 * e + 128) >> 8),
		    clamp8((c - 100 * d - 208 * e + 128) >> 8),
		    clamp8((c + 516 * d + 128) >> 8));
}

/* One loop per format, the switch outside it: the copy path converts
 * every pixel of every flip, and a loop without a branch vectorises. */
static void
convert_row(uint32_t *dst, const uint8_t *src, uint32_t width,
	    uint32_t drm_format)
{
	uint32_t x, p;

	switch (drm_format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		/* Already XRGB8888: its top byte is ignored. */
		memcpy(dst, src, (size_t)width * 4);
		break;
	case DRM_FORMAT_RGB888:	/* little-endian B, G, R bytes */
		for (x = 0; x < width; x++)
			dst[x] = pack(src[3 * x + 2], src[3 * x + 1],
				      src[3 * x]);
		break;
	case DRM_FORMAT_RGB565:
		for (x = 0; x < width; x++) {
			p = src[2 * x] | src[2 * x + 1] << 8;
			dst[x] = pack(widen(p >> 11, 5),
				      widen(p >> 5 & 0x3f, 6),
				      widen(p & 0x1f, 5));
		}
		break;
	case DRM_FORMAT_XRGB4444:
	case DRM_FORMAT_ARGB4444:
		for (x = 0; x < width; x++) {
			p = src[2 * x] | src[2 * x + 1] << 8;
			dst[x] = pack(widen(p >> 8 & 0xf, 4),
				      widen(p >> 4 & 0xf, 4),
				      widen(p & 0xf, 4));
		}
		break;
	case DRM_FORMAT_XRGB1555:
	case DRM_FORMAT_ARGB1555:
		for (x = 0; x < width; x++) {
			p = src[2 * x] | src[2 * x + 1] << 8;
			dst[x] = pack(widen(p >> 10 & 0x1f, 5),
				      widen(p >> 5 & 0x1f, 5),
				      widen(p & 0x1f, 5));
		}
		break;
	case DRM_FORMAT_YUYV:	/* Y0 U Y1 V per pixel pair */
		for (x = 0; x < width; x++) {
			const uint8_t *q = src + 4 * (x / 2);

			dst[x] = yuv_to_xrgb(q[(x & 1) * 2], q[1], q[3]);
		}
		break;
	}
}

bool
xd_convert_to_xrgb8888(uint32_t *dst, uint32_t dst_stride,
		       const uint8_t *src, uint32_t src_stride,
		       uint32_t width, uint32_t height, uint32_t drm_format)
{
	uint32_t y;

	if (xd_format_bpp(drm_format) == 0 ||
	    src_stride < xd_format_min_pitch(drm_format, width))
		return false;
	for (y = 0; y < height; y++)
		convert_row((uint32_t *)((uint8_t *)dst + (size_t)y * dst_stride),
			    src + (size_t)y * src_stride, width, drm_format);
	return true;
}
