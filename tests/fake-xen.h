/* SPDX-License-Identifier: MIT */
/*
 * An in-memory stand-in for the Xen access layer and the display sink,
 * for unit tests and the fuzzer of the displif half: "guest memory" is
 * an array of pages indexed by grant ref, buffers are plain memory, and
 * the sink records what it was asked.
 */

#ifndef XD_FAKE_XEN_H
#define XD_FAKE_XEN_H

#include <stdint.h>

#include "display-sink.h"
#include "xen/xen-impl.h"

#define FAKE_PAGES 16

struct fake_xen {
	struct xd_xen base;
	uint8_t pages[FAKE_PAGES][XD_XEN_PAGE_SIZE];
	uint32_t live_mappings;		/* gnt_map minus unmap */
	uint32_t live_buffers;
	uint32_t notifications;
};

struct fake_sink {
	uint32_t attached;		/* fb_attach minus fb_detach */
	uint32_t configs;
	uint32_t flips;
	uint64_t last_flip;
	uint32_t mode[3];		/* preferred_mode's answer; 0: none */
};

extern const struct xd_display_sink_interface fake_sink_interface;

void
fake_xen_init(struct fake_xen *fx);

/* Grant ref r names page r; refs >= FAKE_PAGES are refused. */
static inline uint32_t
fake_ref(uint32_t page)
{
	return page;
}

#endif
