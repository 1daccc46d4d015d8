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

#endif /* _DXGKPM_COMPAT_H */
