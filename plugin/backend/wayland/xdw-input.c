/* SPDX-License-Identifier: MIT */
/*
 * The user's input, as the compositor gives it to our surfaces: it routes
 * keys to the surface with the keyboard focus and pointer and touch input
 * to the surface under them, so a guest only ever receives what was meant
 * for one of its own connectors. Here that input becomes xd_input_events
 * in the guest's pixels; the kbdif half passes them on. Of our surfaces
 * it knows what xdw-surface.c keeps in their xdw_input_target.
 *
 * Whatever the guest saw pressed is released when the focus leaves, so
 * that no key or button stays down in a guest the user has left.
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wayland-client.h>

#include "xdw-internal.h"

#define SEAT_VERSION 7		/* frames and discrete axis steps */
#define MAX_PRESSED 32
/* libinput's and Weston's scroll distance for one wheel click. */
#define AXIS_STEP 10.0

struct pressed {
	uint32_t codes[MAX_PRESSED];
	unsigned int count;
};

struct touch_point {
	bool active;
	int32_t id;			/* the compositor's touch id */
	struct xdw_input_target *target;
	bool moved;			/* in the frame being built */
};

struct xdw_seat {
	struct wl_list link;		/* xd_wayland::seats */
	struct xd_wayland *wayland;
	uint32_t name;
	uint32_t version;
	struct wl_seat *seat;
	struct wl_keyboard *keyboard;
	struct wl_pointer *pointer;
	struct wl_touch *touch;

	struct xdw_input_target *key_focus;
	struct pressed keys;

	struct xdw_input_target *pointer_focus;
	wl_fixed_t sx, sy;
	struct pressed buttons;
	int32_t wheel_discrete;
	double wheel_value;

	struct touch_point touches[XD_MAX_TOUCH_CONTACTS];
};

static void
deliver(struct xd_wayland *w, const struct xd_input_event *ev)
{
	if (w->input_handler)
		w->input_handler(w->input_data, ev);
}

/* The target whose surface this is, or NULL (not ours, or gone). */
static struct xdw_input_target *
target_from_surface(struct xd_wayland *w, struct wl_surface *surface)
{
	struct xdw_input_target *t = surface ?
		wl_surface_get_user_data(surface) : NULL;

	return t && t->wayland == w ? t : NULL;
}

/* An input event for t at surface-local (sx, sy), in the pixels of the
 * picture t shows. Surface-local coordinates are those of the surface's
 * size on screen before the compositor's own scaling (placement), which
 * input already undid: only our viewport stands between them and the
 * guest's pixels. */
static void
to_guest(const struct xdw_input_target *t, enum xd_input_kind kind,
	 wl_fixed_t sx, wl_fixed_t sy, struct xd_input_event *ev)
{
	uint32_t pic_w = t->width, pic_h = t->height;
	double surf_w = t->surface_w > 0 ? (double)t->surface_w : pic_w;
	double surf_h = t->surface_h > 0 ? (double)t->surface_h : pic_h;
	double x = wl_fixed_to_double(sx) * pic_w / (surf_w > 0 ? surf_w : 1);
	double y = wl_fixed_to_double(sy) * pic_h / (surf_h > 0 ? surf_h : 1);

	memset(ev, 0, sizeof *ev);
	ev->kind = kind;
	ev->connector = t->index;
	ev->unique_id = t->unique_id;
	ev->width = pic_w;
	ev->height = pic_h;
	ev->x = x < 0 ? 0 : x >= pic_w ? (int32_t)pic_w - 1 : (int32_t)x;
	ev->y = y < 0 ? 0 : y >= pic_h ? (int32_t)pic_h - 1 : (int32_t)y;
}

static void
pressed_add(struct pressed *p, uint32_t code)
{
	unsigned int i;

	for (i = 0; i < p->count; i++)
		if (p->codes[i] == code)
			return;
	if (p->count < MAX_PRESSED)
		p->codes[p->count++] = code;
}

static void
pressed_remove(struct pressed *p, uint32_t code)
{
	unsigned int i;

	for (i = 0; i < p->count; i++) {
		if (p->codes[i] == code) {
			p->codes[i] = p->codes[--p->count];
			return;
		}
	}
}

/* Releases, in the guest, everything it saw pressed through t. */
static void
release_all(struct xdw_seat *s, struct xdw_input_target *t,
	    struct pressed *p, enum xd_input_kind kind)
{
	struct xd_input_event ev;

	while (p->count) {
		to_guest(t, kind, s->sx, s->sy, &ev);
		ev.code = p->codes[--p->count];
		ev.pressed = false;
		deliver(s->wayland, &ev);
	}
}

/* --- keyboard ---------------------------------------------------------- */

static void
keyboard_keymap(void *data, struct wl_keyboard *keyboard, uint32_t format,
		int32_t fd, uint32_t size)
{
	/* Guests get evdev key codes and keep their own layout. */
	close(fd);
}

static void
keyboard_enter(void *data, struct wl_keyboard *keyboard, uint32_t serial,
	       struct wl_surface *surface, struct wl_array *keys)
{
	struct xdw_seat *s = data;

	/* Keys already down were pressed elsewhere: the guest only gets
	 * what is pressed from now on. */
	s->key_focus = target_from_surface(s->wayland, surface);
	s->keys.count = 0;
}

static void
keyboard_leave(void *data, struct wl_keyboard *keyboard, uint32_t serial,
	       struct wl_surface *surface)
{
	struct xdw_seat *s = data;

	if (s->key_focus)
		release_all(s, s->key_focus, &s->keys, XD_INPUT_KEY);
	s->key_focus = NULL;
}

static void
keyboard_key(void *data, struct wl_keyboard *keyboard, uint32_t serial,
	     uint32_t time, uint32_t key, uint32_t state)
{
	struct xdw_seat *s = data;
	struct xd_input_event ev;
	bool pressed = state == WL_KEYBOARD_KEY_STATE_PRESSED;

	if (!s->key_focus)
		return;
	/* Only a key the guest saw go down may come up there. */
	if (!pressed) {
		unsigned int before = s->keys.count;

		pressed_remove(&s->keys, key);
		if (s->keys.count == before)
			return;
	} else {
		pressed_add(&s->keys, key);
	}
	to_guest(s->key_focus, XD_INPUT_KEY, 0, 0, &ev);
	ev.code = key;
	ev.pressed = pressed;
	deliver(s->wayland, &ev);
}

static void
keyboard_modifiers(void *data, struct wl_keyboard *keyboard, uint32_t serial,
		   uint32_t depressed, uint32_t latched, uint32_t locked,
		   uint32_t group)
{
	/* The guest follows modifier keys from their key events. */
}

static void
keyboard_repeat_info(void *data, struct wl_keyboard *keyboard, int32_t rate,
		     int32_t delay)
{
}

static const struct wl_keyboard_listener keyboard_listener = {
	keyboard_keymap,
	keyboard_enter,
	keyboard_leave,
	keyboard_key,
	keyboard_modifiers,
	keyboard_repeat_info,
};

/* --- pointer ----------------------------------------------------------- */

static void
pointer_motion_to_guest(struct xdw_seat *s)
{
	struct xd_input_event ev;

	to_guest(s->pointer_focus, XD_INPUT_MOTION, s->sx,
				 s->sy, &ev);
	deliver(s->wayland, &ev);
}

static void
pointer_enter(void *data, struct wl_pointer *pointer, uint32_t serial,
	      struct wl_surface *surface, wl_fixed_t sx, wl_fixed_t sy)
{
	struct xdw_seat *s = data;

	s->pointer_focus = target_from_surface(s->wayland, surface);
	s->buttons.count = 0;
	s->wheel_discrete = 0;
	s->wheel_value = 0;
	s->sx = sx;
	s->sy = sy;
	/* No cursor of ours: the guest draws its own. */
	wl_pointer_set_cursor(pointer, serial, NULL, 0, 0);
	if (s->pointer_focus)
		pointer_motion_to_guest(s);
}

static void
pointer_leave(void *data, struct wl_pointer *pointer, uint32_t serial,
	      struct wl_surface *surface)
{
	struct xdw_seat *s = data;

	if (s->pointer_focus)
		release_all(s, s->pointer_focus, &s->buttons, XD_INPUT_BUTTON);
	s->pointer_focus = NULL;
}

static void
pointer_motion(void *data, struct wl_pointer *pointer, uint32_t time,
	       wl_fixed_t sx, wl_fixed_t sy)
{
	struct xdw_seat *s = data;

	s->sx = sx;
	s->sy = sy;
	if (s->pointer_focus)
		pointer_motion_to_guest(s);
}

static void
pointer_button(void *data, struct wl_pointer *pointer, uint32_t serial,
	       uint32_t time, uint32_t button, uint32_t state)
{
	struct xdw_seat *s = data;
	struct xd_input_event ev;
	bool pressed = state == WL_POINTER_BUTTON_STATE_PRESSED;

	if (!s->pointer_focus)
		return;
	if (pressed)
		pressed_add(&s->buttons, button);
	else
		pressed_remove(&s->buttons, button);
	to_guest(s->pointer_focus, XD_INPUT_BUTTON, s->sx,
				 s->sy, &ev);
	ev.code = button;
	ev.pressed = pressed;
	deliver(s->wayland, &ev);
}

/* One frame's scrolling as whole wheel clicks: the discrete steps when
 * the device has them, else the distance, the remainder kept. */
static void
wheel_flush(struct xdw_seat *s)
{
	struct xd_input_event ev;
	int32_t steps = s->wheel_discrete;

	if (!steps && (s->wheel_value >= AXIS_STEP ||
		       s->wheel_value <= -AXIS_STEP)) {
		steps = (int32_t)(s->wheel_value / AXIS_STEP);
		s->wheel_value -= steps * AXIS_STEP;
	}
	s->wheel_discrete = 0;
	if (steps == 0 || !s->pointer_focus)
		return;
	to_guest(s->pointer_focus, XD_INPUT_WHEEL, s->sx,
				 s->sy, &ev);
	ev.steps = steps;
	deliver(s->wayland, &ev);
}

static void
pointer_axis(void *data, struct wl_pointer *pointer, uint32_t time,
	     uint32_t axis, wl_fixed_t value)
{
	struct xdw_seat *s = data;

	/* kbdif has one wheel, the vertical one. */
	if (axis != WL_POINTER_AXIS_VERTICAL_SCROLL)
		return;
	s->wheel_value += wl_fixed_to_double(value);
	if (s->version < WL_POINTER_FRAME_SINCE_VERSION)
		wheel_flush(s);
}

static void
pointer_frame(void *data, struct wl_pointer *pointer)
{
	wheel_flush(data);
}

static void
pointer_axis_source(void *data, struct wl_pointer *pointer, uint32_t source)
{
}

static void
pointer_axis_stop(void *data, struct wl_pointer *pointer, uint32_t time,
		  uint32_t axis)
{
	struct xdw_seat *s = data;

	if (axis == WL_POINTER_AXIS_VERTICAL_SCROLL)
		s->wheel_value = 0;
}

static void
pointer_axis_discrete(void *data, struct wl_pointer *pointer, uint32_t axis,
		      int32_t discrete)
{
	struct xdw_seat *s = data;

	if (axis != WL_POINTER_AXIS_VERTICAL_SCROLL)
		return;
	s->wheel_discrete += discrete;
	/* The distance that came with the steps is spent by them. */
	s->wheel_value = 0;
}

static const struct wl_pointer_listener pointer_listener = {
	pointer_enter,
	pointer_leave,
	pointer_motion,
	pointer_button,
	pointer_axis,
	pointer_frame,
	pointer_axis_source,
	pointer_axis_stop,
	pointer_axis_discrete,
};

/* --- touch ------------------------------------------------------------- */

static struct touch_point *
touch_find(struct xdw_seat *s, int32_t id, uint32_t *contact)
{
	uint32_t i;

	for (i = 0; i < XD_MAX_TOUCH_CONTACTS; i++) {
		if (s->touches[i].active && s->touches[i].id == id) {
			*contact = i;
			return &s->touches[i];
		}
	}
	return NULL;
}

static void
touch_to_guest(struct xdw_seat *s, struct touch_point *t,
	       uint32_t contact, enum xd_input_kind kind, wl_fixed_t x,
	       wl_fixed_t y)
{
	struct xd_input_event ev;

	to_guest(t->target, kind, x, y, &ev);
	ev.contact = contact;
	deliver(s->wayland, &ev);
	t->moved = true;
}

static void
touch_down(void *data, struct wl_touch *touch, uint32_t serial,
	   uint32_t time, struct wl_surface *surface, int32_t id,
	   wl_fixed_t x, wl_fixed_t y)
{
	struct xdw_seat *s = data;
	struct xdw_input_target *target = target_from_surface(s->wayland,
							      surface);
	uint32_t i;

	if (!target)
		return;
	/* kbdif contact ids are small slots: the lowest free one. */
	for (i = 0; i < XD_MAX_TOUCH_CONTACTS; i++)
		if (!s->touches[i].active)
			break;
	if (i == XD_MAX_TOUCH_CONTACTS)
		return;
	s->touches[i] = (struct touch_point){ true, id, target, false };
	touch_to_guest(s, &s->touches[i], i, XD_INPUT_TOUCH_DOWN, x, y);
}

static void
touch_up(void *data, struct wl_touch *touch, uint32_t serial, uint32_t time,
	 int32_t id)
{
	struct xdw_seat *s = data;
	struct touch_point *t;
	uint32_t contact;

	t = touch_find(s, id, &contact);
	if (!t)
		return;
	touch_to_guest(s, t, contact, XD_INPUT_TOUCH_UP, 0, 0);
	t->active = false;
}

static void
touch_motion(void *data, struct wl_touch *touch, uint32_t time, int32_t id,
	     wl_fixed_t x, wl_fixed_t y)
{
	struct xdw_seat *s = data;
	struct touch_point *t;
	uint32_t contact;

	t = touch_find(s, id, &contact);
	if (t)
		touch_to_guest(s, t, contact, XD_INPUT_TOUCH_MOTION, x, y);
}

/* Ends the frame on every connector a contact of it touched. */
static void
touch_frame(void *data, struct wl_touch *touch)
{
	struct xdw_seat *s = data;
	struct xdw_input_target *done[XD_MAX_TOUCH_CONTACTS];
	struct xd_input_event ev;
	unsigned int n = 0, i, j;

	for (i = 0; i < XD_MAX_TOUCH_CONTACTS; i++) {
		struct touch_point *t = &s->touches[i];

		if (!t->moved)
			continue;
		t->moved = false;
		for (j = 0; j < n && done[j] != t->target; j++)
			;
		if (j < n)
			continue;
		done[n++] = t->target;
		to_guest(t->target, XD_INPUT_TOUCH_FRAME,
					 0, 0, &ev);
		deliver(s->wayland, &ev);
	}
}

static void
touch_cancel(void *data, struct wl_touch *touch)
{
	struct xdw_seat *s = data;
	uint32_t i;

	/* The compositor took the touches (a gesture): lift them. */
	for (i = 0; i < XD_MAX_TOUCH_CONTACTS; i++)
		if (s->touches[i].active) {
			touch_to_guest(s, &s->touches[i], i, XD_INPUT_TOUCH_UP,
				       0, 0);
			s->touches[i].active = false;
		}
	touch_frame(s, touch);
}

static void
touch_shape(void *data, struct wl_touch *touch, int32_t id, wl_fixed_t major,
	    wl_fixed_t minor)
{
}

static void
touch_orientation(void *data, struct wl_touch *touch, int32_t id,
		  wl_fixed_t orientation)
{
}

static const struct wl_touch_listener touch_listener = {
	touch_down,
	touch_up,
	touch_motion,
	touch_frame,
	touch_cancel,
	touch_shape,
	touch_orientation,
};

/* --- seats ------------------------------------------------------------- */

static void
release_keyboard(struct xdw_seat *s)
{
	if (!s->keyboard)
		return;
	keyboard_leave(s, s->keyboard, 0, NULL);
	if (s->version >= WL_KEYBOARD_RELEASE_SINCE_VERSION)
		wl_keyboard_release(s->keyboard);
	else
		wl_keyboard_destroy(s->keyboard);
	s->keyboard = NULL;
}

static void
release_pointer(struct xdw_seat *s)
{
	if (!s->pointer)
		return;
	pointer_leave(s, s->pointer, 0, NULL);
	if (s->version >= WL_POINTER_RELEASE_SINCE_VERSION)
		wl_pointer_release(s->pointer);
	else
		wl_pointer_destroy(s->pointer);
	s->pointer = NULL;
}

static void
release_touch(struct xdw_seat *s)
{
	if (!s->touch)
		return;
	touch_cancel(s, s->touch);
	if (s->version >= WL_TOUCH_RELEASE_SINCE_VERSION)
		wl_touch_release(s->touch);
	else
		wl_touch_destroy(s->touch);
	s->touch = NULL;
}

static void
seat_capabilities(void *data, struct wl_seat *seat, uint32_t caps)
{
	struct xdw_seat *s = data;

	if ((caps & WL_SEAT_CAPABILITY_KEYBOARD) && !s->keyboard) {
		s->keyboard = wl_seat_get_keyboard(seat);
		wl_keyboard_add_listener(s->keyboard, &keyboard_listener, s);
	} else if (!(caps & WL_SEAT_CAPABILITY_KEYBOARD)) {
		release_keyboard(s);
	}
	if ((caps & WL_SEAT_CAPABILITY_POINTER) && !s->pointer) {
		s->pointer = wl_seat_get_pointer(seat);
		wl_pointer_add_listener(s->pointer, &pointer_listener, s);
	} else if (!(caps & WL_SEAT_CAPABILITY_POINTER)) {
		release_pointer(s);
	}
	if ((caps & WL_SEAT_CAPABILITY_TOUCH) && !s->touch) {
		s->touch = wl_seat_get_touch(seat);
		wl_touch_add_listener(s->touch, &touch_listener, s);
	} else if (!(caps & WL_SEAT_CAPABILITY_TOUCH)) {
		release_touch(s);
	}
}

static void
seat_name(void *data, struct wl_seat *seat, const char *name)
{
}

static const struct wl_seat_listener seat_listener = {
	seat_capabilities,
	seat_name,
};

void
xdw_input_add_seat(struct xd_wayland *w, uint32_t name, uint32_t version)
{
	struct xdw_seat *s = calloc(1, sizeof *s);

	if (!s)
		return;
	s->wayland = w;
	s->name = name;
	s->version = version < SEAT_VERSION ? version : SEAT_VERSION;
	s->seat = wl_registry_bind(w->registry, name, &wl_seat_interface,
				   s->version);
	wl_seat_add_listener(s->seat, &seat_listener, s);
	wl_list_insert(&w->seats, &s->link);
}

static void
seat_destroy(struct xdw_seat *s)
{
	release_keyboard(s);
	release_pointer(s);
	release_touch(s);
	if (s->version >= WL_SEAT_RELEASE_SINCE_VERSION)
		wl_seat_release(s->seat);
	else
		wl_seat_destroy(s->seat);
	wl_list_remove(&s->link);
	free(s);
}

void
xdw_input_remove_seat(struct xd_wayland *w, uint32_t name)
{
	struct xdw_seat *s, *tmp;

	wl_list_for_each_safe(s, tmp, &w->seats, link)
		if (s->name == name)
			seat_destroy(s);
}

void
xdw_input_destroy_all(struct xd_wayland *w)
{
	struct xdw_seat *s, *tmp;

	wl_list_for_each_safe(s, tmp, &w->seats, link)
		seat_destroy(s);
}

void
xdw_input_forget(struct xd_wayland *w, struct xdw_input_target *target)
{
	struct xdw_seat *s;
	bool lifted;
	uint32_t i;

	wl_list_for_each(s, &w->seats, link) {
		if (s->key_focus == target) {
			release_all(s, target, &s->keys, XD_INPUT_KEY);
			s->key_focus = NULL;
		}
		if (s->pointer_focus == target) {
			release_all(s, target, &s->buttons, XD_INPUT_BUTTON);
			s->pointer_focus = NULL;
		}
		lifted = false;
		for (i = 0; i < XD_MAX_TOUCH_CONTACTS; i++) {
			if (s->touches[i].active &&
			    s->touches[i].target == target) {
				touch_to_guest(s, &s->touches[i], i,
					       XD_INPUT_TOUCH_UP, 0, 0);
				s->touches[i].active = false;
				lifted = true;
			}
		}
		if (lifted)
			touch_frame(s, s->touch);
	}
}
