/* SPDX-License-Identifier: MIT */
/*
 * The small grant maps (xd_gnt_map(): rings, event pages, page
 * directories, the GET_EDID buffer, the vkbd page) through the project's
 * kmod (kmod/, protocol/xen-zcopy.h) instead of the grant device, when
 * the process has a /dev/xen/zcopy file bound to its guest: the kmod
 * maps only that guest's grants, where gntdev maps any domain's, so a
 * backend that has one never opens gntdev (xen-real-grant.c opens it at
 * its first use) and the sandbox does not let it (plugin/sandbox/).
 *
 * A map is an EXPORT (read-only when the caller asked so), the dma-buf
 * mmap'd for the CPU, and the dma-buf's fd closed at once: the mapping
 * holds the dma-buf, so munmap() is the unmap, and its last user gone
 * the kmod ends the grants. The kmod counts these pages against the
 * domain's max_pages_per_domain, with its buffers (doc/kmod.md).
 * Guest buffers' dma-bufs (gntdev's export) and be-alloc's shares stay
 * xd_real_grant_ops'.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xen-real.h"
#include "xen-zcopy.h"

static void *
kmod_map(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
	 uint32_t count, bool writable, int *dmabuf, uint64_t *offset)
{
	struct xen_zcopy_export exp = {
		.flags = writable ? 0 : XEN_ZCOPY_EXPORT_READONLY,
		.domid = domid,
		.count = count,
		.refs = (uint64_t)(uintptr_t)refs,
	};
	void *addr;
	int err;

	if (dmabuf)
		*dmabuf = -1;
	if (ioctl(to_real(xen)->kmod_fd, XEN_ZCOPY_IOC_EXPORT, &exp) < 0)
		return NULL;
	/* The kmod fills the mapping at its first fault (on a PV dom0,
	 * foreign frames by mmu_update). */
	addr = mmap(NULL, (size_t)count * XD_XEN_PAGE_SIZE,
		    PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED,
		    exp.fd, 0);
	err = errno;
	close(exp.fd);
	if (addr == MAP_FAILED) {
		errno = err;
		return NULL;
	}
	return addr;
}

static void
kmod_unmap(struct xd_xen *xen, void *addr, uint32_t count)
{
	munmap(addr, (size_t)count * XD_XEN_PAGE_SIZE);
}

static int
kmod_export_dmabuf(struct xd_xen *xen, uint32_t domid, const uint32_t *refs,
		   uint32_t count, int *fd)
{
	return xd_real_grant_ops.export_dmabuf(xen, domid, refs, count, fd);
}

static void *
kmod_share(struct xd_xen *xen, uint32_t domid, uint32_t count,
	   uint32_t *refs, int *dmabuf, uint64_t *offset)
{
	return xd_real_grant_ops.share(xen, domid, count, refs, dmabuf,
				       offset);
}

static void
kmod_unshare(struct xd_xen *xen, void *addr, uint32_t count)
{
	xd_real_grant_ops.unshare(xen, addr, count);
}

static void
kmod_grant_close(struct xd_xen *xen)
{
	struct xd_xen_real *real = to_real(xen);

	/* Nothing is mapped through it any more: the last reference. */
	close(real->kmod_fd);
	real->kmod_fd = -1;
	xd_real_grant_ops.close(xen);
}

static const struct xd_xen_grant_ops kmod_grant_ops = {
	.map = kmod_map,
	.unmap = kmod_unmap,
	.export_dmabuf = kmod_export_dmabuf,
	.share = kmod_share,
	.unshare = kmod_unshare,
	.close = kmod_grant_close,
};

int
xd_real_grant_use_kmod(struct xd_xen_real *real, int fd)
{
	if (real->kmod_fd >= 0)
		return -EBUSY;
	/* Ours alone: nothing this process starts inherits it. */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -errno;
	real->kmod_fd = fd;
	real->base.gnt = &kmod_grant_ops;
	return 0;
}
