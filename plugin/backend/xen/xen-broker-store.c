/* SPDX-License-Identifier: MIT */
/*
 * struct xd_xen_store_ops over the module's XenStore broker
 * (common/store-wire.h): each call sends one request and reads until its
 * reply, keeping the watch events that arrive meanwhile for the loop to
 * deliver afterwards (through an eventfd), never from inside a call, as
 * xen-sim.c does. The table replaces the store of the implementation
 * that gives the event channels and grants (real Xen's, which then opens
 * no XenStore connection, or the simulator's); its close and destroy
 * still end that implementation.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/store-wire.h"
#include "event-loop.h"
#include "log.h"
#include "xen-broker.h"
#include "xen-real.h"
#include "xen-sim.h"

struct queued {
	struct queued *next;
	char *path;
	char *token;
};

struct xd_broker_store {
	const struct xd_xen_store_ops *inner;	/* the implementation's */
	int fd;
	int wake_fd;
	struct xd_event_source *source;
	struct xd_event_source *wake_source;
	uint32_t next_id;
	struct queued *queue;
	struct queued **queue_tail;
	bool lost;
	/* One message, and a byte past the largest to tell a longer one
	 * (and to end a payload with NUL). */
	char buf[XD_STORE_WIRE_MAX_MSG + 1];
};

static struct xd_broker_store *
to_broker(struct xd_xen *xen)
{
	return xen->broker;
}

static void
mark_lost(struct xd_broker_store *b)
{
	if (b->lost)
		return;
	b->lost = true;
	/* Tell the owner from the loop, not from inside a call. */
	eventfd_write(b->wake_fd, 1);
}

/* Reads one message into b->buf; its header in *m, its payload after it
 * NUL-ended. flags: MSG_DONTWAIT or 0. 0, -EAGAIN, or -EPIPE when the
 * broker is gone or broke the wire. */
static int
read_msg(struct xd_broker_store *b, struct xd_store_wire_msg *m, int flags)
{
	ssize_t n;

	n = recv(b->fd, b->buf, sizeof b->buf, MSG_TRUNC | flags);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -EAGAIN;
	if (n < (ssize_t)sizeof *m || (size_t)n > XD_STORE_WIRE_MAX_MSG)
		return -EPIPE;
	memcpy(m, b->buf, sizeof *m);
	if (m->len0 > XD_STORE_WIRE_MAX_PAYLOAD ||
	    m->len1 > XD_STORE_WIRE_MAX_PAYLOAD ||
	    sizeof *m + m->len0 + m->len1 != (size_t)n)
		return -EPIPE;
	b->buf[n] = '\0';
	return 0;
}

static const char *
payload(struct xd_broker_store *b)
{
	return b->buf + sizeof(struct xd_store_wire_msg);
}

/* A watch event in b->buf: queued for the loop. */
static void
queue_event(struct xd_broker_store *b, const struct xd_store_wire_msg *m)
{
	const char *path = payload(b), *token = path + m->len0;
	struct queued *q;

	if (m->len0 < 1 || m->len1 < 1 || path[m->len0 - 1] ||
	    token[m->len1 - 1])
		return;
	q = calloc(1, sizeof *q);
	if (!q)
		return;
	q->path = strdup(path);
	q->token = strdup(token);
	if (!q->path || !q->token) {
		free(q->path);
		free(q->token);
		free(q);
		return;
	}
	*b->queue_tail = q;
	b->queue_tail = &q->next;
	eventfd_write(b->wake_fd, 1);
}

/* One request and its reply (header in *reply, payload in b->buf until
 * the next call). Returns the reply's status. */
static int
call(struct xd_broker_store *b, uint32_t type, uint32_t txn, uint32_t arg,
     const void *p0, uint32_t len0, const void *p1, uint32_t len1,
     struct xd_store_wire_msg *reply)
{
	struct xd_store_wire_msg m = {
		.type = type, .id = ++b->next_id, .txn = txn, .arg = arg,
		.len0 = len0, .len1 = len1,
	};
	struct iovec iov[3] = {
		{ &m, sizeof m }, { (void *)p0, len0 }, { (void *)p1, len1 },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 3 };
	struct xd_store_wire_msg in;

	if (b->lost)
		return -EPIPE;
	if (len0 > XD_STORE_WIRE_MAX_PAYLOAD ||
	    len1 > XD_STORE_WIRE_MAX_PAYLOAD - len0)
		return -E2BIG;
	if (sendmsg(b->fd, &mh, MSG_NOSIGNAL) !=
	    (ssize_t)(sizeof m + len0 + len1)) {
		mark_lost(b);
		return -EPIPE;
	}
	for (;;) {
		if (read_msg(b, &in, 0) < 0) {
			mark_lost(b);
			return -EPIPE;
		}
		if (in.type == XD_STORE_REPLY && in.id == m.id)
			break;
		if (in.type == XD_STORE_WATCH_EVENT)
			queue_event(b, &in);
	}
	if (reply)
		*reply = in;
	return in.status > 0 ? -EPROTO : in.status;
}

static void
drain_queue(struct xd_xen *xen)
{
	struct xd_broker_store *b = to_broker(xen);
	const struct xd_xen_listener *l;
	struct queued *q;

	while (!xen->closed && (q = b->queue)) {
		b->queue = q->next;
		if (!b->queue)
			b->queue_tail = &b->queue;
		l = xen->listener;
		if (l && l->watch)
			l->watch(xen->listener_data, q->path, q->token);
		free(q->path);
		free(q->token);
		free(q);
	}
}

static void
wake(int fd, uint32_t mask, void *data)
{
	struct xd_xen *xen = data;
	struct xd_broker_store *b = to_broker(xen);
	eventfd_t v;

	eventfd_read(fd, &v);
	/* A listener may close the connection: keep xen until we are done
	 * with it. */
	xd_xen_ref(xen);
	drain_queue(xen);
	if (!xen->closed && b->lost && b->wake_source) {
		xd_event_source_remove(b->wake_source);
		b->wake_source = NULL;
		if (xen->listener && xen->listener->lost)
			xen->listener->lost(xen->listener_data);
	}
	xd_xen_unref(xen);
}

static void
readable(int fd, uint32_t mask, void *data)
{
	struct xd_xen *xen = data;
	struct xd_broker_store *b = to_broker(xen);
	struct xd_store_wire_msg m;
	int ret;

	xd_xen_ref(xen);
	drain_queue(xen);
	/* A call made by another handler of the same epoll batch may have
	 * read what made the socket readable: never block here. */
	ret = xen->closed ? -EAGAIN : read_msg(b, &m, MSG_DONTWAIT);
	if (ret == -EPIPE) {
		xd_log("lost the XenStore broker\n");
		xd_event_source_remove(b->source);
		b->source = NULL;
		mark_lost(b);
	} else if (ret == 0 && m.type == XD_STORE_WATCH_EVENT) {
		queue_event(b, &m);
		drain_queue(xen);
	}
	xd_xen_unref(xen);
}

/* --- XenStore ---------------------------------------------------------- */

static uint32_t
path_len(const char *path)
{
	size_t n = strlen(path) + 1;

	return n > XD_STORE_WIRE_MAX_PAYLOAD ? XD_STORE_WIRE_MAX_PAYLOAD + 1 :
					       (uint32_t)n;
}

static char *
broker_read(struct xd_xen *xen, uint32_t txn, const char *path,
	    unsigned int *len)
{
	struct xd_broker_store *b = to_broker(xen);
	struct xd_store_wire_msg reply;
	char *value;
	int ret;

	ret = call(b, XD_STORE_READ, txn, 0, path, path_len(path), NULL, 0,
		   &reply);
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	value = malloc(reply.len0 + 1);
	if (!value) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(value, payload(b), reply.len0);
	value[reply.len0] = '\0';
	if (len)
		*len = reply.len0;
	return value;
}

static int
broker_write(struct xd_xen *xen, uint32_t txn, const char *path,
	     const char *value)
{
	size_t n = strlen(value);

	return call(to_broker(xen), XD_STORE_WRITE, txn, 0, path,
		    path_len(path), value,
		    n > XD_STORE_WIRE_MAX_PAYLOAD ?
		    XD_STORE_WIRE_MAX_PAYLOAD + 1 : (uint32_t)n, NULL);
}

static int
broker_remove(struct xd_xen *xen, uint32_t txn, const char *path)
{
	return call(to_broker(xen), XD_STORE_REMOVE, txn, 0, path,
		    path_len(path), NULL, 0, NULL);
}

/* As libxenstore: one block, the array of pointers first. */
static char **
broker_directory(struct xd_xen *xen, uint32_t txn, const char *path,
		 unsigned int *num)
{
	struct xd_broker_store *b = to_broker(xen);
	struct xd_store_wire_msg reply;
	uint32_t i, count, len;
	char **out, *p, *end;
	int ret;

	ret = call(b, XD_STORE_DIRECTORY, txn, 0, path, path_len(path), NULL,
		   0, &reply);
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	len = reply.len0;
	/* Each name takes a byte at least. */
	count = reply.arg < len ? reply.arg : len;
	out = malloc((count + 1) * sizeof *out + len + 1);
	if (!out) {
		errno = ENOMEM;
		return NULL;
	}
	p = (char *)(out + count + 1);
	memcpy(p, payload(b), len);
	p[len] = '\0';
	end = p + len;
	for (i = 0; i < count && p < end; i++) {
		out[i] = p;
		p += strlen(p) + 1;
	}
	out[i] = NULL;
	*num = i;
	return out;
}

static int
broker_watch(struct xd_xen *xen, const char *path, const char *token)
{
	return call(to_broker(xen), XD_STORE_WATCH, 0, 0, path,
		    path_len(path), token, path_len(token), NULL);
}

static int
broker_unwatch(struct xd_xen *xen, const char *path, const char *token)
{
	return call(to_broker(xen), XD_STORE_UNWATCH, 0, 0, path,
		    path_len(path), token, path_len(token), NULL);
}

static int
broker_transaction_start(struct xd_xen *xen, uint32_t *txn)
{
	struct xd_store_wire_msg reply;
	int ret;

	ret = call(to_broker(xen), XD_STORE_TXN_START, 0, 0, NULL, 0, NULL, 0,
		   &reply);
	if (ret == 0)
		*txn = reply.txn;
	return ret;
}

static int
broker_transaction_end(struct xd_xen *xen, uint32_t txn, bool abort)
{
	return call(to_broker(xen), XD_STORE_TXN_END, txn, abort, NULL, 0,
		    NULL, 0, NULL);
}

static void
broker_close(struct xd_xen *xen)
{
	struct xd_broker_store *b = to_broker(xen);
	struct queued *q;

	b->lost = true;
	while ((q = b->queue)) {
		b->queue = q->next;
		free(q->path);
		free(q->token);
		free(q);
	}
	b->queue_tail = &b->queue;
	if (b->source)
		xd_event_source_remove(b->source);
	if (b->wake_source)
		xd_event_source_remove(b->wake_source);
	b->source = b->wake_source = NULL;
	if (b->fd >= 0)
		close(b->fd);
	if (b->wake_fd >= 0)
		close(b->wake_fd);
	b->fd = b->wake_fd = -1;
	b->inner->close(xen);
}

static void
broker_destroy(struct xd_xen *xen)
{
	struct xd_broker_store *b = to_broker(xen);
	const struct xd_xen_store_ops *inner = b->inner;

	xen->broker = NULL;
	free(b);
	inner->destroy(xen);
}

static const struct xd_xen_store_ops broker_store_ops = {
	.read = broker_read,
	.write = broker_write,
	.remove = broker_remove,
	.directory = broker_directory,
	.watch = broker_watch,
	.unwatch = broker_unwatch,
	.transaction_start = broker_transaction_start,
	.transaction_end = broker_transaction_end,
	.close = broker_close,
	.destroy = broker_destroy,
};

/* The broker's greeting, first on the socket: our backend domain. */
static int
read_hello(struct xd_broker_store *b, uint32_t *self)
{
	struct xd_store_wire_msg m;

	if (read_msg(b, &m, 0) < 0 || m.type != XD_STORE_HELLO ||
	    m.arg >= 0x7ff0)
		return -EPROTO;
	*self = m.arg;
	return 0;
}

struct xd_xen *
xd_xen_broker_open(const char *spec, int fd, int sim_fd,
		   struct xd_event_loop *loop)
{
	struct xd_broker_store *b;
	struct xd_xen *xen = NULL;
	socklen_t len = sizeof(int);
	uint32_t self = 0;
	int type = 0, err;

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_SEQPACKET) {
		xd_log("--store-fd=%d is not the XenStore broker's socket\n",
		       fd);
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	/* Ours alone: nothing we start inherits it. */
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	b = calloc(1, sizeof *b);
	if (!b) {
		close(fd);
		return NULL;
	}
	b->fd = fd;
	b->queue_tail = &b->queue;
	b->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->wake_fd < 0 || read_hello(b, &self) < 0) {
		xd_log("no greeting from the XenStore broker\n");
		err = EPROTO;
		goto fail;
	}
	if (strcmp(spec, "xen") == 0) {
		xen = xd_xen_real_open_bare();
	} else if (strncmp(spec, "sim:", 4) == 0 && spec[4]) {
		xen = xd_xen_sim_open_store(spec + 4, sim_fd, loop);
	} else {
		xd_log("unknown --xen=%s: use 'xen' or 'sim:SOCKET'\n", spec);
		errno = EINVAL;
	}
	if (!xen) {
		err = errno;
		goto fail;
	}
	b->inner = xen->store;
	xen->store = &broker_store_ops;
	xen->broker = b;
	xen->self_domid = self;
	b->source = xd_event_loop_add_fd(loop, fd, EPOLLIN, readable, xen);
	b->wake_source = xd_event_loop_add_fd(loop, b->wake_fd, EPOLLIN, wake,
					      xen);
	if (!b->source || !b->wake_source) {
		xd_xen_close(xen);
		errno = ENOMEM;
		return NULL;
	}
	xd_log("XenStore through the module's broker\n");
	return xen;

fail:
	if (b->wake_fd >= 0)
		close(b->wake_fd);
	close(fd);
	free(b);
	errno = err;
	return NULL;
}
