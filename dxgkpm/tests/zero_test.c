// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite "dxgkpm_zero": memory that dxgkpm hands out reads as zeroes
 * even when it is memory that an earlier object filled and gave back.
 *
 * A zero check on a new object proves nothing by itself: fresh QEMU RAM is
 * zero, and a kernel with init_on_alloc zeroes every page whatever dxgkpm
 * does. So each case dirties an object's pages with a pattern through a
 * CPU view, destroys it, and at once (same size, same CPU) creates the next
 * object, which takes the same pages back: the page allocator's per-CPU
 * lists hand out the page freed last first (one-page objects, from the
 * buddy allocator), and a window scan claims the first free range of its
 * window again (four pages at DXGKPM_DKT_LOW, alloc_contig_range()). The
 * case checks the page frame numbers: it passes only if at least one page
 * of the new object was one of the dirtied ones (it tries ZT_ROUNDS times)
 * and every page of the new object reads as zeroes through a view. The
 * kernel must not be zeroing pages itself (init_on_alloc and init_on_free
 * off: dxgkpm/tests/qemu_x86_64.py boots with both off, and every case checks).
 *
 * Every type that hands out fresh pages is covered, with every cache type
 * and both sources of pages: MDL and contiguous objects, and the WDDM 2.4
 * contiguous memory and pages for an MDL. Sections are shmem files, whose
 * pages shmem zeroes, and IO space is not memory.
 *
 * MM_DONT_ZERO_ALLOCATION is honoured (Documentation/dxgkpm.rst): such
 * memory is not cleared, and may show a previous owner's data to its
 * driver, as on Windows, which is why it never gets a user-mode view
 * (ddi_test.c checks the refusal). The "dont-zero" cases check that the
 * flag is honoured: a reused page still holds the pattern the previous
 * object wrote. They are also the control of the others: they show that a
 * page that is not cleared does come back dirty on this kernel, so the
 * zero checks above could fail.
 */

#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "dma_helpers.h"

/* Pages of an object that comes from the buddy allocator, or a window. */
#define ZT_BUDDY_PAGES	1U
#define ZT_WINDOW_PAGES	4U
#define ZT_MAX_PAGES	ZT_WINDOW_PAGES
/* Attempts at having an object reuse the pages of the one before. */
#define ZT_ROUNDS	8U
#define ZT_SEED		0x2e500000U

/**
 * enum zt_kind - how the memory is allocated
 * @ZT_MDL: DxgkCbCreatePhysicalMemoryObject, DXGK_PHYSICAL_MEMORY_TYPE_MDL
 * @ZT_CONTIG: DxgkCbCreatePhysicalMemoryObject, CONTIGUOUS_MEMORY
 * @ZT_W24_CONTIG: DxgkCbAllocateContiguousMemory
 * @ZT_W24_PAGES: DxgkCbAllocatePagesForMdl
 */
enum zt_kind {
	ZT_MDL,
	ZT_CONTIG,
	ZT_W24_CONTIG,
	ZT_W24_PAGES,
};

/**
 * struct zt_case - one zeroing check
 * @name: parameter description
 * @kind: the call that allocates
 * @cache: cache type
 * @window: allocate above DXGKPM_DKT_LOW (a window scan), else anywhere
 *	(the buddy allocator)
 * @dont_zero: pass MM_DONT_ZERO_ALLOCATION (MDL kinds only)
 */
struct zt_case {
	const char *name;
	enum zt_kind kind;
	DXGK_MEMORY_CACHING_TYPE cache;
	bool window;
	bool dont_zero;
};

#define ZT_UC	DXGK_MEMORY_CACHING_TYPE_NON_CACHED
#define ZT_WB	DXGK_MEMORY_CACHING_TYPE_CACHED
#define ZT_WC	DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED

static const struct zt_case zt_cases[] = {
	{ "mdl-uncached-buddy", ZT_MDL, ZT_UC, false },
	{ "mdl-uncached-window", ZT_MDL, ZT_UC, true },
	{ "mdl-cached-buddy", ZT_MDL, ZT_WB, false },
	{ "mdl-cached-window", ZT_MDL, ZT_WB, true },
	{ "mdl-write-combined-buddy", ZT_MDL, ZT_WC, false },
	{ "mdl-write-combined-window", ZT_MDL, ZT_WC, true },
	{ "contiguous-uncached-buddy", ZT_CONTIG, ZT_UC, false },
	{ "contiguous-uncached-window", ZT_CONTIG, ZT_UC, true },
	{ "contiguous-cached-buddy", ZT_CONTIG, ZT_WB, false },
	{ "contiguous-cached-window", ZT_CONTIG, ZT_WB, true },
	{ "contiguous-write-combined-buddy", ZT_CONTIG, ZT_WC, false },
	{ "contiguous-write-combined-window", ZT_CONTIG, ZT_WC, true },
	{ "wddm24-contiguous-uncached-buddy", ZT_W24_CONTIG, ZT_UC, false },
	{ "wddm24-contiguous-uncached-window", ZT_W24_CONTIG, ZT_UC, true },
	{ "wddm24-contiguous-cached-buddy", ZT_W24_CONTIG, ZT_WB, false },
	{ "wddm24-contiguous-cached-window", ZT_W24_CONTIG, ZT_WB, true },
	{ "wddm24-contiguous-write-combined-buddy", ZT_W24_CONTIG, ZT_WC, false },
	{ "wddm24-contiguous-write-combined-window", ZT_W24_CONTIG, ZT_WC, true },
	{ "wddm24-pages-uncached-buddy", ZT_W24_PAGES, ZT_UC, false },
	{ "wddm24-pages-uncached-window", ZT_W24_PAGES, ZT_UC, true },
	{ "wddm24-pages-cached-buddy", ZT_W24_PAGES, ZT_WB, false },
	{ "wddm24-pages-cached-window", ZT_W24_PAGES, ZT_WB, true },
	{ "wddm24-pages-write-combined-buddy", ZT_W24_PAGES, ZT_WC, false },
	{ "wddm24-pages-write-combined-window", ZT_W24_PAGES, ZT_WC, true },
	{ "mdl-cached-dont-zero-buddy", ZT_MDL, ZT_WB, false, true },
	{ "mdl-cached-dont-zero-window", ZT_MDL, ZT_WB, true, true },
	{ "wddm24-pages-cached-dont-zero-buddy", ZT_W24_PAGES, ZT_WB, false, true },
	{ "wddm24-pages-cached-dont-zero-window", ZT_W24_PAGES, ZT_WB, true, true },
};

static void zt_case_desc(const struct zt_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(zt, zt_cases, zt_case_desc);

/**
 * struct zt_mem - one allocation of a case, with a kernel view of it
 * @obj: the physical memory object (ZT_MDL, ZT_CONTIG)
 * @handle: hMemoryHandle (the WDDM 2.4 kinds)
 * @view: a CPU view of the whole allocation with its cache type: the
 *	object's kernel-mode view, pMemory, or a vmap() of the MDL's pages
 * @npages: pages
 * @pfn: page frame number of each page
 */
struct zt_mem {
	struct dxgkpm_dkt_obj obj;
	HANDLE handle;
	u8 *view;
	unsigned int npages;
	unsigned long pfn[ZT_MAX_PAGES];
};

/* A physical memory object, created without an adapter, with its view. */
static void zt_create_object(struct kunit *test, struct dxgkpm_kt *kt,
			     const struct zt_case *c, struct zt_mem *mem)
{
	const DXGK_PHYSICAL_MEMORY_TYPE type = c->kind == ZT_MDL ?
		DXGK_PHYSICAL_MEMORY_TYPE_MDL :
		DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY;
	const size_t size = (size_t)mem->npages << PAGE_SHIFT;
	const u64 low = c->window ? DXGKPM_DKT_LOW : 0;
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT args;
	unsigned int i;

	dxgkpm_dkt_args(&args, kt, false, type, c->cache, size);
	if (type == DXGK_PHYSICAL_MEMORY_TYPE_MDL) {
		args.Mdl.LowAddress.QuadPart = low;
		args.Mdl.Flags = c->dont_zero ? MM_DONT_ZERO_ALLOCATION : 0;
	} else {
		args.ContiguousMemory.LowestAcceptableAddress.QuadPart = low;
	}
	dxgkpm_call_create(test, kt, &args);
	mem->obj = (struct dxgkpm_dkt_obj) {
		.kt = kt,
		.type = type,
		.cache = c->cache,
		.size = size,
		.pmo = args.hPhysicalMemoryObject,
	};
	dxgkpm_dkt_map(test, &mem->obj);
	mem->view = mem->obj.view;
	for (i = 0; i < mem->npages; i++)
		mem->pfn[i] = vmalloc_to_pfn(mem->view + i * PAGE_SIZE);
}

/* WDDM 2.4 contiguous memory; pMemory is its view. */
static void zt_alloc_w24_contig(struct kunit *test, struct dxgkpm_kt *kt,
				const struct zt_case *c, struct zt_mem *mem)
{
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY args = {
		.NumberOfBytes = (SIZE_T)mem->npages << PAGE_SHIFT,
		.CacheType = c->cache,
	};
	unsigned int i;

	args.LowestAcceptableAddress.QuadPart = c->window ? DXGKPM_DKT_LOW : 0;
	args.HighestAcceptableAddress.QuadPart = -1;
	KUNIT_ASSERT_EQ(test, kt->iface.DxgkCbAllocateContiguousMemory(kt->h,
								       &args),
			STATUS_SUCCESS);
	mem->handle = args.hMemoryHandle;
	mem->view = args.pMemory;
	KUNIT_ASSERT_NOT_NULL(test, mem->view);
	for (i = 0; i < mem->npages; i++)
		mem->pfn[i] = vmalloc_to_pfn(mem->view + i * PAGE_SIZE);
}

/*
 * WDDM 2.4 pages for an MDL, viewed the way a driver maps an MDL's pages
 * (MmMapLockedPagesSpecifyCache): with the allocation's cache type.
 */
static void zt_alloc_w24_pages(struct kunit *test, struct dxgkpm_kt *kt,
			       const struct zt_case *c, struct zt_mem *mem)
{
	DXGKARGCB_ALLOCATEPAGESFORMDL args = {
		.TotalBytes = (SIZE_T)mem->npages << PAGE_SHIFT,
		.CacheType = c->cache,
		.Flags = c->dont_zero ? MM_DONT_ZERO_ALLOCATION : 0,
	};
	struct page *pages[ZT_MAX_PAGES];
	PPFN_NUMBER pfns;
	unsigned int i;

	args.LowAddress.QuadPart = c->window ? DXGKPM_DKT_LOW : 0;
	args.HighAddress.QuadPart = -1;
	KUNIT_ASSERT_EQ(test, kt->iface.DxgkCbAllocatePagesForMdl(kt->h, &args),
			STATUS_SUCCESS);
	mem->handle = args.hMemoryHandle;
	KUNIT_ASSERT_NOT_NULL(test, args.pMdl);
	pfns = MmGetMdlPfnArray(args.pMdl);
	for (i = 0; i < mem->npages; i++) {
		mem->pfn[i] = pfns[i];
		pages[i] = pfn_to_page(pfns[i]);
	}
	mem->view = vmap(pages, mem->npages, VM_MAP,
			 dxgkpm_pgprot((enum dxgkpm_caching)c->cache,
				       PAGE_KERNEL));
	KUNIT_ASSERT_NOT_NULL(test, mem->view);
}

/* Allocate @npages of the case's kind, with a view and the page numbers. */
static void zt_alloc(struct kunit *test, struct dxgkpm_kt *kt,
		     const struct zt_case *c, unsigned int npages,
		     struct zt_mem *mem)
{
	memset(mem, 0, sizeof(*mem));
	mem->npages = npages;
	switch (c->kind) {
	case ZT_MDL:
	case ZT_CONTIG:
		zt_create_object(test, kt, c, mem);
		break;
	case ZT_W24_CONTIG:
		zt_alloc_w24_contig(test, kt, c, mem);
		break;
	case ZT_W24_PAGES:
		zt_alloc_w24_pages(test, kt, c, mem);
		break;
	}
}

/* Remove the view, then give the memory back, which must work. */
static void zt_free(struct kunit *test, struct dxgkpm_kt *kt,
		    const struct zt_case *c, struct zt_mem *mem)
{
	DXGKARGCB_FREECONTIGUOUSMEMORY contig = { .hMemoryHandle = mem->handle };
	DXGKARGCB_FREEPAGESFROMMDL pages = { .hMemoryHandle = mem->handle };

	switch (c->kind) {
	case ZT_MDL:
	case ZT_CONTIG:
		dxgkpm_dkt_unmap(test, &mem->obj);
		dxgkpm_dkt_destroy(test, &mem->obj, false);
		break;
	case ZT_W24_CONTIG:
		KUNIT_EXPECT_EQ(test,
				kt->iface.DxgkCbFreeContiguousMemory(kt->h,
								     &contig),
				STATUS_SUCCESS);
		break;
	case ZT_W24_PAGES:
		vunmap(mem->view);
		KUNIT_EXPECT_EQ(test,
				kt->iface.DxgkCbFreePagesFromMdl(kt->h, &pages),
				STATUS_SUCCESS);
		break;
	}
	mem->view = NULL;
}

/* The pattern of page @page of the dirtied allocation of round @round. */
static u32 zt_seed(unsigned int round, unsigned int page)
{
	return ZT_SEED + round * ZT_MAX_PAGES + page;
}

/* The index of @pfn among the pages of @mem, or -1. */
static int zt_find(const struct zt_mem *mem, unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < mem->npages; i++)
		if (mem->pfn[i] == pfn)
			return i;
	return -1;
}

/*
 * One memory type, cache type and source of pages: dirty, give back,
 * allocate again, see the same pages come back, and read them. Passes if
 * some page came back within ZT_ROUNDS rounds and, in the first round in
 * which one did, every page of the new allocation reads as zeroes (with
 * MM_DONT_ZERO_ALLOCATION: some reused page still holds the pattern).
 */
static void dxgkpm_zero_reused(struct kunit *test)
{
	const struct zt_case *c = test->param_value;
	const unsigned int npages = c->window ? ZT_WINDOW_PAGES :
						ZT_BUDDY_PAGES;
	unsigned int round, i, reused = 0, stale = 0, cpu;
	struct zt_mem *dirty, *fresh;
	struct cpumask *allowed;
	struct dxgkpm_kt *kt;
	char pfns[96];
	size_t len;
	int j;

	KUNIT_ASSERT_FALSE_MSG(test, want_init_on_alloc(GFP_KERNEL),
			       "the kernel zeroes every page it allocates (init_on_alloc): boot with init_on_alloc=0 or this proves nothing");
	KUNIT_ASSERT_FALSE_MSG(test, want_init_on_free(),
			       "the kernel zeroes every page it frees (init_on_free): boot with init_on_free=0 or this proves nothing");
	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	kt = dxgkpm_kt_setup(test, 0);
	dirty = kunit_kzalloc(test, sizeof(*dirty), GFP_KERNEL);
	fresh = kunit_kzalloc(test, sizeof(*fresh), GFP_KERNEL);
	allowed = kunit_kzalloc(test, cpumask_size(), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dirty);
	KUNIT_ASSERT_NOT_NULL(test, fresh);
	KUNIT_ASSERT_NOT_NULL(test, allowed);

	/* Per-CPU page lists: free and allocate on one CPU. */
	cpumask_copy(allowed, current->cpus_ptr);
	cpu = raw_smp_processor_id();
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, cpumask_of(cpu)),
			0);

	for (round = 1; round <= ZT_ROUNDS && !reused; round++) {
		zt_alloc(test, kt, c, npages, dirty);
		for (i = 0; i < npages; i++)
			dxgkpm_kt_fill(dirty->view + i * PAGE_SIZE, PAGE_SIZE,
				       zt_seed(round, i));
		wmb();	/* drains the write-combining buffers */
		zt_free(test, kt, c, dirty);

		zt_alloc(test, kt, c, npages, fresh);
		len = 0;
		for (i = 0; i < npages; i++) {
			const u8 *p = fresh->view + i * PAGE_SIZE;

			j = zt_find(dirty, fresh->pfn[i]);
			if (j >= 0) {
				reused++;
				len += scnprintf(pfns + len, sizeof(pfns) - len,
						 " %#lx", fresh->pfn[i]);
			}
			if (c->dont_zero) {
				if (j >= 0 &&
				    dxgkpm_kt_mismatch(p, PAGE_SIZE,
						       zt_seed(round, j)) == PAGE_SIZE)
					stale++;
				continue;
			}
			KUNIT_EXPECT_NULL_MSG(test, memchr_inv(p, 0, PAGE_SIZE),
					      "round %u: page %u (pfn %#lx%s) is not zero",
					      round, i, fresh->pfn[i],
					      j >= 0 ? ", dirtied by the previous object" : "");
		}
		if (reused && c->dont_zero)
			kunit_info(test, "round %u, cpu %u: %u of %u pages reused, %u with the previous data, pfn%s%s",
				   round, cpu, reused, npages, stale,
				   reused > 1 ? "s" : "", pfns);
		else if (reused)
			kunit_info(test, "round %u, cpu %u: %u of %u pages reused and zero, pfn%s%s",
				   round, cpu, reused, npages,
				   reused > 1 ? "s" : "", pfns);
		zt_free(test, kt, c, fresh);
	}
	set_cpus_allowed_ptr(current, allowed);

	KUNIT_EXPECT_GT_MSG(test, reused, 0U,
			    "no page came back in %u rounds: nothing was shown",
			    ZT_ROUNDS);
	if (c->dont_zero)
		KUNIT_EXPECT_GT_MSG(test, stale, 0U,
				    "MM_DONT_ZERO_ALLOCATION: no reused page kept the previous object's data (cleared anyway?)");
	dxgkpm_kt_expect_no_memory(test);
}

static struct kunit_case dxgkpm_zero_cases[] = {
	KUNIT_CASE_PARAM(dxgkpm_zero_reused, zt_gen_params),
	{}
};

static struct kunit_suite dxgkpm_zero_suite = {
	.name = "dxgkpm_zero",
	.suite_init = dxgkpm_kt_suite_init,
	.init = dxgkpm_kt_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_zero_cases,
};

kunit_test_suite(dxgkpm_zero_suite);
