/* SPDX-License-Identifier: MIT */
/*
 * XenStore through libxenstore: one connection, its watch fd in the
 * event loop, watches delivered to the listener as they are read.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "event-loop.h"
#include "log.h"
#include "xen-real.h"

static void
lost(struct xd_xen_real *real, const char *why)
{
	xd_log("lost the XenStore connection: %s\n", why);
	xd_event_source_remove(real->xs_source);
	real->xs_source = NULL;
	if (real->base.listener && real->base.listener->lost)
		real->base.listener->lost(real->base.listener_data);
}

static void
watch_ready(int fd, uint32_t mask, void *data)
{
	struct xd_xen_real *real = data;
	const struct xd_xen_listener *l;
	char **vec;
	int err = EAGAIN;

	if (mask & (EPOLLERR | EPOLLHUP)) {
		lost(real, "the watch pipe closed");
		return;
	}
	/* A listener may close the connection: keep real alive until we
	 * are done with it. */
	xd_real_ref(real);
	/* libxenstore queues watches read by its own thread; take all. */
	while (!real->closed) {
		vec = xs_check_watch(real->xs);
		if (!vec) {
			err = errno;
			break;
		}
		l = real->base.listener;
		if (l && l->watch)
			l->watch(real->base.listener_data, vec[XS_WATCH_PATH],
				 vec[XS_WATCH_TOKEN]);
		free(vec);
	}
	if (!real->closed && err != EAGAIN)
		lost(real, strerror(err));
	xd_real_unref(real);
}

int
xd_real_store_open(struct xd_xen_real *real, struct xd_event_loop *loop)
{
	int fd;

	/* After xs_unwatch no stale event of that watch is delivered: the
	 * backend may free what the token stood for. */
	real->xs = xs_open(XS_UNWATCH_FILTER);
	if (!real->xs) {
		xd_log("cannot connect to XenStore: %s; is xenstored running "
		       "and are we in dom0 or a driver domain with "
		       "/dev/xen/xenbus (modprobe xenfs)?\n",
		       strerror(errno));
		return xd_real_err();
	}
	fd = xs_fileno(real->xs);
	if (fd < 0) {
		xd_log("cannot get XenStore's watch fd: %s\n",
		       strerror(errno));
		return xd_real_err();
	}
	real->xs_source = xd_event_loop_add_fd(loop, fd, EPOLLIN,
					       watch_ready, real);
	if (!real->xs_source)
		return xd_real_err();
	return 0;
}

void
xd_real_store_close(struct xd_xen_real *real)
{
	if (real->xs_source)
		xd_event_source_remove(real->xs_source);
	real->xs_source = NULL;
	if (real->xs)
		xs_close(real->xs);
	real->xs = NULL;
}

char *
xd_real_xs_read(struct xd_xen *xen, uint32_t txn, const char *path,
		unsigned int *len)
{
	unsigned int n;
	char *value;

	/* libxenstore NUL-terminates what it returns. */
	value = xs_read(to_real(xen)->xs, txn, path, &n);
	if (value && len)
		*len = n;
	return value;
}

int
xd_real_xs_write(struct xd_xen *xen, uint32_t txn, const char *path,
		 const char *value)
{
	if (!xs_write(to_real(xen)->xs, txn, path, value, strlen(value)))
		return xd_real_err();
	return 0;
}

int
xd_real_xs_remove(struct xd_xen *xen, uint32_t txn, const char *path)
{
	if (!xs_rm(to_real(xen)->xs, txn, path))
		return xd_real_err();
	return 0;
}

char **
xd_real_xs_directory(struct xd_xen *xen, uint32_t txn, const char *path,
		     unsigned int *num)
{
	/* One malloc'd block, as xen-access.h promises. */
	return xs_directory(to_real(xen)->xs, txn, path, num);
}

int
xd_real_xs_watch(struct xd_xen *xen, const char *path, const char *token)
{
	if (!xs_watch(to_real(xen)->xs, path, token))
		return xd_real_err();
	return 0;
}

int
xd_real_xs_unwatch(struct xd_xen *xen, const char *path, const char *token)
{
	if (!xs_unwatch(to_real(xen)->xs, path, token))
		return xd_real_err();
	return 0;
}

int
xd_real_xs_transaction_start(struct xd_xen *xen, uint32_t *txn)
{
	xs_transaction_t t = xs_transaction_start(to_real(xen)->xs);

	if (t == XBT_NULL)
		return xd_real_err();
	*txn = t;
	return 0;
}

int
xd_real_xs_transaction_end(struct xd_xen *xen, uint32_t txn, bool abort)
{
	if (!xs_transaction_end(to_real(xen)->xs, txn, abort))
		return errno == EAGAIN ? -EAGAIN : xd_real_err();
	return 0;
}
