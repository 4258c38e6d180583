/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>

#include "module-config.h"
#include "pinned-surface.h"
#include "xen-display-private-v1-server-protocol.h"

struct xd_pinned_layer {
	struct weston_compositor *compositor;
	struct weston_layer layer;
	struct wl_list surfaces;		/* struct pinned::link */
	struct wl_listener output_created;
	struct wl_listener output_destroyed;
	struct wl_listener output_moved;
	struct wl_listener output_resized;
};

struct pinned {
	struct wl_list link;
	struct xd_pinned_layer *layer;
	struct weston_surface *surface;
	struct weston_view *view;
	struct weston_transform scale;
	struct wl_listener surface_destroy;
	struct weston_output *output;	/* where it is shown, or NULL */

	char *output_name;
	enum xd_placement_mode mode;
	int32_t x, y;

	void (*output_changed)(void *data, struct weston_output *output);
	void *data;
};

struct weston_output *
xd_output_find(struct weston_compositor *compositor, const char *name)
{
	struct weston_output *o;

	wl_list_for_each(o, &compositor->output_list, link)
		if (o->enabled && strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

bool
xd_pinned_layer_owns(struct xd_pinned_layer *layer, struct weston_view *view)
{
	struct pinned *p;

	wl_list_for_each(p, &layer->surfaces, link)
		if (p->view == view)
			return true;
	return false;
}

static struct weston_output *
find_output(struct pinned *p)
{
	return xd_output_find(p->layer->compositor, p->output_name);
}

static void
hide(struct pinned *p)
{
	if (!weston_surface_is_mapped(p->surface))
		return;
	weston_view_move_to_layer(p->view, NULL);
	weston_surface_unmap(p->surface);
}

/* Where the surface goes on its output, and at what scale. */
static void
place(struct pinned *p)
{
	struct weston_output *o = find_output(p);
	int w, h;
	float sx = 1.0f, sy = 1.0f;
	double x, y;

	if (o != p->output) {
		p->output = o;
		if (p->output_changed)
			p->output_changed(p->data, o);
	}
	weston_surface_get_content_size(p->surface, &w, &h);
	if (!o || w <= 0 || h <= 0) {
		hide(p);
		return;
	}

	switch (p->mode) {
	case XD_PLACEMENT_FULLSCREEN:
		sx = (float)o->width / w;
		sy = (float)o->height / h;
		x = 0;
		y = 0;
		break;
	case XD_PLACEMENT_SCALE:
		sx = sy = (float)o->width / w < (float)o->height / h ?
			  (float)o->width / w : (float)o->height / h;
		x = (o->width - w * sx) / 2;
		y = (o->height - h * sy) / 2;
		break;
	case XD_PLACEMENT_POSITION:
	case XD_PLACEMENT_WINDOW:
	default:
		x = p->x;
		y = p->y;
		break;
	}

	if (!wl_list_empty(&p->scale.link)) {
		weston_view_remove_transform(p->view, &p->scale);
		wl_list_init(&p->scale.link);
	}
	if (sx != 1.0f || sy != 1.0f) {
		weston_matrix_init(&p->scale.matrix);
		weston_matrix_scale(&p->scale.matrix, sx, sy, 1.0f);
		weston_view_add_transform(p->view,
			&p->view->geometry.transformation_list, &p->scale);
	}
	weston_view_set_position(p->view, (struct weston_coord_global){
		.c = { o->pos.c.x + x, o->pos.c.y + y } });
	if (!weston_surface_is_mapped(p->surface)) {
		weston_surface_map(p->surface);
		/* No keyboard with it: a guest gets the keyboard only from
		 * the user (input-focus.c), never by (re)connecting. */
		weston_view_move_to_layer(p->view, &p->layer->layer.view_list);
	}
	weston_view_geometry_dirty(p->view);
	weston_view_update_transform(p->view);
	weston_compositor_schedule_repaint(p->layer->compositor);
}

static void
pinned_committed(struct weston_surface *surface,
		 struct weston_coord_surface origin)
{
	struct pinned *p = surface->committed_private;

	if (!surface->buffer_ref.buffer) {
		/* The guest blanked its display. */
		hide(p);
		return;
	}
	place(p);
}

static void
pinned_destroy(struct pinned *p)
{
	wl_list_remove(&p->link);
	wl_list_remove(&p->surface_destroy.link);
	p->surface->committed = NULL;
	p->surface->committed_private = NULL;
	weston_view_destroy(p->view);
	free(p->output_name);
	free(p);
}

static void
surface_destroyed(struct wl_listener *listener, void *data)
{
	struct pinned *p = wl_container_of(listener, p, surface_destroy);

	pinned_destroy(p);
}

int
xd_pinned_surface_create(struct xd_pinned_layer *layer,
			 struct weston_surface *surface,
			 const struct xd_placement *placement,
			 struct wl_resource *error_resource,
			 void (*output_changed)(void *data,
						struct weston_output *output),
			 void *data)
{
	struct pinned *p;

	if (weston_surface_set_role(surface, "xen_display_connector",
				    error_resource,
				    XEN_DISPLAY_MANAGER_V1_ERROR_ROLE) < 0)
		return -1;
	p = calloc(1, sizeof *p);
	if (!p)
		return -1;
	p->view = weston_view_create(surface);
	if (!p->view) {
		free(p);
		return -1;
	}
	p->layer = layer;
	p->surface = surface;
	p->output_name = strdup(placement->output);
	p->mode = placement->mode;
	p->x = placement->x;
	p->y = placement->y;
	p->output_changed = output_changed;
	p->data = data;
	wl_list_init(&p->scale.link);
	surface->committed = pinned_committed;
	surface->committed_private = p;
	p->surface_destroy.notify = surface_destroyed;
	wl_signal_add(&surface->destroy_signal, &p->surface_destroy);
	wl_list_insert(&layer->surfaces, &p->link);

	/* Tell the backend its output now, before any content. */
	p->output = find_output(p);
	if (output_changed)
		output_changed(data, p->output);
	return 0;
}

void
xd_pinned_surface_forget(struct xd_pinned_layer *layer, void *data)
{
	struct pinned *p, *tmp;

	wl_list_for_each_safe(p, tmp, &layer->surfaces, link) {
		if (p->data != data)
			continue;
		hide(p);
		pinned_destroy(p);
	}
}

/* Outputs came, went or moved: place every pinned surface again. */
static void
outputs_changed(struct xd_pinned_layer *layer)
{
	struct pinned *p;

	wl_list_for_each(p, &layer->surfaces, link)
		place(p);
}

static void
output_created(struct wl_listener *listener, void *data)
{
	struct xd_pinned_layer *layer =
		wl_container_of(listener, layer, output_created);

	outputs_changed(layer);
}

static void
output_destroyed(struct wl_listener *listener, void *data)
{
	struct xd_pinned_layer *layer =
		wl_container_of(listener, layer, output_destroyed);
	struct weston_output *gone = data;
	struct pinned *p;

	/* The output is still in the list while this signal runs. */
	wl_list_for_each(p, &layer->surfaces, link) {
		if (p->output != gone)
			continue;
		hide(p);
		p->output = NULL;
		if (p->output_changed)
			p->output_changed(p->data, NULL);
	}
}

static void
output_moved(struct wl_listener *listener, void *data)
{
	struct xd_pinned_layer *layer =
		wl_container_of(listener, layer, output_moved);

	outputs_changed(layer);
}

/* A new mode: the backend may offer it to the guest; the surface's scale
 * follows too. */
static void
output_resized(struct wl_listener *listener, void *data)
{
	struct xd_pinned_layer *layer =
		wl_container_of(listener, layer, output_resized);
	struct weston_output *resized = data;
	struct pinned *p;

	wl_list_for_each(p, &layer->surfaces, link) {
		if (p->output != resized)
			continue;
		if (p->output_changed)
			p->output_changed(p->data, resized);
		place(p);
	}
}

struct xd_pinned_layer *
xd_pinned_layer_create(struct weston_compositor *compositor)
{
	struct xd_pinned_layer *layer = calloc(1, sizeof *layer);

	if (!layer)
		return NULL;
	layer->compositor = compositor;
	wl_list_init(&layer->surfaces);
	weston_layer_init(&layer->layer, compositor);
	/* Above the shell's ordinary windows: a pinned guest owns its
	 * place on the output. */
	weston_layer_set_position(&layer->layer,
				  WESTON_LAYER_POSITION_NORMAL + 1);
	layer->output_created.notify = output_created;
	wl_signal_add(&compositor->output_created_signal,
		      &layer->output_created);
	layer->output_destroyed.notify = output_destroyed;
	wl_signal_add(&compositor->output_destroyed_signal,
		      &layer->output_destroyed);
	layer->output_moved.notify = output_moved;
	wl_signal_add(&compositor->output_moved_signal,
		      &layer->output_moved);
	layer->output_resized.notify = output_resized;
	wl_signal_add(&compositor->output_resized_signal,
		      &layer->output_resized);
	return layer;
}

void
xd_pinned_layer_destroy(struct xd_pinned_layer *layer)
{
	struct pinned *p, *tmp;

	wl_list_for_each_safe(p, tmp, &layer->surfaces, link)
		pinned_destroy(p);
	wl_list_remove(&layer->output_created.link);
	wl_list_remove(&layer->output_destroyed.link);
	wl_list_remove(&layer->output_moved.link);
	wl_list_remove(&layer->output_resized.link);
	weston_layer_fini(&layer->layer);
	free(layer);
}
