// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The DXGK callbacks as the suites call them (see dxgk_calls.h).
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "dxgk_calls.h"

/**
 * dxgkpm_call_args() - valid create arguments, with poisoned outputs
 * @c: filled
 * @adapter: hAdapter, or NULL to create the object without one
 * @type: memory type
 * @cache: cache type
 * @size: bytes
 *
 * MDL and contiguous memory anywhere, read-write sections; Context is
 * DXGKPM_CALL_CONTEXT. IO space needs more: dxgkpm_call_io_args().
 */
void dxgkpm_call_args(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *c,
		      HANDLE adapter, DXGK_PHYSICAL_MEMORY_TYPE type,
		      DXGK_MEMORY_CACHING_TYPE cache, size_t size)
{
	memset(c, 0, sizeof(*c));
	c->hAdapter = adapter;
	c->Size = size;
	c->Type = type;
	c->CacheType = cache;
	c->Context = DXGKPM_CALL_CONTEXT;
	switch (type) {
	case DXGK_PHYSICAL_MEMORY_TYPE_MDL:
		c->Mdl.HighAddress.QuadPart = -1;
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY:
		c->ContiguousMemory.HighestAcceptableAddress.QuadPart = -1;
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_SECTION:
		c->Section.PageProtection = PAGE_READWRITE;
		break;
	default:
		break;
	}
	c->hPhysicalMemoryObject = DXGKPM_CALL_JUNK;
	c->hAdapterMemoryObject = DXGKPM_CALL_JUNK;
}

/**
 * dxgkpm_call_io_args() - IO-space create arguments: uncached, at @base
 * @c: filled
 * @adapter: hAdapter, or NULL
 * @base: physical address of the first byte
 * @size: bytes
 */
void dxgkpm_call_io_args(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *c,
			 HANDLE adapter, phys_addr_t base, size_t size)
{
	dxgkpm_call_args(c, adapter, DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE,
			 DXGK_MEMORY_CACHING_TYPE_NON_CACHED, size);
	c->IOSpace.BaseAddress.QuadPart = base;
}

/**
 * dxgkpm_call_create() - DxgkCbCreatePhysicalMemoryObject, which must work
 * @test: the test; it stops unless the object is created
 * @kt: the adapter whose interface the call goes through
 * @c: the arguments; on return, the handles
 *
 * The object is torn down when the test ends unless it was destroyed; an
 * AMO comes back exactly when @c->hAdapter is set.
 *
 * Return: the object's handles.
 */
struct dxgkpm_call_obj
dxgkpm_call_create(struct kunit *test, struct dxgkpm_kt *kt,
		   DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *c)
{
	struct dxgkpm_call_obj obj;
	NTSTATUS status;

	status = kt->iface.DxgkCbCreatePhysicalMemoryObject(c);
	KUNIT_ASSERT_EQ_MSG(test, status, STATUS_SUCCESS,
			    "creating a %s %s object of %lu bytes %s hAdapter",
			    dxgkpm_type_name((enum dxgkpm_mem_type)c->Type),
			    dxgkpm_caching_name((enum dxgkpm_caching)c->CacheType),
			    c->Size, c->hAdapter ? "with" : "without");
	KUNIT_ASSERT_NOT_NULL(test, c->hPhysicalMemoryObject);
	dxgkpm_kt_reap_at_end(test, dxgkpm_handle_to_u64(c->hPhysicalMemoryObject));
	if (c->hAdapter)
		KUNIT_ASSERT_NOT_NULL(test, c->hAdapterMemoryObject);
	else
		KUNIT_ASSERT_NULL(test, c->hAdapterMemoryObject);
	obj.pmo = c->hPhysicalMemoryObject;
	obj.amo = c->hAdapterMemoryObject;
	return obj;
}

/**
 * dxgkpm_call_new() - an object of dxgkpm_call_args(), which must be created
 * @test: the test; it stops unless the object is created
 * @kt: the adapter whose interface the call goes through
 * @adapter: hAdapter (the object comes back open for it), or NULL
 * @type: memory type, not IO space
 * @cache: cache type
 * @size: bytes
 *
 * Return: the object's handles; it is torn down when the test ends unless
 * it was destroyed.
 */
struct dxgkpm_call_obj
dxgkpm_call_new(struct kunit *test, struct dxgkpm_kt *kt, HANDLE adapter,
		DXGK_PHYSICAL_MEMORY_TYPE type, DXGK_MEMORY_CACHING_TYPE cache,
		size_t size)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;

	dxgkpm_call_args(&c, adapter, type, cache, size);
	return dxgkpm_call_create(test, kt, &c);
}

/**
 * dxgkpm_call_destroy() - DxgkCbDestroyPhysicalMemoryObject
 * @kt: the adapter whose interface the call goes through
 * @pmo: hPhysicalMemoryObject
 * @amo: hAdapterMemoryObject, or NULL
 */
void dxgkpm_call_destroy(struct dxgkpm_kt *kt, HANDLE pmo, HANDLE amo)
{
	DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT d = {
		.hPhysicalMemoryObject = pmo,
		.hAdapterMemoryObject = amo,
	};

	kt->iface.DxgkCbDestroyPhysicalMemoryObject(&d);
}

/**
 * dxgkpm_call_open() - DxgkCbOpenPhysicalMemoryObject
 * @kt: the adapter whose interface the call goes through
 * @pmo: hPhysicalMemoryObject
 * @adapter: hAdapter to open it for
 * @amo: out: hAdapterMemoryObject as the call left it (poisoned before)
 *
 * Return: the call's status.
 */
NTSTATUS dxgkpm_call_open(struct dxgkpm_kt *kt, HANDLE pmo, HANDLE adapter,
			  HANDLE *amo)
{
	DXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT o = {
		.hPhysicalMemoryObject = pmo,
		.hAdapter = adapter,
		.hAdapterMemoryObject = DXGKPM_CALL_JUNK,
	};
	NTSTATUS status;

	status = kt->iface.DxgkCbOpenPhysicalMemoryObject(&o);
	*amo = o.hAdapterMemoryObject;
	return status;
}

/**
 * dxgkpm_call_open_ok() - open an object for @kt's adapter, which must work
 * @test: the test; it stops unless the object is opened
 * @kt: the adapter
 * @obj: the object; its @amo is set
 */
void dxgkpm_call_open_ok(struct kunit *test, struct dxgkpm_kt *kt,
			 struct dxgkpm_call_obj *obj)
{
	KUNIT_ASSERT_EQ(test, dxgkpm_call_open(kt, obj->pmo, kt->h, &obj->amo),
			STATUS_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, obj->amo);
}

/**
 * dxgkpm_call_close() - DxgkCbClosePhysicalMemoryObject
 * @kt: the adapter whose interface the call goes through
 * @amo: hAdapterMemoryObject
 */
void dxgkpm_call_close(struct dxgkpm_kt *kt, HANDLE amo)
{
	DXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT c = {
		.hAdapterMemoryObject = amo,
	};

	kt->iface.DxgkCbClosePhysicalMemoryObject(&c);
}

/**
 * dxgkpm_call_map() - DxgkCbMapPhysicalMemory
 * @kt: the adapter whose interface the call goes through
 * @m: the arguments, filled (pMappedAddress poisoned); on return, the view
 * @pmo: hPhysicalMemoryObject
 * @mode: kernel or user mode
 * @offset: first byte
 * @size: bytes
 *
 * Return: the call's status.
 */
NTSTATUS dxgkpm_call_map(struct dxgkpm_kt *kt,
			 DXGKARGCB_MAP_PHYSICAL_MEMORY *m, HANDLE pmo,
			 DXGK_ACCESS_MODE mode, size_t offset, size_t size)
{
	memset(m, 0, sizeof(*m));
	m->hPhysicalMemoryObject = pmo;
	m->AccessMode = mode;
	m->Offset = offset;
	m->Size = size;
	m->pMappedAddress = DXGKPM_CALL_JUNK_PTR;
	return kt->iface.DxgkCbMapPhysicalMemory(m);
}

/**
 * dxgkpm_call_unmap() - DxgkCbUnmapPhysicalMemory
 * @kt: the adapter whose interface the call goes through
 * @pmo: hPhysicalMemoryObject
 * @base: pMappedAddress of the view
 * @size: its Size
 */
void dxgkpm_call_unmap(struct dxgkpm_kt *kt, HANDLE pmo, void *base,
		       size_t size)
{
	DXGKARGCB_UNMAP_PHYSICAL_MEMORY u = {
		.hPhysicalMemoryObject = pmo,
		.pBaseAddress = base,
		.Size = size,
	};

	kt->iface.DxgkCbUnmapPhysicalMemory(&u);
}

/**
 * dxgkpm_call_view() - a kernel view of [@offset, @offset + @size), which
 *	must be made
 * @test: the test; it stops unless the view is made as documented
 * @kt: the adapter whose interface the call goes through
 * @pmo: hPhysicalMemoryObject
 * @offset: first byte
 * @size: bytes
 * @view_size: out: the Size the call gave back, for the unmap
 *
 * The view covers whole pages: Offset comes back as @offset's offset in its
 * page, Size as the pages covered.
 *
 * Return: pMappedAddress, the start of @offset's page.
 */
void *dxgkpm_call_view(struct kunit *test, struct dxgkpm_kt *kt, HANDLE pmo,
		       size_t offset, size_t size, size_t *view_size)
{
	DXGKARGCB_MAP_PHYSICAL_MEMORY m;

	KUNIT_ASSERT_EQ(test, dxgkpm_call_map(kt, &m, pmo,
					      DXGK_ACCESS_MODE_KERNEL_MODE,
					      offset, size), STATUS_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, m.pMappedAddress);
	KUNIT_ASSERT_EQ(test, m.Offset, (SIZE_T)offset_in_page(offset));
	KUNIT_ASSERT_EQ(test, m.Size,
			(SIZE_T)PAGE_ALIGN(offset_in_page(offset) + size));
	*view_size = m.Size;
	return m.pMappedAddress;
}

/**
 * dxgkpm_call_adl() - DxgkCbAllocateAdl
 * @kt: the adapter whose interface the call goes through
 * @amo: hAdapterMemoryObject
 * @offset: first byte
 * @size: bytes
 * @flags: DXGKPM_CALL_REQUIRE and/or DXGKPM_CALL_PREFER
 * @adl: out: pAdl as the call left it (poisoned before)
 *
 * Return: the call's status.
 */
NTSTATUS dxgkpm_call_adl(struct dxgkpm_kt *kt, HANDLE amo, size_t offset,
			 size_t size, u32 flags, DXGK_ADL **adl)
{
	DXGKARGCB_ALLOCATE_ADL a = {
		.hAdapterMemoryObject = amo,
		.Offset = offset,
		.Size = size,
		.Flags.Value = flags,
		.pAdl = DXGKPM_CALL_JUNK_PTR,
	};
	NTSTATUS status;

	status = kt->iface.DxgkCbAllocateAdl(&a);
	*adl = a.pAdl;
	return status;
}

/**
 * dxgkpm_call_adl_ok() - an ADL, which must be made
 * @test: the test; it stops unless the ADL is made with its page count
 * @kt: the adapter whose interface the call goes through
 * @amo: hAdapterMemoryObject
 * @offset: first byte, a page multiple
 * @size: bytes, a page multiple
 * @flags: DXGKPM_CALL_REQUIRE and/or DXGKPM_CALL_PREFER
 *
 * Return: the ADL.
 */
DXGK_ADL *dxgkpm_call_adl_ok(struct kunit *test, struct dxgkpm_kt *kt,
			     HANDLE amo, size_t offset, size_t size,
			     u32 flags)
{
	DXGK_ADL *adl;

	KUNIT_ASSERT_EQ(test, dxgkpm_call_adl(kt, amo, offset, size, flags,
					      &adl), STATUS_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, adl);
	KUNIT_ASSERT_EQ(test, adl->PageCount, (UINT32)(size >> PAGE_SHIFT));
	return adl;
}

/**
 * dxgkpm_call_free_adl() - DxgkCbFreeAdl
 * @kt: the adapter whose interface the call goes through
 * @amo: hAdapterMemoryObject the ADL was made of
 * @adl: the ADL
 */
void dxgkpm_call_free_adl(struct dxgkpm_kt *kt, HANDLE amo, DXGK_ADL *adl)
{
	DXGKARGCB_FREE_ADL f = {
		.hAdapterMemoryObject = amo,
		.pAdl = adl,
	};

	kt->iface.DxgkCbFreeAdl(&f);
}

/**
 * dxgkpm_call_adl_addr() - device address of a page of an ADL
 * @adl: the ADL, read the way a DXGK caller reads it
 * @index: page index, below PageCount
 *
 * Return: the address.
 */
dma_addr_t dxgkpm_call_adl_addr(const DXGK_ADL *adl, u32 index)
{
	DXGK_PAGE_NUMBER page = adl->Flags.Contiguous ?
				adl->BasePageNumber + index :
				adl->Pages[index];

	return (dma_addr_t)page << PAGE_SHIFT;
}
