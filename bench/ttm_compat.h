/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The benchmark's one place for the differences between the kernels it
 * builds against (Debian's 6.1 and 6.12) in the part of TTM it calls.
 *
 * TTM's pool is the anchor: the same page pool a GPU driver's TTM device
 * gets, initialised for the benchmark's device so that it DMA-maps what it
 * hands out. A ttm_device comes first on every kernel: its init brings up
 * TTM's global state (ttm_global_init(), with the free lists that all pools
 * share for write-combined and uncached pages), as TTM's own KUnit tests do
 * with ttm_device_kunit_init(); no buffer object is ever created on it.
 * Since 6.5 ttm_pool_init() is exported and takes a NUMA node: the pool is
 * made with it exactly as ttm_device_init() makes a device's pool (node of
 * the device, no dma_alloc, no DMA32). 6.1 exports neither ttm_pool_init()
 * nor ttm_pool_fini(): there the pool is the device's own, the one a 6.1
 * GPU driver allocates from.
 *
 * Without CONFIG_DRM_TTM in the kernel built against, the module still
 * builds, and bench_ttm_init() fails with -EOPNOTSUPP.
 */
#ifndef _DXGKPM_BENCH_TTM_COMPAT_H
#define _DXGKPM_BENCH_TTM_COMPAT_H

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/kconfig.h>
#include <linux/version.h>

#define BENCH_HAVE_TTM		IS_REACHABLE(CONFIG_DRM_TTM)
#define BENCH_TTM_POOL_EXPORTED	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0))

#if BENCH_HAVE_TTM

#include <drm/drm_vma_manager.h>
#include <drm/ttm/ttm_device.h>
#include <drm/ttm/ttm_pool.h>
#include <drm/ttm/ttm_tt.h>
#if BENCH_TTM_POOL_EXPORTED
#include <drm/ttm/ttm_bo.h>
#else
#include <drm/ttm/ttm_bo_api.h>
#endif

/**
 * struct bench_ttm - a TTM page pool for one device
 * @pool: the pool to allocate from
 * @own: the pool itself (6.5 and later)
 * @bdev: the device that holds TTM's global state (and @pool before 6.5)
 * @vma: the offset manager ttm_device_init() insists on
 */
struct bench_ttm {
	struct ttm_pool *pool;
#if BENCH_TTM_POOL_EXPORTED
	struct ttm_pool own;
#endif
	struct ttm_device bdev;
	struct drm_vma_offset_manager vma;
};

/* Make @t's pool for @dev; 0 or -errno. */
static inline int bench_ttm_init(struct bench_ttm *t, struct device *dev)
{
	/* Never called: no buffer object is made on the device. */
	static struct ttm_device_funcs funcs;
	int ret;

	drm_vma_offset_manager_init(&t->vma, DRM_FILE_PAGE_OFFSET_START,
				    DRM_FILE_PAGE_OFFSET_SIZE);
	ret = ttm_device_init(&t->bdev, &funcs, dev, NULL, &t->vma, false,
			      false);
	if (ret) {
		drm_vma_offset_manager_destroy(&t->vma);
		return ret;
	}
#if BENCH_TTM_POOL_EXPORTED
	ttm_pool_init(&t->own, dev, dev_to_node(dev), false, false);
	t->pool = &t->own;
#else
	t->pool = &t->bdev.pool;
#endif
	return 0;
}

/* Give every page @t's pool holds back to the system, and the device. */
static inline void bench_ttm_fini(struct bench_ttm *t)
{
#if BENCH_TTM_POOL_EXPORTED
	ttm_pool_fini(&t->own);
#endif
	ttm_device_fini(&t->bdev);
	drm_vma_offset_manager_destroy(&t->vma);
}

/* NUMA node of @t's pool's private free lists; NUMA_NO_NODE: global ones. */
static inline int bench_ttm_nid(const struct bench_ttm *t)
{
#if BENCH_TTM_POOL_EXPORTED
	return t->pool->nid;
#else
	return NUMA_NO_NODE;
#endif
}

#else /* !BENCH_HAVE_TTM */

struct bench_ttm {
	int unused;
};

static inline int bench_ttm_init(struct bench_ttm *t, struct device *dev)
{
	return -EOPNOTSUPP;
}

static inline void bench_ttm_fini(struct bench_ttm *t)
{
}

static inline int bench_ttm_nid(const struct bench_ttm *t)
{
	return NUMA_NO_NODE;
}

#endif /* BENCH_HAVE_TTM */

#endif /* _DXGKPM_BENCH_TTM_COMPAT_H */
