/* SPDX-License-Identifier: MIT */
/*
 * A simulated xen-drm-front: the guest side of displif as Linux's driver
 * does it (drivers/gpu/drm/xen: probe order, XenStore nodes, rings, the
 * per-request timeout, frame-done handling), driven step by step by a
 * test. Plus the toolstack's part (what libxl writes for a vdispl line)
 * and raw access for hostile-guest tests.
 *
 * Calls that wait run the xd_event_loop until their answer arrives or
 * timeout_ms passes (-ETIMEDOUT). Request calls return the status the
 * backend put on the ring (0 or a negative errno), or -ETIMEDOUT.
 */

#ifndef XD_SIM_FRONT_H
#define XD_SIM_FRONT_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/io/displif.h>

struct xd_event_loop;
struct xd_sim_hv;
struct xd_sim_front;

#define XD_SIM_MAX_CONNECTORS 4

struct xd_sim_front_config {
	uint32_t domid;			/* the guest; created by the caller */
	uint32_t devid;			/* vdispl device index, usually 0 */
	uint32_t backend_domid;		/* 0 */
	bool be_alloc;			/* toolstack's be-alloc flag */
	uint32_t num_connectors;
	struct {
		uint32_t width;
		uint32_t height;
		const char *unique_id;
	} connectors[XD_SIM_MAX_CONNECTORS];
};

/* The toolstack: writes backend and frontend directories as libxl does
 * for vdispl = [ 'backend=0,be-alloc=..,connectors=id:WxH;...' ]. */
int
xd_sim_toolstack_add_vdispl(struct xd_sim_hv *hv,
			    const struct xd_sim_front_config *config);

/* Removes both directories (xl destroy / device detach). */
void
xd_sim_toolstack_remove_vdispl(struct xd_sim_hv *hv, uint32_t domid,
			       uint32_t devid, uint32_t backend_domid);

struct xd_sim_front *
xd_sim_front_create(struct xd_sim_hv *hv, struct xd_event_loop *loop,
		    const struct xd_sim_front_config *config);

/* Frees everything the front owns (its grants, ports, memory). Does not
 * touch XenStore state: call disconnect first for a clean close. */
void
xd_sim_front_destroy(struct xd_sim_front *front);

/* xen-drm-front's probe: waits for the backend's InitWait, checks
 * versions, allocates rings and ports per connector, publishes them,
 * goes Initialised, waits for Connected and goes Connected. */
int
xd_sim_front_connect(struct xd_sim_front *front, int timeout_ms);

/* Closing -> Closed, as on driver unbind or guest shutdown; waits for
 * the backend to follow to Closed or InitWait. */
int
xd_sim_front_disconnect(struct xd_sim_front *front, int timeout_ms);

/* The guest shuts down or reboots (xenbus's shutdown hook, not the
 * driver's remove): a Connected front goes Closing, waits up to 5 s for
 * the backend's Closing, goes Closed and frees what it shared.
 * -ETIMEDOUT when the backend kept the guest waiting all 5 s. */
int
xd_sim_front_shutdown(struct xd_sim_front *front);

/* Whether the last disconnect gave up waiting (1 s) for the backend to
 * reach InitWait while the front was Closing: the real driver then logs
 * "Backend state is ... while removing driver" and goes on. */
bool
xd_sim_front_remove_timed_out(struct xd_sim_front *front);

/* Bumped each time the frontend (re)connects: buffers of an earlier
 * connection are gone, as after xen-drm-front re-probes. */
uint32_t
xd_sim_front_generation(struct xd_sim_front *front);

/* The frontend state machine's view of the backend's XenbusState. */
int
xd_sim_front_backend_state(struct xd_sim_front *front);

/* A display buffer in guest memory (or be-alloc memory of dom0). */
struct xd_sim_buffer {
	uint64_t cookie;
	uint32_t width;
	uint32_t height;
	uint32_t bpp;
	uint32_t pitch;		/* as the guest's DRM computes it */
	uint32_t size;		/* buffer_sz sent */
	uint32_t num_pages;
	void *pixels;		/* the test's view, pitch * height bytes */
	bool be_alloc;
};

/* DBUF_CREATE: allocates guest pages (or asks the backend to when
 * config.be_alloc), grants them and writes the page directory. pitch 0
 * means the 6.12 rule (width * bpp / 8). */
int
xd_sim_front_dbuf_create(struct xd_sim_front *front, uint32_t conn,
			 uint64_t cookie, uint32_t width, uint32_t height,
			 uint32_t bpp, uint32_t pitch,
			 struct xd_sim_buffer **out);

int
xd_sim_front_dbuf_destroy(struct xd_sim_front *front, uint32_t conn,
			  struct xd_sim_buffer *buffer);

int
xd_sim_front_fb_attach(struct xd_sim_front *front, uint32_t conn,
		       const struct xd_sim_buffer *buffer, uint64_t fb_cookie,
		       uint32_t width, uint32_t height, uint32_t fourcc);

int
xd_sim_front_fb_detach(struct xd_sim_front *front, uint32_t conn,
		       uint64_t fb_cookie);

/* fb_cookie 0 disables the connector. */
int
xd_sim_front_set_config(struct xd_sim_front *front, uint32_t conn,
			uint64_t fb_cookie, uint32_t width, uint32_t height,
			uint32_t bpp);

int
xd_sim_front_page_flip(struct xd_sim_front *front, uint32_t conn,
		       uint64_t fb_cookie);

/* PG_FLIP without waiting for its response, for loops driving many
 * guests at once (each guest is a VM of its own: one guest's wait does
 * not hold up another's flip). One request at a time per connector
 * still: the caller sends the next one after this one's response. */
int
xd_sim_front_page_flip_nowait(struct xd_sim_front *front, uint32_t conn,
			      uint64_t fb_cookie);

/* The status the backend answered the last request on conn with, or
 * -EINPROGRESS while its response has not come. */
int
xd_sim_front_last_status(struct xd_sim_front *front, uint32_t conn);

/* Waits for the XENDISPL_EVT_PG_FLIP of fb_cookie on conn. */
int
xd_sim_front_wait_flip_done(struct xd_sim_front *front, uint32_t conn,
			    uint64_t fb_cookie, int timeout_ms);

/* Called for each PG_FLIP event as the frontend takes it off the event
 * page (benchmarks timestamp it there); NULL stops the calls. */
typedef void (*xd_sim_flip_listener_t)(void *data, uint32_t conn,
				       uint64_t fb_cookie);

void
xd_sim_front_set_flip_listener(struct xd_sim_front *front,
			       xd_sim_flip_listener_t listener, void *data);

/* PG_FLIP events received on conn so far. */
uint32_t
xd_sim_front_flips_done(struct xd_sim_front *front, uint32_t conn);

/* GET_EDID into a granted guest buffer; *size gets edid_sz. */
int
xd_sim_front_get_edid(struct xd_sim_front *front, uint32_t conn,
		      uint8_t *edid, uint32_t max_size, uint32_t *size);

/* --- Raw access for hostile-guest tests ---------------------------- */

/* Puts req on the ring as is (id included), notifies, and waits for the
 * response with that id. */
int
xd_sim_front_request_raw(struct xd_sim_front *front, uint32_t conn,
			 const struct xendispl_req *req,
			 struct xendispl_resp *resp, int timeout_ms);

/* The shared request ring page and the event page of conn, to corrupt. */
struct xen_displif_sring *
xd_sim_front_req_sring(struct xd_sim_front *front, uint32_t conn);

struct xendispl_event_page *
xd_sim_front_event_page(struct xd_sim_front *front, uint32_t conn);

/* Puts copies of req (each with an id of its own) on every free slot of
 * conn's ring and notifies once, without waiting: their responses are
 * consumed and dropped as they come. A flood of real requests. Returns
 * how many were put, or a negative errno. */
int
xd_sim_front_request_fill(struct xd_sim_front *front, uint32_t conn,
			  const struct xendispl_req *req);

/* Notifies conn's request port without touching the ring. */
int
xd_sim_front_kick(struct xd_sim_front *front, uint32_t conn);

/* Called once the front has published every connector's ring refs and
 * event channels, just before it goes Initialised: a hostile test
 * rewrites those nodes there, as the guest, before the backend reads
 * them. NULL removes it. */
typedef void (*xd_sim_front_publish_hook_t)(void *data,
					     struct xd_sim_front *front);

void
xd_sim_front_set_publish_hook(struct xd_sim_front *front,
			      xd_sim_front_publish_hook_t hook, void *data);

/* Grants count fresh guest pages (pfn in *pfn) to the backend and
 * returns their refs, for hand-made page directories. */
int
xd_sim_front_grant_pages(struct xd_sim_front *front, uint32_t count,
			 uint32_t *pfn, uint32_t *refs);

#endif
