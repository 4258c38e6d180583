/* SPDX-License-Identifier: MIT */
/*
 * Hostile frontends against the real backend process. In every case a
 * second, well-behaved guest is connected to its own backend and must
 * still flip afterwards, the backend serving the hostile guest must not
 * crash, and the hostile guest gets an error status or a disconnect.
 * doc/hostile-guests.md lists the rules.
 *
 *   test-hostile CASE | --list          (a case is an XD_TEST below)
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include "event-loop.h"
#include "harness/harness.h"
#include "sim/backend-process.h"
#include "sim/sim-front.h"
#include "sim/sim-hv.h"

#include <xen/io/xenbus.h>

#define BAD 1
#define GOOD 2
#define TIMEOUT_MS 10000

static struct xd_weston *weston;
static struct xd_event_loop *loop;
static struct xd_sim_hv *hv;
static char sim_socket[256];
static struct xd_sim_front *good, *bad;
static int backend_pids[2];
static uint16_t next_id = 1000;

static void
kill_backends(void)
{
	int i;

	for (i = 0; i < 2; i++)
		xd_backend_kill(backend_pids[i]);
}

static bool
backend_alive(int index)
{
	return xd_backend_alive(backend_pids[index]);
}

static struct xd_sim_front *
make_guest(uint32_t domid, const char *name, const char *resolution)
{
	struct xd_sim_front_config config = {
		.domid = domid,
		.num_connectors = 1,
		.connectors = { { 320, 240, "conn0" } },
	};
	char path[128];

	XD_ASSERT(xd_sim_hv_domain_create(hv, domid, name, 16384) == 0,
		  "domain %u", domid);
	XD_ASSERT(xd_sim_toolstack_add_vdispl(hv, &config) == 0,
		  "toolstack");
	if (resolution) {
		snprintf(path, sizeof path,
			 "/local/domain/%u/device/vdispl/0/0/resolution", domid);
		XD_ASSERT(xd_sim_xs_write(hv, domid, path, resolution) == 0,
			  "guest cannot write its own resolution node");
	}
	backend_pids[domid - 1] = xd_backend_spawn(weston, sim_socket, domid,
						   false);
	return xd_sim_front_create(hv, loop, &config);
}

static void
setup(const char *bad_resolution)
{
	struct xd_weston_options opt = { .width = 320, .height = 240 };
	char dir[] = "/tmp/xd-hostile-XXXXXX";

	weston = xd_weston_start(&opt);
	XD_ASSERT(mkdtemp(dir), "mkdtemp");
	snprintf(sim_socket, sizeof sim_socket, "%s/sim.sock", dir);
	loop = xd_event_loop_create();
	hv = xd_sim_hv_create(loop, sim_socket);
	XD_ASSERT(hv, "simulator");
	atexit(kill_backends);
	good = make_guest(GOOD, "good", NULL);
	bad = make_guest(BAD, "bad", bad_resolution);
	XD_ASSERT(xd_sim_front_connect(good, TIMEOUT_MS) == 0,
		  "the good guest does not connect");
}

/* The good guest modesets once and flips: its flip completes. */
static void
good_guest_flips(int frames)
{
	static struct xd_sim_buffer *buf;
	int i;

	if (!buf) {
		XD_ASSERT(xd_sim_front_dbuf_create(good, 0, 1, 320, 240, 32, 0,
						   &buf) == 0, "good dbuf");
		XD_ASSERT(xd_sim_front_fb_attach(good, 0, buf, 2, 320, 240,
						 DRM_FORMAT_XRGB8888) == 0,
			  "good fb");
		XD_ASSERT(xd_sim_front_set_config(good, 0, 2, 320, 240, 32) ==
			  0, "good set_config");
	}
	for (i = 0; i < frames; i++) {
		memset(buf->pixels, i * 40, buf->size);
		XD_ASSERT(xd_sim_front_page_flip(good, 0, 2) == 0,
			  "good flip refused");
		XD_ASSERT(xd_sim_front_wait_flip_done(good, 0, 2,
						      TIMEOUT_MS) == 0,
			  "good guest's flip did not complete");
	}
}

static void
finish(bool bad_backend_must_live)
{
	good_guest_flips(3);
	XD_ASSERT(backend_alive(GOOD - 1), "good guest's backend died");
	if (bad_backend_must_live)
		XD_ASSERT(backend_alive(BAD - 1),
			  "the hostile guest crashed its backend");
	XD_ASSERT(kill(weston->pid, 0) == 0, "Weston died");
	xd_weston_stop(weston);
}

static int32_t
raw(uint8_t op, const void *payload, size_t size)
{
	struct xendispl_req req = { .id = next_id++, .operation = op };
	struct xendispl_resp resp;
	int ret;

	memcpy(&req.op, payload, size);
	ret = xd_sim_front_request_raw(bad, 0, &req, &resp, TIMEOUT_MS);
	XD_ASSERT(ret == 0, "no response to op %#x: %d", op, ret);
	XD_ASSERT(resp.id == req.id && resp.operation == op,
		  "response does not echo the request");
	return resp.status;
}

static bool
wait_backend_state(struct xd_sim_front *f, int state, int timeout_ms)
{
	for (; timeout_ms > 0; timeout_ms -= 20) {
		if (xd_sim_front_backend_state(f) == state)
			return true;
		xd_event_loop_dispatch(loop, 20);
	}
	return false;
}

/* --- the cases ------------------------------------------------------ */

XD_TEST(ring_index_overrun)
{
	struct xen_displif_sring *sring;

	setup(NULL);
	XD_ASSERT(xd_sim_front_connect(bad, TIMEOUT_MS) == 0, "connect");
	sring = xd_sim_front_req_sring(bad, 0);
	sring->req_prod += 1000;
	xd_sim_front_kick(bad, 0);
	XD_ASSERT(wait_backend_state(bad, XenbusStateClosing, TIMEOUT_MS),
		  "a corrupt ring did not disconnect the guest (state %d)",
		  xd_sim_front_backend_state(bad));
	finish(true);
}

XD_TEST(garbage_requests)
{
	struct xendispl_req req;
	struct xendispl_resp resp;
	unsigned int seed = 1;
	int i, j, errors = 0;

	setup(NULL);
	XD_ASSERT(xd_sim_front_connect(bad, TIMEOUT_MS) == 0, "connect");
	for (i = 0; i < 300; i++) {
		uint8_t *b = (uint8_t *)&req;

		for (j = 0; j < (int)sizeof req; j++)
			b[j] = rand_r(&seed);
		req.id = next_id++;
		req.operation = 0x10 + i % 8;	/* every op, and one unknown */
		XD_ASSERT(xd_sim_front_request_raw(bad, 0, &req, &resp,
						   TIMEOUT_MS) == 0,
			  "request %d unanswered", i);
		if (resp.status < 0)
			errors++;
	}
	XD_ASSERT(errors >= 290, "only %d of 300 garbage requests refused",
		  errors);
	finish(true);
}

XD_TEST(unknown_operation)
{
	uint8_t zero[56] = { 0 };

	setup(NULL);
	XD_ASSERT(xd_sim_front_connect(bad, TIMEOUT_MS) == 0, "connect");
	XD_ASSERT(raw(0x42, zero, sizeof zero) == -EOPNOTSUPP,
		  "unknown op not -EOPNOTSUPP");
	finish(true);
}

XD_TEST(oversized_buffer)
{
	struct xendispl_dbuf_create_req c = {
		.dbuf_cookie = 1, .width = 100000, .height = 100000,
		.bpp = 32, .buffer_sz = 0xffffffff,
	};

	setup(NULL);
	XD_ASSERT(xd_sim_front_connect(bad, TIMEOUT_MS) == 0, "connect");
	XD_ASSERT(raw(XENDISPL_OP_DBUF_CREATE, &c, sizeof c) == -EINVAL,
		  "100000x100000 accepted");
	c.width = 8192;
	c.height = 8192;
	XD_ASSERT(raw(XENDISPL_OP_DBUF_CREATE, &c, sizeof c) == -E2BIG,
		  "4 GiB buffer accepted");
	finish(true);
}

/* A directory whose next link points at itself, for a 64 MiB buffer:
 * the walk stops after the pages the size needs. */
XD_TEST(directory_loop)
{
	struct xendispl_dbuf_create_req c = {
		.dbuf_cookie = 1, .width = 4096, .height = 4096, .bpp = 32,
		.buffer_sz = 4096u * 4096 * 4,
	};
	uint32_t refs[2], pfn, *dir;
	uint32_t i;

	setup(NULL);
	XD_ASSERT(xd_sim_front_connect(bad, TIMEOUT_MS) == 0, "connect");
	XD_ASSERT(xd_sim_front_grant_pages(bad, 2, &pfn, refs) == 0, "grant");
	dir = xd_sim_mem_ptr(hv, BAD, pfn);
	dir[0] = refs[0];			/* next: itself */
	for (i = 1; i < 1024; i++)
		dir[i] = refs[1];		/* every page: the same one */
	c.gref_directory = refs[0];
	/* Accepted or refused, it must be answered, and quickly. */
	(void)raw(XENDISPL_OP_DBUF_CREATE, &c, sizeof c);
	finish(true);
}

/* Refs the hostile guest did not grant to us map nothing: an unused
 * ref, and a page it granted to some other domain. */
XD_TEST(foreign_grant)
{
	struct xendispl_dbuf_create_req c = {
		.dbuf_cookie = 1, .width = 64, .height = 16, .bpp = 32,
		.buffer_sz = 4096,
	};
	uint32_t dir_ref[1], dir_pfn, other_ref, *dir;
	int64_t pfn;

	setup(NULL);
	XD_ASSERT(xd_sim_front_connect(bad, TIMEOUT_MS) == 0, "connect");
	XD_ASSERT(xd_sim_front_grant_pages(bad, 1, &dir_pfn, dir_ref) == 0,
		  "grant");
	pfn = xd_sim_mem_alloc(hv, BAD, 1);
	XD_ASSERT(pfn >= 0, "guest memory");
	XD_ASSERT(xd_sim_gnt_grant(hv, BAD, 3, pfn, false, &other_ref) == 0,
		  "grant to domain 3");
	dir = xd_sim_mem_ptr(hv, BAD, dir_pfn);
	dir[0] = 0;
	dir[1] = 4000;			/* never granted */
	c.gref_directory = dir_ref[0];
	XD_ASSERT(raw(XENDISPL_OP_DBUF_CREATE, &c, sizeof c) == -EINVAL,
		  "an ungranted ref was mapped");
	dir[1] = other_ref;		/* granted, but to domain 3 */
	XD_ASSERT(raw(XENDISPL_OP_DBUF_CREATE, &c, sizeof c) == -EINVAL,
		  "a page granted to another domain was mapped");
	finish(true);
}

XD_TEST(cookies)
{
	struct xd_sim_buffer *buf;
	struct xendispl_fb_attach_req a = {
		.dbuf_cookie = 77, .fb_cookie = 5, .width = 64, .height = 64,
		.pixel_format = DRM_FORMAT_XRGB8888,
	};
	struct xendispl_page_flip_req p = { .fb_cookie = 999 };
	struct xendispl_dbuf_destroy_req d = { .dbuf_cookie = 12345 };

	setup(NULL);
	XD_ASSERT(xd_sim_front_connect(bad, TIMEOUT_MS) == 0, "connect");
	XD_ASSERT(xd_sim_front_dbuf_create(bad, 0, 77, 64, 64, 32, 0, &buf) ==
		  0, "dbuf");
	XD_ASSERT(xd_sim_front_dbuf_create(bad, 0, 77, 64, 64, 32, 0, &buf) ==
		  -EEXIST, "duplicate dbuf cookie accepted");
	XD_ASSERT(raw(XENDISPL_OP_FB_ATTACH, &a, sizeof a) == 0, "fb");
	XD_ASSERT(raw(XENDISPL_OP_FB_ATTACH, &a, sizeof a) == -EEXIST,
		  "duplicate fb cookie accepted");
	XD_ASSERT(raw(XENDISPL_OP_PG_FLIP, &p, sizeof p) == -ENOENT,
		  "flip of a dangling fb cookie accepted");
	XD_ASSERT(raw(XENDISPL_OP_DBUF_DESTROY, &d, sizeof d) == -ENOENT,
		  "destroy of a dangling dbuf cookie accepted");
	finish(true);
}

XD_TEST(quota)
{
	struct xd_sim_buffer *buf;
	int ret = 0, i;

	setup(NULL);
	XD_ASSERT(xd_sim_front_connect(bad, TIMEOUT_MS) == 0, "connect");
	for (i = 0; i < 100 && ret == 0; i++)
		ret = xd_sim_front_dbuf_create(bad, 0, 100 + i, 32, 32, 32, 0,
					       &buf);
	XD_ASSERT(ret == -ENOMEM && i == 65,
		  "buffer %d got %d, want -ENOMEM after 64", i, ret);
	finish(true);
}

XD_TEST(event_flood)
{
	int i;

	setup(NULL);
	XD_ASSERT(xd_sim_front_connect(bad, TIMEOUT_MS) == 0, "connect");
	for (i = 0; i < 100000; i++) {
		xd_sim_front_kick(bad, 0);
		if (i % 1000 == 0)
			xd_event_loop_dispatch(loop, 0);
	}
	finish(true);
}

static void
bad_resolution(const char *value)
{
	setup(value);
	XD_ASSERT(xd_sim_front_connect(bad, 3000) < 0,
		  "connected with resolution '%s'", value);
	XD_ASSERT(xd_sim_front_backend_state(bad) != XenbusStateConnected,
		  "backend Connected with resolution '%s'", value);
	finish(true);
}

XD_TEST(resolution_syntax)
{
	bad_resolution("640x480x");
}

XD_TEST(resolution_range)
{
	bad_resolution("99999x1");
}

XD_TEST(resolution_long)
{
	char value[400];

	memset(value, '1', sizeof value - 1);
	value[sizeof value - 1] = '\0';
	bad_resolution(value);
}
