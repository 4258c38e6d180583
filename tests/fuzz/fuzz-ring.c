/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the ring pages a guest shares with a connector, through the code
 * that reads their indexes (displif/connector.c): the request ring's
 * req_prod, rsp_prod, req_event, rsp_event and slots, and the event
 * page's in_cons and in_prod, written by the guest whenever it likes
 * between our passes. A real displif (xd_displif_create()) over
 * fake-xen's pages: page 14 is the request ring, page 15 the event page.
 *
 * Input: HEADER_BYTES: the indexes the guest starts with (req_prod,
 * rsp_prod, in_prod, in_cons), then 256 bytes copied into pages 0 and 5
 * (page directories for requests that name them); then steps, each an
 * opcode byte and its arguments (see step()).
 *
 * Checks, beside the sanitizers: a pass handles at most the cap and
 * answers every request it consumed; a corrupt ring is refused only when
 * it was corrupt, and once; an event never overwrites one the guest has
 * not read, nor is one dropped while there was room; after the guest,
 * nothing stays mapped, bound or attached.
 *
 * Built with libFuzzer (-Dfuzz=true, clang), and always as a replay
 * program that runs the seed corpus in the default test run.
 */

#include <stdlib.h>
#include <string.h>

#include "buffers/buffers.h"
#include "displif/displif-internal.h"
#include "event-loop.h"
#include "fake-xen.h"

#define RING_PAGE 14
#define EVT_PAGE 15
#define DIR_BYTES 256
#define HEADER_BYTES (16 + DIR_BYTES)
#define RING_LEN 32u

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

struct input {
	const uint8_t *data;
	size_t size;
};

static uint8_t
take_u8(struct input *in)
{
	uint8_t v = 0;

	if (in->size) {
		v = in->data[0];
		in->data++;
		in->size--;
	}
	return v;
}

static uint32_t
take_u32(struct input *in)
{
	uint32_t v = 0;

	if (in->size >= 4) {
		memcpy(&v, in->data, 4);
		in->data += 4;
		in->size -= 4;
	} else {
		in->size = 0;
	}
	return v;
}

static unsigned int fatal_calls;

static void
on_fatal(void *data, const char *why)
{
	fatal_calls++;
}

/* Whether an event still unread (indexes cons .. prod-1) sits in the
 * slot index prod would take. */
static bool
slot_unread(uint32_t prod, uint32_t cons)
{
	uint32_t i;

	for (i = cons; i != prod; i++)
		if (i % XENDISPL_IN_RING_LEN == prod % XENDISPL_IN_RING_LEN)
			return true;
	return false;
}

/* One pass over the request ring (a notification, or the resume timer
 * when armed), and what must hold after it. */
static void
pass(struct xd_connector *c, struct xd_event_loop *loop)
{
	struct xen_displif_sring *s = c->ring.sring;
	RING_IDX cons = c->ring.req_cons;
	bool was_broken = c->broken;
	unsigned int fatal_before = fatal_calls;
	int tries;

	if (c->resume_pending) {
		/* A notification now would do nothing: let the timer run. */
		xd_displif_event(c->displif, c->req_port);
		check(c->ring.req_cons == cons);
		for (tries = 0; tries < 50 && c->resume_pending; tries++)
			xd_event_loop_dispatch(loop, 5);
		check(!c->resume_pending);
	} else {
		xd_displif_event(c->displif, c->req_port);
	}
	if (was_broken) {
		check(c->ring.req_cons == cons && fatal_calls == fatal_before);
		return;
	}
	check(c->ring.req_cons - cons <= XD_MAX_REQUESTS_PER_WAKEUP);
	/* Every request consumed was answered. */
	check(c->ring.req_cons == c->ring.rsp_prod_pvt);
	if (c->broken) {
		/* Refused once, and only for an index out of range. */
		check(fatal_calls == fatal_before + 1);
		check(s->req_prod - c->ring.req_cons > RING_LEN ||
		      s->req_prod - c->ring.rsp_prod_pvt > RING_LEN);
		return;
	}
	check(fatal_calls == fatal_before);
	check(s->rsp_prod == c->ring.rsp_prod_pvt);
	if (c->resume_pending)
		check(c->ring.req_cons - cons == XD_MAX_REQUESTS_PER_WAKEUP);
	else
		check(c->ring.req_cons == s->req_prod);
}

/* The sink completes a flip: one event, or none when the guest's ring
 * has no room for it. */
static void
flip_done(struct xd_connector *c, uint64_t cookie)
{
	struct xendispl_event_page *page = c->evt_page;
	uint32_t cons = page->in_cons, prod = c->evt_prod;
	bool room = prod - cons < XENDISPL_IN_RING_LEN &&
		    !slot_unread(prod, cons);
	struct xendispl_evt *e;

	xd_connector_flip_done(c, cookie);
	if (c->broken) {
		check(c->evt_prod == prod);
		return;
	}
	if (!room) {
		check(c->evt_prod == prod);
		return;
	}
	check(c->evt_prod == prod + 1);
	check(page->in_prod == prod + 1);
	e = &XENDISPL_IN_RING_REF(page, prod);
	check(e->type == XENDISPL_EVT_PG_FLIP &&
	      e->op.pg_flip.fb_cookie == cookie);
}

static void
step(struct xd_connector *c, struct xd_event_loop *loop, struct input *in)
{
	struct xen_displif_sring *s = c->ring.sring;
	struct xendispl_event_page *page = c->evt_page;
	uint8_t op = take_u8(in), arg = take_u8(in);
	uint32_t v;

	switch (op % 8) {
	case 0:		/* the guest writes a request into slot arg */
		v = in->size < sizeof(struct xendispl_req) ?
		    in->size : sizeof(struct xendispl_req);
		memcpy(RING_GET_REQUEST(&c->ring, arg), in->data, v);
		in->data += v;
		in->size -= v;
		break;
	case 1:		/* ... moves req_prod by a little */
		s->req_prod += (int8_t)arg;
		break;
	case 2:		/* ... anywhere */
		s->req_prod = take_u32(in);
		break;
	case 3:		/* ... and notifies */
		pass(c, loop);
		break;
	case 4:		/* the guest reads events, or says it did */
		page->in_cons = page->in_prod + (int8_t)arg;
		break;
	case 5:
		page->in_cons = take_u32(in);
		break;
	case 6:		/* a flip completes */
		flip_done(c, arg);
		break;
	case 7:		/* the guest scribbles on what is ours */
		v = take_u32(in);
		switch (arg % 4) {
		case 0:
			s->rsp_prod = v;
			break;
		case 1:
			s->req_event = v;
			break;
		case 2:
			s->rsp_event = v;
			break;
		default:
			page->in_prod = v;
			break;
		}
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_xen fx;
	static struct xd_event_loop *loop;
	struct fake_sink sink = { 0 };
	struct xd_displif_config config = {
		.domid = 1, .num_connectors = 1,
		.connectors = { {
			.width = 1024, .height = 768, .unique_id = "0",
			.req_ring_ref = fake_ref(RING_PAGE), .req_port = 1,
			.evt_ring_ref = fake_ref(EVT_PAGE), .evt_port = 2,
		} },
	};
	struct input in = { data, size };
	struct xen_displif_sring *s;
	struct xendispl_event_page *page;
	struct xd_buffers *buffers;
	struct xd_displif *d;

	if (size < HEADER_BYTES)
		return 0;
	if (!loop)
		loop = xd_event_loop_create();
	check(loop != NULL);
	fake_xen_init(&fx);
	fatal_calls = 0;

	s = (struct xen_displif_sring *)fx.pages[RING_PAGE];
	page = (struct xendispl_event_page *)fx.pages[EVT_PAGE];
	s->req_prod = take_u32(&in);
	s->rsp_prod = take_u32(&in);
	s->req_event = s->rsp_event = 1;
	page->in_prod = take_u32(&in);
	page->in_cons = take_u32(&in);
	memcpy(fx.pages[0], in.data, DIR_BYTES);
	memcpy(fx.pages[5], in.data, DIR_BYTES);
	in.data += DIR_BYTES;
	in.size -= DIR_BYTES;

	buffers = fake_buffers_create(&fx);
	check(buffers != NULL);
	/* Requests queued before we bound are served at once. */
	d = xd_displif_create(&fx.base, buffers, loop, &fake_sink_interface,
			      &sink, &config, on_fatal, NULL);
	check(d != NULL);
	check(fatal_calls <= 1);

	while (in.size)
		step(&d->connectors[0], loop, &in);

	xd_displif_destroy(d);
	xd_buffers_destroy(buffers);
	check(fx.live_mappings == 0 && fx.live_buffers == 0 &&
	      fx.bound_ports == 0 && sink.attached == 0);
	return 0;
}
