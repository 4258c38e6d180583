/* SPDX-License-Identifier: MIT */
/*
 * The displif requests. Each handler gets a private copy of the request
 * (the guest cannot change it under us), checks every field against the
 * device's state and the limits in displif-limits.h, and answers with 0
 * or a negative errno in the response.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buffers/budget.h"
#include "buffers/buffers.h"
#include "displif-internal.h"
#include "edid.h"
#include "log.h"
#include "page-directory.h"
#include "pixel-convert.h"
#include "xen/xen-access.h"

static struct xd_dbuf *
find_dbuf(struct xd_displif *d, uint64_t cookie)
{
	int i;

	for (i = 0; i < XD_MAX_BUFFERS; i++)
		if (d->dbufs[i].used && d->dbufs[i].cookie == cookie)
			return &d->dbufs[i];
	return NULL;
}

static struct xd_fbuf *
find_fb(struct xd_displif *d, uint64_t cookie)
{
	int i;

	for (i = 0; i < XD_MAX_FBS; i++)
		if (d->fbs[i].used && d->fbs[i].fb.cookie == cookie)
			return &d->fbs[i];
	return NULL;
}

static uint32_t
pages_for(uint64_t bytes)
{
	return (bytes + XD_XEN_PAGE_SIZE - 1) / XD_XEN_PAGE_SIZE;
}

/* Walks (reads, or for be-alloc writes) the guest's page directory: one
 * of its pages is mapped at a time, charged to the guest's budget. */
static int
directory_walk(struct xd_displif *d, bool write, uint32_t first_ref,
	       uint32_t count, uint32_t *refs)
{
	struct xd_budget *budget = xd_buffers_budget(d->buffers);
	int ret;

	if (xd_budget_charge(budget, XD_BUDGET_MAPPED_PAGES, 1) < 0)
		return -ENOMEM;
	ret = write ? xd_page_directory_write(d->xen, d->domid, first_ref,
					      count, refs) :
		      xd_page_directory_read(d->xen, d->domid, first_ref,
					     count, refs);
	xd_budget_uncharge(budget, XD_BUDGET_MAPPED_PAGES, 1);
	return ret;
}

/* displif carries no pitch: infer it from buffer_sz. Linux 6.12 sends
 * width * bpp / 8, newer kernels align that to 8 bytes; both make
 * buffer_sz a multiple of the height. Anything else: the tight pitch. */
static uint32_t
infer_pitch(uint32_t width, uint32_t height, uint32_t bpp, uint32_t size)
{
	uint32_t tight = (width * bpp + 7) / 8;

	if (size % height == 0 && size / height >= tight)
		return size / height;
	return tight;
}

static int
dbuf_create(struct xd_connector *c, const struct xendispl_dbuf_create_req *r)
{
	struct xd_displif *d = c->displif;
	bool be_alloc = r->flags & XENDISPL_DBUF_FLG_REQ_ALLOC;
	struct xd_dbuf *dbuf = NULL;
	uint64_t span;
	uint32_t count, pitch, *refs;
	int i, ret;

	if (r->flags & ~XENDISPL_DBUF_FLG_REQ_ALLOC)
		return -EINVAL;
	if (r->width == 0 || r->width > XD_MAX_WIDTH ||
	    r->height == 0 || r->height > XD_MAX_HEIGHT)
		return -EINVAL;
	if (r->bpp == 0 || r->bpp > 32 || r->bpp % 8)
		return -EINVAL;
	if ((uint64_t)((r->width * r->bpp + 7) / 8) * r->height > r->buffer_sz)
		return -EINVAL;
	span = (uint64_t)r->data_ofs + r->buffer_sz;
	if (span > XD_MAX_BUFFER_BYTES)
		return -E2BIG;
	if (be_alloc && r->data_ofs)
		return -EINVAL;
	if (be_alloc && !d->be_alloc)
		return -EOPNOTSUPP;
	if (find_dbuf(d, r->dbuf_cookie))
		return -EEXIST;

	/* What the guest may hold in total is its budget's, charged by
	 * the buffer providers for as long as the buffer lives. */
	count = pages_for(span);
	for (i = 0; i < XD_MAX_BUFFERS; i++) {
		if (!d->dbufs[i].used) {
			dbuf = &d->dbufs[i];
			break;
		}
	}
	if (!dbuf)
		return -ENOMEM;

	refs = calloc(count, sizeof *refs);
	if (!refs)
		return -ENOMEM;
	pitch = infer_pitch(r->width, r->height, r->bpp, r->buffer_sz);

	if (be_alloc) {
		dbuf->buffer = xd_buffer_alloc_granted(d->buffers, d->domid,
						       count, r->buffer_sz,
						       refs);
		ret = dbuf->buffer ? 0 : -ENOMEM;
		if (ret == 0) {
			ret = directory_walk(d, true, r->gref_directory,
					     count, refs);
			if (ret < 0) {
				xd_guest_buffer_unref(dbuf->buffer);
				dbuf->buffer = NULL;
			}
		}
	} else {
		ret = directory_walk(d, false, r->gref_directory, count,
				     refs);
		if (ret == 0) {
			dbuf->buffer = xd_buffer_import(d->buffers, d->domid,
							refs, count, span);
			/* A limit (the budget's, a provider's) says so;
			 * anything else is about the guest's grants. */
			if (!dbuf->buffer)
				ret = errno == ENOMEM || errno == ENOSPC ?
				      -errno : -EINVAL;
		}
	}
	free(refs);
	if (ret < 0)
		return ret;

	dbuf->used = true;
	dbuf->be_alloc = be_alloc;
	dbuf->cookie = r->dbuf_cookie;
	dbuf->width = r->width;
	dbuf->height = r->height;
	dbuf->bpp = r->bpp;
	dbuf->pitch = pitch;
	dbuf->size = r->buffer_sz;
	dbuf->data_ofs = r->data_ofs;
	return 0;
}

static void
fb_free(struct xd_displif *d, struct xd_fbuf *f)
{
	uint32_t i;

	for (i = 0; i < d->num_connectors; i++)
		if (d->connectors[i].shown_fb == f->fb.cookie)
			d->connectors[i].shown_fb = 0;
	d->sink_interface->fb_detach(d->sink, f->fb.cookie);
	f->used = false;
}

/* The buffer's charge to the guest's budget lasts until its last
 * reference goes, which the sink may hold on after this (the compositor
 * still showing it): buffers/buffers.c gives it back then. */
static void
dbuf_free(struct xd_displif *d, struct xd_dbuf *dbuf)
{
	uint32_t index = dbuf - d->dbufs;
	int i;

	for (i = 0; i < XD_MAX_FBS; i++)
		if (d->fbs[i].used && d->fbs[i].dbuf == index)
			fb_free(d, &d->fbs[i]);
	xd_guest_buffer_unref(dbuf->buffer);
	memset(dbuf, 0, sizeof *dbuf);
}

static int
dbuf_destroy(struct xd_connector *c, const struct xendispl_dbuf_destroy_req *r)
{
	struct xd_dbuf *dbuf = find_dbuf(c->displif, r->dbuf_cookie);

	if (!dbuf)
		return -ENOENT;
	dbuf_free(c->displif, dbuf);
	return 0;
}

/* Guest-chosen values go into the log as numbers, once each. */
static void
log_format_once(struct xd_displif *d, uint32_t format, const char *why)
{
	static uint32_t logged[8];
	static unsigned int n;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (logged[i] == format)
			return;
	if (n < 8)
		logged[n++] = format;
	xd_log("dom%u: pixel format %#x %s\n", d->domid, format, why);
}

/* Whether a frame of w x h fits the largest mode offered on c, or on
 * any connector of the device (c NULL): FB_ATTACH comes on connector 0's
 * ring for every connector's frames. */
static bool
fits_offered_mode(struct xd_displif *d, struct xd_connector *c, uint32_t w,
		  uint32_t h)
{
	uint32_t i;

	if (c)
		return w <= c->offered_w && h <= c->offered_h;
	for (i = 0; i < d->num_connectors; i++)
		if (w <= d->connectors[i].offered_w &&
		    h <= d->connectors[i].offered_h)
			return true;
	return false;
}

static int
fb_attach(struct xd_connector *c, const struct xendispl_fb_attach_req *r)
{
	struct xd_displif *d = c->displif;
	struct xd_fbuf *f = NULL;
	struct xd_dbuf *dbuf;
	uint32_t bpp, on_dbuf = 0;
	uint64_t end;
	int i, ret;

	if (r->fb_cookie == 0)
		return -EINVAL;
	dbuf = find_dbuf(d, r->dbuf_cookie);
	if (!dbuf)
		return -ENOENT;
	if (find_fb(d, r->fb_cookie))
		return -EEXIST;
	bpp = xd_format_bpp(r->pixel_format);
	if (bpp == 0) {
		log_format_once(d, r->pixel_format, "is not a displif format");
		return -EINVAL;
	}
	if (r->width == 0 || r->height == 0 || r->height > dbuf->height ||
	    r->width > XD_MAX_WIDTH ||
	    xd_format_min_pitch(r->pixel_format, r->width) > dbuf->pitch)
		return -EINVAL;
	end = (uint64_t)dbuf->pitch * (r->height - 1) +
	      xd_format_min_pitch(r->pixel_format, r->width);
	if (end > dbuf->size)
		return -EINVAL;
	/* A frame no connector could show would only cost its copy. */
	if (!fits_offered_mode(d, NULL, r->width, r->height))
		return -EINVAL;
	for (i = 0; i < XD_MAX_FBS; i++) {
		if (!d->fbs[i].used)
			f = f ? f : &d->fbs[i];
		else if (d->fbs[i].dbuf == (uint32_t)(dbuf - d->dbufs))
			on_dbuf++;
	}
	if (!f || on_dbuf >= XD_MAX_FBS_PER_BUFFER)
		return -ENOMEM;

	f->dbuf = dbuf - d->dbufs;
	f->fb.cookie = r->fb_cookie;
	f->fb.width = r->width;
	f->fb.height = r->height;
	f->fb.drm_format = r->pixel_format;
	f->fb.pitch = dbuf->pitch;
	f->fb.offset = dbuf->data_ofs;
	f->fb.buffer = dbuf->buffer;
	ret = d->sink_interface->fb_attach(d->sink, &f->fb);
	if (ret < 0) {
		memset(f, 0, sizeof *f);
		return ret;
	}
	f->used = true;
	return 0;
}

static int
fb_detach(struct xd_connector *c, const struct xendispl_fb_detach_req *r)
{
	struct xd_fbuf *f = find_fb(c->displif, r->fb_cookie);

	if (!f)
		return -ENOENT;
	fb_free(c->displif, f);
	return 0;
}

static int
set_config(struct xd_connector *c, const struct xendispl_set_config_req *r)
{
	struct xd_displif *d = c->displif;
	struct xd_fbuf *f;
	int ret;

	if (r->fb_cookie == 0) {
		ret = d->sink_interface->set_config(c->sink_data, NULL);
		if (ret == 0)
			c->shown_fb = 0;
		return ret;
	}
	f = find_fb(d, r->fb_cookie);
	if (!f)
		return -ENOENT;
	if (r->width == 0 || r->height == 0 ||
	    r->x > f->fb.width || r->width > f->fb.width - r->x ||
	    r->y > f->fb.height || r->height > f->fb.height - r->y ||
	    r->bpp != xd_format_bpp(f->fb.drm_format))
		return -EINVAL;
	/* The sink shows the whole fb: no larger than this connector's
	 * modes. */
	if (!fits_offered_mode(d, c, f->fb.width, f->fb.height))
		return -EINVAL;
	ret = d->sink_interface->set_config(c->sink_data, &f->fb);
	if (ret == 0)
		c->shown_fb = f->fb.cookie;
	return ret;
}

static int
page_flip(struct xd_connector *c, const struct xendispl_page_flip_req *r)
{
	struct xd_displif *d = c->displif;
	struct xd_fbuf *f = find_fb(d, r->fb_cookie);
	int ret;

	if (!f)
		return -ENOENT;
	if (c->shown_fb == 0 ||
	    !fits_offered_mode(d, c, f->fb.width, f->fb.height))
		return -EINVAL;
	if (c->pending_flips >= XD_MAX_PENDING_FLIPS)
		return -EBUSY;
	c->pending_flips++;
	ret = d->sink_interface->page_flip(c->sink_data, &f->fb);
	if (ret < 0) {
		c->pending_flips--;
		return ret;
	}
	c->shown_fb = f->fb.cookie;
	return 0;
}

/* The connector's EDID: the output's mode when the sink follows one and
 * it fits an EDID timing, else the vdispl line's resolution. */
static int
build_edid(struct xd_connector *c, uint8_t *edid)
{
	struct xd_displif *d = c->displif;
	uint32_t serial = d->domid << 8 | c->index;
	uint32_t w, h, mhz;

	if (d->sink_interface->preferred_mode &&
	    d->sink_interface->preferred_mode(c->sink_data, &w, &h,
					      &mhz) == 0 &&
	    xd_edid_build(edid, w, h, (mhz + 500) / 1000, serial) == 0) {
		/* Offered: the guest may now show frames this large. */
		if (w > c->offered_w)
			c->offered_w = w;
		if (h > c->offered_h)
			c->offered_h = h;
		return 0;
	}
	return xd_edid_build(edid, c->config.width, c->config.height, 60,
			     serial);
}

static int
get_edid(struct xd_connector *c, const struct xendispl_get_edid_req *r,
	 uint32_t *edid_sz)
{
	struct xd_displif *d = c->displif;
	uint32_t refs[XENDISPL_EDID_MAX_SIZE / XD_XEN_PAGE_SIZE];
	uint8_t edid[XD_EDID_SIZE];
	uint32_t count;
	void *map;
	int ret;

	if (r->buffer_sz < XD_EDID_SIZE ||
	    r->buffer_sz > XENDISPL_EDID_MAX_SIZE)
		return -EINVAL;
	ret = build_edid(c, edid);
	if (ret < 0)
		return ret;
	count = pages_for(r->buffer_sz);
	ret = directory_walk(d, false, r->gref_directory, count, refs);
	if (ret < 0)
		return ret;
	/* The EDID fits in the first page. */
	if (xd_budget_charge(xd_buffers_budget(d->buffers),
			     XD_BUDGET_MAPPED_PAGES, 1) < 0)
		return -ENOMEM;
	map = xd_gnt_map(d->xen, d->domid, refs, 1, true);
	if (map) {
		memcpy(map, edid, sizeof edid);
		xd_gnt_unmap(d->xen, map, 1);
	}
	xd_budget_uncharge(xd_buffers_budget(d->buffers),
			   XD_BUDGET_MAPPED_PAGES, 1);
	if (!map)
		return -EINVAL;
	*edid_sz = sizeof edid;
	return 0;
}

/* Logged: a guest that sees an error status (its driver then often
 * reports the connector gone) has a line saying which request and why;
 * a guest that keeps sending bad requests cannot fill the log. */
#define REFUSALS_LOGGED 16

static const char *
operation_name(uint8_t operation)
{
	static const char *const names[] = {
		[XENDISPL_OP_DBUF_CREATE] = "DBUF_CREATE",
		[XENDISPL_OP_DBUF_DESTROY] = "DBUF_DESTROY",
		[XENDISPL_OP_FB_ATTACH] = "FB_ATTACH",
		[XENDISPL_OP_FB_DETACH] = "FB_DETACH",
		[XENDISPL_OP_SET_CONFIG] = "SET_CONFIG",
		[XENDISPL_OP_PG_FLIP] = "PG_FLIP",
		[XENDISPL_OP_GET_EDID] = "GET_EDID",
	};

	if (operation < sizeof names / sizeof names[0] && names[operation])
		return names[operation];
	return "an unknown operation";
}

static void
log_refusal(struct xd_connector *c, uint8_t operation, int32_t status)
{
	struct xd_displif *d = c->displif;

	if (d->refusals_logged >= REFUSALS_LOGGED)
		return;
	d->refusals_logged++;
	xd_log("dom%u: connector %u: %s answered %s%s\n", d->domid,
	       c->index, operation_name(operation), strerror(-status),
	       d->refusals_logged == REFUSALS_LOGGED ?
	       " (further refusals are not logged)" : "");
}

void
xd_displif_handle_request(struct xd_connector *c,
			  const struct xendispl_req *req,
			  struct xendispl_resp *resp)
{
	int32_t status;

	memset(resp, 0, sizeof *resp);
	resp->id = req->id;
	resp->operation = req->operation;

	switch (req->operation) {
	case XENDISPL_OP_DBUF_CREATE:
		status = dbuf_create(c, &req->op.dbuf_create);
		break;
	case XENDISPL_OP_DBUF_DESTROY:
		status = dbuf_destroy(c, &req->op.dbuf_destroy);
		break;
	case XENDISPL_OP_FB_ATTACH:
		status = fb_attach(c, &req->op.fb_attach);
		break;
	case XENDISPL_OP_FB_DETACH:
		status = fb_detach(c, &req->op.fb_detach);
		break;
	case XENDISPL_OP_SET_CONFIG:
		status = set_config(c, &req->op.set_config);
		break;
	case XENDISPL_OP_PG_FLIP:
		status = page_flip(c, &req->op.pg_flip);
		break;
	case XENDISPL_OP_GET_EDID:
		status = get_edid(c, &req->op.get_edid,
				  &resp->op.get_edid.edid_sz);
		break;
	default:
		status = -EOPNOTSUPP;
		break;
	}
	if (status < 0)
		log_refusal(c, req->operation, status);
	resp->status = status;
}

void
xd_displif_release_all(struct xd_displif *d)
{
	int i;

	for (i = 0; i < XD_MAX_FBS; i++)
		if (d->fbs[i].used)
			fb_free(d, &d->fbs[i]);
	for (i = 0; i < XD_MAX_BUFFERS; i++)
		if (d->dbufs[i].used)
			dbuf_free(d, &d->dbufs[i]);
}
