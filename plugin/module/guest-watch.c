/* SPDX-License-Identifier: MIT */
/*
 * Guest discovery through the backend's Xen access layer: the real
 * XenStore, or the simulator's when [xen-display] xen=sim:SOCKET. The
 * layer runs on an xd_event_loop whose epoll fd sits in Weston's loop.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/decimal.h"
#include "event-loop.h"
#include "guest-watch.h"
#include "log.h"
#include "module.h"
#include "module-config.h"
#include "store-broker.h"
#include "supervisor.h"
#include "xen/xen-access.h"

#define WATCH_TOKEN "xen-display"
#define MAX_DEVICES 256		/* in all; more is a misconfiguration */
/* Watch events are gathered this long before a rescan: a burst costs
 * one, and a stream at most one per period. */
#define RESCAN_DELAY_MS 10
#define MAX_DIRTY 32		/* domains to rescan; more: rescan all */

struct xd_guest_watch {
	struct xd_module *module;
	struct xd_event_loop *loop;
	struct xd_xen *xen;
	struct wl_event_source *source;
	struct wl_event_source *rescan_timer;
	char base[64];			/* /local/domain/SELF/backend/vdispl */

	/* What the scans found, handed whole to the supervisor. */
	struct xd_guest_device devs[MAX_DEVICES];
	size_t n_devs;
	/* What changed since the last rescan. */
	uint32_t dirty[MAX_DIRTY];
	unsigned int n_dirty;
	bool dirty_all;
	bool rescan_armed;
};

static char *
read_name(struct xd_guest_watch *w, uint32_t domid)
{
	char path[64];

	snprintf(path, sizeof path, "/local/domain/%u/name", domid);
	return xd_xs_read(w->xen, 0, path, NULL);
}

static void
forget_domain(struct xd_guest_watch *w, uint32_t domid)
{
	size_t i = 0;

	while (i < w->n_devs) {
		if (w->devs[i].domid != domid) {
			i++;
			continue;
		}
		free(w->devs[i].name);
		w->devs[i] = w->devs[--w->n_devs];
	}
}

/* Two XenStore round trips: the domain's devices, and its name. */
static void
scan_domain(struct xd_guest_watch *w, uint32_t domid)
{
	char **devices, path[96], *name = NULL;
	unsigned int n_dev = 0, j;
	uint32_t devid;

	forget_domain(w, domid);
	snprintf(path, sizeof path, "%s/%u", w->base, domid);
	devices = xd_xs_directory(w->xen, 0, path, &n_dev);
	for (j = 0; devices && j < n_dev && w->n_devs < MAX_DEVICES; j++) {
		if (xd_parse_u32(devices[j], 0xffff, &devid) < 0)
			continue;
		if (!name)
			name = read_name(w, domid);
		w->devs[w->n_devs].domid = domid;
		w->devs[w->n_devs].devid = devid;
		w->devs[w->n_devs].name = name ? strdup(name) : NULL;
		w->n_devs++;
	}
	free(name);
	free(devices);
}

static void
scan_all(struct xd_guest_watch *w)
{
	char **domains;
	unsigned int n_dom = 0, i;
	uint32_t domid;

	while (w->n_devs)
		free(w->devs[--w->n_devs].name);
	domains = xd_xs_directory(w->xen, 0, w->base, &n_dom);
	for (i = 0; domains && i < n_dom; i++) {
		/* 0x7ff0 and up are Xen's special domain ids. */
		if (xd_parse_u32(domains[i], 0x7fef, &domid) == 0)
			scan_domain(w, domid);
	}
	free(domains);
}

static int
rescan(void *data)
{
	struct xd_guest_watch *w = data;
	unsigned int i;

	w->rescan_armed = false;
	if (w->dirty_all)
		scan_all(w);
	else
		for (i = 0; i < w->n_dirty; i++)
			scan_domain(w, w->dirty[i]);
	w->dirty_all = false;
	w->n_dirty = 0;
	xd_supervisor_sync(w->module->supervisor, w->devs, w->n_devs);
	return 0;
}

static bool
known(struct xd_guest_watch *w, uint32_t domid, uint32_t devid)
{
	size_t i;

	for (i = 0; i < w->n_devs; i++)
		if (w->devs[i].domid == domid && w->devs[i].devid == devid)
			return true;
	return false;
}

static void
mark_dirty(struct xd_guest_watch *w, uint32_t domid)
{
	unsigned int i;

	for (i = 0; i < w->n_dirty; i++)
		if (w->dirty[i] == domid)
			return;
	if (w->n_dirty == MAX_DIRTY)
		w->dirty_all = true;
	else
		w->dirty[w->n_dirty++] = domid;
}

/* Reads "/NUMBER" off *p; false when it is not one. */
static bool
take_component(const char **p, uint32_t max, uint32_t *value)
{
	char part[16];
	const char *end;
	size_t len;

	if (**p != '/')
		return false;
	end = strchr(*p + 1, '/');
	len = end ? (size_t)(end - *p - 1) : strlen(*p + 1);
	if (len == 0 || len >= sizeof part)
		return false;
	memcpy(part, *p + 1, len);
	part[len] = '\0';
	*p += 1 + len;
	return xd_parse_u32(part, max, value) == 0;
}

/* Every change below the directory fires, our backends' own state
 * writes included; they follow the guest's, so rescanning on each
 * would let a guest writing its state in a loop cost Weston XenStore
 * round trips for every device of every guest per write. Only a
 * change to the set of devices matters: a domain's or device's
 * directory made or removed, or a node of a device we do not know yet
 * (the toolstack writing a new one). That domain alone is rescanned,
 * after a short delay that gathers a burst into one rescan. */
static void
on_watch(void *data, const char *path, const char *token)
{
	struct xd_guest_watch *w = data;
	size_t len = strlen(w->base);
	const char *p = path + len;
	uint32_t domid, devid;

	/* A backend's watch, set through the broker: its event is its. */
	if (xd_store_broker_route(w->module->broker, path, token))
		return;
	if (strncmp(path, w->base, len) != 0 || (*p && *p != '/'))
		return;
	if (!*p) {
		w->dirty_all = true;
	} else if (!take_component(&p, 0x7fef, &domid)) {
		return;		/* a scan would skip it too */
	} else if (!*p || !take_component(&p, 0xffff, &devid) || !*p ||
		   !known(w, domid, devid)) {
		mark_dirty(w, domid);
	} else {
		return;		/* a node inside a device we serve */
	}
	if (!w->rescan_armed) {
		wl_event_source_timer_update(w->rescan_timer,
					     RESCAN_DELAY_MS);
		w->rescan_armed = true;
	}
}

static void
on_lost(void *data)
{
	struct xd_guest_watch *w = data;

	xd_module_log(w->module, "lost XenStore: no more guests are "
		      "discovered until Weston restarts\n");
}

static const struct xd_xen_listener listener = {
	.watch = on_watch,
	.lost = on_lost,
};

static int
loop_readable(int fd, uint32_t mask, void *data)
{
	struct xd_guest_watch *w = data;

	xd_event_loop_dispatch(w->loop, 0);
	return 0;
}

/* The access layer logs through the backend's xd_log: into our scope. */
static void
layer_log(void *data, const char *line)
{
	xd_module_log(data, "%s", line);
}

struct xd_guest_watch *
xd_guest_watch_create(struct xd_module *module)
{
	struct xd_guest_watch *w = calloc(1, sizeof *w);
	struct wl_event_loop *loop =
		wl_display_get_event_loop(module->compositor->wl_display);
	const char *spec = module->config->xen;

	if (!w)
		return NULL;
	w->module = module;
	xd_log_set_handler(layer_log, module);
	w->loop = xd_event_loop_create();
	/* Before the watch: it fires once when set. */
	w->rescan_timer = wl_event_loop_add_timer(loop, rescan, w);
	if (!w->loop || !w->rescan_timer)
		goto fail;
	w->xen = xd_xen_open_store(spec, w->loop, &listener, w);
	if (!w->xen) {
		xd_module_log(module, "cannot reach Xen through '%s' (%s): is "
			      "this dom0 or a display domain, with xenstored "
			      "running and xenfs mounted? No guests will be "
			      "shown\n", spec, strerror(errno));
		goto fail;
	}
	snprintf(w->base, sizeof w->base, "/local/domain/%u/backend/vdispl",
		 xd_xen_self_domid(w->xen));
	if (xd_xs_watch(w->xen, w->base, WATCH_TOKEN) < 0) {
		xd_module_log(module, "cannot watch %s\n", w->base);
		goto fail;
	}
	w->source = wl_event_loop_add_fd(loop, xd_event_loop_get_fd(w->loop),
					 WL_EVENT_READABLE, loop_readable, w);
	if (!w->source)
		goto fail;
	xd_module_log(module, "watching %s for guest displays\n", w->base);
	return w;

fail:
	xd_guest_watch_destroy(w);
	return NULL;
}

struct xd_xen *
xd_guest_watch_xen(struct xd_guest_watch *w)
{
	return w->xen;
}

void
xd_guest_watch_destroy(struct xd_guest_watch *w)
{
	if (w->source)
		wl_event_source_remove(w->source);
	if (w->rescan_timer)
		wl_event_source_remove(w->rescan_timer);
	while (w->n_devs)
		free(w->devs[--w->n_devs].name);
	if (w->xen)
		xd_xen_close(w->xen);
	if (w->loop)
		xd_event_loop_destroy(w->loop);
	xd_log_set_handler(NULL, NULL);
	free(w);
}
