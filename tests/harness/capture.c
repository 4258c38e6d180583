/* SPDX-License-Identifier: MIT */
/*
 * Output capture through weston_capture_v1 (Weston needs --debug).
 */

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <wayland-client.h>

#include "harness.h"
#include "shm-file.h"
#include "weston-output-capture-client-protocol.h"

struct output {
	struct wl_output *wl_output;
	char *name;
	struct output *next;
};

struct capture {
	struct wl_shm *shm;
	struct weston_capture_v1 *factory;
	struct output *outputs;

	uint32_t drm_format;
	int width, height;
	enum { PENDING, COMPLETE, RETRY, FAILED } state;
};

static void
output_geometry(void *data, struct wl_output *o, int32_t x, int32_t y,
		int32_t pw, int32_t ph, int32_t subpixel, const char *make,
		const char *model, int32_t transform)
{
}

static void
output_mode(void *data, struct wl_output *o, uint32_t flags, int32_t w,
	    int32_t h, int32_t refresh)
{
}

static void
output_done(void *data, struct wl_output *o)
{
}

static void
output_scale(void *data, struct wl_output *o, int32_t factor)
{
}

static void
output_name(void *data, struct wl_output *o, const char *name)
{
	struct output *output = data;

	free(output->name);
	output->name = strdup(name);
}

static void
output_description(void *data, struct wl_output *o, const char *desc)
{
}

static const struct wl_output_listener output_listener = {
	output_geometry, output_mode, output_done, output_scale,
	output_name, output_description,
};

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version)
{
	struct capture *c = data;

	if (strcmp(interface, wl_shm_interface.name) == 0) {
		c->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
	} else if (strcmp(interface, weston_capture_v1_interface.name) == 0) {
		c->factory = wl_registry_bind(registry, name,
					      &weston_capture_v1_interface, 1);
	} else if (strcmp(interface, wl_output_interface.name) == 0) {
		struct output *o = calloc(1, sizeof *o);

		XD_ASSERT(version >= 4, "wl_output v4 needed for names");
		o->wl_output = wl_registry_bind(registry, name,
						&wl_output_interface, 4);
		wl_output_add_listener(o->wl_output, &output_listener, o);
		o->next = c->outputs;
		c->outputs = o;
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
source_format(void *data, struct weston_capture_source_v1 *s, uint32_t fmt)
{
	((struct capture *)data)->drm_format = fmt;
}

static void
source_size(void *data, struct weston_capture_source_v1 *s, int32_t w,
	    int32_t h)
{
	struct capture *c = data;

	c->width = w;
	c->height = h;
}

static void
source_complete(void *data, struct weston_capture_source_v1 *s)
{
	((struct capture *)data)->state = COMPLETE;
}

static void
source_retry(void *data, struct weston_capture_source_v1 *s)
{
	((struct capture *)data)->state = RETRY;
}

static void
source_failed(void *data, struct weston_capture_source_v1 *s,
	      const char *msg)
{
	fprintf(stderr, "capture failed: %s\n", msg ? msg : "(no reason)");
	((struct capture *)data)->state = FAILED;
}

static const struct weston_capture_source_v1_listener source_listener = {
	source_format, source_size, source_complete, source_retry,
	source_failed,
};

static uint32_t
to_argb(uint32_t drm_format, uint32_t v)
{
	switch (drm_format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		return v;
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		return (v & 0xff00ff00) | (v & 0xff) << 16 | (v >> 16 & 0xff);
	}
	XD_ASSERT(false, "capture format 0x%08x not handled", drm_format);
	return 0;
}

static struct xd_image *
capture_once(struct wl_display *display, struct capture *c,
	     struct weston_capture_source_v1 *source)
{
	struct xd_image *image;
	struct wl_shm_pool *pool;
	struct wl_buffer *buffer;
	size_t size;
	uint32_t *map;
	int fd, i;

	size = (size_t)c->width * c->height * 4;
	fd = xd_shm_file_create(size, (void **)&map);
	pool = wl_shm_create_pool(c->shm, fd, size);
	/* wl_shm format codes equal DRM fourccs but for these two. */
	buffer = wl_shm_pool_create_buffer(pool, 0, c->width, c->height,
		c->width * 4,
		c->drm_format == DRM_FORMAT_ARGB8888 ? WL_SHM_FORMAT_ARGB8888 :
		c->drm_format == DRM_FORMAT_XRGB8888 ? WL_SHM_FORMAT_XRGB8888 :
		c->drm_format);
	wl_shm_pool_destroy(pool);

	c->state = PENDING;
	weston_capture_source_v1_capture(source, buffer);
	while (c->state == PENDING)
		XD_ASSERT(wl_display_dispatch(display) >= 0,
			  "connection lost while capturing");

	image = NULL;
	if (c->state == COMPLETE) {
		image = calloc(1, sizeof *image);
		image->width = c->width;
		image->height = c->height;
		image->pixels = malloc(size);
		for (i = 0; i < c->width * c->height; i++)
			image->pixels[i] = to_argb(c->drm_format, map[i]);
	}
	wl_buffer_destroy(buffer);
	munmap(map, size);
	close(fd);
	return image;
}

struct xd_image *
xd_capture_output(struct wl_display *display, const char *output_name)
{
	struct capture c = { 0 };
	struct wl_registry *registry = wl_display_get_registry(display);
	struct weston_capture_source_v1 *source;
	struct xd_image *image = NULL;
	struct output *o, *chosen = NULL;
	int attempt;

	wl_registry_add_listener(registry, &registry_listener, &c);
	wl_display_roundtrip(display);
	wl_display_roundtrip(display);
	XD_ASSERT(c.factory, "no weston_capture_v1: is weston run with "
		  "--debug?");
	XD_ASSERT(c.shm, "no wl_shm");
	for (o = c.outputs; o; o = o->next) {
		if (!output_name || (o->name &&
				     strcmp(o->name, output_name) == 0))
			chosen = o;
	}
	if (!chosen) {
		fprintf(stderr, "outputs:");
		for (o = c.outputs; o; o = o->next)
			fprintf(stderr, " '%s'", o->name ? o->name : "?");
		fprintf(stderr, "\n");
	}
	XD_ASSERT(chosen, "no output named '%s'",
		  output_name ? output_name : "(any)");

	source = weston_capture_v1_create(c.factory, chosen->wl_output,
		WESTON_CAPTURE_V1_SOURCE_FRAMEBUFFER);
	weston_capture_source_v1_add_listener(source, &source_listener, &c);
	wl_display_roundtrip(display);

	/* retry means the size or format changed under us: go again. */
	for (attempt = 0; attempt < 5 && !image; attempt++) {
		XD_ASSERT(c.width > 0 && c.height > 0 && c.drm_format,
			  "capture source sent no size or format");
		image = capture_once(display, &c, source);
		XD_ASSERT(c.state != FAILED, "capture failed");
	}
	XD_ASSERT(image, "capture kept asking to retry");

	weston_capture_source_v1_destroy(source);
	weston_capture_v1_destroy(c.factory);
	wl_shm_destroy(c.shm);
	while (c.outputs) {
		o = c.outputs;
		c.outputs = o->next;
		wl_output_destroy(o->wl_output);
		free(o->name);
		free(o);
	}
	wl_registry_destroy(registry);
	return image;
}

void
xd_image_destroy(struct xd_image *image)
{
	free(image->pixels);
	free(image);
}

long
xd_image_count(const struct xd_image *image, int x, int y, int w, int h,
	       uint32_t rgb)
{
	long count = 0;
	int i, j;

	for (j = y; j < y + h && j < image->height; j++)
		for (i = x; i < x + w && i < image->width; i++)
			count += xd_image_pixel(image, i, j) == rgb;
	return count;
}
