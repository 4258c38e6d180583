/* SPDX-License-Identifier: MIT */
/* Shared by the files of the Wayland half; not used outside it. */

#ifndef XD_WL_INTERNAL_H
#define XD_WL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <wayland-client.h>

#include "display-sink.h"
#include "input-sink.h"

struct xd_event_loop;
struct xd_event_source;
struct wl_connector;
struct wl_shm_copy;

/* A format the compositor imports as a dma-buf with the linear layout. */
struct wl_dmabuf_format {
	uint32_t drm_format;
	struct wl_dmabuf_format *next;
};

struct xd_wayland {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct xdg_wm_base *wm_base;
	struct wl_shm *shm;
	struct zwp_linux_dmabuf_v1 *dmabuf;
	struct wp_presentation *presentation;
	struct wp_viewporter *viewporter;
	clockid_t presentation_clock;
	/* Only when launched by xen-display.so: placement and logging. */
	struct xen_display_manager_v1 *manager;
	bool launched_by_module;
	struct wl_dmabuf_format *dmabuf_formats;
	struct wl_event_queue *import_queue;	/* for synchronous imports */
	struct xd_event_loop *loop;
	struct xd_event_source *source;
	struct wl_list fbs;			/* struct wl_fb::link */
	struct wl_list seats;			/* struct wl_input_seat::link */
	xd_input_handler_t input_handler;	/* NULL: input is dropped */
	void *input_data;
	char *label;
	uint32_t domid;
};

/* One guest framebuffer as the compositor sees it. */
struct wl_fb {
	struct wl_list link;		/* xd_wayland::fbs */
	struct xd_wayland *wayland;
	struct xd_fb fb;		/* a copy; fb.buffer is referenced */
	bool detached;			/* the guest let go of it */

	/* Zero copy: one wl_buffer over the guest's dma-buf. */
	struct wl_buffer *dmabuf_buffer;
	bool dmabuf_busy;		/* attached, release not seen yet */

	/* Copy path: shm buffers the pixels are converted into per flip,
	 * from a CPU view of the guest buffer. */
	struct wl_shm_copy *copies;
	const uint8_t *cpu;		/* byte 0 of the guest buffer */
	void *cpu_map;			/* our own mapping of its dma-buf */
	size_t cpu_map_size;
	const char *why_copy;		/* for the log */
};

bool
wl_dmabuf_supports(struct xd_wayland *wayland, uint32_t drm_format);

struct wl_fb *
wl_fb_find(struct xd_wayland *wayland, uint64_t cookie);

/* The wl_buffer that shows fb's current pixels (copying them if fb is on
 * the copy path), marked busy until the compositor releases it. */
struct wl_buffer *
wl_fb_get_buffer(struct wl_fb *fb);

int
wl_fb_attach(struct xd_wayland *wayland, const struct xd_fb *fb);

void
wl_fb_detach(struct xd_wayland *wayland, uint64_t cookie);

/* Frees every fb at disconnect (buffers the compositor holds included:
 * the connection is going away with them). */
void
wl_fb_destroy_all(struct xd_wayland *wayland);

/* wl-blank.c: shows one blank pixel on surface and waits up to
 * timeout_ms for the compositor to have drawn it, so that it drops the
 * textures of the guest's last frame. */
void
wl_show_blank_and_wait(struct xd_wayland *wayland, struct wl_surface *surface,
		       int timeout_ms);

void *
wl_connector_add(void *sink, struct xd_connector *connector,
		 const struct xd_connector_info *info);

void
wl_connector_remove(void *connector_data);

int
wl_connector_set_config(void *connector_data, const struct xd_fb *fb);

int
wl_connector_page_flip(void *connector_data, const struct xd_fb *fb);

int
wl_connector_preferred_mode(void *connector_data, uint32_t *width,
			    uint32_t *height, uint32_t *refresh_mhz);

/* The connector whose surface this is, or NULL (not ours, or gone). */
struct wl_connector *
wl_connector_from_surface(struct xd_wayland *wayland,
			  struct wl_surface *surface);

/* An input event for c at surface-local (sx, sy), in the pixels of the
 * picture c shows. */
void
wl_connector_input_event(struct wl_connector *c, enum xd_input_kind kind,
			 wl_fixed_t sx, wl_fixed_t sy,
			 struct xd_input_event *ev);

/* wl-input.c: the compositor's seats, and the input they give our
 * surfaces while they hold its focus. */
void
wl_input_add_seat(struct xd_wayland *wayland, uint32_t name,
		  uint32_t version);

void
wl_input_remove_seat(struct xd_wayland *wayland, uint32_t name);

void
wl_input_destroy_all(struct xd_wayland *wayland);

/* c goes away: what the guest holds pressed through it is released. */
void
wl_input_forget_connector(struct xd_wayland *wayland, struct wl_connector *c);

/* wl-trace.c: per-flip times for benchmarks, when XD_FLIP_TRACE is set. */
void
xd_flip_trace(uint32_t conn, clockid_t clock, const struct timespec *presented,
	      uint64_t committed_ns, bool copied);

void
xd_flip_trace_flush(void);

#endif
