// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite that proves the test harness end to end: dxgkpm built into
 * the KUnit kernel, QEMU's edu devices bound behind the emulated IOMMU, and
 * a real device DMA through an ADL that dxgkpm built.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/pci.h>
#include <linux/string.h>

#include "helpers.h"

#define HARNESS_PAGES	4U
#define HARNESS_CONTEXT	0xd8a1e55UL
#define HARNESS_POISON	0xa5

/*
 * The round trip: a 4-page object created and opened for the edu device's
 * adapter, page 0 filled by the CPU, copied by the device through its
 * buffer into page 1 at the addresses of an ADL, read back by the CPU; then
 * everything is freed and dxgkpm must hold nothing.
 */
static void dxgkpm_harness_edu_roundtrip(struct kunit *test)
{
	const unsigned int *index = test->param_value;
	struct dxgkpm_pmo_desc desc = {
		.size = HARNESS_PAGES * PAGE_SIZE,
		.type = DXGKPM_MEM_PAGES,
		.caching = DXGKPM_CACHING_CACHED,
		.context = HARNESS_CONTEXT,
		.pages.low = 0,
		.pages.high = ~(phys_addr_t)0,
	};
	struct dxgkpm_adapter *adapter;
	size_t offset = 0, size = desc.size;
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_amo *amo;
	struct dxgkpm_adl *adl;
	struct dxgkpm_edu *edu;
	dma_addr_t dma[2];
	u8 *vaddr;
	u32 i;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	edu = dxgkpm_kt_edu(test, *index);
	adapter = dxgkpm_kt_register(test, &edu->pdev->dev);

	/* Torn down by the adapter's unregistration if the test fails. */
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_create(&desc, adapter, &pmo, &amo), 0);
	KUNIT_ASSERT_EQ(test, dxgkpm_map_kernel(pmo, &offset, &size,
						(void **)&vaddr), 0);
	KUNIT_ASSERT_EQ(test, offset, (size_t)0);
	KUNIT_ASSERT_EQ(test, size, desc.size);
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(vaddr, 0, size),
			      "a new object must be zeroed");
	dxgkpm_kt_fill(vaddr, PAGE_SIZE, 0x5eed0000 | *index);
	memset(vaddr + PAGE_SIZE, HARNESS_POISON, PAGE_SIZE);

	KUNIT_ASSERT_EQ(test, dxgkpm_adl_alloc(amo, 0, size, 0, &adl), 0);
	KUNIT_ASSERT_EQ(test, dxgkpm_adl_page_count(adl), HARNESS_PAGES);
	for (i = 0; i < ARRAY_SIZE(dma); i++) {
		dma[i] = dxgkpm_adl_dma_address(adl, i);
		KUNIT_ASSERT_NE(test, dma[i], DMA_MAPPING_ERROR);
		KUNIT_EXPECT_TRUE_MSG(test, PAGE_ALIGNED(dma[i]),
				      "page %u at %pad", i, &dma[i]);
		KUNIT_EXPECT_LE_MSG(test, dma[i] + PAGE_SIZE - 1,
				    EDU_DMA_MASK,
				    "page %u at %pad is beyond the device's mask",
				    i, &dma[i]);
	}
	KUNIT_EXPECT_EQ(test, dxgkpm_adl_dma_address(adl, HARNESS_PAGES),
			DMA_MAPPING_ERROR);

	/* Page 0 into the device's buffer and back out into page 1. */
	KUNIT_ASSERT_EQ(test, dxgkpm_edu_copy(edu, dma[1], dma[0], PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(vaddr + PAGE_SIZE, vaddr, PAGE_SIZE), 0,
			    "page 1 differs from page 0 after the round trip");
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(vaddr + 2 * PAGE_SIZE, 0,
					       size - 2 * PAGE_SIZE),
			      "the device wrote past page 1");

	KUNIT_EXPECT_EQ(test, dxgkpm_adl_free(amo, adl), 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_unmap_kernel(pmo, vaddr, size), 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_destroy(pmo, amo), 0);
	dxgkpm_kt_unregister_now(test, adapter);
	dxgkpm_kt_expect_idle(test);
}

static const unsigned int harness_edu_index[] = { 0, 1 };

static void harness_edu_desc(const unsigned int *index, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "edu%u", *index);
}

KUNIT_ARRAY_PARAM(harness_edu, harness_edu_index, harness_edu_desc);

static struct kunit_case dxgkpm_harness_cases[] = {
	KUNIT_CASE_PARAM(dxgkpm_harness_edu_roundtrip, harness_edu_gen_params),
	{}
};

static struct kunit_suite dxgkpm_harness_suite = {
	.name = "dxgkpm_harness",
	.init = dxgkpm_kt_init,
	.suite_init = dxgkpm_kt_suite_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_harness_cases,
};

kunit_test_suite(dxgkpm_harness_suite);
