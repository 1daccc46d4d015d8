// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite "dxgkpm_pool": the page pools (dxgkpm/page/pool.c). A freed
 * write-combined or uncached object's pages come back to the next object
 * of the same cache type without an attribute change (counted by
 * dxgkpm_pool_stats.set_caching, not timed), still of their type on the
 * linear map (x86 PAT bits, as dxgkpm_pmo reads them) and zeroed, whether
 * the freeing call, the clearing work item or the taker cleared them; the
 * pools of the two types and cached pages never mix; a request's physical
 * window, node, runs and alignment decide which pooled pages it may take;
 * the shrinker gives pages back write-back again; the pool_pages bound
 * holds; and allocation failures with pooled pages leak nothing, in the
 * DXGK create (dxgkpm_pool_failnth) and in the page provider's own fill
 * (dxgkpm_pool_failed_fill).
 *
 * Every case starts from empty pools with a bound of its own
 * (dxgkpm_kt_pool_limit()), so what ran before does not matter. The
 * machine has one NUMA node: the node cases check that the pools serve
 * the node a request names and count pages per node as the shrinker asks
 * for them, not a second node's refusal.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/shrinker.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/topology.h>
#include <asm/memtype.h>

#include "dma_helpers.h"
#include "failnth.h"

#define PL_PAGES	4U
#define PL_LIMIT	1024UL
#define PL_SEED		0x9001c0deU

#define PL_UC	DXGK_MEMORY_CACHING_TYPE_NON_CACHED
#define PL_WB	DXGK_MEMORY_CACHING_TYPE_CACHED
#define PL_WC	DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED

#define PL_STAT(counter) atomic_long_read(&dxgkpm_pool_stats.counter)

/**
 * struct pl_obj - one object of a case
 * @h: hPhysicalMemoryObject
 * @npages: its pages
 * @pfn: page frame number of each
 */
struct pl_obj {
	HANDLE h;
	unsigned int npages;
	unsigned long pfn[64];
};

static const DXGK_MEMORY_CACHING_TYPE pl_cachings[] = { PL_WC, PL_UC };

static void pl_caching_desc(const DXGK_MEMORY_CACHING_TYPE *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s",
		 *c == PL_WC ? "write-combined" : "uncached");
}

KUNIT_ARRAY_PARAM(pl_caching, pl_cachings, pl_caching_desc);

/* The cache bits (4 KiB layout) of the linear map of @page, or ~0. */
static unsigned long pl_bits(struct page *page)
{
	unsigned long addr = (unsigned long)page_address(page);
	unsigned int level;
	pgprotval_t val;
	pte_t *pte;

	pte = lookup_address(addr, &level);
	if (!pte || !pte_present(*pte))
		return ~0UL;
	val = pte_val(*pte);
	if (level != PG_LEVEL_4K)
		val = protval_large_2_4k(val);
	return val & _PAGE_CACHE_MASK;
}

static unsigned long pl_want(DXGK_MEMORY_CACHING_TYPE cache)
{
	switch (cache) {
	case PL_UC:
		return cachemode2protval(_PAGE_CACHE_MODE_UC_MINUS);
	case PL_WC:
		return cachemode2protval(_PAGE_CACHE_MODE_WC);
	default:
		return cachemode2protval(_PAGE_CACHE_MODE_WB);
	}
}

/* An adapter, PAT on, and empty pools bounded by @limit pages. */
static struct dxgkpm_kt *pl_setup(struct kunit *test, unsigned long limit)
{
	struct dxgkpm_kt *kt = dxgkpm_kt_setup(test, 0);

	KUNIT_ASSERT_TRUE(test, pat_enabled());
	dxgkpm_kt_pool_limit(test, limit);
	KUNIT_ASSERT_EQ(test, PL_STAT(pages), 0L);
	return kt;
}

/* Create an MDL object of @npages anywhere: its handle, its object pinned. */
static struct dxgkpm_pmo *pl_create_pmo(struct kunit *test,
					struct dxgkpm_kt *kt,
					DXGK_MEMORY_CACHING_TYPE cache,
					unsigned int npages, HANDLE *h)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;
	struct dxgkpm_pmo *pmo;

	dxgkpm_dkt_args(&c, kt, false, DXGK_PHYSICAL_MEMORY_TYPE_MDL, cache,
			npages * PAGE_SIZE);
	c.Mdl.LowAddress.QuadPart = 0;
	dxgkpm_call_create(test, kt, &c);
	*h = c.hPhysicalMemoryObject;
	pmo = dxgkpm_pmo_get_handle(dxgkpm_handle_to_u64(*h));
	KUNIT_ASSERT_NOT_NULL(test, pmo);
	return pmo;
}

/* Create an MDL object of @npages anywhere; record its pages. */
static void pl_create(struct kunit *test, struct dxgkpm_kt *kt,
		      struct pl_obj *obj, DXGK_MEMORY_CACHING_TYPE cache,
		      unsigned int npages)
{
	struct dxgkpm_pmo *pmo;
	unsigned int i;

	KUNIT_ASSERT_LE(test, npages, (unsigned int)ARRAY_SIZE(obj->pfn));
	pmo = pl_create_pmo(test, kt, cache, npages, &obj->h);
	obj->npages = npages;
	for (i = 0; i < npages; i++)
		obj->pfn[i] = page_to_pfn(pmo->mem.pages[i]);
	dxgkpm_pmo_put(pmo);
}

static void pl_destroy(struct dxgkpm_kt *kt, struct pl_obj *obj)
{
	DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT d = {
		.hPhysicalMemoryObject = obj->h,
	};

	kt->iface.DxgkCbDestroyPhysicalMemoryObject(&d);
}

/* Leave the pages of an object of PL_PAGES in the (empty) pools. */
static void pl_leave_small(struct kunit *test, struct dxgkpm_kt *kt,
			   struct pl_obj *obj, DXGK_MEMORY_CACHING_TYPE cache)
{
	pl_create(test, kt, obj, cache, PL_PAGES);
	pl_destroy(kt, obj);
	KUNIT_ASSERT_EQ(test, PL_STAT(pages), (long)PL_PAGES);
}

static bool pl_has(const struct pl_obj *obj, unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < obj->npages; i++)
		if (obj->pfn[i] == pfn)
			return true;
	return false;
}

/* Every page of @obj has the linear-map cache bits of @cache. */
static void pl_expect_bits(struct kunit *test, const struct pl_obj *obj,
			   DXGK_MEMORY_CACHING_TYPE cache, const char *when)
{
	unsigned int i;

	for (i = 0; i < obj->npages; i++)
		KUNIT_EXPECT_EQ_MSG(test, pl_bits(pfn_to_page(obj->pfn[i])),
				    pl_want(cache), "%s: page %u (pfn %#lx)",
				    when, i, obj->pfn[i]);
}

/*
 * The point of the pools: a second create of the cache type reuses the
 * first object's pages without an attribute change. The first create
 * makes one set_pages_array_wc/uc call; its Destroy pools all its pages,
 * still of their type on the linear map, out of dxgkpm_stats.pages; the
 * second create makes no call, takes exactly those pages (hits) and leaves
 * the pools empty. Passes if all of that holds.
 */
static void dxgkpm_pool_reuse(struct kunit *test)
{
	const DXGK_MEMORY_CACHING_TYPE *cache = test->param_value;
	struct pl_obj a, b;
	long calls, hits;
	unsigned int i;

	struct dxgkpm_kt *kt = pl_setup(test, PL_LIMIT);

	calls = PL_STAT(set_caching);
	pl_create(test, kt, &a, *cache, PL_PAGES);
	KUNIT_EXPECT_EQ(test, PL_STAT(set_caching) - calls, 1L);
	pl_destroy(kt, &a);
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), (long)PL_PAGES);
	dxgkpm_kt_expect_no_memory(test);
	pl_expect_bits(test, &a, *cache, "pooled");

	calls = PL_STAT(set_caching);
	hits = PL_STAT(hits);
	pl_create(test, kt, &b, *cache, PL_PAGES);
	KUNIT_EXPECT_EQ_MSG(test, PL_STAT(set_caching) - calls, 0L,
			    "a create from the pool changed the linear map");
	KUNIT_EXPECT_EQ(test, PL_STAT(hits) - hits, (long)PL_PAGES);
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), 0L);
	for (i = 0; i < PL_PAGES; i++)
		KUNIT_EXPECT_TRUE_MSG(test, pl_has(&a, b.pfn[i]),
				      "page %u (pfn %#lx) is not a pooled one",
				      i, b.pfn[i]);
	pl_expect_bits(test, &b, *cache, "reused");
	pl_destroy(kt, &b);
	dxgkpm_pool_shrink(ULONG_MAX);
	dxgkpm_kt_expect_no_memory(test);
}

/* Pages of a 2 MiB block. */
#define PL_BLOCK	(SZ_2M >> PAGE_SHIFT)

/*
 * Create an MDL object of @npages anywhere; its handle, and in *@pfn the
 * frame of its first page if its pages are one run of consecutive frames,
 * else 0.
 */
static HANDLE pl_create_run(struct kunit *test, struct dxgkpm_kt *kt,
			    DXGK_MEMORY_CACHING_TYPE cache,
			    unsigned int npages, unsigned long *pfn)
{
	struct dxgkpm_pmo *pmo;
	unsigned int i;
	HANDLE h;

	pmo = pl_create_pmo(test, kt, cache, npages, &h);
	*pfn = page_to_pfn(pmo->mem.pages[0]);
	for (i = 1; i < npages; i++)
		if (page_to_pfn(pmo->mem.pages[i]) != *pfn + i)
			*pfn = 0;
	dxgkpm_pmo_put(pmo);
	return h;
}

/*
 * Cached pages are pooled in 2 MiB blocks only: a cached object of
 * PL_PAGES leaves nothing in the pools; a cached object of 2 MiB, one
 * block, filled with a pattern and destroyed, leaves its block there, out
 * of dxgkpm_stats.pages; the next cached 2 MiB create takes that very
 * block (hits), cleared. Passes if so.
 */
static void dxgkpm_pool_cached_blocks(struct kunit *test)
{
	struct dxgkpm_dkt_obj view = { .size = SZ_2M };
	struct pl_obj small, a = { }, b = { };
	unsigned long pfn_a, pfn_b;
	unsigned int i;
	long hits;

	struct dxgkpm_kt *kt = pl_setup(test, PL_LIMIT);

	pl_create(test, kt, &small, PL_WB, PL_PAGES);
	pl_destroy(kt, &small);
	KUNIT_EXPECT_EQ_MSG(test, PL_STAT(pages), 0L,
			    "the pages of a small cached object were pooled");

	a.h = pl_create_run(test, kt, PL_WB, PL_BLOCK, &pfn_a);
	KUNIT_ASSERT_NE_MSG(test, pfn_a, 0UL,
			    "a fresh 2 MiB object is not one block");
	view.kt = kt;
	view.pmo = a.h;
	dxgkpm_dkt_map(test, &view);
	dxgkpm_dkt_fill_pages(&view, 0, PL_BLOCK, PL_SEED);
	dxgkpm_dkt_unmap(test, &view);
	pl_destroy(kt, &a);
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), (long)PL_BLOCK);
	dxgkpm_kt_expect_no_memory(test);

	hits = PL_STAT(hits);
	b.h = pl_create_run(test, kt, PL_WB, PL_BLOCK, &pfn_b);
	KUNIT_EXPECT_EQ_MSG(test, pfn_b, pfn_a, "the pooled block was not reused");
	KUNIT_EXPECT_EQ(test, PL_STAT(hits) - hits, (long)PL_BLOCK);
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), 0L);
	view.pmo = b.h;
	dxgkpm_dkt_map(test, &view);
	for (i = 0; i < PL_BLOCK; i++)
		dxgkpm_dkt_expect_zero_page(test, &view, i);
	dxgkpm_dkt_unmap(test, &view);
	pl_destroy(kt, &b);
	dxgkpm_pool_shrink(ULONG_MAX);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * A large create is not made of the crumbs of small objects: with the
 * write-combined pool holding only a PL_PAGES object's pages, a 2 MiB
 * create takes none of them (its pages come fresh, as one block) and
 * leaves them pooled, and a create of PL_PAGES then takes them. Passes if
 * so.
 */
static void dxgkpm_pool_no_crumbs(struct kunit *test)
{
	struct pl_obj small, big = { }, again;
	unsigned long pfn;
	unsigned int i;
	long hits;

	struct dxgkpm_kt *kt = pl_setup(test, PL_LIMIT);

	pl_leave_small(test, kt, &small, PL_WC);

	hits = PL_STAT(hits);
	big.h = pl_create_run(test, kt, PL_WC, PL_BLOCK, &pfn);
	KUNIT_EXPECT_EQ_MSG(test, PL_STAT(hits), hits,
			    "a 2 MiB create took a small object's pooled pages");
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), (long)PL_PAGES);
	KUNIT_EXPECT_NE_MSG(test, pfn, 0UL,
			    "a fresh 2 MiB object is not one block");
	pl_destroy(kt, &big);

	pl_create(test, kt, &again, PL_WC, PL_PAGES);
	for (i = 0; i < PL_PAGES; i++)
		KUNIT_EXPECT_TRUE_MSG(test, pl_has(&small, again.pfn[i]),
				      "page %u is not one the small object left",
				      i);
	pl_destroy(kt, &again);
	dxgkpm_pool_shrink(ULONG_MAX);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * The pools of the two cache types, and cached pages, never mix: pooled
 * uncached pages do not serve a write-combined create (it changes the
 * attribute of fresh pages instead, and none of them is an uncached one),
 * and a small cached object's pages are not pooled, so a write-combined create
 * after one still makes its attribute change and gets write-combined
 * pages. Passes if so.
 */
static void dxgkpm_pool_cachings_apart(struct kunit *test)
{
	struct pl_obj *uc, *wc, *wb;
	unsigned int i;
	long calls;

	struct dxgkpm_kt *kt = pl_setup(test, PL_LIMIT);

	/* Off the stack: three of them are too much for it under KASAN. */
	uc = kunit_kzalloc(test, 3 * sizeof(*uc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, uc);
	wc = uc + 1;
	wb = uc + 2;

	pl_leave_small(test, kt, uc, PL_UC);

	calls = PL_STAT(set_caching);
	pl_create(test, kt, wc, PL_WC, PL_PAGES);
	KUNIT_EXPECT_EQ(test, PL_STAT(set_caching) - calls, 1L);
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), (long)PL_PAGES);
	for (i = 0; i < PL_PAGES; i++)
		KUNIT_EXPECT_FALSE_MSG(test, pl_has(uc, wc->pfn[i]),
				       "write-combined page %u was pooled uncached",
				       i);
	pl_expect_bits(test, wc, PL_WC, "write-combined");
	pl_expect_bits(test, uc, PL_UC, "pooled uncached");
	pl_destroy(kt, wc);
	dxgkpm_pool_shrink(ULONG_MAX);

	pl_create(test, kt, wb, PL_WB, PL_PAGES);
	pl_destroy(kt, wb);
	KUNIT_EXPECT_EQ_MSG(test, PL_STAT(pages), 0L, "cached pages were pooled");
	calls = PL_STAT(set_caching);
	pl_create(test, kt, wc, PL_WC, PL_PAGES);
	KUNIT_EXPECT_EQ(test, PL_STAT(set_caching) - calls, 1L);
	pl_expect_bits(test, wc, PL_WC, "write-combined after cached");
	pl_destroy(kt, wc);
	dxgkpm_pool_shrink(ULONG_MAX);
	dxgkpm_kt_expect_no_memory(test);
}

/* Who clears a freed page before it is handed out again. */
enum pl_clearer {
	PL_CLEAR_ON_FREE,	/* pool_defer_order off: the freeing call */
	PL_CLEAR_LATER,		/* the clearing work item */
	PL_CLEAR_ON_TAKE,	/* the request that takes it still dirty */
	PL_CLEAR_SHARED,	/* the work item and the request, racing */
};

struct pl_clear_case {
	DXGK_MEMORY_CACHING_TYPE cache;
	enum pl_clearer clearer;
	unsigned int npages;
};

/* 64 pages: one block of four chunks, which the clearers may share. */
static const struct pl_clear_case pl_clear_cases[] = {
	{ PL_WC, PL_CLEAR_ON_FREE, PL_PAGES },
	{ PL_WC, PL_CLEAR_LATER, PL_PAGES },
	{ PL_WC, PL_CLEAR_ON_TAKE, PL_PAGES },
	{ PL_UC, PL_CLEAR_ON_FREE, PL_PAGES },
	{ PL_UC, PL_CLEAR_LATER, PL_PAGES },
	{ PL_UC, PL_CLEAR_ON_TAKE, PL_PAGES },
	{ PL_WC, PL_CLEAR_LATER, 64 },
	{ PL_WC, PL_CLEAR_ON_TAKE, 64 },
	{ PL_WC, PL_CLEAR_SHARED, 64 },
	{ PL_UC, PL_CLEAR_SHARED, 64 },
};

static void pl_clear_desc(const struct pl_clear_case *c, char *desc)
{
	static const char *const who[] = {
		"cleared on free", "cleared by the work item",
		"cleared by the taker", "cleared by the work item and the taker",
	};

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s, %u pages, %s",
		 c->cache == PL_WC ? "write-combined" : "uncached", c->npages,
		 who[c->clearer]);
}

KUNIT_ARRAY_PARAM(pl_clear, pl_clear_cases, pl_clear_desc);

static void pl_defer_restore(void *old)
{
	dxgkpm_pool_set_defer_order((uintptr_t)old);
}

static void pl_clear_resume(void *unused)
{
	dxgkpm_pool_clear_resume();
}

/*
 * Whoever clears a freed page, nobody gets it back unclear: an object is
 * filled with a pattern and destroyed, and the next one takes the same
 * pages from the pool and reads zeroes. With pool_defer_order off the
 * destroy cleared them (no dirty page after it); with it at 0 the destroy
 * left them dirty (all of them, with the work item held back) and then
 * either the work item cleared them (none left dirty after
 * dxgkpm_pool_flush(), none cleared by the taker), or, still held back,
 * the taking create did (cleared_on_take grows by at least as many pages;
 * for a block of several chunks through the path it shares with the work
 * item), or the two raced for the chunks with nobody waited for (the
 * taker cleared at most the object's pages). Passes if so.
 */
static void dxgkpm_pool_clear_deferred(struct kunit *test)
{
	const struct pl_clear_case *c = test->param_value;
	struct dxgkpm_dkt_obj view = { .size = c->npages * PAGE_SIZE };
	bool defer = c->clearer != PL_CLEAR_ON_FREE;
	bool paused = c->clearer != PL_CLEAR_SHARED;
	struct pl_obj a, b;
	unsigned int i, old;
	long on_take;

	struct dxgkpm_kt *kt = pl_setup(test, PL_LIMIT);

	old = dxgkpm_pool_set_defer_order(defer ? 0 : DXGKPM_POOL_DEFER_NEVER);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pl_defer_restore,
							(void *)(uintptr_t)old),
			0);
	pl_create(test, kt, &a, c->cache, c->npages);
	view.kt = kt;
	view.pmo = a.h;
	dxgkpm_dkt_map(test, &view);
	dxgkpm_dkt_fill_pages(&view, 0, c->npages, PL_SEED);
	wmb();	/* drain the write-combining buffers */
	dxgkpm_dkt_unmap(test, &view);

	if (paused) {
		dxgkpm_pool_clear_pause();
		KUNIT_ASSERT_EQ(test,
				kunit_add_action_or_reset(test,
							  pl_clear_resume,
							  NULL), 0);
	}
	on_take = PL_STAT(cleared_on_take);
	pl_destroy(kt, &a);
	if (paused) {
		KUNIT_EXPECT_EQ(test, PL_STAT(pages), (long)c->npages);
		KUNIT_EXPECT_EQ_MSG(test, PL_STAT(dirty),
				    defer ? (long)c->npages : 0L,
				    "pages left dirty by the destroy");
	}
	if (c->clearer == PL_CLEAR_ON_FREE || c->clearer == PL_CLEAR_LATER) {
		kunit_release_action(test, pl_clear_resume, NULL);
		dxgkpm_pool_flush();
		KUNIT_EXPECT_EQ(test, PL_STAT(dirty), 0L);
	}

	pl_create(test, kt, &b, c->cache, c->npages);
	switch (c->clearer) {
	case PL_CLEAR_ON_TAKE:
		KUNIT_EXPECT_GE(test, PL_STAT(cleared_on_take) - on_take,
				(long)c->npages);
		KUNIT_EXPECT_EQ(test, PL_STAT(dirty), 0L);
		kunit_release_action(test, pl_clear_resume, NULL);
		break;
	case PL_CLEAR_SHARED:
		dxgkpm_pool_flush();
		KUNIT_EXPECT_LE(test, PL_STAT(cleared_on_take) - on_take,
				(long)c->npages);
		KUNIT_EXPECT_EQ(test, PL_STAT(dirty), 0L);
		break;
	default:
		KUNIT_EXPECT_EQ(test, PL_STAT(cleared_on_take), on_take);
	}
	view.pmo = b.h;
	dxgkpm_dkt_map(test, &view);
	for (i = 0; i < c->npages; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, pl_has(&a, b.pfn[i]),
				      "page %u was not reused", i);
		dxgkpm_dkt_expect_zero_page(test, &view, i);
	}
	dxgkpm_dkt_unmap(test, &view);
	pl_destroy(kt, &b);
	dxgkpm_pool_shrink(ULONG_MAX);
	KUNIT_EXPECT_EQ(test, PL_STAT(dirty), 0L);
	dxgkpm_kt_expect_no_memory(test);
}

static struct dxgkpm_page_req pl_req(DXGK_MEMORY_CACHING_TYPE cache,
				     pgoff_t npages, phys_addr_t low,
				     phys_addr_t high)
{
	return (struct dxgkpm_page_req) {
		.npages = npages,
		.low = low,
		.high = high,
		.nid = NUMA_NO_NODE,
		.caching = (enum dxgkpm_caching)cache,
	};
}

/* Allocate with @req, which must succeed, counting pool hits. */
static long pl_alloc(struct kunit *test, const struct dxgkpm_page_req *req,
		     struct page **pages)
{
	long hits = PL_STAT(hits);

	KUNIT_ASSERT_EQ(test, dxgkpm_pages_alloc(req, pages), 0);
	return PL_STAT(hits) - hits;
}

/*
 * The physical window of a request decides: with pages pooled, a
 * one-page request whose window lies above all of them gets none of them
 * (no hit, the pool keeps them); one whose window lies below all of them
 * neither; one whose window is exactly the lowest pooled page gets that
 * page from the pool. Passes if so.
 */
static void dxgkpm_pool_window(struct kunit *test)
{
	struct dxgkpm_page_req req;
	unsigned long lo = ULONG_MAX, hi = 0;
	struct page *page;
	struct pl_obj a;
	unsigned int i;

	struct dxgkpm_kt *kt = pl_setup(test, PL_LIMIT);

	pl_create(test, kt, &a, PL_WC, PL_PAGES);
	pl_destroy(kt, &a);
	for (i = 0; i < PL_PAGES; i++) {
		lo = min(lo, a.pfn[i]);
		hi = max(hi, a.pfn[i]);
	}

	req = pl_req(PL_WC, 1, PFN_PHYS(hi + 1), SZ_1G - 1);
	KUNIT_EXPECT_EQ(test, pl_alloc(test, &req, &page), 0L);
	KUNIT_EXPECT_GT(test, page_to_pfn(page), hi);
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), (long)PL_PAGES);
	dxgkpm_pages_release(&page, 1, DXGKPM_CACHING_WC, true);

	if (PFN_PHYS(lo) > SZ_64M) {
		req = pl_req(PL_WC, 1, 0, PFN_PHYS(lo) - 1);
		KUNIT_EXPECT_EQ(test, pl_alloc(test, &req, &page), 0L);
		KUNIT_EXPECT_LT(test, page_to_pfn(page), lo);
		dxgkpm_pages_release(&page, 1, DXGKPM_CACHING_WC, true);
	}

	req = pl_req(PL_WC, 1, PFN_PHYS(lo), PFN_PHYS(lo + 1) - 1);
	KUNIT_EXPECT_EQ(test, pl_alloc(test, &req, &page), 1L);
	KUNIT_EXPECT_EQ(test, page_to_pfn(page), lo);
	KUNIT_EXPECT_EQ(test, pl_bits(page), pl_want(PL_WC));
	dxgkpm_pages_release(&page, 1, DXGKPM_CACHING_WC, true);

	dxgkpm_pool_shrink(ULONG_MAX);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Nodes: pooled pages are counted on their node, as the NUMA-aware
 * shrinker asks (count_objects with that node), and a request naming
 * that node, or asking for LOCAL_NODE_ONLY on a CPU of it, is served from
 * its pool. Passes if so.
 */
static void dxgkpm_pool_node(struct kunit *test)
{
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	struct shrinker *shrinker = dxgkpm_pool_shrinker();
	struct dxgkpm_page_req req;
	struct page *pages[2];
	struct pl_obj a;
	int nid;

	struct dxgkpm_kt *kt = pl_setup(test, PL_LIMIT);

	KUNIT_ASSERT_NOT_NULL(test, shrinker);
	pl_create(test, kt, &a, PL_UC, 2);
	pl_destroy(kt, &a);
	nid = pfn_to_nid(a.pfn[0]);
	for_each_online_node(sc.nid)
		KUNIT_EXPECT_EQ_MSG(test, shrinker->count_objects(shrinker, &sc),
				    sc.nid == nid ? 2UL : SHRINK_EMPTY,
				    "node %d", sc.nid);

	req = pl_req(PL_UC, 1, 0, -1);
	req.nid = nid;
	KUNIT_EXPECT_EQ(test, pl_alloc(test, &req, &pages[0]), 1L);
	KUNIT_EXPECT_EQ(test, page_to_nid(pages[0]), nid);

	migrate_disable();
	req = pl_req(PL_UC, 1, 0, -1);
	req.flags = DXGKPM_ALLOC_LOCAL_NODE_ONLY;
	if (numa_node_id() == nid) {
		KUNIT_EXPECT_EQ(test, pl_alloc(test, &req, &pages[1]), 1L);
		KUNIT_EXPECT_EQ(test, page_to_nid(pages[1]), nid);
	} else {
		KUNIT_EXPECT_EQ(test, pl_alloc(test, &req, &pages[1]), 0L);
	}
	migrate_enable();
	dxgkpm_pages_release(pages, 2, DXGKPM_CACHING_UNCACHED, true);
	dxgkpm_pool_shrink(ULONG_MAX);
	dxgkpm_kt_expect_no_memory(test);
}

/* The pages of a request of runs of @run make such runs, aligned. */
static void pl_expect_runs(struct kunit *test, struct page **pages,
			   unsigned int npages, unsigned int run)
{
	unsigned int i;

	for (i = 0; i < npages; i++) {
		if (i % run)
			KUNIT_EXPECT_EQ_MSG(test, page_to_pfn(pages[i]),
					    page_to_pfn(pages[i - 1]) + 1,
					    "page %u does not continue its run",
					    i);
		else
			KUNIT_EXPECT_TRUE_MSG(test,
					      IS_ALIGNED(page_to_pfn(pages[i]),
							 run),
					      "run at page %u is not aligned", i);
	}
}

/*
 * Runs and alignment: a freed run of four write-combined pages is pooled
 * as one block, and a request of one run of four gets it back whole (the
 * same consecutive pages, one hit each); a request of a run of eight
 * cannot use it (no hit) and gets a fresh aligned run; with both pooled, a
 * request of two runs of two takes them from the pools, splitting a block,
 * each run consecutive and aligned. Passes if so.
 */
static void dxgkpm_pool_runs(struct kunit *test)
{
	struct dxgkpm_page_req req;
	struct page *pages[8];
	unsigned long first;
	unsigned int i;

	pl_setup(test, PL_LIMIT);

	req = pl_req(PL_WC, PL_PAGES, 0, -1);
	req.run = PL_PAGES;
	req.align = PL_PAGES;
	KUNIT_ASSERT_EQ(test, dxgkpm_pages_alloc(&req, pages), 0);
	first = page_to_pfn(pages[0]);
	pl_expect_runs(test, pages, PL_PAGES, PL_PAGES);
	dxgkpm_pages_release(pages, PL_PAGES, DXGKPM_CACHING_WC, true);
	KUNIT_ASSERT_EQ(test, PL_STAT(pages), (long)PL_PAGES);

	KUNIT_EXPECT_EQ(test, pl_alloc(test, &req, pages), (long)PL_PAGES);
	for (i = 0; i < PL_PAGES; i++)
		KUNIT_EXPECT_EQ_MSG(test, page_to_pfn(pages[i]), first + i,
				    "page %u of the run", i);
	dxgkpm_pages_release(pages, PL_PAGES, DXGKPM_CACHING_WC, true);

	req = pl_req(PL_WC, 8, 0, -1);
	req.run = 8;
	req.align = 8;
	KUNIT_EXPECT_EQ(test, pl_alloc(test, &req, pages), 0L);
	pl_expect_runs(test, pages, 8, 8);
	dxgkpm_pages_release(pages, 8, DXGKPM_CACHING_WC, true);
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), 8L + PL_PAGES);

	req = pl_req(PL_WC, PL_PAGES, 0, -1);
	req.run = 2;
	req.align = 2;
	KUNIT_EXPECT_EQ(test, pl_alloc(test, &req, pages), (long)PL_PAGES);
	pl_expect_runs(test, pages, PL_PAGES, 2);
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), 8L);
	dxgkpm_pages_release(pages, PL_PAGES, DXGKPM_CACHING_WC, true);
	dxgkpm_pool_shrink(ULONG_MAX);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * The shrinker: with write-combined and uncached pages pooled, its count
 * is their number on their node; a scan of part of them frees at least
 * that many (whole blocks) and the count drops by what it freed, counted
 * as reclaimed; a scan of the rest empties the pools. Every page it gave
 * back is write-back again on the linear map. Passes if so.
 */
static void dxgkpm_pool_shrinker_gives_back(struct kunit *test)
{
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	struct shrinker *shrinker = dxgkpm_pool_shrinker();
	unsigned long count, freed;
	struct pl_obj wc, uc;
	long reclaimed;

	struct dxgkpm_kt *kt = pl_setup(test, PL_LIMIT);

	KUNIT_ASSERT_NOT_NULL(test, shrinker);
	pl_create(test, kt, &wc, PL_WC, 8);
	pl_create(test, kt, &uc, PL_UC, PL_PAGES);
	pl_destroy(kt, &wc);
	pl_destroy(kt, &uc);
	sc.nid = pfn_to_nid(wc.pfn[0]);
	KUNIT_ASSERT_EQ(test, pfn_to_nid(uc.pfn[0]), sc.nid);
	count = shrinker->count_objects(shrinker, &sc);
	KUNIT_EXPECT_EQ(test, count, 8UL + PL_PAGES);

	reclaimed = PL_STAT(reclaimed);
	sc.nr_to_scan = 3;
	freed = shrinker->scan_objects(shrinker, &sc);
	KUNIT_EXPECT_GE(test, freed, 3UL);
	KUNIT_EXPECT_EQ(test, PL_STAT(reclaimed) - reclaimed, (long)freed);
	KUNIT_EXPECT_EQ(test, shrinker->count_objects(shrinker, &sc),
			count - freed);
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), (long)(count - freed));

	sc.nr_to_scan = count;
	freed += shrinker->scan_objects(shrinker, &sc);
	KUNIT_EXPECT_EQ(test, freed, count);
	KUNIT_EXPECT_EQ(test, shrinker->count_objects(shrinker, &sc),
			SHRINK_EMPTY);
	KUNIT_EXPECT_EQ(test, shrinker->scan_objects(shrinker, &sc),
			SHRINK_STOP);
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), 0L);
	pl_expect_bits(test, &wc, PL_WB, "write-combined after the shrinker");
	pl_expect_bits(test, &uc, PL_WB, "uncached after the shrinker");
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * The pool_pages bound: with room for four pages, a freed object of eight
 * pools four and gives the other four back write-back; lowering the
 * bound to two shrinks the pools to it at once; at 0 nothing is pooled
 * and a create changes the attribute of all its pages again. Passes if
 * so.
 */
static void dxgkpm_pool_limit(struct kunit *test)
{
	struct pl_obj a;
	unsigned int i, wb = 0;
	long calls;

	struct dxgkpm_kt *kt = pl_setup(test, PL_PAGES);

	pl_create(test, kt, &a, PL_WC, 8);
	pl_destroy(kt, &a);
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), (long)PL_PAGES);
	for (i = 0; i < 8; i++)
		wb += pl_bits(pfn_to_page(a.pfn[i])) == pl_want(PL_WB);
	KUNIT_EXPECT_EQ_MSG(test, wb, 8U - PL_PAGES,
			    "pages beyond the bound are not write-back");

	dxgkpm_pool_set_limit(2);
	KUNIT_EXPECT_LE(test, PL_STAT(pages), 2L);

	dxgkpm_pool_set_limit(0);
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), 0L);
	calls = PL_STAT(set_caching);
	pl_create(test, kt, &a, PL_WC, PL_PAGES);
	KUNIT_EXPECT_EQ(test, PL_STAT(set_caching) - calls, 1L);
	pl_destroy(kt, &a);
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), 0L);
	pl_expect_bits(test, &a, PL_WB, "freed without a pool");
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Allocation failures with pooled pages: four write-combined pages are
 * pooled, then an object of eight is created (four from the pool, four
 * fresh and made write-combined) with each allocation on its path failing
 * in turn (dxgkpm/tests/failnth.c). Whether the create fails or gets over it,
 * nothing leaks: after it (and its Destroy) dxgkpm holds no page, the
 * pools hold the four pages, or all eight, and no pooled page lost its
 * type. Passes if so and at least one run failed the create.
 */
static void dxgkpm_pool_failnth(struct kunit *test)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;
	unsigned int nth, left, failures = 0;
	struct pl_obj a;
	NTSTATUS status;
	long pooled;

	struct dxgkpm_kt *kt = pl_setup(test, PL_LIMIT);

	dxgkpm_failnth_arm(test);
	for (nth = 1; nth < 200; nth++) {
		dxgkpm_pool_shrink(ULONG_MAX);
		pl_create(test, kt, &a, PL_WC, PL_PAGES);
		pl_destroy(kt, &a);
		KUNIT_ASSERT_EQ(test, PL_STAT(pages), (long)PL_PAGES);

		dxgkpm_dkt_args(&c, kt, false, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
				PL_WC, 8 * PAGE_SIZE);
		c.Mdl.LowAddress.QuadPart = 0;
		dxgkpm_failnth_start(nth);
		status = kt->iface.DxgkCbCreatePhysicalMemoryObject(&c);
		left = dxgkpm_failnth_stop();
		if (status == STATUS_SUCCESS) {
			a.h = c.hPhysicalMemoryObject;
			pl_destroy(kt, &a);
		} else {
			failures++;
		}
		dxgkpm_kt_expect_no_memory(test);
		pooled = PL_STAT(pages);
		KUNIT_EXPECT_TRUE_MSG(test, pooled == PL_PAGES || pooled == 8,
				      "fail-nth %u: %ld pages pooled", nth,
				      pooled);
		pl_expect_bits(test, &a, PL_WC, "still pooled");
		if (left)
			break;	/* the path has fewer points: all were run */
	}
	KUNIT_EXPECT_LT(test, nth, 200U);
	KUNIT_EXPECT_GT(test, failures, 0U);
	dxgkpm_pool_shrink(ULONG_MAX);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * The page provider's own failure path with pooled pages: four
 * write-combined pages are pooled and a request of five that may not
 * sleep (MM_ALLOCATE_NO_WAIT: no window scan to fall back to) takes the
 * four and then fails to get its fifth, the first allocation it makes
 * (fail-nth 1). It returns -ENOMEM and the four pages are back in the
 * pool, still write-combined, none counted as held; the same request
 * without the failure gets the four from the pool. Passes if so.
 */
static void dxgkpm_pool_failed_fill(struct kunit *test)
{
	struct dxgkpm_page_req req = pl_req(PL_WC, 5, 0, -1);
	struct page *pages[5];
	struct pl_obj a;
	int ret;

	struct dxgkpm_kt *kt = pl_setup(test, PL_LIMIT);

	req.flags = DXGKPM_ALLOC_NO_WAIT;
	pl_create(test, kt, &a, PL_WC, PL_PAGES);
	pl_destroy(kt, &a);
	KUNIT_ASSERT_EQ(test, PL_STAT(pages), (long)PL_PAGES);

	dxgkpm_failnth_arm(test);
	dxgkpm_failnth_start(1);
	ret = dxgkpm_pages_alloc(&req, pages);
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_failnth_stop(), 0U,
			    "the fifth page was not the first allocation");
	KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
	KUNIT_EXPECT_EQ(test, PL_STAT(pages), (long)PL_PAGES);
	dxgkpm_kt_expect_no_memory(test);
	pl_expect_bits(test, &a, PL_WC, "back in the pool");

	KUNIT_EXPECT_EQ(test, pl_alloc(test, &req, pages), (long)PL_PAGES);
	dxgkpm_pages_release(pages, 5, DXGKPM_CACHING_WC, true);
	dxgkpm_pool_shrink(ULONG_MAX);
	dxgkpm_kt_expect_no_memory(test);
}

static struct kunit_case dxgkpm_pool_cases[] = {
	KUNIT_CASE_PARAM(dxgkpm_pool_reuse, pl_caching_gen_params),
	KUNIT_CASE(dxgkpm_pool_cachings_apart),
	KUNIT_CASE(dxgkpm_pool_cached_blocks),
	KUNIT_CASE(dxgkpm_pool_no_crumbs),
	KUNIT_CASE_PARAM(dxgkpm_pool_clear_deferred, pl_clear_gen_params),
	KUNIT_CASE(dxgkpm_pool_window),
	KUNIT_CASE(dxgkpm_pool_node),
	KUNIT_CASE(dxgkpm_pool_runs),
	KUNIT_CASE(dxgkpm_pool_shrinker_gives_back),
	KUNIT_CASE(dxgkpm_pool_limit),
	KUNIT_CASE(dxgkpm_pool_failnth),
	KUNIT_CASE(dxgkpm_pool_failed_fill),
	{}
};

static struct kunit_suite dxgkpm_pool_suite = {
	.name = "dxgkpm_pool",
	.init = dxgkpm_kt_init,
	.suite_init = dxgkpm_kt_suite_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_pool_cases,
};

kunit_test_suite(dxgkpm_pool_suite);
