/* SPDX-License-Identifier: MIT */

#include <linux/input-event-codes.h>
#include <stdlib.h>

#include <libweston/libweston.h>

#include "input-focus.h"
#include "module-config.h"
#include "module.h"
#include "pinned-surface.h"
#include "supervisor.h"

struct xd_input_focus {
	struct weston_binding *click;
	struct weston_binding *touch;
	struct weston_binding *release;
};

static bool
is_guest(struct xd_module *module, struct weston_surface *surface)
{
	return surface && surface->resource &&
	       xd_supervisor_find_client(module->supervisor,
			wl_resource_get_client(surface->resource));
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

	if (!is_guest(module, keyboard->focus))
		return;
	/* The backend hears the keyboard leave and releases, in the
	 * guest, every key still down there (the modifiers of this
	 * combination among them). */
	weston_seat_set_keyboard_focus(keyboard->seat, NULL);
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
	if (!focus)
		return;
	if (focus->click)
		weston_binding_destroy(focus->click);
	if (focus->touch)
		weston_binding_destroy(focus->touch);
	if (focus->release)
		weston_binding_destroy(focus->release);
	free(focus);
}
