/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xen-zcopy: guest grant references as dma-bufs, and dom0 dma-bufs as
 * grants, for display backends on kernels without CONFIG_XEN_GNTDEV_DMABUF.
 */

#ifndef _ZCOPY_H
#define _ZCOPY_H

#include <linux/atomic.h>
#include <linux/dma-buf.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/version.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <xen/grant_table.h>

#include "xen-zcopy.h"

/* A guest buffer exported as a dma-buf (grants.c, revoke.c, cpu.c,
 * export.c).
 */
struct zcopy_export {
	struct kref kref;
	u64 id;
	u64 owner_serial;		/* its zcopy_owner's, for WAIT_RELEASED */
	domid_t domid;
	bool readonly;
	bool released;			/* the grants are unmapped */
	bool mapped;			/* the grants are mapped */
	bool revoked;			/* its exporter is gone */
	struct dma_buf *dmabuf;		/* NULL once the dma-buf's release ran */
	struct list_head owner_link;	/* in its zcopy_owner's exports */
	unsigned int count;
	struct page **pages;
	struct gnttab_map_grant_ref *map_ops;
	struct gnttab_unmap_grant_ref *unmap_ops;
	xen_pfn_t *mfns;		/* PV: machine frames, for mmap */
	struct mutex lock;		/* the state below and above */
	struct list_head attachments;
	unsigned int sgt_count;		/* attachments mapped for a device */
	void *vaddr;			/* vmap, auto-translated only */
	unsigned int vmap_count;
};

/* No BIND yet: zcopy_owner.domid. */
#define ZCOPY_UNBOUND U32_MAX

/*
 * An open /dev/xen/zcopy: the one domain it serves (BIND, main.c), the
 * exports made through it (revoke.c) and its imports (import.c). Every
 * id it hands out is its own: another file's is ENOENT.
 */
struct zcopy_owner {
	struct list_head exports;
	struct device *dev;		/* the misc device, for its log */
	u64 serial;			/* unique, never reused */
	u32 domid;			/* ZCOPY_UNBOUND until BIND; set once */
	struct mutex imports_lock;	/* IMPORT_RELEASE against itself */
	struct xarray imports;		/* id -> struct zcopy_import */
};

/*
 * Calls go one way: each file below calls only the ones declared before
 * it (accounting.c, grants.c, revoke.c, cpu.c, export.c; import.c calls
 * accounting.c alone), and main.c, the device, calls them.
 */

/* accounting.c: limits (the module's parameters), counters, pages. */
extern unsigned int max_pages_per_buffer;
extern unsigned int max_pages_per_domain;
extern unsigned int max_pages_total;
extern bool allow_loopback;

struct zcopy_stats {
	atomic64_t exports_live;
	atomic64_t pages_mapped;
	atomic64_t imports_live;
	atomic64_t grants_live;
	atomic64_t map_failures;
};

extern struct zcopy_stats zcopy_stats;

/*
 * EXPORT and IMPORT may name only the domain the file was bound to:
 * EPERM before BIND and for any other domain. Domain 0 (dom0's own
 * grants) needs allow_loopback too, at BIND and at every use.
 */
static inline int zcopy_owner_check_domain(const struct zcopy_owner *owner,
					   u32 domid)
{
	u32 bound = READ_ONCE(owner->domid);

	if (bound == ZCOPY_UNBOUND || bound != domid)
		return -EPERM;
	if (domid == 0 && !READ_ONCE(allow_loopback))
		return -EPERM;
	return 0;
}

int zcopy_account_pages(domid_t domid, unsigned int count);
void zcopy_unaccount_pages(domid_t domid, unsigned int count);

/* grants.c: an export's life, its grant mappings, and the registry of
 * live exports for WAIT_RELEASED.
 */
struct zcopy_export *zcopy_export_alloc(unsigned int count);
void zcopy_export_put(struct zcopy_export *exp);
int zcopy_map_grants(struct zcopy_export *exp, const u32 *refs);
void zcopy_unmap_grants(struct zcopy_export *exp);
void zcopy_export_unmap_locked(struct zcopy_export *exp);
int zcopy_register_export(struct zcopy_export *exp);
void zcopy_export_released(struct zcopy_export *exp);
int zcopy_wait_released(const struct zcopy_owner *owner, u64 id,
			unsigned int timeout_ms);

/* revoke.c */
int zcopy_owner_open(struct inode *inode, struct file *file);
int zcopy_owner_release(struct inode *inode, struct file *file);
long zcopy_ioctl_revoke(struct zcopy_owner *owner,
			struct xen_zcopy_revoke __user *uarg);
void zcopy_owner_add(struct zcopy_owner *owner, struct zcopy_export *exp);
void zcopy_owner_forget(struct zcopy_export *exp);
void zcopy_export_unmap_if_unused(struct zcopy_export *exp);
struct page *zcopy_dummy_page(void);
int zcopy_revoke_init(void);
void zcopy_revoke_exit(void);

/* cpu.c */
int zcopy_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma);
int zcopy_vmap(struct dma_buf *dmabuf, struct iosys_map *map);
void zcopy_vunmap(struct dma_buf *dmabuf, struct iosys_map *map);

/* export.c */
long zcopy_ioctl_export(struct zcopy_owner *owner,
			struct xen_zcopy_export __user *uarg);
extern const struct dma_buf_ops zcopy_dmabuf_ops;

/* import.c */
void zcopy_owner_imports_init(struct zcopy_owner *owner);
void zcopy_owner_imports_release(struct zcopy_owner *owner);
long zcopy_ioctl_import(struct zcopy_owner *owner,
			struct xen_zcopy_import __user *uarg);
long zcopy_ioctl_import_release(struct zcopy_owner *owner,
				struct xen_zcopy_import_release __user *uarg);
void zcopy_imports_shutdown(void);

#endif
