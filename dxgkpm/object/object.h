/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The object model layer (object/): handles, adapters, physical memory
 * objects, their attachments to adapters (AMOs), ADLs, kernel and user
 * views, dma-buf export and import, WDDM 2.4 allocations. Built on the
 * memory backends (mem/mem.h), the page provider (page/page.h) and the DMA
 * space (dma/dma.h); the DXGK layer (ddi/ddi.h) is built on it.
 *
 * Object graph and references (an arrow holds a reference):
 *
 *   handle table ···> every published object (no reference; see object/handle.c)
 *   adapter  <── pmo (owner, if created with an adapter)
 *   adapter  <── amo ──> pmo
 *   adl ──> (owned by its amo, freed before it)
 *   adapter  <── WDDM 2.4 allocation ──> pmo, amo (mem24.c)
 *   user VMA ──> view file ──> pmo
 */
#ifndef _DXGKPM_OBJECT_H
#define _DXGKPM_OBJECT_H

#include <linux/atomic.h>
#include <linux/dma-direction.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/scatterlist.h>
#include <linux/types.h>

#include <dxgkpm/dxgkpm.h>

#include "dma/dma.h"
#include "mem/mem.h"
#include "page/page.h"
#include "stats.h"

/**
 * DOC: Locking
 *
 * Every lock of dxgkpm, outermost first. A lock is only ever taken while
 * holding locks listed above it (or none); the leaves take nothing of
 * dxgkpm's under them.
 *
 * ==  ==========================  ==========================================
 * #   lock                        protects; nests inside
 * ==  ==========================  ==========================================
 * 1   a process's mmap_lock       (the kernel's) taken by the VMA callbacks
 *                                 before pmo->lock (object/vma.c,
 *                                 object/uview.c); never taken while
 *                                 pmo->lock is held
 * 2   pmo->lock (mutex)           everything hanging off one object: its
 *                                 AMO, ADLs and their quarantine, views,
 *                                 destroyed; a section's pins (through
 *                                 pmo->mem.lock, asserted in mem/section.c).
 *                                 Outermost dxgkpm lock; two objects' locks
 *                                 are never held at once
 * 3   adapter->users (rwsem)      read: an operation attaching mappings to
 *                                 an adapter (dxgkpm_adapter_enter()), under
 *                                 pmo->lock or none; write: unregistration
 *                                 draining them, with no dxgkpm lock held
 * 4   dxgkpm_space_rwsem          read: every mapping, open and close in a
 *     (dma/dmaspace.c)            DMA space, under 2 and 3; write: linking,
 *                                 isolation and DMA mask changes, with no
 *                                 dxgkpm lock held
 * 5   space->lock (mutex,         a shared space's IOVA allocator, identity
 *     dma/dmaspace.c)             counts and limit; inside 4
 * 6   adapter->lock (mutex)       the adapter's lists (pmos, amos, mem24s,
 *                                 imports) and dead; inside pmo->lock, never
 *                                 the other way round
 * 7   dxgkpm_orphans_lock         the list of objects without an owner; the
 *     (object/pmo.c)              owner-less counterpart of 6, inside
 *                                 pmo->lock
 * 8   dxgkpm_adapters_lock        the list of registered adapters; taken
 *     (object/adapter.c)          with none of 2-7 held (debugfs takes it,
 *                                 then an adapter's lock, then each object's
 *                                 lock, one at a time, never nested)
 * 9   exp->lock (mutex,           a dma-buf export's attachments and kernel
 *     object/dmabuf.c)            mapping; taken in the dma-buf callbacks,
 *                                 with no dxgkpm lock held, and nothing of
 *                                 dxgkpm's is taken under it
 * 10  the handle xarray's lock    the handle table (object/handle.c); a
 *     (xa_lock, spinlock)         leaf, taken under any of 2-8
 * 11  each page pool's lock       the pool's blocks and count (page/pool.c);
 *     (spinlock)                  a leaf, no two held at once
 * ==  ==========================  ==========================================
 *
 * A function named ``*_locked`` is called with pmo->lock of the object it
 * works on held, and asserts it with lockdep_assert_held().
 */

/* ------------------------------------------------------------------ handles */

/**
 * enum dxgkpm_kind - what a handle refers to
 * @DXGKPM_KIND_ADAPTER: struct dxgkpm_adapter (DXGKRNL_INTERFACE::DeviceHandle)
 * @DXGKPM_KIND_PMO: struct dxgkpm_pmo (hPhysicalMemoryObject)
 * @DXGKPM_KIND_AMO: struct dxgkpm_amo (hAdapterMemoryObject)
 * @DXGKPM_KIND_MEM24: a WDDM 2.4 allocation or mapping (hMemoryHandle,
 *	mem24.c)
 * @DXGKPM_KIND_COUNT: number of kinds
 */
enum dxgkpm_kind {
	DXGKPM_KIND_ADAPTER = 1,
	DXGKPM_KIND_PMO,
	DXGKPM_KIND_AMO,
	DXGKPM_KIND_MEM24,
	DXGKPM_KIND_COUNT,
};

/**
 * struct dxgkpm_obj - common header of every object that has a handle
 * @ref: lifetime of the containing object.
 * @handle: published handle value; 0 before publication and after retirement.
 * @kind: what the containing object is.
 * @release: frees the containing object when @ref drops to zero.
 */
struct dxgkpm_obj {
	struct kref ref;
	u64 handle;
	enum dxgkpm_kind kind;
	void (*release)(struct dxgkpm_obj *obj);
};

void dxgkpm_obj_init(struct dxgkpm_obj *obj, enum dxgkpm_kind kind,
		     void (*release)(struct dxgkpm_obj *obj));
void dxgkpm_obj_get(struct dxgkpm_obj *obj);
void dxgkpm_obj_put(struct dxgkpm_obj *obj);
int dxgkpm_handle_publish(struct dxgkpm_obj *obj);
void dxgkpm_handle_retire(struct dxgkpm_obj *obj);
struct dxgkpm_obj *dxgkpm_handle_get(u64 handle, enum dxgkpm_kind kind);
void dxgkpm_handles_exit(void);

/* ----------------------------------------------------------------- adapter */

/**
 * struct dxgkpm_adapter - a device that uses the service (hAdapter)
 * @obj: handle and reference.
 * @dma: the device (a reference is held), its DMA space shared with linked
 *	adapters or NULL (the DMA API on the device), and its open objects
 *	and live DMA mappings (dma/dmaspace.c).
 * @node: in the global adapter list.
 * @lock: protects @pmos, @amos, @mem24s, @imports and @dead.
 * @pmos: objects created with this adapter (struct dxgkpm_pmo.owner_node).
 * @amos: adapter memory objects opened on it (struct dxgkpm_amo.adapter_node).
 * @mem24s: WDDM 2.4 allocations and mappings made on it (mem24.c).
 * @imports: dma-bufs imported for it (import.c).
 * @dead: set once unregistration has started; no new object may attach.
 * @remapping: the driver reported DmaRemappingSupported
 *	(dxgkpm_report_iommu_caps()).
 * @users: held for reading by operations that attach new mappings to the
 *	adapter (dxgkpm_adapter_enter()); unregistration drains them.
 */
struct dxgkpm_adapter {
	struct dxgkpm_obj obj;
	struct dxgkpm_dma_dev dma;
	struct list_head node;
	struct mutex lock;	/* see Locking above; inside pmo->lock */
	struct list_head pmos;
	struct list_head amos;
	struct list_head mem24s;
	struct list_head imports;
	bool dead;
	bool remapping;
	struct rw_semaphore users;
};

void dxgkpm_adapter_get_ref(struct dxgkpm_adapter *adapter);
struct dxgkpm_adapter *dxgkpm_adapter_get_live(struct dxgkpm_adapter *a);
struct dxgkpm_adapter *dxgkpm_adapter_get_handle(u64 handle);
int dxgkpm_adapter_enter(struct dxgkpm_adapter *adapter);
void dxgkpm_adapter_exit(struct dxgkpm_adapter *adapter);
void dxgkpm_adapters_exit(void);
unsigned int dxgkpm_imports_teardown(struct dxgkpm_adapter *adapter,
				     const char *why);

unsigned int dxgkpm_adapters_get(struct dxgkpm_adapter **out,
				 unsigned int max);

/* ------------------------------------------------------------------ object */

struct dxgkpm_pmo;
struct dxgkpm_amo;

/*
 * FreeAdl takes a pointer, and the slab hands a freed ADL's memory out
 * again at once: a driver's stale second FreeAdl would free the newer ADL
 * that landed there. So each object keeps its last DXGKPM_ADL_QUARANTINE
 * freed ADLs (dead, their mappings and page lists gone) before their memory
 * goes back, and a stale FreeAdl of one of them finds nothing live.
 */
#define DXGKPM_ADL_QUARANTINE	8

/*
 * Unmap finds a view by its address, and vmap() and mmap() hand a freed
 * range out again: a driver's stale second Unmap would remove the newer
 * view of the same object that landed there. So each object keeps the
 * addresses of its last DXGKPM_VIEW_QUARANTINE unmapped views, and a new
 * view of it is never made at one of them (view.c); a stale Unmap of one
 * of them finds nothing live.
 */
#define DXGKPM_VIEW_QUARANTINE	8

/**
 * struct dxgkpm_view_addr - where a view of an object was
 * @mm: the process of a user-mode view (only compared), NULL for a
 *	kernel-mode view.
 * @addr: its start.
 */
struct dxgkpm_view_addr {
	const struct mm_struct *mm;
	unsigned long addr;
};

/**
 * struct dxgkpm_pmo - physical memory object (hPhysicalMemoryObject)
 * @obj: handle and reference; the creator's reference is dropped by destroy.
 * @mem: the memory: its type, size, cache type and backend (mem/mem.h).
 * @context: caller's cookie.
 * @creator: return address of the call that created the object (debugfs,
 *	leak reports).
 * @owner: adapter given at creation (reference held) or NULL.
 * @owner_node: in @owner->pmos, or in the list of objects without owner.
 * @lock: protects everything below, and the pins of @mem (@mem.lock).
 * @amo: the adapter memory object, if the object is open.
 * @kviews: live kernel-mode views (struct dxgkpm_kview).
 * @uviews: live user-mode views (struct dxgkpm_uview).
 * @nr_adls: live ADLs over this object (through @amo).
 * @nr_exports: live dma-bufs of this object (not under @lock).
 * @freed_adls: this object's ADLs freed last, dead, not yet given back.
 * @freed_next: the slot of @freed_adls the next freed ADL takes.
 * @unmapped_views: where this object's views unmapped last were; no new
 *	view of it is made there.
 * @unmapped_next: the slot of @unmapped_views the next unmapped view takes.
 * @destroyed: destroy succeeded or teardown ran; no new attachment.
 */
struct dxgkpm_pmo {
	struct dxgkpm_obj obj;
	struct dxgkpm_mem mem;
	unsigned long context;
	unsigned long creator;
	struct dxgkpm_adapter *owner;
	struct list_head owner_node;
	struct mutex lock;	/* see Locking above; outermost */
	struct dxgkpm_amo *amo;
	struct list_head kviews;
	struct list_head uviews;
	unsigned int nr_adls;
	atomic_t nr_exports;
	struct dxgkpm_adl *freed_adls[DXGKPM_ADL_QUARANTINE];
	unsigned int freed_next;
	struct dxgkpm_view_addr unmapped_views[DXGKPM_VIEW_QUARANTINE];
	unsigned int unmapped_next;
	bool destroyed;
};

/**
 * struct dxgkpm_amo - a physical memory object opened for an adapter
 * @obj: handle and reference.
 * @pmo: the object (reference held).
 * @adapter: the adapter (reference held).
 * @adapter_node: in @adapter->amos.
 * @adls: live ADLs built from this attachment, each with its own mapping.
 * @closed: close ran; the handle is retired.
 */
struct dxgkpm_amo {
	struct dxgkpm_obj obj;
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_adapter *adapter;
	struct list_head adapter_node;
	struct list_head adls;
	bool closed;
};

/**
 * struct dxgkpm_adl - address descriptor list
 * @node: in the attachment's list.
 * @amo: the attachment it was built from.
 * @first: first page of the object it describes.
 * @count: number of pages.
 * @contiguous: described by its first page number alone.
 * @pages: page number of each page in the device's address space: the
 *	backend's mapping's own array (what dxgkpm_space_map_pages() wrote),
 *	handed out as it is while the ADL lives.
 * @priv: the backend's state of the ADL's mapping.
 * @caller_size: bytes in @caller.
 * @caller: what the caller of dxgkpm_adl_alloc_described() keeps with the
 *	ADL (the DDI layer: the DXGK_ADL its callers read); none for native
 *	callers.
 */
struct dxgkpm_adl {
	struct list_head node;
	struct dxgkpm_amo *amo;
	pgoff_t first;
	u32 count;
	bool contiguous;
	unsigned long *pages;
	void *priv;
	size_t caller_size;
	u8 caller[] __aligned(sizeof(u64));
};

/* The caller's part of an ADL, and back: never dereferenced here. */
static inline void *dxgkpm_adl_caller(struct dxgkpm_adl *adl)
{
	return adl->caller;
}

static inline struct dxgkpm_adl *dxgkpm_adl_from_caller(const void *caller)
{
	return (struct dxgkpm_adl *)((uintptr_t)caller -
				     offsetof(struct dxgkpm_adl, caller));
}

/**
 * struct dxgkpm_kview - kernel-mode CPU view
 * @node: in the object's list.
 * @vaddr: start of the view (page aligned).
 * @first: first page of the object it maps.
 * @npages: pages mapped.
 * @priv: the backend's state for unmapping it.
 */
struct dxgkpm_kview {
	struct list_head node;
	void *vaddr;
	pgoff_t first;
	pgoff_t npages;
	void *priv;
};

/* pmo.c */
struct dxgkpm_pmo *dxgkpm_pmo_get_handle(u64 handle);
void dxgkpm_pmo_get(struct dxgkpm_pmo *pmo);
void dxgkpm_pmo_put(struct dxgkpm_pmo *pmo);
int dxgkpm_pmo_check_range(const struct dxgkpm_pmo *pmo, size_t offset,
			   size_t size);
void dxgkpm_pmo_hide(struct dxgkpm_pmo *pmo);
bool dxgkpm_pmo_force_destroy(struct dxgkpm_pmo *pmo, const char *why);
bool dxgkpm_pmo_abandon(struct dxgkpm_pmo *pmo, struct dxgkpm_adapter *owner,
			const char *why);
struct dxgkpm_pmo *dxgkpm_pmo_pop(struct list_head *list, struct mutex *lock);
int dxgkpm_pmo_create_ref(const struct dxgkpm_pmo_desc *desc,
			  struct dxgkpm_adapter *adapter, unsigned long creator,
			  struct dxgkpm_pmo **pmop, struct dxgkpm_amo **amop);
void dxgkpm_pmos_exit(void);
const char *dxgkpm_type_name(enum dxgkpm_mem_type type);
const char *dxgkpm_caching_name(enum dxgkpm_caching caching);

/* amo.c */
struct dxgkpm_amo *dxgkpm_amo_get_handle(u64 handle);
void dxgkpm_amo_get(struct dxgkpm_amo *amo);
void dxgkpm_amo_put(struct dxgkpm_amo *amo);
int dxgkpm_amo_open(struct dxgkpm_pmo *pmo, struct dxgkpm_adapter *adapter,
		    struct dxgkpm_amo **amop);
int dxgkpm_amo_open_locked(struct dxgkpm_pmo *pmo,
			   struct dxgkpm_adapter *adapter,
			   struct dxgkpm_amo **amop);
int dxgkpm_amo_close_locked(struct dxgkpm_amo *amo, bool force);

/* adl.c */
int dxgkpm_adl_alloc_described(struct dxgkpm_amo *amo, size_t offset,
			       size_t size, u32 flags, size_t caller_size,
			       void (*describe)(const struct dxgkpm_adl *adl,
						void *caller),
			       struct dxgkpm_adl **adlp);
void dxgkpm_adl_free_all_locked(struct dxgkpm_amo *amo, const char *why);
void dxgkpm_adl_quarantine_free(struct dxgkpm_pmo *pmo);

/**
 * struct dxgkpm_trace_id - what a native trace event (trace.h) says of an
 *	object, read while the object is alive
 * @handle: its handle, or 0
 * @type: its enum dxgkpm_mem_type, or -1
 * @caching: its enum dxgkpm_caching, or -1
 */
struct dxgkpm_trace_id {
	u64 handle;
	int type;
	int caching;
};

/* The trace identity of @pmo (which may be NULL), read while it is alive. */
static inline struct dxgkpm_trace_id
dxgkpm_trace_id(const struct dxgkpm_pmo *pmo)
{
	if (!pmo)
		return (struct dxgkpm_trace_id){ .type = -1, .caching = -1 };
	return (struct dxgkpm_trace_id){
		.handle = pmo->obj.handle,
		.type = pmo->mem.type,
		.caching = pmo->mem.caching,
	};
}

/* The trace identity of the object of @amo (which may be NULL). */
static inline struct dxgkpm_trace_id
dxgkpm_amo_trace_id(const struct dxgkpm_amo *amo)
{
	return dxgkpm_trace_id(amo ? amo->pmo : NULL);
}

/* mem24.c: WDDM 2.4 allocations and mappings */

/**
 * enum dxgkpm_mem24_type - what a WDDM 2.4 allocation is
 * @DXGKPM_MEM24_CONTIGUOUS: contiguous memory with a kernel view
 *	(DxgkCbAllocateContiguousMemory)
 * @DXGKPM_MEM24_PAGES: pages handed out in a page list
 *	(DxgkCbAllocatePagesForMdl)
 * @DXGKPM_MEM24_MAPPING: a caller's pages, mapped (DxgkCbMapMdlToIoMmu)
 */
enum dxgkpm_mem24_type {
	DXGKPM_MEM24_CONTIGUOUS,
	DXGKPM_MEM24_PAGES,
	DXGKPM_MEM24_MAPPING,
};

struct dxgkpm_mem24;
struct dxgkpm_mem24 *dxgkpm_mem24_new(struct dxgkpm_adapter *adapter,
				      enum dxgkpm_mem24_type type,
				      size_t size, unsigned long caller);
void dxgkpm_mem24_put(struct dxgkpm_mem24 *mem);
int dxgkpm_mem24_alloc(struct dxgkpm_mem24 *mem,
		       const struct dxgkpm_pmo_desc *desc, u32 adl_flags);
void dxgkpm_mem24_discard(struct dxgkpm_mem24 *mem);
void *dxgkpm_mem24_vaddr(const struct dxgkpm_mem24 *mem);
struct page **dxgkpm_mem24_pages(const struct dxgkpm_mem24 *mem,
				 pgoff_t *npages);
void dxgkpm_mem24_set_page_list(struct dxgkpm_mem24 *mem, void *page_list);
int dxgkpm_mem24_publish(struct dxgkpm_mem24 *mem, u64 *handle);
int dxgkpm_mem24_map_pfns(struct dxgkpm_mem24 *mem, const unsigned long *pfns,
			  pgoff_t npages, size_t offset, size_t size,
			  u64 *handle);
int dxgkpm_mem24_free(struct dxgkpm_adapter *adapter, u64 handle,
		      enum dxgkpm_mem24_type type);
unsigned int dxgkpm_wddm24_teardown(struct dxgkpm_adapter *adapter,
				    const char *why);

/* view.c, uview.c */
void dxgkpm_kviews_free_all_locked(struct dxgkpm_pmo *pmo, const char *why);
void dxgkpm_view_retire_locked(struct dxgkpm_pmo *pmo,
			       const struct mm_struct *mm, unsigned long addr);
bool dxgkpm_view_retired_locked(const struct dxgkpm_pmo *pmo,
				const struct mm_struct *mm, unsigned long addr);

/* vma.c */
int dxgkpm_pmo_mmap_vma(struct dxgkpm_pmo *pmo, struct vm_area_struct *vma);

#endif /* _DXGKPM_OBJECT_H */
