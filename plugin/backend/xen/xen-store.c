/* SPDX-License-Identifier: MIT */
/*
 * Opening Xen for XenStore alone (what the module needs), and the end of
 * a connection, whichever areas it opened.
 */

#include <errno.h>
#include <string.h>

#include "log.h"
#include "xen-real.h"
#include "xen-sim.h"

struct xd_xen *
xd_xen_open_store(const char *spec, struct xd_event_loop *loop,
		  const struct xd_xen_listener *listener, void *data)
{
	return xd_xen_open_store_fd(spec, -1, loop, listener, data);
}

struct xd_xen *
xd_xen_open_store_fd(const char *spec, int sim_fd, struct xd_event_loop *loop,
		     const struct xd_xen_listener *listener, void *data)
{
	struct xd_xen *xen;

	if (strcmp(spec, "xen") == 0) {
		xen = xd_xen_real_open_store(loop);
	} else if (strncmp(spec, "sim:", 4) == 0 && spec[4]) {
		xen = xd_xen_sim_open_store(spec + 4, sim_fd, loop);
	} else {
		xd_log("unknown --xen=%s: use 'xen' or 'sim:SOCKET'\n", spec);
		errno = EINVAL;
		return NULL;
	}
	if (!xen)
		return NULL;
	xen->listener = listener;
	xen->listener_data = data;
	return xen;
}

struct xd_xen *
xd_xen_ref(struct xd_xen *xen)
{
	xen->refs++;
	return xen;
}

void
xd_xen_unref(struct xd_xen *xen)
{
	if (--xen->refs > 0)
		return;
	if (xen->gnt)
		xen->gnt->close(xen);
	xen->store->destroy(xen);
}

void
xd_xen_close(struct xd_xen *xen)
{
	if (!xen)
		return;
	xen->closed = true;
	if (xen->evtchn)
		xen->evtchn->close(xen);
	xen->store->close(xen);
	xd_xen_unref(xen);
}
