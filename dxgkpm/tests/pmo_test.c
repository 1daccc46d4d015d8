// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite for what physical memory objects promise when they are used
 * as documented (Documentation/dxgkpm.rst), through the DXGK callbacks: the
 * life of every legal memory type and cache type, zeroed memory, the
 * rounding contract of MapPhysicalMemory, kernel and user views that agree
 * byte for byte and carry the object's cache type in their page tables
 * (and on the linear map for the types that change it), the shapes and
 * addresses of ADLs under the IOMMU, the pins of sections, and what an
 * adapter's unregistration leaves. QEMU's edu devices are the adapters;
 * they copy memory by DMA where an address must be shown to mean the
 * memory.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagemap.h>
#include <linux/pci.h>
#include <linux/pgtable.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/memtype.h>

#include "dma_helpers.h"
#include "dxgk_calls.h"

#define PT_PAGES	4U

/**
 * struct pt_kind - a memory type with one of its legal cache types
 * @name: parameter description
 * @type: the memory type
 * @cache: the cache type
 * @open_late: create without an adapter, then Open (else open at create)
 */
struct pt_kind {
	const char *name;
	DXGK_PHYSICAL_MEMORY_TYPE type;
	DXGK_MEMORY_CACHING_TYPE cache;
	bool open_late;
};

#define PT_MDL		DXGK_PHYSICAL_MEMORY_TYPE_MDL
#define PT_CONTIG	DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY
#define PT_SECTION	DXGK_PHYSICAL_MEMORY_TYPE_SECTION
#define PT_UC		DXGK_MEMORY_CACHING_TYPE_NON_CACHED
#define PT_WB		DXGK_MEMORY_CACHING_TYPE_CACHED
#define PT_WC		DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED

static void pt_kind_desc(const struct pt_kind *kind, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", kind->name);
}

/* Every legal memory type and cache type but IO space, opened both ways. */
static const struct pt_kind pt_all_kinds[] = {
	{ "mdl-uncached", PT_MDL, PT_UC, false },
	{ "mdl-uncached-open", PT_MDL, PT_UC, true },
	{ "mdl-cached", PT_MDL, PT_WB, false },
	{ "mdl-cached-open", PT_MDL, PT_WB, true },
	{ "mdl-write-combined", PT_MDL, PT_WC, false },
	{ "mdl-write-combined-open", PT_MDL, PT_WC, true },
	{ "contiguous-uncached", PT_CONTIG, PT_UC, false },
	{ "contiguous-uncached-open", PT_CONTIG, PT_UC, true },
	{ "contiguous-cached", PT_CONTIG, PT_WB, false },
	{ "contiguous-cached-open", PT_CONTIG, PT_WB, true },
	{ "contiguous-write-combined", PT_CONTIG, PT_WC, false },
	{ "contiguous-write-combined-open", PT_CONTIG, PT_WC, true },
	{ "section-cached", PT_SECTION, PT_WB, false },
	{ "section-cached-open", PT_SECTION, PT_WB, true },
	{ "section-write-combined", PT_SECTION, PT_WC, false },
	{ "section-write-combined-open", PT_SECTION, PT_WC, true },
};

KUNIT_ARRAY_PARAM(pt_all, pt_all_kinds, pt_kind_desc);

/* Each legal memory type and cache type once (IO space aside). */
static const struct pt_kind pt_each_kinds[] = {
	{ "mdl-uncached", PT_MDL, PT_UC },
	{ "mdl-cached", PT_MDL, PT_WB },
	{ "mdl-write-combined", PT_MDL, PT_WC },
	{ "contiguous-uncached", PT_CONTIG, PT_UC },
	{ "contiguous-cached", PT_CONTIG, PT_WB },
	{ "contiguous-write-combined", PT_CONTIG, PT_WC },
	{ "section-cached", PT_SECTION, PT_WB },
	{ "section-write-combined", PT_SECTION, PT_WC },
};

KUNIT_ARRAY_PARAM(pt_each, pt_each_kinds, pt_kind_desc);

/* Page-array types (sections: see section_overlapping_adls). */
static const struct pt_kind pt_some_kinds[] = {
	{ "mdl-cached", PT_MDL, PT_WB },
	{ "mdl-uncached", PT_MDL, PT_UC },
	{ "contiguous-write-combined", PT_CONTIG, PT_WC },
};

KUNIT_ARRAY_PARAM(pt_some, pt_some_kinds, pt_kind_desc);

/* Sections, of each cache type they have. */
static const struct pt_kind pt_section_kinds[] = {
	{ "section-cached", PT_SECTION, PT_WB },
	{ "section-write-combined", PT_SECTION, PT_WC },
};

KUNIT_ARRAY_PARAM(pt_section, pt_section_kinds, pt_kind_desc);

/* An object of @kind, created for @adapter unless NULL. */
static struct dxgkpm_call_obj pt_new(struct kunit *test,
				     struct dxgkpm_kt *kt, HANDLE adapter,
				     const struct pt_kind *kind, size_t size)
{
	return dxgkpm_call_new(test, kt, adapter, kind->type, kind->cache,
			       size);
}

/* The object behind a live handle (the test holds no reference). */
static struct dxgkpm_pmo *pt_pmo(struct kunit *test, HANDLE handle)
{
	struct dxgkpm_pmo *pmo = dxgkpm_pmo_get_handle(dxgkpm_handle_to_u64(handle));

	KUNIT_ASSERT_NOT_NULL(test, pmo);
	dxgkpm_pmo_put(pmo);
	return pmo;
}

/*
 * Every page of an ADL: page aligned, within the edu device's 28-bit
 * reach, and what dxgkpm_adl_dma_address() says; nothing past the end.
 */
static void pt_check_adl(struct kunit *test, const DXGK_ADL *adl)
{
	const struct dxgkpm_adl *native = dxgkpm_adl_from_caller(adl);
	dma_addr_t addr;
	u32 i;

	KUNIT_EXPECT_EQ(test, (u32)adl->Flags.Reserved, 0U);
	KUNIT_EXPECT_EQ(test, dxgkpm_adl_page_count(native), adl->PageCount);
	KUNIT_EXPECT_EQ(test, dxgkpm_adl_is_contiguous(native),
			(bool)adl->Flags.Contiguous);
	if (!adl->Flags.Contiguous)
		KUNIT_ASSERT_NOT_NULL(test, adl->Pages);
	for (i = 0; i < adl->PageCount; i++) {
		addr = dxgkpm_call_adl_addr(adl, i);
		KUNIT_EXPECT_EQ_MSG(test, addr, dxgkpm_adl_dma_address(native, i),
				    "page %u", i);
		KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(addr));
		KUNIT_EXPECT_LE_MSG(test, addr + PAGE_SIZE - 1, EDU_DMA_MASK,
				    "page %u at %pad is beyond the device's mask",
				    i, &addr);
	}
	KUNIT_EXPECT_EQ(test, dxgkpm_adl_dma_address(native, adl->PageCount),
			DMA_MAPPING_ERROR);
}

/*
 * Make what the CPU wrote through a write-combined or uncached view visible
 * to another alias of the memory, or to the device.
 */
static void pt_wc_flush(void)
{
	wmb();	/* sfence: drains the write-combining buffers */
}

/* ------------------------------------------------- page-table attributes */

static enum page_cache_mode pt_mode(DXGK_MEMORY_CACHING_TYPE cache)
{
	switch (cache) {
	case DXGK_MEMORY_CACHING_TYPE_NON_CACHED:
		return _PAGE_CACHE_MODE_UC_MINUS;
	case DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED:
		return _PAGE_CACHE_MODE_WC;
	default:
		return _PAGE_CACHE_MODE_WB;
	}
}

/* The cache bits (4 KiB layout) of the mapping of @addr in @pgd, or ~0. */
static unsigned long pt_cache_bits_in(pgd_t *pgd, unsigned long addr)
{
	unsigned int level;
	pgprotval_t val;
	pte_t *pte;

	pte = lookup_address_in_pgd(pgd, addr, &level);
	if (!pte || !pte_present(*pte))
		return ~0UL;
	val = pte_val(*pte);
	if (level != PG_LEVEL_4K)
		val = protval_large_2_4k(val);
	return val & _PAGE_CACHE_MASK;
}

/* The cache bits of a kernel address (linear map, vmap, ioremap). */
static unsigned long pt_cache_bits(const void *addr)
{
	return pt_cache_bits_in(pgd_offset_k((unsigned long)addr),
				(unsigned long)addr);
}

/* The cache bits of a user address of the current process. */
static unsigned long pt_user_cache_bits(unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	unsigned long bits;

	mmap_read_lock(mm);
	bits = pt_cache_bits_in(pgd_offset(mm, addr), addr);
	mmap_read_unlock(mm);
	return bits;
}

/* The page mapped at a user address of the current process, or NULL. */
static struct page *pt_user_page(unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	struct page *page = NULL;
	unsigned int level;
	pte_t *pte;

	mmap_read_lock(mm);
	pte = lookup_address_in_pgd(pgd_offset(mm, addr), addr, &level);
	if (pte && pte_present(*pte) && level == PG_LEVEL_4K)
		page = pfn_to_page(pte_pfn(*pte));
	mmap_read_unlock(mm);
	return page;
}

/* PAT must be on, or every cache type would look alike. */
static void pt_require_pat(struct kunit *test)
{
	KUNIT_ASSERT_TRUE_MSG(test, pat_enabled(),
			      "x86 PAT is off: cache types cannot be told apart");
	KUNIT_ASSERT_NE(test, cachemode2protval(_PAGE_CACHE_MODE_WC),
			cachemode2protval(_PAGE_CACHE_MODE_WB));
	KUNIT_ASSERT_NE(test, cachemode2protval(_PAGE_CACHE_MODE_UC_MINUS),
			cachemode2protval(_PAGE_CACHE_MODE_WB));
	KUNIT_ASSERT_NE(test, cachemode2protval(_PAGE_CACHE_MODE_UC_MINUS),
			cachemode2protval(_PAGE_CACHE_MODE_WC));
}

/* ----------------------------------------------------------------- cases */

/*
 * The life of an object of each legal memory type and cache type, created
 * with an adapter or without one and then opened: Create returns both
 * handles (hAdapterMemoryObject only with hAdapter) and records the
 * request (type, cache type, size, Context); the memory reads as zeroes
 * through a kernel view before anything writes it (an earlier object just
 * dirtied memory that is likely handed out again; dxgkpm_zero is the suite
 * that proves reuse, by page frame number); two views see the same bytes; an
 * ADL of the whole object stays in the device's reach; the counters follow
 * (pages and their linear-map cache type for page-array types, one DMA
 * mapping per open object but for sections); Destroy with the AMO leaves
 * nothing. Passes if all of that holds.
 */
static void dxgkpm_pmo_lifecycle(struct kunit *test)
{
	const struct pt_kind *kind = test->param_value;
	const size_t size = PT_PAGES * PAGE_SIZE - 100;
	const bool paged = kind->type != PT_SECTION;
	size_t vsize, vsize2;
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_kt *kt;
	struct dxgkpm_call_obj obj;
	u8 *view, *view2;
	DXGK_ADL *adl;

	kt = dxgkpm_kt_setup(test, 0);
	dxgkpm_kt_expect_no_memory(test);

	/* Dirty memory, likely handed out again to the next object. */
	obj = pt_new(test, kt, NULL, kind, size);
	view = dxgkpm_call_view(test, kt, obj.pmo, 0, size, &vsize);
	memset(view, 0xa5, vsize);
	pt_wc_flush();
	dxgkpm_call_unmap(kt, obj.pmo, view, vsize);
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	dxgkpm_kt_expect_no_memory(test);

	obj = pt_new(test, kt, kind->open_late ? NULL : kt->h, kind, size);
	pmo = pt_pmo(test, obj.pmo);
	KUNIT_EXPECT_EQ(test, pmo->mem.type, (enum dxgkpm_mem_type)kind->type);
	KUNIT_EXPECT_EQ(test, pmo->mem.caching, (enum dxgkpm_caching)kind->cache);
	KUNIT_EXPECT_EQ(test, pmo->mem.size, size);
	KUNIT_EXPECT_EQ(test, pmo->mem.npages, (pgoff_t)PT_PAGES);
	KUNIT_EXPECT_EQ(test, pmo->context, DXGKPM_CALL_CONTEXT);
	DXGKPM_KT_EXPECT_STAT(test, pmos, 1);
	DXGKPM_KT_EXPECT_STAT(test, pages, paged ? PT_PAGES : 0);
	DXGKPM_KT_EXPECT_STAT(test, pages_wc, paged && kind->cache == PT_WC ?
			       PT_PAGES : 0);
	DXGKPM_KT_EXPECT_STAT(test, pages_uc, paged && kind->cache == PT_UC ?
			       PT_PAGES : 0);
	DXGKPM_KT_EXPECT_STAT(test, amos, kind->open_late ? 0 : 1);
	if (kind->open_late) {
		DXGKPM_KT_EXPECT_STAT(test, dma_maps, 0);
		dxgkpm_call_open_ok(test, kt, &obj);
		DXGKPM_KT_EXPECT_STAT(test, amos, 1);
	}
	/* Opening maps nothing: every ADL maps its own range. */
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 0);

	view = dxgkpm_call_view(test, kt, obj.pmo, 0, size, &vsize);
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(view, 0, vsize),
			      "a new object is not zeroed");
	dxgkpm_kt_fill(view, vsize, 0x11fe + kind->cache);
	pt_wc_flush();
	view2 = dxgkpm_call_view(test, kt, obj.pmo, 0, PT_PAGES * PAGE_SIZE,
				 &vsize2);
	KUNIT_EXPECT_PTR_NE(test, view2, view);
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_kt_mismatch(view2, vsize2,
						     0x11fe + kind->cache),
			    vsize2, "two views of one object differ");
	DXGKPM_KT_EXPECT_STAT(test, kviews, 2);

	adl = dxgkpm_call_adl_ok(test, kt, obj.amo, 0, PT_PAGES * PAGE_SIZE,
				 DXGKPM_CALL_PREFER);
	pt_check_adl(test, adl);
	DXGKPM_KT_EXPECT_STAT(test, adls, 1);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 1);
	dxgkpm_call_free_adl(kt, obj.amo, adl);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 0);
	dxgkpm_call_unmap(kt, obj.pmo, view2, vsize2);
	dxgkpm_call_unmap(kt, obj.pmo, view, vsize);
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * An IO-space object over the first two pages of edu's BAR0, uncached:
 * nothing is allocated; a kernel view is the device's registers (the
 * identification register reads 0xed, the liveness register inverts what
 * is written), mapped uncached, and honours the rounding contract for a
 * register in the middle of a page; its ADLs are contiguous in the
 * device's reach, through the IOMMU, with RequireContiguous or without
 * flags. Passes if so and Destroy leaves nothing.
 */
static void dxgkpm_pmo_io_space(struct kunit *test)
{
	const u32 probe = 0x1ee7c0de;
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;
	DXGKARGCB_MAP_PHYSICAL_MEMORY m, reg;
	void __iomem *regs;
	struct dxgkpm_kt *kt;
	DXGK_ADL *req, *any;
	struct dxgkpm_call_obj obj;

	kt = dxgkpm_kt_setup(test, 0);
	pt_require_pat(test);
	dxgkpm_call_args(&c, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE, PT_UC,
			 2 * PAGE_SIZE);
	c.IOSpace.BaseAddress.QuadPart = pci_resource_start(kt->edu->pdev, 0);
	obj = dxgkpm_call_create(test, kt, &c);
	DXGKPM_KT_EXPECT_STAT(test, pages, 0);
	DXGKPM_KT_EXPECT_STAT(test, amos, 1);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 0);

	KUNIT_ASSERT_EQ(test, dxgkpm_call_map(kt, &m, obj.pmo,
					      DXGK_ACCESS_MODE_KERNEL_MODE, 0,
					      2 * PAGE_SIZE), STATUS_SUCCESS);
	regs = (void __iomem __force *)m.pMappedAddress;
	KUNIT_EXPECT_EQ(test, readl(regs + EDU_REG_IDENT) & EDU_IDENT_MASK,
			(u32)EDU_IDENT_VALUE);
	writel(probe, regs + EDU_REG_LIVENESS);
	KUNIT_EXPECT_EQ(test, readl(regs + EDU_REG_LIVENESS), ~probe);
	KUNIT_EXPECT_EQ(test, pt_cache_bits(m.pMappedAddress),
			cachemode2protval(_PAGE_CACHE_MODE_UC_MINUS));

	KUNIT_ASSERT_EQ(test, dxgkpm_call_map(kt, &reg, obj.pmo,
					      DXGK_ACCESS_MODE_KERNEL_MODE,
					      EDU_REG_LIVENESS, sizeof(u32)),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, reg.Offset, (SIZE_T)EDU_REG_LIVENESS);
	KUNIT_EXPECT_EQ(test, reg.Size, (SIZE_T)PAGE_SIZE);
	regs = (void __iomem __force *)reg.pMappedAddress;
	KUNIT_EXPECT_EQ(test, readl(regs + reg.Offset), ~probe);

	req = dxgkpm_call_adl_ok(test, kt, obj.amo, 0, 2 * PAGE_SIZE,
				 DXGKPM_CALL_REQUIRE);
	KUNIT_EXPECT_EQ(test, (u32)req->Flags.Contiguous, 1U);
	pt_check_adl(test, req);
	any = dxgkpm_call_adl_ok(test, kt, obj.amo, 0, 2 * PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, (u32)any->Flags.Contiguous, 0U);
	pt_check_adl(test, any);
	KUNIT_EXPECT_EQ(test, dxgkpm_call_adl_addr(any, 1),
			dxgkpm_call_adl_addr(any, 0) + PAGE_SIZE);
	/* Each ADL maps its own range: two mappings of the BAR. */
	KUNIT_EXPECT_NE(test, dxgkpm_call_adl_addr(any, 0),
			dxgkpm_call_adl_addr(req, 0));
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 2);

	dxgkpm_call_free_adl(kt, obj.amo, any);
	dxgkpm_call_free_adl(kt, obj.amo, req);
	dxgkpm_call_unmap(kt, obj.pmo, reg.pMappedAddress, reg.Size);
	dxgkpm_call_unmap(kt, obj.pmo, m.pMappedAddress, m.Size);
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	dxgkpm_kt_expect_no_memory(test);
}

/**
 * struct pt_range - a MapPhysicalMemory request and what it must give
 * @offset: Offset in
 * @size: Size in
 * @out_offset: Offset out: the requested byte's offset in the view
 * @out_size: Size out: the whole pages covering the request
 */
struct pt_range {
	size_t offset;
	size_t size;
	size_t out_offset;
	size_t out_size;
};

static const struct pt_range pt_ranges[] = {
	{ PAGE_SIZE + 123, PAGE_SIZE, 123, 2 * PAGE_SIZE },
	{ 3 * PAGE_SIZE, 1, 0, PAGE_SIZE },
	{ 100, PAGE_SIZE - 100, 100, PAGE_SIZE },
	{ PAGE_SIZE - 1, 2, PAGE_SIZE - 1, 2 * PAGE_SIZE },
	{ 2 * PAGE_SIZE + 8, 3 * PAGE_SIZE - 16, 8, 3 * PAGE_SIZE },
	{ 5 * PAGE_SIZE - 1, 1, PAGE_SIZE - 1, PAGE_SIZE },
	{ 0, 5 * PAGE_SIZE, 0, 5 * PAGE_SIZE },
};

/*
 * The rounding contract of MapPhysicalMemory on an object of 5 pages less
 * 7 bytes: for each request Offset out is the requested byte's offset in
 * the view, Size out the whole pages covering the request (the last page
 * counts although the object ends 7 bytes before it), and
 * pMappedAddress + Offset out is the requested byte: what one view writes
 * at the first and last requested bytes and at its first byte, a view of
 * the whole object reads at the right place. All eight views are alive at
 * once, and each Unmap with the output base and Size removes exactly one.
 * Passes if so.
 */
static void dxgkpm_pmo_map_rounding(struct kunit *test)
{
	const struct pt_kind *kind = test->param_value;
	const size_t size = 5 * PAGE_SIZE - 7;
	DXGKARGCB_MAP_PHYSICAL_MEMORY m[ARRAY_SIZE(pt_ranges)];
	const struct pt_range *r;
	struct dxgkpm_kt *kt;
	struct dxgkpm_call_obj obj;
	size_t fsize;
	unsigned int i;
	u8 *full, *v;

	kt = dxgkpm_kt_setup(test, 0);
	obj = pt_new(test, kt, NULL, kind, size);
	full = dxgkpm_call_view(test, kt, obj.pmo, 0, size, &fsize);
	KUNIT_ASSERT_EQ(test, fsize, (size_t)5 * PAGE_SIZE);

	for (i = 0; i < ARRAY_SIZE(pt_ranges); i++) {
		r = &pt_ranges[i];
		KUNIT_ASSERT_EQ(test, dxgkpm_call_map(kt, &m[i], obj.pmo,
						      DXGK_ACCESS_MODE_KERNEL_MODE,
						      r->offset, r->size),
				STATUS_SUCCESS);
		KUNIT_EXPECT_EQ_MSG(test, m[i].Offset, r->out_offset,
				    "Offset %zu Size %zu", r->offset, r->size);
		KUNIT_EXPECT_EQ_MSG(test, m[i].Size, r->out_size,
				    "Offset %zu Size %zu", r->offset, r->size);
		v = m[i].pMappedAddress;
		KUNIT_ASSERT_NOT_NULL(test, v);
		KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(v));

		v[0] = 0x40 + i;
		pt_wc_flush();
		KUNIT_EXPECT_EQ_MSG(test, full[r->offset & PAGE_MASK], 0x40 + i,
				    "view %u does not start at its page", i);
		full[r->offset] = 0x10 + i;
		pt_wc_flush();
		KUNIT_EXPECT_EQ_MSG(test, v[m[i].Offset], 0x10 + i,
				    "view %u: the first requested byte", i);
		v[m[i].Offset + r->size - 1] = 0x80 + i;
		pt_wc_flush();
		KUNIT_EXPECT_EQ_MSG(test, full[r->offset + r->size - 1],
				    0x80 + i,
				    "view %u: the last requested byte", i);
	}
	DXGKPM_KT_EXPECT_STAT(test, kviews, 1 + ARRAY_SIZE(pt_ranges));
	for (i = 0; i < ARRAY_SIZE(pt_ranges); i++) {
		dxgkpm_call_unmap(kt, obj.pmo, m[i].pMappedAddress, m[i].Size);
		DXGKPM_KT_EXPECT_STAT(test, kviews, ARRAY_SIZE(pt_ranges) - i);
	}
	dxgkpm_call_unmap(kt, obj.pmo, full, fsize);
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Cache types in the page tables (x86 PAT): every page of a kernel view
 * carries the object's cache type (write-back, write-combined, or UC- for
 * uncached). The linear-map alias of each page has the same type while
 * the object lives for MDL and contiguous objects, and while the view
 * pins the pages for sections (dxgkpm_pmo_section_linear_map has the
 * details); once the object is destroyed it is write-back again, or, for a
 * write-combined or uncached page kept in the page pools, of its type
 * until the pools give it back (emptied here). The view maps the object's
 * own pages. Passes if every page's bits are the expected ones at each
 * step.
 */
static void dxgkpm_pmo_cache_attributes(struct kunit *test)
{
	const struct pt_kind *kind = test->param_value;
	const unsigned long wb = cachemode2protval(_PAGE_CACHE_MODE_WB);
	const unsigned long want = cachemode2protval(pt_mode(kind->cache));
	const bool paged = kind->type != PT_SECTION;
	struct page *pages[PT_PAGES];
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_kt *kt;
	struct dxgkpm_call_obj obj;
	size_t vsize;
	unsigned int i;
	u8 *view;

	kt = dxgkpm_kt_setup(test, 0);
	pt_require_pat(test);
	obj = pt_new(test, kt, NULL, kind, PT_PAGES * PAGE_SIZE);
	pmo = pt_pmo(test, obj.pmo);
	view = dxgkpm_call_view(test, kt, obj.pmo, 0, PT_PAGES * PAGE_SIZE,
				&vsize);

	for (i = 0; i < PT_PAGES; i++) {
		KUNIT_EXPECT_EQ_MSG(test, pt_cache_bits(view + i * PAGE_SIZE),
				    want, "kernel view, page %u", i);
		pages[i] = vmalloc_to_page(view + i * PAGE_SIZE);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
		if (paged)
			KUNIT_EXPECT_PTR_EQ_MSG(test, pages[i], pmo->mem.pages[i],
						"the view maps another page at %u",
						i);
		KUNIT_EXPECT_EQ_MSG(test, pt_cache_bits(page_address(pages[i])),
				    want, "linear map, page %u", i);
	}
	DXGKPM_KT_EXPECT_STAT(test, pages_wc,
			      kind->cache == PT_WC ? PT_PAGES : 0);
	DXGKPM_KT_EXPECT_STAT(test, pages_uc,
			      kind->cache == PT_UC ? PT_PAGES : 0);

	dxgkpm_call_unmap(kt, obj.pmo, view, vsize);
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	dxgkpm_kt_expect_no_memory(test);
	dxgkpm_pool_shrink(ULONG_MAX);
	for (i = 0; i < PT_PAGES; i++)
		KUNIT_EXPECT_EQ_MSG(test, pt_cache_bits(page_address(pages[i])),
				    wb, "linear map after Destroy, page %u", i);
}

/*
 * ADL shapes on an MDL or contiguous object created without an adapter and
 * then opened, behind the IOMMU: with PreferContiguous the whole object is
 * one range (Contiguous, BasePageNumber); without flags it is a page array
 * of exactly PageCount consecutive pages; a sub-range (Offset > 0) is one
 * range too, of its own (every ADL maps its own range, so the whole-object
 * ADLs have different addresses); a one-page ADL with PreferContiguous is
 * contiguous. All four are alive at once, each with its own mapping, every
 * page number is in the device's reach and is what
 * dxgkpm_adl_dma_address() gives, and the device copying the sub-range's
 * first page to the last page of the whole ADL moves the right bytes.
 * Passes if so and FreeAdl leaves no ADL and no mapping behind.
 */
static void dxgkpm_pmo_adl_shapes(struct kunit *test)
{
	const struct pt_kind *kind = test->param_value;
	const size_t size = 8 * PAGE_SIZE;
	DXGK_ADL *pref, *array, *sub, *one;
	DXGK_IOMMU_CAPS caps;
	struct dxgkpm_kt *kt;
	struct dxgkpm_call_obj obj;
	size_t vsize;
	u32 i;
	u8 *view;

	kt = dxgkpm_kt_setup(test, 0);
	KUNIT_ASSERT_EQ(test, dxgkpm_query_iommu_caps(kt->adapter, &caps), 0);
	KUNIT_ASSERT_TRUE_MSG(test, caps.DmaRemappingSupported,
			      "the edu device is not behind a remapping IOMMU");
	obj = pt_new(test, kt, NULL, kind, size);
	dxgkpm_call_open_ok(test, kt, &obj);
	view = dxgkpm_call_view(test, kt, obj.pmo, 0, size, &vsize);
	dxgkpm_kt_fill(view + 2 * PAGE_SIZE, PAGE_SIZE, 0xad1);

	pref = dxgkpm_call_adl_ok(test, kt, obj.amo, 0, size,
				  DXGKPM_CALL_PREFER);
	array = dxgkpm_call_adl_ok(test, kt, obj.amo, 0, size, 0);
	sub = dxgkpm_call_adl_ok(test, kt, obj.amo, 2 * PAGE_SIZE,
				 3 * PAGE_SIZE, 0);
	one = dxgkpm_call_adl_ok(test, kt, obj.amo, 5 * PAGE_SIZE, PAGE_SIZE,
				 DXGKPM_CALL_PREFER);
	DXGKPM_KT_EXPECT_STAT(test, adls, 4);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 4);

	KUNIT_EXPECT_EQ(test, (u32)pref->Flags.Contiguous, 1U);
	KUNIT_EXPECT_EQ(test, (u32)array->Flags.Contiguous, 0U);
	KUNIT_EXPECT_EQ(test, (u32)sub->Flags.Contiguous, 0U);
	KUNIT_EXPECT_EQ(test, (u32)one->Flags.Contiguous, 1U);
	pt_check_adl(test, pref);
	pt_check_adl(test, array);
	pt_check_adl(test, sub);
	pt_check_adl(test, one);
	for (i = 1; i < array->PageCount; i++)
		KUNIT_EXPECT_EQ_MSG(test, array->Pages[i], array->Pages[0] + i,
				    "the page array is not one IOVA range at %u",
				    i);
	/* Every ADL has its own mapping: its own range of addresses. */
	KUNIT_EXPECT_NE(test, array->Pages[0], pref->BasePageNumber);
	for (i = 1; i < sub->PageCount; i++)
		KUNIT_EXPECT_EQ(test, sub->Pages[i], sub->Pages[0] + i);

	/* The sub-range's first page is the object's third. */
	pt_wc_flush();
	KUNIT_ASSERT_EQ(test, dxgkpm_edu_copy(kt->edu,
					      dxgkpm_call_adl_addr(pref, 7),
					      dxgkpm_call_adl_addr(sub, 0),
					      PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_kt_mismatch(view + 7 * PAGE_SIZE,
						     PAGE_SIZE, 0xad1),
			    (size_t)PAGE_SIZE,
			    "the device did not copy page 2 into page 7");

	dxgkpm_call_free_adl(kt, obj.amo, one);
	dxgkpm_call_free_adl(kt, obj.amo, sub);
	dxgkpm_call_free_adl(kt, obj.amo, array);
	dxgkpm_call_free_adl(kt, obj.amo, pref);
	DXGKPM_KT_EXPECT_STAT(test, adls, 0);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 0);
	dxgkpm_call_unmap(kt, obj.pmo, view, vsize);
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	dxgkpm_kt_expect_no_memory(test);
}

/* References on the page cache folio at @index of a section, or -1. */
static int pt_section_refs(struct dxgkpm_pmo *pmo, pgoff_t index)
{
	struct folio *folio;
	int refs;

	folio = filemap_get_folio(pmo->mem.file->f_mapping, index);
	if (IS_ERR(folio))
		return -1;
	/* Order 0 only: one reference of the page cache, one of ours. */
	refs = folio_nr_pages(folio) == 1 ? folio_ref_count(folio) - 1 : -2;
	folio_put(folio);
	return refs;
}

static void pt_expect_refs(struct kunit *test, struct dxgkpm_pmo *pmo,
			   const int *want, const char *when)
{
	pgoff_t i;

	lru_add_drain_all();	/* per-CPU LRU batches hold references */
	for (i = 0; i < PT_PAGES; i++)
		KUNIT_EXPECT_EQ_MSG(test, pt_section_refs(pmo, i), want[i],
				    "%s: page %lu", when, i);
}

/* The page cache page at @index of a section (the test holds no reference). */
static struct page *pt_section_page(struct kunit *test,
				    struct dxgkpm_pmo *pmo, pgoff_t index)
{
	struct folio *folio;

	folio = filemap_get_folio(pmo->mem.file->f_mapping, index);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(folio), "no page %lu", index);
	folio_put(folio);
	return folio_file_page(folio, index);
}

/*
 * The linear map of a section's pages: the first @nwb are write-back, the
 * others have the memory type @want; dxgkpm_stats.pages_wc counts those
 * of a write-combined section.
 */
static void pt_expect_linear(struct kunit *test, const struct pt_kind *kind,
			     struct page **pages, unsigned int nwb,
			     const char *when)
{
	const unsigned long wb = cachemode2protval(_PAGE_CACHE_MODE_WB);
	const unsigned long want = cachemode2protval(pt_mode(kind->cache));
	unsigned int i;

	for (i = 0; i < PT_PAGES; i++)
		KUNIT_EXPECT_EQ_MSG(test, pt_cache_bits(page_address(pages[i])),
				    i < nwb ? wb : want,
				    "%s: linear map of page %u", when, i);
	DXGKPM_KT_EXPECT_STAT(test, pages_wc,
			      kind->cache == PT_WC ? PT_PAGES - nwb : 0);
}

/*
 * A section's pages have one memory type (x86 PAT): the linear-map alias
 * of every page that a view maps, or an ADL pins, has the section's cache
 * type, like the views' page tables. With a kernel view of pages 0-1, a
 * user view of pages 1-2 (touched, so that they are mapped) and an ADL of
 * pages 2-3, the two views map the section's own pages, with the section's
 * type in their PTEs and on the linear map of all four pages; each page
 * keeps that type while anything still maps or pins it, and is write-back
 * again as soon as the last goes: page 0 with the kernel view, page 1 with
 * the user view, pages 2-3 with the ADL (dxgkpm_stats.pages_wc follows).
 * A write-combined section's user view pins its pages, which therefore
 * cannot go to swap in their changed type, and copy-on-write user views of
 * it are refused (their private copies would be write-back pages mapped
 * write-combined). Passes if so; a cached section stays write-back
 * throughout, its user view pins nothing and may be copy-on-write.
 */
static void dxgkpm_pmo_section_linear_map(struct kunit *test)
{
	const struct pt_kind *kind = test->param_value;
	const unsigned long want = cachemode2protval(pt_mode(kind->cache));
	const bool wc = kind->cache == PT_WC;
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;
	DXGKARGCB_MAP_PHYSICAL_MEMORY k, u;
	struct page *pages[PT_PAGES];
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_kt *kt;
	struct dxgkpm_call_obj obj;
	unsigned long up;
	unsigned int i;
	DXGK_ADL *adl;
	u8 *kv;
	u32 value;

	kt = dxgkpm_kt_setup(test, 0);
	pt_require_pat(test);
	dxgkpm_kt_attach_mm(test);
	obj = pt_new(test, kt, kt->h, kind, PT_PAGES * PAGE_SIZE);
	pmo = pt_pmo(test, obj.pmo);

	KUNIT_ASSERT_EQ(test, dxgkpm_call_map(kt, &k, obj.pmo,
					      DXGK_ACCESS_MODE_KERNEL_MODE, 0,
					      2 * PAGE_SIZE), STATUS_SUCCESS);
	kv = k.pMappedAddress;
	KUNIT_ASSERT_EQ(test, dxgkpm_call_map(kt, &u, obj.pmo,
					      DXGK_ACCESS_MODE_USER_MODE,
					      PAGE_SIZE, 2 * PAGE_SIZE),
			STATUS_SUCCESS);
	up = (unsigned long)u.pMappedAddress;
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ(test, get_user(value, (u32 __user *)
					       (up + i * PAGE_SIZE)), 0);
	adl = dxgkpm_call_adl_ok(test, kt, obj.amo, 2 * PAGE_SIZE,
				 2 * PAGE_SIZE, 0);
	DXGKPM_KT_EXPECT_STAT(test, pinned, 2 + (wc ? 2 : 0) + 2);

	for (i = 0; i < PT_PAGES; i++)
		pages[i] = pt_section_page(test, pmo, i);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_PTR_EQ_MSG(test, vmalloc_to_page(kv + i * PAGE_SIZE),
					pages[i], "kernel view, page %u", i);
		KUNIT_EXPECT_EQ_MSG(test, pt_cache_bits(kv + i * PAGE_SIZE),
				    want, "kernel view, page %u", i);
		KUNIT_EXPECT_PTR_EQ_MSG(test, pt_user_page(up + i * PAGE_SIZE),
					pages[1 + i], "user view, page %u", i);
		KUNIT_EXPECT_EQ_MSG(test,
				    pt_user_cache_bits(up + i * PAGE_SIZE),
				    want, "user view, page %u", i);
	}
	pt_expect_linear(test, kind, pages, 0, "two views and an ADL");

	dxgkpm_call_unmap(kt, obj.pmo, kv, k.Size);
	pt_expect_linear(test, kind, pages, 1, "the kernel view unmapped");
	dxgkpm_call_unmap(kt, obj.pmo, u.pMappedAddress, u.Size);
	DXGKPM_KT_EXPECT_STAT(test, uviews, 0);
	pt_expect_linear(test, kind, pages, 2, "the user view unmapped");
	dxgkpm_call_free_adl(kt, obj.amo, adl);
	DXGKPM_KT_EXPECT_STAT(test, pinned, 0);
	pt_expect_linear(test, kind, pages, PT_PAGES, "the ADL freed");
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);

	dxgkpm_call_args(&c, NULL, PT_SECTION, kind->cache, PAGE_SIZE);
	c.Section.PageProtection = PAGE_WRITECOPY;
	obj = dxgkpm_call_create(test, kt, &c);
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_call_map(kt, &u, obj.pmo,
						  DXGK_ACCESS_MODE_USER_MODE, 0,
						  PAGE_SIZE),
			    wc ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS,
			    "a copy-on-write user view");
	if (u.pMappedAddress)
		dxgkpm_call_unmap(kt, obj.pmo, u.pMappedAddress, u.Size);
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * A section's pages are pinned by exactly what the contract says: with no
 * ADL or view a page's only reference is the page cache's; an ADL over
 * pages 1-2 adds one reference to each of them (dxgkpm_stats.pinned 2, one
 * DMA mapping) and a kernel view of page 3 one to that page; the device
 * copies page 1 into page 2 through the ADL; FreeAdl and Unmap give every
 * reference back. Passes if the references and counters follow and the
 * copy arrived.
 */
static void dxgkpm_pmo_section_pins(struct kunit *test)
{
	static const int none[PT_PAGES] = { 1, 1, 1, 1 };
	static const int adl_refs[PT_PAGES] = { 1, 2, 2, 1 };
	static const int both[PT_PAGES] = { 1, 2, 2, 2 };
	const struct pt_kind kind = { "section", PT_SECTION, PT_WB };
	DXGKARGCB_MAP_PHYSICAL_MEMORY m;
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_kt *kt;
	struct dxgkpm_call_obj obj;
	size_t vsize;
	DXGK_ADL *adl;
	u8 *view;

	kt = dxgkpm_kt_setup(test, 0);
	obj = pt_new(test, kt, kt->h, &kind, PT_PAGES * PAGE_SIZE);
	pmo = pt_pmo(test, obj.pmo);
	DXGKPM_KT_EXPECT_STAT(test, pages, 0);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 0);
	DXGKPM_KT_EXPECT_STAT(test, pinned, 0);

	/* Bring every page in, with data in page 1. */
	view = dxgkpm_call_view(test, kt, obj.pmo, 0, PT_PAGES * PAGE_SIZE,
				&vsize);
	DXGKPM_KT_EXPECT_STAT(test, pinned, PT_PAGES);
	dxgkpm_kt_fill(view + PAGE_SIZE, PAGE_SIZE, 0x5ec7);
	dxgkpm_call_unmap(kt, obj.pmo, view, vsize);
	DXGKPM_KT_EXPECT_STAT(test, pinned, 0);
	pt_expect_refs(test, pmo, none, "nothing pins");

	adl = dxgkpm_call_adl_ok(test, kt, obj.amo, PAGE_SIZE, 2 * PAGE_SIZE,
				 0);
	DXGKPM_KT_EXPECT_STAT(test, pinned, 2);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 1);
	pt_expect_refs(test, pmo, adl_refs, "an ADL over pages 1-2");

	KUNIT_ASSERT_EQ(test, dxgkpm_call_map(kt, &m, obj.pmo,
					      DXGK_ACCESS_MODE_KERNEL_MODE,
					      3 * PAGE_SIZE + 5, 1),
			STATUS_SUCCESS);
	DXGKPM_KT_EXPECT_STAT(test, pinned, 3);
	pt_expect_refs(test, pmo, both, "and a kernel view of page 3");
	dxgkpm_call_unmap(kt, obj.pmo, m.pMappedAddress, m.Size);
	pt_expect_refs(test, pmo, adl_refs, "the view unmapped");

	KUNIT_ASSERT_EQ(test, dxgkpm_edu_copy(kt->edu,
					      dxgkpm_call_adl_addr(adl, 1),
					      dxgkpm_call_adl_addr(adl, 0),
					      PAGE_SIZE), 0);
	dxgkpm_call_free_adl(kt, obj.amo, adl);
	DXGKPM_KT_EXPECT_STAT(test, pinned, 0);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 0);
	pt_expect_refs(test, pmo, none, "the ADL freed");

	view = dxgkpm_call_view(test, kt, obj.pmo, 0, PT_PAGES * PAGE_SIZE,
				&vsize);
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_kt_mismatch(view + 2 * PAGE_SIZE,
						     PAGE_SIZE, 0x5ec7),
			    (size_t)PAGE_SIZE,
			    "the device's copy through the ADL differs");
	dxgkpm_call_unmap(kt, obj.pmo, view, vsize);
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Several ADLs of one section at once, overlapping. Each ADL pins and maps
 * exactly its range (Documentation/dxgkpm.rst, SECTION), and nothing in
 * the contract forbids two ADLs over the same pages: a page array of the
 * whole object and a PreferContiguous ADL of its first two pages are both
 * valid, in the device's reach and one IOVA range each; every page is
 * pinned once per ADL; the device copies through each, also after the
 * other was freed. Passes if so, FreeAdl gives back every pin and mapping -
 * and, as for every case, if the kernel's DMA-API checker finds nothing
 * wrong with the mappings dxgkpm made.
 */
static void dxgkpm_pmo_section_overlapping_adls(struct kunit *test)
{
	const struct pt_kind kind = { "section", PT_SECTION, PT_WB };
	DXGK_ADL *whole, *head;
	struct dxgkpm_kt *kt;
	struct dxgkpm_call_obj obj;
	size_t vsize;
	u32 i;
	u8 *view;

	kt = dxgkpm_kt_setup(test, 0);
	obj = pt_new(test, kt, kt->h, &kind, PT_PAGES * PAGE_SIZE);
	view = dxgkpm_call_view(test, kt, obj.pmo, 0, PT_PAGES * PAGE_SIZE,
				&vsize);
	dxgkpm_kt_fill(view, PAGE_SIZE, 0x0e1a);

	whole = dxgkpm_call_adl_ok(test, kt, obj.amo, 0, PT_PAGES * PAGE_SIZE,
				   0);
	head = dxgkpm_call_adl_ok(test, kt, obj.amo, 0, 2 * PAGE_SIZE,
				  DXGKPM_CALL_PREFER);
	DXGKPM_KT_EXPECT_STAT(test, adls, 2);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 2);
	DXGKPM_KT_EXPECT_STAT(test, pinned, PT_PAGES + PT_PAGES + 2);
	KUNIT_EXPECT_EQ(test, (u32)whole->Flags.Contiguous, 0U);
	KUNIT_EXPECT_EQ(test, (u32)head->Flags.Contiguous, 1U);
	pt_check_adl(test, whole);
	pt_check_adl(test, head);
	for (i = 1; i < whole->PageCount; i++)
		KUNIT_EXPECT_EQ(test, whole->Pages[i], whole->Pages[0] + i);

	KUNIT_ASSERT_EQ(test, dxgkpm_edu_copy(kt->edu,
					      dxgkpm_call_adl_addr(whole, 3),
					      dxgkpm_call_adl_addr(head, 0),
					      PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_kt_mismatch(view + 3 * PAGE_SIZE,
						     PAGE_SIZE, 0x0e1a),
			    (size_t)PAGE_SIZE, "copy through both ADLs");
	dxgkpm_call_free_adl(kt, obj.amo, whole);
	DXGKPM_KT_EXPECT_STAT(test, pinned, PT_PAGES + 2);
	KUNIT_ASSERT_EQ(test, dxgkpm_edu_copy(kt->edu,
					      dxgkpm_call_adl_addr(head, 1),
					      dxgkpm_call_adl_addr(head, 0),
					      PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_kt_mismatch(view + PAGE_SIZE,
						     PAGE_SIZE, 0x0e1a),
			    (size_t)PAGE_SIZE, "copy through the remaining ADL");
	dxgkpm_call_free_adl(kt, obj.amo, head);
	DXGKPM_KT_EXPECT_STAT(test, adls, 0);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 0);
	DXGKPM_KT_EXPECT_STAT(test, pinned, PT_PAGES);
	dxgkpm_call_unmap(kt, obj.pmo, view, vsize);
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * User-mode views, made from the KUnit thread once it has a user address
 * space: the rounding contract (Offset out, Size out, a page-aligned base
 * below the user address limit), the same bytes as a kernel view in both
 * directions, the object's cache type in the user page table, one
 * dxgkpm_stats.uviews while mapped; after Unmap the address faults. Passes
 * if so and nothing is left.
 */
static void dxgkpm_pmo_user_views(struct kunit *test)
{
	const struct pt_kind *kind = test->param_value;
	const size_t size = 3 * PAGE_SIZE;
	DXGKARGCB_MAP_PHYSICAL_MEMORY m;
	struct dxgkpm_kt *kt;
	struct dxgkpm_call_obj obj;
	u8 __user *up;
	u32 value = 0;
	size_t vsize;
	u8 *view;

	kt = dxgkpm_kt_setup(test, 0);
	pt_require_pat(test);
	dxgkpm_kt_attach_mm(test);
	obj = pt_new(test, kt, kt->h, kind, size);
	view = dxgkpm_call_view(test, kt, obj.pmo, 0, size, &vsize);

	KUNIT_ASSERT_EQ(test, dxgkpm_call_map(kt, &m,
					      obj.pmo,
					      DXGK_ACCESS_MODE_USER_MODE,
					      PAGE_SIZE + 40, PAGE_SIZE),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, m.Offset, (SIZE_T)40);
	KUNIT_EXPECT_EQ(test, m.Size, (SIZE_T)2 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, m.pMappedAddress);
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(m.pMappedAddress));
	KUNIT_EXPECT_LE(test, (unsigned long)m.pMappedAddress + m.Size,
			TASK_SIZE_MAX);
	DXGKPM_KT_EXPECT_STAT(test, uviews, 1);
	up = (u8 __user __force *)m.pMappedAddress;

	*(u32 *)(view + PAGE_SIZE + 40) = 0xfeed0001;
	pt_wc_flush();
	KUNIT_EXPECT_EQ(test, get_user(value, (u32 __user *)(up + m.Offset)), 0);
	KUNIT_EXPECT_EQ(test, value, 0xfeed0001U);
	KUNIT_EXPECT_EQ(test, put_user(0xfeed0002U,
				       (u32 __user *)(up + PAGE_SIZE + 8)), 0);
	pt_wc_flush();
	KUNIT_EXPECT_EQ(test, *(u32 *)(view + 2 * PAGE_SIZE + 8), 0xfeed0002U);
	KUNIT_EXPECT_EQ(test, pt_user_cache_bits((unsigned long)up),
			cachemode2protval(pt_mode(kind->cache)));
	KUNIT_EXPECT_EQ(test, pt_user_cache_bits((unsigned long)up + PAGE_SIZE),
			cachemode2protval(pt_mode(kind->cache)));

	dxgkpm_call_unmap(kt, obj.pmo, m.pMappedAddress, m.Size);
	DXGKPM_KT_EXPECT_STAT(test, uviews, 0);
	KUNIT_EXPECT_EQ_MSG(test, get_user(value, (u32 __user *)up), -EFAULT,
			    "the view is still mapped after Unmap");
	dxgkpm_call_unmap(kt, obj.pmo, view, vsize);
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * A user view holds its object: after Destroy (the handle then being
 * stale) and after the adapter's unregistration tore down an object that
 * was never destroyed, the views still read the data, and the objects'
 * pages stay until the process unmaps the views; then nothing is left, not
 * even the adapter. Passes if so.
 */
static void dxgkpm_pmo_user_view_outlives(struct kunit *test)
{
	const struct pt_kind kind = { "mdl", PT_MDL, PT_WC };
	DXGKARGCB_MAP_PHYSICAL_MEMORY m[2], again;
	struct dxgkpm_call_obj obj[2];
	struct dxgkpm_kt *kt;
	void __user *up;
	unsigned int i;
	size_t vsize;
	u8 *view, *buf;

	kt = dxgkpm_kt_setup(test, 0);
	dxgkpm_kt_attach_mm(test);
	buf = kunit_kmalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < 2; i++) {
		obj[i] = pt_new(test, kt, kt->h, &kind, 2 * PAGE_SIZE);
		view = dxgkpm_call_view(test, kt, obj[i].pmo, 0, 2 * PAGE_SIZE,
					&vsize);
		dxgkpm_kt_fill(view, vsize, 0x0b7 + i);
		pt_wc_flush();
		dxgkpm_call_unmap(kt, obj[i].pmo, view, vsize);
		KUNIT_ASSERT_EQ(test, dxgkpm_call_map(kt, &m[i], obj[i].pmo,
						      DXGK_ACCESS_MODE_USER_MODE,
						      0, 2 * PAGE_SIZE),
				STATUS_SUCCESS);
	}
	DXGKPM_KT_EXPECT_STAT(test, uviews, 2);

	/* Object 0 destroyed, object 1 torn down by unregistration. */
	dxgkpm_call_destroy(kt, obj[0].pmo, obj[0].amo);
	KUNIT_EXPECT_EQ(test, dxgkpm_call_map(kt, &again, obj[0].pmo,
					      DXGK_ACCESS_MODE_KERNEL_MODE, 0,
					      PAGE_SIZE),
			STATUS_INVALID_HANDLE);
	dxgkpm_kt_unregister_now(test, kt->adapter);
	KUNIT_EXPECT_EQ(test, dxgkpm_call_map(kt, &again, obj[1].pmo,
					      DXGK_ACCESS_MODE_KERNEL_MODE, 0,
					      PAGE_SIZE),
			STATUS_INVALID_HANDLE);
	DXGKPM_KT_EXPECT_STAT(test, pmos, 2);
	DXGKPM_KT_EXPECT_STAT(test, pages, 4);
	DXGKPM_KT_EXPECT_STAT(test, uviews, 2);
	DXGKPM_KT_EXPECT_STAT(test, amos, 0);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 0);

	for (i = 0; i < 2; i++) {
		up = (void __user __force *)m[i].pMappedAddress;
		KUNIT_ASSERT_EQ(test, copy_from_user(buf, up, 2 * PAGE_SIZE),
				0UL);
		KUNIT_EXPECT_EQ_MSG(test, dxgkpm_kt_mismatch(buf, 2 * PAGE_SIZE,
							     0x0b7 + i),
				    (size_t)2 * PAGE_SIZE,
				    "user view %u lost its data", i);
		KUNIT_EXPECT_EQ(test, vm_munmap((unsigned long)m[i].pMappedAddress,
						m[i].Size), 0);
	}
	dxgkpm_kt_expect_idle(test);
}

/*
 * A section's page protection shapes its user views: PAGE_READONLY and
 * PAGE_EXECUTE give read-only views (a write faults, the section is
 * unchanged), PAGE_WRITECOPY a private copy-on-write view (the write
 * succeeds, the view sees it, the section does not), PAGE_READWRITE a
 * shared view (the section sees the write). Every view reads what a kernel
 * view wrote. Passes if so.
 */
static void dxgkpm_pmo_section_user_protections(struct kunit *test)
{
	static const struct {
		u32 protection;
		int put;	/* result of a write through the view */
		bool shared;	/* the section sees it */
	} want[] = {
		{ NT_PAGE_READONLY, -EFAULT, false },
		{ PAGE_EXECUTE, -EFAULT, false },
		{ PAGE_WRITECOPY, 0, false },
		{ PAGE_READWRITE, 0, true },
	};
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;
	DXGKARGCB_MAP_PHYSICAL_MEMORY m;
	struct dxgkpm_kt *kt;
	struct dxgkpm_call_obj obj;
	u32 __user *up;
	u32 value, seen;
	unsigned int i;
	size_t vsize;
	u32 *view;

	kt = dxgkpm_kt_setup(test, 0);
	dxgkpm_kt_attach_mm(test);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		dxgkpm_call_args(&c, NULL, PT_SECTION, PT_WB, PAGE_SIZE);
		c.Section.PageProtection = want[i].protection;
		obj = dxgkpm_call_create(test, kt, &c);
		view = (u32 *)dxgkpm_call_view(test, kt, obj.pmo, 0, PAGE_SIZE,
					       &vsize);
		view[0] = 0xab5e0000 + i;
		KUNIT_ASSERT_EQ(test, dxgkpm_call_map(kt, &m, obj.pmo,
						      DXGK_ACCESS_MODE_USER_MODE,
						      0, PAGE_SIZE),
				STATUS_SUCCESS);
		up = (u32 __user __force *)m.pMappedAddress;
		value = 0;
		KUNIT_EXPECT_EQ(test, get_user(value, up), 0);
		KUNIT_EXPECT_EQ_MSG(test, value, 0xab5e0000 + i,
				    "PageProtection %#x", want[i].protection);
		KUNIT_EXPECT_EQ_MSG(test, put_user(0x7777U, up), want[i].put,
				    "PageProtection %#x", want[i].protection);
		seen = want[i].shared ? 0x7777U : 0xab5e0000 + i;
		KUNIT_EXPECT_EQ_MSG(test, view[0], seen,
				    "PageProtection %#x: the section",
				    want[i].protection);
		seen = want[i].put ? 0xab5e0000 + i : 0x7777U;
		KUNIT_EXPECT_EQ(test, get_user(value, up), 0);
		KUNIT_EXPECT_EQ_MSG(test, value, seen,
				    "PageProtection %#x: the view",
				    want[i].protection);
		dxgkpm_call_unmap(kt, obj.pmo, m.pMappedAddress, m.Size);
		dxgkpm_call_unmap(kt, obj.pmo, view, vsize);
		dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	}
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Unregistering an adapter with live objects: an object created with the
 * adapter is torn down entirely (ADL, AMO, kernel view, the object: its
 * handle is stale); an object created without an adapter and opened on it
 * loses its ADL and AMO (the AMO handle is stale) but lives on with its
 * kernel view and data, and opens on another adapter. Passes if the
 * counters and handles show exactly that.
 */
static void dxgkpm_pmo_unregister(struct kunit *test)
{
	const struct pt_kind kind = { "mdl", PT_MDL, PT_WB };
	DXGKARGCB_MAP_PHYSICAL_MEMORY m;
	DXGKARGCB_ALLOCATE_ADL stale = { .Size = PAGE_SIZE };
	struct dxgkpm_kt *a, *b;
	struct dxgkpm_call_obj mine, owned;
	size_t msize, osize;
	u8 *mview, *oview;

	a = dxgkpm_kt_setup(test, 0);
	b = dxgkpm_kt_setup(test, 1);
	mine = pt_new(test, a, NULL, &kind, 2 * PAGE_SIZE);
	dxgkpm_call_open_ok(test, a, &mine);
	owned = pt_new(test, a, a->h, &kind, 2 * PAGE_SIZE);
	dxgkpm_call_adl_ok(test, a, mine.amo, 0, PAGE_SIZE, 0);
	dxgkpm_call_adl_ok(test, a, owned.amo, 0, PAGE_SIZE, 0);
	mview = dxgkpm_call_view(test, a, mine.pmo, 0, 2 * PAGE_SIZE, &msize);
	oview = dxgkpm_call_view(test, a, owned.pmo, 0, 2 * PAGE_SIZE, &osize);
	dxgkpm_kt_fill(mview, msize, 0x9e9);
	memset(oview, 0x5a, osize);
	DXGKPM_KT_EXPECT_STAT(test, pmos, 2);
	DXGKPM_KT_EXPECT_STAT(test, adls, 2);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 2);

	dxgkpm_kt_unregister_now(test, a->adapter);
	DXGKPM_KT_EXPECT_STAT(test, adapters, 1);
	DXGKPM_KT_EXPECT_STAT(test, pmos, 1);
	DXGKPM_KT_EXPECT_STAT(test, pages, 2);
	DXGKPM_KT_EXPECT_STAT(test, amos, 0);
	DXGKPM_KT_EXPECT_STAT(test, adls, 0);
	DXGKPM_KT_EXPECT_STAT(test, kviews, 1);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_call_map(b, &m, owned.pmo,
					      DXGK_ACCESS_MODE_KERNEL_MODE, 0,
					      PAGE_SIZE),
			STATUS_INVALID_HANDLE);
	stale.hAdapterMemoryObject = mine.amo;
	KUNIT_EXPECT_EQ(test, b->iface.DxgkCbAllocateAdl(&stale),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, dxgkpm_kt_mismatch(mview, msize, 0x9e9), msize);

	dxgkpm_call_open_ok(test, b, &mine);
	dxgkpm_call_free_adl(b, mine.amo, dxgkpm_call_adl_ok(test, b,
							     mine.amo, 0, msize,
							     0));
	dxgkpm_call_unmap(b, mine.pmo, mview, msize);
	dxgkpm_call_destroy(b, mine.pmo, mine.amo);
	dxgkpm_kt_expect_no_memory(test);
}

static struct kunit_case dxgkpm_pmo_cases[] = {
	KUNIT_CASE_PARAM(dxgkpm_pmo_lifecycle, pt_all_gen_params),
	KUNIT_CASE(dxgkpm_pmo_io_space),
	KUNIT_CASE_PARAM(dxgkpm_pmo_map_rounding, pt_each_gen_params),
	KUNIT_CASE_PARAM(dxgkpm_pmo_cache_attributes, pt_each_gen_params),
	KUNIT_CASE_PARAM(dxgkpm_pmo_adl_shapes, pt_some_gen_params),
	KUNIT_CASE(dxgkpm_pmo_section_pins),
	KUNIT_CASE(dxgkpm_pmo_section_overlapping_adls),
	KUNIT_CASE_PARAM(dxgkpm_pmo_section_linear_map, pt_section_gen_params),
	KUNIT_CASE_PARAM(dxgkpm_pmo_user_views, pt_each_gen_params),
	KUNIT_CASE(dxgkpm_pmo_user_view_outlives),
	KUNIT_CASE(dxgkpm_pmo_section_user_protections),
	KUNIT_CASE(dxgkpm_pmo_unregister),
	{}
};

static struct kunit_suite dxgkpm_pmo_suite = {
	.name = "dxgkpm_pmo",
	.init = dxgkpm_kt_init,
	.suite_init = dxgkpm_kt_suite_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_pmo_cases,
};

kunit_test_suite(dxgkpm_pmo_suite);
