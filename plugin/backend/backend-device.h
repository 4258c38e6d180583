/* SPDX-License-Identifier: MIT */
/*
 * One guest vdispl device, end to end: the XenBus state machine on the
 * backend side, the displif half while connected, and the Wayland sink
 * that shows its connectors.
 */

#ifndef XD_BACKEND_DEVICE_H
#define XD_BACKEND_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

struct xd_event_loop;
struct xd_backend_device;

/* xen is "xen" or "sim:SOCKET" (see xen/xen-access.h). NULL when Xen or
 * the compositor cannot be reached or the device does not exist; logged. */
struct xd_backend_device *
xd_backend_device_create(struct xd_event_loop *loop, const char *xen,
			 uint32_t domid, uint32_t devid, bool be_alloc);

/* False once the device is gone from XenStore or Xen is unreachable. */
bool
xd_backend_device_alive(struct xd_backend_device *device);

/* Sends what the sink queued to the compositor; < 0 when it is gone. */
int
xd_backend_device_flush(struct xd_backend_device *device);

/* Logs the flips of this connection, the grant map calls and the CPU
 * time of the process so far: on SIGUSR1, for the rig to take per-flip
 * figures on real Xen (doc/performance.md). */
void
xd_backend_device_log_counters(struct xd_backend_device *device);

void
xd_backend_device_destroy(struct xd_backend_device *device);

#endif
