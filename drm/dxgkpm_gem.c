// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * GEM objects backed by dxgkpm physical memory objects.
 *
 * An object the driver creates owns a physical memory object, opened for
 * the adapter of the driver's device; its device addresses are an ADL built
 * while the object is pinned. An imported object owns a dxgkpm import of the
 * dma-buf, mapped for the same device for as long as the object lives.
 * mmap, vmap and PRIME export go to dxgkpm, so every CPU mapping has the
 * object's cache type and an exported buffer keeps its memory after the
 * GEM object is gone.
 *
 * The adapter must outlive every GEM object of the device:
 * drmm_dxgkpm_register_adapter() ties it to the &drm_device, which outlives
 * them all (open files and mappings hold it).
 */

#include <linux/dma-buf.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_mode.h>
#include <drm/drm_prime.h>
#include <drm/drm_vma_manager.h>

#include <dxgkpm/dxgkpm_gem.h>

MODULE_IMPORT_NS(DMA_BUF);

static void dxgkpm_gem_unregister_adapter(struct drm_device *drm, void *adapter)
{
	dxgkpm_unregister_adapter(adapter);
}

/**
 * drmm_dxgkpm_register_adapter() - register a DRM device's parent with
 *	dxgkpm for as long as the &drm_device lives
 * @drm: the DRM device; its parent device's DMA mask must be set
 *
 * GEM objects, open files and mappings all hold the &drm_device, so the
 * adapter outlives every buffer object, including those freed after the
 * device is unplugged. Objects left when it is unregistered are reported.
 *
 * Context: process context, may sleep; from the driver's probe.
 * Return: the adapter, or ERR_PTR() as dxgkpm_register_adapter(), or
 * ERR_PTR(-ENOMEM) (nothing is registered then).
 */
struct dxgkpm_adapter *drmm_dxgkpm_register_adapter(struct drm_device *drm)
{
	struct dxgkpm_adapter *adapter = dxgkpm_register_adapter(drm->dev);
	int ret;

	if (IS_ERR(adapter))
		return adapter;
	ret = drmm_add_action_or_reset(drm, dxgkpm_gem_unregister_adapter,
				       adapter);
	return ret ? ERR_PTR(ret) : adapter;
}
EXPORT_SYMBOL_GPL(drmm_dxgkpm_register_adapter);

/*
 * GEM calls this for the last reference: nothing can be pinned or vmapped
 * any more, unless a driver leaked a pin or a vmap.
 */
static void dxgkpm_gem_free(struct drm_gem_object *obj)
{
	struct dxgkpm_gem_object *bo = to_dxgkpm_gem(obj);
	int ret;

	if (drm_WARN_ON(obj->dev, bo->pin_count || bo->vmap_count)) {
		if (bo->vaddr)
			dxgkpm_unmap_kernel(bo->pmo, bo->vaddr, obj->size);
		if (bo->adl)
			dxgkpm_adl_free(bo->amo, bo->adl);
	}
	if (bo->import) {
		/* The attachment goes with the import. */
		obj->import_attach = NULL;
		dxgkpm_import_release(bo->import);
		dma_buf_put(bo->import_buf);
	} else if (bo->pmo) {
		ret = dxgkpm_pmo_destroy(bo->pmo, bo->amo);
		if (ret)
			drm_err(obj->dev, "dxgkpm object not destroyed: %d\n",
				ret);
	}
	drm_gem_object_release(obj);
	dxgkpm_adapter_put(bo->adapter);
	mutex_destroy(&bo->lock);
	kfree(bo);
}

static int dxgkpm_gem_mmap(struct drm_gem_object *obj,
			   struct vm_area_struct *vma)
{
	struct dxgkpm_gem_object *bo = to_dxgkpm_gem(obj);
	unsigned long pgoff = vma->vm_pgoff - drm_vma_node_start(&obj->vma_node);
	int ret;

	if (bo->import) {
		/* The exporter's mapping, and its VMA holds the dma-buf. */
		vma->vm_private_data = NULL;
		vma->vm_ops = NULL;
		ret = dma_buf_mmap(bo->import_buf, vma, pgoff);
		/* Drop the reference drm_gem_mmap_obj() took for vm_ops. */
		if (!ret)
			drm_gem_object_put(obj);
		return ret;
	}
	vma->vm_pgoff = pgoff;
	return dxgkpm_pmo_mmap(bo->pmo, vma);
}

static int dxgkpm_gem_vmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	struct dxgkpm_gem_object *bo = to_dxgkpm_gem(obj);
	size_t offset = 0, size = obj->size;
	int ret = 0;

	/* The reservation lock is the dma-buf's, held by the caller. */
	if (bo->import)
		return dma_buf_vmap(bo->import_buf, map);
	mutex_lock(&bo->lock);
	if (!bo->vmap_count)
		ret = dxgkpm_map_kernel(bo->pmo, &offset, &size, &bo->vaddr);
	if (!ret) {
		bo->vmap_count++;
		if (bo->type == DXGKPM_MEM_IO_SPACE)
			iosys_map_set_vaddr_iomem(map,
						  (void __iomem __force *)bo->vaddr);
		else
			iosys_map_set_vaddr(map, bo->vaddr);
	}
	mutex_unlock(&bo->lock);
	return ret;
}

static void dxgkpm_gem_vunmap(struct drm_gem_object *obj,
			      struct iosys_map *map)
{
	struct dxgkpm_gem_object *bo = to_dxgkpm_gem(obj);

	if (bo->import) {
		dma_buf_vunmap(bo->import_buf, map);
		return;
	}
	mutex_lock(&bo->lock);
	if (!drm_WARN_ON(obj->dev, !bo->vmap_count) && !--bo->vmap_count) {
		dxgkpm_unmap_kernel(bo->pmo, bo->vaddr, obj->size);
		bo->vaddr = NULL;
	}
	mutex_unlock(&bo->lock);
}

/*
 * PRIME export: a dxgkpm dma-buf of the object (an imported object hands
 * back the buffer it came from). It holds the memory, not the GEM object.
 */
static struct dma_buf *dxgkpm_gem_export(struct drm_gem_object *obj,
					 int flags)
{
	struct dxgkpm_gem_object *bo = to_dxgkpm_gem(obj);

	if (bo->import) {
		get_dma_buf(bo->import_buf);
		return bo->import_buf;
	}
	return dxgkpm_pmo_export(bo->pmo, flags);
}

static const struct vm_operations_struct dxgkpm_gem_vm_ops = {
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

static const struct drm_gem_object_funcs dxgkpm_gem_funcs = {
	.free = dxgkpm_gem_free,
	.mmap = dxgkpm_gem_mmap,
	.vmap = dxgkpm_gem_vmap,
	.vunmap = dxgkpm_gem_vunmap,
	.export = dxgkpm_gem_export,
	.vm_ops = &dxgkpm_gem_vm_ops,
};

/*
 * A GEM object of @size bytes (page aligned) with no memory yet, holding
 * the adapter of @drm's device; dxgkpm_gem_free() undoes any part of what
 * the callers add.
 */
static struct dxgkpm_gem_object *
dxgkpm_gem_alloc(struct drm_device *drm, size_t size, struct dma_resv *resv)
{
	struct dxgkpm_adapter *adapter = dxgkpm_adapter_get(drm->dev);
	struct dxgkpm_gem_object *bo;

	if (IS_ERR(adapter))
		return ERR_CAST(adapter);
	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo) {
		dxgkpm_adapter_put(adapter);
		return ERR_PTR(-ENOMEM);
	}
	bo->adapter = adapter;
	mutex_init(&bo->lock);
	bo->base.funcs = &dxgkpm_gem_funcs;
	bo->base.resv = resv;
	drm_gem_private_object_init(drm, &bo->base, size);
	return bo;
}

/**
 * dxgkpm_gem_create() - a GEM object with new dxgkpm memory
 * @drm: the DRM device, whose parent device is registered with dxgkpm
 * @desc: what to create, as for dxgkpm_pmo_create(); a zero @desc->context
 *	becomes the GEM object's address, so debugfs and leak reports name it
 *
 * The object is created with the adapter of @drm's device, opened for it
 * and given an mmap offset. mmap and PRIME export work for MDL and
 * contiguous-memory objects whose pages were zeroed; for the others they
 * fail with dxgkpm_pmo_mmap()'s and dxgkpm_pmo_export()'s errors.
 *
 * Context: process context, may sleep.
 * Return: the object with one reference (drm_gem_object_put() drops it),
 * or ERR_PTR(): -ENODEV if @drm's device is not registered with dxgkpm;
 * -EINVAL for a size that does not fit; or dxgkpm_pmo_create()'s error.
 */
struct dxgkpm_gem_object *dxgkpm_gem_create(struct drm_device *drm,
					    const struct dxgkpm_pmo_desc *desc)
{
	struct dxgkpm_pmo_desc d = *desc;
	struct dxgkpm_gem_object *bo;
	int ret;

	if (!d.size || d.size > SIZE_MAX - PAGE_SIZE + 1)
		return ERR_PTR(-EINVAL);
	bo = dxgkpm_gem_alloc(drm, PAGE_ALIGN(d.size), NULL);
	if (IS_ERR(bo))
		return bo;
	bo->type = d.type;
	bo->caching = d.caching;
	if (!d.context)
		d.context = (unsigned long)bo;
	ret = dxgkpm_pmo_create(&d, bo->adapter, &bo->pmo, &bo->amo);
	if (ret)
		goto err_put;
	ret = drm_gem_create_mmap_offset(&bo->base);
	if (ret)
		goto err_put;
	return bo;

err_put:
	drm_gem_object_put(&bo->base);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(dxgkpm_gem_create);

/**
 * dxgkpm_gem_create_with_handle() - dxgkpm_gem_create() for user space
 * @file: the DRM file to get the handle
 * @drm: the DRM device
 * @desc: as for dxgkpm_gem_create()
 * @handle: where the new handle goes
 *
 * The handle holds the only reference: closing it frees the object.
 *
 * Context: process context, may sleep.
 * Return: 0, or dxgkpm_gem_create()'s or drm_gem_handle_create()'s error.
 */
int dxgkpm_gem_create_with_handle(struct drm_file *file,
				  struct drm_device *drm,
				  const struct dxgkpm_pmo_desc *desc,
				  u32 *handle)
{
	struct dxgkpm_gem_object *bo = dxgkpm_gem_create(drm, desc);
	int ret;

	if (IS_ERR(bo))
		return PTR_ERR(bo);
	ret = drm_gem_handle_create(file, &bo->base, handle);
	drm_gem_object_put(&bo->base);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_gem_create_with_handle);

/**
 * dxgkpm_gem_lookup() - the dxgkpm GEM object behind a handle
 * @file: the DRM file the handle belongs to
 * @handle: the handle
 *
 * Context: any context that may sleep.
 * Return: the object with a reference, or NULL if @file has no such handle
 * or it names an object of another GEM implementation.
 */
struct dxgkpm_gem_object *dxgkpm_gem_lookup(struct drm_file *file,
					    u32 handle)
{
	struct drm_gem_object *obj = drm_gem_object_lookup(file, handle);

	if (obj && obj->funcs != &dxgkpm_gem_funcs) {
		drm_gem_object_put(obj);
		obj = NULL;
	}
	return obj ? to_dxgkpm_gem(obj) : NULL;
}
EXPORT_SYMBOL_GPL(dxgkpm_gem_lookup);

/**
 * dxgkpm_gem_is_imported() - whether an object came from another exporter
 * @bo: the object
 *
 * Return: true for an object of dxgkpm_gem_prime_import().
 */
bool dxgkpm_gem_is_imported(const struct dxgkpm_gem_object *bo)
{
	return bo->import;
}
EXPORT_SYMBOL_GPL(dxgkpm_gem_is_imported);

/**
 * dxgkpm_gem_pin() - make an object's device addresses valid
 * @bo: the object
 *
 * The first pin of a created object builds an ADL of the whole object for
 * the adapter; the last unpin frees it. An imported object is mapped for
 * the device from import to free, so pinning it only counts.
 *
 * Context: process context, may sleep.
 * Return: 0, or dxgkpm_adl_alloc()'s error (-ENODEV once the adapter is
 * being unregistered, -ENOMEM, ...).
 */
int dxgkpm_gem_pin(struct dxgkpm_gem_object *bo)
{
	int ret = 0;

	mutex_lock(&bo->lock);
	if (!bo->pin_count && !bo->import)
		ret = dxgkpm_adl_alloc(bo->amo, 0, bo->base.size, 0, &bo->adl);
	if (!ret)
		bo->pin_count++;
	mutex_unlock(&bo->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_gem_pin);

/**
 * dxgkpm_gem_unpin() - undo dxgkpm_gem_pin()
 * @bo: a pinned object
 *
 * After the last unpin of a created object the device can no longer reach
 * it through the addresses it had.
 *
 * Context: process context, may sleep.
 */
void dxgkpm_gem_unpin(struct dxgkpm_gem_object *bo)
{
	mutex_lock(&bo->lock);
	if (!drm_WARN_ON(bo->base.dev, !bo->pin_count) && !--bo->pin_count &&
	    bo->adl) {
		dxgkpm_adl_free(bo->amo, bo->adl);
		bo->adl = NULL;
	}
	mutex_unlock(&bo->lock);
}
EXPORT_SYMBOL_GPL(dxgkpm_gem_unpin);

/**
 * dxgkpm_gem_dma_address() - device address of a page of a pinned object
 * @bo: the object, pinned
 * @page: page index inside the object
 *
 * Context: any; the caller holds its pin.
 * Return: the address, or DMA_MAPPING_ERROR if @bo is not pinned or @page
 * is beyond it.
 */
dma_addr_t dxgkpm_gem_dma_address(struct dxgkpm_gem_object *bo,
				  pgoff_t page)
{
	if (page >= bo->base.size >> PAGE_SHIFT)
		return DMA_MAPPING_ERROR;
	if (bo->import)
		return dxgkpm_import_dma_address(bo->import, page);
	if (!bo->adl)
		return DMA_MAPPING_ERROR;
	return dxgkpm_adl_dma_address(bo->adl, page);
}
EXPORT_SYMBOL_GPL(dxgkpm_gem_dma_address);

/**
 * dxgkpm_gem_dumb_create() - &drm_driver.dumb_create for dxgkpm objects
 * @file: the DRM file to get the handle
 * @drm: the DRM device
 * @args: width, height and bpp in; pitch, size and handle out
 *
 * A dumb buffer is a write-combined MDL object, zeroed, anywhere in
 * memory: what a scanout buffer filled by the CPU wants.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for a zero or overflowing size; or
 * dxgkpm_gem_create_with_handle()'s error.
 */
int dxgkpm_gem_dumb_create(struct drm_file *file, struct drm_device *drm,
			   struct drm_mode_create_dumb *args)
{
	struct dxgkpm_pmo_desc desc = {
		.type = DXGKPM_MEM_PAGES,
		.caching = DXGKPM_CACHING_WC,
		.pages.high = (phys_addr_t)-1,
	};
	u64 pitch, size;

	if (!args->width || !args->height || !args->bpp)
		return -EINVAL;
	pitch = DIV_ROUND_UP((u64)args->width * args->bpp, 8);
	if (pitch > U32_MAX || check_mul_overflow(pitch, (u64)args->height,
						  &size) ||
	    size > SIZE_MAX - PAGE_SIZE + 1)
		return -EINVAL;
	args->pitch = pitch;
	args->size = PAGE_ALIGN(size);
	desc.size = args->size;
	return dxgkpm_gem_create_with_handle(file, drm, &desc, &args->handle);
}
EXPORT_SYMBOL_GPL(dxgkpm_gem_dumb_create);

/**
 * dxgkpm_gem_prime_import() - &drm_driver.gem_prime_import for dxgkpm
 * @drm: the importing DRM device
 * @buf: the dma-buf; its size must be a multiple of the page size
 *
 * The whole buffer is attached to the adapter's device and mapped through
 * its DMA API path with dxgkpm_import_dmabuf(), until the object is freed;
 * its pages are then device-visible without pinning. Its
 * &drm_gem_object.import_attach is that attachment, as for any imported
 * GEM object: DRM then tells it imported, hands the original buffer out
 * again on export, and refuses it a dumb-buffer mmap offset
 * (drm_gem_dumb_map_offset()). mmap and vmap of the object go to the
 * exporter. A buffer this device exported itself is
 * imported like any other: the same pages, mapped once more.
 *
 * Context: process context, may sleep.
 * Return: the object with one reference, or ERR_PTR(): -EINVAL for a
 * buffer that is empty or not a whole number of pages; -ENODEV; -ENOMEM;
 * or dxgkpm_import_dmabuf()'s error (the exporter's refusal included).
 */
struct drm_gem_object *dxgkpm_gem_prime_import(struct drm_device *drm,
					       struct dma_buf *buf)
{
	struct dxgkpm_gem_object *bo;
	struct dxgkpm_import *imp;
	int ret;

	if (!buf->size || !PAGE_ALIGNED(buf->size))
		return ERR_PTR(-EINVAL);
	bo = dxgkpm_gem_alloc(drm, buf->size, buf->resv);
	if (IS_ERR(bo))
		return ERR_CAST(bo);
	bo->caching = DXGKPM_CACHING_CACHED;
	imp = dxgkpm_import_dmabuf(bo->adapter, buf, buf->size);
	if (IS_ERR(imp)) {
		drm_gem_object_put(&bo->base);
		return ERR_CAST(imp);
	}
	get_dma_buf(buf);
	bo->import_buf = buf;
	bo->import = imp;
	/* An imported object to DRM too (drm_gem_is_imported()). */
	bo->base.import_attach = dxgkpm_import_attachment(imp);
	ret = drm_gem_create_mmap_offset(&bo->base);
	if (ret) {
		drm_gem_object_put(&bo->base);
		return ERR_PTR(ret);
	}
	return &bo->base;
}
EXPORT_SYMBOL_GPL(dxgkpm_gem_prime_import);

MODULE_DESCRIPTION("GEM objects backed by dxgkpm physical memory objects");
MODULE_LICENSE("GPL");
