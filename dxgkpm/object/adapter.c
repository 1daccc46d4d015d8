// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Adapters: the devices that use the service.
 *
 * A registered adapter pins its device and this module. Unregistering tears
 * down, in this order, everything the driver left behind: the ADLs and
 * attachments on the adapter (so the device loses access first), then the
 * objects created with it, each named in a leak report.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "object/object.h"

static LIST_HEAD(dxgkpm_adapters);
static DEFINE_MUTEX(dxgkpm_adapters_lock);

static void dxgkpm_adapter_release(struct dxgkpm_obj *obj)
{
	struct dxgkpm_adapter *adapter =
		container_of(obj, struct dxgkpm_adapter, obj);

	WARN_ON(!list_empty(&adapter->pmos) || !list_empty(&adapter->amos) ||
		!list_empty(&adapter->mem24s));
	put_device(adapter->dma.dev);
	mutex_destroy(&adapter->lock);
	kfree(adapter);
	atomic_long_dec(&dxgkpm_stats.adapters);
	module_put(THIS_MODULE);
}

/*
 * Take one more reference to an adapter the caller holds one to; dropped
 * with dxgkpm_adapter_put(). (dxgkpm_adapter_get() is the native API's
 * lookup by device.)
 */
void dxgkpm_adapter_get_ref(struct dxgkpm_adapter *adapter)
{
	dxgkpm_obj_get(&adapter->obj);
}

/**
 * dxgkpm_adapter_put() - drop a reference from dxgkpm_adapter_get()
 * @adapter: the adapter; NULL and error pointers are ignored
 *
 * Context: any context that may sleep.
 */
void dxgkpm_adapter_put(struct dxgkpm_adapter *adapter)
{
	if (!IS_ERR_OR_NULL(adapter))
		dxgkpm_obj_put(&adapter->obj);
}
EXPORT_SYMBOL_GPL(dxgkpm_adapter_put);

/* The adapter registered for @dev, or NULL; dxgkpm_adapters_lock held. */
static struct dxgkpm_adapter *dxgkpm_adapter_find_locked(struct device *dev)
{
	struct dxgkpm_adapter *adapter;

	lockdep_assert_held(&dxgkpm_adapters_lock);
	list_for_each_entry(adapter, &dxgkpm_adapters, node)
		if (dev && adapter->dma.dev == dev)
			return adapter;
	return NULL;
}

/**
 * dxgkpm_adapter_get() - the adapter registered for a device
 * @dev: a device
 *
 * For helpers that are handed a device, not an adapter (a DRM driver's
 * GEM callbacks get the &drm_device, whose parent is the adapter's device).
 * The reference keeps the adapter's memory, not its registration: calls on
 * an adapter whose unregistration has begun fail with -ENODEV.
 *
 * Context: process context, may sleep.
 * Return: the adapter with a reference (dxgkpm_adapter_put() drops it), or
 * ERR_PTR(-ENODEV) if @dev is not registered.
 */
struct dxgkpm_adapter *dxgkpm_adapter_get(struct device *dev)
{
	struct dxgkpm_adapter *adapter;

	mutex_lock(&dxgkpm_adapters_lock);
	adapter = dxgkpm_adapter_find_locked(dev);
	if (adapter)
		dxgkpm_adapter_get_ref(adapter);
	mutex_unlock(&dxgkpm_adapters_lock);
	return adapter ?: ERR_PTR(-ENODEV);
}
EXPORT_SYMBOL_GPL(dxgkpm_adapter_get);

/**
 * dxgkpm_adapters_get() - references to the registered adapters
 * @out: where to put them, in order of registration
 * @max: room in @out; 0 only counts
 *
 * Return: how many adapters are registered (more than @max if they do not
 * fit; the first @max are taken then).
 */
unsigned int dxgkpm_adapters_get(struct dxgkpm_adapter **out, unsigned int max)
{
	struct dxgkpm_adapter *adapter;
	unsigned int n = 0;

	mutex_lock(&dxgkpm_adapters_lock);
	list_for_each_entry(adapter, &dxgkpm_adapters, node) {
		if (n < max) {
			dxgkpm_adapter_get_ref(adapter);
			out[n] = adapter;
		}
		n++;
	}
	mutex_unlock(&dxgkpm_adapters_lock);
	return n;
}

/**
 * dxgkpm_adapter_get_live() - pin an adapter that is not being unregistered
 * @adapter: adapter
 *
 * Return: @adapter with a reference, or NULL if unregistration started.
 */
struct dxgkpm_adapter *dxgkpm_adapter_get_live(struct dxgkpm_adapter *adapter)
{
	bool dead;

	mutex_lock(&adapter->lock);
	dead = adapter->dead;
	if (!dead)
		dxgkpm_adapter_get_ref(adapter);
	mutex_unlock(&adapter->lock);
	return dead ? NULL : adapter;
}

/**
 * dxgkpm_adapter_enter() - begin an operation that maps memory for an adapter
 * @adapter: adapter
 *
 * Unregistration waits for every operation between dxgkpm_adapter_enter()
 * and dxgkpm_adapter_exit(), so it never finds a mapping half made.
 *
 * Return: 0, or -ENODEV once unregistration has started (nothing held).
 */
int dxgkpm_adapter_enter(struct dxgkpm_adapter *adapter)
{
	down_read(&adapter->users);
	if (READ_ONCE(adapter->dead)) {
		up_read(&adapter->users);
		return -ENODEV;
	}
	return 0;
}

/**
 * dxgkpm_adapter_exit() - end what dxgkpm_adapter_enter() began
 * @adapter: adapter
 */
void dxgkpm_adapter_exit(struct dxgkpm_adapter *adapter)
{
	up_read(&adapter->users);
}

/**
 * dxgkpm_adapter_get_handle() - look up an adapter handle
 * @handle: value from a caller (DXGKRNL_INTERFACE::DeviceHandle)
 *
 * Return: the adapter with a reference, or NULL.
 */
struct dxgkpm_adapter *dxgkpm_adapter_get_handle(u64 handle)
{
	struct dxgkpm_obj *obj = dxgkpm_handle_get(handle,
						   DXGKPM_KIND_ADAPTER);

	return obj ? container_of(obj, struct dxgkpm_adapter, obj) : NULL;
}

/**
 * dxgkpm_register_adapter() - make a device a user of the service
 * @dev: the GPU's device; its DMA mask must be set before objects are opened
 *	for it
 *
 * Context: process context, may sleep.
 * Return: the adapter, or ERR_PTR(-EINVAL) for a NULL device,
 * ERR_PTR(-EBUSY) if @dev is already registered, ERR_PTR(-ENOMEM).
 */
struct dxgkpm_adapter *dxgkpm_register_adapter(struct device *dev)
{
	struct dxgkpm_adapter *adapter;
	int ret;

	might_sleep();
	if (!dev)
		return ERR_PTR(-EINVAL);
	adapter = kzalloc(sizeof(*adapter), GFP_KERNEL);
	if (!adapter)
		return ERR_PTR(-ENOMEM);
	dxgkpm_obj_init(&adapter->obj, DXGKPM_KIND_ADAPTER,
			dxgkpm_adapter_release);
	mutex_init(&adapter->lock);
	init_rwsem(&adapter->users);
	INIT_LIST_HEAD(&adapter->pmos);
	INIT_LIST_HEAD(&adapter->amos);
	INIT_LIST_HEAD(&adapter->mem24s);
	INIT_LIST_HEAD(&adapter->imports);
	adapter->dma.dev = dev;

	mutex_lock(&dxgkpm_adapters_lock);
	if (dxgkpm_adapter_find_locked(dev)) {
		ret = -EBUSY;
		goto err_unlock;
	}
	ret = dxgkpm_handle_publish(&adapter->obj);
	if (ret)
		goto err_unlock;
	get_device(dev);
	__module_get(THIS_MODULE);
	list_add_tail(&adapter->node, &dxgkpm_adapters);
	atomic_long_inc(&dxgkpm_stats.adapters);
	mutex_unlock(&dxgkpm_adapters_lock);
	dev_dbg(dev, "registered with dxgkpm as adapter %#llx\n",
		adapter->obj.handle);
	return adapter;

err_unlock:
	mutex_unlock(&dxgkpm_adapters_lock);
	mutex_destroy(&adapter->lock);
	kfree(adapter);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(dxgkpm_register_adapter);

/* Pop the first attachment on the adapter, with references to it and its
 * object, or return NULL.
 */
static struct dxgkpm_amo *dxgkpm_adapter_pop_amo(struct dxgkpm_adapter *adapter)
{
	struct dxgkpm_amo *amo;

	mutex_lock(&adapter->lock);
	amo = list_first_entry_or_null(&adapter->amos, struct dxgkpm_amo,
				       adapter_node);
	if (amo) {
		list_del_init(&amo->adapter_node);
		dxgkpm_amo_get(amo);
		dxgkpm_pmo_get(amo->pmo);
	}
	mutex_unlock(&adapter->lock);
	return amo;
}

/**
 * dxgkpm_unregister_adapter() - stop using the service
 * @adapter: from dxgkpm_register_adapter(); NULL and error pointers are
 *	ignored
 *
 * Every WDDM 2.4 allocation or mapping, ADL, adapter memory object and
 * physical memory object the driver left on this adapter is freed, with a
 * leak report naming each. Objects created without an adapter are not
 * touched: they belong to the module. Neither is an object created with
 * this adapter but open on another one, with that adapter's ADLs: it goes
 * to the module, reported, and stays until destroyed.
 *
 * Context: process context, may sleep.
 */
void dxgkpm_unregister_adapter(struct dxgkpm_adapter *adapter)
{
	const char *name;
	struct dxgkpm_amo *amo;
	struct dxgkpm_pmo *pmo;
	unsigned int leaked = 0;

	might_sleep();
	if (IS_ERR_OR_NULL(adapter))
		return;
	name = dev_name(adapter->dma.dev);

	mutex_lock(&dxgkpm_adapters_lock);
	list_del_init(&adapter->node);
	mutex_unlock(&dxgkpm_adapters_lock);

	mutex_lock(&adapter->lock);
	if (WARN_ON(adapter->dead)) {
		mutex_unlock(&adapter->lock);
		return;
	}
	WRITE_ONCE(adapter->dead, true);
	mutex_unlock(&adapter->lock);
	dxgkpm_handle_retire(&adapter->obj);
	/* Let operations that were mapping memory for it finish. */
	down_write(&adapter->users);
	up_write(&adapter->users);

	/*
	 * First the WDDM 2.4 allocations and mappings, which are built on the
	 * objects below; then cut the device off: ADLs and attachments.
	 */
	leaked += dxgkpm_wddm24_teardown(adapter, name);
	leaked += dxgkpm_imports_teardown(adapter, name);
	while ((amo = dxgkpm_adapter_pop_amo(adapter))) {
		pmo = amo->pmo;
		mutex_lock(&pmo->lock);
		if (!amo->closed) {
			pr_warn("%s: leaked adapter memory object %#llx of %s object %#llx (context %#lx, created at %pS)\n",
				name, amo->obj.handle,
				dxgkpm_type_name(pmo->mem.type), pmo->obj.handle,
				pmo->context, (void *)pmo->creator);
			dxgkpm_amo_close_locked(amo, true);
			leaked++;
		}
		mutex_unlock(&pmo->lock);
		dxgkpm_pmo_put(pmo);
		dxgkpm_amo_put(amo);
	}
	/*
	 * Then the objects created with it; one open on another adapter is
	 * that adapter's to use and stays (dxgkpm_pmo_abandon()).
	 */
	while ((pmo = dxgkpm_pmo_pop(&adapter->pmos, &adapter->lock))) {
		if (dxgkpm_pmo_abandon(pmo, adapter, name))
			leaked++;
		dxgkpm_pmo_put(pmo);
	}
	if (leaked)
		pr_warn("%s: unregistered with %u leaked objects\n", name,
			leaked);
	/* Nothing is mapped for it any more: leave a logical adapter. */
	dxgkpm_space_unregister(&adapter->dma);
	dxgkpm_adapter_put(adapter);
}
EXPORT_SYMBOL_GPL(dxgkpm_unregister_adapter);

static void dxgkpm_unregister_adapter_action(void *adapter)
{
	dxgkpm_unregister_adapter(adapter);
}

/**
 * devm_dxgkpm_register_adapter() - dxgkpm_register_adapter(), undone with
 *	the device's managed resources
 * @dev: the GPU's device, bound to the calling driver
 *
 * The adapter is unregistered when the driver unbinds from @dev (or its
 * probe fails), after the resources the driver acquired later have been
 * released, as dmam_pool_create() does for DMA pools: a probe can use it
 * and forget the unregistration.
 *
 * Context: process context, may sleep; from the driver's probe.
 * Return: as dxgkpm_register_adapter(); on failure nothing is registered.
 */
struct dxgkpm_adapter *devm_dxgkpm_register_adapter(struct device *dev)
{
	struct dxgkpm_adapter *adapter = dxgkpm_register_adapter(dev);
	int ret;

	if (IS_ERR(adapter))
		return adapter;
	ret = devm_add_action_or_reset(dev, dxgkpm_unregister_adapter_action,
				       adapter);
	return ret ? ERR_PTR(ret) : adapter;
}
EXPORT_SYMBOL_GPL(devm_dxgkpm_register_adapter);

/* Module exit: adapters hold module references, so none can be left. */
void dxgkpm_adapters_exit(void)
{
	WARN_ON(!list_empty(&dxgkpm_adapters));
}

/* The DMA device of the @i-th adapter of @arg, NULL if it cannot link. */
static struct dxgkpm_dma_dev *dxgkpm_adapter_nth_dma(void *arg, unsigned int i)
{
	struct dxgkpm_adapter **adapters = arg;

	if (!adapters[i] || adapters[i]->dead)
		return NULL;
	return &adapters[i]->dma;
}

/**
 * dxgkpm_link_adapters() - make adapters one logical adapter (LDA)
 * @adapters: the adapters; the first is the lead
 * @count: number of adapters, at least 2
 *
 * Like Dxgkrnl, dxgkpm then creates one IOMMU domain for the logical adapter
 * and attaches every linked device to it: an object opened through any of
 * them is mapped once, at addresses that mean the same memory to all, below
 * the lowest DMA mask among them. Link before opening anything: a device
 * that has memory mapped cannot change address space.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for fewer than two adapters, the same adapter twice or
 * one being unregistered; -EBUSY if one is already linked or has memory
 * mapped; -ENODEV if a device is not behind an IOMMU; an IOMMU error.
 */
int dxgkpm_link_adapters(struct dxgkpm_adapter **adapters, unsigned int count)
{
	might_sleep();
	if (!adapters || count < 2)
		return -EINVAL;
	return dxgkpm_space_link(count, dxgkpm_adapter_nth_dma, adapters);
}
EXPORT_SYMBOL_GPL(dxgkpm_link_adapters);

/**
 * dxgkpm_unlink_adapter() - take an adapter out of its logical adapter
 * @adapter: linked adapter with nothing mapped
 *
 * The device goes back to its own DMA API domain. Unregistering an adapter
 * does this too.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EBUSY while memory is mapped in its logical adapter
 * (through any of the linked adapters).
 */
int dxgkpm_unlink_adapter(struct dxgkpm_adapter *adapter)
{
	might_sleep();
	if (!adapter)
		return -EINVAL;
	return dxgkpm_space_unlink(&adapter->dma);
}
EXPORT_SYMBOL_GPL(dxgkpm_unlink_adapter);
