/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: a guest that writes whatever it likes into in_cons
 * and in_prod of its vkbd event page while we produce. Each input byte
 * pair is one step: push an event, or the guest reads some, or the guest
 * overwrites an index. Checks, beside the sanitizers: we never have more
 * than a ring's worth unread, never write over an event the guest has
 * not read, and a ring we refuse as corrupt really was.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kbdif/kbdif-ring.h"

static void
check(int cond)
{
	if (!cond)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static union {
		struct xenkbd_page page;
		uint8_t bytes[4096];
	} shared;
	/* Which index each slot last received, to catch overwrites. */
	uint32_t slot_index[XENKBD_IN_RING_LEN];
	bool slot_used[XENKBD_IN_RING_LEN] = { false };
	struct xd_kbdif_ring ring;
	union xenkbd_in_event ev = { 0 };
	uint32_t start = 0;
	size_t i;
	int ret;

	memset(&shared, 0, sizeof shared);
	if (size >= 4) {
		memcpy(&start, data, 4);
		data += 4;
		size -= 4;
	}
	shared.page.in_prod = shared.page.in_cons = start;
	xd_kbdif_ring_init(&ring, &shared.page);

	for (i = 0; i + 1 < size; i += 2) {
		uint8_t op = data[i], arg = data[i + 1];
		uint32_t cons = shared.page.in_cons, prod = ring.prod;
		uint32_t slot = prod % XENKBD_IN_RING_LEN;

		switch (op % 4) {
		case 0:		/* we push */
			ev.key.type = XENKBD_TYPE_KEY;
			ev.key.keycode = prod;
			ret = xd_kbdif_ring_push(&ring, &ev);
			if (ret == 0) {
				/* An event the guest had not read there? */
				check(!slot_used[slot] ||
				      slot_index[slot] - cons >= prod - cons);
				check(ring.prod - cons <= XENKBD_IN_RING_LEN);
				slot_used[slot] = true;
				slot_index[slot] = prod;
			} else if (ret == -EPROTO) {
				check(prod - cons > XENKBD_IN_RING_LEN);
			} else {
				check(ret == -ENOSPC);
			}
			break;
		case 1:		/* the guest reads up to arg events */
			while (arg-- && shared.page.in_cons != ring.prod)
				shared.page.in_cons++;
			break;
		case 2:		/* the guest moves in_cons anywhere */
			shared.page.in_cons = cons + (int8_t)arg;
			break;
		case 3:		/* the guest scribbles on in_prod */
			shared.page.in_prod = (uint32_t)arg * 0x01010101u;
			break;
		}
	}
	return 0;
}
