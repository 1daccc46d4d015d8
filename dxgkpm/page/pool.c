// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Page pools: write-combined and uncached pages kept with their cache
 * attribute, so that an object made of them costs no set_pages_array_*()
 * and no TLB flush on every CPU, as TTM's pool (ttm_pool.c) does it.
 *
 * One pool per (cache type, order, NUMA node), each a list of naturally
 * aligned blocks of 2^order physically consecutive order-0 pages (every
 * block the page provider takes is split, see provider.c). Cached pages are
 * pooled only in blocks of DXGKPM_POOL_WB_ORDER and more: the page
 * allocator's own per-CPU lists are the pool of small ones, and their
 * attribute costs nothing to set, but clearing a 2 MiB block is the whole
 * cost of creating it, and the pool takes that off the create's path.
 *
 * - Freeing an object (dxgkpm_pool_give()) puts its pages in the pool of
 *   their cache type and node, gathered again into the largest aligned
 *   blocks the array holds, as long as the pool stays within pool_pages
 *   (the module parameter; 0 disables pooling). Each page is cleared
 *   through its write-combined or uncached linear map, and the write-
 *   combining buffers drained, before anybody gets it again, so that it
 *   never shows its last owner's data, whatever the next request asks for.
 *   Blocks under 2^pool_defer_order pages (256 KiB by default) are
 *   cleared by the call that frees them, as TTM does: waking anybody would
 *   cost more. Larger ones go on their pool's dirty list, off the path of
 *   the call that freed them, and a work item on an unbound workqueue
 *   clears them, 64 KiB chunk by chunk, onto the clean list. A request
 *   takes clean blocks first; else it takes the block being cleared, or a
 *   dirty one, and clears its chunks side by side with the work item on
 *   another CPU, so that a cycle of free and create pays about half the
 *   clearing (or, where it must not sleep, clears a dirty block alone). A
 *   page
 *   somebody else still holds a reference to (a pin taken through a user
 *   view, a test keeping it) is never pooled: it goes back to the system
 *   as before, write-back again.
 * - Creating one (dxgkpm_pool_take()) takes from the pools of its cache
 *   type first, highest order first, only blocks that the request accepts:
 *   inside its physical windows, on its node (the device's, or with
 *   LOCAL_NODE_ONLY the calling CPU's; never another node's pool, so the
 *   page allocator's fallback rules stay the only ones), and for a request
 *   of contiguous runs, whole runs at the alignment it asks for.
 * - Memory pressure: a NUMA-aware shrinker gives pooled pages back to the
 *   page allocator, write-back again first (dxgkpm_pool_release()), and so
 *   does lowering pool_pages and unloading the module.
 *
 * Locking: each pool has a spinlock protecting its lists and counts; it is
 * a leaf lock: nothing else is taken under it and no two are held at once,
 * so it nests inside any dxgkpm lock a caller holds (pmo->lock). Clearing
 * and attribute changes run with no pool lock held, the clearing work
 * item's included. The global counts are atomics.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/highmem.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/nodemask.h>
#include <linux/seq_file.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/topology.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#ifdef CONFIG_X86
#include <asm/set_memory.h>
#endif

#include "compat.h"
#include "page/page.h"
#include "stats.h"

/* The cache types that are pooled: index of a pool's cache type. */
#define DXGKPM_POOL_WC		0
#define DXGKPM_POOL_UC		1
#define DXGKPM_POOL_WB		2
#define DXGKPM_POOL_CACHINGS	3
#define DXGKPM_POOL_ORDERS	(DXGKPM_MAX_ORDER + 1)

/* Blocks looked at per pool for a request with a window, under its lock. */
#define DXGKPM_POOL_SCAN	64

/* Pages made write-back again per set_pages_array_wb() call. */
#define DXGKPM_POOL_BATCH	64

/*
 * Pages cleared at a time by the work item or by the request that owns a
 * block (64 KiB): a 2 MiB block is 32 chunks the two share.
 */
#define DXGKPM_POOL_CHUNK_ORDER	4

/*
 * Smaller blocks are cleared by the call that frees them: waking the work
 * item would cost more than clearing them, and a block of less than two
 * chunks cannot be shared.
 */
#define DXGKPM_POOL_DEFER_ORDER	6

/*
 * Cached pages are pooled only in blocks of 2 MiB and more: what the page
 * allocator has least of, and what costs most to clear on the path of a
 * create (about 1 ms under TCG); the pool clears them off that path.
 * Smaller ones cost nothing to get again.
 */
#define DXGKPM_POOL_WB_ORDER	min_t(unsigned int, 9, DXGKPM_MAX_ORDER)

/*
 * A request takes pooled blocks of at least 1/8 of its size (up to the
 * largest order), as TTM's pool takes blocks only of the order it fills
 * at: the rest comes fresh from the page allocator in large blocks. Made
 * of the crumbs smaller objects left, a large object would stay a mixture
 * of small blocks from one life to the next: more blocks to clear one by
 * one, more segments to map, more pages to free.
 */
#define DXGKPM_POOL_CRUMB_SHIFT	3

/**
 * struct dxgkpm_pool_type - one pool: blocks of one cache type, order, node
 * @lock: protects the lists, counts and the block being cleared.
 * @blocks: the clean blocks, linked through the first page's lru; the one
 *	given last is first.
 * @dirty: the blocks still to be cleared, oldest first, the same way.
 * @nr: pages of the pool: in @blocks, in @dirty and @clr_page if the pool
 *	still owns it.
 * @nr_dirty: pages in @dirty.
 * @clr_page: the block being cleared in chunks (DXGKPM_POOL_CHUNK_ORDER),
 *	on neither list, or NULL. The work item and the request that owns it
 *	clear its chunks side by side.
 * @clr_next: chunks of @clr_page handed out so far.
 * @clr_left: chunks of @clr_page not cleared yet.
 * @clr_owned: a request took @clr_page: when its last chunk is cleared it
 *	is that request's, not the clean list's.
 */
struct dxgkpm_pool_type {
	spinlock_t lock;	/* leaf; see the top of this file */
	struct list_head blocks;
	struct list_head dirty;
	unsigned long nr;
	unsigned long nr_dirty;
	struct page *clr_page;
	unsigned int clr_next;
	unsigned int clr_left;
	bool clr_owned;
};

/* [node][cache type][order], nr_node_ids nodes; NULL before init. */
static struct dxgkpm_pool_type *dxgkpm_pools;
static struct shrinker *dxgkpm_pool_shrinker_p;
/* Pages in every pool of each node, for the shrinker's counts. */
static atomic_long_t *dxgkpm_pool_node_pages;

struct dxgkpm_pool_stats dxgkpm_pool_stats;

#define DXGKPM_POOL_DEFAULT_PAGES	(SZ_64M >> PAGE_SHIFT)

static unsigned long dxgkpm_pool_limit = DXGKPM_POOL_DEFAULT_PAGES;

static int dxgkpm_pool_param_set(const char *val,
				 const struct kernel_param *kp)
{
	int ret = param_set_ulong(val, kp);

	if (!ret)
		dxgkpm_pool_trim();
	return ret;
}

static const struct kernel_param_ops dxgkpm_pool_param_ops = {
	.set = dxgkpm_pool_param_set,
	.get = param_get_ulong,
};

module_param_cb(pool_pages, &dxgkpm_pool_param_ops, &dxgkpm_pool_limit,
		0644);
MODULE_PARM_DESC(pool_pages,
		 "Most write-combined and uncached pages kept for reuse (0: no pool; default 64 MiB worth)");

/* Blocks of at least this order are cleared off the path that frees them. */
static unsigned int dxgkpm_pool_defer_order = DXGKPM_POOL_DEFER_ORDER;
module_param_named(pool_defer_order, dxgkpm_pool_defer_order, uint, 0644);
MODULE_PARM_DESC(pool_defer_order,
		 "Clear freed blocks of at least 2^order pages in a work item, not in the call that frees them (default 6: 256 KiB; 11: never)");

static void dxgkpm_pool_clear_fn(struct work_struct *work);
static void dxgkpm_pool_clear(struct page *page, unsigned int order);
static DECLARE_WORK(dxgkpm_pool_clear_work, dxgkpm_pool_clear_fn);
/* Set by dxgkpm_pool_clear_pause(): the work item leaves blocks dirty. */
static bool dxgkpm_pool_clear_paused;
/* Woken each time a pool's block being cleared is finished. */
static DECLARE_WAIT_QUEUE_HEAD(dxgkpm_pool_cleared_wq);

static int dxgkpm_pool_index(enum dxgkpm_caching caching)
{
	switch (caching) {
	case DXGKPM_CACHING_WC:
		return DXGKPM_POOL_WC;
	case DXGKPM_CACHING_UNCACHED:
		return DXGKPM_POOL_UC;
	case DXGKPM_CACHING_CACHED:
		return DXGKPM_POOL_WB;
	default:
		return -1;
	}
}

/* The smallest block the pools of cache type @idx keep. */
static unsigned int dxgkpm_pool_min_order(int idx)
{
	return idx == DXGKPM_POOL_WB ? DXGKPM_POOL_WB_ORDER : 0;
}

static struct dxgkpm_pool_type *dxgkpm_pool_type(int nid, int idx,
						 unsigned int order)
{
	return &dxgkpm_pools[(nid * DXGKPM_POOL_CACHINGS + idx) *
			     DXGKPM_POOL_ORDERS + order];
}

/* Add one clean block of 2^@order pages with the pool's attribute. */
static void dxgkpm_pool_add(int idx, struct page *page, unsigned int order)
{
	int nid = page_to_nid(page);
	struct dxgkpm_pool_type *pt = dxgkpm_pool_type(nid, idx, order);

	spin_lock(&pt->lock);
	list_add(&page->lru, &pt->blocks);
	pt->nr += 1UL << order;
	spin_unlock(&pt->lock);
	atomic_long_add(1L << order, &dxgkpm_pool_node_pages[nid]);
}

/* The first of DXGKPM_POOL_SCAN blocks of @list that @fits, or NULL. */
static struct page *dxgkpm_pool_scan_list(struct list_head *list,
					  bool (*fits)(const struct dxgkpm_page_req *,
						       struct page *,
						       unsigned long),
					  const struct dxgkpm_page_req *req,
					  unsigned long count)
{
	unsigned int seen = 0;
	struct page *page;

	list_for_each_entry(page, list, lru) {
		if (fits(req, page, count))
			return page;
		if (++seen >= DXGKPM_POOL_SCAN)
			break;
	}
	return NULL;
}

/* Add one block of 2^@order pages that may hold data, for clearing. */
static void dxgkpm_pool_add_dirty(int idx, struct page *page,
				  unsigned int order)
{
	int nid = page_to_nid(page);
	struct dxgkpm_pool_type *pt = dxgkpm_pool_type(nid, idx, order);

	spin_lock(&pt->lock);
	list_add_tail(&page->lru, &pt->dirty);
	pt->nr += 1UL << order;
	pt->nr_dirty += 1UL << order;
	spin_unlock(&pt->lock);
	atomic_long_add(1L << order, &dxgkpm_pool_node_pages[nid]);
	atomic_long_add(1L << order, &dxgkpm_pool_stats.dirty);
}

/*
 * Queue the clearing work item on another CPU of the caller's node, where
 * there is one: the caller goes on with its own work, or clears its share
 * of a block, while that CPU clears. (On an unbound workqueue it would as
 * often start on the caller's CPU and only take turns with it.)
 */
static void dxgkpm_pool_kick(void)
{
	int this = get_cpu(), cpu;

	for_each_cpu_and(cpu, cpumask_of_node(cpu_to_node(this)),
			 cpu_online_mask)
		if (cpu != this)
			break;
	put_cpu();
	if (cpu < nr_cpu_ids)
		queue_work_on(cpu, system_wq, &dxgkpm_pool_clear_work);
	else
		queue_work(system_unbound_wq, &dxgkpm_pool_clear_work);
}

/* Chunks in a block of @order: one at least. */
static unsigned int dxgkpm_pool_chunks(unsigned int order)
{
	return 1U << (order - min_t(unsigned int, order,
				    DXGKPM_POOL_CHUNK_ORDER));
}

/*
 * Make @page (2^@order pages, on neither list of @pt) the block being
 * cleared; @owned when a request took it. Called with @pt->lock held and
 * @pt->clr_page NULL.
 */
static void dxgkpm_pool_start_clear(struct dxgkpm_pool_type *pt,
				    struct page *page, unsigned int order,
				    bool owned)
{
	pt->clr_page = page;
	pt->clr_next = 0;
	pt->clr_left = dxgkpm_pool_chunks(order);
	pt->clr_owned = owned;
}

/*
 * Clear one chunk of @pt's block being cleared (only if it is @only, when
 * not NULL), if one is left to hand out. The call that clears its last
 * chunk finishes the block: onto the clean list when the pool still owns
 * it, else to the request that took it, which is woken; a request that
 * finishes one queues the work item for the dirty blocks it passed by
 * meanwhile. Returns the pages cleared (0: nothing was left).
 */
static unsigned long dxgkpm_pool_clear_chunk(struct dxgkpm_pool_type *pt,
					     unsigned int order,
					     struct page *only)
{
	unsigned int shift = min_t(unsigned int, order,
				   DXGKPM_POOL_CHUNK_ORDER);
	bool finished = false, requeue = false;
	struct page *page;

	if (!READ_ONCE(pt->clr_page))
		return 0;
	spin_lock(&pt->lock);
	page = pt->clr_page;
	if (!page || (only && page != only) ||
	    pt->clr_next == dxgkpm_pool_chunks(order)) {
		spin_unlock(&pt->lock);
		return 0;
	}
	page += (unsigned long)pt->clr_next++ << shift;
	spin_unlock(&pt->lock);

	dxgkpm_pool_clear(page, shift);
	wmb();	/* drain the WC buffers before the block can be handed out */

	spin_lock(&pt->lock);
	if (!--pt->clr_left) {
		if (!pt->clr_owned) {
			list_add(&pt->clr_page->lru, &pt->blocks);
			atomic_long_sub(1L << order, &dxgkpm_pool_stats.dirty);
		}
		pt->clr_page = NULL;
		finished = true;
		/* The work item goes on to them itself. */
		requeue = only && pt->nr_dirty;
	}
	spin_unlock(&pt->lock);
	if (finished)
		wake_up_all(&dxgkpm_pool_cleared_wq);
	if (requeue)
		dxgkpm_pool_kick();
	return 1UL << shift;
}

/*
 * Make the oldest dirty block of @pt the block being cleared, if there is
 * one and no block is being cleared. Returns whether it did.
 */
static bool dxgkpm_pool_next_dirty(struct dxgkpm_pool_type *pt,
				   unsigned int order)
{
	struct page *page = NULL;

	if (!READ_ONCE(pt->nr_dirty) || READ_ONCE(pt->clr_page))
		return false;
	spin_lock(&pt->lock);
	if (!pt->clr_page)
		page = list_first_entry_or_null(&pt->dirty, struct page, lru);
	if (page) {
		list_del(&page->lru);
		pt->nr_dirty -= 1UL << order;
		dxgkpm_pool_start_clear(pt, page, order, false);
	}
	spin_unlock(&pt->lock);
	return page;
}

/*
 * The clearing work item: clears the chunks of each pool's block being
 * cleared, its own or the one a request is clearing (so that the two
 * share it), then the dirty blocks one by one, each put on its pool's
 * clean list when its last chunk is. A block being cleared is on neither
 * list but counted in the pool while the pool owns it: the shrinker passes
 * it by, and a request takes it over and clears the rest of it with the
 * work item (dxgkpm_pool_take_block()), so that a page freed just before
 * is not missed because it was being cleared.
 */
static void dxgkpm_pool_clear_fn(struct work_struct *work)
{
	struct dxgkpm_pool_type *pt;
	unsigned int order;
	int nid, idx;

	for_each_node(nid) {
		for (idx = 0; idx < DXGKPM_POOL_CACHINGS; idx++) {
			for (order = 0; order < DXGKPM_POOL_ORDERS; order++) {
				pt = dxgkpm_pool_type(nid, idx, order);
				if (READ_ONCE(dxgkpm_pool_clear_paused))
					return;
				/* A block it took on, it finishes. */
				do {
					while (dxgkpm_pool_clear_chunk(pt, order,
								       NULL))
						cond_resched();
				} while (!READ_ONCE(dxgkpm_pool_clear_paused) &&
					 dxgkpm_pool_next_dirty(pt, order));
			}
		}
	}
}

/**
 * dxgkpm_pool_flush() - wait until every block given so far is clean
 *
 * Blocks given while dxgkpm_pool_clear_pause() is in force stay dirty.
 *
 * Context: process context.
 */
void dxgkpm_pool_flush(void)
{
	flush_work(&dxgkpm_pool_clear_work);
}

/**
 * dxgkpm_pool_set_defer_order() - change pool_defer_order
 * @order: freed blocks of at least 2^@order pages are cleared in the work
 *	item; larger than DXGKPM_MAX_ORDER: all of them at once
 *
 * As writing the module parameter does.
 *
 * Context: any.
 * Return: the previous setting.
 */
unsigned int dxgkpm_pool_set_defer_order(unsigned int order)
{
	return xchg(&dxgkpm_pool_defer_order, order);
}

/**
 * dxgkpm_pool_clear_pause() - keep the clearing work item from running
 *
 * For tests: until dxgkpm_pool_clear_resume(), freed blocks stay dirty
 * and a request that takes one clears it alone. A run of the work item
 * under way is waited for.
 *
 * Context: process context.
 */
void dxgkpm_pool_clear_pause(void)
{
	WRITE_ONCE(dxgkpm_pool_clear_paused, true);
	flush_work(&dxgkpm_pool_clear_work);
}

/**
 * dxgkpm_pool_clear_resume() - undo dxgkpm_pool_clear_pause()
 *
 * Context: process context.
 */
void dxgkpm_pool_clear_resume(void)
{
	WRITE_ONCE(dxgkpm_pool_clear_paused, false);
	dxgkpm_pool_kick();
}

/* How a block came out of its pool (dxgkpm_pool_pick()). */
enum dxgkpm_pool_got {
	DXGKPM_POOL_GOT_CLEAN,	/* cleared already */
	DXGKPM_POOL_GOT_DIRTY,	/* the caller clears it alone */
	DXGKPM_POOL_GOT_SHARED,	/* @clr_page: the caller and the work item */
	DXGKPM_POOL_GOT_STARTED, /* the same, the work item not told yet */
};

/*
 * Take a block from @pt that @fits: a clean one if any; else, when the
 * caller may sleep, the block being cleared, or a dirty one made the
 * block being cleared, for the caller to clear with the work item; else a
 * dirty one for the caller to clear alone. At most DXGKPM_POOL_SCAN
 * blocks of each list are looked at; the pool's page counts drop by the
 * whole block.
 */
static struct page *dxgkpm_pool_pick(struct dxgkpm_pool_type *pt, int nid,
				     unsigned int order,
				     bool (*fits)(const struct dxgkpm_page_req *,
						  struct page *, unsigned long),
				     const struct dxgkpm_page_req *req,
				     unsigned long count, bool may_wait,
				     enum dxgkpm_pool_got *got)
{
	unsigned long n = 1UL << order;
	struct page *found;

	*got = DXGKPM_POOL_GOT_CLEAN;
	if (!READ_ONCE(pt->nr))
		return NULL;
	spin_lock(&pt->lock);
	found = dxgkpm_pool_scan_list(&pt->blocks, fits, req, count);
	if (found) {
		list_del(&found->lru);
	} else if (may_wait && pt->clr_page && !pt->clr_owned &&
		   fits(req, pt->clr_page, count)) {
		found = pt->clr_page;
		pt->clr_owned = true;
		*got = DXGKPM_POOL_GOT_SHARED;
	} else if (pt->nr_dirty) {
		found = dxgkpm_pool_scan_list(&pt->dirty, fits, req, count);
		if (found) {
			list_del(&found->lru);
			pt->nr_dirty -= n;
			*got = DXGKPM_POOL_GOT_DIRTY;
			if (may_wait && !pt->clr_page &&
			    dxgkpm_pool_chunks(order) > 1) {
				dxgkpm_pool_start_clear(pt, found, order, true);
				*got = DXGKPM_POOL_GOT_STARTED;
			}
		}
	}
	if (found)
		pt->nr -= n;
	spin_unlock(&pt->lock);
	if (found) {
		atomic_long_sub(n, &dxgkpm_pool_node_pages[nid]);
		atomic_long_sub(n, &dxgkpm_pool_stats.pages);
		if (*got != DXGKPM_POOL_GOT_CLEAN)
			atomic_long_sub(n, &dxgkpm_pool_stats.dirty);
	}
	return found;
}

/*
 * Clear the rest of @block, @pt's block being cleared, which the caller
 * took, with the work item (queued first if @kick: it is not on the block
 * yet), and wait for its last chunk. Returns the pages the caller
 * cleared.
 */
static unsigned long dxgkpm_pool_clear_shared(struct dxgkpm_pool_type *pt,
					      unsigned int order,
					      struct page *block, bool kick)
{
	unsigned long n, mine = 0;

	if (kick)
		dxgkpm_pool_kick();
	while ((n = dxgkpm_pool_clear_chunk(pt, order, block)))
		mine += n;
	wait_event(dxgkpm_pool_cleared_wq, READ_ONCE(pt->clr_page) != block);
	return mine;
}

/*
 * Give back to the pool pages [@first, @first + @count) of a taken block
 * that were not used: clean still, in the largest aligned blocks.
 */
static void dxgkpm_pool_put_range(int idx, struct page *first,
				  unsigned long count)
{
	unsigned long pfn = page_to_pfn(first), end = pfn + count;
	unsigned int order;

	while (pfn < end) {
		order = min_t(unsigned int, ilog2(end - pfn),
			      pfn ? __ffs(pfn) : DXGKPM_MAX_ORDER);
		order = min_t(unsigned int, order, DXGKPM_MAX_ORDER);
		atomic_long_add(1L << order, &dxgkpm_pool_stats.pages);
		dxgkpm_pool_add(idx, pfn_to_page(pfn), order);
		pfn += 1UL << order;
	}
}

/* A block for a request without runs: all of it in one window. */
static bool dxgkpm_pool_fits_pages(const struct dxgkpm_page_req *req,
				   struct page *page, unsigned long count)
{
	return dxgkpm_pages_range_ok(req, page_to_pfn(page), count);
}

/* A block whose first @count pages make a run the request accepts. */
static bool dxgkpm_pool_fits_run(const struct dxgkpm_page_req *req,
				 struct page *page, unsigned long count)
{
	unsigned long pfn = page_to_pfn(page);

	return IS_ALIGNED(pfn, max_t(pgoff_t, req->align, 1)) &&
	       dxgkpm_pages_range_ok(req, pfn, count);
}

/* The only node whose pools may serve @req (see the top of this file). */
static int dxgkpm_pool_node(const struct dxgkpm_page_req *req)
{
	if (req->flags & DXGKPM_ALLOC_LOCAL_NODE_ONLY)
		return numa_node_id();
	return req->nid != NUMA_NO_NODE ? req->nid : numa_node_id();
}

/*
 * Take @count pages (at most 2^@order) that @fits from a block of @order,
 * or else from a larger one whose first pages fit, giving the rest of that
 * block back. Returns the first page, or NULL.
 */
static struct page *dxgkpm_pool_take_block(const struct dxgkpm_page_req *req,
					   int nid, int idx, unsigned int order,
					   unsigned long count,
					   bool (*fits)(const struct dxgkpm_page_req *,
							struct page *,
							unsigned long))
{
	bool may_wait = !(req->flags & DXGKPM_ALLOC_NO_WAIT);
	struct dxgkpm_pool_type *pt;
	enum dxgkpm_pool_got got;
	unsigned long mine;
	struct page *block;
	unsigned int o;

	for (o = order; o <= DXGKPM_MAX_ORDER; o++) {
		pt = dxgkpm_pool_type(nid, idx, o);
		block = dxgkpm_pool_pick(pt, nid, o, fits, req, count,
					 may_wait, &got);
		if (!block)
			continue;
		mine = 0;
		if (got == DXGKPM_POOL_GOT_SHARED ||
		    got == DXGKPM_POOL_GOT_STARTED) {
			mine = dxgkpm_pool_clear_shared(pt, o, block,
							got == DXGKPM_POOL_GOT_STARTED);
		} else if (got == DXGKPM_POOL_GOT_DIRTY) {
			/* Its clearing has not come yet: do it here. */
			dxgkpm_pool_clear(block, o);
			wmb();	/* drain the WC buffers */
			mine = 1UL << o;
		}
		if (mine)
			atomic_long_add(mine,
					&dxgkpm_pool_stats.cleared_on_take);
		if ((1UL << o) > count)
			dxgkpm_pool_put_range(idx, block + count,
					      (1UL << o) - count);
		return block;
	}
	return NULL;
}

/**
 * dxgkpm_pool_take() - fill the start of a page array from the pools
 * @req: the request; @req->caching chooses the pools
 * @pages: array of @req->npages entries
 *
 * Highest order first, like the buddy allocator's path; a larger block is
 * split when no block of the order fits. For a request of runs only whole
 * runs are taken (the last one may be shorter, as the request's last run
 * is), so the rest of the array is filled by whole runs too. The pages are
 * zero and have @req->caching on the linear map; they are counted in
 * dxgkpm_stats (pages, pages_wc or pages_uc) as the object's. A block
 * taken dirty or while the work item clears it is cleared here first,
 * alone with DXGKPM_ALLOC_NO_WAIT, else with the work item, waiting for
 * its last chunk.
 *
 * Context: process context; may sleep unless @req has DXGKPM_ALLOC_NO_WAIT.
 * Return: the number of pages put at the start of @pages.
 */
pgoff_t dxgkpm_pool_take(const struct dxgkpm_page_req *req,
			 struct page **pages)
{
	int idx = dxgkpm_pool_index(req->caching);
	unsigned int order, min_order;
	unsigned long count, i;
	atomic_long_t *counter;
	struct page *block;
	pgoff_t done = 0;
	int nid;

	if (idx < 0 || !dxgkpm_pools || !READ_ONCE(dxgkpm_pool_limit) ||
	    !atomic_long_read(&dxgkpm_pool_stats.pages))
		return 0;
	min_order = dxgkpm_pool_min_order(idx);
	if (req->npages < (1UL << min_order))
		return 0;
	nid = dxgkpm_pool_node(req);
	if (nid < 0 || nid >= nr_node_ids)
		return 0;

	order = min_t(unsigned int, DXGKPM_MAX_ORDER, ilog2(req->npages));
	/* Not a large request out of crumbs: see DXGKPM_POOL_CRUMB_SHIFT. */
	if (req->run <= 1 && order > min_order + DXGKPM_POOL_CRUMB_SHIFT)
		min_order = order - DXGKPM_POOL_CRUMB_SHIFT;
	while (done < req->npages) {
		if (req->run > 1) {
			count = min_t(unsigned long, req->run,
				      req->npages - done);
			order = order_base_2(count);
			if (order > DXGKPM_MAX_ORDER || order < min_order)
				break;
			block = dxgkpm_pool_take_block(req, nid, idx, order,
						       count,
						       dxgkpm_pool_fits_run);
			if (!block)
				break;
		} else {
			order = min_t(unsigned int, order,
				      ilog2(req->npages - done));
			if (order < min_order)
				break;
			count = 1UL << order;
			block = dxgkpm_pool_take_block(req, nid, idx, order,
						       count,
						       dxgkpm_pool_fits_pages);
			if (!block) {
				if (order <= min_order)
					break;
				order--;
				continue;
			}
		}
		for (i = 0; i < count; i++)
			pages[done++] = block + i;
	}
	if (done) {
		atomic_long_add(done, &dxgkpm_stats.pages);
		counter = dxgkpm_caching_counter(req->caching);
		if (counter)
			atomic_long_add(done, counter);
		atomic_long_add(done, &dxgkpm_pool_stats.hits);
	}
	return done;
}

/* Whether nobody but the object holds @page, so it may be reused. */
static bool dxgkpm_pool_page_free(struct page *page)
{
	return page_count(page) == 1 && !PageHighMem(page);
}

/* Clear a block through its linear map (write-combined or uncached). */
static void dxgkpm_pool_clear(struct page *page, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++)
		clear_page(page_address(page + i));
}

/* The largest order, up to @order, there is room for; -1 if none. */
static int dxgkpm_pool_room(unsigned int order)
{
	long room = (long)READ_ONCE(dxgkpm_pool_limit) -
		    atomic_long_read(&dxgkpm_pool_stats.pages);

	if (room <= 0)
		return -1;
	return min_t(int, order, ilog2(room));
}

/* Reserve room for 2^@order pages under the bound. */
static bool dxgkpm_pool_reserve(unsigned int order)
{
	long n = 1L << order;

	if (atomic_long_add_return(n, &dxgkpm_pool_stats.pages) <=
	    (long)READ_ONCE(dxgkpm_pool_limit))
		return true;
	atomic_long_sub(n, &dxgkpm_pool_stats.pages);
	return false;
}

/**
 * dxgkpm_pool_give() - keep an object's pages in the pools
 * @pages: the object's pages, with @caching on the linear map
 * @npages: number of entries
 * @caching: their cache type
 * @clear: the pages may hold data (else they came from dxgkpm_pool_take()
 *	and were never used)
 *
 * Pages go to the pool of their node and cache type, as the largest
 * naturally aligned blocks of consecutive pages the array holds, while the
 * pools stay within pool_pages. With @clear they are cleared before
 * anybody takes them: here, or for blocks of at least 2^pool_defer_order
 * pages on the dirty lists, for the clearing work item. The pages that are
 * not kept (no pool for @caching, over the bound, or referenced elsewhere)
 * are moved to the start of @pages, in order, for the caller to make
 * write-back and free. Pooled pages leave dxgkpm_stats' pages and
 * pages_wc/pages_uc.
 *
 * Context: process context; takes pool spinlocks.
 * Return: the number of pages left at the start of @pages.
 */
pgoff_t dxgkpm_pool_give(struct page **pages, pgoff_t npages,
			 enum dxgkpm_caching caching, bool clear)
{
	unsigned int defer = READ_ONCE(dxgkpm_pool_defer_order);
	int idx = dxgkpm_pool_index(caching), min_order, room;
	bool cleared = false, deferred = false;
	pgoff_t i, j, left = 0, pooled = 0;
	unsigned long pfn, n, max;
	atomic_long_t *counter;
	unsigned int order;

	if (idx < 0 || !dxgkpm_pools || !READ_ONCE(dxgkpm_pool_limit))
		return npages;
	min_order = dxgkpm_pool_min_order(idx);

	for (i = 0; i < npages; i += n) {
		pfn = page_to_pfn(pages[i]);
		if (!dxgkpm_pool_page_free(pages[i])) {
			pages[left++] = pages[i];
			n = 1;
			continue;
		}
		/* The consecutive pages that follow, up to pfn's alignment. */
		max = 1UL << min_t(unsigned int, DXGKPM_MAX_ORDER,
				   pfn ? __ffs(pfn) : DXGKPM_MAX_ORDER);
		for (n = 1; n < max && i + n < npages &&
		     page_to_pfn(pages[i + n]) == pfn + n &&
		     dxgkpm_pool_page_free(pages[i + n]); n++)
			;
		/* [pfn, pfn + n) in aligned blocks, largest that has room. */
		for (j = 0; j < n; j += 1UL << order) {
			room = dxgkpm_pool_room(ilog2(n - j));
			order = room < 0 ? 0 : room;
			if (room < min_order || !dxgkpm_pool_reserve(order)) {
				memmove(&pages[left], &pages[i + j],
					(n - j) * sizeof(*pages));
				left += n - j;
				break;
			}
			if (clear && order >= defer) {
				dxgkpm_pool_add_dirty(idx, pages[i + j], order);
				deferred = true;
			} else {
				if (clear) {
					dxgkpm_pool_clear(pages[i + j], order);
					cleared = true;
				}
				dxgkpm_pool_add(idx, pages[i + j], order);
			}
			pooled += 1UL << order;
		}
	}
	if (cleared)
		wmb();	/* drain the WC buffers: the zeroes reach memory */
	if (deferred)
		dxgkpm_pool_kick();
	if (pooled) {
		atomic_long_sub(pooled, &dxgkpm_stats.pages);
		counter = dxgkpm_caching_counter(caching);
		if (counter)
			atomic_long_sub(pooled, counter);
	}
	return left;
}

/*
 * Make a batch of pooled pages write-back, unless they are (@wb), and free
 * them; leak them if that fails.
 */
static void dxgkpm_pool_free_batch(struct page **batch, unsigned int n,
				   bool wb)
{
	unsigned int i;

	if (!n)
		return;
#ifdef CONFIG_X86
	if (!wb && set_pages_array_wb(batch, n)) {
		pr_err("cannot make %u pooled pages write-back again; leaking them\n",
		       n);
		return;
	}
#endif
	for (i = 0; i < n; i++)
		__free_page(batch[i]);
}

/*
 * Give the blocks on @list (linked through lru; @order each) back to the
 * page allocator, write-back again, DXGKPM_POOL_BATCH pages per attribute
 * change.
 */
static void dxgkpm_pool_release(struct list_head *list, int idx,
				unsigned int order)
{
	bool wb = idx == DXGKPM_POOL_WB;
	struct page *batch[DXGKPM_POOL_BATCH];
	struct page *page, *next;
	unsigned int n = 0;
	unsigned long i;

	list_for_each_entry_safe(page, next, list, lru) {
		list_del(&page->lru);
		for (i = 0; i < (1UL << order); i++) {
			batch[n++] = page + i;
			if (n == DXGKPM_POOL_BATCH) {
				dxgkpm_pool_free_batch(batch, n, wb);
				n = 0;
			}
		}
	}
	dxgkpm_pool_free_batch(batch, n, wb);
}

/*
 * Free at least @nr pages (whole blocks) of node @nid's pools, largest
 * blocks first (what the page allocator lacks most), or all of them when
 * @nr is ULONG_MAX. Returns the number of pages freed.
 */
static unsigned long dxgkpm_pool_shrink_node(int nid, unsigned long nr)
{
	struct dxgkpm_pool_type *pt;
	unsigned long freed = 0, taken, dirty;
	struct page *page;
	int idx, order;
	LIST_HEAD(list);

	for (order = DXGKPM_MAX_ORDER; order >= 0 && freed < nr; order--) {
		for (idx = 0; idx < DXGKPM_POOL_CACHINGS && freed < nr; idx++) {
			pt = dxgkpm_pool_type(nid, idx, order);
			taken = 0;
			dirty = 0;
			spin_lock(&pt->lock);
			/* Dirty blocks first: nobody has to clear them now. */
			while (freed + taken < nr && !list_empty(&pt->dirty)) {
				page = list_first_entry(&pt->dirty,
							struct page, lru);
				list_move(&page->lru, &list);
				taken += 1UL << order;
				dirty += 1UL << order;
			}
			while (freed + taken < nr && !list_empty(&pt->blocks)) {
				page = list_first_entry(&pt->blocks,
							struct page, lru);
				list_move(&page->lru, &list);
				taken += 1UL << order;
			}
			pt->nr -= taken;
			pt->nr_dirty -= dirty;
			spin_unlock(&pt->lock);
			if (!taken)
				continue;
			atomic_long_sub(taken, &dxgkpm_pool_node_pages[nid]);
			atomic_long_sub(taken, &dxgkpm_pool_stats.pages);
			atomic_long_sub(dirty, &dxgkpm_pool_stats.dirty);
			dxgkpm_pool_release(&list, idx, order);
			freed += taken;
		}
	}
	return freed;
}

/**
 * dxgkpm_pool_shrink() - give pooled pages back to the page allocator
 * @nr: pages to free at least (whole blocks), ULONG_MAX for all
 *
 * The clearing work item is waited for first, so that no block it holds
 * escapes.
 *
 * Context: process context.
 * Return: the number of pages freed.
 */
unsigned long dxgkpm_pool_shrink(unsigned long nr)
{
	unsigned long freed = 0;
	int nid;

	if (!dxgkpm_pools)
		return 0;
	dxgkpm_pool_flush();
	for_each_node(nid) {
		if (freed >= nr)
			break;
		freed += dxgkpm_pool_shrink_node(nid, nr - freed);
	}
	return freed;
}

/**
 * dxgkpm_pool_trim() - shrink the pools to the pool_pages bound
 *
 * Context: process context.
 */
void dxgkpm_pool_trim(void)
{
	long over = atomic_long_read(&dxgkpm_pool_stats.pages) -
		    (long)READ_ONCE(dxgkpm_pool_limit);

	if (over > 0)
		dxgkpm_pool_shrink(over);
}

/**
 * dxgkpm_pool_set_limit() - change the pool_pages bound
 * @pages: the new bound, in pages; 0 disables pooling
 *
 * As writing the module parameter does: the pools shrink to the new bound
 * at once.
 *
 * Context: process context.
 * Return: the previous bound.
 */
unsigned long dxgkpm_pool_set_limit(unsigned long pages)
{
	unsigned long old = xchg(&dxgkpm_pool_limit, pages);

	dxgkpm_pool_trim();
	return old;
}

static unsigned long dxgkpm_pool_count(struct shrinker *shrink,
				       struct shrink_control *sc)
{
	long n = atomic_long_read(&dxgkpm_pool_node_pages[sc->nid]);

	return n > 0 ? n : SHRINK_EMPTY;
}

static unsigned long dxgkpm_pool_scan(struct shrinker *shrink,
				      struct shrink_control *sc)
{
	unsigned long freed = dxgkpm_pool_shrink_node(sc->nid,
						      sc->nr_to_scan);

	atomic_long_add(freed, &dxgkpm_pool_stats.reclaimed);
	sc->nr_scanned = freed;
	return freed ? freed : SHRINK_STOP;
}

/**
 * dxgkpm_pool_shrinker() - the pools' shrinker (for tests)
 *
 * Context: any.
 * Return: the registered shrinker, or NULL before dxgkpm_pool_init().
 */
struct shrinker *dxgkpm_pool_shrinker(void)
{
	return dxgkpm_pool_shrinker_p;
}

/**
 * dxgkpm_pool_show() - the pools' counts, for debugfs
 * @m: the file
 *
 * Context: process context.
 */
void dxgkpm_pool_show(struct seq_file *m)
{
	static const char * const names[] = {
		"write-combined", "uncached", "cached",
	};
	struct dxgkpm_pool_type *pt;
	int nid, idx, order;

	seq_printf(m, "limit %lu\npages %ld\ndirty %ld\nhits %ld\nmisses %ld\nreclaimed %ld\nset_caching %ld\ncleared_on_take %ld\n",
		   READ_ONCE(dxgkpm_pool_limit),
		   atomic_long_read(&dxgkpm_pool_stats.pages),
		   atomic_long_read(&dxgkpm_pool_stats.dirty),
		   atomic_long_read(&dxgkpm_pool_stats.hits),
		   atomic_long_read(&dxgkpm_pool_stats.misses),
		   atomic_long_read(&dxgkpm_pool_stats.reclaimed),
		   atomic_long_read(&dxgkpm_pool_stats.set_caching),
		   atomic_long_read(&dxgkpm_pool_stats.cleared_on_take));
	if (!dxgkpm_pools)
		return;
	seq_puts(m, "node caching        ");
	for (order = 0; order < DXGKPM_POOL_ORDERS; order++)
		seq_printf(m, " %6d", order);
	seq_putc(m, '\n');
	for_each_node(nid) {
		for (idx = 0; idx < DXGKPM_POOL_CACHINGS; idx++) {
			seq_printf(m, "%4d %-15s", nid, names[idx]);
			for (order = 0; order < DXGKPM_POOL_ORDERS; order++) {
				pt = dxgkpm_pool_type(nid, idx, order);
				seq_printf(m, " %6lu", READ_ONCE(pt->nr));
			}
			seq_putc(m, '\n');
		}
	}
}

/**
 * dxgkpm_pool_init() - set the pools up and register their shrinker
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int dxgkpm_pool_init(void)
{
	size_t n = (size_t)nr_node_ids * DXGKPM_POOL_CACHINGS *
		   DXGKPM_POOL_ORDERS;
	struct dxgkpm_pool_type *pools;
	size_t i;

	pools = kvcalloc(n, sizeof(*pools), GFP_KERNEL);
	if (!pools)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		spin_lock_init(&pools[i].lock);
		INIT_LIST_HEAD(&pools[i].blocks);
		INIT_LIST_HEAD(&pools[i].dirty);
	}
	dxgkpm_pool_node_pages = kvcalloc(nr_node_ids,
					  sizeof(*dxgkpm_pool_node_pages),
					  GFP_KERNEL);
	if (!dxgkpm_pool_node_pages)
		goto err_free_pools;
	dxgkpm_pool_shrinker_p = dxgkpm_shrinker_create("dxgkpm-pool",
							dxgkpm_pool_count,
							dxgkpm_pool_scan);
	if (!dxgkpm_pool_shrinker_p)
		goto err_free_counts;
	/* Published last: the pools are used once this is set. */
	smp_store_release(&dxgkpm_pools, pools);
	return 0;

err_free_counts:
	kvfree(dxgkpm_pool_node_pages);
	dxgkpm_pool_node_pages = NULL;
err_free_pools:
	kvfree(pools);
	return -ENOMEM;
}

/**
 * dxgkpm_pool_exit() - give every pooled page back and free the pools
 *
 * Context: module exit, once no object is left.
 */
void dxgkpm_pool_exit(void)
{
	dxgkpm_shrinker_destroy(dxgkpm_pool_shrinker_p);
	dxgkpm_pool_shrinker_p = NULL;
	cancel_work_sync(&dxgkpm_pool_clear_work);
	dxgkpm_pool_shrink(ULONG_MAX);
	WARN_ON(atomic_long_read(&dxgkpm_pool_stats.pages));
	WARN_ON(atomic_long_read(&dxgkpm_pool_stats.dirty));
	kvfree(dxgkpm_pools);
	dxgkpm_pools = NULL;
	kvfree(dxgkpm_pool_node_pages);
	dxgkpm_pool_node_pages = NULL;
}
