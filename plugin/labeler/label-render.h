/* SPDX-License-Identifier: MIT */
/*
 * A guest's name as pixels: the labeler's one drawing call, also run by
 * tests/test-label-render.c. The look is plugin/common/label-style.h.
 */

#ifndef XD_LABEL_RENDER_H
#define XD_LABEL_RENDER_H

#include <stdint.h>

/* Bounds on what xd_label_render() accepts. */
#define XD_LABEL_RENDER_TEXT_MAX 256	/* bytes, without the NUL */
#define XD_LABEL_RENDER_HEIGHT_MAX 256
#define XD_LABEL_RENDER_WIDTH_MAX 4096

/* Pixels in the layout of WL_SHM_FORMAT_XRGB8888: native-endian 32-bit
 * words 0x00RRGGBB, top row first, stride bytes a row. */
struct xd_label_image {
	uint32_t width;
	uint32_t height;
	uint32_t stride;	/* bytes: width * 4 */
	uint32_t *pixels;	/* malloc'd, stride * height bytes */
};

/*
 * Renders text (UTF-8) on one line, invalid sequences and control and
 * format characters (newlines, bidi overrides) shown as U+FFFD, over an
 * opaque background (0xAARRGGBB, alpha ignored), in black or white,
 * whichever contrasts more (WCAG contrast ratio). The image is height
 * tall and as wide as the text plus XD_LABEL_PAD on each side, at least
 * 2 * XD_LABEL_PAD + 1 and at most max_width: a longer text is
 * ellipsized at its end. The padding is always background only. The
 * same arguments give the same pixels on the same font stack.
 *
 * Returns NULL when text is NULL or longer than XD_LABEL_RENDER_TEXT_MAX,
 * height is not in 1..XD_LABEL_RENDER_HEIGHT_MAX, max_width not in
 * 1..XD_LABEL_RENDER_WIDTH_MAX, or memory or the font stack fails.
 */
struct xd_label_image *
xd_label_render(const char *text, uint32_t background, uint32_t height,
		uint32_t max_width);

void
xd_label_image_destroy(struct xd_label_image *image);

/* Frees the fonts and caches the renders keep between them: at exit, so
 * that a leak checker sees everything freed. */
void
xd_label_render_release(void);

#endif
