/* SPDX-License-Identifier: MIT */
/*
 * Check a rectangle of a captured PNG (Weston screenshot or QEMU screendump)
 * pixel for pixel against what was drawn:
 *
 *   check-capture FILE.png X Y W H solid RRGGBB
 *   check-capture FILE.png X Y W H pattern FRAME CONN
 *   check-capture FILE.png X Y W H framed FRAME CONN (RRGGBB|default) NAME
 *   check-capture FILE.png X Y W H framed-image REF.png (RRGGBB|default) NAME
 *                                                     [focused]
 *
 * "pattern" is the guest test client's frame (pattern.h), drawn at the
 * rectangle's size. "framed" is that pattern under the module's frame
 * drawn over its edges (plugin/common/label-style.h: a picture that
 * fills its output has no room around it): XD_LABEL_BORDER pixels of
 * RRGGBB along each edge, and NAME's label as the labeler renders it
 * (plugin/labeler/label-render.c) at its top left corner inside the
 * frame; the pattern everywhere else. "framed-image" is the same with a
 * picture of W x H instead of the pattern: what a guest's own compositor
 * says its screen shows (its screenshot); "focused": as the module
 * frames a guest that holds the keyboard (wider, NAME " -- keyboard").
 * Prints one CHECK line; exits 0
 * only when every pixel of the rectangle matches, 1 on a mismatch, 2 on
 * bad input.
 */
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/label-style.h"
#include "guest/pattern.h"
#include "labeler/label-render.h"

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

/* The frame's width: XD_LABEL_BORDER, or XD_LABEL_BORDER_FOCUSED. */
static unsigned long border = XD_LABEL_BORDER;

/* Whether (x, y) of a w x h picture is under the module's frame drawn
 * over its edges (1) or its label (2), and what it shows there. */
static int
expect_framed(const struct xd_label_image *label, uint32_t color,
	      unsigned long x, unsigned long y, unsigned long w,
	      unsigned long h, uint32_t *want)
{
	const unsigned long b = border;

	if (x >= b && y >= b && x - b < label->width &&
	    y - b < label->height) {
		*want = label->pixels[(y - b) * (label->stride / 4) + x - b] &
			0xffffff;
		return 2;
	}
	if (x < b || y < b || x >= w - b || y >= h - b) {
		*want = color;
		return 1;
	}
	return 0;
}

/* FILE's pixels as 0xRRGGBB in rows of *width, or NULL (said why). */
static uint32_t *
load_rgb(const char *file, unsigned long *width, unsigned long *height)
{
	png_image image;
	uint8_t *rgb;
	uint32_t *px = NULL;
	size_t i, n;

	memset(&image, 0, sizeof image);
	image.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&image, file)) {
		fprintf(stderr, "check-capture: %s: %s\n", file, image.message);
		return NULL;
	}
	image.format = PNG_FORMAT_RGB;
	rgb = malloc(PNG_IMAGE_SIZE(image));
	if (!rgb || !png_image_finish_read(&image, NULL, rgb, 0, NULL)) {
		fprintf(stderr, "check-capture: %s: %s\n", file, image.message);
		free(rgb);
		return NULL;
	}
	n = (size_t)image.width * image.height;
	px = malloc(n * sizeof *px);
	for (i = 0; px && i < n; i++)
		px[i] = (uint32_t)rgb[3 * i] << 16 | rgb[3 * i + 1] << 8 |
			rgb[3 * i + 2];
	free(rgb);
	*width = image.width;
	*height = image.height;
	return px;
}

int
main(int argc, char *argv[])
{
	uint32_t *shot, *ref = NULL;
	unsigned long shot_w, shot_h, ref_w = 0, ref_h = 0;
	unsigned long x0, y0, w, h, frame = 0, conn = 0;
	uint32_t solid = 0, want, got;
	unsigned long x, y, bad = 0, first_x = 0, first_y = 0;
	uint32_t first_got = 0, first_want = 0;
	struct xd_label_image *label = NULL;
	unsigned long framed_px = 0, label_px = 0;
	const char *color = NULL, *name = NULL;
	char focused_name[256];
	int pattern;

	if (argc < 8) {
		fprintf(stderr, "usage: check-capture FILE X Y W H "
			"(solid RRGGBB | pattern FRAME CONN | "
			"framed FRAME CONN RRGGBB NAME | "
			"framed-image REF.png RRGGBB NAME [focused])\n");
		return 2;
	}
	x0 = parse_number(argv[2], 10);
	y0 = parse_number(argv[3], 10);
	w = parse_number(argv[4], 10);
	h = parse_number(argv[5], 10);
	pattern = !strcmp(argv[6], "pattern") || !strcmp(argv[6], "framed");
	if (!strcmp(argv[6], "framed") && argc == 11) {
		frame = parse_number(argv[7], 10);
		conn = parse_number(argv[8], 10);
		color = argv[9];
		name = argv[10];
	} else if (!strcmp(argv[6], "framed-image") &&
		   (argc == 10 || (argc == 11 &&
				   !strcmp(argv[10], "focused")))) {
		ref = load_rgb(argv[7], &ref_w, &ref_h);
		if (!ref)
			return 2;
		if (ref_w != w || ref_h != h) {
			fprintf(stderr, "check-capture: %s is %lux%lu, not "
				"%lux%lu\n", argv[7], ref_w, ref_h, w, h);
			return 2;
		}
		color = argv[8];
		name = argv[9];
		if (argc == 11) {
			border = XD_LABEL_BORDER_FOCUSED;
			snprintf(focused_name, sizeof focused_name, "%s%s",
				 name, XD_LABEL_FOCUS_SUFFIX);
			name = focused_name;
		}
	} else if (!strcmp(argv[6], "pattern") && argc == 9) {
		frame = parse_number(argv[7], 10);
		conn = parse_number(argv[8], 10);
	} else if (!strcmp(argv[6], "solid") && argc == 8) {
		solid = parse_number(argv[7], 16);
	} else {
		fprintf(stderr, "check-capture: bad expectation\n");
		return 2;
	}
	if (name) {
		/* "default": a guest whose weston.ini names no colour. */
		solid = strcmp(color, "default") == 0 ?
			XD_LABEL_DEFAULT_COLOR & 0xffffff :
			parse_number(color, 16);
		label = xd_label_render(name, 0xff000000u | solid,
					XD_LABEL_HEIGHT, XD_LABEL_MAX_WIDTH);
		if (!label) {
			fprintf(stderr, "check-capture: cannot render %s\n",
				name);
			return 2;
		}
	}

	shot = load_rgb(argv[1], &shot_w, &shot_h);
	if (!shot)
		return 2;
	if (w == 0 || h == 0 || x0 + w > shot_w || y0 + h > shot_h) {
		fprintf(stderr, "check-capture: rectangle outside %lux%lu\n",
			shot_w, shot_h);
		return 2;
	}

	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			got = shot[(y0 + y) * shot_w + x0 + x];
			if (ref)
				want = ref[y * w + x];
			else if (pattern)
				want = xd_pattern_pixel(frame, conn, x, y, w,
							h);
			else
				want = solid;
			switch (label ? expect_framed(label, solid, x, y, w,
						      h, &want) : 0) {
			case 1:
				framed_px++;
				break;
			case 2:
				label_px++;
				break;
			}
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

	printf("CHECK file=%s size=%lux%lu rect=%lu,%lu,%lux%lu %s "
	       "matched=%lu mismatched=%lu", argv[1], shot_w, shot_h, x0, y0,
	       w, h, argv[6], w * h - bad, bad);
	if (ref)
		printf(" reference=%s", argv[7]);
	if (label)
		printf(" frame_pixels=%lu label=\"%s\" label_pixels=%lu",
		       framed_px, name, label_px);
	if (bad)
		printf(" first=%lu,%lu got=%06x want=%06x", first_x, first_y,
		       first_got, first_want);
	printf("\n");
	xd_label_image_destroy(label);
	xd_label_render_release();
	free(shot);
	free(ref);
	return bad ? 1 : 0;
}
