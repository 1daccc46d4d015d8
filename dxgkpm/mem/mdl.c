// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * DXGKPM_MEM_PAGES (DXGK_PHYSICAL_MEMORY_TYPE_MDL): non-pageable pages, the
 * way MmAllocatePagesForMdlEx hands them out. This file only turns the MDL
 * arguments into a page request; everything else is pagearray.c.
 */

#include <linux/log2.h>
#include <linux/mm.h>

#include "mem/mem.h"

#define DXGKPM_ALLOC_KNOWN	(DXGKPM_ALLOC_DONT_ZERO |		\
				 DXGKPM_ALLOC_LOCAL_NODE_ONLY |		\
				 DXGKPM_ALLOC_FULLY_REQUIRED |		\
				 DXGKPM_ALLOC_NO_WAIT |			\
				 DXGKPM_ALLOC_PREFER_CONTIGUOUS |	\
				 DXGKPM_ALLOC_CONTIGUOUS_CHUNKS |	\
				 DXGKPM_ALLOC_FAST_LARGE_PAGES |	\
				 DXGKPM_ALLOC_AND_HOT_REMOVE)

/**
 * dxgkpm_mdl_request() - page request for MmAllocatePagesForMdlEx arguments
 * @npages: pages wanted
 * @size: bytes wanted (before rounding)
 * @low: LowAddress
 * @high: HighAddress
 * @skip: SkipBytes
 * @flags: MM_ALLOCATE_* (DXGKPM_ALLOC_*) flags
 * @req: filled on success
 *
 * Every flag is either honoured or refused: unknown bits and a bad window
 * give -EINVAL, FAST_LARGE_PAGES and AND_HOT_REMOVE -EOPNOTSUPP (there is no
 * large-page cache and no hot-remove service to take pages from).
 *
 * Return: 0, -EINVAL or -EOPNOTSUPP.
 */
int dxgkpm_mdl_request(pgoff_t npages, size_t size, phys_addr_t low,
		       phys_addr_t high, phys_addr_t skip, u32 flags,
		       struct dxgkpm_page_req *req)
{
	if (flags & ~DXGKPM_ALLOC_KNOWN)
		return -EINVAL;
	if (flags & (DXGKPM_ALLOC_FAST_LARGE_PAGES |
		     DXGKPM_ALLOC_AND_HOT_REMOVE))
		return -EOPNOTSUPP;
	/* The window must hold at least one whole page. */
	if (!dxgkpm_pages_window_ok(low, high, PAGE_SIZE))
		return -EINVAL;
	if (!PAGE_ALIGNED(skip))
		return -EINVAL;

	*req = (struct dxgkpm_page_req) {
		.npages = npages,
		.low = low,
		.high = high,
		.flags = flags,
		.nid = NUMA_NO_NODE,
	};
	if (!(flags & DXGKPM_ALLOC_CONTIGUOUS_CHUNKS)) {
		req->skip = skip;
		return 0;
	}
	if (!skip) {
		/* One contiguous block for the whole object. */
		req->run = npages;
		return 0;
	}
	/* Chunks of exactly SkipBytes, aligned to it, covering the size. */
	if (!is_power_of_2(skip) || size % skip)
		return -EINVAL;
	req->run = skip >> PAGE_SHIFT;
	req->align = req->run;
	return 0;
}

static int dxgkpm_mem_pages_init(struct dxgkpm_mem *mem,
				 struct device *dev,
				 const struct dxgkpm_pmo_desc *desc)
{
	struct dxgkpm_page_req req;
	int ret;

	ret = dxgkpm_mdl_request(mem->npages, mem->size, desc->pages.low,
				 desc->pages.high, desc->pages.skip,
				 desc->pages.flags, &req);
	if (ret)
		return ret;
	req.nid = dxgkpm_pages_node(dev);
	req.caching = mem->caching;
	return dxgkpm_pagearray_alloc(mem, &req);
}

const struct dxgkpm_mem_ops dxgkpm_mem_pages_ops = {
	.name = "mdl",
	.init = dxgkpm_mem_pages_init,
	.release = dxgkpm_pagearray_release,
	.adl_map = dxgkpm_pagearray_adl_map,
	.adl_unmap = dxgkpm_pagearray_adl_unmap,
	.vmap = dxgkpm_pagearray_vmap,
	.vunmap = dxgkpm_pagearray_vunmap,
	.mmap = dxgkpm_pagearray_mmap,
};
