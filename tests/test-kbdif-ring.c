/* SPDX-License-Identifier: MIT */
/*
 * The vkbd event ring against a guest that reads, one that stops reading,
 * and one that lies about what it read: events arrive in order and
 * intact, a full ring drops instead of overwriting what the guest has not
 * read, and an impossible in_cons is reported as a corrupt ring.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/harness.h"
#include "kbdif/kbdif-ring.h"

static union xenkbd_in_event
key(uint32_t code)
{
	union xenkbd_in_event ev = { 0 };

	ev.key.type = XENKBD_TYPE_KEY;
	ev.key.pressed = 1;
	ev.key.keycode = code;
	return ev;
}

/* A guest that reads everything there is; returns how many. */
static uint32_t
guest_reads(struct xenkbd_page *page, uint32_t *next_code)
{
	uint32_t n = 0;

	while (page->in_cons != page->in_prod) {
		union xenkbd_in_event *ev =
			&XENKBD_IN_RING_REF(page, page->in_cons);

		XD_ASSERT(ev->type == XENKBD_TYPE_KEY &&
			  ev->key.keycode == *next_code,
			  "event %u: type %u code %u, want code %u",
			  page->in_cons, ev->type, ev->key.keycode,
			  *next_code);
		(*next_code)++;
		page->in_cons++;
		n++;
	}
	return n;
}

static void
in_order_across_wrap(uint32_t start)
{
	struct xenkbd_page *page = calloc(1, 4096);
	struct xd_kbdif_ring ring;
	uint32_t code = 0, sent = 0, seen = 0, i;

	page->in_prod = page->in_cons = start;
	xd_kbdif_ring_init(&ring, page);
	for (i = 0; i < 500; i++) {
		union xenkbd_in_event ev = key(sent);
		int ret = xd_kbdif_ring_push(&ring, &ev);

		/* Where the indexes wrap the ring may need the guest to
		 * read first; it never refuses a ring the guest emptied. */
		if (ret == -ENOSPC) {
			seen += guest_reads(page, &code);
			ret = xd_kbdif_ring_push(&ring, &ev);
		}
		XD_ASSERT(ret == 0, "push %u: %d", i, ret);
		sent++;
		if (i % 7 == 6)
			seen += guest_reads(page, &code);
	}
	seen += guest_reads(page, &code);
	XD_ASSERT(seen == sent, "guest saw %u of %u events", seen, sent);
	free(page);
}

static void
full_ring_drops(void)
{
	struct xenkbd_page *page = calloc(1, 4096);
	struct xd_kbdif_ring ring;
	uint32_t code = 0, i;
	union xenkbd_in_event ev;

	xd_kbdif_ring_init(&ring, page);
	for (i = 0; i < XENKBD_IN_RING_LEN; i++) {
		ev = key(i);
		XD_ASSERT(xd_kbdif_ring_push(&ring, &ev) == 0, "push %u", i);
	}
	ev = key(999);
	XD_ASSERT(xd_kbdif_ring_push(&ring, &ev) == -ENOSPC,
		  "a full ring accepted an event");
	/* Nothing the guest had not read was overwritten. */
	XD_ASSERT(guest_reads(page, &code) == XENKBD_IN_RING_LEN,
		  "lost events");
	ev = key(code);
	XD_ASSERT(xd_kbdif_ring_push(&ring, &ev) == 0,
		  "the ring stays full after the guest read it");
	free(page);
}

static void
lying_consumer(void)
{
	struct xenkbd_page *page = calloc(1, 4096);
	struct xd_kbdif_ring ring;
	union xenkbd_in_event ev = key(1);

	xd_kbdif_ring_init(&ring, page);
	XD_ASSERT(xd_kbdif_ring_push(&ring, &ev) == 0, "push");
	/* Claims to have read events that were never written. */
	page->in_cons = 5;
	XD_ASSERT(xd_kbdif_ring_push(&ring, &ev) == -EPROTO,
		  "in_cons ahead of in_prod not caught");
	page->in_cons = 1u - XENKBD_IN_RING_LEN - 1;
	XD_ASSERT(xd_kbdif_ring_push(&ring, &ev) == -EPROTO,
		  "in_cons a ring and more behind not caught");
	/* Our producer index is ours: the guest's in_prod does not move it. */
	page->in_cons = 1;
	page->in_prod = 40;
	XD_ASSERT(xd_kbdif_ring_push(&ring, &ev) == 0 && page->in_prod == 2,
		  "the guest's in_prod moved ours: %u", page->in_prod);
	free(page);
}

int
main(void)
{
	in_order_across_wrap(0);
	in_order_across_wrap(UINT32_MAX - 100);
	full_ring_drops();
	lying_consumer();
	return 0;
}
