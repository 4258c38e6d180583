/* SPDX-License-Identifier: MIT */
/*
 * Event channels through libxenevtchn: one handle for every port of the
 * process, its fd in the event loop.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>

#include "event-loop.h"
#include "log.h"
#include "xen-real.h"

static void
evtchn_ready(int fd, uint32_t mask, void *data)
{
	struct xd_xen_real *real = data;
	const struct xd_xen_listener *l;
	xenevtchn_port_or_error_t port;
	int err = EAGAIN;

	/* A listener may close the connection: keep real alive until we
	 * are done with it. The fd is non-blocking: read every pending
	 * port, then stop. */
	xd_xen_ref(&real->base);
	while (!real->base.closed) {
		port = xenevtchn_pending(real->xce);
		if (port < 0) {
			err = errno;
			break;
		}
		/* Unmask first: a notification sent while the listener
		 * works is then not lost. */
		xenevtchn_unmask(real->xce, (evtchn_port_t)port);
		l = real->base.listener;
		if (l && l->event)
			l->event(real->base.listener_data, (uint32_t)port);
	}
	if (!real->base.closed && err != EAGAIN && err != EWOULDBLOCK) {
		xd_log("lost the event channel device: %s\n", strerror(err));
		xd_event_source_remove(real->evtchn_source);
		real->evtchn_source = NULL;
		l = real->base.listener;
		if (l && l->lost)
			l->lost(real->base.listener_data);
	}
	xd_xen_unref(&real->base);
}

static void
real_evtchn_close(struct xd_xen *xen)
{
	struct xd_xen_real *real = to_real(xen);

	if (real->evtchn_source)
		xd_event_source_remove(real->evtchn_source);
	real->evtchn_source = NULL;
	if (real->xce)
		xenevtchn_close(real->xce);
	real->xce = NULL;
}

static int
real_bind(struct xd_xen *xen, uint32_t domid, uint32_t remote_port,
	  uint32_t *local_port)
{
	xenevtchn_port_or_error_t port;

	port = xenevtchn_bind_interdomain(to_real(xen)->xce, domid,
					  remote_port);
	if (port < 0) {
		xd_log("dom%u: cannot bind to its event channel %u: %s\n",
		       domid, remote_port, strerror(errno));
		return xd_real_err();
	}
	*local_port = (uint32_t)port;
	return 0;
}

static void
real_unbind(struct xd_xen *xen, uint32_t local_port)
{
	if (xenevtchn_unbind(to_real(xen)->xce, local_port) < 0)
		xd_log("cannot unbind event channel %u: %s\n", local_port,
		       strerror(errno));
}

static int
real_notify(struct xd_xen *xen, uint32_t local_port)
{
	if (xenevtchn_notify(to_real(xen)->xce, local_port) < 0)
		return xd_real_err();
	return 0;
}

static const struct xd_xen_evtchn_ops real_evtchn_ops = {
	.bind = real_bind,
	.unbind = real_unbind,
	.notify = real_notify,
	.close = real_evtchn_close,
};

int
xd_real_evtchn_open(struct xd_xen_real *real, struct xd_event_loop *loop,
		    int given)
{
	int fd, flags;

	/* The sandbox's handle, restricted to our guest: we cannot open
	 * the device ourselves under it. */
	if (given >= 0) {
		fcntl(given, F_SETFD, FD_CLOEXEC);
		real->xce = xenevtchn_fdopen(&real->logger, given, 0);
		if (!real->xce) {
			xd_log("cannot use the event channel handle "
			       "--evtchn-fd=%d: %s\n", given,
			       strerror(errno));
			return xd_real_err();
		}
	} else {
		real->xce = xenevtchn_open(&real->logger, 0);
	}
	if (!real->xce) {
		xd_log("cannot open the event channel device "
		       "(/dev/xen/evtchn): %s; is the xen-evtchn module "
		       "loaded? modprobe xen-evtchn\n", strerror(errno));
		return xd_real_err();
	}
	/* From here on xd_xen_close() closes what is open. */
	real->base.evtchn = &real_evtchn_ops;
	fd = xenevtchn_fd(real->xce);
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		xd_log("cannot make the event channel fd non-blocking: %s\n",
		       strerror(errno));
		return xd_real_err();
	}
	real->evtchn_source = xd_event_loop_add_fd(loop, fd, EPOLLIN,
						   evtchn_ready, real);
	if (!real->evtchn_source)
		return xd_real_err();
	return 0;
}
