// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite "dxgkpm_lda": the adapter-level entry points that stand in
 * for Dxgkrnl's start-up, on QEMU's two edu devices behind the emulated
 * IOMMU: linked adapters sharing one IOMMU domain (dxgkpm_link_adapters(),
 * dxgkpm_unlink_adapter()), the reported DXGK_PHYSICAL_MEMORY_CAPS that
 * bound every ADL address, and the DXGK_IOMMU_CAPS read back. Memory is
 * made and described through the DXGK callbacks; both devices really copy
 * it by DMA at the addresses of its ADLs.
 *
 * Tests that report caps give each device its own DMA mask back when they
 * end (after their adapters are unregistered), so that the other suites
 * find the edu devices as they were.
 */

#include <kunit/device.h>
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/sizes.h>

#include "dma_helpers.h"

/* Pages of each object. */
#define LDA_PAGES	4U

static void lda_restore_mask(void *pdev)
{
	struct device *dev = &((struct pci_dev *)pdev)->dev;

	if (dma_set_mask_and_coherent(dev, EDU_DMA_MASK))
		dev_err(dev, "cannot restore the edu DMA mask\n");
}

/*
 * An adapter on edu device @index, whose DMA mask must be the device's own;
 * the mask is restored after the adapter is unregistered, whatever the
 * test reported.
 */
static struct dxgkpm_kt *lda_setup(struct kunit *test, unsigned int index)
{
	struct dxgkpm_edu *edu = dxgkpm_kt_edu(test, index);

	KUNIT_ASSERT_EQ_MSG(test, dma_get_mask(&edu->pdev->dev),
			    EDU_DMA_MASK,
			    "an earlier test left edu%u another DMA mask",
			    index);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							lda_restore_mask,
							edu->pdev), 0);
	return dxgkpm_kt_setup(test, index);
}

static u64 lda_mask(struct dxgkpm_kt *kt)
{
	return dma_get_mask(&kt->edu->pdev->dev);
}

static int lda_report(struct dxgkpm_kt *kt, u64 highest)
{
	DXGK_PHYSICAL_MEMORY_CAPS caps = {
		.HighestVisibleAddress.QuadPart = highest,
	};

	return dxgkpm_report_physical_memory_caps(kt->adapter, &caps);
}

static int lda_link(struct dxgkpm_kt *first, struct dxgkpm_kt *second)
{
	struct dxgkpm_adapter *adapters[] = { first->adapter, second->adapter };

	return dxgkpm_link_adapters(adapters, ARRAY_SIZE(adapters));
}

static struct iommu_domain *lda_domain(struct dxgkpm_kt *kt)
{
	return iommu_get_domain_for_dev(&kt->edu->pdev->dev);
}

/* The device is on @own, the DMA API domain it had before any link. */
static void lda_expect_own(struct kunit *test, struct dxgkpm_kt *kt,
			   struct iommu_domain *own)
{
	struct iommu_domain *domain = lda_domain(kt);

	KUNIT_ASSERT_NOT_NULL(test, domain);
	KUNIT_EXPECT_PTR_EQ_MSG(test, domain, own,
				"edu%u is not back on its own domain",
				kt->edu->index);
	KUNIT_EXPECT_TRUE_MSG(test, domain->type & __IOMMU_DOMAIN_DMA_API,
			      "edu%u is on a domain of type %#x", kt->edu->index,
			      domain->type);
}

/* Both devices are on one paging domain that is not the DMA API's. */
static struct iommu_domain *lda_expect_shared(struct kunit *test,
					      struct dxgkpm_kt *a,
					      struct dxgkpm_kt *b)
{
	struct iommu_domain *domain = lda_domain(a);

	KUNIT_ASSERT_NOT_NULL(test, domain);
	KUNIT_EXPECT_PTR_EQ(test, lda_domain(b), domain);
	KUNIT_EXPECT_TRUE(test, domain->type & __IOMMU_DOMAIN_PAGING);
	KUNIT_EXPECT_FALSE_MSG(test, domain->type & __IOMMU_DOMAIN_DMA_API,
			       "linked devices are on a DMA API domain");
	return domain;
}

/* Every page of an ADL is that page of the object in @domain. */
static void lda_expect_mapped(struct kunit *test, struct iommu_domain *domain,
			      struct dxgkpm_dkt_obj *obj, const DXGK_ADL *adl)
{
	phys_addr_t phys;
	dma_addr_t addr;
	u32 i;

	for (i = 0; i < adl->PageCount; i++) {
		addr = dxgkpm_call_adl_addr(adl, i);
		phys = dxgkpm_dkt_phys(obj, i);
		KUNIT_EXPECT_EQ_MSG(test, iommu_iova_to_phys(domain, addr), phys,
				    "page %u at %pad is not %pa in the domain",
				    i, &addr, &phys);
	}
}

/*
 * Device @first copies page 0 of @obj (written by the CPU with @seed's
 * pattern) into page 1, then device @second copies page 1 into page 2, at
 * the addresses of @adl: page 2 holds the pattern only if @second read what
 * @first wrote. Page 3 stays untouched.
 */
static void lda_relay(struct kunit *test, struct dxgkpm_dkt_obj *obj,
		      const DXGK_ADL *adl, struct dxgkpm_kt *first,
		      struct dxgkpm_kt *second, u32 seed)
{
	dxgkpm_dkt_fill_pages(obj, 0, 1, seed);
	dxgkpm_dkt_copy(test, first->edu, adl, 1, adl, 0, 1);
	dxgkpm_dkt_copy(test, second->edu, adl, 2, adl, 1, 1);
	dxgkpm_dkt_expect_page(test, obj, 1, seed);
	dxgkpm_dkt_expect_page(test, obj, 2, seed);
	dxgkpm_dkt_expect_zero_page(test, obj, 3);
}

/* An MDL object of LDA_PAGES, created with @kt's hAdapter, with a view. */
static void lda_object(struct kunit *test, struct dxgkpm_dkt_obj *obj,
		       struct dxgkpm_kt *kt, DXGK_MEMORY_CACHING_TYPE cache)
{
	dxgkpm_dkt_create(test, obj, kt, true, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
			  cache, LDA_PAGES * PAGE_SIZE);
	dxgkpm_dkt_map(test, obj);
}

/* Undo lda_object() and the ADL made of it. */
static void lda_drop(struct kunit *test, struct dxgkpm_dkt_obj *obj,
		     DXGK_ADL *adl)
{
	dxgkpm_dkt_free_adl(test, obj, adl);
	dxgkpm_dkt_unmap(test, obj);
	dxgkpm_dkt_destroy(test, obj, true);
}

/*
 * Pass: for an edu device behind the IOMMU, dxgkpm_query_iommu_caps() sets
 * IommuIsolationSupported and DmaRemappingSupported and clears every other
 * bit (IommuIsolationRequired, GpuVaIommuRequired, GpuVaIommuGlobalRequired,
 * Reserved) even when the caller's structure had them set; for a device
 * without an IOMMU (kunit_device_register()) every bit is clear; NULL
 * arguments are -EINVAL.
 */
static void dxgkpm_lda_iommu_caps(struct kunit *test)
{
	struct dxgkpm_adapter *bare;
	DXGK_IOMMU_CAPS caps;
	struct dxgkpm_kt *kt;
	struct device *dev;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	kt = dxgkpm_kt_setup(test, 0);
	caps.Value = ~0U;
	KUNIT_ASSERT_EQ(test, dxgkpm_query_iommu_caps(kt->adapter, &caps), 0);
	KUNIT_EXPECT_EQ(test, (u32)caps.IommuIsolationSupported, 1U);
	KUNIT_EXPECT_EQ(test, (u32)caps.DmaRemappingSupported, 1U);
	KUNIT_EXPECT_EQ(test, (u32)caps.IommuIsolationRequired, 0U);
	KUNIT_EXPECT_EQ(test, (u32)caps.GpuVaIommuRequired, 0U);
	KUNIT_EXPECT_EQ(test, (u32)caps.GpuVaIommuGlobalRequired, 0U);
	KUNIT_EXPECT_EQ(test, (u32)caps.Reserved, 0U);

	dev = kunit_device_register(test, "dxgkpm-lda-bare");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_ASSERT_NULL_MSG(test, iommu_get_domain_for_dev(dev),
			      "a KUnit device behind an IOMMU");
	bare = dxgkpm_kt_register(test, dev);
	caps.Value = ~0U;
	KUNIT_ASSERT_EQ(test, dxgkpm_query_iommu_caps(bare, &caps), 0);
	KUNIT_EXPECT_EQ(test, caps.Value, 0U);

	KUNIT_EXPECT_EQ(test, dxgkpm_query_iommu_caps(NULL, &caps), -EINVAL);
	KUNIT_EXPECT_EQ(test, dxgkpm_query_iommu_caps(kt->adapter, NULL),
			-EINVAL);
}

/**
 * struct lda_caps - a HighestVisibleAddress and the DMA mask it gives
 * @highest: HighestVisibleAddress reported
 * @mask: the largest 2^n - 1 not above it
 */
struct lda_caps {
	u64 highest;
	u64 mask;
};

static const struct lda_caps lda_caps[] = {
	{ SZ_16M - 1, SZ_16M - 1 },
	{ 0x17fffff, SZ_16M - 1 },
};

static void lda_caps_desc(const struct lda_caps *caps, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%#llx", caps->highest);
}

KUNIT_ARRAY_PARAM(lda_caps, lda_caps, lda_caps_desc);

/*
 * Pass: the reported HighestVisibleAddress of the parameter makes the
 * device's DMA mask the largest 2^n - 1 not above it (16 MiB - 1 for both
 * 0xffffff and 0x17fffff); every address of an ADL over an MDL object whose
 * pages lie at or above 256 MiB is then below 16 MiB, and the device copies
 * correctly through those addresses; with nothing mapped any more, reporting
 * 0xfffffff gives the device its 28-bit mask back.
 */
static void dxgkpm_lda_caps_mask(struct kunit *test)
{
	const struct lda_caps *param = test->param_value;
	struct dxgkpm_dkt_obj obj;
	struct dxgkpm_kt *kt;
	DXGK_ADL *adl;
	u32 i;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	kt = lda_setup(test, 0);
	KUNIT_ASSERT_EQ(test, lda_report(kt, param->highest), 0);
	KUNIT_EXPECT_EQ(test, lda_mask(kt), param->mask);

	lda_object(test, &obj, kt, DXGK_MEMORY_CACHING_TYPE_CACHED);
	for (i = 0; i < LDA_PAGES; i++)
		KUNIT_EXPECT_GE(test, dxgkpm_dkt_phys(&obj, i),
				(phys_addr_t)DXGKPM_DKT_LOW);
	adl = dxgkpm_dkt_adl(test, &obj, 0, LDA_PAGES, DXGKPM_CALL_PREFER,
			     param->mask);
	lda_relay(test, &obj, adl, kt, kt, 0x1da00000 | (u32)param->highest);
	lda_drop(test, &obj, adl);

	KUNIT_EXPECT_EQ(test, lda_report(kt, EDU_DMA_MASK), 0);
	KUNIT_EXPECT_EQ(test, lda_mask(kt), EDU_DMA_MASK);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Pass: dxgkpm_report_physical_memory_caps() refuses -EINVAL for a NULL
 * adapter, NULL caps, and a HighestVisibleAddress that does not cover one
 * page (0, PAGE_SIZE - 2); refuses -EBUSY while an object is open on the
 * adapter; none of these changes the DMA mask; once the object is closed
 * the same caps are accepted and an ADL made after reopening it lies below
 * them.
 */
static void dxgkpm_lda_caps_refused(struct kunit *test)
{
	DXGK_PHYSICAL_MEMORY_CAPS caps = {
		.HighestVisibleAddress.QuadPart = SZ_16M - 1,
	};
	struct dxgkpm_dkt_obj obj;
	struct dxgkpm_kt *kt;
	DXGK_ADL *adl;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	kt = lda_setup(test, 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_report_physical_memory_caps(NULL, &caps),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dxgkpm_report_physical_memory_caps(kt->adapter,
								 NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lda_report(kt, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, lda_report(kt, PAGE_SIZE - 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, lda_mask(kt), EDU_DMA_MASK);

	lda_object(test, &obj, kt, DXGK_MEMORY_CACHING_TYPE_CACHED);
	KUNIT_EXPECT_EQ(test, lda_report(kt, SZ_16M - 1), -EBUSY);
	KUNIT_EXPECT_EQ(test, lda_mask(kt), EDU_DMA_MASK);

	dxgkpm_dkt_close(test, &obj);
	KUNIT_EXPECT_EQ(test, lda_report(kt, SZ_16M - 1), 0);
	KUNIT_EXPECT_EQ(test, lda_mask(kt), (u64)SZ_16M - 1);
	KUNIT_ASSERT_EQ(test, dxgkpm_dkt_open(&obj, kt, &obj.amo),
			STATUS_SUCCESS);
	adl = dxgkpm_dkt_adl(test, &obj, 0, LDA_PAGES, 0, SZ_16M - 1);
	lda_drop(test, &obj, adl);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Pass: dxgkpm_link_adapters() refuses -EINVAL for a NULL array, fewer than
 * two adapters, a NULL entry and the same adapter twice; -ENODEV with a
 * device that has no IOMMU; -EBUSY, in either order, while an object is
 * open for one of them, and once they are linked; a refused link leaves
 * each device on its own DMA API domain; an object that exists but is
 * closed does not prevent the link; dxgkpm_unlink_adapter(NULL) is -EINVAL,
 * and unlinking both puts them back on their own domains.
 */
static void dxgkpm_lda_link_refused(struct kunit *test)
{
	struct iommu_domain *own_a, *own_b;
	struct dxgkpm_adapter *list[2];
	struct dxgkpm_adapter *bare;
	struct dxgkpm_dkt_obj obj;
	struct dxgkpm_kt *a, *b;
	struct device *dev;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	a = lda_setup(test, 0);
	b = lda_setup(test, 1);
	own_a = lda_domain(a);
	own_b = lda_domain(b);
	lda_expect_own(test, a, own_a);
	lda_expect_own(test, b, own_b);
	KUNIT_EXPECT_PTR_NE(test, own_a, own_b);
	dev = kunit_device_register(test, "dxgkpm-lda-bare");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	bare = dxgkpm_kt_register(test, dev);

	list[0] = a->adapter;
	list[1] = b->adapter;
	KUNIT_EXPECT_EQ(test, dxgkpm_link_adapters(NULL, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, dxgkpm_link_adapters(list, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, dxgkpm_link_adapters(list, 1), -EINVAL);
	list[1] = NULL;
	KUNIT_EXPECT_EQ(test, dxgkpm_link_adapters(list, 2), -EINVAL);
	list[1] = a->adapter;
	KUNIT_EXPECT_EQ(test, dxgkpm_link_adapters(list, 2), -EINVAL);
	list[1] = bare;
	KUNIT_EXPECT_EQ(test, dxgkpm_link_adapters(list, 2), -ENODEV);
	list[0] = bare;
	list[1] = b->adapter;
	KUNIT_EXPECT_EQ(test, dxgkpm_link_adapters(list, 2), -ENODEV);
	lda_expect_own(test, a, own_a);
	lda_expect_own(test, b, own_b);

	/* Open (so mapped) for B: neither order links. */
	dxgkpm_dkt_create(test, &obj, b, true, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
			  DXGK_MEMORY_CACHING_TYPE_CACHED, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, lda_link(a, b), -EBUSY);
	KUNIT_EXPECT_EQ(test, lda_link(b, a), -EBUSY);
	lda_expect_own(test, a, own_a);
	lda_expect_own(test, b, own_b);

	/* Closed, the object no longer counts. */
	dxgkpm_dkt_close(test, &obj);
	KUNIT_ASSERT_EQ(test, lda_link(a, b), 0);
	lda_expect_shared(test, a, b);
	KUNIT_EXPECT_EQ(test, lda_link(a, b), -EBUSY);
	KUNIT_EXPECT_EQ(test, lda_link(b, a), -EBUSY);

	KUNIT_EXPECT_EQ(test, dxgkpm_unlink_adapter(NULL), -EINVAL);
	dxgkpm_dkt_destroy(test, &obj, false);
	KUNIT_EXPECT_EQ(test, dxgkpm_unlink_adapter(a->adapter), 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_unlink_adapter(b->adapter), 0);
	lda_expect_own(test, a, own_a);
	lda_expect_own(test, b, own_b);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Pass: two edu adapters linked before anything is mapped share one paging
 * IOMMU domain, not the DMA API's, and still report isolation and
 * remapping; an MDL object created without an adapter and opened through
 * A, one created with hAdapter B, and a section created without an adapter
 * and opened through B cannot be opened a second time through the other
 * adapter, nor the MDL ones through their own, with
 * STATUS_INVALID_DEVICE_STATE; their ADL
 * addresses are their pages in the shared domain; on each object device A
 * writes and device B reads back what A wrote (and, on the MDL objects, the
 * other way round too); an IO-space
 * object of A's BAR0 is mapped in the shared domain too; and after
 * everything is destroyed both adapters unlink and return to their own
 * domains.
 */
static void dxgkpm_lda_shared(struct kunit *test)
{
	struct iommu_domain *own_a, *own_b, *shared;
	DXGK_ADL *x_adl, *y_adl, *s_adl, *io_adl;
	struct dxgkpm_dkt_obj x, y, s, io;
	struct dxgkpm_kt *a, *b;
	DXGK_IOMMU_CAPS caps;
	dma_addr_t addr;
	phys_addr_t bar;
	HANDLE amo;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	a = lda_setup(test, 0);
	b = lda_setup(test, 1);
	own_a = lda_domain(a);
	own_b = lda_domain(b);

	KUNIT_ASSERT_EQ(test, lda_link(a, b), 0);
	shared = lda_expect_shared(test, a, b);
	KUNIT_EXPECT_PTR_NE(test, shared, own_a);
	KUNIT_EXPECT_PTR_NE(test, shared, own_b);
	KUNIT_ASSERT_EQ(test, dxgkpm_query_iommu_caps(b->adapter, &caps), 0);
	KUNIT_EXPECT_EQ(test, (u32)caps.IommuIsolationSupported, 1U);
	KUNIT_EXPECT_EQ(test, (u32)caps.DmaRemappingSupported, 1U);

	/* X: created alone, opened through A. */
	dxgkpm_dkt_create(test, &x, a, false, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
			  DXGK_MEMORY_CACHING_TYPE_CACHED,
			  LDA_PAGES * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, dxgkpm_dkt_open(&x, a, &x.amo), STATUS_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, x.amo);
	KUNIT_EXPECT_EQ(test, dxgkpm_dkt_open(&x, b, &amo),
			STATUS_INVALID_DEVICE_STATE);
	KUNIT_EXPECT_NULL(test, amo);
	KUNIT_EXPECT_EQ(test, dxgkpm_dkt_open(&x, a, &amo),
			STATUS_INVALID_DEVICE_STATE);
	KUNIT_EXPECT_NULL(test, amo);
	dxgkpm_dkt_map(test, &x);
	/* Y: created with hAdapter B. */
	lda_object(test, &y, b, DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED);
	KUNIT_EXPECT_EQ(test, dxgkpm_dkt_open(&y, a, &amo),
			STATUS_INVALID_DEVICE_STATE);
	KUNIT_EXPECT_NULL(test, amo);
	KUNIT_EXPECT_EQ(test, dxgkpm_dkt_open(&y, b, &amo),
			STATUS_INVALID_DEVICE_STATE);
	KUNIT_EXPECT_NULL(test, amo);
	/* S: a section created alone, opened through B. */
	dxgkpm_dkt_create(test, &s, b, false,
			  DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
			  DXGK_MEMORY_CACHING_TYPE_CACHED,
			  LDA_PAGES * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, dxgkpm_dkt_open(&s, b, &s.amo), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, dxgkpm_dkt_open(&s, a, &amo),
			STATUS_INVALID_DEVICE_STATE);
	KUNIT_EXPECT_NULL(test, amo);
	dxgkpm_dkt_map(test, &s);
	DXGKPM_KT_EXPECT_STAT(test, amos, 3);

	x_adl = dxgkpm_dkt_adl(test, &x, 0, LDA_PAGES, DXGKPM_CALL_PREFER,
			       EDU_DMA_MASK);
	y_adl = dxgkpm_dkt_adl(test, &y, 0, LDA_PAGES, 0, EDU_DMA_MASK);
	s_adl = dxgkpm_dkt_adl(test, &s, 0, LDA_PAGES, DXGKPM_CALL_PREFER,
			       EDU_DMA_MASK);
	lda_expect_mapped(test, shared, &x, x_adl);
	lda_expect_mapped(test, shared, &y, y_adl);
	lda_expect_mapped(test, shared, &s, s_adl);

	/* A writes, B reads back what A wrote; then B writes, A reads. */
	lda_relay(test, &x, x_adl, a, b, 0x1da0a0b0);
	lda_relay(test, &x, x_adl, b, a, 0x1da0b0a0);
	lda_relay(test, &y, y_adl, a, b, 0x1da1a0b0);
	lda_relay(test, &y, y_adl, b, a, 0x1da1b0a0);
	lda_relay(test, &s, s_adl, a, b, 0x1da6a0b0);

	/* IO space goes into the shared domain as well. */
	bar = pci_resource_start(a->edu->pdev, 0);
	dxgkpm_dkt_create(test, &io, a, true,
			  DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE,
			  DXGK_MEMORY_CACHING_TYPE_NON_CACHED, PAGE_SIZE);
	io_adl = dxgkpm_dkt_adl(test, &io, 0, 1, DXGKPM_CALL_REQUIRE,
				EDU_DMA_MASK);
	addr = dxgkpm_call_adl_addr(io_adl, 0);
	KUNIT_EXPECT_EQ_MSG(test, iommu_iova_to_phys(shared, addr), bar,
			    "%pad is not BAR0 %pa in the shared domain", &addr,
			    &bar);
	dxgkpm_dkt_free_adl(test, &io, io_adl);
	dxgkpm_dkt_destroy(test, &io, true);

	dxgkpm_dkt_free_adl(test, &x, x_adl);
	dxgkpm_dkt_free_adl(test, &y, y_adl);
	lda_drop(test, &s, s_adl);
	dxgkpm_dkt_unmap(test, &x);
	dxgkpm_dkt_unmap(test, &y);
	dxgkpm_dkt_destroy(test, &x, true);
	dxgkpm_dkt_destroy(test, &y, false);
	dxgkpm_kt_expect_no_memory(test);

	KUNIT_EXPECT_EQ(test, dxgkpm_unlink_adapter(a->adapter), 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_unlink_adapter(b->adapter), 0);
	lda_expect_own(test, a, own_a);
	lda_expect_own(test, b, own_b);
}

/*
 * Pass: unlinking either adapter is refused with -EBUSY while an object
 * opened through one of them is mapped (it is mapped for both), and changes
 * nothing (both devices stay in the shared domain and keep reaching the
 * object); once the object is
 * destroyed each adapter unlinks and its device is back on its own DMA API
 * domain, where an object opened afterwards gets ADLs within its mask and
 * the device copies through them correctly.
 */
static void dxgkpm_lda_unlink(struct kunit *test)
{
	struct iommu_domain *own_a, *own_b, *shared;
	struct dxgkpm_kt *a, *b, *kts[2];
	struct dxgkpm_dkt_obj obj;
	unsigned int i;
	DXGK_ADL *adl;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	a = lda_setup(test, 0);
	b = lda_setup(test, 1);
	own_a = lda_domain(a);
	own_b = lda_domain(b);
	KUNIT_ASSERT_EQ(test, lda_link(a, b), 0);
	shared = lda_expect_shared(test, a, b);

	lda_object(test, &obj, a, DXGK_MEMORY_CACHING_TYPE_CACHED);
	adl = dxgkpm_dkt_adl(test, &obj, 0, LDA_PAGES, DXGKPM_CALL_PREFER,
			     EDU_DMA_MASK);
	KUNIT_EXPECT_EQ(test, dxgkpm_unlink_adapter(a->adapter), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, lda_domain(a), shared);
	KUNIT_EXPECT_PTR_EQ(test, lda_domain(b), shared);
	lda_relay(test, &obj, adl, a, b, 0x1da2a0b0);
	/* The object is mapped for B as well: B cannot leave either. */
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_unlink_adapter(b->adapter), -EBUSY,
			    "B left its logical adapter under a live mapping");
	KUNIT_EXPECT_PTR_EQ(test, lda_domain(b), shared);
	lda_drop(test, &obj, adl);

	KUNIT_EXPECT_EQ(test, dxgkpm_unlink_adapter(a->adapter), 0);
	lda_expect_own(test, a, own_a);
	KUNIT_EXPECT_EQ(test, dxgkpm_unlink_adapter(b->adapter), 0);
	lda_expect_own(test, b, own_b);

	kts[0] = a;
	kts[1] = b;
	for (i = 0; i < ARRAY_SIZE(kts); i++) {
		lda_object(test, &obj, kts[i], DXGK_MEMORY_CACHING_TYPE_CACHED);
		adl = dxgkpm_dkt_adl(test, &obj, 0, LDA_PAGES, 0,
				     lda_mask(kts[i]));
		lda_relay(test, &obj, adl, kts[i], kts[i], 0x1da30000 + i);
		lda_drop(test, &obj, adl);
	}
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Pass: for linked adapters the lowest mask wins: with A reporting
 * 16 MiB - 1 before the link and B keeping 28 bits, an object opened
 * through B gets ADL addresses below 16 MiB and both devices copy through
 * them correctly; while that object is mapped, A may not lower its
 * HighestVisibleAddress further (-EBUSY: the mapping is A's too, and its
 * addresses must stay within A's reach); with nothing mapped, B reporting
 * 8 MiB - 1 lowers the shared limit, so an object opened through A then
 * lies below 8 MiB, and both devices still copy through it.
 */
static void dxgkpm_lda_caps_linked(struct kunit *test)
{
	struct dxgkpm_dkt_obj x, y;
	struct dxgkpm_kt *a, *b;
	DXGK_ADL *x_adl, *y_adl;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	a = lda_setup(test, 0);
	b = lda_setup(test, 1);
	KUNIT_ASSERT_EQ(test, lda_report(a, SZ_16M - 1), 0);
	KUNIT_ASSERT_EQ(test, lda_link(a, b), 0);
	KUNIT_EXPECT_EQ(test, lda_mask(b), EDU_DMA_MASK);

	lda_object(test, &y, b, DXGK_MEMORY_CACHING_TYPE_CACHED);
	y_adl = dxgkpm_dkt_adl(test, &y, 0, LDA_PAGES, DXGKPM_CALL_PREFER,
			       SZ_16M - 1);
	lda_relay(test, &y, y_adl, b, a, 0x1da4b0a0);

	KUNIT_EXPECT_EQ_MSG(test, lda_report(a, SZ_8M - 1), -EBUSY,
			    "A lowered its reach below a live mapping of its logical adapter");
	dxgkpm_dkt_expect_within(test, y_adl, lda_mask(a));
	lda_drop(test, &y, y_adl);

	KUNIT_ASSERT_EQ(test, lda_report(b, SZ_8M - 1), 0);
	lda_object(test, &x, a, DXGK_MEMORY_CACHING_TYPE_CACHED);
	x_adl = dxgkpm_dkt_adl(test, &x, 0, LDA_PAGES, DXGKPM_CALL_PREFER,
			       SZ_8M - 1);
	lda_relay(test, &x, x_adl, a, b, 0x1da4a0b0);
	lda_drop(test, &x, x_adl);

	KUNIT_EXPECT_EQ(test, dxgkpm_unlink_adapter(a->adapter), 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_unlink_adapter(b->adapter), 0);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Pass: unregistering linked adapter A while it still has an object open
 * with an ADL and a view tears that object down and takes A out of the
 * logical adapter (its device is back on its own DMA API domain), while B
 * stays in the shared domain and keeps working: B's object, made before,
 * is still copied correctly by device B at the same ADL addresses, and a
 * new object opened through B works too; B then unlinks.
 */
static void dxgkpm_lda_unregister(struct kunit *test)
{
	struct iommu_domain *own_a, *own_b, *shared;
	DXGK_ADL *x_adl, *y_adl, *z_adl;
	struct dxgkpm_dkt_obj x, y, z;
	struct dxgkpm_kt *a, *b;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	a = lda_setup(test, 0);
	b = lda_setup(test, 1);
	own_a = lda_domain(a);
	own_b = lda_domain(b);
	KUNIT_ASSERT_EQ(test, lda_link(a, b), 0);
	shared = lda_expect_shared(test, a, b);

	lda_object(test, &x, a, DXGK_MEMORY_CACHING_TYPE_CACHED);
	x_adl = dxgkpm_dkt_adl(test, &x, 0, LDA_PAGES, DXGKPM_CALL_PREFER,
			       EDU_DMA_MASK);
	lda_object(test, &y, b, DXGK_MEMORY_CACHING_TYPE_CACHED);
	y_adl = dxgkpm_dkt_adl(test, &y, 0, LDA_PAGES, DXGKPM_CALL_PREFER,
			       EDU_DMA_MASK);
	lda_relay(test, &y, y_adl, a, b, 0x1da5a0b0);

	/* A goes, with what it left behind; B and its object stay. */
	dxgkpm_kt_unregister_now(test, a->adapter);
	DXGKPM_KT_EXPECT_STAT(test, adapters, 1);
	DXGKPM_KT_EXPECT_STAT(test, pmos, 1);
	DXGKPM_KT_EXPECT_STAT(test, amos, 1);
	DXGKPM_KT_EXPECT_STAT(test, adls, 1);
	DXGKPM_KT_EXPECT_STAT(test, kviews, 1);
	lda_expect_own(test, a, own_a);
	KUNIT_EXPECT_PTR_EQ(test, lda_domain(b), shared);

	lda_relay(test, &y, y_adl, b, b, 0x1da5b0b0);
	lda_object(test, &z, b, DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED);
	z_adl = dxgkpm_dkt_adl(test, &z, 0, LDA_PAGES, 0, EDU_DMA_MASK);
	lda_relay(test, &z, z_adl, b, b, 0x1da5b0b1);
	lda_drop(test, &z, z_adl);
	lda_drop(test, &y, y_adl);

	KUNIT_EXPECT_EQ(test, dxgkpm_unlink_adapter(b->adapter), 0);
	lda_expect_own(test, b, own_b);
	dxgkpm_kt_expect_no_memory(test);
}

static struct kunit_case dxgkpm_lda_cases[] = {
	KUNIT_CASE(dxgkpm_lda_iommu_caps),
	KUNIT_CASE_PARAM(dxgkpm_lda_caps_mask, lda_caps_gen_params),
	KUNIT_CASE(dxgkpm_lda_caps_refused),
	KUNIT_CASE(dxgkpm_lda_link_refused),
	KUNIT_CASE(dxgkpm_lda_shared),
	KUNIT_CASE(dxgkpm_lda_unlink),
	KUNIT_CASE(dxgkpm_lda_caps_linked),
	KUNIT_CASE(dxgkpm_lda_unregister),
	{}
};

static struct kunit_suite dxgkpm_lda_suite = {
	.name = "dxgkpm_lda",
	.init = dxgkpm_kt_init,
	.suite_init = dxgkpm_kt_suite_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_lda_cases,
};

kunit_test_suite(dxgkpm_lda_suite);
