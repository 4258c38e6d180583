/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbdif-device.h"
#include "kbdif-guest.h"
#include "log.h"
#include "xen/xen-access.h"
#include "xenbus/xenbus-limits.h"
#include "xenbus/xs-nodes.h"
#include "xenbus/xs-values.h"

/* xl gives a guest one vkbd per vkb= entry; a handful is plenty, and the
 * bound keeps a misconfigured toolstack from making us map without end. */
#define XD_MAX_VKBD 4
#define DEVID_MAX 0xffff

struct xd_kbdif_guest {
	struct xd_budget *budget;	/* the process's, or NULL */
	struct xd_xen *xen;
	struct xd_event_loop *loop;
	uint32_t domid;
	char dir[96];
	xd_kbdif_mode_func_t mode;
	void *mode_data;
	struct xd_kbdif_device *devices[XD_MAX_VKBD];
	bool full_logged;
};

static bool
listed(char **names, unsigned int num, uint32_t devid)
{
	unsigned int i;
	uint32_t id;

	for (i = 0; i < num; i++)
		if (xd_parse_u32(names[i], DEVID_MAX, &id) == 0 && id == devid)
			return true;
	return false;
}

static bool
served(struct xd_kbdif_guest *g, uint32_t devid)
{
	int i;

	for (i = 0; i < XD_MAX_VKBD; i++)
		if (g->devices[i] &&
		    xd_kbdif_device_devid(g->devices[i]) == devid)
			return true;
	return false;
}

static void
add_device(struct xd_kbdif_guest *g, uint32_t devid)
{
	uint32_t w = 0, h = 0;
	char path[128], *id;
	int i;

	for (i = 0; i < XD_MAX_VKBD && g->devices[i]; i++)
		;
	if (i == XD_MAX_VKBD) {
		if (!g->full_logged)
			xd_log("dom%u: more than %d vkbd devices: vkbd %u "
			       "is not served\n", g->domid, XD_MAX_VKBD,
			       devid);
		g->full_logged = true;
		return;
	}
	/* The pointer range defaults to the bound connector's mode. */
	snprintf(path, sizeof path, "%s/%u", g->dir, devid);
	id = xd_xs_read_node(g->xen, path, "unique-id");
	if (!id || !xd_valid_unique_id(id, XD_MAX_UNIQUE_ID) ||
	    g->mode(g->mode_data, id, &w, &h) < 0)
		g->mode(g->mode_data, NULL, &w, &h);
	free(id);
	if (w == 0 || h == 0) {
		w = 800;	/* xen-kbdfront's own default */
		h = 600;
	}
	g->devices[i] = xd_kbdif_device_create(g->xen, g->loop, g->domid,
					       devid, w, h);
	if (g->devices[i])
		xd_kbdif_device_set_budget(g->devices[i], g->budget);
}

/* Devices appeared in or vanished from the backend directory. */
static void
rescan(struct xd_kbdif_guest *g)
{
	unsigned int num = 0, i;
	char **names;
	uint32_t devid;
	int j;

	names = xd_xs_directory(g->xen, 0, g->dir, &num);
	for (j = 0; j < XD_MAX_VKBD; j++) {
		if (g->devices[j] &&
		    !listed(names, num,
			    xd_kbdif_device_devid(g->devices[j]))) {
			xd_log("dom%u: vkbd %u removed\n", g->domid,
			       xd_kbdif_device_devid(g->devices[j]));
			xd_kbdif_device_destroy(g->devices[j]);
			g->devices[j] = NULL;
		}
	}
	for (i = 0; names && i < num; i++)
		if (xd_parse_u32(names[i], DEVID_MAX, &devid) == 0 &&
		    !served(g, devid))
			add_device(g, devid);
	free(names);
}

void
xd_kbdif_guest_set_budget(struct xd_kbdif_guest *g, struct xd_budget *budget)
{
	g->budget = budget;
}

struct xd_kbdif_guest *
xd_kbdif_guest_create(struct xd_xen *xen, struct xd_event_loop *loop,
		      uint32_t domid, xd_kbdif_mode_func_t mode,
		      void *mode_data)
{
	struct xd_kbdif_guest *g = calloc(1, sizeof *g);

	if (!g)
		return NULL;
	g->xen = xen;
	g->loop = loop;
	g->domid = domid;
	g->mode = mode;
	g->mode_data = mode_data;
	snprintf(g->dir, sizeof g->dir, "/local/domain/%u/backend/vinput/%u",
		 xd_xen_self_domid(xen), domid);
	if (xd_xs_watch(xen, g->dir, "vkbd") < 0) {
		free(g);
		return NULL;
	}
	return g;
}

void
xd_kbdif_guest_destroy(struct xd_kbdif_guest *g)
{
	int i;

	if (!g)
		return;
	for (i = 0; i < XD_MAX_VKBD; i++)
		xd_kbdif_device_destroy(g->devices[i]);
	xd_xs_unwatch(g->xen, g->dir, "vkbd");
	free(g);
}

bool
xd_kbdif_guest_watch(struct xd_kbdif_guest *g, const char *path,
		     const char *token)
{
	int i;

	if (strcmp(token, "vkbd") == 0) {
		rescan(g);
		return true;
	}
	for (i = 0; i < XD_MAX_VKBD; i++)
		if (g->devices[i] &&
		    xd_kbdif_device_watch(g->devices[i], path, token))
			return true;
	return false;
}

bool
xd_kbdif_guest_event(struct xd_kbdif_guest *g, uint32_t local_port)
{
	int i;

	/* The frontend consumed events: nothing waits on that. */
	for (i = 0; i < XD_MAX_VKBD; i++)
		if (g->devices[i] &&
		    xd_kbdif_device_owns_port(g->devices[i], local_port))
			return true;
	return false;
}

void
xd_kbdif_guest_input(void *data, const struct xd_input_event *event)
{
	struct xd_kbdif_guest *g = data;
	const char *bound;
	int i;

	for (i = 0; i < XD_MAX_VKBD; i++) {
		if (!g->devices[i])
			continue;
		bound = xd_kbdif_device_unique_id(g->devices[i]);
		if (!bound || (event->unique_id &&
			       strcmp(bound, event->unique_id) == 0))
			xd_kbdif_device_input(g->devices[i], event);
	}
}
