/* SPDX-License-Identifier: MIT */
/*
 * Keyboard focus for guests: a click or touch on a pinned guest surface
 * gives it the keyboard (the shell does that for its own windows, and
 * pinned surfaces are not its), and the release key combination, which
 * Weston keeps for itself, takes the keyboard away from any guest so a
 * user can always get out of one.
 */

#ifndef XD_INPUT_FOCUS_H
#define XD_INPUT_FOCUS_H

struct xd_module;
struct xd_input_focus;

struct xd_input_focus *
xd_input_focus_create(struct xd_module *module);

void
xd_input_focus_destroy(struct xd_input_focus *focus);

#endif
