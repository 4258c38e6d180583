/* SPDX-License-Identifier: MIT */
/*
 * One backend process, wired: the Xen access, the Wayland sink, the
 * guest's vdispl device showing its connectors through that sink, and
 * (for device 0) the guest's vkbd devices fed with the input the sink's
 * surfaces receive. The one place that knows every half; each half knows
 * only its contract (display-sink.h, input-sink.h).
 */

#ifndef XD_BACKEND_PROCESS_H
#define XD_BACKEND_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

struct xd_budget_limits;
struct xd_event_loop;
struct xd_backend_process;

/* xen is "xen" or "sim:SOCKET" (see xen/xen-access.h); store_fd the
 * module's XenStore broker's socket (taken), or -1 for a XenStore
 * connection of our own. limits: this device's share of its guest's
 * budget (buffers/budget.h). NULL when Xen or the compositor cannot be
 * reached or the device does not exist; logged. */
struct xd_backend_process *
xd_backend_process_create(struct xd_event_loop *loop, const char *xen,
			  int store_fd, uint32_t domid, uint32_t devid,
			  bool be_alloc,
			  const struct xd_budget_limits *limits);

/* False once the device is gone from XenStore or Xen is unreachable. */
bool
xd_backend_process_alive(struct xd_backend_process *backend);

/* Sends what the sink queued to the compositor; < 0 when it is gone. */
int
xd_backend_process_flush(struct xd_backend_process *backend);

/* Logs the flips of this connection, the grant map calls and the CPU
 * time of the process so far: on SIGUSR1, for the rig to take per-flip
 * figures on real Xen (doc/performance.md). */
void
xd_backend_process_log_counters(struct xd_backend_process *backend);

void
xd_backend_process_destroy(struct xd_backend_process *backend);

#endif
