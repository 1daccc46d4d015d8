// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Physical memory objects: creation, destruction and the teardown of objects
 * their owner left behind.
 *
 * An object is alive from create until destroy; its memory lives until the
 * last reference goes (a user-mode view can hold one past destroy). Destroy
 * is refused while anything could still reach the memory through the object
 * itself: an ADL (the device may be using it) or a kernel-mode view (the
 * caller still holds the pointer). Windows bugchecks in the first case;
 * dxgkpm keeps the memory pinned and mapped, says so once, and reports the
 * object again when its adapter goes or the module is unloaded.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "object/object.h"
#include "trace.h"

/* Objects created without an adapter, torn down at module exit. */
static LIST_HEAD(dxgkpm_orphans);
static DEFINE_MUTEX(dxgkpm_orphans_lock);

const char *dxgkpm_caching_name(enum dxgkpm_caching caching)
{
	static const char * const names[] = {
		[DXGKPM_CACHING_UNCACHED] = "uncached",
		[DXGKPM_CACHING_CACHED] = "cached",
		[DXGKPM_CACHING_WC] = "write-combined",
	};

	return (unsigned int)caching < ARRAY_SIZE(names) ? names[caching] : "?";
}

static const struct dxgkpm_mem_ops *dxgkpm_mem_ops(enum dxgkpm_mem_type type)
{
	switch (type) {
	case DXGKPM_MEM_PAGES:
		return &dxgkpm_mem_pages_ops;
	case DXGKPM_MEM_CONTIGUOUS:
		return &dxgkpm_mem_contig_ops;
	case DXGKPM_MEM_SECTION:
		return &dxgkpm_mem_section_ops;
	case DXGKPM_MEM_IO_SPACE:
		return &dxgkpm_mem_io_ops;
	default:
		return NULL;
	}
}

/* The name of a memory type, for messages: its backend's. */
const char *dxgkpm_type_name(enum dxgkpm_mem_type type)
{
	const struct dxgkpm_mem_ops *ops = dxgkpm_mem_ops(type);

	return ops ? ops->name : "?";
}

static struct mutex *dxgkpm_owner_lock(struct dxgkpm_pmo *pmo)
{
	return pmo->owner ? &pmo->owner->lock : &dxgkpm_orphans_lock;
}

static void dxgkpm_pmo_release(struct dxgkpm_obj *obj)
{
	struct dxgkpm_pmo *pmo = container_of(obj, struct dxgkpm_pmo, obj);

	WARN_ON(pmo->amo || pmo->nr_adls || !list_empty(&pmo->kviews) ||
		!list_empty(&pmo->uviews));
	pmo->mem.ops->release(&pmo->mem);
	dxgkpm_adl_quarantine_free(pmo);
	if (pmo->owner)
		dxgkpm_adapter_put(pmo->owner);
	mutex_destroy(&pmo->lock);
	kfree(pmo);
	atomic_long_dec(&dxgkpm_stats.pmos);
}

void dxgkpm_pmo_get(struct dxgkpm_pmo *pmo)
{
	dxgkpm_obj_get(&pmo->obj);
}

void dxgkpm_pmo_put(struct dxgkpm_pmo *pmo)
{
	dxgkpm_obj_put(&pmo->obj);
}

/**
 * dxgkpm_pmo_get_handle() - look up a physical memory object handle
 * @handle: value from a caller
 *
 * Return: the object with a reference, or NULL.
 */
struct dxgkpm_pmo *dxgkpm_pmo_get_handle(u64 handle)
{
	struct dxgkpm_obj *obj = dxgkpm_handle_get(handle, DXGKPM_KIND_PMO);

	return obj ? container_of(obj, struct dxgkpm_pmo, obj) : NULL;
}

/**
 * dxgkpm_pmo_check_range() - validate a byte range of an object
 * @pmo: object
 * @offset: first byte
 * @size: length, non-zero
 *
 * Return: 0 if [@offset, @offset + @size) lies inside the object (its size
 * rounded up to whole pages), -EINVAL otherwise, overflow included.
 */
int dxgkpm_pmo_check_range(const struct dxgkpm_pmo *pmo, size_t offset,
			   size_t size)
{
	size_t end;

	if (!size || check_add_overflow(offset, size, &end))
		return -EINVAL;
	return end <= ((size_t)pmo->mem.npages << PAGE_SHIFT) ? 0 : -EINVAL;
}

static int dxgkpm_desc_check(const struct dxgkpm_pmo_desc *desc)
{
	if (!desc->size || desc->size > SIZE_MAX - PAGE_SIZE + 1)
		return -EINVAL;
	if ((unsigned int)desc->type > DXGKPM_MEM_IO_SPACE ||
	    (unsigned int)desc->caching > DXGKPM_CACHING_WC)
		return -EINVAL;
	/* The page array and the ADL page count are bounded by RAM. */
	if (desc->type != DXGKPM_MEM_IO_SPACE &&
	    PAGE_ALIGN(desc->size) >> PAGE_SHIFT > totalram_pages())
		return -ENOMEM;
	return 0;
}

/*
 * Put a published object on its owner's list, unless it was destroyed in
 * the meantime (a caller that guessed the fresh handle).
 */
static int dxgkpm_pmo_link(struct dxgkpm_pmo *pmo)
{
	struct list_head *list = pmo->owner ? &pmo->owner->pmos :
					      &dxgkpm_orphans;
	struct mutex *lock = dxgkpm_owner_lock(pmo);
	int ret = 0;

	mutex_lock(&pmo->lock);
	mutex_lock(lock);
	if (pmo->destroyed)
		ret = -ENOENT;
	else if (pmo->owner && pmo->owner->dead)
		ret = -ENODEV;
	else
		list_add_tail(&pmo->owner_node, list);
	mutex_unlock(lock);
	mutex_unlock(&pmo->lock);
	return ret;
}

static void dxgkpm_pmo_unlink(struct dxgkpm_pmo *pmo)
{
	struct mutex *lock = dxgkpm_owner_lock(pmo);

	mutex_lock(lock);
	list_del_init(&pmo->owner_node);
	mutex_unlock(lock);
}

/*
 * What still holds the object's memory from the caller's side. Called with
 * the object locked; returns a reason to refuse destruction, or NULL.
 */
static const char *dxgkpm_pmo_busy_locked(struct dxgkpm_pmo *pmo)
{
	lockdep_assert_held(&pmo->lock);
	if (pmo->nr_adls)
		return "ADLs";
	if (!list_empty(&pmo->kviews))
		return "kernel-mode views";
	return NULL;
}

/*
 * The one state change of an object, under its lock: close its attachment
 * (freeing ADLs), unmap kernel views, set ->destroyed and retire the
 * handle. Whoever sets ->destroyed owns the creator's reference and must
 * then call dxgkpm_pmo_drop_creator(), so racing callers cannot drop it
 * twice. With @why, every piece that goes is reported as leaked.
 */
static bool dxgkpm_pmo_destroy_locked(struct dxgkpm_pmo *pmo, const char *why)
{
	lockdep_assert_held(&pmo->lock);
	if (pmo->destroyed)
		return false;
	if (why)
		pr_warn("%s: leaked %s object %#llx: %zu bytes, %s, context %#lx, created at %pS\n",
			why, dxgkpm_type_name(pmo->mem.type), pmo->obj.handle,
			pmo->mem.size, dxgkpm_caching_name(pmo->mem.caching),
			pmo->context, (void *)pmo->creator);
	if (pmo->amo)
		dxgkpm_amo_close_locked(pmo->amo, true);
	dxgkpm_kviews_free_all_locked(pmo, why ? why : "destroy");
	pmo->destroyed = true;
	dxgkpm_handle_retire(&pmo->obj);
	return true;
}

/**
 * dxgkpm_pmo_hide() - make a new object and its attachment unreachable
 * @pmo: object just created for an adapter (dxgkpm_pmo_create_ref())
 *
 * For an object another one is built on (a WDDM 2.4 allocation, mem24.c):
 * its handle and that of its attachment are retired at once, so that it
 * can be reached through its owner only. The references stay.
 *
 * Context: process context, may sleep.
 */
void dxgkpm_pmo_hide(struct dxgkpm_pmo *pmo)
{
	mutex_lock(&pmo->lock);
	if (pmo->amo)
		dxgkpm_handle_retire(&pmo->amo->obj);
	mutex_unlock(&pmo->lock);
	dxgkpm_handle_retire(&pmo->obj);
}

/*
 * After dxgkpm_pmo_destroy_locked() returned true, outside the lock: unlink
 * the object and drop the creator's reference.
 */
static void dxgkpm_pmo_drop_creator(struct dxgkpm_pmo *pmo)
{
	dxgkpm_pmo_unlink(pmo);
	dxgkpm_pmo_put(pmo);
}

/**
 * dxgkpm_pmo_force_destroy() - destroy an object whatever still uses it
 * @pmo: object, with a reference held by the caller
 * @why: who is destroying it, for a leak report; NULL for none
 *
 * ADLs are freed (the device is going away, or already gone), the adapter
 * memory object is closed, kernel-mode views are unmapped and the creator's
 * reference is dropped. A user-mode view keeps the memory until munmap.
 *
 * Context: process context, may sleep.
 * Return: true if the object was destroyed, false if it had been already.
 */
bool dxgkpm_pmo_force_destroy(struct dxgkpm_pmo *pmo, const char *why)
{
	bool destroyed;

	mutex_lock(&pmo->lock);
	destroyed = dxgkpm_pmo_destroy_locked(pmo, why);
	mutex_unlock(&pmo->lock);
	if (destroyed)
		dxgkpm_pmo_drop_creator(pmo);
	return destroyed;
}

/**
 * dxgkpm_pmo_create_ref() - dxgkpm_pmo_create(), keeping references
 * @desc: what to create
 * @adapter: adapter to open the object for at once, or NULL
 * @creator: return address of the driver's call, for debugfs and reports
 * @pmop: the object, with a reference for the caller
 * @amop: the attachment when @adapter is given, with a reference for the
 *	caller
 *
 * The DXGK layer reads the new handles through these references, so a
 * hostile caller that guesses a handle and destroys the object at once
 * cannot make it touch freed memory.
 *
 * Context: process context, may sleep.
 *
 * Return: as dxgkpm_pmo_create().
 */
int dxgkpm_pmo_create_ref(const struct dxgkpm_pmo_desc *desc,
			  struct dxgkpm_adapter *adapter, unsigned long creator,
			  struct dxgkpm_pmo **pmop, struct dxgkpm_amo **amop)
{
	struct dxgkpm_pmo *pmo;
	int ret;

	might_sleep();
	if (!desc || !pmop || (adapter && !amop))
		return -EINVAL;
	*pmop = NULL;
	if (amop)
		*amop = NULL;
	ret = dxgkpm_desc_check(desc);
	if (ret)
		return ret;
	if (!dxgkpm_mem_ops(desc->type))
		return -EOPNOTSUPP;

	pmo = kzalloc(sizeof(*pmo), GFP_KERNEL);
	if (!pmo)
		return -ENOMEM;
	dxgkpm_obj_init(&pmo->obj, DXGKPM_KIND_PMO, dxgkpm_pmo_release);
	pmo->mem.type = desc->type;
	pmo->mem.caching = desc->caching;
	pmo->mem.size = desc->size;
	pmo->mem.npages = PAGE_ALIGN(desc->size) >> PAGE_SHIFT;
	pmo->context = desc->context;
	pmo->creator = creator;
	pmo->mem.ops = dxgkpm_mem_ops(desc->type);
	INIT_LIST_HEAD(&pmo->owner_node);
	INIT_LIST_HEAD(&pmo->kviews);
	INIT_LIST_HEAD(&pmo->uviews);
	mutex_init(&pmo->lock);
	pmo->mem.lock = &pmo->lock;
	if (adapter && !dxgkpm_adapter_get_live(adapter)) {
		ret = -ENODEV;
		goto err_free_pmo;
	}
	pmo->owner = adapter;

	ret = pmo->mem.ops->init(&pmo->mem, adapter ? adapter->dma.dev : NULL,
				 desc);
	if (ret)
		goto err_put_owner;
	atomic_long_inc(&dxgkpm_stats.pmos);
	/*
	 * From here on the release callback undoes everything. The creator's
	 * reference is dropped by whoever sets ->destroyed; this function
	 * keeps a second one for its caller.
	 */
	dxgkpm_pmo_get(pmo);
	if (adapter) {
		ret = dxgkpm_amo_open(pmo, adapter, amop);
		if (ret)
			goto err_destroy_pmo;
	}
	/* Published once whole; nobody can name the object before. */
	ret = dxgkpm_handle_publish(&pmo->obj);
	if (ret)
		goto err_destroy_pmo;
	ret = dxgkpm_pmo_link(pmo);
	if (ret)
		goto err_destroy_pmo;
	*pmop = pmo;
	return 0;

err_destroy_pmo:
	if (amop && *amop) {
		dxgkpm_amo_put(*amop);
		*amop = NULL;
	}
	dxgkpm_pmo_force_destroy(pmo, NULL);
	dxgkpm_pmo_put(pmo);
	return ret;

err_put_owner:
	if (adapter)
		dxgkpm_adapter_put(adapter);
err_free_pmo:
	mutex_destroy(&pmo->lock);
	kfree(pmo);
	return ret;
}

/**
 * dxgkpm_pmo_create() - create a physical memory object
 * @desc: what to create
 * @adapter: adapter to open the object for at once, or NULL
 * @pmop: the object, on success
 * @amop: the adapter memory object when @adapter is given, else unused
 *	(may be NULL then)
 *
 * The memory is allocated, zeroed, given its cache type and, with @adapter,
 * mapped for the adapter's device, all before this returns.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for a bad descriptor, -EOPNOTSUPP for a request that
 * cannot be honoured here, -ENOMEM when memory is short or cannot satisfy
 * the constraints, -ENODEV when @adapter is being unregistered, -EINTR when
 * a fatal signal interrupted the allocation, or an error of the DMA API.
 */
int dxgkpm_pmo_create(const struct dxgkpm_pmo_desc *desc,
		      struct dxgkpm_adapter *adapter,
		      struct dxgkpm_pmo **pmop, struct dxgkpm_amo **amop)
{
	struct dxgkpm_trace_id id = dxgkpm_trace_id(NULL);
	int ret;

	ret = dxgkpm_pmo_create_ref(desc, adapter, _RET_IP_, pmop, amop);
	if (!ret) {
		id = dxgkpm_trace_id(*pmop);
		if (adapter)
			dxgkpm_amo_put(*amop);
		dxgkpm_pmo_put(*pmop);
	} else if (desc) {
		id.type = desc->type;
		id.caching = desc->caching;
	}
	trace_dxgkpm_pmo_create(id.handle, id.type, id.caching,
				desc ? desc->size : 0, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_pmo_create);

static int __dxgkpm_pmo_destroy(struct dxgkpm_pmo *pmo,
				struct dxgkpm_amo *amo)
{
	const char *busy;
	int ret = 0;

	might_sleep();
	if (!pmo)
		return -EINVAL;
	mutex_lock(&pmo->lock);
	if (pmo->destroyed)
		ret = -ENOENT;
	else if (amo && amo != pmo->amo)
		ret = -EINVAL;
	busy = ret ? NULL : dxgkpm_pmo_busy_locked(pmo);
	if (busy) {
		pr_warn_ratelimited("refusing to destroy %s object %#llx (context %#lx): %s still alive; memory stays pinned\n",
				    dxgkpm_type_name(pmo->mem.type),
				    pmo->obj.handle, pmo->context, busy);
		ret = -EBUSY;
	}
	if (!ret)
		dxgkpm_pmo_destroy_locked(pmo, NULL);
	mutex_unlock(&pmo->lock);
	if (!ret)
		dxgkpm_pmo_drop_creator(pmo);
	return ret;
}

/**
 * dxgkpm_pmo_destroy() - destroy a physical memory object
 * @pmo: object from dxgkpm_pmo_create()
 * @amo: its adapter memory object to close at the same time, or NULL
 *
 * An adapter memory object still open on @pmo is closed whether or not it is
 * passed. The memory is freed once no user-mode view refers to it any more.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL if @amo is not @pmo's; -EBUSY, with nothing changed,
 * while an ADL or a kernel-mode view of the object is alive; -ENOENT if the
 * object was already torn down.
 */
int dxgkpm_pmo_destroy(struct dxgkpm_pmo *pmo, struct dxgkpm_amo *amo)
{
	struct dxgkpm_trace_id id = dxgkpm_trace_id(pmo);
	int ret = __dxgkpm_pmo_destroy(pmo, amo);

	trace_dxgkpm_pmo_destroy(id.handle, id.type, id.caching, 0, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_pmo_destroy);

/**
 * dxgkpm_pmo_abandon() - the adapter that created an object goes away
 * @pmo: object created with @owner, with a reference held by the caller
 * @owner: the adapter being unregistered
 * @why: who is tearing it down, for the report
 *
 * An object still open on another adapter is that adapter's business now:
 * its attachment and ADLs belong to the other driver, which may be using
 * them, so the object is handed to the module (as if created without an
 * adapter) and stays, handle and all, until destroyed or the module goes.
 * Any other object is destroyed (dxgkpm_pmo_force_destroy()).
 *
 * Return: true if the object was left behind by its creator (reported).
 */
bool dxgkpm_pmo_abandon(struct dxgkpm_pmo *pmo, struct dxgkpm_adapter *owner,
			const char *why)
{
	struct dxgkpm_adapter *old = NULL;

	mutex_lock(&pmo->lock);
	if (!pmo->destroyed && pmo->owner == owner && pmo->amo &&
	    pmo->amo->adapter != owner) {
		pr_warn("%s: leaked %s object %#llx (context %#lx) is open on %s: kept, owned by the module, until destroyed\n",
			why, dxgkpm_type_name(pmo->mem.type), pmo->obj.handle,
			pmo->context, dev_name(pmo->amo->adapter->dma.dev));
		old = pmo->owner;
		pmo->owner = NULL;
		mutex_lock(&dxgkpm_orphans_lock);
		list_add_tail(&pmo->owner_node, &dxgkpm_orphans);
		mutex_unlock(&dxgkpm_orphans_lock);
	}
	mutex_unlock(&pmo->lock);
	if (!old)
		return dxgkpm_pmo_force_destroy(pmo, why);
	dxgkpm_adapter_put(old);
	return true;
}

/* Pop the first object of a list under its lock, with a reference. */
struct dxgkpm_pmo *dxgkpm_pmo_pop(struct list_head *list, struct mutex *lock)
{
	struct dxgkpm_pmo *pmo;

	mutex_lock(lock);
	pmo = list_first_entry_or_null(list, struct dxgkpm_pmo, owner_node);
	if (pmo) {
		list_del_init(&pmo->owner_node);
		dxgkpm_pmo_get(pmo);
	}
	mutex_unlock(lock);
	return pmo;
}

/* Module exit: every object created without an adapter that is still alive. */
void dxgkpm_pmos_exit(void)
{
	struct dxgkpm_pmo *pmo;

	while ((pmo = dxgkpm_pmo_pop(&dxgkpm_orphans, &dxgkpm_orphans_lock))) {
		dxgkpm_pmo_force_destroy(pmo, "module unload");
		dxgkpm_pmo_put(pmo);
	}
}
