/* SPDX-License-Identifier: MIT */
/*
 * Buffer provider 'kmod': the project's kernel module (kmod/) turns grant
 * references into a CPU-readable dma-buf. Its ioctl header,
 * protocol/xen-grant-dmabuf.h, is not in this tree yet: until it is, this
 * provider reports itself unavailable and the next one is used.
 */

#include <errno.h>

#include "xen-real.h"

int
xd_real_kmod_import(struct xd_real_buffer *buf, uint32_t domid,
		    const uint32_t *refs, const char **why)
{
	*why = "this backend was built without the kmod's interface "
	       "(protocol/xen-grant-dmabuf.h)";
	return -ENOSYS;
}

void
xd_real_kmod_release(struct xd_real_buffer *buf)
{
}
