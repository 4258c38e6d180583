/* SPDX-License-Identifier: MIT */
/*
 * xen-display-labeler: renders the guests' names for the module.
 *
 * libweston 14 gives a plugin no way to put a buffer of its own on a
 * surface, so the module (plugin/module/) launches this trusted client
 * with WAYLAND_SOCKET and, on xen_display_labeler_v1, sends it a draw
 * event per label: the text (the toolstack's domain name, never anything
 * a guest wrote), the colour and the size. For each, a new wl_surface
 * with one wl_shm buffer is committed and handed back with set_label;
 * discard destroys it. label-render.c draws, shm-buffer.c makes the
 * buffer; this file is the Wayland side. It exits 0 when the module
 * closes the connection, 1 with one line on stderr on anything else.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wayland-client.h>

#include "label-render.h"
#include "shm-buffer.h"
#include "xen-display-private-v1-client-protocol.h"

struct label {
	struct wl_list link;
	uint32_t id;
	struct wl_surface *surface;
	/* Kept until discard whatever its release says: the surface is
	 * never committed again, so the buffer is never reused. */
	struct wl_buffer *buffer;
};

struct labeler {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct xen_display_labeler_v1 *labeler;
	struct wl_list labels;
};

static void
label_destroy(struct label *label)
{
	wl_list_remove(&label->link);
	wl_surface_destroy(label->surface);
	wl_buffer_destroy(label->buffer);
	free(label);
}

static struct label *
label_find(struct labeler *l, uint32_t id)
{
	struct label *label;

	wl_list_for_each(label, &l->labels, link)
		if (label->id == id)
			return label;
	return NULL;
}

static void
handle_draw(void *data, struct xen_display_labeler_v1 *proxy, uint32_t id,
	    const char *text, uint32_t background, uint32_t height,
	    uint32_t max_width)
{
	struct labeler *l = data;
	struct xd_label_image *image;
	struct label *label;

	/* ids are never reused; should one be, the newer label wins. */
	label = label_find(l, id);
	if (label)
		label_destroy(label);

	image = xd_label_render(text, background, height, max_width);
	if (!image) {
		fprintf(stderr, "xen-display-labeler: label %u (%ux%u max) "
			"not rendered\n", id, max_width, height);
		return;
	}
	label = calloc(1, sizeof *label);
	if (!label) {
		xd_label_image_destroy(image);
		fprintf(stderr, "xen-display-labeler: out of memory\n");
		return;
	}
	label->buffer = xd_shm_buffer_create(l->shm, image);
	if (!label->buffer) {
		fprintf(stderr, "xen-display-labeler: label %u: shm buffer: "
			"%s\n", id, strerror(errno));
		xd_label_image_destroy(image);
		free(label);
		return;
	}
	label->id = id;
	label->surface = wl_compositor_create_surface(l->compositor);
	wl_surface_attach(label->surface, label->buffer, 0, 0);
	wl_surface_damage_buffer(label->surface, 0, 0, image->width,
				 image->height);
	wl_surface_commit(label->surface);
	xen_display_labeler_v1_set_label(proxy, id, label->surface);
	wl_list_insert(&l->labels, &label->link);
	xd_label_image_destroy(image);
}

static void
handle_discard(void *data, struct xen_display_labeler_v1 *proxy, uint32_t id)
{
	struct label *label = label_find(data, id);

	if (label)
		label_destroy(label);
}

static const struct xen_display_labeler_v1_listener labeler_listener = {
	.draw = handle_draw,
	.discard = handle_discard,
};

static void
handle_global(void *data, struct wl_registry *registry, uint32_t name,
	      const char *interface, uint32_t version)
{
	struct labeler *l = data;

	if (strcmp(interface, wl_compositor_interface.name) == 0 &&
	    version >= 4 && !l->compositor) {
		/* damage_buffer: version 4 */
		l->compositor = wl_registry_bind(registry, name,
						 &wl_compositor_interface, 4);
	} else if (strcmp(interface, wl_shm_interface.name) == 0 && !l->shm) {
		l->shm = wl_registry_bind(registry, name,
					  &wl_shm_interface, 1);
	} else if (strcmp(interface,
			  xen_display_labeler_v1_interface.name) == 0 &&
		   !l->labeler) {
		l->labeler = wl_registry_bind(registry, name,
					      &xen_display_labeler_v1_interface,
					      1);
		xen_display_labeler_v1_add_listener(l->labeler,
						    &labeler_listener, l);
	}
}

static void
handle_global_remove(void *data, struct wl_registry *registry,
		     uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_global,
	.global_remove = handle_global_remove,
};

static void
labeler_finish(struct labeler *l)
{
	struct label *label, *tmp;

	wl_list_for_each_safe(label, tmp, &l->labels, link)
		label_destroy(label);
	if (l->labeler)
		xen_display_labeler_v1_destroy(l->labeler);
	if (l->shm)
		wl_shm_destroy(l->shm);
	if (l->compositor)
		wl_compositor_destroy(l->compositor);
	if (l->registry)
		wl_registry_destroy(l->registry);
	wl_display_disconnect(l->display);
	xd_label_render_release();
}

int
main(int argc, char *argv[])
{
	struct labeler l = { 0 };
	int err;

	wl_list_init(&l.labels);
	l.display = wl_display_connect(NULL);
	if (!l.display) {
		fprintf(stderr, "xen-display-labeler: cannot connect to the "
			"compositor: %s (the module starts it with "
			"WAYLAND_SOCKET)\n", strerror(errno));
		return EXIT_FAILURE;
	}
	l.registry = wl_display_get_registry(l.display);
	wl_registry_add_listener(l.registry, &registry_listener, &l);
	if (wl_display_roundtrip(l.display) < 0)
		goto end;
	if (!l.compositor || !l.shm || !l.labeler) {
		fprintf(stderr, "xen-display-labeler: the compositor lacks "
			"%s%s%s (is it xen-display.so's labeler?)\n",
			l.compositor ? "" : " wl_compositor v4",
			l.shm ? "" : " wl_shm",
			l.labeler ? "" : " xen_display_labeler_v1");
		labeler_finish(&l);
		return EXIT_FAILURE;
	}
	while (wl_display_dispatch(l.display) >= 0)
		;

end:
	/* A protocol error is ours; a closed connection is the module
	 * letting us go (Weston stopping, the module unloading). */
	err = wl_display_get_error(l.display);
	if (err == EPROTO) {
		fprintf(stderr, "xen-display-labeler: protocol error on "
			"the compositor's connection\n");
		labeler_finish(&l);
		return EXIT_FAILURE;
	}
	labeler_finish(&l);
	return EXIT_SUCCESS;
}
