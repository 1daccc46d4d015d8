// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dma-buf import: memory another driver exported, made visible to an
 * adapter's device. The result is what an ADL is for dxgkpm's own objects:
 * the device address of every page, valid until the import is released.
 *
 * The attachment is static (no move_notify): the exporter pins the buffer
 * while it is mapped, as for any importer that cannot stop its device on
 * demand. The mapping goes through the DMA API of the adapter's device, so
 * an adapter whose device sits in a domain shared with linked adapters
 * (where dxgkpm, not the DMA API, manages addresses) cannot import.
 * Unregistering an adapter releases its imports, naming each.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "object/object.h"
#include "trace.h"

/**
 * struct dxgkpm_import - a dma-buf mapped for an adapter's device
 * @adapter: the adapter (reference held)
 * @node: in @adapter->imports
 * @dmabuf: the buffer (reference held)
 * @attach: the device's attachment
 * @sgt: the attachment's mapping
 * @count: pages described
 * @dma: device address of each page
 */
struct dxgkpm_import {
	struct dxgkpm_adapter *adapter;
	struct list_head node;
	struct dma_buf *dmabuf;
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	u32 count;
	dma_addr_t dma[] __counted_by(count);
};

/* The device address of each of the first @count pages of @sgt. */
static int dxgkpm_import_fill(struct dxgkpm_import *imp)
{
	struct sg_dma_page_iter iter;
	u32 i = 0;

	for_each_sgtable_dma_page(imp->sgt, &iter, 0) {
		if (i == imp->count)
			break;
		imp->dma[i++] = sg_page_iter_dma_address(&iter);
	}
	return i == imp->count ? 0 : -EINVAL;
}

static struct dxgkpm_import *
__dxgkpm_import_dmabuf(struct dxgkpm_adapter *adapter, struct dma_buf *dmabuf,
		       size_t size)
{
	struct dxgkpm_import *imp;
	int ret;

	might_sleep();
	if (!adapter || !dmabuf || !size || !PAGE_ALIGNED(size) ||
	    size > dmabuf->size || (size >> PAGE_SHIFT) > U32_MAX)
		return ERR_PTR(-EINVAL);
	/*
	 * The buffer is attached and mapped before the adapter is entered:
	 * both take the buffer's reservation lock, which DRM callers hold
	 * around calls into dxgkpm that take an object's lock and, through
	 * Open, the adapter's users lock. So the mapping is made first and
	 * published only if the adapter still lives.
	 */
	if (READ_ONCE(adapter->dead))
		return ERR_PTR(-ENODEV);
	if (READ_ONCE(adapter->dma.space))
		return ERR_PTR(-EOPNOTSUPP);
	imp = kvzalloc(struct_size(imp, dma, size >> PAGE_SHIFT), GFP_KERNEL);
	if (!imp)
		return ERR_PTR(-ENOMEM);
	imp->count = size >> PAGE_SHIFT;
	get_dma_buf(dmabuf);
	imp->dmabuf = dmabuf;
	imp->attach = dma_buf_attach(dmabuf, adapter->dma.dev);
	if (IS_ERR(imp->attach)) {
		ret = PTR_ERR(imp->attach);
		goto err_put_dmabuf;
	}
	imp->sgt = dma_buf_map_attachment_unlocked(imp->attach,
						   DMA_BIDIRECTIONAL);
	if (IS_ERR(imp->sgt)) {
		ret = PTR_ERR(imp->sgt);
		goto err_detach;
	}
	ret = dxgkpm_import_fill(imp);
	if (ret)
		goto err_unmap;

	ret = dxgkpm_adapter_enter(adapter);
	if (ret)
		goto err_unmap;
	if (READ_ONCE(adapter->dma.space)) {
		ret = -EOPNOTSUPP;
		goto err_exit;
	}
	dxgkpm_adapter_get_ref(adapter);
	imp->adapter = adapter;
	mutex_lock(&adapter->lock);
	list_add_tail(&imp->node, &adapter->imports);
	mutex_unlock(&adapter->lock);
	atomic_long_inc(&dxgkpm_stats.imports);
	dxgkpm_adapter_exit(adapter);
	return imp;

err_exit:
	dxgkpm_adapter_exit(adapter);
err_unmap:
	dma_buf_unmap_attachment_unlocked(imp->attach, imp->sgt,
					  DMA_BIDIRECTIONAL);
err_detach:
	dma_buf_detach(dmabuf, imp->attach);
err_put_dmabuf:
	dma_buf_put(dmabuf);
	kvfree(imp);
	return ERR_PTR(ret);
}

/**
 * dxgkpm_import_dmabuf() - make a dma-buf visible to an adapter's device
 * @adapter: a registered adapter, not linked to others
 * @dmabuf: the buffer; the import takes a reference of its own
 * @size: bytes the caller will use from the start of @dmabuf: page aligned,
 *	non-zero, at most the buffer's size
 *
 * The buffer is attached to the adapter's device and mapped through its DMA
 * API path (its IOMMU domain), read and write.
 *
 * Context: process context, may sleep.
 * Return: the import, or ERR_PTR(): -EINVAL for NULL arguments, a bad @size
 * or a buffer smaller than @size; -EOPNOTSUPP for a linked adapter;
 * -ENODEV while the adapter is being unregistered; -ENOMEM; or the
 * exporter's error for an attachment or mapping it refuses.
 */
struct dxgkpm_import *dxgkpm_import_dmabuf(struct dxgkpm_adapter *adapter,
					   struct dma_buf *dmabuf, size_t size)
{
	struct dxgkpm_trace_id id = dxgkpm_trace_id(NULL);
	struct dxgkpm_import *imp = __dxgkpm_import_dmabuf(adapter, dmabuf,
							    size);

	trace_dxgkpm_import_dmabuf(id.handle, id.type, id.caching, size,
				   PTR_ERR_OR_ZERO(imp));
	return imp;
}
EXPORT_SYMBOL_GPL(dxgkpm_import_dmabuf);

/* Undo dxgkpm_import_dmabuf(); @imp is off its adapter's list. */
static void dxgkpm_import_free(struct dxgkpm_import *imp)
{
	dma_buf_unmap_attachment_unlocked(imp->attach, imp->sgt,
					  DMA_BIDIRECTIONAL);
	dma_buf_detach(imp->dmabuf, imp->attach);
	dma_buf_put(imp->dmabuf);
	atomic_long_dec(&dxgkpm_stats.imports);
	dxgkpm_adapter_put(imp->adapter);
	kvfree(imp);
}

static void __dxgkpm_import_release(struct dxgkpm_import *imp)
{
	might_sleep();
	if (!imp)
		return;
	mutex_lock(&imp->adapter->lock);
	list_del(&imp->node);
	mutex_unlock(&imp->adapter->lock);
	dxgkpm_import_free(imp);
}

/**
 * dxgkpm_import_release() - the device no longer uses an import
 * @imp: from dxgkpm_import_dmabuf()
 *
 * The mapping is removed and the attachment and buffer reference dropped.
 * An import still held when its adapter is unregistered is released by the
 * unregistration (and reported); releasing it afterwards is a bug the
 * caller cannot make, since unregistration is the driver's own act.
 *
 * Context: process context, may sleep.
 */
void dxgkpm_import_release(struct dxgkpm_import *imp)
{
	struct dxgkpm_trace_id id = dxgkpm_trace_id(NULL);

	__dxgkpm_import_release(imp);
	trace_dxgkpm_import_release(id.handle, id.type, id.caching, 0, 0);
}
EXPORT_SYMBOL_GPL(dxgkpm_import_release);

/**
 * dxgkpm_import_page_count() - pages an import describes
 * @imp: live import
 *
 * Return: its size in pages, as asked of dxgkpm_import_dmabuf().
 */
u32 dxgkpm_import_page_count(const struct dxgkpm_import *imp)
{
	return imp->count;
}
EXPORT_SYMBOL_GPL(dxgkpm_import_page_count);

/**
 * dxgkpm_import_dma_address() - device address of one page of an import
 * @imp: live import
 * @index: page index, below dxgkpm_import_page_count()
 *
 * Return: the address the adapter's device uses for page @index, or
 * DMA_MAPPING_ERROR for an index out of range.
 */
dma_addr_t dxgkpm_import_dma_address(const struct dxgkpm_import *imp,
				     u32 index)
{
	return index < imp->count ? imp->dma[index] : DMA_MAPPING_ERROR;
}
EXPORT_SYMBOL_GPL(dxgkpm_import_dma_address);

/**
 * dxgkpm_import_attachment() - the attachment behind an import
 * @imp: live import
 *
 * For a DRM driver's &drm_gem_object.import_attach, which DRM reads to
 * tell an imported object (drm_gem_is_imported()) and to hand out the
 * original buffer again on export. The attachment is the import's: only
 * to be read, and only while the import lives.
 *
 * Return: the adapter's device's attachment to the buffer.
 */
struct dma_buf_attachment *
dxgkpm_import_attachment(const struct dxgkpm_import *imp)
{
	return imp->attach;
}
EXPORT_SYMBOL_GPL(dxgkpm_import_attachment);

/* Unregistration: release what the driver left, naming each. */
unsigned int dxgkpm_imports_teardown(struct dxgkpm_adapter *adapter,
				     const char *why)
{
	struct dxgkpm_import *imp;
	unsigned int leaked = 0;

	for (;;) {
		mutex_lock(&adapter->lock);
		imp = list_first_entry_or_null(&adapter->imports,
					       struct dxgkpm_import, node);
		if (imp)
			list_del(&imp->node);
		mutex_unlock(&adapter->lock);
		if (!imp)
			return leaked;
		pr_warn("%s: leaked import of %u pages of a %zu-byte dma-buf (%s)\n",
			why, imp->count, imp->dmabuf->size,
			imp->dmabuf->exp_name);
		dxgkpm_import_free(imp);
		leaked++;
	}
}
