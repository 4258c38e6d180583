/* SPDX-License-Identifier: MIT */
/*
 * The backend side of one XenBus device (xen/io/xenbus.h), whatever its
 * protocol: vdispl (displif/) and vkbd (kbdif/) each run one of these and
 * hand it two callbacks, connect and disconnect.
 *
 *   start                          -> "versions" published, InitWait
 *   frontend Initialised           -> connect(): Connected, or Closing
 *                                     when it fails
 *   frontend Connected             -> nothing, or connect() as for
 *                                     Initialised (connect_on_connected)
 *   frontend Reconfiguring         -> disconnect()
 *   frontend Closing               -> disconnect(), Closing
 *   frontend Closed (or anything   -> disconnect(), Closed (an InitWait
 *     else)                           stays: we wait for the next probe)
 *   frontend Initialising          -> disconnect(), InitWait again (guest
 *                                     reboot, driver reload, our restart)
 *   backend directory gone         -> removed(), disconnect()
 *
 * A device whose connect failed, or whose connection failed later, goes
 * InitWait again only a second after the frontend asks (Initialising), so
 * that a guest cannot make us spin. The frontend's state node is guest-
 * writable: read once per change, bounded (xs-nodes.h).
 */

#ifndef XD_XENBUS_DEVICE_H
#define XD_XENBUS_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

struct xd_event_loop;
struct xd_xen;
struct xd_xenbus_device;

struct xd_xenbus_device_config {
	/* The device class in the backend's XenStore directory
	 * (backend/TYPE/DOMID/DEVID: "vdispl", "vinput") and in the guest's
	 * (device/TYPE/DEVID: "vdispl", "vkbd"). */
	const char *backend_type;
	const char *frontend_type;
	/* How logs name the device ("vdispl device", "vkbd"). */
	const char *name;
	uint32_t domid;
	uint32_t devid;
	/* Written to the backend's "versions" node before InitWait, or
	 * NULL. */
	const char *versions;
	/* Connect when the frontend is Connected as well as Initialised:
	 * Linux's xen-kbdfront goes Connected straight from InitWait. */
	bool connect_on_connected;
};

struct xd_xenbus_device_interface {
	/* The frontend is ready: read its nodes, map, bind. 0: the device
	 * goes Connected. < 0: nothing is left mapped or bound, the device
	 * goes Closing, and the next try waits. */
	int (*connect)(void *data);
	/* Drops what connect() made. Called only while connected. */
	void (*disconnect)(void *data);
	/* The backend directory is gone (the toolstack removed the device);
	 * disconnect() follows. May be NULL. Must not destroy the device. */
	void (*removed)(void *data);
};

/*
 * Checks that the backend directory names this guest (frontend-id) and the
 * frontend path XenBus's addressing gives for it (frontend), and nothing
 * else; NULL when not (logged). Writes nothing yet: the caller publishes
 * its own backend nodes (xd_xenbus_device_backend_path()), then calls
 * xd_xenbus_device_start().
 */
struct xd_xenbus_device *
xd_xenbus_device_create(struct xd_xen *xen, struct xd_event_loop *loop,
			const struct xd_xenbus_device_config *config,
			const struct xd_xenbus_device_interface *interface,
			void *data);

/* Publishes "versions", goes InitWait and watches the frontend's state
 * and the backend directory. */
int
xd_xenbus_device_start(struct xd_xenbus_device *device);

/* Disconnects if connected, stops watching, frees. */
void
xd_xenbus_device_destroy(struct xd_xenbus_device *device);

/* A watch fired (from the Xen listener): true when it was one of this
 * device's. The node is read a millisecond later, once for all the
 * events that came meanwhile. */
bool
xd_xenbus_device_watch(struct xd_xenbus_device *device, const char *path,
		       const char *token);

/* The connection broke beyond repair (a corrupt ring): disconnect, go
 * Closing, and make the next connect wait. fail() does it at once;
 * fail_deferred() from the event loop, for callers inside the connection's
 * own code, which must stay valid until they return. */
void
xd_xenbus_device_fail(struct xd_xenbus_device *device);

void
xd_xenbus_device_fail_deferred(struct xd_xenbus_device *device);

/* backend/TYPE/DOMID/DEVID and device/TYPE/DEVID, full paths. */
const char *
xd_xenbus_device_backend_path(struct xd_xenbus_device *device);

const char *
xd_xenbus_device_frontend_path(struct xd_xenbus_device *device);

/* Whether connect() succeeded and disconnect() has not been called. */
bool
xd_xenbus_device_connected(struct xd_xenbus_device *device);

/* False once the backend directory is gone. */
bool
xd_xenbus_device_present(struct xd_xenbus_device *device);

#endif
