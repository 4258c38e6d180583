/* SPDX-License-Identifier: MIT */
/*
 * The backend's connection to the compositor: globals and the event loop
 * hook; the half's public entry points and its display sink interface.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "event-loop.h"
#include "log.h"
#include "linux-dmabuf-v1-client-protocol.h"
#include "viewporter-client-protocol.h"
#include "wayland-sink.h"
#include "xdw-internal.h"
#include "xdg-shell-client-protocol.h"
#include "xen-display-private-v1-client-protocol.h"

static void
wm_base_ping(void *data, struct xdg_wm_base *wm_base, uint32_t serial)
{
	xdg_wm_base_pong(wm_base, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = {
	wm_base_ping,
};

static void
log_to_module(void *data, const char *line)
{
	struct xd_wayland *w = data;

	xen_display_manager_v1_log(w->manager, line);
}

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version)
{
	struct xd_wayland *w = data;

	if (strcmp(interface, wl_compositor_interface.name) == 0) {
		w->compositor = wl_registry_bind(registry, name,
						 &wl_compositor_interface, 4);
	} else if (strcmp(interface, xdg_wm_base_interface.name) == 0) {
		w->wm_base = wl_registry_bind(registry, name,
					      &xdg_wm_base_interface, 1);
		xdg_wm_base_add_listener(w->wm_base, &wm_base_listener, w);
	} else if (strcmp(interface, wl_shm_interface.name) == 0) {
		w->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
	} else if (strcmp(interface,
			  zwp_linux_dmabuf_v1_interface.name) == 0 &&
		   version >= 3) {
		xdw_fb_bind_dmabuf(w, name);
	} else if (strcmp(interface, wp_viewporter_interface.name) == 0) {
		w->viewporter = wl_registry_bind(registry, name,
						 &wp_viewporter_interface, 1);
	} else if (strcmp(interface, wl_seat_interface.name) == 0) {
		xdw_input_add_seat(w, name, version);
	} else if (strcmp(interface,
			  xen_display_manager_v1_interface.name) == 0 &&
		   w->launched_by_module) {
		w->manager = wl_registry_bind(registry, name,
					      &xen_display_manager_v1_interface,
					      1);
	}
}

static void
registry_global_remove(void *data, struct wl_registry *registry,
		       uint32_t name)
{
	xdw_input_remove_seat(data, name);
}

static const struct wl_registry_listener registry_listener = {
	registry_global, registry_global_remove,
};

/* The loop saw the socket readable: read and dispatch without
 * wl_display_dispatch()'s poll, one syscall less per wakeup. Events
 * already queued (prepare_read refuses) are dispatched first; what is
 * still on the socket wakes the loop again. */
static int
read_and_dispatch(struct wl_display *display)
{
	if (wl_display_prepare_read(display) == 0 &&
	    wl_display_read_events(display) < 0)
		return -1;
	return wl_display_dispatch_pending(display);
}

static void
handle_display_fd(int fd, uint32_t mask, void *data)
{
	struct xd_wayland *wayland = data;

	if (mask & (EPOLLERR | EPOLLHUP) ||
	    read_and_dispatch(wayland->display) < 0) {
		xd_log("lost the compositor connection\n");
		xd_event_source_remove(wayland->source);
		wayland->source = NULL;
	}
}

void
xd_wayland_set_input_handler(struct xd_wayland *wayland,
			     xd_input_handler_t handler, void *data)
{
	wayland->input_handler = handler;
	wayland->input_data = data;
}

struct xd_wayland *
xd_wayland_create(struct xd_event_loop *loop, const char *label,
		  uint32_t domid)
{
	struct xd_wayland *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	wl_list_init(&w->fbs);
	wl_list_init(&w->seats);
	w->loop = loop;
	w->label = strdup(label);
	w->domid = domid;
	/* xen-display.so hands its backends a socket of their own;
	 * anything else (a developer, a test) connects by name and must
	 * not bind the module's private protocol. */
	w->launched_by_module = getenv("WAYLAND_SOCKET") != NULL;
	w->display = wl_display_connect(NULL);
	if (!w->display) {
		xd_log("cannot connect to the compositor "
			"(is WAYLAND_DISPLAY set?)\n");
		goto err;
	}
	w->import_queue = wl_display_create_queue(w->display);
	w->registry = wl_display_get_registry(w->display);
	wl_registry_add_listener(w->registry, &registry_listener, w);
	/* Globals, then the dma-buf formats they announce. */
	if (wl_display_roundtrip(w->display) < 0 ||
	    wl_display_roundtrip(w->display) < 0)
		goto err;
	if (!w->compositor || !w->wm_base || !w->shm) {
		xd_log("the compositor lacks wl_compositor, "
			"xdg_wm_base or wl_shm\n");
		goto err;
	}
	if (w->manager)
		xd_log_set_handler(log_to_module, w);
	if (!w->dmabuf)
		xd_log("the compositor imports no dma-bufs "
			"(pixman renderer?): every frame will be copied\n");
	w->source = xd_event_loop_add_fd(loop, wl_display_get_fd(w->display),
					 EPOLLIN, handle_display_fd, w);
	if (!w->source)
		goto err;
	return w;

err:
	xd_wayland_destroy(w);
	return NULL;
}

void
xd_wayland_destroy(struct xd_wayland *w)
{
	xdw_fb_destroy_all(w);
	xdw_input_destroy_all(w);
	if (w->manager) {
		xd_log_set_handler(NULL, NULL);
		xen_display_manager_v1_destroy(w->manager);
	}
	if (w->source)
		xd_event_source_remove(w->source);
	if (w->viewporter)
		wp_viewporter_destroy(w->viewporter);
	if (w->shm)
		wl_shm_destroy(w->shm);
	if (w->wm_base)
		xdg_wm_base_destroy(w->wm_base);
	if (w->compositor)
		wl_compositor_destroy(w->compositor);
	if (w->registry)
		wl_registry_destroy(w->registry);
	if (w->import_queue)
		wl_event_queue_destroy(w->import_queue);
	if (w->display)
		wl_display_disconnect(w->display);
	free(w->label);
	free(w);
}

int
xd_wayland_flush(struct xd_wayland *wayland)
{
	if (!wayland->source)
		return -1;
	wl_display_dispatch_pending(wayland->display);
	if (wl_display_flush(wayland->display) < 0 && errno != EAGAIN)
		return -1;
	return 0;
}

static int
sink_fb_attach(void *sink, const struct xd_fb *fb)
{
	return xdw_fb_attach(sink, fb);
}

static void
sink_fb_detach(void *sink, uint64_t cookie)
{
	xdw_fb_detach(sink, cookie);
}

const struct xd_display_sink_interface xd_wayland_sink_interface = {
	.connector_add = xdw_screen_add,
	.connector_remove = xdw_screen_remove,
	.fb_attach = sink_fb_attach,
	.fb_detach = sink_fb_detach,
	.set_config = xdw_screen_set_config,
	.page_flip = xdw_screen_page_flip,
	.preferred_mode = xdw_screen_preferred_mode,
};
