/* SPDX-License-Identifier: MIT */
/*
 * Pixel conversion for the copy path: any format xen-drm-front offers into
 * XRGB8888, which every compositor takes by wl_shm.
 */

#ifndef XD_PIXEL_CONVERT_H
#define XD_PIXEL_CONVERT_H

#include <stdbool.h>
#include <stdint.h>

/* Bits per pixel of a guest format, or 0 when we do not know it. */
uint32_t
xd_format_bpp(uint32_t drm_format);

/* The shortest line, in bytes, that holds width pixels of a format (YUYV
 * stores pixels in pairs), or 0 for an unknown format. */
uint64_t
xd_format_min_pitch(uint32_t drm_format, uint32_t width);

/* The guest's scanout ignores alpha: the opaque twin of an alpha format,
 * so the compositor does not blend what a monitor would not. */
uint32_t
xd_format_opaque(uint32_t drm_format);

/* Converts width x height pixels to XRGB8888 (the top byte is not
 * defined: XRGB8888 ignores it); src_stride must be at least
 * xd_format_min_pitch(). Returns false for an unknown format. */
bool
xd_convert_to_xrgb8888(uint32_t *dst, uint32_t dst_stride,
		       const uint8_t *src, uint32_t src_stride,
		       uint32_t width, uint32_t height, uint32_t drm_format);

#endif
