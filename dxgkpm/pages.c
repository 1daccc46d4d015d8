// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The page provider: every page that backs an object comes from here and
 * goes back through here, together with its CPU cache attribute.
 *
 * Pages are taken highest order first, like TTM and the dma-buf system heap:
 * large blocks mean fewer IOMMU page-table entries and fewer sg entries. The
 * orders above 0 are opportunistic (no retry, no warning, no emergency
 * reserves); only DXGKPM_ALLOC_PREFER_CONTIGUOUS lets them reclaim and
 * compact once, and only a required chunk order retries hard. Every block is
 * split into order-0 pages so that each page can be mapped into user space
 * and released on its own.
 *
 * A physical address window is honoured page by page: pages outside it are
 * kept aside (so the allocator does not hand them out again) and released at
 * the end. A bound on those rejects turns an unsatisfiable window into
 * -ENOMEM instead of a walk through all of memory.
 *
 * On x86 the linear map of write-combined and uncached pages is switched with
 * one set_pages_array_*() call per object, so the TLB flush and the cache
 * flush happen once; pages only return to the system after they are
 * write-back again.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/topology.h>
#ifdef CONFIG_X86
#include <asm/set_memory.h>
#endif

#include "compat.h"
#include "internal.h"

/* Orders above this one never enter direct reclaim (2 MiB, a huge page). */
#define DXGKPM_BENEFICIAL_ORDER	(21 - PAGE_SHIFT)

/* Pages outside the window that may be set aside before giving up. */
#define DXGKPM_REJECT_SLACK	(SZ_64M >> PAGE_SHIFT)

/* GFP flags for one block of @order, given what the caller asked for. */
static gfp_t dxgkpm_gfp(const struct dxgkpm_page_req *req, unsigned int order)
{
	gfp_t gfp = GFP_USER | __GFP_NOWARN;

	if (!(req->flags & DXGKPM_ALLOC_DONT_ZERO))
		gfp |= __GFP_ZERO;
#ifdef CONFIG_ZONE_DMA
	if (req->high < SZ_16M)
		gfp |= GFP_DMA;
	else
#endif
#ifdef CONFIG_ZONE_DMA32
	if (req->high < SZ_4G)
		gfp |= GFP_DMA32;
#endif
	if (req->flags & DXGKPM_ALLOC_LOCAL_NODE_ONLY)
		gfp |= __GFP_THISNODE;

	if (req->chunk_order) {
		/* The order is required: try hard, but never OOM-kill. */
		gfp |= __GFP_RETRY_MAYFAIL;
	} else if (order) {
		gfp |= __GFP_NORETRY | __GFP_NOMEMALLOC;
		if (!(req->flags & DXGKPM_ALLOC_PREFER_CONTIGUOUS) ||
		    order > DXGKPM_BENEFICIAL_ORDER)
			gfp &= ~__GFP_DIRECT_RECLAIM;
	} else {
		gfp |= __GFP_RETRY_MAYFAIL;
	}
	if (req->flags & DXGKPM_ALLOC_NO_WAIT)
		gfp &= ~__GFP_DIRECT_RECLAIM;
	return gfp;
}

/*
 * Whether a block lies inside one acceptable window. All windows have the
 * same length, so if any window holds the block, the last one that starts
 * at or below it does.
 */
static bool dxgkpm_in_window(const struct dxgkpm_page_req *req,
			     struct page *page, unsigned int order)
{
	phys_addr_t start = page_to_phys(page);
	phys_addr_t last = start + (PAGE_SIZE << order) - 1;
	u64 off;

	if (start < req->low)
		return false;
	off = start - req->low;
	if (req->skip)
		off -= div64_u64(off, req->skip) * req->skip;
	return off + (last - start) <= req->high - req->low;
}

/* Release the pages set aside because they were outside the window. */
static void dxgkpm_free_rejects(struct list_head *rejects)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, rejects, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

/**
 * dxgkpm_pages_alloc() - fill a page array
 * @req: what is needed
 * @pages: array of @req->npages entries, filled on success
 *
 * All or nothing: on failure no page is kept. The pages are write-back and,
 * unless DXGKPM_ALLOC_DONT_ZERO was asked for, zeroed. With a chunk order,
 * @pages consists of naturally aligned runs of 2^chunk_order consecutive
 * pages, in order.
 *
 * Return: 0, -ENOMEM, or -EINTR when a fatal signal is pending.
 */
int dxgkpm_pages_alloc(const struct dxgkpm_page_req *req, struct page **pages)
{
	int nid = (req->flags & DXGKPM_ALLOC_LOCAL_NODE_ONLY) ?
		  numa_node_id() : NUMA_NO_NODE;
	pgoff_t done = 0, rejected = 0, i, n;
	unsigned int order;
	LIST_HEAD(rejects);
	struct page *page;
	int ret = 0;

	if (req->chunk_order > DXGKPM_MAX_ORDER)
		return -ENOMEM;
	order = req->chunk_order ? req->chunk_order :
		min_t(unsigned int, DXGKPM_MAX_ORDER, ilog2(req->npages));

	while (done < req->npages) {
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto err_free_pages;
		}
		if (!req->chunk_order)
			order = min_t(unsigned int, order,
				      ilog2(req->npages - done));
		page = alloc_pages_node(nid, dxgkpm_gfp(req, order), order);
		if (!page) {
			if (req->chunk_order || !order) {
				ret = -ENOMEM;
				goto err_free_pages;
			}
			/* Like the system heap: never climb back up. */
			order--;
			continue;
		}
		n = 1UL << order;
		if (order)
			split_page(page, order);

		if (req->chunk_order) {
			/* A chunk is used whole (the last one maybe in part). */
			bool ok = dxgkpm_in_window(req, page, order);

			for (i = 0; i < n; i++) {
				if (ok && done < req->npages) {
					pages[done++] = &page[i];
				} else {
					list_add(&page[i].lru, &rejects);
					rejected += ok ? 0 : 1;
				}
			}
		} else {
			for (i = 0; i < n; i++) {
				if (done < req->npages &&
				    dxgkpm_in_window(req, &page[i], 0)) {
					pages[done++] = &page[i];
				} else {
					list_add(&page[i].lru, &rejects);
					rejected++;
				}
			}
		}
		if (rejected > req->npages + DXGKPM_REJECT_SLACK) {
			ret = -ENOMEM;
			goto err_free_pages;
		}
		cond_resched();
	}
	dxgkpm_free_rejects(&rejects);
	atomic_long_add(req->npages, &dxgkpm_stats.pages);
	return 0;

err_free_pages:
	dxgkpm_free_rejects(&rejects);
	for (i = 0; i < done; i++)
		__free_page(pages[i]);
	return ret;
}

/**
 * dxgkpm_pages_free() - give write-back pages back to the system
 * @pages: pages from dxgkpm_pages_alloc()
 * @npages: number of entries
 */
void dxgkpm_pages_free(struct page **pages, pgoff_t npages)
{
	pgoff_t i;

	for (i = 0; i < npages; i++)
		__free_page(pages[i]);
	atomic_long_sub(npages, &dxgkpm_stats.pages);
}

static atomic_long_t *dxgkpm_caching_counter(enum dxgkpm_caching caching)
{
	switch (caching) {
	case DXGKPM_CACHING_UNCACHED:
		return &dxgkpm_stats.pages_uc;
	case DXGKPM_CACHING_WC:
		return &dxgkpm_stats.pages_wc;
	default:
		return NULL;
	}
}

/**
 * dxgkpm_pages_set_caching() - apply a cache type to the linear map
 * @pages: write-back pages
 * @npages: number of entries
 * @caching: the object's cache type
 *
 * The zeroes written by the allocator are flushed out of the CPU caches by
 * the attribute change itself. On failure the pages are write-back again.
 *
 * Return: 0, -EOPNOTSUPP where the architecture cannot honour @caching,
 * -E2BIG for arrays beyond the architecture's interface, or the error of
 * the attribute change.
 */
int dxgkpm_pages_set_caching(struct page **pages, pgoff_t npages,
			     enum dxgkpm_caching caching)
{
	atomic_long_t *counter = dxgkpm_caching_counter(caching);
	int ret;

	if (!counter)
		return 0;
#ifdef CONFIG_X86
	if (npages > INT_MAX)
		return -E2BIG;
	if (caching == DXGKPM_CACHING_WC)
		ret = set_pages_array_wc(pages, npages);
	else
		ret = set_pages_array_uc(pages, npages);
	if (ret) {
		/* A partial change leaves some pages converted: undo it all. */
		set_pages_array_wb(pages, npages);
		return ret;
	}
	atomic_long_add(npages, counter);
	return 0;
#else
	return -EOPNOTSUPP;
#endif
}

/**
 * dxgkpm_pages_restore_caching() - make pages write-back again
 * @pages: pages whose cache type was set by dxgkpm_pages_set_caching()
 * @npages: number of entries
 * @caching: the type that was set
 *
 * Return: 0, or an error after which the pages must not be freed: a page
 * that is still write-combined or uncached on the linear map would poison
 * its next owner. The caller then leaks them, loudly.
 */
int dxgkpm_pages_restore_caching(struct page **pages, pgoff_t npages,
				 enum dxgkpm_caching caching)
{
	atomic_long_t *counter = dxgkpm_caching_counter(caching);
	int ret = 0;

	if (!counter)
		return 0;
#ifdef CONFIG_X86
	ret = set_pages_array_wb(pages, npages);
	if (ret) {
		pr_err("cannot make %lu pages write-back again (%d); leaking them\n",
		       npages, ret);
		return ret;
	}
#endif
	atomic_long_sub(npages, counter);
	return ret;
}

/**
 * dxgkpm_pgprot() - page protection of a CPU view with a cache type
 * @caching: the object's cache type
 * @prot: protection of a cached view (PAGE_KERNEL, vma->vm_page_prot)
 *
 * Return: @prot with the memory type of @caching.
 */
pgprot_t dxgkpm_pgprot(enum dxgkpm_caching caching, pgprot_t prot)
{
	switch (caching) {
	case DXGKPM_CACHING_UNCACHED:
		return pgprot_noncached(prot);
	case DXGKPM_CACHING_WC:
		return pgprot_writecombine(prot);
	default:
		return prot;
	}
}
