/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>

#include "common/label-style.h"
#include "guest-frame.h"
#include "label-service.h"
#include "module-config.h"
#include "module.h"
#include "supervisor.h"

/* A backend's pointer image no larger than this is not framed: the
 * guest's own pointer, over its own framed picture. A larger one could
 * pass for a dialog of dom0's, and gets a frame like any surface. */
#define CURSOR_UNFRAMED_MAX 64

enum bar {
	BAR_STRIP,	/* the name's strip above the frame */
	BAR_TOP,
	BAR_BOTTOM,
	BAR_LEFT,
	BAR_RIGHT,
	BAR_COUNT,
};

/* A guest's two labels (without and with the keyboard), shared by all
 * its surfaces: a backend that makes many surfaces gets no more text
 * rendered. */
struct guest_look {
	struct wl_list link;		/* xd_guest_frames::looks */
	struct xd_guest_frames *frames;
	uint32_t domid;
	uint32_t color;
	struct xd_label *label[2];	/* [focused] */
	unsigned int users;
};

struct framed_surface {
	struct wl_list link;		/* xd_guest_frames::surfaces */
	struct xd_guest_frames *frames;
	struct weston_surface *surface;
	struct wl_client *client;
	struct guest_look *look;
	struct wl_listener destroyed;
	struct wl_listener committed;
	struct wl_list views;		/* struct view_frame::link */
};

struct view_frame {
	struct wl_list link;		/* framed_surface::views */
	struct framed_surface *fs;
	struct weston_view *view;	/* the guest's */
	struct wl_listener view_destroyed;
	struct weston_buffer_reference *paint[BAR_COUNT];
	struct weston_view *bar[BAR_COUNT];
	struct weston_view *label;	/* a view of a label, or NULL */
	struct wl_listener label_destroyed;
};

struct output_watch {
	struct wl_list link;		/* xd_guest_frames::outputs */
	struct xd_guest_frames *frames;
	struct wl_listener frame;
	struct wl_listener destroyed;
};

struct xd_guest_frames {
	struct xd_module *module;
	struct wl_list looks;		/* struct guest_look::link */
	struct wl_list surfaces;	/* struct framed_surface::link */
	struct wl_list outputs;		/* struct output_watch::link */
	struct wl_listener surface_created;
	struct wl_listener output_created;
	struct wl_listener activated;
	struct wl_event_source *idle;
};

struct rect {
	int32_t x, y, w, h;
};

static void
look_changed(void *data)
{
	struct guest_look *look = data;

	xd_guest_frames_update(look->frames);
}

static struct guest_look *
look_get(struct xd_guest_frames *frames, struct xd_backend_process *proc)
{
	const struct xd_module_config *config = frames->module->config;
	struct guest_look *look;
	char name[64], text[128];
	int focused;

	wl_list_for_each(look, &frames->looks, link) {
		if (look->domid == proc->domid) {
			look->users++;
			return look;
		}
	}
	look = calloc(1, sizeof *look);
	if (!look)
		return NULL;
	look->frames = frames;
	look->domid = proc->domid;
	look->users = 1;
	look->color = xd_module_config_label_color(config, proc->guest_name,
						   proc->domid);
	/* The toolstack's name for the domain, as the module read it. */
	if (proc->guest_name)
		snprintf(name, sizeof name, "%s", proc->guest_name);
	else
		snprintf(name, sizeof name, "dom%u", proc->domid);
	for (focused = 0; focused < 2; focused++) {
		snprintf(text, sizeof text, "%s%s", name,
			 focused ? XD_LABEL_FOCUS_SUFFIX : "");
		look->label[focused] = xd_label_create(
			frames->module->label_service, text, look->color,
			look_changed, look);
	}
	wl_list_insert(&frames->looks, &look->link);
	return look;
}

static void
look_put(struct guest_look *look)
{
	if (--look->users)
		return;
	xd_label_destroy(look->label[0]);
	xd_label_destroy(look->label[1]);
	wl_list_remove(&look->link);
	free(look);
}

static int
bar_get_label(struct weston_surface *surface, char *buf, size_t len)
{
	return snprintf(buf, len, "xen-display frame");
}

static void
bar_create(struct view_frame *vf, enum bar i, uint32_t color)
{
	struct weston_compositor *compositor = vf->view->surface->compositor;
	struct weston_surface *surface = weston_surface_create(compositor);

	if (!surface)
		return;
	vf->paint[i] = weston_buffer_create_solid_rgba(compositor,
		((color >> 16) & 0xff) / 255.0f,
		((color >> 8) & 0xff) / 255.0f,
		(color & 0xff) / 255.0f, 1.0f);
	vf->bar[i] = weston_view_create(surface);
	if (!vf->paint[i] || !vf->bar[i]) {
		if (vf->paint[i])
			weston_buffer_destroy_solid(vf->paint[i]);
		vf->paint[i] = NULL;
		vf->bar[i] = NULL;
		weston_surface_unref(surface);
		return;
	}
	weston_surface_set_label_func(surface, bar_get_label);
	weston_surface_attach_solid(surface, vf->paint[i], 1, 1);
	/* Clicks go through the frame to what is under it. */
	pixman_region32_fini(&surface->input);
	pixman_region32_init(&surface->input);
	weston_surface_map(surface);
}

static void
label_view_forget(struct view_frame *vf)
{
	if (!vf->label)
		return;
	wl_list_remove(&vf->label_destroyed.link);
	vf->label = NULL;
}

static void
label_view_destroyed(struct wl_listener *listener, void *data)
{
	struct view_frame *vf =
		wl_container_of(listener, vf, label_destroyed);

	label_view_forget(vf);
}

static void
view_frame_destroy(struct view_frame *vf)
{
	enum bar i;

	if (vf->label) {
		struct weston_view *label = vf->label;

		label_view_forget(vf);
		weston_view_destroy(label);
	}
	for (i = 0; i < BAR_COUNT; i++) {
		if (!vf->bar[i])
			continue;
		weston_surface_unref(vf->bar[i]->surface);
		weston_buffer_destroy_solid(vf->paint[i]);
	}
	wl_list_remove(&vf->view_destroyed.link);
	wl_list_remove(&vf->link);
	free(vf);
}

static void
guest_view_destroyed(struct wl_listener *listener, void *data)
{
	struct view_frame *vf =
		wl_container_of(listener, vf, view_destroyed);
	struct weston_compositor *compositor = vf->view->surface->compositor;

	view_frame_destroy(vf);
	weston_compositor_schedule_repaint(compositor);
}

static struct view_frame *
view_frame_create(struct framed_surface *fs, struct weston_view *view)
{
	struct view_frame *vf = calloc(1, sizeof *vf);
	enum bar i;

	if (!vf)
		return NULL;
	vf->fs = fs;
	vf->view = view;
	vf->view_destroyed.notify = guest_view_destroyed;
	wl_signal_add(&view->destroy_signal, &vf->view_destroyed);
	wl_list_insert(&fs->views, &vf->link);
	for (i = 0; i < BAR_COUNT; i++)
		bar_create(vf, i, fs->look->color);
	return vf;
}

/* Whether sub belongs to the picture of view: a sub-surface of its
 * surface's tree, which view's frame must enclose. */
static bool
is_subsurface_view(struct weston_view *view, struct weston_view *sub)
{
	return sub->surface != view->surface &&
	       weston_surface_get_main_surface(sub->surface) ==
	       weston_surface_get_main_surface(view->surface);
}

/* The global box of view and the views of its sub-surfaces, walked
 * without recursion: a hostile client nests them as deep as it likes. */
static bool
picture_box(struct weston_view *view, pixman_box32_t *box)
{
	struct weston_view *v = view, *next;
	bool any = false;

	for (;;) {
		const pixman_box32_t *b;

		weston_view_update_transform(v);
		if (pixman_region32_not_empty(&v->transform.boundingbox)) {
			b = pixman_region32_extents(&v->transform.boundingbox);
			if (!any) {
				*box = *b;
				any = true;
			} else {
				box->x1 = b->x1 < box->x1 ? b->x1 : box->x1;
				box->y1 = b->y1 < box->y1 ? b->y1 : box->y1;
				box->x2 = b->x2 > box->x2 ? b->x2 : box->x2;
				box->y2 = b->y2 > box->y2 ? b->y2 : box->y2;
			}
		}
		/* Down to the first sub-surface child, else across, else
		 * up and across. */
		next = NULL;
		wl_list_for_each(next, &v->geometry.child_list,
				 geometry.parent_link)
			if (is_subsurface_view(view, next))
				break;
		if (&next->geometry.parent_link != &v->geometry.child_list) {
			v = next;
			continue;
		}
		for (;;) {
			struct weston_view *parent = v->geometry.parent;
			struct wl_list *l;

			if (v == view || !parent)
				return any;
			next = NULL;
			for (l = v->geometry.parent_link.next;
			     l != &parent->geometry.child_list; l = l->next) {
				struct weston_view *s = wl_container_of(l, s,
					geometry.parent_link);

				if (is_subsurface_view(view, s)) {
					next = s;
					break;
				}
			}
			if (next) {
				v = next;
				break;
			}
			v = parent;
		}
	}
}

/* Whether a view of the shell's own UI (a panel: the layers from
 * WESTON_LAYER_POSITION_UI up to the lock screen's) lies over outer, above
 * a view in layer. */
static bool
under_shell_ui(struct weston_compositor *compositor,
	       const struct weston_layer *layer, const pixman_box32_t *outer)
{
	struct weston_layer *l;
	struct weston_view *v;

	wl_list_for_each(l, &compositor->layer_list, link) {
		if (l->position < WESTON_LAYER_POSITION_UI ||
		    l->position >= WESTON_LAYER_POSITION_LOCK ||
		    l->position <= layer->position)
			continue;
		wl_list_for_each(v, &l->view_list.link, layer_link.link) {
			pixman_region32_t overlap;
			bool covered;

			pixman_region32_init_rects(&overlap, outer, 1);
			pixman_region32_intersect(&overlap, &overlap,
						  &v->transform.boundingbox);
			covered = pixman_region32_not_empty(&overlap);
			pixman_region32_fini(&overlap);
			if (covered)
				return true;
		}
	}
	return false;
}

/* Whether the frame fits around box on the outputs (their union, made
 * once per update_all()), clear of the shell's panels: else a window at
 * the top of the work area would have its name under desktop-shell's
 * panel. */
static bool
fits_outside(struct weston_compositor *compositor, pixman_region32_t *outputs,
	     const struct weston_layer *layer, const pixman_box32_t *box)
{
	const int32_t b = XD_LABEL_BORDER_FOCUSED;
	pixman_box32_t outer = {
		box->x1 - b, box->y1 - b - XD_LABEL_HEIGHT,
		box->x2 + b, box->y2 + b,
	};

	return pixman_region32_contains_rectangle(outputs, &outer) ==
	       PIXMAN_REGION_IN &&
	       !under_shell_ui(compositor, layer, &outer);
}

static bool
holds_keyboard(struct weston_compositor *compositor, struct wl_client *client)
{
	struct weston_seat *seat;

	wl_list_for_each(seat, &compositor->seat_list, link) {
		struct weston_keyboard *keyboard =
			weston_seat_get_keyboard(seat);

		if (keyboard && keyboard->focus &&
		    keyboard->focus->resource &&
		    wl_resource_get_client(keyboard->focus->resource) ==
		    client)
			return true;
	}
	return false;
}

/* The bars around box, or over its edges when inset; label: the name's
 * corner and the room it has there (the strip, or inside the bars). */
static void
layout(const pixman_box32_t *box, int32_t b, bool inset,
       struct rect bars[BAR_COUNT], struct rect *label)
{
	const int32_t x = box->x1, y = box->y1;
	const int32_t w = box->x2 - box->x1, h = box->y2 - box->y1;
	const int32_t H = XD_LABEL_HEIGHT;

	if (!inset) {
		bars[BAR_STRIP] = (struct rect){ x - b, y - b - H, w + 2 * b, H };
		bars[BAR_TOP] = (struct rect){ x - b, y - b, w + 2 * b, b };
		bars[BAR_BOTTOM] = (struct rect){ x - b, y + h, w + 2 * b, b };
		bars[BAR_LEFT] = (struct rect){ x - b, y, b, h };
		bars[BAR_RIGHT] = (struct rect){ x + w, y, b, h };
		*label = (struct rect){ x - b, y - b - H, w + 2 * b, H };
		return;
	}
	if (w < 2 * b || h < 2 * b)
		b = 0;
	bars[BAR_STRIP] = (struct rect){ 0, 0, 0, 0 };
	bars[BAR_TOP] = (struct rect){ x, y, w, b };
	bars[BAR_BOTTOM] = (struct rect){ x, y + h - b, w, b };
	bars[BAR_LEFT] = (struct rect){ x, y + b, b, h - 2 * b };
	bars[BAR_RIGHT] = (struct rect){ x + w - b, y + b, b, h - 2 * b };
	*label = (struct rect){ x + b, y + b, w - 2 * b, h - 2 * b };
}

/* Puts view directly above below in below's layer (or in none). */
static bool
stack_above(struct weston_view *view, struct weston_view *below)
{
	struct weston_layer_entry *entry;

	if (!below->layer_link.layer) {
		if (!view->layer_link.layer)
			return false;
		weston_view_move_to_layer(view, NULL);
		return true;
	}
	if (view->layer_link.layer == below->layer_link.layer &&
	    below->layer_link.link.prev == &view->layer_link.link)
		return false;
	entry = wl_container_of(below->layer_link.link.prev, entry, link);
	weston_view_move_to_layer(view, entry);
	return true;
}

/* Moves view to r's corner and, for a bar (paint), sizes it to r. */
static bool
place(struct weston_view *view, struct weston_buffer_reference *paint,
      const struct rect *r)
{
	struct weston_coord_global pos = { .c = { r->x, r->y } };
	struct weston_surface *surface = view->surface;
	bool changed = false;

	if (view->geometry.pos_offset.x != r->x ||
	    view->geometry.pos_offset.y != r->y) {
		weston_view_set_position(view, pos);
		changed = true;
	}
	if (paint && (surface->width != r->w || surface->height != r->h)) {
		weston_surface_attach_solid(surface, paint, r->w, r->h);
		pixman_region32_fini(&surface->opaque);
		pixman_region32_init_rect(&surface->opaque, 0, 0, r->w, r->h);
		weston_surface_damage(surface);
		changed = true;
	}
	if (changed)
		weston_view_geometry_dirty(view);
	return changed;
}

static struct weston_view *
label_view_get(struct view_frame *vf, struct weston_surface *label)
{
	if (vf->label && vf->label->surface == label)
		return vf->label;
	if (vf->label) {
		struct weston_view *old = vf->label;

		label_view_forget(vf);
		weston_view_destroy(old);
	}
	if (!label)
		return NULL;
	vf->label = weston_view_create(label);
	if (vf->label) {
		vf->label_destroyed.notify = label_view_destroyed;
		wl_signal_add(&vf->label->destroy_signal,
			      &vf->label_destroyed);
	}
	return vf->label;
}

static bool
hide(struct weston_view *view)
{
	if (!view || !view->layer_link.layer)
		return false;
	weston_view_move_to_layer(view, NULL);
	return true;
}

static bool
view_frame_hide(struct view_frame *vf)
{
	bool changed = false;
	enum bar i;

	for (i = 0; i < BAR_COUNT; i++)
		changed |= hide(vf->bar[i]);
	changed |= hide(vf->label);
	return changed;
}

/* Brings vf's frame in line with its guest view; true when anything on
 * screen changed. */
static bool
view_frame_update(struct view_frame *vf, pixman_region32_t *outputs)
{
	struct weston_compositor *compositor = vf->view->surface->compositor;
	struct framed_surface *fs = vf->fs;
	struct rect bars[BAR_COUNT], label_at;
	struct weston_view *label, *below = vf->view;
	struct weston_surface *label_surface;
	pixman_box32_t box = { 0 };
	bool focused, inset, shown, changed = false;
	int32_t b;
	enum bar i;

	shown = vf->view->layer_link.layer && picture_box(vf->view, &box);
	if (!shown)
		return view_frame_hide(vf);

	focused = holds_keyboard(compositor, fs->client);
	b = focused ? XD_LABEL_BORDER_FOCUSED : XD_LABEL_BORDER;
	inset = !fits_outside(compositor, outputs, vf->view->layer_link.layer,
			      &box);
	layout(&box, b, inset, bars, &label_at);

	/* Bottom to top, each directly above the last: the frame over the
	 * picture, the name over the strip. */
	for (i = 0; i < BAR_COUNT; i++) {
		struct weston_view *bar = vf->bar[i];

		if (!bar)
			continue;
		if (bars[i].w <= 0 || bars[i].h <= 0) {
			if (bar->layer_link.layer) {
				weston_view_move_to_layer(bar, NULL);
				changed = true;
			}
			continue;
		}
		changed |= place(bar, vf->paint[i], &bars[i]);
		changed |= stack_above(bar, below);
		below = bar;
	}
	label_surface = fs->look->label[focused] ?
			xd_label_surface(fs->look->label[focused]) : NULL;
	label = label_view_get(vf, label_surface);
	/* A name larger than its room would lie beyond this frame, over
	 * what is beside it, another guest's display maybe: none rather
	 * than one that seems to name that. */
	if (label && (label->surface->width > label_at.w ||
		      label->surface->height > label_at.h)) {
		changed |= hide(label);
		label = NULL;
	}
	/* Inset under a panel (a window the shell placed beneath it): the
	 * name goes to the bottom corner, where it can be read. */
	if (label && inset) {
		pixman_box32_t at = {
			label_at.x, label_at.y,
			label_at.x + label->surface->width,
			label_at.y + label->surface->height,
		};

		if (under_shell_ui(compositor, vf->view->layer_link.layer,
				   &at))
			label_at.y = box.y2 - b - XD_LABEL_HEIGHT;
	}
	if (label) {
		changed |= place(label, NULL, &label_at);
		changed |= stack_above(label, below);
	}
	if (changed) {
		for (i = 0; i < BAR_COUNT; i++)
			if (vf->bar[i])
				weston_view_update_transform(vf->bar[i]);
		if (label)
			weston_view_update_transform(label);
	}
	return changed;
}

/* A view in a layer: the shell's window, a pinned surface, a popup. The
 * views of sub-surfaces are in none, and are inside their main view's
 * frame. */
static void
framed_surface_update(struct framed_surface *fs, pixman_region32_t *outputs,
		      bool *changed)
{
	struct weston_surface *surface = fs->surface;
	struct weston_view *view;
	struct view_frame *vf;
	const char *role = weston_surface_get_role(surface);

	if (role && strcmp(role, "wl_pointer-cursor") == 0 &&
	    surface->width <= CURSOR_UNFRAMED_MAX &&
	    surface->height <= CURSOR_UNFRAMED_MAX) {
		wl_list_for_each(vf, &fs->views, link)
			*changed |= view_frame_hide(vf);
		return;
	}
	wl_list_for_each(view, &surface->views, surface_link) {
		bool found = false;

		wl_list_for_each(vf, &fs->views, link)
			if (vf->view == view)
				found = true;
		if (!found && view->layer_link.layer)
			view_frame_create(fs, view);
	}
	wl_list_for_each(vf, &fs->views, link)
		*changed |= view_frame_update(vf, outputs);
}

static void
update_all(void *data)
{
	struct xd_guest_frames *frames = data;
	struct weston_compositor *compositor = frames->module->compositor;
	struct weston_output *output;
	struct framed_surface *fs;
	pixman_region32_t outputs;
	bool changed = false;

	frames->idle = NULL;
	pixman_region32_init(&outputs);
	wl_list_for_each(output, &compositor->output_list, link)
		pixman_region32_union(&outputs, &outputs, &output->region);
	wl_list_for_each(fs, &frames->surfaces, link)
		framed_surface_update(fs, &outputs, &changed);
	pixman_region32_fini(&outputs);
	if (changed)
		weston_compositor_schedule_repaint(compositor);
}

void
xd_guest_frames_update(struct xd_guest_frames *frames)
{
	struct wl_event_loop *loop;

	if (!frames || frames->idle)
		return;
	loop = wl_display_get_event_loop(frames->module->compositor->wl_display);
	frames->idle = wl_event_loop_add_idle(loop, update_all, frames);
}

static void
framed_surface_destroy(struct framed_surface *fs)
{
	struct view_frame *vf, *tmp;

	wl_list_for_each_safe(vf, tmp, &fs->views, link)
		view_frame_destroy(vf);
	wl_list_remove(&fs->destroyed.link);
	wl_list_remove(&fs->committed.link);
	wl_list_remove(&fs->link);
	look_put(fs->look);
	free(fs);
}

static void
guest_surface_destroyed(struct wl_listener *listener, void *data)
{
	struct framed_surface *fs = wl_container_of(listener, fs, destroyed);
	struct xd_guest_frames *frames = fs->frames;

	framed_surface_destroy(fs);
	weston_compositor_schedule_repaint(frames->module->compositor);
}

static void
guest_surface_committed(struct wl_listener *listener, void *data)
{
	struct framed_surface *fs = wl_container_of(listener, fs, committed);

	xd_guest_frames_update(fs->frames);
}

static void
surface_created(struct wl_listener *listener, void *data)
{
	struct xd_guest_frames *frames =
		wl_container_of(listener, frames, surface_created);
	struct weston_surface *surface = data;
	struct xd_module *module = frames->module;
	struct xd_backend_process *proc;
	struct framed_surface *fs;

	proc = xd_supervisor_find_surface(module->supervisor, surface);
	if (!proc || !xd_module_config_labelled(module->config,
						proc->guest_name, proc->domid))
		return;
	fs = calloc(1, sizeof *fs);
	if (!fs)
		return;
	fs->look = look_get(frames, proc);
	if (!fs->look) {
		free(fs);
		return;
	}
	fs->frames = frames;
	fs->surface = surface;
	fs->client = proc->client;
	wl_list_init(&fs->views);
	fs->destroyed.notify = guest_surface_destroyed;
	wl_signal_add(&surface->destroy_signal, &fs->destroyed);
	fs->committed.notify = guest_surface_committed;
	wl_signal_add(&surface->commit_signal, &fs->committed);
	wl_list_insert(&frames->surfaces, &fs->link);
}

/* After each repaint: a shell may have moved or restacked a window
 * without its client committing (a move, a raise). */
static void
output_frame(struct wl_listener *listener, void *data)
{
	struct output_watch *ow = wl_container_of(listener, ow, frame);

	xd_guest_frames_update(ow->frames);
}

static void
output_watch_destroy(struct output_watch *ow)
{
	wl_list_remove(&ow->frame.link);
	wl_list_remove(&ow->destroyed.link);
	wl_list_remove(&ow->link);
	free(ow);
}

static void
output_destroyed(struct wl_listener *listener, void *data)
{
	struct output_watch *ow = wl_container_of(listener, ow, destroyed);
	struct xd_guest_frames *frames = ow->frames;

	output_watch_destroy(ow);
	xd_guest_frames_update(frames);
}

static void
output_watch(struct xd_guest_frames *frames, struct weston_output *output)
{
	struct output_watch *ow = calloc(1, sizeof *ow);

	if (!ow)
		return;
	ow->frames = frames;
	ow->frame.notify = output_frame;
	wl_signal_add(&output->frame_signal, &ow->frame);
	ow->destroyed.notify = output_destroyed;
	wl_signal_add(&output->destroy_signal, &ow->destroyed);
	wl_list_insert(&frames->outputs, &ow->link);
}

static void
output_created(struct wl_listener *listener, void *data)
{
	struct xd_guest_frames *frames =
		wl_container_of(listener, frames, output_created);

	output_watch(frames, data);
	xd_guest_frames_update(frames);
}

static void
activated(struct wl_listener *listener, void *data)
{
	struct xd_guest_frames *frames =
		wl_container_of(listener, frames, activated);

	xd_guest_frames_update(frames);
}

struct xd_guest_frames *
xd_guest_frames_create(struct xd_module *module)
{
	struct weston_compositor *compositor = module->compositor;
	struct xd_guest_frames *frames = calloc(1, sizeof *frames);
	struct weston_output *output;

	if (!frames)
		return NULL;
	frames->module = module;
	wl_list_init(&frames->looks);
	wl_list_init(&frames->surfaces);
	wl_list_init(&frames->outputs);
	frames->surface_created.notify = surface_created;
	wl_signal_add(&compositor->create_surface_signal,
		      &frames->surface_created);
	frames->output_created.notify = output_created;
	wl_signal_add(&compositor->output_created_signal,
		      &frames->output_created);
	frames->activated.notify = activated;
	wl_signal_add(&compositor->activate_signal, &frames->activated);
	wl_list_for_each(output, &compositor->output_list, link)
		output_watch(frames, output);
	return frames;
}

void
xd_guest_frames_destroy(struct xd_guest_frames *frames)
{
	struct framed_surface *fs, *fstmp;
	struct output_watch *ow, *owtmp;

	if (!frames)
		return;
	wl_list_for_each_safe(fs, fstmp, &frames->surfaces, link)
		framed_surface_destroy(fs);
	wl_list_for_each_safe(ow, owtmp, &frames->outputs, link)
		output_watch_destroy(ow);
	wl_list_remove(&frames->surface_created.link);
	wl_list_remove(&frames->output_created.link);
	wl_list_remove(&frames->activated.link);
	if (frames->idle)
		wl_event_source_remove(frames->idle);
	free(frames);
}
