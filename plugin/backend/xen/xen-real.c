/* SPDX-License-Identifier: MIT */
/*
 * Placeholder until the real access layer lands: the backend refuses
 * --xen=xen with a clear message instead of pretending.
 */

#include <errno.h>
#include <stddef.h>

#include "log.h"
#include "xen-impl.h"

struct xd_xen *
xd_xen_real_open(struct xd_event_loop *loop)
{
	xd_log("this build has no real Xen access yet: use --xen=sim:SOCKET\n");
	errno = ENOSYS;
	return NULL;
}
