// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dxgkpm_edu: the demo run when a device is bound. It gets all of its system
 * memory through the DXGK physical memory object callbacks, the way a
 * Windows display miniport does, and has the device copy it by DMA.
 *
 * The edu device reaches only the low 256 MiB (a 28-bit DMA mask; QEMU's
 * dma_mask= and the driver's dma_bits= change it). Where the IOMMU remaps,
 * the sample asks for pages above that on purpose: the copy works only
 * because the IOMMU remaps them into the device's reach, and the report
 * shows both addresses side by side. Where the platform does not remap
 * (DmaRemappingSupported clear), it asks for pages within the reach, as a
 * Windows driver must.
 *
 * For each cache type the demo: creates a source object without an adapter
 * and opens it, creates a destination object opened at once, fills the
 * source through a kernel-mode view, builds ADLs, has the device copy
 * source -> device buffer -> destination page by page, and checks the
 * destination through a second view. Everything the driver touches on the
 * memory side is a DxgkCb* call; Linux APIs appear only in the report
 * (to name the physical pages) and for the device itself.
 */

#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "edu.h"
#include "edu_hw.h"

#define EDU_DEMO_PAGES	4
#define EDU_DEMO_SIZE	(EDU_DEMO_PAGES * PAGE_SIZE)

/*
 * Ask for pages the device cannot reach by itself when the IOMMU remaps;
 * without remapping, only for pages it can reach (edu_reach()).
 */
static u64 edu_demo_low(const struct edu_gpu *gpu)
{
	return gpu->IommuCaps.DmaRemappingSupported && gpu->dma_bits < 40 ?
	       BIT_ULL(gpu->dma_bits) : 0;
}

/* One buffer of the demo, as a driver's memory manager would track it. */
struct edu_buffer {
	const char *name;
	HANDLE hPhysicalMemoryObject;
	HANDLE hAdapterMemoryObject;
	DXGK_ADL *pAdl;
	void *pMappedAddress;
	void *pView;
	SIZE_T ViewSize;
};

static const char *edu_cache_name(DXGK_MEMORY_CACHING_TYPE CacheType)
{
	switch (CacheType) {
	case DXGK_MEMORY_CACHING_TYPE_NON_CACHED:
		return "uncached";
	case DXGK_MEMORY_CACHING_TYPE_CACHED:
		return "cached";
	case DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED:
		return "write-combined";
	}
	return "?";
}

static DXGK_PAGE_NUMBER edu_adl_page(const DXGK_ADL *pAdl, UINT32 i)
{
	return pAdl->Flags.Contiguous ? pAdl->BasePageNumber + i :
					pAdl->Pages[i];
}

/**
 * edu_copy_adl() - have the device copy pages from one ADL to another
 * @gpu: the device
 * @src: source ADL
 * @src_page: first page of @src to copy
 * @dst: destination ADL
 * @dst_page: first page of @dst to write
 * @pages: number of pages
 *
 * Each page goes source -> device buffer -> destination (edu_copy_page()).
 *
 * Return: 0, -EINVAL for a range outside an ADL, or the device's error.
 */
int edu_copy_adl(struct edu_gpu *gpu, const DXGK_ADL *src, u32 src_page,
		 const DXGK_ADL *dst, u32 dst_page, u32 pages)
{
	UINT32 i;
	int ret = 0;

	if (src_page > src->PageCount || pages > src->PageCount - src_page ||
	    dst_page > dst->PageCount || pages > dst->PageCount - dst_page)
		return -EINVAL;
	mutex_lock(&gpu->dma_lock);
	for (i = 0; i < pages && !ret; i++) {
		dma_addr_t from = (dma_addr_t)edu_adl_page(src, src_page + i) <<
				  PAGE_SHIFT;
		dma_addr_t to = (dma_addr_t)edu_adl_page(dst, dst_page + i) <<
				PAGE_SHIFT;

		ret = edu_copy_page(gpu->bar, to, from);
	}
	mutex_unlock(&gpu->dma_lock);
	return ret;
}

/*
 * Create a buffer above the device's reach. The source is created without
 * an adapter and opened afterwards; the destination is opened at creation.
 */
static NTSTATUS edu_buffer_create(struct edu_gpu *gpu, struct edu_buffer *buf,
				  DXGK_MEMORY_CACHING_TYPE CacheType,
				  bool open_later)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT create = {};
	DXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT open = {};
	DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT destroy = {};
	NTSTATUS Status;

	create.hAdapter = open_later ? NULL : gpu->DxgkInterface.DeviceHandle;
	create.Size = EDU_DEMO_SIZE;
	create.Context = (ULONG_PTR)buf;
	create.Type = DXGK_PHYSICAL_MEMORY_TYPE_MDL;
	create.CacheType = CacheType;
	create.Mdl.LowAddress.QuadPart = edu_demo_low(gpu);
	create.Mdl.HighAddress.QuadPart = edu_reach(gpu);
	create.Mdl.Flags = MM_ALLOCATE_FULLY_REQUIRED;
	Status = gpu->DxgkInterface.DxgkCbCreatePhysicalMemoryObject(&create);
	if (!NT_SUCCESS(Status))
		return Status;
	buf->hPhysicalMemoryObject = create.hPhysicalMemoryObject;
	buf->hAdapterMemoryObject = create.hAdapterMemoryObject;
	if (!open_later)
		return STATUS_SUCCESS;

	open.hPhysicalMemoryObject = buf->hPhysicalMemoryObject;
	open.hAdapter = gpu->DxgkInterface.DeviceHandle;
	Status = gpu->DxgkInterface.DxgkCbOpenPhysicalMemoryObject(&open);
	if (!NT_SUCCESS(Status)) {
		destroy.hPhysicalMemoryObject = buf->hPhysicalMemoryObject;
		gpu->DxgkInterface.DxgkCbDestroyPhysicalMemoryObject(&destroy);
		return Status;
	}
	buf->hAdapterMemoryObject = open.hAdapterMemoryObject;
	return STATUS_SUCCESS;
}

/* Close the source explicitly, the destination through destroy. */
static void edu_buffer_destroy(struct edu_gpu *gpu, struct edu_buffer *buf,
			       bool close_first)
{
	DXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT close = {};
	DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT destroy = {};

	destroy.hPhysicalMemoryObject = buf->hPhysicalMemoryObject;
	if (close_first) {
		close.hAdapterMemoryObject = buf->hAdapterMemoryObject;
		gpu->DxgkInterface.DxgkCbClosePhysicalMemoryObject(&close);
	} else {
		destroy.hAdapterMemoryObject = buf->hAdapterMemoryObject;
	}
	gpu->DxgkInterface.DxgkCbDestroyPhysicalMemoryObject(&destroy);
}

static NTSTATUS edu_buffer_map(struct edu_gpu *gpu, struct edu_buffer *buf)
{
	DXGKARGCB_MAP_PHYSICAL_MEMORY map = {};
	NTSTATUS Status;

	map.hPhysicalMemoryObject = buf->hPhysicalMemoryObject;
	map.AccessMode = DXGK_ACCESS_MODE_KERNEL_MODE;
	map.Offset = 0;
	map.Size = EDU_DEMO_SIZE;
	Status = gpu->DxgkInterface.DxgkCbMapPhysicalMemory(&map);
	if (!NT_SUCCESS(Status))
		return Status;
	buf->pMappedAddress = map.pMappedAddress;
	buf->pView = (u8 *)map.pMappedAddress + map.Offset;
	buf->ViewSize = map.Size;
	return STATUS_SUCCESS;
}

static void edu_buffer_unmap(struct edu_gpu *gpu, struct edu_buffer *buf)
{
	DXGKARGCB_UNMAP_PHYSICAL_MEMORY unmap = {};

	unmap.hPhysicalMemoryObject = buf->hPhysicalMemoryObject;
	unmap.pBaseAddress = buf->pMappedAddress;
	unmap.Size = buf->ViewSize;
	gpu->DxgkInterface.DxgkCbUnmapPhysicalMemory(&unmap);
	buf->pMappedAddress = NULL;
	buf->pView = NULL;
}

static NTSTATUS edu_buffer_adl(struct edu_gpu *gpu, struct edu_buffer *buf,
			       bool prefer_contiguous)
{
	DXGKARGCB_ALLOCATE_ADL alloc = {};
	NTSTATUS Status;

	alloc.hAdapterMemoryObject = buf->hAdapterMemoryObject;
	alloc.Offset = 0;
	alloc.Size = EDU_DEMO_SIZE;
	alloc.Flags.PreferContiguous = prefer_contiguous;
	Status = gpu->DxgkInterface.DxgkCbAllocateAdl(&alloc);
	if (NT_SUCCESS(Status))
		buf->pAdl = alloc.pAdl;
	return Status;
}

static void edu_buffer_free_adl(struct edu_gpu *gpu, struct edu_buffer *buf)
{
	DXGKARGCB_FREE_ADL free = {};

	free.hAdapterMemoryObject = buf->hAdapterMemoryObject;
	free.pAdl = buf->pAdl;
	gpu->DxgkInterface.DxgkCbFreeAdl(&free);
	buf->pAdl = NULL;
}

/* Show where each page is for the CPU and where the device sees it. */
static void edu_report_adl(struct edu_gpu *gpu, const char *cache,
			   const struct edu_buffer *buf)
{
	struct device *dev = &gpu->pdev->dev;
	const DXGK_ADL *pAdl = buf->pAdl;
	UINT32 i;

	dev_info(dev, "[%s] %s ADL: %u pages, %s\n", cache, buf->name,
		 pAdl->PageCount,
		 pAdl->Flags.Contiguous ? "contiguous (one base page)" :
					  "page array");
	for (i = 0; i < pAdl->PageCount; i++) {
		phys_addr_t phys = page_to_phys(vmalloc_to_page((u8 *)buf->pView +
								i * PAGE_SIZE));
		u64 dev_addr = (u64)edu_adl_page(pAdl, i) << PAGE_SHIFT;

		dev_info(dev, "[%s]   page %u: CPU physical %pa%s -> device %#llx\n",
			 cache, i, &phys,
			 phys > DMA_BIT_MASK(gpu->dma_bits) ?
			 " (beyond the device's reach)" : "",
			 dev_addr);
	}
}

/* The pages of a mapped buffer, for a report without ADL. */
static void edu_report_pages(struct edu_gpu *gpu, const char *cache,
			     struct edu_buffer *buf)
{
	phys_addr_t phys;
	UINT32 i;

	for (i = 0; i < EDU_DEMO_PAGES; i++) {
		phys = page_to_phys(vmalloc_to_page((u8 *)buf->pView +
						    i * PAGE_SIZE));
		dev_info(&gpu->pdev->dev, "[%s]   page %u: CPU physical %pa (no ADL)\n",
			 cache, i, &phys);
	}
}

static void edu_fill(u8 *p, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(seed + i * 7 + (i >> 12));
}

static size_t edu_first_mismatch(const u8 *p, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (u8)(seed + i * 7 + (i >> 12)))
			return i;
	return len;
}

static int edu_demo_one(struct edu_gpu *gpu, DXGK_MEMORY_CACHING_TYPE CacheType)
{
	const char *cache = edu_cache_name(CacheType);
	struct device *dev = &gpu->pdev->dev;
	struct edu_buffer src = { .name = "source" };
	struct edu_buffer dst = { .name = "destination" };
	u8 seed = 0x40 + CacheType;
	NTSTATUS Status;
	size_t bad;
	int ret = -EIO;

	Status = edu_buffer_create(gpu, &src, CacheType, true);
	if (!NT_SUCCESS(Status)) {
		dev_err(dev, "[%s] creating the source failed: %#x\n", cache, Status);
		return -ENOMEM;
	}
	Status = edu_buffer_create(gpu, &dst, CacheType, false);
	if (!NT_SUCCESS(Status))
		goto out_destroy_src;
	dev_info(dev, "[%s] created source and destination: %lu bytes each, pages in %#llx-%#llx\n",
		 cache, EDU_DEMO_SIZE, edu_demo_low(gpu), edu_reach(gpu));

	Status = edu_buffer_map(gpu, &src);
	if (!NT_SUCCESS(Status))
		goto out_destroy_dst;
	Status = edu_buffer_map(gpu, &dst);
	if (!NT_SUCCESS(Status))
		goto out_unmap_src;
	edu_fill(src.pView, EDU_DEMO_SIZE, seed);
	memset(dst.pView, 0, EDU_DEMO_SIZE);

	Status = edu_buffer_adl(gpu, &src, true);
	if (Status == STATUS_NOT_SUPPORTED) {
		/* Bouncing platform: no ADL can be a live view of memory. */
		dev_info(dev, "[%s] ADL refused: DMA to this device is bounced on this platform (%#x)\n",
			 cache, Status);
		edu_report_pages(gpu, cache, &src);
		Status = STATUS_SUCCESS;
		ret = -EOPNOTSUPP;
		goto out_unmap_dst;
	}
	if (!NT_SUCCESS(Status))
		goto out_unmap_dst;
	Status = edu_buffer_adl(gpu, &dst, false);
	if (!NT_SUCCESS(Status))
		goto out_free_src_adl;
	edu_report_adl(gpu, cache, &src);
	edu_report_adl(gpu, cache, &dst);

	ret = edu_copy_adl(gpu, src.pAdl, 0, dst.pAdl, 0, EDU_DEMO_PAGES);
	if (ret) {
		dev_err(dev, "[%s] DMA failed: %d\n", cache, ret);
		goto out_free_dst_adl;
	}
	bad = edu_first_mismatch(dst.pView, EDU_DEMO_SIZE, seed);
	if (bad != EDU_DEMO_SIZE) {
		dev_err(dev, "[%s] destination differs at byte %zu\n", cache, bad);
		ret = -EIO;
		goto out_free_dst_adl;
	}
	dev_info(dev, "[%s] device copied source -> device buffer -> destination: %lu bytes verified\n",
		 cache, EDU_DEMO_SIZE);
	ret = 0;

out_free_dst_adl:
	edu_buffer_free_adl(gpu, &dst);
out_free_src_adl:
	edu_buffer_free_adl(gpu, &src);
out_unmap_dst:
	edu_buffer_unmap(gpu, &dst);
out_unmap_src:
	edu_buffer_unmap(gpu, &src);
out_destroy_dst:
	edu_buffer_destroy(gpu, &dst, false);
out_destroy_src:
	edu_buffer_destroy(gpu, &src, true);
	if (!NT_SUCCESS(Status)) {
		dev_err(dev, "[%s] a DXGK call failed: %#x\n", cache, Status);
		ret = -EIO;
	}
	return ret;
}

/**
 * edu_demo() - the demo, once per cache type; prints a report
 * @gpu: a bound device
 */
void edu_demo(struct edu_gpu *gpu)
{
	static const DXGK_MEMORY_CACHING_TYPE types[] = {
		DXGK_MEMORY_CACHING_TYPE_CACHED,
		DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED,
		DXGK_MEMORY_CACHING_TYPE_NON_CACHED,
	};
	struct device *dev = &gpu->pdev->dev;
	unsigned int i, passed = 0, bounced = 0;
	int ret;

	dev_info(dev, "edu DMA mask: %u bits (the device reaches %#llx-%#llx by itself); DMA remapping %s\n",
		 gpu->dma_bits, 0ULL, DMA_BIT_MASK(gpu->dma_bits),
		 gpu->IommuCaps.DmaRemappingSupported ? "supported" :
		 "not supported: memory is kept within that reach");
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		ret = edu_demo_one(gpu, types[i]);
		if (!ret)
			passed++;
		else if (ret == -EOPNOTSUPP)
			bounced++;
	}
	if (passed == ARRAY_SIZE(types))
		dev_info(dev, "demo passed: %u of %zu cache types\n", passed,
			 ARRAY_SIZE(types));
	else if (bounced == ARRAY_SIZE(types))
		dev_info(dev, "demo refused: DMA is bounced on this platform, so dxgkpm refuses ADLs (%u of %zu cache types)\n",
			 bounced, ARRAY_SIZE(types));
	else
		dev_err(dev, "demo FAILED: %u of %zu cache types passed\n",
			passed, ARRAY_SIZE(types));
}
