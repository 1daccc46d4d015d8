// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite for the physical constraints of MDL and contiguous objects
 * (dxgkpm/page/provider.c, mem/mdl.c, mem/contig.c), through the native API:
 * every page of an MDL object inside its window [LowAddress, HighAddress]
 * or one of the windows SkipBytes adds, contiguous chunks of the requested
 * size and alignment, the MM_ALLOCATE_* flags that are honoured, and
 * contiguous blocks of 4 KiB to 64 MiB inside their window without crossing
 * their boundary (the largest ones only alloc_contig_range() can give).
 * Each page is checked by its physical address; every object must also be
 * zeroed and made of distinct pages. Constraints no memory can meet fail
 * with -ENOMEM and change nothing.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/topology.h>

#include "helpers.h"

#define WT_TOP		(~(phys_addr_t)0)
/* Far above the RAM of any test machine. */
#define WT_NO_RAM	((phys_addr_t)SZ_64G)

/* Create @desc without an adapter, which must succeed. */
static struct dxgkpm_pmo *wt_create(struct kunit *test,
				    const struct dxgkpm_pmo_desc *desc)
{
	struct dxgkpm_pmo *pmo = NULL;

	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_create(desc, NULL, &pmo, NULL), 0);
	KUNIT_ASSERT_NOT_NULL(test, pmo);
	dxgkpm_kt_reap_at_end(test, pmo->obj.handle);
	KUNIT_ASSERT_EQ(test, pmo->mem.npages,
			(pgoff_t)(PAGE_ALIGN(desc->size) >> PAGE_SHIFT));
	KUNIT_ASSERT_NOT_NULL(test, pmo->mem.pages);
	return pmo;
}

static void wt_destroy(struct kunit *test, struct dxgkpm_pmo *pmo)
{
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_destroy(pmo, NULL), 0);
	dxgkpm_kt_expect_no_memory(test);
}

static int wt_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Every page is a page of its own, zeroed unless @zeroed is false, and
 * counted in dxgkpm_stats.pages.
 */
static void wt_expect_pages(struct kunit *test, struct dxgkpm_pmo *pmo,
			    bool zeroed)
{
	unsigned long *pfns;
	pgoff_t i;

	pfns = kunit_kmalloc_array(test, pmo->mem.npages, sizeof(*pfns),
				   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pfns);
	for (i = 0; i < pmo->mem.npages; i++) {
		pfns[i] = page_to_pfn(pmo->mem.pages[i]);
		if (zeroed)
			KUNIT_EXPECT_NULL_MSG(test,
					      memchr_inv(page_address(pmo->mem.pages[i]),
							 0, PAGE_SIZE),
					      "page %lu is not zeroed", i);
	}
	sort(pfns, pmo->mem.npages, sizeof(*pfns), wt_cmp, NULL);
	for (i = 1; i < pmo->mem.npages; i++)
		KUNIT_EXPECT_NE_MSG(test, pfns[i], pfns[i - 1],
				    "pfn %#lx is in the object twice", pfns[i]);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(pages), (long)pmo->mem.npages);
	kunit_kfree(test, pfns);
}

/*
 * Every page lies inside [@low, @high] or one of the windows
 * [@low + k * @skip, @high + k * @skip]. Returns how many windows hold
 * pages (those below the 64th, that is).
 */
static unsigned int wt_expect_window(struct kunit *test,
				     struct dxgkpm_pmo *pmo, phys_addr_t low,
				     phys_addr_t high, phys_addr_t skip)
{
	u64 used = 0, k, off;
	phys_addr_t phys;
	pgoff_t i;

	for (i = 0; i < pmo->mem.npages; i++) {
		phys = page_to_phys(pmo->mem.pages[i]);
		KUNIT_EXPECT_GE_MSG(test, phys, low, "page %lu at %pa", i,
				    &phys);
		if (phys < low)
			continue;
		off = phys - low;
		k = skip ? div64_u64_rem(off, skip, &off) : 0;
		KUNIT_EXPECT_LE_MSG(test, off + PAGE_SIZE - 1, (u64)(high - low),
				    "page %lu at %pa is outside every window",
				    i, &phys);
		if (k < 64)
			used |= BIT_ULL(k);
	}
	return hweight64(used);
}

/* Pages [@first, @first + @count) are physically consecutive. */
static void wt_expect_run(struct kunit *test, struct dxgkpm_pmo *pmo,
			  pgoff_t first, pgoff_t count)
{
	unsigned long pfn = page_to_pfn(pmo->mem.pages[first]);
	pgoff_t i;

	for (i = 1; i < count; i++)
		KUNIT_EXPECT_EQ_MSG(test, page_to_pfn(pmo->mem.pages[first + i]),
				    pfn + i, "page %lu breaks the run from %lu",
				    first + i, first);
}

/**
 * struct wt_window - an MDL window
 * @name: parameter description
 * @low: LowAddress
 * @high: HighAddress
 * @size: Size
 */
struct wt_window {
	const char *name;
	phys_addr_t low;
	phys_addr_t high;
	size_t size;
};

static const struct wt_window wt_windows[] = {
	{ "above-96M", SZ_64M + SZ_32M, SZ_512M - 1, SZ_256K },
	{ "below-256M", 0, SZ_256M - 1, SZ_256K },
	{ "64M-at-512M", SZ_512M, SZ_512M + SZ_64M - 1, SZ_1M },
	{ "unaligned-edges", SZ_256M + SZ_64M + 1, SZ_256M + SZ_128M - 2,
	  SZ_256K },
	{ "everywhere", 0, WT_TOP, SZ_1M + PAGE_SIZE },
};

static void wt_window_desc(const struct wt_window *w, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", w->name);
}

KUNIT_ARRAY_PARAM(wt_window, wt_windows, wt_window_desc);

/*
 * An MDL object in a window: every page starts at or above LowAddress and
 * ends at or below HighAddress, including windows that exclude the low
 * memory the buddy allocator serves first, a window below 256 MiB, a
 * narrow window and one with unaligned edges (only the pages wholly inside
 * count). Passes if every page is inside, distinct and zeroed.
 */
static void dxgkpm_window_mdl(struct kunit *test)
{
	const struct wt_window *w = test->param_value;
	struct dxgkpm_pmo_desc desc = {
		.size = w->size,
		.type = DXGKPM_MEM_PAGES,
		.caching = DXGKPM_CACHING_CACHED,
		.pages.low = w->low,
		.pages.high = w->high,
	};
	struct dxgkpm_pmo *pmo;

	dxgkpm_kt_expect_no_memory(test);
	pmo = wt_create(test, &desc);
	wt_expect_pages(test, pmo, true);
	KUNIT_EXPECT_EQ(test, wt_expect_window(test, pmo, w->low, w->high, 0),
			1U);
	wt_destroy(test, pmo);
}

/*
 * SkipBytes adds the windows [Low + k * Skip, High + k * Skip]: 2 MiB from
 * 1 MiB windows every 64 MiB from 128 MiB must use at least two of them,
 * and every page must lie wholly inside one. Passes if so, with distinct
 * zeroed pages.
 */
static void dxgkpm_window_mdl_skip(struct kunit *test)
{
	const phys_addr_t low = SZ_128M, high = SZ_128M + SZ_1M - 1;
	const phys_addr_t skip = SZ_64M;
	struct dxgkpm_pmo_desc desc = {
		.size = SZ_2M,
		.type = DXGKPM_MEM_PAGES,
		.caching = DXGKPM_CACHING_CACHED,
		.pages.low = low,
		.pages.high = high,
		.pages.skip = skip,
	};
	struct dxgkpm_pmo *pmo;

	pmo = wt_create(test, &desc);
	wt_expect_pages(test, pmo, true);
	KUNIT_EXPECT_GE(test, wt_expect_window(test, pmo, low, high, skip), 2U);
	wt_destroy(test, pmo);
}

/**
 * struct wt_chunks - MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS arguments
 * @name: parameter description
 * @size: Size
 * @skip: SkipBytes: the chunk size, or 0 for one chunk
 * @low: LowAddress
 * @high: HighAddress
 */
struct wt_chunks {
	const char *name;
	size_t size;
	phys_addr_t skip;
	phys_addr_t low;
	phys_addr_t high;
};

static const struct wt_chunks wt_chunk_cases[] = {
	{ "one-256K-block", SZ_256K, 0, 0, WT_TOP },
	{ "64K-chunks", SZ_512K, SZ_64K, 0, WT_TOP },
	{ "2M-chunks", SZ_4M, SZ_2M, 0, WT_TOP },
	{ "64K-chunks-above-256M", SZ_256K, SZ_64K, SZ_256M, SZ_1G - 1 },
	{ "one-block-above-256M", SZ_128K, 0, SZ_256M, SZ_1G - 1 },
};

static void wt_chunks_desc(const struct wt_chunks *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(wt_chunks, wt_chunk_cases, wt_chunks_desc);

/*
 * MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS: with SkipBytes 0 the object is one
 * physically contiguous block; with SkipBytes a power of two it is made of
 * chunks of exactly that size, each physically contiguous and aligned to
 * it, also inside a window above 256 MiB. Passes if every chunk is so and
 * the pages are distinct, zeroed and inside the window.
 */
static void dxgkpm_window_mdl_chunks(struct kunit *test)
{
	const struct wt_chunks *c = test->param_value;
	struct dxgkpm_pmo_desc desc = {
		.size = c->size,
		.type = DXGKPM_MEM_PAGES,
		.caching = DXGKPM_CACHING_CACHED,
		.pages.low = c->low,
		.pages.high = c->high,
		.pages.skip = c->skip,
		.pages.flags = DXGKPM_ALLOC_CONTIGUOUS_CHUNKS,
	};
	const pgoff_t chunk = c->skip ? c->skip >> PAGE_SHIFT :
				c->size >> PAGE_SHIFT;
	struct dxgkpm_pmo *pmo;
	pgoff_t first;

	pmo = wt_create(test, &desc);
	wt_expect_pages(test, pmo, true);
	wt_expect_window(test, pmo, c->low, c->high, 0);
	for (first = 0; first < pmo->mem.npages; first += chunk) {
		wt_expect_run(test, pmo, first, chunk);
		KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(page_to_pfn(pmo->mem.pages[first]),
						       c->skip ? chunk : 1),
				      "chunk at page %lu is not aligned", first);
	}
	wt_destroy(test, pmo);
}

/**
 * struct wt_flags - Mdl.Flags that are honoured
 * @name: parameter description
 * @flags: MM_ALLOCATE_* (DXGKPM_ALLOC_*) bits
 */
struct wt_flags {
	const char *name;
	u32 flags;
};

static const struct wt_flags wt_flag_cases[] = {
	{ "prefer-contiguous", DXGKPM_ALLOC_PREFER_CONTIGUOUS },
	{ "no-wait", DXGKPM_ALLOC_NO_WAIT },
	{ "local-node-only", DXGKPM_ALLOC_LOCAL_NODE_ONLY },
	{ "fully-required", DXGKPM_ALLOC_FULLY_REQUIRED },
	{ "dont-zero", DXGKPM_ALLOC_DONT_ZERO },
	{ "all-compatible", DXGKPM_ALLOC_PREFER_CONTIGUOUS |
	  DXGKPM_ALLOC_NO_WAIT | DXGKPM_ALLOC_LOCAL_NODE_ONLY |
	  DXGKPM_ALLOC_FULLY_REQUIRED },
};

static void wt_flags_desc(const struct wt_flags *f, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", f->name);
}

KUNIT_ARRAY_PARAM(wt_flags, wt_flag_cases, wt_flags_desc);

/*
 * The Mdl.Flags dxgkpm honours are accepted and give a whole object:
 * PREFER_CONTIGUOUS, NO_WAIT, FULLY_REQUIRED (always implied),
 * LOCAL_NODE_ONLY (every page on the node of the creating CPU) and
 * DONT_ZERO (the object is marked as not zeroed, which keeps it from user
 * views); every other object is zeroed. Passes if so.
 */
static void dxgkpm_window_mdl_flags(struct kunit *test)
{
	const struct wt_flags *f = test->param_value;
	const bool zero = !(f->flags & DXGKPM_ALLOC_DONT_ZERO);
	struct dxgkpm_pmo_desc desc = {
		.size = SZ_1M,
		.type = DXGKPM_MEM_PAGES,
		.caching = DXGKPM_CACHING_CACHED,
		.pages.high = WT_TOP,
		.pages.flags = f->flags,
	};
	struct dxgkpm_pmo *pmo;
	pgoff_t i;
	int nid;

	nid = numa_node_id();
	pmo = wt_create(test, &desc);
	KUNIT_EXPECT_EQ(test, pmo->mem.zeroed, zero);
	wt_expect_pages(test, pmo, zero);
	if (f->flags & DXGKPM_ALLOC_LOCAL_NODE_ONLY)
		for (i = 0; i < pmo->mem.npages; i++)
			KUNIT_EXPECT_EQ_MSG(test, page_to_nid(pmo->mem.pages[i]), nid,
					    "page %lu", i);
	wt_destroy(test, pmo);
}

/**
 * struct wt_contig - a contiguous block
 * @name: parameter description
 * @size: Size
 * @low: LowestAcceptableAddress
 * @high: HighestAcceptableAddress
 * @boundary: BoundaryAddressMultiple
 */
struct wt_contig {
	const char *name;
	size_t size;
	phys_addr_t low;
	phys_addr_t high;
	phys_addr_t boundary;
};

static const struct wt_contig wt_contig_cases[] = {
	{ "4K", SZ_4K, SZ_16M, SZ_512M - 1, SZ_64K },
	{ "1M-above-256M", SZ_1M, SZ_256M, SZ_1G - 1, SZ_2M },
	{ "4M", SZ_4M, 0, WT_TOP, SZ_4M },
	{ "8M", SZ_8M, 0, WT_TOP, 0 },
	{ "64M", SZ_64M, 0, WT_TOP, 0 },
};

static void wt_contig_desc(const struct wt_contig *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(wt_contig, wt_contig_cases, wt_contig_desc);

/*
 * Contiguous memory: one physically contiguous, zeroed block inside
 * [Lowest, Highest] that crosses no multiple of the boundary, from a page
 * to 64 MiB (beyond the buddy allocator's largest order, which only
 * alloc_contig_range() can give; Documentation/dxgkpm.rst says 64 MiB
 * blocks work in the 1 GiB test machine). Passes if so.
 */
static void dxgkpm_window_contiguous(struct kunit *test)
{
	const struct wt_contig *c = test->param_value;
	struct dxgkpm_pmo_desc desc = {
		.size = c->size,
		.type = DXGKPM_MEM_CONTIGUOUS,
		.caching = DXGKPM_CACHING_CACHED,
		.contig.low = c->low,
		.contig.high = c->high,
		.contig.boundary = c->boundary,
	};
	phys_addr_t start, last;
	struct dxgkpm_pmo *pmo;

	dxgkpm_kt_expect_no_memory(test);
	pmo = wt_create(test, &desc);
	wt_expect_pages(test, pmo, true);
	wt_expect_run(test, pmo, 0, pmo->mem.npages);
	start = page_to_phys(pmo->mem.pages[0]);
	last = start + c->size - 1;
	KUNIT_EXPECT_GE(test, start, c->low);
	KUNIT_EXPECT_LE(test, last, c->high);
	if (c->boundary)
		KUNIT_EXPECT_EQ_MSG(test, start & ~(c->boundary - 1),
				    last & ~(c->boundary - 1),
				    "%pa..%pa crosses a boundary", &start,
				    &last);
	wt_destroy(test, pmo);
}

/* Create that must fail with @err and change no counter. */
static void wt_create_fails(struct kunit *test,
			    const struct dxgkpm_pmo_desc *desc, int err,
			    const char *what)
{
	long before[32];
	unsigned int i, n = min(dxgkpm_stats_count(), 32U);
	struct dxgkpm_pmo *pmo = NULL;
	const char *name;
	int ret;

	for (i = 0; i < n; i++)
		before[i] = dxgkpm_stats_read(i, &name);
	ret = dxgkpm_pmo_create(desc, NULL, &pmo, NULL);
	KUNIT_EXPECT_EQ_MSG(test, ret, err, "%s", what);
	if (!ret)
		dxgkpm_pmo_destroy(pmo, NULL);
	KUNIT_EXPECT_NULL_MSG(test, pmo, "%s", what);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, dxgkpm_stats_read(i, &name),
				    before[i], "%s: dxgkpm_stats.%s changed",
				    what, name);
}

/*
 * Constraints no memory meets fail cleanly: windows above all RAM (MDL,
 * with NO_WAIT, with contiguous chunks, and a contiguous block) give
 * -ENOMEM, a contiguous window smaller than its block -EINVAL; nothing is
 * left allocated. Passes if so.
 */
static void dxgkpm_window_impossible(struct kunit *test)
{
	struct dxgkpm_pmo_desc mdl = {
		.size = 16 * PAGE_SIZE,
		.type = DXGKPM_MEM_PAGES,
		.caching = DXGKPM_CACHING_WC,
		.pages.low = WT_NO_RAM,
		.pages.high = WT_NO_RAM + SZ_64M - 1,
	};
	struct dxgkpm_pmo_desc contig = {
		.size = SZ_2M,
		.type = DXGKPM_MEM_CONTIGUOUS,
		.caching = DXGKPM_CACHING_CACHED,
		.contig.low = WT_NO_RAM,
		.contig.high = WT_NO_RAM + SZ_8M - 1,
	};

	dxgkpm_kt_expect_no_memory(test);
	wt_create_fails(test, &mdl, -ENOMEM, "MDL window above RAM");
	mdl.pages.flags = DXGKPM_ALLOC_NO_WAIT;
	wt_create_fails(test, &mdl, -ENOMEM, "NO_WAIT window above RAM");
	mdl.pages.flags = DXGKPM_ALLOC_CONTIGUOUS_CHUNKS;
	mdl.pages.skip = SZ_64K;
	mdl.size = SZ_256K;
	wt_create_fails(test, &mdl, -ENOMEM, "chunks above RAM");
	mdl.pages.skip = SZ_1G;
	mdl.pages.flags = 0;
	mdl.pages.low = SZ_1M;
	mdl.pages.high = SZ_1M + PAGE_SIZE - 1;
	mdl.size = SZ_64M;
	mdl.caching = DXGKPM_CACHING_CACHED;
	wt_create_fails(test, &mdl, -ENOMEM,
			"one page per 1 GiB window for 64 MiB");
	wt_create_fails(test, &contig, -ENOMEM, "contiguous above RAM");
	contig.contig.low = SZ_256M;
	contig.contig.high = SZ_256M + SZ_1M - 1;
	wt_create_fails(test, &contig, -EINVAL, "1 MiB window for 2 MiB");
	dxgkpm_kt_expect_no_memory(test);
}

static struct kunit_case dxgkpm_window_cases[] = {
	KUNIT_CASE_PARAM(dxgkpm_window_mdl, wt_window_gen_params),
	KUNIT_CASE(dxgkpm_window_mdl_skip),
	KUNIT_CASE_PARAM(dxgkpm_window_mdl_chunks, wt_chunks_gen_params),
	KUNIT_CASE_PARAM(dxgkpm_window_mdl_flags, wt_flags_gen_params),
	KUNIT_CASE_PARAM(dxgkpm_window_contiguous, wt_contig_gen_params),
	KUNIT_CASE(dxgkpm_window_impossible),
	{}
};

static struct kunit_suite dxgkpm_window_suite = {
	.name = "dxgkpm_window",
	.init = dxgkpm_kt_init,
	.test_cases = dxgkpm_window_cases,
};

kunit_test_suite(dxgkpm_window_suite);
