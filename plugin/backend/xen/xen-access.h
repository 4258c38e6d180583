/* SPDX-License-Identifier: MIT */
/*
 * The backend's one narrow door to Xen: XenStore, event channels and
 * grants, nothing more (what a grant becomes for the display is decided
 * above, in buffers/). Two implementations sit behind it: the
 * real one on libxenstore, libxenevtchn and libxengnttab (xen-real*.c) and
 * a client of the simulated hypervisor used by tests and benchmarks
 * (xen-sim*.c). Everything above this header is the same code in both.
 *
 * Each area is a table of operations that an implementation fills in
 * statically; the xd_xs_*() and xd_evtchn_*() calls below only dispatch to
 * it. The module opens XenStore alone (xd_xen_open_store(), the library
 * xd-xenstore) and links no grant or event-channel code; a backend opens
 * all three (xd_xen_open(), the library xd-xen).
 *
 * All calls are synchronous and made from the process's single thread.
 * Asynchronous news (watches, events, a lost connection) arrives through
 * the listener, called from the event loop. Errors are negative errnos.
 */

#ifndef XD_XEN_ACCESS_H
#define XD_XEN_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

struct xd_broker_store;
struct xd_event_loop;
struct xd_xen;

#define XD_XEN_PAGE_SIZE 4096u

struct xd_xen_listener {
	/* A watch fired: path is the node that changed (or the watched
	 * path itself, once, right after xd_xs_watch()). */
	void (*watch)(void *data, const char *path, const char *token);
	/* A port bound with xd_evtchn_bind() was notified by the guest. */
	void (*event)(void *data, uint32_t local_port);
	/* The connection to Xen or the simulator is gone for good. */
	void (*lost)(void *data);
};

/* XenStore. txn is 0 outside a transaction. */
struct xd_xen_store_ops {
	/* A malloc'd, NUL-terminated copy (length in *len when len is not
	 * NULL), or NULL with errno (ENOENT when the node is absent). */
	char *(*read)(struct xd_xen *xen, uint32_t txn, const char *path,
		      unsigned int *len);
	int (*write)(struct xd_xen *xen, uint32_t txn, const char *path,
		     const char *value);
	int (*remove)(struct xd_xen *xen, uint32_t txn, const char *path);
	/* Children names of path, as one malloc'd block (free() it once),
	 * count in *num; NULL with errno on failure. */
	char **(*directory)(struct xd_xen *xen, uint32_t txn, const char *path,
			    unsigned int *num);
	int (*watch)(struct xd_xen *xen, const char *path, const char *token);
	int (*unwatch)(struct xd_xen *xen, const char *path,
		       const char *token);
	int (*transaction_start)(struct xd_xen *xen, uint32_t *txn);
	/* -EAGAIN: the transaction conflicted and must be retried. */
	int (*transaction_end)(struct xd_xen *xen, uint32_t txn, bool abort);
	/* xd_xen_close(): no watch is delivered after it. */
	void (*close)(struct xd_xen *xen);
	/* The last reference went: free the implementation's state. */
	void (*destroy)(struct xd_xen *xen);
};

/* Event channels to the guest's unbound ports. */
struct xd_xen_evtchn_ops {
	/* *local_port gets our end. */
	int (*bind)(struct xd_xen *xen, uint32_t domid, uint32_t remote_port,
		    uint32_t *local_port);
	void (*unbind)(struct xd_xen *xen, uint32_t local_port);
	int (*notify)(struct xd_xen *xen, uint32_t local_port);
	/* xd_xen_close(): no event is delivered after it. */
	void (*close)(struct xd_xen *xen);
};

/*
 * Grants, raw (real Xen's: gntdev and gntalloc, xen-real-grant.c, map and
 * unmap through the kmod's bound file when the process has one,
 * xen-real-grant-kmod.c): the displif and kbdif halves use the counted
 * xd_gnt_map()/xd_gnt_unmap() below for their small shared pages; the
 * guest buffers' layer (buffers/) calls these directly and counts each
 * buffer with xd_xen_count_buffer().
 * A bad ref is an error, never a crash.
 */
struct xd_xen_grant_ops {
	/* Maps count pages granted by domid, contiguously, for the CPU;
	 * NULL with errno. When dmabuf is not NULL it gets an fd of memory
	 * holding the same pages at *offset, when the mapping comes with
	 * one (the simulator's guest memory, for a contiguous run), else
	 * -1. */
	void *(*map)(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
		     uint32_t count, bool writable, int *dmabuf,
		     uint64_t *offset);
	void (*unmap)(struct xd_xen *xen, void *addr, uint32_t count);
	/* The grants as a dma-buf made by the grant device (gntdev's
	 * export): 0 and *fd, or -errno. NULL where there is none. */
	int (*export_dmabuf)(struct xd_xen *xen, uint32_t domid,
			     const uint32_t *refs, uint32_t count, int *fd);
	/* Allocates count pages in this domain and grants them to domid,
	 * writable, filling refs[count]: the CPU view, NULL with errno
	 * (logged on real Xen). dmabuf and offset as map's. */
	void *(*share)(struct xd_xen *xen, uint32_t domid, uint32_t count,
		       uint32_t *refs, int *dmabuf, uint64_t *offset);
	/* Ends the grants and frees the pages. */
	void (*unshare)(struct xd_xen *xen, void *addr, uint32_t count);
	/* The last reference went: close the grant devices. */
	void (*close)(struct xd_xen *xen);
};

/* Calls into the grant mapper, for tests and benchmarks. */
struct xd_xen_counters {
	uint64_t maps;		/* xd_gnt_map + guest buffers made */
	uint64_t unmaps;	/* xd_gnt_unmap + guest buffers freed */
	uint64_t pages_mapped;	/* currently mapped by xd_gnt_map */
};

/* What every implementation embeds first in its own state. */
struct xd_xen {
	const struct xd_xen_store_ops *store;
	/* NULL when opened for XenStore alone: */
	const struct xd_xen_evtchn_ops *evtchn;
	const struct xd_xen_grant_ops *gnt;
	bool simulated;			/* the simulator, not real Xen */
	/* XenStore through the module's broker (xen-broker-store.c),
	 * whose table replaced the implementation's own store: */
	struct xd_broker_store *broker;

	const struct xd_xen_listener *listener;
	void *listener_data;
	uint32_t self_domid;		/* 0 for dom0 */

	/* The connection and every holder (a guest buffer must be unmapped
	 * after the backend closed its connection); closed after
	 * xd_xen_close(). */
	int refs;
	bool closed;
	struct xd_xen_counters counters;
};

/*
 * Handles a trusted launcher (xen-display-sandbox, plugin/sandbox/)
 * opened for the process before confining it, which can then not open
 * the devices itself; -1 where there is none and the process opens its
 * own (run by hand, tests). The broker's XenStore and the kmod's fds
 * join them.
 */
struct xd_xen_fds {
	int evtchn;		/* /dev/xen/evtchn restricted to the guest */
	int sim;		/* connected to the simulator (sim:) */
	int store;		/* the module's XenStore broker */
};

/*
 * spec is "xen" (the real hypervisor) or "sim:SOCKET_PATH". The
 * implementation adds its file descriptors to loop and calls listener
 * from it. NULL and errno on failure (logged).
 *
 * xd_xen_open_store() (library xd-xenstore) opens XenStore alone;
 * xd_xen_open() (library xd-xen) opens XenStore, event channels and the
 * grant devices. With store_fd >= 0 (a backend's --store-fd, which it
 * takes) XenStore is the module's broker on that socket
 * (common/store-wire.h), and no XenStore connection of its own is
 * opened; event channels and grants are opened as without.
 */
struct xd_xen *
xd_xen_open_store(const char *spec, struct xd_event_loop *loop,
		  const struct xd_xen_listener *listener, void *data);

/* The same over a simulator connection the sandbox made (sim_fd, or -1:
 * connect to spec's socket): xd_xen_open()'s. */
struct xd_xen *
xd_xen_open_store_fd(const char *spec, int sim_fd, struct xd_event_loop *loop,
		     const struct xd_xen_listener *listener, void *data);

/* fds: NULL, or the handles given (xd_xen_fds). */
struct xd_xen *
xd_xen_open(const char *spec, const struct xd_xen_fds *fds,
	    struct xd_event_loop *loop,
	    const struct xd_xen_listener *listener, void *data);

/*
 * From now on xd_gnt_map() and xd_gnt_unmap() (and the raw map and unmap
 * below) go through fd, a /dev/xen/zcopy file bound to the process's
 * guest (protocol/xen-zcopy.h), taken over and closed with xen: the
 * process then never opens the grant device, which maps any domain's
 * grants. Call it before the first map. 0, or -errno (-EOPNOTSUPP on
 * the simulator, which keeps its own grants).
 */
int
xd_xen_use_kmod(struct xd_xen *xen, int fd);

/* Ends the connection: no listener call after it. What holders keep
 * (grant mappings of guest buffers) stays usable until they let go. */
void
xd_xen_close(struct xd_xen *xen);

struct xd_xen *
xd_xen_ref(struct xd_xen *xen);

void
xd_xen_unref(struct xd_xen *xen);

static inline uint32_t
xd_xen_self_domid(struct xd_xen *xen)
{
	return xen->self_domid;
}

static inline char *
xd_xs_read(struct xd_xen *xen, uint32_t txn, const char *path,
	   unsigned int *len)
{
	return xen->store->read(xen, txn, path, len);
}

static inline int
xd_xs_write(struct xd_xen *xen, uint32_t txn, const char *path,
	    const char *value)
{
	return xen->store->write(xen, txn, path, value);
}

static inline int
xd_xs_remove(struct xd_xen *xen, uint32_t txn, const char *path)
{
	return xen->store->remove(xen, txn, path);
}

static inline char **
xd_xs_directory(struct xd_xen *xen, uint32_t txn, const char *path,
		unsigned int *num)
{
	return xen->store->directory(xen, txn, path, num);
}

static inline int
xd_xs_watch(struct xd_xen *xen, const char *path, const char *token)
{
	return xen->store->watch(xen, path, token);
}

static inline int
xd_xs_unwatch(struct xd_xen *xen, const char *path, const char *token)
{
	return xen->store->unwatch(xen, path, token);
}

static inline int
xd_xs_transaction_start(struct xd_xen *xen, uint32_t *txn)
{
	return xen->store->transaction_start(xen, txn);
}

static inline int
xd_xs_transaction_end(struct xd_xen *xen, uint32_t txn, bool abort)
{
	return xen->store->transaction_end(xen, txn, abort);
}

static inline int
xd_evtchn_bind(struct xd_xen *xen, uint32_t domid, uint32_t remote_port,
	       uint32_t *local_port)
{
	return xen->evtchn->bind(xen, domid, remote_port, local_port);
}

static inline void
xd_evtchn_unbind(struct xd_xen *xen, uint32_t local_port)
{
	xen->evtchn->unbind(xen, local_port);
}

static inline int
xd_evtchn_notify(struct xd_xen *xen, uint32_t local_port)
{
	return xen->evtchn->notify(xen, local_port);
}

/* Maps count granted pages of domid, contiguously, for the CPU (rings,
 * event pages, page directories), counted; NULL with errno (logged). */
void *
xd_gnt_map(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
	   uint32_t count, bool writable);

void
xd_gnt_unmap(struct xd_xen *xen, void *addr, uint32_t count);

/* buffers/ made (mapped true) or freed a guest buffer: one map or unmap
 * call, whichever grant calls (or none) it took. */
void
xd_xen_count_buffer(struct xd_xen *xen, bool mapped);

void
xd_xen_get_counters(struct xd_xen *xen, struct xd_xen_counters *out);

#endif
