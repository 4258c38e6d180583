/* SPDX-License-Identifier: MIT */
/*
 * One guest vkbd device (xen/io/kbdif.h), backend side: its XenBus state
 * machine (xenbus/xenbus-device.h) with kbdif's nodes, the features we
 * offer and the frontend's requests, and the translation of the user's
 * input into kbdif events on its event page.
 */

#ifndef XD_KBDIF_DEVICE_H
#define XD_KBDIF_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "input-sink.h"

struct xd_event_loop;
struct xd_xen;
struct xd_budget;
struct xd_kbdif_device;

/*
 * Starts serving /local/domain/SELF/backend/vinput/DOMID/DEVID: publishes
 * our features where the toolstack left them unset (default_width and
 * default_height as the pointer's coordinate range), goes InitWait and
 * watches the frontend. NULL when the device's nodes are absent or
 * invalid (logged).
 */
struct xd_kbdif_device *
xd_kbdif_device_create(struct xd_xen *xen, struct xd_event_loop *loop,
		       uint32_t domid, uint32_t devid,
		       uint32_t default_width, uint32_t default_height);

/* The guest's budget (buffers/budget.h), referenced: the event page,
 * while mapped, is charged to it. */
void
xd_kbdif_device_set_budget(struct xd_kbdif_device *device,
			   struct xd_budget *budget);

void
xd_kbdif_device_destroy(struct xd_kbdif_device *device);

uint32_t
xd_kbdif_device_devid(struct xd_kbdif_device *device);

/* The connector the device is bound to (its unique-id equals the
 * connector's), or NULL: bound to every connector of the guest. */
const char *
xd_kbdif_device_unique_id(struct xd_kbdif_device *device);

/* A watch fired: true when it was this device's. */
bool
xd_kbdif_device_watch(struct xd_kbdif_device *device, const char *path,
		      const char *token);

/* An event on local_port: true when it is this device's. */
bool
xd_kbdif_device_owns_port(struct xd_kbdif_device *device,
			  uint32_t local_port);

/* Hands one input event to the guest, if connected and it asked for
 * that kind of input; dropped otherwise. */
void
xd_kbdif_device_input(struct xd_kbdif_device *device,
		      const struct xd_input_event *event);

#endif
