/* SPDX-License-Identifier: MIT */
/*
 * Dispatch to the implementation chosen by the spec, and the counters
 * that let tests prove nothing is mapped per flip.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "display-sink.h"
#include "log.h"
#include "xen-impl.h"

struct xd_xen *
xd_xen_open(const char *spec, struct xd_event_loop *loop,
	    const struct xd_xen_listener *listener, void *data)
{
	struct xd_xen *xen;

	if (strcmp(spec, "xen") == 0) {
		xen = xd_xen_real_open(loop);
	} else if (strncmp(spec, "sim:", 4) == 0 && spec[4]) {
		xen = xd_xen_sim_open(spec + 4, loop);
	} else {
		xd_log("unknown --xen=%s: use 'xen' or 'sim:SOCKET'\n", spec);
		errno = EINVAL;
		return NULL;
	}
	if (!xen)
		return NULL;
	xen->listener = listener;
	xen->listener_data = data;
	return xen;
}

void
xd_xen_close(struct xd_xen *xen)
{
	if (xen)
		xen->impl->close(xen);
}

uint32_t
xd_xen_self_domid(struct xd_xen *xen)
{
	return xen->self_domid;
}

char *
xd_xs_read(struct xd_xen *xen, uint32_t txn, const char *path,
	   unsigned int *len)
{
	return xen->impl->xs_read(xen, txn, path, len);
}

int
xd_xs_write(struct xd_xen *xen, uint32_t txn, const char *path,
	    const char *value)
{
	return xen->impl->xs_write(xen, txn, path, value);
}

int
xd_xs_remove(struct xd_xen *xen, uint32_t txn, const char *path)
{
	return xen->impl->xs_remove(xen, txn, path);
}

char **
xd_xs_directory(struct xd_xen *xen, uint32_t txn, const char *path,
		unsigned int *num)
{
	return xen->impl->xs_directory(xen, txn, path, num);
}

int
xd_xs_watch(struct xd_xen *xen, const char *path, const char *token)
{
	return xen->impl->xs_watch(xen, path, token);
}

int
xd_xs_unwatch(struct xd_xen *xen, const char *path, const char *token)
{
	return xen->impl->xs_unwatch(xen, path, token);
}

int
xd_xs_transaction_start(struct xd_xen *xen, uint32_t *txn)
{
	return xen->impl->xs_transaction_start(xen, txn);
}

int
xd_xs_transaction_end(struct xd_xen *xen, uint32_t txn, bool abort)
{
	return xen->impl->xs_transaction_end(xen, txn, abort);
}

int
xd_evtchn_bind(struct xd_xen *xen, uint32_t domid, uint32_t remote_port,
	       uint32_t *local_port)
{
	return xen->impl->evtchn_bind(xen, domid, remote_port, local_port);
}

void
xd_evtchn_unbind(struct xd_xen *xen, uint32_t local_port)
{
	xen->impl->evtchn_unbind(xen, local_port);
}

int
xd_evtchn_notify(struct xd_xen *xen, uint32_t local_port)
{
	return xen->impl->evtchn_notify(xen, local_port);
}

void *
xd_gnt_map(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
	   uint32_t count, bool writable)
{
	void *addr;

	if (count == 0) {
		errno = EINVAL;
		return NULL;
	}
	addr = xen->impl->gnt_map(xen, domid, refs, count, writable);
	if (addr) {
		xen->counters.maps++;
		xen->counters.pages_mapped += count;
	}
	return addr;
}

void
xd_gnt_unmap(struct xd_xen *xen, void *addr, uint32_t count)
{
	if (!addr)
		return;
	xen->impl->gnt_unmap(xen, addr, count);
	xen->counters.unmaps++;
	xen->counters.pages_mapped -= count;
}

struct xd_guest_buffer *
xd_buffer_import(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
		 uint32_t count, uint32_t size)
{
	struct xd_guest_buffer *buffer;

	if (count == 0 || size > (uint64_t)count * XD_XEN_PAGE_SIZE) {
		errno = EINVAL;
		return NULL;
	}
	buffer = xen->impl->buffer_import(xen, domid, refs, count, size);
	if (buffer)
		xen->counters.maps++;
	return buffer;
}

struct xd_guest_buffer *
xd_buffer_alloc_granted(struct xd_xen *xen, uint32_t domid, uint32_t count,
			uint32_t size, uint32_t *refs)
{
	struct xd_guest_buffer *buffer;

	if (count == 0 || size > (uint64_t)count * XD_XEN_PAGE_SIZE) {
		errno = EINVAL;
		return NULL;
	}
	buffer = xen->impl->buffer_alloc_granted(xen, domid, count, size,
						 refs);
	if (buffer)
		xen->counters.maps++;
	return buffer;
}

void
xd_xen_get_counters(struct xd_xen *xen, struct xd_xen_counters *out)
{
	*out = xen->counters;
}
