// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Handles: the opaque values the DXGK layer hands out for adapters, physical
 * memory objects and adapter memory objects.
 *
 * A handle is 64 bits: bits 63..56 hold the kind, bits 55..32 a generation
 * tag drawn from a global counter, bits 31..0 the index in an xarray. The
 * index space is allocated cyclically, so an index comes back only after
 * 2^32 - 1 other handles, and even then the generation tag of the stale
 * handle differs from the new one. A lookup compares the whole value stored
 * in the object with the one presented, so stale, forged, foreign and
 * wrong-kind handles all fail the same way.
 *
 * The table holds no reference: an object is retired from the table (under
 * the xarray lock) before its creator drops the reference that kept it
 * alive, and lookups take their reference under that same lock, so a lookup
 * either sees a live object and pins it, or sees nothing.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/limits.h>
#include <linux/xarray.h>

#include "object/object.h"

#define HANDLE_KIND_SHIFT	56
#define HANDLE_GEN_SHIFT	32
#define HANDLE_GEN_MASK		GENMASK_ULL(55, 32)
#define HANDLE_INDEX_MASK	GENMASK_ULL(31, 0)

static DEFINE_XARRAY_FLAGS(dxgkpm_handles, XA_FLAGS_ALLOC1);
static u32 dxgkpm_handle_next;
static atomic_t dxgkpm_handle_gen = ATOMIC_INIT(0);

/* Initialise the common header: one reference, not yet published. */
void dxgkpm_obj_init(struct dxgkpm_obj *obj, enum dxgkpm_kind kind,
		     void (*release)(struct dxgkpm_obj *obj))
{
	kref_init(&obj->ref);
	obj->handle = 0;
	obj->kind = kind;
	obj->release = release;
}

void dxgkpm_obj_get(struct dxgkpm_obj *obj)
{
	kref_get(&obj->ref);
}

static void dxgkpm_obj_release(struct kref *ref)
{
	struct dxgkpm_obj *obj = container_of(ref, struct dxgkpm_obj, ref);

	WARN_ON_ONCE(obj->handle);
	obj->release(obj);
}

void dxgkpm_obj_put(struct dxgkpm_obj *obj)
{
	kref_put(&obj->ref, dxgkpm_obj_release);
}

/**
 * dxgkpm_handle_publish() - give an object a handle
 * @obj: initialised object header, not yet published
 *
 * The index is the next one after the last handed out; only when the top
 * of the index space is reached does the search start again from the
 * bottom. __xa_alloc_cyclic() is not used: it starts again from the bottom
 * after any failure, so an XArray node it could not allocate would make it
 * hand out the lowest free index, one perhaps retired a moment ago.
 *
 * Return: 0, or -ENOMEM / -EBUSY when no index is free.
 */
int dxgkpm_handle_publish(struct dxgkpm_obj *obj)
{
	u32 gen = (u32)atomic_inc_return(&dxgkpm_handle_gen) & 0xffffff;
	u32 index;
	int ret;

	xa_lock(&dxgkpm_handles);
	ret = __xa_alloc(&dxgkpm_handles, &index, obj,
			 XA_LIMIT(dxgkpm_handle_next, U32_MAX), GFP_KERNEL);
	if (ret == -EBUSY)
		ret = __xa_alloc(&dxgkpm_handles, &index, obj, xa_limit_32b,
				 GFP_KERNEL);
	if (!ret) {
		dxgkpm_handle_next = index + 1;
		obj->handle = ((u64)obj->kind << HANDLE_KIND_SHIFT) |
			      ((u64)gen << HANDLE_GEN_SHIFT) | index;
		atomic_long_inc(&dxgkpm_stats.handles);
	}
	xa_unlock(&dxgkpm_handles);
	return ret;
}

/**
 * dxgkpm_handle_retire() - make an object's handle invalid
 * @obj: published object, or one never published (then a no-op)
 *
 * Lookups that have not yet pinned the object fail from now on.
 */
void dxgkpm_handle_retire(struct dxgkpm_obj *obj)
{
	xa_lock(&dxgkpm_handles);
	if (obj->handle) {
		__xa_erase(&dxgkpm_handles, obj->handle & HANDLE_INDEX_MASK);
		obj->handle = 0;
		atomic_long_dec(&dxgkpm_stats.handles);
	}
	xa_unlock(&dxgkpm_handles);
}

/**
 * dxgkpm_handle_get() - look a handle up and pin its object
 * @handle: value presented by a caller (any value is safe)
 * @kind: kind the caller expects
 *
 * Return: the object with a reference the caller must drop, or NULL.
 */
struct dxgkpm_obj *dxgkpm_handle_get(u64 handle, enum dxgkpm_kind kind)
{
	struct dxgkpm_obj *obj;

	if (!handle || (handle >> HANDLE_KIND_SHIFT) != kind)
		return NULL;
	xa_lock(&dxgkpm_handles);
	obj = xa_load(&dxgkpm_handles, handle & HANDLE_INDEX_MASK);
	if (obj && (obj->handle != handle || obj->kind != kind ||
		    !kref_get_unless_zero(&obj->ref)))
		obj = NULL;
	xa_unlock(&dxgkpm_handles);
	return obj;
}

/* Called at module exit, when every object has been retired. */
void dxgkpm_handles_exit(void)
{
	WARN_ON(!xa_empty(&dxgkpm_handles));
	xa_destroy(&dxgkpm_handles);
}
