/* SPDX-License-Identifier: MIT */
/*
 * The in ring of a vkbd event page (xen/io/kbdif.h): we are its only
 * producer and keep the producer index to ourselves; the guest consumes
 * and writes in_cons, which is therefore untrusted.
 */

#ifndef XD_KBDIF_RING_H
#define XD_KBDIF_RING_H

#include <stdint.h>

#include <xen/io/kbdif.h>

struct xd_kbdif_ring {
	struct xenkbd_page *page;	/* the guest's page, mapped */
	uint32_t prod;			/* ours; what the page says is not */
};

/* Starts producing where the guest's page says the ring is (a fresh
 * page is zero; a page a guest hands back after a backend restart may
 * hold events it has not consumed yet). */
void
xd_kbdif_ring_init(struct xd_kbdif_ring *ring, struct xenkbd_page *page);

/*
 * Copies event into the ring and publishes it. 0 on success; -ENOSPC
 * when the guest has not consumed the ring (the event is dropped: a
 * guest that stops reading must not make us queue without bound); -EPROTO
 * when in_cons claims more than the ring holds (a corrupt ring).
 */
int
xd_kbdif_ring_push(struct xd_kbdif_ring *ring,
		   const union xenkbd_in_event *event);

#endif
