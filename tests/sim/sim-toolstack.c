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

/* A device's two directories: device/FE_KIND in the guest's tree,
 * backend/BE_KIND in the backend domain's. */
struct device_dirs {
	char fe[96];
	char be[96];
};

static void
device_dirs(struct device_dirs *d, const char *fe_kind, const char *be_kind,
	    uint32_t domid, uint32_t devid, uint32_t backend_domid)
{
	snprintf(d->fe, sizeof d->fe, "/local/domain/%u/device/%s/%u", domid,
		 fe_kind, devid);
	snprintf(d->be, sizeof d->be, "/local/domain/%u/backend/%s/%u/%u",
		 backend_domid, be_kind, domid, devid);
}

/* What libxl writes for every device, frontend side. */
static int
write_frontend_links(struct xd_sim_hv *hv, const struct device_dirs *d,
		     uint32_t backend_domid)
{
	char path[160], value[96];
	int ret = 0;

	W(d->fe, "backend-id", "%u", backend_domid);
	W(d->fe, "backend", "%s", d->be);
	W(d->fe, "state", "%d", XenbusStateInitialising);
	return ret;
}

/* What libxl writes for every device, backend side, last: the backend
 * directory's appearance is what backends watch for. */
static int
write_backend_links(struct xd_sim_hv *hv, const struct device_dirs *d,
		    uint32_t domid)
{
	char path[160], value[96];
	int ret = 0;

	W(d->be, "frontend-id", "%u", domid);
	W(d->be, "frontend", "%s", d->fe);
	W(d->be, "online", "1");
	W(d->be, "state", "%d", XenbusStateInitialising);
	return ret;
}

static void
remove_device(struct xd_sim_hv *hv, const char *fe_kind, const char *be_kind,
	      uint32_t domid, uint32_t devid, uint32_t backend_domid)
{
	struct device_dirs d;

	device_dirs(&d, fe_kind, be_kind, domid, devid, backend_domid);
	xd_sim_xs_remove(hv, 0, d.be);
	xd_sim_xs_remove(hv, 0, d.fe);
}

int
xd_sim_toolstack_add_vdispl(struct xd_sim_hv *hv,
			    const struct xd_sim_front_config *config)
{
	struct device_dirs d;
	char path[160], value[96];
	uint32_t i;
	int ret;

	device_dirs(&d, "vdispl", "vdispl", config->domid, config->devid,
		    config->backend_domid);
	ret = write_frontend_links(hv, &d, config->backend_domid);
	W(d.fe, "be-alloc", "%d", config->be_alloc ? 1 : 0);
	for (i = 0; i < config->num_connectors; i++) {
		char node[32];

		snprintf(node, sizeof node, "%u/resolution", i);
		W(d.fe, node, "%ux%u", config->connectors[i].width,
		  config->connectors[i].height);
		snprintf(node, sizeof node, "%u/unique-id", i);
		W(d.fe, node, "%s", config->connectors[i].unique_id ?
		  config->connectors[i].unique_id : "0");
	}
	ret |= write_backend_links(hv, &d, config->domid);
	return ret ? -1 : 0;
}

void
xd_sim_toolstack_remove_vdispl(struct xd_sim_hv *hv, uint32_t domid,
			       uint32_t devid, uint32_t backend_domid)
{
	remove_device(hv, "vdispl", "vdispl", domid, devid, backend_domid);
}

int
xd_sim_toolstack_add_vkbd(struct xd_sim_hv *hv,
			  const struct xd_sim_kbdfront_config *c)
{
	struct device_dirs d;
	char path[160], value[96];
	int ret;

	device_dirs(&d, "vkbd", "vinput", c->domid, c->devid,
		    c->backend_domid);
	ret = write_frontend_links(hv, &d, c->backend_domid);
	/* libxl writes the vkb= options it was given, and only those. */
	if (c->unique_id)
		W(d.be, XENKBD_FIELD_UNIQUE_ID, "%s", c->unique_id);
	if (c->disable_keyboard)
		W(d.be, XENKBD_FIELD_FEAT_DSBL_KEYBRD, "1");
	if (c->disable_pointer)
		W(d.be, XENKBD_FIELD_FEAT_DSBL_POINTER, "1");
	if (c->width)
		W(d.be, XENKBD_FIELD_WIDTH, "%u", c->width);
	if (c->height)
		W(d.be, XENKBD_FIELD_HEIGHT, "%u", c->height);
	ret |= write_backend_links(hv, &d, c->domid);
	return ret ? -1 : 0;
}

void
xd_sim_toolstack_remove_vkbd(struct xd_sim_hv *hv, uint32_t domid,
			     uint32_t devid, uint32_t backend_domid)
{
	remove_device(hv, "vkbd", "vinput", domid, devid, backend_domid);
}
