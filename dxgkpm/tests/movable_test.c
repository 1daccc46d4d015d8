// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite for where the pages dxgkpm holds long-term come from: never
 * ZONE_MOVABLE, never a CMA pageblock. Every page of an object stays
 * pinned until the object goes (sections: while an ADL or a kernel view
 * pins it), and a pinned page in ZONE_MOVABLE keeps its memory block from
 * going offline, which is what ZONE_MOVABLE exists for (movablecore=,
 * memory hot-unplug, virtio-mem).
 *
 * The KUnit machine boots with movablecore= (dxgkpm/tests/qemu_x86_64.py), so
 * that ZONE_MOVABLE holds the top of its RAM, and every case asserts that it
 * does. Each memory type, the native calls and the WDDM 2.4 ones, is asked for
 * memory anywhere, in a window that runs from ordinary memory into ZONE_MOVABLE
 * (which needs the window scan, since the window excludes low memory), and in a
 * window that holds nothing but ZONE_MOVABLE, where the only right answer is
 * that there is no memory. The kernel the suite runs on has no CMA (Debian's
 * kernels have none either), so the CMA check cannot fail here; it is made for
 * the kernels that have one.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/pagemap.h>
#include <linux/pfn.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>

#include "helpers.h"

#define MV_TOP		(SZ_4G - 1)

/* Where an object may lie. */
enum mv_where {
	MV_ANYWHERE,	/* [0, 4 GiB) */
	MV_ACROSS,	/* from 64 MiB below ZONE_MOVABLE to its end */
	MV_MOVABLE,	/* ZONE_MOVABLE only: must fail */
};

/* How an object is made. */
enum mv_how {
	MV_MDL,		/* dxgkpm_pmo_create(), DXGKPM_MEM_PAGES */
	MV_CONTIG,	/* dxgkpm_pmo_create(), DXGKPM_MEM_CONTIGUOUS */
	MV_SECTION,	/* dxgkpm_pmo_create(), pinned by an ADL and a view */
	MV_W24_PAGES,	/* DxgkCbAllocatePagesForMdl */
	MV_W24_CONTIG,	/* DxgkCbAllocateContiguousMemory */
};

/**
 * struct mv_case - one object to make
 * @name: parameter description
 * @how: the call that makes it
 * @where: the window it may lie in
 * @size: bytes
 */
struct mv_case {
	const char *name;
	enum mv_how how;
	enum mv_where where;
	size_t size;
};

static const struct mv_case mv_cases[] = {
	{ "mdl-anywhere", MV_MDL, MV_ANYWHERE, SZ_4M },
	{ "mdl-across", MV_MDL, MV_ACROSS, SZ_8M },
	{ "mdl-movable-only", MV_MDL, MV_MOVABLE, SZ_1M },
	{ "contiguous-anywhere", MV_CONTIG, MV_ANYWHERE, SZ_8M },
	{ "contiguous-across", MV_CONTIG, MV_ACROSS, SZ_8M },
	{ "contiguous-movable-only", MV_CONTIG, MV_MOVABLE, SZ_4M },
	{ "section-pinned", MV_SECTION, MV_ANYWHERE, SZ_4M },
	{ "wddm24-pages-anywhere", MV_W24_PAGES, MV_ANYWHERE, SZ_4M },
	{ "wddm24-pages-movable-only", MV_W24_PAGES, MV_MOVABLE, SZ_1M },
	{ "wddm24-contiguous-anywhere", MV_W24_CONTIG, MV_ANYWHERE, SZ_8M },
	{ "wddm24-contiguous-movable-only", MV_W24_CONTIG, MV_MOVABLE, SZ_4M },
};

static void mv_case_desc(const struct mv_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(mv, mv_cases, mv_case_desc);

/*
 * The physical span of ZONE_MOVABLE, [*@low, *@high]. A machine without
 * one fails the case: every check below would pass vacuously.
 */
static void mv_movable_span(struct kunit *test, phys_addr_t *low,
			    phys_addr_t *high)
{
	unsigned long start = ULONG_MAX, end = 0;
	struct zone *zone;

	for_each_populated_zone(zone) {
		if (zone_idx(zone) != ZONE_MOVABLE)
			continue;
		start = min(start, zone->zone_start_pfn);
		end = max(end, zone_end_pfn(zone));
	}
	KUNIT_ASSERT_LT_MSG(test, start, end,
			    "no ZONE_MOVABLE: boot with movablecore= (dxgkpm/tests/qemu_x86_64.py)");
	KUNIT_ASSERT_GT_MSG(test, PFN_PHYS(start), (phys_addr_t)SZ_128M,
			    "ZONE_MOVABLE starts too low for the cases");
	*low = PFN_PHYS(start);
	*high = PFN_PHYS(end) - 1;
}

/* The window of @where: [*@low, *@high]. */
static void mv_window(struct kunit *test, enum mv_where where,
		      phys_addr_t *low, phys_addr_t *high)
{
	phys_addr_t start, end;

	mv_movable_span(test, &start, &end);
	switch (where) {
	case MV_ANYWHERE:
		*low = 0;
		*high = MV_TOP;
		break;
	case MV_ACROSS:
		*low = start - SZ_64M;
		*high = end;
		break;
	case MV_MOVABLE:
		*low = start;
		*high = end;
		break;
	}
}

/* A page dxgkpm holds long-term is neither in ZONE_MOVABLE nor in CMA. */
static void mv_expect_pinnable(struct kunit *test, struct page *page,
			       unsigned long index, unsigned long *bad)
{
	unsigned long pfn = page_to_pfn(page);

	if (page_zonenum(page) == ZONE_MOVABLE || is_migrate_cma_page(page)) {
		if (!(*bad)++)
			KUNIT_FAIL(test, "page %lu (pfn %#lx) is in %s", index, pfn,
				   page_zonenum(page) == ZONE_MOVABLE ?
				   "ZONE_MOVABLE" : "a CMA pageblock");
	}
}

static void mv_expect_none_bad(struct kunit *test, unsigned long bad,
			       unsigned long npages)
{
	KUNIT_EXPECT_EQ_MSG(test, bad, 0UL,
			    "%lu of %lu pages where no long-term pin may be",
			    bad, npages);
}

/* The page behind a kernel address of dxgkpm's (linear map or vmap). */
static struct page *mv_kaddr_page(const void *p)
{
	return is_vmalloc_addr(p) ? vmalloc_to_page(p) : virt_to_page(p);
}

static void mv_pmo(struct kunit *test, struct dxgkpm_kt *kt,
		   const struct mv_case *c, phys_addr_t low, phys_addr_t high)
{
	struct dxgkpm_pmo_desc desc = {
		.size = c->size,
		.type = c->how == MV_MDL ? DXGKPM_MEM_PAGES :
			DXGKPM_MEM_CONTIGUOUS,
		.caching = DXGKPM_CACHING_CACHED,
	};
	struct dxgkpm_pmo *pmo = NULL;
	struct dxgkpm_amo *amo = NULL;
	unsigned long bad = 0;
	pgoff_t i;
	int ret;

	if (c->how == MV_MDL) {
		desc.pages.low = low;
		desc.pages.high = high;
	} else {
		desc.contig.low = low;
		desc.contig.high = high;
	}
	ret = dxgkpm_pmo_create(&desc, kt->adapter, &pmo, &amo);
	if (c->where == MV_MOVABLE) {
		KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM,
				    "an object in [%pa, %pa], all ZONE_MOVABLE",
				    &low, &high);
		if (!ret) {
			for (i = 0; i < pmo->mem.npages; i++)
				mv_expect_pinnable(test, pmo->mem.pages[i], i, &bad);
			mv_expect_none_bad(test, bad, pmo->mem.npages);
			dxgkpm_pmo_destroy(pmo, amo);
		}
		return;
	}
	KUNIT_ASSERT_EQ(test, ret, 0);
	for (i = 0; i < pmo->mem.npages; i++)
		mv_expect_pinnable(test, pmo->mem.pages[i], i, &bad);
	mv_expect_none_bad(test, bad, pmo->mem.npages);
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_destroy(pmo, amo), 0);
}

/*
 * A section: a kernel view pins the first half, an ADL the second; every
 * page of the file is then held by dxgkpm.
 */
static void mv_section(struct kunit *test, struct dxgkpm_kt *kt,
		       const struct mv_case *c)
{
	struct dxgkpm_pmo_desc desc = {
		.size = c->size,
		.type = DXGKPM_MEM_SECTION,
		.caching = DXGKPM_CACHING_CACHED,
		.section.protection = DXGKPM_SECTION_READWRITE,
	};
	size_t half = c->size / 2, offset = 0, vsize = half;
	struct dxgkpm_pmo *pmo = NULL;
	struct dxgkpm_amo *amo = NULL;
	struct dxgkpm_adl *adl = NULL;
	unsigned long bad = 0;
	struct folio *folio;
	void *vaddr = NULL;
	pgoff_t i;

	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_create(&desc, kt->adapter, &pmo, &amo),
			0);
	KUNIT_ASSERT_EQ(test, dxgkpm_map_kernel(pmo, &offset, &vsize, &vaddr),
			0);
	KUNIT_ASSERT_EQ(test, dxgkpm_adl_alloc(amo, half, half, 0, &adl), 0);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(pinned), (long)pmo->mem.npages);
	for (i = 0; i < pmo->mem.npages; i++) {
		folio = filemap_get_folio(pmo->mem.file->f_mapping, i);
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(folio), "page %lu", i);
		mv_expect_pinnable(test, folio_file_page(folio, i), i, &bad);
		folio_put(folio);
	}
	mv_expect_none_bad(test, bad, pmo->mem.npages);
	KUNIT_EXPECT_EQ(test, dxgkpm_adl_free(amo, adl), 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_unmap_kernel(pmo, vaddr, vsize), 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_destroy(pmo, amo), 0);
}

/*
 * The 2.4 allocation of case @c gave @status: refused when its window is all
 * ZONE_MOVABLE, successful otherwise. Return: whether there is memory.
 */
static bool mv_w24_allocated(struct kunit *test, const struct mv_case *c,
			     NTSTATUS status, const char *what,
			     phys_addr_t low, phys_addr_t high)
{
	if (c->where == MV_MOVABLE)
		KUNIT_EXPECT_EQ_MSG(test, status, STATUS_INSUFFICIENT_RESOURCES,
				    "%s in [%pa, %pa], all ZONE_MOVABLE",
				    what, &low, &high);
	else
		KUNIT_ASSERT_EQ(test, status, STATUS_SUCCESS);
	return status == STATUS_SUCCESS;
}

static void mv_w24_pages(struct kunit *test, struct dxgkpm_kt *kt,
			 const struct mv_case *c, phys_addr_t low,
			 phys_addr_t high)
{
	DXGKARGCB_ALLOCATEPAGESFORMDL args = {
		.TotalBytes = c->size,
		.CacheType = DXGK_MEMORY_CACHING_TYPE_CACHED,
	};
	DXGKARGCB_FREEPAGESFROMMDL free_args = {};
	unsigned long bad = 0, i, npages;
	PPFN_NUMBER pfns;
	NTSTATUS status;

	args.LowAddress.QuadPart = low;
	args.HighAddress.QuadPart = high;
	status = kt->iface.DxgkCbAllocatePagesForMdl(kt->h, &args);
	if (!mv_w24_allocated(test, c, status, "pages", low, high))
		return;
	npages = c->size >> PAGE_SHIFT;
	pfns = MmGetMdlPfnArray(args.pMdl);
	for (i = 0; i < npages; i++)
		mv_expect_pinnable(test, pfn_to_page(pfns[i]), i, &bad);
	mv_expect_none_bad(test, bad, npages);
	free_args.hMemoryHandle = args.hMemoryHandle;
	KUNIT_EXPECT_EQ(test,
			kt->iface.DxgkCbFreePagesFromMdl(kt->h, &free_args),
			STATUS_SUCCESS);
}

static void mv_w24_contig(struct kunit *test, struct dxgkpm_kt *kt,
			  const struct mv_case *c, phys_addr_t low,
			  phys_addr_t high)
{
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY args = {
		.NumberOfBytes = c->size,
		.CacheType = DXGK_MEMORY_CACHING_TYPE_CACHED,
	};
	DXGKARGCB_FREECONTIGUOUSMEMORY free_args = {};
	unsigned long bad = 0, i, npages;
	NTSTATUS status;

	args.LowestAcceptableAddress.QuadPart = low;
	args.HighestAcceptableAddress.QuadPart = high;
	status = kt->iface.DxgkCbAllocateContiguousMemory(kt->h, &args);
	if (!mv_w24_allocated(test, c, status, "a block", low, high))
		return;
	npages = c->size >> PAGE_SHIFT;
	for (i = 0; i < npages; i++)
		mv_expect_pinnable(test,
				   mv_kaddr_page((u8 *)args.pMemory +
						 i * PAGE_SIZE), i, &bad);
	mv_expect_none_bad(test, bad, npages);
	free_args.hMemoryHandle = args.hMemoryHandle;
	KUNIT_EXPECT_EQ(test,
			kt->iface.DxgkCbFreeContiguousMemory(kt->h, &free_args),
			STATUS_SUCCESS);
}

/*
 * Every memory type, through the native and the WDDM 2.4 calls, created
 * for an adapter: anywhere and across the start of ZONE_MOVABLE it gets
 * memory, none of it in ZONE_MOVABLE or CMA (the window scan must skip
 * them); in ZONE_MOVABLE alone it gets none (-ENOMEM,
 * STATUS_INSUFFICIENT_RESOURCES). Passes if so and dxgkpm holds nothing
 * afterwards.
 */
static void dxgkpm_movable_no_long_term_pins(struct kunit *test)
{
	const struct mv_case *c = test->param_value;
	phys_addr_t low, high;
	struct dxgkpm_kt *kt;

	dxgkpm_kt_expect_no_memory(test);
	mv_window(test, c->where, &low, &high);
	kt = dxgkpm_kt_setup(test, 0);
	switch (c->how) {
	case MV_MDL:
	case MV_CONTIG:
		mv_pmo(test, kt, c, low, high);
		break;
	case MV_SECTION:
		mv_section(test, kt, c);
		break;
	case MV_W24_PAGES:
		mv_w24_pages(test, kt, c, low, high);
		break;
	case MV_W24_CONTIG:
		mv_w24_contig(test, kt, c, low, high);
		break;
	}
	dxgkpm_kt_expect_no_memory(test);
}

static struct kunit_case dxgkpm_movable_cases[] = {
	KUNIT_CASE_PARAM(dxgkpm_movable_no_long_term_pins, mv_gen_params),
	{}
};

static struct kunit_suite dxgkpm_movable_suite = {
	.name = "dxgkpm_movable",
	.init = dxgkpm_kt_init,
	.suite_init = dxgkpm_kt_suite_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_movable_cases,
};

kunit_test_suite(dxgkpm_movable_suite);
