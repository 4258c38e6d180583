/* SPDX-License-Identifier: MIT */
/*
 * Keyboard focus for guests: a click or touch on a pinned guest surface
 * gives it the keyboard (the shell does that for its own windows, and
 * pinned surfaces are not its), and the release key combination, which
 * Weston keeps for itself, takes the keyboard away from any guest so a
 * user can always get out of one.
 *
 * Nothing else gives a guest the keyboard: pinned surfaces never take it
 * (pinned-surface.c), and under any shell but kiosk-shell an activation
 * of a guest's surface made while that guest's own request was being
 * dispatched (a shell focusing a new window as it maps: the guest's
 * first display or a reconnect), with no button or touch down on it, is
 * undone: the seat's keyboard goes back to where it was. kiosk-shell
 * crashes when a window it did not see focused closes
 * (kiosk-placement.h), so its windows' focus stays its own.
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
