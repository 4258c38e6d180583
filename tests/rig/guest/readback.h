/* SPDX-License-Identifier: MIT */
/*
 * The be-alloc read-back of the rig (doc/rig.md): dom0 grants the pages of
 * one of its dma-bufs to a guest through the kmod (zcopy-probe readback),
 * the guest maps them (xd-readback) and checks every byte. Both ends agree
 * here on the bytes and on their XenStore nodes, under the guest's
 * /local/domain/DOMID/XD_READBACK_DIR:
 *
 *   pages, seed, refs   dom0: the buffer's size, its pattern, its grant refs
 *                       (decimal, space separated, page order)
 *   request             dom0, written last: "map SEQ", "unmap SEQ" or "end"
 *   result              guest: "SEQ ok BYTES", "SEQ mismatch at BYTE got X
 *                       want Y", "SEQ map-failed ERRNO", "SEQ unmapped",
 *                       "SEQ error WHAT"
 */
#ifndef XD_RIG_READBACK_H
#define XD_RIG_READBACK_H

#include <stddef.h>
#include <stdint.h>

#define XD_READBACK_DIR "data/zcopy-readback"
/* All refs must fit one XenStore value (4096 bytes). */
#define XD_READBACK_MAX_PAGES 512

/* Every 32-bit word differs from its neighbours and from the same word of
 * another page, so swapped, repeated or shifted pages all show.
 */
static inline uint8_t
xd_readback_byte(uint32_t seed, size_t i)
{
	uint32_t word = (uint32_t)(i / 4 + 1) * 0x9e3779b1u ^ seed;

	return (uint8_t)(word >> (8 * (i % 4)));
}

#endif
