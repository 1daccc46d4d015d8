/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * dxgkpm internals shared by the object, backend and DXGK layers.
 *
 * Object graph and references (an arrow holds a reference):
 *
 *   handle table ···> every published object (no reference; see handle.c)
 *   adapter  <── pmo (owner, if created with an adapter)
 *   adapter  <── amo ──> pmo
 *   adl ──> (owned by its amo, freed before it)
 *   adapter  <── WDDM 2.4 allocation ──> pmo, amo (mem24.c)
 *   user VMA ──> view file ──> pmo
 *
 * Locking: adapter->lock protects the adapter's lists; pmo->lock protects
 * everything that hangs off one object (its amo, ADLs, views, state). The
 * order is pmo->lock, then adapter->lock; never the other way round.
 */
#ifndef _DXGKPM_INTERNAL_H
#define _DXGKPM_INTERNAL_H

#include <linux/atomic.h>
#include <linux/dma-direction.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/scatterlist.h>
#include <linux/types.h>

#include <dxgkpm/d3dkmddi.h>
#include <dxgkpm/dxgkpm.h>

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
 * @dev: the device; a reference is held.
 * @node: in the global adapter list.
 * @lock: protects @pmos, @amos, @mem24s, @imports and @dead.
 * @pmos: objects created with this adapter (struct dxgkpm_pmo.owner_node).
 * @amos: adapter memory objects opened on it (struct dxgkpm_amo.adapter_node).
 * @mem24s: WDDM 2.4 allocations and mappings made on it (mem24.c).
 * @imports: dma-bufs imported for it (import.c).
 * @dead: set once unregistration has started; no new object may attach.
 * @space: the DMA space shared with linked adapters, or NULL: the DMA API
 *	on @dev.
 * @mappings: open objects and live DMA mappings for this adapter
 *	(dma/dmaspace.c).
 * @remapping: the driver reported DmaRemappingSupported
 *	(dxgkpm_report_iommu_caps()).
 * @users: held for reading by operations that attach new mappings to the
 *	adapter (dxgkpm_adapter_enter()); unregistration drains them.
 */
struct dxgkpm_adapter {
	struct dxgkpm_obj obj;
	struct device *dev;
	struct list_head node;
	struct mutex lock;	/* see above; nests inside pmo->lock */
	struct list_head pmos;
	struct list_head amos;
	struct list_head mem24s;
	struct list_head imports;
	bool dead;
	struct dxgkpm_dma_space *space;
	atomic_t mappings;
	bool remapping;
	struct rw_semaphore users;
};

struct dxgkpm_adapter *dxgkpm_adapter_get_live(struct dxgkpm_adapter *a);
struct dxgkpm_adapter *dxgkpm_adapter_get_handle(u64 handle);
int dxgkpm_adapter_enter(struct dxgkpm_adapter *adapter);
void dxgkpm_adapter_exit(struct dxgkpm_adapter *adapter);
void dxgkpm_adapters_exit(void);
unsigned int dxgkpm_imports_teardown(struct dxgkpm_adapter *adapter,
				     const char *why);

unsigned int dxgkpm_adapters_get(struct dxgkpm_adapter **out,
				 unsigned int max);

/* debugfs.c */
void dxgkpm_debugfs_objects_init(struct dentry *root);

/* ------------------------------------------------------------------ object */

struct dxgkpm_pmo;
struct dxgkpm_amo;

/**
 * struct dxgkpm_mem_ops - what a memory type provides
 * @name: for messages.
 * @init: allocate or describe the backing store from the descriptor.
 * @release: free it (restoring the linear map's cache type first).
 * @adl_map: pin (if need be) and map one ADL's range for its adapter,
 *	setting adl->dma and adl->priv. Every ADL has its own mapping, so
 *	that FreeAdl takes the device's access away, as the DXGK contract
 *	says it does.
 * @adl_unmap: undo @adl_map.
 * @vmap: kernel mapping of @count pages from @first with the object's cache
 *	type; may keep state for @vunmap in *@priv.
 * @vunmap: undo @vmap.
 * @mmap: optional: populate a user view's VMA (vm_pgoff is the first page,
 *	vm_page_prot has the cache type); without it user views are refused.
 *	May keep state for @munmap in *@priv.
 * @munmap: optional: release what @mmap kept in @priv, once no VMA of the
 *	view is left (copies made by fork included).
 */
struct dxgkpm_mem_ops {
	const char *name;
	int (*init)(struct dxgkpm_pmo *pmo, const struct dxgkpm_pmo_desc *desc);
	void (*release)(struct dxgkpm_pmo *pmo);
	int (*adl_map)(struct dxgkpm_adl *adl);
	void (*adl_unmap)(struct dxgkpm_adl *adl);
	void *(*vmap)(struct dxgkpm_pmo *pmo, pgoff_t first, pgoff_t count,
		      void **priv);
	void (*vunmap)(struct dxgkpm_pmo *pmo, void *vaddr, pgoff_t count,
		       void *priv);
	int (*mmap)(struct dxgkpm_pmo *pmo, struct vm_area_struct *vma,
		    void **priv);
	void (*munmap)(struct dxgkpm_pmo *pmo, void *priv);
};

extern const struct dxgkpm_mem_ops dxgkpm_mem_pages_ops;
extern const struct dxgkpm_mem_ops dxgkpm_mem_contig_ops;
extern const struct dxgkpm_mem_ops dxgkpm_mem_section_ops;
extern const struct dxgkpm_mem_ops dxgkpm_mem_io_ops;

/* ZwCreateSection's page protections and allocation attribute. */
#define DXGKPM_SECTION_READONLY		0x02
#define DXGKPM_SECTION_READWRITE	0x04
#define DXGKPM_SECTION_WRITECOPY	0x08
#define DXGKPM_SECTION_EXECUTE		0x10
#define DXGKPM_SECTION_COMMIT		0x08000000

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
 * @type: backing store.
 * @caching: CPU cache type of every view.
 * @size: requested size in bytes.
 * @npages: size of the object in pages (@size rounded up).
 * @context: caller's cookie.
 * @creator: return address of the call that created the object (debugfs,
 *	leak reports).
 * @ops: the backend.
 * @owner: adapter given at creation (reference held) or NULL.
 * @owner_node: in @owner->pmos, or in the list of objects without owner.
 * @lock: protects everything below.
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
 * @zeroed: the memory was zeroed (or never allocated); user views allowed.
 * @pages: page array of page-backed types.
 * @file: the shmem file of a section.
 * @pins: a section's pinned ranges (ADLs, kernel views, and user views of
 *	a write-combined section); its mapping is unevictable while there is
 *	one.
 * @page_pins: a write-combined section's pins of each page; a page is
 *	write-combined on the linear map while its count is not zero
 *	(mem/section.c). NULL for a cached section.
 * @protection: a section's page protection (DXGKPM_SECTION_*).
 * @io_base: CPU physical address of an IO-space object.
 */
struct dxgkpm_pmo {
	struct dxgkpm_obj obj;
	enum dxgkpm_mem_type type;
	enum dxgkpm_caching caching;
	size_t size;
	pgoff_t npages;
	unsigned long context;
	unsigned long creator;
	const struct dxgkpm_mem_ops *ops;
	struct dxgkpm_adapter *owner;
	struct list_head owner_node;
	struct mutex lock;	/* see above; outermost dxgkpm lock */
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
	bool zeroed;
	struct page **pages;
	struct file *file;
	unsigned int pins;
	unsigned int *page_pins;
	u32 protection;
	phys_addr_t io_base;
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
 * @dxgk: what a DXGK caller sees, filled by the DDI layer (ddi.c) through
 *	dxgkpm_adl_alloc_described(); zero for native callers.
 * @node: in the attachment's list.
 * @amo: the attachment it was built from.
 * @first: first page of the object it describes.
 * @count: number of pages.
 * @contiguous: described by @base alone.
 * @base: first page number in the device's address space, if @contiguous.
 * @pages: page numbers in the device's address space, if not @contiguous.
 * @dma: device address of each page (the backend's).
 * @priv: the backend's state of the ADL's mapping.
 */
struct dxgkpm_adl {
	DXGK_ADL dxgk;
	struct list_head node;
	struct dxgkpm_amo *amo;
	pgoff_t first;
	u32 count;
	bool contiguous;
	unsigned long base;
	unsigned long *pages;
	const dma_addr_t *dma;
	void *priv;
};

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
void dxgkpm_pmo_put(struct dxgkpm_pmo *pmo);
int dxgkpm_pmo_check_range(const struct dxgkpm_pmo *pmo, size_t offset,
			   size_t size);
void dxgkpm_pmo_hide(struct dxgkpm_pmo *pmo);
bool dxgkpm_pmo_teardown(struct dxgkpm_pmo *pmo, const char *why);
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
void dxgkpm_amo_put(struct dxgkpm_amo *amo);
int dxgkpm_amo_open(struct dxgkpm_pmo *pmo, struct dxgkpm_adapter *adapter,
		    struct dxgkpm_amo **amop);
int dxgkpm_amo_open_locked(struct dxgkpm_pmo *pmo,
			   struct dxgkpm_adapter *adapter,
			   struct dxgkpm_amo **amop);
int dxgkpm_amo_close_locked(struct dxgkpm_amo *amo, bool force);

/* adl.c */
int dxgkpm_adl_alloc_described(struct dxgkpm_amo *amo, size_t offset,
			       size_t size, u32 flags,
			       void (*describe)(struct dxgkpm_adl *adl),
			       struct dxgkpm_adl **adlp);
void dxgkpm_adl_free_all_locked(struct dxgkpm_amo *amo, const char *why);
void dxgkpm_adl_quarantine_free(struct dxgkpm_pmo *pmo);
bool dxgkpm_dma_contiguous(const dma_addr_t *dma, pgoff_t count);

/* ddi.c */
NTSTATUS dxgkpm_ntstatus(int err);
/*
 * Log a refused DXGK call, ratelimited per call site (so that a burst from
 * one callback hides no other), and give its NTSTATUS.
 */
#define dxgkpm_refuse(call, what, err) ({				\
	int __dxgkpm_err = (err);					\
	pr_warn_ratelimited("%s: %s: %pe\n", (call), (what),		\
			    ERR_PTR(__dxgkpm_err));			\
	dxgkpm_ntstatus(__dxgkpm_err);					\
})

/* The DXGK layer's handles are dxgkpm handle values. */
static inline u64 dxgkpm_h2u(HANDLE handle)
{
	return (u64)(uintptr_t)handle;
}

static inline HANDLE dxgkpm_u2h(u64 value)
{
	return (HANDLE)(uintptr_t)value;
}

/* ddi/wddm24.c: the WDDM 2.4 IOMMU isolation callbacks */
DXGKCB_ALLOCATECONTIGUOUSMEMORY dxgkpm_cb_allocate_contiguous;
DXGKCB_FREECONTIGUOUSMEMORY dxgkpm_cb_free_contiguous;
DXGKCB_ALLOCATEPAGESFORMDL dxgkpm_cb_allocate_pages_for_mdl;
DXGKCB_FREEPAGESFROMMDL dxgkpm_cb_free_pages_from_mdl;
DXGKCB_MAPMDLTOIOMMU dxgkpm_cb_map_mdl_to_iommu;
DXGKCB_UNMAPMDLFROMIOMMU dxgkpm_cb_unmap_mdl_from_iommu;

/**
 * struct dxgkpm_trace_id - what a trace event says of an object
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
		.type = pmo->type,
		.caching = pmo->caching,
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

/* mem/pagearray.c: shared by every type backed by a struct page array */
struct dxgkpm_page_req;
int dxgkpm_pagearray_alloc(struct dxgkpm_pmo *pmo,
			   const struct dxgkpm_page_req *req);
void dxgkpm_pagearray_release(struct dxgkpm_pmo *pmo);
int dxgkpm_pagearray_adl_map(struct dxgkpm_adl *adl);
void dxgkpm_pagearray_adl_unmap(struct dxgkpm_adl *adl);
void *dxgkpm_pagearray_vmap(struct dxgkpm_pmo *pmo, pgoff_t first,
			    pgoff_t count, void **priv);
void dxgkpm_pagearray_vunmap(struct dxgkpm_pmo *pmo, void *vaddr,
			     pgoff_t count, void *priv);
int dxgkpm_pagearray_mmap(struct dxgkpm_pmo *pmo, struct vm_area_struct *vma,
			  void **priv);

/* vma.c */
int dxgkpm_pmo_mmap_vma(struct dxgkpm_pmo *pmo, struct vm_area_struct *vma);

/* mem/mdl.c */
int dxgkpm_mdl_request(pgoff_t npages, size_t size, phys_addr_t low,
		       phys_addr_t high, phys_addr_t skip, u32 flags,
		       struct dxgkpm_page_req *req);

/* dma/dmaspace.c: the only place that maps memory for a device */
struct dxgkpm_dma_space;

/**
 * struct dxgkpm_dma_map - pages mapped for an adapter (dma/dmaspace.c)
 * @sgt: the pages, as mapped for the adapter's device(s).
 * @dma: device address of each page (the caller's storage).
 * @npages: number of pages.
 */
struct dxgkpm_dma_map {
	struct sg_table sgt;
	dma_addr_t *dma;
	pgoff_t npages;
};

u64 dxgkpm_space_limit(struct dxgkpm_adapter *adapter);
int dxgkpm_pages_to_sgt(struct device *dev, struct page **pages,
			pgoff_t npages, struct sg_table *sgt);
int dxgkpm_space_map_pages(struct dxgkpm_adapter *adapter,
			   struct page **pages, pgoff_t npages,
			   dma_addr_t *dma, struct dxgkpm_dma_map *map);
void dxgkpm_space_unmap_pages(struct dxgkpm_adapter *adapter,
			      struct dxgkpm_dma_map *map);
int dxgkpm_dma_map_table(struct device *dev, struct sg_table *sgt,
			 enum dma_data_direction dir, unsigned long attrs);
void dxgkpm_dma_unmap_table(struct device *dev, struct sg_table *sgt,
			    enum dma_data_direction dir, unsigned long attrs);
int dxgkpm_space_map_resource(struct dxgkpm_adapter *adapter, phys_addr_t phys,
			      size_t size, dma_addr_t *addr);
void dxgkpm_space_unmap_resource(struct dxgkpm_adapter *adapter,
				 dma_addr_t addr, size_t size);
int dxgkpm_space_set_limit(struct dxgkpm_adapter *adapter, u64 mask);
int dxgkpm_space_isolate(struct dxgkpm_adapter *adapter);
void dxgkpm_space_unregister(struct dxgkpm_adapter *adapter);
void dxgkpm_space_open(struct dxgkpm_adapter *adapter);
void dxgkpm_space_close(struct dxgkpm_adapter *adapter);

/* page/provider.c: the page provider */

/**
 * struct dxgkpm_page_req - what a page-backed object needs
 * @npages: number of pages.
 * @low: lowest acceptable physical address.
 * @high: highest acceptable physical address (inclusive).
 * @skip: 0, or the distance between successive acceptable windows
 *	[@low + k * @skip, @high + k * @skip] (MmAllocatePagesForMdlEx's
 *	SkipBytes); a page is acceptable inside any of them.
 * @run: 0 or 1 for no contiguity; else the array is made of runs of @run
 *	physically consecutive pages (the last one may be shorter).
 * @align: alignment of each run's first page, in pages (a power of two).
 * @boundary: 0, or a power of two (bytes) no run may cross.
 * @flags: DXGKPM_ALLOC_* flags.
 * @nid: the node to take pages from while it has them (the adapter's, from
 *	dxgkpm_pages_node()), or NUMA_NO_NODE.
 * @caching: the cache type the pages get on the linear map (and the pools
 *	they may come from).
 */
struct dxgkpm_page_req {
	pgoff_t npages;
	phys_addr_t low;
	phys_addr_t high;
	phys_addr_t skip;
	pgoff_t run;
	pgoff_t align;
	phys_addr_t boundary;
	u32 flags;
	int nid;
	enum dxgkpm_caching caching;
};

int dxgkpm_pages_node(struct device *dev);
bool dxgkpm_pages_window_ok(phys_addr_t low, phys_addr_t high,
			    phys_addr_t bytes);
bool dxgkpm_pages_range_ok(const struct dxgkpm_page_req *req,
			   unsigned long pfn, unsigned long count);
int dxgkpm_pages_alloc(const struct dxgkpm_page_req *req, struct page **pages);
void dxgkpm_pages_free(struct page **pages, pgoff_t npages);
int dxgkpm_pages_get_pfns(const unsigned long *pfns, pgoff_t npages,
			  struct page **pages);
void dxgkpm_pages_put_pfns(struct page **pages, pgoff_t npages);
void dxgkpm_pages_release(struct page **pages, pgoff_t npages,
			  enum dxgkpm_caching caching, bool used);
bool dxgkpm_caching_changes(enum dxgkpm_caching caching);
int dxgkpm_pages_set_caching(struct page **pages, pgoff_t npages,
			     enum dxgkpm_caching caching);
int dxgkpm_pages_restore_caching(struct page **pages, pgoff_t npages,
				 enum dxgkpm_caching caching);
pgprot_t dxgkpm_pgprot(enum dxgkpm_caching caching, pgprot_t prot);

/* pool.c: write-combined and uncached pages kept for reuse */

/**
 * struct dxgkpm_pool_stats - what the page pools did (debugfs "pool")
 * @pages: pages in the pools now, every node and cache type.
 * @hits: pages handed out from the pools, since load.
 * @misses: pages of write-combined and uncached objects that came fresh
 *	from the page allocator instead (and paid an attribute change).
 * @reclaimed: pages the shrinker gave back to the page allocator.
 * @set_caching: set_pages_array_wc()/_uc() calls made for objects and
 *	sections (dxgkpm_pages_set_caching()), each a TLB flush on every CPU.
 */
struct dxgkpm_pool_stats {
	atomic_long_t pages;
	atomic_long_t hits;
	atomic_long_t misses;
	atomic_long_t reclaimed;
	atomic_long_t set_caching;
};

extern struct dxgkpm_pool_stats dxgkpm_pool_stats;

struct seq_file;
struct shrinker;
pgoff_t dxgkpm_pool_take(const struct dxgkpm_page_req *req,
			 struct page **pages);
pgoff_t dxgkpm_pool_give(struct page **pages, pgoff_t npages,
			 enum dxgkpm_caching caching, bool clear);
unsigned long dxgkpm_pool_shrink(unsigned long nr);
void dxgkpm_pool_trim(void);
unsigned long dxgkpm_pool_set_limit(unsigned long pages);
struct shrinker *dxgkpm_pool_shrinker(void);
void dxgkpm_pool_show(struct seq_file *m);
int dxgkpm_pool_init(void);
void dxgkpm_pool_exit(void);

/* stats.c */

/**
 * struct dxgkpm_stats - live counts, for leak checks and debugfs
 * @adapters: registered adapters.
 * @handles: published handles (adapters' included).
 * @pmos: physical memory objects alive (including destroyed ones still
 *	referenced by a view).
 * @amos: open adapter memory objects.
 * @adls: live ADLs.
 * @kviews: live kernel-mode views.
 * @uviews: live user-mode views.
 * @pages: pages of objects: taken from the page allocator or the page
 *	pools and not given back, counted at each allocation and free call of
 *	the page provider (page/provider.c) and the pools (page/pool.c).
 *	Pooled pages are not in it (struct dxgkpm_pool_stats counts them).
 * @pages_wc: pages write-combined on the linear map: of @pages, and
 *	pages of write-combined sections while they are pinned.
 * @pages_uc: of @pages, uncached on the linear map.
 * @pinned: section pages pinned by ADLs, kernel views and user views of
 *	write-combined sections, once per pin.
 * @dma_maps: live DMA mappings (one per ADL, per WDDM 2.4 mapping and per
 *	mapped dma-buf attachment).
 * @exports: live dma-bufs exported from objects.
 * @imports: live dma-bufs imported for adapters.
 */
struct dxgkpm_stats {
	atomic_long_t adapters;
	atomic_long_t handles;
	atomic_long_t pmos;
	atomic_long_t amos;
	atomic_long_t adls;
	atomic_long_t kviews;
	atomic_long_t uviews;
	atomic_long_t pages;
	atomic_long_t pages_wc;
	atomic_long_t pages_uc;
	atomic_long_t pinned;
	atomic_long_t dma_maps;
	atomic_long_t exports;
	atomic_long_t imports;
};

extern struct dxgkpm_stats dxgkpm_stats;

bool dxgkpm_stats_idle(void);
unsigned int dxgkpm_stats_count(void);
long dxgkpm_stats_read(unsigned int i, const char **name);
void dxgkpm_debugfs_init(void);
void dxgkpm_debugfs_exit(void);

#endif /* _DXGKPM_INTERNAL_H */
