/* SPDX-License-Identifier: MIT */
/*
 * Simulated event channels: a guest allocates an unbound port for a
 * remote domain, the backend binds to it, and each side's notify reaches
 * the other: a guest's in-process handler, or a backend connection.
 */

#include <errno.h>
#include <stddef.h>

#include "sim-hv-internal.h"

static struct sim_port *
port_of(struct xd_sim_hv *hv, uint32_t domid, uint32_t port)
{
	struct sim_domain *d = sim_domain(hv, domid);

	if (!d || port == 0 || port >= SIM_MAX_PORTS || !d->ports[port].used)
		return NULL;
	return &d->ports[port];
}

static int
port_alloc(struct sim_domain *d, uint32_t *port)
{
	uint32_t p;

	for (p = 1; p < SIM_MAX_PORTS; p++) {
		if (!d->ports[p].used) {
			d->ports[p] = (struct sim_port){ .used = true };
			*port = p;
			return 0;
		}
	}
	return -ENOSPC;
}

int
xd_sim_evtchn_alloc_unbound(struct xd_sim_hv *hv, uint32_t domid,
			    uint32_t remote_domid, xd_sim_event_func_t func,
			    void *data, uint32_t *port)
{
	struct sim_domain *d = sim_domain(hv, domid);
	int ret;

	if (!d)
		return -ESRCH;
	ret = port_alloc(d, port);
	if (ret < 0)
		return ret;
	d->ports[*port].remote_domid = remote_domid;
	d->ports[*port].func = func;
	d->ports[*port].data = data;
	return 0;
}

int
sim_evtchn_bind(struct xd_sim_hv *hv, uint32_t domid, struct sim_conn *conn,
		uint32_t remote_domid, uint32_t remote_port, uint32_t *port)
{
	struct sim_domain *d = sim_domain(hv, domid);
	struct sim_port *remote = port_of(hv, remote_domid, remote_port);
	int ret;

	if (!d || !remote || remote->bound || remote->remote_domid != domid)
		return -EINVAL;
	ret = port_alloc(d, port);
	if (ret < 0)
		return ret;
	d->ports[*port].bound = true;
	d->ports[*port].remote_domid = remote_domid;
	d->ports[*port].remote_port = remote_port;
	d->ports[*port].conn = conn;
	remote->bound = true;
	remote->remote_port = *port;
	return 0;
}

void
sim_evtchn_close(struct xd_sim_hv *hv, uint32_t domid, uint32_t port)
{
	struct sim_port *p = port_of(hv, domid, port);
	struct sim_port *peer;

	if (!p)
		return;
	if (p->bound) {
		peer = port_of(hv, p->remote_domid, p->remote_port);
		/* The peer stays allocated but hears nothing more; a guest
		 * port returns to unbound, as Xen does. */
		if (peer) {
			peer->bound = false;
			peer->remote_port = 0;
		}
	}
	*p = (struct sim_port){ 0 };
}

int
sim_evtchn_notify(struct xd_sim_hv *hv, uint32_t domid, uint32_t port)
{
	struct sim_port *p = port_of(hv, domid, port);
	struct sim_port *peer;

	if (!p)
		return -EINVAL;
	if (!p->bound)
		return -ENOTCONN;
	peer = port_of(hv, p->remote_domid, p->remote_port);
	if (!peer)
		return 0;
	if (peer->conn)
		sim_conn_send_event(peer->conn, p->remote_port);
	else if (peer->func)
		peer->func(peer->data, p->remote_port);
	return 0;
}

int
xd_sim_evtchn_notify(struct xd_sim_hv *hv, uint32_t domid, uint32_t port)
{
	return sim_evtchn_notify(hv, domid, port);
}

void
xd_sim_evtchn_close(struct xd_sim_hv *hv, uint32_t domid, uint32_t port)
{
	sim_evtchn_close(hv, domid, port);
}

/* A backend process went away: its ports close. */
void
sim_evtchn_drop_conn(struct xd_sim_hv *hv, struct sim_conn *conn)
{
	struct sim_domain *d = sim_domain(hv, 0);
	uint32_t p;

	for (p = 1; d && p < SIM_MAX_PORTS; p++)
		if (d->ports[p].used && d->ports[p].conn == conn)
			sim_evtchn_close(hv, 0, p);
}
