/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "kbdif-ring.h"

/* The page is shared with the guest: order our writes against its reads
 * as the frontend's rmb()/mb() expect. */
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/* The ring's 51 slots do not divide 2^32: where the indexes wrap, two
 * consecutive ones share a slot. Never write over an event still unread
 * there; the guest, reading with the same macro, then sees every event. */
static bool
slot_unread(uint32_t prod, uint32_t cons)
{
	uint32_t i;

	for (i = cons; i != prod; i++)
		if (i % XENKBD_IN_RING_LEN == prod % XENKBD_IN_RING_LEN)
			return true;
	return false;
}

void
xd_kbdif_ring_init(struct xd_kbdif_ring *ring, struct xenkbd_page *page)
{
	ring->page = page;
	ring->prod = __atomic_load_n(&page->in_prod, __ATOMIC_RELAXED);
}

int
xd_kbdif_ring_push(struct xd_kbdif_ring *ring,
		   const union xenkbd_in_event *event)
{
	struct xenkbd_page *page = ring->page;
	uint32_t cons, used;

	/* Read the guest's index once; everything below uses the copy. */
	cons = __atomic_load_n(&page->in_cons, __ATOMIC_RELAXED);
	xen_mb();
	used = ring->prod - cons;
	if (used > XENKBD_IN_RING_LEN)
		return -EPROTO;
	if (used == XENKBD_IN_RING_LEN || slot_unread(ring->prod, cons))
		return -ENOSPC;

	memcpy(&XENKBD_IN_RING_REF(page, ring->prod), event, sizeof *event);
	xen_wmb();	/* the event before the index that publishes it */
	ring->prod++;
	__atomic_store_n(&page->in_prod, ring->prod, __ATOMIC_RELAXED);
	return 0;
}
