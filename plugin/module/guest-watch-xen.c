/* SPDX-License-Identifier: MIT */
/*
 * Guest discovery on a real hypervisor, through libxenstore.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "guest-watch.h"
#include "module.h"
#include "supervisor.h"

#define WATCH_TOKEN "xen-display"
#define MAX_DEVICES 256		/* per scan; more is a misconfiguration */

struct xd_guest_watch {
	struct xd_module *module;
	struct xs_handle *xs;
	struct wl_event_source *source;
	char base[64];			/* /local/domain/SELF/backend/vdispl */
};

/* XenStore names here are written by the toolstack; still, parse them
 * strictly: a decimal number and nothing else. */
static bool
parse_id(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static char *
read_name(struct xd_guest_watch *w, uint32_t domid)
{
	char path[64];

	snprintf(path, sizeof path, "/local/domain/%u/name", domid);
	return xs_read(w->xs, XBT_NULL, path, NULL);
}

static void
scan(struct xd_guest_watch *w)
{
	struct xd_guest_device devs[MAX_DEVICES];
	char **domains, **devices, path[96];
	unsigned int n_dom = 0, n_dev, i, j;
	size_t n = 0;

	domains = xs_directory(w->xs, XBT_NULL, w->base, &n_dom);
	for (i = 0; i < n_dom; i++) {
		uint32_t domid, devid;

		/* 0x7ff0 and up are Xen's special domain ids. */
		if (!parse_id(domains[i], 0x7fef, &domid))
			continue;
		snprintf(path, sizeof path, "%s/%u", w->base, domid);
		devices = xs_directory(w->xs, XBT_NULL, path, &n_dev);
		for (j = 0; j < n_dev && n < MAX_DEVICES; j++) {
			if (!parse_id(devices[j], 0xffff, &devid))
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

static int
xs_readable(int fd, uint32_t mask, void *data)
{
	struct xd_guest_watch *w = data;
	unsigned int num;
	char **event;

	/* Every change below the directory fires; one scan covers all that
	 * are queued. */
	event = xs_read_watch(w->xs, &num);
	free(event);
	while ((event = xs_check_watch(w->xs)))
		free(event);
	scan(w);
	return 0;
}

struct xd_guest_watch *
xd_guest_watch_create(struct xd_module *module)
{
	struct xd_guest_watch *w = calloc(1, sizeof *w);
	struct wl_event_loop *loop =
		wl_display_get_event_loop(module->compositor->wl_display);
	char *self;
	uint32_t domid = 0;

	if (!w)
		return NULL;
	w->module = module;
	w->xs = xs_open(0);
	if (!w->xs) {
		xd_log(module, "cannot open XenStore (%s): is this dom0 or a "
		       "display domain, with xenstored running and xenfs "
		       "mounted? No guests will be shown\n", strerror(errno));
		free(w);
		return NULL;
	}
	/* In a display driver domain the backends live under its own
	 * domain; dom0 may have no "domid" node. */
	self = xs_read(w->xs, XBT_NULL, "domid", NULL);
	if (self && !parse_id(self, 0x7fef, &domid))
		domid = 0;
	free(self);
	snprintf(w->base, sizeof w->base, "/local/domain/%u/backend/vdispl",
		 domid);

	if (!xs_watch(w->xs, w->base, WATCH_TOKEN)) {
		xd_log(module, "cannot watch %s: %s\n", w->base,
		       strerror(errno));
		xs_close(w->xs);
		free(w);
		return NULL;
	}
	w->source = wl_event_loop_add_fd(loop, xs_fileno(w->xs),
					 WL_EVENT_READABLE, xs_readable, w);
	xd_log(module, "watching %s for guest displays\n", w->base);
	return w;
}

void
xd_guest_watch_destroy(struct xd_guest_watch *w)
{
	if (w->source)
		wl_event_source_remove(w->source);
	xs_unwatch(w->xs, w->base, WATCH_TOKEN);
	xs_close(w->xs);
	free(w);
}
