// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Helpers of the DMA suites (see dma_helpers.h).
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/pfn.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "dma_helpers.h"

/**
 * dxgkpm_dkt_args() - the create arguments the DMA suites use
 * @args: filled
 * @kt: the adapter
 * @with_adapter: pass @kt's hAdapter, so that the object is opened at once
 * @type: memory type
 * @cache: cache type
 * @size: bytes
 *
 * Those of dxgkpm_call_args(), but MDL and contiguous objects must lie at or
 * above DXGKPM_DKT_LOW, sections are committed, and IO-space objects start
 * at @kt's BAR0.
 */
void dxgkpm_dkt_args(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *args,
		     struct dxgkpm_kt *kt, bool with_adapter,
		     DXGK_PHYSICAL_MEMORY_TYPE type,
		     DXGK_MEMORY_CACHING_TYPE cache, size_t size)
{
	dxgkpm_call_args(args, with_adapter ? kt->h : NULL, type, cache, size);
	switch (type) {
	case DXGK_PHYSICAL_MEMORY_TYPE_MDL:
		args->Mdl.LowAddress.QuadPart = DXGKPM_DKT_LOW;
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY:
		args->ContiguousMemory.LowestAcceptableAddress.QuadPart =
			DXGKPM_DKT_LOW;
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_SECTION:
		args->Section.AllocationAttributes = SEC_COMMIT;
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE:
		args->IOSpace.BaseAddress.QuadPart =
			pci_resource_start(kt->edu->pdev, 0);
		break;
	}
}

/**
 * dxgkpm_dkt_create() - create an object through the DXGK interface
 * @test: the test; it stops unless creation succeeds
 * @obj: filled
 * @kt: the adapter whose interface is called
 * @with_adapter: pass hAdapter (the object comes back open) or NULL (it
 *	comes back without an adapter memory object)
 * @type: memory type
 * @cache: cache type
 * @size: bytes, whole pages
 *
 * The object is torn down when the test ends, if the test did not destroy
 * it.
 */
void dxgkpm_dkt_create(struct kunit *test, struct dxgkpm_dkt_obj *obj,
		       struct dxgkpm_kt *kt, bool with_adapter,
		       DXGK_PHYSICAL_MEMORY_TYPE type,
		       DXGK_MEMORY_CACHING_TYPE cache, size_t size)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT args;
	struct dxgkpm_call_obj h;

	dxgkpm_dkt_args(&args, kt, with_adapter, type, cache, size);
	h = dxgkpm_call_create(test, kt, &args);

	memset(obj, 0, sizeof(*obj));
	obj->kt = kt;
	obj->type = type;
	obj->cache = cache;
	obj->size = size;
	obj->pmo = h.pmo;
	obj->amo = h.amo;
}

/**
 * dxgkpm_dkt_open() - DxgkCbOpenPhysicalMemoryObject
 * @obj: the object
 * @through: the adapter to open it for
 * @amo: out: hAdapterMemoryObject as the call left it
 *
 * Return: the call's status.
 */
NTSTATUS dxgkpm_dkt_open(struct dxgkpm_dkt_obj *obj, struct dxgkpm_kt *through,
			 HANDLE *amo)
{
	return dxgkpm_call_open(through, obj->pmo, through->h, amo);
}

/**
 * dxgkpm_dkt_close() - DxgkCbClosePhysicalMemoryObject, which must close
 * @test: the test
 * @obj: an open object
 */
void dxgkpm_dkt_close(struct kunit *test, struct dxgkpm_dkt_obj *obj)
{
	long amos = DXGKPM_KT_STAT(amos);

	dxgkpm_call_close(obj->kt, obj->amo);
	KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(amos), amos - 1,
			    "the close was refused");
	obj->amo = NULL;
}

/**
 * dxgkpm_dkt_destroy() - DxgkCbDestroyPhysicalMemoryObject, which must
 * destroy
 * @test: the test
 * @obj: the object, with no ADL or kernel view left
 * @pass_amo: pass its open hAdapterMemoryObject too (else it is closed
 *	anyway)
 */
void dxgkpm_dkt_destroy(struct kunit *test, struct dxgkpm_dkt_obj *obj,
			bool pass_amo)
{
	long pmos = DXGKPM_KT_STAT(pmos), amos = DXGKPM_KT_STAT(amos);

	dxgkpm_call_destroy(obj->kt, obj->pmo, pass_amo ? obj->amo : NULL);
	KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(pmos), pmos - 1,
			    "the destroy was refused");
	KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(amos), amos - !!obj->amo,
			    "the destroy left the object open");
	obj->amo = NULL;
}

/**
 * dxgkpm_dkt_map() - a kernel-mode view of the whole object
 * @test: the test; it stops unless the view is made
 * @obj: the object; the view is kept in it
 */
void dxgkpm_dkt_map(struct kunit *test, struct dxgkpm_dkt_obj *obj)
{
	obj->view = dxgkpm_call_view(test, obj->kt, obj->pmo, 0, obj->size,
				     &obj->view_size);
}

/**
 * dxgkpm_dkt_unmap() - remove the view of dxgkpm_dkt_map(), which must go
 * @test: the test
 * @obj: the object
 */
void dxgkpm_dkt_unmap(struct kunit *test, struct dxgkpm_dkt_obj *obj)
{
	long kviews = DXGKPM_KT_STAT(kviews);

	dxgkpm_call_unmap(obj->kt, obj->pmo, obj->view, obj->view_size);
	KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(kviews), kviews - 1,
			    "the unmap was refused");
	obj->view = NULL;
	obj->view_size = 0;
}

/**
 * dxgkpm_dkt_page() - where a page of the object is in its kernel view
 * @obj: the object, with a view of the whole of it
 * @page: page index
 *
 * Return: the page's first byte.
 */
u8 *dxgkpm_dkt_page(struct dxgkpm_dkt_obj *obj, u32 page)
{
	return obj->view + ((size_t)page << PAGE_SHIFT);
}

/**
 * dxgkpm_dkt_phys() - CPU physical address of a page of the object
 * @obj: a page-backed object, with a view of the whole of it
 * @page: page index
 *
 * Return: the address, found through the view's page tables.
 */
phys_addr_t dxgkpm_dkt_phys(struct dxgkpm_dkt_obj *obj, u32 page)
{
	return PFN_PHYS(vmalloc_to_pfn(dxgkpm_dkt_page(obj, page)));
}

/**
 * dxgkpm_dkt_expect_within() - every byte of an ADL is at most @limit
 * @test: the test
 * @adl: the ADL
 * @limit: the highest address the device may be given (its DMA mask)
 */
void dxgkpm_dkt_expect_within(struct kunit *test, const DXGK_ADL *adl,
			      u64 limit)
{
	dma_addr_t addr;
	u32 i;

	for (i = 0; i < adl->PageCount; i++) {
		addr = dxgkpm_call_adl_addr(adl, i);
		KUNIT_EXPECT_TRUE_MSG(test, PAGE_ALIGNED(addr),
				      "page %u at %pad", i, &addr);
		KUNIT_EXPECT_LE_MSG(test, (u64)addr + PAGE_SIZE - 1, limit,
				    "page %u at %pad is beyond %#llx", i,
				    &addr, limit);
	}
}

/**
 * dxgkpm_dkt_adl() - DxgkCbAllocateAdl, which must succeed
 * @test: the test; it stops unless the ADL is made
 * @obj: an open object
 * @first: first page
 * @count: number of pages
 * @flags: DXGKPM_CALL_REQUIRE and/or DXGKPM_CALL_PREFER
 * @limit: the device's DMA mask, which no address may exceed
 *
 * Checks what the contract promises of every ADL under an IOMMU: the page
 * count, page-aligned addresses within the mask and, since the object is
 * one IOVA range, consecutive pages, described by the first one when a
 * contiguity flag was given and by a page array otherwise.
 *
 * Return: the ADL.
 */
DXGK_ADL *dxgkpm_dkt_adl(struct kunit *test, struct dxgkpm_dkt_obj *obj,
			 u32 first, u32 count, u32 flags, u64 limit)
{
	dma_addr_t base;
	DXGK_ADL *adl;
	NTSTATUS status;
	u32 i;

	status = dxgkpm_call_adl(obj->kt, obj->amo, (size_t)first << PAGE_SHIFT,
				 (size_t)count << PAGE_SHIFT, flags, &adl);
	KUNIT_ASSERT_EQ_MSG(test, status, STATUS_SUCCESS,
			    "ADL over pages %u..%u, flags %#x", first,
			    first + count - 1, flags);
	KUNIT_ASSERT_NOT_NULL(test, adl);
	KUNIT_ASSERT_EQ(test, adl->PageCount, count);
	KUNIT_EXPECT_EQ(test, (u32)adl->Flags.Reserved, 0U);
	KUNIT_EXPECT_EQ_MSG(test, (u32)adl->Flags.Contiguous, flags ? 1U : 0U,
			    "ADL flags %#x", flags);
	if (!adl->Flags.Contiguous)
		KUNIT_ASSERT_NOT_NULL(test, adl->Pages);
	base = dxgkpm_call_adl_addr(adl, 0);
	for (i = 1; i < count; i++)
		KUNIT_EXPECT_EQ_MSG(test, dxgkpm_call_adl_addr(adl, i),
				    base + ((dma_addr_t)i << PAGE_SHIFT),
				    "page %u of an ADL under an IOMMU", i);
	dxgkpm_dkt_expect_within(test, adl, limit);
	return adl;
}

/**
 * dxgkpm_dkt_free_adl() - DxgkCbFreeAdl, which must free
 * @test: the test
 * @obj: the object the ADL was made of
 * @adl: the ADL
 */
void dxgkpm_dkt_free_adl(struct kunit *test, struct dxgkpm_dkt_obj *obj,
			 DXGK_ADL *adl)
{
	long adls = DXGKPM_KT_STAT(adls);

	dxgkpm_call_free_adl(obj->kt, obj->amo, adl);
	KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(adls), adls - 1,
			    "FreeAdl was refused");
}

/**
 * dxgkpm_dkt_copy() - have a device copy pages at the addresses of ADLs
 * @test: the test; it stops if a transfer fails
 * @edu: the device
 * @dst: ADL of the destination
 * @dst_first: first page of @dst written
 * @src: ADL of the source
 * @src_first: first page of @src read
 * @npages: pages to copy, one at a time
 */
void dxgkpm_dkt_copy(struct kunit *test, struct dxgkpm_edu *edu,
		     const DXGK_ADL *dst, u32 dst_first,
		     const DXGK_ADL *src, u32 src_first, u32 npages)
{
	dma_addr_t d, s;
	u32 i;

	KUNIT_ASSERT_LE(test, dst_first + npages, dst->PageCount);
	KUNIT_ASSERT_LE(test, src_first + npages, src->PageCount);
	/* What the CPU wrote, write-combined or not, must be in memory. */
	wmb();
	for (i = 0; i < npages; i++) {
		d = dxgkpm_call_adl_addr(dst, dst_first + i);
		s = dxgkpm_call_adl_addr(src, src_first + i);
		KUNIT_ASSERT_EQ_MSG(test, dxgkpm_edu_copy(edu, d, s, PAGE_SIZE),
				    0, "edu%u copying %pad to %pad",
				    edu->index, &s, &d);
	}
}

/**
 * dxgkpm_dkt_fill_pages() - write a pattern into pages through the view
 * @obj: the object, with a view of the whole of it
 * @first: first page
 * @count: number of pages
 * @seed: page @first gets the pattern of @seed, the next one @seed + 1, ...
 */
void dxgkpm_dkt_fill_pages(struct dxgkpm_dkt_obj *obj, u32 first, u32 count,
			   u32 seed)
{
	u32 i;

	for (i = 0; i < count; i++)
		dxgkpm_kt_fill(dxgkpm_dkt_page(obj, first + i), PAGE_SIZE,
			       seed + i);
}

/**
 * dxgkpm_dkt_expect_page() - a page holds dxgkpm_kt_fill()'s pattern
 * @test: the test
 * @obj: the object, with a view of the whole of it
 * @page: page index
 * @seed: the pattern's seed
 */
void dxgkpm_dkt_expect_page(struct kunit *test, struct dxgkpm_dkt_obj *obj,
			    u32 page, u32 seed)
{
	size_t at = dxgkpm_kt_mismatch(dxgkpm_dkt_page(obj, page), PAGE_SIZE,
				       seed);

	KUNIT_EXPECT_EQ_MSG(test, at, (size_t)PAGE_SIZE,
			    "page %u differs from pattern %#x at byte %zu",
			    page, seed, at);
}

/**
 * dxgkpm_dkt_expect_zero_page() - a page holds only zeroes
 * @test: the test
 * @obj: the object, with a view of the whole of it
 * @page: page index
 */
void dxgkpm_dkt_expect_zero_page(struct kunit *test,
				 struct dxgkpm_dkt_obj *obj, u32 page)
{
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(dxgkpm_dkt_page(obj, page), 0,
					       PAGE_SIZE),
			      "page %u is not zero", page);
}
