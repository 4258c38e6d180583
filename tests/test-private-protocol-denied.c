/* SPDX-License-Identifier: MIT */
/*
 * Only the backend processes xen-display.so launched may speak its private
 * protocol, and only its labeler may hand it label surfaces (the guests'
 * names, which must be the module's pixels): any other client that binds
 * either is disconnected with the 'denied' error, and the compositor
 * carries on.
 */

#include <errno.h>
#include <string.h>

#include <wayland-client.h>

#include "harness/harness.h"
#include "xen-display-private-v1-client-protocol.h"

struct globals {
	uint32_t manager_name;
	uint32_t labeler_name;
};

static void
registry_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version)
{
	struct globals *g = data;

	if (strcmp(interface, xen_display_manager_v1_interface.name) == 0)
		g->manager_name = name;
	if (strcmp(interface, xen_display_labeler_v1_interface.name) == 0)
		g->labeler_name = name;
}

static void
registry_global_remove(void *data, struct wl_registry *registry,
		       uint32_t name)
{
}

static const struct wl_registry_listener registry_listener = {
	registry_global, registry_global_remove,
};

/* A client of its own that binds the labeler's global, as if to hand
 * the module a surface that reads as another guest's name. */
static void
labeler_denied(struct xd_weston *weston)
{
	struct wl_display *display = xd_weston_connect(weston);
	struct wl_registry *registry = wl_display_get_registry(display);
	struct globals g = { 0 };
	struct xen_display_labeler_v1 *labeler;
	const struct wl_interface *iface;
	uint32_t id;
	int ret;

	wl_registry_add_listener(registry, &registry_listener, &g);
	wl_display_roundtrip(display);
	XD_ASSERT(g.labeler_name, "the module offers no xen_display_labeler_v1");
	labeler = wl_registry_bind(registry, g.labeler_name,
				   &xen_display_labeler_v1_interface, 1);
	ret = wl_display_roundtrip(display);
	XD_ASSERT(ret < 0, "a client the module did not launch bound the "
		  "labeler's global");
	ret = wl_display_get_protocol_error(display, &iface, &id);
	XD_ASSERT(iface == &xen_display_labeler_v1_interface &&
		  ret == XEN_DISPLAY_LABELER_V1_ERROR_DENIED,
		  "wrong error %d on %s", ret, iface ? iface->name : "?");
	xen_display_labeler_v1_destroy(labeler);
	wl_registry_destroy(registry);
	wl_display_disconnect(display);
}

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

	labeler_denied(weston);

	/* Weston is still there for everyone else. */
	display = xd_weston_connect(weston);
	XD_ASSERT(wl_display_roundtrip(display) >= 0, "weston is gone");
	wl_display_disconnect(display);
	xd_weston_stop(weston);
	return 0;
}
