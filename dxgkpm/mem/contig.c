// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * DXGKPM_MEM_CONTIGUOUS (DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY): one
 * physically contiguous block inside [low, high] that crosses no multiple of
 * the boundary, like MmAllocateContiguousMemorySpecifyCache. Up to the buddy
 * allocator's largest order (4 MiB on x86) it is one buddy block; beyond,
 * or in a window the buddy allocator does not serve, the page provider
 * claims a range with alloc_contig_range() (see page/provider.c). Unlike
 * Windows' contiguous memory it is zeroed.
 */

#include <linux/log2.h>
#include <linux/mm.h>

#include "mem/mem.h"

static int dxgkpm_mem_contig_init(struct dxgkpm_mem *mem,
				  struct device *dev,
				  const struct dxgkpm_pmo_desc *desc)
{
	phys_addr_t bytes = (phys_addr_t)mem->npages << PAGE_SHIFT;
	phys_addr_t low = desc->contig.low, high = desc->contig.high;
	phys_addr_t boundary = desc->contig.boundary;
	struct dxgkpm_page_req req = {
		.npages = mem->npages,
		.low = low,
		.high = high,
		.run = mem->npages,
		.align = 1,
		.boundary = boundary,
		.nid = dxgkpm_pages_node(dev),
		.caching = mem->caching,
	};

	/* The window must be able to hold the block at all. */
	if (!dxgkpm_pages_window_ok(low, high, bytes))
		return -EINVAL;
	if (boundary && (!is_power_of_2(boundary) || boundary < bytes))
		return -EINVAL;
	return dxgkpm_pagearray_alloc(mem, &req);
}

const struct dxgkpm_mem_ops dxgkpm_mem_contig_ops = {
	.name = "contiguous",
	.init = dxgkpm_mem_contig_init,
	.release = dxgkpm_pagearray_release,
	.adl_map = dxgkpm_pagearray_adl_map,
	.adl_unmap = dxgkpm_pagearray_adl_unmap,
	.vmap = dxgkpm_pagearray_vmap,
	.vunmap = dxgkpm_pagearray_vunmap,
	.mmap = dxgkpm_pagearray_mmap,
};
