// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * WDDM 2.4 allocations and mappings: the objects behind the hMemoryHandle
 * of DxgkCbAllocateContiguousMemory, DxgkCbAllocatePagesForMdl and
 * DxgkCbMapMdlToIoMmu (their DXGK entry points are in ddi/wddm24.c).
 *
 * They are built on the objects of the WDDM 2.9 service, not beside them.
 * An allocation is a physical memory object created for, and opened on,
 * its adapter (so mapped into the adapter's DMA address space, the one
 * shared by linked adapters), with an ADL over all of it that keeps it
 * mapped for the allocation's whole lifetime, and for contiguous memory a
 * kernel view. The object's own handles are retired at once: the memory
 * can be reached through the allocation's handle only. A mapping holds a
 * reference on each of a caller's pages (dxgkpm_pages_get_pfns()) and maps
 * them the way an ADL maps an object's pages, so that the pages cannot be
 * freed and reused while the device can still reach them.
 *
 * Every allocation is tracked on its adapter: it is refused with any other
 * adapter and by the calls for the other two kinds, and whatever a driver
 * leaves behind is freed, with a leak report, when the adapter is
 * unregistered.
 *
 * Device addresses. Windows' 2.4 isolation maps memory 1:1, so a driver
 * programs its GPU with the physical addresses it already knows. So does
 * dxgkpm for a driver that asked for the interface at WDDM 2.4 to 2.8:
 * its adapter is in an identity space (dxgkpm_space_isolate()), where
 * every page is mapped for the device at its physical address and nothing
 * else is. A driver of WDDM 2.9 or later has an adapter that remaps
 * (ADLs), and its 2.4 memory is mapped in that same address space: the
 * device reaches it at I/O virtual addresses unrelated to the physical
 * ones. dxgkpm_memory_dma_address() gives the device address of any byte
 * in either model. Without a translating IOMMU the addresses are physical.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "object/object.h"

/**
 * struct dxgkpm_mem24 - a WDDM 2.4 allocation or mapping (hMemoryHandle)
 * @obj: handle and reference; the creator's reference belongs to whoever
 *	takes the allocation off @node, and is dropped once it is freed.
 * @type: what it is.
 * @adapter: the adapter it was made on (reference held).
 * @node: in @adapter->mem24s while alive, under @adapter->lock; empty
 *	before publication and from the moment freeing starts.
 * @size: bytes described.
 * @caller: where the driver made it, for leak reports.
 * @pmo: the backing object (allocations; reference held).
 * @amo: its attachment to @adapter (allocations; reference held).
 * @adl: ADL over the whole object, keeping it mapped (allocations).
 * @vaddr: kernel view (contiguous memory).
 * @vsize: size of that view.
 * @page_list: the description of the pages the DDI layer built for its
 *	caller (dxgkpm_mem24_set_page_list()), kvfree()d with them.
 * @offset: offset of the first byte in the first page (mapping).
 * @npages: pages of the mapping.
 * @pages: those pages, each with a reference (mapping).
 * @map: @pages, as mapped for @adapter (mapping).
 * @pn: device page number of each of @pages (mapping).
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
	void *page_list;
	size_t offset;
	pgoff_t npages;
	struct page **pages;
	struct dxgkpm_dma_map map;
	unsigned long *pn;
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

static void dxgkpm_mem24_release(struct dxgkpm_obj *obj)
{
	struct dxgkpm_mem24 *mem = container_of(obj, struct dxgkpm_mem24, obj);

	dxgkpm_adapter_put(mem->adapter);
	kfree(mem);
}

/**
 * dxgkpm_mem24_new() - a new, empty, unpublished WDDM 2.4 allocation
 * @adapter: the adapter it is made on; must be live
 * @type: what it will be
 * @size: bytes it describes (0 for a mapping: dxgkpm_mem24_map_pfns() sets
 *	it)
 * @caller: where the driver made it, for leak reports
 *
 * Fill it with dxgkpm_mem24_alloc() or dxgkpm_mem24_map_pfns(), then
 * dxgkpm_mem24_publish() it; dxgkpm_mem24_put() drops it before that.
 *
 * Context: process context, may sleep.
 * Return: the allocation, or ERR_PTR(-ENOMEM) or ERR_PTR(-ENODEV) if
 * @adapter is going away.
 */
struct dxgkpm_mem24 *dxgkpm_mem24_new(struct dxgkpm_adapter *adapter,
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

/**
 * dxgkpm_mem24_put() - drop a reference to an allocation
 * @mem: the allocation
 *
 * Context: process context, may sleep.
 */
void dxgkpm_mem24_put(struct dxgkpm_mem24 *mem)
{
	dxgkpm_obj_put(&mem->obj);
}

/**
 * dxgkpm_mem24_publish() - give a complete allocation its handle
 * @mem: from dxgkpm_mem24_new(), filled
 * @handle: out: its handle
 *
 * The handle and the adapter's list are set in one step under the
 * adapter's lock, so that unregistration either finds the allocation or
 * makes this fail. From then on the creator's reference is the list's: the
 * caller must not touch @mem any more.
 *
 * Context: process context, may sleep.
 * Return: 0; -ENODEV if the adapter is going away; -ENOMEM.
 */
int dxgkpm_mem24_publish(struct dxgkpm_mem24 *mem, u64 *handle)
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
 * Look up @handle for a call on @adapter that expects @type. Returns 0
 * with the allocation and a reference in *@memp; -ENOENT for no live
 * allocation, -EXDEV for one of another adapter, -EMEDIUMTYPE for one of
 * another type.
 */
static int dxgkpm_mem24_get(struct dxgkpm_adapter *adapter, u64 handle,
			    enum dxgkpm_mem24_type type,
			    struct dxgkpm_mem24 **memp)
{
	struct dxgkpm_obj *obj;
	struct dxgkpm_mem24 *mem;
	int ret;

	obj = dxgkpm_handle_get(handle, DXGKPM_KIND_MEM24);
	if (!obj)
		return -ENOENT;
	mem = container_of(obj, struct dxgkpm_mem24, obj);
	if (mem->adapter != adapter)
		ret = -EXDEV;
	else if (mem->type != type)
		ret = -EMEDIUMTYPE;
	else
		ret = 0;
	if (ret) {
		dxgkpm_obj_put(obj);
		return ret;
	}
	*memp = mem;
	return 0;
}

/* ------------------------------------------------- object-backed memory */

/*
 * Undo dxgkpm_mem24_alloc(). Each step tolerates what an unregistration
 * racing with a driver's call may already have torn down.
 */
static void dxgkpm_mem24_free_object(struct dxgkpm_mem24 *mem)
{
	int ret;

	kvfree(mem->page_list);
	mem->page_list = NULL;
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

/**
 * dxgkpm_mem24_alloc() - the memory of a new allocation
 * @mem: from dxgkpm_mem24_new(), of type DXGKPM_MEM24_CONTIGUOUS or
 *	DXGKPM_MEM24_PAGES
 * @desc: the object to create
 * @adl_flags: flags of the ADL that maps all of it
 *
 * Creates the object on the allocation's adapter, hidden from the handle
 * table, maps all of it with one ADL and, for contiguous memory, makes a
 * kernel view of it (dxgkpm_mem24_vaddr()). Undone by
 * dxgkpm_mem24_discard() until the allocation is published.
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno, with nothing left.
 */
int dxgkpm_mem24_alloc(struct dxgkpm_mem24 *mem,
		       const struct dxgkpm_pmo_desc *desc, u32 adl_flags)
{
	size_t offset = 0, size = mem->size;
	int ret;

	ret = dxgkpm_pmo_create_ref(desc, mem->adapter, desc->context,
				    &mem->pmo, &mem->amo);
	if (ret)
		return ret;
	/* Reachable through the allocation's handle only. */
	dxgkpm_pmo_hide(mem->pmo);

	ret = dxgkpm_adl_alloc(mem->amo, 0,
			       (size_t)mem->pmo->mem.npages << PAGE_SHIFT,
			       adl_flags, &mem->adl);
	if (ret)
		goto err_free_object;
	if (mem->type == DXGKPM_MEM24_CONTIGUOUS) {
		ret = dxgkpm_map_kernel(mem->pmo, &offset, &size, &mem->vaddr);
		if (ret)
			goto err_free_object;
		mem->vsize = size;
	}
	return 0;

err_free_object:
	dxgkpm_mem24_free_object(mem);
	return ret;
}

/**
 * dxgkpm_mem24_discard() - undo dxgkpm_mem24_alloc() and drop the allocation
 * @mem: an allocation that was never published
 *
 * Context: process context, may sleep.
 */
void dxgkpm_mem24_discard(struct dxgkpm_mem24 *mem)
{
	dxgkpm_mem24_free_object(mem);
	dxgkpm_mem24_put(mem);
}

/**
 * dxgkpm_mem24_vaddr() - kernel view of unpublished contiguous memory
 * @mem: from dxgkpm_mem24_alloc()
 *
 * Context: any.
 * Return: the view, or NULL for other types.
 */
void *dxgkpm_mem24_vaddr(const struct dxgkpm_mem24 *mem)
{
	return mem->vaddr;
}

/**
 * dxgkpm_mem24_pages() - pages of an unpublished allocation
 * @mem: from dxgkpm_mem24_alloc()
 * @npages: out: their number
 *
 * Context: any.
 * Return: the object's page array.
 */
struct page **dxgkpm_mem24_pages(const struct dxgkpm_mem24 *mem,
				 pgoff_t *npages)
{
	*npages = mem->pmo->mem.npages;
	return mem->pmo->mem.pages;
}

/**
 * dxgkpm_mem24_set_page_list() - keep the DDI layer's list of the pages
 * @mem: an unpublished allocation
 * @page_list: from kvmalloc(); kvfree()d when the allocation is freed
 *
 * Context: any.
 */
void dxgkpm_mem24_set_page_list(struct dxgkpm_mem24 *mem, void *page_list)
{
	mem->page_list = page_list;
}

/* ------------------------------------------------------ caller's pages */

/* Map the pages of a mapping for its adapter. */
static int dxgkpm_mem24_map_pages(struct dxgkpm_mem24 *mem)
{
	int ret;

	mem->pn = kvmalloc_array(mem->npages, sizeof(*mem->pn), GFP_KERNEL);
	if (!mem->pn)
		return -ENOMEM;
	ret = dxgkpm_space_map_pages(&mem->adapter->dma, mem->pages, mem->npages,
				     mem->pn, &mem->map);
	if (ret)
		goto err_free_pn;
	return 0;

err_free_pn:
	kvfree(mem->pn);
	mem->pn = NULL;
	return ret;
}

/* Undo dxgkpm_mem24_map_pages(). */
static void dxgkpm_mem24_unmap_pages(struct dxgkpm_mem24 *mem)
{
	dxgkpm_space_unmap_pages(&mem->adapter->dma, &mem->map);
	kvfree(mem->pn);
	mem->pn = NULL;
}

/* Drop the pages' references dxgkpm_mem24_map_pfns() took. */
static void dxgkpm_mem24_put_pages(struct dxgkpm_mem24 *mem)
{
	dxgkpm_pages_put_pfns(mem->pages, mem->npages);
	kvfree(mem->pages);
	mem->pages = NULL;
}

/**
 * dxgkpm_mem24_map_pfns() - map a caller's pages and publish the mapping
 * @mem: from dxgkpm_mem24_new(), of type DXGKPM_MEM24_MAPPING
 * @pfns: page frame numbers of the pages
 * @npages: number of them
 * @offset: offset of the first byte in the first page
 * @size: bytes from there
 * @handle: out: the mapping's handle
 *
 * A reference is taken on every page until the mapping is freed, so that
 * no page can be reused while the device can reach it. On success the
 * creator's reference is the adapter's list's (see dxgkpm_mem24_publish());
 * on error, drop it with dxgkpm_mem24_put().
 *
 * Context: process context, may sleep.
 * Return: 0; -EFAULT, with nothing mapped, for a frame that is not a page
 * in use (dxgkpm_pages_get_pfns()); -ENODEV if the adapter is going away;
 * -ENOMEM or an error of the DMA space.
 */
int dxgkpm_mem24_map_pfns(struct dxgkpm_mem24 *mem, const unsigned long *pfns,
			  pgoff_t npages, size_t offset, size_t size,
			  u64 *handle)
{
	int ret;

	mem->offset = offset;
	mem->size = size;
	mem->npages = npages;
	mem->pages = kvmalloc_array(npages, sizeof(*mem->pages), GFP_KERNEL);
	if (!mem->pages)
		return -ENOMEM;
	ret = dxgkpm_pages_get_pfns(pfns, npages, mem->pages);
	if (ret)
		goto err_free_pages;
	/* Unregistration must not find this mapping half made. */
	ret = dxgkpm_adapter_enter(mem->adapter);
	if (ret)
		goto err_put_pages;
	ret = dxgkpm_mem24_map_pages(mem);
	if (ret)
		goto err_exit_adapter;
	ret = dxgkpm_mem24_publish(mem, handle);
	if (ret)
		goto err_unmap_pages;
	dxgkpm_adapter_exit(mem->adapter);
	return 0;

err_unmap_pages:
	dxgkpm_mem24_unmap_pages(mem);
err_exit_adapter:
	dxgkpm_adapter_exit(mem->adapter);
err_put_pages:
	dxgkpm_pages_put_pfns(mem->pages, npages);
err_free_pages:
	kvfree(mem->pages);
	mem->pages = NULL;
	return ret;
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
 * dxgkpm_mem24_free() - free a live allocation or mapping
 * @adapter: the adapter it must have been made on
 * @handle: its handle
 * @type: the type it must have
 *
 * Context: process context, may sleep.
 * Return: 0; -ENOENT if @handle is no live allocation, -EXDEV if it is one
 * of another adapter, -EMEDIUMTYPE if it is of another type, -EALREADY if
 * another call is freeing it; nothing is freed on error.
 */
int dxgkpm_mem24_free(struct dxgkpm_adapter *adapter, u64 handle,
		      enum dxgkpm_mem24_type type)
{
	struct dxgkpm_mem24 *mem;
	int ret;

	ret = dxgkpm_mem24_get(adapter, handle, type, &mem);
	if (ret)
		return ret;
	if (dxgkpm_mem24_claim(mem))
		dxgkpm_mem24_destroy(mem);
	else
		ret = -EALREADY;
	dxgkpm_obj_put(&mem->obj);
	return ret;
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
			mem->pmo ? dxgkpm_caching_name(mem->pmo->mem.caching) :
				   "caller's pages",
			(void *)mem->caller);
		dxgkpm_mem24_destroy(mem);
		leaked++;
	}
	return leaked;
}

/* ------------------------------------------------------- native access */

/* Device address of byte @offset (< size) of a live allocation. */
static dma_addr_t dxgkpm_mem24_dma(const struct dxgkpm_mem24 *mem,
				   size_t offset)
{
	if (mem->type == DXGKPM_MEM24_MAPPING) {
		offset += mem->offset;
		return PFN_PHYS(mem->pn[offset >> PAGE_SHIFT]) +
		       offset_in_page(offset);
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
	obj = dxgkpm_handle_get((u64)(uintptr_t)memory, DXGKPM_KIND_MEM24);
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
