/* SPDX-License-Identifier: MIT */
/*
 * Reading a device's XenStore nodes, bounded: every value a guest (or the
 * toolstack) wrote is read once through here, refused when longer than
 * XD_MAX_XS_VALUE or holding a NUL, and parsed by xs-values.h.
 */

#ifndef XD_XS_NODES_H
#define XD_XS_NODES_H

#include <stdint.h>

struct xd_xen;

/* DIR/NODE as a malloc'd string, or NULL with errno (ENOENT: absent,
 * EINVAL: too long or not text). */
char *
xd_xs_read_node(struct xd_xen *xen, const char *dir, const char *node);

/* DIR/NODE as a decimal <= max: 0, -ENOENT when absent, -EINVAL when
 * anything else. */
int
xd_xs_read_u32(struct xd_xen *xen, const char *dir, const char *node,
	       uint32_t max, uint32_t *out);

/* Writes value in decimal to DIR/NODE. */
int
xd_xs_write_u32(struct xd_xen *xen, const char *dir, const char *node,
		uint32_t value);

#endif
