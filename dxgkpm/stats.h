/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Module-wide counts of what dxgkpm holds (stats.c): every layer counts
 * what it allocates, for leak checks and debugfs.
 */
#ifndef _DXGKPM_STATS_H
#define _DXGKPM_STATS_H

#include <linux/atomic.h>
#include <linux/types.h>

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

#endif /* _DXGKPM_STATS_H */
