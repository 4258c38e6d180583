/* SPDX-License-Identifier: MIT */
/*
 * Draws sim-pattern.h's picture in any format xen-drm-front offers, so a
 * simulated guest can show every format and a test can compute what the
 * compositor must show (draw, then convert with pixel-convert.h).
 */

#ifndef XD_SIM_DRAW_H
#define XD_SIM_DRAW_H

#include <stdint.h>

/* The formats xen-drm-front's planes offer (xen_drm_front_kms.c). */
extern const uint32_t xd_sim_formats[];
extern const unsigned int xd_sim_num_formats;

/* Writes width x height pixels of the pattern at dst with pitch. */
void
xd_sim_draw(uint32_t fourcc, uint32_t domid, uint32_t conn, uint32_t frame,
	    uint32_t width, uint32_t height, uint32_t pitch, uint8_t *dst);

#endif
