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
#include <xen/grant_table.h>

#include "xen-zcopy.h"

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
extern struct device *zcopy_dev;

/* A guest buffer exported as a dma-buf (export.c, cpu.c). */
struct zcopy_export {
	struct kref kref;
	u64 id;
	domid_t domid;
	bool readonly;
	bool released;
	unsigned int count;
	struct page **pages;
	struct gnttab_map_grant_ref *map_ops;
	struct gnttab_unmap_grant_ref *unmap_ops;
	xen_pfn_t *mfns;		/* PV: machine frames, for mmap */
	struct mutex lock;		/* attachments */
	struct list_head attachments;
	void *vaddr;			/* vmap, auto-translated only */
	unsigned int vmap_count;
};

/* main.c: the registry of live exports, for WAIT_RELEASED. */
int zcopy_register_export(struct zcopy_export *exp);
void zcopy_export_released(struct zcopy_export *exp);
int zcopy_wait_released(u64 id, unsigned int timeout_ms);
void zcopy_export_put(struct zcopy_export *exp);

/* Per-domain page accounting (main.c). */
int zcopy_account_pages(domid_t domid, unsigned int count);
void zcopy_unaccount_pages(domid_t domid, unsigned int count);

/* export.c */
long zcopy_ioctl_export(struct xen_zcopy_export __user *uarg);
extern const struct dma_buf_ops zcopy_dmabuf_ops;

/* cpu.c */
int zcopy_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma);
int zcopy_vmap(struct dma_buf *dmabuf, struct iosys_map *map);
void zcopy_vunmap(struct dma_buf *dmabuf, struct iosys_map *map);

/* import.c */
long zcopy_ioctl_import(struct xen_zcopy_import __user *uarg);
long zcopy_ioctl_import_release(struct xen_zcopy_import_release __user *uarg);
void zcopy_imports_shutdown(void);

#endif
