/* SPDX-License-Identifier: MIT */
/*
 * A connector's transport: the request ring the guest fills, the event
 * page we fill, and their two event channels; plus creating and tearing
 * down a whole connected device.
 *
 * Ring indexes live in guest-writable memory: each is read once per pass
 * and checked before it is used. A guest that claims more requests than
 * the ring holds has a corrupt ring and is disconnected.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buffers/budget.h"
#include "buffers/buffers.h"
#include "displif-internal.h"
#include "event-loop.h"
#include "log.h"
#include "xen/xen-access.h"

static void
connector_fail(struct xd_connector *c, const char *why)
{
	struct xd_displif *d = c->displif;

	c->broken = true;
	if (d->failed)
		return;
	d->failed = true;
	xd_log("dom%u: connector %u: %s: disconnecting the guest\n",
	       d->domid, c->index, why);
	d->fatal(d->fatal_data, why);
}

static void
push_response(struct xd_connector *c, const struct xendispl_resp *resp)
{
	struct xendispl_resp *slot;

	slot = RING_GET_RESPONSE(&c->ring, c->ring.rsp_prod_pvt);
	memcpy(slot, resp, sizeof *resp);
	c->ring.rsp_prod_pvt++;
}

static void
process_requests(struct xd_connector *c)
{
	struct xendispl_req req;
	struct xendispl_resp resp;
	unsigned int handled = 0;
	RING_IDX prod;
	int more, notify;

	if (c->broken)
		return;
	do {
		prod = c->ring.sring->req_prod;
		xen_rmb();
		/* Outstanding requests can never exceed the ring: the guest
		 * only gets slots back through our responses. */
		if (prod - c->ring.req_cons > RING_SIZE(&c->ring) ||
		    prod - c->ring.rsp_prod_pvt > RING_SIZE(&c->ring)) {
			connector_fail(c, "request ring index out of range");
			return;
		}
		while (c->ring.req_cons != prod) {
			if (handled == XD_MAX_REQUESTS_PER_WAKEUP) {
				/* Let other guests and Wayland run. */
				c->resume_pending = true;
				xd_event_source_timer_update(c->resume, 1);
				goto push;
			}
			memcpy(&req, RING_GET_REQUEST(&c->ring,
						      c->ring.req_cons),
			       sizeof req);
			c->ring.req_cons++;
			xd_displif_handle_request(c, &req, &resp);
			push_response(c, &resp);
			handled++;
			if (c->displif->failed)
				return;
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&c->ring, more);
	} while (more);
push:
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&c->ring, notify);
	if (notify)
		xd_evtchn_notify(c->displif->xen, c->req_port);
}

static void
resume_requests(void *data)
{
	struct xd_connector *c = data;

	c->resume_pending = false;
	process_requests(c);
}

/* The event ring's 63 slots do not divide 2^32: where the indexes wrap,
 * two indexes a few apart share a slot. Never write over an event still
 * unread there (as kbdif/kbdif-ring.c does). */
static bool
evt_slot_unread(uint32_t prod, uint32_t cons)
{
	uint32_t i;

	for (i = cons; i != prod; i++)
		if (i % XENDISPL_IN_RING_LEN == prod % XENDISPL_IN_RING_LEN)
			return true;
	return false;
}

void
xd_connector_send_flip_event(struct xd_connector *c, uint64_t fb_cookie)
{
	struct xendispl_event_page *page = c->evt_page;
	struct xendispl_evt *evt;
	uint32_t cons;

	if (c->broken)
		return;
	cons = page->in_cons;
	xen_mb();
	if (c->evt_prod - cons >= XENDISPL_IN_RING_LEN ||
	    evt_slot_unread(c->evt_prod, cons)) {
		/* A guest that does not read its events loses them; its
		 * driver has a frame-done timeout of its own. */
		if (!c->evt_overflow_logged)
			xd_log("dom%u: connector %u: event ring full, "
			       "dropping flip events\n", c->displif->domid,
			       c->index);
		c->evt_overflow_logged = true;
		return;
	}
	evt = &XENDISPL_IN_RING_REF(page, c->evt_prod % XENDISPL_IN_RING_LEN);
	memset(evt, 0, sizeof *evt);
	evt->id = c->evt_id++;
	evt->type = XENDISPL_EVT_PG_FLIP;
	evt->op.pg_flip.fb_cookie = fb_cookie;
	xen_wmb();
	page->in_prod = ++c->evt_prod;
	xd_evtchn_notify(c->displif->xen, c->evt_port);
}

void
xd_connector_flip_done(struct xd_connector *c, uint64_t fb_cookie)
{
	if (c->pending_flips > 0)
		c->pending_flips--;
	c->displif->flips_done++;
	xd_connector_send_flip_event(c, fb_cookie);
}

static void
source_flip_done(void *data, uint64_t fb_cookie)
{
	xd_connector_flip_done(data, fb_cookie);
}

uint64_t
xd_displif_flips_done(struct xd_displif *d)
{
	return d->flips_done;
}

static void
connector_teardown(struct xd_connector *c)
{
	struct xd_displif *d = c->displif;

	if (c->sink_data)
		d->sink_interface->connector_remove(c->sink_data);
	c->sink_data = NULL;
	if (c->resume)
		xd_event_source_remove(c->resume);
	c->resume = NULL;
	if (c->req_port)
		xd_evtchn_unbind(d->xen, c->req_port);
	if (c->evt_port)
		xd_evtchn_unbind(d->xen, c->evt_port);
	c->req_port = c->evt_port = 0;
	if (c->ring_page)
		xd_budget_uncharge(xd_buffers_budget(d->buffers),
				   XD_BUDGET_MAPPED_PAGES, 1);
	if (c->evt_page)
		xd_budget_uncharge(xd_buffers_budget(d->buffers),
				   XD_BUDGET_MAPPED_PAGES, 1);
	xd_gnt_unmap(d->xen, c->ring_page, 1);
	xd_gnt_unmap(d->xen, c->evt_page, 1);
	c->ring_page = NULL;
	c->evt_page = NULL;
}

/* A page of the guest mapped for as long as the connection lasts: its
 * ring or event page, charged to the guest's budget like its buffers. */
static void *
map_connector_page(struct xd_displif *d, uint32_t ref)
{
	struct xd_budget *budget = xd_buffers_budget(d->buffers);
	void *page;

	if (xd_budget_charge(budget, XD_BUDGET_MAPPED_PAGES, 1) < 0)
		return NULL;
	page = xd_gnt_map(d->xen, d->domid, &ref, 1, true);
	if (!page)
		xd_budget_uncharge(budget, XD_BUDGET_MAPPED_PAGES, 1);
	return page;
}

static int
connector_setup(struct xd_connector *c)
{
	struct xd_displif *d = c->displif;
	const struct xd_displif_connector_config *cfg = &c->config;
	struct xd_connector_info info;
	struct xen_displif_sring *sring;

	c->offered_w = cfg->width;
	c->offered_h = cfg->height;
	sring = map_connector_page(d, cfg->req_ring_ref);
	if (!sring)
		return -EINVAL;
	c->ring_page = sring;
	/* The guest initialised the shared ring; our private indexes
	 * start from what it published. */
	BACK_RING_ATTACH(&c->ring, sring, sring->rsp_prod, XD_XEN_PAGE_SIZE);
	c->evt_page = map_connector_page(d, cfg->evt_ring_ref);
	if (!c->evt_page)
		return -EINVAL;
	c->evt_prod = c->evt_page->in_prod;
	if (xd_evtchn_bind(d->xen, d->domid, cfg->req_port, &c->req_port) < 0)
		return -EINVAL;
	if (xd_evtchn_bind(d->xen, d->domid, cfg->evt_port, &c->evt_port) < 0)
		return -EINVAL;
	c->resume = xd_event_loop_add_timer(d->loop, resume_requests, c);
	if (!c->resume)
		return -ENOMEM;

	info.index = c->index;
	info.width = cfg->width;
	info.height = cfg->height;
	info.unique_id = cfg->unique_id;
	c->source.flip_done = source_flip_done;
	c->source.data = c;
	c->sink_data = d->sink_interface->connector_add(d->sink, &c->source,
							&info);
	if (!c->sink_data)
		return -ENOMEM;
	return 0;
}

struct xd_displif *
xd_displif_create(struct xd_xen *xen, struct xd_buffers *buffers,
		  struct xd_event_loop *loop,
		  const struct xd_display_sink_interface *sink_interface,
		  void *sink, const struct xd_displif_config *config,
		  xd_displif_fatal_func_t fatal, void *fatal_data)
{
	struct xd_displif *d;
	uint32_t i;

	if (config->num_connectors == 0 ||
	    config->num_connectors > XD_MAX_CONNECTORS) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->xen = xen;
	d->buffers = buffers;
	d->loop = loop;
	d->sink_interface = sink_interface;
	d->sink = sink;
	d->domid = config->domid;
	d->be_alloc = config->be_alloc;
	d->fatal = fatal;
	d->fatal_data = fatal_data;
	d->num_connectors = config->num_connectors;

	for (i = 0; i < d->num_connectors; i++) {
		d->connectors[i].displif = d;
		d->connectors[i].index = i;
		d->connectors[i].config = config->connectors[i];
		if (connector_setup(&d->connectors[i]) < 0) {
			xd_log("dom%u: connector %u: cannot map its rings or "
			       "bind its event channels\n", d->domid, i);
			xd_displif_destroy(d);
			errno = EINVAL;
			return NULL;
		}
	}
	/* Requests the guest queued before we bound. */
	for (i = 0; i < d->num_connectors; i++)
		process_requests(&d->connectors[i]);
	return d;
}

void
xd_displif_destroy(struct xd_displif *d)
{
	uint32_t i;

	if (!d)
		return;
	for (i = 0; i < d->num_connectors; i++)
		if (d->connectors[i].sink_data)
			d->sink_interface->connector_remove(
				d->connectors[i].sink_data);
	for (i = 0; i < d->num_connectors; i++)
		d->connectors[i].sink_data = NULL;
	xd_displif_release_all(d);
	for (i = 0; i < d->num_connectors; i++)
		connector_teardown(&d->connectors[i]);
	free(d);
}

void
xd_displif_event(struct xd_displif *d, uint32_t port)
{
	uint32_t i;

	for (i = 0; i < d->num_connectors; i++) {
		if (d->connectors[i].req_port == port) {
			/* A guest past the cap waits for its turn: however
			 * many notifications it sends (and however many an
			 * access layer queued meanwhile), the next batch
			 * comes from the timer, after everything else. */
			if (!d->connectors[i].resume_pending)
				process_requests(&d->connectors[i]);
			return;
		}
	}
	/* evt_port: the guest consumed events; nothing to do. */
}
