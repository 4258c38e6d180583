/* SPDX-License-Identifier: MIT */
/*
 * The displif half of one guest device while it is connected: one
 * request ring and event page per connector, the guest's buffers and
 * framebuffers, and the calls into the display sink. The XenBus state
 * machine (vdispl-device.c) reads and validates the frontend's XenStore
 * nodes, creates this on Initialised and destroys it on disconnect.
 */

#ifndef XD_DISPLIF_H
#define XD_DISPLIF_H

#include <stdbool.h>
#include <stdint.h>

#include "display-sink.h"
#include "displif-limits.h"

struct xd_buffers;
struct xd_event_loop;
struct xd_xen;
struct xd_displif;

struct xd_displif_connector_config {
	uint32_t width;
	uint32_t height;
	char unique_id[XD_MAX_UNIQUE_ID + 1];
	uint32_t req_ring_ref;
	uint32_t req_port;	/* the guest's unbound ports */
	uint32_t evt_ring_ref;
	uint32_t evt_port;
};

struct xd_displif_config {
	uint32_t domid;
	bool be_alloc;		/* honour XENDISPL_DBUF_FLG_REQ_ALLOC */
	uint32_t num_connectors;
	struct xd_displif_connector_config connectors[XD_MAX_CONNECTORS];
};

/* The guest broke the protocol beyond an error status (a corrupt ring):
 * the owner disconnects it. Called from the event loop. */
typedef void (*xd_displif_fatal_func_t)(void *data, const char *why);

/* Maps the rings, binds the ports, adds the connectors to the sink; the
 * guest's buffers come from buffers (buffers/buffers.h). NULL on failure,
 * logged, with nothing left mapped or bound. */
struct xd_displif *
xd_displif_create(struct xd_xen *xen, struct xd_buffers *buffers,
		  struct xd_event_loop *loop,
		  const struct xd_display_sink_interface *sink_interface,
		  void *sink, const struct xd_displif_config *config,
		  xd_displif_fatal_func_t fatal, void *fatal_data);

/* Removes the connectors from the sink, detaches every fb and drops
 * every buffer, unbinds and unmaps. */
void
xd_displif_destroy(struct xd_displif *displif);

/* Flips completed (PG_FLIP_COMPLETE sent or due) on this connection. */
uint64_t
xd_displif_flips_done(struct xd_displif *displif);

/* An event on one of our ports (from the Xen listener). */
void
xd_displif_event(struct xd_displif *displif, uint32_t local_port);

#endif
