/* SPDX-License-Identifier: MIT */
/*
 * Finds guest display devices: watches this domain's vdispl backend
 * directory in XenStore, where the toolstack (libxl) creates a node for
 * each guest's vdispl device before the guest boots, and keeps the
 * supervisor's set of backend processes equal to what is there.
 */

#ifndef XD_GUEST_WATCH_H
#define XD_GUEST_WATCH_H

struct xd_module;
struct xd_xen;
struct xd_guest_watch;

/* NULL (logged) when XenStore cannot be reached. */
struct xd_guest_watch *
xd_guest_watch_create(struct xd_module *module);

/* The module's XenStore connection, which the broker serves backends
 * on (store-broker.h). */
struct xd_xen *
xd_guest_watch_xen(struct xd_guest_watch *watch);

void
xd_guest_watch_destroy(struct xd_guest_watch *watch);

#endif
