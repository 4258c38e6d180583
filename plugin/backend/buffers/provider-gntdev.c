/* SPDX-License-Identifier: MIT */
/*
 * Buffer provider 'gntdev': the kernel's grant device exports the guest's
 * grants as a dma-buf (CONFIG_XEN_GNTDEV_DMABUF). Zero copy where it
 * works; an x86 PV dom0 cannot (gntdev maps grants through page tables
 * there).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buffer-provider.h"
#include "xen/xen-access.h"

/* An export has worked in this process: a later EINVAL is about a
 * buffer's grants, not the PV refusal. */
static bool gntdev_worked;

static int
gntdev_import(struct xd_provided_buffer *buf, const uint32_t *refs,
	      const char **why)
{
	static char reason[160];
	struct xd_xen *xen = buf->xen;
	int fd, ret;

	ret = xen->gnt->export_dmabuf ?
	      xen->gnt->export_dmabuf(xen, buf->domid, refs, buf->count,
				      &fd) : -EOPNOTSUPP;
	if (ret < 0) {
		snprintf(reason, sizeof reason, "%s%s", strerror(-ret),
			 ret == -ENOTTY ? " (this kernel is built without "
			 "CONFIG_XEN_GNTDEV_DMABUF)" :
			 ret == -EINVAL && !gntdev_worked ? " (gntdev "
			 "cannot export dma-bufs in an x86 PV dom0: it maps "
			 "grants through page tables)" : "");
		*why = reason;
		return ret;
	}
	gntdev_worked = true;
	buf->base.dmabuf_fd = fd;
	/* A gntdev dma-buf cannot be mmap()ed: the copy path, taken when
	 * the compositor refuses the import, needs its own CPU view. */
	ret = xd_provider_map_cpu(buf, refs);
	if (ret < 0)
		*why = "the CPU view of its dma-buf failed to map";
	return ret;
}

/* gntdev's EINVAL before any success is its PV refusal. */
static bool
gntdev_unavailable(int err)
{
	return xd_provider_device_error(err) ||
	       (err == -EINVAL && !gntdev_worked);
}

const struct xd_buffer_provider xd_provider_gntdev = {
	.name = "gntdev",
	.views = 2,		/* the dma-buf, and the CPU view */
	.import = gntdev_import,
	.release = xd_provider_unmap,
	.unavailable = gntdev_unavailable,
};
