// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The page provider: every page that backs an object comes from here and
 * goes back through here, together with its CPU cache attribute.
 *
 * Pages come from two sources:
 *
 * 1. The buddy allocator, highest order first like TTM and the dma-buf
 *    system heap: large blocks mean fewer IOMMU page-table entries and sg
 *    entries. The gfp mask has no __GFP_MOVABLE: pages of an object are
 *    pinned until it goes, so they never come from ZONE_MOVABLE or CMA.
 *    The orders above 0 are opportunistic (no retry, no warning, no
 *    emergency reserves); DXGKPM_ALLOC_PREFER_CONTIGUOUS lets them reclaim
 *    and compact once, and a required run length retries hard. Every block
 *    is split into order-0 pages, so each page can be mapped into user space
 *    and released on its own. A page outside the acceptable physical window
 *    is set aside (so it is not handed out again) and released at the end.
 *
 * 2. The window itself, scanned with alloc_contig_range(), the primitive CMA
 *    and virtio-mem use: it claims a given physical range, migrating movable
 *    pages out of it. The buddy allocator serves low addresses first, so a
 *    window that excludes low memory (a device that must see pages above
 *    some address) or a run longer than its largest order can only be
 *    satisfied this way. It may sleep for migration; DXGKPM_ALLOC_NO_WAIT
 *    never gets here. It never claims memory of ZONE_MOVABLE or CMA, which
 *    must stay free of long-term pins.
 *
 * A window that excludes low memory is scanned first, since the buddy
 * allocator would mostly hand out pages below it; every other request tries
 * the buddy allocator first and scans the window only if that fails.
 *
 * NUMA: pages come from the node the request names (the node of the device
 * the object is created for, see dxgkpm_pages_node()) while it has them.
 * Blocks above order 0 are taken on that node only, smaller orders being
 * better than remote memory; single pages and required runs fall back to
 * the other nodes, as the page allocator does; the window scan claims on
 * that node first and then elsewhere. DXGKPM_ALLOC_LOCAL_NODE_ONLY keeps
 * every page, the window scan's included, on the node of the calling CPU.
 *
 * On x86 the linear map of write-combined and uncached pages is switched with
 * one set_pages_array_*() call per object, so the TLB flush and the cache
 * flush happen once; pages only return to the system after they are
 * write-back again. Before either source is asked, a request takes what it
 * can from the pools of its cache type (pool.c; for cached pages, blocks
 * of 2 MiB and more), whose pages keep their attribute and cost no change
 * at all, and are cleared already; an object's pages go back to those
 * pools when it is freed.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/overflow.h>
#include <linux/pageblock-flags.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/topology.h>
#ifdef CONFIG_X86
#include <asm/set_memory.h>
#endif

#include "compat.h"
#include "page/page.h"
#include "stats.h"

/* Orders above this one never enter direct reclaim (2 MiB, a huge page). */
#define DXGKPM_BENEFICIAL_ORDER	(21 - PAGE_SHIFT)

/* Pages outside the window the buddy allocator may hand out before the
 * window is scanned instead.
 */
#define DXGKPM_REJECT_SLACK	1024

/* Whether the page allocator zeroes every page it hands out anyway. */
static bool dxgkpm_allocator_zeroes(void)
{
	return want_init_on_alloc(0) || want_init_on_free();
}

/*
 * Every page dxgkpm takes from the page allocator is counted where it is
 * taken, and every page it gives back where it is given back, whatever the
 * path (set aside outside the window, the unused tail of a run, an
 * allocation that failed half way): dxgkpm_stats.pages is what dxgkpm
 * holds, so a page kept by mistake on any path shows there.
 */
static struct page *dxgkpm_take_block(int nid, gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages_node(nid, gfp, order);

	if (page)
		atomic_long_add(1L << order, &dxgkpm_stats.pages);
	return page;
}

static int dxgkpm_take_range(unsigned long pfn, unsigned long count)
{
	int ret = alloc_contig_range(pfn, pfn + count, MIGRATE_MOVABLE,
				     GFP_KERNEL | __GFP_NOWARN);

	if (!ret)
		atomic_long_add(count, &dxgkpm_stats.pages);
	return ret;
}

static void dxgkpm_give_page(struct page *page)
{
	__free_page(page);
	atomic_long_dec(&dxgkpm_stats.pages);
}

/* GFP flags for one block of @order, given what the caller asked for. */
static gfp_t dxgkpm_gfp(const struct dxgkpm_page_req *req, unsigned int order)
{
	gfp_t gfp = GFP_USER | __GFP_NOWARN;

	/* Opportunistic orders stay on the node; see the top of this file. */
	if (req->nid != NUMA_NO_NODE && order && req->run <= 1)
		gfp |= __GFP_THISNODE;

	if (!(req->flags & DXGKPM_ALLOC_DONT_ZERO))
		gfp |= __GFP_ZERO;
	if (IS_ENABLED(CONFIG_ZONE_DMA) && req->high < SZ_16M)
		gfp |= GFP_DMA;
	else if (IS_ENABLED(CONFIG_ZONE_DMA32) && req->high < SZ_4G)
		gfp |= GFP_DMA32;
	if (req->flags & DXGKPM_ALLOC_LOCAL_NODE_ONLY)
		gfp |= __GFP_THISNODE;

	if (req->run > 1) {
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

/**
 * dxgkpm_pages_window_ok() - whether a physical window can hold a block
 * @low: lowest acceptable physical address
 * @high: highest acceptable physical address (inclusive)
 * @bytes: size of the block, a non-zero multiple of PAGE_SIZE
 *
 * Context: any.
 * Return: true if [@low, @high] holds @bytes starting at a page boundary.
 */
bool dxgkpm_pages_window_ok(phys_addr_t low, phys_addr_t high,
			    phys_addr_t bytes)
{
	return low <= high && high - low >= bytes - 1 &&
	       PAGE_ALIGN(low) <= high - (bytes - 1);
}

/**
 * dxgkpm_pages_range_ok() - whether a request accepts a range of pages
 * @req: the request
 * @pfn: first page frame
 * @count: number of pages
 *
 * Whether [@pfn, @pfn + @count) lies inside one acceptable window and
 * crosses no boundary. All windows have the same length, so if any window
 * holds the range, the last one that starts at or below it does.
 *
 * Context: any.
 * Return: true if the range is acceptable.
 */
bool dxgkpm_pages_range_ok(const struct dxgkpm_page_req *req,
			   unsigned long pfn, unsigned long count)
{
	phys_addr_t start = PFN_PHYS(pfn);
	phys_addr_t last = start + PFN_PHYS(count) - 1;
	u64 off;

	if (start < req->low)
		return false;
	off = start - req->low;
	if (req->skip)
		off -= div64_u64(off, req->skip) * req->skip;
	if (off + (last - start) > req->high - req->low)
		return false;
	return !req->boundary ||
	       (start & ~(req->boundary - 1)) == (last & ~(req->boundary - 1));
}

/* Release a list of pages set aside (linked through page->lru). */
static void dxgkpm_free_page_list(struct list_head *list)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, list, lru) {
		list_del(&page->lru);
		dxgkpm_give_page(page);
	}
}

/*
 * Take one block from the buddy allocator and keep what fits. Returns the
 * number of pages kept, or -ENOMEM when the allocator has no block of this
 * order left.
 */
static long dxgkpm_buddy_block(const struct dxgkpm_page_req *req,
			       unsigned int order, int nid, struct page **pages,
			       pgoff_t *done, struct list_head *rejects,
			       pgoff_t *rejected)
{
	unsigned long n = 1UL << order, i, keep;
	struct page *page;

	page = dxgkpm_take_block(nid, dxgkpm_gfp(req, order), order);
	if (!page)
		return -ENOMEM;
	if (order)
		split_page(page, order);

	if (req->run > 1) {
		/* A run is used whole, the last one perhaps in part. */
		if (!dxgkpm_pages_range_ok(req, page_to_pfn(page),
					   min_t(unsigned long, n, req->run))) {
			for (i = 0; i < n; i++)
				list_add(&page[i].lru, rejects);
			*rejected += n;
			return 0;
		}
		keep = min_t(unsigned long, n, req->npages - *done);
		for (i = 0; i < n; i++) {
			if (i < keep)
				pages[(*done)++] = &page[i];
			else
				dxgkpm_give_page(&page[i]);
		}
		return keep;
	}
	keep = 0;
	for (i = 0; i < n; i++) {
		if (*done < req->npages &&
		    dxgkpm_pages_range_ok(req, page_to_pfn(&page[i]), 1)) {
			pages[(*done)++] = &page[i];
			keep++;
		} else {
			list_add(&page[i].lru, rejects);
			(*rejected)++;
		}
	}
	return keep;
}

/* The node to take pages from first (only, for LOCAL_NODE_ONLY), or none. */
static int dxgkpm_req_node(const struct dxgkpm_page_req *req)
{
	return (req->flags & DXGKPM_ALLOC_LOCAL_NODE_ONLY) ? numa_node_id() :
	       req->nid;
}

/*
 * Fill @pages from the buddy allocator. Returns 0 when full, -ENOMEM when
 * the allocator ran out or kept handing out pages outside the window (then
 * *@done pages are filled), -EINTR on a fatal signal.
 */
static int dxgkpm_pages_from_buddy(const struct dxgkpm_page_req *req,
				   struct page **pages, pgoff_t *done)
{
	int nid = dxgkpm_req_node(req);
	unsigned int order, run_order = order_base_2(req->run);
	pgoff_t rejected = 0;
	LIST_HEAD(rejects);
	long kept;
	int ret = 0;

	if (run_order > DXGKPM_MAX_ORDER)
		return -ENOMEM;
	order = req->run > 1 ? run_order :
		min_t(unsigned int, DXGKPM_MAX_ORDER, ilog2(req->npages));

	while (*done < req->npages) {
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (req->run <= 1)
			order = min_t(unsigned int, order,
				      ilog2(req->npages - *done));
		kept = dxgkpm_buddy_block(req, order, nid, pages, done,
					  &rejects, &rejected);
		if (kept < 0) {
			if (req->run > 1 || !order) {
				ret = -ENOMEM;
				break;
			}
			/* Like the system heap: never climb back up. */
			order--;
			continue;
		}
		if (rejected > DXGKPM_REJECT_SLACK) {
			ret = -ENOMEM;
			break;
		}
		cond_resched();
	}
	dxgkpm_free_page_list(&rejects);
	return ret;
}

/* State of a scan of the window with alloc_contig_range(). */
struct dxgkpm_scan {
	const struct dxgkpm_page_req *req;
	struct page **pages;
	pgoff_t *done;
	int nid;
	bool on_nid;
	int err;
};

/*
 * Whether [pfn, pfn + count) is online RAM of a single zone, and of a zone
 * whose pages may be pinned for as long as an object lives. ZONE_MOVABLE
 * holds movable pages only, so that its memory can always be offlined and
 * unplugged (movablecore=, kernelcore=, hotplugged memory onlined movable):
 * a page of an object is pinned until the object goes, so it must never
 * come from there, as FOLL_LONGTERM pins never stay there. CMA pageblocks
 * need no check here: alloc_contig_range() refuses them itself unless
 * asked for MIGRATE_CMA (has_unmovable_pages()), and a module could not
 * read a pageblock's migrate type anyway.
 */
static bool dxgkpm_range_pinnable(unsigned long pfn, unsigned long count)
{
	struct page *first, *page;
	struct zone *zone;
	unsigned long i;

	first = pfn_to_online_page(pfn);
	if (!first)
		return false;
	zone = page_zone(first);
	if (zone_idx(zone) == ZONE_MOVABLE)
		return false;
	/* Zones may overlap (kernelcore=mirror): look at every pageblock. */
	for (i = ALIGN(pfn + 1, pageblock_nr_pages); i < pfn + count;
	     i += pageblock_nr_pages) {
		page = pfn_to_online_page(i);
		if (!page || page_zone(page) != zone)
			return false;
	}
	page = pfn_to_online_page(pfn + count - 1);
	return page && page_zone(page) == zone;
}

/* Claim [pfn, pfn + count) if dxgkpm_range_pinnable() says it may. */
static bool dxgkpm_claim_range(struct dxgkpm_scan *scan, unsigned long pfn,
			       unsigned long count)
{
	const struct dxgkpm_page_req *req = scan->req;
	unsigned long i;
	bool zero;

	if (!dxgkpm_range_pinnable(pfn, count))
		return false;
	/* One pass claims on @nid only, the next everywhere else. */
	if (scan->nid != NUMA_NO_NODE &&
	    (page_to_nid(pfn_to_page(pfn)) == scan->nid) != scan->on_nid)
		return false;
	if (dxgkpm_take_range(pfn, count))
		return false;
	zero = !(req->flags & DXGKPM_ALLOC_DONT_ZERO) &&
	       !dxgkpm_allocator_zeroes();
	for (i = 0; i < count; i++) {
		struct page *page = pfn_to_page(pfn + i);

		if (zero)
			clear_highpage(page);
		scan->pages[(*scan->done)++] = page;
	}
	return true;
}

/* Walk one range of System RAM, claiming runs inside the window. */
static int dxgkpm_scan_ram(struct resource *res, void *arg)
{
	struct dxgkpm_scan *scan = arg;
	const struct dxgkpm_page_req *req = scan->req;
	unsigned long run = max_t(pgoff_t, req->run, 1);
	unsigned long align = max_t(pgoff_t, req->align, 1);
	unsigned long pfn = PFN_UP(res->start);
	unsigned long end = PFN_DOWN(res->end + 1);
	unsigned long count;

	pfn = ALIGN(pfn, align);
	while (*scan->done < req->npages && pfn < end) {
		if (fatal_signal_pending(current)) {
			scan->err = -EINTR;
			return 1;
		}
		/*
		 * Claiming isolates whole pageblocks, and a pageblock with a
		 * page of ours in it cannot be isolated again: without a run,
		 * take all that is needed from the rest of the pageblock, or
		 * of the window (@res is clipped to it) when that ends first.
		 */
		count = req->npages - *scan->done;
		if (run > 1)
			count = min(count, run);
		else
			count = min3(count, end - pfn,
				     ALIGN(pfn + 1, pageblock_nr_pages) - pfn);
		if (pfn + count > end)
			break;
		if (dxgkpm_pages_range_ok(req, pfn, count) &&
		    dxgkpm_claim_range(scan, pfn, count)) {
			pfn = ALIGN(pfn + count, align);
			continue;
		}
		/* Next candidate: the next aligned run, or pageblock. */
		pfn = align > 1 ? pfn + align : ALIGN(pfn + 1, pageblock_nr_pages);
		cond_resched();
	}
	return *scan->done < req->npages ? 0 : 1;
}

static int dxgkpm_ram_top_cb(struct resource *res, void *arg)
{
	u64 *top = arg;

	*top = max_t(u64, *top, (u64)res->end + 1);
	return 0;
}

/* One past the highest byte of System RAM. */
static u64 dxgkpm_ram_top(void)
{
	u64 top = 0;

	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0, U64_MAX,
			    &top, dxgkpm_ram_top_cb);
	return top;
}

/* One scan of every acceptable window of System RAM (see below). */
static int dxgkpm_scan_windows(struct dxgkpm_scan *scan)
{
	const struct dxgkpm_page_req *req = scan->req;
	u64 top = dxgkpm_ram_top(), low, high, k;

	for (k = 0; *scan->done < req->npages; k++) {
		if (k && !req->skip)
			break;
		if (check_mul_overflow(k, (u64)req->skip, &low) ||
		    check_add_overflow(low, (u64)req->low, &low) || low >= top)
			break;
		high = low + min_t(u64, req->high - req->low, top - 1 - low);
		walk_iomem_res_desc(IORES_DESC_NONE,
				    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
				    low, high, scan, dxgkpm_scan_ram);
		if (scan->err)
			return scan->err;
	}
	return *scan->done < req->npages ? -ENOMEM : 0;
}

/*
 * Fill the rest of @pages by scanning every acceptable window of System RAM:
 * on the request's node first, then (unless LOCAL_NODE_ONLY) on the others.
 * Returns 0 when full, -ENOMEM when the windows hold no more claimable
 * memory, -EINTR on a fatal signal.
 */
static int dxgkpm_pages_from_window(const struct dxgkpm_page_req *req,
				    struct page **pages, pgoff_t *done)
{
	struct dxgkpm_scan scan = {
		.req = req,
		.pages = pages,
		.done = done,
		.nid = dxgkpm_req_node(req),
		.on_nid = true,
	};
	int ret;

	ret = dxgkpm_scan_windows(&scan);
	if (ret != -ENOMEM || scan.nid == NUMA_NO_NODE ||
	    (req->flags & DXGKPM_ALLOC_LOCAL_NODE_ONLY))
		return ret;
	scan.on_nid = false;
	return dxgkpm_scan_windows(&scan);
}

/**
 * dxgkpm_pages_node() - the node an object's pages should come from
 * @dev: the device the object is created for, or NULL
 *
 * The node of @dev when that node has memory: where the device's DMA is
 * cheapest, as dma_alloc_coherent() and TTM's pools place memory.
 *
 * Return: a node with memory, or NUMA_NO_NODE.
 */
int dxgkpm_pages_node(struct device *dev)
{
	int nid = dev ? dev_to_node(dev) : NUMA_NO_NODE;

	if (nid < 0 || nid >= MAX_NUMNODES || !node_state(nid, N_MEMORY))
		return NUMA_NO_NODE;
	return nid;
}

/* Fill @pages from @done on with fresh pages: the buddy allocator, windows. */
static int dxgkpm_pages_fresh(const struct dxgkpm_page_req *req,
			      struct page **pages, pgoff_t *done)
{
	bool may_scan = !(req->flags & DXGKPM_ALLOC_NO_WAIT);
	/* The buddy allocator serves low addresses first (see above). */
	bool window_first = req->low && may_scan;
	int ret;

	if (window_first)
		ret = dxgkpm_pages_from_window(req, pages, done);
	else
		ret = dxgkpm_pages_from_buddy(req, pages, done);
	if (ret == -ENOMEM && (window_first || may_scan)) {
		/* A run is all or nothing: give partial runs back first. */
		if (req->run > 1) {
			while (*done % req->run)
				dxgkpm_give_page(pages[--(*done)]);
		}
		if (window_first)
			ret = dxgkpm_pages_from_buddy(req, pages, done);
		else
			ret = dxgkpm_pages_from_window(req, pages, done);
	}
	return ret;
}

/**
 * dxgkpm_pages_alloc() - fill a page array
 * @req: what is needed
 * @pages: array of @req->npages entries, filled on success
 *
 * All or nothing: on failure no page is kept. The pages have @req->caching
 * on the linear map and, unless DXGKPM_ALLOC_DONT_ZERO was asked for, are
 * zeroed (pooled pages always are). With @req->run > 1, @pages consists of
 * runs of @req->run physically consecutive pages (the last one perhaps
 * shorter), each starting at a multiple of @req->align. Pages of the pools
 * come first, then fresh ones, whose attribute is changed with one call.
 *
 * Context: process context; may sleep unless DXGKPM_ALLOC_NO_WAIT.
 * Return: 0, -ENOMEM, -EINTR when a fatal signal is pending, or an error
 * of dxgkpm_pages_set_caching().
 */
int dxgkpm_pages_alloc(const struct dxgkpm_page_req *req, struct page **pages)
{
	pgoff_t pooled, done, i;
	int ret;

	pooled = dxgkpm_pool_take(req, pages);
	done = pooled;
	ret = dxgkpm_pages_fresh(req, pages, &done);
	if (ret)
		goto err_free_fresh;
	ret = dxgkpm_pages_set_caching(pages + pooled, req->npages - pooled,
				       req->caching);
	if (ret)
		goto err_free_fresh;
	if (pooled < req->npages && dxgkpm_caching_changes(req->caching))
		atomic_long_add(req->npages - pooled,
				&dxgkpm_pool_stats.misses);
	return 0;

err_free_fresh:
	for (i = pooled; i < done; i++)
		dxgkpm_give_page(pages[i]);
	/* Taken from the pools and never used: back there, or freed. */
	dxgkpm_pages_release(pages, pooled, req->caching, false);
	return ret;
}

/* Pages handed to release_pages() at once: its count is an int. */
#define DXGKPM_FREE_BATCH	SZ_64K

/**
 * dxgkpm_pages_free() - give write-back pages back to the system
 * @pages: pages from dxgkpm_pages_alloc()
 * @npages: number of entries
 *
 * The references are dropped in batches (release_pages()), as the page
 * cache does, not page by page: the pages of a large object go back to
 * the page allocator with one lock round trip per batch.
 *
 * Context: any but NMI.
 */
void dxgkpm_pages_free(struct page **pages, pgoff_t npages)
{
	pgoff_t i, n;

	for (i = 0; i < npages; i += n) {
		n = min_t(pgoff_t, npages - i, DXGKPM_FREE_BATCH);
		release_pages(pages + i, n);
	}
	atomic_long_sub(npages, &dxgkpm_stats.pages);
}

/**
 * dxgkpm_pages_release() - give back the pages of dxgkpm_pages_alloc()
 * @pages: the pages, with @caching on the linear map; the array's order is
 *	lost
 * @npages: number of entries
 * @caching: their cache type
 * @used: the pages may hold data (they were handed out)
 *
 * Write-combined and uncached pages go to the pools (cleared if @used)
 * while there is room; the others are made write-back and freed, or
 * leaked, loudly, when that fails (see dxgkpm_pages_restore_caching()).
 *
 * Context: process context.
 */
void dxgkpm_pages_release(struct page **pages, pgoff_t npages,
			  enum dxgkpm_caching caching, bool used)
{
	pgoff_t left = dxgkpm_pool_give(pages, npages, caching, used);

	if (!dxgkpm_pages_restore_caching(pages, left, caching))
		dxgkpm_pages_free(pages, left);
}

/**
 * dxgkpm_caching_counter() - the count of objects' pages of a cache type
 * @caching: a cache type
 *
 * Context: any.
 * Return: dxgkpm_stats.pages_wc or .pages_uc; NULL for cached pages, which
 * have no count of their own.
 */
atomic_long_t *dxgkpm_caching_counter(enum dxgkpm_caching caching)
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
 * dxgkpm_caching_changes() - whether a cache type changes the linear map
 * @caching: a cache type
 *
 * Context: any.
 * Return: true for write-combined and uncached.
 */
bool dxgkpm_caching_changes(enum dxgkpm_caching caching)
{
	return dxgkpm_caching_counter(caching);
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
 * -E2BIG for arrays beyond the architecture's interface, or -ENOMEM when
 * the attribute cannot be changed (the linear map needs a page table).
 */
int dxgkpm_pages_set_caching(struct page **pages, pgoff_t npages,
			     enum dxgkpm_caching caching)
{
	atomic_long_t *counter = dxgkpm_caching_counter(caching);
	int ret;

	if (!counter || !npages)
		return 0;
#ifdef CONFIG_X86
	if (npages > INT_MAX)
		return -E2BIG;
	atomic_long_inc(&dxgkpm_pool_stats.set_caching);
	if (caching == DXGKPM_CACHING_WC)
		ret = set_pages_array_wc(pages, npages);
	else
		ret = set_pages_array_uc(pages, npages);
	if (ret) {
		/* A partial change leaves some pages converted: undo it all. */
		set_pages_array_wb(pages, npages);
		/*
		 * _set_pages_array() says -EINVAL whatever went wrong. Pages
		 * fresh from the allocator are write-back, so the one thing
		 * that can fail is splitting a large page of the linear map,
		 * which needs a page table: memory ran out.
		 */
		return -ENOMEM;
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

	if (!counter || !npages)
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
