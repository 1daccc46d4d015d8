// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite for the device address space of linked adapters, which
 * dxgkpm manages itself (dma/dmaspace.c): its addresses stay within the
 * IOMMU domain's aperture and out of the regions the platform reserves
 * (the MSI window, RMRRs), whatever the devices' DMA masks.
 */

#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/pci.h>
#include <linux/slab.h>

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

static struct kunit_case dxgkpm_space_cases[] = {
	KUNIT_CASE(dxgkpm_space_linked_64bit),
	KUNIT_CASE(dxgkpm_space_linked_32bit_reserved),
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
