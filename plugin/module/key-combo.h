/* SPDX-License-Identifier: MIT */
/* "ctrl+alt+escape"-style key combinations from weston.ini. */

#ifndef XD_KEY_COMBO_H
#define XD_KEY_COMBO_H

#include <stdint.h>

struct xd_key_combo {
	uint32_t key;		/* KEY_* (evdev) */
	uint32_t modifiers;	/* enum weston_keyboard_modifier bits */
};

/* Modifiers (ctrl, alt, shift, super) and one key, joined by '+', any
 * case. 0, or -1 when text is not such a combination. */
int
xd_key_combo_parse(const char *text, struct xd_key_combo *combo);

#endif
