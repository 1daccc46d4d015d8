/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The differences between the kernels dxgkpm supports (Debian's 6.1 and 6.12)
 * that its code meets, in one place.
 */
#ifndef _DXGKPM_COMPAT_H
#define _DXGKPM_COMPAT_H

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

#endif /* _DXGKPM_COMPAT_H */
