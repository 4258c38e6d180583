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
#include "supervisor.h"
#include "xen/xen-access.h"

#define WATCH_TOKEN "xen-display"
#define MAX_DEVICES 256		/* per scan; more is a misconfiguration */

struct xd_guest_watch {
	struct xd_module *module;
	struct xd_event_loop *loop;
	struct xd_xen *xen;
	struct wl_event_source *source;
	char base[64];			/* /local/domain/SELF/backend/vdispl */
};

static char *
read_name(struct xd_guest_watch *w, uint32_t domid)
{
	char path[64];

	snprintf(path, sizeof path, "/local/domain/%u/name", domid);
	return xd_xs_read(w->xen, 0, path, NULL);
}

static void
scan(struct xd_guest_watch *w)
{
	struct xd_guest_device devs[MAX_DEVICES];
	char **domains, **devices, path[96];
	unsigned int n_dom = 0, n_dev = 0, i, j;
	size_t n = 0;

	domains = xd_xs_directory(w->xen, 0, w->base, &n_dom);
	for (i = 0; domains && i < n_dom; i++) {
		uint32_t domid, devid;

		/* 0x7ff0 and up are Xen's special domain ids. */
		if (xd_parse_u32(domains[i], 0x7fef, &domid) < 0)
			continue;
		snprintf(path, sizeof path, "%s/%u", w->base, domid);
		devices = xd_xs_directory(w->xen, 0, path, &n_dev);
		for (j = 0; devices && j < n_dev && n < MAX_DEVICES; j++) {
			if (xd_parse_u32(devices[j], 0xffff, &devid) < 0)
				continue;
			devs[n].domid = domid;
			devs[n].devid = devid;
			devs[n].name = read_name(w, domid);
			n++;
		}
		free(devices);
	}
	free(domains);

	xd_supervisor_sync(w->module->supervisor, devs, n);
	while (n--)
		free(devs[n].name);
}

static void
on_watch(void *data, const char *path, const char *token)
{
	/* Every change below the directory fires: rescan. */
	scan(data);
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
	if (!w->loop)
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
	xd_module_log(module, "watching %s for guest displays\n", w->base);
	return w;

fail:
	xd_guest_watch_destroy(w);
	return NULL;
}

void
xd_guest_watch_destroy(struct xd_guest_watch *w)
{
	if (w->source)
		wl_event_source_remove(w->source);
	if (w->xen)
		xd_xen_close(w->xen);
	if (w->loop)
		xd_event_loop_destroy(w->loop);
	xd_log_set_handler(NULL, NULL);
	free(w);
}
