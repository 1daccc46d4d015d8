// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite for the device address space of linked adapters, which
 * dxgkpm manages itself (dma/dmaspace.c): its addresses stay within the
 * IOMMU domain's aperture and out of the regions the platform reserves
 * (the MSI window, RMRRs), whatever the devices' DMA masks. And for the
 * tables every mapping starts from: dxgkpm_pages_to_sgt() must build the
 * table the kernel's sg_alloc_table_from_pages_segment() builds.
 */

#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "dma/dma.h"
#include "helpers.h"

/* ADLs over one object: each maps its own range of device addresses. */
#define ST_OBJECT_SIZE	SZ_1M
#define ST_ADLS		24	/* 24 MiB of addresses: below 4 GiB, past the MSI window */

static void st_restore_mask(void *pdev)
{
	struct device *dev = &((struct pci_dev *)pdev)->dev;

	if (dma_set_mask_and_coherent(dev, EDU_DMA_MASK))
		dev_err(dev, "cannot restore the edu DMA mask\n");
}

/* An adapter on edu @index with DMA mask @mask, restored at the end. */
static struct dxgkpm_adapter *st_adapter(struct kunit *test,
					 unsigned int index, u64 mask)
{
	struct dxgkpm_edu *edu = dxgkpm_kt_edu(test, index);

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, st_restore_mask,
							edu->pdev), 0);
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(&edu->pdev->dev, mask),
			0);
	return dxgkpm_kt_register(test, &edu->pdev->dev);
}

/* Whether [@start, @end] overlaps a region of @dev's group reserves. */
static bool st_reserved(struct kunit *test, struct device *dev,
			dma_addr_t start, dma_addr_t end,
			struct iommu_resv_region **hit)
{
	struct iommu_group *group = iommu_group_get(dev);
	struct iommu_resv_region *region, *next;
	LIST_HEAD(regions);
	bool overlap = false;

	KUNIT_ASSERT_NOT_NULL(test, group);
	KUNIT_ASSERT_EQ(test, iommu_get_group_resv_regions(group, &regions), 0);
	iommu_group_put(group);
	list_for_each_entry_safe(region, next, &regions, list) {
		if (!overlap && start <= region->start + region->length - 1 &&
		    region->start <= end) {
			overlap = true;
			**hit = *region;
		}
		kfree(region);
	}
	return overlap;
}

static void st_linked_adls(struct kunit *test, u64 mask, unsigned int count)
{
	struct dxgkpm_pmo_desc desc = {
		.size = ST_OBJECT_SIZE,
		.type = DXGKPM_MEM_PAGES,
		.caching = DXGKPM_CACHING_CACHED,
		.pages.high = ~(phys_addr_t)0,
	};
	struct dxgkpm_adapter *adapters[2];
	struct iommu_resv_region found, *hit = &found;
	struct dxgkpm_adl *adls[ST_ADLS];
	struct iommu_domain *domain;
	struct dxgkpm_amo *amo;
	struct dxgkpm_pmo *pmo;
	dma_addr_t first, last;
	unsigned int i, j;

	adapters[0] = st_adapter(test, 0, mask);
	adapters[1] = st_adapter(test, 1, mask);
	KUNIT_ASSERT_EQ(test, dxgkpm_link_adapters(adapters, 2), 0);
	domain = iommu_get_domain_for_dev(adapters[0]->dma.dev);
	KUNIT_ASSERT_NOT_NULL(test, domain);
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_create(&desc, adapters[1], &pmo, &amo),
			0);
	dxgkpm_kt_reap_at_end(test, pmo->obj.handle);

	for (i = 0; i < count; i++) {
		KUNIT_ASSERT_EQ_MSG(test, dxgkpm_adl_alloc(amo, 0, desc.size,
							   0, &adls[i]), 0,
				    "ADL %u of the linked adapters (mask %#llx)",
				    i, mask);
		first = DMA_MAPPING_ERROR;
		last = 0;
		for (j = 0; j < dxgkpm_adl_page_count(adls[i]); j++) {
			dma_addr_t addr = dxgkpm_adl_dma_address(adls[i], j);

			first = min(first, addr);
			last = max(last, addr + PAGE_SIZE - 1);
		}
		KUNIT_EXPECT_LE_MSG(test, last, mask, "ADL %u beyond the mask", i);
		KUNIT_EXPECT_LE_MSG(test, last, domain->geometry.aperture_end,
				    "ADL %u beyond the domain's aperture", i);
		KUNIT_EXPECT_FALSE_MSG(test, st_reserved(test, adapters[0]->dma.dev,
							 first, last, &hit),
				       "ADL %u at %pad-%pad overlaps reserved region %pa+%#zx (type %d)",
				       i, &first, &last, &found.start,
				       found.length, found.type);
		/* Both devices share the space: the same holds for the other. */
		KUNIT_EXPECT_FALSE(test, st_reserved(test, adapters[1]->dma.dev,
						     first, last, &hit));
		KUNIT_EXPECT_EQ(test, iommu_iova_to_phys(domain, first) & PAGE_MASK,
				page_to_phys(pmo->mem.pages[0]));
	}
	for (i = 0; i < count; i++)
		KUNIT_EXPECT_EQ(test, dxgkpm_adl_free(amo, adls[i]), 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_destroy(pmo, amo), 0);
	dxgkpm_kt_unregister_now(test, adapters[1]);
	dxgkpm_kt_unregister_now(test, adapters[0]);
	dxgkpm_kt_expect_idle(test);
}

/*
 * Devices that reach 64 bits: the space's addresses must still lie in the
 * aperture of the domain (48 bits or fewer with VT-d), or nothing maps.
 */
static void dxgkpm_space_linked_64bit(struct kunit *test)
{
	st_linked_adls(test, DMA_BIT_MASK(64), 4);
}

/*
 * Devices that reach 32 bits: addresses are handed out from 4 GiB down,
 * and the MSI window at 0xfee00000 lies 18 MiB below: 24 MiB of ADLs must
 * step over it.
 */
static void dxgkpm_space_linked_32bit_reserved(struct kunit *test)
{
	st_linked_adls(test, DMA_BIT_MASK(32), ST_ADLS);
}

/* Pages of the block the table cases arrange. */
#define ST_SGT_ORDER	5
#define ST_SGT_PAGES	BIT(ST_SGT_ORDER)

/* How a table case arranges the pages of its block. */
enum st_layout {
	ST_IN_ORDER,	/* one run */
	ST_REVERSED,	/* no two pages follow one another */
	ST_RUNS_OF_3,	/* every fourth page left out: runs of 3 */
	ST_TWO_BLOCKS,	/* second half first: two runs */
};

/**
 * struct st_sgt_case - a page array and a segment limit
 * @name: case name
 * @layout: arrangement of the pages
 * @max_seg: the device's segment limit, in bytes
 * @nents: entries the table must have
 */
struct st_sgt_case {
	const char *name;
	enum st_layout layout;
	unsigned int max_seg;
	unsigned int nents;
};

static const struct st_sgt_case st_sgt_cases[] = {
	{ "in-order-64K", ST_IN_ORDER, SZ_64K, ST_SGT_PAGES / 16 },
	{ "in-order-1G", ST_IN_ORDER, SZ_1G, 1 },
	{ "in-order-page", ST_IN_ORDER, PAGE_SIZE, ST_SGT_PAGES },
	{ "in-order-12K", ST_IN_ORDER, 3 * PAGE_SIZE, ST_SGT_PAGES / 3 + 1 },
	{ "reversed", ST_REVERSED, SZ_64K, ST_SGT_PAGES },
	{ "runs-of-3", ST_RUNS_OF_3, SZ_64K, ST_SGT_PAGES / 4 },
	{ "runs-of-3-8K", ST_RUNS_OF_3, 2 * PAGE_SIZE, ST_SGT_PAGES / 2 },
	{ "two-blocks", ST_TWO_BLOCKS, SZ_1G, 2 },
};

static void st_sgt_desc(const struct st_sgt_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(st_sgt, st_sgt_cases, st_sgt_desc);

/* Arrange the pages of @block in @pages as @layout says; returns how many. */
static unsigned int st_sgt_arrange(struct page *block, enum st_layout layout,
				   struct page **pages)
{
	unsigned int i, n = 0;

	for (i = 0; i < ST_SGT_PAGES; i++) {
		switch (layout) {
		case ST_IN_ORDER:
			pages[n++] = block + i;
			break;
		case ST_REVERSED:
			pages[n++] = block + ST_SGT_PAGES - 1 - i;
			break;
		case ST_RUNS_OF_3:
			if (i % 4 != 3)
				pages[n++] = block + i;
			break;
		case ST_TWO_BLOCKS:
			pages[n++] = block + (i + ST_SGT_PAGES / 2) % ST_SGT_PAGES;
			break;
		}
	}
	return n;
}

static void st_restore_max_seg(void *pdev)
{
	struct device *dev = &((struct pci_dev *)pdev)->dev;

	dma_set_max_seg_size(dev, SZ_64K);	/* PCI's default */
}

static void st_free_block(void *block)
{
	__free_pages(block, ST_SGT_ORDER);
}

static void st_free_table(void *sgt)
{
	sg_free_table(sgt);
}

/*
 * Pass: the table of the parameter's pages has one entry per run of
 * physically consecutive pages, none longer than the device's segment
 * limit, and is entry for entry the one the kernel's
 * sg_alloc_table_from_pages_segment() builds from the same pages.
 */
static void dxgkpm_space_sgt(struct kunit *test)
{
	const struct st_sgt_case *c = test->param_value;
	struct dxgkpm_edu *edu = dxgkpm_kt_edu(test, 0);
	struct device *dev = &edu->pdev->dev;
	struct scatterlist *sg, *ref_sg;
	struct sg_table *sgt, *ref;
	struct page **pages;
	struct page *block;
	unsigned int n, i;

	KUNIT_ASSERT_EQ(test, dma_get_max_seg_size(dev), SZ_64K);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, st_restore_max_seg,
							edu->pdev), 0);
	dma_set_max_seg_size(dev, c->max_seg);
	block = alloc_pages(GFP_KERNEL, ST_SGT_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, st_free_block,
							block), 0);
	pages = kunit_kcalloc(test, ST_SGT_PAGES, sizeof(*pages), GFP_KERNEL);
	sgt = kunit_kzalloc(test, sizeof(*sgt), GFP_KERNEL);
	ref = kunit_kzalloc(test, sizeof(*ref), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_NOT_NULL(test, sgt);
	KUNIT_ASSERT_NOT_NULL(test, ref);
	n = st_sgt_arrange(block, c->layout, pages);

	KUNIT_ASSERT_EQ(test, dxgkpm_pages_to_sgt(dev, pages, n, sgt), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, st_free_table,
							sgt), 0);
	KUNIT_ASSERT_EQ(test, sg_alloc_table_from_pages_segment(ref, pages, n, 0,
								(size_t)n << PAGE_SHIFT,
								c->max_seg,
								GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, st_free_table,
							ref), 0);

	KUNIT_EXPECT_EQ(test, sgt->orig_nents, c->nents);
	KUNIT_ASSERT_EQ(test, sgt->orig_nents, ref->orig_nents);
	ref_sg = ref->sgl;
	for_each_sgtable_sg(sgt, sg, i) {
		KUNIT_EXPECT_PTR_EQ_MSG(test, sg_page(sg), sg_page(ref_sg),
					"entry %u", i);
		KUNIT_EXPECT_EQ_MSG(test, sg->length, ref_sg->length,
				    "entry %u", i);
		KUNIT_EXPECT_EQ_MSG(test, sg->offset, ref_sg->offset,
				    "entry %u", i);
		KUNIT_EXPECT_LE(test, sg->length, c->max_seg);
		ref_sg = sg_next(ref_sg);
	}
	KUNIT_EXPECT_EQ(test, dxgkpm_pages_to_sgt(dev, pages, 0, sgt), -EINVAL);
}

static struct kunit_case dxgkpm_space_cases[] = {
	KUNIT_CASE(dxgkpm_space_linked_64bit),
	KUNIT_CASE(dxgkpm_space_linked_32bit_reserved),
	KUNIT_CASE_PARAM(dxgkpm_space_sgt, st_sgt_gen_params),
	{}
};

static struct kunit_suite dxgkpm_space_suite = {
	.name = "dxgkpm_space",
	.suite_init = dxgkpm_kt_suite_init,
	.init = dxgkpm_kt_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_space_cases,
};

kunit_test_suite(dxgkpm_space_suite);
