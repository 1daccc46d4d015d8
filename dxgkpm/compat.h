/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The differences between the kernels dxgkpm supports (Debian's 6.1 and 6.12)
 * that its code meets, in one place.
 */
#ifndef _DXGKPM_COMPAT_H
#define _DXGKPM_COMPAT_H

#include <linux/err.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
/* Highest order the buddy allocator hands out (inclusive). */
#define DXGKPM_MAX_ORDER	MAX_PAGE_ORDER
#else
#define DXGKPM_MAX_ORDER	(MAX_ORDER - 1)
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#endif

/* A paging IOMMU domain for @dev, or an ERR_PTR(). */
static inline struct iommu_domain *dxgkpm_iommu_domain_alloc(struct device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	return iommu_paging_domain_alloc(dev);
#else
	struct iommu_domain *domain = iommu_domain_alloc(dev->bus);

	return domain ? domain : ERR_PTR(-ENODEV);
#endif
}

static inline int dxgkpm_iommu_map(struct iommu_domain *domain,
				   unsigned long iova, phys_addr_t paddr,
				   size_t size, int prot)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	return iommu_map(domain, iova, paddr, size, prot, GFP_KERNEL);
#else
	return iommu_map(domain, iova, paddr, size, prot);
#endif
}

/*
 * A registered NUMA-aware shrinker named @name, or NULL: shrinker_alloc()
 * and shrinker_register() since 6.7, a kzalloc()ed one given to
 * register_shrinker() before. Its seeks is 0: what it frees costs no I/O
 * to make again, so reclaim asks for half of it at every priority, not
 * only once it is desperate (with DEFAULT_SEEKS a pool of 1024 pages was
 * first scanned at priority 3, and a tmpfs fill on 6.12 reached the OOM
 * killer before that).
 */
static inline struct shrinker *
dxgkpm_shrinker_create(const char *name,
		       unsigned long (*count)(struct shrinker *,
					      struct shrink_control *),
		       unsigned long (*scan)(struct shrinker *,
					     struct shrink_control *))
{
	struct shrinker *s;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	s = shrinker_alloc(SHRINKER_NUMA_AWARE, "%s", name);
	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = 0;
	shrinker_register(s);
#else
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = 0;
	s->flags = SHRINKER_NUMA_AWARE;
	if (register_shrinker(s, "%s", name)) {
		kfree(s);
		return NULL;
	}
#endif
	return s;
}

/* Unregister and free a shrinker of dxgkpm_shrinker_create(). */
static inline void dxgkpm_shrinker_destroy(struct shrinker *s)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	shrinker_free(s);
#else
	unregister_shrinker(s);
	kfree(s);
#endif
}

#endif /* _DXGKPM_COMPAT_H */
