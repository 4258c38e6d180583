/* SPDX-License-Identifier: MIT */
/*
 * Buffer provider 'gntshr', for be-alloc on real Xen: the backend
 * allocates the display buffer and grants its pages to the guest
 * (xengntshr, the kernel's gntalloc). The Wayland half reads it through
 * the CPU mapping.
 */

#include <errno.h>
#include <string.h>

#include "buffer-provider.h"
#include "log.h"
#include "xen/xen-access.h"

static int
gntshr_alloc(struct xd_provided_buffer *buf, uint32_t *refs)
{
	struct xd_xen *xen = buf->xen;
	int ret;

	buf->map = xen->gnt->share(xen, buf->domid, buf->count, refs, NULL,
				   NULL);
	if (!buf->map) {
		ret = errno > 0 ? -errno : -EIO;
		xd_log("dom%u: cannot grant it %u page(s) for a be-alloc "
		       "buffer: %s; gntalloc grants at most "
		       "/sys/module/xen_gntalloc/parameters/limit pages "
		       "(modprobe xen-gntalloc limit=N)\n", buf->domid,
		       buf->count, strerror(-ret));
		return ret;
	}
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
