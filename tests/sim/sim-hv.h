/* SPDX-License-Identifier: MIT */
/*
 * The simulated hypervisor: XenStore with watches, event channels and
 * grant tables over guest memory held in memfds, for tests and
 * benchmarks. It lives in the test process, runs from that process's
 * xd_event_loop, and serves backend processes (xen-display-backend
 * --xen=sim:SOCKET, plugin/backend/xen/xen-sim.c) on a Unix socket. The
 * guest side (sim-front.c, hostile tests) calls it directly.
 *
 * Rules it enforces like Xen does: a domain reads and writes only
 * XenStore nodes it may (dom0 everything; a guest its own
 * /local/domain/<domid> subtree and the nodes the toolstack gave it),
 * a grant maps only for the domain it was granted to, a grant being
 * mapped cannot be ended (-EBUSY), unknown refs and ports are errors.
 */

#ifndef XD_SIM_HV_H
#define XD_SIM_HV_H

#include <stdbool.h>
#include <stdint.h>

struct xd_event_loop;
struct xd_sim_hv;

#define XD_SIM_PAGE_SIZE 4096u

/* Listens on socket_path (removed first if it exists). */
struct xd_sim_hv *
xd_sim_hv_create(struct xd_event_loop *loop, const char *socket_path);

/* Closes every backend connection and frees all domains. */
void
xd_sim_hv_destroy(struct xd_sim_hv *hv);

/* --- Domains ------------------------------------------------------- */

/* Creates /local/domain/<domid> (name, domid) and mem_pages of guest
 * memory, as one memfd. Domain 0 exists from the start (with memory for
 * be-alloc buffers); backends connect as domain 0. */
int
xd_sim_hv_domain_create(struct xd_sim_hv *hv, uint32_t domid,
			const char *name, uint32_t mem_pages);

/* The guest dies: its ports close (the backend's bound ends see nothing
 * more), its grants can no longer be mapped, its XenStore subtree is
 * removed (watches fire). Pages a backend still maps stay valid until
 * unmapped, as in Xen. */
void
xd_sim_hv_domain_destroy(struct xd_sim_hv *hv, uint32_t domid);

/* Contiguous guest pages: returns the first page frame number, or a
 * negative errno when the domain has no run of count free pages. */
int64_t
xd_sim_mem_alloc(struct xd_sim_hv *hv, uint32_t domid, uint32_t count);

void
xd_sim_mem_free(struct xd_sim_hv *hv, uint32_t domid, uint32_t pfn,
		uint32_t count);

/* The test process's view of a domain's pages (any domain, dom0 too). */
void *
xd_sim_mem_ptr(struct xd_sim_hv *hv, uint32_t domid, uint32_t pfn);

/* --- XenStore, acting as domain domid ------------------------------ */

/* malloc'd NUL-terminated copy, or NULL with errno. */
char *
xd_sim_xs_read(struct xd_sim_hv *hv, uint32_t domid, const char *path);

int
xd_sim_xs_write(struct xd_sim_hv *hv, uint32_t domid, const char *path,
		const char *value);

int
xd_sim_xs_remove(struct xd_sim_hv *hv, uint32_t domid, const char *path);

/* Writes value into path; the guest domain may write it later, as the
 * toolstack's nodes under /local/domain/<guest>/device are. */
int
xd_sim_xs_write_for(struct xd_sim_hv *hv, uint32_t owner_domid,
		    const char *path, const char *value);

typedef void (*xd_sim_watch_func_t)(void *data, const char *path,
				    const char *token);

/* Fires once at once, then for every change at or under path. */
int
xd_sim_xs_watch(struct xd_sim_hv *hv, uint32_t domid, const char *path,
		const char *token, xd_sim_watch_func_t func, void *data);

void
xd_sim_xs_unwatch(struct xd_sim_hv *hv, uint32_t domid, const char *path,
		  const char *token);

/* --- Event channels, guest side ------------------------------------- */

typedef void (*xd_sim_event_func_t)(void *data, uint32_t port);

/* An unbound port of domid that remote_domid may bind to; func is
 * called (from the loop) when the remote end notifies it. */
int
xd_sim_evtchn_alloc_unbound(struct xd_sim_hv *hv, uint32_t domid,
			    uint32_t remote_domid, xd_sim_event_func_t func,
			    void *data, uint32_t *port);

/* Notifies the bound remote end; -ENOTCONN while nobody bound it. */
int
xd_sim_evtchn_notify(struct xd_sim_hv *hv, uint32_t domid, uint32_t port);

void
xd_sim_evtchn_close(struct xd_sim_hv *hv, uint32_t domid, uint32_t port);

/* --- Grants --------------------------------------------------------- */

/* Grants page pfn of domid to to_domid; *gref gets the reference. */
int
xd_sim_gnt_grant(struct xd_sim_hv *hv, uint32_t domid, uint32_t to_domid,
		 uint32_t pfn, bool readonly, uint32_t *gref);

/* -EBUSY while some domain maps it. */
int
xd_sim_gnt_end(struct xd_sim_hv *hv, uint32_t domid, uint32_t gref);

/* The guest maps pages granted to it (be-alloc buffers from dom0):
 * returns a pointer for each ref into the test process's view of the
 * granting domain's memory, in ptrs[count]. */
int
xd_sim_gnt_map(struct xd_sim_hv *hv, uint32_t domid, uint32_t from_domid,
	       const uint32_t *refs, uint32_t count, void **ptrs);

void
xd_sim_gnt_unmap(struct xd_sim_hv *hv, uint32_t domid, uint32_t from_domid,
		 const uint32_t *refs, uint32_t count);

/* --- What tests check ---------------------------------------------- */

struct xd_sim_stats {
	uint32_t backends;		/* connected backend processes */
	uint32_t pages_mapped;		/* of this domain's pages, by others */
	uint32_t grants;		/* live grants this domain made */
	uint32_t ports;			/* open ports of this domain */
	uint64_t map_calls;		/* map requests served, all domains */
	uint64_t unmap_calls;
	/* Pages of this domain the backends' connections still map (and
	 * be-alloc pages they still hold for it), counted on their side:
	 * still counted after the domain is destroyed, until they unmap or
	 * their connection goes. */
	uint32_t pages_held;
};

void
xd_sim_hv_stats(struct xd_sim_hv *hv, uint32_t domid,
		struct xd_sim_stats *out);

#endif
