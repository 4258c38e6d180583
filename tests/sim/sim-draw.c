/* SPDX-License-Identifier: MIT */

#include <string.h>

#include <drm_fourcc.h>

#include "sim-draw.h"
#include "sim-pattern.h"

const uint32_t xd_sim_formats[] = {
	DRM_FORMAT_RGB565,
	DRM_FORMAT_RGB888,
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XRGB4444,
	DRM_FORMAT_ARGB4444,
	DRM_FORMAT_XRGB1555,
	DRM_FORMAT_ARGB1555,
	DRM_FORMAT_YUYV,
};
const unsigned int xd_sim_num_formats =
	sizeof xd_sim_formats / sizeof xd_sim_formats[0];

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

/* BT.601, limited range: what a video decoder hands a display. */
static void
rgb_to_yuv(uint32_t rgb, int *y, int *u, int *v)
{
	int r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;

	*y = 16 + (66 * r + 129 * g + 25 * b + 128) / 256;
	*u = 128 + (-38 * r - 74 * g + 112 * b + 128) / 256;
	*v = 128 + (112 * r - 94 * g - 18 * b + 128) / 256;
}

void
xd_sim_draw(uint32_t fourcc, uint32_t domid, uint32_t conn, uint32_t frame,
	    uint32_t width, uint32_t height, uint32_t pitch, uint8_t *dst)
{
	uint32_t x, y, c, r, g, b;

	for (y = 0; y < height; y++) {
		uint8_t *line = dst + (size_t)y * pitch;

		for (x = 0; x < width; x++) {
			c = xd_sim_pattern(domid, conn, frame, x, y);
			r = c >> 16 & 0xff;
			g = c >> 8 & 0xff;
			b = c & 0xff;
			switch (fourcc) {
			case DRM_FORMAT_RGB565:
				put16(line + x * 2, (r >> 3) << 11 |
				      (g >> 2) << 5 | b >> 3);
				break;
			case DRM_FORMAT_RGB888:
				line[x * 3] = b;
				line[x * 3 + 1] = g;
				line[x * 3 + 2] = r;
				break;
			case DRM_FORMAT_XRGB4444:
			case DRM_FORMAT_ARGB4444:
				put16(line + x * 2, 0xf000 | (r >> 4) << 8 |
				      (g >> 4) << 4 | b >> 4);
				break;
			case DRM_FORMAT_XRGB1555:
			case DRM_FORMAT_ARGB1555:
				put16(line + x * 2, 0x8000 | (r >> 3) << 10 |
				      (g >> 3) << 5 | b >> 3);
				break;
			case DRM_FORMAT_YUYV:
				if (x % 2 == 0) {
					int y0, y1, u0, v0, u1, v1;
					uint32_t c1 = x + 1 < width ?
						xd_sim_pattern(domid, conn,
							       frame, x + 1,
							       y) : c;

					rgb_to_yuv(c, &y0, &u0, &v0);
					rgb_to_yuv(c1, &y1, &u1, &v1);
					line[x * 2] = y0;
					line[x * 2 + 1] = (u0 + u1) / 2;
					line[x * 2 + 2] = y1;
					line[x * 2 + 3] = (v0 + v1) / 2;
				}
				break;
			default:	/* XRGB8888, ARGB8888 */
				c |= 0xff000000;
				memcpy(line + x * 4, &c, 4);
				break;
			}
		}
	}
}
