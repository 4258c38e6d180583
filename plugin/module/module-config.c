/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>
#include <libweston/config-parser.h>
#include <libweston/weston-log.h>

#include "common/decimal.h"
#include "common/label-style.h"
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

/* The weston.ini keys of a budget, in the order of enum xd_budget_kind;
 * memory in MiB. */
static const char *const budget_keys[XD_BUDGET_KINDS] = {
	[XD_BUDGET_MAPPED_PAGES] = "budget-mapped-pages",
	[XD_BUDGET_MEMORY] = "budget-memory-mib",
	[XD_BUDGET_BUFFERS] = "budget-buffers",
	[XD_BUDGET_FRAMEBUFFERS] = "budget-framebuffers",
};

/* The most each key takes: a backend parses a u32 (MiB for memory). */
#define BUDGET_MAX 0x7fffffffu

/* Reads the budget keys of section into limits (keys absent keep what
 * limits had). */
static void
read_budget(struct weston_config_section *section, const char *who,
	    struct xd_budget_limits *limits, struct weston_log_scope *scope)
{
	char *text;
	int i;

	for (i = 0; i < XD_BUDGET_KINDS; i++) {
		uint32_t value;

		text = NULL;
		if (weston_config_section_get_string(section, budget_keys[i],
						     &text, NULL) < 0 ||
		    !text)
			continue;
		if (xd_parse_u32(text, BUDGET_MAX, &value) < 0 ||
		    (i == XD_BUDGET_MEMORY && value > (1u << 20))) {
			weston_log_scope_printf(scope, "config: %s: %s=%s is "
				"not a number of %s; keeping %llu\n", who,
				budget_keys[i], text,
				i == XD_BUDGET_MEMORY ? "MiB" : "pages or "
				"objects",
				(unsigned long long)(i == XD_BUDGET_MEMORY ?
					limits->limit[i] >> 20 :
					limits->limit[i]));
		} else {
			limits->limit[i] = i == XD_BUDGET_MEMORY ?
					   (uint64_t)value << 20 : value;
		}
		free(text);
	}
}

/* Whether section places a connector (any placement key), rather than
 * only giving its guest a budget. */
static bool
has_placement_key(struct weston_config_section *section)
{
	static const char *const keys[] = {
		"connector", "output", "placement", "position", "resolution",
	};
	char *text;
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		text = NULL;
		if (weston_config_section_get_string(section, keys[i], &text,
						     NULL) == 0 && text) {
			free(text);
			return true;
		}
	}
	return false;
}

static bool
has_budget_key(struct weston_config_section *section)
{
	char *text;
	int i;

	for (i = 0; i < XD_BUDGET_KINDS; i++) {
		text = NULL;
		if (weston_config_section_get_string(section, budget_keys[i],
						     &text, NULL) == 0 &&
		    text) {
			free(text);
			return true;
		}
	}
	return false;
}

/* A section with guest= and budget keys: that guest's budget, starting
 * from the global one; a later section of the same guest overrides the
 * keys it names. */
static void
read_guest_budget(struct weston_config_section *section, const char *guest,
		  struct xd_module_config *config,
		  struct weston_log_scope *scope)
{
	struct xd_guest_budget *b;
	char who[300];

	if (!has_budget_key(section))
		return;
	wl_list_for_each(b, &config->budgets, link)
		if (strcmp(b->guest, guest) == 0)
			break;
	if (&b->link == &config->budgets) {
		b = calloc(1, sizeof *b);
		if (!b || !(b->guest = strdup(guest))) {
			free(b);
			return;
		}
		b->limits = config->budget;
		wl_list_insert(config->budgets.prev, &b->link);
	}
	snprintf(who, sizeof who, "guest '%s'", guest);
	read_budget(section, who, &b->limits, scope);
	weston_log_scope_printf(scope, "config: guest '%s': budget %llu "
		"mapped pages, %llu MiB of dom0 memory, %llu buffers, %llu "
		"framebuffers\n", guest,
		(unsigned long long)b->limits.limit[XD_BUDGET_MAPPED_PAGES],
		(unsigned long long)(b->limits.limit[XD_BUDGET_MEMORY] >> 20),
		(unsigned long long)b->limits.limit[XD_BUDGET_BUFFERS],
		(unsigned long long)b->limits.limit[XD_BUDGET_FRAMEBUFFERS]);
}

const struct xd_budget_limits *
xd_module_config_budget(const struct xd_module_config *config,
			const char *name, uint32_t domid)
{
	const struct xd_guest_budget *b;
	char id[16];

	snprintf(id, sizeof id, "%u", domid);
	wl_list_for_each(b, &config->budgets, link)
		if (strcmp(b->guest, id) == 0 ||
		    (name && strcmp(b->guest, name) == 0))
			return &b->limits;
	return &config->budget;
}

/* A section with guest= and backend=: that guest's backend executable;
 * a later section of the same guest overrides it. */
static bool
read_guest_backend(struct weston_config_section *section, const char *guest,
		   struct xd_module_config *config,
		   struct weston_log_scope *scope)
{
	struct xd_guest_backend *b;
	char *path = NULL;

	if (weston_config_section_get_string(section, "backend", &path,
					     NULL) < 0 || !path)
		return false;
	wl_list_for_each(b, &config->backends, link)
		if (strcmp(b->guest, guest) == 0)
			break;
	if (&b->link == &config->backends) {
		b = calloc(1, sizeof *b);
		if (!b || !(b->guest = strdup(guest))) {
			free(b);
			free(path);
			return true;
		}
		wl_list_insert(config->backends.prev, &b->link);
	}
	free(b->path);
	b->path = path;
	weston_log_scope_printf(scope, "config: guest '%s': backend %s\n",
				guest, path);
	return true;
}

const char *
xd_module_config_backend_path(const struct xd_module_config *config,
			      const char *name, uint32_t domid)
{
	const struct xd_guest_backend *b;
	char id[16];

	snprintf(id, sizeof id, "%u", domid);
	wl_list_for_each(b, &config->backends, link)
		if (strcmp(b->guest, id) == 0 ||
		    (name && strcmp(b->guest, name) == 0))
			return b->path;
	return config->backend_path;
}

/* label-color=0xRRGGBB (or 0xAARRGGBB, alpha ignored: frames are
 * opaque) into *color. The colour reserved for dom0 is refused. */
static bool
parse_label_color(struct weston_config_section *section, const char *who,
		  uint32_t *color, struct weston_log_scope *scope)
{
	char *text = NULL;
	uint32_t value;
	bool ok = false;

	if (weston_config_section_get_string(section, "label-color", &text,
					     NULL) < 0 || !text)
		return false;
	if (strncmp(text, "0x", 2) != 0 || strlen(text) < 3 ||
	    strlen(text) > 10 ||
	    strspn(text + 2, "0123456789abcdefABCDEF") != strlen(text + 2)) {
		weston_log_scope_printf(scope, "config: %s: label-color=%s is "
			"not a colour like 0xRRGGBB: ignored\n", who, text);
	} else {
		value = (uint32_t)strtoul(text + 2, NULL, 16) | 0xff000000u;
		if (value == XD_LABEL_TRUSTED_COLOR)
			weston_log_scope_printf(scope, "config: %s: "
				"label-color=%s is reserved for dom0 "
				"(doc/xen-display.ini.5.md): ignored\n", who,
				text);
		else {
			*color = value;
			ok = true;
		}
	}
	free(text);
	return ok;
}

/* A section with guest= and label keys: that guest's label. */
static bool
read_guest_label(struct weston_config_section *section, const char *guest,
		 struct xd_module_config *config,
		 struct weston_log_scope *scope)
{
	struct xd_guest_label *l;
	char who[300];
	uint32_t color;
	bool has_color, label, has_label;
	char *text = NULL;

	snprintf(who, sizeof who, "guest '%s'", guest);
	has_color = parse_label_color(section, who, &color, scope);
	has_label = weston_config_section_get_string(section, "label", &text,
						     NULL) == 0 && text;
	free(text);
	if (!has_color && !has_label)
		return false;
	weston_config_section_get_bool(section, "label", &label, true);
	wl_list_for_each(l, &config->labels, link)
		if (strcmp(l->guest, guest) == 0)
			break;
	if (&l->link == &config->labels) {
		l = calloc(1, sizeof *l);
		if (!l || !(l->guest = strdup(guest))) {
			free(l);
			return true;
		}
		l->label = true;
		wl_list_insert(config->labels.prev, &l->link);
	}
	if (has_color) {
		l->has_color = true;
		l->color = color;
	}
	if (has_label)
		l->label = label;
	if (!l->label)
		weston_log_scope_printf(scope, "config: warning: guest '%s': "
			"label=false: its displays are shown without the "
			"frame and name that tell the user whose they are; "
			"it can pass itself off as dom0 or another guest\n",
			guest);
	return true;
}

static const struct xd_guest_label *
find_label(const struct xd_module_config *config, const char *name,
	   uint32_t domid)
{
	const struct xd_guest_label *l;
	char id[16];

	snprintf(id, sizeof id, "%u", domid);
	wl_list_for_each(l, &config->labels, link)
		if (strcmp(l->guest, id) == 0 ||
		    (name && strcmp(l->guest, name) == 0))
			return l;
	return NULL;
}

uint32_t
xd_module_config_label_color(const struct xd_module_config *config,
			     const char *name, uint32_t domid)
{
	const struct xd_guest_label *l = find_label(config, name, domid);

	return l && l->has_color ? l->color : config->label_color;
}

bool
xd_module_config_labelled(const struct xd_module_config *config,
			  const char *name, uint32_t domid)
{
	const struct xd_guest_label *l = find_label(config, name, domid);

	return !l || l->label;
}

/* budget-mapped-pages-total=: all guests' mapped pages together. */
static void
read_total(struct weston_config_section *section,
	   struct xd_module_config *config, struct weston_log_scope *scope)
{
	char *text = NULL;
	uint32_t value;

	if (weston_config_section_get_string(section,
					     "budget-mapped-pages-total",
					     &text, NULL) < 0 || !text)
		return;
	if (xd_parse_u32(text, BUDGET_MAX, &value) < 0)
		weston_log_scope_printf(scope, "config: "
			"budget-mapped-pages-total=%s is not a number of "
			"pages; keeping %llu\n", text,
			(unsigned long long)config->mapped_pages_total);
	else
		config->mapped_pages_total = value;
	free(text);
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
	free(config->sandbox_path);
	free(config->xen);
	weston_config_section_get_string(section, "backend",
					 &config->backend_path,
					 XD_BACKEND_PATH);
	weston_config_section_get_string(section, "sandbox-path",
					 &config->sandbox_path,
					 XD_SANDBOX_PATH);
	weston_config_section_get_bool(section, "sandbox", &config->sandbox,
				       true);
	weston_config_section_get_string(section, "xen", &config->xen, "xen");
	weston_config_section_get_bool(section, "be-alloc", &config->be_alloc,
				       true);
	read_budget(section, "global section", &config->budget, scope);
	read_total(section, config, scope);
	free(config->labeler_path);
	weston_config_section_get_string(section, "labeler-path",
					 &config->labeler_path,
					 XD_LABELER_PATH);
	parse_label_color(section, "global section", &config->label_color,
			  scope);
}

struct xd_module_config *
xd_module_config_read(struct weston_config *wc,
		      struct weston_log_scope *scope)
{
	struct xd_module_config *config = calloc(1, sizeof *config);
	struct weston_config_section *section = NULL;
	const uint64_t *limit;
	const char *name;

	if (!config)
		return NULL;
	wl_list_init(&config->placements);
	wl_list_init(&config->budgets);
	wl_list_init(&config->backends);
	wl_list_init(&config->labels);
	config->budget.limit[XD_BUDGET_MAPPED_PAGES] =
		XD_BUDGET_DEFAULT_MAPPED_PAGES;
	config->budget.limit[XD_BUDGET_MEMORY] =
		(uint64_t)XD_BUDGET_DEFAULT_MEMORY_MIB << 20;
	config->budget.limit[XD_BUDGET_BUFFERS] = XD_BUDGET_DEFAULT_BUFFERS;
	config->budget.limit[XD_BUDGET_FRAMEBUFFERS] =
		XD_BUDGET_DEFAULT_FRAMEBUFFERS;
	config->mapped_pages_total = XD_BUDGET_DEFAULT_MAPPED_PAGES_TOTAL;
	config->backend_path = strdup(XD_BACKEND_PATH);
	config->sandbox_path = strdup(XD_SANDBOX_PATH);
	config->sandbox = true;
	config->labeler_path = strdup(XD_LABELER_PATH);
	config->label_color = XD_LABEL_DEFAULT_COLOR;
	config->xen = strdup("xen");
	config->be_alloc = true;
	xd_key_combo_parse(XD_DEFAULT_RELEASE_KEY, &config->release_key);

	/* The global sections first: a guest's budget starts from them. */
	while (weston_config_next_section(wc, &section, &name)) {
		char *guest = NULL;

		if (strcmp(name, SECTION) != 0)
			continue;
		weston_config_section_get_string(section, "guest", &guest,
						 NULL);
		if (!guest)
			read_globals(section, config, scope);
		free(guest);
	}
	section = NULL;
	while (weston_config_next_section(wc, &section, &name)) {
		char *guest = NULL;
		bool backend, label;

		if (strcmp(name, SECTION) != 0)
			continue;
		weston_config_section_get_string(section, "guest", &guest,
						 NULL);
		if (!guest)
			continue;
		read_guest_budget(section, guest, config, scope);
		backend = read_guest_backend(section, guest, config, scope);
		label = read_guest_label(section, guest, config, scope);
		/* A section of budget, backend or label keys alone places
		 * nothing (a section with guest= alone still asks for a
		 * window). */
		if (has_placement_key(section) ||
		    !(has_budget_key(section) || backend || label))
			read_placement(section, guest, config, scope);
		else
			free(guest);
	}

	weston_log_scope_printf(scope, "config: backend %s, xen access '%s'%s\n",
				config->backend_path, config->xen,
				config->be_alloc ? ", be-alloc allowed" : "");
	weston_log_scope_printf(scope, "config: backends run in %s\n",
				config->sandbox_path);
	if (!config->sandbox)
		weston_log_scope_printf(scope, "config: warning: sandbox=false: "
			"where the kernel has no Landlock, backends run "
			"unconfined and a compromised one reaches every file "
			"and device of Weston's user (unsafe; "
			"doc/xen-display.ini.5.md)\n");
	limit = config->budget.limit;
	weston_log_scope_printf(scope, "config: a guest's budget %llu mapped "
		"pages, %llu MiB of dom0 memory, %llu buffers, %llu "
		"framebuffers; all guests' mapped pages at most %llu\n",
		(unsigned long long)limit[XD_BUDGET_MAPPED_PAGES],
		(unsigned long long)(limit[XD_BUDGET_MEMORY] >> 20),
		(unsigned long long)limit[XD_BUDGET_BUFFERS],
		(unsigned long long)limit[XD_BUDGET_FRAMEBUFFERS],
		(unsigned long long)config->mapped_pages_total);
	return config;
}

void
xd_module_config_destroy(struct xd_module_config *config)
{
	struct xd_placement *placement, *tmp;

	struct xd_guest_budget *b, *btmp;
	struct xd_guest_backend *be, *betmp;
	struct xd_guest_label *l, *ltmp;

	wl_list_for_each_safe(placement, tmp, &config->placements, link)
		placement_destroy(placement);
	wl_list_for_each_safe(be, betmp, &config->backends, link) {
		wl_list_remove(&be->link);
		free(be->guest);
		free(be->path);
		free(be);
	}
	wl_list_for_each_safe(l, ltmp, &config->labels, link) {
		wl_list_remove(&l->link);
		free(l->guest);
		free(l);
	}
	wl_list_for_each_safe(b, btmp, &config->budgets, link) {
		wl_list_remove(&b->link);
		free(b->guest);
		free(b);
	}
	free(config->backend_path);
	free(config->sandbox_path);
	free(config->labeler_path);
	free(config->xen);
	free(config);
}
