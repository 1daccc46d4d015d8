// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * DMA spaces: the device address space an adapter's ADLs are relative to.
 *
 * A lone adapter uses the DMA API on its own device: under an IOMMU that is
 * the device's default (translating) domain, and iommu-dma hands out IOVAs
 * below the device's DMA mask. Adapters linked into one logical adapter
 * (LDA) share one space instead, as Dxgkrnl does: dxgkpm allocates a paging
 * IOMMU domain, attaches every linked device to it and manages its IOVAs
 * itself, so one mapping serves all of them and an ADL means the same
 * memory to each. The DMA API cannot be used on a device while it is
 * attached to such a domain; every mapping then goes through this file.
 *
 * A space can also be an identity space: the WDDM 2.4 isolation model, in
 * which the device reaches each page at its physical address, as Dxgkrnl
 * maps memory 1:1 for drivers of WDDM 2.4 to 2.8 ([C-ISO]). dxgkpm then
 * maps every page and MMIO range at I/O virtual address == physical
 * address in a paging domain of its own, one reference per mapping that
 * covers the page, and removes the entry when the last one goes. The DMA
 * API's own domain cannot hold such mappings: its address allocator
 * belongs to iommu-dma, which can neither be asked for a given address nor
 * told to keep one free, and would hand the same addresses out again.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/iova.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/swiotlb.h>
#include <linux/xarray.h>

#include "compat.h"
#include "dma/dma.h"
#include "stats.h"

/**
 * struct dxgkpm_dma_space - a device address space shared by linked adapters
 * @ref: one per linked adapter.
 * @lock: protects @iovad.
 * @domain: the paging domain every linked device is attached to.
 * @iovad: allocator of addresses in @domain.
 * @limit: highest usable device address: the lowest DMA mask of the linked
 *	adapters, within the domain's aperture.
 * @mappings: live mappings in @domain, through any linked adapter: each is
 *	reachable by every linked device, so none may leave or lower its
 *	reach while there is one.
 * @identity: an identity space: every page is mapped at its physical
 *	address, and @iovad is not used.
 * @pfns: in an identity space, how many mappings cover each mapped page
 *	frame (an xa_mk_value()), under @lock.
 */
struct dxgkpm_dma_space {
	struct kref ref;
	struct mutex lock;	/* protects @iovad and @pfns */
	struct iommu_domain *domain;
	struct iova_domain iovad;
	u64 limit;
	atomic_t mappings;
	bool identity;
	struct xarray pfns;
};

/*
 * Mappings take this for reading, linking for writing: an adapter joins or
 * leaves a shared space only while nothing of it is mapped, and nothing can
 * be mapped meanwhile.
 */
static DECLARE_RWSEM(dxgkpm_space_rwsem);

/*
 * Whether memory is mapped in @ddev's address space: for a linked
 * adapter that includes what was opened through the others. The rwsem is
 * held for writing, so the counts cannot change.
 */
static bool dxgkpm_space_busy(struct dxgkpm_dma_dev *ddev)
{
	return atomic_read(&ddev->mappings) ||
	       (ddev->space && atomic_read(&ddev->space->mappings));
}

/* Count a mapping made (@delta 1) or undone (-1) for @adapter. */
static void dxgkpm_space_count(struct dxgkpm_dma_dev *ddev, int delta)
{
	atomic_add(delta, &ddev->mappings);
	if (ddev->space)
		atomic_add(delta, &ddev->space->mappings);
}

/*
 * Memory mappings in a shared space: x86 DMA is cache coherent, so the
 * device's accesses snoop (IOMMU_CACHE), as iommu-dma maps for coherent
 * devices. MMIO (IO-space objects) gets IOMMU_MMIO instead.
 */
#define DXGKPM_SPACE_PROT_RAM	(IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE)
#define DXGKPM_SPACE_PROT_MMIO	(IOMMU_READ | IOMMU_WRITE | IOMMU_MMIO)

/**
 * dxgkpm_space_limit() - highest device address an adapter's ADLs may use
 * @ddev: the adapter's DMA device
 *
 * Return: the DMA mask of a lone adapter, the lowest mask of linked ones.
 */
u64 dxgkpm_space_limit(struct dxgkpm_dma_dev *ddev)
{
	return ddev->space ? ddev->space->limit :
				dma_get_mask(ddev->dev);
}

/* Allocate @size bytes of device addresses below the space's limit. */
static int dxgkpm_space_alloc(struct dxgkpm_dma_space *space, size_t size,
			      dma_addr_t *addr)
{
	unsigned long shift = iova_shift(&space->iovad);
	struct iova *iova;

	mutex_lock(&space->lock);
	iova = alloc_iova(&space->iovad, size >> shift, space->limit >> shift,
			  true);
	mutex_unlock(&space->lock);
	if (!iova)
		return -ENOMEM;
	*addr = iova_dma_addr(&space->iovad, iova);
	return 0;
}

static void dxgkpm_space_free(struct dxgkpm_dma_space *space, dma_addr_t addr)
{
	mutex_lock(&space->lock);
	free_iova(&space->iovad, iova_pfn(&space->iovad, addr));
	mutex_unlock(&space->lock);
}

/*
 * Whether the device's DMA goes through a translating IOMMU domain: then
 * dxgkpm chooses every address it reaches and nothing is ever bounced.
 * Passthrough (an identity domain, iommu=pt) and no IOMMU at all are direct
 * mapping: the device sees physical addresses.
 */
static bool dxgkpm_space_translated(struct dxgkpm_dma_dev *ddev)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(ddev->dev);

	return domain && (domain->type & __IOMMU_DOMAIN_PAGING);
}

/*
 * Whether the DMA API bounces every streaming mapping of @dev through
 * swiotlb (swiotlb=force, or memory encryption in a confidential guest).
 */
static bool dxgkpm_dma_force_bounce(struct device *dev)
{
#ifdef CONFIG_SWIOTLB
	return is_swiotlb_force_bounce(dev);
#else
	return false;
#endif
}

/*
 * With direct mapping, the DMA API bounces through swiotlb what the device
 * cannot reach, and everything when told to (swiotlb=force) or when memory
 * is encrypted (SEV, TDX guests). A bounce is a copy made at map time and
 * copied back at unmap: a device that uses an ADL's memory for as long as
 * the ADL lives would never see the CPU's later writes, nor the CPU its.
 * So a bounce is refused: memory beyond the device's reach with -ERANGE
 * before mapping (the driver must ask for memory within it, as it must on
 * Windows without DmaRemappingSupported), forced bouncing with -EOPNOTSUPP
 * before mapping (mapping would even warn where the bounce buffers are out
 * of reach), and any other bounce the DMA API reports (dma_need_sync())
 * with -EOPNOTSUPP after mapping (dxgkpm_space_bounced()).
 */
static int dxgkpm_space_check_direct(struct dxgkpm_dma_dev *ddev,
				     struct sg_table *sgt, u64 limit)
{
	struct scatterlist *sg;
	unsigned int i;

	if (dxgkpm_dma_force_bounce(ddev->dev)) {
		dev_warn_ratelimited(ddev->dev, "DMA is bounced on this platform (swiotlb=force or encrypted memory): ADLs refused\n");
		return -EOPNOTSUPP;
	}
	for_each_sgtable_sg(sgt, sg, i)
		if (sg_phys(sg) + sg->length - 1 > limit)
			return -ERANGE;
	return 0;
}

/* After a direct mapping: whether the DMA API bounced any of it. */
static bool dxgkpm_space_bounced(struct dxgkpm_dma_dev *ddev,
				 struct sg_table *sgt)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i)
		if (dma_need_sync(ddev->dev, sg_dma_address(sg)))
			return true;
	return false;
}

/*
 * Drop one identity mapping of each of @count page frames from @pfn: the
 * entry of a frame that nothing else maps goes, with its IOTLB entry (the
 * domain is strict), before this returns. @space->lock is held.
 */
static void dxgkpm_space_identity_put(struct dxgkpm_dma_space *space,
				      unsigned long pfn, unsigned long count)
{
	unsigned long i, refs;
	void *entry;

	for (i = 0; i < count; i++, pfn++) {
		entry = xa_load(&space->pfns, pfn);
		if (WARN_ON_ONCE(!xa_is_value(entry)))
			continue;
		refs = xa_to_value(entry);
		if (refs > 1) {
			/* Replacing a present entry allocates nothing. */
			xa_store(&space->pfns, pfn, xa_mk_value(refs - 1),
				 GFP_KERNEL);
			continue;
		}
		xa_erase(&space->pfns, pfn);
		iommu_unmap(space->domain, PFN_PHYS(pfn), PAGE_SIZE);
	}
}

/*
 * Map @count page frames from @pfn at their own physical addresses, or
 * take one more reference on those already mapped. Returns 0, -ERANGE if
 * one is beyond the space's limit, or the error of the XArray or of the
 * IOMMU; nothing is left mapped or referenced on error. @space->lock is
 * held.
 */
static int dxgkpm_space_identity_get(struct dxgkpm_dma_space *space,
				     unsigned long pfn, unsigned long count,
				     int prot)
{
	unsigned long i, refs;
	void *entry;
	int ret;

	if (PFN_PHYS(pfn + count) - 1 > space->limit)
		return -ERANGE;
	for (i = 0; i < count; i++) {
		entry = xa_load(&space->pfns, pfn + i);
		refs = xa_is_value(entry) ? xa_to_value(entry) : 0;
		ret = xa_err(xa_store(&space->pfns, pfn + i,
				      xa_mk_value(refs + 1), GFP_KERNEL));
		if (ret)
			goto err_put_pfns;
		if (refs)
			continue;
		ret = dxgkpm_iommu_map(space->domain, PFN_PHYS(pfn + i),
				       PFN_PHYS(pfn + i), PAGE_SIZE, prot);
		if (ret) {
			xa_erase(&space->pfns, pfn + i);
			goto err_put_pfns;
		}
	}
	return 0;

err_put_pfns:
	dxgkpm_space_identity_put(space, pfn, i);
	return ret;
}

/*
 * Map the pages of @sgt at their physical addresses in an identity space:
 * their device page numbers are their PFNs.
 */
static int dxgkpm_space_identity_map_pages(struct dxgkpm_dma_space *space,
					   struct sg_table *sgt,
					   unsigned long *pn, pgoff_t npages,
					   bool *contiguous)
{
	struct sg_page_iter iter;
	unsigned long pfn;
	pgoff_t i = 0;
	int ret = 0;

	*contiguous = true;
	mutex_lock(&space->lock);
	for_each_sgtable_page(sgt, &iter, 0) {
		if (WARN_ON_ONCE(i >= npages)) {
			ret = -EINVAL;
			break;
		}
		pfn = page_to_pfn(sg_page_iter_page(&iter));
		ret = dxgkpm_space_identity_get(space, pfn, 1,
						DXGKPM_SPACE_PROT_RAM);
		if (ret)
			break;
		if (i && pfn != pn[0] + i)
			*contiguous = false;
		pn[i++] = pfn;
	}
	if (!ret && i != npages)
		ret = -EINVAL;
	if (ret) {
		while (i--)
			dxgkpm_space_identity_put(space, pn[i], 1);
	}
	mutex_unlock(&space->lock);
	return ret;
}

/*
 * __dxgkpm_space_map_pages() - map a table of whole pages for an adapter
 * @ddev: the adapter's DMA device
 * @sgt: the pages, page aligned
 * @pn: out: the device page number of each page
 * @npages: number of pages in @sgt
 * @contiguous: out: whether the page numbers follow one another
 *
 * Every address is checked against the space's limit: the DMA API promises
 * it, and a device must never be handed more than it can reach. One pass
 * over the mapped segments gives both outputs.
 *
 * Return: 0 or -errno.
 */
static int __dxgkpm_space_map_pages(struct dxgkpm_dma_dev *ddev,
				    struct sg_table *sgt, unsigned long *pn,
				    pgoff_t npages, bool *contiguous)
{
	/*
	 * x86 DMA is cache coherent: there is nothing to sync, and saying so
	 * lets two ADLs of one section map the same page (DMA-API debugging
	 * refuses overlapping mappings that want syncs).
	 */
	const unsigned long attrs = DMA_ATTR_SKIP_CPU_SYNC;
	struct dxgkpm_dma_space *space = ddev->space;
	size_t size = (size_t)npages << PAGE_SHIFT;
	u64 limit = dxgkpm_space_limit(ddev);
	pgoff_t i = 0, end;
	struct scatterlist *sg;
	dma_addr_t base;
	bool translated;
	ssize_t mapped;
	unsigned int k;
	int ret;

	if (space && space->identity)
		return dxgkpm_space_identity_map_pages(space, sgt, pn, npages,
						       contiguous);
	*contiguous = true;
	if (space) {
		ret = dxgkpm_space_alloc(space, size, &base);
		if (ret)
			return ret;
		mapped = iommu_map_sgtable(space->domain, base, sgt,
					   DXGKPM_SPACE_PROT_RAM);
		if (mapped != size) {
			if (mapped > 0)
				iommu_unmap(space->domain, base, mapped);
			dxgkpm_space_free(space, base);
			return -ENOMEM;
		}
		for (i = 0; i < npages; i++)
			pn[i] = PHYS_PFN(base) + i;
		return 0;
	}

	translated = dxgkpm_space_translated(ddev);
	if (!translated) {
		ret = dxgkpm_space_check_direct(ddev, sgt, limit);
		if (ret)
			return ret;
	}
	ret = dma_map_sgtable(ddev->dev, sgt, DMA_BIDIRECTIONAL, attrs);
	if (ret)
		return ret;
	if (!translated && dxgkpm_space_bounced(ddev, sgt)) {
		dev_warn_ratelimited(ddev->dev, "the DMA API bounced an ADL's pages: refused\n");
		dma_unmap_sgtable(ddev->dev, sgt, DMA_BIDIRECTIONAL, attrs);
		return -EOPNOTSUPP;
	}
	/*
	 * A segment at a time, as for_each_sgtable_dma_page() would see its
	 * pages but without a call per page: an object of 2 MiB is 512 pages
	 * in one segment under an IOMMU.
	 */
	for_each_sgtable_dma_sg(sgt, sg, k) {
		dma_addr_t addr = sg_dma_address(sg);
		pgoff_t n = PAGE_ALIGN(sg->offset + sg_dma_len(sg)) >> PAGE_SHIFT;
		unsigned long first = PHYS_PFN(addr);

		if (n > npages - i ||
		    addr + ((dma_addr_t)n << PAGE_SHIFT) - 1 > limit)
			goto err_unmap;
		if (i && first != pn[0] + i)
			*contiguous = false;
		for (end = i + n; i < end; i++)
			pn[i] = first++;
	}
	if (i == npages)
		return 0;
err_unmap:
	dev_err_ratelimited(ddev->dev, "DMA mapping of %lu pages beyond the device's reach (%#llx)\n",
			    npages, limit);
	dma_unmap_sgtable(ddev->dev, sgt, DMA_BIDIRECTIONAL, attrs);
	return -EIO;
}

/*
 * After an unmap through the DMA API, make sure the device can no longer
 * reach the range before the caller gives the memory back. A strict domain
 * has invalidated the IOTLB already; a lazy one (IOMMU_DOMAIN_DMA_FQ,
 * Debian's default) only queued the invalidation, for up to 10 ms, while
 * the pages go back to their owner or to the page allocator at once. So a
 * lazy domain is flushed here, which is what strict mode does on every
 * unmap: FreeAdl, Close and Destroy keep their isolation on a default boot.
 */
static void dxgkpm_space_sync_unmap(struct dxgkpm_dma_dev *ddev)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(ddev->dev);

	if (domain && domain->type == IOMMU_DOMAIN_DMA_FQ)
		iommu_flush_iotlb_all(domain);
}

/*
 * __dxgkpm_space_unmap_pages() - undo __dxgkpm_space_map_pages()
 * @ddev: DMA device the pages were mapped for
 * @sgt: the table
 * @pn: the page numbers it returned
 * @npages: number of pages
 */
static void __dxgkpm_space_unmap_pages(struct dxgkpm_dma_dev *ddev,
				       struct sg_table *sgt,
				       const unsigned long *pn, pgoff_t npages)
{
	struct dxgkpm_dma_space *space = ddev->space;

	if (!space) {
		dma_unmap_sgtable(ddev->dev, sgt, DMA_BIDIRECTIONAL,
				  DMA_ATTR_SKIP_CPU_SYNC);
		dxgkpm_space_sync_unmap(ddev);
		return;
	}
	if (space->identity) {
		pgoff_t i;

		mutex_lock(&space->lock);
		for (i = 0; i < npages; i++)
			dxgkpm_space_identity_put(space, pn[i], 1);
		mutex_unlock(&space->lock);
		return;
	}
	/* The domain is strict: the IOTLB is flushed before reuse. */
	iommu_unmap(space->domain, PFN_PHYS(pn[0]), (size_t)npages << PAGE_SHIFT);
	dxgkpm_space_free(space, PFN_PHYS(pn[0]));
}

/*
 * __dxgkpm_space_map_resource() - map an MMIO range for an adapter's device(s)
 * @ddev: the adapter's DMA device
 * @phys: CPU physical address, page aligned
 * @size: bytes, page aligned
 * @addr: device address, on success
 *
 * Return: 0 or -errno.
 */
static int __dxgkpm_space_map_resource(struct dxgkpm_dma_dev *ddev,
				       phys_addr_t phys, size_t size,
				       dma_addr_t *addr)
{
	struct dxgkpm_dma_space *space = ddev->space;
	int ret;

	if (!space) {
		/* MMIO has no CPU cache to sync; ADLs may overlap. */
		*addr = dma_map_resource(ddev->dev, phys, size,
					 DMA_BIDIRECTIONAL,
					 DMA_ATTR_SKIP_CPU_SYNC);
		return dma_mapping_error(ddev->dev, *addr) ? -EIO : 0;
	}
	if (space->identity) {
		mutex_lock(&space->lock);
		ret = dxgkpm_space_identity_get(space, PHYS_PFN(phys),
						size >> PAGE_SHIFT,
						DXGKPM_SPACE_PROT_MMIO);
		mutex_unlock(&space->lock);
		if (!ret)
			*addr = phys;
		return ret;
	}
	ret = dxgkpm_space_alloc(space, size, addr);
	if (ret)
		return ret;
	ret = dxgkpm_iommu_map(space->domain, *addr, phys, size,
			       DXGKPM_SPACE_PROT_MMIO);
	if (ret)
		dxgkpm_space_free(space, *addr);
	return ret;
}

/*
 * __dxgkpm_space_unmap_resource() - undo __dxgkpm_space_map_resource()
 * @ddev: the adapter's DMA device
 * @addr: device address
 * @size: bytes
 */
static void __dxgkpm_space_unmap_resource(struct dxgkpm_dma_dev *ddev,
					  dma_addr_t addr, size_t size)
{
	struct dxgkpm_dma_space *space = ddev->space;

	if (!space) {
		dma_unmap_resource(ddev->dev, addr, size, DMA_BIDIRECTIONAL,
				   DMA_ATTR_SKIP_CPU_SYNC);
		dxgkpm_space_sync_unmap(ddev);
		return;
	}
	if (space->identity) {
		mutex_lock(&space->lock);
		dxgkpm_space_identity_put(space, PHYS_PFN(addr),
					  size >> PAGE_SHIFT);
		mutex_unlock(&space->lock);
		return;
	}
	iommu_unmap(space->domain, addr, size);
	dxgkpm_space_free(space, addr);
}

/*
 * Pages from @pages[0] on that follow it in physical memory: at most @max,
 * and no more than @left. Only the array is read, never a struct page.
 */
static unsigned int dxgkpm_pages_run(struct page *const *pages, pgoff_t left,
				     unsigned int max)
{
	unsigned long pfn = page_to_pfn(pages[0]);
	unsigned int n = 1;

	while (n < max && n < left && page_to_pfn(pages[n]) == pfn + n)
		n++;
	return n;
}

/**
 * dxgkpm_pages_to_sgt() - describe pages for the DMA API
 * @dev: device the table will be mapped for (for its segment limit)
 * @pages: pages; never ZONE_DEVICE ones (see below)
 * @npages: number of pages
 * @sgt: table to fill; free it with sg_free_table()
 *
 * One entry per run of physically consecutive pages, split at the device's
 * segment limit: the table sg_alloc_table_from_pages_segment() builds. That
 * helper also keeps ZONE_DEVICE pages of different owners apart, which
 * costs two struct page reads per page and per pass: 2,048 for an object
 * of 2 MiB, at every ADL. dxgkpm's pages cannot be ZONE_DEVICE pages: they
 * come from the page allocator, from shmem (sections) or from
 * pfn_to_online_page() (WDDM 2.4 mappings), which has none. So only the
 * array is walked.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for no pages or more than an sg table holds, or
 * -ENOMEM.
 */
int dxgkpm_pages_to_sgt(struct device *dev, struct page **pages,
			pgoff_t npages, struct sg_table *sgt)
{
	unsigned int max_seg, max_pages, nents = 0, n;
	struct scatterlist *sg;
	pgoff_t i;
	int ret;

	if (!npages || npages > UINT_MAX)
		return -EINVAL;
	/* sg lengths are 32 bits: stay well below, and within the device's. */
	max_seg = min_t(unsigned int, dma_get_max_seg_size(dev), SZ_1G);
	max_pages = max_t(unsigned int, max_seg >> PAGE_SHIFT, 1);
	for (i = 0; i < npages; i += n) {
		n = dxgkpm_pages_run(pages + i, npages - i, max_pages);
		nents++;
	}
	ret = sg_alloc_table(sgt, nents, GFP_KERNEL);
	if (ret)
		return ret;
	sg = sgt->sgl;
	for (i = 0; i < npages; i += n) {
		n = dxgkpm_pages_run(pages + i, npages - i, max_pages);
		sg_set_page(sg, pages[i], n << PAGE_SHIFT, 0);
		sg = sg_next(sg);
	}
	return 0;
}

/**
 * dxgkpm_space_map_pages() - map pages for an adapter's device(s)
 * @ddev: the adapter's DMA device
 * @pages: the pages
 * @npages: number of pages
 * @pn: out: room for the device page number of each page, kept in @map
 * @map: the mapping, on success; undo it with dxgkpm_space_unmap_pages()
 *
 * The one place pages are mapped for a device: every ADL of a page-backed
 * object, every WDDM 2.4 mapping. One table for the pages, mapped once:
 * under an IOMMU that is one IOVA range, so the pages are contiguous in
 * the device's address space. The device page number (address >>
 * PAGE_SHIFT, what an ADL hands out) of every page is written to @pn, and
 * whether they follow one another to @map->contiguous, in one pass over
 * the mapped segments, so that nobody walks the table or the numbers
 * again. Every address is checked
 * against the space's limit: the DMA API promises it, and a device must
 * never be handed more than it can reach. Each mapping is counted
 * (dxgkpm_stats.dma_maps) until it is undone.
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno, with nothing mapped or allocated.
 */
int dxgkpm_space_map_pages(struct dxgkpm_dma_dev *ddev,
			   struct page **pages, pgoff_t npages,
			   unsigned long *pn, struct dxgkpm_dma_map *map)
{
	int ret;

	ret = dxgkpm_pages_to_sgt(ddev->dev, pages, npages, &map->sgt);
	if (ret)
		return ret;
	down_read(&dxgkpm_space_rwsem);
	ret = __dxgkpm_space_map_pages(ddev, &map->sgt, pn, npages,
				       &map->contiguous);
	if (!ret)
		dxgkpm_space_count(ddev, 1);
	up_read(&dxgkpm_space_rwsem);
	if (ret)
		goto err_free_table;
	map->pn = pn;
	map->npages = npages;
	atomic_long_inc(&dxgkpm_stats.dma_maps);
	return 0;

err_free_table:
	sg_free_table(&map->sgt);
	return ret;
}

/**
 * dxgkpm_space_unmap_pages() - undo dxgkpm_space_map_pages()
 * @ddev: DMA device the pages were mapped for
 * @map: the mapping
 *
 * The device can no longer reach the pages when this returns (see
 * dxgkpm_space_sync_unmap()).
 *
 * Context: process context, may sleep.
 */
void dxgkpm_space_unmap_pages(struct dxgkpm_dma_dev *ddev,
			      struct dxgkpm_dma_map *map)
{
	down_read(&dxgkpm_space_rwsem);
	__dxgkpm_space_unmap_pages(ddev, &map->sgt, map->pn, map->npages);
	dxgkpm_space_count(ddev, -1);
	up_read(&dxgkpm_space_rwsem);
	atomic_long_dec(&dxgkpm_stats.dma_maps);
	sg_free_table(&map->sgt);
	map->pn = NULL;
}

/**
 * dxgkpm_dma_map_table() - map a dma-buf importer's table of pages
 * @dev: the importer's device
 * @sgt: table from dxgkpm_pages_to_sgt()
 * @dir: direction
 * @attrs: DMA_ATTR_* of the mapping
 *
 * For devices that are not adapters: no DMA space, the DMA API as the
 * importer asked. Counted in dxgkpm_stats.dma_maps as every mapping is.
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno.
 */
int dxgkpm_dma_map_table(struct device *dev, struct sg_table *sgt,
			 enum dma_data_direction dir, unsigned long attrs)
{
	int ret = dma_map_sgtable(dev, sgt, dir, attrs);

	if (!ret)
		atomic_long_inc(&dxgkpm_stats.dma_maps);
	return ret;
}

/**
 * dxgkpm_dma_unmap_table() - undo dxgkpm_dma_map_table()
 * @dev: the importer's device
 * @sgt: the table
 * @dir: direction it was mapped with
 * @attrs: DMA_ATTR_* it was mapped with
 *
 * Context: process context, may sleep.
 */
void dxgkpm_dma_unmap_table(struct device *dev, struct sg_table *sgt,
			    enum dma_data_direction dir, unsigned long attrs)
{
	dma_unmap_sgtable(dev, sgt, dir, attrs);
	atomic_long_dec(&dxgkpm_stats.dma_maps);
}

/**
 * dxgkpm_space_map_resource() - map an MMIO range for an adapter's device(s)
 * @ddev: the adapter's DMA device
 * @phys: CPU physical address, page aligned
 * @size: bytes, page aligned
 * @addr: device address, on success
 *
 * Counted in dxgkpm_stats.dma_maps until dxgkpm_space_unmap_resource().
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno.
 */
int dxgkpm_space_map_resource(struct dxgkpm_dma_dev *ddev, phys_addr_t phys,
			      size_t size, dma_addr_t *addr)
{
	int ret;

	down_read(&dxgkpm_space_rwsem);
	ret = __dxgkpm_space_map_resource(ddev, phys, size, addr);
	if (!ret)
		dxgkpm_space_count(ddev, 1);
	up_read(&dxgkpm_space_rwsem);
	if (!ret)
		atomic_long_inc(&dxgkpm_stats.dma_maps);
	return ret;
}

/**
 * dxgkpm_space_unmap_resource() - undo dxgkpm_space_map_resource()
 * @ddev: the adapter's DMA device
 * @addr: device address
 * @size: bytes
 *
 * Context: process context, may sleep.
 */
void dxgkpm_space_unmap_resource(struct dxgkpm_dma_dev *ddev,
				 dma_addr_t addr, size_t size)
{
	down_read(&dxgkpm_space_rwsem);
	__dxgkpm_space_unmap_resource(ddev, addr, size);
	dxgkpm_space_count(ddev, -1);
	up_read(&dxgkpm_space_rwsem);
	atomic_long_dec(&dxgkpm_stats.dma_maps);
}

static struct dxgkpm_dma_space *dxgkpm_space_create(struct device *dev,
						    u64 limit)
{
	struct dxgkpm_dma_space *space;
	unsigned long order;
	int ret;

	space = kzalloc(sizeof(*space), GFP_KERNEL);
	if (!space)
		return ERR_PTR(-ENOMEM);
	kref_init(&space->ref);
	mutex_init(&space->lock);
	xa_init(&space->pfns);
	space->limit = limit;
	space->domain = dxgkpm_iommu_domain_alloc(dev);
	if (IS_ERR(space->domain)) {
		ret = PTR_ERR(space->domain);
		goto err_free_space;
	}
	ret = iova_cache_get();
	if (ret)
		goto err_free_domain;
	order = __ffs(space->domain->pgsize_bitmap);
	/* Device address 0 is never handed out: it looks like a NULL. */
	init_iova_domain(&space->iovad, 1UL << order, 1);
	return space;

err_free_domain:
	iommu_domain_free(space->domain);
err_free_space:
	mutex_destroy(&space->lock);
	kfree(space);
	return ERR_PTR(ret);
}

static void dxgkpm_space_release(struct kref *ref)
{
	struct dxgkpm_dma_space *space =
		container_of(ref, struct dxgkpm_dma_space, ref);

	WARN_ON(!xa_empty(&space->pfns));
	xa_destroy(&space->pfns);
	put_iova_domain(&space->iovad);
	iova_cache_put();
	iommu_domain_free(space->domain);
	mutex_destroy(&space->lock);
	kfree(space);
}

/*
 * Keep the addresses @dev's IOMMU group reserves out of @space: the MSI
 * window (0xfee00000 on x86, where a DMA write is an interrupt), RMRRs and
 * the like, as iommu-dma does for the DMA API's own domains.
 */
static int dxgkpm_space_reserve(struct dxgkpm_dma_space *space,
				struct device *dev)
{
	struct iommu_resv_region *region, *next;
	struct iova_domain *iovad = &space->iovad;
	struct iommu_group *group;
	LIST_HEAD(regions);
	int ret;

	group = iommu_group_get(dev);
	if (!group)
		return -ENODEV;
	ret = iommu_get_group_resv_regions(group, &regions);
	iommu_group_put(group);
	mutex_lock(&space->lock);
	list_for_each_entry_safe(region, next, &regions, list) {
		if (!ret && region->length &&
		    !reserve_iova(iovad, iova_pfn(iovad, region->start),
				  iova_pfn(iovad, region->start +
					   region->length - 1)))
			ret = -ENOMEM;
		kfree(region);
	}
	mutex_unlock(&space->lock);
	return ret;
}

/* Attach @ddev to @space (a new one when NULL); the rwsem is held. */
static int dxgkpm_space_join(struct dxgkpm_dma_dev *ddev,
			     struct dxgkpm_dma_space *space)
{
	u64 mask = dma_get_mask(ddev->dev);
	int ret;

	if (space) {
		kref_get(&space->ref);
	} else {
		space = dxgkpm_space_create(ddev->dev, mask);
		if (IS_ERR(space))
			return PTR_ERR(space);
	}
	ret = dxgkpm_space_reserve(space, ddev->dev);
	if (ret)
		goto err_put_space;
	ret = iommu_attach_device(space->domain, ddev->dev);
	if (ret)
		goto err_put_space;
	/*
	 * A mask wider than the IOMMU's page tables must not count: the
	 * aperture is known once a device is attached (VT-d sizes the domain
	 * to its IOMMU's address width then).
	 */
	mutex_lock(&space->lock);
	space->limit = min3(space->limit, mask,
			    (u64)space->domain->geometry.aperture_end);
	mutex_unlock(&space->lock);
	ddev->space = space;
	return 0;

err_put_space:
	kref_put(&space->ref, dxgkpm_space_release);
	return ret;
}

/* Give @ddev its own DMA API domain back; the rwsem is held. */
static void dxgkpm_space_leave(struct dxgkpm_dma_dev *ddev)
{
	struct dxgkpm_dma_space *space = ddev->space;

	if (!space)
		return;
	iommu_detach_device(space->domain, ddev->dev);
	ddev->space = NULL;
	kref_put(&space->ref, dxgkpm_space_release);
}

/**
 * dxgkpm_space_link() - make devices one DMA space (dxgkpm_link_adapters())
 * @count: number of devices, at least 2
 * @nth: gives the @i-th adapter's DMA device, NULL for an adapter that is
 *	missing or being unregistered; the first is the lead. Called with the
 *	DMA spaces' rwsem held for writing.
 * @arg: passed to @nth
 *
 * One IOMMU domain is created for the logical adapter and every linked
 * device is attached to it: an object opened through any of them is mapped
 * once, at addresses that mean the same memory to all, below the lowest DMA
 * mask among them.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for fewer than two devices, a NULL one or the same one
 * twice; -EBUSY if one is already linked or has memory mapped; -ENODEV if
 * a device is not behind an IOMMU; an IOMMU error.
 */
int dxgkpm_space_link(unsigned int count,
		      struct dxgkpm_dma_dev *(*nth)(void *arg, unsigned int i),
		      void *arg)
{
	struct dxgkpm_dma_dev *ddev;
	unsigned int i, j;
	int ret = 0;

	down_write(&dxgkpm_space_rwsem);
	for (i = 0; i < count && !ret; i++) {
		ddev = nth(arg, i);
		if (!ddev)
			ret = -EINVAL;
		else if (ddev->space || atomic_read(&ddev->mappings))
			ret = -EBUSY;
		else if (!device_iommu_mapped(ddev->dev))
			ret = -ENODEV;
		for (j = 0; j < i && !ret; j++)
			if (nth(arg, j) == ddev)
				ret = -EINVAL;
	}
	for (i = 0; i < count && !ret; i++) {
		ret = dxgkpm_space_join(nth(arg, i), i ? nth(arg, 0)->space :
							 NULL);
		if (ret) {
			while (i--)
				dxgkpm_space_leave(nth(arg, i));
		}
	}
	up_write(&dxgkpm_space_rwsem);
	return ret;
}

/**
 * dxgkpm_space_isolate() - the WDDM 2.4 isolation model for an adapter
 * @ddev: DMA device of an adapter whose driver uses the WDDM 2.4
 *	callbacks only
 *
 * Under a translating IOMMU, the adapter's device (and every device linked
 * to it) is attached to a paging domain of dxgkpm's, in which every page
 * and range mapped for it is at its physical address: the PFNs of an MDL
 * and the physical address of contiguous memory are what the device uses,
 * as under Dxgkrnl's 1:1 isolation, and the device still reaches nothing
 * else. Without one (no IOMMU, passthrough), device addresses are physical
 * already and nothing changes. Calling it again is harmless.
 *
 * Context: process context, may sleep.
 * Return: 0; -EBUSY while memory is mapped or open in the adapter's address
 * space, which cannot change under it; an IOMMU error.
 */
int dxgkpm_space_isolate(struct dxgkpm_dma_dev *ddev)
{
	int ret = 0;

	might_sleep();
	down_write(&dxgkpm_space_rwsem);
	if (ddev->space && ddev->space->identity)
		goto out_unlock;
	if (dxgkpm_space_busy(ddev)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	if (!ddev->space) {
		if (!dxgkpm_space_translated(ddev))
			goto out_unlock;
		ret = dxgkpm_space_join(ddev, NULL);
		if (ret)
			goto out_unlock;
	}
	ddev->space->identity = true;
out_unlock:
	up_write(&dxgkpm_space_rwsem);
	return ret;
}

/**
 * dxgkpm_space_unlink() - take a device out of its shared DMA space
 *	(dxgkpm_unlink_adapter())
 * @ddev: linked adapter's DMA device with nothing mapped
 *
 * The device goes back to its own DMA API domain.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EBUSY while memory is mapped in its logical adapter
 * (through any of the linked adapters).
 */
int dxgkpm_space_unlink(struct dxgkpm_dma_dev *ddev)
{
	int ret = 0;

	down_write(&dxgkpm_space_rwsem);
	if (dxgkpm_space_busy(ddev))
		ret = -EBUSY;
	else
		dxgkpm_space_leave(ddev);
	up_write(&dxgkpm_space_rwsem);
	return ret;
}

/**
 * dxgkpm_space_open() - an object is opened for an adapter
 * @ddev: the adapter's DMA device
 *
 * An open object belongs to the adapter's address space even before an ADL
 * maps any of it: like a mapping, it holds the adapter in its logical
 * adapter and at its DMA mask until it is closed (dxgkpm_space_close()).
 */
void dxgkpm_space_open(struct dxgkpm_dma_dev *ddev)
{
	down_read(&dxgkpm_space_rwsem);
	dxgkpm_space_count(ddev, 1);
	up_read(&dxgkpm_space_rwsem);
}

/**
 * dxgkpm_space_close() - undo dxgkpm_space_open()
 * @ddev: the adapter's DMA device
 */
void dxgkpm_space_close(struct dxgkpm_dma_dev *ddev)
{
	down_read(&dxgkpm_space_rwsem);
	dxgkpm_space_count(ddev, -1);
	up_read(&dxgkpm_space_rwsem);
}

/**
 * dxgkpm_space_unregister() - an adapter being unregistered leaves its LDA
 * @ddev: DMA device with nothing mapped through it any more
 *
 * Unlike dxgkpm_unlink_adapter(), what the other linked adapters have
 * mapped does not hold it back: its device is going away.
 */
void dxgkpm_space_unregister(struct dxgkpm_dma_dev *ddev)
{
	down_write(&dxgkpm_space_rwsem);
	WARN_ON(atomic_read(&ddev->mappings));
	dxgkpm_space_leave(ddev);
	up_write(&dxgkpm_space_rwsem);
}

/**
 * dxgkpm_space_set_limit() - change an adapter's DMA mask
 * @ddev: DMA device with nothing mapped
 * @mask: new DMA mask
 *
 * Return: 0; -EBUSY while memory is mapped in @ddev's address space
 * (for a linked adapter, through any of them); or the error of
 * dma_set_mask_and_coherent().
 */
int dxgkpm_space_set_limit(struct dxgkpm_dma_dev *ddev, u64 mask)
{
	int ret;

	down_write(&dxgkpm_space_rwsem);
	if (dxgkpm_space_busy(ddev)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = dma_set_mask_and_coherent(ddev->dev, mask);
	if (!ret && ddev->space) {
		mutex_lock(&ddev->space->lock);
		ddev->space->limit = min(ddev->space->limit, mask);
		mutex_unlock(&ddev->space->lock);
	}
out_unlock:
	up_write(&dxgkpm_space_rwsem);
	return ret;
}
