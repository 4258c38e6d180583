/* SPDX-License-Identifier: MIT */
/*
 * The picture the guest test client draws, shared with whatever checks a
 * capture of it: frame FRAME on connector CONN, XRGB8888. Four quadrants,
 * each a different fully saturated colour that changes with every frame, so
 * a capture tells frames, connectors, orientation and stride mistakes apart.
 */
#ifndef XD_RIG_PATTERN_H
#define XD_RIG_PATTERN_H

#include <stdint.h>

static const uint32_t xd_pattern_palette[8] = {
	0x00ff0000, /* red */
	0x0000ff00, /* green */
	0x000000ff, /* blue */
	0x00ffff00, /* yellow */
	0x0000ffff, /* cyan */
	0x00ff00ff, /* magenta */
	0x00ffffff, /* white */
	0x00ff8000, /* orange */
};

static inline uint32_t
xd_pattern_pixel(unsigned frame, unsigned conn, unsigned x, unsigned y,
		 unsigned width, unsigned height)
{
	unsigned quadrant = (x >= width / 2) + 2 * (y >= height / 2);

	return xd_pattern_palette[(frame + conn * 2 + quadrant * 3) % 8];
}

#endif
