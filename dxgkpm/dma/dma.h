/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The DMA space layer (dma/): the only place that maps memory for a
 * device. It knows devices and their address spaces, not the objects or
 * adapters above it: an adapter embeds a struct dxgkpm_dma_dev.
 */
#ifndef _DXGKPM_DMA_H
#define _DXGKPM_DMA_H

#include <linux/atomic.h>
#include <linux/dma-direction.h>
#include <linux/scatterlist.h>
#include <linux/types.h>

struct device;
struct page;
struct dxgkpm_dma_space;

/**
 * struct dxgkpm_dma_dev - an adapter's device as the DMA space sees it
 * @dev: the device; the adapter holds a reference.
 * @space: the DMA space shared with linked adapters, or NULL: the DMA API
 *	on @dev.
 * @mappings: open objects and live DMA mappings for this device.
 */
struct dxgkpm_dma_dev {
	struct device *dev;
	struct dxgkpm_dma_space *space;
	atomic_t mappings;
};

/**
 * struct dxgkpm_dma_map - pages mapped for a device (dma/dmaspace.c)
 * @sgt: the pages, as mapped for the adapter's device(s).
 * @pn: device page number (device address >> PAGE_SHIFT) of each page, in
 *	the caller's storage: what an ADL hands out as it is.
 * @npages: number of pages.
 * @contiguous: @pn[i] == @pn[0] + i for every i: one device range.
 */
struct dxgkpm_dma_map {
	struct sg_table sgt;
	unsigned long *pn;
	pgoff_t npages;
	bool contiguous;
};

u64 dxgkpm_space_limit(struct dxgkpm_dma_dev *ddev);
int dxgkpm_pages_to_sgt(struct device *dev, struct page **pages,
			pgoff_t npages, struct sg_table *sgt);
int dxgkpm_space_map_pages(struct dxgkpm_dma_dev *ddev,
			   struct page **pages, pgoff_t npages,
			   unsigned long *pn, struct dxgkpm_dma_map *map);
void dxgkpm_space_unmap_pages(struct dxgkpm_dma_dev *ddev,
			      struct dxgkpm_dma_map *map);
int dxgkpm_dma_map_table(struct device *dev, struct sg_table *sgt,
			 enum dma_data_direction dir, unsigned long attrs);
void dxgkpm_dma_unmap_table(struct device *dev, struct sg_table *sgt,
			    enum dma_data_direction dir, unsigned long attrs);
int dxgkpm_space_map_resource(struct dxgkpm_dma_dev *ddev, phys_addr_t phys,
			      size_t size, dma_addr_t *addr);
void dxgkpm_space_unmap_resource(struct dxgkpm_dma_dev *ddev,
				 dma_addr_t addr, size_t size);
int dxgkpm_space_set_limit(struct dxgkpm_dma_dev *ddev, u64 mask);
int dxgkpm_space_isolate(struct dxgkpm_dma_dev *ddev);
int dxgkpm_space_link(unsigned int count,
		      struct dxgkpm_dma_dev *(*nth)(void *arg, unsigned int i),
		      void *arg);
int dxgkpm_space_unlink(struct dxgkpm_dma_dev *ddev);
void dxgkpm_space_unregister(struct dxgkpm_dma_dev *ddev);
void dxgkpm_space_open(struct dxgkpm_dma_dev *ddev);
void dxgkpm_space_close(struct dxgkpm_dma_dev *ddev);

#endif /* _DXGKPM_DMA_H */
