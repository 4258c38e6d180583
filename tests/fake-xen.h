/* SPDX-License-Identifier: MIT */
/*
 * An in-memory stand-in for the Xen access layer, the buffer providers
 * and the display sink, for unit tests and the fuzzer of the displif half:
 * "guest memory" is an array of pages indexed by grant ref, buffers are
 * plain memory (provider 'fake'), and the sink records what it was asked.
 */

#ifndef XD_FAKE_XEN_H
#define XD_FAKE_XEN_H

#include <stdbool.h>
#include <stdint.h>

#include "display-sink.h"
#include "xen/xen-access.h"

#define FAKE_PAGES 16

struct fake_xen {
	struct xd_xen base;
	uint8_t pages[FAKE_PAGES][XD_XEN_PAGE_SIZE];
	uint32_t live_mappings;		/* gnt_map minus unmap */
	uint32_t live_buffers;
	uint32_t notifications;
	uint32_t bound_ports;		/* evtchn_bind minus unbind */
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

struct xd_displif;

/* A connected displif with one connector of width x height over fx and
 * sink, its event page fx's page evt_page, as xd_displif_create() leaves
 * it but without rings: requests go straight to
 * xd_displif_handle_request() on its connectors[0]. */
struct xd_displif *
fake_displif_create(struct fake_xen *fx, struct fake_sink *sink,
		    uint32_t domid, bool be_alloc, uint32_t width,
		    uint32_t height, uint32_t evt_page);

/* Releases everything the displif holds and frees it; true when nothing
 * leaked: no buffer, no mapping, no fb still attached in the sink. */
bool
fake_displif_destroy(struct xd_displif *d, struct fake_xen *fx,
		     struct fake_sink *sink);

struct xd_buffers;

/* The buffer providers of fx ('fake'), for xd_displif_create() itself:
 * with them, and fx's event channels (any remote port binds, as local
 * port remote + 100), a displif maps its rings from fx's pages. */
struct xd_buffers *
fake_buffers_create(struct fake_xen *fx);

/* Grant ref r names page r; refs >= FAKE_PAGES are refused. */
static inline uint32_t
fake_ref(uint32_t page)
{
	return page;
}

#endif
