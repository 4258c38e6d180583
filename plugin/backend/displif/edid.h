/* SPDX-License-Identifier: MIT */
/*
 * The EDID a connector answers GET_EDID with: EDID 1.4, one block, whose
 * preferred (and only) detailed timing is the connector's mode.
 */

#ifndef XD_EDID_H
#define XD_EDID_H

#include <stdint.h>

#define XD_EDID_SIZE 128
#define XD_EDID_MAX_DIMENSION 4095	/* 12-bit fields in a timing */
#define XD_EDID_MAX_REFRESH 240

/* Fills edid[XD_EDID_SIZE] with width x height at about refresh_hz
 * (1-240; lower when the pixel clock field cannot hold it); -EINVAL when
 * width or height does not fit or refresh_hz is out of range. */
int
xd_edid_build(uint8_t *edid, uint32_t width, uint32_t height,
	      uint32_t refresh_hz, uint32_t serial);

#endif
