/* SPDX-License-Identifier: MIT */
/*
 * The server half of protocol/xen-display-private-v1.xml: only backend
 * processes this module launched may bind it.
 */

#ifndef XD_MANAGER_H
#define XD_MANAGER_H

struct xd_module;

int
xd_manager_create(struct xd_module *module);

void
xd_manager_destroy(struct xd_module *module);

#endif
