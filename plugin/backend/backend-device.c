/* SPDX-License-Identifier: MIT */
/*
 * The backend side of the XenBus state machine for one vdispl device
 * (see the state diagrams in xen/io/displif.h):
 *
 *   start                    -> InitWait (versions published)
 *   frontend Initialised     -> read and validate its nodes, map, bind,
 *                               Connected
 *   frontend Closing/Closed  -> drop the connection, follow it
 *   frontend Initialising    -> InitWait again (guest reboot, driver
 *                               reload, or our own restart)
 *   backend directory gone   -> the device was removed: exit
 *
 * The backend of device 0 also serves the guest's vkbd devices
 * (kbdif/), fed with the input its connectors' surfaces receive.
 *
 * Every frontend node is guest-writable: read once, bounded, parsed by
 * xs-values.c. A frontend that fails to connect is retried only after a
 * delay, so a guest cannot make us spin.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend-device.h"
#include "buffers/buffers.h"
#include "displif/displif.h"
#include "displif/xen-displif.h"
#include "displif/xs-nodes.h"
#include "displif/xs-values.h"
#include "event-loop.h"
#include "kbdif/kbdif-guest.h"
#include "log.h"
#include "wayland/wayland-sink.h"
#include "xen/xen-access.h"

#include <xen/io/xenbus.h>

#define PATH_MAX_LEN 128
#define RETRY_MS 1000

struct xd_backend_device {
	struct xd_event_loop *loop;
	struct xd_xen *xen;
	struct xd_buffers *buffers;
	struct xd_wayland *wayland;
	uint32_t domid;
	uint32_t devid;
	bool be_alloc;
	bool alive;

	char be_path[PATH_MAX_LEN];
	char fe_path[PATH_MAX_LEN];
	int state;		/* ours, as last written */
	int fe_state;

	struct xd_displif *displif;
	struct xd_kbdif_guest *kbd;		/* device 0 only */
	struct xd_event_source *deferred;	/* teardown after fatal */
	struct xd_event_source *retry;		/* InitWait after failure */
	bool failed_recently;
};

static char *
read_node(struct xd_backend_device *dev, const char *dir, const char *node)
{
	return xd_xs_read_node(dev->xen, dir, node);
}

static int
read_u32(struct xd_backend_device *dev, const char *dir, const char *node,
	 uint32_t max, uint32_t *out)
{
	return xd_xs_read_u32(dev->xen, dir, node, max, out);
}

static void
set_state(struct xd_backend_device *dev, int state)
{
	char path[PATH_MAX_LEN + 8];
	char value[4];

	snprintf(path, sizeof path, "%s/state", dev->be_path);
	snprintf(value, sizeof value, "%d", state);
	if (xd_xs_write(dev->xen, 0, path, value) < 0)
		xd_log("dom%u: cannot write %s\n", dev->domid, path);
	dev->state = state;
}

static void
disconnect(struct xd_backend_device *dev)
{
	if (!dev->displif)
		return;
	xd_displif_destroy(dev->displif);
	dev->displif = NULL;
	xd_log("dom%u: display disconnected\n", dev->domid);
}

/* Connector i's resolution and unique-id (its index when it has none):
 * what the toolstack configured for it. -ENOENT when there is no
 * connector i. */
static int
read_connector_mode(struct xd_backend_device *dev, uint32_t i,
		    struct xd_displif_connector_config *c)
{
	char dir[PATH_MAX_LEN + 16];
	char *value;
	int ret;

	snprintf(dir, sizeof dir, "%s/%u", dev->fe_path, i);
	value = read_node(dev, dir, XENDISPL_FIELD_RESOLUTION);
	if (!value)
		return -errno;
	ret = xd_parse_resolution(value, 4095, 4095, &c->width, &c->height);
	free(value);
	if (ret < 0) {
		xd_log("dom%u: connector %u: bad resolution\n", dev->domid, i);
		return ret;
	}

	value = read_node(dev, dir, XENDISPL_FIELD_UNIQUE_ID);
	if (value && xd_valid_unique_id(value, XD_MAX_UNIQUE_ID))
		snprintf(c->unique_id, sizeof c->unique_id, "%s", value);
	else
		snprintf(c->unique_id, sizeof c->unique_id, "%u", i);
	free(value);
	return 0;
}

static int
read_connector(struct xd_backend_device *dev, uint32_t i,
	       struct xd_displif_connector_config *c)
{
	char dir[PATH_MAX_LEN + 16];
	int ret;

	ret = read_connector_mode(dev, i, c);
	if (ret < 0)
		return ret;
	snprintf(dir, sizeof dir, "%s/%u", dev->fe_path, i);
	if (read_u32(dev, dir, XENDISPL_FIELD_REQ_RING_REF, UINT32_MAX,
		     &c->req_ring_ref) < 0 ||
	    read_u32(dev, dir, XENDISPL_FIELD_REQ_CHANNEL, UINT32_MAX,
		     &c->req_port) < 0 ||
	    read_u32(dev, dir, XENDISPL_FIELD_EVT_RING_REF, UINT32_MAX,
		     &c->evt_ring_ref) < 0 ||
	    read_u32(dev, dir, XENDISPL_FIELD_EVT_CHANNEL, UINT32_MAX,
		     &c->evt_port) < 0) {
		xd_log("dom%u: connector %u: missing or bad ring or event "
		       "channel node\n", dev->domid, i);
		return -EINVAL;
	}
	return 0;
}

static int
read_config(struct xd_backend_device *dev, struct xd_displif_config *config)
{
	uint32_t version, i;
	int ret;

	memset(config, 0, sizeof *config);
	config->domid = dev->domid;
	config->be_alloc = dev->be_alloc;

	/* Linux's xen-drm-front (6.12 included) never writes "version":
	 * an absent node means the frontend does not negotiate, and every
	 * request it can send exists in the version we offer. */
	ret = read_u32(dev, dev->fe_path, XENDISPL_FIELD_FE_VERSION, 100,
		       &version);
	if (ret == -ENOENT) {
		xd_log("dom%u: frontend wrote no protocol version: "
		       "speaking %s\n", dev->domid, XENDISPL_PROTOCOL_VERSION);
		version = XENDISPL_PROTOCOL_VERSION_INT;
		ret = 0;
	}
	if (ret < 0 || version != XENDISPL_PROTOCOL_VERSION_INT) {
		xd_log("dom%u: frontend chose no protocol version we offer "
		       "(%s)\n", dev->domid, XENDISPL_PROTOCOL_VERSION);
		return -EINVAL;
	}
	for (i = 0; i < XD_MAX_CONNECTORS; i++) {
		ret = read_connector(dev, i, &config->connectors[i]);
		if (ret == -ENOENT && i > 0)
			break;
		if (ret < 0)
			return ret;
	}
	config->num_connectors = i;
	return 0;
}

static void
fatal_deferred(void *data)
{
	struct xd_backend_device *dev = data;

	disconnect(dev);
	set_state(dev, XenbusStateClosing);
	dev->failed_recently = true;
}

static void
displif_fatal(void *data, const char *why)
{
	struct xd_backend_device *dev = data;

	/* Called from inside the displif half: tear it down later. */
	xd_event_source_timer_update(dev->deferred, 1);
}

static void
connect(struct xd_backend_device *dev)
{
	struct xd_displif_config config;

	if (read_config(dev, &config) < 0) {
		dev->failed_recently = true;
		set_state(dev, XenbusStateClosing);
		return;
	}
	dev->displif = xd_displif_create(dev->xen, dev->buffers, dev->loop,
					 &xd_wayland_sink_interface,
					 dev->wayland, &config,
					 displif_fatal, dev);
	if (!dev->displif) {
		dev->failed_recently = true;
		set_state(dev, XenbusStateClosing);
		return;
	}
	set_state(dev, XenbusStateConnected);
	xd_log("dom%u: display connected, %u connector%s%s\n", dev->domid,
	       config.num_connectors, config.num_connectors > 1 ? "s" : "",
	       config.be_alloc ? ", backend allocates buffers" : "");
}

static void
retry_initwait(void *data)
{
	struct xd_backend_device *dev = data;

	dev->failed_recently = false;
	if (dev->fe_state == XenbusStateInitialising)
		set_state(dev, XenbusStateInitWait);
}

static void
frontend_changed(struct xd_backend_device *dev)
{
	uint32_t state;

	if (read_u32(dev, dev->fe_path, "state", XenbusStateReconfigured,
		     &state) < 0)
		state = XenbusStateUnknown;
	if ((int)state == dev->fe_state && state != XenbusStateInitialising)
		return;
	dev->fe_state = state;

	switch (state) {
	case XenbusStateInitialising:
		disconnect(dev);
		if (dev->failed_recently)
			xd_event_source_timer_update(dev->retry, RETRY_MS);
		else
			set_state(dev, XenbusStateInitWait);
		break;
	case XenbusStateInitialised:
		if (!dev->displif && dev->state == XenbusStateInitWait)
			connect(dev);
		break;
	case XenbusStateConnected:
		/* Either we connected it, or we restarted under a running
		 * guest: our InitWait makes it reconnect. */
		break;
	case XenbusStateReconfiguring:
		disconnect(dev);
		break;
	case XenbusStateClosing:
		disconnect(dev);
		set_state(dev, XenbusStateClosing);
		break;
	case XenbusStateClosed:
	case XenbusStateUnknown:
	default:
		disconnect(dev);
		if (dev->state != XenbusStateClosed &&
		    dev->state != XenbusStateInitWait)
			set_state(dev, XenbusStateClosed);
		break;
	}
}

static void
backend_changed(struct xd_backend_device *dev)
{
	char *state = read_node(dev, dev->be_path, "state");

	if (!state && errno == ENOENT) {
		xd_log("dom%u: device %u removed\n", dev->domid, dev->devid);
		disconnect(dev);
		dev->alive = false;
	}
	free(state);
}

static void
on_watch(void *data, const char *path, const char *token)
{
	struct xd_backend_device *dev = data;

	if (dev->kbd && xd_kbdif_guest_watch(dev->kbd, path, token))
		return;
	if (strcmp(token, "fe") == 0)
		frontend_changed(dev);
	else if (strcmp(token, "be") == 0)
		backend_changed(dev);
}

static void
on_event(void *data, uint32_t port)
{
	struct xd_backend_device *dev = data;

	if (dev->kbd && xd_kbdif_guest_event(dev->kbd, port))
		return;
	if (dev->displif)
		xd_displif_event(dev->displif, port);
}

static void
on_lost(void *data)
{
	struct xd_backend_device *dev = data;

	xd_log("dom%u: lost the connection to Xen\n", dev->domid);
	dev->alive = false;
}

static const struct xd_xen_listener xen_listener = {
	.watch = on_watch,
	.event = on_event,
	.lost = on_lost,
};

/* The frontend path comes from the toolstack; still, accept only the
 * one displif's addressing rules give for this guest and device. */
static int
find_frontend(struct xd_backend_device *dev)
{
	char expected[PATH_MAX_LEN];
	uint32_t frontend_id;
	char *fe;
	int ret = 0;

	if (read_u32(dev, dev->be_path, "frontend-id", 0x7fef,
		     &frontend_id) < 0 || frontend_id != dev->domid) {
		xd_log("dom%u: no vdispl device %u in XenStore at %s\n",
		       dev->domid, dev->devid, dev->be_path);
		return -ENOENT;
	}
	snprintf(expected, sizeof expected, "/local/domain/%u/device/vdispl/%u",
		 dev->domid, dev->devid);
	fe = read_node(dev, dev->be_path, "frontend");
	if (!fe || strcmp(fe, expected) != 0) {
		xd_log("dom%u: frontend node does not name %s\n", dev->domid,
		       expected);
		ret = -EINVAL;
	}
	free(fe);
	snprintf(dev->fe_path, sizeof dev->fe_path, "%s", expected);
	return ret;
}

/* The configured resolution of the connector with unique_id (NULL: the
 * first), from the toolstack's nodes: a vkbd's default pointer range. */
static int
connector_mode(void *data, const char *unique_id, uint32_t *w, uint32_t *h)
{
	struct xd_displif_connector_config c;
	uint32_t i;
	int ret;

	for (i = 0; i < XD_MAX_CONNECTORS; i++) {
		ret = read_connector_mode(data, i, &c);
		if (ret == -ENOENT)
			break;
		if (ret < 0 || (unique_id && strcmp(c.unique_id, unique_id)))
			continue;
		*w = c.width;
		*h = c.height;
		return 0;
	}
	return -ENOENT;
}

static void
guest_label(struct xd_backend_device *dev, char *label, size_t size)
{
	char dir[PATH_MAX_LEN];
	char *name;

	snprintf(dir, sizeof dir, "/local/domain/%u", dev->domid);
	name = read_node(dev, dir, "name");
	if (name && xd_valid_unique_id(name, 64))
		snprintf(label, size, "%s", name);
	else
		snprintf(label, size, "dom%u", dev->domid);
	free(name);
}

struct xd_backend_device *
xd_backend_device_create(struct xd_event_loop *loop, const char *xen,
			 uint32_t domid, uint32_t devid, bool be_alloc)
{
	struct xd_backend_device *dev;
	char path[PATH_MAX_LEN + 16];
	char label[72];

	dev = calloc(1, sizeof *dev);
	if (!dev)
		return NULL;
	dev->loop = loop;
	dev->domid = domid;
	dev->devid = devid;
	dev->be_alloc = be_alloc;
	dev->alive = true;
	dev->fe_state = -1;
	dev->state = XenbusStateUnknown;

	dev->xen = xd_xen_open(xen, loop, &xen_listener, dev);
	if (!dev->xen)
		goto fail;
	dev->buffers = xd_buffers_create(dev->xen);
	if (!dev->buffers)
		goto fail;
	snprintf(dev->be_path, sizeof dev->be_path,
		 "/local/domain/%u/backend/vdispl/%u/%u",
		 xd_xen_self_domid(dev->xen), domid, devid);
	if (find_frontend(dev) < 0)
		goto fail;

	guest_label(dev, label, sizeof label);
	dev->wayland = xd_wayland_create(loop, label, domid);
	if (!dev->wayland)
		goto fail;
	dev->deferred = xd_event_loop_add_timer(loop, fatal_deferred, dev);
	dev->retry = xd_event_loop_add_timer(loop, retry_initwait, dev);
	if (!dev->deferred || !dev->retry)
		goto fail;
	if (devid == 0) {
		dev->kbd = xd_kbdif_guest_create(dev->xen, domid,
						 connector_mode, dev);
		if (dev->kbd)
			xd_wayland_set_input_handler(dev->wayland,
						     xd_kbdif_guest_input,
						     dev->kbd);
		else
			xd_log("dom%u: cannot watch for vkbd devices: the "
			       "guest gets no input\n", domid);
	}

	snprintf(path, sizeof path, "%s/%s", dev->be_path,
		 XENDISPL_FIELD_BE_VERSIONS);
	if (xd_xs_write(dev->xen, 0, path, XENDISPL_PROTOCOL_VERSION) < 0)
		goto fail;
	set_state(dev, XenbusStateInitWait);

	snprintf(path, sizeof path, "%s/state", dev->fe_path);
	if (xd_xs_watch(dev->xen, path, "fe") < 0 ||
	    xd_xs_watch(dev->xen, dev->be_path, "be") < 0)
		goto fail;
	xd_log("dom%u: serving vdispl device %u (%s)\n", domid, devid, label);
	return dev;

fail:
	xd_backend_device_destroy(dev);
	return NULL;
}

bool
xd_backend_device_alive(struct xd_backend_device *dev)
{
	return dev->alive;
}

int
xd_backend_device_flush(struct xd_backend_device *dev)
{
	return xd_wayland_flush(dev->wayland);
}

void
xd_backend_device_log_counters(struct xd_backend_device *dev)
{
	struct xd_xen_counters c;
	struct timespec cpu;

	xd_xen_get_counters(dev->xen, &c);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	xd_log("dom%u: counters: flips %llu, map calls %llu, unmap calls "
	       "%llu, cpu %llu us\n", dev->domid,
	       (unsigned long long)(dev->displif ?
				    xd_displif_flips_done(dev->displif) : 0),
	       (unsigned long long)c.maps, (unsigned long long)c.unmaps,
	       (unsigned long long)cpu.tv_sec * 1000000 + cpu.tv_nsec / 1000);
}

void
xd_backend_device_destroy(struct xd_backend_device *dev)
{
	if (!dev)
		return;
	disconnect(dev);
	if (dev->wayland)
		xd_wayland_set_input_handler(dev->wayland, NULL, NULL);
	xd_kbdif_guest_destroy(dev->kbd);
	if (dev->deferred)
		xd_event_source_remove(dev->deferred);
	if (dev->retry)
		xd_event_source_remove(dev->retry);
	if (dev->wayland) {
		xd_wayland_flush(dev->wayland);
		xd_wayland_destroy(dev->wayland);
	}
	xd_buffers_destroy(dev->buffers);
	xd_xen_close(dev->xen);
	free(dev);
}
