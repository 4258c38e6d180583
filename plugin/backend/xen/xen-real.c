/* SPDX-License-Identifier: MIT */
/*
 * The real Xen: libxenstore, libxenevtchn and libxengnttab, opened once
 * per backend process. This file opens and closes the handles and maps
 * the small shared pages (rings, event pages, page directories); the
 * other xen-real-*.c files do XenStore, event channels and guest buffers.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "log.h"
#include "xen-real.h"

/* gntdev refuses maps beyond this many pages per handle; a guest's
 * buffers are bounded far below it by the displif half. */
#define MAX_GRANTS (1u << 18)

int
xd_real_err(void)
{
	return errno > 0 ? -errno : -EIO;
}

/* The libraries log every failed ioctl; we log our own line with what to
 * do instead, so theirs only show on demand (a guest's bad grant refs
 * must not fill the log twice). */
static void
lib_vmessage(struct xentoollog_logger *logger, xentoollog_level level,
	     int errnoval, const char *context, const char *format,
	     va_list al) __attribute__((format(printf, 5, 0)));

static void
lib_vmessage(struct xentoollog_logger *logger, xentoollog_level level,
	     int errnoval, const char *context, const char *format,
	     va_list al)
{
	char line[256];

	if (!getenv("XD_XEN_LIBLOG"))
		return;
	vsnprintf(line, sizeof line, format, al);
	xd_log("libxen %s: %s%s%s\n", context ? context : "", line,
	       errnoval > 0 ? ": " : "",
	       errnoval > 0 ? strerror(errnoval) : "");
}

static void
lib_destroy(struct xentoollog_logger *logger)
{
}

void
xd_real_ref(struct xd_xen_real *real)
{
	real->refs++;
}

void
xd_real_unref(struct xd_xen_real *real)
{
	if (--real->refs > 0)
		return;
	if (real->xgs)
		xengntshr_close(real->xgs);
	if (real->xgt)
		xengnttab_close(real->xgt);
	free(real);
}

static void
real_close(struct xd_xen *xen)
{
	struct xd_xen_real *real = to_real(xen);

	real->closed = true;
	xd_real_evtchn_close(real);
	xd_real_store_close(real);
	xd_real_unref(real);
}

static void *
real_gnt_map(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
	     uint32_t count, bool writable)
{
	struct xd_xen_real *real = to_real(xen);
	void *addr;

	addr = xengnttab_map_domain_grant_refs(real->xgt, count, domid,
					       (uint32_t *)refs,
					       PROT_READ |
					       (writable ? PROT_WRITE : 0));
	if (!addr)
		xd_log("dom%u: cannot map %u granted page(s) (first ref %u): "
		       "%s\n", domid, count, refs[0], strerror(errno));
	return addr;
}

static void
real_gnt_unmap(struct xd_xen *xen, void *addr, uint32_t count)
{
	if (xengnttab_unmap(to_real(xen)->xgt, addr, count) < 0)
		xd_log("cannot unmap %u granted page(s): %s\n", count,
		       strerror(errno));
}

static const struct xd_xen_impl real_impl = {
	.close = real_close,
	.xs_read = xd_real_xs_read,
	.xs_write = xd_real_xs_write,
	.xs_remove = xd_real_xs_remove,
	.xs_directory = xd_real_xs_directory,
	.xs_watch = xd_real_xs_watch,
	.xs_unwatch = xd_real_xs_unwatch,
	.xs_transaction_start = xd_real_xs_transaction_start,
	.xs_transaction_end = xd_real_xs_transaction_end,
	.evtchn_bind = xd_real_evtchn_bind,
	.evtchn_unbind = xd_real_evtchn_unbind,
	.evtchn_notify = xd_real_evtchn_notify,
	.gnt_map = real_gnt_map,
	.gnt_unmap = real_gnt_unmap,
	.buffer_import = xd_real_buffer_import,
	.buffer_alloc_granted = xd_real_buffer_alloc_granted,
};

static int
open_gnttab(struct xd_xen_real *real)
{
	real->xgt = xengnttab_open(&real->logger, 0);
	if (!real->xgt) {
		xd_log("cannot open the grant device (/dev/xen/gntdev): %s; "
		       "is the xen-gntdev module loaded? "
		       "modprobe xen-gntdev\n", strerror(errno));
		return xd_real_err();
	}
	/* Kernels without the per-handle limit answer ENOTTY, which the
	 * library already turns into success. */
	if (xengnttab_set_max_grants(real->xgt, MAX_GRANTS) < 0)
		xd_log("cannot raise the grant map limit to %u: %s; large "
		       "guest displays may fail to map\n", MAX_GRANTS,
		       strerror(errno));
	return 0;
}

/* Our own domain id: "domid" relative to our XenStore home, or 0 when
 * the node is absent (dom0 on toolstacks that do not write it). */
static uint32_t
read_self_domid(struct xd_xen_real *real)
{
	unsigned long v;
	char *value, *end;

	value = xd_real_xs_read(&real->base, 0, "domid", NULL);
	if (!value)
		return 0;
	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno || end == value || *end || v >= 0x7ff0) {
		xd_log("our XenStore 'domid' is not a domain id: '%.16s'; "
		       "assuming 0\n", value);
		v = 0;
	}
	free(value);
	return (uint32_t)v;
}

struct xd_xen *
xd_xen_real_open(struct xd_event_loop *loop)
{
	struct xd_xen_real *real;
	int ret;

	real = calloc(1, sizeof *real);
	if (!real)
		return NULL;
	real->base.impl = &real_impl;
	real->refs = 1;
	real->logger.vmessage = lib_vmessage;
	real->logger.destroy = lib_destroy;

	ret = xd_real_store_open(real, loop);
	if (ret == 0)
		ret = xd_real_evtchn_open(real, loop);
	if (ret == 0)
		ret = open_gnttab(real);
	if (ret < 0) {
		real_close(&real->base);
		errno = -ret;
		return NULL;
	}
	real->base.self_domid = read_self_domid(real);
	return &real->base;
}
