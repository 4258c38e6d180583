// SPDX-License-Identifier: GPL-2.0
/*
 * An exported guest buffer's pages: the object that holds them, their
 * grant mappings (made once, at EXPORT; ended once, by
 * zcopy_export_unmap_locked()), and the registry of exports still mapped
 * that WAIT_RELEASED waits on. The dma-buf (export.c), its CPU mappings
 * (cpu.c) and revocation (revoke.c) build on it; it calls only the page
 * accounting (accounting.c).
 */

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <xen/page.h>

#include "zcopy.h"

static DEFINE_XARRAY_ALLOC1(exports);	/* id -> live export */
static DECLARE_WAIT_QUEUE_HEAD(released_wq);

static void zcopy_export_free(struct kref *kref)
{
	struct zcopy_export *exp = container_of(kref, struct zcopy_export,
						kref);

	kvfree(exp->map_ops);
	kvfree(exp->unmap_ops);
	kvfree(exp->mfns);
	kvfree(exp->pages);
	kfree(exp);
}

void zcopy_export_put(struct zcopy_export *exp)
{
	kref_put(&exp->kref, zcopy_export_free);
}

static unsigned long zcopy_page_addr(struct page *page)
{
	return (unsigned long)pfn_to_kaddr(page_to_xen_pfn(page));
}

/* Unmaps what was mapped (every op that succeeded). Used on partial
 * failure and on release; the caller frees the pages.
 */
void zcopy_unmap_grants(struct zcopy_export *exp)
{
	struct gntab_unmap_queue_data unmap = { 0 };
	struct page **pages;
	unsigned int i, n = 0;

	pages = kvcalloc(exp->count, sizeof(*pages), GFP_KERNEL | __GFP_NOFAIL);
	for (i = 0; i < exp->count; i++) {
		if (exp->map_ops[i].status != GNTST_okay)
			continue;
		gnttab_set_unmap_op(&exp->unmap_ops[n],
				    zcopy_page_addr(exp->pages[i]),
				    exp->map_ops[i].flags,
				    exp->map_ops[i].handle);
		pages[n++] = exp->pages[i];
	}
	if (n) {
		unmap.unmap_ops = exp->unmap_ops;
		unmap.pages = pages;
		unmap.count = n;
		/* Waits for the pages' last references: every user of the
		 * dma-buf is gone by the time we get here.
		 */
		gnttab_unmap_refs_sync(&unmap);
		atomic64_sub(n, &zcopy_stats.pages_mapped);
	}
	kvfree(pages);
}

/* The grants' end, once: at revocation or at the dma-buf's release,
 * whichever comes first. Caller holds exp->lock.
 */
void zcopy_export_unmap_locked(struct zcopy_export *exp)
{
	if (!exp->mapped)
		return;
	exp->mapped = false;
	zcopy_unmap_grants(exp);
	zcopy_unaccount_pages(exp->domid, exp->count);
	zcopy_export_released(exp);
}

int zcopy_map_grants(struct zcopy_export *exp, const u32 *refs)
{
	u32 flags = GNTMAP_host_map | (exp->readonly ? GNTMAP_readonly : 0);
	unsigned int i;
	int ret;

	ret = gnttab_alloc_pages(exp->count, exp->pages);
	if (ret)
		return ret;
	for (i = 0; i < exp->count; i++)
		gnttab_set_map_op(&exp->map_ops[i],
				  zcopy_page_addr(exp->pages[i]), flags,
				  refs[i], exp->domid);
	ret = gnttab_map_refs(exp->map_ops, NULL, exp->pages, exp->count);
	for (i = 0; i < exp->count; i++) {
		if (exp->map_ops[i].status != GNTST_okay) {
			ret = -EINVAL;
			continue;
		}
		atomic64_inc(&zcopy_stats.pages_mapped);
		exp->mfns[i] = exp->map_ops[i].dev_bus_addr >> XEN_PAGE_SHIFT;
	}
	if (ret) {
		atomic64_inc(&zcopy_stats.map_failures);
		zcopy_unmap_grants(exp);
		gnttab_free_pages(exp->count, exp->pages);
	}
	return ret;
}

struct zcopy_export *zcopy_export_alloc(unsigned int count)
{
	struct zcopy_export *exp = kzalloc(sizeof(*exp), GFP_KERNEL_ACCOUNT);

	if (!exp)
		return NULL;
	kref_init(&exp->kref);
	mutex_init(&exp->lock);
	INIT_LIST_HEAD(&exp->attachments);
	INIT_LIST_HEAD(&exp->owner_link);
	exp->count = count;
	exp->pages = kvcalloc(count, sizeof(*exp->pages), GFP_KERNEL_ACCOUNT);
	exp->map_ops = kvcalloc(count, sizeof(*exp->map_ops),
				GFP_KERNEL_ACCOUNT);
	exp->unmap_ops = kvcalloc(count, sizeof(*exp->unmap_ops),
				  GFP_KERNEL_ACCOUNT);
	exp->mfns = kvcalloc(count, sizeof(*exp->mfns), GFP_KERNEL_ACCOUNT);
	if (!exp->pages || !exp->map_ops || !exp->unmap_ops || !exp->mfns) {
		zcopy_export_put(exp);
		return NULL;
	}
	return exp;
}

int zcopy_register_export(struct zcopy_export *exp)
{
	u32 id;
	int ret;

	ret = xa_alloc(&exports, &id, exp, xa_limit_32b, GFP_KERNEL);
	if (ret)
		return ret;
	kref_get(&exp->kref);	/* the registry's */
	exp->id = id;
	return 0;
}

/* The dma-buf's release: forget the id, wake the waiters. */
void zcopy_export_released(struct zcopy_export *exp)
{
	xa_erase(&exports, exp->id);
	WRITE_ONCE(exp->released, true);
	wake_up_all(&released_wq);
	zcopy_export_put(exp);
}

/* Only the file that made the export may wait for it: any other id is
 * as unknown as one already released.
 */
int zcopy_wait_released(const struct zcopy_owner *owner, u64 id,
			unsigned int timeout_ms)
{
	struct zcopy_export *exp;
	long left;

	if (id > U32_MAX)
		return -ENOENT;
	xa_lock(&exports);
	exp = xa_load(&exports, id);
	if (exp && exp->owner_serial == owner->serial)
		kref_get(&exp->kref);
	else
		exp = NULL;
	xa_unlock(&exports);
	if (!exp)
		return -ENOENT;		/* unknown, another's, or released */

	left = wait_event_interruptible_timeout(released_wq,
						READ_ONCE(exp->released),
						msecs_to_jiffies(timeout_ms));
	zcopy_export_put(exp);
	if (left < 0)
		return left;
	return left ? 0 : -ETIMEDOUT;
}
