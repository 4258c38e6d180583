/* SPDX-License-Identifier: MIT */
/*
 * Grants through libxengnttab: the grant device (gntdev) maps a guest's
 * grants and exports them as dma-bufs; the grant allocation device
 * (gntalloc, xengntshr) shares pages of ours with a guest. Each is opened
 * at its first use, never before: gntdev maps any domain's grants, and a
 * backend whose maps all go through the kmod's bound file
 * (xen-real-grant-kmod.c) must never hold it. Both stay open until the
 * last guest buffer is gone.
 */

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "log.h"
#include "xen-real.h"

/* gntdev refuses maps beyond this many pages per handle; a guest's
 * buffers are bounded far below it by the displif half. */
#define MAX_GRANTS (1u << 18)

/* The grant device, opened now if it is not yet; tried once: a process
 * that cannot open it (the sandbox's Landlock, no module) says so once. */
static int
open_gntdev(struct xd_xen_real *real)
{
	if (real->xgt)
		return 0;
	if (real->xgt_errno)
		return -real->xgt_errno;
	real->xgt = xengnttab_open(&real->logger, 0);
	if (!real->xgt) {
		real->xgt_errno = -xd_real_err();
		xd_log("cannot open the grant device (/dev/xen/gntdev): %s; "
		       "is the xen-gntdev module loaded? "
		       "modprobe xen-gntdev\n", strerror(real->xgt_errno));
		return -real->xgt_errno;
	}
	/* Kernels without the per-handle limit answer ENOTTY, which the
	 * library already turns into success. */
	if (xengnttab_set_max_grants(real->xgt, MAX_GRANTS) < 0)
		xd_log("cannot raise the grant map limit to %u: %s; large "
		       "guest displays may fail to map\n", MAX_GRANTS,
		       strerror(errno));
	return 0;
}

static void *
real_map(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
	 uint32_t count, bool writable, int *dmabuf, uint64_t *offset)
{
	int ret = open_gntdev(to_real(xen));

	if (dmabuf)
		*dmabuf = -1;
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	return xengnttab_map_domain_grant_refs(to_real(xen)->xgt, count,
					       domid, (uint32_t *)refs,
					       PROT_READ |
					       (writable ? PROT_WRITE : 0));
}

static void
real_unmap(struct xd_xen *xen, void *addr, uint32_t count)
{
	if (!to_real(xen)->xgt)
		return;
	if (xengnttab_unmap(to_real(xen)->xgt, addr, count) < 0)
		xd_log("cannot unmap %u granted page(s): %s\n", count,
		       strerror(errno));
}

static int
real_export_dmabuf(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
		   uint32_t count, int *fd)
{
	uint32_t exported;
	int ret = open_gntdev(to_real(xen));

	if (ret < 0)
		return ret;
	if (xengnttab_dmabuf_exp_from_refs(to_real(xen)->xgt, domid, 0, count,
					   refs, &exported) < 0)
		return xd_real_err();
	*fd = (int)exported;
	return 0;
}

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

static void *
real_share(struct xd_xen *xen, uint32_t domid, uint32_t count,
	   uint32_t *refs, int *dmabuf, uint64_t *offset)
{
	struct xd_xen_real *real = to_real(xen);
	int ret = open_gntshr(real);
	void *addr;

	if (dmabuf)
		*dmabuf = -1;
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	addr = xengntshr_share_pages(real->xgs, domid, (int)count, refs, 1);
	if (!addr) {
		ret = xd_real_err();
		xd_log("dom%u: cannot grant it %u page(s) for a be-alloc "
		       "buffer: %s; gntalloc grants at most "
		       "/sys/module/xen_gntalloc/parameters/limit pages "
		       "(modprobe xen-gntalloc limit=N)\n", domid, count,
		       strerror(-ret));
		errno = -ret;
	}
	return addr;
}

static void
real_unshare(struct xd_xen *xen, void *addr, uint32_t count)
{
	if (xengntshr_unshare(to_real(xen)->xgs, addr, count) < 0)
		xd_log("cannot end the grants of a buffer of %u page(s): "
		       "%s\n", count, strerror(errno));
}

static void
real_grant_close(struct xd_xen *xen)
{
	struct xd_xen_real *real = to_real(xen);

	if (real->xgs)
		xengntshr_close(real->xgs);
	real->xgs = NULL;
	if (real->xgt)
		xengnttab_close(real->xgt);
	real->xgt = NULL;
}

const struct xd_xen_grant_ops xd_real_grant_ops = {
	.map = real_map,
	.unmap = real_unmap,
	.export_dmabuf = real_export_dmabuf,
	.share = real_share,
	.unshare = real_unshare,
	.close = real_grant_close,
};
