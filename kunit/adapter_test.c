// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite for what an adapter's unregistration may and may not take
 * with it: what its driver left on it goes, what another adapter uses
 * stays.
 */

#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/pci.h>
#include <linux/string.h>

#include "helpers.h"

#define AT_PAGES	2U

/*
 * An object created on adapter A, closed there and opened on adapter B,
 * with an ADL of B's: unregistering A must leave B's attachment and ADL
 * alone (B's device may be using them), and the object with its handle.
 */
static void dxgkpm_adapter_unregister_keeps_others(struct kunit *test)
{
	struct dxgkpm_pmo_desc desc = {
		.size = AT_PAGES * PAGE_SIZE,
		.type = DXGKPM_MEM_PAGES,
		.caching = DXGKPM_CACHING_CACHED,
		.pages.high = ~(phys_addr_t)0,
	};
	struct dxgkpm_edu *edu_b = dxgkpm_kt_edu(test, 1);
	struct dxgkpm_adapter *a, *b;
	struct dxgkpm_amo *amo_a, *amo_b, *held_amo;
	struct dxgkpm_pmo *pmo, *held, *again;
	size_t offset = 0, size = desc.size;
	struct dxgkpm_adl *adl;
	dma_addr_t dma[AT_PAGES];
	u64 handle;
	u8 *vaddr;
	u32 i;

	a = dxgkpm_kt_register(test, &dxgkpm_kt_edu(test, 0)->pdev->dev);
	b = dxgkpm_kt_register(test, &edu_b->pdev->dev);
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_create(&desc, a, &pmo, &amo_a), 0);
	handle = pmo->obj.handle;
	dxgkpm_kt_reap_at_end(test, handle);
	/* References of the test's own, whatever the code under test does. */
	held = dxgkpm_pmo_get_handle(handle);
	KUNIT_ASSERT_PTR_EQ(test, held, pmo);
	KUNIT_ASSERT_EQ(test, dxgkpm_amo_close(amo_a), 0);
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_open(pmo, b, &amo_b), 0);
	held_amo = dxgkpm_amo_get_handle(amo_b->obj.handle);
	KUNIT_ASSERT_PTR_EQ(test, held_amo, amo_b);
	KUNIT_ASSERT_EQ(test, dxgkpm_map_kernel(pmo, &offset, &size,
						(void **)&vaddr), 0);
	dxgkpm_kt_fill(vaddr, PAGE_SIZE, 0xada9);
	memset(vaddr + PAGE_SIZE, 0, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, dxgkpm_adl_alloc(amo_b, 0, desc.size, 0, &adl), 0);
	for (i = 0; i < AT_PAGES; i++)
		dma[i] = dxgkpm_adl_dma_address(adl, i);

	dxgkpm_kt_unregister_now(test, a);

	KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(adls), 1L,
			    "unregistering A freed B's ADL");
	again = dxgkpm_pmo_get_handle(handle);
	KUNIT_EXPECT_PTR_EQ_MSG(test, again, held,
				"the object's handle went with its creator");
	if (again)
		dxgkpm_pmo_put(again);
	/* B's device still reaches the memory through B's ADL. */
	KUNIT_EXPECT_EQ(test, dxgkpm_edu_copy(edu_b, dma[1], dma[0], PAGE_SIZE),
			0);
	KUNIT_EXPECT_EQ(test, dxgkpm_kt_mismatch(vaddr + PAGE_SIZE, PAGE_SIZE,
						 0xada9), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, dxgkpm_adl_free(amo_b, adl), 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_unmap_kernel(pmo, vaddr, size), 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_destroy(pmo, amo_b), 0);
	dxgkpm_amo_put(held_amo);
	dxgkpm_pmo_put(held);
	dxgkpm_kt_unregister_now(test, b);
	dxgkpm_kt_expect_idle(test);
}

static struct kunit_case dxgkpm_adapter_cases[] = {
	KUNIT_CASE_SLOW(dxgkpm_adapter_unregister_keeps_others),
	{}
};

static struct kunit_suite dxgkpm_adapter_suite = {
	.name = "dxgkpm_adapter",
	.suite_init = dxgkpm_kt_suite_init,
	.init = dxgkpm_kt_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_adapter_cases,
};

kunit_test_suite(dxgkpm_adapter_suite);
