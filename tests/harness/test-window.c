/* SPDX-License-Identifier: MIT */
/*
 * A known client: one toplevel of one colour, by wl_shm or by dma-buf.
 */

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <wayland-client.h>

#include "harness.h"
#include "linux-dmabuf-v1-client-protocol.h"
#include "shm-file.h"
#include "xdg-shell-client-protocol.h"

struct xd_test_window {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct xdg_wm_base *wm_base;
	struct zwp_linux_dmabuf_v1 *dmabuf;

	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	struct wl_buffer *buffer;
	void *map;
	size_t size;
	int fd;
	bool configured;
	bool drawn;
};

static void
wm_base_ping(void *data, struct xdg_wm_base *wm_base, uint32_t serial)
{
	xdg_wm_base_pong(wm_base, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = {
	wm_base_ping,
};

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version)
{
	struct xd_test_window *w = data;

	if (strcmp(interface, wl_compositor_interface.name) == 0) {
		w->compositor = wl_registry_bind(registry, name,
						 &wl_compositor_interface, 4);
	} else if (strcmp(interface, wl_shm_interface.name) == 0) {
		w->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
	} else if (strcmp(interface, xdg_wm_base_interface.name) == 0) {
		w->wm_base = wl_registry_bind(registry, name,
					      &xdg_wm_base_interface, 1);
		xdg_wm_base_add_listener(w->wm_base, &wm_base_listener, w);
	} else if (strcmp(interface,
			  zwp_linux_dmabuf_v1_interface.name) == 0 &&
		   version >= 3) {
		w->dmabuf = wl_registry_bind(registry, name,
					     &zwp_linux_dmabuf_v1_interface, 3);
	}
}

static void
registry_global_remove(void *data, struct wl_registry *registry,
		       uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	registry_global, registry_global_remove,
};

static void
xdg_surface_configure(void *data, struct xdg_surface *xdg_surface,
		      uint32_t serial)
{
	struct xd_test_window *w = data;

	xdg_surface_ack_configure(xdg_surface, serial);
	w->configured = true;
}

static const struct xdg_surface_listener xdg_surface_listener = {
	xdg_surface_configure,
};

static void
frame_done(void *data, struct wl_callback *callback, uint32_t time)
{
	struct xd_test_window *w = data;

	w->drawn = true;
	wl_callback_destroy(callback);
}

static const struct wl_callback_listener frame_listener = {
	frame_done,
};

static struct wl_buffer *
create_buffer(struct xd_test_window *w, int width, int height,
	      enum xd_buffer_kind kind)
{
	struct zwp_linux_buffer_params_v1 *params;
	struct wl_shm_pool *pool;
	struct wl_buffer *buffer;
	int stride = width * 4;

	if (kind == XD_BUFFER_SHM) {
		XD_ASSERT(w->shm, "no wl_shm");
		pool = wl_shm_create_pool(w->shm, w->fd, w->size);
		buffer = wl_shm_pool_create_buffer(pool, 0, width, height,
						   stride,
						   WL_SHM_FORMAT_XRGB8888);
		wl_shm_pool_destroy(pool);
		return buffer;
	}

	XD_ASSERT(w->dmabuf, "compositor offers no zwp_linux_dmabuf_v1 v3 "
		  "(the pixman renderer has none)");
	params = zwp_linux_dmabuf_v1_create_params(w->dmabuf);
	zwp_linux_buffer_params_v1_add(params, w->fd, 0, 0, stride,
				       DRM_FORMAT_MOD_LINEAR >> 32,
				       DRM_FORMAT_MOD_LINEAR & 0xffffffff);
	buffer = zwp_linux_buffer_params_v1_create_immed(params, width, height,
		DRM_FORMAT_XRGB8888, 0);
	zwp_linux_buffer_params_v1_destroy(params);
	return buffer;
}

struct xd_test_window *
xd_test_window_create(struct wl_display *display, int width, int height,
		      uint32_t rgb, enum xd_buffer_kind kind)
{
	struct xd_test_window *w = calloc(1, sizeof *w);
	uint32_t *pixels;
	size_t i;

	XD_ASSERT(w, "out of memory");
	w->display = display;
	w->registry = wl_display_get_registry(display);
	wl_registry_add_listener(w->registry, &registry_listener, w);
	wl_display_roundtrip(display);
	XD_ASSERT(w->compositor && w->wm_base, "no wl_compositor/xdg_wm_base");

	w->size = (size_t)width * height * 4;
	w->fd = xd_shm_file_create(w->size, &w->map);
	pixels = w->map;
	for (i = 0; i < (size_t)width * height; i++)
		pixels[i] = rgb;
	w->buffer = create_buffer(w, width, height, kind);

	w->surface = wl_compositor_create_surface(w->compositor);
	w->xdg_surface = xdg_wm_base_get_xdg_surface(w->wm_base, w->surface);
	xdg_surface_add_listener(w->xdg_surface, &xdg_surface_listener, w);
	w->toplevel = xdg_surface_get_toplevel(w->xdg_surface);
	xdg_toplevel_set_app_id(w->toplevel, "xen-display-test-client");
	wl_surface_commit(w->surface);
	while (!w->configured)
		XD_ASSERT(wl_display_dispatch(display) >= 0,
			  "connection lost waiting for configure");

	wl_surface_attach(w->surface, w->buffer, 0, 0);
	wl_surface_damage(w->surface, 0, 0, width, height);
	wl_callback_add_listener(wl_surface_frame(w->surface),
				 &frame_listener, w);
	wl_surface_commit(w->surface);
	while (!w->drawn)
		XD_ASSERT(wl_display_dispatch(display) >= 0,
			  "connection lost waiting for the first frame");
	return w;
}

struct wl_surface *
xd_test_window_surface(struct xd_test_window *w)
{
	return w->surface;
}

void
xd_test_window_destroy(struct xd_test_window *w)
{
	xdg_toplevel_destroy(w->toplevel);
	xdg_surface_destroy(w->xdg_surface);
	wl_surface_destroy(w->surface);
	wl_buffer_destroy(w->buffer);
	munmap(w->map, w->size);
	close(w->fd);
	if (w->dmabuf)
		zwp_linux_dmabuf_v1_destroy(w->dmabuf);
	if (w->shm)
		wl_shm_destroy(w->shm);
	xdg_wm_base_destroy(w->wm_base);
	wl_compositor_destroy(w->compositor);
	wl_registry_destroy(w->registry);
	free(w);
}
