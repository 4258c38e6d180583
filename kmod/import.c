// SPDX-License-Identifier: GPL-2.0
/*
 * IMPORT, for displif's be-alloc: grant the pages of a dom0 dma-buf to a
 * guest. The dma-buf stays attached and referenced until every grant has
 * ended; a guest that still maps a page when the backend lets go makes
 * us retry later rather than hand its page back to the allocator.
 *
 * An import belongs to the open file that made it, like an export: its
 * id is the file's own (IMPORT_RELEASE of another file's id is ENOENT),
 * and closing the file releases what it still holds, so a backend that
 * crashed leaves nothing granted once the guest unmaps.
 */

#include <linux/delay.h>
#include <linux/dma-buf.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <xen/page.h>

#include "compat.h"
#include "zcopy.h"

#define RETRY_DELAY_MS 1000

struct zcopy_import {
	struct list_head link;		/* on the deferred list */
	struct dma_buf *dmabuf;
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	unsigned int count;
	unsigned int ended;		/* refs[0 .. ended) are done */
	domid_t domid;
	unsigned int accounted;		/* pages counted for domid */
	grant_ref_t *refs;
};

static LIST_HEAD(deferred);
static DEFINE_MUTEX(deferred_lock);
static void zcopy_retry_deferred(struct work_struct *work);
static DECLARE_DELAYED_WORK(retry_work, zcopy_retry_deferred);

/* Ends every grant it can; true when all have ended. */
static bool zcopy_end_grants(struct zcopy_import *imp)
{
	while (imp->ended < imp->count) {
		if (!gnttab_try_end_foreign_access(imp->refs[imp->ended]))
			return false;
		imp->ended++;
		atomic64_dec(&zcopy_stats.grants_live);
	}
	return true;
}

static void zcopy_import_free(struct zcopy_import *imp)
{
	if (imp->sgt)
		zcopy_unmap_attachment(imp->attach, imp->sgt,
				       DMA_BIDIRECTIONAL);
	if (imp->attach)
		dma_buf_detach(imp->dmabuf, imp->attach);
	dma_buf_put(imp->dmabuf);
	/* Counted until the last grant has ended, not when the backend
	 * let go: the guest holds the pages until then.
	 */
	if (imp->accounted)
		zcopy_unaccount_pages(imp->domid, imp->accounted);
	kvfree(imp->refs);
	kfree(imp);
	atomic64_dec(&zcopy_stats.imports_live);
}

static void zcopy_retry_deferred(struct work_struct *work)
{
	struct zcopy_import *imp, *tmp;
	bool again = false;

	mutex_lock(&deferred_lock);
	list_for_each_entry_safe(imp, tmp, &deferred, link) {
		if (zcopy_end_grants(imp)) {
			list_del(&imp->link);
			zcopy_import_free(imp);
		} else {
			again = true;
		}
	}
	mutex_unlock(&deferred_lock);
	if (again)
		schedule_delayed_work(&retry_work,
				      msecs_to_jiffies(RETRY_DELAY_MS));
}

static void zcopy_import_release(struct zcopy_import *imp)
{
	if (zcopy_end_grants(imp)) {
		zcopy_import_free(imp);
		return;
	}
	mutex_lock(&deferred_lock);
	list_add(&imp->link, &deferred);
	mutex_unlock(&deferred_lock);
	schedule_delayed_work(&retry_work, msecs_to_jiffies(RETRY_DELAY_MS));
}

/* Grants every page of the attachment's table, in order; imp->count
 * counts the grants made, so a failure ends exactly those.
 */
static int zcopy_grant_pages(struct zcopy_import *imp, domid_t domid,
			     unsigned int want)
{
	struct sg_page_iter iter;
	int ref;

	for_each_sgtable_page(imp->sgt, &iter, 0) {
		struct page *page = sg_page_iter_page(&iter);

		if (imp->count == want || !pfn_valid(page_to_pfn(page)) ||
		    PageForeign(page))
			return -EINVAL;
		ref = gnttab_grant_foreign_access(domid,
						  xen_page_to_gfn(page), 0);
		if (ref < 0)
			return ref;
		imp->refs[imp->count++] = ref;
		atomic64_inc(&zcopy_stats.grants_live);
	}
	return imp->count == want ? 0 : -EINVAL;
}

void zcopy_owner_imports_init(struct zcopy_owner *owner)
{
	mutex_init(&owner->imports_lock);
	xa_init_flags(&owner->imports, XA_FLAGS_ALLOC1);
}

/* The file is closing: nothing else can reach its imports. */
void zcopy_owner_imports_release(struct zcopy_owner *owner)
{
	struct zcopy_import *imp;
	unsigned long id;

	xa_for_each(&owner->imports, id, imp) {
		xa_erase(&owner->imports, id);
		zcopy_import_release(imp);
	}
	xa_destroy(&owner->imports);
}

long zcopy_ioctl_import(struct zcopy_owner *owner,
			struct xen_zcopy_import __user *uarg)
{
	struct xen_zcopy_import arg;
	struct zcopy_import *imp;
	unsigned int want;
	u32 id;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	ret = zcopy_owner_check_domain(owner, arg.domid);
	if (ret)
		return ret;
	if (arg.flags || arg.count == 0 || arg.count > max_pages_per_buffer)
		return -EINVAL;
	imp = kzalloc(sizeof(*imp), GFP_KERNEL_ACCOUNT);
	if (!imp)
		return -ENOMEM;
	imp->refs = kvcalloc(arg.count, sizeof(*imp->refs), GFP_KERNEL_ACCOUNT);
	imp->dmabuf = dma_buf_get(arg.fd);
	if (!imp->refs || IS_ERR(imp->dmabuf)) {
		ret = IS_ERR(imp->dmabuf) ? PTR_ERR(imp->dmabuf) : -ENOMEM;
		kvfree(imp->refs);
		kfree(imp);
		return ret;
	}
	atomic64_inc(&zcopy_stats.imports_live);
	want = arg.count;
	ret = -EINVAL;
	if (imp->dmabuf->size != (size_t)want << PAGE_SHIFT)
		goto fail;
	/* The same per-domain count as exports: what the guest holds. */
	ret = zcopy_account_pages(arg.domid, want);
	if (ret)
		goto fail;
	imp->domid = arg.domid;
	imp->accounted = want;
	imp->attach = dma_buf_attach(imp->dmabuf, owner->dev);
	if (IS_ERR(imp->attach)) {
		ret = PTR_ERR(imp->attach);
		imp->attach = NULL;
		goto fail;
	}
	imp->sgt = zcopy_map_attachment(imp->attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(imp->sgt)) {
		ret = PTR_ERR(imp->sgt);
		imp->sgt = NULL;
		goto fail;
	}
	ret = zcopy_grant_pages(imp, arg.domid, want);
	if (ret)
		goto fail;
	if (copy_to_user(u64_to_user_ptr(arg.refs), imp->refs,
			 want * sizeof(*imp->refs))) {
		ret = -EFAULT;
		goto fail;
	}
	/* The id is reserved (a NULL entry: IMPORT_RELEASE finds nothing)
	 * until the caller has it, then the import is stored in its place.
	 */
	ret = xa_alloc(&owner->imports, &id, NULL, xa_limit_32b, GFP_KERNEL);
	if (ret)
		goto fail;
	arg.id = id;
	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		xa_erase(&owner->imports, id);
		ret = -EFAULT;
		goto fail;
	}
	ret = xa_err(xa_store(&owner->imports, id, imp, GFP_KERNEL));
	if (ret) {
		xa_erase(&owner->imports, id);
		goto fail;
	}
	return 0;

fail:
	zcopy_import_release(imp);
	return ret;
}

long zcopy_ioctl_import_release(struct zcopy_owner *owner,
				struct xen_zcopy_import_release __user *uarg)
{
	struct xen_zcopy_import_release arg;
	struct zcopy_import *imp;
	long ret = 0;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.pad || (arg.flags & ~XEN_ZCOPY_RELEASE_NOWAIT) ||
	    arg.id > U32_MAX)
		return -EINVAL;
	/*
	 * The id stays stored until the import is released: a NOWAIT that
	 * keeps it never frees the id for a concurrent IMPORT to take, and
	 * two releases of one id do not both get it.
	 */
	mutex_lock(&owner->imports_lock);
	imp = xa_load(&owner->imports, arg.id);
	if (!imp) {
		ret = -ENOENT;
	} else if ((arg.flags & XEN_ZCOPY_RELEASE_NOWAIT) &&
		   !zcopy_end_grants(imp)) {
		/* End what has ended; keep the import while the guest still
		 * maps a page.
		 */
		ret = -EBUSY;
		imp = NULL;
	} else {
		xa_erase(&owner->imports, arg.id);
	}
	mutex_unlock(&owner->imports_lock);
	if (imp)
		zcopy_import_release(imp);
	return ret;
}

/* Module unload: every file is closed, its imports released; wait for
 * the guests to unmap what they still map.
 */
void zcopy_imports_shutdown(void)
{
	for (;;) {
		cancel_delayed_work_sync(&retry_work);
		zcopy_retry_deferred(NULL);
		mutex_lock(&deferred_lock);
		if (list_empty(&deferred)) {
			mutex_unlock(&deferred_lock);
			break;
		}
		mutex_unlock(&deferred_lock);
		msleep(RETRY_DELAY_MS);
	}
}
