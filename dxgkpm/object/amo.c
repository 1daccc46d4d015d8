// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Adapter memory objects: a physical memory object opened for an adapter.
 *
 * Opening attaches the object to the adapter's DMA address space: from then
 * on it holds the adapter at its DMA mask and in its logical adapter, and
 * ADLs can be built, each mapping its own range (so that FreeAdl takes the
 * device's access away at once). Closing needs every ADL freed. An object
 * is open for at most one adapter at a time, as on Windows.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/slab.h>

#include "object/object.h"
#include "trace.h"

static void dxgkpm_amo_release(struct dxgkpm_obj *obj)
{
	struct dxgkpm_amo *amo = container_of(obj, struct dxgkpm_amo, obj);

	WARN_ON(!amo->closed || !list_empty(&amo->adls));
	dxgkpm_pmo_put(amo->pmo);
	dxgkpm_adapter_put(amo->adapter);
	kfree(amo);
}

void dxgkpm_amo_get(struct dxgkpm_amo *amo)
{
	dxgkpm_obj_get(&amo->obj);
}

void dxgkpm_amo_put(struct dxgkpm_amo *amo)
{
	dxgkpm_obj_put(&amo->obj);
}

/**
 * dxgkpm_amo_get_handle() - look up an adapter memory object handle
 * @handle: value from a caller
 *
 * Return: the attachment with a reference, or NULL.
 */
struct dxgkpm_amo *dxgkpm_amo_get_handle(u64 handle)
{
	struct dxgkpm_obj *obj = dxgkpm_handle_get(handle, DXGKPM_KIND_AMO);

	return obj ? container_of(obj, struct dxgkpm_amo, obj) : NULL;
}

/**
 * dxgkpm_amo_open_locked() - attach an object to an adapter
 * @pmo: object, locked by the caller
 * @adapter: adapter
 * @amop: the new attachment, with a reference for the caller
 *
 * Context: process context, may sleep; @pmo->lock is held.
 * Return: 0; -ENOENT if @pmo is destroyed; -EBUSY if it is already open;
 * -ENODEV if @adapter is going away; -ENOMEM or a DMA API error.
 */
int dxgkpm_amo_open_locked(struct dxgkpm_pmo *pmo,
			   struct dxgkpm_adapter *adapter,
			   struct dxgkpm_amo **amop)
{
	struct dxgkpm_amo *amo;
	int ret;

	lockdep_assert_held(&pmo->lock);
	if (pmo->destroyed)
		return -ENOENT;
	if (pmo->amo)
		return -EBUSY;
	ret = dxgkpm_adapter_enter(adapter);
	if (ret)
		return ret;
	dxgkpm_adapter_get_ref(adapter);

	amo = kzalloc(sizeof(*amo), GFP_KERNEL);
	if (!amo) {
		ret = -ENOMEM;
		goto err_put_adapter;
	}
	dxgkpm_obj_init(&amo->obj, DXGKPM_KIND_AMO, dxgkpm_amo_release);
	amo->pmo = pmo;
	amo->adapter = adapter;
	INIT_LIST_HEAD(&amo->adls);
	INIT_LIST_HEAD(&amo->adapter_node);

	ret = dxgkpm_handle_publish(&amo->obj);
	if (ret)
		goto err_free_amo;

	/* Unregistration waits for us, so the adapter is still alive. */
	mutex_lock(&adapter->lock);
	list_add_tail(&amo->adapter_node, &adapter->amos);
	mutex_unlock(&adapter->lock);
	dxgkpm_space_open(&adapter->dma);
	dxgkpm_adapter_exit(adapter);

	dxgkpm_pmo_get(pmo);
	pmo->amo = amo;
	atomic_long_inc(&dxgkpm_stats.amos);
	/* The caller's reference, on top of the one close drops. */
	dxgkpm_amo_get(amo);
	*amop = amo;
	return 0;

err_free_amo:
	kfree(amo);
err_put_adapter:
	dxgkpm_adapter_exit(adapter);
	dxgkpm_adapter_put(adapter);
	return ret;
}

/**
 * dxgkpm_amo_close_locked() - detach an object from its adapter
 * @amo: attachment; its object is locked by the caller
 * @force: free live ADLs (teardown) instead of refusing
 *
 * The caller's reference to @amo, if any, stays valid; the creator's
 * reference is dropped here.
 *
 * Return: 0; -ENOENT if already closed; -EBUSY if ADLs are alive and
 * @force is false.
 */
int dxgkpm_amo_close_locked(struct dxgkpm_amo *amo, bool force)
{
	struct dxgkpm_pmo *pmo = amo->pmo;
	struct dxgkpm_adapter *adapter = amo->adapter;

	lockdep_assert_held(&pmo->lock);
	if (amo->closed)
		return -ENOENT;
	if (!list_empty(&amo->adls)) {
		if (!force)
			return -EBUSY;
		dxgkpm_adl_free_all_locked(amo, dev_name(adapter->dma.dev));
	}
	dxgkpm_handle_retire(&amo->obj);
	dxgkpm_space_close(&adapter->dma);

	mutex_lock(&adapter->lock);
	list_del_init(&amo->adapter_node);
	mutex_unlock(&adapter->lock);

	amo->closed = true;
	pmo->amo = NULL;
	atomic_long_dec(&dxgkpm_stats.amos);
	dxgkpm_amo_put(amo);
	return 0;
}

/**
 * dxgkpm_amo_open() - attach an object to an adapter, taking its lock
 * @pmo: object
 * @adapter: adapter
 * @amop: the new attachment, with a reference for the caller
 *
 * Context: process context, may sleep; takes @pmo->lock.
 * Return: as dxgkpm_amo_open_locked().
 */
int dxgkpm_amo_open(struct dxgkpm_pmo *pmo, struct dxgkpm_adapter *adapter,
		    struct dxgkpm_amo **amop)
{
	int ret;

	mutex_lock(&pmo->lock);
	ret = dxgkpm_amo_open_locked(pmo, adapter, amop);
	mutex_unlock(&pmo->lock);
	return ret;
}

static int __dxgkpm_pmo_open(struct dxgkpm_pmo *pmo,
			     struct dxgkpm_adapter *adapter,
			     struct dxgkpm_amo **amop)
{
	int ret;

	might_sleep();
	if (!pmo || !adapter || !amop)
		return -EINVAL;
	*amop = NULL;
	ret = dxgkpm_amo_open(pmo, adapter, amop);
	if (!ret)
		dxgkpm_amo_put(*amop);
	return ret;
}

/**
 * dxgkpm_pmo_open() - open a physical memory object for an adapter
 * @pmo: object created without an adapter, or closed since
 * @adapter: adapter whose device will reach the memory
 * @amop: the adapter memory object, on success
 *
 * Attaches the object to the adapter's address space; each ADL built from
 * the attachment then maps its own range. An object can be open for one
 * adapter at a time.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for NULL arguments; -EBUSY if the object is already
 * open; -ENOENT if it was destroyed; -ENODEV if the adapter is going away;
 * -ENOMEM or an error of the DMA API.
 */
int dxgkpm_pmo_open(struct dxgkpm_pmo *pmo, struct dxgkpm_adapter *adapter,
		    struct dxgkpm_amo **amop)
{
	struct dxgkpm_trace_id id = dxgkpm_trace_id(pmo);
	int ret = __dxgkpm_pmo_open(pmo, adapter, amop);

	trace_dxgkpm_pmo_open(id.handle, id.type, id.caching, 0, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_pmo_open);

static int __dxgkpm_amo_close(struct dxgkpm_amo *amo)
{
	struct dxgkpm_pmo *pmo;
	int ret;

	might_sleep();
	if (!amo)
		return -EINVAL;
	pmo = amo->pmo;
	mutex_lock(&pmo->lock);
	ret = dxgkpm_amo_close_locked(amo, false);
	mutex_unlock(&pmo->lock);
	if (ret == -EBUSY)
		pr_warn_ratelimited("refusing to close adapter memory object %#llx: ADLs still alive\n",
				    amo->obj.handle);
	return ret;
}

/**
 * dxgkpm_amo_close() - close an adapter memory object
 * @amo: from dxgkpm_pmo_create() or dxgkpm_pmo_open()
 *
 * Removes the object's mapping from the adapter's DMA address space. @amo
 * must not be used afterwards.
 *
 * Context: process context, may sleep.
 * Return: 0; -EBUSY, with nothing changed, while ADLs built from @amo are
 * alive; -ENOENT if it was already closed.
 */
int dxgkpm_amo_close(struct dxgkpm_amo *amo)
{
	struct dxgkpm_trace_id id = dxgkpm_amo_trace_id(amo);
	int ret = __dxgkpm_amo_close(amo);

	trace_dxgkpm_amo_close(id.handle, id.type, id.caching, 0, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_amo_close);
