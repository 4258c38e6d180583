/* SPDX-License-Identifier: MIT */
/*
 * What a buffer provider implements: one way of making a guest's granted
 * pages (or pages of ours granted to it) into a struct xd_guest_buffer,
 * through the Xen access layer's raw grant calls or a device of its own.
 * buffers.c chooses the chain at run time, as wlroots chooses its
 * wlr_drm_interface: on real Xen
 *
 *   kmod    the project's module (kmod/): a CPU-readable dma-buf
 *   gntdev  the kernel's gntdev dma-buf export: zero copy where it works
 *           (not on an x86 PV dom0, nor without CONFIG_XEN_GNTDEV_DMABUF)
 *   map     the grants mapped for the CPU: the Wayland half copies each
 *           frame once into shared memory
 *   gntshr  be-alloc: pages of ours granted to the guest (gntalloc)
 *
 * and on the simulator 'sim', for both. The first that works wins, for
 * every buffer.
 */

#ifndef XD_BUFFER_PROVIDER_H
#define XD_BUFFER_PROVIDER_H

#include <stdbool.h>
#include <stdint.h>

#include "budget.h"
#include "guest-buffer.h"

struct xd_xen;

/* A buffer of any provider, as buffers.c makes it before the provider
 * fills it in: dmabuf_fd -1, cpu NULL, map and priv NULL. */
struct xd_provided_buffer {
	struct xd_guest_buffer base;
	const struct xd_buffer_provider *provider;
	struct xd_xen *xen;	/* referenced until the buffer is freed */
	uint32_t domid;
	uint32_t count;		/* pages */
	uint64_t charged[XD_BUDGET_KINDS];	/* to base.budget, till freed */
	void *map;		/* the CPU view of a grant map or share */
	void *priv;		/* the provider's own state */
};

struct xd_buffer_provider {
	const char *name;

	/* Grant maps an import holds per guest page, every view counted
	 * (the guest's budget: budget.h): gntdev's dma-buf and its CPU map
	 * are 2. 0 means 1. An alloc maps none: it costs dom0 memory. */
	uint32_t views;

	/* DBUF_CREATE: make buf a view of the guest's grants refs[count].
	 * 0, or -errno with *why saying what went wrong for the log. What
	 * it set up before failing is undone by release. NULL: the
	 * provider cannot import. */
	int (*import)(struct xd_provided_buffer *buf, const uint32_t *refs,
		      const char **why);

	/* be-alloc: make count pages and grant them to the guest, filling
	 * refs[count]. 0 or -errno (logged where it failed). NULL: the
	 * provider cannot allocate. */
	int (*alloc)(struct xd_provided_buffer *buf, uint32_t *refs);

	/* Undoes import or alloc, from any state of its setup; the
	 * dma-buf fd is closed by buffers.c. */
	void (*release)(struct xd_provided_buffer *buf);

	/* Whether err, a failed import, says that the provider cannot work
	 * in this process (no device, no permission, another interface
	 * version), not that this buffer's grants are bad: it is then
	 * skipped for the rest of the process. NULL: never. */
	bool (*unavailable)(int err);
};

extern const struct xd_buffer_provider xd_provider_kmod;
extern const struct xd_buffer_provider xd_provider_gntdev;
extern const struct xd_buffer_provider xd_provider_map;
extern const struct xd_buffer_provider xd_provider_gntshr;
extern const struct xd_buffer_provider xd_provider_sim;
extern const struct xd_buffer_provider xd_provider_sim_kmod;

/* The kmod provider uses fd, a /dev/xen/zcopy file the trusted side
 * opened and bound to this process's guest, instead of opening the
 * device (and binding it) itself. */
void
xd_provider_kmod_use_device(int fd);

/* The kmod provider's file, bound to domid: opened and bound now if it
 * has none yet; -1 where it cannot work here (the reason waits for its
 * first import's log line). Still the provider's: dup it to keep it. */
int
xd_provider_kmod_device(uint32_t domid);

/* For providers: the errnos of a missing or refusing device. */
bool
xd_provider_device_error(int err);

/* For providers: maps the guest's grants read-only for the CPU (the
 * backend never writes a guest's pixels) into buf->map and buf->base.cpu;
 * 0 or -errno. */
int
xd_provider_map_cpu(struct xd_provided_buffer *buf, const uint32_t *refs);

/* For providers: a release that unmaps buf->map (the grant calls' map). */
void
xd_provider_unmap(struct xd_provided_buffer *buf);

#endif
