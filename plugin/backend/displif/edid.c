/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <string.h>

#include "edid.h"

/* Reduced blanking, in the spirit of CVT-RB: small fixed porches. */
#define H_FRONT 48
#define H_SYNC 32
#define H_BACK 80
#define V_FRONT 3
#define V_SYNC 6
#define V_BACK 26

static void
put_name_descriptor(uint8_t *d, uint8_t tag, const char *text)
{
	size_t len = strlen(text);
	size_t i;

	memset(d, 0, 18);
	d[3] = tag;
	for (i = 0; i < 13; i++) {
		if (i < len)
			d[5 + i] = (uint8_t)text[i];
		else
			d[5 + i] = i == len ? 0x0a : 0x20;
	}
}

static void
put_detailed_timing(uint8_t *d, uint32_t w, uint32_t h, uint32_t refresh)
{
	uint32_t hblank = H_FRONT + H_SYNC + H_BACK;
	uint32_t vblank = V_FRONT + V_SYNC + V_BACK;
	uint64_t frame = (uint64_t)(w + hblank) * (h + vblank);
	uint64_t clock_10khz;
	uint32_t w_mm = w * 254 / 960;	/* 96 dpi */
	uint32_t h_mm = h * 254 / 960;

	/* The clock field is 16 bits of 10 kHz: lower the refresh rate
	 * for modes that do not fit at the one asked for. */
	while (refresh > 1 && frame * refresh / 10000 > 0xffff)
		refresh--;
	clock_10khz = frame * refresh / 10000;

	d[0] = clock_10khz & 0xff;
	d[1] = clock_10khz >> 8;
	d[2] = w & 0xff;
	d[3] = hblank & 0xff;
	d[4] = ((w >> 8) << 4) | (hblank >> 8);
	d[5] = h & 0xff;
	d[6] = vblank & 0xff;
	d[7] = ((h >> 8) << 4) | (vblank >> 8);
	d[8] = H_FRONT;
	d[9] = H_SYNC;
	d[10] = (V_FRONT << 4) | V_SYNC;
	d[11] = 0;
	d[12] = w_mm & 0xff;
	d[13] = h_mm & 0xff;
	d[14] = ((w_mm >> 8) << 4) | ((h_mm >> 8) & 0xf);
	d[15] = 0;
	d[16] = 0;
	d[17] = 0x1e;	/* digital separate sync, +hsync +vsync */
}

int
xd_edid_build(uint8_t *edid, uint32_t width, uint32_t height,
	      uint32_t refresh_hz, uint32_t serial)
{
	static const uint8_t header[8] = {
		0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00
	};
	static const uint8_t srgb_chromaticity[10] = {
		0xee, 0x91, 0xa3, 0x54, 0x4c, 0x99, 0x26, 0x0f, 0x50, 0x54
	};
	/* "XEN": three 5-bit letters, 'A' = 1. */
	const uint16_t vendor = (('X' - '@') << 10) | (('E' - '@') << 5) |
				('N' - '@');
	uint8_t sum = 0;
	int i;

	if (width == 0 || height == 0 ||
	    width > XD_EDID_MAX_DIMENSION || height > XD_EDID_MAX_DIMENSION ||
	    refresh_hz == 0 || refresh_hz > XD_EDID_MAX_REFRESH)
		return -EINVAL;

	memset(edid, 0, XD_EDID_SIZE);
	memcpy(edid, header, sizeof header);
	edid[8] = vendor >> 8;
	edid[9] = vendor & 0xff;
	edid[10] = 0x01;		/* product code */
	edid[12] = serial & 0xff;
	edid[13] = (serial >> 8) & 0xff;
	edid[14] = (serial >> 16) & 0xff;
	edid[15] = serial >> 24;
	edid[16] = 1;			/* week */
	edid[17] = 2025 - 1990;
	edid[18] = 1;
	edid[19] = 4;
	edid[20] = 0x80;		/* digital input */
	edid[21] = (width * 254 / 9600) > 255 ? 255 : width * 254 / 9600;
	edid[22] = (height * 254 / 9600) > 255 ? 255 : height * 254 / 9600;
	edid[23] = 120;			/* gamma 2.2 */
	edid[24] = 0x06;		/* sRGB, preferred timing is native */
	memcpy(&edid[25], srgb_chromaticity, sizeof srgb_chromaticity);
	for (i = 38; i < 54; i++)
		edid[i] = 0x01;		/* no standard timings */

	put_detailed_timing(&edid[54], width, height, refresh_hz);
	put_name_descriptor(&edid[72], 0xfc, "Xen display");
	put_name_descriptor(&edid[90], 0xfe, "xen-display");
	edid[108 + 3] = 0x10;		/* dummy descriptor */

	for (i = 0; i < XD_EDID_SIZE - 1; i++)
		sum += edid[i];
	edid[XD_EDID_SIZE - 1] = (uint8_t)(0x100 - sum);
	return 0;
}
