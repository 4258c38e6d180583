/* SPDX-License-Identifier: MIT */
/*
 * What a test needs to reach its Weston's VNC backend: a one-time
 * password that Weston's PAM check accepts, and the port Weston chose.
 * Internal to the harness; tests use struct xd_weston's vnc_* fields.
 */

#ifndef XD_WESTON_VNC_H
#define XD_WESTON_VNC_H

#include <sys/types.h>

struct xd_weston;

/* Fills w->vnc_user and w->vnc_password and writes, in w->runtime_dir, a
 * shadow file in which that password is the user's. */
void
xd_vnc_prepare(struct xd_weston *w);

/* In Weston's child before exec: a private mount namespace in which the
 * shadow file stands for /etc/shadow. Returns 0, or -1 with errno. */
int
xd_vnc_private_shadow(struct xd_weston *w);

/* The localhost TCP port process pid listens on, or -1 if none yet. */
int
xd_vnc_listening_port(pid_t pid);

#endif
