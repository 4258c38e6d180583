/* SPDX-License-Identifier: MIT */
/*
 * The simulated hypervisor behind xen-access.h: state shared by
 * xen-sim.c (the connection and XenStore, all the module links) and
 * xen-sim-grant.c (event channels and grants, a backend's).
 */

#ifndef XD_XEN_SIM_H
#define XD_XEN_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "sim-wire.h"
#include "xen-access.h"

struct queued;
struct sim_map;

struct xen_sim {
	struct xd_xen base;
	int fd;
	int wake_fd;
	struct xd_event_source *source;
	struct xd_event_source *wake_source;
	uint32_t next_id;
	struct queued *queue;
	struct queued **queue_tail;
	struct sim_map *maps;	/* xen-sim-grant.c's */
	bool lost;
};

static inline struct xen_sim *
to_sim(struct xd_xen *xen)
{
	return (struct xen_sim *)xen;
}

/* The connection is gone: calls fail with -EPIPE from now on, and the
 * listener hears it from the loop. */
void
xd_sim_mark_lost(struct xen_sim *s);

/* One request and its reply; the reply's payload (malloc'd) and fd are
 * returned when asked for. Returns the reply's status. */
int
xd_sim_call(struct xen_sim *s, uint32_t op, const uint32_t *arg,
	    const void *payload, uint32_t len, struct xd_sim_wire_msg *reply,
	    char **reply_payload, int *reply_fd);

/* xen-sim.c: XenStore alone (library xd-xenstore); over fd when it is
 * not -1 (connected by the sandbox), else a connection to socket_path. */
struct xd_xen *
xd_xen_sim_open_store(const char *socket_path, int fd,
		      struct xd_event_loop *loop);

/* xen-sim-grant.c: event channels and grants, on the same connection. */
int
xd_xen_sim_open_grants(struct xd_xen *xen);

#endif
