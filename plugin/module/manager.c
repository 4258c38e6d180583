/* SPDX-License-Identifier: MIT */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>
#include <weston.h>

#include "common/clock.h"
#include "displif/displif-limits.h"
#include "kiosk-placement.h"
#include "manager.h"
#include "module-config.h"
#include "module.h"
#include "pinned-surface.h"
#include "supervisor.h"
#include "xen-display-private-v1-server-protocol.h"

/*
 * What one backend's connection may make the module hold or do. A backend
 * runs code its guest may have taken over: it gets one manager, one live
 * connector object per connector index a vdispl device can have
 * (displif's XD_MAX_CONNECTORS, the backend's own bound), and a rate of
 * log lines. Past a bound it is disconnected with the 'limit' error; the
 * supervisor restarts it with backoff. The counts live as long as the
 * Wayland connection, so a restarted backend starts afresh.
 */
#define MAX_MANAGERS 1
/* Lines a backend may put in the log scope (its log and frame_stats
 * requests, and the module's line for each connector it asks for): a
 * burst of LOG_BURST, then LOG_PER_S a second. A guest that makes its
 * backend log more loses lines, not Weston's time or disk. */
#define LOG_BURST 1000
#define LOG_PER_S 100

struct connector_resource;

struct backend_client {
	struct wl_listener destroy;	/* the client's; finds it too */
	struct xd_backend_process *proc;
	struct wl_resource *manager;
	unsigned int managers;
	struct connector_resource *connectors[XD_MAX_CONNECTORS];
	bool claim_logged;	/* it named another guest (logged once) */
	uint64_t log_tokens;	/* lines it may log now */
	uint64_t log_refill_ms;	/* when the tokens were last refilled */
	uint64_t log_dropped;
};

/* The module's end of a xen_display_connector_v1: one guest connector a
 * backend asked the module to place. */
struct connector_resource {
	struct xd_module *module;
	struct xd_backend_process *proc;
	struct backend_client *bc;	/* NULL once its client is gone */
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

/* The connector's section of weston.ini, or NULL: by the domid and the
 * domain's name the supervisor launched the backend for, never by what
 * the backend says. */
static const struct xd_placement *
find_section(struct xd_module *module, struct xd_backend_process *proc,
	     uint32_t index)
{
	struct xd_placement *p;
	char domid[16];

	snprintf(domid, sizeof domid, "%u", proc->domid);
	wl_list_for_each(p, &module->config->placements, link) {
		if (p->connector != index)
			continue;
		if (strcmp(p->guest, domid) == 0)
			return p;
		if (proc->guest_name && strcmp(p->guest, proc->guest_name) == 0)
			return p;
	}
	return NULL;
}

/* Where the connector goes: pinned as its section says, a window of the
 * shell, or (kiosk-placement.h) pinned where kiosk-shell would put it. */
static void
choose_placement(struct connector_resource *c)
{
	struct xd_module *module = c->module;
	const struct xd_placement *p = find_section(module, c->proc, c->index);

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
	/* The app_id an honest backend gives its window is its label,
	 * the supervisor's too (xdw-surface.c). */
	if (xd_kiosk_placement(module->compositor,
			       wet_get_config(module->compositor),
			       c->proc->label, c->index, &c->kiosk) == 0)
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

/* Whether the backend may log one more line now (LOG_BURST, LOG_PER_S);
 * says once how many it lost when it may again. */
static bool
may_log(struct backend_client *bc)
{
	uint64_t now = xd_now_ms();
	uint64_t refill = (now - bc->log_refill_ms) * LOG_PER_S / 1000;

	if (refill > 0) {
		bc->log_tokens = bc->log_tokens + refill > LOG_BURST ?
				 LOG_BURST : bc->log_tokens + refill;
		bc->log_refill_ms = now;
	}
	if (bc->log_tokens == 0) {
		bc->log_dropped++;
		return false;
	}
	bc->log_tokens--;
	if (bc->log_dropped) {
		xd_module_log(bc->proc->module, "%s: %llu lines of its backend "
			      "not logged: more than %d a second\n",
			      bc->proc->label,
			      (unsigned long long)bc->log_dropped, LOG_PER_S);
		bc->log_dropped = 0;
	}
	return true;
}

static void
connector_frame_stats(struct wl_client *client, struct wl_resource *resource,
		      uint32_t period_ms, uint32_t flips, uint32_t copied,
		      uint32_t p50_us, uint32_t max_us)
{
	struct connector_resource *c = wl_resource_get_user_data(resource);

	if (period_ms == 0 || !c->bc || !may_log(c->bc))
		return;
	xd_module_log(c->module, "%s: connector %u: %.1f fps, %s, flip complete "
	       "after commit p50 %u us max %u us\n", c->proc->label,
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

	if (c->bc)
		c->bc->connectors[c->index] = NULL;
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
manager_resource_destroyed(struct wl_resource *resource)
{
	struct backend_client *bc = wl_resource_get_user_data(resource);

	if (!bc)
		return;
	bc->managers--;
	if (bc->manager == resource)
		bc->manager = NULL;
}

static void
manager_log(struct wl_client *client, struct wl_resource *resource,
	    const char *message)
{
	struct backend_client *bc = wl_resource_get_user_data(resource);
	char line[512];

	if (!may_log(bc))
		return;
	sanitize(line, sizeof line, message);
	xd_module_log(bc->proc->module, "%s: %s\n", bc->proc->label, line);
}

/* Disconnects the backend: it asked for more than its guest's device
 * can need. */
static void
over_limit(struct backend_client *bc, struct wl_resource *resource,
	   const char *what)
{
	xd_module_log(bc->proc->module, "%s: backend for device %u "
		      "disconnected: %s\n", bc->proc->label, bc->proc->devid,
		      what);
	wl_resource_post_error(resource, XEN_DISPLAY_MANAGER_V1_ERROR_LIMIT,
			       "%s", what);
}

/* The backend named a guest: it is the one the supervisor launched it
 * for, or the claim is ignored and logged, once. */
static void
check_claim(struct backend_client *bc, uint32_t domid, const char *guest)
{
	struct xd_backend_process *proc = bc->proc;
	char name[72], own[16];

	snprintf(own, sizeof own, "dom%u", proc->domid);
	if (domid == proc->domid &&
	    (strcmp(guest, proc->label) == 0 || strcmp(guest, own) == 0 ||
	     (proc->guest_name && strcmp(guest, proc->guest_name) == 0)))
		return;
	if (bc->claim_logged)
		return;
	bc->claim_logged = true;
	sanitize(name, sizeof name, guest);
	xd_module_log(proc->module, "%s: backend for dom%u device %u claims "
		      "to serve guest '%s' (domid %u); ignored: it is placed "
		      "as the guest it was launched for\n", proc->label,
		      proc->domid, proc->devid, name, domid);
}

static void
manager_get_connector(struct wl_client *client, struct wl_resource *resource,
		      uint32_t id, uint32_t domid, const char *guest,
		      uint32_t index, uint32_t width, uint32_t height)
{
	struct backend_client *bc = wl_resource_get_user_data(resource);
	struct xd_backend_process *proc = bc->proc;
	struct xd_module *module = proc->module;
	struct connector_resource *c;
	char why[96];

	if (index >= XD_MAX_CONNECTORS || bc->connectors[index]) {
		snprintf(why, sizeof why, "get_connector %u: %s", index,
			 index >= XD_MAX_CONNECTORS ?
			 "no such connector index" :
			 "the index has a connector object already");
		over_limit(bc, resource, why);
		return;
	}
	check_claim(bc, domid, guest);
	c = calloc(1, sizeof *c);
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
	c->bc = bc;
	c->index = index;
	bc->connectors[index] = c;
	choose_placement(c);
	wl_resource_set_implementation(c->resource, &connector_impl, c,
				       connector_resource_destroyed);
	xen_display_connector_v1_send_placement(c->resource,
		c->placement ? XEN_DISPLAY_CONNECTOR_V1_PLACEMENT_PINNED :
			       XEN_DISPLAY_CONNECTOR_V1_PLACEMENT_WINDOW);
	if (c->placement && c->placement->follow_output_mode)
		send_output_mode(c, xd_output_find(module->compositor,
						   c->placement->output));
	if (!may_log(bc))
		return;
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
backend_client_destroyed(struct wl_listener *listener, void *data)
{
	struct backend_client *bc = wl_container_of(listener, bc, destroy);
	int i;

	/* Its resources are destroyed after this: they forget it. */
	wl_list_remove(&bc->destroy.link);
	for (i = 0; i < XD_MAX_CONNECTORS; i++)
		if (bc->connectors[i])
			bc->connectors[i]->bc = NULL;
	if (bc->manager)
		wl_resource_set_user_data(bc->manager, NULL);
	free(bc);
}

/* The state of a launched backend's connection, made at its first
 * bind. */
static struct backend_client *
backend_client_get(struct wl_client *client, struct xd_backend_process *proc)
{
	struct wl_listener *l =
		wl_client_get_destroy_listener(client,
					       backend_client_destroyed);
	struct backend_client *bc;

	if (l)
		return wl_container_of(l, bc, destroy);
	bc = calloc(1, sizeof *bc);
	if (!bc)
		return NULL;
	bc->proc = proc;
	bc->log_tokens = LOG_BURST;
	bc->log_refill_ms = xd_now_ms();
	bc->destroy.notify = backend_client_destroyed;
	wl_client_add_destroy_listener(client, &bc->destroy);
	return bc;
}

static void
bind_manager(struct wl_client *client, void *data, uint32_t version,
	     uint32_t id)
{
	struct xd_module *module = data;
	struct xd_backend_process *proc =
		xd_supervisor_find_client(module->supervisor, client);
	struct backend_client *bc;
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
	bc = backend_client_get(client, proc);
	if (!bc) {
		wl_client_post_no_memory(client);
		return;
	}
	if (bc->managers >= MAX_MANAGERS) {
		over_limit(bc, resource, "bound xen_display_manager_v1 twice");
		return;
	}
	bc->managers++;
	bc->manager = resource;
	wl_resource_set_implementation(resource, &manager_impl, bc,
				       manager_resource_destroyed);
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
