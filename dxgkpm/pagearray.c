// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * What every memory type backed by a struct page array shares: the array
 * itself with its cache type, one DMA mapping per ADL, kernel views through
 * vmap() and user views through vm_insert_pages().
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "internal.h"

/**
 * dxgkpm_pagearray_alloc() - allocate an object's pages
 * @pmo: object being created; @pmo->npages and @pmo->caching are set
 * @req: constraints; @req->caching is @pmo->caching
 *
 * Return: 0 or -errno (see dxgkpm_pages_alloc()).
 */
int dxgkpm_pagearray_alloc(struct dxgkpm_pmo *pmo,
			   const struct dxgkpm_page_req *req)
{
	int ret;

	pmo->pages = kvmalloc_array(pmo->npages, sizeof(*pmo->pages),
				    GFP_KERNEL);
	if (!pmo->pages)
		return -ENOMEM;
	ret = dxgkpm_pages_alloc(req, pmo->pages);
	if (ret)
		goto err_free_array;
	pmo->zeroed = !(req->flags & DXGKPM_ALLOC_DONT_ZERO);
	return 0;

err_free_array:
	kvfree(pmo->pages);
	pmo->pages = NULL;
	return ret;
}

/**
 * dxgkpm_pagearray_release() - free an object's pages
 * @pmo: object whose last reference went
 *
 * Write-combined and uncached pages go to the page pools; pages that
 * cannot be made write-back again are leaked, not freed.
 */
void dxgkpm_pagearray_release(struct dxgkpm_pmo *pmo)
{
	dxgkpm_pages_release(pmo->pages, pmo->npages, pmo->caching, true);
	kvfree(pmo->pages);
	pmo->pages = NULL;
}

/**
 * dxgkpm_pages_to_sgt() - describe pages for the DMA API
 * @dev: device the table will be mapped for (for its segment limit)
 * @pages: pages
 * @npages: number of pages
 * @sgt: table to fill; free it with sg_free_table()
 *
 * Return: 0 or -ENOMEM.
 */
int dxgkpm_pages_to_sgt(struct device *dev, struct page **pages,
			pgoff_t npages, struct sg_table *sgt)
{
	unsigned int max_seg;

	/* sg lengths are 32 bits: stay well below, and within the device's. */
	max_seg = min_t(unsigned int, dma_get_max_seg_size(dev), SZ_1G);
	max_seg = max_t(unsigned int, max_seg & PAGE_MASK, PAGE_SIZE);
	return sg_alloc_table_from_pages_segment(sgt, pages, npages, 0,
						 (u64)npages << PAGE_SHIFT,
						 max_seg, GFP_KERNEL);
}

/**
 * struct dxgkpm_pagearray_map - one ADL's mapping of a page-backed object
 * @sgt: the ADL's pages, as mapped for its adapter
 * @dma: device address of each page
 */
struct dxgkpm_pagearray_map {
	struct sg_table sgt;
	dma_addr_t dma[];
};

/**
 * dxgkpm_pagearray_adl_map() - map an ADL's range of a page-backed object
 * @adl: the ADL; its range and attachment are set
 *
 * One table for the range, mapped once: under an IOMMU that is one IOVA
 * range, so the ADL is contiguous in the device's address space. The device
 * address of every page is kept so that the ADL is built without walking
 * the table again. FreeAdl unmaps it: the device loses the range at once.
 *
 * Return: 0 or -errno.
 */
int dxgkpm_pagearray_adl_map(struct dxgkpm_adl *adl)
{
	struct dxgkpm_amo *amo = adl->amo;
	struct dxgkpm_pagearray_map *map;
	int ret;

	map = kvzalloc(struct_size(map, dma, adl->count), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	ret = dxgkpm_pages_to_sgt(amo->adapter->dev,
				  amo->pmo->pages + adl->first, adl->count,
				  &map->sgt);
	if (ret)
		goto err_free_map;
	ret = dxgkpm_space_map_pages(amo->adapter, &map->sgt, map->dma,
				     adl->count);
	if (ret)
		goto err_free_table;
	atomic_long_inc(&dxgkpm_stats.dma_maps);
	adl->priv = map;
	adl->dma = map->dma;
	return 0;

err_free_table:
	sg_free_table(&map->sgt);
err_free_map:
	kvfree(map);
	return ret;
}

/**
 * dxgkpm_pagearray_adl_unmap() - undo dxgkpm_pagearray_adl_map()
 * @adl: the ADL whose mapping goes
 */
void dxgkpm_pagearray_adl_unmap(struct dxgkpm_adl *adl)
{
	struct dxgkpm_pagearray_map *map = adl->priv;

	dxgkpm_space_unmap_pages(adl->amo->adapter, &map->sgt, map->dma,
				 adl->count);
	atomic_long_dec(&dxgkpm_stats.dma_maps);
	sg_free_table(&map->sgt);
	kvfree(map);
	adl->priv = NULL;
	adl->dma = NULL;
}

/**
 * dxgkpm_pagearray_vmap() - kernel view of part of a page-backed object
 * @pmo: object
 * @first: first page
 * @count: number of pages
 * @priv: unused
 *
 * The view's memory type matches the one the linear map was given.
 *
 * Return: the address, or NULL.
 */
void *dxgkpm_pagearray_vmap(struct dxgkpm_pmo *pmo, pgoff_t first,
			    pgoff_t count, void **priv)
{
	if (count > UINT_MAX)
		return NULL;
	return vmap(pmo->pages + first, count, VM_MAP,
		    dxgkpm_pgprot(pmo->caching, PAGE_KERNEL));
}

/**
 * dxgkpm_pagearray_vunmap() - undo dxgkpm_pagearray_vmap()
 * @pmo: object
 * @vaddr: the view
 * @count: its pages
 * @priv: unused
 */
void dxgkpm_pagearray_vunmap(struct dxgkpm_pmo *pmo, void *vaddr,
			     pgoff_t count, void *priv)
{
	vunmap(vaddr);
}

/**
 * dxgkpm_pagearray_mmap() - populate a user view of a page-backed object
 * @pmo: object
 * @vma: the view's VMA; vm_pgoff is the first page, vm_page_prot already
 *	has the object's cache type
 * @priv: unused
 *
 * All pages are inserted at once, with a reference each: the view can never
 * fault on them, and they stay valid until the VMA goes.
 *
 * Return: 0 or -errno.
 */
int dxgkpm_pagearray_mmap(struct dxgkpm_pmo *pmo, struct vm_area_struct *vma,
			  void **priv)
{
	unsigned long count = vma_pages(vma);
	int ret;

	vm_flags_set(vma, VM_MIXEDMAP);
	ret = vm_insert_pages(vma, vma->vm_start, pmo->pages + vma->vm_pgoff,
			      &count);
	return ret ? ret : count ? -EFAULT : 0;
}
