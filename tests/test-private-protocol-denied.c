/* SPDX-License-Identifier: MIT */
/*
 * Only the backend processes xen-display.so launched may speak its private
 * protocol: any other client that binds it is disconnected with the
 * 'denied' error, and the compositor carries on.
 */

#include <errno.h>
#include <string.h>

#include <wayland-client.h>

#include "harness/harness.h"
#include "xen-display-private-v1-client-protocol.h"

struct globals {
	uint32_t manager_name;
};

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version)
{
	struct globals *g = data;

	if (strcmp(interface, xen_display_manager_v1_interface.name) == 0)
		g->manager_name = name;
}

static void
registry_global_remove(void *data, struct wl_registry *registry,
		       uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	registry_global, registry_global_remove,
};

int
main(void)
{
	struct xd_weston_options opt = { .load_module = true };
	struct xd_weston *weston = xd_weston_start(&opt);
	struct wl_display *display = xd_weston_connect(weston);
	struct wl_registry *registry = wl_display_get_registry(display);
	struct globals g = { 0 };
	struct xen_display_manager_v1 *manager;
	const struct wl_interface *iface;
	uint32_t id;
	int ret;

	wl_registry_add_listener(registry, &registry_listener, &g);
	wl_display_roundtrip(display);
	XD_ASSERT(g.manager_name, "the module offers no xen_display_manager_v1");

	manager = wl_registry_bind(registry, g.manager_name,
				   &xen_display_manager_v1_interface, 1);
	xen_display_manager_v1_log(manager, "an intruder speaks");
	ret = wl_display_roundtrip(display);
	XD_ASSERT(ret < 0, "an unlaunched client was allowed to bind");
	XD_ASSERT(wl_display_get_error(display) == EPROTO,
		  "expected a protocol error, got %s",
		  strerror(wl_display_get_error(display)));
	ret = wl_display_get_protocol_error(display, &iface, &id);
	XD_ASSERT(iface == &xen_display_manager_v1_interface &&
		  ret == XEN_DISPLAY_MANAGER_V1_ERROR_DENIED,
		  "wrong error %d on %s", ret, iface ? iface->name : "?");
	XD_ASSERT(!xd_weston_wait_log(weston, "an intruder speaks", 0),
		  "the intruder's message reached the log");
	xen_display_manager_v1_destroy(manager);
	wl_registry_destroy(registry);
	wl_display_disconnect(display);

	/* Weston is still there for everyone else. */
	display = xd_weston_connect(weston);
	XD_ASSERT(wl_display_roundtrip(display) >= 0, "weston is gone");
	wl_display_disconnect(display);
	xd_weston_stop(weston);
	return 0;
}
