// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Page-array objects: DXGKPM_MEM_PAGES (DXGK_PHYSICAL_MEMORY_TYPE_MDL), and
 * the operations every object backed by a struct page array shares: one DMA
 * mapping of the whole object per attachment, kernel views through vmap().
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "internal.h"

#define DXGKPM_ALLOC_KNOWN	(DXGKPM_ALLOC_DONT_ZERO |		\
				 DXGKPM_ALLOC_LOCAL_NODE_ONLY |		\
				 DXGKPM_ALLOC_FULLY_REQUIRED |		\
				 DXGKPM_ALLOC_NO_WAIT |			\
				 DXGKPM_ALLOC_PREFER_CONTIGUOUS |	\
				 DXGKPM_ALLOC_CONTIGUOUS_CHUNKS |	\
				 DXGKPM_ALLOC_FAST_LARGE_PAGES |	\
				 DXGKPM_ALLOC_AND_HOT_REMOVE)

/**
 * dxgkpm_pagearray_dma_map() - map a page-backed object for a device
 * @amo: attachment; its pmo's pages are mapped for its adapter's device
 *
 * One sg_table for the whole object, one dma_map_sgtable(): under an IOMMU
 * that is one IOVA range, so any page-aligned sub-range is contiguous in the
 * device's address space. The device address of every page is kept so that
 * ADLs are built without walking the table again.
 *
 * Return: 0 or -errno.
 */
int dxgkpm_pagearray_dma_map(struct dxgkpm_amo *amo)
{
	struct dxgkpm_pmo *pmo = amo->pmo;
	struct device *dev = amo->adapter->dev;
	unsigned long attrs = 0;
	unsigned int max_seg;
	struct sg_dma_page_iter iter;
	pgoff_t i = 0;
	u64 mask;
	int ret;

	if (pmo->caching != DXGKPM_CACHING_CACHED)
		attrs |= DMA_ATTR_SKIP_CPU_SYNC;
	max_seg = min_t(unsigned int, dma_get_max_seg_size(dev), SZ_1G);
	max_seg = max_t(unsigned int, max_seg & PAGE_MASK, PAGE_SIZE);

	amo->dma = kvmalloc_array(pmo->npages, sizeof(*amo->dma), GFP_KERNEL);
	if (!amo->dma)
		return -ENOMEM;
	ret = sg_alloc_table_from_pages_segment(&amo->sgt, pmo->pages,
						pmo->npages, 0,
						(u64)pmo->npages << PAGE_SHIFT,
						max_seg, GFP_KERNEL);
	if (ret)
		goto err_free_dma;
	ret = dma_map_sgtable(dev, &amo->sgt, DMA_BIDIRECTIONAL, attrs);
	if (ret)
		goto err_free_table;

	mask = dma_get_mask(dev);
	for_each_sgtable_dma_page(&amo->sgt, &iter, 0) {
		dma_addr_t addr = sg_page_iter_dma_address(&iter);

		/* The DMA API promises this; a device must never get more. */
		if (i >= pmo->npages || addr + PAGE_SIZE - 1 > mask) {
			ret = -EIO;
			goto err_unmap;
		}
		amo->dma[i++] = addr;
	}
	if (i != pmo->npages) {
		ret = -EIO;
		goto err_unmap;
	}
	atomic_long_inc(&dxgkpm_stats.dma_maps);
	return 0;

err_unmap:
	dev_err_ratelimited(dev, "DMA mapping of %lu pages out of reach of mask %#llx\n",
			    pmo->npages, mask);
	dma_unmap_sgtable(dev, &amo->sgt, DMA_BIDIRECTIONAL, attrs);
err_free_table:
	sg_free_table(&amo->sgt);
err_free_dma:
	kvfree(amo->dma);
	amo->dma = NULL;
	return ret;
}

/**
 * dxgkpm_pagearray_dma_unmap() - undo dxgkpm_pagearray_dma_map()
 * @amo: attachment whose mapping goes
 */
void dxgkpm_pagearray_dma_unmap(struct dxgkpm_amo *amo)
{
	unsigned long attrs = 0;

	if (amo->pmo->caching != DXGKPM_CACHING_CACHED)
		attrs |= DMA_ATTR_SKIP_CPU_SYNC;
	dma_unmap_sgtable(amo->adapter->dev, &amo->sgt, DMA_BIDIRECTIONAL,
			  attrs);
	sg_free_table(&amo->sgt);
	kvfree(amo->dma);
	amo->dma = NULL;
	atomic_long_dec(&dxgkpm_stats.dma_maps);
}

/**
 * dxgkpm_pagearray_vmap() - kernel view of part of a page-backed object
 * @pmo: object
 * @first: first page
 * @count: number of pages
 *
 * The view's memory type matches the one the linear map was given.
 *
 * Return: the address, or NULL.
 */
void *dxgkpm_pagearray_vmap(struct dxgkpm_pmo *pmo, pgoff_t first,
			    pgoff_t count)
{
	if (count > UINT_MAX)
		return NULL;
	return vmap(pmo->pages + first, count, VM_MAP,
		    dxgkpm_pgprot(pmo->caching, PAGE_KERNEL));
}

void dxgkpm_pagearray_vunmap(struct dxgkpm_pmo *pmo, void *vaddr)
{
	vunmap(vaddr);
}

/* Translate the MDL arguments into a page request, refusing what cannot be. */
static int dxgkpm_mem_pages_request(const struct dxgkpm_pmo *pmo,
				    const struct dxgkpm_pmo_desc *desc,
				    struct dxgkpm_page_req *req)
{
	u32 flags = desc->pages.flags;
	phys_addr_t skip = desc->pages.skip;

	if (flags & ~DXGKPM_ALLOC_KNOWN)
		return -EINVAL;
	/* No large-page cache and no hot-remove service exist here. */
	if (flags & (DXGKPM_ALLOC_FAST_LARGE_PAGES |
		     DXGKPM_ALLOC_AND_HOT_REMOVE))
		return -EOPNOTSUPP;
	if (desc->pages.low > desc->pages.high ||
	    desc->pages.high - desc->pages.low < PAGE_SIZE - 1)
		return -EINVAL;
	if (!PAGE_ALIGNED(skip))
		return -EINVAL;

	*req = (struct dxgkpm_page_req) {
		.npages = pmo->npages,
		.low = desc->pages.low,
		.high = desc->pages.high,
		.flags = flags,
	};
	if (!(flags & DXGKPM_ALLOC_CONTIGUOUS_CHUNKS)) {
		req->skip = skip;
		return 0;
	}
	if (!skip) {
		/* One contiguous block for the whole object. */
		req->run = pmo->npages;
		return 0;
	}
	/* Chunks of exactly SkipBytes, aligned to it, covering the size. */
	if (!is_power_of_2(skip) || pmo->size % skip)
		return -EINVAL;
	req->run = skip >> PAGE_SHIFT;
	req->align = req->run;
	return 0;
}

static int dxgkpm_mem_pages_init(struct dxgkpm_pmo *pmo,
				 const struct dxgkpm_pmo_desc *desc)
{
	struct dxgkpm_page_req req;
	int ret;

	ret = dxgkpm_mem_pages_request(pmo, desc, &req);
	if (ret)
		return ret;

	pmo->pages = kvmalloc_array(pmo->npages, sizeof(*pmo->pages),
				    GFP_KERNEL);
	if (!pmo->pages)
		return -ENOMEM;
	ret = dxgkpm_pages_alloc(&req, pmo->pages);
	if (ret)
		goto err_free_array;
	pmo->zeroed = !(req.flags & DXGKPM_ALLOC_DONT_ZERO);
	ret = dxgkpm_pages_set_caching(pmo->pages, pmo->npages, pmo->caching);
	if (ret)
		goto err_free_pages;
	return 0;

err_free_pages:
	dxgkpm_pages_free(pmo->pages, pmo->npages);
err_free_array:
	kvfree(pmo->pages);
	pmo->pages = NULL;
	return ret;
}

static void dxgkpm_mem_pages_release(struct dxgkpm_pmo *pmo)
{
	if (!dxgkpm_pages_restore_caching(pmo->pages, pmo->npages,
					  pmo->caching))
		dxgkpm_pages_free(pmo->pages, pmo->npages);
	kvfree(pmo->pages);
	pmo->pages = NULL;
}

const struct dxgkpm_mem_ops dxgkpm_mem_pages_ops = {
	.name = "mdl",
	.init = dxgkpm_mem_pages_init,
	.release = dxgkpm_mem_pages_release,
	.dma_map = dxgkpm_pagearray_dma_map,
	.dma_unmap = dxgkpm_pagearray_dma_unmap,
	.vmap = dxgkpm_pagearray_vmap,
	.vunmap = dxgkpm_pagearray_vunmap,
};
