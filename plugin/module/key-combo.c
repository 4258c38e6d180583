/* SPDX-License-Identifier: MIT */

#include <linux/input-event-codes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libweston/libweston.h>

#include "key-combo.h"

struct name_code {
	const char *name;
	uint32_t code;
};

static const struct name_code modifiers[] = {
	{ "ctrl", MODIFIER_CTRL },
	{ "control", MODIFIER_CTRL },
	{ "alt", MODIFIER_ALT },
	{ "shift", MODIFIER_SHIFT },
	{ "super", MODIFIER_SUPER },
	{ "logo", MODIFIER_SUPER },
};

/* Keys a user would pick to leave a guest; letters and digits below. */
static const struct name_code keys[] = {
	{ "escape", KEY_ESC }, { "esc", KEY_ESC }, { "tab", KEY_TAB },
	{ "space", KEY_SPACE }, { "return", KEY_ENTER },
	{ "enter", KEY_ENTER }, { "backspace", KEY_BACKSPACE },
	{ "delete", KEY_DELETE }, { "insert", KEY_INSERT },
	{ "home", KEY_HOME }, { "end", KEY_END }, { "pageup", KEY_PAGEUP },
	{ "pagedown", KEY_PAGEDOWN }, { "pause", KEY_PAUSE },
	{ "scrolllock", KEY_SCROLLLOCK }, { "print", KEY_SYSRQ },
	{ "f1", KEY_F1 }, { "f2", KEY_F2 }, { "f3", KEY_F3 },
	{ "f4", KEY_F4 }, { "f5", KEY_F5 }, { "f6", KEY_F6 },
	{ "f7", KEY_F7 }, { "f8", KEY_F8 }, { "f9", KEY_F9 },
	{ "f10", KEY_F10 }, { "f11", KEY_F11 }, { "f12", KEY_F12 },
};

/* evdev codes follow the keyboard's rows, not the alphabet. */
static const char letter_row[] = "qwertyuiopasdfghjklzxcvbnm";
static const uint32_t letter_code[] = {
	KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I, KEY_O, KEY_P,
	KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J, KEY_K, KEY_L,
	KEY_Z, KEY_X, KEY_C, KEY_V, KEY_B, KEY_N, KEY_M,
};

static int
lookup(const struct name_code *table, size_t n, const char *name,
       uint32_t *code)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcasecmp(table[i].name, name) == 0) {
			*code = table[i].code;
			return 0;
		}
	}
	return -1;
}

static int
key_code(const char *name, uint32_t *code)
{
	const char *p;

	if (strlen(name) == 1 && name[0] >= '1' && name[0] <= '9') {
		*code = KEY_1 + (uint32_t)(name[0] - '1');
		return 0;
	}
	if (strcmp(name, "0") == 0) {
		*code = KEY_0;
		return 0;
	}
	if (strlen(name) == 1 &&
	    (p = strchr(letter_row, name[0] | 0x20)) && *p) {
		*code = letter_code[p - letter_row];
		return 0;
	}
	return lookup(keys, sizeof keys / sizeof keys[0], name, code);
}

int
xd_key_combo_parse(const char *text, struct xd_key_combo *combo)
{
	char copy[128], *part, *save = NULL, *next;
	uint32_t code;
	int have_key = 0;

	if (!text || strlen(text) >= sizeof copy)
		return -1;
	snprintf(copy, sizeof copy, "%s", text);
	combo->key = 0;
	combo->modifiers = 0;
	for (part = strtok_r(copy, "+", &save); part; part = next) {
		next = strtok_r(NULL, "+", &save);
		if (next) {
			/* Everything but the last part is a modifier. */
			if (lookup(modifiers, sizeof modifiers /
				   sizeof modifiers[0], part, &code) < 0)
				return -1;
			combo->modifiers |= code;
		} else {
			if (key_code(part, &combo->key) < 0)
				return -1;
			have_key = 1;
		}
	}
	return have_key ? 0 : -1;
}
