// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dxgkpm_drm_edu: a sample DRM driver for QEMU's edu device whose buffer
 * objects are dxgkpm memory, through the GEM helper (dxgkpm_gem).
 *
 * It offers a render node with three ioctls (dxgkpm_drm_edu_uapi.h):
 * create a buffer object of a cache type and memory type, get its mmap
 * offset, and have the edu copy between two buffer objects by DMA. PRIME
 * export and import, mmap and the dumb-buffer ioctls come from the helper;
 * an imported dma-buf (another driver's, a udmabuf, a DMA heap's buffer) is
 * a buffer object like the others for the copy.
 */

#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_vma_manager.h>

#include <dxgkpm/dxgkpm_gem.h>

#include "edu_hw.h"
#include "dxgkpm_drm_edu_uapi.h"

/* QEMU's edu takes dma_mask=; the device cannot tell, so the driver is told. */
static unsigned int dma_bits = EDU_DMA_BITS;
module_param(dma_bits, uint, 0444);
MODULE_PARM_DESC(dma_bits, "DMA address bits of the devices (12 to 64, default: 28)");

/**
 * struct edu_drm - one bound edu device
 * @drm: the DRM device
 * @bar: BAR0, the registers
 * @reach: the highest physical address the device's DMA reaches
 * @dma_lock: the device has one DMA engine
 */
struct edu_drm {
	struct drm_device drm;
	void __iomem *bar;
	u64 reach;
	struct mutex dma_lock;	/* one DMA engine */
};

#define to_edu_drm(d) container_of(d, struct edu_drm, drm)

static int edu_drm_create_ioctl(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct edu_drm *edu = to_edu_drm(drm);
	struct drm_dxgkpm_edu_create *args = data;
	struct dxgkpm_pmo_desc desc = {
		.caching = args->cache,
		.type = args->type,
	};
	u64 low = args->low, high = args->high;
	int ret;

	if (args->pad || !args->size || args->size > SIZE_MAX - PAGE_SIZE + 1)
		return -EINVAL;
	if (args->cache != DXGKPM_EDU_CACHE_UNCACHED &&
	    args->cache != DXGKPM_EDU_CACHE_CACHED &&
	    args->cache != DXGKPM_EDU_CACHE_WC)
		return -EINVAL;
	if (args->type != DXGKPM_EDU_MEM_MDL &&
	    args->type != DXGKPM_EDU_MEM_CONTIGUOUS)
		return -EINVAL;
	if (!low && !high)
		high = edu->reach;
	if (high < low || low > edu->reach)
		return -EINVAL;
	high = min(high, edu->reach);
	desc.size = args->size;
	if (args->type == DXGKPM_EDU_MEM_CONTIGUOUS) {
		desc.contig.low = low;
		desc.contig.high = high;
	} else {
		desc.pages.low = low;
		desc.pages.high = high;
	}
	ret = dxgkpm_gem_create_with_handle(file, drm, &desc, &args->handle);
	if (!ret)
		args->size = PAGE_ALIGN(args->size);
	return ret;
}

static int edu_drm_mmap_offset_ioctl(struct drm_device *drm, void *data,
				     struct drm_file *file)
{
	struct drm_dxgkpm_edu_mmap_offset *args = data;
	struct dxgkpm_gem_object *bo;

	if (args->pad)
		return -EINVAL;
	bo = dxgkpm_gem_lookup(file, args->handle);
	if (!bo)
		return -ENOENT;
	/* The helper gives every object its offset when it makes it. */
	args->offset = drm_vma_node_offset_addr(&bo->base.vma_node);
	drm_gem_object_put(&bo->base);
	return 0;
}

/* [@offset, @offset + @size) is a page-aligned, non-empty part of @bo. */
static bool edu_drm_range_ok(const struct dxgkpm_gem_object *bo, u64 offset,
			     u64 size)
{
	return size && PAGE_ALIGNED(offset) && PAGE_ALIGNED(size) &&
	       offset <= bo->base.size && size <= bo->base.size - offset;
}

/*
 * Each page goes source -> device buffer -> destination (edu_copy_page()).
 * Both objects are pinned.
 */
static int edu_drm_copy_pages(struct edu_drm *edu,
			      struct dxgkpm_gem_object *src, pgoff_t src_page,
			      struct dxgkpm_gem_object *dst, pgoff_t dst_page,
			      pgoff_t pages)
{
	dma_addr_t from, to;
	pgoff_t i;
	int ret = 0;

	mutex_lock(&edu->dma_lock);
	for (i = 0; i < pages && !ret; i++) {
		from = dxgkpm_gem_dma_address(src, src_page + i);
		to = dxgkpm_gem_dma_address(dst, dst_page + i);
		if (from == DMA_MAPPING_ERROR || to == DMA_MAPPING_ERROR) {
			ret = -EIO;
			break;
		}
		ret = edu_copy_page(edu->bar, to, from);
	}
	mutex_unlock(&edu->dma_lock);
	return ret;
}

static int edu_drm_copy_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct edu_drm *edu = to_edu_drm(drm);
	struct drm_dxgkpm_edu_copy *args = data;
	struct dxgkpm_gem_object *src, *dst;
	int ret, idx;

	src = dxgkpm_gem_lookup(file, args->src_handle);
	if (!src)
		return -ENOENT;
	dst = dxgkpm_gem_lookup(file, args->dst_handle);
	if (!dst) {
		ret = -ENOENT;
		goto out_put_src;
	}
	if (!edu_drm_range_ok(src, args->src_offset, args->size) ||
	    !edu_drm_range_ok(dst, args->dst_offset, args->size)) {
		ret = -EINVAL;
		goto out_put_dst;
	}
	if (!drm_dev_enter(drm, &idx)) {
		ret = -ENODEV;
		goto out_put_dst;
	}
	ret = dxgkpm_gem_pin(src);
	if (ret)
		goto out_dev_exit;
	ret = dxgkpm_gem_pin(dst);
	if (ret)
		goto out_unpin_src;
	ret = edu_drm_copy_pages(edu, src, args->src_offset >> PAGE_SHIFT,
				 dst, args->dst_offset >> PAGE_SHIFT,
				 args->size >> PAGE_SHIFT);
	dxgkpm_gem_unpin(dst);
out_unpin_src:
	dxgkpm_gem_unpin(src);
out_dev_exit:
	drm_dev_exit(idx);
out_put_dst:
	drm_gem_object_put(&dst->base);
out_put_src:
	drm_gem_object_put(&src->base);
	return ret;
}

static const struct drm_ioctl_desc edu_drm_ioctls[] = {
	DRM_IOCTL_DEF_DRV(DXGKPM_EDU_CREATE, edu_drm_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(DXGKPM_EDU_MMAP_OFFSET, edu_drm_mmap_offset_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(DXGKPM_EDU_COPY, edu_drm_copy_ioctl,
			  DRM_RENDER_ALLOW),
};

DEFINE_DRM_GEM_FOPS(edu_drm_fops);

static const struct drm_driver edu_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER,
	.ioctls = edu_drm_ioctls,
	.num_ioctls = ARRAY_SIZE(edu_drm_ioctls),
	.fops = &edu_drm_fops,
	DXGKPM_GEM_DRIVER_OPS,
	.name = "dxgkpm_drm_edu",
	.desc = "Sample DRM driver for QEMU's edu device using dxgkpm",
	.date = "20261129",
	.major = 1,
	.minor = 0,
};

/* Without DMA remapping, the device reaches what its mask covers. */
static u64 edu_drm_reach(struct device *dev)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(dev);

	return domain && iommu_is_dma_domain(domain) ? U64_MAX :
						       dma_get_mask(dev);
}

/*
 * Everything is managed: the DRM device (and with it dxgkpm's adapter)
 * lives until its last file and mapping are gone, the PCI resources until
 * unbind.
 */
static int edu_drm_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct dxgkpm_adapter *adapter;
	struct edu_drm *edu;
	void __iomem *bar;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	bar = pcim_iomap(pdev, 0, 0);
	if (!bar)
		return -ENOMEM;
	if (!edu_is_alive(bar))
		return dev_err_probe(dev, -ENODEV, "not an edu device\n");
	if (dma_bits < 12 || dma_bits > 64)
		return dev_err_probe(dev, -EINVAL, "dma_bits=%u is out of range\n",
				     dma_bits);
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(dma_bits));
	if (ret)
		return dev_err_probe(dev, ret, "cannot set the DMA mask\n");

	edu = devm_drm_dev_alloc(dev, &edu_drm_driver, struct edu_drm, drm);
	if (IS_ERR(edu))
		return PTR_ERR(edu);
	edu->bar = bar;
	edu->reach = edu_drm_reach(dev);
	ret = drmm_mutex_init(&edu->drm, &edu->dma_lock);
	if (ret)
		return ret;
	/* The helper finds the adapter from the device when it needs it. */
	adapter = drmm_dxgkpm_register_adapter(&edu->drm);
	if (IS_ERR(adapter))
		return dev_err_probe(dev, PTR_ERR(adapter),
				     "cannot register with dxgkpm\n");
	pci_set_drvdata(pdev, edu);
	return drm_dev_register(&edu->drm, 0);
}

/*
 * Open files and exported buffers may outlive the device: after the unplug
 * their ioctls fail (drm_dev_enter()) and the memory stays theirs.
 */
static void edu_drm_remove(struct pci_dev *pdev)
{
	struct edu_drm *edu = pci_get_drvdata(pdev);

	drm_dev_unplug(&edu->drm);
}

static const struct pci_device_id edu_drm_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR_ID, EDU_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_drm_ids);

static struct pci_driver edu_drm_pci_driver = {
	.name = "dxgkpm_drm_edu",
	.id_table = edu_drm_ids,
	.probe = edu_drm_probe,
	.remove = edu_drm_remove,
};
module_pci_driver(edu_drm_pci_driver);

MODULE_DESCRIPTION("Sample DRM driver for QEMU's edu device using dxgkpm's GEM helper");
MODULE_LICENSE("Dual MIT/GPL");
