/* SPDX-License-Identifier: MIT */
/*
 * The backend of one vdispl device: displif's side of the XenBus state
 * machine (xenbus/xenbus-device.c runs it; see the state diagrams in
 * xen/io/displif.h):
 *
 *   start                    -> versions published, InitWait
 *   frontend Initialised     -> read and validate its nodes, map, bind,
 *                               Connected
 *   frontend Closing/Closed  -> drop the connection, follow it
 *   frontend Initialising    -> InitWait again (guest reboot, driver
 *                               reload, or our own restart)
 *   backend directory gone   -> the device was removed
 *
 * Every frontend node is guest-writable: read once, bounded, parsed by
 * xenbus/xs-values.c. A frontend that fails to connect is retried only
 * after a delay, so a guest cannot make us spin.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "displif.h"
#include "log.h"
#include "vdispl-device.h"
#include "xen-displif.h"
#include "xenbus/xenbus-device.h"
#include "xenbus/xs-nodes.h"
#include "xenbus/xs-values.h"

#define PATH_MAX_LEN 128

struct xd_vdispl_device {
	struct xd_xen *xen;
	struct xd_buffers *buffers;
	struct xd_event_loop *loop;
	struct xd_xenbus_device *xenbus;
	uint32_t domid;
	uint32_t devid;
	bool be_alloc;

	const struct xd_display_sink_interface *sink_interface;
	void *sink;
	struct xd_displif *displif;	/* while connected */
};

static char *
read_node(struct xd_vdispl_device *dev, const char *dir, const char *node)
{
	return xd_xs_read_node(dev->xen, dir, node);
}

static int
read_u32(struct xd_vdispl_device *dev, const char *dir, const char *node,
	 uint32_t max, uint32_t *out)
{
	return xd_xs_read_u32(dev->xen, dir, node, max, out);
}

static const char *
fe_path(struct xd_vdispl_device *dev)
{
	return xd_xenbus_device_frontend_path(dev->xenbus);
}

/* Connector i's resolution and unique-id (its index when it has none):
 * what the toolstack configured for it. -ENOENT when there is no
 * connector i. */
static int
read_connector_mode(struct xd_vdispl_device *dev, uint32_t i,
		    struct xd_displif_connector_config *c)
{
	char dir[PATH_MAX_LEN + 16];
	char *value;
	int ret;

	snprintf(dir, sizeof dir, "%s/%u", fe_path(dev), i);
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
read_connector(struct xd_vdispl_device *dev, uint32_t i,
	       struct xd_displif_connector_config *c)
{
	char dir[PATH_MAX_LEN + 16];
	int ret;

	ret = read_connector_mode(dev, i, c);
	if (ret < 0)
		return ret;
	snprintf(dir, sizeof dir, "%s/%u", fe_path(dev), i);
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

/* Every connector needs pages and ports of its own: a page named twice
 * would be one ring read by two connectors (or a ring that is also an
 * event page), each with its own private indexes, every request handled
 * twice and the answers overwriting each other. Refused whole. */
static bool
all_distinct(const struct xd_displif_config *config)
{
	uint32_t v[2 * XD_MAX_CONNECTORS], p[2 * XD_MAX_CONNECTORS];
	uint32_t n = 0, i, j;

	for (i = 0; i < config->num_connectors; i++) {
		v[n] = config->connectors[i].req_ring_ref;
		p[n++] = config->connectors[i].req_port;
		v[n] = config->connectors[i].evt_ring_ref;
		p[n++] = config->connectors[i].evt_port;
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (v[i] == v[j] || p[i] == p[j])
				return false;
	return true;
}

static int
read_config(struct xd_vdispl_device *dev, struct xd_displif_config *config)
{
	uint32_t version, i;
	int ret;

	memset(config, 0, sizeof *config);
	config->domid = dev->domid;
	config->be_alloc = dev->be_alloc;

	/* Linux's xen-drm-front (6.12 included) never writes "version":
	 * an absent node means the frontend does not negotiate, and every
	 * request it can send exists in the version we offer. */
	ret = read_u32(dev, fe_path(dev), XENDISPL_FIELD_FE_VERSION, 100,
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
	if (!all_distinct(config)) {
		xd_log("dom%u: a ring ref or event channel is named twice\n",
		       dev->domid);
		return -EINVAL;
	}
	return 0;
}

static void
displif_fatal(void *data, const char *why)
{
	struct xd_vdispl_device *dev = data;

	/* Called from inside the displif half: tear it down later. */
	xd_xenbus_device_fail_deferred(dev->xenbus);
}

static int
connect(void *data)
{
	struct xd_vdispl_device *dev = data;
	struct xd_displif_config config;

	if (read_config(dev, &config) < 0)
		return -EINVAL;
	dev->displif = xd_displif_create(dev->xen, dev->buffers, dev->loop,
					 dev->sink_interface, dev->sink,
					 &config, displif_fatal, dev);
	if (!dev->displif)
		return -EIO;
	/* be-alloc is the administrator's offer, which the guest may
	 * never take (Linux's xen-drm-front allocates its own buffers
	 * unless the toolstack wrote be-alloc=1 for it): buffers.c logs
	 * the provider that actually makes the buffers of each kind. */
	xd_log("dom%u: display connected, %u connector%s%s\n", dev->domid,
	       config.num_connectors, config.num_connectors > 1 ? "s" : "",
	       config.be_alloc ? ", be-alloc offered" : "");
	return 0;
}

static void
disconnect(void *data)
{
	struct xd_vdispl_device *dev = data;

	if (!dev->displif)
		return;
	xd_displif_destroy(dev->displif);
	dev->displif = NULL;
	xd_log("dom%u: display disconnected\n", dev->domid);
}

static void
removed(void *data)
{
	struct xd_vdispl_device *dev = data;

	xd_log("dom%u: device %u removed\n", dev->domid, dev->devid);
}

static const struct xd_xenbus_device_interface xenbus_interface = {
	.connect = connect,
	.disconnect = disconnect,
	.removed = removed,
};

struct xd_vdispl_device *
xd_vdispl_device_create(struct xd_xen *xen, struct xd_buffers *buffers,
			struct xd_event_loop *loop, uint32_t domid,
			uint32_t devid, bool be_alloc)
{
	const struct xd_xenbus_device_config config = {
		.backend_type = "vdispl",
		.frontend_type = "vdispl",
		.name = "vdispl device",
		.domid = domid,
		.devid = devid,
		.versions = XENDISPL_PROTOCOL_VERSION,
	};
	struct xd_vdispl_device *dev = calloc(1, sizeof *dev);

	if (!dev)
		return NULL;
	dev->xen = xen;
	dev->buffers = buffers;
	dev->loop = loop;
	dev->domid = domid;
	dev->devid = devid;
	dev->be_alloc = be_alloc;
	dev->xenbus = xd_xenbus_device_create(xen, loop, &config,
					      &xenbus_interface, dev);
	if (!dev->xenbus) {
		free(dev);
		return NULL;
	}
	return dev;
}

int
xd_vdispl_device_start(struct xd_vdispl_device *dev,
		       const struct xd_display_sink_interface *sink_interface,
		       void *sink)
{
	dev->sink_interface = sink_interface;
	dev->sink = sink;
	return xd_xenbus_device_start(dev->xenbus);
}

void
xd_vdispl_device_destroy(struct xd_vdispl_device *dev)
{
	if (!dev)
		return;
	xd_xenbus_device_destroy(dev->xenbus);
	free(dev);
}

bool
xd_vdispl_device_watch(struct xd_vdispl_device *dev, const char *path,
		       const char *token)
{
	return xd_xenbus_device_watch(dev->xenbus, path, token);
}

void
xd_vdispl_device_event(struct xd_vdispl_device *dev, uint32_t local_port)
{
	if (dev->displif)
		xd_displif_event(dev->displif, local_port);
}

bool
xd_vdispl_device_present(struct xd_vdispl_device *dev)
{
	return xd_xenbus_device_present(dev->xenbus);
}

uint64_t
xd_vdispl_device_flips_done(struct xd_vdispl_device *dev)
{
	return dev->displif ? xd_displif_flips_done(dev->displif) : 0;
}

int
xd_vdispl_device_connector_mode(void *data, const char *unique_id,
				uint32_t *w, uint32_t *h)
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
