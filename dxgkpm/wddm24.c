// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The WDDM 2.4 IOMMU isolation callbacks of DXGKRNL_INTERFACE:
 * DxgkCbAllocateContiguousMemory / DxgkCbFreeContiguousMemory,
 * DxgkCbAllocatePagesForMdl / DxgkCbFreePagesFromMdl and
 * DxgkCbMapMdlToIoMmu / DxgkCbUnmapMdlFromIoMmu.
 *
 * They are built on the objects of the WDDM 2.9 service, not beside them.
 * An allocation is a physical memory object created for, and opened on,
 * hAdapter (so mapped into the adapter's DMA address space, the one shared
 * by linked adapters), with an ADL over all of it that keeps it mapped for
 * the allocation's whole lifetime, and for contiguous memory a kernel view,
 * which is pMemory. The object's own handles are retired at once: the
 * memory can be reached through its hMemoryHandle only. A caller's MDL is
 * mapped the way an attachment maps an object's pages, with a reference on
 * every page until the unmap, so that the pages cannot be freed and
 * reused while the device can still reach them.
 *
 * Every hMemoryHandle is tracked on its adapter: it is refused with any
 * other hAdapter and by the callbacks for the other two kinds, and whatever
 * a driver leaves behind is freed, with a leak report, when the adapter is
 * unregistered.
 *
 * Device addresses. Windows' 2.4 isolation maps memory 1:1, so a driver
 * programs its GPU with the physical addresses it already knows: the PFNs
 * of an MDL, MmGetPhysicalAddress() of contiguous memory. So does dxgkpm
 * for a driver that asked for the interface at WDDM 2.4 to 2.8: its
 * adapter is in an identity space (dxgkpm_space_isolate()), where every
 * page is mapped for the device at its physical address and nothing else
 * is. A driver of WDDM 2.9 or later has an adapter that remaps (ADLs), and
 * its 2.4 memory is mapped in that same address space: the device reaches
 * it at I/O virtual addresses unrelated to the physical ones, and the PFNs
 * in an MDL stay CPU page frame numbers, for pfn_to_page() and the like.
 * dxgkpm_memory_dma_address() gives the device address of any byte in
 * either model. Without a translating IOMMU the addresses are physical.
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

#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/limits.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "internal.h"
#include "trace.h"

/* Bytes one MDL can describe, and one call can allocate or map. */
#define DXGKPM_MDL_MAX_BYTES	(SZ_4G - PAGE_SIZE)

/**
 * enum dxgkpm_mem24_type - which callback made a WDDM 2.4 allocation
 * @DXGKPM_MEM24_CONTIGUOUS: DxgkCbAllocateContiguousMemory
 * @DXGKPM_MEM24_PAGES: DxgkCbAllocatePagesForMdl
 * @DXGKPM_MEM24_MAPPING: DxgkCbMapMdlToIoMmu
 */
enum dxgkpm_mem24_type {
	DXGKPM_MEM24_CONTIGUOUS,
	DXGKPM_MEM24_PAGES,
	DXGKPM_MEM24_MAPPING,
};

/**
 * struct dxgkpm_mem24 - a WDDM 2.4 allocation or mapping (hMemoryHandle)
 * @obj: handle and reference; the creator's reference belongs to whoever
 *	takes the allocation off @node, and is dropped once it is freed.
 * @type: what it is.
 * @adapter: the adapter it was made on (reference held).
 * @node: in @adapter->mem24s while alive, under @adapter->lock; empty
 *	before publication and from the moment freeing starts.
 * @size: bytes described: NumberOfBytes, TotalBytes or the MDL's ByteCount.
 * @caller: where the driver made it, for leak reports.
 * @pmo: the backing object (allocations; reference held).
 * @amo: its attachment to @adapter (allocations; reference held).
 * @adl: ADL over the whole object, keeping it mapped (allocations).
 * @vaddr: kernel view, pMemory (contiguous memory).
 * @vsize: size of that view.
 * @mdl: the MDL handed out (pages for an MDL).
 * @offset: ByteOffset of the caller's MDL (mapping).
 * @npages: pages of the caller's MDL (mapping).
 * @pages: those pages, each with a reference (mapping).
 * @map: @pages, as mapped for @adapter (mapping).
 * @dma: device address of each of @pages (mapping).
 */
struct dxgkpm_mem24 {
	struct dxgkpm_obj obj;
	enum dxgkpm_mem24_type type;
	struct dxgkpm_adapter *adapter;
	struct list_head node;
	size_t size;
	unsigned long caller;
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_amo *amo;
	struct dxgkpm_adl *adl;
	void *vaddr;
	size_t vsize;
	MDL *mdl;
	size_t offset;
	pgoff_t npages;
	struct page **pages;
	struct dxgkpm_dma_map map;
	dma_addr_t *dma;
};

static const char *dxgkpm_mem24_name(const struct dxgkpm_mem24 *mem)
{
	switch (mem->type) {
	case DXGKPM_MEM24_CONTIGUOUS:
		return "contiguous memory";
	case DXGKPM_MEM24_PAGES:
		return "pages for MDL";
	default:
		return "MDL mapping";
	}
}

static bool dxgkpm_cache_type_valid(DXGK_MEMORY_CACHING_TYPE type)
{
	return (unsigned int)type <= DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED;
}

static void dxgkpm_mem24_release(struct dxgkpm_obj *obj)
{
	struct dxgkpm_mem24 *mem = container_of(obj, struct dxgkpm_mem24, obj);

	dxgkpm_adapter_put(mem->adapter);
	kfree(mem);
}

/* A new, unpublished allocation on a live adapter, or an ERR_PTR(). */
static struct dxgkpm_mem24 *dxgkpm_mem24_new(struct dxgkpm_adapter *adapter,
					     enum dxgkpm_mem24_type type,
					     size_t size, unsigned long caller)
{
	struct dxgkpm_mem24 *mem;

	mem = kzalloc(sizeof(*mem), GFP_KERNEL);
	if (!mem)
		return ERR_PTR(-ENOMEM);
	if (!dxgkpm_adapter_get_live(adapter)) {
		kfree(mem);
		return ERR_PTR(-ENODEV);
	}
	dxgkpm_obj_init(&mem->obj, DXGKPM_KIND_MEM24, dxgkpm_mem24_release);
	mem->type = type;
	mem->adapter = adapter;
	INIT_LIST_HEAD(&mem->node);
	mem->size = size;
	mem->caller = caller;
	return mem;
}

/*
 * Give a complete allocation its handle and put it on its adapter, in one
 * step under the adapter's lock, so that unregistration either finds it or
 * makes this fail. From then on the creator's reference is the list's: the
 * caller must not touch @mem any more.
 */
static int dxgkpm_mem24_publish(struct dxgkpm_mem24 *mem, u64 *handle)
{
	struct dxgkpm_adapter *adapter = mem->adapter;
	int ret;

	mutex_lock(&adapter->lock);
	if (adapter->dead) {
		ret = -ENODEV;
		goto out_unlock;
	}
	ret = dxgkpm_handle_publish(&mem->obj);
	if (ret)
		goto out_unlock;
	list_add_tail(&mem->node, &adapter->mem24s);
	*handle = mem->obj.handle;
out_unlock:
	mutex_unlock(&adapter->lock);
	return ret;
}

/* Take a live allocation off its adapter: true if this call did it. */
static bool dxgkpm_mem24_claim(struct dxgkpm_mem24 *mem)
{
	bool live;

	mutex_lock(&mem->adapter->lock);
	live = !list_empty(&mem->node);
	list_del_init(&mem->node);
	mutex_unlock(&mem->adapter->lock);
	return live;
}

/* Take the first live allocation off an adapter, or return NULL. */
static struct dxgkpm_mem24 *dxgkpm_mem24_pop(struct dxgkpm_adapter *adapter)
{
	struct dxgkpm_mem24 *mem;

	mutex_lock(&adapter->lock);
	mem = list_first_entry_or_null(&adapter->mem24s, struct dxgkpm_mem24,
				       node);
	if (mem)
		list_del_init(&mem->node);
	mutex_unlock(&adapter->lock);
	return mem;
}

/*
 * Look up hMemoryHandle for a call on @adapter that expects @type. Returns
 * the allocation with a reference, or NULL with the reason in *@why.
 */
static struct dxgkpm_mem24 *dxgkpm_mem24_get(struct dxgkpm_adapter *adapter,
					     HANDLE handle,
					     enum dxgkpm_mem24_type type,
					     const char **why)
{
	struct dxgkpm_obj *obj;
	struct dxgkpm_mem24 *mem;

	obj = dxgkpm_handle_get(dxgkpm_h2u(handle), DXGKPM_KIND_MEM24);
	if (!obj) {
		*why = "invalid hMemoryHandle";
		return NULL;
	}
	mem = container_of(obj, struct dxgkpm_mem24, obj);
	if (mem->adapter != adapter)
		*why = "hMemoryHandle belongs to another adapter";
	else if (mem->type != type)
		*why = "hMemoryHandle is another kind of allocation";
	else
		return mem;
	dxgkpm_obj_put(obj);
	return NULL;
}

/* ------------------------------------------------- object-backed memory */

/* Describe the pages of an object in a new MDL, the way Mm would. */
static int dxgkpm_mem24_build_mdl(struct dxgkpm_mem24 *mem)
{
	struct dxgkpm_pmo *pmo = mem->pmo;
	PPFN_NUMBER pfns;
	pgoff_t i;

	mem->mdl = kvmalloc(MmSizeOfMdl(NULL, mem->size), GFP_KERNEL);
	if (!mem->mdl)
		return -ENOMEM;
	/* Size as MmInitializeMdl() leaves it (a CSHORT: it wraps). */
	MmInitializeMdl(mem->mdl, NULL, mem->size);
	mem->mdl->MdlFlags = MDL_PAGES_LOCKED;
	pfns = MmGetMdlPfnArray(mem->mdl);
	for (i = 0; i < pmo->npages; i++)
		pfns[i] = page_to_pfn(pmo->pages[i]);
	return 0;
}

/*
 * Undo dxgkpm_mem24_alloc_object(). Each step tolerates what an
 * unregistration racing with a driver's call may already have torn down.
 */
static void dxgkpm_mem24_free_object(struct dxgkpm_mem24 *mem)
{
	int ret;

	kvfree(mem->mdl);
	mem->mdl = NULL;
	if (mem->vaddr)
		dxgkpm_unmap_kernel(mem->pmo, mem->vaddr, mem->vsize);
	mem->vaddr = NULL;
	if (mem->adl)
		dxgkpm_adl_free(mem->amo, mem->adl);
	mem->adl = NULL;
	/* Closes the attachment too, unmapping the object. */
	ret = dxgkpm_pmo_destroy(mem->pmo, NULL);
	WARN_ON_ONCE(ret && ret != -ENOENT);
	dxgkpm_amo_put(mem->amo);
	dxgkpm_pmo_put(mem->pmo);
	mem->amo = NULL;
	mem->pmo = NULL;
}

/*
 * Create the object of an allocation on its adapter, map all of it with one
 * ADL and give the driver its way in: a kernel view of contiguous memory,
 * an MDL of pages.
 */
static int dxgkpm_mem24_alloc_object(struct dxgkpm_mem24 *mem,
				     const struct dxgkpm_pmo_desc *desc,
				     u32 adl_flags)
{
	size_t offset = 0, size = mem->size;
	int ret;

	ret = dxgkpm_pmo_create_ref(desc, mem->adapter, desc->context,
				    &mem->pmo, &mem->amo);
	if (ret)
		return ret;
	/* Reachable through hMemoryHandle only, not as a 2.9 object. */
	dxgkpm_handle_retire(&mem->amo->obj);
	dxgkpm_handle_retire(&mem->pmo->obj);

	ret = dxgkpm_adl_alloc(mem->amo, 0,
			       (size_t)mem->pmo->npages << PAGE_SHIFT,
			       adl_flags, &mem->adl);
	if (ret)
		goto err_free_object;
	if (mem->type == DXGKPM_MEM24_CONTIGUOUS) {
		ret = dxgkpm_map_kernel(mem->pmo, &offset, &size, &mem->vaddr);
		if (ret)
			goto err_free_object;
		mem->vsize = size;
	} else {
		ret = dxgkpm_mem24_build_mdl(mem);
		if (ret)
			goto err_free_object;
	}
	return 0;

err_free_object:
	dxgkpm_mem24_free_object(mem);
	return ret;
}

/* ------------------------------------------------------ caller's MDLs */

/*
 * Read the span of a caller's MDL into @mem, if its header is sane: a
 * non-empty span that starts in its first page, is at most
 * DXGKPM_MDL_MAX_BYTES long, and a Size that holds the PFN array. Size is
 * a CSHORT: for an MDL whose size it cannot hold, it must be what
 * MmInitializeMdl() leaves there. Each field is read once, so what was
 * checked is what is used.
 */
static int dxgkpm_mem24_mdl_span(struct dxgkpm_mem24 *mem, const MDL *mdl)
{
	ULONG offset = READ_ONCE(mdl->ByteOffset);
	ULONG count = READ_ONCE(mdl->ByteCount);
	CSHORT size = READ_ONCE(mdl->Size);
	size_t span, need;
	pgoff_t npages;

	if (!count || offset >= PAGE_SIZE)
		return -EINVAL;
	span = (size_t)offset + count;
	if (span > DXGKPM_MDL_MAX_BYTES)
		return -EINVAL;
	npages = PAGE_ALIGN(span) >> PAGE_SHIFT;
	need = sizeof(*mdl) + npages * sizeof(PFN_NUMBER);
	if (need <= S16_MAX ? size < (CSHORT)need : size != (CSHORT)need)
		return -EINVAL;
	mem->offset = offset;
	mem->size = count;
	mem->npages = npages;
	return 0;
}

/* Drop the references dxgkpm_get_pfn() took. */
static void dxgkpm_put_pages(struct page **pages, pgoff_t npages)
{
	pgoff_t i;

	for (i = 0; i < npages; i++)
		put_page(pages[i]);
}

/*
 * The page of a PFN, with a reference, if it is an online page that is in
 * use (memory the page allocator handed out: never a free page, a hole,
 * device memory or a reserved page such as the kernel image). The
 * reference is taken on the folio, as GUP does, so that a page of a
 * compound allocation (a THP, a large kmalloc) is accepted and pinned
 * whole; a tail page of a non-compound block has no reference count and is
 * refused.
 */
static struct page *dxgkpm_get_pfn(unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);
	struct folio *folio;

	if (!page || PageReserved(page))
		return NULL;
	folio = page_folio(page);
	if (!folio_try_get(folio))
		return NULL;
	/* It may have been freed and reused as part of another folio. */
	if (unlikely(page_folio(page) != folio)) {
		folio_put(folio);
		return NULL;
	}
	return page;
}

/*
 * Take a reference on every page of a caller's MDL. Returns 0, -ENOMEM, or
 * -EFAULT (with no reference kept) for a PFN that is not a page in use.
 */
static int dxgkpm_mem24_get_pages(struct dxgkpm_mem24 *mem, const MDL *mdl)
{
	const PFN_NUMBER *pfns = MmGetMdlPfnArray(mdl);
	pgoff_t i;

	mem->pages = kvmalloc_array(mem->npages, sizeof(*mem->pages),
				    GFP_KERNEL);
	if (!mem->pages)
		return -ENOMEM;
	for (i = 0; i < mem->npages; i++) {
		mem->pages[i] = dxgkpm_get_pfn(pfns[i]);
		if (!mem->pages[i])
			goto err_put_pages;
		cond_resched();
	}
	return 0;

err_put_pages:
	dxgkpm_put_pages(mem->pages, i);
	kvfree(mem->pages);
	mem->pages = NULL;
	return -EFAULT;
}

/* Undo dxgkpm_mem24_get_pages(). */
static void dxgkpm_mem24_put_pages(struct dxgkpm_mem24 *mem)
{
	dxgkpm_put_pages(mem->pages, mem->npages);
	kvfree(mem->pages);
	mem->pages = NULL;
}

/* Map the pages of a caller's MDL for the allocation's adapter. */
static int dxgkpm_mem24_map_pages(struct dxgkpm_mem24 *mem)
{
	int ret;

	mem->dma = kvmalloc_array(mem->npages, sizeof(*mem->dma), GFP_KERNEL);
	if (!mem->dma)
		return -ENOMEM;
	ret = dxgkpm_space_map_pages(mem->adapter, mem->pages, mem->npages,
				     mem->dma, &mem->map);
	if (ret)
		goto err_free_dma;
	return 0;

err_free_dma:
	kvfree(mem->dma);
	mem->dma = NULL;
	return ret;
}

/* Undo dxgkpm_mem24_map_pages(). */
static void dxgkpm_mem24_unmap_pages(struct dxgkpm_mem24 *mem)
{
	dxgkpm_space_unmap_pages(mem->adapter, &mem->map);
	kvfree(mem->dma);
	mem->dma = NULL;
}

/* ------------------------------------------------------------ lifetime */

/* Free a claimed allocation and drop the creator's reference. */
static void dxgkpm_mem24_destroy(struct dxgkpm_mem24 *mem)
{
	dxgkpm_handle_retire(&mem->obj);
	if (mem->type == DXGKPM_MEM24_MAPPING) {
		/* The device loses access before the pages can go. */
		dxgkpm_mem24_unmap_pages(mem);
		dxgkpm_mem24_put_pages(mem);
	} else {
		dxgkpm_mem24_free_object(mem);
	}
	dxgkpm_obj_put(&mem->obj);
}

/**
 * dxgkpm_wddm24_teardown() - free what a driver left on an adapter
 * @adapter: adapter being unregistered (already marked dead, so nothing
 *	new can be added)
 * @why: who is tearing it down, for the report
 *
 * Every WDDM 2.4 allocation and mapping still alive on @adapter is freed,
 * each named in a leak report.
 *
 * Context: process context, may sleep.
 * Return: the number of allocations and mappings freed.
 */
unsigned int dxgkpm_wddm24_teardown(struct dxgkpm_adapter *adapter,
				    const char *why)
{
	struct dxgkpm_mem24 *mem;
	unsigned int leaked = 0;

	might_sleep();
	while ((mem = dxgkpm_mem24_pop(adapter))) {
		pr_warn("%s: leaked %s %#llx: %zu bytes, %s, from %pS\n",
			why, dxgkpm_mem24_name(mem), mem->obj.handle,
			mem->size,
			mem->pmo ? dxgkpm_caching_name(mem->pmo->caching) :
				   "caller's pages",
			(void *)mem->caller);
		dxgkpm_mem24_destroy(mem);
		leaked++;
	}
	return leaked;
}

/* The free and unmap callbacks: look up, check, claim, destroy. */
static NTSTATUS dxgkpm_mem24_free(const char *call, HANDLE hAdapter,
				  HANDLE hMemoryHandle,
				  enum dxgkpm_mem24_type type)
{
	struct dxgkpm_adapter *adapter;
	struct dxgkpm_mem24 *mem;
	const char *why;
	int ret = 0;

	adapter = dxgkpm_adapter_get_handle(dxgkpm_h2u(hAdapter));
	if (!adapter)
		return dxgkpm_refuse(call, "invalid hAdapter", -EBADF);
	mem = dxgkpm_mem24_get(adapter, hMemoryHandle, type, &why);
	if (!mem) {
		ret = -EBADF;
		goto out_put_adapter;
	}
	if (dxgkpm_mem24_claim(mem)) {
		dxgkpm_mem24_destroy(mem);
	} else {
		why = "hMemoryHandle is already being freed";
		ret = -EBADF;
	}
	dxgkpm_obj_put(&mem->obj);
out_put_adapter:
	dxgkpm_adapter_put(adapter);
	return ret ? dxgkpm_refuse(call, why, ret) : STATUS_SUCCESS;
}

/*
 * The common part of the two allocation callbacks: the allocation on
 * @hAdapter's adapter, an ADL of all of it, and the driver's way in (a
 * kernel view of contiguous memory, the MDL of pages), all published under
 * one handle. On failure nothing is left and the outputs stay as they are.
 */
static NTSTATUS dxgkpm_mem24_create(const char *call, HANDLE hAdapter,
				    enum dxgkpm_mem24_type type,
				    const struct dxgkpm_pmo_desc *desc,
				    u32 adl_flags, void **way_in,
				    HANDLE *hMemoryHandle)
{
	struct dxgkpm_adapter *adapter;
	struct dxgkpm_mem24 *mem;
	void *out;
	u64 handle;
	int ret;

	adapter = dxgkpm_adapter_get_handle(dxgkpm_h2u(hAdapter));
	if (!adapter)
		return dxgkpm_refuse(call, "invalid hAdapter", -EBADF);
	mem = dxgkpm_mem24_new(adapter, type, desc->size, desc->context);
	dxgkpm_adapter_put(adapter);
	if (IS_ERR(mem))
		return dxgkpm_refuse(call, "cannot allocate", PTR_ERR(mem));
	ret = dxgkpm_mem24_alloc_object(mem, desc, adl_flags);
	if (ret)
		goto err_put_mem;
	/* Read before publishing: from then on @mem is its adapter's. */
	out = type == DXGKPM_MEM24_CONTIGUOUS ? mem->vaddr : (void *)mem->mdl;
	ret = dxgkpm_mem24_publish(mem, &handle);
	if (ret)
		goto err_free_object;
	*hMemoryHandle = dxgkpm_u2h(handle);
	*way_in = out;
	return STATUS_SUCCESS;

err_free_object:
	dxgkpm_mem24_free_object(mem);
err_put_mem:
	dxgkpm_obj_put(&mem->obj);
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

	return dxgkpm_mem24_create(call, hAdapter, DXGKPM_MEM24_CONTIGUOUS,
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
		dxgkpm_h2u(args->hMemoryHandle) : 0, DXGKPM_MEM_CONTIGUOUS,
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
	return dxgkpm_mem24_free(call, hAdapter, args->hMemoryHandle,
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
		dxgkpm_h2u(args->hMemoryHandle) : 0, DXGKPM_MEM_CONTIGUOUS, -1,
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
	struct dxgkpm_page_req req;
	void *way_in = NULL;
	NTSTATUS status;
	int ret;

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
	/* Only to name the problem: creating the object checks it again. */
	ret = dxgkpm_mdl_request(PAGE_ALIGN(desc.size) >> PAGE_SHIFT,
				 desc.size, desc.pages.low, desc.pages.high,
				 desc.pages.skip, desc.pages.flags, &req);
	if (ret == -EOPNOTSUPP)
		return dxgkpm_refuse(call, "Flags asks for large pages or hot removal",
				     ret);
	if (ret)
		return dxgkpm_refuse(call, "invalid Flags, address window or SkipBytes",
				     ret);

	status = dxgkpm_mem24_create(call, hAdapter, DXGKPM_MEM24_PAGES, &desc,
				     DXGKPM_ADL_PREFER_CONTIGUOUS, &way_in,
				     &args->hMemoryHandle);
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
		dxgkpm_h2u(args->hMemoryHandle) : 0, DXGKPM_MEM_PAGES,
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
	return dxgkpm_mem24_free(call, hAdapter, args->hMemoryHandle,
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
		dxgkpm_h2u(args->hMemoryHandle) : 0, DXGKPM_MEM_PAGES, -1, 0,
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

	adapter = dxgkpm_adapter_get_handle(dxgkpm_h2u(hAdapter));
	if (!adapter)
		return dxgkpm_refuse(call, "invalid hAdapter", -EBADF);
	mem = dxgkpm_mem24_new(adapter, DXGKPM_MEM24_MAPPING, 0, caller);
	dxgkpm_adapter_put(adapter);
	if (IS_ERR(mem))
		return dxgkpm_refuse(call, "cannot map", PTR_ERR(mem));
	ret = dxgkpm_mem24_mdl_span(mem, args->pMdl);
	if (ret) {
		dxgkpm_obj_put(&mem->obj);
		return dxgkpm_refuse(call, "pMdl has a bad ByteCount, ByteOffset or Size",
				     ret);
	}
	ret = dxgkpm_mem24_get_pages(mem, args->pMdl);
	if (ret == -EFAULT) {
		dxgkpm_obj_put(&mem->obj);
		return dxgkpm_refuse(call, "pMdl holds a PFN that is not a page in use",
				     -EINVAL);
	}
	if (ret)
		goto err_put_mem;
	/* Unregistration must not find this mapping half made. */
	ret = dxgkpm_adapter_enter(mem->adapter);
	if (ret)
		goto err_put_pages;
	ret = dxgkpm_mem24_map_pages(mem);
	if (ret)
		goto err_exit_adapter;
	ret = dxgkpm_mem24_publish(mem, &handle);
	if (ret)
		goto err_unmap_pages;
	dxgkpm_adapter_exit(mem->adapter);
	args->hMemoryHandle = dxgkpm_u2h(handle);
	return STATUS_SUCCESS;

err_unmap_pages:
	dxgkpm_mem24_unmap_pages(mem);
err_exit_adapter:
	dxgkpm_adapter_exit(mem->adapter);
err_put_pages:
	dxgkpm_mem24_put_pages(mem);
err_put_mem:
	dxgkpm_obj_put(&mem->obj);
	return dxgkpm_refuse(call, "cannot map", ret);
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
		dxgkpm_h2u(args->hMemoryHandle) : 0, -1, -1,
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
	return dxgkpm_mem24_free(call, hAdapter, args->hMemoryHandle,
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
		dxgkpm_h2u(args->hMemoryHandle) : 0, -1, -1, 0, status);
}

/* ------------------------------------------------------- native access */

/* Device address of byte @offset (< size) of a live allocation. */
static dma_addr_t dxgkpm_mem24_dma(const struct dxgkpm_mem24 *mem,
				   size_t offset)
{
	if (mem->type == DXGKPM_MEM24_MAPPING) {
		offset += mem->offset;
		return mem->dma[offset >> PAGE_SHIFT] + offset_in_page(offset);
	}
	return dxgkpm_adl_dma_address(mem->adl, offset >> PAGE_SHIFT) +
	       offset_in_page(offset);
}

/**
 * dxgkpm_memory_dma_address() - device address of a byte of WDDM 2.4 memory
 * @adapter: the adapter (its DeviceHandle was the hAdapter) the memory was
 *	allocated or mapped on
 * @memory: the hMemoryHandle (a HANDLE) that DxgkCbAllocateContiguousMemory,
 *	DxgkCbAllocatePagesForMdl or DxgkCbMapMdlToIoMmu returned, and nothing
 *	else: pMemory, pMdl and the caller's own MDL are not handles and are
 *	refused like any value that is not a live hMemoryHandle of @adapter
 * @offset: byte offset into the memory the handle stands for, below its
 *	size: for contiguous memory from pMemory, below NumberOfBytes; for
 *	pages for an MDL from the first byte of pMdl's first page, below
 *	TotalBytes; for a mapped MDL from the byte at ByteOffset in its first
 *	page, below ByteCount
 * @addr: out: the address at which @adapter's device (and every device
 *	linked to it) reaches that byte; DMA_MAPPING_ERROR on failure
 *
 * A driver of WDDM 2.4 to 2.8 never needs this: its adapter is in the 2.4
 * isolation model, where the answer is the byte's physical address, the
 * one it derives from its MDL's PFNs or MmGetPhysicalAddress(pMemory), as
 * on Windows. For a driver of WDDM 2.9 or later, whose adapter remaps,
 * it is the only way to the device address of 2.4 memory, which is then
 * an I/O virtual address below the device's DMA mask. An address stays
 * valid until the memory is freed or unmapped. Consecutive bytes are at
 * consecutive addresses within a page, and for contiguous memory
 * throughout.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for a NULL @adapter or @addr, or an @offset beyond the
 * memory; -EBADF if @memory is not a live hMemoryHandle of @adapter.
 */
int dxgkpm_memory_dma_address(struct dxgkpm_adapter *adapter, void *memory,
			      size_t offset, dma_addr_t *addr)
{
	struct dxgkpm_obj *obj;
	struct dxgkpm_mem24 *mem;
	int ret = 0;

	might_sleep();
	if (!adapter || !addr)
		return -EINVAL;
	*addr = DMA_MAPPING_ERROR;
	obj = dxgkpm_handle_get(dxgkpm_h2u(memory), DXGKPM_KIND_MEM24);
	if (!obj)
		return -EBADF;
	mem = container_of(obj, struct dxgkpm_mem24, obj);
	if (mem->adapter != adapter) {
		ret = -EBADF;
		goto out_put;
	}
	if (offset >= mem->size) {
		ret = -EINVAL;
		goto out_put;
	}
	/* Alive as long as it is on the list: freeing takes it off first. */
	mutex_lock(&adapter->lock);
	if (list_empty(&mem->node))
		ret = -EBADF;
	else
		*addr = dxgkpm_mem24_dma(mem, offset);
	mutex_unlock(&adapter->lock);
out_put:
	dxgkpm_obj_put(obj);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_memory_dma_address);
