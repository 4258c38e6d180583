/* SPDX-License-Identifier: MIT */
/*
 * The wire protocol between a backend process (xen-sim.c) and the
 * simulated hypervisor (tests/sim/sim-server.c), on a Unix stream socket.
 * Every message is a header and len bytes of payload; a reply echoes the
 * request's id and may carry one fd (SCM_RIGHTS). EVTCHN_NOTIFY alone gets
 * no reply, as a real notify waits for nobody. The hypervisor also
 * sends unrequested messages (watch fired, event) at any time.
 *
 * Payloads: paths and values are NUL-terminated strings one after the
 * other; refs and page numbers are arrays of uint32_t.
 */

#ifndef XD_SIM_WIRE_H
#define XD_SIM_WIRE_H

#include <stdint.h>

#define XD_SIM_WIRE_MAX_PAYLOAD (256u << 10)

enum xd_sim_wire_op {
	/* requests: arg[0] is txn for the XenStore ones */
	XD_SIM_XS_READ = 1,		/* path -> value */
	XD_SIM_XS_WRITE,		/* path, value */
	XD_SIM_XS_REMOVE,		/* path */
	XD_SIM_XS_DIRECTORY,		/* path -> names; arg[1] = count */
	XD_SIM_XS_WATCH,		/* path, token */
	XD_SIM_XS_UNWATCH,		/* path, token */
	XD_SIM_XS_TXN_START,		/* -> arg[0] = txn */
	XD_SIM_XS_TXN_END,		/* arg[0] = txn, arg[1] = abort */
	XD_SIM_EVTCHN_BIND,		/* arg: domid, remote port -> port */
	XD_SIM_EVTCHN_UNBIND,		/* arg: port */
	XD_SIM_EVTCHN_NOTIFY,		/* arg: port; no reply */
	XD_SIM_GNT_MAP,			/* arg: domid, count, writable; refs
					 * -> fd, arg[0] = handle, pfns */
	XD_SIM_GNT_UNMAP,		/* arg: handle */
	XD_SIM_BUF_ALLOC,		/* arg: domid, count -> fd, arg[0] =
					 * handle, arg[1] = first pfn; refs */
	XD_SIM_HELLO,			/* -> arg[0] = our domid */

	/* from the hypervisor, unrequested */
	XD_SIM_EV_WATCH = 100,		/* path, token */
	XD_SIM_EV_EVENT,		/* arg[0] = port */

	XD_SIM_REPLY = 200,		/* status, and what the op returns */
};

struct xd_sim_wire_msg {
	uint32_t op;
	uint32_t id;
	int32_t status;			/* replies: 0 or a negative errno */
	uint32_t arg[3];
	uint32_t len;			/* payload bytes that follow */
};

#endif
