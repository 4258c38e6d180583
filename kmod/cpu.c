// SPDX-License-Identifier: GPL-2.0
/*
 * CPU access to exported guest pages: what llvmpipe, pixman and
 * screenshots need, and what mainline's gntdev dma-bufs lack.
 *
 * On a PV dom0 Xen refuses ordinary PTEs to another domain's frames, so
 * user mappings are made the way privcmd makes them: an mmu_update that
 * names the granting domain as the frame's owner. On an auto-translated
 * dom0 (PVH, Arm) the pages are ordinary pages, mapped as PFNs. Either
 * way no PTE holds a page reference, and the kernel grant mapping stays
 * alive as long as the vma (it holds the dma-buf file).
 *
 * Mappings are filled at the first fault, never in ->mmap. ->mmap runs
 * before mmap_region() links the new vma into the dma-buf file's mapping
 * (i_mmap), and revocation (revoke.c) finds the mappings to zap there:
 * PTEs filled in ->mmap could be missed by a revoke between the two, and
 * the guest's frames stayed mapped after their grants were unmapped (on
 * PV, Xen keeps the frame for the PTE; auto-translated, the unmap waits
 * for the holder). A fault cannot run before the link: mmap_region()
 * holds the mmap lock for writing (and the new vma write-locked) until
 * the vma is linked. The fault fills under exp->lock after checking
 * exp->revoked, and revoke sets exp->revoked and zaps under the same
 * lock, so every PTE to a guest frame is either filled before the zap,
 * in a linked vma, and zapped, or never filled: a fault after the
 * revocation maps the dummy page.
 *
 * The dummy page is mapped read-only whatever the vma allows: a write
 * through a revoked mapping gets SIGBUS (the fault handler, or
 * pfn_mkwrite for a write to the read-only PTE), so one holder cannot
 * leave data there for another holder, or another guest, to read.
 */

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <xen/xen.h>
#include <xen/page.h>
#include <xen/xen-ops.h>

#include "compat.h"
#include "zcopy.h"

static vm_fault_t zcopy_errno_fault(int err)
{
	return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
}

static vm_fault_t zcopy_fill_pv(struct zcopy_export *exp,
				struct vm_area_struct *vma)
{
	unsigned long n = vma_pages(vma);
	/* Xen will not let a domain name itself as the foreign owner. */
	unsigned int owner = exp->domid ? exp->domid : DOMID_SELF;
	unsigned long i;
	int mapped, *errs;

	/* The machine frames, as the p2m knows them since the grant map. */
	for (i = 0; i < exp->count; i++)
		exp->mfns[i] = pfn_to_mfn(page_to_xen_pfn(exp->pages[i]));
	/* An error array makes the frames a list; without one Linux maps
	 * a machine-contiguous range from the first frame.
	 */
	errs = kvcalloc(n, sizeof(*errs), GFP_KERNEL);
	if (!errs)
		return VM_FAULT_OOM;
	mapped = xen_remap_domain_mfn_array(vma, vma->vm_start,
					    exp->mfns + vma->vm_pgoff, n, errs,
					    vm_get_page_prot(vma->vm_flags),
					    owner);
	for (i = 0; mapped >= 0 && i < n; i++)
		if (errs[i])
			mapped = errs[i];
	kvfree(errs);
	if (mapped < 0)
		return zcopy_errno_fault(mapped);
	return mapped == n ? VM_FAULT_NOPAGE : VM_FAULT_SIGBUS;
}

/* Auto-translated: the pages as PFNs, like PV's, without references. */
static vm_fault_t zcopy_fill_pfns(struct zcopy_export *exp,
				  struct vm_area_struct *vma)
{
	struct page **pages = exp->pages + vma->vm_pgoff;
	pgprot_t prot = vm_get_page_prot(vma->vm_flags);
	unsigned long i, n = vma_pages(vma);
	vm_fault_t ret;

	for (i = 0; i < n; i++) {
		ret = vmf_insert_pfn_prot(vma, vma->vm_start + i * PAGE_SIZE,
					  page_to_pfn(pages[i]), prot);
		if (ret & VM_FAULT_ERROR)
			return ret;
	}
	return VM_FAULT_NOPAGE;
}

static vm_fault_t zcopy_fault_revoked(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;

	if (vmf->flags & FAULT_FLAG_WRITE)
		return VM_FAULT_SIGBUS;
	return vmf_insert_pfn_prot(vma, vmf->address,
				   page_to_pfn(zcopy_dummy_page()),
				   vm_get_page_prot(vma->vm_flags & ~VM_WRITE));
}

static vm_fault_t zcopy_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct zcopy_export *exp = vma->vm_private_data;
	vm_fault_t ret;

	mutex_lock(&exp->lock);
	if (exp->revoked)
		ret = zcopy_fault_revoked(vmf);
	else if (xen_pv_domain())
		ret = zcopy_fill_pv(exp, vma);
	else
		ret = zcopy_fill_pfns(exp, vma);
	mutex_unlock(&exp->lock);
	return ret;
}

/*
 * A write to a read-only PTE of a writable shared mapping: without this
 * the kernel would make the PTE writable, the dummy page's too. A live
 * page's PTE is read-only only after an mprotect() round trip.
 */
static vm_fault_t zcopy_pfn_mkwrite(struct vm_fault *vmf)
{
	struct zcopy_export *exp = vmf->vma->vm_private_data;

	return READ_ONCE(exp->revoked) ? VM_FAULT_SIGBUS : 0;
}

static const struct vm_operations_struct zcopy_vm_ops = {
	.fault = zcopy_fault,
	.pfn_mkwrite = zcopy_pfn_mkwrite,
};

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
	/* Nothing is mapped here: see the top of this file. */
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTCOPY | VM_DONTEXPAND |
		     VM_DONTDUMP);
	vma->vm_ops = &zcopy_vm_ops;
	vma->vm_private_data = exp;
	return 0;
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
