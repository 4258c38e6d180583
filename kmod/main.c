// SPDX-License-Identifier: GPL-2.0
/*
 * xen-zcopy: the misc device, its ioctls, limits and counters, and the
 * registry that lets a backend wait until an exported buffer is gone.
 */

#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <xen/xen.h>

#include "zcopy.h"

unsigned int max_pages_per_buffer = 16384;	/* 64 MiB: a 4K frame */
module_param(max_pages_per_buffer, uint, 0644);
MODULE_PARM_DESC(max_pages_per_buffer, "Pages one export or import may hold");

unsigned int max_pages_per_domain = 65536;
module_param(max_pages_per_domain, uint, 0644);
MODULE_PARM_DESC(max_pages_per_domain, "Guest pages one domain may have mapped");

unsigned int max_pages_total = 262144;	/* within dom0's maptrack */
module_param(max_pages_total, uint, 0644);
MODULE_PARM_DESC(max_pages_total, "Guest pages mapped by all exports");

bool allow_loopback = true;
module_param(allow_loopback, bool, 0644);
MODULE_PARM_DESC(allow_loopback, "Allow exporting dom0's own grants (tests)");

struct zcopy_stats zcopy_stats;
struct device *zcopy_dev;

static DEFINE_XARRAY_ALLOC1(exports);	/* id -> live export */
static DEFINE_XARRAY(domain_pages);	/* domid -> pages mapped */
static DEFINE_MUTEX(accounting_lock);
static DECLARE_WAIT_QUEUE_HEAD(released_wq);
static unsigned long pages_total;

int zcopy_account_pages(domid_t domid, unsigned int count)
{
	unsigned long used;
	int ret = 0;

	mutex_lock(&accounting_lock);
	used = xa_to_value(xa_load(&domain_pages, domid));
	if (count > max_pages_per_buffer ||
	    used + count > max_pages_per_domain ||
	    pages_total + count > max_pages_total) {
		ret = -ENOSPC;
	} else {
		ret = xa_err(xa_store(&domain_pages, domid,
				      xa_mk_value(used + count), GFP_KERNEL));
		if (!ret)
			pages_total += count;
	}
	mutex_unlock(&accounting_lock);
	return ret;
}

void zcopy_unaccount_pages(domid_t domid, unsigned int count)
{
	unsigned long used;

	mutex_lock(&accounting_lock);
	used = xa_to_value(xa_load(&domain_pages, domid));
	used -= min_t(unsigned long, used, count);
	if (used)
		xa_store(&domain_pages, domid, xa_mk_value(used), GFP_KERNEL);
	else
		xa_erase(&domain_pages, domid);
	pages_total -= min_t(unsigned long, pages_total, count);
	mutex_unlock(&accounting_lock);
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

int zcopy_wait_released(u64 id, unsigned int timeout_ms)
{
	struct zcopy_export *exp;
	long left;

	if (id > U32_MAX)
		return -ENOENT;
	xa_lock(&exports);
	exp = xa_load(&exports, id);
	if (exp)
		kref_get(&exp->kref);
	xa_unlock(&exports);
	if (!exp)
		return -ENOENT;		/* unknown or already released */

	left = wait_event_interruptible_timeout(released_wq,
						READ_ONCE(exp->released),
						msecs_to_jiffies(timeout_ms));
	zcopy_export_put(exp);
	if (left < 0)
		return left;
	return left ? 0 : -ETIMEDOUT;
}

static long zcopy_ioctl_version(void __user *uarg)
{
	struct xen_zcopy_version v = {
		.api = XEN_ZCOPY_API_VERSION,
		.features = XEN_ZCOPY_FEATURE_EXPORT |
			    XEN_ZCOPY_FEATURE_CPU_MMAP |
			    XEN_ZCOPY_FEATURE_IMPORT |
			    XEN_ZCOPY_FEATURE_REVOKE,
		.max_pages_per_buffer = max_pages_per_buffer,
		.max_pages_per_domain = max_pages_per_domain,
	};

	if (xen_pv_domain())
		v.features |= XEN_ZCOPY_FEATURE_PV;
	else
		v.features |= XEN_ZCOPY_FEATURE_VMAP;
	return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long zcopy_ioctl_stats(void __user *uarg)
{
	struct xen_zcopy_stats s = {
		.exports_live = atomic64_read(&zcopy_stats.exports_live),
		.pages_mapped = atomic64_read(&zcopy_stats.pages_mapped),
		.imports_live = atomic64_read(&zcopy_stats.imports_live),
		.grants_live = atomic64_read(&zcopy_stats.grants_live),
		.map_failures = atomic64_read(&zcopy_stats.map_failures),
	};

	return copy_to_user(uarg, &s, sizeof(s)) ? -EFAULT : 0;
}

static long zcopy_ioctl_wait(void __user *uarg)
{
	struct xen_zcopy_wait_released w;

	if (copy_from_user(&w, uarg, sizeof(w)))
		return -EFAULT;
	if (w.pad)
		return -EINVAL;
	return zcopy_wait_released(w.id, w.timeout_ms);
}

static long zcopy_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case XEN_ZCOPY_IOC_VERSION:
		return zcopy_ioctl_version(uarg);
	case XEN_ZCOPY_IOC_EXPORT:
		return zcopy_ioctl_export(file->private_data, uarg);
	case XEN_ZCOPY_IOC_WAIT_RELEASED:
		return zcopy_ioctl_wait(uarg);
	case XEN_ZCOPY_IOC_IMPORT:
		return zcopy_ioctl_import(uarg);
	case XEN_ZCOPY_IOC_IMPORT_RELEASE:
		return zcopy_ioctl_import_release(uarg);
	case XEN_ZCOPY_IOC_STATS:
		return zcopy_ioctl_stats(uarg);
	case XEN_ZCOPY_IOC_REVOKE:
		return zcopy_ioctl_revoke(file->private_data, uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations zcopy_fops = {
	.owner = THIS_MODULE,
	.open = zcopy_owner_open,
	.release = zcopy_owner_release,
	.unlocked_ioctl = zcopy_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice zcopy_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "xen/zcopy",
	.fops = &zcopy_fops,
	.mode = 0600,
};

static int __init zcopy_init(void)
{
	int ret;

	if (!xen_domain() || !xen_initial_domain())
		return -ENODEV;
	ret = zcopy_revoke_init();
	if (ret)
		return ret;
	ret = misc_register(&zcopy_misc);
	if (ret)
		goto fail_revoke;
	zcopy_dev = zcopy_misc.this_device;
	ret = dma_coerce_mask_and_coherent(zcopy_dev, DMA_BIT_MASK(64));
	if (ret)
		goto fail_misc;
	pr_info("xen-zcopy: ready (%s dom0)\n",
		xen_pv_domain() ? "PV" : "auto-translated");
	return 0;

fail_misc:
	misc_deregister(&zcopy_misc);
fail_revoke:
	zcopy_revoke_exit();
	return ret;
}

static void __exit zcopy_exit(void)
{
	/* Exports hold the module through their dma-buf files. */
	misc_deregister(&zcopy_misc);
	zcopy_imports_shutdown();
	zcopy_revoke_exit();
}

module_init(zcopy_init);
module_exit(zcopy_exit);

MODULE_DESCRIPTION("Xen grant references as dma-bufs, for display backends");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
