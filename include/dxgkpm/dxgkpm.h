/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * dxgkpm native API: physical memory objects for GPU drivers.
 *
 * This is the Linux face of the service: objects are referred to by pointer
 * and every call returns 0 or a negative errno. The DXGK face (handles,
 * NTSTATUS, the documented argument structures) is in <dxgkpm/d3dkmddi.h>
 * and is reached through dxgkpm_query_interface().
 *
 * All functions may sleep and must be called from process context.
 */
#ifndef _DXGKPM_DXGKPM_H
#define _DXGKPM_DXGKPM_H

#include <linux/bits.h>
#include <linux/types.h>

struct device;
struct dma_buf;
struct dma_buf_attachment;
struct dxgkpm_adapter;
struct dxgkpm_pmo;
struct dxgkpm_amo;
struct dxgkpm_adl;
struct dxgkpm_import;
struct vm_area_struct;
struct _DXGKRNL_INTERFACE;
struct _DXGK_PHYSICAL_MEMORY_CAPS;
struct _DXGK_IOMMU_CAPS;

/**
 * enum dxgkpm_mem_type - kind of backing store of a physical memory object
 * @DXGKPM_MEM_PAGES: non-pageable pages, like an MDL from
 *	MmAllocatePagesForMdlEx (DXGK_PHYSICAL_MEMORY_TYPE_MDL)
 * @DXGKPM_MEM_CONTIGUOUS: one physically contiguous block
 *	(DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY)
 * @DXGKPM_MEM_SECTION: pageable, shareable memory
 *	(DXGK_PHYSICAL_MEMORY_TYPE_SECTION)
 * @DXGKPM_MEM_IO_SPACE: a range of one of the adapter's memory BARs
 *	(DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE)
 *
 * The values equal those of DXGK_PHYSICAL_MEMORY_TYPE.
 */
enum dxgkpm_mem_type {
	DXGKPM_MEM_PAGES,
	DXGKPM_MEM_CONTIGUOUS,
	DXGKPM_MEM_SECTION,
	DXGKPM_MEM_IO_SPACE,
};

/**
 * enum dxgkpm_caching - CPU cache type of an object, for every view of it
 * @DXGKPM_CACHING_UNCACHED: uncached (x86 PAT UC-)
 * @DXGKPM_CACHING_CACHED: write-back; the device must snoop
 * @DXGKPM_CACHING_WC: write-combined
 *
 * The values equal those of DXGK_MEMORY_CACHING_TYPE.
 */
enum dxgkpm_caching {
	DXGKPM_CACHING_UNCACHED,
	DXGKPM_CACHING_CACHED,
	DXGKPM_CACHING_WC,
};

/*
 * Allocation flags of DXGKPM_MEM_PAGES objects. The values equal the
 * MM_ALLOCATE_* flags of MmAllocatePagesForMdlEx.
 */
#define DXGKPM_ALLOC_DONT_ZERO		BIT(0)	/* kernel-only objects */
#define DXGKPM_ALLOC_LOCAL_NODE_ONLY	BIT(1)	/* current node only */
#define DXGKPM_ALLOC_FULLY_REQUIRED	BIT(2)	/* always implied */
#define DXGKPM_ALLOC_NO_WAIT		BIT(3)	/* no direct reclaim, no sleep */
#define DXGKPM_ALLOC_PREFER_CONTIGUOUS	BIT(4)	/* higher orders first */
#define DXGKPM_ALLOC_CONTIGUOUS_CHUNKS	BIT(5)	/* see dxgkpm_pmo_desc */
#define DXGKPM_ALLOC_FAST_LARGE_PAGES	BIT(6)	/* refused: no such cache */
#define DXGKPM_ALLOC_AND_HOT_REMOVE	BIT(8)	/* refused: no such service */

/**
 * struct dxgkpm_pmo_desc - what to create
 * @size: bytes; rounded up to whole pages. For DXGKPM_MEM_IO_SPACE, the
 *	length of the range.
 * @type: backing store.
 * @caching: CPU cache type.
 * @context: caller's cookie, only printed (leak reports, debugfs).
 * @pages: DXGKPM_MEM_PAGES only.
 * @pages.low: lowest acceptable physical address of every page.
 * @pages.high: highest acceptable physical address (inclusive).
 * @pages.skip: with DXGKPM_ALLOC_CONTIGUOUS_CHUNKS, the chunk size (a power
 *	of two, page multiple; 0 means one chunk for the whole object).
 * @pages.flags: DXGKPM_ALLOC_* flags.
 * @contig: DXGKPM_MEM_CONTIGUOUS only.
 * @contig.low: lowest acceptable physical address.
 * @contig.high: highest acceptable physical address (inclusive).
 * @contig.boundary: power of two the block must not cross, or 0.
 * @section: DXGKPM_MEM_SECTION only.
 * @section.access: desired access mask (ignored beyond validation).
 * @section.protection: one of the PAGE_READONLY/READWRITE/WRITECOPY/EXECUTE
 *	values of ZwCreateSection.
 * @section.attributes: 0 or SEC_COMMIT.
 * @io: DXGKPM_MEM_IO_SPACE only.
 * @io.base: page-aligned CPU physical address inside one memory BAR of the
 *	adapter's PCI device.
 */
struct dxgkpm_pmo_desc {
	size_t size;
	enum dxgkpm_mem_type type;
	enum dxgkpm_caching caching;
	unsigned long context;
	union {
		struct {
			phys_addr_t low;
			phys_addr_t high;
			phys_addr_t skip;
			u32 flags;
		} pages;
		struct {
			phys_addr_t low;
			phys_addr_t high;
			phys_addr_t boundary;
		} contig;
		struct {
			u32 access;
			u32 protection;
			u32 attributes;
		} section;
		struct {
			phys_addr_t base;
		} io;
	};
};

/* Flags of dxgkpm_adl_alloc(); the values equal DXGKARGCB_ALLOCATE_ADL's. */
#define DXGKPM_ADL_REQUIRE_CONTIGUOUS	BIT(0)
#define DXGKPM_ADL_PREFER_CONTIGUOUS	BIT(1)

struct dxgkpm_adapter *dxgkpm_register_adapter(struct device *dev);
struct dxgkpm_adapter *devm_dxgkpm_register_adapter(struct device *dev);
void dxgkpm_unregister_adapter(struct dxgkpm_adapter *adapter);
struct dxgkpm_adapter *dxgkpm_adapter_get(struct device *dev);
void dxgkpm_adapter_put(struct dxgkpm_adapter *adapter);
int dxgkpm_query_interface(struct dxgkpm_adapter *adapter,
			   struct _DXGKRNL_INTERFACE *iface);
int dxgkpm_report_physical_memory_caps(struct dxgkpm_adapter *adapter,
				       const struct _DXGK_PHYSICAL_MEMORY_CAPS *caps);
int dxgkpm_query_iommu_caps(struct dxgkpm_adapter *adapter,
			    struct _DXGK_IOMMU_CAPS *caps);
int dxgkpm_report_iommu_caps(struct dxgkpm_adapter *adapter,
			     const struct _DXGK_IOMMU_CAPS *caps);
int dxgkpm_link_adapters(struct dxgkpm_adapter **adapters, unsigned int count);
int dxgkpm_unlink_adapter(struct dxgkpm_adapter *adapter);

int dxgkpm_pmo_create(const struct dxgkpm_pmo_desc *desc,
		      struct dxgkpm_adapter *adapter,
		      struct dxgkpm_pmo **pmop, struct dxgkpm_amo **amop);
int dxgkpm_pmo_destroy(struct dxgkpm_pmo *pmo, struct dxgkpm_amo *amo);
int dxgkpm_pmo_open(struct dxgkpm_pmo *pmo, struct dxgkpm_adapter *adapter,
		    struct dxgkpm_amo **amop);
int dxgkpm_amo_close(struct dxgkpm_amo *amo);
struct dma_buf *dxgkpm_pmo_export(struct dxgkpm_pmo *pmo, int flags);
int dxgkpm_pmo_mmap(struct dxgkpm_pmo *pmo, struct vm_area_struct *vma);
struct dxgkpm_import *dxgkpm_import_dmabuf(struct dxgkpm_adapter *adapter,
					   struct dma_buf *dmabuf, size_t size);
void dxgkpm_import_release(struct dxgkpm_import *imp);
u32 dxgkpm_import_page_count(const struct dxgkpm_import *imp);
dma_addr_t dxgkpm_import_dma_address(const struct dxgkpm_import *imp,
				     u32 index);
struct dma_buf_attachment *
dxgkpm_import_attachment(const struct dxgkpm_import *imp);

int dxgkpm_adl_alloc(struct dxgkpm_amo *amo, size_t offset, size_t size,
		     u32 flags, struct dxgkpm_adl **adlp);
int dxgkpm_adl_free(struct dxgkpm_amo *amo, struct dxgkpm_adl *adl);
u32 dxgkpm_adl_page_count(const struct dxgkpm_adl *adl);
bool dxgkpm_adl_is_contiguous(const struct dxgkpm_adl *adl);
dma_addr_t dxgkpm_adl_dma_address(const struct dxgkpm_adl *adl, u32 index);

int dxgkpm_map_kernel(struct dxgkpm_pmo *pmo, size_t *offset, size_t *size,
		      void **vaddr);
int dxgkpm_unmap_kernel(struct dxgkpm_pmo *pmo, void *vaddr, size_t size);
int dxgkpm_map_user(struct dxgkpm_pmo *pmo, size_t *offset, size_t *size,
		    unsigned long *uaddr);
int dxgkpm_unmap_user(struct dxgkpm_pmo *pmo, unsigned long uaddr,
		      size_t size);

int dxgkpm_memory_dma_address(struct dxgkpm_adapter *adapter, void *memory,
			      size_t offset, dma_addr_t *addr);

#endif /* _DXGKPM_DXGKPM_H */
