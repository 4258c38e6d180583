/* SPDX-License-Identifier: MIT */
/*
 * Event channels and grants over the simulator's connection (xen-sim.c).
 *
 * Grant maps come back as the granting domain's memfd and page numbers.
 * A contiguous run is one mmap, and the memfd itself is a zero-copy view
 * of it that the caller may ask for (Weston imports memfds through
 * linux-dmabuf).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xen-sim.h"

struct sim_map {
	struct sim_map *next;
	void *addr;
	uint32_t count;
	uint32_t handle;
};

static int
sim_bind(struct xd_xen *xen, uint32_t domid, uint32_t remote_port,
	 uint32_t *local_port)
{
	struct xd_sim_wire_msg reply;
	uint32_t arg[3] = { domid, remote_port };
	int ret;

	ret = xd_sim_call(to_sim(xen), XD_SIM_EVTCHN_BIND, arg, NULL, 0, &reply,
			  NULL, NULL);
	if (ret == 0)
		*local_port = reply.arg[0];
	return ret;
}

static void
sim_unbind(struct xd_xen *xen, uint32_t port)
{
	uint32_t arg[3] = { port };

	xd_sim_call(to_sim(xen), XD_SIM_EVTCHN_UNBIND, arg, NULL, 0, NULL, NULL,
		    NULL);
}

/* Sent without waiting for an answer (there is none): a real notify is
 * one ioctl, not a round trip through another process. */
static int
sim_notify(struct xd_xen *xen, uint32_t port)
{
	struct xen_sim *s = to_sim(xen);
	struct xd_sim_wire_msg m = {
		.op = XD_SIM_EVTCHN_NOTIFY, .id = ++s->next_id,
		.arg = { port },
	};

	if (s->lost)
		return -EPIPE;
	if (send(s->fd, &m, sizeof m, MSG_NOSIGNAL) != (ssize_t)sizeof m) {
		xd_sim_mark_lost(s);
		return -EPIPE;
	}
	return 0;
}

/* Nothing of its own: xen-sim.c closes the connection. */
static void
sim_evtchn_close(struct xd_xen *xen)
{
}

static const struct xd_xen_evtchn_ops sim_evtchn_ops = {
	.bind = sim_bind,
	.unbind = sim_unbind,
	.notify = sim_notify,
	.close = sim_evtchn_close,
};

static void
release_handle(struct xen_sim *s, uint32_t handle)
{
	uint32_t arg[3] = { handle };

	xd_sim_call(s, XD_SIM_GNT_UNMAP, arg, NULL, 0, NULL, NULL, NULL);
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
	ret = xd_sim_call(s, XD_SIM_GNT_MAP, arg, refs, count * 4, &reply,
			  &pfns, &fd);
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

static void
add_map(struct xen_sim *s, void *addr, uint32_t count, uint32_t handle)
{
	struct sim_map *m = calloc(1, sizeof *m);

	if (!m)
		abort();
	m->addr = addr;
	m->count = count;
	m->handle = handle;
	m->next = s->maps;
	s->maps = m;
}

static void *
sim_map(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
	uint32_t count, bool writable, int *dmabuf, uint64_t *offset)
{
	struct xen_sim *s = to_sim(xen);
	uint32_t handle;
	bool contiguous;
	int fd = -1;
	void *addr;

	addr = grant_map(s, domid, refs, count, writable, &handle,
			 dmabuf ? &fd : NULL, offset, &contiguous);
	if (!addr)
		return NULL;
	if (dmabuf && !contiguous) {
		close(fd);
		fd = -1;
	}
	if (dmabuf)
		*dmabuf = fd;
	add_map(s, addr, count, handle);
	return addr;
}

static void
sim_unmap(struct xd_xen *xen, void *addr, uint32_t count)
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

static void *
sim_share(struct xd_xen *xen, uint32_t domid, uint32_t count,
	  uint32_t *refs, int *dmabuf, uint64_t *offset)
{
	struct xen_sim *s = to_sim(xen);
	struct xd_sim_wire_msg reply;
	uint32_t arg[3] = { domid, count };
	char *payload = NULL;
	int fd = -1, ret;
	void *cpu;

	ret = xd_sim_call(s, XD_SIM_BUF_ALLOC, arg, NULL, 0, &reply, &payload,
			  &fd);
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
	if (cpu == MAP_FAILED) {
		release_handle(s, reply.arg[0]);
		free(payload);
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(refs, payload, count * 4);
	free(payload);
	add_map(s, cpu, count, reply.arg[0]);
	if (dmabuf)
		*dmabuf = fd;
	else
		close(fd);
	if (offset)
		*offset = (uint64_t)reply.arg[1] * XD_XEN_PAGE_SIZE;
	return cpu;
}

/* The last reference went: the connection is closed, what is still
 * mapped goes with it. */
static void
sim_grant_close(struct xd_xen *xen)
{
	struct xen_sim *s = to_sim(xen);
	struct sim_map *m;

	while ((m = s->maps)) {
		s->maps = m->next;
		munmap(m->addr, (size_t)m->count * XD_XEN_PAGE_SIZE);
		free(m);
	}
}

static const struct xd_xen_grant_ops sim_grant_ops = {
	.map = sim_map,
	.unmap = sim_unmap,
	.share = sim_share,
	.unshare = sim_unmap,
	.close = sim_grant_close,
};

int
xd_xen_sim_open_grants(struct xd_xen *xen)
{
	xen->evtchn = &sim_evtchn_ops;
	xen->gnt = &sim_grant_ops;
	return 0;
}
