/* SPDX-License-Identifier: MIT */
/*
 * release-key= values: what a user may write, and what is refused (the
 * module then keeps the default, so a typo cannot lock a user in).
 */

#include <linux/input-event-codes.h>

#include <libweston/libweston.h>

#include "harness/harness.h"
#include "key-combo.h"

static void
accepts(const char *text, uint32_t key, uint32_t modifiers)
{
	struct xd_key_combo combo;

	XD_ASSERT(xd_key_combo_parse(text, &combo) == 0, "'%s' refused",
		  text);
	XD_ASSERT(combo.key == key && combo.modifiers == modifiers,
		  "'%s': key %u mods %#x, want key %u mods %#x", text,
		  combo.key, combo.modifiers, key, modifiers);
}

static void
refuses(const char *text)
{
	struct xd_key_combo combo;

	XD_ASSERT(xd_key_combo_parse(text, &combo) < 0, "'%s' accepted",
		  text);
}

int
main(void)
{
	accepts("ctrl+alt+escape", KEY_ESC, MODIFIER_CTRL | MODIFIER_ALT);
	accepts("Super+F12", KEY_F12, MODIFIER_SUPER);
	accepts("CTRL+SHIFT+q", KEY_Q, MODIFIER_CTRL | MODIFIER_SHIFT);
	accepts("alt+1", KEY_1, MODIFIER_ALT);
	accepts("ctrl+0", KEY_0, MODIFIER_CTRL);
	accepts("pause", KEY_PAUSE, 0);
	refuses("ctrl+alt");
	refuses("ctrl+");
	refuses("");
	refuses("hyper+a");
	refuses("ctrl+nosuchkey");
	refuses("a+b");
	return 0;
}
