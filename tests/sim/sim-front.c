/* SPDX-License-Identifier: MIT */
/*
 * The simulated xen-drm-front (see sim-front.h). Its state machine
 * follows Linux's displback_changed(): InitWait from the backend makes it
 * publish its rings and go Initialised (after dropping an old
 * connection, as when the backend restarted), Connected from the backend
 * makes it Connected, and Closing/Closed make it drop everything and go
 * back to Initialising, ready for the next backend.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "displif/xen-displif.h"
#include "event-loop.h"
#include "sim-front.h"
#include "sim-hv.h"
#include "sim-xenbus.h"

#include <xen/io/xenbus.h>

#define MAX_DONE 64
#define REMOVE_WAIT_MS 1000
#define SHUTDOWN_WAIT_MS 5000

struct front_conn {
	struct xd_sim_front *front;
	uint32_t index;
	bool ready;
	int64_t ring_pfn;
	int64_t evt_pfn;
	uint32_t ring_ref;
	uint32_t evt_ref;
	uint32_t req_port;
	uint32_t evt_port;
	struct xen_displif_front_ring ring;
	struct xendispl_event_page *evt_page;

	uint16_t waiting_id;
	bool have_resp;
	struct xendispl_resp resp;

	uint16_t evt_id;		/* the id the next event must carry */
	uint32_t flips_done;
	uint64_t done[MAX_DONE];	/* cookies not yet waited for */
	uint32_t n_done;
};

struct front_buffer {
	struct front_buffer *next;
	struct xd_sim_buffer pub;
	int64_t pfn;			/* guest pages, or -1 (be-alloc) */
	uint32_t *refs;
	int64_t dir_pfn;
	uint32_t dir_pages;
	uint32_t *dir_refs;
};

struct xd_sim_front {
	struct xd_sim_hv *hv;
	struct xd_event_loop *loop;
	struct xd_sim_front_config config;
	char fe_path[96];
	char be_path[96];
	int state;
	int be_state;
	bool auto_connect;
	bool drm_up;			/* the driver's drm_info */
	bool remove_timed_out;
	uint32_t generation;
	uint16_t next_id;
	struct front_conn conns[XD_SIM_MAX_CONNECTORS];
	struct front_buffer *buffers;
	xd_sim_flip_listener_t flip_listener;
	void *flip_listener_data;
	xd_sim_front_publish_hook_t publish_hook;
	void *publish_hook_data;
};

static void
set_state(struct xd_sim_front *f, int state)
{
	xd_sim_write_u32(f->hv, f->config.domid, f->fe_path, "state",
			 (uint32_t)state);
	f->state = state;
}

static int
write_node(struct xd_sim_front *f, uint32_t conn, const char *node,
	   uint32_t value)
{
	char dir[160];

	snprintf(dir, sizeof dir, "%s/%u", f->fe_path, conn);
	return xd_sim_write_u32(f->hv, f->config.domid, dir, node, value);
}

/* --- events from the backend ---------------------------------------- */

static void
responses(void *data, uint32_t port)
{
	struct front_conn *c = data;
	const struct xendispl_resp *r;
	RING_IDX i, rp;
	int more;

	if (!c->ready)
		return;
	do {
		rp = c->ring.sring->rsp_prod;
		xen_rmb();
		for (i = c->ring.rsp_cons; i != rp; i++) {
			r = RING_GET_RESPONSE(&c->ring, i);
			if (r->id == c->waiting_id && !c->have_resp) {
				c->resp = *r;
				c->have_resp = true;
			}
		}
		c->ring.rsp_cons = i;
		RING_FINAL_CHECK_FOR_RESPONSES(&c->ring, more);
	} while (more);
}

static void
events(void *data, uint32_t port)
{
	struct front_conn *c = data;
	struct xendispl_event_page *page = c->evt_page;
	struct xendispl_evt *e;
	uint32_t prod, cons;

	if (!c->ready)
		return;
	prod = page->in_prod;
	xen_rmb();
	for (cons = page->in_cons; cons != prod; cons++) {
		e = &XENDISPL_IN_RING_REF(page, cons % XENDISPL_IN_RING_LEN);
		/* The driver drops an event out of sequence, and a flip
		 * whose event it dropped completes on its 3.1 s timer. */
		if (e->id != c->evt_id++)
			continue;
		if (e->type != XENDISPL_EVT_PG_FLIP)
			continue;
		c->flips_done++;
		if (c->n_done < MAX_DONE)
			c->done[c->n_done++] = e->op.pg_flip.fb_cookie;
		if (c->front->flip_listener)
			c->front->flip_listener(c->front->flip_listener_data,
						c->index,
						e->op.pg_flip.fb_cookie);
	}
	xen_mb();
	page->in_cons = cons;
}

/* --- transport ------------------------------------------------------- */

static void
end_and_free(struct xd_sim_front *f, int64_t pfn, uint32_t *refs,
	     uint32_t count)
{
	bool all = true;
	uint32_t i;

	for (i = 0; refs && i < count; i++)
		if (xd_sim_gnt_end(f->hv, f->config.domid, refs[i]) < 0)
			all = false;
	/* Pages still mapped by the backend stay allocated, as Linux
	 * defers freeing pages whose grant is still in use. */
	if (all && pfn >= 0)
		xd_sim_mem_free(f->hv, f->config.domid, pfn, count);
}

static void
buffer_free(struct xd_sim_front *f, struct front_buffer *b)
{
	if (b->pub.be_alloc) {
		if (b->refs && b->pub.pixels)
			xd_sim_gnt_unmap(f->hv, f->config.domid,
					 f->config.backend_domid, b->refs,
					 b->pub.num_pages);
	} else {
		end_and_free(f, b->pfn, b->refs, b->pub.num_pages);
	}
	end_and_free(f, b->dir_pfn, b->dir_refs, b->dir_pages);
	free(b->refs);
	free(b->dir_refs);
	free(b);
}

static void
transport_free(struct xd_sim_front *f)
{
	struct front_buffer *b;
	uint32_t i;

	while ((b = f->buffers)) {
		f->buffers = b->next;
		buffer_free(f, b);
	}
	for (i = 0; i < XD_SIM_MAX_CONNECTORS; i++) {
		struct front_conn *c = &f->conns[i];

		if (!c->ready)
			continue;
		c->ready = false;
		xd_sim_evtchn_close(f->hv, f->config.domid, c->req_port);
		xd_sim_evtchn_close(f->hv, f->config.domid, c->evt_port);
		end_and_free(f, c->ring_pfn, &c->ring_ref, 1);
		end_and_free(f, c->evt_pfn, &c->evt_ref, 1);
	}
}

static int
conn_setup(struct xd_sim_front *f, uint32_t i)
{
	struct front_conn *c = &f->conns[i];
	uint32_t domid = f->config.domid, be = f->config.backend_domid;
	struct xen_displif_sring *sring;
	int ret;

	memset(c, 0, sizeof *c);
	c->front = f;
	c->index = i;
	c->ring_pfn = xd_sim_mem_alloc(f->hv, domid, 1);
	c->evt_pfn = xd_sim_mem_alloc(f->hv, domid, 1);
	if (c->ring_pfn < 0 || c->evt_pfn < 0)
		return -ENOMEM;
	sring = xd_sim_mem_ptr(f->hv, domid, c->ring_pfn);
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&c->ring, sring, XD_SIM_PAGE_SIZE);
	c->evt_page = xd_sim_mem_ptr(f->hv, domid, c->evt_pfn);
	memset(c->evt_page, 0, XD_SIM_PAGE_SIZE);
	ret = xd_sim_gnt_grant(f->hv, domid, be, c->ring_pfn, false,
			       &c->ring_ref);
	if (ret == 0)
		ret = xd_sim_gnt_grant(f->hv, domid, be, c->evt_pfn, false,
				       &c->evt_ref);
	if (ret == 0)
		ret = xd_sim_evtchn_alloc_unbound(f->hv, domid, be, responses,
						  c, &c->req_port);
	if (ret == 0)
		ret = xd_sim_evtchn_alloc_unbound(f->hv, domid, be, events, c,
						  &c->evt_port);
	if (ret == 0)
		ret = write_node(f, i, XENDISPL_FIELD_REQ_RING_REF,
				 c->ring_ref) |
		      write_node(f, i, XENDISPL_FIELD_REQ_CHANNEL,
				 c->req_port) |
		      write_node(f, i, XENDISPL_FIELD_EVT_RING_REF,
				 c->evt_ref) |
		      write_node(f, i, XENDISPL_FIELD_EVT_CHANNEL,
				 c->evt_port);
	c->ready = ret == 0;
	return ret;
}

/* xen_drm_front_cfg_card(): the driver learns be-alloc and its
 * connectors from the toolstack's nodes, not from anything else. */
static void
read_card_config(struct xd_sim_front *f)
{
	char path[160], *value;
	uint32_t i;

	snprintf(path, sizeof path, "%s/%s", f->fe_path,
		 XENDISPL_FIELD_BE_ALLOC);
	value = xd_sim_xs_read(f->hv, f->config.domid, path);
	f->config.be_alloc = value && strcmp(value, "1") == 0;
	free(value);
	for (i = 0; i < XD_SIM_MAX_CONNECTORS; i++) {
		snprintf(path, sizeof path, "%s/%u/%s", f->fe_path, i,
			 XENDISPL_FIELD_RESOLUTION);
		value = xd_sim_xs_read(f->hv, f->config.domid, path);
		if (!value)
			break;
		free(value);
	}
	f->config.num_connectors = i;
}

/* displback_initwait(): versions, rings, ports, nodes; Initialised. */
static void
initwait(struct xd_sim_front *f)
{
	char path[128], *versions;
	uint32_t i;

	snprintf(path, sizeof path, "%s/%s", f->be_path,
		 XENDISPL_FIELD_BE_VERSIONS);
	versions = xd_sim_xs_read(f->hv, f->config.domid, path);
	if (!versions || !strstr(versions, XENDISPL_PROTOCOL_VERSION)) {
		free(versions);
		return;
	}
	free(versions);
	read_card_config(f);
	if (!f->config.num_connectors) {
		/* xenbus_dev_fatal(): no connectors, no device */
		set_state(f, XenbusStateClosing);
		return;
	}
	for (i = 0; i < f->config.num_connectors; i++) {
		if (conn_setup(f, i) < 0) {
			transport_free(f);
			return;
		}
	}
	if (f->publish_hook)
		f->publish_hook(f->publish_hook_data, f);
	/* Like Linux's driver, write no "version": it checks the backend's
	 * list and does not say which one it chose. */
	set_state(f, XenbusStateInitialised);
}

/* displback_disconnect(): a connected device whose backend went away
 * tells it to wait (Reconfiguring), drops its DRM device, rings and
 * buffers, and starts over from Initialising. Before Connected there is
 * no DRM device and nothing happens. */
static void
backend_lost(struct xd_sim_front *f)
{
	if (!f->drm_up)
		return;
	set_state(f, XenbusStateReconfiguring);
	f->drm_up = false;
	transport_free(f);
	set_state(f, XenbusStateInitialising);
}

static void
backend_changed(void *data, const char *path, const char *token)
{
	struct xd_sim_front *f = data;

	f->be_state = xd_sim_read_state(f->hv, f->config.domid, f->be_path);

	switch (f->be_state) {
	case XenbusStateInitialising:
		if (f->state != XenbusStateReconfiguring)
			backend_lost(f);
		break;
	case XenbusStateInitWait:
		if (f->state == XenbusStateReconfiguring)
			break;
		backend_lost(f);
		/* A front that published its rings but never saw Connected
		 * stays Initialised: the new backend must take it from
		 * there, as with Linux's driver. */
		if (f->state == XenbusStateInitialising && f->auto_connect)
			initwait(f);
		break;
	case XenbusStateConnected:
		if (f->state == XenbusStateInitialised) {
			f->drm_up = true;
			set_state(f, XenbusStateConnected);
			f->generation++;
		}
		break;
	case XenbusStateClosing:
		/* The driver waits for Closed before it lets go. */
		break;
	case XenbusStateClosed:
	case XenbusStateUnknown:
		if (f->state != XenbusStateClosed)
			backend_lost(f);
		break;
	default:
		break;
	}
}

struct xd_sim_front *
xd_sim_front_create(struct xd_sim_hv *hv, struct xd_event_loop *loop,
		    const struct xd_sim_front_config *config)
{
	struct xd_sim_front *f = calloc(1, sizeof *f);
	char path[128];

	if (!f || config->num_connectors == 0 ||
	    config->num_connectors > XD_SIM_MAX_CONNECTORS) {
		free(f);
		return NULL;
	}
	f->hv = hv;
	f->loop = loop;
	f->config = *config;
	f->state = XenbusStateInitialising;
	f->be_state = XenbusStateUnknown;
	f->next_id = 1;
	snprintf(f->fe_path, sizeof f->fe_path,
		 "/local/domain/%u/device/vdispl/%u", config->domid,
		 config->devid);
	snprintf(f->be_path, sizeof f->be_path,
		 "/local/domain/%u/backend/vdispl/%u/%u",
		 config->backend_domid, config->domid, config->devid);
	snprintf(path, sizeof path, "%s/state", f->be_path);
	if (xd_sim_xs_watch(hv, config->domid, path, "be", backend_changed,
			    f) < 0) {
		free(f);
		return NULL;
	}
	return f;
}

void
xd_sim_front_destroy(struct xd_sim_front *f)
{
	char path[128];

	if (!f)
		return;
	snprintf(path, sizeof path, "%s/state", f->be_path);
	xd_sim_xs_unwatch(f->hv, f->config.domid, path, "be");
	transport_free(f);
	free(f);
}

/* Runs the loop until *flag or the time is up. */
static int
wait_for(struct xd_sim_front *f, const bool *flag, int timeout_ms)
{
	int64_t end = xd_sim_now_ms() + timeout_ms;

	while (!*flag) {
		int64_t left = end - xd_sim_now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		xd_event_loop_dispatch(f->loop, left);
	}
	return 0;
}

int
xd_sim_front_connect(struct xd_sim_front *f, int timeout_ms)
{
	int64_t end = xd_sim_now_ms() + timeout_ms;

	f->auto_connect = true;
	if (f->state == XenbusStateClosed)
		set_state(f, XenbusStateInitialising);
	if (f->state == XenbusStateInitialising &&
	    f->be_state == XenbusStateInitWait)
		initwait(f);
	while (f->state != XenbusStateConnected) {
		int64_t left = end - xd_sim_now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		xd_event_loop_dispatch(f->loop, left < 50 ? left : 50);
	}
	return 0;
}

/* xen_drv_remove(): Closing, up to a second for the backend to reach
 * InitWait (the driver then logs an error and goes on), free, Closed. */
int
xd_sim_front_disconnect(struct xd_sim_front *f, int timeout_ms)
{
	int64_t end = xd_sim_now_ms() + timeout_ms;
	int64_t remove_end = xd_sim_now_ms() + REMOVE_WAIT_MS;

	f->auto_connect = false;
	set_state(f, XenbusStateClosing);
	f->remove_timed_out = false;
	while (f->be_state != XenbusStateInitWait) {
		if (xd_sim_now_ms() >= remove_end) {
			f->remove_timed_out = true;
			break;
		}
		xd_event_loop_dispatch(f->loop, 10);
	}
	f->drm_up = false;
	transport_free(f);
	set_state(f, XenbusStateClosed);
	/* The guest is gone from here; waiting for the backend to settle
	 * is for the test's sake. */
	while (f->be_state != XenbusStateClosed &&
	       f->be_state != XenbusStateInitWait) {
		if (xd_sim_now_ms() >= end)
			return -ETIMEDOUT;
		xd_event_loop_dispatch(f->loop, 50);
	}
	return 0;
}

/* xenbus_frontend_dev_shutdown(): a Connected device goes Closing and
 * waits up to 5 s for the backend to reach Closing, then Closed. */
int
xd_sim_front_shutdown(struct xd_sim_front *f)
{
	int64_t end = xd_sim_now_ms() + SHUTDOWN_WAIT_MS;
	int ret = 0;

	f->auto_connect = false;
	if (f->state != XenbusStateConnected)
		return 0;
	set_state(f, XenbusStateClosing);
	while (f->be_state != XenbusStateClosing &&
	       f->be_state != XenbusStateClosed) {
		if (xd_sim_now_ms() >= end) {
			ret = -ETIMEDOUT;
			break;
		}
		xd_event_loop_dispatch(f->loop, 10);
	}
	f->drm_up = false;
	transport_free(f);
	set_state(f, XenbusStateClosed);
	return ret;
}

bool
xd_sim_front_remove_timed_out(struct xd_sim_front *f)
{
	return f->remove_timed_out;
}

int
xd_sim_front_backend_state(struct xd_sim_front *f)
{
	return f->be_state;
}

uint32_t
xd_sim_front_generation(struct xd_sim_front *f)
{
	return f->generation;
}

/* --- requests ------------------------------------------------------- */

/* Puts req on the ring and notifies; its response is kept when it
 * comes (c->resp). */
static int
post_request(struct xd_sim_front *f, uint32_t conn,
	     const struct xendispl_req *req)
{
	struct front_conn *c;
	int notify;

	if (conn >= f->config.num_connectors || !f->conns[conn].ready)
		return -ENOTCONN;
	c = &f->conns[conn];
	if (RING_FULL(&c->ring))
		return -EBUSY;
	*RING_GET_REQUEST(&c->ring, c->ring.req_prod_pvt) = *req;
	c->ring.req_prod_pvt++;
	c->waiting_id = req->id;
	c->have_resp = false;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&c->ring, notify);
	if (notify)
		xd_sim_evtchn_notify(f->hv, f->config.domid, c->req_port);
	return 0;
}

static int
send_request(struct xd_sim_front *f, uint32_t conn,
	     const struct xendispl_req *req, struct xendispl_resp *resp,
	     int timeout_ms)
{
	struct front_conn *c;
	int ret;

	ret = post_request(f, conn, req);
	if (ret < 0)
		return ret;
	c = &f->conns[conn];
	ret = wait_for(f, &c->have_resp, timeout_ms);
	if (ret < 0)
		return ret;
	if (resp)
		*resp = c->resp;
	return 0;
}

/* xen-drm-front waits XEN_DRM_FRONT_WAIT_BACK_MS (3 s) per request. */
#define WAIT_BACK_MS 3000

static int
request(struct xd_sim_front *f, uint32_t conn, struct xendispl_req *req,
	struct xendispl_resp *resp_out)
{
	struct xendispl_resp resp;
	int ret;

	req->id = f->next_id++;
	ret = send_request(f, conn, req, &resp, WAIT_BACK_MS);
	if (ret < 0)
		return ret;
	if (resp_out)
		*resp_out = resp;
	return resp.status;
}

static int
grant_run(struct xd_sim_front *f, int64_t pfn, uint32_t count,
	  uint32_t *refs)
{
	uint32_t i;
	int ret;

	for (i = 0; i < count; i++) {
		ret = xd_sim_gnt_grant(f->hv, f->config.domid,
				       f->config.backend_domid, pfn + i, false,
				       &refs[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* The page directory: a chain of pages, each the next page's ref and
 * up to 1023 buffer refs (zeros for be-alloc, which the backend fills). */
static int
directory_make(struct xd_sim_front *f, struct front_buffer *b,
	       const uint32_t *refs, uint32_t count)
{
	const uint32_t per_page = (XD_SIM_PAGE_SIZE - 4) / 4;
	uint32_t i, n;
	int ret;

	b->dir_pages = (count + per_page - 1) / per_page;
	b->dir_pfn = xd_sim_mem_alloc(f->hv, f->config.domid, b->dir_pages);
	b->dir_refs = calloc(b->dir_pages, 4);
	if (b->dir_pfn < 0 || !b->dir_refs)
		return -ENOMEM;
	ret = grant_run(f, b->dir_pfn, b->dir_pages, b->dir_refs);
	if (ret < 0)
		return ret;
	for (i = 0; i < b->dir_pages; i++) {
		uint32_t *page = xd_sim_mem_ptr(f->hv, f->config.domid,
						b->dir_pfn + i);

		n = count - i * per_page < per_page ?
		    count - i * per_page : per_page;
		page[0] = i + 1 < b->dir_pages ? b->dir_refs[i + 1] : 0;
		if (refs)
			memcpy(page + 1, refs + i * per_page, n * 4);
	}
	return 0;
}

static int
directory_read(struct xd_sim_front *f, struct front_buffer *b,
	       uint32_t *refs, uint32_t count)
{
	const uint32_t per_page = (XD_SIM_PAGE_SIZE - 4) / 4;
	uint32_t i, n;

	for (i = 0; i < b->dir_pages; i++) {
		uint32_t *page = xd_sim_mem_ptr(f->hv, f->config.domid,
						b->dir_pfn + i);

		n = count - i * per_page < per_page ?
		    count - i * per_page : per_page;
		memcpy(refs + i * per_page, page + 1, n * 4);
	}
	return 0;
}

int
xd_sim_front_dbuf_create(struct xd_sim_front *f, uint32_t conn,
			 uint64_t cookie, uint32_t width, uint32_t height,
			 uint32_t bpp, uint32_t pitch,
			 struct xd_sim_buffer **out)
{
	struct xendispl_req req = { .operation = XENDISPL_OP_DBUF_CREATE };
	struct front_buffer *b = calloc(1, sizeof *b);
	void **ptrs = NULL;
	uint32_t i;
	int ret;

	if (!b)
		return -ENOMEM;
	b->pfn = -1;
	b->dir_pfn = -1;
	b->pub.cookie = cookie;
	b->pub.width = width;
	b->pub.height = height;
	b->pub.bpp = bpp;
	b->pub.pitch = pitch ? pitch : (width * bpp + 7) / 8;
	b->pub.size = b->pub.pitch * height;
	b->pub.num_pages = (b->pub.size + XD_SIM_PAGE_SIZE - 1) /
			   XD_SIM_PAGE_SIZE;
	b->pub.be_alloc = f->config.be_alloc;
	b->refs = calloc(b->pub.num_pages, 4);
	if (!b->refs) {
		ret = -ENOMEM;
		goto fail;
	}
	if (!b->pub.be_alloc) {
		b->pfn = xd_sim_mem_alloc(f->hv, f->config.domid,
					  b->pub.num_pages);
		if (b->pfn < 0) {
			ret = -ENOMEM;
			goto fail;
		}
		ret = grant_run(f, b->pfn, b->pub.num_pages, b->refs);
		if (ret < 0)
			goto fail;
		b->pub.pixels = xd_sim_mem_ptr(f->hv, f->config.domid, b->pfn);
	}
	ret = directory_make(f, b, b->pub.be_alloc ? NULL : b->refs,
			     b->pub.num_pages);
	if (ret < 0)
		goto fail;

	req.op.dbuf_create.dbuf_cookie = cookie;
	req.op.dbuf_create.width = width;
	req.op.dbuf_create.height = height;
	req.op.dbuf_create.bpp = bpp;
	req.op.dbuf_create.buffer_sz = b->pub.size;
	req.op.dbuf_create.gref_directory = b->dir_refs[0];
	if (b->pub.be_alloc)
		req.op.dbuf_create.flags = XENDISPL_DBUF_FLG_REQ_ALLOC;
	ret = request(f, conn, &req, NULL);
	if (ret < 0)
		goto fail;

	if (b->pub.be_alloc) {
		directory_read(f, b, b->refs, b->pub.num_pages);
		ptrs = calloc(b->pub.num_pages, sizeof *ptrs);
		ret = ptrs ? xd_sim_gnt_map(f->hv, f->config.domid,
					    f->config.backend_domid, b->refs,
					    b->pub.num_pages, ptrs) : -ENOMEM;
		for (i = 1; ret == 0 && i < b->pub.num_pages; i++)
			if ((uint8_t *)ptrs[i] != (uint8_t *)ptrs[0] +
			    (size_t)i * XD_SIM_PAGE_SIZE)
				ret = -EPROTO;
		if (ret == 0)
			b->pub.pixels = ptrs[0];
		free(ptrs);
		if (ret < 0)
			goto fail;
	}
	b->next = f->buffers;
	f->buffers = b;
	*out = &b->pub;
	return 0;

fail:
	buffer_free(f, b);
	return ret;
}

int
xd_sim_front_dbuf_destroy(struct xd_sim_front *f, uint32_t conn,
			  struct xd_sim_buffer *buffer)
{
	struct xendispl_req req = { .operation = XENDISPL_OP_DBUF_DESTROY };
	struct front_buffer **bp, *b;
	int ret;

	req.op.dbuf_destroy.dbuf_cookie = buffer->cookie;
	ret = request(f, conn, &req, NULL);
	for (bp = &f->buffers; (b = *bp); bp = &b->next) {
		if (&b->pub == buffer) {
			*bp = b->next;
			buffer_free(f, b);
			break;
		}
	}
	return ret;
}

int
xd_sim_front_fb_attach(struct xd_sim_front *f, uint32_t conn,
		       const struct xd_sim_buffer *buffer, uint64_t fb_cookie,
		       uint32_t width, uint32_t height, uint32_t fourcc)
{
	struct xendispl_req req = { .operation = XENDISPL_OP_FB_ATTACH };

	req.op.fb_attach.dbuf_cookie = buffer->cookie;
	req.op.fb_attach.fb_cookie = fb_cookie;
	req.op.fb_attach.width = width;
	req.op.fb_attach.height = height;
	req.op.fb_attach.pixel_format = fourcc;
	return request(f, conn, &req, NULL);
}

int
xd_sim_front_fb_detach(struct xd_sim_front *f, uint32_t conn,
		       uint64_t fb_cookie)
{
	struct xendispl_req req = { .operation = XENDISPL_OP_FB_DETACH };

	req.op.fb_detach.fb_cookie = fb_cookie;
	return request(f, conn, &req, NULL);
}

int
xd_sim_front_set_config(struct xd_sim_front *f, uint32_t conn,
			uint64_t fb_cookie, uint32_t width, uint32_t height,
			uint32_t bpp)
{
	struct xendispl_req req = { .operation = XENDISPL_OP_SET_CONFIG };

	req.op.set_config.fb_cookie = fb_cookie;
	req.op.set_config.width = width;
	req.op.set_config.height = height;
	req.op.set_config.bpp = bpp;
	return request(f, conn, &req, NULL);
}

int
xd_sim_front_page_flip(struct xd_sim_front *f, uint32_t conn,
		       uint64_t fb_cookie)
{
	struct xendispl_req req = { .operation = XENDISPL_OP_PG_FLIP };

	req.op.pg_flip.fb_cookie = fb_cookie;
	return request(f, conn, &req, NULL);
}

int
xd_sim_front_page_flip_nowait(struct xd_sim_front *f, uint32_t conn,
			      uint64_t fb_cookie)
{
	struct xendispl_req req = {
		.operation = XENDISPL_OP_PG_FLIP, .id = f->next_id++,
	};

	req.op.pg_flip.fb_cookie = fb_cookie;
	return post_request(f, conn, &req);
}

int
xd_sim_front_last_status(struct xd_sim_front *f, uint32_t conn)
{
	if (conn >= f->config.num_connectors)
		return -EINVAL;
	return f->conns[conn].have_resp ? f->conns[conn].resp.status :
	       -EINPROGRESS;
}

static bool
take_done(struct front_conn *c, uint64_t cookie)
{
	uint32_t i;

	for (i = 0; i < c->n_done; i++) {
		if (c->done[i] == cookie) {
			memmove(&c->done[i], &c->done[i + 1],
				(c->n_done - i - 1) * sizeof c->done[0]);
			c->n_done--;
			return true;
		}
	}
	return false;
}

int
xd_sim_front_wait_flip_done(struct xd_sim_front *f, uint32_t conn,
			    uint64_t fb_cookie, int timeout_ms)
{
	int64_t end = xd_sim_now_ms() + timeout_ms;
	struct front_conn *c;

	if (conn >= f->config.num_connectors)
		return -EINVAL;
	c = &f->conns[conn];
	while (!take_done(c, fb_cookie)) {
		int64_t left = end - xd_sim_now_ms();

		if (left <= 0 || !c->ready)
			return left <= 0 ? -ETIMEDOUT : -ENOTCONN;
		xd_event_loop_dispatch(f->loop, left);
	}
	return 0;
}

void
xd_sim_front_set_flip_listener(struct xd_sim_front *f,
			       xd_sim_flip_listener_t listener, void *data)
{
	f->flip_listener = listener;
	f->flip_listener_data = data;
}

uint32_t
xd_sim_front_flips_done(struct xd_sim_front *f, uint32_t conn)
{
	return conn < XD_SIM_MAX_CONNECTORS ? f->conns[conn].flips_done : 0;
}

int
xd_sim_front_get_edid(struct xd_sim_front *f, uint32_t conn, uint8_t *edid,
		      uint32_t max_size, uint32_t *size)
{
	struct xendispl_req req = { .operation = XENDISPL_OP_GET_EDID };
	struct xendispl_resp resp;
	struct front_buffer b = { .pfn = -1, .dir_pfn = -1 };
	uint32_t pages = XENDISPL_EDID_MAX_SIZE / XD_SIM_PAGE_SIZE;
	uint32_t refs[XENDISPL_EDID_MAX_SIZE / XD_SIM_PAGE_SIZE];
	int64_t pfn;
	int ret;

	pfn = xd_sim_mem_alloc(f->hv, f->config.domid, pages);
	if (pfn < 0)
		return -ENOMEM;
	ret = grant_run(f, pfn, pages, refs);
	if (ret == 0)
		ret = directory_make(f, &b, refs, pages);
	if (ret == 0) {
		req.op.get_edid.buffer_sz = XENDISPL_EDID_MAX_SIZE;
		req.op.get_edid.gref_directory = b.dir_refs[0];
		ret = request(f, conn, &req, &resp);
	}
	if (ret == 0) {
		*size = resp.op.get_edid.edid_sz;
		if (*size > max_size || *size > XENDISPL_EDID_MAX_SIZE)
			ret = -E2BIG;
		else
			memcpy(edid, xd_sim_mem_ptr(f->hv, f->config.domid,
						    pfn), *size);
	}
	end_and_free(f, b.dir_pfn, b.dir_refs, b.dir_pages);
	free(b.dir_refs);
	end_and_free(f, pfn, refs, pages);
	return ret;
}

/* --- raw access ----------------------------------------------------- */

int
xd_sim_front_request_raw(struct xd_sim_front *f, uint32_t conn,
			 const struct xendispl_req *req,
			 struct xendispl_resp *resp, int timeout_ms)
{
	return send_request(f, conn, req, resp, timeout_ms);
}

int
xd_sim_front_request_fill(struct xd_sim_front *f, uint32_t conn,
			  const struct xendispl_req *req)
{
	struct front_conn *c;
	int n = 0, notify;

	if (conn >= f->config.num_connectors || !f->conns[conn].ready)
		return -ENOTCONN;
	c = &f->conns[conn];
	/* Not waited for: waiting_id stays the caller's. */
	while (!RING_FULL(&c->ring)) {
		struct xendispl_req *slot =
			RING_GET_REQUEST(&c->ring, c->ring.req_prod_pvt);

		*slot = *req;
		slot->id = f->next_id++;
		if (slot->id == c->waiting_id)
			slot->id = f->next_id++;
		c->ring.req_prod_pvt++;
		n++;
	}
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&c->ring, notify);
	if (notify)
		xd_sim_evtchn_notify(f->hv, f->config.domid, c->req_port);
	return n;
}

struct xen_displif_sring *
xd_sim_front_req_sring(struct xd_sim_front *f, uint32_t conn)
{
	return f->conns[conn].ring.sring;
}

struct xendispl_event_page *
xd_sim_front_event_page(struct xd_sim_front *f, uint32_t conn)
{
	return f->conns[conn].evt_page;
}

int
xd_sim_front_kick(struct xd_sim_front *f, uint32_t conn)
{
	return xd_sim_evtchn_notify(f->hv, f->config.domid,
				    f->conns[conn].req_port);
}

void
xd_sim_front_set_publish_hook(struct xd_sim_front *f,
			      xd_sim_front_publish_hook_t hook, void *data)
{
	f->publish_hook = hook;
	f->publish_hook_data = data;
}

int
xd_sim_front_grant_pages(struct xd_sim_front *f, uint32_t count,
			 uint32_t *pfn, uint32_t *refs)
{
	int64_t first = xd_sim_mem_alloc(f->hv, f->config.domid, count);

	if (first < 0)
		return -ENOMEM;
	*pfn = first;
	return grant_run(f, first, count, refs);
}
