/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The DXGK callbacks as the suites call them: one wrapper per callback,
 * through the interface of an adapter of the test (struct dxgkpm_kt), with
 * the argument structure filled as a display miniport fills it and its
 * outputs poisoned, so that a call that must set or clear them is seen to.
 * The wrappers that return the NTSTATUS judge nothing; those that take the
 * test stop it unless the call does what it must.
 */
#ifndef _DXGKPM_KUNIT_DXGK_CALLS_H
#define _DXGKPM_KUNIT_DXGK_CALLS_H

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/types.h>

#include "helpers.h"

/* A non-NULL value in an output that a failed call must clear. */
#define DXGKPM_CALL_JUNK	((HANDLE)0xbad0bad0UL)
#define DXGKPM_CALL_JUNK_PTR	((void *)0xbad0bad0UL)

/* The Context of every object created with dxgkpm_call_args(). */
#define DXGKPM_CALL_CONTEXT	0xc0ffee17UL

/* DXGKARGCB_ALLOCATE_ADL::Flags.Value bits. */
#define DXGKPM_CALL_REQUIRE	BIT(0)	/* RequireContiguous */
#define DXGKPM_CALL_PREFER	BIT(1)	/* PreferContiguous */

/**
 * struct dxgkpm_call_obj - the handles of one object
 * @pmo: hPhysicalMemoryObject
 * @amo: hAdapterMemoryObject, or NULL
 */
struct dxgkpm_call_obj {
	HANDLE pmo;
	HANDLE amo;
};

void dxgkpm_call_args(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *c,
		      HANDLE adapter, DXGK_PHYSICAL_MEMORY_TYPE type,
		      DXGK_MEMORY_CACHING_TYPE cache, size_t size);
void dxgkpm_call_io_args(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *c,
			 HANDLE adapter, phys_addr_t base, size_t size);
struct dxgkpm_call_obj
dxgkpm_call_create(struct kunit *test, struct dxgkpm_kt *kt,
		   DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *c);
struct dxgkpm_call_obj
dxgkpm_call_new(struct kunit *test, struct dxgkpm_kt *kt, HANDLE adapter,
		DXGK_PHYSICAL_MEMORY_TYPE type, DXGK_MEMORY_CACHING_TYPE cache,
		size_t size);
void dxgkpm_call_destroy(struct dxgkpm_kt *kt, HANDLE pmo, HANDLE amo);
NTSTATUS dxgkpm_call_open(struct dxgkpm_kt *kt, HANDLE pmo, HANDLE adapter,
			  HANDLE *amo);
void dxgkpm_call_open_ok(struct kunit *test, struct dxgkpm_kt *kt,
			 struct dxgkpm_call_obj *obj);
void dxgkpm_call_close(struct dxgkpm_kt *kt, HANDLE amo);
NTSTATUS dxgkpm_call_map(struct dxgkpm_kt *kt,
			 DXGKARGCB_MAP_PHYSICAL_MEMORY *m, HANDLE pmo,
			 DXGK_ACCESS_MODE mode, size_t offset, size_t size);
void dxgkpm_call_unmap(struct dxgkpm_kt *kt, HANDLE pmo, void *base,
		       size_t size);
void *dxgkpm_call_view(struct kunit *test, struct dxgkpm_kt *kt, HANDLE pmo,
		       size_t offset, size_t size, size_t *view_size);
NTSTATUS dxgkpm_call_adl(struct dxgkpm_kt *kt, HANDLE amo, size_t offset,
			 size_t size, u32 flags, DXGK_ADL **adl);
DXGK_ADL *dxgkpm_call_adl_ok(struct kunit *test, struct dxgkpm_kt *kt,
			     HANDLE amo, size_t offset, size_t size,
			     u32 flags);
void dxgkpm_call_free_adl(struct dxgkpm_kt *kt, HANDLE amo, DXGK_ADL *adl);
dma_addr_t dxgkpm_call_adl_addr(const DXGK_ADL *adl, u32 index);

#endif /* _DXGKPM_KUNIT_DXGK_CALLS_H */
