/* SPDX-License-Identifier: MIT */

#include <linux/input-event-codes.h>
#include <stdlib.h>

#include <libweston/libweston.h>

#include "guest-frame.h"
#include "input-focus.h"
#include "kiosk-placement.h"
#include "module-config.h"
#include "module.h"
#include "pinned-surface.h"
#include "supervisor.h"

/* The keyboard focus a seat had that no guest took by itself. */
struct seat_focus {
	struct wl_list link;			/* xd_input_focus::seats */
	struct weston_seat *seat;
	struct wl_listener seat_destroyed;
	struct weston_surface *surface;		/* or NULL */
	struct wl_listener surface_destroyed;
};

struct xd_input_focus {
	struct xd_module *module;
	struct weston_binding *click;
	struct weston_binding *touch;
	struct weston_binding *release;

	/* A shell gives the keyboard to a window as it maps (desktop-shell
	 * does), and a guest's reconnect maps a new one: while a guest's
	 * own request is being dispatched, an activation of its surface
	 * that no click or touch on it caused is undone. */
	struct wl_protocol_logger *logger;
	struct wl_client *dispatching;	/* whose request runs, or NULL */
	struct wl_event_source *idle;	/* clears dispatching */
	struct wl_listener activated;	/* compositor->activate_signal */
	struct wl_list seats;		/* struct seat_focus::link */
};

static bool
is_guest(struct xd_module *module, struct weston_surface *surface)
{
	return xd_supervisor_find_surface(module->supervisor, surface) != NULL;
}

static void
focus_pinned(struct xd_module *module, struct weston_view *view,
	     struct weston_seat *seat)
{
	if (view && xd_pinned_layer_owns(module->pinned, view))
		weston_view_activate_input(view, seat,
					   WESTON_ACTIVATE_FLAG_CLICKED);
}

static void
seat_focus_forget_surface(struct seat_focus *sf)
{
	if (!sf->surface)
		return;
	wl_list_remove(&sf->surface_destroyed.link);
	sf->surface = NULL;
}

static void
seat_focus_surface_destroyed(struct wl_listener *listener, void *data)
{
	struct seat_focus *sf =
		wl_container_of(listener, sf, surface_destroyed);

	wl_list_remove(&sf->surface_destroyed.link);
	sf->surface = NULL;
}

static void
seat_focus_destroy(struct seat_focus *sf)
{
	seat_focus_forget_surface(sf);
	wl_list_remove(&sf->seat_destroyed.link);
	wl_list_remove(&sf->link);
	free(sf);
}

static void
seat_focus_seat_destroyed(struct wl_listener *listener, void *data)
{
	struct seat_focus *sf = wl_container_of(listener, sf, seat_destroyed);

	seat_focus_destroy(sf);
}

static struct seat_focus *
seat_focus_get(struct xd_input_focus *focus, struct weston_seat *seat)
{
	struct seat_focus *sf;

	wl_list_for_each(sf, &focus->seats, link)
		if (sf->seat == seat)
			return sf;
	sf = calloc(1, sizeof *sf);
	if (!sf)
		return NULL;
	sf->seat = seat;
	sf->seat_destroyed.notify = seat_focus_seat_destroyed;
	wl_signal_add(&seat->destroy_signal, &sf->seat_destroyed);
	wl_list_insert(&focus->seats, &sf->link);
	return sf;
}

static void
seat_focus_set(struct seat_focus *sf, struct weston_surface *surface)
{
	if (sf->surface == surface)
		return;
	seat_focus_forget_surface(sf);
	if (!surface)
		return;
	sf->surface = surface;
	sf->surface_destroyed.notify = seat_focus_surface_destroyed;
	wl_signal_add(&surface->destroy_signal, &sf->surface_destroyed);
}

static void
clear_dispatching(void *data)
{
	struct xd_input_focus *focus = data;

	focus->dispatching = NULL;
	focus->idle = NULL;
}

/* Notes whose request runs now: libwayland has no other way to tell. An
 * idle callback clears it once the loop has dispatched what was ready,
 * so input handled in the same turn may still see it: a click or touch
 * is recognised by itself (user_acts_on()). */
static void
note_request(void *data, enum wl_protocol_logger_type type,
	     const struct wl_protocol_logger_message *message)
{
	struct xd_input_focus *focus = data;
	struct wl_event_loop *loop;

	if (type != WL_PROTOCOL_LOGGER_REQUEST)
		return;
	focus->dispatching = wl_resource_get_client(message->resource);
	if (focus->idle)
		return;
	loop = wl_display_get_event_loop(
		focus->module->compositor->wl_display);
	focus->idle = wl_event_loop_add_idle(loop, clear_dispatching, focus);
}

/* Whether the seat's pointer button or touch is down on surface now. */
static bool
user_acts_on(struct weston_seat *seat, struct weston_surface *surface)
{
	struct weston_pointer *pointer = weston_seat_get_pointer(seat);
	struct weston_touch *touch = weston_seat_get_touch(seat);

	if (pointer && pointer->button_count > 0 && pointer->focus &&
	    pointer->focus->surface == surface)
		return true;
	return touch && touch->num_tp > 0 && touch->focus &&
	       touch->focus->surface == surface;
}

static void
activated(struct wl_listener *listener, void *data)
{
	struct xd_input_focus *focus =
		wl_container_of(listener, focus, activated);
	struct weston_surface_activation_data *a = data;
	struct xd_module *module = focus->module;
	struct weston_surface *surface = a->view ? a->view->surface : NULL;
	struct seat_focus *sf = seat_focus_get(focus, a->seat);
	struct xd_backend_process *proc;

	if (!sf)
		return;
	if (!surface || !surface->resource ||
	    wl_resource_get_client(surface->resource) != focus->dispatching ||
	    !is_guest(module, surface) || user_acts_on(a->seat, surface)) {
		seat_focus_set(sf, surface);
		return;
	}
	proc = xd_supervisor_find_client(module->supervisor,
					 focus->dispatching);
	weston_seat_set_keyboard_focus(a->seat, sf->surface);
	xd_module_log(module, "input: %s: its new surface was given the "
		      "keyboard without the user's action; the keyboard "
		      "stays where it was\n", proc ? proc->label : "guest");
}

static void
click_to_focus(struct weston_pointer *pointer, const struct timespec *time,
	       uint32_t button, void *data)
{
	focus_pinned(data, pointer->focus, pointer->seat);
}

static void
touch_to_focus(struct weston_touch *touch, const struct timespec *time,
	       void *data)
{
	focus_pinned(data, touch->focus, touch->seat);
}

static void
release_guest(struct weston_keyboard *keyboard, const struct timespec *time,
	      uint32_t key, void *data)
{
	struct xd_module *module = data;
	struct xd_input_focus *focus = module->input_focus;

	if (!is_guest(module, keyboard->focus))
		return;
	/* The backend hears the keyboard leave and releases, in the
	 * guest, every key still down there (the modifiers of this
	 * combination among them). */
	weston_seat_set_keyboard_focus(keyboard->seat, NULL);
	/* No activation: the frame learns of it from us. */
	xd_guest_frames_update(module->frames);
	if (focus->logger) {
		struct seat_focus *sf = seat_focus_get(focus, keyboard->seat);

		if (sf)
			seat_focus_set(sf, NULL);
	}
	xd_module_log(module, "input: release key: the guest no longer has "
		      "the keyboard\n");
}

struct xd_input_focus *
xd_input_focus_create(struct xd_module *module)
{
	struct weston_compositor *compositor = module->compositor;
	const struct xd_key_combo *release = &module->config->release_key;
	struct xd_input_focus *focus = calloc(1, sizeof *focus);

	if (!focus)
		return NULL;
	focus->module = module;
	wl_list_init(&focus->seats);
	wl_list_init(&focus->activated.link);
	/* kiosk-shell must give its windows a seat's focus, or it crashes
	 * when one closes (kiosk-placement.h): under it, a window's focus
	 * is the shell's. */
	if (!xd_kiosk_shell_running()) {
		focus->logger = wl_display_add_protocol_logger(
			compositor->wl_display, note_request, focus);
		focus->activated.notify = activated;
		wl_signal_add(&compositor->activate_signal,
			      &focus->activated);
	}
	focus->click = weston_compositor_add_button_binding(compositor,
		BTN_LEFT, 0, click_to_focus, module);
	focus->touch = weston_compositor_add_touch_binding(compositor, 0,
		touch_to_focus, module);
	focus->release = weston_compositor_add_key_binding(compositor,
		release->key, release->modifiers, release_guest, module);
	if (!focus->click || !focus->touch || !focus->release) {
		xd_input_focus_destroy(focus);
		return NULL;
	}
	return focus;
}

void
xd_input_focus_destroy(struct xd_input_focus *focus)
{
	struct seat_focus *sf, *tmp;

	if (!focus)
		return;
	if (focus->click)
		weston_binding_destroy(focus->click);
	if (focus->touch)
		weston_binding_destroy(focus->touch);
	if (focus->release)
		weston_binding_destroy(focus->release);
	if (focus->logger)
		wl_protocol_logger_destroy(focus->logger);
	if (focus->idle)
		wl_event_source_remove(focus->idle);
	wl_list_remove(&focus->activated.link);
	wl_list_for_each_safe(sf, tmp, &focus->seats, link)
		seat_focus_destroy(sf);
	free(focus);
}
