/* SPDX-License-Identifier: MIT */
/*
 * The contract between the backend's two halves.
 *
 * The displif half (displif/) speaks Xen: it validates the guest's requests
 * and owns the guest's buffers. The display sink (wayland/ in production, a
 * recorder in unit tests) shows connectors to a user. The displif half never
 * sees a Wayland object; the sink never sees a grant reference or a ring.
 */

#ifndef XD_DISPLAY_SINK_H
#define XD_DISPLAY_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest-buffer.h"

/*
 * A framebuffer (FB_ATTACH): a validated view into a guest buffer. Passed by
 * pointer for the duration of a call; a sink that keeps the pixels beyond the
 * call copies the fields and takes a buffer reference.
 */
struct xd_fb {
	uint64_t cookie;
	uint32_t width;
	uint32_t height;
	uint32_t drm_format;	/* DRM_FORMAT_*, one xen-drm-front offers */
	uint32_t pitch;		/* bytes per line, inferred and validated */
	uint32_t offset;	/* of the first pixel in the buffer (data_ofs) */
	struct xd_guest_buffer *buffer;
};

/* One of the guest's connectors, as the sink sees it. */
struct xd_connector_info {
	uint32_t index;		/* position in XenStore, 0-based */
	uint32_t width;		/* configured resolution */
	uint32_t height;
	const char *unique_id;	/* validated printable string */
};

/*
 * The displif half's end of one connector, given to the sink at
 * connector_add and valid until connector_remove returns: the sink hands
 * each flip it accepted back through flip_done(data, fb_cookie).
 */
struct xd_display_source {
	void (*flip_done)(void *data, uint64_t fb_cookie);
	void *data;
};

/*
 * What the displif half calls. Return values are 0 or a negative errno; the
 * displif half turns them into a status on the ring. 'sink' is the pointer
 * the sink was registered with; connector_data what connector_add returned.
 * set_config and page_flip only ever name fbs that fb_attach accepted.
 */
struct xd_display_sink_interface {
	/* The frontend connected: one call per connector, with the way
	 * back for its flips. The sink returns its own per-connector data,
	 * passed back in every later call. */
	void *(*connector_add)(void *sink,
			       const struct xd_display_source *source,
			       const struct xd_connector_info *info);

	/* The frontend disconnected: stop showing, drop everything. Buffers
	 * the compositor still holds are released by the sink later. */
	void (*connector_remove)(void *connector_data);

	/* FB_ATTACH: prepare fb for showing (import it into the compositor
	 * once, or set up a copy). An error refuses the FB_ATTACH. */
	int (*fb_attach)(void *sink, const struct xd_fb *fb);

	/* FB_DETACH, or its buffer's DBUF_DESTROY, or disconnect: the sink
	 * forgets fb_cookie and drops its buffer reference as soon as the
	 * compositor no longer reads it. */
	void (*fb_detach)(void *sink, uint64_t fb_cookie);

	/* SET_CONFIG: show fb at the given mode, or blank when fb is NULL. */
	int (*set_config)(void *connector_data, const struct xd_fb *fb);

	/* PG_FLIP: show fb. For every flip it accepts (returns 0), the sink
	 * calls source->flip_done() exactly once, when the compositor
	 * presented the frame or discarded it, never before. Flips still in
	 * flight at connector_remove are dropped, not completed. */
	int (*page_flip)(void *connector_data, const struct xd_fb *fb);

	/* GET_EDID: the mode to offer the guest as its preferred one when
	 * the connector follows a real output (0, with the mode filled in),
	 * or -ENOENT to keep the configured resolution. May be NULL. */
	int (*preferred_mode)(void *connector_data, uint32_t *width,
			      uint32_t *height, uint32_t *refresh_mhz);
};

#endif
