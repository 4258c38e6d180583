/* SPDX-License-Identifier: MIT */
/*
 * Buffer provider 'map', the last resort on real Xen: the guest's grants
 * mapped for the CPU, read-only (the backend never writes a guest's
 * pixels). No dma-buf: the Wayland half copies each frame once into
 * shared memory. Never unavailable: a failure is about the grants.
 */

#include <errno.h>
#include <stddef.h>

#include "buffer-provider.h"
#include "xen/xen-access.h"

static int
map_import(struct xd_provided_buffer *buf, const uint32_t *refs,
	   const char **why)
{
	struct xd_xen *xen = buf->xen;

	buf->map = xen->gnt->map(xen, buf->domid, refs, buf->count, false,
				 NULL, NULL);
	if (!buf->map) {
		*why = "the grants failed to map (bad grant references?)";
		return errno > 0 ? -errno : -EIO;
	}
	buf->base.cpu = buf->map;
	return 0;
}

const struct xd_buffer_provider xd_provider_map = {
	.name = "map",
	.import = map_import,
	.release = xd_provider_unmap,
};
