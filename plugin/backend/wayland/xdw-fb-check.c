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
	return 0;
}
