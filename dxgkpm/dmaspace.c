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
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/iova.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "compat.h"
#include "internal.h"

/**
 * struct dxgkpm_dma_space - a device address space shared by linked adapters
 * @ref: one per linked adapter.
 * @lock: protects @iovad.
 * @domain: the paging domain every linked device is attached to.
 * @iovad: allocator of addresses in @domain.
 * @limit: highest usable device address: the lowest DMA mask of the linked
 *	adapters.
 * @mappings: live mappings in @domain, through any linked adapter: each is
 *	reachable by every linked device, so none may leave or lower its
 *	reach while there is one.
 */
struct dxgkpm_dma_space {
	struct kref ref;
	struct mutex lock;	/* protects @iovad */
	struct iommu_domain *domain;
	struct iova_domain iovad;
	u64 limit;
	atomic_t mappings;
};

/*
 * Mappings take this for reading, linking for writing: an adapter joins or
 * leaves a shared space only while nothing of it is mapped, and nothing can
 * be mapped meanwhile.
 */
static DECLARE_RWSEM(dxgkpm_space_rwsem);

/*
 * Whether memory is mapped in @adapter's address space: for a linked
 * adapter that includes what was opened through the others. The rwsem is
 * held for writing, so the counts cannot change.
 */
static bool dxgkpm_space_busy(struct dxgkpm_adapter *adapter)
{
	return atomic_read(&adapter->mappings) ||
	       (adapter->space && atomic_read(&adapter->space->mappings));
}

/* Count a mapping made (@delta 1) or undone (-1) for @adapter. */
static void dxgkpm_space_count(struct dxgkpm_adapter *adapter, int delta)
{
	atomic_add(delta, &adapter->mappings);
	if (adapter->space)
		atomic_add(delta, &adapter->space->mappings);
}

static int dxgkpm_prot(void)
{
	return IOMMU_READ | IOMMU_WRITE;
}

/**
 * dxgkpm_space_limit() - highest device address an adapter's ADLs may use
 * @adapter: adapter
 *
 * Return: the DMA mask of a lone adapter, the lowest mask of linked ones.
 */
u64 dxgkpm_space_limit(struct dxgkpm_adapter *adapter)
{
	return adapter->space ? adapter->space->limit :
				dma_get_mask(adapter->dev);
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
 * Without an IOMMU, a page beyond the device's reach would be bounced
 * through swiotlb: a copy made once at map time, which a device using the
 * memory for as long as the ADL lives would never see updated. Such pages
 * are refused instead, as Windows refuses to start a device that cannot
 * reach installed memory without remapping.
 */
static int dxgkpm_space_check_reach(struct dxgkpm_adapter *adapter,
				    struct sg_table *sgt, u64 limit)
{
	struct scatterlist *sg;
	unsigned int i;

	if (device_iommu_mapped(adapter->dev))
		return 0;
	for_each_sgtable_sg(sgt, sg, i)
		if (sg_phys(sg) + sg->length - 1 > limit)
			return -ERANGE;
	return 0;
}

/*
 * dxgkpm_space_map_pages() - map a table of whole pages for an adapter
 * @adapter: adapter
 * @sgt: the pages, page aligned
 * @dma: out: the device address of each page
 * @npages: number of pages in @sgt
 *
 * Every address is checked against the space's limit: the DMA API promises
 * it, and a device must never be handed more than it can reach.
 *
 * Return: 0 or -errno.
 */
static int __dxgkpm_space_map_pages(struct dxgkpm_adapter *adapter,
				    struct sg_table *sgt, dma_addr_t *dma,
				    pgoff_t npages)
{
	/*
	 * x86 DMA is cache coherent: there is nothing to sync, and saying so
	 * lets two ADLs of one section map the same page (DMA-API debugging
	 * refuses overlapping mappings that want syncs).
	 */
	const unsigned long attrs = DMA_ATTR_SKIP_CPU_SYNC;
	struct dxgkpm_dma_space *space = adapter->space;
	size_t size = (size_t)npages << PAGE_SHIFT;
	u64 limit = dxgkpm_space_limit(adapter);
	struct sg_dma_page_iter iter;
	dma_addr_t base;
	ssize_t mapped;
	pgoff_t i = 0;
	int ret;

	if (space) {
		ret = dxgkpm_space_alloc(space, size, &base);
		if (ret)
			return ret;
		mapped = iommu_map_sgtable(space->domain, base, sgt,
					   dxgkpm_prot());
		if (mapped != size) {
			if (mapped > 0)
				iommu_unmap(space->domain, base, mapped);
			dxgkpm_space_free(space, base);
			return -ENOMEM;
		}
		for (i = 0; i < npages; i++)
			dma[i] = base + ((dma_addr_t)i << PAGE_SHIFT);
		return 0;
	}

	ret = dxgkpm_space_check_reach(adapter, sgt, limit);
	if (ret)
		return ret;
	ret = dma_map_sgtable(adapter->dev, sgt, DMA_BIDIRECTIONAL, attrs);
	if (ret)
		return ret;
	for_each_sgtable_dma_page(sgt, &iter, 0) {
		dma_addr_t addr = sg_page_iter_dma_address(&iter);

		if (i >= npages || addr + PAGE_SIZE - 1 > limit)
			goto err_unmap;
		dma[i++] = addr;
	}
	if (i == npages)
		return 0;
err_unmap:
	dev_err_ratelimited(adapter->dev, "DMA mapping of %lu pages beyond the device's reach (%#llx)\n",
			    npages, limit);
	dma_unmap_sgtable(adapter->dev, sgt, DMA_BIDIRECTIONAL, attrs);
	return -EIO;
}

/*
 * dxgkpm_space_unmap_pages() - undo dxgkpm_space_map_pages()
 * @adapter: adapter the pages were mapped for
 * @sgt: the table
 * @dma: the addresses it returned
 * @npages: number of pages
 */
static void __dxgkpm_space_unmap_pages(struct dxgkpm_adapter *adapter,
				       struct sg_table *sgt,
				       const dma_addr_t *dma, pgoff_t npages)
{
	struct dxgkpm_dma_space *space = adapter->space;

	if (!space) {
		dma_unmap_sgtable(adapter->dev, sgt, DMA_BIDIRECTIONAL,
				  DMA_ATTR_SKIP_CPU_SYNC);
		return;
	}
	/* The domain is strict: the IOTLB is flushed before reuse. */
	iommu_unmap(space->domain, dma[0], (size_t)npages << PAGE_SHIFT);
	dxgkpm_space_free(space, dma[0]);
}

/*
 * dxgkpm_space_map_resource() - map an MMIO range for an adapter's device(s)
 * @adapter: adapter
 * @phys: CPU physical address, page aligned
 * @size: bytes, page aligned
 * @addr: device address, on success
 *
 * Return: 0 or -errno.
 */
static int __dxgkpm_space_map_resource(struct dxgkpm_adapter *adapter,
				       phys_addr_t phys, size_t size,
				       dma_addr_t *addr)
{
	struct dxgkpm_dma_space *space = adapter->space;
	int ret;

	if (!space) {
		/* MMIO has no CPU cache to sync; ADLs may overlap. */
		*addr = dma_map_resource(adapter->dev, phys, size,
					 DMA_BIDIRECTIONAL,
					 DMA_ATTR_SKIP_CPU_SYNC);
		return dma_mapping_error(adapter->dev, *addr) ? -EIO : 0;
	}
	ret = dxgkpm_space_alloc(space, size, addr);
	if (ret)
		return ret;
	ret = dxgkpm_iommu_map(space->domain, *addr, phys, size,
			       dxgkpm_prot() | IOMMU_MMIO);
	if (ret)
		dxgkpm_space_free(space, *addr);
	return ret;
}

/*
 * dxgkpm_space_unmap_resource() - undo dxgkpm_space_map_resource()
 * @adapter: adapter
 * @addr: device address
 * @size: bytes
 */
static void __dxgkpm_space_unmap_resource(struct dxgkpm_adapter *adapter,
					  dma_addr_t addr, size_t size)
{
	struct dxgkpm_dma_space *space = adapter->space;

	if (!space) {
		dma_unmap_resource(adapter->dev, addr, size, DMA_BIDIRECTIONAL,
				   DMA_ATTR_SKIP_CPU_SYNC);
		return;
	}
	iommu_unmap(space->domain, addr, size);
	dxgkpm_space_free(space, addr);
}

/* The mapping entry points: serialised against linking. */
int dxgkpm_space_map_pages(struct dxgkpm_adapter *adapter, struct sg_table *sgt,
			   dma_addr_t *dma, pgoff_t npages)
{
	int ret;

	down_read(&dxgkpm_space_rwsem);
	ret = __dxgkpm_space_map_pages(adapter, sgt, dma, npages);
	if (!ret)
		dxgkpm_space_count(adapter, 1);
	up_read(&dxgkpm_space_rwsem);
	return ret;
}

void dxgkpm_space_unmap_pages(struct dxgkpm_adapter *adapter,
			      struct sg_table *sgt, const dma_addr_t *dma,
			      pgoff_t npages)
{
	down_read(&dxgkpm_space_rwsem);
	__dxgkpm_space_unmap_pages(adapter, sgt, dma, npages);
	dxgkpm_space_count(adapter, -1);
	up_read(&dxgkpm_space_rwsem);
}

int dxgkpm_space_map_resource(struct dxgkpm_adapter *adapter, phys_addr_t phys,
			      size_t size, dma_addr_t *addr)
{
	int ret;

	down_read(&dxgkpm_space_rwsem);
	ret = __dxgkpm_space_map_resource(adapter, phys, size, addr);
	if (!ret)
		dxgkpm_space_count(adapter, 1);
	up_read(&dxgkpm_space_rwsem);
	return ret;
}

void dxgkpm_space_unmap_resource(struct dxgkpm_adapter *adapter,
				 dma_addr_t addr, size_t size)
{
	down_read(&dxgkpm_space_rwsem);
	__dxgkpm_space_unmap_resource(adapter, addr, size);
	dxgkpm_space_count(adapter, -1);
	up_read(&dxgkpm_space_rwsem);
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

	put_iova_domain(&space->iovad);
	iova_cache_put();
	iommu_domain_free(space->domain);
	mutex_destroy(&space->lock);
	kfree(space);
}

/* Attach @adapter to @space (a new one when NULL); the rwsem is held. */
static int dxgkpm_space_join(struct dxgkpm_adapter *adapter,
			     struct dxgkpm_dma_space *space)
{
	u64 mask = dma_get_mask(adapter->dev);
	int ret;

	if (space) {
		kref_get(&space->ref);
	} else {
		space = dxgkpm_space_create(adapter->dev, mask);
		if (IS_ERR(space))
			return PTR_ERR(space);
	}
	ret = iommu_attach_device(space->domain, adapter->dev);
	if (ret) {
		kref_put(&space->ref, dxgkpm_space_release);
		return ret;
	}
	mutex_lock(&space->lock);
	space->limit = min(space->limit, mask);
	mutex_unlock(&space->lock);
	adapter->space = space;
	return 0;
}

/* Give @adapter its own DMA API domain back; the rwsem is held. */
static void dxgkpm_space_leave(struct dxgkpm_adapter *adapter)
{
	struct dxgkpm_dma_space *space = adapter->space;

	if (!space)
		return;
	iommu_detach_device(space->domain, adapter->dev);
	adapter->space = NULL;
	kref_put(&space->ref, dxgkpm_space_release);
}

/**
 * dxgkpm_link_adapters() - make adapters one logical adapter (LDA)
 * @adapters: the adapters; the first is the lead
 * @count: number of adapters, at least 2
 *
 * Like Dxgkrnl, dxgkpm then creates one IOMMU domain for the logical adapter
 * and attaches every linked device to it: an object opened through any of
 * them is mapped once, at addresses that mean the same memory to all, below
 * the lowest DMA mask among them. Link before opening anything: a device
 * that has memory mapped cannot change address space.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for fewer than two adapters, the same adapter twice or
 * one being unregistered; -EBUSY if one is already linked or has memory
 * mapped; -ENODEV if a device is not behind an IOMMU; an IOMMU error.
 */
int dxgkpm_link_adapters(struct dxgkpm_adapter **adapters, unsigned int count)
{
	unsigned int i, j;
	int ret = 0;

	might_sleep();
	if (!adapters || count < 2)
		return -EINVAL;
	down_write(&dxgkpm_space_rwsem);
	for (i = 0; i < count && !ret; i++) {
		if (!adapters[i] || adapters[i]->dead)
			ret = -EINVAL;
		else if (adapters[i]->space || atomic_read(&adapters[i]->mappings))
			ret = -EBUSY;
		else if (!device_iommu_mapped(adapters[i]->dev))
			ret = -ENODEV;
		for (j = 0; j < i && !ret; j++)
			if (adapters[j] == adapters[i])
				ret = -EINVAL;
	}
	for (i = 0; i < count && !ret; i++) {
		ret = dxgkpm_space_join(adapters[i], i ? adapters[0]->space :
							 NULL);
		if (ret) {
			while (i--)
				dxgkpm_space_leave(adapters[i]);
		}
	}
	up_write(&dxgkpm_space_rwsem);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_link_adapters);

/**
 * dxgkpm_unlink_adapter() - take an adapter out of its logical adapter
 * @adapter: linked adapter with nothing mapped
 *
 * The device goes back to its own DMA API domain. Unregistering an adapter
 * does this too.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EBUSY while memory is mapped in its logical adapter
 * (through any of the linked adapters).
 */
int dxgkpm_unlink_adapter(struct dxgkpm_adapter *adapter)
{
	int ret = 0;

	might_sleep();
	if (!adapter)
		return -EINVAL;
	down_write(&dxgkpm_space_rwsem);
	if (dxgkpm_space_busy(adapter))
		ret = -EBUSY;
	else
		dxgkpm_space_leave(adapter);
	up_write(&dxgkpm_space_rwsem);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_unlink_adapter);

/**
 * dxgkpm_space_open() - an object is opened for an adapter
 * @adapter: adapter
 *
 * An open object belongs to the adapter's address space even before an ADL
 * maps any of it: like a mapping, it holds the adapter in its logical
 * adapter and at its DMA mask until it is closed (dxgkpm_space_close()).
 */
void dxgkpm_space_open(struct dxgkpm_adapter *adapter)
{
	down_read(&dxgkpm_space_rwsem);
	dxgkpm_space_count(adapter, 1);
	up_read(&dxgkpm_space_rwsem);
}

/**
 * dxgkpm_space_close() - undo dxgkpm_space_open()
 * @adapter: adapter
 */
void dxgkpm_space_close(struct dxgkpm_adapter *adapter)
{
	down_read(&dxgkpm_space_rwsem);
	dxgkpm_space_count(adapter, -1);
	up_read(&dxgkpm_space_rwsem);
}

/**
 * dxgkpm_space_unregister() - an adapter being unregistered leaves its LDA
 * @adapter: adapter with nothing mapped through it any more
 *
 * Unlike dxgkpm_unlink_adapter(), what the other linked adapters have
 * mapped does not hold it back: its device is going away.
 */
void dxgkpm_space_unregister(struct dxgkpm_adapter *adapter)
{
	down_write(&dxgkpm_space_rwsem);
	WARN_ON(atomic_read(&adapter->mappings));
	dxgkpm_space_leave(adapter);
	up_write(&dxgkpm_space_rwsem);
}

/**
 * dxgkpm_space_set_limit() - change an adapter's DMA mask
 * @adapter: adapter with nothing mapped
 * @mask: new DMA mask
 *
 * Return: 0; -EBUSY while memory is mapped in @adapter's address space
 * (for a linked adapter, through any of them); or the error of
 * dma_set_mask_and_coherent().
 */
int dxgkpm_space_set_limit(struct dxgkpm_adapter *adapter, u64 mask)
{
	int ret;

	down_write(&dxgkpm_space_rwsem);
	if (dxgkpm_space_busy(adapter)) {
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = dma_set_mask_and_coherent(adapter->dev, mask);
	if (!ret && adapter->space) {
		mutex_lock(&adapter->space->lock);
		adapter->space->limit = min(adapter->space->limit, mask);
		mutex_unlock(&adapter->space->lock);
	}
out_unlock:
	up_write(&dxgkpm_space_rwsem);
	return ret;
}
