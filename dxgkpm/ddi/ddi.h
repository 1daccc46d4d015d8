/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The DXGK layer (ddi/): the DxgkCb* callbacks a Windows display miniport
 * calls, their argument checks and NTSTATUS results, on top of the object
 * model (object/object.h).
 */
#ifndef _DXGKPM_DDI_H
#define _DXGKPM_DDI_H

#include <linux/err.h>
#include <linux/printk.h>

#include <dxgkpm/d3dkmddi.h>

#include "object/object.h"

/* A DXGK handle is a dxgkpm handle value (object/handle.c). */
static inline u64 dxgkpm_handle_to_u64(HANDLE handle)
{
	return (u64)(uintptr_t)handle;
}

static inline HANDLE dxgkpm_u64_to_handle(u64 value)
{
	return (HANDLE)(uintptr_t)value;
}

/* ddi.c */
NTSTATUS dxgkpm_ntstatus(int err);
/*
 * Log a refused DXGK call, ratelimited per call site (so that a burst from
 * one callback hides no other), and give its NTSTATUS.
 */
#define dxgkpm_refuse(call, what, err) ({				\
	int __dxgkpm_err = (err);					\
	pr_warn_ratelimited("%s: %s: %pe\n", (call), (what),		\
			    ERR_PTR(__dxgkpm_err));			\
	dxgkpm_ntstatus(__dxgkpm_err);					\
})

/* ddi/wddm24.c: the WDDM 2.4 IOMMU isolation callbacks */
DXGKCB_ALLOCATECONTIGUOUSMEMORY dxgkpm_cb_allocate_contiguous;
DXGKCB_FREECONTIGUOUSMEMORY dxgkpm_cb_free_contiguous;
DXGKCB_ALLOCATEPAGESFORMDL dxgkpm_cb_allocate_pages_for_mdl;
DXGKCB_FREEPAGESFROMMDL dxgkpm_cb_free_pages_from_mdl;
DXGKCB_MAPMDLTOIOMMU dxgkpm_cb_map_mdl_to_iommu;
DXGKCB_UNMAPMDLFROMIOMMU dxgkpm_cb_unmap_mdl_from_iommu;

#endif /* _DXGKPM_DDI_H */
