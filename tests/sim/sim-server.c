/* SPDX-License-Identifier: MIT */
/*
 * Backend processes on the simulator's Unix socket (sim-wire.h). Each
 * connection is domain 0. A request is read whole (the client writes it
 * at once; a short timeout keeps a broken client from hanging us) and
 * answered at once; watches and events are sent as they happen. What a
 * connection mapped, bound or watched goes away with it.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "event-loop.h"
#include "sim-hv-internal.h"
#include "xen/sim-wire.h"

struct sim_conn {
	struct sim_conn *next;
	struct xd_sim_hv *hv;
	int fd;
	struct xd_event_source *source;
	struct sim_mapping *mappings;
	bool dead;
};

static int
send_msg(struct sim_conn *c, const struct xd_sim_wire_msg *msg,
	 const void *payload, int fd)
{
	struct iovec iov[2] = {
		{ (void *)msg, sizeof *msg },
		{ (void *)payload, msg->len },
	};
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	struct cmsghdr *cmsg;
	size_t total = sizeof *msg + msg->len;
	ssize_t n;

	if (c->dead)
		return -EPIPE;
	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof cbuf;
		cmsg = CMSG_FIRSTHDR(&mh);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
	}
	n = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
	if (n == (ssize_t)total)
		return 0;
	if (n < 0)
		fprintf(stderr, "xd-sim: dropping a backend: send: %s\n",
			strerror(errno));
	/* The rest of a large payload, without the fd. */
	if (n > 0 && (size_t)n >= sizeof *msg) {
		const uint8_t *rest = (const uint8_t *)payload +
				      (n - sizeof *msg);
		size_t left = total - n;

		while (left) {
			n = send(c->fd, rest, left, MSG_NOSIGNAL);
			if (n <= 0)
				break;
			rest += n;
			left -= n;
		}
		if (!left)
			return 0;
	}
	c->dead = true;
	return -EPIPE;
}

static void
reply(struct sim_conn *c, uint32_t id, int32_t status, const uint32_t *arg,
      const void *payload, uint32_t len, int fd)
{
	struct xd_sim_wire_msg msg = {
		.op = XD_SIM_REPLY, .id = id, .status = status, .len = len,
	};

	if (arg)
		memcpy(msg.arg, arg, sizeof msg.arg);
	send_msg(c, &msg, payload, fd);
}

void
sim_conn_send_watch(struct sim_conn *c, const char *path, const char *token)
{
	size_t plen = strlen(path) + 1, tlen = strlen(token) + 1;
	struct xd_sim_wire_msg msg = {
		.op = XD_SIM_EV_WATCH, .len = plen + tlen,
	};
	char *buf = malloc(plen + tlen);

	memcpy(buf, path, plen);
	memcpy(buf + plen, token, tlen);
	send_msg(c, &msg, buf, -1);
	free(buf);
}

void
sim_conn_send_event(struct sim_conn *c, uint32_t port)
{
	struct xd_sim_wire_msg msg = {
		.op = XD_SIM_EV_EVENT, .arg = { port },
	};

	send_msg(c, &msg, NULL, -1);
}

static int
read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Two NUL-terminated strings at the start of the payload. */
static int
strings(char *payload, uint32_t len, const char **a, const char **b)
{
	char *end = payload + len;
	char *z = memchr(payload, '\0', len);

	if (!z)
		return -EINVAL;
	*a = payload;
	if (!b)
		return 0;
	if (!memchr(z + 1, '\0', end - z - 1))
		return -EINVAL;
	*b = z + 1;
	return 0;
}

static void
handle_map(struct sim_conn *c, const struct xd_sim_wire_msg *m,
	   uint32_t *payload)
{
	struct xd_sim_hv *hv = c->hv;
	uint32_t domid = m->arg[0], count = m->arg[1];
	struct sim_mapping *map;
	uint32_t *pfns, out[3] = { 0 };
	int ret;

	if (count == 0 || m->len != count * 4) {
		reply(c, m->id, -EINVAL, NULL, NULL, 0, -1);
		return;
	}
	pfns = calloc(count, 4);
	ret = sim_grant_map(hv, domid, 0, payload, count, m->arg[2], pfns);
	if (ret < 0) {
		free(pfns);
		reply(c, m->id, ret, NULL, NULL, 0, -1);
		return;
	}
	map = calloc(1, sizeof *map);
	map->handle = hv->next_handle++;
	map->domid = domid;
	map->count = count;
	map->refs = malloc(count * 4);
	memcpy(map->refs, payload, count * 4);
	map->next = c->mappings;
	c->mappings = map;
	out[0] = map->handle;
	reply(c, m->id, 0, out, pfns, count * 4, sim_domain_memfd(hv, domid));
	free(pfns);
}

static void
mapping_release(struct sim_conn *c, struct sim_mapping *map)
{
	struct xd_sim_hv *hv = c->hv;
	uint32_t i;

	if (map->be_alloc) {
		for (i = 0; i < map->count; i++)
			xd_sim_gnt_end(hv, 0, map->refs[i]);
		xd_sim_mem_free(hv, 0, map->first_pfn, map->count);
		hv->unmap_calls++;
	} else {
		sim_grant_unmap(hv, map->domid, map->refs, map->count);
	}
	free(map->refs);
	free(map);
}

static void
handle_unmap(struct sim_conn *c, const struct xd_sim_wire_msg *m)
{
	struct sim_mapping **mp, *map;

	for (mp = &c->mappings; (map = *mp); mp = &map->next) {
		if (map->handle == m->arg[0]) {
			*mp = map->next;
			mapping_release(c, map);
			reply(c, m->id, 0, NULL, NULL, 0, -1);
			return;
		}
	}
	reply(c, m->id, -EINVAL, NULL, NULL, 0, -1);
}

/* be-alloc: dom0 pages, granted to the guest. */
static void
handle_buf_alloc(struct sim_conn *c, const struct xd_sim_wire_msg *m)
{
	struct xd_sim_hv *hv = c->hv;
	uint32_t domid = m->arg[0], count = m->arg[1];
	struct sim_mapping *map;
	uint32_t out[3] = { 0 }, i;
	int64_t pfn;

	if (count == 0 || count > XD_SIM_WIRE_MAX_PAYLOAD / 4 ||
	    !sim_domain(hv, domid)) {
		reply(c, m->id, -EINVAL, NULL, NULL, 0, -1);
		return;
	}
	pfn = xd_sim_mem_alloc(hv, 0, count);
	if (pfn < 0) {
		reply(c, m->id, -ENOMEM, NULL, NULL, 0, -1);
		return;
	}
	map = calloc(1, sizeof *map);
	map->refs = calloc(count, 4);
	for (i = 0; i < count; i++) {
		if (xd_sim_gnt_grant(hv, 0, domid, pfn + i, false,
				     &map->refs[i]) < 0)
			break;
	}
	map->handle = hv->next_handle++;
	map->domid = domid;
	map->count = i;
	map->be_alloc = true;
	map->first_pfn = pfn;
	map->next = c->mappings;
	c->mappings = map;
	if (i < count) {
		reply(c, m->id, -ENOSPC, NULL, NULL, 0, -1);
		return;
	}
	hv->map_calls++;
	out[0] = map->handle;
	out[1] = pfn;
	reply(c, m->id, 0, out, map->refs, count * 4, sim_domain_memfd(hv, 0));
}

static void
handle(struct sim_conn *c, const struct xd_sim_wire_msg *m, char *payload)
{
	struct xd_sim_hv *hv = c->hv;
	const char *a = NULL, *b = NULL;
	uint32_t out[3] = { 0 }, count, size;
	char *value;
	int ret;

	switch (m->op) {
	case XD_SIM_HELLO:
		reply(c, m->id, 0, out, NULL, 0, -1);
		break;
	case XD_SIM_XS_READ:
		if (strings(payload, m->len, &a, NULL) < 0) {
			reply(c, m->id, -EINVAL, NULL, NULL, 0, -1);
			break;
		}
		value = sim_xs_read(hv, 0, a);
		if (!value)
			reply(c, m->id, -errno, NULL, NULL, 0, -1);
		else
			reply(c, m->id, 0, NULL, value, strlen(value) + 1, -1);
		free(value);
		break;
	case XD_SIM_XS_WRITE:
		ret = strings(payload, m->len, &a, &b);
		if (ret == 0)
			ret = sim_xs_write(hv, 0, a, b);
		reply(c, m->id, ret, NULL, NULL, 0, -1);
		break;
	case XD_SIM_XS_REMOVE:
		ret = strings(payload, m->len, &a, NULL);
		if (ret == 0)
			ret = sim_xs_remove(hv, 0, a);
		reply(c, m->id, ret, NULL, NULL, 0, -1);
		break;
	case XD_SIM_XS_DIRECTORY:
		if (strings(payload, m->len, &a, NULL) < 0) {
			reply(c, m->id, -EINVAL, NULL, NULL, 0, -1);
			break;
		}
		value = sim_xs_directory(hv, 0, a, &count, &size);
		out[1] = count;
		if (!value)
			reply(c, m->id, -errno, NULL, NULL, 0, -1);
		else
			reply(c, m->id, 0, out, value, size, -1);
		free(value);
		break;
	case XD_SIM_XS_WATCH:
		ret = strings(payload, m->len, &a, &b);
		/* Reply first: the watch's first firing follows it. */
		if (ret == 0 && !strchr(a, ' ')) {
			reply(c, m->id, 0, NULL, NULL, 0, -1);
			sim_xs_watch(hv, 0, a, b, c, NULL, NULL);
		} else {
			reply(c, m->id, -EINVAL, NULL, NULL, 0, -1);
		}
		break;
	case XD_SIM_XS_UNWATCH:
		ret = strings(payload, m->len, &a, &b);
		if (ret == 0)
			sim_xs_unwatch(hv, c, 0, a, b);
		reply(c, m->id, ret, NULL, NULL, 0, -1);
		break;
	case XD_SIM_XS_TXN_START:
		/* Requests are served one at a time: a transaction cannot
		 * conflict, so it is only a number. */
		out[0] = hv->next_txn++;
		reply(c, m->id, 0, out, NULL, 0, -1);
		break;
	case XD_SIM_XS_TXN_END:
		reply(c, m->id, 0, NULL, NULL, 0, -1);
		break;
	case XD_SIM_EVTCHN_BIND:
		ret = sim_evtchn_bind(hv, 0, c, m->arg[0], m->arg[1], &out[0]);
		reply(c, m->id, ret, out, NULL, 0, -1);
		break;
	case XD_SIM_EVTCHN_UNBIND:
		sim_evtchn_close(hv, 0, m->arg[0]);
		reply(c, m->id, 0, NULL, NULL, 0, -1);
		break;
	case XD_SIM_EVTCHN_NOTIFY:
		/* One way (sim-wire.h): the backend does not wait. */
		sim_evtchn_notify(hv, 0, m->arg[0]);
		break;
	case XD_SIM_GNT_MAP:
		handle_map(c, m, (uint32_t *)payload);
		break;
	case XD_SIM_GNT_UNMAP:
		handle_unmap(c, m);
		break;
	case XD_SIM_BUF_ALLOC:
		handle_buf_alloc(c, m);
		break;
	default:
		reply(c, m->id, -ENOSYS, NULL, NULL, 0, -1);
		break;
	}
}

static void
conn_destroy(struct sim_conn *c)
{
	struct xd_sim_hv *hv = c->hv;
	struct sim_conn **cp;
	struct sim_mapping *map;

	for (cp = &hv->conns; *cp; cp = &(*cp)->next) {
		if (*cp == c) {
			*cp = c->next;
			break;
		}
	}
	sim_xs_unwatch(hv, c, 0, NULL, NULL);
	sim_evtchn_drop_conn(hv, c);
	while ((map = c->mappings)) {
		c->mappings = map->next;
		mapping_release(c, map);
	}
	xd_event_source_remove(c->source);
	close(c->fd);
	free(c);
}

static void
conn_readable(int fd, uint32_t mask, void *data)
{
	struct sim_conn *c = data;
	struct xd_sim_wire_msg m;
	char *payload, byte;
	ssize_t n;

	/* A guest waiting for its backend runs the loop from inside a
	 * handler; the readiness we were called for may be stale. */
	n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (c->dead || n <= 0) {
		conn_destroy(c);	/* closed: the backend exited */
		return;
	}
	if (read_full(fd, &m, sizeof m) < 0 ||
	    m.len > XD_SIM_WIRE_MAX_PAYLOAD) {
		fprintf(stderr, "xd-sim: dropping a backend: broken "
			"message\n");
		conn_destroy(c);
		return;
	}
	payload = malloc(m.len + 1);
	if (!payload || read_full(fd, payload, m.len) < 0) {
		free(payload);
		conn_destroy(c);
		return;
	}
	payload[m.len] = '\0';
	handle(c, &m, payload);
	free(payload);
	if (c->dead)
		conn_destroy(c);
}

static void
listen_readable(int fd, uint32_t mask, void *data)
{
	struct xd_sim_hv *hv = data;
	struct timeval timeout = { .tv_sec = 2 };
	struct sim_conn *c;
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

	if (cfd < 0)
		return;
	/* A client that stops mid-message or stops reading is dropped,
	 * never waited for. */
	setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
	setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
	c = calloc(1, sizeof *c);
	c->hv = hv;
	c->fd = cfd;
	c->source = xd_event_loop_add_fd(hv->loop, cfd, EPOLLIN,
					 conn_readable, c);
	c->next = hv->conns;
	hv->conns = c;
}

int
sim_server_listen(struct xd_sim_hv *hv, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof addr.sun_path)
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	unlink(path);
	hv->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (hv->listen_fd < 0 ||
	    bind(hv->listen_fd, (struct sockaddr *)&addr, sizeof addr) < 0 ||
	    listen(hv->listen_fd, 16) < 0)
		return -errno;
	hv->socket_path = strdup(path);
	hv->listen_source = xd_event_loop_add_fd(hv->loop, hv->listen_fd,
						 EPOLLIN, listen_readable, hv);
	return hv->listen_source ? 0 : -ENOMEM;
}

void
sim_server_close(struct xd_sim_hv *hv)
{
	while (hv->conns)
		conn_destroy(hv->conns);
	if (hv->listen_source)
		xd_event_source_remove(hv->listen_source);
	if (hv->listen_fd >= 0)
		close(hv->listen_fd);
	if (hv->socket_path)
		unlink(hv->socket_path);
	free(hv->socket_path);
}

uint32_t
sim_server_pages_held(struct xd_sim_hv *hv, uint32_t domid)
{
	struct sim_mapping *map;
	struct sim_conn *c;
	uint32_t n = 0;

	for (c = hv->conns; c; c = c->next)
		for (map = c->mappings; map; map = map->next)
			if (map->domid == domid)
				n += map->count;
	return n;
}

uint32_t
sim_server_count(struct xd_sim_hv *hv)
{
	struct sim_conn *c;
	uint32_t n = 0;

	for (c = hv->conns; c; c = c->next)
		n++;
	return n;
}
