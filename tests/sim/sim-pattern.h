/* SPDX-License-Identifier: MIT */
/*
 * The picture a simulated guest draws for frame FRAME on connector CONN
 * of guest DOMID, as XRGB8888: gradients in x and y (a wrong pitch,
 * offset or orientation moves them) mixed with the frame, connector and
 * guest, so that a capture tells each of those apart.
 */

#ifndef XD_SIM_PATTERN_H
#define XD_SIM_PATTERN_H

#include <stdint.h>

static inline uint32_t
xd_sim_pattern(uint32_t domid, uint32_t conn, uint32_t frame, uint32_t x,
	       uint32_t y)
{
	uint32_t r = (x * 3 + frame * 37) & 0xff;
	uint32_t g = (y * 5 + conn * 91 + domid * 53) & 0xff;
	uint32_t b = ((x / 16 + y / 16) * 23 + frame * 71) & 0xff;

	return r << 16 | g << 8 | b;
}

#endif
