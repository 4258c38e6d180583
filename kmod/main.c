// SPDX-License-Identifier: GPL-2.0
/*
 * xen-zcopy: the misc device and its ioctls, each handed to the file that
 * does it: export.c, import.c, revoke.c, grants.c (WAIT_RELEASED) and
 * accounting.c (the limits and counters VERSION and STATS report). BIND is
 * here: an open file serves the one domain the trusted side bound it to,
 * and every EXPORT and IMPORT through it is checked against that
 * (zcopy_owner_check_domain()).
 *
 * The device node is root's alone (mode 0600): the installation hands it
 * to the process that binds files for backends (doc/kmod.md), never to
 * the backends themselves.
 */

#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <xen/xen.h>

#include "zcopy.h"

static long zcopy_ioctl_version(void __user *uarg)
{
	struct xen_zcopy_version v = {
		.api = XEN_ZCOPY_API_VERSION,
		.features = XEN_ZCOPY_FEATURE_EXPORT |
			    XEN_ZCOPY_FEATURE_CPU_MMAP |
			    XEN_ZCOPY_FEATURE_IMPORT |
			    XEN_ZCOPY_FEATURE_REVOKE |
			    XEN_ZCOPY_FEATURE_BIND,
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

static long zcopy_ioctl_wait(struct zcopy_owner *owner, void __user *uarg)
{
	struct xen_zcopy_wait_released w;

	if (copy_from_user(&w, uarg, sizeof(w)))
		return -EFAULT;
	if (w.pad)
		return -EINVAL;
	return zcopy_wait_released(owner, w.id, w.timeout_ms);
}

/* Once per file, whatever the domain: a file never changes hands. */
static long zcopy_ioctl_bind(struct zcopy_owner *owner, void __user *uarg)
{
	struct xen_zcopy_bind b;

	if (copy_from_user(&b, uarg, sizeof(b)))
		return -EFAULT;
	if (b.flags || b.domid >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	if (b.domid == 0 && !READ_ONCE(allow_loopback))
		return -EPERM;
	if (cmpxchg(&owner->domid, ZCOPY_UNBOUND, b.domid) != ZCOPY_UNBOUND)
		return -EBUSY;
	return 0;
}

static long zcopy_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg)
{
	struct zcopy_owner *owner = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case XEN_ZCOPY_IOC_VERSION:
		return zcopy_ioctl_version(uarg);
	case XEN_ZCOPY_IOC_BIND:
		return zcopy_ioctl_bind(owner, uarg);
	case XEN_ZCOPY_IOC_EXPORT:
		return zcopy_ioctl_export(owner, uarg);
	case XEN_ZCOPY_IOC_WAIT_RELEASED:
		return zcopy_ioctl_wait(owner, uarg);
	case XEN_ZCOPY_IOC_IMPORT:
		return zcopy_ioctl_import(owner, uarg);
	case XEN_ZCOPY_IOC_IMPORT_RELEASE:
		return zcopy_ioctl_import_release(owner, uarg);
	case XEN_ZCOPY_IOC_STATS:
		return zcopy_ioctl_stats(uarg);
	case XEN_ZCOPY_IOC_REVOKE:
		return zcopy_ioctl_revoke(owner, uarg);
	default:
		return -ENOTTY;
	}
}

static int zcopy_open(struct inode *inode, struct file *file)
{
	int ret = zcopy_owner_open(inode, file);

	if (!ret)
		zcopy_owner_imports_init(file->private_data);
	return ret;
}

/* The opener is gone (or crashed): its imports, then its exports. */
static int zcopy_release(struct inode *inode, struct file *file)
{
	zcopy_owner_imports_release(file->private_data);
	return zcopy_owner_release(inode, file);
}

static const struct file_operations zcopy_fops = {
	.owner = THIS_MODULE,
	.open = zcopy_open,
	.release = zcopy_release,
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
	ret = dma_coerce_mask_and_coherent(zcopy_misc.this_device,
					   DMA_BIT_MASK(64));
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
