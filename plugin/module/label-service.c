/* SPDX-License-Identifier: MIT */

#include <stdlib.h>
#include <string.h>

#include <libweston/libweston.h>

#include "backend-spawn.h"
#include "common/label-style.h"
#include "label-service.h"
#include "module-config.h"
#include "module.h"
#include "xen-display-private-v1-server-protocol.h"

/* A labeler that dies this soon after its start is started again only
 * after this long: a broken installation must not busy-loop Weston. */
#define RESTART_DELAY_MS 1000

struct xd_label {
	struct wl_list link;		/* xd_label_service::labels */
	struct xd_label_service *service;
	uint32_t id;			/* this labeler's id, 0: not asked */
	char *text;
	uint32_t background;
	struct weston_surface *surface;	/* rendered, or NULL */
	struct wl_listener surface_destroyed;
	void (*changed)(void *data);
	void *data;
};

struct xd_label_service {
	struct xd_module *module;
	struct wl_global *global;
	struct wl_client *client;	/* the labeler we launched */
	struct wl_listener client_destroyed;
	struct wl_resource *resource;	/* its binding, or NULL */
	struct wl_event_source *restart_timer;
	struct wl_list labels;		/* struct xd_label::link */
	uint32_t next_id;
	bool reported;			/* its absence was logged */
	uint32_t delay_ms;		/* before the next start */
};

static void
label_forget_surface(struct xd_label *label)
{
	if (!label->surface)
		return;
	wl_list_remove(&label->surface_destroyed.link);
	label->surface = NULL;
	label->changed(label->data);
}

static void
label_surface_destroyed(struct wl_listener *listener, void *data)
{
	struct xd_label *label =
		wl_container_of(listener, label, surface_destroyed);

	label_forget_surface(label);
}

static void
label_draw(struct xd_label *label)
{
	struct xd_label_service *service = label->service;

	if (!service->resource)
		return;
	label->id = ++service->next_id;
	xen_display_labeler_v1_send_draw(service->resource, label->id,
					 label->text, label->background,
					 XD_LABEL_HEIGHT, XD_LABEL_MAX_WIDTH);
}

struct xd_label *
xd_label_create(struct xd_label_service *service, const char *text,
		uint32_t background, void (*changed)(void *data), void *data)
{
	struct xd_label *label = calloc(1, sizeof *label);

	if (!label || !(label->text = strdup(text))) {
		free(label);
		return NULL;
	}
	label->service = service;
	label->background = background;
	label->changed = changed;
	label->data = data;
	wl_list_insert(&service->labels, &label->link);
	label_draw(label);
	return label;
}

void
xd_label_destroy(struct xd_label *label)
{
	if (!label)
		return;
	if (label->surface)
		wl_list_remove(&label->surface_destroyed.link);
	if (label->id && label->service->resource)
		xen_display_labeler_v1_send_discard(label->service->resource,
						    label->id);
	wl_list_remove(&label->link);
	free(label->text);
	free(label);
}

struct weston_surface *
xd_label_surface(struct xd_label *label)
{
	return label->surface;
}

static void
label_committed(struct weston_surface *surface,
		struct weston_coord_surface new_origin)
{
	/* A label is drawn once; views of it are the frames'. */
}

static int
label_get_label(struct weston_surface *surface, char *buf, size_t len)
{
	return snprintf(buf, len, "xen-display label");
}

static void
labeler_destroy_request(struct wl_client *client, struct wl_resource *resource)
{
	wl_resource_destroy(resource);
}

static void
labeler_set_label(struct wl_client *client, struct wl_resource *resource,
		  uint32_t id, struct wl_resource *surface_resource)
{
	struct xd_label_service *service = wl_resource_get_user_data(resource);
	struct weston_surface *surface =
		wl_resource_get_user_data(surface_resource);
	struct xd_label *label;

	wl_list_for_each(label, &service->labels, link)
		if (label->id == id)
			break;
	if (&label->link == &service->labels) {
		/* Discarded meanwhile: the labeler destroys it. */
		if (id == 0 || id > service->next_id)
			wl_resource_post_error(resource,
				XEN_DISPLAY_LABELER_V1_ERROR_ID,
				"no label %u", id);
		return;
	}
	if (label->surface)
		return;
	if (weston_surface_set_role(surface, "xen_display_label", resource,
				    XEN_DISPLAY_LABELER_V1_ERROR_ROLE) < 0)
		return;
	surface->committed = label_committed;
	weston_surface_set_label_func(surface, label_get_label);
	/* Clicks go through a label to what is under it. */
	pixman_region32_fini(&surface->input);
	pixman_region32_init(&surface->input);
	weston_surface_map(surface);
	label->surface = surface;
	label->surface_destroyed.notify = label_surface_destroyed;
	wl_signal_add(&surface->destroy_signal, &label->surface_destroyed);
	label->changed(label->data);
}

static const struct xen_display_labeler_v1_interface labeler_impl = {
	.destroy = labeler_destroy_request,
	.set_label = labeler_set_label,
};

static void
labeler_resource_destroyed(struct wl_resource *resource)
{
	struct xd_label_service *service = wl_resource_get_user_data(resource);
	struct xd_label *label;

	if (service->resource != resource)
		return;
	service->resource = NULL;
	wl_list_for_each(label, &service->labels, link) {
		label->id = 0;
		label_forget_surface(label);
	}
}

static void
bind_labeler(struct wl_client *client, void *data, uint32_t version,
	     uint32_t id)
{
	struct xd_label_service *service = data;
	struct wl_resource *resource;
	struct xd_label *label;

	resource = wl_resource_create(client, &xen_display_labeler_v1_interface,
				      1, id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	/* Only the labeler we launched, once: labels are trusted pixels. */
	if (client != service->client || service->resource) {
		wl_resource_post_error(resource,
				       XEN_DISPLAY_LABELER_V1_ERROR_DENIED,
				       "only xen-display's labeler may bind");
		return;
	}
	wl_resource_set_implementation(resource, &labeler_impl, service,
				       labeler_resource_destroyed);
	service->resource = resource;
	service->delay_ms = 0;
	wl_list_for_each(label, &service->labels, link)
		label_draw(label);
}

static void
labeler_start(struct xd_label_service *service);

static int
restart_timer_fired(void *data)
{
	labeler_start(data);
	return 0;
}

static void
labeler_client_destroyed(struct wl_listener *listener, void *data)
{
	struct xd_label_service *service =
		wl_container_of(listener, service, client_destroyed);

	wl_list_remove(&service->client_destroyed.link);
	service->client = NULL;
	xd_module_log(service->module, "labeler gone: guests' frames have no "
		      "names until it is back\n");
	/* Each quick death doubles the wait, up to a minute. */
	service->delay_ms = service->delay_ms ? service->delay_ms * 2 :
			    RESTART_DELAY_MS;
	if (service->delay_ms > 60000)
		service->delay_ms = 60000;
	wl_event_source_timer_update(service->restart_timer,
				     service->delay_ms);
}

static void
labeler_start(struct xd_label_service *service)
{
	char *argv[] = { service->module->config->labeler_path, NULL };

	service->client = xd_backend_spawn(service->module->compositor, argv,
					   NULL, 0);
	if (!service->client) {
		if (!service->reported)
			weston_log("xen-display: cannot start %s: guests' "
				   "frames will have no names; install "
				   "xen-display-labeler or set labeler-path= "
				   "(xen-display.ini(5))\n",
				   service->module->config->labeler_path);
		service->reported = true;
		wl_event_source_timer_update(service->restart_timer,
					     RESTART_DELAY_MS * 10);
		return;
	}
	service->client_destroyed.notify = labeler_client_destroyed;
	wl_client_add_destroy_listener(service->client,
				       &service->client_destroyed);
}

struct xd_label_service *
xd_label_service_create(struct xd_module *module)
{
	struct xd_label_service *service = calloc(1, sizeof *service);
	struct wl_event_loop *loop =
		wl_display_get_event_loop(module->compositor->wl_display);

	if (!service)
		return NULL;
	service->module = module;
	wl_list_init(&service->labels);
	service->restart_timer = wl_event_loop_add_timer(loop,
		restart_timer_fired, service);
	service->global = wl_global_create(module->compositor->wl_display,
					   &xen_display_labeler_v1_interface,
					   1, service, bind_labeler);
	if (!service->restart_timer || !service->global) {
		xd_label_service_destroy(service);
		return NULL;
	}
	labeler_start(service);
	return service;
}

void
xd_label_service_destroy(struct xd_label_service *service)
{
	struct xd_label *label, *tmp;

	if (!service)
		return;
	wl_list_for_each_safe(label, tmp, &service->labels, link)
		xd_label_destroy(label);
	if (service->client) {
		wl_list_remove(&service->client_destroyed.link);
		wl_client_destroy(service->client);
	}
	if (service->global)
		wl_global_destroy(service->global);
	if (service->restart_timer)
		wl_event_source_remove(service->restart_timer);
	free(service);
}
