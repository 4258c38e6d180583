/* SPDX-License-Identifier: MIT */
/*
 * One backend process per guest display device: launched as a Wayland
 * client of this compositor, restarted with backoff when it dies while its
 * guest is still there, stopped when the guest goes.
 */

#ifndef XD_SUPERVISOR_H
#define XD_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>

#include <libweston/libweston.h>

#include "buffers/budget.h"

struct xd_module;
struct xd_store_channel;
struct xd_supervisor;

struct xd_backend_process {
	struct wl_list link;		/* xd_supervisor::processes */
	struct xd_supervisor *supervisor;
	struct xd_module *module;
	uint32_t domid;
	uint32_t devid;
	char *label;			/* "guest1" or "dom7", for logs */

	struct wl_client *client;	/* while running */
	struct xd_store_channel *store;	/* its XenStore, while running */
	struct wl_listener client_destroy;
	struct wl_event_source *restart_timer;
	struct wl_event_source *retire_timer;	/* device gone: grace */
	uint32_t backoff_ms;
	uint64_t started_ms;
	unsigned int starts;

	/* This device's share of its guest's budget, given on the
	 * backend's command line; held_back: not started, as the share
	 * would pass the guest's budget or all guests' cap (retried at each
	 * scan). */
	struct xd_budget_limits share;
	bool held_back;
	char *guest_name;		/* the domain's name, or NULL */
	size_t guest_devices;		/* its devices at the last scan */
};

struct xd_supervisor *
xd_supervisor_create(struct xd_module *module);

void
xd_supervisor_destroy(struct xd_supervisor *supervisor);

struct xd_guest_device {
	uint32_t domid;
	uint32_t devid;
	char *name;			/* the guest's domain name, or NULL */
};

/* Makes the set of backend processes equal to devs: starts one for each
 * new device, stops those whose device is gone. */
void
xd_supervisor_sync(struct xd_supervisor *supervisor,
		   const struct xd_guest_device *devs, size_t n);

/* The process behind a client, or NULL for a client we did not launch. */
struct xd_backend_process *
xd_supervisor_find_client(struct xd_supervisor *supervisor,
			  struct wl_client *client);

/* The process whose client made surface, or NULL (no client, or one we
 * did not launch). */
struct xd_backend_process *
xd_supervisor_find_surface(struct xd_supervisor *supervisor,
			   struct weston_surface *surface);

#endif
