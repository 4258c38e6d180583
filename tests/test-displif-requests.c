/* SPDX-License-Identifier: MIT */
/*
 * The statuses a guest gets on the ring for each request, good and bad,
 * against an in-memory Xen: bounds, quotas, unknown and duplicate
 * cookies, flips before a mode set, the flip event on the event page,
 * EDID contents, and that everything mapped is released.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <drm_fourcc.h>

#include "displif/displif-internal.h"
#include "displif/edid.h"
#include "displif/page-directory.h"
#include "fake-xen.h"
#include "harness/harness.h"

#define EVT_PAGE 15

static struct fake_xen fx;
static struct fake_sink sink;
static struct xd_displif *d;
static struct xd_connector *conn;
static uint16_t next_id;

static void
setup(bool be_alloc)
{
	fake_xen_init(&fx);
	memset(&sink, 0, sizeof sink);
	d = fake_displif_create(&fx, &sink, 7, be_alloc, 640, 480, EVT_PAGE);
	conn = &d->connectors[0];
}

static void
teardown(void)
{
	XD_ASSERT(fake_displif_destroy(d, &fx, &sink),
		  "leaked: %u buffers, %u mappings, %u fbs attached",
		  fx.live_buffers, fx.live_mappings, sink.attached);
}

static struct xendispl_resp
request(struct xendispl_req *req)
{
	struct xendispl_resp resp;

	req->id = next_id++;
	xd_displif_handle_request(conn, req, &resp);
	XD_ASSERT(resp.id == req->id && resp.operation == req->operation,
		  "response does not echo id and operation");
	return resp;
}

/* Directory page dir: next link, then refs. */
static void
write_dir(uint32_t dir, uint32_t next, const uint32_t *refs, uint32_t n)
{
	memcpy(fx.pages[dir], &next, 4);
	memcpy(fx.pages[dir] + 4, refs, n * 4);
}

static int32_t
dbuf_create(uint64_t cookie, uint32_t w, uint32_t h, uint32_t bpp,
	    uint32_t size, uint32_t dir, uint32_t flags)
{
	struct xendispl_req req = { .operation = XENDISPL_OP_DBUF_CREATE };

	req.op.dbuf_create.dbuf_cookie = cookie;
	req.op.dbuf_create.width = w;
	req.op.dbuf_create.height = h;
	req.op.dbuf_create.bpp = bpp;
	req.op.dbuf_create.buffer_sz = size;
	req.op.dbuf_create.gref_directory = dir;
	req.op.dbuf_create.flags = flags;
	return request(&req).status;
}

static int32_t
fb_attach(uint64_t dbuf, uint64_t fb, uint32_t w, uint32_t h, uint32_t fmt)
{
	struct xendispl_req req = { .operation = XENDISPL_OP_FB_ATTACH };

	req.op.fb_attach.dbuf_cookie = dbuf;
	req.op.fb_attach.fb_cookie = fb;
	req.op.fb_attach.width = w;
	req.op.fb_attach.height = h;
	req.op.fb_attach.pixel_format = fmt;
	return request(&req).status;
}

static int32_t
set_config(uint64_t fb, uint32_t w, uint32_t h, uint32_t bpp)
{
	struct xendispl_req req = { .operation = XENDISPL_OP_SET_CONFIG };

	req.op.set_config.fb_cookie = fb;
	req.op.set_config.width = w;
	req.op.set_config.height = h;
	req.op.set_config.bpp = bpp;
	return request(&req).status;
}

static int32_t
page_flip(uint64_t fb)
{
	struct xendispl_req req = { .operation = XENDISPL_OP_PG_FLIP };

	req.op.pg_flip.fb_cookie = fb;
	return request(&req).status;
}

#define EXPECT(call, want) do { \
	int32_t got_ = (call); \
	XD_ASSERT(got_ == (want), "%s: status %d, want %d", #call, got_, \
		  (int)(want)); \
} while (0)

static const uint32_t four_refs[] = { 1, 2, 3, 4 };

static void
test_buffers_and_fbs(void)
{
	struct xendispl_req req = { .operation = XENDISPL_OP_DBUF_DESTROY };

	setup(false);
	write_dir(0, 0, four_refs, 4);
	/* 64x64 XRGB8888 is exactly four pages. */
	EXPECT(dbuf_create(1, 64, 64, 32, 16384, 0, 0), 0);
	EXPECT(dbuf_create(1, 64, 64, 32, 16384, 0, 0), -EEXIST);
	EXPECT(dbuf_create(2, 64, 64, 32, 16383, 0, 0), -EINVAL);
	EXPECT(dbuf_create(2, 0, 64, 32, 16384, 0, 0), -EINVAL);
	EXPECT(dbuf_create(2, 64, 64, 12, 16384, 0, 0), -EINVAL);
	EXPECT(dbuf_create(2, 64, 64, 32, 16384, 0, 2), -EINVAL);
	EXPECT(dbuf_create(2, 8192, 8192, 32, 8192u * 8192 * 4, 0, 0), -E2BIG);
	EXPECT(dbuf_create(2, 64, 64, 32, 16384, 0,
			   XENDISPL_DBUF_FLG_REQ_ALLOC), -EOPNOTSUPP);
	/* A directory naming a page that is not granted. */
	write_dir(5, 0, (const uint32_t[]){ 1, 99 }, 2);
	EXPECT(dbuf_create(3, 64, 32, 32, 8192, 5, 0), -EINVAL);
	XD_ASSERT(fx.live_buffers == 1 && fx.live_mappings == 0,
		  "failed creates leave %u buffers, %u mappings",
		  fx.live_buffers, fx.live_mappings);

	EXPECT(fb_attach(9, 10, 64, 64, DRM_FORMAT_XRGB8888), -ENOENT);
	EXPECT(fb_attach(1, 10, 64, 64, 0x20202020), -EINVAL);
	EXPECT(fb_attach(1, 10, 65, 64, DRM_FORMAT_XRGB8888), -EINVAL);
	EXPECT(fb_attach(1, 10, 64, 65, DRM_FORMAT_XRGB8888), -EINVAL);
	EXPECT(fb_attach(1, 0, 64, 64, DRM_FORMAT_XRGB8888), -EINVAL);
	EXPECT(fb_attach(1, 10, 64, 64, DRM_FORMAT_XRGB8888), 0);
	EXPECT(fb_attach(1, 10, 64, 64, DRM_FORMAT_XRGB8888), -EEXIST);
	/* A narrower format fits in the same pitch. */
	EXPECT(fb_attach(1, 11, 128, 64, DRM_FORMAT_RGB565), 0);
	XD_ASSERT(sink.attached == 2, "sink has %u fbs", sink.attached);

	/* Destroying the buffer detaches its fbs. */
	req.op.dbuf_destroy.dbuf_cookie = 1;
	EXPECT(request(&req).status, 0);
	EXPECT(request(&req).status, -ENOENT);
	XD_ASSERT(sink.attached == 0 && fx.live_buffers == 0,
		  "destroy left %u fbs, %u buffers", sink.attached,
		  fx.live_buffers);
	teardown();
}

static void
test_flips(void)
{
	struct xendispl_event_page *page;
	struct xendispl_evt *evt;

	setup(false);
	write_dir(0, 0, four_refs, 4);
	EXPECT(dbuf_create(1, 64, 64, 32, 16384, 0, 0), 0);
	EXPECT(fb_attach(1, 10, 64, 64, DRM_FORMAT_XRGB8888), 0);
	EXPECT(page_flip(10), -EINVAL);		/* no mode set yet */
	EXPECT(set_config(10, 64, 64, 16), -EINVAL);
	EXPECT(set_config(10, 65, 64, 32), -EINVAL);
	EXPECT(set_config(11, 64, 64, 32), -ENOENT);
	EXPECT(set_config(10, 64, 64, 32), 0);
	EXPECT(page_flip(11), -ENOENT);
	EXPECT(page_flip(10), 0);
	EXPECT(page_flip(10), 0);
	EXPECT(page_flip(10), -EBUSY);		/* two still pending */
	XD_ASSERT(sink.flips == 2, "sink saw %u flips", sink.flips);

	xd_connector_flip_done(conn, 10);
	page = (struct xendispl_event_page *)fx.pages[EVT_PAGE];
	XD_ASSERT(page->in_prod == 1, "in_prod %u after one flip done",
		  page->in_prod);
	evt = &XENDISPL_IN_RING_REF(page, 0);
	XD_ASSERT(evt->type == XENDISPL_EVT_PG_FLIP &&
		  evt->op.pg_flip.fb_cookie == 10, "wrong flip event");
	XD_ASSERT(fx.notifications == 1, "guest not notified");
	EXPECT(page_flip(10), 0);

	/* A guest that never consumes events: they stop, nothing breaks. */
	page->in_cons = 0;
	for (int i = 0; i < 100; i++)
		xd_connector_flip_done(conn, 10);
	XD_ASSERT(page->in_prod == XENDISPL_IN_RING_LEN,
		  "in_prod %u overran a ring of %zu", page->in_prod,
		  (size_t)XENDISPL_IN_RING_LEN);

	EXPECT(set_config(0, 0, 0, 0), 0);	/* disable */
	EXPECT(page_flip(10), -EINVAL);
	teardown();
}

static void
test_quotas(void)
{
	uint32_t refs[XD_REFS_PER_DIR_PAGE];
	uint64_t cookie;
	uint32_t i;
	int32_t status = 0;

	setup(false);
	/* A directory that loops onto itself, naming page 1 throughout:
	 * the guest can make huge buffers cheaply, its budget of mapped
	 * pages (16384 by default) stops it: four of 4096 pages fit, the
	 * fifth does not. */
	for (i = 0; i < XD_REFS_PER_DIR_PAGE; i++)
		refs[i] = 1;
	write_dir(0, 0, refs, XD_REFS_PER_DIR_PAGE);
	for (cookie = 1; cookie < 100; cookie++) {
		status = dbuf_create(cookie, 4096, 1024, 32, 16u << 20, 0, 0);
		if (status)
			break;
	}
	XD_ASSERT(status == -ENOMEM && cookie == 5,
		  "buffer %llu got %d, want the 5th to get -ENOMEM",
		  (unsigned long long)cookie, status);
	/* One of 25600 pages never fits. */
	xd_displif_release_all(d);
	EXPECT(dbuf_create(1, 4096, 4096, 32, 100u << 20, 0, 0), -ENOMEM);

	for (cookie = 1; cookie < 100; cookie++) {
		status = dbuf_create(cookie, 64, 64, 32, 16384, 0, 0);
		if (status)
			break;
	}
	XD_ASSERT(status == -ENOMEM && cookie == XD_MAX_BUFFERS + 1,
		  "buffer %llu got %d, want -ENOMEM after %d",
		  (unsigned long long)cookie, status, XD_MAX_BUFFERS);
	teardown();
}

/* Framebuffers: at most 4 on a buffer, none larger than the modes the
 * connector was offered (640x480 here), and the guest's framebuffers
 * counted in its budget for as long as the sink holds them. */
static void
test_fb_bounds(void)
{
	struct xendispl_req edid = { .operation = XENDISPL_OP_GET_EDID };
	uint32_t refs[XD_REFS_PER_DIR_PAGE];
	uint32_t i;

	setup(false);
	for (i = 0; i < XD_REFS_PER_DIR_PAGE; i++)
		refs[i] = 1;
	write_dir(0, 0, refs, XD_REFS_PER_DIR_PAGE);
	/* 1024x1024 XRGB8888: large enough for any frame below. */
	EXPECT(dbuf_create(1, 1024, 1024, 32, 4u << 20, 0, 0), 0);
	EXPECT(fb_attach(1, 10, 641, 480, DRM_FORMAT_XRGB8888), -EINVAL);
	EXPECT(fb_attach(1, 10, 640, 481, DRM_FORMAT_XRGB8888), -EINVAL);
	for (i = 0; i < XD_MAX_FBS_PER_BUFFER; i++)
		EXPECT(fb_attach(1, 10 + i, 640, 480, DRM_FORMAT_XRGB8888),
		       0);
	EXPECT(fb_attach(1, 20, 640, 480, DRM_FORMAT_XRGB8888), -ENOMEM);
	EXPECT(set_config(10, 640, 480, 32), 0);

	/* An EDID offering more lets the guest show more, once it was
	 * answered with it. */
	sink.mode[0] = 800;
	sink.mode[1] = 600;
	sink.mode[2] = 60000;
	EXPECT(dbuf_create(2, 1024, 1024, 32, 4u << 20, 0, 0), 0);
	EXPECT(fb_attach(2, 30, 800, 600, DRM_FORMAT_XRGB8888), -EINVAL);
	write_dir(2, 0, (const uint32_t[]){ 3 }, 1);
	edid.op.get_edid.gref_directory = 2;
	edid.op.get_edid.buffer_sz = 4096;
	EXPECT(request(&edid).status, 0);
	EXPECT(fb_attach(2, 30, 800, 600, DRM_FORMAT_XRGB8888), 0);
	EXPECT(set_config(30, 800, 600, 32), 0);
	teardown();
}

static uint32_t
timing_width(const uint8_t *e)
{
	return e[56] | (e[58] >> 4) << 8;
}

static uint32_t
timing_height(const uint8_t *e)
{
	return e[59] | (e[61] >> 4) << 8;
}

/* Pixel clock over the whole frame, blanking included. */
static uint32_t
timing_refresh(const uint8_t *e)
{
	uint32_t clock = (e[54] | e[55] << 8) * 10000u;
	uint32_t htotal = timing_width(e) + (e[57] | (e[58] & 0xf) << 8);
	uint32_t vtotal = timing_height(e) + (e[60] | (e[61] & 0xf) << 8);

	return (clock + htotal * vtotal / 2) / (htotal * vtotal);
}

static void
test_edid_and_unknown(void)
{
	struct xendispl_req req = { .operation = XENDISPL_OP_GET_EDID };
	struct xendispl_resp resp;
	const uint8_t *edid = fx.pages[3];
	uint8_t sum = 0;
	int i;

	setup(false);
	write_dir(2, 0, (const uint32_t[]){ 3 }, 1);
	req.op.get_edid.gref_directory = 2;
	req.op.get_edid.buffer_sz = 64;
	EXPECT(request(&req).status, -EINVAL);
	req.op.get_edid.buffer_sz = XENDISPL_EDID_MAX_SIZE + 1;
	EXPECT(request(&req).status, -EINVAL);
	req.op.get_edid.buffer_sz = 4096;
	resp = request(&req);
	EXPECT(resp.status, 0);
	XD_ASSERT(resp.op.get_edid.edid_sz == 128, "edid_sz %u",
		  resp.op.get_edid.edid_sz);
	XD_ASSERT(edid[0] == 0 && edid[1] == 0xff && edid[7] == 0,
		  "no EDID header");
	for (i = 0; i < 128; i++)
		sum += edid[i];
	XD_ASSERT(sum == 0, "EDID checksum off by %u", sum);
	XD_ASSERT((edid[56] | (edid[58] >> 4) << 8) == 640 &&
		  (edid[59] | (edid[61] >> 4) << 8) == 480,
		  "preferred timing is not 640x480");
	XD_ASSERT(fx.live_mappings == 0, "EDID mapping not released");

	/* Following an output: its mode, and its refresh rate, win. */
	memcpy(sink.mode, (const uint32_t[]){ 1920, 1080, 75000 },
	       sizeof sink.mode);
	EXPECT(request(&req).status, 0);
	XD_ASSERT(timing_width(edid) == 1920 && timing_height(edid) == 1080,
		  "followed mode %ux%u", timing_width(edid),
		  timing_height(edid));
	XD_ASSERT(timing_refresh(edid) == 75, "refresh %u Hz",
		  timing_refresh(edid));
	/* An output no EDID can describe: the vdispl resolution again. */
	memcpy(sink.mode, (const uint32_t[]){ 5120, 2880, 60000 },
	       sizeof sink.mode);
	EXPECT(request(&req).status, 0);
	XD_ASSERT(timing_width(edid) == 640 && timing_height(edid) == 480,
		  "unrepresentable mode gave %ux%u", timing_width(edid),
		  timing_height(edid));
	XD_ASSERT(fx.live_mappings == 0, "EDID mapping not released");

	req.operation = 0x99;
	EXPECT(request(&req).status, -EOPNOTSUPP);
	teardown();

	XD_ASSERT(xd_edid_build(fx.pages[0], 4096, 100, 60, 0) == -EINVAL,
		  "EDID for 4096 wide accepted");
}

static void
test_be_alloc(void)
{
	uint32_t refs[4];

	setup(true);
	write_dir(0, 0, (const uint32_t[]){ 0, 0, 0, 0 }, 4);
	EXPECT(dbuf_create(1, 64, 64, 32, 16384, 0,
			   XENDISPL_DBUF_FLG_REQ_ALLOC), 0);
	memcpy(refs, fx.pages[0] + 4, sizeof refs);
	XD_ASSERT(refs[0] == 0x1000 && refs[3] == 0x1003,
		  "directory does not carry the backend's grants");
	EXPECT(fb_attach(1, 10, 64, 64, DRM_FORMAT_XRGB8888), 0);
	teardown();
}

int
main(void)
{
	test_buffers_and_fbs();
	test_flips();
	test_quotas();
	test_fb_bounds();
	test_edid_and_unknown();
	test_be_alloc();
	return 0;
}
