// SPDX-License-Identifier: GPL-2.0
/*
 * EXPORT: map a guest's grant references once (grants.c) and wrap the
 * pages in a dma-buf. The pages stay mapped until the dma-buf's last user is gone or
 * the file that exported it closes (revoke.c); a guest that ends access
 * or dies meanwhile cannot take them away (Xen keeps granted frames while
 * they are mapped).
 *
 * Device importers get one scatterlist entry per page: on a PV dom0
 * neighbouring pfns are not neighbouring machine frames.
 */

#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <xen/xen.h>

#include "zcopy.h"

struct zcopy_attachment {
	struct list_head link;
	struct device *dev;
	struct sg_table *sgt;
	enum dma_data_direction dir;
};

static int zcopy_attach(struct dma_buf *dmabuf,
			struct dma_buf_attachment *attach)
{
	struct zcopy_export *exp = dmabuf->priv;
	struct zcopy_attachment *a = kzalloc(sizeof(*a), GFP_KERNEL);

	if (!a)
		return -ENOMEM;
	a->dev = attach->dev;
	attach->priv = a;
	mutex_lock(&exp->lock);
	list_add(&a->link, &exp->attachments);
	mutex_unlock(&exp->lock);
	return 0;
}

static void zcopy_detach(struct dma_buf *dmabuf,
			 struct dma_buf_attachment *attach)
{
	struct zcopy_export *exp = dmabuf->priv;
	struct zcopy_attachment *a = attach->priv;

	mutex_lock(&exp->lock);
	list_del(&a->link);
	mutex_unlock(&exp->lock);
	kfree(a);
}

static struct sg_table *zcopy_map_dma_buf(struct dma_buf_attachment *attach,
					  enum dma_data_direction dir)
{
	struct zcopy_export *exp = attach->dmabuf->priv;
	struct zcopy_attachment *a = attach->priv;
	struct scatterlist *sg;
	struct sg_table *sgt;
	unsigned int i;
	int ret;

	if (exp->readonly && dir != DMA_TO_DEVICE)
		return ERR_PTR(-EPERM);
	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table(sgt, exp->count, GFP_KERNEL);
	if (ret)
		goto fail;
	for_each_sgtable_sg(sgt, sg, i)
		sg_set_page(sg, exp->pages[i], PAGE_SIZE, 0);
	mutex_lock(&exp->lock);
	ret = -ENODEV;
	if (exp->revoked)
		goto fail_locked;
	ret = dma_map_sgtable(attach->dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	if (ret)
		goto fail_locked;
	a->sgt = sgt;
	a->dir = dir;
	exp->sgt_count++;
	mutex_unlock(&exp->lock);
	return sgt;

fail_locked:
	mutex_unlock(&exp->lock);
	sg_free_table(sgt);
fail:
	kfree(sgt);
	return ERR_PTR(ret);
}

static void zcopy_unmap_dma_buf(struct dma_buf_attachment *attach,
				struct sg_table *sgt,
				enum dma_data_direction dir)
{
	struct zcopy_export *exp = attach->dmabuf->priv;
	struct zcopy_attachment *a = attach->priv;

	mutex_lock(&exp->lock);
	a->sgt = NULL;
	dma_unmap_sgtable(attach->dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	exp->sgt_count--;
	zcopy_export_unmap_if_unused(exp);
	mutex_unlock(&exp->lock);
	sg_free_table(sgt);
	kfree(sgt);
}

/* CPU access brackets: make device writes visible (bounce buffers of
 * 32-bit devices), and CPU writes visible to devices afterwards.
 */
static int zcopy_sync_attachments(struct dma_buf *dmabuf, bool for_cpu)
{
	struct zcopy_export *exp = dmabuf->priv;
	struct zcopy_attachment *a;

	mutex_lock(&exp->lock);
	list_for_each_entry(a, &exp->attachments, link) {
		if (!a->sgt)
			continue;
		if (for_cpu)
			dma_sync_sgtable_for_cpu(a->dev, a->sgt, a->dir);
		else
			dma_sync_sgtable_for_device(a->dev, a->sgt, a->dir);
	}
	mutex_unlock(&exp->lock);
	return 0;
}

static int zcopy_begin_cpu_access(struct dma_buf *dmabuf,
				  enum dma_data_direction dir)
{
	return zcopy_sync_attachments(dmabuf, true);
}

static int zcopy_end_cpu_access(struct dma_buf *dmabuf,
				enum dma_data_direction dir)
{
	return zcopy_sync_attachments(dmabuf, false);
}

static void zcopy_release(struct dma_buf *dmabuf)
{
	struct zcopy_export *exp = dmabuf->priv;

	mutex_lock(&exp->lock);
	exp->dmabuf = NULL;
	zcopy_export_unmap_locked(exp);
	mutex_unlock(&exp->lock);
	gnttab_free_pages(exp->count, exp->pages);
	atomic64_dec(&zcopy_stats.exports_live);
	zcopy_owner_forget(exp);
	zcopy_export_put(exp);
}

const struct dma_buf_ops zcopy_dmabuf_ops = {
	.attach = zcopy_attach,
	.detach = zcopy_detach,
	.map_dma_buf = zcopy_map_dma_buf,
	.unmap_dma_buf = zcopy_unmap_dma_buf,
	.release = zcopy_release,
	.begin_cpu_access = zcopy_begin_cpu_access,
	.end_cpu_access = zcopy_end_cpu_access,
	.mmap = zcopy_mmap,
	.vmap = zcopy_vmap,
	.vunmap = zcopy_vunmap,
};

long zcopy_ioctl_export(struct zcopy_owner *owner,
			struct xen_zcopy_export __user *uarg)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);
	struct xen_zcopy_export arg;
	struct zcopy_export *exp;
	struct dma_buf *dmabuf;
	u32 *refs;
	int fd, ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	/* First: an unbound file, or one serving another domain, learns
	 * nothing more.
	 */
	ret = zcopy_owner_check_domain(owner, arg.domid);
	if (ret)
		return ret;
	if (arg.flags & ~XEN_ZCOPY_EXPORT_READONLY)
		return -EINVAL;
	if (arg.count == 0 || arg.count > max_pages_per_buffer)
		return -EINVAL;

	refs = kvcalloc(arg.count, sizeof(*refs), GFP_KERNEL_ACCOUNT);
	if (!refs)
		return -ENOMEM;
	if (copy_from_user(refs, u64_to_user_ptr(arg.refs),
			   arg.count * sizeof(*refs))) {
		kvfree(refs);
		return -EFAULT;
	}
	ret = zcopy_account_pages(arg.domid, arg.count);
	if (ret) {
		kvfree(refs);
		return ret;
	}
	exp = zcopy_export_alloc(arg.count);
	if (!exp) {
		ret = -ENOMEM;
		goto fail_account;
	}
	exp->domid = arg.domid;
	exp->owner_serial = owner->serial;
	exp->readonly = arg.flags & XEN_ZCOPY_EXPORT_READONLY;
	ret = zcopy_map_grants(exp, refs);
	kvfree(refs);
	refs = NULL;
	if (ret)
		goto fail_export;
	exp->mapped = true;

	info.ops = &zcopy_dmabuf_ops;
	info.size = (size_t)arg.count << PAGE_SHIFT;
	info.flags = O_RDWR | O_CLOEXEC;
	info.priv = exp;
	info.owner = THIS_MODULE;
	ret = zcopy_register_export(exp);
	if (ret)
		goto fail_grants;
	dmabuf = dma_buf_export(&info);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		zcopy_export_released(exp);
		goto fail_grants;
	}
	exp->dmabuf = dmabuf;
	atomic64_inc(&zcopy_stats.exports_live);
	zcopy_owner_add(owner, exp);
	/* From here the dma-buf's release undoes everything. */
	fd = dma_buf_fd(dmabuf, O_CLOEXEC);
	if (fd < 0) {
		dma_buf_put(dmabuf);
		return fd;
	}
	arg.fd = fd;
	arg.id = exp->id;
	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		/* The fd is installed; the caller cannot learn it. Closing
		 * it here would race with a thread using it: leave it.
		 */
		return -EFAULT;
	}
	return 0;

fail_grants:
	zcopy_unmap_grants(exp);
	gnttab_free_pages(exp->count, exp->pages);
fail_export:
	zcopy_export_put(exp);
fail_account:
	zcopy_unaccount_pages(arg.domid, arg.count);
	kvfree(refs);
	return ret;
}
