/* SPDX-License-Identifier: MIT */

#include <link.h>		/* dl_iterate_phdr (_GNU_SOURCE: meson.build) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libweston/config-parser.h>
#include <libweston/libweston.h>

#include "kiosk-placement.h"
#include "module-config.h"

static int
is_kiosk_shell(struct dl_phdr_info *info, size_t size, void *data)
{
	const char *slash = strrchr(info->dlpi_name, '/');
	const char *base = slash ? slash + 1 : info->dlpi_name;

	return strcmp(base, "kiosk-shell.so") == 0;
}

/* Weston loads its shell before any module, so the answer holds. */
bool
xd_kiosk_shell_running(void)
{
	return dl_iterate_phdr(is_kiosk_shell, NULL) != 0;
}

/* Whether the comma-separated list holds app_id as a whole entry. */
static bool
list_has(const char *list, const char *app_id)
{
	size_t len = strlen(app_id);
	const char *at;

	for (at = list; (at = strstr(at, app_id)); at++)
		if ((at == list || at[-1] == ',') &&
		    (at[len] == ',' || at[len] == '\0'))
			return true;
	return false;
}

static struct weston_output *
output_for_app_id(struct weston_compositor *compositor,
		  struct weston_config *config, const char *app_id)
{
	struct weston_output *o;

	wl_list_for_each(o, &compositor->output_list, link) {
		struct weston_config_section *s;
		char *ids = NULL;
		bool match;

		if (!o->enabled)
			continue;
		s = weston_config_get_section(config, "output", "name",
					      o->name);
		if (!s)
			continue;
		weston_config_section_get_string(s, "app-ids", &ids, NULL);
		match = ids && list_has(ids, app_id);
		free(ids);
		if (match)
			return o;
	}
	return NULL;
}

static struct weston_output *
first_output(struct weston_compositor *compositor)
{
	struct weston_output *o;

	wl_list_for_each(o, &compositor->output_list, link)
		if (o->enabled)
			return o;
	return NULL;
}

int
xd_kiosk_placement(struct weston_compositor *compositor,
		   struct weston_config *config, const char *guest,
		   uint32_t index, struct xd_placement *out)
{
	struct weston_output *o = NULL;
	char app_id[256];

	/* The app_id the backend gives the window (xdw-surface.c). */
	snprintf(app_id, sizeof app_id, "xen-display.%s.%u", guest, index);
	if (config)
		o = output_for_app_id(compositor, config, app_id);
	if (!o)
		o = first_output(compositor);
	if (!o)
		return -1;
	memset(out, 0, sizeof *out);
	wl_list_init(&out->link);
	out->connector = index;
	out->output = strdup(o->name);
	out->mode = XD_PLACEMENT_SCALE;
	return out->output ? 0 : -1;
}
