/* SPDX-License-Identifier: MIT */
/*
 * One backend-side XenBus state machine (see xenbus-device.h), shared by
 * every device type we serve. It knows the device's two XenStore
 * directories and its state, never what a connection holds.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/io/xenbus.h>

#include "common/clock.h"
#include "event-loop.h"
#include "log.h"
#include "xen/xen-access.h"
#include "xenbus-device.h"
#include "xs-nodes.h"

#define PATH_LEN 128
#define TOKEN_LEN 48
#define RETRY_MS 1000
/* A frontend that asks again as soon as it is connected gets its next
 * InitWait no sooner than this after the last connect: each connect
 * costs Weston a surface and log lines, and a guest reconnecting in a
 * loop would cost them hundreds of times a second. */
#define RECONNECT_MIN_MS 100
/* Watch events are gathered this long before the node is read: a guest
 * writing its state in a loop costs us at most one XenStore read a
 * period, however many events its writes queue. */
#define READ_DELAY_MS 1
/* The largest domid a guest can have (DOMID_FIRST_RESERVED - 1). */
#define DOMID_MAX 0x7fef

struct xd_xenbus_device {
	struct xd_xen *xen;
	const struct xd_xenbus_device_interface *interface;
	void *data;
	struct xd_xenbus_device_config config;

	char be_path[PATH_LEN];
	char fe_path[PATH_LEN];
	/* Watch tokens of this device alone: several devices share one
	 * Xen connection and its listener. */
	char fe_token[TOKEN_LEN];
	char be_token[TOKEN_LEN];
	bool watching;

	int state;		/* ours, as last written */
	int fe_state;
	bool connected;
	bool present;
	bool failed_recently;
	bool retry_armed;
	uint64_t connected_ms;		/* when connect() last worked */
	struct xd_event_source *deferred;	/* fail_deferred() */
	struct xd_event_source *retry;		/* InitWait, delayed */
	struct xd_event_source *fe_read;	/* frontend_changed() */
	struct xd_event_source *be_read;	/* backend_changed() */
	bool fe_read_armed;
	bool be_read_armed;
};

/* Writes our state only while our directory is there, in a transaction,
 * as Linux's xenbus_switch_state() does: a write just after the
 * toolstack removed the device would make the directory again (XenStore
 * makes parents), and the device would look present, to us and to the
 * module, for ever. A guest reconnecting in a loop makes us write at any
 * moment, its removal included. */
static int
write_state(struct xd_xenbus_device *xb, int state)
{
	char path[PATH_LEN + 8], text[16], *old;
	uint32_t txn;
	int tries, ret, end;

	snprintf(path, sizeof path, "%s/state", xb->be_path);
	snprintf(text, sizeof text, "%d", state);
	for (tries = 0; tries < 8; tries++) {
		ret = xd_xs_transaction_start(xb->xen, &txn);
		if (ret < 0)
			return ret;
		old = xd_xs_read(xb->xen, txn, path, NULL);
		ret = old ? xd_xs_write(xb->xen, txn, path, text) : -ENOENT;
		free(old);
		end = xd_xs_transaction_end(xb->xen, txn, ret < 0);
		if (ret < 0 || end != -EAGAIN)
			return ret < 0 ? ret : end;
	}
	return -EAGAIN;
}

static void
set_state(struct xd_xenbus_device *xb, int state)
{
	int ret = write_state(xb, state);

	if (ret < 0 && ret != -ENOENT)
		xd_log("dom%u: cannot write %s/state\n", xb->config.domid,
		       xb->be_path);
	xb->state = state;
}

static void
disconnect(struct xd_xenbus_device *xb)
{
	if (!xb->connected)
		return;
	xb->connected = false;
	xb->interface->disconnect(xb->data);
}

static void
connect(struct xd_xenbus_device *xb)
{
	if (xb->interface->connect(xb->data) < 0) {
		xb->failed_recently = true;
		set_state(xb, XenbusStateClosing);
		return;
	}
	xb->connected = true;
	xb->connected_ms = xd_now_ms();
	set_state(xb, XenbusStateConnected);
}

void
xd_xenbus_device_fail(struct xd_xenbus_device *xb)
{
	disconnect(xb);
	set_state(xb, XenbusStateClosing);
	xb->failed_recently = true;
}

static void
fail_now(void *data)
{
	xd_xenbus_device_fail(data);
}

void
xd_xenbus_device_fail_deferred(struct xd_xenbus_device *xb)
{
	xd_event_source_timer_update(xb->deferred, 1);
}

static void
retry_initwait(void *data)
{
	struct xd_xenbus_device *xb = data;

	xb->failed_recently = false;
	xb->retry_armed = false;
	if (xb->fe_state == XenbusStateInitialising)
		set_state(xb, XenbusStateInitWait);
}

/* Whether our answer to the frontend's Initialising stands: InitWait
 * written, or on its way after a failure. */
static bool
initialising_answered(struct xd_xenbus_device *xb)
{
	return xb->state == XenbusStateInitWait || xb->retry_armed;
}

static void
frontend_changed(struct xd_xenbus_device *xb)
{
	uint64_t since;
	uint32_t state;

	if (xd_xs_read_u32(xb->xen, xb->fe_path, "state",
			   XenbusStateReconfigured, &state) < 0)
		state = XenbusStateUnknown;
	/* A write that changes nothing costs nothing: a guest writing its
	 * state in a loop must not make us write ours each time, which
	 * wakes every watcher of our directory (the module, inside
	 * Weston). A reboot's Initialising follows Closing or Closed, a
	 * change. The one repeat that still asks for something is an
	 * Initialising we no longer answer with InitWait (we failed since,
	 * and no retry is on its way): answered as before. */
	if ((int)state == xb->fe_state &&
	    (state != XenbusStateInitialising || initialising_answered(xb)))
		return;
	xb->fe_state = state;

	switch (state) {
	case XenbusStateInitialising:
		disconnect(xb);
		since = xd_now_ms() - xb->connected_ms;
		if (xb->failed_recently ||
		    (xb->connected_ms && since < RECONNECT_MIN_MS)) {
			/* Once: a frontend repeating itself does not push
			 * the retry back. */
			if (!xb->retry_armed)
				xd_event_source_timer_update(xb->retry,
					xb->failed_recently ? RETRY_MS :
					(uint32_t)(RECONNECT_MIN_MS - since));
			xb->retry_armed = true;
		} else {
			set_state(xb, XenbusStateInitWait);
		}
		break;
	case XenbusStateInitialised:
		if (!xb->connected && xb->state == XenbusStateInitWait)
			connect(xb);
		break;
	case XenbusStateConnected:
		/* Either we connected it, or we restarted under a running
		 * guest: our InitWait makes it reconnect. Unless the frontend
		 * goes Connected without Initialised (connect_on_connected). */
		if (xb->config.connect_on_connected && !xb->connected &&
		    xb->state == XenbusStateInitWait)
			connect(xb);
		break;
	case XenbusStateReconfiguring:
		disconnect(xb);
		break;
	case XenbusStateClosing:
		disconnect(xb);
		set_state(xb, XenbusStateClosing);
		break;
	case XenbusStateClosed:
	case XenbusStateUnknown:
	default:
		disconnect(xb);
		if (xb->state != XenbusStateClosed &&
		    xb->state != XenbusStateInitWait)
			set_state(xb, XenbusStateClosed);
		break;
	}
}

static void
fe_read_fired(void *data)
{
	struct xd_xenbus_device *xb = data;

	xb->fe_read_armed = false;
	frontend_changed(xb);
}

static void
backend_changed(void *data)
{
	struct xd_xenbus_device *xb = data;
	char *state;

	xb->be_read_armed = false;
	if (!xb->present)
		return;
	state = xd_xs_read_node(xb->xen, xb->be_path, "state");
	if (!state && errno == ENOENT) {
		xb->present = false;
		if (xb->interface->removed)
			xb->interface->removed(xb->data);
		disconnect(xb);
	}
	free(state);
}

bool
xd_xenbus_device_watch(struct xd_xenbus_device *xb, const char *path,
		       const char *token)
{
	if (strcmp(token, xb->fe_token) == 0) {
		if (!xb->fe_read_armed)
			xd_event_source_timer_update(xb->fe_read,
						     READ_DELAY_MS);
		xb->fe_read_armed = true;
	} else if (strcmp(token, xb->be_token) == 0) {
		if (!xb->be_read_armed)
			xd_event_source_timer_update(xb->be_read,
						     READ_DELAY_MS);
		xb->be_read_armed = true;
	} else {
		return false;
	}
	return true;
}

/* The toolstack writes frontend-id and frontend; still, accept only the
 * frontend path XenBus's addressing gives for this guest and device. */
static int
find_frontend(struct xd_xenbus_device *xb)
{
	const struct xd_xenbus_device_config *c = &xb->config;
	uint32_t frontend_id;
	char *fe;
	int ret = 0;

	if (xd_xs_read_u32(xb->xen, xb->be_path, "frontend-id", DOMID_MAX,
			   &frontend_id) < 0 || frontend_id != c->domid) {
		xd_log("dom%u: no %s %u in XenStore at %s\n", c->domid,
		       c->name, c->devid, xb->be_path);
		return -ENOENT;
	}
	fe = xd_xs_read_node(xb->xen, xb->be_path, "frontend");
	if (!fe || strcmp(fe, xb->fe_path) != 0) {
		xd_log("dom%u: frontend node does not name %s\n", c->domid,
		       xb->fe_path);
		ret = -EINVAL;
	}
	free(fe);
	return ret;
}

struct xd_xenbus_device *
xd_xenbus_device_create(struct xd_xen *xen, struct xd_event_loop *loop,
			const struct xd_xenbus_device_config *config,
			const struct xd_xenbus_device_interface *interface,
			void *data)
{
	struct xd_xenbus_device *xb = calloc(1, sizeof *xb);

	if (!xb)
		return NULL;
	xb->xen = xen;
	xb->interface = interface;
	xb->data = data;
	xb->config = *config;
	xb->fe_state = -1;
	xb->state = XenbusStateUnknown;
	xb->present = true;
	snprintf(xb->be_path, sizeof xb->be_path,
		 "/local/domain/%u/backend/%s/%u/%u", xd_xen_self_domid(xen),
		 config->backend_type, config->domid, config->devid);
	snprintf(xb->fe_path, sizeof xb->fe_path,
		 "/local/domain/%u/device/%s/%u", config->domid,
		 config->frontend_type, config->devid);
	snprintf(xb->fe_token, sizeof xb->fe_token, "%s/%u/fe",
		 config->backend_type, config->devid);
	snprintf(xb->be_token, sizeof xb->be_token, "%s/%u/be",
		 config->backend_type, config->devid);
	if (find_frontend(xb) < 0)
		goto fail;
	xb->deferred = xd_event_loop_add_timer(loop, fail_now, xb);
	xb->retry = xd_event_loop_add_timer(loop, retry_initwait, xb);
	xb->fe_read = xd_event_loop_add_timer(loop, fe_read_fired, xb);
	xb->be_read = xd_event_loop_add_timer(loop, backend_changed, xb);
	if (!xb->deferred || !xb->retry || !xb->fe_read || !xb->be_read)
		goto fail;
	return xb;

fail:
	xd_xenbus_device_destroy(xb);
	return NULL;
}

int
xd_xenbus_device_start(struct xd_xenbus_device *xb)
{
	char path[PATH_LEN + 16];
	int ret;

	if (xb->config.versions) {
		snprintf(path, sizeof path, "%s/versions", xb->be_path);
		ret = xd_xs_write(xb->xen, 0, path, xb->config.versions);
		if (ret < 0)
			return ret;
	}
	set_state(xb, XenbusStateInitWait);

	snprintf(path, sizeof path, "%s/state", xb->fe_path);
	xb->watching = true;
	ret = xd_xs_watch(xb->xen, path, xb->fe_token);
	if (ret < 0)
		return ret;
	return xd_xs_watch(xb->xen, xb->be_path, xb->be_token);
}

void
xd_xenbus_device_destroy(struct xd_xenbus_device *xb)
{
	char path[PATH_LEN + 16];

	if (!xb)
		return;
	disconnect(xb);
	if (xb->watching) {
		snprintf(path, sizeof path, "%s/state", xb->fe_path);
		xd_xs_unwatch(xb->xen, path, xb->fe_token);
		xd_xs_unwatch(xb->xen, xb->be_path, xb->be_token);
	}
	if (xb->deferred)
		xd_event_source_remove(xb->deferred);
	if (xb->retry)
		xd_event_source_remove(xb->retry);
	if (xb->fe_read)
		xd_event_source_remove(xb->fe_read);
	if (xb->be_read)
		xd_event_source_remove(xb->be_read);
	free(xb);
}

const char *
xd_xenbus_device_backend_path(struct xd_xenbus_device *xb)
{
	return xb->be_path;
}

const char *
xd_xenbus_device_frontend_path(struct xd_xenbus_device *xb)
{
	return xb->fe_path;
}

bool
xd_xenbus_device_connected(struct xd_xenbus_device *xb)
{
	return xb->connected;
}

bool
xd_xenbus_device_present(struct xd_xenbus_device *xb)
{
	return xb->present;
}
