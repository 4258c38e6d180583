/* SPDX-License-Identifier: MIT */
/*
 * Under kiosk-shell the module places a guest connector that has no
 * [xen-display] section itself, the way kiosk-shell would place its
 * window: scaled to fill the output whose [output] app-ids= names the
 * connector's app_id, else the first output, on top. Unlike kiosk-shell's
 * window it does not take the keyboard: a guest gets it when the user
 * clicks or touches it (input-focus.c), never by appearing or
 * reconnecting, which a hostile guest can do at will.
 *
 * Why: kiosk-shell (Weston 14 and 15) leaves an output's active surface
 * tree pointing at a closed window unless that window had a seat's focus
 * (no seat at all, as headless or without input devices; or the focus on
 * another output), and reads the freed memory when the next window maps
 * there. Weston then crashes at a guest's reboot, a backend's restart or
 * the next guest. Pinned surfaces are not the shell's windows.
 */

#ifndef XD_KIOSK_PLACEMENT_H
#define XD_KIOSK_PLACEMENT_H

#include <stdbool.h>
#include <stdint.h>

struct weston_compositor;
struct weston_config;
struct xd_placement;

/* Whether kiosk-shell is the running shell. */
bool
xd_kiosk_shell_running(void);

/* The placement kiosk-shell would give the window of guest's connector
 * index, in out (out->output is allocated). -1 when there is no output. */
int
xd_kiosk_placement(struct weston_compositor *compositor,
		   struct weston_config *config, const char *guest,
		   uint32_t index, struct xd_placement *out);

#endif
