/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Helpers of the DMA suites (dma_test.c, lda_test.c): physical memory
 * objects created, opened, viewed and described for a device through the
 * DXGK callbacks, the way a display miniport does it, and copies between
 * them by an edu device at the addresses of their ADLs.
 */
#ifndef _DXGKPM_KUNIT_DMA_HELPERS_H
#define _DXGKPM_KUNIT_DMA_HELPERS_H

#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include "dxgk_calls.h"
#include "helpers.h"

/*
 * Every MDL and contiguous object of these suites lives at or above this
 * physical address, beyond the edu device's 28-bit reach: the device gets
 * there only through the IOMMU's remapping.
 */
#define DXGKPM_DKT_LOW		SZ_256M
/* The edu device's own DMA mask, which every test leaves in place. */

/**
 * struct dxgkpm_dkt_obj - a physical memory object as the DMA suites use it
 * @kt: the adapter whose interface the calls go through (and the object was
 *	created with, when it was created with one)
 * @type: memory type
 * @cache: cache type
 * @size: size in bytes, whole pages
 * @pmo: hPhysicalMemoryObject
 * @amo: hAdapterMemoryObject, or NULL while the object is not open
 * @view: a kernel-mode view of the whole object, or NULL
 * @view_size: the Size the map call gave back
 */
struct dxgkpm_dkt_obj {
	struct dxgkpm_kt *kt;
	DXGK_PHYSICAL_MEMORY_TYPE type;
	DXGK_MEMORY_CACHING_TYPE cache;
	size_t size;
	HANDLE pmo;
	HANDLE amo;
	u8 *view;
	size_t view_size;
};

void dxgkpm_dkt_args(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *args,
		     struct dxgkpm_kt *kt, bool with_adapter,
		     DXGK_PHYSICAL_MEMORY_TYPE type,
		     DXGK_MEMORY_CACHING_TYPE cache, size_t size);
void dxgkpm_dkt_create(struct kunit *test, struct dxgkpm_dkt_obj *obj,
		       struct dxgkpm_kt *kt, bool with_adapter,
		       DXGK_PHYSICAL_MEMORY_TYPE type,
		       DXGK_MEMORY_CACHING_TYPE cache, size_t size);
NTSTATUS dxgkpm_dkt_open(struct dxgkpm_dkt_obj *obj, struct dxgkpm_kt *through,
			 HANDLE *amo);
void dxgkpm_dkt_close(struct kunit *test, struct dxgkpm_dkt_obj *obj);
void dxgkpm_dkt_destroy(struct kunit *test, struct dxgkpm_dkt_obj *obj,
			bool pass_amo);
void dxgkpm_dkt_map(struct kunit *test, struct dxgkpm_dkt_obj *obj);
void dxgkpm_dkt_unmap(struct kunit *test, struct dxgkpm_dkt_obj *obj);
u8 *dxgkpm_dkt_page(struct dxgkpm_dkt_obj *obj, u32 page);
DXGK_ADL *dxgkpm_dkt_adl(struct kunit *test, struct dxgkpm_dkt_obj *obj,
			 u32 first, u32 count, u32 flags, u64 limit);
void dxgkpm_dkt_free_adl(struct kunit *test, struct dxgkpm_dkt_obj *obj,
			 DXGK_ADL *adl);
void dxgkpm_dkt_expect_within(struct kunit *test, const DXGK_ADL *adl,
			      u64 limit);
void dxgkpm_dkt_copy(struct kunit *test, struct dxgkpm_edu *edu,
		     const DXGK_ADL *dst, u32 dst_first,
		     const DXGK_ADL *src, u32 src_first, u32 npages);
void dxgkpm_dkt_fill_pages(struct dxgkpm_dkt_obj *obj, u32 first, u32 count,
			   u32 seed);
void dxgkpm_dkt_expect_page(struct kunit *test, struct dxgkpm_dkt_obj *obj,
			    u32 page, u32 seed);
void dxgkpm_dkt_expect_zero_page(struct kunit *test,
				 struct dxgkpm_dkt_obj *obj, u32 page);
phys_addr_t dxgkpm_dkt_phys(struct dxgkpm_dkt_obj *obj, u32 page);

#endif /* _DXGKPM_KUNIT_DMA_HELPERS_H */
