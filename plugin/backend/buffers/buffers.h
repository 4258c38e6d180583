/* SPDX-License-Identifier: MIT */
/*
 * Guest display buffers, as the displif half asks for them: the buffer
 * provider layer. One context per backend process picks, once, the chain
 * of providers that fits its Xen access (buffer-provider.h), remembers which
 * of them cannot work in this process, and logs the one that made the
 * buffers whenever it changes: the guest's own and those allocated here
 * (be-alloc) each in a line of their own.
 */

#ifndef XD_BUFFERS_H
#define XD_BUFFERS_H

#include <stdint.h>

#include "guest-buffer.h"

struct xd_budget;
struct xd_buffers;
struct xd_buffer_provider;
struct xd_xen;

/* The chain for xen: real Xen's or the simulator's. NULL on ENOMEM. */
struct xd_buffers *
xd_buffers_create(struct xd_xen *xen);

/* The same over a chain of the caller's (tests' doubles), NULL-ended. */
struct xd_buffers *
xd_buffers_create_with(struct xd_xen *xen,
		       const struct xd_buffer_provider *const *chain);

/* The guest's budget (budget.h), referenced: every buffer made from now
 * on is charged to it, and carries it. NULL: no limits. */
void
xd_buffers_set_budget(struct xd_buffers *buffers, struct xd_budget *budget);

/* fd: a /dev/xen/zcopy file bound to this process's guest by the
 * trusted side (--kmod-fd), for the kmod provider; it then does not open
 * the device itself. Taken over: closed with the process. */
void
xd_buffers_set_kmod_device(struct xd_buffers *buffers, int fd);

/* The kmod provider's /dev/xen/zcopy file bound to domid (the one set
 * above, or one it opens and binds now), for the wiring to map the
 * guest's rings through it as well; -1 when this process has none (the
 * simulator, no usable kmod). Still the provider's: dup it to keep it. */
int
xd_buffers_kmod_device(struct xd_buffers *buffers, uint32_t domid);

/* The budget, for the grant maps the displif half holds itself (rings,
 * event pages, page directories); NULL when none was set. */
struct xd_budget *
xd_buffers_budget(struct xd_buffers *buffers);

/* Buffers already made outlive the context. */
void
xd_buffers_destroy(struct xd_buffers *buffers);

/*
 * A frontend-allocated display buffer (DBUF_CREATE): count granted pages
 * holding size bytes, mapped once, by the first provider of the chain
 * that can (the buffer says which one it used). refcount is 1. NULL with
 * errno, logged. ENOMEM: the guest's budget refused it; ENOSPC: a
 * provider's own limit did (the kmod's): either ends the request, no
 * other provider is tried.
 */
struct xd_guest_buffer *
xd_buffer_import(struct xd_buffers *buffers, uint32_t domid,
		 const uint32_t *refs, uint32_t count, uint32_t size);

/*
 * be-alloc: allocate count pages in this domain, grant them to domid,
 * and fill refs[count]. The grants end when the buffer is destroyed.
 * Charged to the budget as dom0 memory. NULL with errno. Its provider is
 * logged as the one of "backend-allocated buffers".
 */
struct xd_guest_buffer *
xd_buffer_alloc_granted(struct xd_buffers *buffers, uint32_t domid,
			uint32_t count, uint32_t size, uint32_t *refs);

#endif
