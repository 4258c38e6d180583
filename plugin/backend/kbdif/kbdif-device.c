/* SPDX-License-Identifier: MIT */
/*
 * The backend side of one vkbd device: kbdif's side of the XenBus state
 * machine (xenbus/xenbus-device.c runs it):
 *
 *   start                         -> features published, InitWait
 *   frontend Initialised/Connected -> read its requests, map the event
 *                                    page, bind the port, Connected
 *   frontend Closing/Closed       -> unmap, follow it
 *   frontend Initialising         -> InitWait again (reboot, reprobe)
 *
 * Linux's xen-kbdfront reads the backend's features once, when it probes,
 * and goes Connected as soon as it sees InitWait: its page and port are
 * published before that. The toolstack (libxl's vkb= options) may have
 * written features already; we only add the ones it left unset.
 *
 * The frontend's nodes and the event page's in_cons are guest-controlled:
 * read once, bounded; a corrupt ring disconnects the device.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/io/kbdif.h>

#include "buffers/budget.h"
#include "kbdif-device.h"
#include "kbdif-ring.h"
#include "log.h"
#include "xen/xen-access.h"
#include "xenbus/xenbus-device.h"
#include "xenbus/xenbus-limits.h"
#include "xenbus/xs-nodes.h"
#include "xenbus/xs-values.h"

/* kbdif's raw (unscaled) absolute coordinates. */
#define RAW_MAX 0x7fff

struct xd_kbdif_device {
	struct xd_xen *xen;
	struct xd_budget *budget;	/* referenced, or NULL */
	struct xd_xenbus_device *xenbus;
	uint32_t domid;
	uint32_t devid;
	const char *be_path;
	const char *fe_path;
	char unique_id[XD_MAX_UNIQUE_ID + 1];

	/* What the toolstack and we offer (backend nodes). */
	bool keyboard;
	bool pointer;
	uint32_t width, height;		/* absolute pointer range */
	uint32_t mt_width, mt_height;
	uint32_t mt_contacts;

	/* What the frontend asked for, while connected. */
	bool connected;
	bool abs;
	bool raw;
	bool mtouch;
	struct xd_kbdif_ring ring;
	void *page;
	uint32_t port;
	bool have_last;
	int32_t last_x, last_y;		/* for relative motion */
	bool full_logged;
};

static char *
read_node(struct xd_kbdif_device *d, const char *dir, const char *node)
{
	return xd_xs_read_node(d->xen, dir, node);
}

/* -ENOENT when absent, -EINVAL when not a number <= max. */
static int
read_u32(struct xd_kbdif_device *d, const char *dir, const char *node,
	 uint32_t max, uint32_t *out)
{
	return xd_xs_read_u32(d->xen, dir, node, max, out);
}

static void
write_u32(struct xd_kbdif_device *d, const char *node, uint32_t value)
{
	if (xd_xs_write_u32(d->xen, d->be_path, node, value) < 0)
		xd_log("dom%u: vkbd %u: cannot write %s/%s\n", d->domid,
		       d->devid, d->be_path, node);
}

/* A backend node: the toolstack's value when it set a valid one, else
 * ours, published. */
static uint32_t
offer(struct xd_kbdif_device *d, const char *node, uint32_t max,
      uint32_t ours)
{
	uint32_t value;

	if (read_u32(d, d->be_path, node, max, &value) == 0)
		return value;
	write_u32(d, node, ours);
	return ours;
}

static void
disconnect(void *data)
{
	struct xd_kbdif_device *d = data;

	if (!d->connected)
		return;
	xd_evtchn_unbind(d->xen, d->port);
	xd_gnt_unmap(d->xen, d->page, 1);
	xd_budget_uncharge(d->budget, XD_BUDGET_MAPPED_PAGES, 1);
	d->page = NULL;
	d->connected = false;
	xd_log("dom%u: vkbd %u disconnected\n", d->domid, d->devid);
}

/* A request node: 0 or 1; anything else, or absent, is "not asked". */
static bool
requested(struct xd_kbdif_device *d, const char *node)
{
	uint32_t value;

	return read_u32(d, d->fe_path, node, 1, &value) == 0 && value == 1;
}

static int
connect(void *data)
{
	struct xd_kbdif_device *d = data;
	uint32_t gref, remote_port;

	if (read_u32(d, d->fe_path, XENKBD_FIELD_RING_GREF, UINT32_MAX,
		     &gref) < 0 ||
	    read_u32(d, d->fe_path, XENKBD_FIELD_EVT_CHANNEL, UINT32_MAX,
		     &remote_port) < 0) {
		xd_log("dom%u: vkbd %u: missing or bad page-gref or "
		       "event-channel\n", d->domid, d->devid);
		return -EINVAL;
	}
	d->abs = requested(d, XENKBD_FIELD_REQ_ABS_POINTER);
	d->raw = d->abs && requested(d, XENKBD_FIELD_REQ_RAW_POINTER);
	d->mtouch = requested(d, XENKBD_FIELD_REQ_MTOUCH);

	/* The event page is a grant map of the guest's: its budget's. */
	if (xd_budget_charge(d->budget, XD_BUDGET_MAPPED_PAGES, 1) < 0)
		return -ENOMEM;
	d->page = xd_gnt_map(d->xen, d->domid, &gref, 1, true);
	if (!d->page) {
		xd_log("dom%u: vkbd %u: cannot map the event page (ref %u)\n",
		       d->domid, d->devid, gref);
		xd_budget_uncharge(d->budget, XD_BUDGET_MAPPED_PAGES, 1);
		return -EINVAL;
	}
	if (xd_evtchn_bind(d->xen, d->domid, remote_port, &d->port) < 0) {
		xd_log("dom%u: vkbd %u: cannot bind event channel %u\n",
		       d->domid, d->devid, remote_port);
		xd_gnt_unmap(d->xen, d->page, 1);
		xd_budget_uncharge(d->budget, XD_BUDGET_MAPPED_PAGES, 1);
		d->page = NULL;
		return -EINVAL;
	}
	xd_kbdif_ring_init(&d->ring, d->page);
	d->connected = true;
	d->have_last = false;
	d->full_logged = false;
	xd_log("dom%u: vkbd %u connected: %s pointer%s%s%s\n", d->domid,
	       d->devid, d->abs ? (d->raw ? "raw absolute" : "absolute") :
	       "relative", d->keyboard ? ", keyboard" : "",
	       d->mtouch ? ", multi-touch" : "",
	       d->unique_id[0] ? ", bound to a connector" : "");
	return 0;
}

static void
push(struct xd_kbdif_device *d, const union xenkbd_in_event *event)
{
	int ret = xd_kbdif_ring_push(&d->ring, event);

	if (ret == 0) {
		d->full_logged = false;
		xd_evtchn_notify(d->xen, d->port);
	} else if (ret == -ENOSPC && !d->full_logged) {
		d->full_logged = true;
		xd_log("dom%u: vkbd %u: the guest does not read its input: "
		       "dropping events\n", d->domid, d->devid);
	} else if (ret == -EPROTO) {
		xd_log("dom%u: vkbd %u: event ring index out of range: "
		       "disconnecting the device\n", d->domid, d->devid);
		xd_xenbus_device_fail(d->xenbus);
	}
}

/* From the picture's pixels [0, size) to the guest's range [0, range]. */
static int32_t
scale(int32_t v, uint32_t size, uint32_t range)
{
	int64_t scaled;

	if (size == 0 || v < 0)
		return 0;
	scaled = (int64_t)v * range / size;
	return scaled > range ? (int32_t)range : (int32_t)scaled;
}

static void
pointer_event(struct xd_kbdif_device *d, const struct xd_input_event *ev,
	      int32_t steps)
{
	union xenkbd_in_event out = { 0 };
	uint32_t range_w = d->raw ? RAW_MAX : d->width;
	uint32_t range_h = d->raw ? RAW_MAX : d->height;

	if (d->abs) {
		out.pos.type = XENKBD_TYPE_POS;
		out.pos.abs_x = scale(ev->x, ev->width, range_w);
		out.pos.abs_y = scale(ev->y, ev->height, range_h);
		out.pos.rel_z = steps;
	} else {
		out.motion.type = XENKBD_TYPE_MOTION;
		if (d->have_last) {
			out.motion.rel_x = ev->x - d->last_x;
			out.motion.rel_y = ev->y - d->last_y;
		}
		out.motion.rel_z = steps;
	}
	d->have_last = true;
	d->last_x = ev->x;
	d->last_y = ev->y;
	push(d, &out);
}

static void
touch_event(struct xd_kbdif_device *d, const struct xd_input_event *ev)
{
	union xenkbd_in_event out = { 0 };

	if (ev->contact >= d->mt_contacts && ev->kind != XD_INPUT_TOUCH_FRAME)
		return;
	out.mtouch.type = XENKBD_TYPE_MTOUCH;
	out.mtouch.contact_id = (uint8_t)ev->contact;
	switch (ev->kind) {
	case XD_INPUT_TOUCH_DOWN:
		out.mtouch.event_type = XENKBD_MT_EV_DOWN;
		break;
	case XD_INPUT_TOUCH_MOTION:
		out.mtouch.event_type = XENKBD_MT_EV_MOTION;
		break;
	case XD_INPUT_TOUCH_UP:
		out.mtouch.event_type = XENKBD_MT_EV_UP;
		break;
	default:
		out.mtouch.event_type = XENKBD_MT_EV_SYN;
		break;
	}
	if (ev->kind == XD_INPUT_TOUCH_DOWN ||
	    ev->kind == XD_INPUT_TOUCH_MOTION) {
		out.mtouch.u.pos.abs_x = scale(ev->x, ev->width, d->mt_width);
		out.mtouch.u.pos.abs_y = scale(ev->y, ev->height,
					       d->mt_height);
	}
	push(d, &out);
}

void
xd_kbdif_device_input(struct xd_kbdif_device *d,
		      const struct xd_input_event *ev)
{
	union xenkbd_in_event out = { 0 };

	if (!d->connected)
		return;
	switch (ev->kind) {
	case XD_INPUT_KEY:
	case XD_INPUT_BUTTON:
		/* Linux's xen-kbdfront looks every key code up in its pointer
		 * device first, so it needs one for keys as well. */
		if (!d->pointer || (ev->kind == XD_INPUT_KEY && !d->keyboard))
			return;
		out.key.type = XENKBD_TYPE_KEY;
		out.key.pressed = ev->pressed ? 1 : 0;
		out.key.keycode = ev->code;
		push(d, &out);
		break;
	case XD_INPUT_MOTION:
		if (d->pointer)
			pointer_event(d, ev, 0);
		break;
	case XD_INPUT_WHEEL:
		if (d->pointer && ev->steps)
			pointer_event(d, ev, ev->steps);
		break;
	case XD_INPUT_TOUCH_DOWN:
	case XD_INPUT_TOUCH_MOTION:
	case XD_INPUT_TOUCH_UP:
	case XD_INPUT_TOUCH_FRAME:
		if (d->mtouch)
			touch_event(d, ev);
		break;
	}
}

static void
read_toolstack_config(struct xd_kbdif_device *d, uint32_t default_width,
		      uint32_t default_height)
{
	uint32_t value;
	char *id;

	id = read_node(d, d->be_path, XENKBD_FIELD_UNIQUE_ID);
	if (id && xd_valid_unique_id(id, XD_MAX_UNIQUE_ID))
		snprintf(d->unique_id, sizeof d->unique_id, "%s", id);
	free(id);

	d->keyboard = !(read_u32(d, d->be_path,
				 XENKBD_FIELD_FEAT_DSBL_KEYBRD, 1,
				 &value) == 0 && value);
	d->pointer = !(read_u32(d, d->be_path,
				XENKBD_FIELD_FEAT_DSBL_POINTER, 1,
				&value) == 0 && value);

	offer(d, XENKBD_FIELD_FEAT_ABS_POINTER, 1, 1);
	offer(d, XENKBD_FIELD_FEAT_RAW_POINTER, 1, 1);
	d->width = offer(d, XENKBD_FIELD_WIDTH, XD_MAX_WIDTH, default_width);
	d->height = offer(d, XENKBD_FIELD_HEIGHT, XD_MAX_HEIGHT,
			  default_height);
	if (offer(d, XENKBD_FIELD_FEAT_MTOUCH, 1, 1)) {
		d->mt_contacts = offer(d, XENKBD_FIELD_MT_NUM_CONTACTS,
				       XD_MAX_TOUCH_CONTACTS,
				       XD_MAX_TOUCH_CONTACTS);
		d->mt_width = offer(d, XENKBD_FIELD_MT_WIDTH, XD_MAX_WIDTH,
				    d->width);
		d->mt_height = offer(d, XENKBD_FIELD_MT_HEIGHT,
				     XD_MAX_HEIGHT, d->height);
	}
}

static const struct xd_xenbus_device_interface xenbus_interface = {
	.connect = connect,
	.disconnect = disconnect,
};

struct xd_kbdif_device *
xd_kbdif_device_create(struct xd_xen *xen, struct xd_event_loop *loop,
		       uint32_t domid, uint32_t devid,
		       uint32_t default_width, uint32_t default_height)
{
	const struct xd_xenbus_device_config config = {
		.backend_type = "vinput",
		.frontend_type = "vkbd",
		.name = "vkbd",
		.domid = domid,
		.devid = devid,
		/* xen-kbdfront goes Connected as soon as it sees InitWait. */
		.connect_on_connected = true,
	};
	struct xd_kbdif_device *d = calloc(1, sizeof *d);

	if (!d)
		return NULL;
	d->xen = xen;
	d->domid = domid;
	d->devid = devid;
	d->xenbus = xd_xenbus_device_create(xen, loop, &config,
					    &xenbus_interface, d);
	if (!d->xenbus) {
		free(d);
		return NULL;
	}
	d->be_path = xd_xenbus_device_backend_path(d->xenbus);
	d->fe_path = xd_xenbus_device_frontend_path(d->xenbus);
	read_toolstack_config(d, default_width, default_height);
	if (xd_xenbus_device_start(d->xenbus) < 0) {
		xd_kbdif_device_destroy(d);
		return NULL;
	}
	xd_log("dom%u: serving vkbd device %u\n", domid, devid);
	return d;
}

void
xd_kbdif_device_destroy(struct xd_kbdif_device *d)
{
	if (!d)
		return;
	xd_xenbus_device_destroy(d->xenbus);
	xd_budget_unref(d->budget);
	free(d);
}

void
xd_kbdif_device_set_budget(struct xd_kbdif_device *d,
			   struct xd_budget *budget)
{
	xd_budget_unref(d->budget);
	d->budget = xd_budget_ref(budget);
}

bool
xd_kbdif_device_watch(struct xd_kbdif_device *d, const char *path,
		      const char *token)
{
	return xd_xenbus_device_watch(d->xenbus, path, token);
}

uint32_t
xd_kbdif_device_devid(struct xd_kbdif_device *d)
{
	return d->devid;
}

const char *
xd_kbdif_device_unique_id(struct xd_kbdif_device *d)
{
	return d->unique_id[0] ? d->unique_id : NULL;
}

bool
xd_kbdif_device_owns_port(struct xd_kbdif_device *d, uint32_t local_port)
{
	return d->connected && d->port == local_port;
}
