// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite for the WDDM 2.4 IOMMU isolation callbacks (dxgkpm/ddi/wddm24.c),
 * called the way a display miniport calls them: through the
 * DXGKRNL_INTERFACE that dxgkpm_query_interface() fills, on adapters
 * registered for QEMU's edu devices behind the emulated IOMMU. A driver of
 * WDDM 2.4 to 2.8 has the device read and write the memory by DMA at the
 * physical addresses the calls give (the 2.4 isolation model); a driver
 * of WDDM 2.9, whose adapter remaps, at the addresses
 * dxgkpm_memory_dma_address() gives.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/iommu.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/pfn.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "dma/dma.h"
#include "helpers.h"

#define W24_LIMIT	(SZ_4G - PAGE_SIZE)

/* An adapter on edu device @index, with the 2.4 members of its interface. */
static struct dxgkpm_kt *w24_setup(struct kunit *test, unsigned int index)
{
	struct dxgkpm_kt *w = dxgkpm_kt_setup(test, index);
	DXGKRNL_INTERFACE *iface = &w->iface;

	KUNIT_ASSERT_NOT_NULL(test, iface->DxgkCbAllocateContiguousMemory);
	KUNIT_ASSERT_NOT_NULL(test, iface->DxgkCbFreeContiguousMemory);
	KUNIT_ASSERT_NOT_NULL(test, iface->DxgkCbAllocatePagesForMdl);
	KUNIT_ASSERT_NOT_NULL(test, iface->DxgkCbFreePagesFromMdl);
	KUNIT_ASSERT_NOT_NULL(test, iface->DxgkCbMapMdlToIoMmu);
	KUNIT_ASSERT_NOT_NULL(test, iface->DxgkCbUnmapMdlFromIoMmu);
	/* The rest of the 2.4 group is not dxgkpm's. */
	KUNIT_EXPECT_NULL(test, iface->DxgkCbPinFrameBufferForSave);
	KUNIT_EXPECT_NULL(test, iface->DxgkCbUnpinFrameBufferForSave);
	KUNIT_EXPECT_NULL(test, iface->DxgkCbMapFrameBufferPointer);
	KUNIT_EXPECT_NULL(test, iface->DxgkCbUnmapFrameBufferPointer);
	KUNIT_EXPECT_NULL(test, iface->DxgkCbReportDiagnostic);
	return w;
}

static u8 w24_pattern(u32 seed, size_t i)
{
	return (u8)(seed ^ (i * 31) ^ (i >> 8));
}

static void w24_fill(u8 *p, size_t bytes, u32 seed)
{
	size_t i;

	for (i = 0; i < bytes; i++)
		p[i] = w24_pattern(seed, i);
}

/* Device address of byte @offset of 2.4 memory, checked for the device. */
static dma_addr_t w24_dma(struct kunit *test, struct dxgkpm_kt *w, HANDLE memory,
			  size_t offset)
{
	dma_addr_t addr;

	KUNIT_ASSERT_EQ(test, dxgkpm_memory_dma_address(w->adapter, memory,
							offset, &addr), 0);
	KUNIT_ASSERT_LE_MSG(test, addr, EDU_DMA_MASK,
			    "byte %zu at %pad is beyond the device's mask",
			    offset, &addr);
	return addr;
}

/*
 * Have the device copy @len bytes of 2.4 memory into other 2.4 memory, at
 * the addresses dxgkpm gives for each byte: in pieces that cross no page
 * (only the bytes of one page are known to be consecutive for the device)
 * and fit the device's buffer.
 */
static void w24_device_copy(struct kunit *test, struct dxgkpm_kt *w,
			    HANDLE dst, size_t dst_off,
			    HANDLE src, size_t src_off, size_t len)
{
	size_t done, piece;
	dma_addr_t s, d;

	/* What the CPU wrote must be in memory, write-combined or not. */
	wmb();
	for (done = 0; done < len; done += piece) {
		s = w24_dma(test, w, src, src_off + done);
		d = w24_dma(test, w, dst, dst_off + done);
		piece = min_t(size_t, len - done, EDU_DMA_CHUNK);
		piece = min_t(size_t, piece, PAGE_SIZE - offset_in_page(s));
		piece = min_t(size_t, piece, PAGE_SIZE - offset_in_page(d));
		KUNIT_ASSERT_EQ(test, dxgkpm_edu_copy(w->edu, d, s, piece), 0);
	}
}

static NTSTATUS w24_alloc_contig(struct dxgkpm_kt *w,
				 DXGKARGCB_ALLOCATECONTIGUOUSMEMORY *args,
				 size_t bytes, DXGK_MEMORY_CACHING_TYPE type)
{
	memset(args, 0, sizeof(*args));
	args->NumberOfBytes = bytes;
	args->HighestAcceptableAddress.QuadPart = SZ_4G - 1;
	args->CacheType = type;
	return w->iface.DxgkCbAllocateContiguousMemory(w->h, args);
}

static NTSTATUS w24_free_contig(struct dxgkpm_kt *w, HANDLE memory)
{
	DXGKARGCB_FREECONTIGUOUSMEMORY args = { .hMemoryHandle = memory };

	return w->iface.DxgkCbFreeContiguousMemory(w->h, &args);
}

static NTSTATUS w24_alloc_pages(struct dxgkpm_kt *w,
				DXGKARGCB_ALLOCATEPAGESFORMDL *args,
				size_t bytes, DXGK_MEMORY_CACHING_TYPE type)
{
	memset(args, 0, sizeof(*args));
	args->HighAddress.QuadPart = SZ_4G - 1;
	args->TotalBytes = bytes;
	args->CacheType = type;
	return w->iface.DxgkCbAllocatePagesForMdl(w->h, args);
}

static NTSTATUS w24_free_pages(struct dxgkpm_kt *w, HANDLE memory)
{
	DXGKARGCB_FREEPAGESFROMMDL args = { .hMemoryHandle = memory };

	return w->iface.DxgkCbFreePagesFromMdl(w->h, &args);
}

static NTSTATUS w24_map(struct dxgkpm_kt *w, MDL *mdl, HANDLE *memory)
{
	DXGKARGCB_MAPMDLTOIOMMU args = { .pMdl = mdl };
	NTSTATUS status;

	status = w->iface.DxgkCbMapMdlToIoMmu(w->h, &args);
	*memory = args.hMemoryHandle;
	return status;
}

static void w24_unmap(struct dxgkpm_kt *w, HANDLE memory)
{
	DXGKARGCB_UNMAPMDLFROMIOMMU args = { .hMemoryHandle = memory };

	w->iface.DxgkCbUnmapMdlFromIoMmu(w->h, &args);
}

static void w24_free_page(void *page)
{
	__free_page(page);
}

/* A zeroed page of the test's own, freed when the test ends. */
static struct page *w24_alloc_page(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, w24_free_page,
							page), 0);
	return page;
}

/* An MDL over @pages, describing @len bytes from @offset in the first. */
static MDL *w24_mdl(struct kunit *test, struct page **pages,
		    unsigned int npages, size_t offset, size_t len)
{
	PVOID va = (PVOID)(uintptr_t)offset;
	PPFN_NUMBER pfns;
	unsigned int i;
	MDL *mdl;

	KUNIT_ASSERT_EQ(test, ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, len), npages);
	mdl = kunit_kzalloc(test, MmSizeOfMdl(va, len), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mdl);
	MmInitializeMdl(mdl, va, len);
	pfns = MmGetMdlPfnArray(mdl);
	for (i = 0; i < npages; i++)
		pfns[i] = page_to_pfn(pages[i]);
	return mdl;
}

/* Two pages of the test's own, and an MDL of both in @pages' order. */
static MDL *w24_two_page_mdl(struct kunit *test, struct page *pages[2])
{
	pages[0] = w24_alloc_page(test);
	pages[1] = w24_alloc_page(test);
	return w24_mdl(test, pages, 2, 0, 2 * PAGE_SIZE);
}

/* The byte at @offset of the pages an MDL spans. */
static u8 *w24_span_byte(struct page **pages, size_t offset)
{
	return (u8 *)page_address(pages[offset >> PAGE_SHIFT]) +
	       offset_in_page(offset);
}

static const DXGK_MEMORY_CACHING_TYPE w24_cache_types[] = {
	DXGK_MEMORY_CACHING_TYPE_NON_CACHED,
	DXGK_MEMORY_CACHING_TYPE_CACHED,
	DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED,
};

static void w24_cache_desc(const DXGK_MEMORY_CACHING_TYPE *type, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s",
		 dxgkpm_caching_name((enum dxgkpm_caching)*type));
}

KUNIT_ARRAY_PARAM(w24_cache, w24_cache_types, w24_cache_desc);

/*
 * Contiguous memory of each cache type: zeroed, physically contiguous in
 * its window without crossing its boundary, contiguous for the device too,
 * and really read and written by the device at those addresses.
 */
static void dxgkpm_wddm24_contiguous(struct kunit *test)
{
	const DXGK_MEMORY_CACHING_TYPE *type = test->param_value;
	const size_t bytes = 2 * PAGE_SIZE + 512;
	const unsigned int npages = 3;
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY src, dst;
	phys_addr_t low = SZ_16M, high = SZ_512M - 1, start, last;
	unsigned long pfn;
	dma_addr_t addr, base;
	struct dxgkpm_kt *w;
	unsigned int i;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	w = w24_setup(test, 0);

	memset(&src, 0, sizeof(src));
	src.NumberOfBytes = bytes;
	src.LowestAcceptableAddress.QuadPart = low;
	src.HighestAcceptableAddress.QuadPart = high;
	src.BoundaryAddressMultiple.QuadPart = SZ_64K;
	src.CacheType = *type;
	src.hMemoryHandle = (HANDLE)0x1;
	KUNIT_ASSERT_EQ(test, w->iface.DxgkCbAllocateContiguousMemory(w->h, &src),
			STATUS_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, src.hMemoryHandle);
	KUNIT_ASSERT_NOT_NULL(test, src.pMemory);
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(src.pMemory));
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(src.pMemory, 0, bytes),
			      "contiguous memory must be zeroed");
	DXGKPM_KT_EXPECT_STAT(test, pmos, 1);
	DXGKPM_KT_EXPECT_STAT(test, adls, 1);
	DXGKPM_KT_EXPECT_STAT(test, kviews, 1);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 1);
	DXGKPM_KT_EXPECT_STAT(test, pages_uc,
			      *type == DXGK_MEMORY_CACHING_TYPE_NON_CACHED ? npages : 0);
	DXGKPM_KT_EXPECT_STAT(test, pages_wc,
			      *type == DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED ?
			      npages : 0);

	/* Physically contiguous, inside the window, across no boundary. */
	KUNIT_ASSERT_TRUE(test, is_vmalloc_addr(src.pMemory));
	pfn = vmalloc_to_pfn(src.pMemory);
	for (i = 1; i < npages; i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    vmalloc_to_pfn(src.pMemory + i * PAGE_SIZE),
				    pfn + i, "page %u is not contiguous", i);
	start = PFN_PHYS(pfn);
	last = start + npages * PAGE_SIZE - 1;
	KUNIT_EXPECT_GE(test, start, low);
	KUNIT_EXPECT_LE(test, last, high);
	KUNIT_EXPECT_EQ_MSG(test, start / SZ_64K, last / SZ_64K,
			    "%pa..%pa crosses a 64 KiB boundary", &start,
			    &last);

	/* One range for the device as well. */
	base = w24_dma(test, w, src.hMemoryHandle, 0);
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(base));
	for (i = 1; i < npages; i++)
		KUNIT_EXPECT_EQ(test, w24_dma(test, w, src.hMemoryHandle,
					      i * PAGE_SIZE),
				base + i * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, w24_dma(test, w, src.hMemoryHandle, bytes - 1),
			base + bytes - 1);
	KUNIT_EXPECT_EQ(test, dxgkpm_memory_dma_address(w->adapter,
							src.hMemoryHandle,
							bytes, &addr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, addr, DMA_MAPPING_ERROR);

	/* The device copies the CPU's bytes from one block into another. */
	KUNIT_ASSERT_EQ(test, w24_alloc_contig(w, &dst, bytes, *type),
			STATUS_SUCCESS);
	w24_fill(src.pMemory, PAGE_SIZE + 256, 0xc0 + *type);
	w24_device_copy(test, w, dst.hMemoryHandle, 0, src.hMemoryHandle, 0,
			PAGE_SIZE + 256);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(dst.pMemory, src.pMemory,
					 PAGE_SIZE + 256), 0,
			    "the device's copy differs");
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(dst.pMemory + PAGE_SIZE + 256,
					       0, bytes - PAGE_SIZE - 256),
			      "the device wrote past the copy");

	KUNIT_EXPECT_EQ(test, w24_free_contig(w, dst.hMemoryHandle),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, w24_free_contig(w, src.hMemoryHandle),
			STATUS_SUCCESS);
	/* Double free. */
	KUNIT_EXPECT_EQ(test, w24_free_contig(w, src.hMemoryHandle),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, dxgkpm_memory_dma_address(w->adapter,
							src.hMemoryHandle, 0,
							&addr),
			-EBADF);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Pages for an MDL of each cache type: an MDL dxgkpm owns whose accessors
 * agree with the request, PFNs of zeroed pages inside the window, and the
 * device reaching them at the addresses dxgkpm gives.
 */
static void dxgkpm_wddm24_pages_for_mdl(struct kunit *test)
{
	const DXGK_MEMORY_CACHING_TYPE *type = test->param_value;
	const size_t bytes = 3 * PAGE_SIZE + 5;
	DXGKARGCB_ALLOCATEPAGESFORMDL args, win;
	phys_addr_t low = SZ_64M, high = SZ_128M - 1;
	unsigned int i, j, npages;
	PPFN_NUMBER pfns;
	dma_addr_t addr;
	struct dxgkpm_kt *w;
	u8 *p0, *p1;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	w = w24_setup(test, 0);

	KUNIT_ASSERT_EQ(test, w24_alloc_pages(w, &args, bytes, *type),
			STATUS_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, args.hMemoryHandle);
	KUNIT_ASSERT_NOT_NULL(test, args.pMdl);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteCount(args.pMdl), (ULONG)bytes);
	KUNIT_EXPECT_EQ(test, MmGetMdlByteOffset(args.pMdl), 0U);
	KUNIT_EXPECT_TRUE(test, args.pMdl->MdlFlags & MDL_PAGES_LOCKED);
	KUNIT_EXPECT_NULL(test, args.pMdl->Next);
	KUNIT_EXPECT_EQ(test, (SIZE_T)args.pMdl->Size,
			MmSizeOfMdl(NULL, bytes));
	npages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(args.pMdl),
						MmGetMdlByteCount(args.pMdl));
	KUNIT_ASSERT_EQ(test, npages, 4U);
	pfns = MmGetMdlPfnArray(args.pMdl);
	for (i = 0; i < npages; i++) {
		KUNIT_ASSERT_TRUE(test, pfn_valid(pfns[i]));
		KUNIT_EXPECT_LE(test, PFN_PHYS(pfns[i]) + PAGE_SIZE - 1,
				(phys_addr_t)SZ_4G - 1);
		KUNIT_EXPECT_GT(test, page_ref_count(pfn_to_page(pfns[i])), 0);
		KUNIT_EXPECT_NULL_MSG(test,
				      memchr_inv(page_address(pfn_to_page(pfns[i])),
						 0, PAGE_SIZE),
				      "page %u is not zeroed", i);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, pfns[i], pfns[j]);
	}
	DXGKPM_KT_EXPECT_STAT(test, pages, npages);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 1);
	DXGKPM_KT_EXPECT_STAT(test, kviews, 0);

	/* The last page holds 5 bytes of the allocation. */
	for (i = 0; i < npages; i++) {
		addr = w24_dma(test, w, args.hMemoryHandle, i * PAGE_SIZE);
		KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(addr));
		KUNIT_EXPECT_EQ(test, w24_dma(test, w, args.hMemoryHandle,
					      i * PAGE_SIZE + 4), addr + 4);
	}
	KUNIT_EXPECT_EQ(test, w24_dma(test, w, args.hMemoryHandle, bytes - 1),
			w24_dma(test, w, args.hMemoryHandle, bytes - 5) + 4);
	KUNIT_EXPECT_EQ(test, dxgkpm_memory_dma_address(w->adapter,
							args.hMemoryHandle,
							bytes, &addr),
			-EINVAL);

	/* Page 0, written by the CPU, copied by the device into page 1. */
	p0 = page_address(pfn_to_page(pfns[0]));
	p1 = page_address(pfn_to_page(pfns[1]));
	w24_fill(p0, PAGE_SIZE, 0x3d + *type);
	w24_device_copy(test, w, args.hMemoryHandle, PAGE_SIZE,
			args.hMemoryHandle, 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(p1, p0, PAGE_SIZE), 0,
			    "the device's copy differs");

	/* A window above the first 64 MiB. */
	memset(&win, 0, sizeof(win));
	win.LowAddress.QuadPart = low;
	win.HighAddress.QuadPart = high;
	win.TotalBytes = 2 * PAGE_SIZE;
	win.CacheType = *type;
	KUNIT_ASSERT_EQ(test, w->iface.DxgkCbAllocatePagesForMdl(w->h, &win),
			STATUS_SUCCESS);
	pfns = MmGetMdlPfnArray(win.pMdl);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_GE(test, PFN_PHYS(pfns[i]), low);
		KUNIT_EXPECT_LE(test, PFN_PHYS(pfns[i]) + PAGE_SIZE - 1, high);
	}
	KUNIT_EXPECT_EQ(test, w24_free_pages(w, win.hMemoryHandle),
			STATUS_SUCCESS);

	KUNIT_EXPECT_EQ(test, w24_free_pages(w, args.hMemoryHandle),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, w24_free_pages(w, args.hMemoryHandle),
			STATUS_INVALID_HANDLE);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * An MDL over pages the test allocated itself, from an offset inside the
 * first one: mapped, referenced while mapped, read and written by the
 * device, released at the unmap.
 */
static void dxgkpm_wddm24_map_mdl(struct kunit *test)
{
	const size_t offset = 256, len = 2 * PAGE_SIZE;
	struct page *pages[3];
	dma_addr_t addr;
	HANDLE memory;
	unsigned int i;
	struct dxgkpm_kt *w;
	size_t k;
	MDL *mdl;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	w = w24_setup(test, 0);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		pages[i] = w24_alloc_page(test);
	mdl = w24_mdl(test, pages, ARRAY_SIZE(pages), offset, len);
	KUNIT_ASSERT_EQ(test, MmGetMdlByteOffset(mdl), (ULONG)offset);

	KUNIT_ASSERT_EQ(test, w24_map(w, mdl, &memory), STATUS_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, memory);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(pages[i]), 2,
				    "page %u is not referenced while mapped", i);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 1);

	addr = w24_dma(test, w, memory, 0);
	KUNIT_EXPECT_EQ(test, offset_in_page(addr), offset);
	addr = w24_dma(test, w, memory, PAGE_SIZE - offset);
	KUNIT_EXPECT_EQ(test, offset_in_page(addr), 0UL);
	w24_dma(test, w, memory, len - 1);
	KUNIT_EXPECT_EQ(test, dxgkpm_memory_dma_address(w->adapter, memory, len,
							&addr),
			-EINVAL);

	/*
	 * The first half of the span, written by the CPU, copied by the
	 * device into the second half: every page is read or written.
	 */
	for (k = 0; k < PAGE_SIZE; k++)
		*w24_span_byte(pages, offset + k) = w24_pattern(0x71, k);
	w24_device_copy(test, w, memory, PAGE_SIZE, memory, 0, PAGE_SIZE);
	for (k = 0; k < PAGE_SIZE; k++) {
		if (*w24_span_byte(pages, offset + PAGE_SIZE + k) !=
		    w24_pattern(0x71, k)) {
			KUNIT_FAIL(test, "byte %zu of the device's copy differs",
				   k);
			break;
		}
	}
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(page_address(pages[0]), 0,
					       offset),
			      "the device wrote before the span");
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(w24_span_byte(pages,
							     offset + len),
					       0, PAGE_SIZE - offset),
			      "the device wrote after the span");

	w24_unmap(w, memory);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(pages[i]), 1,
				    "page %u is still referenced", i);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 0);
	/* A stale handle changes nothing. */
	w24_unmap(w, memory);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		KUNIT_EXPECT_EQ(test, page_ref_count(pages[i]), 1);

	/* The same MDL can be mapped again. */
	KUNIT_ASSERT_EQ(test, w24_map(w, mdl, &memory), STATUS_SUCCESS);
	w24_unmap(w, memory);
	dxgkpm_kt_expect_no_memory(test);
}

static void w24_free_pages_order1(void *page)
{
	__free_pages(page, 1);
}

/* An MDL header that MapMdlToIoMmu must refuse. */
struct w24_mdl_bad {
	const char *what;
	ULONG offset, count;
	bool zero_size;
};

static const struct w24_mdl_bad w24_mdl_bads[] = {
	{ "no bytes", 0, 0 },
	{ "ByteOffset of a whole page", PAGE_SIZE, PAGE_SIZE },
	{ "ByteOffset + ByteCount overflowing", PAGE_SIZE - 1, U32_MAX },
	{ "one byte over the limit", 0, W24_LIMIT + 1 },
	/* Within the limit, but the header is far too small for it. */
	{ "the limit, in a header of two pages", 0, W24_LIMIT },
	{ "a span longer than the PFN array", 0, 2 * PAGE_SIZE + 1 },
	{ "Size 0", 0, 2 * PAGE_SIZE, true },
};

KUNIT_ARRAY_PARAM_DESC(w24_mdl_bad, w24_mdl_bads, what);

/*
 * An MDL of two pages whose header lies about its size: refused with
 * STATUS_INVALID_PARAMETER, no handle, no reference left on the pages,
 * nothing mapped.
 */
static void dxgkpm_wddm24_map_mdl_bad_header(struct kunit *test)
{
	const struct w24_mdl_bad *c = test->param_value;
	struct page *pages[2];
	HANDLE memory;
	struct dxgkpm_kt *w;
	MDL *mdl;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	w = w24_setup(test, 0);
	mdl = w24_two_page_mdl(test, pages);
	mdl->ByteOffset = c->offset;
	mdl->ByteCount = c->count;
	if (c->zero_size)
		mdl->Size = 0;
	KUNIT_EXPECT_EQ(test, w24_map(w, mdl, &memory),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_NULL(test, memory);
	KUNIT_EXPECT_EQ(test, page_ref_count(pages[0]), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(pages[1]), 1);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * MDLs that must be refused, with nothing mapped and no reference left:
 * NULL arguments, bad adapters, and PFNs that are not pages in use (bad
 * sizes are dxgkpm_wddm24_map_mdl_bad_header's). A tail page of a
 * compound page is a page in use.
 */
static void dxgkpm_wddm24_map_mdl_bad(struct kunit *test)
{
	DXGKARGCB_MAPMDLTOIOMMU args = { .hMemoryHandle = (HANDLE)0x1 };
	struct page *pages[2], *block;
	HANDLE memory;
	struct dxgkpm_kt *w;
	MDL *mdl;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	w = w24_setup(test, 0);
	mdl = w24_two_page_mdl(test, pages);

	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbMapMdlToIoMmu(w->h, NULL),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbMapMdlToIoMmu(w->h, &args),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_NULL(test, args.hMemoryHandle);

	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbMapMdlToIoMmu(NULL, &args),
			STATUS_INVALID_PARAMETER);
	args.pMdl = mdl;
	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbMapMdlToIoMmu(NULL, &args),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbMapMdlToIoMmu((HANDLE)0x1234,
							   &args),
			STATUS_INVALID_HANDLE);

	/* Bad sizes: dxgkpm_wddm24_map_mdl_bad_header. */
	/* PFNs beyond RAM: the reference on the good page is given back. */
	MmGetMdlPfnArray(mdl)[1] = PHYS_PFN(SZ_1T);
	KUNIT_EXPECT_EQ(test, w24_map(w, mdl, &memory),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, page_ref_count(pages[0]), 1);
	MmGetMdlPfnArray(mdl)[1] = ULONG_MAX;
	KUNIT_EXPECT_EQ(test, w24_map(w, mdl, &memory),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, page_ref_count(pages[0]), 1);
	/* A reserved page: the kernel's zero page. */
	MmGetMdlPfnArray(mdl)[1] = page_to_pfn(ZERO_PAGE(0));
	KUNIT_EXPECT_EQ(test, w24_map(w, mdl, &memory),
			STATUS_INVALID_PARAMETER);

	/* The second page of a non-compound block has no reference count. */
	block = alloc_pages(GFP_KERNEL, 1);
	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							w24_free_pages_order1,
							block), 0);
	MmGetMdlPfnArray(mdl)[1] = page_to_pfn(block + 1);
	KUNIT_EXPECT_EQ(test, w24_map(w, mdl, &memory),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, page_ref_count(pages[0]), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(block), 1);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 0);

	/* The tail page of a compound page is mapped, its folio held. */
	block = alloc_pages(GFP_KERNEL | __GFP_COMP, 1);
	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							w24_free_pages_order1,
							block), 0);
	MmGetMdlPfnArray(mdl)[1] = page_to_pfn(block + 1);
	KUNIT_ASSERT_EQ(test, w24_map(w, mdl, &memory), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(block)), 2);
	KUNIT_EXPECT_EQ(test, page_ref_count(pages[0]), 2);
	w24_unmap(w, memory);
	KUNIT_EXPECT_EQ(test, folio_ref_count(page_folio(block)), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(pages[0]), 1);

	/* Unmapping with bad arguments changes nothing. */
	w->iface.DxgkCbUnmapMdlFromIoMmu(w->h, NULL);
	w24_unmap(w, NULL);
	w24_unmap(w, (HANDLE)0x1234);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * NULL arguments and bad adapters, for every WDDM 2.4 callback: refused
 * with STATUS_INVALID_PARAMETER and STATUS_INVALID_HANDLE, nothing
 * allocated.
 */
static void dxgkpm_wddm24_bad_args(struct kunit *test)
{
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY contig = {
		.NumberOfBytes = PAGE_SIZE,
		.HighestAcceptableAddress.QuadPart = -1,
		.CacheType = DXGK_MEMORY_CACHING_TYPE_CACHED,
	};
	DXGKARGCB_ALLOCATEPAGESFORMDL pages = {
		.HighAddress.QuadPart = -1,
		.TotalBytes = PAGE_SIZE,
	};
	DXGKARGCB_FREECONTIGUOUSMEMORY fc = { };
	DXGKARGCB_FREEPAGESFROMMDL fp = { };
	struct dxgkpm_kt *w;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	w = w24_setup(test, 0);

	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbAllocateContiguousMemory(w->h, NULL),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbFreeContiguousMemory(w->h, NULL),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbAllocatePagesForMdl(w->h, NULL),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbFreePagesFromMdl(w->h, NULL),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbMapMdlToIoMmu(w->h, NULL),
			STATUS_INVALID_PARAMETER);
	w->iface.DxgkCbUnmapMdlFromIoMmu(w->h, NULL);

	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbAllocateContiguousMemory(NULL,
								      &contig),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test,
			w->iface.DxgkCbAllocateContiguousMemory((HANDLE)0x1234,
							       &contig),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbAllocatePagesForMdl(NULL, &pages),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbFreeContiguousMemory(NULL, &fc),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbFreePagesFromMdl(NULL, &fp),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, w24_free_contig(w, NULL), STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, w24_free_pages(w, NULL), STATUS_INVALID_HANDLE);
	dxgkpm_kt_expect_no_memory(test);
}

/* A DxgkCbAllocateContiguousMemory that must be refused. */
struct w24_contig_bad {
	const char *what;
	u64 bytes;
	DXGK_MEMORY_CACHING_TYPE cache;
	u64 low, high, boundary;
	NTSTATUS want;
};

static const struct w24_contig_bad w24_contig_bads[] = {
	{ "no bytes", 0, DXGK_MEMORY_CACHING_TYPE_CACHED, 0, SZ_4G - 1, 0,
	  STATUS_INVALID_PARAMETER },
	{ "SIZE_MAX bytes", SIZE_MAX, DXGK_MEMORY_CACHING_TYPE_CACHED, 0,
	  SZ_4G - 1, 0, STATUS_INVALID_PARAMETER },
	{ "cache type 3", PAGE_SIZE, (DXGK_MEMORY_CACHING_TYPE)3, 0, SZ_4G - 1,
	  0, STATUS_INVALID_PARAMETER },
	{ "cache type -1", PAGE_SIZE, (DXGK_MEMORY_CACHING_TYPE)-1, 0,
	  SZ_4G - 1, 0, STATUS_INVALID_PARAMETER },
	{ "a window smaller than the size", 2 * PAGE_SIZE,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, SZ_16M, SZ_16M + PAGE_SIZE - 1, 0,
	  STATUS_INVALID_PARAMETER },
	{ "a window ending below its start", 2 * PAGE_SIZE,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, SZ_16M, SZ_16M - 1, 0,
	  STATUS_INVALID_PARAMETER },
	{ "a boundary not a power of two", 2 * PAGE_SIZE,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, SZ_16M, SZ_4G - 1, 3 * PAGE_SIZE,
	  STATUS_INVALID_PARAMETER },
	{ "a boundary smaller than the size", 2 * PAGE_SIZE,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, SZ_16M, SZ_4G - 1, PAGE_SIZE,
	  STATUS_INVALID_PARAMETER },
};

KUNIT_ARRAY_PARAM_DESC(w24_contig_bad, w24_contig_bads, what);

/*
 * Contiguous memory refused for its size, cache type, window or boundary:
 * the status of the row, the outputs cleared, nothing allocated.
 */
static void dxgkpm_wddm24_contiguous_bad(struct kunit *test)
{
	const struct w24_contig_bad *c = test->param_value;
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY args = {
		.NumberOfBytes = c->bytes,
		.LowestAcceptableAddress.QuadPart = c->low,
		.HighestAcceptableAddress.QuadPart = c->high,
		.BoundaryAddressMultiple.QuadPart = c->boundary,
		.CacheType = c->cache,
		.hMemoryHandle = (HANDLE)0x1,
		.pMemory = (PVOID)0x1,
	};
	struct dxgkpm_kt *w;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	w = w24_setup(test, 0);
	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbAllocateContiguousMemory(w->h,
								      &args),
			c->want);
	KUNIT_EXPECT_NULL(test, args.hMemoryHandle);
	KUNIT_EXPECT_NULL(test, args.pMemory);
	dxgkpm_kt_expect_no_memory(test);
}

/* A DxgkCbAllocatePagesForMdl that must be refused. */
struct w24_pages_bad {
	const char *what;
	u64 bytes;
	DXGK_MEMORY_CACHING_TYPE cache;
	u64 low, high, skip;
	ULONG flags;
	NTSTATUS want;
};

#define W24_PAGES_BAD(what, bytes, cache, flags, want)			\
	{ what, bytes, cache, 0, SZ_4G - 1, 0, flags, want }

static const struct w24_pages_bad w24_pages_bads[] = {
	W24_PAGES_BAD("no bytes", 0, DXGK_MEMORY_CACHING_TYPE_CACHED, 0,
		      STATUS_INVALID_PARAMETER),
	W24_PAGES_BAD("one byte over the limit", W24_LIMIT + 1,
		      DXGK_MEMORY_CACHING_TYPE_CACHED, 0,
		      STATUS_INVALID_PARAMETER),
	W24_PAGES_BAD("4 GiB", SZ_4G, DXGK_MEMORY_CACHING_TYPE_CACHED, 0,
		      STATUS_INVALID_PARAMETER),
	W24_PAGES_BAD("SIZE_MAX bytes", SIZE_MAX,
		      DXGK_MEMORY_CACHING_TYPE_CACHED, 0,
		      STATUS_INVALID_PARAMETER),
	W24_PAGES_BAD("cache type 3", PAGE_SIZE, (DXGK_MEMORY_CACHING_TYPE)3,
		      0, STATUS_INVALID_PARAMETER),
	W24_PAGES_BAD("unknown flag 0x80", PAGE_SIZE,
		      DXGK_MEMORY_CACHING_TYPE_CACHED, 0x80,
		      STATUS_INVALID_PARAMETER),
	W24_PAGES_BAD("unknown flag 0x200", PAGE_SIZE,
		      DXGK_MEMORY_CACHING_TYPE_CACHED, 0x200,
		      STATUS_INVALID_PARAMETER),
	W24_PAGES_BAD("unknown flag 0x80000000", PAGE_SIZE,
		      DXGK_MEMORY_CACHING_TYPE_CACHED, 0x80000000,
		      STATUS_INVALID_PARAMETER),
	W24_PAGES_BAD("fast large pages in contiguous chunks", PAGE_SIZE,
		      DXGK_MEMORY_CACHING_TYPE_CACHED,
		      MM_ALLOCATE_FAST_LARGE_PAGES |
		      MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS,
		      STATUS_NOT_SUPPORTED),
	W24_PAGES_BAD("hot-remove memory", PAGE_SIZE,
		      DXGK_MEMORY_CACHING_TYPE_CACHED,
		      MM_ALLOCATE_AND_HOT_REMOVE, STATUS_NOT_SUPPORTED),
	{ "SkipBytes of half a page", PAGE_SIZE,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, 0, SZ_4G - 1, PAGE_SIZE / 2, 0,
	  STATUS_INVALID_PARAMETER },
	{ "a window ending below its start", PAGE_SIZE,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, SZ_64M, SZ_32M, 0, 0,
	  STATUS_INVALID_PARAMETER },
	/* Contiguous chunks of SkipBytes need TotalBytes a multiple of it. */
	{ "contiguous chunks that do not divide the size", 3 * PAGE_SIZE,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, 0, -1, 2 * PAGE_SIZE,
	  MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS, STATUS_INVALID_PARAMETER },
};

KUNIT_ARRAY_PARAM_DESC(w24_pages_bad, w24_pages_bads, what);

/*
 * Pages for an MDL refused for their size, the limit, cache type, flags
 * or window: the status of the row, the outputs cleared, nothing
 * allocated.
 */
static void dxgkpm_wddm24_pages_for_mdl_bad(struct kunit *test)
{
	const struct w24_pages_bad *c = test->param_value;
	DXGKARGCB_ALLOCATEPAGESFORMDL args = {
		.LowAddress.QuadPart = c->low,
		.HighAddress.QuadPart = c->high,
		.SkipBytes.QuadPart = c->skip,
		.TotalBytes = c->bytes,
		.CacheType = c->cache,
		.Flags = c->flags,
		.hMemoryHandle = (HANDLE)0x1,
		.pMdl = (PMDL)0x1,
	};
	struct dxgkpm_kt *w;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	w = w24_setup(test, 0);
	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbAllocatePagesForMdl(w->h, &args),
			c->want);
	KUNIT_EXPECT_NULL(test, args.hMemoryHandle);
	KUNIT_EXPECT_NULL(test, args.pMdl);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * hMemoryHandle is checked on every call: a handle of another adapter, of
 * another kind of allocation, of another kind of object, forged or stale is
 * refused and the memory stays.
 */
static void dxgkpm_wddm24_handles(struct kunit *test)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT create;
	DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT destroy;
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY contig;
	DXGKARGCB_ALLOCATEPAGESFORMDL pages;
	DXGKARGCB_FREECONTIGUOUSMEMORY fc;
	HANDLE mapping, forged[3];
	struct dxgkpm_kt *a, *b;
	struct page *page;
	dma_addr_t addr;
	unsigned int i;
	MDL *mdl;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	a = w24_setup(test, 0);
	b = w24_setup(test, 1);
	page = w24_alloc_page(test);
	mdl = w24_mdl(test, &page, 1, 0, PAGE_SIZE);

	KUNIT_ASSERT_EQ(test, w24_alloc_contig(a, &contig, PAGE_SIZE,
					       DXGK_MEMORY_CACHING_TYPE_CACHED),
			STATUS_SUCCESS);
	KUNIT_ASSERT_EQ(test, w24_alloc_pages(a, &pages, PAGE_SIZE,
					      DXGK_MEMORY_CACHING_TYPE_CACHED),
			STATUS_SUCCESS);
	KUNIT_ASSERT_EQ(test, w24_map(a, mdl, &mapping), STATUS_SUCCESS);

	/* Another adapter's handle. */
	KUNIT_EXPECT_EQ(test, w24_free_contig(b, contig.hMemoryHandle),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, w24_free_pages(b, pages.hMemoryHandle),
			STATUS_INVALID_HANDLE);
	w24_unmap(b, mapping);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 2);
	KUNIT_EXPECT_EQ(test, dxgkpm_memory_dma_address(b->adapter,
							contig.hMemoryHandle,
							0, &addr),
			-EBADF);

	/* Another kind of allocation. */
	KUNIT_EXPECT_EQ(test, w24_free_contig(a, pages.hMemoryHandle),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, w24_free_contig(a, mapping),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, w24_free_pages(a, contig.hMemoryHandle),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, w24_free_pages(a, mapping),
			STATUS_INVALID_HANDLE);
	w24_unmap(a, contig.hMemoryHandle);
	w24_unmap(a, pages.hMemoryHandle);

	/* Handles of other kinds of objects, and the other way round. */
	memset(&create, 0, sizeof(create));
	create.hAdapter = a->h;
	create.Size = PAGE_SIZE;
	create.Type = DXGK_PHYSICAL_MEMORY_TYPE_MDL;
	create.CacheType = DXGK_MEMORY_CACHING_TYPE_CACHED;
	create.Mdl.HighAddress.QuadPart = -1;
	KUNIT_ASSERT_EQ(test,
			a->iface.DxgkCbCreatePhysicalMemoryObject(&create),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, w24_free_contig(a, create.hPhysicalMemoryObject),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, w24_free_pages(a, create.hAdapterMemoryObject),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, w24_free_contig(a, a->h), STATUS_INVALID_HANDLE);
	fc.hMemoryHandle = contig.hMemoryHandle;
	KUNIT_EXPECT_EQ(test,
			a->iface.DxgkCbFreeContiguousMemory(contig.hMemoryHandle,
							   &fc),
			STATUS_INVALID_HANDLE);
	destroy.hPhysicalMemoryObject = contig.hMemoryHandle;
	destroy.hAdapterMemoryObject = NULL;
	a->iface.DxgkCbDestroyPhysicalMemoryObject(&destroy);
	destroy.hPhysicalMemoryObject = create.hPhysicalMemoryObject;
	destroy.hAdapterMemoryObject = create.hAdapterMemoryObject;
	a->iface.DxgkCbDestroyPhysicalMemoryObject(&destroy);

	/* Forged: another generation, another index, another kind. */
	forged[0] = dxgkpm_u64_to_handle(dxgkpm_handle_to_u64(contig.hMemoryHandle) ^ BIT_ULL(40));
	forged[1] = dxgkpm_u64_to_handle(dxgkpm_handle_to_u64(contig.hMemoryHandle) + 1);
	forged[2] = dxgkpm_u64_to_handle(dxgkpm_handle_to_u64(contig.hMemoryHandle) ^ BIT_ULL(63));
	for (i = 0; i < ARRAY_SIZE(forged); i++) {
		if (forged[i] == pages.hMemoryHandle || forged[i] == mapping)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, w24_free_contig(a, forged[i]),
				    STATUS_INVALID_HANDLE, "forged handle %u",
				    i);
		KUNIT_EXPECT_EQ(test, dxgkpm_memory_dma_address(a->adapter,
								forged[i], 0,
								&addr),
				-EBADF);
	}

	/* All of it still alive. */
	DXGKPM_KT_EXPECT_STAT(test, pmos, 2);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 3);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 2);
	w24_dma(test, a, contig.hMemoryHandle, 0);
	w24_dma(test, a, pages.hMemoryHandle, 0);
	w24_dma(test, a, mapping, 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_memory_dma_address(NULL, mapping, 0,
							&addr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dxgkpm_memory_dma_address(a->adapter, mapping, 0,
							NULL),
			-EINVAL);

	KUNIT_EXPECT_EQ(test, w24_free_contig(a, contig.hMemoryHandle),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, w24_free_pages(a, pages.hMemoryHandle),
			STATUS_SUCCESS);
	w24_unmap(a, mapping);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 1);

	/* Stale. */
	KUNIT_EXPECT_EQ(test, w24_free_contig(a, contig.hMemoryHandle),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, w24_free_pages(a, pages.hMemoryHandle),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_EQ(test, dxgkpm_memory_dma_address(a->adapter, mapping, 0,
							&addr),
			-EBADF);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * An adapter unregistered with 2.4 allocations and mappings alive frees
 * them all, gives the caller's pages their references back, and leaves
 * nothing behind.
 */
static void dxgkpm_wddm24_unregister(struct kunit *test)
{
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY contig;
	DXGKARGCB_ALLOCATEPAGESFORMDL pages;
	struct page *mine[2];
	HANDLE mapping;
	struct dxgkpm_kt *w;
	MDL *mdl;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	w = w24_setup(test, 0);
	mdl = w24_two_page_mdl(test, mine);

	KUNIT_ASSERT_EQ(test,
			w24_alloc_contig(w, &contig, 2 * PAGE_SIZE,
					 DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED),
			STATUS_SUCCESS);
	KUNIT_ASSERT_EQ(test,
			w24_alloc_pages(w, &pages, 3 * PAGE_SIZE,
					DXGK_MEMORY_CACHING_TYPE_NON_CACHED),
			STATUS_SUCCESS);
	KUNIT_ASSERT_EQ(test, w24_map(w, mdl, &mapping), STATUS_SUCCESS);
	DXGKPM_KT_EXPECT_STAT(test, pmos, 2);
	DXGKPM_KT_EXPECT_STAT(test, amos, 2);
	DXGKPM_KT_EXPECT_STAT(test, adls, 2);
	DXGKPM_KT_EXPECT_STAT(test, kviews, 1);
	DXGKPM_KT_EXPECT_STAT(test, pages, 5);
	DXGKPM_KT_EXPECT_STAT(test, pages_wc, 2);
	DXGKPM_KT_EXPECT_STAT(test, pages_uc, 3);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 3);
	KUNIT_EXPECT_EQ(test, page_ref_count(mine[0]), 2);

	dxgkpm_kt_unregister_now(test, w->adapter);
	KUNIT_EXPECT_TRUE(test, dxgkpm_kt_idle());
	DXGKPM_KT_EXPECT_STAT(test, adapters, 0);
	dxgkpm_kt_expect_no_memory(test);
	KUNIT_EXPECT_EQ(test, page_ref_count(mine[0]), 1);
	KUNIT_EXPECT_EQ(test, page_ref_count(mine[1]), 1);

	/* The adapter's handle went with it. */
	KUNIT_EXPECT_EQ(test, w24_free_contig(w, contig.hMemoryHandle),
			STATUS_INVALID_HANDLE);
	w24_unmap(w, mapping);
	KUNIT_EXPECT_EQ(test, page_ref_count(mine[0]), 1);
}

/* An adapter on edu device @index whose driver asks at @version. */
static struct dxgkpm_kt *w24_setup_at(struct kunit *test, unsigned int index,
				      ULONG version)
{
	struct dxgkpm_kt *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->edu = dxgkpm_kt_edu(test, index);
	w->adapter = dxgkpm_kt_register(test, &w->edu->pdev->dev);
	memset(&w->iface, 0xa5, sizeof(w->iface));
	w->iface.Size = sizeof(w->iface);
	w->iface.Version = version;
	KUNIT_ASSERT_EQ_MSG(test, dxgkpm_query_interface(w->adapter, &w->iface),
			    0, "query at Version %#x", version);
	w->h = w->iface.DeviceHandle;
	KUNIT_ASSERT_NOT_NULL(test, w->h);
	return w;
}

/* The WDDM 2.4 members of @iface are dxgkpm's (@set) or NULL. */
static void w24_expect_24(struct kunit *test, const DXGKRNL_INTERFACE *iface,
			  bool set)
{
	const void *p;

	p = set ? &dxgkpm_cb_allocate_contiguous : NULL;
	KUNIT_EXPECT_PTR_EQ_MSG(test, iface->DxgkCbAllocateContiguousMemory, p,
				"Version %#x", iface->Version);
	p = set ? &dxgkpm_cb_free_contiguous : NULL;
	KUNIT_EXPECT_PTR_EQ(test, iface->DxgkCbFreeContiguousMemory, p);
	p = set ? &dxgkpm_cb_allocate_pages_for_mdl : NULL;
	KUNIT_EXPECT_PTR_EQ(test, iface->DxgkCbAllocatePagesForMdl, p);
	p = set ? &dxgkpm_cb_free_pages_from_mdl : NULL;
	KUNIT_EXPECT_PTR_EQ(test, iface->DxgkCbFreePagesFromMdl, p);
	p = set ? &dxgkpm_cb_map_mdl_to_iommu : NULL;
	KUNIT_EXPECT_PTR_EQ(test, iface->DxgkCbMapMdlToIoMmu, p);
	p = set ? &dxgkpm_cb_unmap_mdl_from_iommu : NULL;
	KUNIT_EXPECT_PTR_EQ(test, iface->DxgkCbUnmapMdlFromIoMmu, p);
}

/* The WDDM 2.9 members of a full-size @iface are set (@set) or NULL. */
static void w24_expect_29(struct kunit *test, const DXGKRNL_INTERFACE *iface,
			  bool set)
{
	KUNIT_EXPECT_EQ_MSG(test, !!iface->DxgkCbCreatePhysicalMemoryObject,
			    set, "Version %#x", iface->Version);
	KUNIT_EXPECT_EQ(test, !!iface->DxgkCbDestroyPhysicalMemoryObject, set);
	KUNIT_EXPECT_EQ(test, !!iface->DxgkCbOpenPhysicalMemoryObject, set);
	KUNIT_EXPECT_EQ(test, !!iface->DxgkCbClosePhysicalMemoryObject, set);
	KUNIT_EXPECT_EQ(test, !!iface->DxgkCbMapPhysicalMemory, set);
	KUNIT_EXPECT_EQ(test, !!iface->DxgkCbUnmapPhysicalMemory, set);
	KUNIT_EXPECT_EQ(test, !!iface->DxgkCbAllocateAdl, set);
	KUNIT_EXPECT_EQ(test, !!iface->DxgkCbFreeAdl, set);
}

/*
 * The callbacks come at exactly the versions that have them: a driver of
 * WDDM 2.4 to 2.8 gets the 2.4 calls and nothing of 2.9, with a Size that
 * reaches just the end of the 2.4 group and nothing written past it; from
 * WDDM 2.9 on, both. Passes if every such query succeeds with exactly
 * those members, and a Size one pointer short of the 2.4 group is refused.
 */
static void dxgkpm_wddm24_versions(struct kunit *test)
{
	static const ULONG only24[] = {
		DXGKDDI_INTERFACE_VERSION_WDDM2_4,
		DXGKDDI_INTERFACE_VERSION_WDDM2_5,
		DXGKDDI_INTERFACE_VERSION_WDDM2_6,
		DXGKDDI_INTERFACE_VERSION_WDDM2_7,
		DXGKDDI_INTERFACE_VERSION_WDDM2_8,
	};
	static const ULONG both[] = {
		DXGKDDI_INTERFACE_VERSION_WDDM2_9,
		DXGKDDI_INTERFACE_VERSION_WDDM3_0,
		DXGKDDI_INTERFACE_VERSION_WDDM3_1,
	};
	const size_t min24 = offsetofend(DXGKRNL_INTERFACE,
					 DxgkCbReportDiagnostic);
	DXGKRNL_INTERFACE *iface, *poison;
	struct dxgkpm_kt *w;
	unsigned int i;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	w = dxgkpm_kt_setup(test, 0);
	iface = kunit_kmalloc_array(test, 2, sizeof(*iface), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, iface);
	poison = iface + 1;

	for (i = 0; i < ARRAY_SIZE(only24); i++) {
		memset(iface, 0xa5, sizeof(*iface));
		iface->Size = min24;
		iface->Version = only24[i];
		*poison = *iface;
		KUNIT_ASSERT_EQ_MSG(test,
				    dxgkpm_query_interface(w->adapter, iface),
				    0, "Version %#x, Size %#zx", only24[i],
				    min24);
		KUNIT_EXPECT_PTR_EQ(test, iface->DeviceHandle, w->h);
		w24_expect_24(test, iface, true);
		KUNIT_EXPECT_NULL(test, iface->DxgkCbReportDiagnostic);
		KUNIT_EXPECT_EQ_MSG(test,
				    memcmp((u8 *)iface + min24,
					   (u8 *)poison + min24,
					   sizeof(*iface) - min24), 0,
				    "Version %#x: the query wrote past Size",
				    only24[i]);

		memset(iface, 0xa5, sizeof(*iface));
		iface->Size = sizeof(*iface);
		iface->Version = only24[i];
		KUNIT_ASSERT_EQ(test, dxgkpm_query_interface(w->adapter, iface),
				0);
		w24_expect_24(test, iface, true);
		w24_expect_29(test, iface, false);

		iface->Size = min24 - sizeof(void *);
		KUNIT_EXPECT_EQ_MSG(test,
				    dxgkpm_query_interface(w->adapter, iface),
				    -EINVAL, "Version %#x, Size %#x",
				    only24[i], iface->Size);
	}
	for (i = 0; i < ARRAY_SIZE(both); i++) {
		memset(iface, 0xa5, sizeof(*iface));
		iface->Size = sizeof(*iface);
		iface->Version = both[i];
		KUNIT_ASSERT_EQ_MSG(test,
				    dxgkpm_query_interface(w->adapter, iface),
				    0, "Version %#x", both[i]);
		w24_expect_24(test, iface, true);
		w24_expect_29(test, iface, true);
	}
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * A driver of WDDM 3.0 or later that reports DmaRemappingSupported, on a
 * device behind a translating IOMMU, uses DMA remapping: its interface has
 * the WDDM 2.9 calls and not the 2.4 ones, which [C-REMAP] says it cannot
 * use. WDDM 2.9, or 3.0 without the report, keep both. Passes if each
 * query gives exactly those members.
 */
static void dxgkpm_wddm24_remapping(struct kunit *test)
{
	DXGKRNL_INTERFACE *iface;
	DXGK_IOMMU_CAPS caps;
	struct dxgkpm_kt *w;

	w = dxgkpm_kt_setup(test, 0);
	iface = kunit_kzalloc(test, sizeof(*iface), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, iface);
	KUNIT_ASSERT_EQ(test, dxgkpm_query_iommu_caps(w->adapter, &caps), 0);
	KUNIT_ASSERT_TRUE_MSG(test, caps.DmaRemappingSupported,
			      "edu0 is not behind a translating IOMMU");

	caps.Value = 0;
	caps.DmaRemappingSupported = 1;
	KUNIT_EXPECT_EQ(test, dxgkpm_report_iommu_caps(NULL, &caps), -EINVAL);
	KUNIT_EXPECT_EQ(test, dxgkpm_report_iommu_caps(w->adapter, NULL),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, dxgkpm_report_iommu_caps(w->adapter, &caps), 0);

	iface->Size = sizeof(*iface);
	iface->Version = DXGKDDI_INTERFACE_VERSION_WDDM3_0;
	KUNIT_ASSERT_EQ(test, dxgkpm_query_interface(w->adapter, iface), 0);
	w24_expect_24(test, iface, false);
	w24_expect_29(test, iface, true);
	iface->Version = DXGKDDI_INTERFACE_VERSION_WDDM3_1;
	KUNIT_ASSERT_EQ(test, dxgkpm_query_interface(w->adapter, iface), 0);
	w24_expect_24(test, iface, false);
	w24_expect_29(test, iface, true);
	iface->Version = DXGKDDI_INTERFACE_VERSION_WDDM2_9;
	KUNIT_ASSERT_EQ(test, dxgkpm_query_interface(w->adapter, iface), 0);
	w24_expect_24(test, iface, true);
	w24_expect_29(test, iface, true);

	caps.Value = 0;
	KUNIT_ASSERT_EQ(test, dxgkpm_report_iommu_caps(w->adapter, &caps), 0);
	iface->Version = DXGKDDI_INTERFACE_VERSION_WDDM3_0;
	KUNIT_ASSERT_EQ(test, dxgkpm_query_interface(w->adapter, iface), 0);
	w24_expect_24(test, iface, true);
	w24_expect_29(test, iface, true);
}

/*
 * Have the device copy @len bytes from @src to @dst, two ranges that are
 * contiguous for it, in pieces its buffer holds.
 */
static void w24_copy(struct kunit *test, struct dxgkpm_kt *w, u64 dst,
		     u64 src, size_t len)
{
	size_t done, piece;

	/* What the CPU wrote must be in memory. */
	wmb();
	for (done = 0; done < len; done += piece) {
		piece = min_t(size_t, len - done, EDU_DMA_CHUNK);
		KUNIT_ASSERT_EQ_MSG(test,
				    dxgkpm_edu_copy(w->edu, dst + done,
						    src + done, piece), 0,
				    "edu copy %#llx -> %#llx", src + done,
				    dst + done);
	}
}

/* Whether @domain maps page @addr to itself, and only that. */
static void w24_expect_identity(struct kunit *test,
				struct iommu_domain *domain, u64 addr,
				bool mapped)
{
	phys_addr_t want = mapped ? (phys_addr_t)addr : 0;

	KUNIT_EXPECT_EQ_MSG(test, iommu_iova_to_phys(domain, addr), want,
			    "device address %#llx", addr);
}

static void w24_free_page_cb(void *page)
{
	__free_page(page);
}

/*
 * Map @pages (within the device's reach) in @w's identity space: each page
 * number is the page's PFN, and the mapping is one range exactly when the
 * pages follow one another.
 */
static void w24_expect_identity_map(struct kunit *test, struct dxgkpm_kt *w,
				    struct page **pages, unsigned int n,
				    bool follow)
{
	struct dxgkpm_dma_map map = { };
	unsigned long pn[4];
	unsigned int i;

	KUNIT_ASSERT_LE(test, n, ARRAY_SIZE(pn));
	KUNIT_ASSERT_EQ(test, dxgkpm_space_map_pages(&w->adapter->dma, pages,
						     n, pn, &map), 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, pn[i], page_to_pfn(pages[i]),
				    "page %u", i);
	KUNIT_EXPECT_EQ(test, map.contiguous, follow);
	dxgkpm_space_unmap_pages(&w->adapter->dma, &map);
}

static const ULONG w24_iso_versions[] = {
	DXGKDDI_INTERFACE_VERSION_WDDM2_4,
	DXGKDDI_INTERFACE_VERSION_WDDM2_8,
};

static void w24_version_desc(const ULONG *version, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "Version %#x", *version);
}

KUNIT_ARRAY_PARAM(w24_iso, w24_iso_versions, w24_version_desc);

/*
 * The WDDM 2.4 isolation model: a driver of WDDM 2.4 to 2.8 programs its
 * device with exactly the addresses the 2.4 calls give, as on Windows,
 * where memory is mapped 1:1: the physical address of contiguous memory
 * (MmGetPhysicalAddress() of pMemory), the PFNs of the MDL of
 * DxgkCbAllocatePagesForMdl and those of its own MDL once
 * DxgkCbMapMdlToIoMmu returned. The device is still behind a translating
 * IOMMU: each address is mapped to itself while the memory lives, and not
 * at all once it is freed. Passes if edu's copies through those addresses
 * arrive byte for byte and the IOMMU maps exactly the live memory.
 */
static void dxgkpm_wddm24_identity(struct kunit *test)
{
	const ULONG *version = test->param_value;
	const size_t span_off = 256, span = PAGE_SIZE;
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY contig;
	DXGKARGCB_ALLOCATEPAGESFORMDL pages;
	struct iommu_domain *domain;
	PFN_NUMBER pfns[2], mine_pfns[2];
	struct page *mine[2];
	u64 pa, mdl_pa;
	dma_addr_t addr;
	struct dxgkpm_kt *w;
	HANDLE mapping;
	unsigned int i;
	u8 *cpu;
	MDL *mdl;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	w = w24_setup_at(test, 0, *version);
	w24_expect_24(test, &w->iface, true);
	domain = iommu_get_domain_for_dev(&w->edu->pdev->dev);
	KUNIT_ASSERT_NOT_NULL(test, domain);
	KUNIT_ASSERT_TRUE_MSG(test, domain->type & __IOMMU_DOMAIN_PAGING,
			      "edu0 is not behind a translating IOMMU");

	/* Contiguous memory where the device can reach it, 1:1. */
	memset(&contig, 0, sizeof(contig));
	contig.NumberOfBytes = 2 * PAGE_SIZE;
	contig.LowestAcceptableAddress.QuadPart = SZ_16M;
	contig.HighestAcceptableAddress.QuadPart = EDU_DMA_MASK;
	contig.CacheType = DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED;
	KUNIT_ASSERT_EQ(test, w->iface.DxgkCbAllocateContiguousMemory(w->h,
								      &contig),
			STATUS_SUCCESS);
	pa = MmGetPhysicalAddress(contig.pMemory).QuadPart;
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(pa));
	KUNIT_EXPECT_LE(test, pa + 2 * PAGE_SIZE - 1, (u64)EDU_DMA_MASK);
	w24_expect_identity(test, domain, pa, true);
	w24_expect_identity(test, domain, pa + PAGE_SIZE, true);
	KUNIT_EXPECT_EQ(test, dxgkpm_memory_dma_address(w->adapter,
							contig.hMemoryHandle,
							PAGE_SIZE + 8, &addr),
			0);
	KUNIT_EXPECT_EQ(test, (u64)addr, pa + PAGE_SIZE + 8);

	/* Pages for an MDL: each PFN is the device's page number. */
	memset(&pages, 0, sizeof(pages));
	pages.HighAddress.QuadPart = EDU_DMA_MASK;
	pages.TotalBytes = 2 * PAGE_SIZE;
	pages.CacheType = DXGK_MEMORY_CACHING_TYPE_CACHED;
	KUNIT_ASSERT_EQ(test, w->iface.DxgkCbAllocatePagesForMdl(w->h, &pages),
			STATUS_SUCCESS);
	for (i = 0; i < 2; i++) {
		pfns[i] = MmGetMdlPfnArray(pages.pMdl)[i];
		w24_expect_identity(test, domain, PFN_PHYS(pfns[i]), true);
	}

	/* The test's own pages, in ZONE_DMA (within reach), by its MDL. */
	for (i = 0; i < 2; i++) {
		mine[i] = alloc_page(GFP_KERNEL | GFP_DMA | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, mine[i]);
		KUNIT_ASSERT_EQ(test,
				kunit_add_action_or_reset(test,
							  w24_free_page_cb,
							  mine[i]), 0);
		mine_pfns[i] = page_to_pfn(mine[i]);
		w24_expect_identity(test, domain, PFN_PHYS(mine_pfns[i]),
				    false);
	}
	mdl = w24_mdl(test, mine, 2, span_off, span);
	KUNIT_ASSERT_EQ(test, w24_map(w, mdl, &mapping), STATUS_SUCCESS);
	mdl_pa = PFN_PHYS(MmGetMdlPfnArray(mdl)[0]) + MmGetMdlByteOffset(mdl);
	for (i = 0; i < 2; i++)
		w24_expect_identity(test, domain, PFN_PHYS(mine_pfns[i]), true);

	/*
	 * By DMA at those addresses only: contiguous memory, written by the
	 * CPU, into the MDL's pages, and from there into the span of the
	 * test's MDL, across its page boundary.
	 */
	cpu = contig.pMemory;
	w24_fill(cpu, 2 * PAGE_SIZE, 0x24 + *version);
	w24_copy(test, w, PFN_PHYS(pfns[0]), pa, PAGE_SIZE);
	w24_copy(test, w, PFN_PHYS(pfns[1]), pa + PAGE_SIZE, PAGE_SIZE);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(page_address(pfn_to_page(pfns[0])),
					 cpu, PAGE_SIZE), 0,
			    "the copy into MDL page 0 differs");
	KUNIT_EXPECT_EQ_MSG(test, memcmp(page_address(pfn_to_page(pfns[1])),
					 cpu + PAGE_SIZE, PAGE_SIZE), 0,
			    "the copy into MDL page 1 differs");
	w24_copy(test, w, mdl_pa, PFN_PHYS(pfns[0]), PAGE_SIZE - span_off);
	w24_copy(test, w, PFN_PHYS(mine_pfns[1]),
		 PFN_PHYS(pfns[0]) + PAGE_SIZE - span_off, span_off);
	KUNIT_EXPECT_EQ_MSG(test, memcmp((u8 *)page_address(mine[0]) + span_off,
					 cpu, PAGE_SIZE - span_off), 0,
			    "the copy into the caller's first page differs");
	KUNIT_EXPECT_EQ_MSG(test, memcmp(page_address(mine[1]),
					 cpu + PAGE_SIZE - span_off, span_off),
			    0, "the copy into the caller's second page differs");
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(page_address(mine[0]), 0,
					       span_off),
			      "the device wrote before the span");

	/*
	 * The page numbers of a mapping in the identity space, and whether
	 * it is one range: the test's pages in order (one range only if
	 * they happen to follow one another), then the other way round.
	 */
	w24_expect_identity_map(test, w, mine, 2,
				mine_pfns[1] == mine_pfns[0] + 1);
	swap(mine[0], mine[1]);
	w24_expect_identity_map(test, w, mine, 2,
				mine_pfns[0] == mine_pfns[1] + 1);
	swap(mine[0], mine[1]);

	/* Freed or unmapped: the device loses each address at once. */
	w24_unmap(w, mapping);
	for (i = 0; i < 2; i++)
		w24_expect_identity(test, domain, PFN_PHYS(mine_pfns[i]),
				    false);
	KUNIT_EXPECT_EQ(test, w24_free_pages(w, pages.hMemoryHandle),
			STATUS_SUCCESS);
	for (i = 0; i < 2; i++)
		w24_expect_identity(test, domain, PFN_PHYS(pfns[i]), false);
	KUNIT_EXPECT_EQ(test, w24_free_contig(w, contig.hMemoryHandle),
			STATUS_SUCCESS);
	w24_expect_identity(test, domain, pa, false);
	w24_expect_identity(test, domain, pa + PAGE_SIZE, false);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * The rules of the 2.4 isolation model. An adapter with an object open
 * cannot change address model: the query at WDDM 2.4 is refused (-EBUSY,
 * nothing written) until it is closed. Memory beyond the device's reach
 * has no identity address the device could use: refused, nothing kept.
 * A page mapped twice (pages for an MDL, then that MDL mapped to the
 * IOMMU) keeps its identity mapping until the last of the two goes.
 * Passes if each of these holds, with the IOMMU's own view checked by
 * iommu_iova_to_phys().
 */
static void dxgkpm_wddm24_identity_rules(struct kunit *test)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT create;
	DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT destroy;
	DXGKARGCB_ALLOCATEPAGESFORMDL pages;
	DXGKRNL_INTERFACE *iface, *copy;
	struct iommu_domain *domain;
	struct dxgkpm_kt *w;
	PFN_NUMBER pfns[2];
	HANDLE mapping;
	unsigned int i;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	w = dxgkpm_kt_setup(test, 0);
	iface = kunit_kmalloc_array(test, 2, sizeof(*iface), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, iface);
	copy = iface + 1;

	/* Something open: the address model cannot change under it. */
	memset(&create, 0, sizeof(create));
	create.hAdapter = w->h;
	create.Size = PAGE_SIZE;
	create.Type = DXGK_PHYSICAL_MEMORY_TYPE_MDL;
	create.CacheType = DXGK_MEMORY_CACHING_TYPE_CACHED;
	create.Mdl.HighAddress.QuadPart = -1;
	KUNIT_ASSERT_EQ(test,
			w->iface.DxgkCbCreatePhysicalMemoryObject(&create),
			STATUS_SUCCESS);
	memset(iface, 0xa5, sizeof(*iface));
	iface->Size = sizeof(*iface);
	iface->Version = DXGKDDI_INTERFACE_VERSION_WDDM2_4;
	*copy = *iface;
	KUNIT_EXPECT_EQ(test, dxgkpm_query_interface(w->adapter, iface),
			-EBUSY);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(iface, copy, sizeof(*iface)), 0,
			    "a refused query wrote to the interface");
	destroy.hPhysicalMemoryObject = create.hPhysicalMemoryObject;
	destroy.hAdapterMemoryObject = create.hAdapterMemoryObject;
	w->iface.DxgkCbDestroyPhysicalMemoryObject(&destroy);
	KUNIT_ASSERT_EQ(test, dxgkpm_query_interface(w->adapter, iface), 0);
	w->iface = *iface;
	domain = iommu_get_domain_for_dev(&w->edu->pdev->dev);
	KUNIT_ASSERT_NOT_NULL(test, domain);

	/* Beyond the device's 28-bit reach: no usable identity address. */
	memset(&pages, 0, sizeof(pages));
	pages.LowAddress.QuadPart = SZ_512M;
	pages.HighAddress.QuadPart = -1;
	pages.TotalBytes = PAGE_SIZE;
	pages.CacheType = DXGK_MEMORY_CACHING_TYPE_CACHED;
	KUNIT_EXPECT_EQ(test, w->iface.DxgkCbAllocatePagesForMdl(w->h, &pages),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_NULL(test, pages.pMdl);
	dxgkpm_kt_expect_no_memory(test);

	/*
	 * Mapped twice: the mapping stays until the last user goes. Within
	 * the device's reach, as a 2.4 driver must ask: below 4 GiB the page
	 * provider may hand out pages above 256 MiB.
	 */
	memset(&pages, 0, sizeof(pages));
	pages.HighAddress.QuadPart = EDU_DMA_MASK;
	pages.TotalBytes = 2 * PAGE_SIZE;
	pages.CacheType = DXGK_MEMORY_CACHING_TYPE_CACHED;
	KUNIT_ASSERT_EQ(test, w->iface.DxgkCbAllocatePagesForMdl(w->h, &pages),
			STATUS_SUCCESS);
	KUNIT_ASSERT_EQ(test, w24_map(w, pages.pMdl, &mapping), STATUS_SUCCESS);
	for (i = 0; i < 2; i++) {
		pfns[i] = MmGetMdlPfnArray(pages.pMdl)[i];
		w24_expect_identity(test, domain, PFN_PHYS(pfns[i]), true);
	}
	w24_unmap(w, mapping);
	for (i = 0; i < 2; i++)
		w24_expect_identity(test, domain, PFN_PHYS(pfns[i]), true);
	KUNIT_EXPECT_EQ(test, w24_free_pages(w, pages.hMemoryHandle),
			STATUS_SUCCESS);
	for (i = 0; i < 2; i++)
		w24_expect_identity(test, domain, PFN_PHYS(pfns[i]), false);
	dxgkpm_kt_expect_no_memory(test);
}

static struct kunit_case dxgkpm_wddm24_cases[] = {
	KUNIT_CASE_PARAM(dxgkpm_wddm24_contiguous, w24_cache_gen_params),
	KUNIT_CASE_PARAM(dxgkpm_wddm24_pages_for_mdl, w24_cache_gen_params),
	KUNIT_CASE(dxgkpm_wddm24_map_mdl),
	KUNIT_CASE(dxgkpm_wddm24_map_mdl_bad),
	KUNIT_CASE_PARAM(dxgkpm_wddm24_map_mdl_bad_header,
			 w24_mdl_bad_gen_params),
	KUNIT_CASE(dxgkpm_wddm24_bad_args),
	KUNIT_CASE_PARAM(dxgkpm_wddm24_contiguous_bad,
			 w24_contig_bad_gen_params),
	KUNIT_CASE_PARAM(dxgkpm_wddm24_pages_for_mdl_bad,
			 w24_pages_bad_gen_params),
	KUNIT_CASE(dxgkpm_wddm24_handles),
	KUNIT_CASE(dxgkpm_wddm24_unregister),
	KUNIT_CASE(dxgkpm_wddm24_versions),
	KUNIT_CASE(dxgkpm_wddm24_remapping),
	KUNIT_CASE_PARAM(dxgkpm_wddm24_identity, w24_iso_gen_params),
	KUNIT_CASE(dxgkpm_wddm24_identity_rules),
	{}
};

static struct kunit_suite dxgkpm_wddm24_suite = {
	.name = "dxgkpm_wddm24",
	.init = dxgkpm_kt_init,
	.suite_init = dxgkpm_kt_suite_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_wddm24_cases,
};

kunit_test_suite(dxgkpm_wddm24_suite);
