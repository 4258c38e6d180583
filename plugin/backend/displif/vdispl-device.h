/* SPDX-License-Identifier: MIT */
/*
 * One guest vdispl device, backend side: its XenBus state machine
 * (xenbus/xenbus-device.h) with displif's nodes, and the displif half while
 * connected, which shows the guest's connectors through the display sink
 * its creator hands it. It knows neither who the sink is nor what else
 * the process serves.
 */

#ifndef XD_VDISPL_DEVICE_H
#define XD_VDISPL_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "display-sink.h"

struct xd_buffers;
struct xd_event_loop;
struct xd_xen;
struct xd_vdispl_device;

/* Checks that /local/domain/SELF/backend/vdispl/DOMID/DEVID names this
 * guest and its frontend; writes nothing yet. NULL when the device does
 * not exist or is invalid (logged). Guest buffers come from buffers;
 * be_alloc honours the frontend's requests to allocate them here. */
struct xd_vdispl_device *
xd_vdispl_device_create(struct xd_xen *xen, struct xd_buffers *buffers,
			struct xd_event_loop *loop, uint32_t domid,
			uint32_t devid, bool be_alloc);

/* Publishes our versions and goes InitWait: from now on a frontend that
 * connects gets its connectors added to sink. */
int
xd_vdispl_device_start(struct xd_vdispl_device *device,
		       const struct xd_display_sink_interface *sink_interface,
		       void *sink);

/* Disconnects (the sink loses the connectors) and frees. */
void
xd_vdispl_device_destroy(struct xd_vdispl_device *device);

/* A watch fired: true when it was this device's. */
bool
xd_vdispl_device_watch(struct xd_vdispl_device *device, const char *path,
		       const char *token);

/* An event channel fired: handled if it is one of the connection's. */
void
xd_vdispl_device_event(struct xd_vdispl_device *device, uint32_t local_port);

/* False once the toolstack removed the device. */
bool
xd_vdispl_device_present(struct xd_vdispl_device *device);

/* Flips completed on the current connection (0 when disconnected). */
uint64_t
xd_vdispl_device_flips_done(struct xd_vdispl_device *device);

/* The configured resolution of the connector with unique_id (NULL: the
 * first), from the toolstack's nodes: a vkbd's default pointer range (an
 * xd_kbdif_mode_func_t). -ENOENT when there is no such connector. */
int
xd_vdispl_device_connector_mode(void *device, const char *unique_id,
				uint32_t *width, uint32_t *height);

#endif
