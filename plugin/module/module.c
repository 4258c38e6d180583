/* SPDX-License-Identifier: MIT */
/*
 * xen-display.so: shows Xen guests' para-virtual displays in Weston.
 *
 * The module owns what needs the compositor: configuration, the log scope,
 * and (as the project grows) guest discovery, backend supervision and
 * placement. It knows no ring format: that lives in the backend process.
 */

#include <stdlib.h>

#include <libweston/libweston.h>
#include <libweston/weston-log.h>
#include <weston.h>

#include "module-config.h"

struct xd_module {
	struct weston_compositor *compositor;
	struct weston_log_scope *scope;
	struct xd_module_config *config;
	struct wl_listener destroy_listener;
};

static void
module_destroy(struct wl_listener *listener, void *data)
{
	struct xd_module *module =
		wl_container_of(listener, module, destroy_listener);

	wl_list_remove(&module->destroy_listener.link);
	xd_module_config_destroy(module->config);
	weston_log_scope_destroy(module->scope);
	free(module);
}

WL_EXPORT int
wet_module_init(struct weston_compositor *compositor, int *argc, char *argv[])
{
	struct xd_module *module = calloc(1, sizeof *module);

	if (!module)
		return -1;
	module->compositor = compositor;
	module->scope = weston_compositor_add_log_scope(compositor,
		"xen-display",
		"Xen guest displays: guests, connectors, flips and errors\n",
		NULL, NULL, NULL);
	if (!module->scope)
		goto err;

	module->config = xd_module_config_read(wet_get_config(compositor),
					       module->scope);
	if (!module->config)
		goto err;

	module->destroy_listener.notify = module_destroy;
	wl_signal_add(&compositor->destroy_signal, &module->destroy_listener);
	weston_log_scope_printf(module->scope, "xen-display %s loaded\n",
				XD_VERSION);
	return 0;

err:
	weston_log("xen-display: initialisation failed\n");
	if (module->scope)
		weston_log_scope_destroy(module->scope);
	free(module);
	return -1;
}
