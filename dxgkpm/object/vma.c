// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Mapping an object into a VMA that a caller's mmap handler was given: a
 * dma-buf's, or a DRM driver's for a GEM object. Unlike a user view, the
 * VMA is not dxgkpm's: whoever owns the file keeps the object alive for as
 * long as the VMA exists (the dma-buf holds it; a GEM object's VMA holds the
 * GEM object, which holds it).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>

#include "compat.h"
#include "object/object.h"
#include "trace.h"

/**
 * dxgkpm_pmo_mmap_vma() - map an object into a caller's VMA, untraced
 * @pmo: object, destroyed or not: a dma-buf keeps the memory of an object
 *	its creator destroyed, and mapping it stays allowed
 * @vma: the VMA; vm_pgoff is the first page of @pmo to map
 *
 * Return: as dxgkpm_pmo_mmap(), but never -ENOENT.
 */
int dxgkpm_pmo_mmap_vma(struct dxgkpm_pmo *pmo, struct vm_area_struct *vma)
{
	void *priv = NULL;

	might_sleep();
	if (!pmo || !vma)
		return -EINVAL;
	if (pmo->mem.type != DXGKPM_MEM_PAGES && pmo->mem.type != DXGKPM_MEM_CONTIGUOUS)
		return -EOPNOTSUPP;
	if (!pmo->mem.zeroed)
		return -EACCES;
	if (vma->vm_pgoff >= pmo->mem.npages ||
	    vma_pages(vma) > pmo->mem.npages - vma->vm_pgoff)
		return -EINVAL;

	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = dxgkpm_pgprot(pmo->mem.caching,
					  vm_get_page_prot(vma->vm_flags));
	/* Page-backed objects keep nothing for munmap: the VMA holds pages. */
	return pmo->mem.ops->mmap(&pmo->mem, vma, &priv);
}

/**
 * dxgkpm_pmo_mmap() - map a physical memory object into a caller's VMA
 * @pmo: a live MDL or contiguous-memory object whose pages were zeroed
 * @vma: the VMA of the caller's mmap handler (a GEM object's, say);
 *	vm_pgoff is the first page of @pmo to map, relative to its start
 *
 * Every page of the range is inserted at once, with the object's cache
 * type, so the VMA never faults; it holds each page until it is unmapped.
 * The caller keeps @pmo alive while the VMA exists (through its own
 * object, which the VMA references), as dxgkpm does for a dma-buf's.
 *
 * Context: process context (an mmap handler, mmap_lock held for writing),
 * may sleep.
 * Return: 0; -EINVAL for NULL arguments or a range beyond the object;
 * -EOPNOTSUPP for a section or IO-space object; -EACCES for an object
 * whose pages were not zeroed; -ENOENT if the object is destroyed;
 * -ENOMEM or another error of vm_insert_pages().
 */
int dxgkpm_pmo_mmap(struct dxgkpm_pmo *pmo, struct vm_area_struct *vma)
{
	struct dxgkpm_trace_id id = dxgkpm_trace_id(pmo);
	int ret = 0;

	if (pmo) {
		mutex_lock(&pmo->lock);
		ret = pmo->destroyed ? -ENOENT : 0;
		mutex_unlock(&pmo->lock);
	}
	if (!ret)
		ret = dxgkpm_pmo_mmap_vma(pmo, vma);

	trace_dxgkpm_pmo_mmap(id.handle, id.type, id.caching,
			      vma ? vma->vm_end - vma->vm_start : 0, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_pmo_mmap);
