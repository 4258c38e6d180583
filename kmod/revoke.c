// SPDX-License-Identifier: GPL-2.0
/*
 * Revocation: an export lives as long as the /dev/xen/zcopy file that
 * made it, or until that file revokes it (XEN_ZCOPY_IOC_REVOKE: the
 * backend is done with a buffer). Then, or when that file closes (the
 * display backend of the guest has exited or crashed), every CPU mapping
 * of the dma-buf is zapped and the guest's grants are unmapped, even if a
 * compositor or its GL driver still holds the dma-buf: otherwise dom0
 * keeps the guest's frames mapped, and Xen cannot free a destroyed domain,
 * for as long as that holder lives (Mesa's llvmpipe keeps textures of idle
 * scenes referenced, see doc/kmod.md). A holder touching a revoked mapping
 * reads a dummy page, read-only (cpu.c): a write faults, so no holder can
 * leave anything there for another to read.
 *
 * Device importers cannot be revoked under their feet: while one has the
 * buffer mapped for DMA (or the kernel has it vmapped), the grants stay
 * until it lets go, and then go at once.
 */

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "zcopy.h"

static DEFINE_MUTEX(owners_lock);	/* every owner's exports list */
static struct page *dummy_page;
static atomic64_t owner_serials = ATOMIC64_INIT(0);

int zcopy_owner_open(struct inode *inode, struct file *file)
{
	/* misc_open() leaves the miscdevice there for us. */
	struct miscdevice *misc = file->private_data;
	struct zcopy_owner *owner = kzalloc(sizeof(*owner), GFP_KERNEL);

	if (!owner)
		return -ENOMEM;
	INIT_LIST_HEAD(&owner->exports);
	owner->dev = misc->this_device;
	owner->serial = atomic64_inc_return(&owner_serials);
	owner->domid = ZCOPY_UNBOUND;
	file->private_data = owner;
	return 0;
}

void zcopy_owner_add(struct zcopy_owner *owner, struct zcopy_export *exp)
{
	kref_get(&exp->kref);	/* the owner's */
	mutex_lock(&owners_lock);
	list_add_tail(&exp->owner_link, &owner->exports);
	mutex_unlock(&owners_lock);
}

/* The dma-buf went first: its owner need not revoke it. */
void zcopy_owner_forget(struct zcopy_export *exp)
{
	bool listed;

	mutex_lock(&owners_lock);
	listed = !list_empty(&exp->owner_link);
	list_del_init(&exp->owner_link);
	mutex_unlock(&owners_lock);
	if (listed)
		zcopy_export_put(exp);
}

/* Caller holds exp->lock. */
void zcopy_export_unmap_if_unused(struct zcopy_export *exp)
{
	if (exp->revoked && !exp->sgt_count && !exp->vmap_count)
		zcopy_export_unmap_locked(exp);
}

static void zcopy_export_revoke(struct zcopy_owner *owner,
				struct zcopy_export *exp)
{
	struct file *file = NULL;

	mutex_lock(&exp->lock);
	if (!exp->dmabuf || exp->revoked)
		goto out;
	WRITE_ONCE(exp->revoked, true);
	/*
	 * Every mapping holds the file; none is left if it is dying. The
	 * zap reaches every guest page mapped: cpu.c maps them only from
	 * its fault handler, under exp->lock, in a vma already linked into
	 * the file's mapping; a fault after this point maps the dummy page.
	 */
	if (zcopy_get_file_live(exp->dmabuf->file))
		file = exp->dmabuf->file;
	if (file)
		unmap_mapping_range(file->f_mapping, 0, 0, 1);
	zcopy_export_unmap_if_unused(exp);
	/*
	 * Common with a GPU importer, which lets go of its mapping only
	 * once the compositor has processed the buffer's destruction.
	 */
	if (!exp->released)
		dev_dbg(owner->dev,
			"export %llu of domain %u: a device still maps it; its grants go when it lets go\n",
			exp->id, exp->domid);
out:
	mutex_unlock(&exp->lock);
	/* Outside the lock: the last reference runs the dma-buf release. */
	if (file)
		fput(file);
}

long zcopy_ioctl_revoke(struct zcopy_owner *owner,
			struct xen_zcopy_revoke __user *uarg)
{
	struct zcopy_export *exp, *found = NULL;
	struct xen_zcopy_revoke arg;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	mutex_lock(&owners_lock);
	list_for_each_entry(exp, &owner->exports, owner_link) {
		if (exp->id == arg.id) {
			found = exp;
			list_del_init(&exp->owner_link);
			break;
		}
	}
	mutex_unlock(&owners_lock);
	if (!found)
		return -ENOENT;
	zcopy_export_revoke(owner, found);
	zcopy_export_put(found);	/* the owner's */
	return 0;
}

int zcopy_owner_release(struct inode *inode, struct file *file)
{
	struct zcopy_owner *owner = file->private_data;
	struct zcopy_export *exp;

	mutex_lock(&owners_lock);
	while ((exp = list_first_entry_or_null(&owner->exports,
					       struct zcopy_export,
					       owner_link))) {
		list_del_init(&exp->owner_link);
		mutex_unlock(&owners_lock);
		zcopy_export_revoke(owner, exp);
		zcopy_export_put(exp);
		mutex_lock(&owners_lock);
	}
	mutex_unlock(&owners_lock);
	kfree(owner);
	return 0;
}

/* What a revoked mapping reads (cpu.c maps it read-only). */
struct page *zcopy_dummy_page(void)
{
	return dummy_page;
}

int zcopy_revoke_init(void)
{
	dummy_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	return dummy_page ? 0 : -ENOMEM;
}

void zcopy_revoke_exit(void)
{
	__free_page(dummy_page);
}
