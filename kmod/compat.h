/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels we build for: Debian bookworm's 6.1
 * and trixie's 6.12. An out-of-tree module has to ask the version.
 */

#ifndef _ZCOPY_COMPAT_H
#define _ZCOPY_COMPAT_H

#include <linux/dma-buf.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma,
				  vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

/* 6.2 made the plain variants expect the reservation lock held. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define zcopy_map_attachment dma_buf_map_attachment_unlocked
#define zcopy_unmap_attachment dma_buf_unmap_attachment_unlocked
#else
#define zcopy_map_attachment dma_buf_map_attachment
#define zcopy_unmap_attachment dma_buf_unmap_attachment
#endif

/* A reference to a file that may be on its way out: false if it is. */
static inline bool zcopy_get_file_live(struct file *file)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	return file_ref_get(&file->f_ref);
#else
	return atomic_long_inc_not_zero(&file->f_count);
#endif
}

#endif
