/* SPDX-License-Identifier: MIT */
/*
 * A guest's name as pixels, through Pango (shaping, ellipsizing, font
 * fallback) and Cairo (rasterizing) onto memory we own, so the labeler
 * can copy it into a wl_shm buffer as it is.
 */

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "common/label-style.h"
#include "label-render.h"

/* Ours rather than Pango's default, which lives in a thread-local that
 * leak checkers do not see: xd_label_render_release() frees it. */
static PangoFontMap *font_map;

/* sRGB channel to linear light, for the relative luminance (WCAG 2). */
static double
linear_channel(uint32_t c8)
{
	double c = c8 / 255.0;

	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

/* Whichever of black and white has the higher contrast ratio with the
 * background: (L + 0.05) / 0.05 against 1.05 / (L + 0.05). */
static bool
text_is_black(uint32_t background)
{
	double l = 0.2126 * linear_channel(background >> 16 & 0xff) +
		   0.7152 * linear_channel(background >> 8 & 0xff) +
		   0.0722 * linear_channel(background & 0xff);

	return (l + 0.05) * (l + 0.05) > 1.05 * 0.05;
}

/* Fixed here, not taken from the surface or the desktop's settings, so
 * that the same text gives the same pixels in the labeler and in tests:
 * greyscale antialiasing (no subpixel order to guess for an output the
 * label may move between), slight hinting for crisp stems at 11px, and
 * unhinted metrics so that widths do not depend on the hinting. */
static PangoContext *
context_create(void)
{
	cairo_font_options_t *options;
	PangoContext *ctx;

	if (!font_map)
		font_map = pango_cairo_font_map_new();
	if (!font_map)
		return NULL;
	ctx = pango_font_map_create_context(font_map);
	if (!ctx)
		return NULL;
	options = cairo_font_options_create();
	cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
	cairo_font_options_set_subpixel_order(options,
					      CAIRO_SUBPIXEL_ORDER_DEFAULT);
	cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT);
	cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(ctx, options);
	cairo_font_options_destroy(options);
	/* The font's size is in pixels already; this keeps it so. */
	pango_cairo_context_set_resolution(ctx, 96);
	return ctx;
}

/* One line, cut with an ellipsis at the end past avail pixels. */
static PangoLayout *
layout_create(PangoContext *ctx, const char *text, int avail)
{
	PangoFontDescription *font;
	PangoLayout *layout;

	font = pango_font_description_from_string(XD_LABEL_FONT);
	if (!font)
		return NULL;
	layout = pango_layout_new(ctx);
	if (layout) {
		pango_layout_set_font_description(layout, font);
		pango_layout_set_single_paragraph_mode(layout, TRUE);
		pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
		pango_layout_set_width(layout, avail * PANGO_SCALE);
		pango_layout_set_text(layout, text, -1);
	}
	pango_font_description_free(font);
	return layout;
}

/*
 * Valid UTF-8 with every control and format character (Unicode's Cc and
 * Cf: newlines, bidi overrides, zero-width joiners) replaced by U+FFFD,
 * so that a name is one line that reads as it is stored: no override can
 * make "evil" show as "live". Caller frees.
 */
static char *
label_text(const char *text)
{
	char *valid = g_utf8_make_valid(text, -1);
	GString *out = g_string_sized_new(strlen(valid));
	const char *p;
	gunichar c;

	for (p = valid; *p; p = g_utf8_next_char(p)) {
		c = g_utf8_get_char(p);
		switch (g_unichar_type(c)) {
		case G_UNICODE_CONTROL:
		case G_UNICODE_FORMAT:
			c = 0xfffd;
			break;
		default:
			break;
		}
		g_string_append_unichar(out, c);
	}
	g_free(valid);
	return g_string_free(out, FALSE);
}

static void
fill(struct xd_label_image *image, uint32_t rgb)
{
	size_t i, n = (size_t)image->stride / 4 * image->height;

	for (i = 0; i < n; i++)
		image->pixels[i] = rgb;
}

static bool
draw_text(struct xd_label_image *image, PangoContext *ctx,
	  PangoLayout *layout, const PangoRectangle *logical, bool black)
{
	cairo_surface_t *surface;
	cairo_t *cr;
	bool ok;

	surface = cairo_image_surface_create_for_data(
		(unsigned char *)image->pixels, CAIRO_FORMAT_RGB24,
		image->width, image->height, image->stride);
	cr = cairo_create(surface);
	ok = cairo_status(cr) == CAIRO_STATUS_SUCCESS;
	if (ok) {
		/* Our font options still override the surface's. */
		pango_cairo_update_context(cr, ctx);
		pango_layout_context_changed(layout);
		/* The padding stays background whatever a glyph's ink
		 * overhangs. */
		cairo_rectangle(cr, XD_LABEL_PAD, 0,
				(int)image->width - 2 * XD_LABEL_PAD,
				image->height);
		cairo_clip(cr);
		cairo_set_source_rgb(cr, black ? 0 : 1, black ? 0 : 1,
				     black ? 0 : 1);
		/* The logical box from the padding on, centred
		 * vertically, on whole pixels for crisp glyphs; a
		 * right-to-left name is aligned right within the
		 * layout's width, hence -logical->x. */
		cairo_move_to(cr, XD_LABEL_PAD -
			      round((double)logical->x / PANGO_SCALE),
			      round(((double)image->height -
				     (double)logical->height / PANGO_SCALE) / 2 -
				    (double)logical->y / PANGO_SCALE));
		pango_cairo_show_layout(cr, layout);
		cairo_surface_flush(surface);
		ok = cairo_status(cr) == CAIRO_STATUS_SUCCESS;
	}
	cairo_destroy(cr);
	cairo_surface_destroy(surface);
	return ok;
}

struct xd_label_image *
xd_label_render(const char *text, uint32_t background, uint32_t height,
		uint32_t max_width)
{
	struct xd_label_image *image = NULL;
	PangoContext *ctx = NULL;
	PangoLayout *layout = NULL;
	PangoRectangle logical = { 0 };
	int avail = (int)max_width - 2 * XD_LABEL_PAD;
	char *shown = NULL;
	uint32_t width;
	size_t i, n;

	if (!text || strnlen(text, XD_LABEL_RENDER_TEXT_MAX + 1) >
		     XD_LABEL_RENDER_TEXT_MAX ||
	    height < 1 || height > XD_LABEL_RENDER_HEIGHT_MAX ||
	    max_width < 1 || max_width > XD_LABEL_RENDER_WIDTH_MAX)
		return NULL;

	shown = label_text(text);
	if (avail > 0 && shown[0] != '\0') {
		ctx = context_create();
		if (!ctx)
			goto err;
		layout = layout_create(ctx, shown, avail);
		if (!layout)
			goto err;
		pango_layout_get_extents(layout, NULL, &logical);
	}

	/* In Pango units until here: a box rounded to pixels on each side
	 * can come out a pixel off. */
	width = logical.width > 0 ?
		(uint32_t)PANGO_PIXELS_CEIL(logical.width) : 0;
	width += 2 * XD_LABEL_PAD;
	if (width < 2 * XD_LABEL_PAD + 1)
		width = 2 * XD_LABEL_PAD + 1;
	if (width > max_width)
		width = max_width;

	image = calloc(1, sizeof *image);
	if (!image)
		goto err;
	image->width = width;
	image->height = height;
	image->stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24,
						      width);
	image->pixels = malloc((size_t)image->stride * height);
	if (!image->pixels)
		goto err;
	/* Written directly, not painted: exact, whatever cairo rounds. */
	fill(image, background & 0xffffff);
	if (layout && !draw_text(image, ctx, layout, &logical,
				 text_is_black(background)))
		goto err;
	/* Cairo leaves RGB24's top byte undefined; XRGB8888 ignores it,
	 * but same text, same bytes. */
	n = (size_t)image->stride / 4 * height;
	for (i = 0; i < n; i++)
		image->pixels[i] &= 0xffffff;

	goto out;

err:
	xd_label_image_destroy(image);
	image = NULL;
out:
	if (layout)
		g_object_unref(layout);
	if (ctx)
		g_object_unref(ctx);
	g_free(shown);
	return image;
}

void
xd_label_image_destroy(struct xd_label_image *image)
{
	if (!image)
		return;
	free(image->pixels);
	free(image);
}

void
xd_label_render_release(void)
{
	if (font_map)
		g_object_unref(font_map);
	font_map = NULL;
	/* The configuration Pango had fontconfig load. (Not
	 * cairo_debug_reset_static_data(): it aborts while a font Pango
	 * still caches is alive.) */
	FcFini();
}
