// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite "dxgkpm_dma": real DMA by QEMU's edu device, through the
 * emulated IOMMU, into and out of physical memory objects of every memory
 * type and legal cache type, made and described through the DXGK callbacks
 * exactly as a display miniport uses them: create (with hAdapter, or
 * without it and then Open), a kernel-mode view to write and read the
 * bytes, ADLs whose addresses the device is given.
 */

#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/string.h>

#include "edu_hw.h"
#include "dma_helpers.h"

/* Pages of each object of the copy test. */
#define DT_PAGES	4U
/* Pages of BAR0 wrapped by the IO-space test (the registers are in page 0). */
#define DT_IO_PAGES	2U

/**
 * struct dt_kind - a memory type with one of its legal cache types
 * @type: memory type
 * @cache: cache type
 */
struct dt_kind {
	DXGK_PHYSICAL_MEMORY_TYPE type;
	DXGK_MEMORY_CACHING_TYPE cache;
};

/* Every page-backed type with every cache type it accepts. */
static const struct dt_kind dt_kinds[] = {
	{ DXGK_PHYSICAL_MEMORY_TYPE_MDL, DXGK_MEMORY_CACHING_TYPE_NON_CACHED },
	{ DXGK_PHYSICAL_MEMORY_TYPE_MDL, DXGK_MEMORY_CACHING_TYPE_CACHED },
	{ DXGK_PHYSICAL_MEMORY_TYPE_MDL,
	  DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED },
	{ DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
	  DXGK_MEMORY_CACHING_TYPE_NON_CACHED },
	{ DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
	  DXGK_MEMORY_CACHING_TYPE_CACHED },
	{ DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
	  DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED },
	{ DXGK_PHYSICAL_MEMORY_TYPE_SECTION, DXGK_MEMORY_CACHING_TYPE_CACHED },
	{ DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
	  DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED },
};

static void dt_kind_desc(const struct dt_kind *kind, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s-%s",
		 dxgkpm_type_name((enum dxgkpm_mem_type)kind->type),
		 dxgkpm_caching_name((enum dxgkpm_caching)kind->cache));
}

KUNIT_ARRAY_PARAM(dt_kind, dt_kinds, dt_kind_desc);

/* An adapter on edu device 0, whose DMA mask must be the device's own. */
static struct dxgkpm_kt *dt_setup(struct kunit *test)
{
	struct dxgkpm_kt *kt;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	kt = dxgkpm_kt_setup(test, 0);
	KUNIT_ASSERT_EQ_MSG(test, dma_get_mask(&kt->edu->pdev->dev),
			    EDU_DMA_MASK,
			    "an earlier test left another DMA mask");
	return kt;
}

/*
 * Pass, for the memory type and cache type of the parameter: an object
 * created with hAdapter comes back open, one created without it comes back
 * without an adapter memory object and opens; a second Open of either fails
 * with STATUS_INVALID_DEVICE_STATE; both are zeroed, and MDL and contiguous
 * pages lie at or above 256 MiB, beyond the device's 28-bit reach;
 * RequireContiguous is refused with STATUS_INVALID_PARAMETER unless the
 * object is contiguous memory; every ADL (PreferContiguous: one base page;
 * no flag: a page array) has page-aligned, consecutive addresses within the
 * device's DMA mask; the device copies the four pages written through the
 * source's kernel view into the destination at the ADLs' addresses and the
 * destination's kernel view shows exactly them; ADLs over sub-ranges
 * (Offset > 0) make the device copy exactly those pages and no other, and
 * for MDL and contiguous objects they are slices of the object's mapping; a
 * section's pages are pinned by its views and ADLs and unpinned when they
 * go; and closing and destroying leave nothing behind.
 */
static void dxgkpm_dma_copy(struct kunit *test)
{
	const struct dt_kind *kind = test->param_value;
	const u32 seed = 0xd0a00000 | kind->type << 12 | kind->cache << 8;
	const bool section = kind->type == DXGK_PHYSICAL_MEMORY_TYPE_SECTION;
	const long view_pins = section ? 2 * DT_PAGES : 0;
	DXGK_ADL *src_adl, *dst_adl, *src_sub, *dst_sub;
	struct dxgkpm_dkt_obj src, dst;
	DXGKARGCB_ALLOCATE_ADL args;
	struct dxgkpm_kt *kt;
	u32 dst_sub_flags;
	HANDLE amo;
	u64 mask;
	u32 i;

	kt = dt_setup(test);
	mask = dma_get_mask(&kt->edu->pdev->dev);

	/* One object opened at creation, the other created alone, then opened. */
	dxgkpm_dkt_create(test, &src, kt, true, kind->type, kind->cache,
			  DT_PAGES * PAGE_SIZE);
	dxgkpm_dkt_create(test, &dst, kt, false, kind->type, kind->cache,
			  DT_PAGES * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, dxgkpm_dkt_open(&dst, kt, &dst.amo),
			STATUS_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, dst.amo);
	KUNIT_EXPECT_EQ(test, dxgkpm_dkt_open(&src, kt, &amo),
			STATUS_INVALID_DEVICE_STATE);
	KUNIT_EXPECT_NULL(test, amo);
	KUNIT_EXPECT_EQ(test, dxgkpm_dkt_open(&dst, kt, &amo),
			STATUS_INVALID_DEVICE_STATE);
	KUNIT_EXPECT_NULL(test, amo);
	DXGKPM_KT_EXPECT_STAT(test, amos, 2);

	dxgkpm_dkt_map(test, &src);
	dxgkpm_dkt_map(test, &dst);
	DXGKPM_KT_EXPECT_STAT(test, pinned, view_pins);
	for (i = 0; i < DT_PAGES; i++) {
		dxgkpm_dkt_expect_zero_page(test, &src, i);
		dxgkpm_dkt_expect_zero_page(test, &dst, i);
		if (section)
			continue;
		KUNIT_EXPECT_GE_MSG(test, dxgkpm_dkt_phys(&src, i),
				    (phys_addr_t)DXGKPM_DKT_LOW,
				    "source page %u is within the device's reach",
				    i);
		KUNIT_EXPECT_GE_MSG(test, dxgkpm_dkt_phys(&dst, i),
				    (phys_addr_t)DXGKPM_DKT_LOW,
				    "destination page %u is within the device's reach",
				    i);
	}
	dxgkpm_dkt_fill_pages(&src, 0, DT_PAGES, seed);

	if (kind->type != DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY) {
		memset(&args, 0, sizeof(args));
		args.hAdapterMemoryObject = src.amo;
		args.Size = PAGE_SIZE;
		args.Flags.RequireContiguous = 1;
		KUNIT_EXPECT_EQ(test, kt->iface.DxgkCbAllocateAdl(&args),
				STATUS_INVALID_PARAMETER);
		KUNIT_EXPECT_NULL(test, args.pAdl);
		DXGKPM_KT_EXPECT_STAT(test, adls, 0);
	}

	/* The whole objects: the device copies every page. */
	src_adl = dxgkpm_dkt_adl(test, &src, 0, DT_PAGES, DXGKPM_CALL_PREFER,
				 mask);
	dst_adl = dxgkpm_dkt_adl(test, &dst, 0, DT_PAGES, 0, mask);
	DXGKPM_KT_EXPECT_STAT(test, pinned,
			      view_pins + (section ? 2 * DT_PAGES : 0));
	dxgkpm_dkt_copy(test, kt->edu, dst_adl, 0, src_adl, 0, DT_PAGES);
	for (i = 0; i < DT_PAGES; i++)
		dxgkpm_dkt_expect_page(test, &dst, i, seed + i);

	/*
	 * Sub-ranges: source pages 1..2 onto destination pages 2..3, while
	 * the whole-object ADLs still map the same pages (each ADL has its own
	 * mapping). A section's whole-object ADLs go first, so that the pin
	 * count shows exactly what the sub-range ADLs pin.
	 */
	if (section) {
		dxgkpm_dkt_free_adl(test, &dst, dst_adl);
		dxgkpm_dkt_free_adl(test, &src, src_adl);
		DXGKPM_KT_EXPECT_STAT(test, pinned, view_pins);
	}
	dst_sub_flags = kind->type == DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY ?
			DXGKPM_CALL_REQUIRE : 0;
	src_sub = dxgkpm_dkt_adl(test, &src, 1, 2, DXGKPM_CALL_PREFER, mask);
	dst_sub = dxgkpm_dkt_adl(test, &dst, 2, 2, dst_sub_flags, mask);
	if (section) {
		/* Each ADL of a section pins its own range. */
		DXGKPM_KT_EXPECT_STAT(test, pinned, view_pins + 4);
		DXGKPM_KT_EXPECT_STAT(test, dma_maps, 2);
	} else {
		/* Every ADL maps its own range, over the whole ones' pages. */
		DXGKPM_KT_EXPECT_STAT(test, dma_maps, 4);
	}
	dxgkpm_dkt_copy(test, kt->edu, dst_sub, 0, src_sub, 0, 2);
	dxgkpm_dkt_expect_page(test, &dst, 0, seed);
	dxgkpm_dkt_expect_page(test, &dst, 1, seed + 1);
	dxgkpm_dkt_expect_page(test, &dst, 2, seed + 1);
	dxgkpm_dkt_expect_page(test, &dst, 3, seed + 2);
	for (i = 0; i < DT_PAGES; i++)
		dxgkpm_dkt_expect_page(test, &src, i, seed + i);

	dxgkpm_dkt_free_adl(test, &dst, dst_sub);
	dxgkpm_dkt_free_adl(test, &src, src_sub);
	if (!section) {
		dxgkpm_dkt_free_adl(test, &dst, dst_adl);
		dxgkpm_dkt_free_adl(test, &src, src_adl);
	}
	DXGKPM_KT_EXPECT_STAT(test, pinned, view_pins);
	dxgkpm_dkt_unmap(test, &dst);
	dxgkpm_dkt_unmap(test, &src);
	DXGKPM_KT_EXPECT_STAT(test, pinned, 0);
	dxgkpm_dkt_close(test, &dst);
	dxgkpm_dkt_destroy(test, &dst, false);
	dxgkpm_dkt_destroy(test, &src, true);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Pass: opening a section pins and maps nothing; an ADL over two of its
 * four pages pins exactly those two and maps them for the device; the
 * device writes a page of an MDL object into both through the ADL; FreeAdl
 * unpins them and removes their mapping; a kernel view made afterwards (it
 * pins all four pages while it lives) shows the device's bytes in those
 * pages and zeroes in the others.
 */
static void dxgkpm_dma_section_pins(struct kunit *test)
{
	const u32 seed = 0x5ec70000;
	struct dxgkpm_dkt_obj src, sec;
	DXGK_ADL *src_adl, *sec_adl;
	struct dxgkpm_kt *kt;
	u64 mask;

	kt = dt_setup(test);
	mask = dma_get_mask(&kt->edu->pdev->dev);

	dxgkpm_dkt_create(test, &src, kt, true, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
			  DXGK_MEMORY_CACHING_TYPE_CACHED, PAGE_SIZE);
	dxgkpm_dkt_map(test, &src);
	dxgkpm_dkt_fill_pages(&src, 0, 1, seed);
	src_adl = dxgkpm_dkt_adl(test, &src, 0, 1, DXGKPM_CALL_PREFER, mask);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 1);

	dxgkpm_dkt_create(test, &sec, kt, true,
			  DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
			  DXGK_MEMORY_CACHING_TYPE_CACHED, 4 * PAGE_SIZE);
	DXGKPM_KT_EXPECT_STAT(test, pinned, 0);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 1);

	sec_adl = dxgkpm_dkt_adl(test, &sec, 1, 2, 0, mask);
	DXGKPM_KT_EXPECT_STAT(test, pinned, 2);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 2);
	dxgkpm_dkt_copy(test, kt->edu, sec_adl, 0, src_adl, 0, 1);
	dxgkpm_dkt_copy(test, kt->edu, sec_adl, 1, src_adl, 0, 1);
	dxgkpm_dkt_free_adl(test, &sec, sec_adl);
	DXGKPM_KT_EXPECT_STAT(test, pinned, 0);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 1);

	dxgkpm_dkt_map(test, &sec);
	DXGKPM_KT_EXPECT_STAT(test, pinned, 4);
	dxgkpm_dkt_expect_zero_page(test, &sec, 0);
	dxgkpm_dkt_expect_page(test, &sec, 1, seed);
	dxgkpm_dkt_expect_page(test, &sec, 2, seed);
	dxgkpm_dkt_expect_zero_page(test, &sec, 3);
	dxgkpm_dkt_unmap(test, &sec);
	DXGKPM_KT_EXPECT_STAT(test, pinned, 0);

	dxgkpm_dkt_free_adl(test, &src, src_adl);
	dxgkpm_dkt_unmap(test, &src);
	dxgkpm_dkt_destroy(test, &sec, true);
	dxgkpm_dkt_destroy(test, &src, true);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Pass: over the edu device's BAR0 (non-prefetchable), an IO_SPACE object
 * is refused with STATUS_INVALID_PARAMETER when CACHED, when
 * WRITE_COMBINED, and without hAdapter, and is created NON_CACHED with it;
 * its ADLs (RequireContiguous, PreferContiguous, no flag) give, for each
 * page, an address within the device's DMA mask that is not the BAR's bus
 * address and that the device's IOMMU domain translates to that page of the
 * BAR (a dma_map_resource() mapping), and so does an ADL of the second
 * page alone (Offset > 0); a kernel view asked for the liveness
 * register alone covers its page, with Offset pointing at the register; the
 * ident register reads 0xed in its low byte through the view, and the
 * liveness register answers ~x to x, twice; and after destroy nothing is
 * left.
 */
static void dxgkpm_dma_io_space(struct kunit *test)
{
	static const u32 adl_flags[] = {
		DXGKPM_CALL_REQUIRE, DXGKPM_CALL_PREFER, 0,
	};
	static const u32 probes[] = { 0x600dcafe, 0x12345678 };
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT create;
	DXGKARGCB_UNMAP_PHYSICAL_MEMORY unmap;
	DXGKARGCB_MAP_PHYSICAL_MEMORY map;
	const size_t size = DT_IO_PAGES * PAGE_SIZE;
	struct iommu_domain *domain;
	struct dxgkpm_dkt_obj io;
	phys_addr_t bar, page;
	struct pci_dev *pdev;
	struct dxgkpm_kt *kt;
	void __iomem *regs;
	dma_addr_t addr;
	DXGK_ADL *adl;
	unsigned int i;
	u64 mask;
	u32 j;

	kt = dt_setup(test);
	mask = dma_get_mask(&kt->edu->pdev->dev);
	pdev = kt->edu->pdev;
	bar = pci_resource_start(pdev, 0);
	KUNIT_ASSERT_TRUE(test, pci_resource_flags(pdev, 0) & IORESOURCE_MEM);
	KUNIT_ASSERT_FALSE_MSG(test,
			       pci_resource_flags(pdev, 0) & IORESOURCE_PREFETCH,
			       "edu BAR0 is expected to be non-prefetchable");
	KUNIT_ASSERT_GE(test, pci_resource_len(pdev, 0), (resource_size_t)size);

	/* Registers are never cached, a non-prefetchable BAR never combines. */
	dxgkpm_dkt_args(&create, kt, true, DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE,
			DXGK_MEMORY_CACHING_TYPE_CACHED, size);
	KUNIT_EXPECT_EQ(test, kt->iface.DxgkCbCreatePhysicalMemoryObject(&create),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_NULL(test, create.hPhysicalMemoryObject);
	dxgkpm_dkt_args(&create, kt, true, DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE,
			DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED, size);
	KUNIT_EXPECT_EQ(test, kt->iface.DxgkCbCreatePhysicalMemoryObject(&create),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_NULL(test, create.hPhysicalMemoryObject);
	/* Only the adapter's own BAR can be wrapped: it needs the adapter. */
	dxgkpm_dkt_args(&create, kt, false, DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE,
			DXGK_MEMORY_CACHING_TYPE_NON_CACHED, size);
	KUNIT_EXPECT_EQ(test, kt->iface.DxgkCbCreatePhysicalMemoryObject(&create),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_NULL(test, create.hPhysicalMemoryObject);
	DXGKPM_KT_EXPECT_STAT(test, pmos, 0);

	dxgkpm_dkt_create(test, &io, kt, true,
			  DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE,
			  DXGK_MEMORY_CACHING_TYPE_NON_CACHED, size);
	domain = iommu_get_domain_for_dev(&pdev->dev);
	KUNIT_ASSERT_NOT_NULL(test, domain);
	for (i = 0; i < ARRAY_SIZE(adl_flags); i++) {
		adl = dxgkpm_dkt_adl(test, &io, 0, DT_IO_PAGES, adl_flags[i],
				     mask);
		for (j = 0; j < DT_IO_PAGES; j++) {
			addr = dxgkpm_call_adl_addr(adl, j);
			page = bar + ((phys_addr_t)j << PAGE_SHIFT);
			KUNIT_EXPECT_NE_MSG(test, (u64)addr, (u64)page,
					    "page %u: the raw BAR address", j);
			KUNIT_EXPECT_EQ_MSG(test,
					    iommu_iova_to_phys(domain, addr),
					    page,
					    "page %u at %pad (flags %#x) is not BAR0 %pa for the device",
					    j, &addr, adl_flags[i], &page);
		}
		dxgkpm_dkt_free_adl(test, &io, adl);
	}
	/* A sub-range starts at its own page of the BAR. */
	adl = dxgkpm_dkt_adl(test, &io, 1, 1, 0, mask);
	addr = dxgkpm_call_adl_addr(adl, 0);
	page = bar + PAGE_SIZE;
	KUNIT_EXPECT_EQ_MSG(test, iommu_iova_to_phys(domain, addr), page,
			    "page 1 alone at %pad is not BAR0 %pa", &addr,
			    &page);
	dxgkpm_dkt_free_adl(test, &io, adl);

	memset(&map, 0, sizeof(map));
	map.hPhysicalMemoryObject = io.pmo;
	map.AccessMode = DXGK_ACCESS_MODE_KERNEL_MODE;
	map.Offset = EDU_REG_LIVENESS;
	map.Size = sizeof(u32);
	KUNIT_ASSERT_EQ(test, kt->iface.DxgkCbMapPhysicalMemory(&map),
			STATUS_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, map.pMappedAddress);
	KUNIT_EXPECT_EQ(test, map.Offset, (SIZE_T)EDU_REG_LIVENESS);
	KUNIT_EXPECT_EQ(test, map.Size, (SIZE_T)PAGE_SIZE);
	regs = (void __iomem __force *)map.pMappedAddress;
	KUNIT_EXPECT_EQ(test, readl(regs + EDU_REG_IDENT) & EDU_IDENT_MASK,
			(u32)EDU_IDENT_VALUE);
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		writel(probes[i], regs + map.Offset);
		KUNIT_EXPECT_EQ(test, readl(regs + map.Offset), ~probes[i]);
	}
	unmap.hPhysicalMemoryObject = io.pmo;
	unmap.pBaseAddress = map.pMappedAddress;
	unmap.Size = map.Size;
	kt->iface.DxgkCbUnmapPhysicalMemory(&unmap);
	DXGKPM_KT_EXPECT_STAT(test, kviews, 0);

	dxgkpm_dkt_destroy(test, &io, true);
	dxgkpm_kt_expect_no_memory(test);
}

static struct kunit_case dxgkpm_dma_cases[] = {
	KUNIT_CASE_PARAM(dxgkpm_dma_copy, dt_kind_gen_params),
	KUNIT_CASE(dxgkpm_dma_section_pins),
	KUNIT_CASE(dxgkpm_dma_io_space),
	{}
};

static struct kunit_suite dxgkpm_dma_suite = {
	.name = "dxgkpm_dma",
	.init = dxgkpm_kt_init,
	.suite_init = dxgkpm_kt_suite_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_dma_cases,
};

kunit_test_suite(dxgkpm_dma_suite);
