/* SPDX-License-Identifier: MIT */
/*
 * Opening Xen for a backend (XenStore, then event channels and grants),
 * and the counted grant maps that let tests prove nothing is mapped per
 * flip.
 */

#include <errno.h>
#include <string.h>

#include "log.h"
#include "xen-broker.h"
#include "xen-real.h"
#include "xen-sim.h"

struct xd_xen *
xd_xen_open(const char *spec, const struct xd_xen_fds *fds,
	    struct xd_event_loop *loop,
	    const struct xd_xen_listener *listener, void *data)
{
	struct xd_xen *xen;
	int ret;

	if (fds && fds->store >= 0) {
		xen = xd_xen_broker_open(spec, fds->store, fds->sim, loop);
		if (xen) {
			xen->listener = listener;
			xen->listener_data = data;
		}
	} else {
		xen = xd_xen_open_store_fd(spec, fds ? fds->sim : -1, loop,
					   listener, data);
	}
	if (!xen)
		return NULL;
	ret = xen->simulated ? xd_xen_sim_open_grants(xen) :
			       xd_xen_real_open_grants(xen, loop,
						       fds ? fds->evtchn : -1);
	if (ret < 0) {
		xd_xen_close(xen);
		errno = -ret;
		return NULL;
	}
	return xen;
}

int
xd_xen_use_kmod(struct xd_xen *xen, int fd)
{
	if (xen->simulated || !xen->gnt)
		return -EOPNOTSUPP;
	return xd_real_grant_use_kmod(to_real(xen), fd);
}

void *
xd_gnt_map(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
	   uint32_t count, bool writable)
{
	void *addr;

	if (count == 0) {
		errno = EINVAL;
		return NULL;
	}
	addr = xen->gnt->map(xen, domid, refs, count, writable, NULL, NULL);
	if (!addr) {
		int err = errno;

		xd_log("dom%u: cannot map %u granted page(s) (first ref %u): "
		       "%s\n", domid, count, refs[0], strerror(err));
		errno = err;
		return NULL;
	}
	xen->counters.maps++;
	xen->counters.pages_mapped += count;
	return addr;
}

void
xd_gnt_unmap(struct xd_xen *xen, void *addr, uint32_t count)
{
	if (!addr)
		return;
	xen->gnt->unmap(xen, addr, count);
	xen->counters.unmaps++;
	xen->counters.pages_mapped -= count;
}

void
xd_xen_count_buffer(struct xd_xen *xen, bool mapped)
{
	if (mapped)
		xen->counters.maps++;
	else
		xen->counters.unmaps++;
}

void
xd_xen_get_counters(struct xd_xen *xen, struct xd_xen_counters *out)
{
	*out = xen->counters;
}
