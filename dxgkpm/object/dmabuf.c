// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dma-buf export of physical memory objects: the object's pages shared with
 * other devices (each maps them through its own DMA API path, IOMMU
 * included) and with other processes, with the object's cache type.
 *
 * An export holds a reference to the object: its memory stays until the
 * last reference to the dma-buf is gone, whatever the creator does. Destroy
 * is not refused while an export lives (the importers' mappings are theirs
 * and go with their attachments, as a user view's do with its VMA); the
 * object's handles go at once, its memory with the dma-buf.
 *
 * Page-backed objects only (MDL and contiguous memory): a section's pages
 * belong to a shmem file that may page them out between pins, and IO space
 * has no struct pages to hand to an importer, so both are refused with
 * -EOPNOTSUPP. Objects whose pages were not zeroed are refused with -EACCES:
 * an importer may map them into user space.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "compat.h"
#include "object/object.h"
#include "trace.h"

MODULE_IMPORT_NS(DMA_BUF);

/**
 * struct dxgkpm_export - a physical memory object exported as a dma-buf
 * @pmo: the object (reference held)
 * @lock: protects @attachments and @vaddr
 * @attachments: the importers' attachments (struct dxgkpm_export_attach)
 * @vaddr: the kernel mapping handed to dma_buf_vmap() callers, or NULL
 * @vpriv: the backend's state of @vaddr
 */
struct dxgkpm_export {
	struct dxgkpm_pmo *pmo;
	struct mutex lock;	/* see above */
	struct list_head attachments;
	void *vaddr;
	void *vpriv;
};

/**
 * struct dxgkpm_export_attach - one importer device's attachment
 * @node: in the export's list
 * @dev: the importer's device
 * @sgt: the object's pages, mapped for @dev while @mapped
 * @dir: direction of the mapping
 * @mapped: @sgt is mapped for @dev
 */
struct dxgkpm_export_attach {
	struct list_head node;
	struct device *dev;
	struct sg_table sgt;
	enum dma_data_direction dir;
	bool mapped;
};

static int dxgkpm_export_attach(struct dma_buf *dmabuf,
				struct dma_buf_attachment *attachment)
{
	struct dxgkpm_export *exp = dmabuf->priv;
	struct dxgkpm_export_attach *a;
	int ret;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	ret = dxgkpm_pages_to_sgt(attachment->dev, exp->pmo->mem.pages,
				  exp->pmo->mem.npages, &a->sgt);
	if (ret)
		goto err_free_attach;
	a->dev = attachment->dev;
	attachment->priv = a;
	mutex_lock(&exp->lock);
	list_add_tail(&a->node, &exp->attachments);
	mutex_unlock(&exp->lock);
	return 0;

err_free_attach:
	kfree(a);
	return ret;
}

static void dxgkpm_export_detach(struct dma_buf *dmabuf,
				 struct dma_buf_attachment *attachment)
{
	struct dxgkpm_export *exp = dmabuf->priv;
	struct dxgkpm_export_attach *a = attachment->priv;

	mutex_lock(&exp->lock);
	list_del(&a->node);
	mutex_unlock(&exp->lock);
	sg_free_table(&a->sgt);
	kfree(a);
}

/*
 * The CPU never holds lines of write-combined or uncached pages (their
 * linear map has the same memory type), so only cached objects are synced.
 */
static unsigned long dxgkpm_export_dma_attrs(const struct dxgkpm_pmo *pmo)
{
	return pmo->mem.caching == DXGKPM_CACHING_CACHED ? 0 :
						       DMA_ATTR_SKIP_CPU_SYNC;
}

static struct sg_table *
dxgkpm_export_map(struct dma_buf_attachment *attachment,
		  enum dma_data_direction dir)
{
	struct dxgkpm_export *exp = attachment->dmabuf->priv;
	struct dxgkpm_export_attach *a = attachment->priv;
	int ret;

	ret = dxgkpm_dma_map_table(a->dev, &a->sgt, dir,
				   dxgkpm_export_dma_attrs(exp->pmo));
	if (ret)
		return ERR_PTR(ret);
	mutex_lock(&exp->lock);
	a->dir = dir;
	a->mapped = true;
	mutex_unlock(&exp->lock);
	return &a->sgt;
}

static void dxgkpm_export_unmap(struct dma_buf_attachment *attachment,
				struct sg_table *sgt,
				enum dma_data_direction dir)
{
	struct dxgkpm_export *exp = attachment->dmabuf->priv;
	struct dxgkpm_export_attach *a = attachment->priv;

	mutex_lock(&exp->lock);
	a->mapped = false;
	mutex_unlock(&exp->lock);
	dxgkpm_dma_unmap_table(a->dev, sgt, dir,
			       dxgkpm_export_dma_attrs(exp->pmo));
}

/*
 * CPU access to a cached object begins (@for_cpu) or ends: the kernel
 * mapping and every mapped attachment are synced. Write-combined and
 * uncached objects have nothing in the CPU caches to sync.
 */
static int dxgkpm_export_sync(struct dma_buf *dmabuf,
			      enum dma_data_direction dir, bool for_cpu)
{
	struct dxgkpm_export *exp = dmabuf->priv;
	size_t size = exp->pmo->mem.npages << PAGE_SHIFT;
	struct dxgkpm_export_attach *a;

	if (exp->pmo->mem.caching != DXGKPM_CACHING_CACHED)
		return 0;
	mutex_lock(&exp->lock);
	if (exp->vaddr && for_cpu)
		invalidate_kernel_vmap_range(exp->vaddr, size);
	else if (exp->vaddr)
		flush_kernel_vmap_range(exp->vaddr, size);
	list_for_each_entry(a, &exp->attachments, node) {
		if (!a->mapped)
			continue;
		if (for_cpu)
			dma_sync_sgtable_for_cpu(a->dev, &a->sgt, dir);
		else
			dma_sync_sgtable_for_device(a->dev, &a->sgt, dir);
	}
	mutex_unlock(&exp->lock);
	return 0;
}

static int dxgkpm_export_begin_cpu_access(struct dma_buf *dmabuf,
					  enum dma_data_direction dir)
{
	return dxgkpm_export_sync(dmabuf, dir, true);
}

static int dxgkpm_export_end_cpu_access(struct dma_buf *dmabuf,
					enum dma_data_direction dir)
{
	return dxgkpm_export_sync(dmabuf, dir, false);
}

/* A user mapping with the object's cache type, as a user view has. */
static int dxgkpm_export_mmap(struct dma_buf *dmabuf,
			      struct vm_area_struct *vma)
{
	struct dxgkpm_export *exp = dmabuf->priv;

	return dxgkpm_pmo_mmap_vma(exp->pmo, vma);
}

/* dma-buf counts vmap users and calls this for the first one only. */
static int dxgkpm_export_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct dxgkpm_export *exp = dmabuf->priv;
	struct dxgkpm_pmo *pmo = exp->pmo;
	void *vaddr;

	vaddr = pmo->mem.ops->vmap(&pmo->mem, 0, pmo->mem.npages, &exp->vpriv);
	if (!vaddr)
		return -ENOMEM;
	mutex_lock(&exp->lock);
	exp->vaddr = vaddr;
	mutex_unlock(&exp->lock);
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

static void dxgkpm_export_vunmap(struct dma_buf *dmabuf,
				 struct iosys_map *map)
{
	struct dxgkpm_export *exp = dmabuf->priv;
	struct dxgkpm_pmo *pmo = exp->pmo;

	mutex_lock(&exp->lock);
	exp->vaddr = NULL;
	mutex_unlock(&exp->lock);
	pmo->mem.ops->vunmap(&pmo->mem, map->vaddr, pmo->mem.npages, exp->vpriv);
}

static void dxgkpm_export_release(struct dma_buf *dmabuf)
{
	struct dxgkpm_export *exp = dmabuf->priv;

	atomic_long_dec(&dxgkpm_stats.exports);
	atomic_dec(&exp->pmo->nr_exports);
	dxgkpm_pmo_put(exp->pmo);
	mutex_destroy(&exp->lock);
	kfree(exp);
}

static const struct dma_buf_ops dxgkpm_export_ops = {
	.attach = dxgkpm_export_attach,
	.detach = dxgkpm_export_detach,
	.map_dma_buf = dxgkpm_export_map,
	.unmap_dma_buf = dxgkpm_export_unmap,
	.begin_cpu_access = dxgkpm_export_begin_cpu_access,
	.end_cpu_access = dxgkpm_export_end_cpu_access,
	.mmap = dxgkpm_export_mmap,
	.vmap = dxgkpm_export_vmap,
	.vunmap = dxgkpm_export_vunmap,
	.release = dxgkpm_export_release,
};

static struct dma_buf *__dxgkpm_pmo_export(struct dxgkpm_pmo *pmo, int flags)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);
	struct dxgkpm_export *exp;
	struct dma_buf *dmabuf;
	int ret;

	might_sleep();
	if (!pmo || (flags & ~(O_CLOEXEC | O_ACCMODE)) ||
	    (flags & O_ACCMODE) == O_WRONLY)
		return ERR_PTR(-EINVAL);
	if (pmo->mem.type != DXGKPM_MEM_PAGES && pmo->mem.type != DXGKPM_MEM_CONTIGUOUS)
		return ERR_PTR(-EOPNOTSUPP);
	if (!pmo->mem.zeroed)
		return ERR_PTR(-EACCES);

	exp = kzalloc(sizeof(*exp), GFP_KERNEL);
	if (!exp)
		return ERR_PTR(-ENOMEM);
	mutex_init(&exp->lock);
	INIT_LIST_HEAD(&exp->attachments);
	mutex_lock(&pmo->lock);
	ret = pmo->destroyed ? -ENOENT : 0;
	if (!ret)
		dxgkpm_pmo_get(pmo);
	mutex_unlock(&pmo->lock);
	if (ret)
		goto err_free_export;
	exp->pmo = pmo;

	info.ops = &dxgkpm_export_ops;
	info.size = pmo->mem.npages << PAGE_SHIFT;
	info.flags = flags;
	info.priv = exp;
	dmabuf = dma_buf_export(&info);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto err_put_pmo;
	}
	atomic_inc(&pmo->nr_exports);
	atomic_long_inc(&dxgkpm_stats.exports);
	return dmabuf;

err_put_pmo:
	dxgkpm_pmo_put(pmo);
err_free_export:
	mutex_destroy(&exp->lock);
	kfree(exp);
	return ERR_PTR(ret);
}

/**
 * dxgkpm_pmo_export() - share a physical memory object as a dma-buf
 * @pmo: a live MDL or contiguous-memory object whose pages were zeroed
 * @flags: file flags of the dma-buf: O_CLOEXEC, O_RDWR or O_RDONLY
 *
 * Each importing device maps the object's pages through its own DMA API
 * path when it maps its attachment (cached objects are synced for it,
 * write-combined and uncached ones need no sync); dma_buf_vmap() gives a
 * kernel mapping and mmap() a user mapping, both with the object's cache
 * type. The dma-buf holds a reference to the object, so its memory stays
 * until the last reference to the dma-buf is gone, even if the object is
 * destroyed before; it is also counted in dxgkpm's "exports" statistic.
 *
 * Context: process context, may sleep.
 * Return: the dma-buf (dma_buf_put() drops the caller's reference), or
 * ERR_PTR(): -EINVAL for NULL or bad @flags; -EOPNOTSUPP for a section or
 * IO-space object; -EACCES for an object whose pages were not zeroed;
 * -ENOENT if the object is destroyed; -ENOMEM.
 */
struct dma_buf *dxgkpm_pmo_export(struct dxgkpm_pmo *pmo, int flags)
{
	struct dxgkpm_trace_id id = dxgkpm_trace_id(pmo);
	struct dma_buf *dmabuf = __dxgkpm_pmo_export(pmo, flags);

	trace_dxgkpm_pmo_export(id.handle, id.type, id.caching,
				pmo ? pmo->mem.size : 0,
				PTR_ERR_OR_ZERO(dmabuf));
	return dmabuf;
}
EXPORT_SYMBOL_GPL(dxgkpm_pmo_export);
