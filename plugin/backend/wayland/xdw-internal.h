/* SPDX-License-Identifier: MIT */
/*
 * Shared by the files of the Wayland half; not used outside it.
 *
 * Names: xdw_ ("xen-display, Wayland side") for everything internal to the
 * half, so that wl_, wp_, zwp_ and xdg_ only ever mean libwayland and the
 * protocols; xd_wayland_ is the half's public face (wayland-sink.h).
 *
 * One file per stage, each calling only the files listed before it (the
 * connection's context, struct xd_wayland, is data all of them read):
 *
 *   xdw-trace.c       per-flip times for benchmarks (XD_FLIP_TRACE)
 *   xdw-fb-check.c    a guest framebuffer's fields checked against its
 *                     buffer: arithmetic alone, no Wayland (the fuzzer's)
 *   xdw-fb.c          a guest framebuffer as a wl_buffer: the guest's
 *                     dma-buf imported once, or shm copies per flip; the
 *                     dma-buf formats the compositor imports
 *   xdw-input.c       the compositor's seats: input on our surfaces becomes
 *                     xd_input_events in the guest's pixels
 *   xdw-blank.c       a blank pixel shown before a surface goes, so the
 *                     compositor lets go of the guest's last frame
 *   xdw-surface.c     a screen's wl_surface: its xdg role, or the module's
 *                     pinned placement, the viewport that fits it
 *   xdw-flip.c        flips in flight: frame callbacks, the fallback
 *                     timer, stats; hands each completion back to the
 *                     displif half through its struct xd_display_source
 *   xdw-screen.c      one guest connector shown as a screen: the sink's
 *                     per-connector calls, and the commit that joins an fb,
 *                     the surface and a flip
 *   xdw-connection.c  the compositor connection (globals, event loop hook),
 *                     xd_wayland_create() and the sink interface table
 *
 * The lower files call upwards only through callbacks the upper ones
 * registered (xdw_surface::on_configure, libwayland's listeners).
 */

#ifndef XD_XDW_INTERNAL_H
#define XD_XDW_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <wayland-client.h>

#include "display-sink.h"
#include "input-sink.h"

struct xd_event_loop;
struct xd_event_source;
struct xdw_dmabuf_format;
struct xdw_fb_copy;
struct xdw_flip;
struct xen_display_connector_v1;

/* xdw-connection.c: the connection to the compositor, the half's context. */
struct xd_wayland {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct xdg_wm_base *wm_base;
	struct wl_shm *shm;
	struct zwp_linux_dmabuf_v1 *dmabuf;	/* xdw-fb.c's */
	struct wp_viewporter *viewporter;
	/* Only when launched by xen-display.so: placement and logging. */
	struct xen_display_manager_v1 *manager;
	bool launched_by_module;
	struct xdw_dmabuf_format *dmabuf_formats;
	struct wl_event_queue *import_queue;	/* for synchronous imports */
	struct xd_event_loop *loop;
	struct xd_event_source *source;
	struct wl_list fbs;			/* struct xdw_fb::link */
	uint64_t fb_serial;			/* the last fb's */
	struct wl_list seats;			/* struct xdw_seat::link */
	xd_input_handler_t input_handler;	/* NULL: input is dropped */
	void *input_data;
	char *label;
	uint32_t domid;
};

/* --- xdw-trace.c --------------------------------------------------------- */

/* A completed flip, when XD_FLIP_TRACE is set; repainted: the compositor
 * took it into a repaint (else replaced, or completed by the fallback). */
void
xdw_trace_flip(uint32_t conn, bool repainted, uint64_t committed_ns,
	       bool copied);

void
xdw_trace_flush(void);

/* --- xdw-fb.c ------------------------------------------------------------ */

/* One guest framebuffer as the compositor sees it. */
struct xdw_fb {
	struct wl_list link;		/* xd_wayland::fbs */
	struct xd_wayland *wayland;
	struct xd_fb fb;		/* a copy; fb.buffer is referenced */
	bool detached;			/* the guest let go of it */
	uint64_t serial;		/* unique in the connection */
	int kept;			/* screens that showed it last */
	int on_screens;			/* surfaces it is attached to */

	/* Zero copy: one wl_buffer over the guest's dma-buf. */
	struct wl_buffer *dmabuf_buffer;
	bool dmabuf_busy;		/* attached, release not seen yet */

	/* Copy path: shm buffers the pixels are converted into per flip,
	 * from a CPU view of the guest buffer. */
	struct xdw_fb_copy *copies;
	struct wl_list waiters;		/* xdw_fb_waiter::link */
	const uint8_t *cpu;		/* byte 0 of the guest buffer */
	void *cpu_map;			/* our own mapping of its dma-buf */
	size_t cpu_map_size;
	const char *why_copy;		/* for the log */
};

/* Waits for the compositor to release a buffer of an fb (xdw_fb_wait()):
 * a copy to show, or the dma-buf a flip replaced. */
struct xdw_fb_waiter {
	struct wl_list link;		/* xdw_fb::waiters, or empty */
	/* Called once, off the list; a screen waiting for a copy takes it
	 * with xdw_fb_get_buffer() there, before it is freed. */
	void (*notify)(struct xdw_fb_waiter *waiter);
};

/* The registry announced linux-dmabuf (v3 or later) as global 'name':
 * binds it and learns the formats it imports. */
void
xdw_fb_bind_dmabuf(struct xd_wayland *wayland, uint32_t name);

struct xdw_fb *
xdw_fb_find(struct xd_wayland *wayland, uint64_t cookie);

/* The fb with that serial, detached or not, or NULL once freed. */
struct xdw_fb *
xdw_fb_find_serial(struct xd_wayland *wayland, uint64_t serial);

/* A screen shows fb, or showed it just before (keep), or no longer did
 * either: only such fbs keep a spare copy for the next flip. */
void
xdw_fb_keep(struct xdw_fb *fb, bool keep);

/* Sets *buffer to the wl_buffer that shows fb's current pixels (copying
 * them if fb is on the copy path), marked busy until the compositor
 * releases it. 0; -EBUSY when the compositor holds every copy fb may
 * have (one comes back: xdw_fb_wait()); -ENOMEM. */
int
xdw_fb_get_buffer(struct xdw_fb *fb, struct wl_buffer **buffer);

/* waiter (its link initialised) is told when the compositor releases a
 * buffer of fb (a copy, or its dma-buf); it stops waiting where it waited
 * before. An fb freed first just drops
 * its waiters. */
void
xdw_fb_wait(struct xdw_fb *fb, struct xdw_fb_waiter *waiter);

/* waiter stops waiting, if it was. */
void
xdw_fb_wait_cancel(struct xdw_fb_waiter *waiter);

int
xdw_fb_attach(struct xd_wayland *wayland, const struct xd_fb *fb);

void
xdw_fb_detach(struct xd_wayland *wayland, uint64_t cookie);

/* Frees every fb at disconnect (buffers the compositor holds included:
 * the connection is going away with them), and linux-dmabuf. */
void
xdw_fb_destroy_all(struct xd_wayland *wayland);

/* --- xdw-input.c --------------------------------------------------------- */

/* What input needs of a surface it may deliver to: the user data of each
 * of our wl_surfaces, kept current by xdw-surface.c. */
struct xdw_input_target {
	struct xd_wayland *wayland;	/* whose surface it is */
	uint32_t index;			/* the guest's connector */
	const char *unique_id;
	uint32_t width, height;		/* the picture shown, guest pixels */
	int32_t surface_w, surface_h;	/* its size in surface coordinates
					 * (viewport), 0: the picture's */
};

void
xdw_input_add_seat(struct xd_wayland *wayland, uint32_t name,
		   uint32_t version);

void
xdw_input_remove_seat(struct xd_wayland *wayland, uint32_t name);

void
xdw_input_destroy_all(struct xd_wayland *wayland);

/* target goes away: what the guest holds pressed through it is released. */
void
xdw_input_forget(struct xd_wayland *wayland, struct xdw_input_target *target);

/* --- xdw-blank.c --------------------------------------------------------- */

/* Shows one blank pixel on surface and waits up to timeout_ms for the
 * compositor to have drawn it, so that it drops the textures of the
 * guest's last frame. */
void
xdw_blank_and_wait(struct xd_wayland *wayland, struct wl_surface *surface,
		   int timeout_ms);

/* --- xdw-surface.c ------------------------------------------------------- */

/* A screen's wl_surface and where it goes. */
struct xdw_surface {
	struct xd_wayland *wayland;
	struct wl_surface *surface;
	struct xdw_input_target target;	/* the surface's user data */
	char *unique_id;
	uint32_t mode_w, mode_h;	/* configured resolution */

	/* The module's placement client: NULL when not launched by it. */
	struct xen_display_connector_v1 *module_connector;
	bool placement_known;
	bool pinned;			/* placed by the module, no role */
	/* The mode of the output it follows (w, h, mHz), or zeros. */
	uint32_t output_mode[3];

	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	bool configured;		/* may show a buffer */
	int32_t bound_w, bound_h;	/* the shell's size limit, 0: none */
	int32_t pending_w, pending_h;	/* from the configure in progress */

	struct wp_viewport *viewport;
	int32_t dest_w, dest_h;		/* viewport destination, 0: none */
	bool viewport_sent;		/* dest_w, dest_h are the surface's */
	uint32_t shown_w, shown_h;	/* the buffer attached, 0: none */

	/* The shell configured the surface: for the first time (it may show
	 * a buffer now), or with a new size limit. */
	void (*on_configure)(struct xdw_surface *surface, bool first);
};

/* Creates the surface, asks the module how to place it (when launched by
 * it) and gives it its role. -ENOMEM, or 0. */
int
xdw_surface_init(struct xdw_surface *surface, struct xd_wayland *wayland,
		 const struct xd_connector_info *info,
		 void (*on_configure)(struct xdw_surface *surface, bool first));

void
xdw_surface_fini(struct xdw_surface *surface);

/* Attaches a buffer of width x height, fitted to the shell's limit; the
 * caller commits. */
void
xdw_surface_attach(struct xdw_surface *surface, struct wl_buffer *buffer,
		   uint32_t width, uint32_t height);

/* Display off: unmaps the surface and gets ready to map it again. */
void
xdw_surface_unmap(struct xdw_surface *surface);

/* The mode of the output the module placed the surface on, when it
 * follows one (0), or -ENOENT. */
int
xdw_surface_preferred_mode(struct xdw_surface *surface, uint32_t *width,
			   uint32_t *height, uint32_t *refresh_mhz);

/* --- xdw-flip.c ---------------------------------------------------------- */

#define XDW_STATS_SAMPLES 256

/* Figures over one stats period, for the module's log scope. */
struct xdw_flip_stats {
	uint32_t flips;
	uint32_t copied;
	uint32_t n_samples;
	uint32_t latency_us[XDW_STATS_SAMPLES];	/* commit -> completed */
};

/* A screen's flips, from PG_FLIP until the displif half hears they are
 * done. */
struct xdw_flip_queue {
	struct xd_wayland *wayland;
	uint32_t index;			/* the guest's connector, for logs */
	struct xd_display_source source;	/* where completions go */
	struct xen_display_connector_v1 *stats_to;	/* or NULL */
	struct wl_list flips;		/* xdw_flip::link, oldest first */
	/* The fallback's and the stats' one timer (xdw-flip.c). */
	struct xd_event_source *tick;
	bool tick_armed;
	uint64_t last_flip_ms;		/* when the newest flip came */
	uint64_t last_done_ms;		/* the last completed at a repaint */
	uint64_t period_start_ms;	/* of the stats: the last tick */
	struct xdw_flip_stats stats;
};

int
xdw_flip_queue_init(struct xdw_flip_queue *queue, struct xd_wayland *wayland,
		    uint32_t index, const struct xd_display_source *source);

/* The guest is gone: drops its flips without completing them. */
void
xdw_flip_queue_fini(struct xdw_flip_queue *queue);

/* A flip of fb_cookie, queued; NULL when out of memory. Then either
 * xdw_flip_accept() or xdw_flip_cancel(). */
struct xdw_flip *
xdw_flip_new(struct xdw_flip_queue *queue, uint64_t fb_cookie);

/* The flip is the guest's to wait for: it completes when the compositor
 * took it into a repaint and released the buffer it replaced, or after
 * the fallback time. */
void
xdw_flip_accept(struct xdw_flip *flip);

/* The flip could not be shown: forgotten, never completed. */
void
xdw_flip_cancel(struct xdw_flip *flip);

/* A newer flip replaced this accepted one before it was committed: it
 * completes now, its frame never shown, as the compositor discards a
 * commit replaced before its repaint. */
void
xdw_flip_skip(struct xdw_flip *flip);

/* Asks for the frame callback of surface's next commit for flip, which
 * replaces fb 'replaced' on it (NULL: none, or the same fb again). */
void
xdw_flip_watch(struct xdw_flip *flip, struct wl_surface *surface,
	       bool copied, struct xdw_fb *replaced);

/* The newest flip when no commit carries it yet, else NULL. */
struct xdw_flip *
xdw_flip_queue_unwatched(struct xdw_flip_queue *queue);

/* --- xdw-screen.c: the sink's per-connector calls ------------------------ */

void *
xdw_screen_add(void *sink, const struct xd_display_source *source,
	       const struct xd_connector_info *info);

void
xdw_screen_remove(void *screen);

int
xdw_screen_set_config(void *screen, const struct xd_fb *fb);

int
xdw_screen_page_flip(void *screen, const struct xd_fb *fb);

int
xdw_screen_preferred_mode(void *screen, uint32_t *width, uint32_t *height,
			  uint32_t *refresh_mhz);

#endif
