/* SPDX-License-Identifier: MIT */
/*
 * The backend's one narrow door to Xen: XenStore, event channels, grant
 * mappings and guest buffers. Two implementations sit behind it: the real
 * one on libxenstore, libxenevtchn and libxengnttab (xen-real.c) and a
 * client of the simulated hypervisor used by tests and benchmarks
 * (xen-sim.c). Everything above this header is the same code in both.
 *
 * All calls are synchronous and made from the backend's single thread.
 * Asynchronous news (watches, events, a lost connection) arrives through
 * the listener, called from the event loop. Errors are negative errnos.
 */

#ifndef XD_XEN_ACCESS_H
#define XD_XEN_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

struct xd_event_loop;
struct xd_guest_buffer;
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

/*
 * spec is "xen" (the real hypervisor) or "sim:SOCKET_PATH". The
 * implementation adds its file descriptors to loop and calls listener
 * from it. NULL and errno on failure (logged).
 */
struct xd_xen *
xd_xen_open(const char *spec, struct xd_event_loop *loop,
	    const struct xd_xen_listener *listener, void *data);

void
xd_xen_close(struct xd_xen *xen);

/* The domain this backend runs in (0 for dom0). */
uint32_t
xd_xen_self_domid(struct xd_xen *xen);

/* --- XenStore. txn is 0 outside a transaction. ---------------------- */

/* Returns a malloc'd, NUL-terminated copy (length in *len when len is
 * not NULL), or NULL with errno (ENOENT when the node is absent). */
char *
xd_xs_read(struct xd_xen *xen, uint32_t txn, const char *path,
	   unsigned int *len);

int
xd_xs_write(struct xd_xen *xen, uint32_t txn, const char *path,
	    const char *value);

int
xd_xs_remove(struct xd_xen *xen, uint32_t txn, const char *path);

/* Children names of path, as one malloc'd block (free() it once), count
 * in *num; NULL with errno on failure. */
char **
xd_xs_directory(struct xd_xen *xen, uint32_t txn, const char *path,
		unsigned int *num);

int
xd_xs_watch(struct xd_xen *xen, const char *path, const char *token);

int
xd_xs_unwatch(struct xd_xen *xen, const char *path, const char *token);

int
xd_xs_transaction_start(struct xd_xen *xen, uint32_t *txn);

/* -EAGAIN: the transaction conflicted and must be retried. */
int
xd_xs_transaction_end(struct xd_xen *xen, uint32_t txn, bool abort);

/* --- Event channels ------------------------------------------------- */

/* Binds to the guest's unbound port; *local_port gets our end. */
int
xd_evtchn_bind(struct xd_xen *xen, uint32_t domid, uint32_t remote_port,
	       uint32_t *local_port);

void
xd_evtchn_unbind(struct xd_xen *xen, uint32_t local_port);

int
xd_evtchn_notify(struct xd_xen *xen, uint32_t local_port);

/* --- Grants --------------------------------------------------------- */

/* Maps count granted pages of domid, contiguously, for the CPU (rings,
 * event pages, page directories). NULL with errno on failure: a bad ref
 * is an error, never a crash. */
void *
xd_gnt_map(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
	   uint32_t count, bool writable);

void
xd_gnt_unmap(struct xd_xen *xen, void *addr, uint32_t count);

/*
 * A frontend-allocated display buffer (DBUF_CREATE): count granted pages
 * holding size bytes, mapped once, by the best provider available (see
 * display-sink.h; the buffer says which one it used). refcount is 1.
 */
struct xd_guest_buffer *
xd_buffer_import(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
		 uint32_t count, uint32_t size);

/*
 * be-alloc: allocate count pages in this domain, grant them to domid,
 * and fill refs[count]. The grants end when the buffer is destroyed.
 */
struct xd_guest_buffer *
xd_buffer_alloc_granted(struct xd_xen *xen, uint32_t domid, uint32_t count,
			uint32_t size, uint32_t *refs);

/* Counters for tests and benchmarks: calls into the grant mapper. */
struct xd_xen_counters {
	uint64_t maps;		/* xd_gnt_map + buffer imports/allocs */
	uint64_t unmaps;
	uint64_t pages_mapped;	/* currently mapped pages */
};

void
xd_xen_get_counters(struct xd_xen *xen, struct xd_xen_counters *out);

#endif
