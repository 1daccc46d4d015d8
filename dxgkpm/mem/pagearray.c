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
#include "mem/mem.h"

/**
 * dxgkpm_pagearray_alloc() - allocate an object's pages
 * @mem: object being created; @mem->npages and @mem->caching are set
 * @req: constraints; @req->caching is @mem->caching
 *
 * Return: 0 or -errno (see dxgkpm_pages_alloc()).
 */
int dxgkpm_pagearray_alloc(struct dxgkpm_mem *mem,
			   const struct dxgkpm_page_req *req)
{
	int ret;

	mem->pages = kvmalloc_array(mem->npages, sizeof(*mem->pages),
				    GFP_KERNEL);
	if (!mem->pages)
		return -ENOMEM;
	ret = dxgkpm_pages_alloc(req, mem->pages);
	if (ret)
		goto err_free_array;
	mem->zeroed = !(req->flags & DXGKPM_ALLOC_DONT_ZERO);
	return 0;

err_free_array:
	kvfree(mem->pages);
	mem->pages = NULL;
	return ret;
}

/**
 * dxgkpm_pagearray_release() - free an object's pages
 * @mem: object whose last reference went
 *
 * Write-combined and uncached pages go to the page pools; pages that
 * cannot be made write-back again are leaked, not freed.
 */
void dxgkpm_pagearray_release(struct dxgkpm_mem *mem)
{
	dxgkpm_pages_release(mem->pages, mem->npages, mem->caching, true);
	kvfree(mem->pages);
	mem->pages = NULL;
}

/**
 * struct dxgkpm_pagearray_map - one ADL's mapping of a page-backed object
 * @map: the ADL's pages, as mapped for its adapter
 * @pn: device page number of each page
 */
struct dxgkpm_pagearray_map {
	struct dxgkpm_dma_map map;
	unsigned long pn[];
};

/**
 * dxgkpm_pagearray_adl_map() - map an ADL's range of a page-backed object
 * @mem: the object's memory
 * @ddev: the device of the ADL's adapter
 * @first: first page of the range
 * @count: number of pages
 * @pn: set to the device page number of each page
 * @contiguous: set to whether they follow one another
 * @priv: set to the mapping, for dxgkpm_pagearray_adl_unmap()
 *
 * The range is mapped by dxgkpm_space_map_pages(), which writes the device
 * page number of every page. FreeAdl unmaps it: the device loses the range
 * at once.
 *
 * Context: process context, may sleep; the object's lock is held.
 * Return: 0 or -errno.
 */
int dxgkpm_pagearray_adl_map(struct dxgkpm_mem *mem,
			     struct dxgkpm_dma_dev *ddev, pgoff_t first,
			     u32 count, unsigned long **pn, bool *contiguous,
			     void **priv)
{
	struct dxgkpm_pagearray_map *map;
	int ret;

	/* Every page number is written by the mapping. */
	map = kvmalloc(struct_size(map, pn, count), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	memset(&map->map, 0, sizeof(map->map));
	ret = dxgkpm_space_map_pages(ddev, mem->pages + first, count,
				     map->pn, &map->map);
	if (ret)
		goto err_free_map;
	*priv = map;
	*pn = map->pn;
	*contiguous = map->map.contiguous;
	return 0;

err_free_map:
	kvfree(map);
	return ret;
}

/**
 * dxgkpm_pagearray_adl_unmap() - undo dxgkpm_pagearray_adl_map()
 * @mem: the object's memory
 * @ddev: the device the range was mapped for
 * @count: number of pages
 * @priv: the mapping that goes
 */
void dxgkpm_pagearray_adl_unmap(struct dxgkpm_mem *mem,
				struct dxgkpm_dma_dev *ddev, u32 count,
				void *priv)
{
	struct dxgkpm_pagearray_map *map = priv;

	dxgkpm_space_unmap_pages(ddev, &map->map);
	kvfree(map);
}

/**
 * dxgkpm_pagearray_vmap() - kernel view of part of a page-backed object
 * @mem: object
 * @first: first page
 * @count: number of pages
 * @priv: unused
 *
 * The view's memory type matches the one the linear map was given.
 *
 * Return: the address, or NULL.
 */
void *dxgkpm_pagearray_vmap(struct dxgkpm_mem *mem, pgoff_t first,
			    pgoff_t count, void **priv)
{
	if (count > UINT_MAX)
		return NULL;
	return vmap(mem->pages + first, count, VM_MAP,
		    dxgkpm_pgprot(mem->caching, PAGE_KERNEL));
}

/**
 * dxgkpm_pagearray_vunmap() - undo dxgkpm_pagearray_vmap()
 * @mem: object
 * @vaddr: the view
 * @count: its pages
 * @priv: unused
 */
void dxgkpm_pagearray_vunmap(struct dxgkpm_mem *mem, void *vaddr,
			     pgoff_t count, void *priv)
{
	vunmap(vaddr);
}

/**
 * dxgkpm_pagearray_mmap() - populate a user view of a page-backed object
 * @mem: object
 * @vma: the view's VMA; vm_pgoff is the first page, vm_page_prot already
 *	has the object's cache type
 * @priv: unused
 *
 * All pages are inserted at once, with a reference each: the view can never
 * fault on them, and they stay valid until the VMA goes.
 *
 * Return: 0 or -errno.
 */
int dxgkpm_pagearray_mmap(struct dxgkpm_mem *mem, struct vm_area_struct *vma,
			  void **priv)
{
	unsigned long count = vma_pages(vma);
	int ret;

	vm_flags_set(vma, VM_MIXEDMAP);
	ret = vm_insert_pages(vma, vma->vm_start, mem->pages + vma->vm_pgoff,
			      &count);
	return ret ? ret : count ? -EFAULT : 0;
}
