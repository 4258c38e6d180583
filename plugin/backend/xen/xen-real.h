/* SPDX-License-Identifier: MIT */
/*
 * The real Xen behind xen-access.h: state shared by xen-real*.c. The
 * handles are opened once per process. Each file defines its area's
 * operations statically; this header only names how they are opened.
 */

#ifndef XD_XEN_REAL_H
#define XD_XEN_REAL_H

#include <errno.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xentoollog.h>

#include "xen-access.h"

struct xd_event_source;

struct xd_xen_real {
	struct xd_xen base;

	struct xs_handle *xs;
	struct xd_event_source *xs_source;

	/* Opened by xd_xen_real_open_grants() alone. */
	struct xentoollog_logger logger;
	xenevtchn_handle *xce;
	struct xd_event_source *evtchn_source;
	xengnttab_handle *xgt;	/* opened on first use */
	int xgt_errno;		/* its open failed: not tried again */
	xengntshr_handle *xgs;	/* opened on first share */
	/* xen-real-grant-kmod.c: /dev/xen/zcopy bound to the guest, or -1 */
	int kmod_fd;
};

static inline struct xd_xen_real *
to_real(struct xd_xen *xen)
{
	return (struct xd_xen_real *)xen;
}

/* -errno of the last failed library call, never 0. */
static inline int
xd_real_err(void)
{
	return errno > 0 ? -errno : -EIO;
}

/* xen-real-store.c: XenStore alone (library xd-xenstore). */
struct xd_xen *
xd_xen_real_open_store(struct xd_event_loop *loop);

/* The same state with no XenStore connection: a backend whose XenStore
 * is the module's broker (xen-broker-store.c). */
struct xd_xen *
xd_xen_real_open_bare(void);

/* xen-real.c: event channels and grants over an open XenStore. */
/* evtchn_fd: the sandbox's restricted handle, or -1 to open one. */
int
xd_xen_real_open_grants(struct xd_xen *xen, struct xd_event_loop *loop,
			int evtchn_fd);

/* xen-real-evtchn.c: called by the above. */
int
xd_real_evtchn_open(struct xd_xen_real *real, struct xd_event_loop *loop,
		    int fd);

/* xen-real-grant.c: grants through gntdev and gntalloc, each device
 * opened at its first use. */
extern const struct xd_xen_grant_ops xd_real_grant_ops;

/* xen-real-grant-kmod.c: from now on map and unmap go through fd, a
 * /dev/xen/zcopy file bound to the guest (taken over); the rest stays
 * xd_real_grant_ops'. 0 or -errno. */
int
xd_real_grant_use_kmod(struct xd_xen_real *real, int fd);

#endif
