/* SPDX-License-Identifier: MIT */
/*
 * xen-display.so: shows Xen guests' para-virtual displays in Weston.
 *
 * The module owns what needs the compositor: configuration, the log scope,
 * guest discovery, supervision of one backend process per guest device,
 * and placement of pinned connectors. It knows no ring format: that lives
 * in the backend process.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

#include <libweston/libweston.h>
#include <libweston/weston-log.h>
#include <weston.h>

#include "guest-frame.h"
#include "guest-watch.h"
#include "input-focus.h"
#include "label-service.h"
#include "manager.h"
#include "module-config.h"
#include "module.h"
#include "pinned-surface.h"
#include "store-broker.h"
#include "supervisor.h"

void
xd_module_log(struct xd_module *module, const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	if (!weston_log_scope_is_enabled(module->scope))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	weston_log_scope_printf(module->scope, "[%5ld.%03ld] ",
				(long)ts.tv_sec, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	weston_log_scope_vprintf(module->scope, fmt, ap);
	va_end(ap);
}

static void
module_destroy(struct wl_listener *listener, void *data)
{
	struct xd_module *module =
		wl_container_of(listener, module, destroy_listener);

	wl_list_remove(&module->destroy_listener.link);
	/* Before the XenStore connection it uses goes with the watch. */
	xd_store_broker_destroy(module->broker);
	module->broker = NULL;
	if (module->watch)
		xd_guest_watch_destroy(module->watch);
	xd_input_focus_destroy(module->input_focus);
	xd_guest_frames_destroy(module->frames);
	xd_label_service_destroy(module->label_service);
	if (module->supervisor)
		xd_supervisor_destroy(module->supervisor);
	xd_manager_destroy(module);
	if (module->pinned)
		xd_pinned_layer_destroy(module->pinned);
	if (module->config)
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
	module->destroy_listener.notify = module_destroy;
	wl_signal_add(&compositor->destroy_signal, &module->destroy_listener);

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
	module->pinned = xd_pinned_layer_create(compositor);
	module->supervisor = xd_supervisor_create(module);
	if (!module->pinned || !module->supervisor ||
	    xd_manager_create(module) < 0)
		goto err;
	module->input_focus = xd_input_focus_create(module);
	if (!module->input_focus)
		goto err;
	/* Before any backend: every surface of one is framed. */
	module->label_service = xd_label_service_create(module);
	module->frames = xd_guest_frames_create(module);
	if (!module->label_service || !module->frames)
		goto err;

	xd_module_log(module, "xen-display %s loaded\n", XD_VERSION);
	/* Without XenStore the compositor still runs, showing no guests. */
	module->watch = xd_guest_watch_create(module);
	/* Backends reach XenStore through it alone (supervisor.c). */
	if (module->watch)
		module->broker = xd_store_broker_create(module,
			xd_guest_watch_xen(module->watch));
	return 0;

err:
	weston_log("xen-display: initialisation failed\n");
	module_destroy(&module->destroy_listener, NULL);
	return -1;
}
