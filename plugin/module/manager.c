/* SPDX-License-Identifier: MIT */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>
#include <weston.h>

#include "kiosk-placement.h"
#include "manager.h"
#include "module-config.h"
#include "module.h"
#include "pinned-surface.h"
#include "supervisor.h"
#include "xen-display-private-v1-server-protocol.h"

/* The module's end of a xen_display_connector_v1: one guest connector a
 * backend asked the module to place. */
struct connector_resource {
	struct xd_module *module;
	struct xd_backend_process *proc;
	struct wl_resource *resource;
	const struct xd_placement *placement;	/* NULL: a window */
	struct xd_placement kiosk;	/* placement when kiosk-shell's */
	uint32_t index;
	bool has_surface;
	int32_t sent_mode[3];	/* last output_mode: width, height, mHz */
	bool mode_sent;
};

/* Backend messages may carry guest-chosen text: keep it printable and
 * short, one line each. */
static void
sanitize(char *out, size_t size, const char *in)
{
	size_t i;

	for (i = 0; i + 1 < size && in[i]; i++)
		out[i] = isprint((unsigned char)in[i]) ? in[i] : '?';
	out[i] = '\0';
}

/* The connector's section of weston.ini, or NULL. */
static const struct xd_placement *
find_section(struct xd_module *module, struct xd_backend_process *proc,
	     const char *guest, uint32_t index)
{
	struct xd_placement *p;
	char domid[16];

	snprintf(domid, sizeof domid, "%u", proc->domid);
	wl_list_for_each(p, &module->config->placements, link) {
		if (p->connector != index)
			continue;
		if (strcmp(p->guest, domid) == 0 ||
		    strcmp(p->guest, guest) == 0)
			return p;
	}
	return NULL;
}

/* Where the connector goes: pinned as its section says, a window of the
 * shell, or (kiosk-placement.h) pinned where kiosk-shell would put it. */
static void
choose_placement(struct connector_resource *c, const char *guest)
{
	struct xd_module *module = c->module;
	const struct xd_placement *p =
		find_section(module, c->proc, guest, c->index);

	if (p && p->mode != XD_PLACEMENT_WINDOW && p->output) {
		c->placement = p;
		return;
	}
	if (!xd_kiosk_shell_running())
		return;
	if (p) {
		xd_module_log(module, "%s: connector %u: a window, as weston.ini "
		       "says; kiosk-shell may crash when it closes and another "
		       "opens, unless a seat had it focused (doc/"
		       "xen-display.ini.5.md)\n", c->proc->label, c->index);
		return;
	}
	if (xd_kiosk_placement(module->compositor,
			       wet_get_config(module->compositor), guest,
			       c->index, &c->kiosk) == 0)
		c->placement = &c->kiosk;
}

/* For resolution=output: the backend offers this mode to the guest. */
static void
send_output_mode(struct connector_resource *c, struct weston_output *output)
{
	int32_t mode[3] = { 0, 0, 0 };

	if (!c->placement || !c->placement->follow_output_mode)
		return;
	if (output && output->current_mode) {
		mode[0] = output->current_mode->width;
		mode[1] = output->current_mode->height;
		mode[2] = output->current_mode->refresh;
	}
	if (c->mode_sent && memcmp(mode, c->sent_mode, sizeof mode) == 0)
		return;
	memcpy(c->sent_mode, mode, sizeof mode);
	c->mode_sent = true;
	xen_display_connector_v1_send_output_mode(c->resource, mode[0],
						  mode[1], mode[2]);
}

static void
output_changed(void *data, struct weston_output *output)
{
	struct connector_resource *c = data;

	send_output_mode(c, output);
	if (!output) {
		xd_module_log(c->module, "%s: connector %u: output '%s' is gone; "
		       "hidden until it returns\n", c->proc->label, c->index,
		       c->placement->output);
		return;
	}
	xd_module_log(c->module, "%s: connector %u: on output '%s' (%dx%d), %s\n",
	       c->proc->label, c->index, output->name,
	       output->current_mode->width, output->current_mode->height,
	       xd_placement_mode_name(c->placement->mode));
}

static void
connector_destroy_request(struct wl_client *client,
			  struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static void
connector_set_surface(struct wl_client *client, struct wl_resource *resource,
		      struct wl_resource *surface_resource)
{
	struct connector_resource *c = wl_resource_get_user_data(resource);
	struct weston_surface *surface =
		wl_resource_get_user_data(surface_resource);

	if (!c->placement || c->has_surface) {
		wl_resource_post_error(resource,
			XEN_DISPLAY_MANAGER_V1_ERROR_ROLE,
			"connector is not pinned, or has a surface already");
		return;
	}
	if (xd_pinned_surface_create(c->module->pinned, surface, c->placement,
				     resource, output_changed, c) == 0)
		c->has_surface = true;
}

static void
connector_frame_stats(struct wl_client *client, struct wl_resource *resource,
		      uint32_t period_ms, uint32_t flips, uint32_t copied,
		      uint32_t p50_us, uint32_t max_us)
{
	struct connector_resource *c = wl_resource_get_user_data(resource);

	if (period_ms == 0)
		return;
	xd_module_log(c->module, "%s: connector %u: %.1f fps, %s, flip complete "
	       "after presentation p50 %u us max %u us\n", c->proc->label,
	       c->index, flips * 1000.0 / period_ms,
	       copied == 0 ? "zero copy" :
	       copied == flips ? "copied" : "partly copied", p50_us, max_us);
}

static const struct xen_display_connector_v1_interface connector_impl = {
	.destroy = connector_destroy_request,
	.set_surface = connector_set_surface,
	.frame_stats = connector_frame_stats,
};

static void
connector_resource_destroyed(struct wl_resource *resource)
{
	struct connector_resource *c = wl_resource_get_user_data(resource);

	if (c->has_surface)
		xd_pinned_surface_forget(c->module->pinned, c);
	free(c->kiosk.output);
	free(c);
}

static void
manager_destroy_request(struct wl_client *client,
			struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static void
manager_log(struct wl_client *client, struct wl_resource *resource,
	    const char *message)
{
	struct xd_backend_process *proc = wl_resource_get_user_data(resource);
	char line[512];

	sanitize(line, sizeof line, message);
	xd_module_log(proc->module, "%s: %s\n", proc->label, line);
}

static void
manager_get_connector(struct wl_client *client, struct wl_resource *resource,
		      uint32_t id, uint32_t domid, const char *guest,
		      uint32_t index, uint32_t width, uint32_t height)
{
	struct xd_backend_process *proc = wl_resource_get_user_data(resource);
	struct xd_module *module = proc->module;
	struct connector_resource *c = calloc(1, sizeof *c);

	if (!c) {
		wl_client_post_no_memory(client);
		return;
	}
	c->resource = wl_resource_create(client,
					 &xen_display_connector_v1_interface,
					 1, id);
	if (!c->resource) {
		free(c);
		wl_client_post_no_memory(client);
		return;
	}
	c->module = module;
	c->proc = proc;
	c->index = index;
	/* The supervisor knows the domid; the backend only names. */
	choose_placement(c, guest);
	wl_resource_set_implementation(c->resource, &connector_impl, c,
				       connector_resource_destroyed);
	xen_display_connector_v1_send_placement(c->resource,
		c->placement ? XEN_DISPLAY_CONNECTOR_V1_PLACEMENT_PINNED :
			       XEN_DISPLAY_CONNECTOR_V1_PLACEMENT_WINDOW);
	if (c->placement && c->placement->follow_output_mode)
		send_output_mode(c, xd_output_find(module->compositor,
						   c->placement->output));
	xd_module_log(module, "%s: connector %u (%ux%u): %s%s\n", proc->label,
	       index, width, height, !c->placement ? "window" :
	       c->placement == &c->kiosk ? "pinned where kiosk-shell would "
	       "put it" : "pinned",
	       c->placement && c->placement->follow_output_mode ?
	       ", offered its output's mode" : "");
}

static const struct xen_display_manager_v1_interface manager_impl = {
	.destroy = manager_destroy_request,
	.log = manager_log,
	.get_connector = manager_get_connector,
};

static void
bind_manager(struct wl_client *client, void *data, uint32_t version,
	     uint32_t id)
{
	struct xd_module *module = data;
	struct xd_backend_process *proc =
		xd_supervisor_find_client(module->supervisor, client);
	struct wl_resource *resource;

	resource = wl_resource_create(client, &xen_display_manager_v1_interface,
				      1, id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	if (!proc) {
		wl_resource_post_error(resource,
			XEN_DISPLAY_MANAGER_V1_ERROR_DENIED,
			"xen_display_manager_v1 is only for the backends "
			"xen-display.so launched");
		return;
	}
	wl_resource_set_implementation(resource, &manager_impl, proc, NULL);
}

int
xd_manager_create(struct xd_module *module)
{
	module->manager = wl_global_create(module->compositor->wl_display,
					   &xen_display_manager_v1_interface,
					   1, module, bind_manager);
	return module->manager ? 0 : -1;
}

void
xd_manager_destroy(struct xd_module *module)
{
	if (module->manager)
		wl_global_destroy(module->manager);
}
