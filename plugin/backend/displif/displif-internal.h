/* SPDX-License-Identifier: MIT */
/*
 * State shared by the displif files: the connector transport
 * (connector.c) and the request handlers (requests.c).
 */

#ifndef XD_DISPLIF_INTERNAL_H
#define XD_DISPLIF_INTERNAL_H

#include "xen-displif.h"
#include "displif.h"

struct xd_dbuf {
	bool used;
	bool be_alloc;
	uint64_t cookie;
	uint32_t width;
	uint32_t height;
	uint32_t bpp;
	uint32_t pitch;		/* inferred from buffer_sz */
	uint32_t size;		/* buffer_sz */
	uint32_t data_ofs;
	struct xd_guest_buffer *buffer;
};

struct xd_fbuf {
	bool used;
	uint32_t dbuf;		/* index into dbufs */
	struct xd_fb fb;
};

struct xd_connector {
	struct xd_displif *displif;
	uint32_t index;
	struct xd_displif_connector_config config;
	/* The largest mode offered the guest on this connector: the
	 * configured resolution, and any EDID it was answered with. A
	 * frame larger than that is refused. */
	uint32_t offered_w, offered_h;

	struct xen_displif_back_ring ring;
	void *ring_page;
	uint32_t req_port;	/* our ends */
	struct xendispl_event_page *evt_page;
	uint32_t evt_port;
	uint32_t evt_prod;
	uint16_t evt_id;
	bool evt_overflow_logged;

	struct xd_event_source *resume;	/* more requests than one wake-up */
	bool resume_pending;		/* armed: notifications wait for it */
	struct xd_display_source source;	/* the sink's way back */
	void *sink_data;
	uint64_t shown_fb;		/* 0 while disabled */
	uint32_t pending_flips;
	bool broken;
};

struct xd_displif {
	struct xd_xen *xen;
	struct xd_buffers *buffers;
	struct xd_event_loop *loop;
	const struct xd_display_sink_interface *sink_interface;
	void *sink;
	uint32_t domid;
	bool be_alloc;
	xd_displif_fatal_func_t fatal;
	void *fatal_data;
	bool failed;

	uint32_t num_connectors;
	struct xd_connector connectors[XD_MAX_CONNECTORS];
	struct xd_dbuf dbufs[XD_MAX_BUFFERS];
	struct xd_fbuf fbs[XD_MAX_FBS];
	uint64_t flips_done;
	uint32_t refusals_logged;	/* requests answered with an error */
};

/* requests.c: one request, already copied out of the ring. */
void
xd_displif_handle_request(struct xd_connector *connector,
			  const struct xendispl_req *req,
			  struct xendispl_resp *resp);

/* requests.c: frees every fb and buffer (disconnect). */
void
xd_displif_release_all(struct xd_displif *displif);

/* connector.c: queue XENDISPL_EVT_PG_FLIP for fb_cookie. */
void
xd_connector_send_flip_event(struct xd_connector *connector,
			     uint64_t fb_cookie);

/* connector.c: the sink completed the flip of fb_cookie (presented or
 * discarded); what source.flip_done calls. */
void
xd_connector_flip_done(struct xd_connector *connector, uint64_t fb_cookie);

#endif
