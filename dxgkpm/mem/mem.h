/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The memory backend layer (mem/): one backend per memory type, each
 * allocating or describing the backing store of a memory object and
 * mapping it for devices (through the DMA space) and for the CPU. It knows
 * the memory of an object (struct dxgkpm_mem), not the object model above
 * it: a physical memory object embeds a struct dxgkpm_mem.
 */
#ifndef _DXGKPM_MEM_H
#define _DXGKPM_MEM_H

#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include <dxgkpm/dxgkpm.h>

#include "dma/dma.h"
#include "page/page.h"

struct device;
struct file;
struct vm_area_struct;
struct dxgkpm_mem_ops;

/**
 * struct dxgkpm_mem - the memory of a physical memory object
 * @type: backing store.
 * @caching: CPU cache type of every view.
 * @size: requested size in bytes.
 * @npages: size of the object in pages (@size rounded up).
 * @ops: the backend.
 * @lock: the lock of the object that holds this memory; a section's pins
 *	(@pins, @page_pins) are counted under it.
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
struct dxgkpm_mem {
	enum dxgkpm_mem_type type;
	enum dxgkpm_caching caching;
	size_t size;
	pgoff_t npages;
	const struct dxgkpm_mem_ops *ops;
	struct mutex *lock;	/* the owner's; see above */
	bool zeroed;
	struct page **pages;
	struct file *file;
	unsigned int pins;
	unsigned int *page_pins;
	u32 protection;
	phys_addr_t io_base;
};

/**
 * struct dxgkpm_mem_ops - what a memory type provides
 * @name: for messages.
 * @init: allocate or describe the backing store from the descriptor, for
 *	the device of the adapter given at creation (its NUMA node, its BARs)
 *	or NULL.
 * @release: free it (restoring the linear map's cache type first).
 * @adl_map: pin (if need be) and map @count pages from @first for the
 *	device @ddev, setting *@pn (the device page number of each page, kept
 *	until @adl_unmap: the ADL hands it out as it is), *@contiguous (the
 *	numbers follow one another) and *@priv. Every ADL has its own
 *	mapping, so that FreeAdl takes the
 *	device's access away, as the DXGK contract says it does. Called with
 *	*@mem->lock held.
 * @adl_unmap: undo @adl_map, with *@mem->lock held.
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
	int (*init)(struct dxgkpm_mem *mem, struct device *dev,
		    const struct dxgkpm_pmo_desc *desc);
	void (*release)(struct dxgkpm_mem *mem);
	int (*adl_map)(struct dxgkpm_mem *mem, struct dxgkpm_dma_dev *ddev,
		       pgoff_t first, u32 count, unsigned long **pn,
		       bool *contiguous, void **priv);
	void (*adl_unmap)(struct dxgkpm_mem *mem, struct dxgkpm_dma_dev *ddev,
			  u32 count, void *priv);
	void *(*vmap)(struct dxgkpm_mem *mem, pgoff_t first, pgoff_t count,
		      void **priv);
	void (*vunmap)(struct dxgkpm_mem *mem, void *vaddr, pgoff_t count,
		       void *priv);
	int (*mmap)(struct dxgkpm_mem *mem, struct vm_area_struct *vma,
		    void **priv);
	void (*munmap)(struct dxgkpm_mem *mem, void *priv);
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

/* mem/pagearray.c: shared by every type backed by a struct page array */
int dxgkpm_pagearray_alloc(struct dxgkpm_mem *mem,
			   const struct dxgkpm_page_req *req);
void dxgkpm_pagearray_release(struct dxgkpm_mem *mem);
int dxgkpm_pagearray_adl_map(struct dxgkpm_mem *mem,
			     struct dxgkpm_dma_dev *ddev, pgoff_t first,
			     u32 count, unsigned long **pn, bool *contiguous,
			     void **priv);
void dxgkpm_pagearray_adl_unmap(struct dxgkpm_mem *mem,
				struct dxgkpm_dma_dev *ddev, u32 count,
				void *priv);
void *dxgkpm_pagearray_vmap(struct dxgkpm_mem *mem, pgoff_t first,
			    pgoff_t count, void **priv);
void dxgkpm_pagearray_vunmap(struct dxgkpm_mem *mem, void *vaddr,
			     pgoff_t count, void *priv);
int dxgkpm_pagearray_mmap(struct dxgkpm_mem *mem, struct vm_area_struct *vma,
			  void **priv);

/* mem/mdl.c */
int dxgkpm_mdl_request(pgoff_t npages, size_t size, phys_addr_t low,
		       phys_addr_t high, phys_addr_t skip, u32 flags,
		       struct dxgkpm_page_req *req);

#endif /* _DXGKPM_MEM_H */
