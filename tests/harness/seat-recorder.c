/* SPDX-License-Identifier: MIT */
/*
 * Records what a client receives from a seat's keyboard and pointer, so
 * that input tests can compare it with what they injected.
 */

#include <string.h>
#include <time.h>
#include <unistd.h>

#include <wayland-client.h>

#include "harness.h"

#define SEAT_VERSION 8		/* up to wl_pointer.axis_value120 */
#define POLL_MS 10

struct xd_seat_recorder {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_seat *seat;
	struct wl_keyboard *keyboard;
	struct wl_pointer *pointer;
	uint32_t capabilities;

	struct xd_seat_event *events;
	int count, capacity;
};

static struct xd_seat_event *
record(struct xd_seat_recorder *r, enum xd_seat_event_kind kind)
{
	struct xd_seat_event *e;

	if (r->count == r->capacity) {
		r->capacity = r->capacity ? r->capacity * 2 : 64;
		r->events = realloc(r->events,
				    r->capacity * sizeof *r->events);
		XD_ASSERT(r->events, "out of memory");
	}
	e = &r->events[r->count++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	return e;
}

static void
keyboard_keymap(void *data, struct wl_keyboard *keyboard, uint32_t format,
		int32_t fd, uint32_t size)
{
	close(fd);
}

static void
keyboard_enter(void *data, struct wl_keyboard *keyboard, uint32_t serial,
	       struct wl_surface *surface, struct wl_array *keys)
{
	record(data, XD_SEAT_KEYBOARD_ENTER)->surface = surface;
}

static void
keyboard_leave(void *data, struct wl_keyboard *keyboard, uint32_t serial,
	       struct wl_surface *surface)
{
	record(data, XD_SEAT_KEYBOARD_LEAVE)->surface = surface;
}

static void
keyboard_key(void *data, struct wl_keyboard *keyboard, uint32_t serial,
	     uint32_t time, uint32_t key, uint32_t state)
{
	struct xd_seat_event *e = record(data, XD_SEAT_KEY);

	e->code = key;
	e->state = state;
}

static void
keyboard_modifiers(void *data, struct wl_keyboard *keyboard,
		   uint32_t serial, uint32_t depressed, uint32_t latched,
		   uint32_t locked, uint32_t group)
{
	struct xd_seat_event *e = record(data, XD_SEAT_MODIFIERS);

	e->mods_depressed = depressed;
	e->mods_locked = locked;
}

static void
keyboard_repeat_info(void *data, struct wl_keyboard *keyboard,
		     int32_t rate, int32_t delay)
{
}

static const struct wl_keyboard_listener keyboard_listener = {
	.keymap = keyboard_keymap,
	.enter = keyboard_enter,
	.leave = keyboard_leave,
	.key = keyboard_key,
	.modifiers = keyboard_modifiers,
	.repeat_info = keyboard_repeat_info,
};

static void
pointer_enter(void *data, struct wl_pointer *pointer, uint32_t serial,
	      struct wl_surface *surface, wl_fixed_t x, wl_fixed_t y)
{
	struct xd_seat_event *e = record(data, XD_SEAT_POINTER_ENTER);

	e->surface = surface;
	e->x = wl_fixed_to_double(x);
	e->y = wl_fixed_to_double(y);
}

static void
pointer_leave(void *data, struct wl_pointer *pointer, uint32_t serial,
	      struct wl_surface *surface)
{
	record(data, XD_SEAT_POINTER_LEAVE)->surface = surface;
}

static void
pointer_motion(void *data, struct wl_pointer *pointer, uint32_t time,
	       wl_fixed_t x, wl_fixed_t y)
{
	struct xd_seat_event *e = record(data, XD_SEAT_MOTION);

	e->x = wl_fixed_to_double(x);
	e->y = wl_fixed_to_double(y);
}

static void
pointer_button(void *data, struct wl_pointer *pointer, uint32_t serial,
	       uint32_t time, uint32_t button, uint32_t state)
{
	struct xd_seat_event *e = record(data, XD_SEAT_BUTTON);

	e->code = button;
	e->state = state;
}

static void
pointer_axis(void *data, struct wl_pointer *pointer, uint32_t time,
	     uint32_t axis, wl_fixed_t value)
{
	struct xd_seat_event *e = record(data, XD_SEAT_AXIS);

	e->axis = axis;
	e->value = wl_fixed_to_double(value);
}

static void
pointer_frame(void *data, struct wl_pointer *pointer)
{
	record(data, XD_SEAT_FRAME);
}

static void
pointer_axis_source(void *data, struct wl_pointer *pointer,
		    uint32_t source)
{
}

static void
pointer_axis_stop(void *data, struct wl_pointer *pointer, uint32_t time,
		  uint32_t axis)
{
}

static void
pointer_axis_discrete(void *data, struct wl_pointer *pointer,
		      uint32_t axis, int32_t discrete)
{
}

static void
pointer_axis_value120(void *data, struct wl_pointer *pointer,
		      uint32_t axis, int32_t value120)
{
	struct xd_seat_event *e = record(data, XD_SEAT_AXIS_VALUE120);

	e->axis = axis;
	e->value = value120;
}

static const struct wl_pointer_listener pointer_listener = {
	.enter = pointer_enter,
	.leave = pointer_leave,
	.motion = pointer_motion,
	.button = pointer_button,
	.axis = pointer_axis,
	.frame = pointer_frame,
	.axis_source = pointer_axis_source,
	.axis_stop = pointer_axis_stop,
	.axis_discrete = pointer_axis_discrete,
	.axis_value120 = pointer_axis_value120,
};

static void
seat_capabilities(void *data, struct wl_seat *seat, uint32_t capabilities)
{
	struct xd_seat_recorder *r = data;

	r->capabilities = capabilities;
	if ((capabilities & WL_SEAT_CAPABILITY_KEYBOARD) && !r->keyboard) {
		r->keyboard = wl_seat_get_keyboard(seat);
		wl_keyboard_add_listener(r->keyboard, &keyboard_listener, r);
	}
	if ((capabilities & WL_SEAT_CAPABILITY_POINTER) && !r->pointer) {
		r->pointer = wl_seat_get_pointer(seat);
		wl_pointer_add_listener(r->pointer, &pointer_listener, r);
	}
}

static void
seat_name(void *data, struct wl_seat *seat, const char *name)
{
}

static const struct wl_seat_listener seat_listener = {
	.capabilities = seat_capabilities,
	.name = seat_name,
};

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version)
{
	struct xd_seat_recorder *r = data;

	if (r->seat || strcmp(interface, wl_seat_interface.name) != 0)
		return;
	r->seat = wl_registry_bind(registry, name, &wl_seat_interface,
				   version < SEAT_VERSION ?
				   version : SEAT_VERSION);
	wl_seat_add_listener(r->seat, &seat_listener, r);
}

static void
registry_global_remove(void *data, struct wl_registry *registry,
		       uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	registry_global, registry_global_remove,
};

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

struct xd_seat_recorder *
xd_seat_recorder_create(struct wl_display *display, int timeout_ms)
{
	struct xd_seat_recorder *r = calloc(1, sizeof *r);
	long deadline = now_ms() + timeout_ms;

	XD_ASSERT(r, "out of memory");
	r->display = display;
	r->registry = wl_display_get_registry(display);
	wl_registry_add_listener(r->registry, &registry_listener, r);
	/* A seat may come later than the client: keep asking. */
	for (;;) {
		XD_ASSERT(wl_display_roundtrip(display) >= 0,
			  "connection lost waiting for a seat");
		if (r->keyboard && r->pointer)
			break;
		XD_ASSERT(now_ms() < deadline, "no seat with keyboard and "
			  "pointer in %d ms (seat %s, capabilities 0x%x)",
			  timeout_ms, r->seat ? "bound" : "absent",
			  r->capabilities);
		usleep(POLL_MS * 1000);
	}
	return r;
}

const struct xd_seat_event *
xd_seat_recorder_events(struct xd_seat_recorder *r, int *count)
{
	*count = r->count;
	return r->events;
}

void
xd_seat_recorder_clear(struct xd_seat_recorder *r)
{
	r->count = 0;
}

void
xd_seat_recorder_destroy(struct xd_seat_recorder *r)
{
	if (r->keyboard)
		wl_keyboard_destroy(r->keyboard);
	if (r->pointer)
		wl_pointer_destroy(r->pointer);
	if (r->seat)
		wl_seat_destroy(r->seat);
	wl_registry_destroy(r->registry);
	free(r->events);
	free(r);
}
