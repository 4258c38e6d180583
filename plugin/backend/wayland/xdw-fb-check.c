/* SPDX-License-Identifier: MIT */

#include <errno.h>

#include "guest-buffer.h"
#include "pixel-convert.h"
#include "xdw-fb-check.h"

int
xdw_fb_check(const struct xd_fb *fb)
{
	uint64_t line = xd_format_min_pitch(fb->drm_format, fb->width);

	if (xd_format_bpp(fb->drm_format) == 0 || fb->height == 0 ||
	    fb->pitch < line ||
	    (uint64_t)fb->offset + (uint64_t)fb->pitch * (fb->height - 1) +
	    line > fb->buffer->size)
		return -EINVAL;
	/* The copy path's XRGB8888 copy, width * 4 by height, lives in a
	 * wl_shm pool: an empty one is a protocol error, and its size is
	 * an int32. */
	if (fb->width == 0 ||
	    (uint64_t)fb->width * 4 * fb->height > INT32_MAX)
		return -EINVAL;
	return 0;
}
