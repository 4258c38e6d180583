/* SPDX-License-Identifier: MIT */
/*
 * What an implementation of xen-access.h provides. xen-access.c checks
 * arguments common to all and dispatches; an implementation embeds
 * struct xd_xen first in its own state.
 */

#ifndef XD_XEN_IMPL_H
#define XD_XEN_IMPL_H

#include "xen-access.h"

struct xd_xen_impl {
	void (*close)(struct xd_xen *xen);
	char *(*xs_read)(struct xd_xen *xen, uint32_t txn, const char *path,
			 unsigned int *len);
	int (*xs_write)(struct xd_xen *xen, uint32_t txn, const char *path,
			const char *value);
	int (*xs_remove)(struct xd_xen *xen, uint32_t txn, const char *path);
	char **(*xs_directory)(struct xd_xen *xen, uint32_t txn,
			       const char *path, unsigned int *num);
	int (*xs_watch)(struct xd_xen *xen, const char *path,
			const char *token);
	int (*xs_unwatch)(struct xd_xen *xen, const char *path,
			  const char *token);
	int (*xs_transaction_start)(struct xd_xen *xen, uint32_t *txn);
	int (*xs_transaction_end)(struct xd_xen *xen, uint32_t txn,
				  bool abort);
	int (*evtchn_bind)(struct xd_xen *xen, uint32_t domid,
			   uint32_t remote_port, uint32_t *local_port);
	void (*evtchn_unbind)(struct xd_xen *xen, uint32_t local_port);
	int (*evtchn_notify)(struct xd_xen *xen, uint32_t local_port);
	void *(*gnt_map)(struct xd_xen *xen, uint32_t domid,
			 const uint32_t *refs, uint32_t count, bool writable);
	void (*gnt_unmap)(struct xd_xen *xen, void *addr, uint32_t count);
	struct xd_guest_buffer *(*buffer_import)(struct xd_xen *xen,
						 uint32_t domid,
						 const uint32_t *refs,
						 uint32_t count,
						 uint32_t size);
	struct xd_guest_buffer *(*buffer_alloc_granted)(struct xd_xen *xen,
							uint32_t domid,
							uint32_t count,
							uint32_t size,
							uint32_t *refs);
};

struct xd_xen {
	const struct xd_xen_impl *impl;
	const struct xd_xen_listener *listener;
	void *listener_data;
	uint32_t self_domid;
	struct xd_xen_counters counters;
};

/* Constructors, called by xd_xen_open() with the part after "sim:". */
struct xd_xen *
xd_xen_real_open(struct xd_event_loop *loop);

struct xd_xen *
xd_xen_sim_open(const char *socket_path, struct xd_event_loop *loop);

#endif
