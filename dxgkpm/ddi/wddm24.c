// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The WDDM 2.4 IOMMU isolation callbacks of DXGKRNL_INTERFACE:
 * DxgkCbAllocateContiguousMemory / DxgkCbFreeContiguousMemory,
 * DxgkCbAllocatePagesForMdl / DxgkCbFreePagesFromMdl and
 * DxgkCbMapMdlToIoMmu / DxgkCbUnmapMdlFromIoMmu.
 *
 * This file only translates: it checks the arguments the specification
 * implies, reads a caller's MDL and builds the MDL it hands out, turns
 * handles into objects and errors into NTSTATUS. The allocations and
 * mappings behind hMemoryHandle are in mem24.c, which says how they are
 * built on physical memory objects and where their devices reach them.
 *
 * Device addresses. Windows' 2.4 isolation maps memory 1:1, so a driver
 * programs its GPU with the physical addresses it already knows: the PFNs
 * of an MDL, MmGetPhysicalAddress() of contiguous memory. So does dxgkpm
 * for a driver that asked for the interface at WDDM 2.4 to 2.8. For a
 * driver of WDDM 2.9 or later the PFNs in an MDL stay CPU page frame
 * numbers, for pfn_to_page() and the like, and dxgkpm_memory_dma_address()
 * gives the device address of any byte.
 *
 * Zeroing. MmAllocateContiguousMemory[SpecifyCache] does not zero the
 * block; dxgkpm zeroes contiguous memory anyway, like every other memory it
 * hands out, so that no stale content of a previous owner reaches a driver
 * or its device. Pages for an MDL are zeroed unless MM_DONT_ZERO_ALLOCATION
 * is passed, as MmAllocatePagesForMdlEx does.
 *
 * Limits. As Dxgkrnl does, MM_ALLOCATE_FULLY_REQUIRED is always added: an
 * MDL covers the whole of TotalBytes, or the call fails. TotalBytes is at
 * most 4 GiB - PAGE_SIZE per call, the limit of MmAllocatePagesForMdlEx and
 * of an MDL (ByteCount is 32 bits); a caller's MDL given to
 * DxgkCbMapMdlToIoMmu may span at most that much too.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "ddi/ddi.h"
#include "trace.h"

/* Bytes one MDL can describe, and one call can allocate or map. */
#define DXGKPM_MDL_MAX_BYTES	(SZ_4G - PAGE_SIZE)

/* The PFN array of an MDL is handed to the page provider as it is. */
static_assert(sizeof(PFN_NUMBER) == sizeof(unsigned long));

static bool dxgkpm_cache_type_valid(DXGK_MEMORY_CACHING_TYPE type)
{
	return (unsigned int)type <= DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED;
}

/* Describe the pages of an allocation in a new MDL, the way Mm would. */
static MDL *dxgkpm_ddi_build_mdl(struct dxgkpm_mem24 *mem, size_t size)
{
	struct page **pages;
	PPFN_NUMBER pfns;
	pgoff_t npages, i;
	MDL *mdl;

	mdl = kvmalloc(MmSizeOfMdl(NULL, size), GFP_KERNEL);
	if (!mdl)
		return NULL;
	/* Size as MmInitializeMdl() leaves it (a CSHORT: it wraps). */
	MmInitializeMdl(mdl, NULL, size);
	mdl->MdlFlags = MDL_PAGES_LOCKED;
	pfns = MmGetMdlPfnArray(mdl);
	pages = dxgkpm_mem24_pages(mem, &npages);
	for (i = 0; i < npages; i++)
		pfns[i] = page_to_pfn(pages[i]);
	return mdl;
}

/**
 * struct dxgkpm_ddi_mdl_span - what a caller's MDL spans
 * @offset: ByteOffset
 * @count: ByteCount
 * @npages: pages of the PFN array it uses
 */
struct dxgkpm_ddi_mdl_span {
	size_t offset;
	size_t count;
	pgoff_t npages;
};

/*
 * Read the span of a caller's MDL, if its header is sane: a non-empty span
 * that starts in its first page, is at most DXGKPM_MDL_MAX_BYTES long, and
 * a Size that holds the PFN array. Size is a CSHORT: for an MDL whose size
 * it cannot hold, it must be what MmInitializeMdl() leaves there. Each
 * field is read once, so what was checked is what is used.
 */
static int dxgkpm_ddi_mdl_span(const MDL *mdl, struct dxgkpm_ddi_mdl_span *span)
{
	ULONG offset = READ_ONCE(mdl->ByteOffset);
	ULONG count = READ_ONCE(mdl->ByteCount);
	CSHORT size = READ_ONCE(mdl->Size);
	size_t end, need;
	pgoff_t npages;

	if (!count || offset >= PAGE_SIZE)
		return -EINVAL;
	end = (size_t)offset + count;
	if (end > DXGKPM_MDL_MAX_BYTES)
		return -EINVAL;
	npages = PAGE_ALIGN(end) >> PAGE_SHIFT;
	need = sizeof(*mdl) + npages * sizeof(PFN_NUMBER);
	if (need <= S16_MAX ? size < (CSHORT)need : size != (CSHORT)need)
		return -EINVAL;
	span->offset = offset;
	span->count = count;
	span->npages = npages;
	return 0;
}

/* The free and unmap callbacks: look up, check, free; nothing on error. */
static NTSTATUS dxgkpm_ddi_mem24_free(const char *call, HANDLE hAdapter,
				      HANDLE hMemoryHandle,
				      enum dxgkpm_mem24_type type)
{
	struct dxgkpm_adapter *adapter;
	int ret;

	adapter = dxgkpm_adapter_get_handle(dxgkpm_handle_to_u64(hAdapter));
	if (!adapter)
		return dxgkpm_refuse(call, "invalid hAdapter", -EBADF);
	ret = dxgkpm_mem24_free(adapter, dxgkpm_handle_to_u64(hMemoryHandle), type);
	dxgkpm_adapter_put(adapter);
	switch (ret) {
	case 0:
		return STATUS_SUCCESS;
	case -EXDEV:
		return dxgkpm_refuse(call, "hMemoryHandle belongs to another adapter",
				     -EBADF);
	case -EMEDIUMTYPE:
		return dxgkpm_refuse(call, "hMemoryHandle is another kind of allocation",
				     -EBADF);
	case -EALREADY:
		return dxgkpm_refuse(call, "hMemoryHandle is already being freed",
				     -EBADF);
	default:
		return dxgkpm_refuse(call, "invalid hMemoryHandle", -EBADF);
	}
}

/*
 * The common part of the two allocation callbacks: the allocation on
 * @hAdapter's adapter, an ADL of all of it, and the driver's way in (a
 * kernel view of contiguous memory, the MDL of pages), all published under
 * one handle. On failure nothing is left and the outputs stay as they are.
 */
static NTSTATUS dxgkpm_ddi_mem24_create(const char *call, HANDLE hAdapter,
					enum dxgkpm_mem24_type type,
					const struct dxgkpm_pmo_desc *desc,
					u32 adl_flags, void **way_in,
					HANDLE *hMemoryHandle)
{
	struct dxgkpm_adapter *adapter;
	struct dxgkpm_mem24 *mem;
	MDL *mdl;
	void *out;
	u64 handle;
	int ret;

	adapter = dxgkpm_adapter_get_handle(dxgkpm_handle_to_u64(hAdapter));
	if (!adapter)
		return dxgkpm_refuse(call, "invalid hAdapter", -EBADF);
	mem = dxgkpm_mem24_new(adapter, type, desc->size, desc->context);
	dxgkpm_adapter_put(adapter);
	if (IS_ERR(mem))
		return dxgkpm_refuse(call, "cannot allocate", PTR_ERR(mem));
	ret = dxgkpm_mem24_alloc(mem, desc, adl_flags);
	if (ret)
		goto err_put_mem;
	if (type == DXGKPM_MEM24_CONTIGUOUS) {
		out = dxgkpm_mem24_vaddr(mem);
	} else {
		mdl = dxgkpm_ddi_build_mdl(mem, desc->size);
		if (!mdl) {
			ret = -ENOMEM;
			goto err_discard_mem;
		}
		dxgkpm_mem24_set_page_list(mem, mdl);
		out = mdl;
	}
	/* Read before publishing: from then on @mem is its adapter's. */
	ret = dxgkpm_mem24_publish(mem, &handle);
	if (ret)
		goto err_discard_mem;
	*hMemoryHandle = dxgkpm_u64_to_handle(handle);
	*way_in = out;
	return STATUS_SUCCESS;

err_discard_mem:
	dxgkpm_mem24_discard(mem);
	return dxgkpm_refuse(call, "cannot allocate", ret);
err_put_mem:
	dxgkpm_mem24_put(mem);
	if (type == DXGKPM_MEM24_PAGES && ret == -EOPNOTSUPP)
		return dxgkpm_refuse(call, "Flags asks for large pages or hot removal",
				     ret);
	if (type == DXGKPM_MEM24_PAGES && ret == -EINVAL)
		return dxgkpm_refuse(call, "invalid Flags, address window or SkipBytes",
				     ret);
	return dxgkpm_refuse(call, "cannot allocate", ret);
}

/* -------------------------------------------------------------- the DDI */

/* allocate contiguous, untraced */
static NTSTATUS
dxgkpm_do_allocate_contiguous(IN_CONST_HANDLE hAdapter,
			      INOUT_PDXGKARGCB_ALLOCATECONTIGUOUSMEMORY args,
			      unsigned long caller)
{
	static const char call[] = "DxgkCbAllocateContiguousMemory";
	struct dxgkpm_pmo_desc desc = { .type = DXGKPM_MEM_CONTIGUOUS };

	might_sleep();
	if (!args)
		return dxgkpm_refuse(call, "NULL arguments", -EINVAL);
	args->hMemoryHandle = NULL;
	args->pMemory = NULL;
	if (!args->NumberOfBytes)
		return dxgkpm_refuse(call, "NumberOfBytes is 0", -EINVAL);
	if (!dxgkpm_cache_type_valid(args->CacheType))
		return dxgkpm_refuse(call, "invalid CacheType", -EINVAL);
	desc.size = args->NumberOfBytes;
	desc.caching = (enum dxgkpm_caching)args->CacheType;
	desc.context = caller;
	desc.contig.low = (u64)args->LowestAcceptableAddress.QuadPart;
	desc.contig.high = (u64)args->HighestAcceptableAddress.QuadPart;
	desc.contig.boundary = (u64)args->BoundaryAddressMultiple.QuadPart;

	return dxgkpm_ddi_mem24_create(call, hAdapter, DXGKPM_MEM24_CONTIGUOUS,
				       &desc, DXGKPM_ADL_REQUIRE_CONTIGUOUS,
				       &args->pMemory, &args->hMemoryHandle);
}

/**
 * dxgkpm_cb_allocate_contiguous() - DxgkCbAllocateContiguousMemory
 * @hAdapter: DXGKRNL_INTERFACE::DeviceHandle of the adapter
 * @args: in: NumberOfBytes (non-zero), the inclusive physical window
 *	[LowestAcceptableAddress, HighestAcceptableAddress], the power of two
 *	BoundaryAddressMultiple the block must not cross (0: none) and
 *	CacheType; out: hMemoryHandle and pMemory, a kernel view of the
 *	zeroed block with that cache type (both NULL on failure)
 *
 * The block is physically contiguous and mapped for the adapter until it is
 * freed. For a driver of WDDM 2.4 to 2.8 the device reaches it at its
 * physical address, MmGetPhysicalAddress(pMemory); otherwise
 * dxgkpm_memory_dma_address() gives its device addresses.
 *
 * Context: process context, may sleep.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for NULL arguments, a
 * zero size, a bad cache type, window or boundary;
 * STATUS_INVALID_HANDLE for a bad hAdapter; STATUS_INSUFFICIENT_RESOURCES
 * when no such block can be found; another status for a DMA API error.
 */
NTSTATUS APIENTRY
dxgkpm_cb_allocate_contiguous(IN_CONST_HANDLE hAdapter,
			      INOUT_PDXGKARGCB_ALLOCATECONTIGUOUSMEMORY args)
{
	NTSTATUS status = dxgkpm_do_allocate_contiguous(hAdapter, args,
							_RET_IP_);

	trace_dxgkcb_allocate_contiguous_memory(args ?
		dxgkpm_handle_to_u64(args->hMemoryHandle) : 0, DXGKPM_MEM_CONTIGUOUS,
		args ? (int)args->CacheType : -1,
		args ? args->NumberOfBytes : 0, status);
	return status;
}

/* free contiguous, untraced */
static NTSTATUS
dxgkpm_do_free_contiguous(IN_CONST_HANDLE hAdapter,
			  IN_CONST_PDXGKARGCB_FREECONTIGUOUSMEMORY args)
{
	static const char call[] = "DxgkCbFreeContiguousMemory";

	might_sleep();
	if (!args)
		return dxgkpm_refuse(call, "NULL arguments", -EINVAL);
	return dxgkpm_ddi_mem24_free(call, hAdapter, args->hMemoryHandle,
				     DXGKPM_MEM24_CONTIGUOUS);
}

/**
 * dxgkpm_cb_free_contiguous() - DxgkCbFreeContiguousMemory
 * @hAdapter: the adapter the memory was allocated on
 * @args: hMemoryHandle from dxgkpm_cb_allocate_contiguous()
 *
 * The device loses access to the block, pMemory becomes invalid and the
 * block is freed.
 *
 * Context: process context, may sleep.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for NULL arguments;
 * STATUS_INVALID_HANDLE, with nothing freed, for a bad hAdapter or an
 * hMemoryHandle that is not live contiguous memory of that adapter.
 */
NTSTATUS APIENTRY
dxgkpm_cb_free_contiguous(IN_CONST_HANDLE hAdapter,
			  IN_CONST_PDXGKARGCB_FREECONTIGUOUSMEMORY args)
{
	NTSTATUS status = dxgkpm_do_free_contiguous(hAdapter, args);

	trace_dxgkcb_free_contiguous_memory(args ?
		dxgkpm_handle_to_u64(args->hMemoryHandle) : 0, DXGKPM_MEM_CONTIGUOUS, -1,
		0, status);
	return status;
}

/* allocate pages for mdl, untraced */
static NTSTATUS
dxgkpm_do_allocate_pages_for_mdl(IN_CONST_HANDLE hAdapter,
				 INOUT_PDXGKARGCB_ALLOCATEPAGESFORMDL args,
				 unsigned long caller)
{
	static const char call[] = "DxgkCbAllocatePagesForMdl";
	struct dxgkpm_pmo_desc desc = { .type = DXGKPM_MEM_PAGES };
	void *way_in = NULL;
	NTSTATUS status;

	might_sleep();
	if (!args)
		return dxgkpm_refuse(call, "NULL arguments", -EINVAL);
	args->hMemoryHandle = NULL;
	args->pMdl = NULL;
	if (!args->TotalBytes)
		return dxgkpm_refuse(call, "TotalBytes is 0", -EINVAL);
	if (args->TotalBytes > DXGKPM_MDL_MAX_BYTES)
		return dxgkpm_refuse(call, "TotalBytes is over 4 GiB - PAGE_SIZE",
				     -EINVAL);
	if (!dxgkpm_cache_type_valid(args->CacheType))
		return dxgkpm_refuse(call, "invalid CacheType", -EINVAL);
	desc.size = args->TotalBytes;
	desc.caching = (enum dxgkpm_caching)args->CacheType;
	desc.context = caller;
	desc.pages.low = (u64)args->LowAddress.QuadPart;
	desc.pages.high = (u64)args->HighAddress.QuadPart;
	desc.pages.skip = (u64)args->SkipBytes.QuadPart;
	desc.pages.flags = args->Flags | MM_ALLOCATE_FULLY_REQUIRED;

	status = dxgkpm_ddi_mem24_create(call, hAdapter, DXGKPM_MEM24_PAGES,
					 &desc, DXGKPM_ADL_PREFER_CONTIGUOUS,
					 &way_in, &args->hMemoryHandle);
	args->pMdl = way_in;
	return status;
}

/**
 * dxgkpm_cb_allocate_pages_for_mdl() - DxgkCbAllocatePagesForMdl
 * @hAdapter: DXGKRNL_INTERFACE::DeviceHandle of the adapter
 * @args: in: LowAddress, HighAddress, SkipBytes and Flags as for
 *	MmAllocatePagesForMdlEx (MM_ALLOCATE_FULLY_REQUIRED is added),
 *	TotalBytes (1 to 4 GiB - PAGE_SIZE) and CacheType; out: hMemoryHandle
 *	and pMdl (both NULL on failure)
 *
 * pMdl belongs to dxgkpm: ByteOffset 0, ByteCount TotalBytes,
 * MDL_PAGES_LOCKED, and a PFN array of CPU page frame numbers. The pages
 * are mapped for the adapter until they are freed: for a driver of WDDM
 * 2.4 to 2.8 each at its physical address, so the PFNs are the device's
 * page numbers; otherwise dxgkpm_memory_dma_address() gives their device
 * addresses.
 *
 * Context: process context, may sleep.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for NULL arguments, a
 * size of 0 or over the limit, a bad cache type, window, SkipBytes or
 * unknown flags; STATUS_NOT_SUPPORTED for MM_ALLOCATE_FAST_LARGE_PAGES and
 * MM_ALLOCATE_AND_HOT_REMOVE; STATUS_INVALID_HANDLE for a bad hAdapter;
 * STATUS_INSUFFICIENT_RESOURCES when the pages cannot all be found.
 */
NTSTATUS APIENTRY
dxgkpm_cb_allocate_pages_for_mdl(IN_CONST_HANDLE hAdapter,
				 INOUT_PDXGKARGCB_ALLOCATEPAGESFORMDL args)
{
	NTSTATUS status = dxgkpm_do_allocate_pages_for_mdl(hAdapter, args,
							   _RET_IP_);

	trace_dxgkcb_allocate_pages_for_mdl(args ?
		dxgkpm_handle_to_u64(args->hMemoryHandle) : 0, DXGKPM_MEM_PAGES,
		args ? (int)args->CacheType : -1,
		args ? args->TotalBytes : 0, status);
	return status;
}

/* free pages from mdl, untraced */
static NTSTATUS
dxgkpm_do_free_pages_from_mdl(IN_CONST_HANDLE hAdapter,
			      IN_CONST_PDXGKARGCB_FREEPAGESFROMMDL args)
{
	static const char call[] = "DxgkCbFreePagesFromMdl";

	might_sleep();
	if (!args)
		return dxgkpm_refuse(call, "NULL arguments", -EINVAL);
	return dxgkpm_ddi_mem24_free(call, hAdapter, args->hMemoryHandle,
				     DXGKPM_MEM24_PAGES);
}

/**
 * dxgkpm_cb_free_pages_from_mdl() - DxgkCbFreePagesFromMdl
 * @hAdapter: the adapter the pages were allocated on
 * @args: hMemoryHandle from dxgkpm_cb_allocate_pages_for_mdl()
 *
 * The device loses access to the pages, which are freed with their MDL.
 *
 * Context: process context, may sleep.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for NULL arguments;
 * STATUS_INVALID_HANDLE, with nothing freed, for a bad hAdapter or an
 * hMemoryHandle that is not a live MDL allocation of that adapter.
 */
NTSTATUS APIENTRY
dxgkpm_cb_free_pages_from_mdl(IN_CONST_HANDLE hAdapter,
			      IN_CONST_PDXGKARGCB_FREEPAGESFROMMDL args)
{
	NTSTATUS status = dxgkpm_do_free_pages_from_mdl(hAdapter, args);

	trace_dxgkcb_free_pages_from_mdl(args ?
		dxgkpm_handle_to_u64(args->hMemoryHandle) : 0, DXGKPM_MEM_PAGES, -1, 0,
		status);
	return status;
}

/* map mdl to iommu, untraced */
static NTSTATUS
dxgkpm_do_map_mdl_to_iommu(IN_CONST_HANDLE hAdapter,
			   INOUT_PDXGKARGCB_MAPMDLTOIOMMU args,
			   unsigned long caller)
{
	static const char call[] = "DxgkCbMapMdlToIoMmu";
	struct dxgkpm_ddi_mdl_span span;
	const unsigned long *pfns;
	struct dxgkpm_adapter *adapter;
	struct dxgkpm_mem24 *mem;
	u64 handle;
	int ret;

	might_sleep();
	if (!args)
		return dxgkpm_refuse(call, "NULL arguments", -EINVAL);
	args->hMemoryHandle = NULL;
	if (!args->pMdl)
		return dxgkpm_refuse(call, "NULL pMdl", -EINVAL);

	adapter = dxgkpm_adapter_get_handle(dxgkpm_handle_to_u64(hAdapter));
	if (!adapter)
		return dxgkpm_refuse(call, "invalid hAdapter", -EBADF);
	mem = dxgkpm_mem24_new(adapter, DXGKPM_MEM24_MAPPING, 0, caller);
	dxgkpm_adapter_put(adapter);
	if (IS_ERR(mem))
		return dxgkpm_refuse(call, "cannot map", PTR_ERR(mem));
	ret = dxgkpm_ddi_mdl_span(args->pMdl, &span);
	if (ret) {
		dxgkpm_mem24_put(mem);
		return dxgkpm_refuse(call, "pMdl has a bad ByteCount, ByteOffset or Size",
				     ret);
	}
	pfns = (const unsigned long *)MmGetMdlPfnArray(args->pMdl);
	ret = dxgkpm_mem24_map_pfns(mem, pfns, span.npages, span.offset,
				    span.count, &handle);
	if (ret) {
		dxgkpm_mem24_put(mem);
		if (ret == -EFAULT)
			return dxgkpm_refuse(call, "pMdl holds a PFN that is not a page in use",
					     -EINVAL);
		return dxgkpm_refuse(call, "cannot map", ret);
	}
	args->hMemoryHandle = dxgkpm_u64_to_handle(handle);
	return STATUS_SUCCESS;
}

/**
 * dxgkpm_cb_map_mdl_to_iommu() - DxgkCbMapMdlToIoMmu
 * @hAdapter: DXGKRNL_INTERFACE::DeviceHandle of the adapter
 * @args: in: pMdl, the caller's MDL: its PFN array holds the CPU page frame
 *	numbers of the pages [ByteOffset, ByteOffset + ByteCount) spans;
 *	out: hMemoryHandle (NULL on failure)
 *
 * Each page must be RAM in use, not a free page, a hole, device memory or
 * a reserved page: anything else is refused, and nothing is mapped. A
 * reference is taken on every page until the unmap, so a page cannot be
 * reused while the device can reach it; the MDL itself is not used after
 * this returns. For a driver of WDDM 2.4 to 2.8 each page is mapped at its
 * physical address, so the MDL's PFNs are the device's page numbers;
 * otherwise dxgkpm_memory_dma_address() gives the device address of each
 * byte of the span, offset 0 being the byte at ByteOffset.
 *
 * Context: process context, may sleep.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for NULL arguments, an
 * empty or oversized span, a Size that cannot hold the PFN array, or a PFN
 * that is not a page in use; STATUS_INVALID_HANDLE for a bad hAdapter;
 * STATUS_INSUFFICIENT_RESOURCES; another status for a DMA API error.
 */
NTSTATUS APIENTRY
dxgkpm_cb_map_mdl_to_iommu(IN_CONST_HANDLE hAdapter,
			   INOUT_PDXGKARGCB_MAPMDLTOIOMMU args)
{
	NTSTATUS status = dxgkpm_do_map_mdl_to_iommu(hAdapter, args, _RET_IP_);

	trace_dxgkcb_map_mdl_to_iommu(args ?
		dxgkpm_handle_to_u64(args->hMemoryHandle) : 0, -1, -1,
		args && args->pMdl ? args->pMdl->ByteCount : 0, status);
	return status;
}

/* unmap mdl from iommu, untraced */
static NTSTATUS
dxgkpm_do_unmap_mdl_from_iommu(IN_CONST_HANDLE hAdapter,
			       IN_CONST_PDXGKARGCB_UNMAPMDLFROMIOMMU args)
{
	static const char call[] = "DxgkCbUnmapMdlFromIoMmu";

	might_sleep();
	if (!args)
		return dxgkpm_refuse(call, "NULL arguments", -EINVAL);
	return dxgkpm_ddi_mem24_free(call, hAdapter, args->hMemoryHandle,
				     DXGKPM_MEM24_MAPPING);
}

/**
 * dxgkpm_cb_unmap_mdl_from_iommu() - DxgkCbUnmapMdlFromIoMmu
 * @hAdapter: the adapter the MDL was mapped for
 * @args: hMemoryHandle from dxgkpm_cb_map_mdl_to_iommu()
 *
 * The device loses access to the pages and their references are dropped.
 * A bad argument changes nothing; a ratelimited line says so.
 *
 * Context: process context, may sleep.
 */
void APIENTRY
dxgkpm_cb_unmap_mdl_from_iommu(IN_CONST_HANDLE hAdapter,
			       IN_CONST_PDXGKARGCB_UNMAPMDLFROMIOMMU args)
{
	NTSTATUS status = dxgkpm_do_unmap_mdl_from_iommu(hAdapter, args);

	trace_dxgkcb_unmap_mdl_from_iommu(args ?
		dxgkpm_handle_to_u64(args->hMemoryHandle) : 0, -1, -1, 0, status);
}
