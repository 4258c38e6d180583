/* SPDX-License-Identifier: MIT */
/*
 * The real Xen behind xen-access.h: state shared by xen-real*.c. The
 * handles are opened once per process; guest buffers hold a reference on
 * this state so that a buffer the compositor still reads can be unmapped
 * after the backend closed its Xen connection.
 */

#ifndef XD_XEN_REAL_H
#define XD_XEN_REAL_H

#include <stdbool.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xentoollog.h>

#include "display-sink.h"
#include "xen-impl.h"

struct xd_event_source;

struct xd_xen_real {
	struct xd_xen base;
	int refs;		/* the connection + every live buffer */
	bool closed;

	struct xentoollog_logger logger;
	struct xs_handle *xs;
	xenevtchn_handle *xce;
	xengnttab_handle *xgt;
	xengntshr_handle *xgs;	/* opened on first be-alloc */

	struct xd_event_source *xs_source;
	struct xd_event_source *evtchn_source;
};

static inline struct xd_xen_real *
to_real(struct xd_xen *xen)
{
	return (struct xd_xen_real *)xen;
}

/* A guest buffer of any real provider. */
struct xd_real_buffer {
	struct xd_guest_buffer base;
	struct xd_xen_real *real;
	uint32_t count;
	void *map;		/* pages mapped with xengnttab, or NULL */
	void *shared;		/* pages shared with xengntshr, or NULL */
	void *kmod;		/* the kmod provider's state, or NULL */
};

void
xd_real_ref(struct xd_xen_real *real);

void
xd_real_unref(struct xd_xen_real *real);

/* -errno of the last failed library call, never 0. */
int
xd_real_err(void);

/* xen-real-store.c */
int
xd_real_store_open(struct xd_xen_real *real, struct xd_event_loop *loop);

void
xd_real_store_close(struct xd_xen_real *real);

char *
xd_real_xs_read(struct xd_xen *xen, uint32_t txn, const char *path,
		unsigned int *len);
int
xd_real_xs_write(struct xd_xen *xen, uint32_t txn, const char *path,
		 const char *value);
int
xd_real_xs_remove(struct xd_xen *xen, uint32_t txn, const char *path);
char **
xd_real_xs_directory(struct xd_xen *xen, uint32_t txn, const char *path,
		     unsigned int *num);
int
xd_real_xs_watch(struct xd_xen *xen, const char *path, const char *token);
int
xd_real_xs_unwatch(struct xd_xen *xen, const char *path, const char *token);
int
xd_real_xs_transaction_start(struct xd_xen *xen, uint32_t *txn);
int
xd_real_xs_transaction_end(struct xd_xen *xen, uint32_t txn, bool abort);

/* xen-real-evtchn.c */
int
xd_real_evtchn_open(struct xd_xen_real *real, struct xd_event_loop *loop);

void
xd_real_evtchn_close(struct xd_xen_real *real);

int
xd_real_evtchn_bind(struct xd_xen *xen, uint32_t domid, uint32_t remote_port,
		    uint32_t *local_port);
void
xd_real_evtchn_unbind(struct xd_xen *xen, uint32_t local_port);
int
xd_real_evtchn_notify(struct xd_xen *xen, uint32_t local_port);

/* xen-real-buffer.c: DBUF_CREATE's provider chain */
struct xd_guest_buffer *
xd_real_buffer_import(struct xd_xen *xen, uint32_t domid,
		      const uint32_t *refs, uint32_t count, uint32_t size);

/* xen-real-gntshr.c: be-alloc */
struct xd_guest_buffer *
xd_real_buffer_alloc_granted(struct xd_xen *xen, uint32_t domid,
			     uint32_t count, uint32_t size, uint32_t *refs);

/* Common to the providers: a buffer in its initial state, and its end. */
struct xd_real_buffer *
xd_real_buffer_new(struct xd_xen_real *real, uint32_t count, uint32_t size,
		   const char *provider);

void
xd_real_buffer_free(struct xd_real_buffer *buf);

/* xen-real-kmod.c: the project's kernel module (kmod/). 0 or -errno,
 * with *why saying what the user can do when it is unavailable. */
int
xd_real_kmod_import(struct xd_real_buffer *buf, uint32_t domid,
		    const uint32_t *refs, const char **why);

void
xd_real_kmod_release(struct xd_real_buffer *buf);

#endif
