/* SPDX-License-Identifier: MIT */
/*
 * What a backend may do in XenStore through the module's broker
 * (store-broker.c): the nodes of the one guest device the supervisor
 * launched it for, and nothing else. The whole policy is
 * xd_store_policy_check(); tests/test-store-policy.c tries it.
 */

#ifndef XD_STORE_POLICY_H
#define XD_STORE_POLICY_H

#include <stddef.h>
#include <stdint.h>

enum xd_store_access {
	XD_STORE_ACCESS_READ,	/* read, directory, watch, unwatch */
	XD_STORE_ACCESS_WRITE,	/* write, remove */
};

/* Whom a channel serves: the backend of guest domid's vdispl device
 * devid, under /local/domain/self/backend. */
struct xd_store_scope {
	uint32_t self;
	uint32_t domid;
	uint32_t devid;
};

/*
 * 0 when the backend may; -EACCES when the path is well formed but not
 * its guest's (or not one it may write); -EINVAL when path is not a
 * well-formed absolute XenStore path (len bytes, no NUL among them: at
 * most XD_STORE_WIRE_MAX_PATH, '/'-separated non-empty components of
 * XenStore's characters [A-Za-z0-9_-], no trailing '/'): the broker
 * closes the channel of a backend that sends one.
 */
int
xd_store_policy_check(const struct xd_store_scope *scope,
		      enum xd_store_access access, const char *path,
		      size_t len);

#endif
