/* SPDX-License-Identifier: MIT */
/*
 * The module's weston.ini options: a [xen-display] section without a guest
 * key holds the global options; each [xen-display] section with guest= places
 * one guest connector. See doc/xen-display.ini.5.md.
 */

#ifndef XD_MODULE_CONFIG_H
#define XD_MODULE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-util.h>

#include "buffers/budget.h"
#include "key-combo.h"

struct weston_config;
struct weston_log_scope;

enum xd_placement_mode {
	XD_PLACEMENT_WINDOW,		/* an ordinary window of the shell */
	XD_PLACEMENT_FULLSCREEN,	/* fills the output, stretched */
	XD_PLACEMENT_SCALE,		/* fills the output, aspect kept */
	XD_PLACEMENT_POSITION,		/* unscaled at x,y on the output */
};

struct xd_placement {
	struct wl_list link;		/* xd_module_config::placements */
	char *guest;			/* domain name, or domid in decimal */
	uint32_t connector;
	char *output;			/* output name, NULL: the shell picks */
	enum xd_placement_mode mode;
	int32_t x, y;			/* XD_PLACEMENT_POSITION only */
	bool follow_output_mode;	/* resolution=output: EDID = output */
};

/* A guest's budget (buffers/budget.h): the defaults, or what its
 * [xen-display] section with guest= says; split among its vdispl devices
 * by the supervisor. */
struct xd_guest_budget {
	struct wl_list link;		/* xd_module_config::budgets */
	char *guest;			/* domain name, or domid in decimal */
	struct xd_budget_limits limits;
};

/* A guest whose [xen-display] section with guest= names its own
 * backend= executable (e.g. the rig's compromised-backend test). */
struct xd_guest_backend {
	struct wl_list link;		/* xd_module_config::backends */
	char *guest;			/* domain name, or domid in decimal */
	char *path;
};

/* A guest's label (guest-frame.c): its section's label-color= and
 * label=; a later section of the same guest overrides what it names. */
struct xd_guest_label {
	struct wl_list link;		/* xd_module_config::labels */
	char *guest;			/* domain name, or domid in decimal */
	bool has_color;
	uint32_t color;			/* 0xAARRGGBB */
	bool label;			/* false: no frame, no name (warned) */
};

struct xd_module_config {
	char *backend_path;		/* the per-guest backend executable */
	char *sandbox_path;		/* xen-display-sandbox, which runs it */
	bool sandbox;			/* false: unconfined where no Landlock */
	struct wl_list backends;	/* struct xd_guest_backend::link */
	char *xen;			/* Xen access: "xen" or "sim:SOCKET" */
	bool be_alloc;			/* backends may allocate for guests */
	struct xd_key_combo release_key;	/* takes the keyboard back */
	struct wl_list placements;	/* struct xd_placement::link */
	/* Every guest's budget unless its section says otherwise, and the
	 * cap on all guests' mapped pages together. */
	struct xd_budget_limits budget;
	uint64_t mapped_pages_total;
	struct wl_list budgets;		/* struct xd_guest_budget::link */
	char *labeler_path;		/* xen-display-labeler */
	uint32_t label_color;		/* a guest's frame unless it has one */
	struct wl_list labels;		/* struct xd_guest_label::link */
};

/* The budget of the guest named name (or NULL) with domid. */
const struct xd_budget_limits *
xd_module_config_budget(const struct xd_module_config *config,
			const char *name, uint32_t domid);

/* The backend executable of the guest named name (or NULL) with domid:
 * its section's backend=, or the global one. */
const char *
xd_module_config_backend_path(const struct xd_module_config *config,
			      const char *name, uint32_t domid);

/* The frame colour of the guest named name (or NULL) with domid, and
 * whether it is labelled at all. */
uint32_t
xd_module_config_label_color(const struct xd_module_config *config,
			     const char *name, uint32_t domid);

bool
xd_module_config_labelled(const struct xd_module_config *config,
			  const char *name, uint32_t domid);

/* Reads every [xen-display] section. Invalid entries are logged to scope
 * and skipped: a typo must not stop the compositor. */
struct xd_module_config *
xd_module_config_read(struct weston_config *config,
		      struct weston_log_scope *scope);

void
xd_module_config_destroy(struct xd_module_config *config);

const char *
xd_placement_mode_name(enum xd_placement_mode mode);

#endif
