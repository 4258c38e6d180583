/* SPDX-License-Identifier: MIT */
/*
 * be-alloc: the backend allocates a display buffer and grants its pages
 * to the guest (xengntshr, the kernel's gntalloc). The Wayland half reads
 * it through the CPU mapping.
 */

#include <errno.h>
#include <string.h>

#include "log.h"
#include "xen-real.h"

static int
open_gntshr(struct xd_xen_real *real)
{
	if (real->xgs)
		return 0;
	real->xgs = xengntshr_open(&real->logger, 0);
	if (!real->xgs) {
		xd_log("cannot open the grant allocation device "
		       "(/dev/xen/gntalloc) for be-alloc: %s; is the "
		       "xen-gntalloc module loaded? modprobe xen-gntalloc\n",
		       strerror(errno));
		return xd_real_err();
	}
	return 0;
}

struct xd_guest_buffer *
xd_real_buffer_alloc_granted(struct xd_xen *xen, uint32_t domid,
			     uint32_t count, uint32_t size, uint32_t *refs)
{
	struct xd_xen_real *real = to_real(xen);
	struct xd_real_buffer *buf;
	int ret;

	ret = open_gntshr(real);
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	buf = xd_real_buffer_new(real, count, size, "gntshr");
	if (!buf)
		return NULL;
	buf->shared = xengntshr_share_pages(real->xgs, domid, (int)count,
					    refs, 1);
	if (!buf->shared) {
		ret = xd_real_err();
		xd_log("dom%u: cannot grant it %u page(s) for a be-alloc "
		       "buffer: %s; gntalloc grants at most "
		       "/sys/module/xen_gntalloc/parameters/limit pages "
		       "(modprobe xen-gntalloc limit=N)\n", domid, count,
		       strerror(-ret));
		xd_real_buffer_free(buf);
		errno = -ret;
		return NULL;
	}
	buf->base.cpu = buf->shared;
	return &buf->base;
}
