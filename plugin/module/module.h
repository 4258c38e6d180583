/* SPDX-License-Identifier: MIT */
/* The module's state, shared by its parts. */

#ifndef XD_MODULE_H
#define XD_MODULE_H

#include <libweston/libweston.h>
#include <libweston/weston-log.h>

struct xd_module {
	struct weston_compositor *compositor;
	struct weston_log_scope *scope;
	struct xd_module_config *config;
	struct xd_supervisor *supervisor;
	struct xd_pinned_layer *pinned;
	struct xd_guest_watch *watch;
	struct xd_store_broker *broker;	/* on watch's XenStore */
	struct xd_input_focus *input_focus;
	struct xd_label_service *label_service;	/* guests' names */
	struct xd_guest_frames *frames;		/* every guest display's */
	struct wl_global *manager;
	struct wl_listener destroy_listener;
};

/* Writes a line to the module's log scope, with a timestamp. */
void
xd_module_log(struct xd_module *module, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
