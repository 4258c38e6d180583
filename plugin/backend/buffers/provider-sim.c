/* SPDX-License-Identifier: MIT */
/*
 * Buffer provider 'sim', on the simulated hypervisor: its grant maps come
 * with the granting domain's memfd, a zero-copy view of a contiguous run
 * that Weston imports through linux-dmabuf. A buffer without it (pages
 * not contiguous, or withheld) is 'sim-map', copied as real Xen's 'map'.
 *
 * XD_SIM_NO_DMABUF ("all" or a comma-separated list of domids) withholds
 * that view, so that benchmarks can run the copy path beside zero copy
 * (doc/performance.md).
 *
 * XD_SIM_KMOD_MAX_PAGES=N puts 'sim-kmod' before 'sim' (buffers.c): the
 * kmod's double, the same maps with the kmod's cap on the pages it maps
 * in all (max_pages_total), ENOSPC past it, so that tests see what the
 * chain does when the kmod is full.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buffer-provider.h"
#include "common/decimal.h"
#include "xen/xen-access.h"

/* Whether XD_SIM_NO_DMABUF names domid. */
static bool
dmabuf_withheld(uint32_t domid)
{
	const char *list = getenv("XD_SIM_NO_DMABUF");
	uint32_t id;

	if (!list || !*list)
		return false;
	if (strcmp(list, "all") == 0)
		return true;
	while (xd_parse_u32_prefix(&list, UINT32_MAX, &id) == 0) {
		if (id == domid)
			return true;
		if (*list++ != ',')
			return false;
	}
	return false;
}

static int
sim_import(struct xd_provided_buffer *buf, const uint32_t *refs,
	   const char **why)
{
	struct xd_xen *xen = buf->xen;
	bool want_dmabuf = !dmabuf_withheld(buf->domid);

	buf->map = xen->gnt->map(xen, buf->domid, refs, buf->count, false,
				 want_dmabuf ? &buf->base.dmabuf_fd : NULL,
				 &buf->base.dmabuf_offset);
	if (!buf->map) {
		*why = "the grants failed to map";
		return errno > 0 ? -errno : -EIO;
	}
	buf->base.cpu = buf->map;
	if (buf->base.dmabuf_fd < 0) {
		buf->base.dmabuf_offset = 0;
		buf->base.provider = "sim-map";
	}
	return 0;
}

static int
sim_alloc(struct xd_provided_buffer *buf, uint32_t *refs)
{
	struct xd_xen *xen = buf->xen;

	buf->map = xen->gnt->share(xen, buf->domid, buf->count, refs,
				   &buf->base.dmabuf_fd,
				   &buf->base.dmabuf_offset);
	if (!buf->map)
		return errno > 0 ? -errno : -EIO;
	buf->base.cpu = buf->map;
	return 0;
}

const struct xd_buffer_provider xd_provider_sim = {
	.name = "sim",
	.import = sim_import,
	.alloc = sim_alloc,
	.release = xd_provider_unmap,
};

/* The pages 'sim-kmod' maps now, against XD_SIM_KMOD_MAX_PAGES. */
static uint64_t sim_kmod_pages;

static int
sim_kmod_import(struct xd_provided_buffer *buf, const uint32_t *refs,
		const char **why)
{
	const char *max_text = getenv("XD_SIM_KMOD_MAX_PAGES");
	uint32_t max;
	int ret;

	if (!max_text || xd_parse_u32(max_text, UINT32_MAX, &max) < 0) {
		*why = "XD_SIM_KMOD_MAX_PAGES is not set";
		return -ENODEV;
	}
	if (sim_kmod_pages + buf->count > max) {
		*why = "the module's page limits are reached (module "
		       "parameters max_pages_*)";
		return -ENOSPC;
	}
	ret = sim_import(buf, refs, why);
	if (ret < 0)
		return ret;
	buf->base.provider = "sim-kmod";
	buf->priv = buf;	/* counted */
	sim_kmod_pages += buf->count;
	return 0;
}

static void
sim_kmod_release(struct xd_provided_buffer *buf)
{
	if (buf->priv)
		sim_kmod_pages -= buf->count;
	buf->priv = NULL;
	xd_provider_unmap(buf);
}

const struct xd_buffer_provider xd_provider_sim_kmod = {
	.name = "sim-kmod",
	.import = sim_kmod_import,
	.release = sim_kmod_release,
	.unavailable = xd_provider_device_error,
};
