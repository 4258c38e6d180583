/* SPDX-License-Identifier: MIT */
/*
 * How a guest display's frame and name look: shared by the module, which
 * draws the frame and places the name, the labeler, which renders the
 * name, and the tests, which check both from screenshots. doc/security.md
 * says what the label guarantees.
 */

#ifndef XD_LABEL_STYLE_H
#define XD_LABEL_STYLE_H

/* Frame width around a guest's picture, in output pixels, and while the
 * guest holds a seat's keyboard: wider, so that it is unmistakable. */
#define XD_LABEL_BORDER 3
#define XD_LABEL_BORDER_FOCUSED 6

/* The name's strip above the frame (or its tab inside the frame's corner
 * when there is no room outside), and the bound on its width. */
#define XD_LABEL_HEIGHT 20
#define XD_LABEL_MAX_WIDTH 480

/* The name's font (Pango), and the padding left and right of the text. */
#define XD_LABEL_FONT "DejaVu Sans Bold 11px"
#define XD_LABEL_PAD 6

/* Appended to the name while the guest holds a seat's keyboard. */
#define XD_LABEL_FOCUS_SUFFIX " \xe2\x80\x94 keyboard"

/* A guest's frame colour when weston.ini names none (0xAARRGGBB). */
#define XD_LABEL_DEFAULT_COLOR 0xffe5a50au

/* Reserved for what dom0 itself shows: no guest's frame takes it. */
#define XD_LABEL_TRUSTED_COLOR 0xffffffffu

#endif
