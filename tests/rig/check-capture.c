/* SPDX-License-Identifier: MIT */
/*
 * Check a rectangle of a captured PNG (Weston screenshot or QEMU screendump)
 * pixel for pixel against what was drawn:
 *
 *   check-capture FILE.png X Y W H solid RRGGBB
 *   check-capture FILE.png X Y W H pattern FRAME CONN
 *
 * "pattern" is the guest test client's frame (pattern.h), drawn at the
 * rectangle's size. Prints one CHECK line; exits 0 only when every pixel
 * of the rectangle matches, 1 on a mismatch, 2 on bad input.
 */
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest/pattern.h"

static unsigned long
parse_number(const char *s, int base)
{
	char *end;
	unsigned long v = strtoul(s, &end, base);

	if (*s == '\0' || *end != '\0' || v > 0xffffffffUL) {
		fprintf(stderr, "check-capture: bad number %s\n", s);
		exit(2);
	}
	return v;
}

int
main(int argc, char *argv[])
{
	png_image image;
	uint8_t *rgb;
	unsigned long x0, y0, w, h, frame = 0, conn = 0;
	uint32_t solid = 0, want, got;
	unsigned long x, y, bad = 0, first_x = 0, first_y = 0;
	uint32_t first_got = 0, first_want = 0;
	int pattern;

	if (argc < 8) {
		fprintf(stderr, "usage: check-capture FILE X Y W H "
			"(solid RRGGBB | pattern FRAME CONN)\n");
		return 2;
	}
	x0 = parse_number(argv[2], 10);
	y0 = parse_number(argv[3], 10);
	w = parse_number(argv[4], 10);
	h = parse_number(argv[5], 10);
	pattern = !strcmp(argv[6], "pattern");
	if (pattern && argc == 9) {
		frame = parse_number(argv[7], 10);
		conn = parse_number(argv[8], 10);
	} else if (!strcmp(argv[6], "solid") && argc == 8) {
		solid = parse_number(argv[7], 16);
	} else {
		fprintf(stderr, "check-capture: bad expectation\n");
		return 2;
	}

	memset(&image, 0, sizeof image);
	image.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&image, argv[1])) {
		fprintf(stderr, "check-capture: %s: %s\n", argv[1],
			image.message);
		return 2;
	}
	image.format = PNG_FORMAT_RGB;
	rgb = malloc(PNG_IMAGE_SIZE(image));
	if (!rgb || !png_image_finish_read(&image, NULL, rgb, 0, NULL)) {
		fprintf(stderr, "check-capture: %s: %s\n", argv[1],
			image.message);
		return 2;
	}
	if (w == 0 || h == 0 || x0 + w > image.width ||
	    y0 + h > image.height) {
		fprintf(stderr, "check-capture: rectangle outside %ux%u\n",
			image.width, image.height);
		return 2;
	}

	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			const uint8_t *p = rgb +
				((y0 + y) * image.width + x0 + x) * 3;

			got = (uint32_t)p[0] << 16 | p[1] << 8 | p[2];
			want = pattern ?
				xd_pattern_pixel(frame, conn, x, y, w, h) :
				solid;
			want &= 0xffffff;
			if (got == want)
				continue;
			if (bad++ == 0) {
				first_x = x0 + x;
				first_y = y0 + y;
				first_got = got;
				first_want = want;
			}
		}
	}

	printf("CHECK file=%s size=%ux%u rect=%lu,%lu,%lux%lu %s "
	       "matched=%lu mismatched=%lu", argv[1], image.width,
	       image.height, x0, y0, w, h, pattern ? "pattern" : "solid",
	       w * h - bad, bad);
	if (bad)
		printf(" first=%lu,%lu got=%06x want=%06x", first_x, first_y,
		       first_got, first_want);
	printf("\n");
	free(rgb);
	return bad ? 1 : 0;
}
