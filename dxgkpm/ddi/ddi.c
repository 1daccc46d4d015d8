// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The DXGK face of the service: the Dxgkrnl callbacks a Windows display
 * miniport calls through DXGKRNL_INTERFACE.
 *
 * This layer only translates. It checks what the argument structures carry
 * (NULL pointers, reserved bits, handles of the right kind that are alive),
 * turns handles into objects and back, calls the native API and turns its
 * -errno into an NTSTATUS. A call that fails changes nothing, logs one
 * ratelimited line naming the callback and the reason, and for the callbacks
 * that return VOID that line is the only trace.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/iommu.h>
#include <linux/log2.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "ddi/ddi.h"
#include "trace.h"

/* The native enumerations carry the DXGK values, so arguments pass as is. */
#define DXGKPM_SAME(a, b) static_assert((int)(a) == (int)(b))
DXGKPM_SAME(DXGKPM_MEM_PAGES, DXGK_PHYSICAL_MEMORY_TYPE_MDL);
DXGKPM_SAME(DXGKPM_MEM_CONTIGUOUS, DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY);
DXGKPM_SAME(DXGKPM_MEM_SECTION, DXGK_PHYSICAL_MEMORY_TYPE_SECTION);
DXGKPM_SAME(DXGKPM_MEM_IO_SPACE, DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE);
DXGKPM_SAME(DXGKPM_CACHING_UNCACHED, DXGK_MEMORY_CACHING_TYPE_NON_CACHED);
DXGKPM_SAME(DXGKPM_CACHING_CACHED, DXGK_MEMORY_CACHING_TYPE_CACHED);
DXGKPM_SAME(DXGKPM_CACHING_WC, DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED);
static_assert(DXGKPM_ALLOC_DONT_ZERO == MM_DONT_ZERO_ALLOCATION);
static_assert(DXGKPM_ALLOC_LOCAL_NODE_ONLY == MM_ALLOCATE_FROM_LOCAL_NODE_ONLY);
static_assert(DXGKPM_ALLOC_FULLY_REQUIRED == MM_ALLOCATE_FULLY_REQUIRED);
static_assert(DXGKPM_ALLOC_NO_WAIT == MM_ALLOCATE_NO_WAIT);
static_assert(DXGKPM_ALLOC_PREFER_CONTIGUOUS == MM_ALLOCATE_PREFER_CONTIGUOUS);
static_assert(DXGKPM_ALLOC_CONTIGUOUS_CHUNKS ==
	      MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS);
static_assert(DXGKPM_ALLOC_FAST_LARGE_PAGES == MM_ALLOCATE_FAST_LARGE_PAGES);
static_assert(DXGKPM_ALLOC_AND_HOT_REMOVE == MM_ALLOCATE_AND_HOT_REMOVE);

/**
 * dxgkpm_ntstatus() - NTSTATUS for a native error
 * @err: 0 or -errno from the native API
 *
 * Return: the status a Windows caller expects for that kind of failure.
 */
NTSTATUS dxgkpm_ntstatus(int err)
{
	switch (err) {
	case 0:
		return STATUS_SUCCESS;
	case -EINVAL:
	case -E2BIG:
	case -ERANGE:
		return STATUS_INVALID_PARAMETER;
	case -ENOMEM:
	case -ENOSPC:
		return STATUS_INSUFFICIENT_RESOURCES;
	case -ENOENT:
	case -EBADF:
		return STATUS_INVALID_HANDLE;
	case -EBUSY:
		return STATUS_INVALID_DEVICE_STATE;
	case -EOPNOTSUPP:
		return STATUS_NOT_SUPPORTED;
	case -ENODEV:
		return STATUS_NO_SUCH_DEVICE;
	case -EACCES:
	case -EPERM:
		return STATUS_ACCESS_DENIED;
	case -EINTR:
		return STATUS_CANCELLED;
	default:
		return STATUS_UNSUCCESSFUL;
	}
}

/* Sections are anonymous here: no name, no directory to create one in. */
static bool dxgkpm_section_unnamed(const OBJECT_ATTRIBUTES *attrs)
{
	return !attrs || (attrs->Length == sizeof(*attrs) &&
			  !attrs->ObjectName && !attrs->RootDirectory);
}

/* Translate the create arguments into a native descriptor. */
static void dxgkpm_desc_from_args(const DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *a,
				  struct dxgkpm_pmo_desc *desc)
{
	memset(desc, 0, sizeof(*desc));
	desc->size = a->Size;
	desc->type = (enum dxgkpm_mem_type)a->Type;
	desc->caching = (enum dxgkpm_caching)a->CacheType;
	desc->context = a->Context;
	switch (a->Type) {
	case DXGK_PHYSICAL_MEMORY_TYPE_MDL:
		desc->pages.low = (u64)a->Mdl.LowAddress.QuadPart;
		desc->pages.high = (u64)a->Mdl.HighAddress.QuadPart;
		desc->pages.skip = (u64)a->Mdl.SkipBytes.QuadPart;
		desc->pages.flags = a->Mdl.Flags;
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY:
		desc->contig.low =
			(u64)a->ContiguousMemory.LowestAcceptableAddress.QuadPart;
		desc->contig.high =
			(u64)a->ContiguousMemory.HighestAcceptableAddress.QuadPart;
		desc->contig.boundary =
			(u64)a->ContiguousMemory.BoundaryAddressMultiple.QuadPart;
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_SECTION:
		desc->section.access = a->Section.DesiredAccess;
		desc->section.protection = a->Section.PageProtection;
		desc->section.attributes = a->Section.AllocationAttributes;
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE:
		desc->io.base = (u64)a->IOSpace.BaseAddress.QuadPart;
		break;
	}
}

static NTSTATUS
dxgkpm_do_create(IN_OUT_PDXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT args,
		 unsigned long creator)
{
	static const char call[] = "DxgkCbCreatePhysicalMemoryObject";
	struct dxgkpm_adapter *adapter = NULL;
	struct dxgkpm_amo *amo = NULL;
	struct dxgkpm_pmo_desc desc;
	struct dxgkpm_pmo *pmo;
	int ret;

	might_sleep();
	if (!args)
		return dxgkpm_refuse(call, "NULL arguments", -EINVAL);
	args->hPhysicalMemoryObject = NULL;
	args->hAdapterMemoryObject = NULL;
	if (args->Type == DXGK_PHYSICAL_MEMORY_TYPE_SECTION &&
	    !dxgkpm_section_unnamed(args->Section.ObjectAttributes))
		return dxgkpm_refuse(call, "named sections are not supported",
				     -EOPNOTSUPP);
	if (args->hAdapter) {
		adapter = dxgkpm_adapter_get_handle(dxgkpm_handle_to_u64(args->hAdapter));
		if (!adapter)
			return dxgkpm_refuse(call, "invalid hAdapter", -EBADF);
	}
	dxgkpm_desc_from_args(args, &desc);
	ret = dxgkpm_pmo_create_ref(&desc, adapter, creator, &pmo, &amo);
	if (adapter)
		dxgkpm_adapter_put(adapter);
	if (ret)
		return dxgkpm_refuse(call, "cannot create", ret);

	args->hPhysicalMemoryObject = dxgkpm_u64_to_handle(pmo->obj.handle);
	if (amo) {
		args->hAdapterMemoryObject = dxgkpm_u64_to_handle(amo->obj.handle);
		dxgkpm_amo_put(amo);
	}
	dxgkpm_pmo_put(pmo);
	return STATUS_SUCCESS;
}

static NTSTATUS
dxgkpm_do_destroy(const DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT *args)
{
	static const char call[] = "DxgkCbDestroyPhysicalMemoryObject";
	struct dxgkpm_amo *amo = NULL;
	struct dxgkpm_pmo *pmo;
	NTSTATUS status;
	int ret;

	might_sleep();
	if (!args)
		return dxgkpm_refuse(call, "NULL arguments", -EINVAL);
	pmo = dxgkpm_pmo_get_handle(dxgkpm_handle_to_u64(args->hPhysicalMemoryObject));
	if (!pmo)
		return dxgkpm_refuse(call, "invalid hPhysicalMemoryObject",
				     -EBADF);
	if (args->hAdapterMemoryObject) {
		amo = dxgkpm_amo_get_handle(dxgkpm_handle_to_u64(args->hAdapterMemoryObject));
		if (!amo) {
			status = dxgkpm_refuse(call,
					       "invalid hAdapterMemoryObject",
					       -EBADF);
			goto out_put_pmo;
		}
	}
	ret = dxgkpm_pmo_destroy(pmo, amo);
	if (ret == -EINVAL)
		status = dxgkpm_refuse(call,
				       "hAdapterMemoryObject is not this object's",
				       ret);
	else if (ret && ret != -EBUSY)	/* -EBUSY has its own message */
		status = dxgkpm_refuse(call, "cannot destroy", ret);
	else
		status = dxgkpm_ntstatus(ret);
	if (amo)
		dxgkpm_amo_put(amo);
out_put_pmo:
	dxgkpm_pmo_put(pmo);
	return status;
}

static NTSTATUS
dxgkpm_do_open(IN_OUT_PDXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT args)
{
	static const char call[] = "DxgkCbOpenPhysicalMemoryObject";
	struct dxgkpm_adapter *adapter;
	struct dxgkpm_amo *amo;
	struct dxgkpm_pmo *pmo;
	int ret;

	might_sleep();
	if (!args)
		return dxgkpm_refuse(call, "NULL arguments", -EINVAL);
	args->hAdapterMemoryObject = NULL;
	pmo = dxgkpm_pmo_get_handle(dxgkpm_handle_to_u64(args->hPhysicalMemoryObject));
	if (!pmo)
		return dxgkpm_refuse(call, "invalid hPhysicalMemoryObject",
				     -EBADF);
	adapter = dxgkpm_adapter_get_handle(dxgkpm_handle_to_u64(args->hAdapter));
	if (!adapter) {
		ret = -EBADF;
		goto out_put_pmo;
	}
	ret = dxgkpm_amo_open(pmo, adapter, &amo);
	dxgkpm_adapter_put(adapter);
	if (!ret) {
		args->hAdapterMemoryObject = dxgkpm_u64_to_handle(amo->obj.handle);
		dxgkpm_amo_put(amo);
	}
out_put_pmo:
	dxgkpm_pmo_put(pmo);
	if (ret == -EBADF)
		return dxgkpm_refuse(call, "invalid hAdapter", ret);
	if (ret == -EBUSY)
		return dxgkpm_refuse(call, "object is already open", ret);
	if (ret)
		return dxgkpm_refuse(call, "cannot open", ret);
	return STATUS_SUCCESS;
}

static NTSTATUS
dxgkpm_do_close(const DXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT *args)
{
	static const char call[] = "DxgkCbClosePhysicalMemoryObject";
	struct dxgkpm_amo *amo;
	NTSTATUS status;
	int ret;

	might_sleep();
	if (!args)
		return dxgkpm_refuse(call, "NULL arguments", -EINVAL);
	amo = dxgkpm_amo_get_handle(dxgkpm_handle_to_u64(args->hAdapterMemoryObject));
	if (!amo)
		return dxgkpm_refuse(call, "invalid hAdapterMemoryObject",
				     -EBADF);
	ret = dxgkpm_amo_close(amo);
	if (ret && ret != -EBUSY)	/* -EBUSY has its own message */
		status = dxgkpm_refuse(call, "cannot close", ret);
	else
		status = dxgkpm_ntstatus(ret);
	dxgkpm_amo_put(amo);
	return status;
}

static NTSTATUS dxgkpm_do_map(IN_OUT_PDXGKARGCB_MAP_PHYSICAL_MEMORY args)
{
	static const char call[] = "DxgkCbMapPhysicalMemory";
	struct dxgkpm_pmo *pmo;
	unsigned long uaddr;
	size_t offset, size;
	void *vaddr = NULL;
	int ret;

	might_sleep();
	if (!args)
		return dxgkpm_refuse(call, "NULL arguments", -EINVAL);
	args->pMappedAddress = NULL;
	pmo = dxgkpm_pmo_get_handle(dxgkpm_handle_to_u64(args->hPhysicalMemoryObject));
	if (!pmo)
		return dxgkpm_refuse(call, "invalid hPhysicalMemoryObject",
				     -EBADF);
	offset = args->Offset;
	size = args->Size;
	switch (args->AccessMode) {
	case DXGK_ACCESS_MODE_KERNEL_MODE:
		ret = dxgkpm_map_kernel(pmo, &offset, &size, &vaddr);
		break;
	case DXGK_ACCESS_MODE_USER_MODE:
		ret = dxgkpm_map_user(pmo, &offset, &size, &uaddr);
		vaddr = (void *)uaddr;
		break;
	default:
		ret = -EINVAL;
		break;
	}
	dxgkpm_pmo_put(pmo);
	if (ret)
		return dxgkpm_refuse(call, "cannot map", ret);
	args->Offset = offset;
	args->Size = size;
	args->pMappedAddress = vaddr;
	return STATUS_SUCCESS;
}

static NTSTATUS
dxgkpm_do_unmap(const DXGKARGCB_UNMAP_PHYSICAL_MEMORY *args)
{
	static const char call[] = "DxgkCbUnmapPhysicalMemory";
	struct dxgkpm_pmo *pmo;
	int ret;

	might_sleep();
	if (!args)
		return dxgkpm_refuse(call, "NULL arguments", -EINVAL);
	pmo = dxgkpm_pmo_get_handle(dxgkpm_handle_to_u64(args->hPhysicalMemoryObject));
	if (!pmo)
		return dxgkpm_refuse(call, "invalid hPhysicalMemoryObject",
				     -EBADF);
	/* User and kernel views live in disjoint halves of the address space. */
	if ((unsigned long)args->pBaseAddress < TASK_SIZE_MAX)
		ret = dxgkpm_unmap_user(pmo, (unsigned long)args->pBaseAddress,
					args->Size);
	else
		ret = dxgkpm_unmap_kernel(pmo, args->pBaseAddress, args->Size);
	dxgkpm_pmo_put(pmo);
	if (ret == -ENOENT)
		return dxgkpm_refuse(call,
				     "pBaseAddress is not a view of this object",
				     -EINVAL);
	if (ret)
		return dxgkpm_refuse(call, "Size is not the size of the view",
				     ret);
	return STATUS_SUCCESS;
}

/*
 * Describe a new ADL the way DXGK callers read it, in the part of the ADL
 * kept for the caller, before anyone can reach it
 * (dxgkpm_adl_alloc_described() calls this under the object's lock);
 * freeing the ADL clears it.
 */
static void dxgkpm_ddi_fill_adl(const struct dxgkpm_adl *adl, void *caller)
{
	DXGK_ADL *dxgk = caller;

	static_assert(sizeof(adl->pages[0]) == sizeof(DXGK_PAGE_NUMBER));
	dxgk->PageCount = adl->count;
	dxgk->Flags.Value = 0;
	dxgk->Flags.Contiguous = adl->contiguous;
	if (adl->contiguous)
		dxgk->BasePageNumber = adl->pages[0];
	else
		dxgk->Pages = adl->pages;
}

static NTSTATUS dxgkpm_do_allocate_adl(IN_OUT_PDXGKARGCB_ALLOCATE_ADL args)
{
	static const char call[] = "DxgkCbAllocateAdl";
	struct dxgkpm_adl *adl;
	struct dxgkpm_amo *amo;
	int ret;

	might_sleep();
	if (!args)
		return dxgkpm_refuse(call, "NULL arguments", -EINVAL);
	args->pAdl = NULL;
	if (args->Flags.Reserved)
		return dxgkpm_refuse(call, "reserved flags set", -EINVAL);
	amo = dxgkpm_amo_get_handle(dxgkpm_handle_to_u64(args->hAdapterMemoryObject));
	if (!amo)
		return dxgkpm_refuse(call, "invalid hAdapterMemoryObject",
				     -EBADF);
	ret = dxgkpm_adl_alloc_described(amo, args->Offset, args->Size,
					 args->Flags.Value, sizeof(DXGK_ADL),
					 dxgkpm_ddi_fill_adl, &adl);
	dxgkpm_amo_put(amo);
	if (ret)
		return dxgkpm_refuse(call, "cannot build the ADL", ret);
	args->pAdl = dxgkpm_adl_caller(adl);
	return STATUS_SUCCESS;
}

static NTSTATUS dxgkpm_do_free_adl(const DXGKARGCB_FREE_ADL *args)
{
	static const char call[] = "DxgkCbFreeAdl";
	struct dxgkpm_amo *amo;
	int ret;

	might_sleep();
	if (!args || !args->pAdl)
		return dxgkpm_refuse(call, "NULL arguments", -EINVAL);
	amo = dxgkpm_amo_get_handle(dxgkpm_handle_to_u64(args->hAdapterMemoryObject));
	if (!amo)
		return dxgkpm_refuse(call, "invalid hAdapterMemoryObject",
				     -EBADF);
	/* Only compared against the live ADLs of @amo, never dereferenced. */
	ret = dxgkpm_adl_free(amo, dxgkpm_adl_from_caller(args->pAdl));
	dxgkpm_amo_put(amo);
	if (ret)
		return dxgkpm_refuse(call,
				     "pAdl is not a live ADL of this object",
				     ret);
	return STATUS_SUCCESS;
}

/*
 * The callbacks a driver calls: each one above, traced. The type and cache
 * type of the object a handle names are looked up for the trace only while
 * the event is on.
 */
static struct dxgkpm_trace_id dxgkpm_trace_handle(bool on, u64 handle)
{
	struct dxgkpm_trace_id id = dxgkpm_trace_id(NULL);
	struct dxgkpm_amo *amo;
	struct dxgkpm_pmo *pmo;

	if (!on)
		return id;
	pmo = dxgkpm_pmo_get_handle(handle);
	if (pmo) {
		id = dxgkpm_trace_id(pmo);
		dxgkpm_pmo_put(pmo);
	} else {
		amo = dxgkpm_amo_get_handle(handle);
		id = dxgkpm_amo_trace_id(amo);
		if (amo)
			dxgkpm_amo_put(amo);
	}
	return id;
}

static NTSTATUS APIENTRY
dxgkpm_cb_create(IN_OUT_PDXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT args)
{
	NTSTATUS status = dxgkpm_do_create(args, _RET_IP_);

	trace_dxgkcb_create_physical_memory_object(args ?
		dxgkpm_handle_to_u64(args->hPhysicalMemoryObject) : 0,
		args ? (int)args->Type : -1, args ? (int)args->CacheType : -1,
		args ? args->Size : 0, status);
	return status;
}

static VOID APIENTRY
dxgkpm_cb_destroy(IN_CONST_PDXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT args)
{
	u64 handle = args ? dxgkpm_handle_to_u64(args->hPhysicalMemoryObject) : 0;
	struct dxgkpm_trace_id id;
	NTSTATUS status;

	id = dxgkpm_trace_handle(trace_dxgkcb_destroy_physical_memory_object_enabled(),
				 handle);
	status = dxgkpm_do_destroy(args);
	trace_dxgkcb_destroy_physical_memory_object(handle, id.type, id.caching, 0,
						    status);
}

static NTSTATUS APIENTRY
dxgkpm_cb_open(IN_OUT_PDXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT args)
{
	NTSTATUS status = dxgkpm_do_open(args);
	u64 handle = args ? dxgkpm_handle_to_u64(args->hPhysicalMemoryObject) : 0;
	struct dxgkpm_trace_id id;

	id = dxgkpm_trace_handle(trace_dxgkcb_open_physical_memory_object_enabled(),
				 handle);
	trace_dxgkcb_open_physical_memory_object(handle, id.type, id.caching, 0,
						 status);
	return status;
}

static VOID APIENTRY
dxgkpm_cb_close(IN_CONST_PDXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT args)
{
	u64 handle = args ? dxgkpm_handle_to_u64(args->hAdapterMemoryObject) : 0;
	struct dxgkpm_trace_id id;
	NTSTATUS status;

	id = dxgkpm_trace_handle(trace_dxgkcb_close_physical_memory_object_enabled(),
				 handle);
	status = dxgkpm_do_close(args);
	trace_dxgkcb_close_physical_memory_object(handle, id.type, id.caching, 0,
						  status);
}

static NTSTATUS APIENTRY
dxgkpm_cb_map(IN_OUT_PDXGKARGCB_MAP_PHYSICAL_MEMORY args)
{
	NTSTATUS status = dxgkpm_do_map(args);
	u64 handle = args ? dxgkpm_handle_to_u64(args->hPhysicalMemoryObject) : 0;
	struct dxgkpm_trace_id id;

	id = dxgkpm_trace_handle(trace_dxgkcb_map_physical_memory_enabled(),
				 handle);
	trace_dxgkcb_map_physical_memory(handle, id.type, id.caching,
					 args ? args->Size : 0, status);
	return status;
}

static VOID APIENTRY
dxgkpm_cb_unmap(IN_CONST_PDXGKARGCB_UNMAP_PHYSICAL_MEMORY args)
{
	u64 handle = args ? dxgkpm_handle_to_u64(args->hPhysicalMemoryObject) : 0;
	struct dxgkpm_trace_id id;
	NTSTATUS status;

	id = dxgkpm_trace_handle(trace_dxgkcb_unmap_physical_memory_enabled(),
				 handle);
	status = dxgkpm_do_unmap(args);
	trace_dxgkcb_unmap_physical_memory(handle, id.type, id.caching,
					   args ? args->Size : 0, status);
}

static NTSTATUS APIENTRY dxgkpm_cb_allocate_adl(IN_OUT_PDXGKARGCB_ALLOCATE_ADL args)
{
	NTSTATUS status = dxgkpm_do_allocate_adl(args);
	u64 handle = args ? dxgkpm_handle_to_u64(args->hAdapterMemoryObject) : 0;
	struct dxgkpm_trace_id id;

	id = dxgkpm_trace_handle(trace_dxgkcb_allocate_adl_enabled(),
				 handle);
	trace_dxgkcb_allocate_adl(handle, id.type, id.caching,
				  args ? args->Size : 0, status);
	return status;
}

static VOID APIENTRY dxgkpm_cb_free_adl(IN_CONST_PDXGKARGCB_FREE_ADL args)
{
	u64 handle = args ? dxgkpm_handle_to_u64(args->hAdapterMemoryObject) : 0;
	struct dxgkpm_trace_id id;
	NTSTATUS status;

	id = dxgkpm_trace_handle(trace_dxgkcb_free_adl_enabled(),
				 handle);
	status = dxgkpm_do_free_adl(args);
	trace_dxgkcb_free_adl(handle, id.type, id.caching, 0, status);
}

/*
 * The interface must at least reach the last member of the newest group
 * dxgkpm fills: the WDDM 2.4 group, and from WDDM 2.9 on the 2.9 group.
 */
#define DXGKPM_IFACE_MIN_SIZE_2_4 \
	offsetofend(DXGKRNL_INTERFACE, DxgkCbReportDiagnostic)
#define DXGKPM_IFACE_MIN_SIZE_2_9 \
	offsetofend(DXGKRNL_INTERFACE, DxgkCbPinFrameBufferForSave2)

/* Whether the adapter's device is behind a translating IOMMU domain. */
static bool dxgkpm_adapter_translated(struct dxgkpm_adapter *adapter)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(adapter->dma.dev);

	return domain && (domain->type & __IOMMU_DOMAIN_PAGING);
}

/*
 * Whether a driver asking at @version uses IOMMU DMA remapping: WDDM 3.0
 * or later, DmaRemappingSupported reported, and an IOMMU that remaps. Such
 * a driver "cannot use" the WDDM 2.4 callbacks ([C-REMAP]).
 */
static bool dxgkpm_iface_remapping(struct dxgkpm_adapter *adapter,
				   ULONG version)
{
	return version >= DXGKDDI_INTERFACE_VERSION_WDDM3_0 &&
	       READ_ONCE(adapter->remapping) &&
	       dxgkpm_adapter_translated(adapter);
}

/**
 * dxgkpm_query_interface() - hand a driver the DXGK callbacks
 * @adapter: from dxgkpm_register_adapter()
 * @iface: Size and Version set by the caller. Version is an official DXGK
 *	interface version of WDDM 2.4 or later; Size reaches at least the
 *	last member of the WDDM 2.4 group (WDDM 2.4 to 2.8) or of the
 *	WDDM 2.9 group (WDDM 2.9 on), and at most sizeof(DXGKRNL_INTERFACE)
 *
 * Fills DeviceHandle (the hAdapter to pass in calls) and the callback
 * members dxgkpm implements at that version; every other member up to Size
 * is set to NULL. As in DXGKRNL_INTERFACE on Windows, the WDDM 2.4 calls
 * (contiguous memory, pages for an MDL, MDL to IOMMU) come at every version
 * from WDDM 2.4 on, and the physical memory object calls from WDDM 2.9 on;
 * a driver of WDDM 3.0 or later that uses DMA remapping
 * (dxgkpm_report_iommu_caps() with DmaRemappingSupported, under a
 * translating IOMMU) does not get the 2.4 calls, which IOMMU DMA remapping
 * deprecates for it.
 *
 * A driver of WDDM 2.4 to 2.8 gets the 2.4 isolation model: its device
 * reaches 2.4 memory at the physical addresses (MDL page frame numbers,
 * the physical address of contiguous memory) the calls give, through
 * identity mappings in an IOMMU domain of dxgkpm's (dxgkpm_space_isolate()),
 * so query before anything is opened for the adapter.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for NULL arguments, a version older than WDDM 2.4 or
 * not official, or a size outside the bounds; -ENODEV if @adapter is being
 * unregistered; -EBUSY for a WDDM 2.4 to 2.8 query while memory is open or
 * mapped for the adapter in another address model; an IOMMU error.
 */
int dxgkpm_query_interface(struct dxgkpm_adapter *adapter,
			   DXGKRNL_INTERFACE *iface)
{
	size_t head = offsetof(DXGKRNL_INTERFACE, DxgkCbEvalAcpiMethod);
	ULONG version, size;
	bool v29, v24;
	int ret;

	might_sleep();
	if (!adapter || !iface)
		return -EINVAL;
	version = iface->Version;
	size = iface->Size;
	if (version < DXGKDDI_INTERFACE_VERSION_WDDM2_4 ||
	    !IS_OFFICIAL_DDI_INTERFACE_VERSION(version))
		return -EINVAL;
	v29 = version >= DXGKDDI_INTERFACE_VERSION_WDDM2_9;
	if (size < (v29 ? DXGKPM_IFACE_MIN_SIZE_2_9 :
			  DXGKPM_IFACE_MIN_SIZE_2_4) ||
	    size > sizeof(*iface))
		return -EINVAL;
	if (!dxgkpm_adapter_get_live(adapter))
		return -ENODEV;
	if (!v29) {
		ret = dxgkpm_space_isolate(&adapter->dma);
		if (ret) {
			dxgkpm_adapter_put(adapter);
			return ret;
		}
	}
	v24 = !dxgkpm_iface_remapping(adapter, version);

	memset((u8 *)iface + head, 0, size - head);
	iface->DeviceHandle = dxgkpm_u64_to_handle(adapter->obj.handle);
	if (v24) {
		iface->DxgkCbAllocateContiguousMemory =
			dxgkpm_cb_allocate_contiguous;
		iface->DxgkCbFreeContiguousMemory = dxgkpm_cb_free_contiguous;
		iface->DxgkCbAllocatePagesForMdl =
			dxgkpm_cb_allocate_pages_for_mdl;
		iface->DxgkCbFreePagesFromMdl = dxgkpm_cb_free_pages_from_mdl;
		iface->DxgkCbMapMdlToIoMmu = dxgkpm_cb_map_mdl_to_iommu;
		iface->DxgkCbUnmapMdlFromIoMmu = dxgkpm_cb_unmap_mdl_from_iommu;
	}
	if (v29) {
		iface->DxgkCbCreatePhysicalMemoryObject = dxgkpm_cb_create;
		iface->DxgkCbDestroyPhysicalMemoryObject = dxgkpm_cb_destroy;
		iface->DxgkCbOpenPhysicalMemoryObject = dxgkpm_cb_open;
		iface->DxgkCbClosePhysicalMemoryObject = dxgkpm_cb_close;
		iface->DxgkCbMapPhysicalMemory = dxgkpm_cb_map;
		iface->DxgkCbUnmapPhysicalMemory = dxgkpm_cb_unmap;
		iface->DxgkCbAllocateAdl = dxgkpm_cb_allocate_adl;
		iface->DxgkCbFreeAdl = dxgkpm_cb_free_adl;
	}
	dxgkpm_adapter_put(adapter);
	return 0;
}
EXPORT_SYMBOL_GPL(dxgkpm_query_interface);

/**
 * dxgkpm_report_physical_memory_caps() - the driver's DXGK_PHYSICAL_MEMORY_CAPS
 * @adapter: adapter, with nothing mapped for it yet
 * @caps: HighestVisibleAddress: the highest address the device can reach
 *	(for linked adapters, each reports its own; the lowest wins)
 *
 * What a WDDM driver reports for DXGKQAITYPE_PHYSICAL_MEMORY_CAPS. It
 * becomes the device's DMA mask (the largest mask of the form 2^n - 1 that
 * does not exceed it), so every ADL address is at most HighestVisibleAddress:
 * under an IOMMU that is remapping into the device's reach.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for NULL arguments or an address below one page;
 * -EBUSY once memory is mapped in the adapter's address space (for linked
 * adapters, through any of them); the error of
 * dma_set_mask_and_coherent() when the platform cannot serve that mask.
 */
int dxgkpm_report_physical_memory_caps(struct dxgkpm_adapter *adapter,
				       const DXGK_PHYSICAL_MEMORY_CAPS *caps)
{
	u64 highest, mask;

	might_sleep();
	if (!adapter || !caps)
		return -EINVAL;
	highest = (u64)caps->HighestVisibleAddress.QuadPart;
	if (highest < PAGE_SIZE - 1)
		return -EINVAL;
	mask = highest == U64_MAX ? U64_MAX :
				    rounddown_pow_of_two(highest + 1) - 1;
	return dxgkpm_space_set_limit(&adapter->dma, mask);
}
EXPORT_SYMBOL_GPL(dxgkpm_report_physical_memory_caps);

/**
 * dxgkpm_query_iommu_caps() - what the platform gives the adapter's device
 * @adapter: adapter
 * @caps: filled: IommuIsolationSupported and DmaRemappingSupported are set
 *	when the device sits behind a translating IOMMU domain (it can only
 *	reach what is mapped for it, at addresses dxgkpm chooses), strict or
 *	lazy: on a lazy domain dxgkpm invalidates the IOTLB itself before an
 *	unmap returns, so a freed ADL is unreachable at once either way;
 *	clear in passthrough (identity) and without an IOMMU.
 *	IommuIsolationRequired and the other bits are the driver's to set and
 *	come back clear
 *
 * A driver that requires isolation refuses to start when
 * IommuIsolationSupported is clear, as Windows refuses to start it.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL for NULL arguments.
 */
int dxgkpm_query_iommu_caps(struct dxgkpm_adapter *adapter,
			    DXGK_IOMMU_CAPS *caps)
{
	bool translated;

	might_sleep();
	if (!adapter || !caps)
		return -EINVAL;
	translated = dxgkpm_adapter_translated(adapter);
	caps->Value = 0;
	caps->IommuIsolationSupported = translated;
	caps->DmaRemappingSupported = translated;
	return 0;
}
EXPORT_SYMBOL_GPL(dxgkpm_query_iommu_caps);

/**
 * dxgkpm_report_iommu_caps() - the driver's DXGK_IOMMU_CAPS
 * @adapter: adapter
 * @caps: what the driver supports: DmaRemappingSupported says it programs
 *	its device with ADL addresses only, whatever their relation to
 *	physical addresses. The other bits are not used
 *
 * What a WDDM driver reports for DXGKQAITYPE_IOMMU_CAPS, before Dxgkrnl
 * starts it; report before dxgkpm_query_interface(). A driver of WDDM 3.0
 * or later that reports DmaRemappingSupported, on a device behind a
 * translating IOMMU, uses DMA remapping, and its interface then lacks the
 * WDDM 2.4 calls, as Windows deprecates them for such a driver.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL for NULL arguments.
 */
int dxgkpm_report_iommu_caps(struct dxgkpm_adapter *adapter,
			     const DXGK_IOMMU_CAPS *caps)
{
	might_sleep();
	if (!adapter || !caps)
		return -EINVAL;
	WRITE_ONCE(adapter->remapping, caps->DmaRemappingSupported);
	return 0;
}
EXPORT_SYMBOL_GPL(dxgkpm_report_iommu_caps);
