/* SPDX-License-Identifier: MIT */
/*
 * XenStore through the module's broker (xen-broker-store.c), for a
 * backend launched with --store-fd=N: the backend's only way to XenStore.
 */

#ifndef XD_XEN_BROKER_H
#define XD_XEN_BROKER_H

#include "xen-access.h"

/*
 * Opens spec's implementation ("xen" or "sim:SOCKET") without a XenStore
 * connection of its own, and gives it XenStore over fd, the broker's
 * SOCK_SEQPACKET socket (taken: closed on failure and at xd_xen_close()).
 * sim_fd: the simulator's connection the sandbox made, or -1.
 * Waits for the broker's greeting, which names our backend domain. NULL
 * and errno on failure (logged).
 */
struct xd_xen *
xd_xen_broker_open(const char *spec, int fd, int sim_fd,
		   struct xd_event_loop *loop);

#endif
