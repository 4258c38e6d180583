/* SPDX-License-Identifier: MIT */
/*
 * The Xen access layer over the simulated hypervisor (sim-wire.h). Calls
 * (all but an event-channel notify, which is sent and not answered) are
 * synchronous: send a request, read until its reply, keeping the
 * watches and events that arrive meanwhile for the loop to deliver
 * afterwards (through an eventfd), never from inside a call.
 *
 * Grant maps come back as the granting domain's memfd and page numbers.
 * A contiguous run is one mmap, and for buffers the memfd itself is the
 * zero-copy view (Weston imports memfds through linux-dmabuf).
 *
 * XD_SIM_NO_DMABUF ("all" or a comma-separated list of domids) withholds
 * that view, as real Xen's 'map' provider does, so that benchmarks can run
 * the copy path beside zero copy (doc/performance.md).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "display-sink.h"
#include "event-loop.h"
#include "log.h"
#include "sim-wire.h"
#include "xen-impl.h"

struct queued {
	struct queued *next;
	struct xd_sim_wire_msg msg;
	char *payload;
};

struct sim_map {
	struct sim_map *next;
	void *addr;
	uint32_t count;
	uint32_t handle;
};

struct xen_sim {
	struct xd_xen base;
	int fd;
	int wake_fd;
	struct xd_event_source *source;
	struct xd_event_source *wake_source;
	uint32_t next_id;
	struct queued *queue;
	struct queued **queue_tail;
	struct sim_map *maps;
	bool lost;
};

struct sim_buffer {
	struct xd_guest_buffer base;
	struct xen_sim *sim;
	uint32_t handle;
	size_t map_size;
};

static struct xen_sim *
to_sim(struct xd_xen *xen)
{
	return (struct xen_sim *)xen;
}

static void
mark_lost(struct xen_sim *s)
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

/* One request and its reply; the reply's payload (malloc'd) and fd are
 * returned when asked for. Returns the reply's status. */
static int
call(struct xen_sim *s, uint32_t op, const uint32_t *arg,
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
		mark_lost(s);
		return -EPIPE;
	}
	for (;;) {
		if (read_msg(s, &in, &in_payload, &fd, 0) < 0) {
			mark_lost(s);
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
	/* A call() made by another handler of the same epoll batch may have
	 * read what made the socket readable: never block here. */
	ret = read_msg(s, &m, &payload, &passed, MSG_DONTWAIT);
	if (ret == -EAGAIN)
		return;
	if (ret < 0) {
		xd_event_source_remove(s->source);
		s->source = NULL;
		mark_lost(s);
		return;
	}
	if (passed >= 0)
		close(passed);
	deliver(s, &m, payload);
	free(payload);
}

/* --- XenStore ---------------------------------------------------------- */

static char *
sim_xs_read(struct xd_xen *xen, uint32_t txn, const char *path,
	    unsigned int *len)
{
	uint32_t arg[3] = { txn };
	char *value = NULL;
	int ret;

	ret = call(to_sim(xen), XD_SIM_XS_READ, arg, path, strlen(path) + 1,
		   NULL, &value, NULL);
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
	ret = call(to_sim(xen), op, arg, buf, la + lb, NULL, NULL, NULL);
	free(buf);
	return ret;
}

static int
sim_xs_write(struct xd_xen *xen, uint32_t txn, const char *path,
	     const char *value)
{
	return two_strings(xen, XD_SIM_XS_WRITE, txn, path, value);
}

static int
sim_xs_remove(struct xd_xen *xen, uint32_t txn, const char *path)
{
	return two_strings(xen, XD_SIM_XS_REMOVE, txn, path, NULL);
}

/* As libxenstore: one block, the array of pointers first. */
static char **
sim_xs_directory(struct xd_xen *xen, uint32_t txn, const char *path,
		 unsigned int *num)
{
	struct xd_sim_wire_msg reply;
	uint32_t arg[3] = { txn };
	char *names = NULL, **out, *p;
	uint32_t i, count;
	int ret;

	ret = call(to_sim(xen), XD_SIM_XS_DIRECTORY, arg, path,
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
sim_xs_watch(struct xd_xen *xen, const char *path, const char *token)
{
	return two_strings(xen, XD_SIM_XS_WATCH, 0, path, token);
}

static int
sim_xs_unwatch(struct xd_xen *xen, const char *path, const char *token)
{
	return two_strings(xen, XD_SIM_XS_UNWATCH, 0, path, token);
}

static int
sim_xs_transaction_start(struct xd_xen *xen, uint32_t *txn)
{
	struct xd_sim_wire_msg reply;
	int ret;

	ret = call(to_sim(xen), XD_SIM_XS_TXN_START, NULL, NULL, 0, &reply,
		   NULL, NULL);
	if (ret == 0)
		*txn = reply.arg[0];
	return ret;
}

static int
sim_xs_transaction_end(struct xd_xen *xen, uint32_t txn, bool abort)
{
	uint32_t arg[3] = { txn, abort };

	return call(to_sim(xen), XD_SIM_XS_TXN_END, arg, NULL, 0, NULL, NULL,
		    NULL);
}

/* --- Event channels ------------------------------------------------- */

static int
sim_evtchn_bind(struct xd_xen *xen, uint32_t domid, uint32_t remote_port,
		uint32_t *local_port)
{
	struct xd_sim_wire_msg reply;
	uint32_t arg[3] = { domid, remote_port };
	int ret;

	ret = call(to_sim(xen), XD_SIM_EVTCHN_BIND, arg, NULL, 0, &reply,
		   NULL, NULL);
	if (ret == 0)
		*local_port = reply.arg[0];
	return ret;
}

static void
sim_evtchn_unbind(struct xd_xen *xen, uint32_t port)
{
	uint32_t arg[3] = { port };

	call(to_sim(xen), XD_SIM_EVTCHN_UNBIND, arg, NULL, 0, NULL, NULL,
	     NULL);
}

/* Sent without waiting for an answer (there is none): a real notify is
 * one ioctl, not a round trip through another process. */
static int
sim_evtchn_notify(struct xd_xen *xen, uint32_t port)
{
	struct xen_sim *s = to_sim(xen);
	struct xd_sim_wire_msg m = {
		.op = XD_SIM_EVTCHN_NOTIFY, .id = ++s->next_id,
		.arg = { port },
	};

	if (s->lost)
		return -EPIPE;
	if (send(s->fd, &m, sizeof m, MSG_NOSIGNAL) != (ssize_t)sizeof m) {
		mark_lost(s);
		return -EPIPE;
	}
	return 0;
}

/* --- Grants --------------------------------------------------------- */

static void
release_handle(struct xen_sim *s, uint32_t handle)
{
	uint32_t arg[3] = { handle };

	call(s, XD_SIM_GNT_UNMAP, arg, NULL, 0, NULL, NULL, NULL);
}

/* Maps the pages the hypervisor named: one mmap for a contiguous run,
 * else page by page into a reserved range. */
static void *
map_pages(int fd, const uint32_t *pfns, uint32_t count, int prot,
	  bool *contiguous)
{
	size_t size = (size_t)count * XD_XEN_PAGE_SIZE;
	uint8_t *base;
	uint32_t i;

	*contiguous = true;
	for (i = 1; i < count; i++)
		if (pfns[i] != pfns[0] + i)
			*contiguous = false;
	if (*contiguous) {
		base = mmap(NULL, size, prot, MAP_SHARED, fd,
			    (off_t)pfns[0] * XD_XEN_PAGE_SIZE);
		return base == MAP_FAILED ? NULL : base;
	}
	base = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	for (i = 0; i < count; i++) {
		if (mmap(base + (size_t)i * XD_XEN_PAGE_SIZE, XD_XEN_PAGE_SIZE,
			 prot, MAP_SHARED | MAP_FIXED, fd,
			 (off_t)pfns[i] * XD_XEN_PAGE_SIZE) == MAP_FAILED) {
			munmap(base, size);
			return NULL;
		}
	}
	return base;
}

/* Grant map: *fd_out keeps the memfd when asked for, else closed. */
static void *
grant_map(struct xen_sim *s, uint32_t domid, const uint32_t *refs,
	  uint32_t count, bool writable, uint32_t *handle, int *fd_out,
	  uint64_t *offset, bool *contiguous)
{
	struct xd_sim_wire_msg reply;
	uint32_t arg[3] = { domid, count, writable };
	char *pfns = NULL;
	void *addr = NULL;
	int fd = -1, ret;

	if ((uint64_t)count * 4 > XD_SIM_WIRE_MAX_PAYLOAD) {
		errno = E2BIG;
		return NULL;
	}
	ret = call(s, XD_SIM_GNT_MAP, arg, refs, count * 4, &reply, &pfns,
		   &fd);
	if (ret == 0 && (fd < 0 || reply.len != count * 4))
		ret = -EPROTO;
	if (ret == 0) {
		addr = map_pages(fd, (uint32_t *)pfns, count,
				 writable ? PROT_READ | PROT_WRITE : PROT_READ,
				 contiguous);
		if (!addr)
			ret = -ENOMEM;
	}
	if (ret == 0) {
		*handle = reply.arg[0];
		if (offset)
			*offset = (uint64_t)((uint32_t *)pfns)[0] *
				  XD_XEN_PAGE_SIZE;
	} else if (reply.op == XD_SIM_REPLY && reply.status == 0) {
		release_handle(s, reply.arg[0]);
	}
	free(pfns);
	if (fd_out && ret == 0)
		*fd_out = fd;
	else if (fd >= 0)
		close(fd);
	if (ret < 0)
		errno = -ret;
	return addr;
}

static void *
sim_gnt_map(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
	    uint32_t count, bool writable)
{
	struct xen_sim *s = to_sim(xen);
	struct sim_map *m;
	uint32_t handle;
	bool contiguous;
	void *addr;

	addr = grant_map(s, domid, refs, count, writable, &handle, NULL, NULL,
			 &contiguous);
	if (!addr)
		return NULL;
	m = calloc(1, sizeof *m);
	m->addr = addr;
	m->count = count;
	m->handle = handle;
	m->next = s->maps;
	s->maps = m;
	return addr;
}

static void
sim_gnt_unmap(struct xd_xen *xen, void *addr, uint32_t count)
{
	struct xen_sim *s = to_sim(xen);
	struct sim_map **mp, *m;

	for (mp = &s->maps; (m = *mp); mp = &m->next) {
		if (m->addr == addr) {
			*mp = m->next;
			munmap(addr, (size_t)m->count * XD_XEN_PAGE_SIZE);
			release_handle(s, m->handle);
			free(m);
			return;
		}
	}
}

static void
sim_buffer_destroy(struct xd_guest_buffer *buffer)
{
	struct sim_buffer *b = (struct sim_buffer *)buffer;

	munmap(b->base.cpu, b->map_size);
	if (b->base.dmabuf_fd >= 0)
		close(b->base.dmabuf_fd);
	if (b->sim) {
		release_handle(b->sim, b->handle);
		b->sim->base.counters.unmaps++;
	}
	free(b);
}

/* Whether XD_SIM_NO_DMABUF names domid. */
static bool
dmabuf_withheld(uint32_t domid)
{
	const char *list = getenv("XD_SIM_NO_DMABUF");
	char *end;

	if (!list || !*list)
		return false;
	if (strcmp(list, "all") == 0)
		return true;
	while (*list) {
		if (strtoul(list, &end, 10) == domid && end != list)
			return true;
		if (end == list || (*end && *end != ','))
			return false;
		list = *end ? end + 1 : end;
	}
	return false;
}

static struct xd_guest_buffer *
sim_buffer_import(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
		  uint32_t count, uint32_t size)
{
	struct xen_sim *s = to_sim(xen);
	struct sim_buffer *b = calloc(1, sizeof *b);
	bool contiguous;
	int fd = -1;

	if (!b)
		return NULL;
	b->base.cpu = grant_map(s, domid, refs, count, false, &b->handle, &fd,
				&b->base.dmabuf_offset, &contiguous);
	if (!b->base.cpu) {
		free(b);
		return NULL;
	}
	b->sim = s;
	b->map_size = (size_t)count * XD_XEN_PAGE_SIZE;
	b->base.refcount = 1;
	b->base.size = size;
	b->base.destroy = sim_buffer_destroy;
	if (contiguous && !dmabuf_withheld(domid)) {
		b->base.dmabuf_fd = fd;
		b->base.provider = "sim";
	} else {
		close(fd);
		b->base.dmabuf_fd = -1;
		b->base.dmabuf_offset = 0;
		b->base.provider = "sim-map";
	}
	return &b->base;
}

static struct xd_guest_buffer *
sim_buffer_alloc_granted(struct xd_xen *xen, uint32_t domid, uint32_t count,
			 uint32_t size, uint32_t *refs)
{
	struct xen_sim *s = to_sim(xen);
	struct xd_sim_wire_msg reply;
	uint32_t arg[3] = { domid, count };
	struct sim_buffer *b;
	char *payload = NULL;
	int fd = -1, ret;
	void *cpu;

	ret = call(s, XD_SIM_BUF_ALLOC, arg, NULL, 0, &reply, &payload, &fd);
	if (ret == 0 && (fd < 0 || reply.len != count * 4))
		ret = -EPROTO;
	if (ret < 0) {
		if (reply.op == XD_SIM_REPLY && reply.status == 0)
			release_handle(s, reply.arg[0]);
		free(payload);
		if (fd >= 0)
			close(fd);
		errno = -ret;
		return NULL;
	}
	cpu = mmap(NULL, (size_t)count * XD_XEN_PAGE_SIZE,
		   PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   (off_t)reply.arg[1] * XD_XEN_PAGE_SIZE);
	b = calloc(1, sizeof *b);
	if (cpu == MAP_FAILED || !b) {
		release_handle(s, reply.arg[0]);
		free(payload);
		free(b);
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(refs, payload, count * 4);
	free(payload);
	b->sim = s;
	b->handle = reply.arg[0];
	b->map_size = (size_t)count * XD_XEN_PAGE_SIZE;
	b->base.refcount = 1;
	b->base.size = size;
	b->base.cpu = cpu;
	b->base.dmabuf_fd = fd;
	b->base.dmabuf_offset = (uint64_t)reply.arg[1] * XD_XEN_PAGE_SIZE;
	b->base.provider = "sim";
	b->base.destroy = sim_buffer_destroy;
	return &b->base;
}

static void
sim_close(struct xd_xen *xen)
{
	struct xen_sim *s = to_sim(xen);
	struct sim_map *m;

	while ((m = s->maps)) {
		s->maps = m->next;
		munmap(m->addr, (size_t)m->count * XD_XEN_PAGE_SIZE);
		free(m);
	}
	while (s->queue) {
		struct queued *q = s->queue;

		s->queue = q->next;
		free(q->payload);
		free(q);
	}
	if (s->source)
		xd_event_source_remove(s->source);
	if (s->wake_source)
		xd_event_source_remove(s->wake_source);
	close(s->fd);
	close(s->wake_fd);
	free(s);
}

static const struct xd_xen_impl sim_impl = {
	.close = sim_close,
	.xs_read = sim_xs_read,
	.xs_write = sim_xs_write,
	.xs_remove = sim_xs_remove,
	.xs_directory = sim_xs_directory,
	.xs_watch = sim_xs_watch,
	.xs_unwatch = sim_xs_unwatch,
	.xs_transaction_start = sim_xs_transaction_start,
	.xs_transaction_end = sim_xs_transaction_end,
	.evtchn_bind = sim_evtchn_bind,
	.evtchn_unbind = sim_evtchn_unbind,
	.evtchn_notify = sim_evtchn_notify,
	.gnt_map = sim_gnt_map,
	.gnt_unmap = sim_gnt_unmap,
	.buffer_import = sim_buffer_import,
	.buffer_alloc_granted = sim_buffer_alloc_granted,
};

struct xd_xen *
xd_xen_sim_open(const char *socket_path, struct xd_event_loop *loop)
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
	s->base.impl = &sim_impl;
	s->queue_tail = &s->queue;
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->fd < 0 || s->wake_fd < 0 ||
	    connect(s->fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
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
