/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note OR MIT */
/*
 * xen-zcopy: the ioctl interface of kmod/ (/dev/xen/zcopy), shared by
 * the kernel module and the display backend.
 *
 * EXPORT turns a guest's grant references into a dma-buf that every
 * consumer can use: device attach (sg table), CPU mmap and vmap. The
 * guest's pages stay mapped until the last user of the dma-buf is gone,
 * or until the device file that exported it is closed: then its CPU
 * mappings read a read-only dummy page (a write gets SIGBUS), new
 * mappings and attachments fail with ENODEV, and the grants end as soon
 * as no device maps the buffer for DMA; REVOKE does the same for one
 * export, at once. WAIT_RELEASED waits for the grants' end. IMPORT is the
 * reverse, for displif's be-alloc: it grants the pages of a dom0 dma-buf
 * to a guest.
 *
 * Ids belong to the device file that made them: WAIT_RELEASED, REVOKE
 * and IMPORT_RELEASE of an id made through another file fail with
 * ENOENT, as an unknown id does. Closing the file releases its imports
 * (their grants end once the guest has unmapped them) and revokes its
 * exports. Domain 0 (dom0's own grants, for tests) is refused with
 * EPERM unless the module's allow_loopback parameter is set.
 *
 * Every struct has a fixed size and explicit padding; pointers travel
 * as __u64. Unknown flags are refused with EINVAL.
 */

#ifndef _UAPI_XEN_ZCOPY_H
#define _UAPI_XEN_ZCOPY_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define XEN_ZCOPY_DEVICE "/dev/xen/zcopy"
#define XEN_ZCOPY_API_VERSION 2

/* Features in xen_zcopy_version.features. */
#define XEN_ZCOPY_FEATURE_EXPORT	_BITUL(0)
#define XEN_ZCOPY_FEATURE_CPU_MMAP	_BITUL(1)
#define XEN_ZCOPY_FEATURE_VMAP		_BITUL(2)
#define XEN_ZCOPY_FEATURE_IMPORT	_BITUL(3)
#define XEN_ZCOPY_FEATURE_PV		_BITUL(4)	/* PV dom0 paths */
/* Closing the device file revokes its exports (see EXPORT); REVOKE. */
#define XEN_ZCOPY_FEATURE_REVOKE	_BITUL(5)
/* BIND: a file serves one domain (see struct xen_zcopy_bind). */
#define XEN_ZCOPY_FEATURE_BIND		_BITUL(6)

struct xen_zcopy_version {
	__u32 api;		/* out: XEN_ZCOPY_API_VERSION */
	__u32 features;		/* out: XEN_ZCOPY_FEATURE_* */
	__u32 max_pages_per_buffer;	/* out: the module's limits */
	__u32 max_pages_per_domain;
};

/* Map the guest pages read-only (the display path never writes). */
#define XEN_ZCOPY_EXPORT_READONLY	_BITUL(0)

struct xen_zcopy_export {
	__u32 flags;		/* in: XEN_ZCOPY_EXPORT_* */
	__u32 domid;		/* in: the granting domain */
	__u32 count;		/* in: number of refs (pages) */
	__s32 fd;		/* out: the dma-buf, O_CLOEXEC */
	__u64 refs;		/* in: user pointer to __u32 refs[count] */
	__u64 id;		/* out: for WAIT_RELEASED */
};

struct xen_zcopy_wait_released {
	__u64 id;		/* in: from EXPORT */
	__u32 timeout_ms;	/* in */
	__u32 pad;		/* must be 0 */
};

struct xen_zcopy_import {
	__s32 fd;		/* in: a dma-buf of count whole pages */
	__u32 domid;		/* in: the domain to grant them to */
	__u32 count;		/* in: number of pages */
	__u32 flags;		/* in: must be 0 */
	__u64 refs;		/* in: user pointer; out: __u32 refs[count] */
	__u64 id;		/* out: for IMPORT_RELEASE */
};

/* Fail with EBUSY instead of deferring while the guest still maps. */
#define XEN_ZCOPY_RELEASE_NOWAIT	_BITUL(0)

struct xen_zcopy_import_release {
	__u64 id;		/* in: from IMPORT */
	__u32 flags;		/* in: XEN_ZCOPY_RELEASE_* */
	__u32 pad;		/* must be 0 */
};

/* An export made through the same file; unknown ids are ENOENT. */
struct xen_zcopy_revoke {
	__u64 id;		/* in: from EXPORT */
};

/*
 * Binds the file to one domain, once: until then EXPORT and IMPORT fail
 * with EPERM, a second BIND fails with EBUSY, and every EXPORT and
 * IMPORT after it must name that domain (EPERM otherwise). The trusted
 * side opens the device, binds the file and hands it to the process
 * that serves that domain, which cannot open the device itself.
 */
struct xen_zcopy_bind {
	__u32 domid;		/* in: the one domain this file serves */
	__u32 flags;		/* in: must be 0 */
};

struct xen_zcopy_stats {
	__u64 exports_live;	/* out: exported dma-bufs not yet released */
	__u64 pages_mapped;	/* out: guest pages mapped by exports */
	__u64 imports_live;	/* out: imports not yet released */
	__u64 grants_live;	/* out: grants of imports, incl. deferred */
	__u64 map_failures;	/* out: exports refused by Xen */
};

#define XEN_ZCOPY_IOC_MAGIC 'Z'
#define XEN_ZCOPY_IOC_VERSION \
	_IOR(XEN_ZCOPY_IOC_MAGIC, 0x40, struct xen_zcopy_version)
#define XEN_ZCOPY_IOC_EXPORT \
	_IOWR(XEN_ZCOPY_IOC_MAGIC, 0x41, struct xen_zcopy_export)
#define XEN_ZCOPY_IOC_WAIT_RELEASED \
	_IOW(XEN_ZCOPY_IOC_MAGIC, 0x42, struct xen_zcopy_wait_released)
#define XEN_ZCOPY_IOC_IMPORT \
	_IOWR(XEN_ZCOPY_IOC_MAGIC, 0x43, struct xen_zcopy_import)
#define XEN_ZCOPY_IOC_IMPORT_RELEASE \
	_IOW(XEN_ZCOPY_IOC_MAGIC, 0x44, struct xen_zcopy_import_release)
#define XEN_ZCOPY_IOC_STATS \
	_IOR(XEN_ZCOPY_IOC_MAGIC, 0x45, struct xen_zcopy_stats)
#define XEN_ZCOPY_IOC_REVOKE \
	_IOW(XEN_ZCOPY_IOC_MAGIC, 0x46, struct xen_zcopy_revoke)
#define XEN_ZCOPY_IOC_BIND \
	_IOW(XEN_ZCOPY_IOC_MAGIC, 0x47, struct xen_zcopy_bind)

#endif
