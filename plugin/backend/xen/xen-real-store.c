/* SPDX-License-Identifier: MIT */
/*
 * XenStore through libxenstore: one connection, its watch fd in the
 * event loop, watches delivered to the listener as they are read. The
 * real implementation's state is made here: the module opens nothing else.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "common/decimal.h"
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
	xd_xen_ref(&real->base);
	/* libxenstore queues watches read by its own thread; take all. */
	while (!real->base.closed) {
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
	if (!real->base.closed && err != EAGAIN)
		lost(real, strerror(err));
	xd_xen_unref(&real->base);
}

static int
store_open(struct xd_xen_real *real, struct xd_event_loop *loop)
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

static void
real_close(struct xd_xen *xen)
{
	struct xd_xen_real *real = to_real(xen);

	if (real->xs_source)
		xd_event_source_remove(real->xs_source);
	real->xs_source = NULL;
	if (real->xs)
		xs_close(real->xs);
	real->xs = NULL;
}

static char *
real_read(struct xd_xen *xen, uint32_t txn, const char *path,
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

static int
real_write(struct xd_xen *xen, uint32_t txn, const char *path,
	   const char *value)
{
	if (!xs_write(to_real(xen)->xs, txn, path, value, strlen(value)))
		return xd_real_err();
	return 0;
}

static int
real_remove(struct xd_xen *xen, uint32_t txn, const char *path)
{
	if (!xs_rm(to_real(xen)->xs, txn, path))
		return xd_real_err();
	return 0;
}

static char **
real_directory(struct xd_xen *xen, uint32_t txn, const char *path,
	       unsigned int *num)
{
	/* One malloc'd block, as xen-access.h promises. */
	return xs_directory(to_real(xen)->xs, txn, path, num);
}

static int
real_watch(struct xd_xen *xen, const char *path, const char *token)
{
	if (!xs_watch(to_real(xen)->xs, path, token))
		return xd_real_err();
	return 0;
}

static int
real_unwatch(struct xd_xen *xen, const char *path, const char *token)
{
	if (!xs_unwatch(to_real(xen)->xs, path, token))
		return xd_real_err();
	return 0;
}

static int
real_transaction_start(struct xd_xen *xen, uint32_t *txn)
{
	xs_transaction_t t = xs_transaction_start(to_real(xen)->xs);

	if (t == XBT_NULL)
		return xd_real_err();
	*txn = t;
	return 0;
}

static int
real_transaction_end(struct xd_xen *xen, uint32_t txn, bool abort)
{
	if (!xs_transaction_end(to_real(xen)->xs, txn, abort))
		return errno == EAGAIN ? -EAGAIN : xd_real_err();
	return 0;
}

/* The last reference went: the handles of other areas are closed. */
static void
real_destroy(struct xd_xen *xen)
{
	free(to_real(xen));
}

static const struct xd_xen_store_ops real_store_ops = {
	.read = real_read,
	.write = real_write,
	.remove = real_remove,
	.directory = real_directory,
	.watch = real_watch,
	.unwatch = real_unwatch,
	.transaction_start = real_transaction_start,
	.transaction_end = real_transaction_end,
	.close = real_close,
	.destroy = real_destroy,
};

/* Our own domain id: "domid" relative to our XenStore home, or 0 when
 * the node is absent (dom0 on toolstacks that do not write it). */
static uint32_t
read_self_domid(struct xd_xen_real *real)
{
	uint32_t v;
	char *value;

	value = real_read(&real->base, 0, "domid", NULL);
	if (!value)
		return 0;
	if (xd_parse_u32(value, 0x7fef, &v) < 0) {
		xd_log("our XenStore 'domid' is not a domain id: '%.16s'; "
		       "assuming 0\n", value);
		v = 0;
	}
	free(value);
	return v;
}

struct xd_xen *
xd_xen_real_open_bare(void)
{
	struct xd_xen_real *real;

	real = calloc(1, sizeof *real);
	if (!real)
		return NULL;
	real->base.store = &real_store_ops;
	real->base.refs = 1;
	return &real->base;
}

struct xd_xen *
xd_xen_real_open_store(struct xd_event_loop *loop)
{
	struct xd_xen *xen = xd_xen_real_open_bare();
	struct xd_xen_real *real;
	int ret;

	if (!xen)
		return NULL;
	real = to_real(xen);
	ret = store_open(real, loop);
	if (ret < 0) {
		xd_xen_close(&real->base);
		errno = -ret;
		return NULL;
	}
	real->base.self_domid = read_self_domid(real);
	return &real->base;
}
