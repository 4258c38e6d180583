/* SPDX-License-Identifier: MIT */
/*
 * The guests' names as the labeler renders them (plugin/labeler/): the
 * size the module asked for, the colours the protocol promises, the
 * padding, the width bound, the same pixels twice, and no crash on
 * whatever text. The labeler process is tests/test-labeler.c's.
 */

#include <stdbool.h>
#include <string.h>

#include "common/label-style.h"
#include "harness/harness.h"
#include "label-render.h"

static void
release(void)
{
	xd_label_render_release();
}

XD_TEST_TEARDOWN(release);

#define LIGHT 0xffddddddu
#define DARK 0xff202040u

static struct xd_label_image *
render(const char *text, uint32_t background, uint32_t max_width)
{
	struct xd_label_image *image;

	image = xd_label_render(text, background, XD_LABEL_HEIGHT, max_width);
	XD_ASSERT(image, "'%s' on %08x not rendered", text, background);
	XD_ASSERT(image->height == XD_LABEL_HEIGHT, "height %u",
		  image->height);
	XD_ASSERT(image->width <= max_width, "width %u past %u",
		  image->width, max_width);
	XD_ASSERT(image->stride == image->width * 4, "stride %u, width %u",
		  image->stride, image->width);
	return image;
}

static uint32_t
pixel(const struct xd_label_image *image, uint32_t x, uint32_t y)
{
	return image->pixels[(size_t)y * image->stride / 4 + x];
}

static long
count(const struct xd_label_image *image, uint32_t x0, uint32_t x1,
      uint32_t rgb)
{
	uint32_t x, y;
	long n = 0;

	for (y = 0; y < image->height; y++)
		for (x = x0; x < x1; x++)
			n += pixel(image, x, y) == rgb;
	return n;
}

/* Every pixel 0x00RRGGBB, as XRGB8888 with a clean top byte. */
static void
check_top_byte(const struct xd_label_image *image)
{
	uint32_t x, y;

	for (y = 0; y < image->height; y++)
		for (x = 0; x < image->width; x++)
			XD_ASSERT((pixel(image, x, y) >> 24) == 0,
				  "pixel %u,%u is %08x", x, y,
				  pixel(image, x, y));
}

static bool
same_pixels(const struct xd_label_image *a, const struct xd_label_image *b)
{
	return a->width == b->width && a->height == b->height &&
	       memcmp(a->pixels, b->pixels, (size_t)a->stride * a->height) == 0;
}

/* The padding left and right holds the background and nothing else. */
static void
check_padding(const struct xd_label_image *image, uint32_t background,
	      const char *text)
{
	long pad = (long)XD_LABEL_PAD * image->height;
	uint32_t rgb = background & 0xffffff;

	XD_ASSERT(count(image, 0, XD_LABEL_PAD, rgb) == pad,
		  "'%s': left padding not all %06x", text, rgb);
	XD_ASSERT(count(image, image->width - XD_LABEL_PAD, image->width,
			rgb) == pad, "'%s': right padding not all %06x",
		  text, rgb);
}

XD_TEST(light_background_black_text)
{
	struct xd_label_image *image = render("guest-1", LIGHT,
					      XD_LABEL_MAX_WIDTH);

	check_top_byte(image);
	check_padding(image, LIGHT, "guest-1");
	XD_ASSERT(count(image, 0, image->width, 0x000000) > 10,
		  "no black text on light grey");
	XD_ASSERT(count(image, 0, image->width, 0xffffff) == 0,
		  "white pixels on light grey");
	xd_label_image_destroy(image);
}

XD_TEST(dark_background_white_text)
{
	struct xd_label_image *image = render("guest-1", DARK,
					      XD_LABEL_MAX_WIDTH);

	check_top_byte(image);
	check_padding(image, DARK, "guest-1");
	XD_ASSERT(count(image, 0, image->width, 0xffffff) > 10,
		  "no white text on dark blue");
	XD_ASSERT(count(image, 0, image->width, 0x000000) == 0,
		  "black pixels on dark blue");
	xd_label_image_destroy(image);
}

/* The default frame colour, orange, is light: black contrasts more
 * (about 9.7:1 against 2.2:1 for white). */
XD_TEST(default_colour_black_text)
{
	struct xd_label_image *image = render("guest-1",
					      XD_LABEL_DEFAULT_COLOR,
					      XD_LABEL_MAX_WIDTH);

	check_padding(image, XD_LABEL_DEFAULT_COLOR, "guest-1");
	XD_ASSERT(count(image, 0, image->width, 0x000000) > 10,
		  "no black text on the default colour");
	XD_ASSERT(count(image, 0, image->width, 0xffffff) == 0,
		  "white text on the default colour");
	xd_label_image_destroy(image);
}

/* Alpha is ignored: the label is opaque. */
XD_TEST(background_alpha_ignored)
{
	struct xd_label_image *a = render("guest", 0x00336699u, 200);
	struct xd_label_image *b = render("guest", 0xff336699u, 200);

	check_padding(a, 0x336699, "guest");
	XD_ASSERT(same_pixels(a, b), "alpha changed the pixels");
	xd_label_image_destroy(a);
	xd_label_image_destroy(b);
}

XD_TEST(longer_text_wider)
{
	struct xd_label_image *s = render("vm", LIGHT, XD_LABEL_MAX_WIDTH);
	struct xd_label_image *l = render("a-much-longer-guest-name", LIGHT,
					  XD_LABEL_MAX_WIDTH);

	XD_ASSERT(s->width > 2 * XD_LABEL_PAD + 4,
		  "'vm' only %u wide", s->width);
	XD_ASSERT(l->width > s->width + 50, "longer text %u, short %u",
		  l->width, s->width);
	XD_ASSERT(l->width < XD_LABEL_MAX_WIDTH, "short text at the bound");
	xd_label_image_destroy(s);
	xd_label_image_destroy(l);
}

/* Past max_width the text is cut with an ellipsis: the image is at the
 * bound, the padding still background, and the ellipsis drawn (the
 * same text cut by hand ends differently). */
XD_TEST(long_text_ellipsized)
{
	const char *text = "an-extremely-long-guest-name-that-goes-on-and-on";
	struct xd_label_image *image = render(text, LIGHT, 120);
	struct xd_label_image *full = render(text, LIGHT, 4096);

	XD_ASSERT(full->width > 200, "full text only %u wide", full->width);
	XD_ASSERT(image->width >= 120 - 12 && image->width <= 120,
		  "ellipsized text %u wide for 120", image->width);
	check_padding(image, LIGHT, text);
	XD_ASSERT(count(image, 0, image->width, 0x000000) > 10,
		  "no text left");
	xd_label_image_destroy(image);
	xd_label_image_destroy(full);
}

XD_TEST(same_text_same_pixels)
{
	struct xd_label_image *a = render("dom7 \xe2\x80\x94 keyboard",
					  XD_LABEL_DEFAULT_COLOR, 300);
	struct xd_label_image *b = render("dom7 \xe2\x80\x94 keyboard",
					  XD_LABEL_DEFAULT_COLOR, 300);

	XD_ASSERT(same_pixels(a, b), "two renders differ (widths %u, %u)",
		  a->width, b->width);
	xd_label_image_destroy(a);
	xd_label_image_destroy(b);
}

XD_TEST(empty_text_background_only)
{
	struct xd_label_image *image = render("", DARK, XD_LABEL_MAX_WIDTH);

	XD_ASSERT(image->width == 2 * XD_LABEL_PAD + 1, "empty: %u wide",
		  image->width);
	XD_ASSERT(count(image, 0, image->width, DARK & 0xffffff) ==
		  (long)image->width * image->height,
		  "empty label not all background");
	xd_label_image_destroy(image);
}

/* Invalid UTF-8, control characters, a newline, scripts and characters
 * DejaVu lacks: one line, no crash, the padding intact. */
XD_TEST(hostile_text)
{
	static const char *const texts[] = {
		"\xff\xfe\xc3",
		"ab\xc0\x80" "cd",
		"two\nlines\r\tand\x01 controls",
		"\xe2\x80\xae" "right-to-left override",
		"\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d",	/* Hebrew */
		"\xee\x80\x80 private use",
	};
	struct xd_label_image *image;
	size_t i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		image = render(texts[i], LIGHT, 200);
		check_padding(image, LIGHT, texts[i]);
		xd_label_image_destroy(image);
	}
}

/* A name reads as it is stored: a bidi override, a newline or any other
 * control or format character shows as U+FFFD, and reorders nothing. */
XD_TEST(controls_shown_as_replacement)
{
	static const char *const pairs[][2] = {
		{ "\xe2\x80\xae" "evil", "\xef\xbf\xbd" "evil" },
		{ "a\nb", "a\xef\xbf\xbd" "b" },
		{ "a\x01" "b", "a\xef\xbf\xbd" "b" },
		{ "a\xe2\x80\x8b" "b", "a\xef\xbf\xbd" "b" },	/* ZWSP */
		{ "a\xc2\x85" "b", "a\xef\xbf\xbd" "b" },		/* NEL */
	};
	struct xd_label_image *a, *b;
	size_t i;

	for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		a = render(pairs[i][0], LIGHT, 200);
		b = render(pairs[i][1], LIGHT, 200);
		XD_ASSERT(same_pixels(a, b), "pair %zu rendered differently",
			  i);
		xd_label_image_destroy(a);
		xd_label_image_destroy(b);
	}
}

XD_TEST(bounds)
{
	char text[XD_LABEL_RENDER_TEXT_MAX + 2];
	struct xd_label_image *image;

	memset(text, 'w', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	XD_ASSERT(!xd_label_render(text, LIGHT, 20, 4096),
		  "%zu bytes accepted", strlen(text));
	text[XD_LABEL_RENDER_TEXT_MAX] = '\0';
	image = render(text, LIGHT, XD_LABEL_RENDER_WIDTH_MAX);
	xd_label_image_destroy(image);

	XD_ASSERT(!xd_label_render(NULL, LIGHT, 20, 100), "NULL text");
	XD_ASSERT(!xd_label_render("x", LIGHT, 0, 100), "height 0");
	XD_ASSERT(!xd_label_render("x", LIGHT,
				   XD_LABEL_RENDER_HEIGHT_MAX + 1, 100),
		  "height past the bound");
	XD_ASSERT(!xd_label_render("x", LIGHT, 20, 0), "max_width 0");
	XD_ASSERT(!xd_label_render("x", LIGHT, 20,
				   XD_LABEL_RENDER_WIDTH_MAX + 1),
		  "max_width past the bound");

	/* Tiny sizes: background only where there is no room for text. */
	image = xd_label_render("guest", DARK, 1, 1);
	XD_ASSERT(image && image->width == 1 && image->height == 1 &&
		  image->pixels[0] == (DARK & 0xffffff), "1x1 label");
	xd_label_image_destroy(image);
	image = xd_label_render("guest", DARK, XD_LABEL_RENDER_HEIGHT_MAX,
				2 * XD_LABEL_PAD + 1);
	XD_ASSERT(image && image->width == 2 * XD_LABEL_PAD + 1,
		  "label with room for one pixel of text");
	xd_label_image_destroy(image);
}
