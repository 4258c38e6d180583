// SPDX-License-Identifier: GPL-2.0
/*
 * CPU access to exported guest pages: what llvmpipe, pixman and
 * screenshots need, and what mainline's gntdev dma-bufs lack.
 *
 * On a PV dom0 Xen refuses ordinary PTEs to another domain's frames, so
 * user mappings are made the way privcmd makes them: an mmu_update that
 * names the granting domain as the frame's owner. The kernel grant
 * mapping stays alive as long as the vma (it holds the dma-buf file).
 * On an auto-translated dom0 (PVH, Arm) the pages are ordinary pages.
 * Revocation (revoke.c) zaps both kinds; zcopy_vm_ops' fault handler then
 * gives a dummy page. Callers hold exp->lock, so a mapping never races a
 * revocation.
 */

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <xen/xen.h>
#include <xen/page.h>
#include <xen/xen-ops.h>

#include "compat.h"
#include "zcopy.h"

static int zcopy_mmap_pv(struct zcopy_export *exp, struct vm_area_struct *vma)
{
	unsigned long n = vma_pages(vma);
	/* Xen will not let a domain name itself as the foreign owner. */
	unsigned int owner = exp->domid ? exp->domid : DOMID_SELF;
	unsigned long i;
	int mapped, *errs;

	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTCOPY | VM_DONTEXPAND |
		     VM_DONTDUMP);
	/* The machine frames, as the p2m knows them since the grant map. */
	for (i = 0; i < exp->count; i++)
		exp->mfns[i] = pfn_to_mfn(page_to_xen_pfn(exp->pages[i]));
	/* An error array makes the frames a list; without one Linux maps
	 * a machine-contiguous range from the first frame.
	 */
	errs = kvcalloc(n, sizeof(*errs), GFP_KERNEL);
	if (!errs)
		return -ENOMEM;
	mapped = xen_remap_domain_mfn_array(vma, vma->vm_start,
					    exp->mfns + vma->vm_pgoff, n, errs,
					    vma->vm_page_prot, owner);
	for (i = 0; mapped >= 0 && i < n; i++)
		if (errs[i])
			mapped = errs[i];
	kvfree(errs);
	if (mapped < 0)
		return mapped;
	return mapped == n ? 0 : -EFAULT;
}

static int zcopy_mmap_locked(struct zcopy_export *exp,
			     struct vm_area_struct *vma)
{
	/* The dma-buf core checked offset and length against the size. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (exp->revoked)
		return -ENODEV;
	if (exp->readonly) {
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		vm_flags_clear(vma, VM_MAYWRITE);
	}
	vma->vm_ops = &zcopy_vm_ops;
	vma->vm_private_data = exp;
	if (xen_pv_domain())
		return zcopy_mmap_pv(exp, vma);
	vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP);
	return vm_map_pages(vma, exp->pages, exp->count);
}

int zcopy_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct zcopy_export *exp = dmabuf->priv;
	int ret;

	mutex_lock(&exp->lock);
	ret = zcopy_mmap_locked(exp, vma);
	mutex_unlock(&exp->lock);
	return ret;
}

/* A kernel mapping of several foreign frames needs page-table access the
 * kernel does not export on PV; one page needs none.
 */
int zcopy_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct zcopy_export *exp = dmabuf->priv;
	void *vaddr;

	if (xen_pv_domain() && exp->count != 1)
		return -EOPNOTSUPP;
	mutex_lock(&exp->lock);
	if (exp->revoked) {
		mutex_unlock(&exp->lock);
		return -ENODEV;
	}
	if (xen_pv_domain()) {
		exp->vmap_count++;
		iosys_map_set_vaddr(map, page_address(exp->pages[0]));
		mutex_unlock(&exp->lock);
		return 0;
	}
	if (!exp->vaddr) {
		vaddr = vmap(exp->pages, exp->count, VM_MAP, PAGE_KERNEL);
		if (!vaddr) {
			mutex_unlock(&exp->lock);
			return -ENOMEM;
		}
		exp->vaddr = vaddr;
	}
	exp->vmap_count++;
	iosys_map_set_vaddr(map, exp->vaddr);
	mutex_unlock(&exp->lock);
	return 0;
}

void zcopy_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct zcopy_export *exp = dmabuf->priv;

	mutex_lock(&exp->lock);
	if (exp->vmap_count && --exp->vmap_count == 0 && exp->vaddr) {
		vunmap(exp->vaddr);
		exp->vaddr = NULL;
	}
	zcopy_export_unmap_if_unused(exp);
	mutex_unlock(&exp->lock);
}
