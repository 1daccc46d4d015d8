/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The page provider layer (page/): pages from the page allocator with the
 * cache type they get on the linear map (provider.c), the pools that keep
 * write-combined and uncached pages for reuse (pool.c), and a caller's
 * page frames (pfns.c). It knows pages, not the objects above it.
 */
#ifndef _DXGKPM_PAGE_H
#define _DXGKPM_PAGE_H

#include <linux/atomic.h>
#include <linux/mm_types.h>
#include <linux/types.h>

#include <dxgkpm/dxgkpm.h>

/* page/provider.c: the page provider */

/**
 * struct dxgkpm_page_req - what a page-backed object needs
 * @npages: number of pages.
 * @low: lowest acceptable physical address.
 * @high: highest acceptable physical address (inclusive).
 * @skip: 0, or the distance between successive acceptable windows
 *	[@low + k * @skip, @high + k * @skip] (MmAllocatePagesForMdlEx's
 *	SkipBytes); a page is acceptable inside any of them.
 * @run: 0 or 1 for no contiguity; else the array is made of runs of @run
 *	physically consecutive pages (the last one may be shorter).
 * @align: alignment of each run's first page, in pages (a power of two).
 * @boundary: 0, or a power of two (bytes) no run may cross.
 * @flags: DXGKPM_ALLOC_* flags.
 * @nid: the node to take pages from while it has them (the adapter's, from
 *	dxgkpm_pages_node()), or NUMA_NO_NODE.
 * @caching: the cache type the pages get on the linear map (and the pools
 *	they may come from).
 */
struct dxgkpm_page_req {
	pgoff_t npages;
	phys_addr_t low;
	phys_addr_t high;
	phys_addr_t skip;
	pgoff_t run;
	pgoff_t align;
	phys_addr_t boundary;
	u32 flags;
	int nid;
	enum dxgkpm_caching caching;
};

int dxgkpm_pages_node(struct device *dev);
bool dxgkpm_pages_window_ok(phys_addr_t low, phys_addr_t high,
			    phys_addr_t bytes);
bool dxgkpm_pages_range_ok(const struct dxgkpm_page_req *req,
			   unsigned long pfn, unsigned long count);
int dxgkpm_pages_alloc(const struct dxgkpm_page_req *req, struct page **pages);
void dxgkpm_pages_free(struct page **pages, pgoff_t npages);
int dxgkpm_pages_get_pfns(const unsigned long *pfns, pgoff_t npages,
			  struct page **pages);
void dxgkpm_pages_put_pfns(struct page **pages, pgoff_t npages);
void dxgkpm_pages_release(struct page **pages, pgoff_t npages,
			  enum dxgkpm_caching caching, bool used);
atomic_long_t *dxgkpm_caching_counter(enum dxgkpm_caching caching);
bool dxgkpm_caching_changes(enum dxgkpm_caching caching);
int dxgkpm_pages_set_caching(struct page **pages, pgoff_t npages,
			     enum dxgkpm_caching caching);
int dxgkpm_pages_restore_caching(struct page **pages, pgoff_t npages,
				 enum dxgkpm_caching caching);
pgprot_t dxgkpm_pgprot(enum dxgkpm_caching caching, pgprot_t prot);

/* pool.c: write-combined and uncached pages kept for reuse */

/**
 * struct dxgkpm_pool_stats - what the page pools did (debugfs "pool")
 * @pages: pages in the pools now, every node and cache type.
 * @dirty: of those, pages still to be cleared (pool_defer_order).
 * @hits: pages handed out from the pools, since load.
 * @misses: pages of write-combined and uncached objects that came fresh
 *	from the page allocator instead (and paid an attribute change).
 * @reclaimed: pages the shrinker gave back to the page allocator.
 * @set_caching: set_pages_array_wc()/_uc() calls made for objects and
 *	sections (dxgkpm_pages_set_caching()), each a TLB flush on every CPU.
 * @cleared_on_take: pages of dirty blocks a request cleared itself, alone
 *	or sharing a block with the work item, since load.
 */
struct dxgkpm_pool_stats {
	atomic_long_t pages;
	atomic_long_t dirty;
	atomic_long_t hits;
	atomic_long_t misses;
	atomic_long_t reclaimed;
	atomic_long_t set_caching;
	atomic_long_t cleared_on_take;
};

extern struct dxgkpm_pool_stats dxgkpm_pool_stats;

struct seq_file;
struct shrinker;
pgoff_t dxgkpm_pool_take(const struct dxgkpm_page_req *req,
			 struct page **pages);
pgoff_t dxgkpm_pool_give(struct page **pages, pgoff_t npages,
			 enum dxgkpm_caching caching, bool clear);
unsigned long dxgkpm_pool_shrink(unsigned long nr);
void dxgkpm_pool_flush(void);
/* A pool_defer_order under which every block is cleared on free. */
#define DXGKPM_POOL_DEFER_NEVER	UINT_MAX
unsigned int dxgkpm_pool_set_defer_order(unsigned int order);
void dxgkpm_pool_clear_pause(void);
void dxgkpm_pool_clear_resume(void);
void dxgkpm_pool_trim(void);
unsigned long dxgkpm_pool_set_limit(unsigned long pages);
struct shrinker *dxgkpm_pool_shrinker(void);
void dxgkpm_pool_show(struct seq_file *m);
int dxgkpm_pool_init(void);
void dxgkpm_pool_exit(void);

#endif /* _DXGKPM_PAGE_H */
