/* SPDX-License-Identifier: MIT */
/*
 * The toolstack's part of a vdispl device, as libxl writes it for
 * vdispl = [ 'backend=0,be-alloc=0|1,connectors=ID:WxH;...' ]: the
 * frontend's directory first, then the backend's, whose appearance is
 * what the module watches for. And of a vkb device with
 * backend-type=linux.
 */

#include <stdio.h>

#include "sim-front.h"
#include "sim-hv.h"
#include "sim-kbdfront.h"

#include <xen/io/xenbus.h>

/* Writes DIR/NODE = printf(...) as dom0; ORs failures into ret. */
#define W(dir, node, ...) do { \
	snprintf(path, sizeof path, "%s/%s", dir, node); \
	snprintf(value, sizeof value, __VA_ARGS__); \
	ret |= xd_sim_xs_write(hv, 0, path, value); \
} while (0)

int
xd_sim_toolstack_add_vdispl(struct xd_sim_hv *hv,
			    const struct xd_sim_front_config *config)
{
	char fe[96], be[96], path[160], value[96];
	uint32_t i;
	int ret = 0;

	snprintf(fe, sizeof fe, "/local/domain/%u/device/vdispl/%u",
		 config->domid, config->devid);
	snprintf(be, sizeof be, "/local/domain/%u/backend/vdispl/%u/%u",
		 config->backend_domid, config->domid, config->devid);

	W(fe, "backend-id", "%u", config->backend_domid);
	W(fe, "backend", "%s", be);
	W(fe, "state", "%d", XenbusStateInitialising);
	W(fe, "be-alloc", "%d", config->be_alloc ? 1 : 0);
	for (i = 0; i < config->num_connectors; i++) {
		char node[32];

		snprintf(node, sizeof node, "%u/resolution", i);
		W(fe, node, "%ux%u", config->connectors[i].width,
		  config->connectors[i].height);
		snprintf(node, sizeof node, "%u/unique-id", i);
		W(fe, node, "%s", config->connectors[i].unique_id ?
		  config->connectors[i].unique_id : "0");
	}
	W(be, "frontend-id", "%u", config->domid);
	W(be, "frontend", "%s", fe);
	W(be, "online", "1");
	W(be, "state", "%d", XenbusStateInitialising);
	return ret ? -1 : 0;
}

void
xd_sim_toolstack_remove_vdispl(struct xd_sim_hv *hv, uint32_t domid,
			       uint32_t devid, uint32_t backend_domid)
{
	char path[96];

	snprintf(path, sizeof path, "/local/domain/%u/backend/vdispl/%u/%u",
		 backend_domid, domid, devid);
	xd_sim_xs_remove(hv, 0, path);
	snprintf(path, sizeof path, "/local/domain/%u/device/vdispl/%u",
		 domid, devid);
	xd_sim_xs_remove(hv, 0, path);
}

int
xd_sim_toolstack_add_vkbd(struct xd_sim_hv *hv,
			  const struct xd_sim_kbdfront_config *c)
{
	char fe[96], be[96], path[160], value[96];
	int ret = 0;

	snprintf(fe, sizeof fe, "/local/domain/%u/device/vkbd/%u", c->domid,
		 c->devid);
	snprintf(be, sizeof be, "/local/domain/%u/backend/vinput/%u/%u",
		 c->backend_domid, c->domid, c->devid);
	W(fe, "backend-id", "%u", c->backend_domid);
	W(fe, "backend", "%s", be);
	W(fe, "state", "%d", XenbusStateInitialising);
	/* libxl writes the vkb= options it was given, and only those. */
	if (c->unique_id)
		W(be, XENKBD_FIELD_UNIQUE_ID, "%s", c->unique_id);
	if (c->disable_keyboard)
		W(be, XENKBD_FIELD_FEAT_DSBL_KEYBRD, "1");
	if (c->disable_pointer)
		W(be, XENKBD_FIELD_FEAT_DSBL_POINTER, "1");
	if (c->width)
		W(be, XENKBD_FIELD_WIDTH, "%u", c->width);
	if (c->height)
		W(be, XENKBD_FIELD_HEIGHT, "%u", c->height);
	W(be, "frontend-id", "%u", c->domid);
	W(be, "frontend", "%s", fe);
	W(be, "online", "1");
	W(be, "state", "%d", XenbusStateInitialising);
	return ret ? -1 : 0;
}

void
xd_sim_toolstack_remove_vkbd(struct xd_sim_hv *hv, uint32_t domid,
			     uint32_t devid, uint32_t backend_domid)
{
	char path[96];

	snprintf(path, sizeof path, "/local/domain/%u/backend/vinput/%u/%u",
		 backend_domid, domid, devid);
	xd_sim_xs_remove(hv, 0, path);
	snprintf(path, sizeof path, "/local/domain/%u/device/vkbd/%u", domid,
		 devid);
	xd_sim_xs_remove(hv, 0, path);
}
