/* SPDX-License-Identifier: MIT */
/*
 * Buffer provider 'gntshr', for be-alloc on real Xen: the backend
 * allocates the display buffer and grants its pages to the guest
 * (xengntshr, the kernel's gntalloc). The Wayland half reads it through
 * the CPU mapping.
 */

#include <errno.h>
#include <stddef.h>

#include "buffer-provider.h"
#include "xen/xen-access.h"

/* The grant device says why it failed (xen/xen-real-grant.c). */
static int
gntshr_alloc(struct xd_provided_buffer *buf, uint32_t *refs)
{
	struct xd_xen *xen = buf->xen;

	buf->map = xen->gnt->share(xen, buf->domid, buf->count, refs, NULL,
				   NULL);
	if (!buf->map)
		return errno > 0 ? -errno : -EIO;
	buf->base.cpu = buf->map;
	return 0;
}

static void
gntshr_release(struct xd_provided_buffer *buf)
{
	if (buf->map)
		buf->xen->gnt->unshare(buf->xen, buf->map, buf->count);
	buf->map = NULL;
}

const struct xd_buffer_provider xd_provider_gntshr = {
	.name = "gntshr",
	.alloc = gntshr_alloc,
	.release = gntshr_release,
};
