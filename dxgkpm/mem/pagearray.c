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
 * struct dxgkpm_pagearray_map - one ADL's mapping of a page-backed object
 * @map: the ADL's pages, as mapped for its adapter
 * @dma: device address of each page
 */
struct dxgkpm_pagearray_map {
	struct dxgkpm_dma_map map;
	dma_addr_t dma[];
};

/**
 * dxgkpm_pagearray_adl_map() - map an ADL's range of a page-backed object
 * @adl: the ADL; its range and attachment are set
 *
 * The range is mapped by dxgkpm_space_map_pages(), which keeps the device
 * address of every page. FreeAdl unmaps it: the device loses the range at
 * once.
 *
 * Context: process context, may sleep; the object's lock is held.
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
	ret = dxgkpm_space_map_pages(amo->adapter,
				     amo->pmo->pages + adl->first, adl->count,
				     map->dma, &map->map);
	if (ret)
		goto err_free_map;
	adl->priv = map;
	adl->dma = map->dma;
	return 0;

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

	dxgkpm_space_unmap_pages(adl->amo->adapter, &map->map);
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
