/* SPDX-License-Identifier: MIT */
/*
 * The Xen access layer over the simulated hypervisor (sim-wire.h): the
 * connection and XenStore; xen-sim-grant.c adds event channels and grants
 * for a backend. Calls (all but an event-channel notify, which is sent and
 * not answered) are synchronous: send a request, read until its reply,
 * keeping the watches and events that arrive meanwhile for the loop to
 * deliver afterwards (through an eventfd), never from inside a call.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "event-loop.h"
#include "log.h"
#include "xen-sim.h"

struct queued {
	struct queued *next;
	struct xd_sim_wire_msg msg;
	char *payload;
};

void
xd_sim_mark_lost(struct xen_sim *s)
{
	if (s->lost)
		return;
	s->lost = true;
	/* Tell the owner from the loop, not from inside a call. */
	eventfd_write(s->wake_fd, 1);
}

/* flags go to the first recvmsg only: MSG_DONTWAIT makes "nothing to
 * read yet" -EAGAIN. The rest of a message that began always follows. */
static int
read_full(int fd, void *buf, size_t len, int *passed_fd, int flags)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof cbuf,
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | flags);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -EAGAIN;
	if (n <= 0)
		return -1;
	for (cmsg = CMSG_FIRSTHDR(&mh); cmsg; cmsg = CMSG_NXTHDR(&mh, cmsg)) {
		if (cmsg->cmsg_type == SCM_RIGHTS && passed_fd)
			memcpy(passed_fd, CMSG_DATA(cmsg), sizeof(int));
		else if (cmsg->cmsg_type == SCM_RIGHTS) {
			int stray;

			memcpy(&stray, CMSG_DATA(cmsg), sizeof stray);
			close(stray);
		}
	}
	while ((size_t)n < len) {
		ssize_t m = read(fd, (char *)buf + n, len - n);

		if (m <= 0)
			return -1;
		n += m;
	}
	return 0;
}

/* Reads one message; payload is malloc'd (NUL-terminated). flags as
 * read_full()'s. */
static int
read_msg(struct xen_sim *s, struct xd_sim_wire_msg *m, char **payload,
	 int *fd, int flags)
{
	int ret;

	*payload = NULL;
	ret = read_full(s->fd, m, sizeof *m, fd, flags);
	if (ret < 0)
		return ret;
	if (m->len > XD_SIM_WIRE_MAX_PAYLOAD)
		return -1;
	*payload = malloc(m->len + 1);
	if (!*payload || (m->len && read_full(s->fd, *payload, m->len,
					      NULL, 0) < 0)) {
		free(*payload);
		*payload = NULL;
		return -1;
	}
	(*payload)[m->len] = '\0';
	return 0;
}

int
xd_sim_call(struct xen_sim *s, uint32_t op, const uint32_t *arg,
	    const void *payload, uint32_t len, struct xd_sim_wire_msg *reply,
	    char **reply_payload, int *reply_fd)
{
	struct xd_sim_wire_msg m = { .op = op, .id = ++s->next_id, .len = len };
	struct xd_sim_wire_msg in;
	struct iovec iov[2] = { { &m, sizeof m }, { (void *)payload, len } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	struct queued *q;
	char *in_payload;
	int fd = -1;
	ssize_t n;

	if (s->lost)
		return -EPIPE;
	if (arg)
		memcpy(m.arg, arg, sizeof m.arg);
	n = sendmsg(s->fd, &mh, MSG_NOSIGNAL);
	if (n != (ssize_t)(sizeof m + len)) {
		xd_sim_mark_lost(s);
		return -EPIPE;
	}
	for (;;) {
		if (read_msg(s, &in, &in_payload, &fd, 0) < 0) {
			xd_sim_mark_lost(s);
			return -EPIPE;
		}
		if (in.op == XD_SIM_REPLY && in.id == m.id)
			break;
		if (fd >= 0)
			close(fd);
		fd = -1;
		q = calloc(1, sizeof *q);
		q->msg = in;
		q->payload = in_payload;
		*s->queue_tail = q;
		s->queue_tail = &q->next;
		eventfd_write(s->wake_fd, 1);
	}
	if (reply)
		*reply = in;
	if (reply_payload)
		*reply_payload = in_payload;
	else
		free(in_payload);
	if (reply_fd)
		*reply_fd = fd;
	else if (fd >= 0)
		close(fd);
	return in.status;
}

static void
deliver(struct xen_sim *s, struct xd_sim_wire_msg *m, char *payload)
{
	const struct xd_xen_listener *l = s->base.listener;
	void *data = s->base.listener_data;
	size_t plen;

	if (m->op == XD_SIM_EV_WATCH && l && l->watch) {
		plen = strnlen(payload, m->len);
		if (plen < m->len)
			l->watch(data, payload, payload + plen + 1);
	} else if (m->op == XD_SIM_EV_EVENT && l && l->event) {
		l->event(data, m->arg[0]);
	}
}

static void
drain_queue(struct xen_sim *s)
{
	struct queued *q;

	while ((q = s->queue)) {
		s->queue = q->next;
		if (!s->queue)
			s->queue_tail = &s->queue;
		deliver(s, &q->msg, q->payload);
		free(q->payload);
		free(q);
	}
}

static void
wake(int fd, uint32_t mask, void *data)
{
	struct xen_sim *s = data;
	eventfd_t v;

	eventfd_read(fd, &v);
	drain_queue(s);
	if (s->lost && s->base.listener && s->base.listener->lost) {
		xd_event_source_remove(s->wake_source);
		s->wake_source = NULL;
		s->base.listener->lost(s->base.listener_data);
	}
}

static void
readable(int fd, uint32_t mask, void *data)
{
	struct xen_sim *s = data;
	struct xd_sim_wire_msg m;
	char *payload;
	int passed = -1, ret;

	drain_queue(s);
	/* A call made by another handler of the same epoll batch may have
	 * read what made the socket readable: never block here. */
	ret = read_msg(s, &m, &payload, &passed, MSG_DONTWAIT);
	if (ret == -EAGAIN)
		return;
	if (ret < 0) {
		xd_event_source_remove(s->source);
		s->source = NULL;
		xd_sim_mark_lost(s);
		return;
	}
	if (passed >= 0)
		close(passed);
	deliver(s, &m, payload);
	free(payload);
}

/* --- XenStore ---------------------------------------------------------- */

static char *
sim_read(struct xd_xen *xen, uint32_t txn, const char *path,
	 unsigned int *len)
{
	uint32_t arg[3] = { txn };
	char *value = NULL;
	int ret;

	ret = xd_sim_call(to_sim(xen), XD_SIM_XS_READ, arg, path,
			  strlen(path) + 1, NULL, &value, NULL);
	if (ret < 0) {
		free(value);
		errno = -ret;
		return NULL;
	}
	if (len)
		*len = strlen(value);
	return value;
}

static int
two_strings(struct xd_xen *xen, uint32_t op, uint32_t txn, const char *a,
	    const char *b)
{
	size_t la = strlen(a) + 1, lb = b ? strlen(b) + 1 : 0;
	uint32_t arg[3] = { txn };
	char *buf = malloc(la + lb);
	int ret;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, a, la);
	if (b)
		memcpy(buf + la, b, lb);
	ret = xd_sim_call(to_sim(xen), op, arg, buf, la + lb, NULL, NULL,
			  NULL);
	free(buf);
	return ret;
}

static int
sim_write(struct xd_xen *xen, uint32_t txn, const char *path,
	  const char *value)
{
	return two_strings(xen, XD_SIM_XS_WRITE, txn, path, value);
}

static int
sim_remove(struct xd_xen *xen, uint32_t txn, const char *path)
{
	return two_strings(xen, XD_SIM_XS_REMOVE, txn, path, NULL);
}

/* As libxenstore: one block, the array of pointers first. */
static char **
sim_directory(struct xd_xen *xen, uint32_t txn, const char *path,
	      unsigned int *num)
{
	struct xd_sim_wire_msg reply;
	uint32_t arg[3] = { txn };
	char *names = NULL, **out, *p;
	uint32_t i, count;
	int ret;

	ret = xd_sim_call(to_sim(xen), XD_SIM_XS_DIRECTORY, arg, path,
			  strlen(path) + 1, &reply, &names, NULL);
	if (ret < 0) {
		free(names);
		errno = -ret;
		return NULL;
	}
	count = reply.arg[1];
	out = malloc((count + 1) * sizeof *out + reply.len + 1);
	if (!out) {
		free(names);
		errno = ENOMEM;
		return NULL;
	}
	p = (char *)(out + count + 1);
	memcpy(p, names, reply.len);
	p[reply.len] = '\0';
	for (i = 0; i < count && p < (char *)(out + count + 1) + reply.len;
	     i++) {
		out[i] = p;
		p += strlen(p) + 1;
	}
	out[i] = NULL;
	*num = i;
	free(names);
	return out;
}

static int
sim_watch(struct xd_xen *xen, const char *path, const char *token)
{
	return two_strings(xen, XD_SIM_XS_WATCH, 0, path, token);
}

static int
sim_unwatch(struct xd_xen *xen, const char *path, const char *token)
{
	return two_strings(xen, XD_SIM_XS_UNWATCH, 0, path, token);
}

static int
sim_transaction_start(struct xd_xen *xen, uint32_t *txn)
{
	struct xd_sim_wire_msg reply;
	int ret;

	ret = xd_sim_call(to_sim(xen), XD_SIM_XS_TXN_START, NULL, NULL, 0,
			  &reply, NULL, NULL);
	if (ret == 0)
		*txn = reply.arg[0];
	return ret;
}

static int
sim_transaction_end(struct xd_xen *xen, uint32_t txn, bool abort)
{
	uint32_t arg[3] = { txn, abort };

	return xd_sim_call(to_sim(xen), XD_SIM_XS_TXN_END, arg, NULL, 0, NULL,
			   NULL, NULL);
}

static void
sim_close(struct xd_xen *xen)
{
	struct xen_sim *s = to_sim(xen);

	s->lost = true;
	while (s->queue) {
		struct queued *q = s->queue;

		s->queue = q->next;
		free(q->payload);
		free(q);
	}
	s->queue_tail = &s->queue;
	if (s->source)
		xd_event_source_remove(s->source);
	if (s->wake_source)
		xd_event_source_remove(s->wake_source);
	s->source = s->wake_source = NULL;
	close(s->fd);
	close(s->wake_fd);
	s->fd = s->wake_fd = -1;
}

/* The last reference went: what xen-sim-grant.c kept is released. */
static void
sim_destroy(struct xd_xen *xen)
{
	free(to_sim(xen));
}

static const struct xd_xen_store_ops sim_store_ops = {
	.read = sim_read,
	.write = sim_write,
	.remove = sim_remove,
	.directory = sim_directory,
	.watch = sim_watch,
	.unwatch = sim_unwatch,
	.transaction_start = sim_transaction_start,
	.transaction_end = sim_transaction_end,
	.close = sim_close,
	.destroy = sim_destroy,
};

struct xd_xen *
xd_xen_sim_open_store(const char *socket_path, int fd,
		      struct xd_event_loop *loop)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct xen_sim *s;

	if (strlen(socket_path) >= sizeof addr.sun_path) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(addr.sun_path, socket_path);
	s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->base.store = &sim_store_ops;
	s->base.simulated = true;
	s->base.refs = 1;
	s->queue_tail = &s->queue;
	s->fd = fd >= 0 ? fd : socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->fd < 0 || s->wake_fd < 0 ||
	    (fd < 0 &&
	     connect(s->fd, (struct sockaddr *)&addr, sizeof addr) < 0)) {
		xd_log("cannot reach the simulated hypervisor at %s: %s\n",
		       socket_path, strerror(errno));
		if (s->fd >= 0)
			close(s->fd);
		if (s->wake_fd >= 0)
			close(s->wake_fd);
		free(s);
		return NULL;
	}
	s->source = xd_event_loop_add_fd(loop, s->fd, EPOLLIN, readable, s);
	s->wake_source = xd_event_loop_add_fd(loop, s->wake_fd, EPOLLIN, wake,
					      s);
	s->base.self_domid = 0;
	return &s->base;
}
