/* SPDX-License-Identifier: MIT */
/*
 * The real Xen for a backend: over the XenStore connection
 * (xen-real-store.c), the event channel device (xen-real-evtchn.c) and the
 * grant devices (xen-real-grant.c, each opened at its first use), or the
 * kmod's file bound to the guest for the small maps
 * (xen-real-grant-kmod.c).
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xen-real.h"

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

int
xd_xen_real_open_grants(struct xd_xen *xen, struct xd_event_loop *loop,
			int evtchn_fd)
{
	struct xd_xen_real *real = to_real(xen);
	int ret;

	real->logger.vmessage = lib_vmessage;
	real->logger.destroy = lib_destroy;
	real->kmod_fd = -1;
	ret = xd_real_evtchn_open(real, loop, evtchn_fd);
	if (ret == 0)
		real->base.gnt = &xd_real_grant_ops;
	return ret;
}
