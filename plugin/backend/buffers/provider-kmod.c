/* SPDX-License-Identifier: MIT */
/*
 * Buffer provider 'kmod': the project's kernel module (kmod/, the device
 * /dev/xen/zcopy, protocol/xen-zcopy.h) turns grant references into a
 * dma-buf that the compositor imports and the CPU can mmap: zero copy on
 * stock Debian kernels. No Xen access call: the module maps the grants
 * itself.
 *
 * One device file per process, bound to the one guest it serves: under
 * the sandbox the trusted side opened and bound it and hands it over
 * (--kmod-fd, xd_provider_kmod_use_device()), and this process cannot
 * open the device; run without it (tests, benches) the provider opens the
 * device and binds the file to its guest at the first buffer, or when
 * the wiring asks for the file first (xd_provider_kmod_device()) to map
 * the guest's rings through it too (xen-real-grant-kmod.c).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buffer-provider.h"
#include "log.h"
#include "xen-zcopy.h"
#include "xen/xen-access.h"

struct kmod_state {
	void *cpu;
	size_t size;
	uint64_t id;		/* the export's, for REVOKE */
};

static int kmod_fd = -2;	/* -2: not tried yet */
static bool kmod_given;		/* kmod_fd came bound from the trusted side */
static int kmod_open_errno;

void
xd_provider_kmod_use_device(int fd)
{
	/* Ours alone: nothing this process starts inherits it. */
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	kmod_fd = fd;
	kmod_given = true;
}

static bool
kmod_speaks_ours(int fd)
{
	struct xen_zcopy_version v;

	return ioctl(fd, XEN_ZCOPY_IOC_VERSION, &v) == 0 &&
	       v.api == XEN_ZCOPY_API_VERSION &&
	       (v.features & XEN_ZCOPY_FEATURE_EXPORT) &&
	       (v.features & XEN_ZCOPY_FEATURE_BIND);
}

/* The device file, bound to domid (the first buffer's guest: the one
 * this process serves), checked once; -1 with kmod_open_errno. */
static int
kmod_device(uint32_t domid)
{
	struct xen_zcopy_bind bind = { .domid = domid };

	if (kmod_given) {
		kmod_given = false;
		errno = 0;
		if (!kmod_speaks_ours(kmod_fd)) {
			kmod_open_errno = errno == EBADF ? ENODEV : EPROTO;
			close(kmod_fd);
			kmod_fd = -1;
		}
		return kmod_fd;
	}
	if (kmod_fd != -2)
		return kmod_fd;
	kmod_fd = open(XEN_ZCOPY_DEVICE, O_RDWR | O_CLOEXEC);
	kmod_open_errno = errno;
	if (kmod_fd < 0)
		return kmod_fd;
	if (!kmod_speaks_ours(kmod_fd)) {
		kmod_open_errno = EPROTO;
	} else if (ioctl(kmod_fd, XEN_ZCOPY_IOC_BIND, &bind) < 0) {
		kmod_open_errno = errno;
	} else {
		return kmod_fd;
	}
	close(kmod_fd);
	kmod_fd = -1;
	return kmod_fd;
}

int
xd_provider_kmod_device(uint32_t domid)
{
	return kmod_device(domid);
}

static int
kmod_import(struct xd_provided_buffer *buf, const uint32_t *refs,
	    const char **why)
{
	/* Writable, as the guest granted it: Mesa (trixie's llvmpipe) never
	 * releases a dma-buf import it could only map read-only, which kept
	 * a destroyed guest's frames mapped in Weston for good (reproduced
	 * in the simulator with a read-only fd; see doc/kmod.md). */
	struct xen_zcopy_export exp = {
		.domid = buf->domid,
		.count = buf->count,
		.refs = (uint64_t)(uintptr_t)refs,
	};
	struct kmod_state *k;
	int fd = kmod_device(buf->domid);
	int ret;

	if (fd < 0) {
		*why = kmod_open_errno == ENOENT ?
		       "no " XEN_ZCOPY_DEVICE ": load the module (modprobe "
		       "xen-zcopy; see doc/kmod.md)" :
		       kmod_open_errno == EPROTO ?
		       XEN_ZCOPY_DEVICE " speaks another version: rebuild "
		       "the module with this backend" :
		       kmod_open_errno == ENODEV ?
		       "the --kmod-fd file is not open" :
		       "cannot open " XEN_ZCOPY_DEVICE " or bind it to the "
		       "guest";
		return -kmod_open_errno;
	}
	k = calloc(1, sizeof *k);
	if (!k)
		return -ENOMEM;
	if (ioctl(fd, XEN_ZCOPY_IOC_EXPORT, &exp) < 0) {
		ret = -errno;
		*why = ret == -ENOSPC ? "the module's page limits are reached "
		       "(module parameters max_pages_*)" :
		       ret == -EPERM ? XEN_ZCOPY_DEVICE " serves another "
		       "domain (its file is bound to one)" :
		       "the guest's grants failed to map";
		free(k);
		return ret;
	}
	k->size = (size_t)buf->count * XD_XEN_PAGE_SIZE;
	k->cpu = mmap(NULL, k->size, PROT_READ, MAP_SHARED, exp.fd, 0);
	if (k->cpu == MAP_FAILED) {
		ret = -errno;
		*why = "its dma-buf could not be mapped for the CPU";
		close(exp.fd);
		free(k);
		return ret;
	}
	k->id = exp.id;
	buf->priv = k;
	buf->base.dmabuf_fd = exp.fd;
	buf->base.dmabuf_offset = 0;
	buf->base.cpu = k->cpu;
	return 0;
}

static void
kmod_release(struct xd_provided_buffer *buf)
{
	struct kmod_state *k = buf->priv;
	struct xen_zcopy_revoke revoke;
	static bool revoke_failed_logged;

	if (!k)
		return;
	revoke.id = k->id;
	munmap(k->cpu, k->size);
	/* Weston has released the buffer, yet its GL driver may keep the
	 * import referenced for as long as it runs (Mesa llvmpipe's idle
	 * scenes, doc/kmod.md): take the guest's pages back now. The fd
	 * is closed by the caller. */
	if (ioctl(kmod_fd, XEN_ZCOPY_IOC_REVOKE, &revoke) < 0 &&
	    errno != ENOENT && !revoke_failed_logged) {
		revoke_failed_logged = true;
		xd_log("xen-zcopy cannot revoke a released buffer (%s): its "
		       "guest pages stay mapped while Weston holds it; "
		       "update the module (doc/kmod.md)\n", strerror(errno));
	}
	free(k);
	buf->priv = NULL;
}

const struct xd_buffer_provider xd_provider_kmod = {
	.name = "kmod",
	.import = kmod_import,
	.release = kmod_release,
	.unavailable = xd_provider_device_error,
};
