/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>
#include <libweston/config-parser.h>
#include <libweston/weston-log.h>

#include "module-config.h"

#define XD_DEFAULT_RELEASE_KEY "ctrl+alt+escape"
#define SECTION "xen-display"
#define MAX_CONNECTORS 4	/* displif allows no more per device */

static const char *const mode_names[] = {
	[XD_PLACEMENT_WINDOW] = "window",
	[XD_PLACEMENT_FULLSCREEN] = "fullscreen",
	[XD_PLACEMENT_SCALE] = "scale",
	[XD_PLACEMENT_POSITION] = "position",
};

const char *
xd_placement_mode_name(enum xd_placement_mode mode)
{
	return mode_names[mode];
}

static int
parse_mode(const char *name, enum xd_placement_mode *mode)
{
	size_t i;

	for (i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++) {
		if (strcmp(name, mode_names[i]) == 0) {
			*mode = i;
			return 0;
		}
	}
	return -1;
}

static int
parse_position(const char *text, int32_t *x, int32_t *y)
{
	char tail;

	if (sscanf(text, "%d,%d%c", x, y, &tail) != 2)
		return -1;
	return 0;
}

static void
placement_destroy(struct xd_placement *placement)
{
	wl_list_remove(&placement->link);
	free(placement->guest);
	free(placement->output);
	free(placement);
}

/* resolution=guest keeps the vdispl line's resolution; resolution=output
 * offers the pinned output's mode to the guest instead. */
static int
parse_resolution(struct weston_config_section *section,
		 struct xd_placement *placement,
		 struct weston_log_scope *scope)
{
	char *value = NULL;
	int ret = 0;

	weston_config_section_get_string(section, "resolution", &value,
					 "guest");
	if (strcmp(value, "output") == 0 && placement->output &&
	    placement->mode != XD_PLACEMENT_WINDOW) {
		placement->follow_output_mode = true;
	} else if (strcmp(value, "output") == 0) {
		weston_log_scope_printf(scope,
			"config: guest '%s' connector %u: resolution=output "
			"needs output= and a pinned placement; section "
			"ignored\n", placement->guest, placement->connector);
		ret = -1;
	} else if (strcmp(value, "guest") != 0) {
		weston_log_scope_printf(scope,
			"config: guest '%s' connector %u: unknown resolution "
			"'%s' (use guest or output); section ignored\n",
			placement->guest, placement->connector, value);
		ret = -1;
	}
	free(value);
	return ret;
}

static int
read_placement(struct weston_config_section *section, char *guest,
	       struct xd_module_config *config,
	       struct weston_log_scope *scope)
{
	struct xd_placement *placement;
	char *mode = NULL;
	char *position = NULL;
	uint32_t connector;

	weston_config_section_get_uint(section, "connector", &connector, 0);
	if (connector >= MAX_CONNECTORS) {
		weston_log_scope_printf(scope,
			"config: guest '%s': connector=%u is out of range "
			"(0-%d); section ignored\n", guest, connector,
			MAX_CONNECTORS - 1);
		free(guest);
		return -1;
	}

	placement = calloc(1, sizeof *placement);
	if (!placement) {
		free(guest);
		return -1;
	}
	wl_list_insert(config->placements.prev, &placement->link);
	placement->guest = guest;
	placement->connector = connector;
	weston_config_section_get_string(section, "output",
					 &placement->output, NULL);

	weston_config_section_get_string(section, "placement", &mode, NULL);
	if (!mode) {
		placement->mode = placement->output ? XD_PLACEMENT_SCALE :
						      XD_PLACEMENT_WINDOW;
	} else if (parse_mode(mode, &placement->mode) < 0) {
		weston_log_scope_printf(scope,
			"config: guest '%s' connector %u: unknown placement "
			"'%s' (use window, fullscreen, scale or position); "
			"section ignored\n", guest, connector, mode);
		free(mode);
		placement_destroy(placement);
		return -1;
	}
	free(mode);

	if (placement->mode == XD_PLACEMENT_POSITION) {
		weston_config_section_get_string(section, "position",
						 &position, "0,0");
		if (parse_position(position, &placement->x,
				   &placement->y) < 0) {
			weston_log_scope_printf(scope,
				"config: guest '%s' connector %u: position "
				"'%s' is not X,Y; section ignored\n",
				guest, connector, position);
			free(position);
			placement_destroy(placement);
			return -1;
		}
		free(position);
	}

	if (parse_resolution(section, placement, scope) < 0) {
		placement_destroy(placement);
		return -1;
	}

	weston_log_scope_printf(scope,
		"config: guest '%s' connector %u -> output '%s', "
		"placement %s, resolution from the %s\n", placement->guest,
		placement->connector,
		placement->output ? placement->output : "(shell's choice)",
		xd_placement_mode_name(placement->mode),
		placement->follow_output_mode ? "output" : "guest's vdispl line");
	return 0;
}

static void
read_globals(struct weston_config_section *section,
	     struct xd_module_config *config, struct weston_log_scope *scope)
{
	char *release = NULL;

	weston_config_section_get_string(section, "release-key", &release,
					 NULL);
	if (release && xd_key_combo_parse(release, &config->release_key) < 0)
		weston_log_scope_printf(scope, "config: release-key=%s is not "
			"a key combination like ctrl+alt+escape: keeping the "
			"previous one\n", release);
	free(release);
	free(config->backend_path);
	free(config->xen);
	weston_config_section_get_string(section, "backend",
					 &config->backend_path,
					 XD_BACKEND_PATH);
	weston_config_section_get_string(section, "xen", &config->xen, "xen");
	weston_config_section_get_bool(section, "be-alloc", &config->be_alloc,
				       true);
}

struct xd_module_config *
xd_module_config_read(struct weston_config *wc,
		      struct weston_log_scope *scope)
{
	struct xd_module_config *config = calloc(1, sizeof *config);
	struct weston_config_section *section = NULL;
	const char *name;

	if (!config)
		return NULL;
	wl_list_init(&config->placements);
	config->backend_path = strdup(XD_BACKEND_PATH);
	config->xen = strdup("xen");
	config->be_alloc = true;
	xd_key_combo_parse(XD_DEFAULT_RELEASE_KEY, &config->release_key);

	while (weston_config_next_section(wc, &section, &name)) {
		char *guest = NULL;

		if (strcmp(name, SECTION) != 0)
			continue;
		weston_config_section_get_string(section, "guest", &guest,
						 NULL);
		if (guest)
			read_placement(section, guest, config, scope);
		else
			read_globals(section, config, scope);
	}

	weston_log_scope_printf(scope, "config: backend %s, xen access '%s'%s\n",
				config->backend_path, config->xen,
				config->be_alloc ? ", be-alloc allowed" : "");
	return config;
}

void
xd_module_config_destroy(struct xd_module_config *config)
{
	struct xd_placement *placement, *tmp;

	wl_list_for_each_safe(placement, tmp, &config->placements, link)
		placement_destroy(placement);
	free(config->backend_path);
	free(config->xen);
	free(config);
}
