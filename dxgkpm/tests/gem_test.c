// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite for the GEM helper (drm/dxgkpm_gem.c), in the manner of DRM's
 * drm_gem_shmem_test.c: real DRM devices (drm_dev_alloc() on the edu
 * devices, whose DMA goes through the IOMMU; a KUnit mock device for one
 * that is not registered), real DRM files (mock_drm_getfile()) for
 * handles and mmap. A buffer object's memory reaches the device at the
 * addresses the helper gives; mmap, vmap and PRIME see the same bytes; an
 * export outlives its GEM object; what cannot work is refused, allocation
 * failures included; nothing is left after the last reference.
 */

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iosys-map.h>
#include <linux/mman.h>
#include <linux/pci.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_kunit_helpers.h>
#include <drm/drm_mode.h>
#include <drm/drm_vma_manager.h>

#include <dxgkpm/dxgkpm_gem.h>

#include "failnth.h"
#include "helpers.h"

#define GT_PAGES	4U

KUNIT_ARRAY_PARAM(gt, dxgkpm_kt_page_cases, dxgkpm_kt_page_case_desc);

DEFINE_DRM_GEM_FOPS(gt_fops);

static const struct drm_driver gt_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER,
	.fops = &gt_fops,
	DXGKPM_GEM_DRIVER_OPS,
	.name = "dxgkpm_gem_test",
	.desc = "dxgkpm GEM helper KUnit test",
	.major = 1,
};

static void gt_drm_put(void *drm)
{
	drm_dev_put(drm);
}

/*
 * A DRM device on edu device @index, registered with dxgkpm for as long as
 * it lives (drmm_dxgkpm_register_adapter()); released when the test ends.
 */
static struct drm_device *gt_drm(struct kunit *test, unsigned int index)
{
	struct dxgkpm_edu *edu = dxgkpm_kt_edu(test, index);
	struct dxgkpm_adapter *adapter, *found;
	struct drm_device *drm;

	drm = drm_dev_alloc(&gt_driver, &edu->pdev->dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, drm);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, gt_drm_put, drm),
			0);
	adapter = drmm_dxgkpm_register_adapter(drm);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, adapter);
	found = dxgkpm_adapter_get(&edu->pdev->dev);
	KUNIT_EXPECT_PTR_EQ(test, found, adapter);
	dxgkpm_adapter_put(found);
	return drm;
}

static void gt_fput(void *file)
{
	fput(file);
	flush_delayed_fput();
}

/* A DRM file on @drm's render node, closed when the test ends. */
static struct drm_file *gt_file(struct kunit *test, struct drm_device *drm,
				struct file **filep)
{
	struct file *file = mock_drm_getfile(drm->render, O_RDWR);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, gt_fput, file),
			0);
	if (filep)
		*filep = file;
	return file->private_data;
}

static void gt_put(struct dxgkpm_gem_object *bo)
{
	drm_gem_object_put(&bo->base);
}

static void *gt_vmap(struct kunit *test, struct dxgkpm_gem_object *bo,
		     struct iosys_map *map)
{
	KUNIT_ASSERT_EQ(test, drm_gem_vmap_unlocked(&bo->base, map), 0);
	KUNIT_ASSERT_FALSE(test, map->is_iomem);
	return map->vaddr;
}

/*
 * Two objects of each page-backed type and cache type, on a DRM device
 * whose parent is edu0: the size is rounded up to pages and the object
 * has an mmap offset and names itself as dxgkpm's context; the CPU fills
 * one through vmap; pinned, both have a device address for every page and
 * none beyond, two pins share one ADL; edu0 copies a page from one to the
 * other at those addresses and the CPU reads the copy through vmap;
 * unpinned, the addresses are gone; after the last reference nothing is
 * left. Passes if so.
 */
static void dxgkpm_gem_create_copy(struct kunit *test)
{
	const struct dxgkpm_kt_page_case *c = test->param_value;
	struct drm_device *drm = gt_drm(test, 0);
	struct dxgkpm_edu *edu = dxgkpm_kt_edu(test, 0);
	struct dxgkpm_gem_object *src, *dst;
	struct iosys_map smap, dmap;
	struct dxgkpm_pmo_desc desc;
	u8 *s, *d;

	dxgkpm_kt_page_desc(&desc, c->type, c->caching,
			    (GT_PAGES - 1) * PAGE_SIZE + 100);
	src = dxgkpm_gem_create(drm, &desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, src);
	dst = dxgkpm_gem_create(drm, &desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dst);
	KUNIT_EXPECT_EQ(test, src->base.size, (size_t)GT_PAGES * PAGE_SIZE);
	KUNIT_EXPECT_NE(test, drm_vma_node_start(&src->base.vma_node), 0UL);
	KUNIT_EXPECT_EQ(test, src->pmo->context, (unsigned long)src);
	KUNIT_EXPECT_EQ(test, src->caching, c->caching);
	KUNIT_EXPECT_FALSE(test, dxgkpm_gem_is_imported(src));
	KUNIT_EXPECT_FALSE(test, drm_gem_is_imported(&src->base));
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(pmos), 2L);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(amos), 2L);

	s = gt_vmap(test, src, &smap);
	d = gt_vmap(test, dst, &dmap);
	dxgkpm_kt_fill(s, GT_PAGES * PAGE_SIZE, 0x6e30);
	memset(d, 0, GT_PAGES * PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, dxgkpm_gem_dma_address(src, 0), DMA_MAPPING_ERROR);
	KUNIT_ASSERT_EQ(test, dxgkpm_gem_pin(src), 0);
	KUNIT_ASSERT_EQ(test, dxgkpm_gem_pin(src), 0);
	KUNIT_ASSERT_EQ(test, dxgkpm_gem_pin(dst), 0);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(adls), 2L);
	KUNIT_EXPECT_NE(test, dxgkpm_gem_dma_address(src, GT_PAGES - 1),
			DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, dxgkpm_gem_dma_address(src, GT_PAGES),
			DMA_MAPPING_ERROR);

	wmb();	/* the CPU's write-combined stores reach memory first */
	KUNIT_ASSERT_EQ(test, dxgkpm_edu_copy(edu,
					      dxgkpm_gem_dma_address(dst, 1),
					      dxgkpm_gem_dma_address(src, 2),
					      PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(d + PAGE_SIZE, s + 2 * PAGE_SIZE,
					 PAGE_SIZE), 0,
			    "edu0's copy, seen through vmap");
	KUNIT_EXPECT_NULL(test, memchr_inv(d, 0, PAGE_SIZE));

	dxgkpm_gem_unpin(src);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(adls), 2L);
	dxgkpm_gem_unpin(src);
	dxgkpm_gem_unpin(dst);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(adls), 0L);
	KUNIT_EXPECT_EQ(test, dxgkpm_gem_dma_address(src, 0), DMA_MAPPING_ERROR);

	drm_gem_vunmap_unlocked(&src->base, &smap);
	drm_gem_vunmap_unlocked(&dst->base, &dmap);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(kviews), 0L);
	gt_put(src);
	gt_put(dst);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Handles and mmap through two DRM files of one device: a handle names its
 * object in its own file only; a user mapping at the object's mmap offset
 * and vmap see the same bytes both ways; mapping beyond the object, from a
 * file without the handle, or an object whose pages were not zeroed is
 * refused; dumb buffers get the pitch and size asked for, bad ones -EINVAL;
 * closing the handles frees everything. Passes if so.
 */
static void dxgkpm_gem_handles_mmap(struct kunit *test)
{
	struct drm_device *drm = gt_drm(test, 0);
	struct drm_mode_create_dumb dumb = {
		.width = 100, .height = 10, .bpp = 32,
	};
	struct drm_file *a, *b;
	struct file *fa, *fb;
	struct dxgkpm_gem_object *bo, *dirty, *dumb_bo;
	struct dxgkpm_pmo_desc desc;
	struct iosys_map map;
	unsigned long uaddr, off;
	u32 handle, hdirty, value;
	u32 __user *up;
	u8 *k;

	a = gt_file(test, drm, &fa);
	b = gt_file(test, drm, &fb);
	dxgkpm_kt_page_desc(&desc, DXGKPM_MEM_PAGES, DXGKPM_CACHING_WC,
			    GT_PAGES * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, dxgkpm_gem_create_with_handle(a, drm, &desc,
							    &handle), 0);
	bo = dxgkpm_gem_lookup(a, handle);
	KUNIT_ASSERT_NOT_NULL(test, bo);
	KUNIT_EXPECT_NULL(test, dxgkpm_gem_lookup(b, handle));
	KUNIT_EXPECT_NULL(test, dxgkpm_gem_lookup(a, handle + 1));
	k = gt_vmap(test, bo, &map);
	dxgkpm_kt_fill(k, GT_PAGES * PAGE_SIZE, 0x3a3a);

	/* A user mapping of the object through its DRM file. */
	KUNIT_ASSERT_NE(test, kunit_vm_mmap(test, NULL, 0, PAGE_SIZE,
					    PROT_READ, MAP_ANONYMOUS |
					    MAP_PRIVATE, 0), 0UL);
	off = drm_vma_node_offset_addr(&bo->base.vma_node);
	uaddr = vm_mmap(fa, 0, GT_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			MAP_SHARED, off);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(uaddr));
	up = (u32 __user *)(uaddr + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, get_user(value, up), 0);
	KUNIT_EXPECT_EQ(test, value, *(u32 *)(k + PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, put_user(0x5eedU, up + PAGE_SIZE / 4), 0);
	KUNIT_EXPECT_EQ(test, *(u32 *)(k + 2 * PAGE_SIZE), 0x5eedU);
	KUNIT_EXPECT_EQ(test, vm_munmap(uaddr, GT_PAGES * PAGE_SIZE), 0);

	/* Beyond the object, and from a file that has no handle to it. */
	uaddr = vm_mmap(fa, 0, (GT_PAGES + 1) * PAGE_SIZE, PROT_READ,
			MAP_SHARED, off);
	KUNIT_EXPECT_TRUE(test, IS_ERR_VALUE(uaddr));
	uaddr = vm_mmap(fb, 0, PAGE_SIZE, PROT_READ, MAP_SHARED, off);
	KUNIT_EXPECT_EQ(test, (long)uaddr, (long)-EACCES);

	/* An object whose pages were not zeroed never reaches user space. */
	desc.pages.flags = DXGKPM_ALLOC_DONT_ZERO;
	KUNIT_ASSERT_EQ(test, dxgkpm_gem_create_with_handle(a, drm, &desc,
							    &hdirty), 0);
	dirty = dxgkpm_gem_lookup(a, hdirty);
	KUNIT_ASSERT_NOT_NULL(test, dirty);
	uaddr = vm_mmap(fa, 0, PAGE_SIZE, PROT_READ, MAP_SHARED,
			drm_vma_node_offset_addr(&dirty->base.vma_node));
	KUNIT_EXPECT_EQ(test, (long)uaddr, (long)-EACCES);
	gt_put(dirty);

	/* Dumb buffers: write-combined, the size asked for. */
	KUNIT_ASSERT_EQ(test, dxgkpm_gem_dumb_create(a, drm, &dumb), 0);
	KUNIT_EXPECT_EQ(test, dumb.pitch, 400U);
	KUNIT_EXPECT_EQ(test, dumb.size, (u64)PAGE_SIZE);
	dumb_bo = dxgkpm_gem_lookup(a, dumb.handle);
	KUNIT_ASSERT_NOT_NULL(test, dumb_bo);
	KUNIT_EXPECT_EQ(test, dumb_bo->caching, DXGKPM_CACHING_WC);
	KUNIT_EXPECT_EQ(test, dumb_bo->base.size, (size_t)PAGE_SIZE);
	gt_put(dumb_bo);
	dumb.width = 0;
	KUNIT_EXPECT_EQ(test, dxgkpm_gem_dumb_create(a, drm, &dumb), -EINVAL);
	dumb.width = U32_MAX;
	dumb.height = U32_MAX;
	KUNIT_EXPECT_EQ(test, dxgkpm_gem_dumb_create(a, drm, &dumb), -EINVAL);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(pmos), 3L);

	drm_gem_vunmap_unlocked(&bo->base, &map);
	gt_put(bo);
	KUNIT_EXPECT_EQ(test, drm_gem_handle_delete(a, handle), 0);
	KUNIT_EXPECT_EQ(test, drm_gem_handle_delete(a, hdirty), 0);
	KUNIT_EXPECT_EQ(test, drm_gem_handle_delete(a, dumb.handle), 0);
	KUNIT_EXPECT_EQ(test, drm_gem_handle_delete(a, handle), -EINVAL);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * PRIME: an object of edu0's DRM device is exported (the helper's export,
 * as DRM's PRIME ioctl calls it) and imported into edu1's DRM device;
 * edu1 copies a page of the imported object at the addresses the helper
 * gives for it, and the CPU sees the copy through the exporter's vmap and
 * the importer's. Re-exporting the import gives back the same dma-buf.
 * The exporter's GEM object goes; the memory does not: edu1 copies again.
 * After the last reference nothing is left. Passes if so, for every
 * page-backed type and cache type.
 */
static void dxgkpm_gem_prime(struct kunit *test)
{
	const struct dxgkpm_kt_page_case *c = test->param_value;
	struct drm_device *drm0 = gt_drm(test, 0), *drm1 = gt_drm(test, 1);
	struct dxgkpm_edu *edu1 = dxgkpm_kt_edu(test, 1);
	struct dxgkpm_gem_object *bo, *imp;
	struct iosys_map map, imap;
	struct dxgkpm_pmo_desc desc;
	struct drm_gem_object *obj;
	struct dma_buf *buf, *again;
	u8 *k, *ik;

	dxgkpm_kt_page_desc(&desc, c->type, c->caching,
			    GT_PAGES * PAGE_SIZE);
	bo = dxgkpm_gem_create(drm0, &desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bo);
	k = gt_vmap(test, bo, &map);
	dxgkpm_kt_fill(k, PAGE_SIZE, 0x9e1f);

	buf = bo->base.funcs->export(&bo->base, O_RDWR | O_CLOEXEC);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, buf->size, (size_t)GT_PAGES * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(exports), 1L);

	obj = drm1->driver->gem_prime_import(drm1, buf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, obj);
	imp = to_dxgkpm_gem(obj);
	KUNIT_EXPECT_TRUE(test, dxgkpm_gem_is_imported(imp));
	/* Imported to DRM too: the attachment of edu1's device to buf. */
	KUNIT_EXPECT_TRUE(test, drm_gem_is_imported(obj));
	KUNIT_ASSERT_NOT_NULL(test, obj->import_attach);
	KUNIT_EXPECT_PTR_EQ(test, obj->import_attach->dmabuf, buf);
	KUNIT_EXPECT_PTR_EQ(test, obj->import_attach->dev, drm1->dev);
	KUNIT_EXPECT_EQ(test, obj->size, buf->size);
	KUNIT_EXPECT_PTR_EQ(test, obj->resv, buf->resv);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(imports), 1L);
	KUNIT_ASSERT_EQ(test, dxgkpm_gem_pin(imp), 0);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(adls), 0L);
	wmb();	/* the CPU's write-combined stores reach memory first */
	KUNIT_ASSERT_EQ(test, dxgkpm_edu_copy(edu1,
					      dxgkpm_gem_dma_address(imp, 1),
					      dxgkpm_gem_dma_address(imp, 0),
					      PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_kt_mismatch(k + PAGE_SIZE, PAGE_SIZE,
						     0x9e1f),
			    PAGE_SIZE, "edu1's copy through the import");
	ik = gt_vmap(test, imp, &imap);
	KUNIT_EXPECT_EQ(test, memcmp(ik, k, 2 * PAGE_SIZE), 0);
	drm_gem_vunmap_unlocked(obj, &imap);

	again = obj->funcs->export(obj, O_RDWR);
	KUNIT_EXPECT_PTR_EQ(test, again, buf);
	if (!IS_ERR(again))
		dma_buf_put(again);

	/* The exporter's GEM object goes, the memory stays. */
	drm_gem_vunmap_unlocked(&bo->base, &map);
	gt_put(bo);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(pmos), 1L);
	KUNIT_ASSERT_EQ(test, dxgkpm_edu_copy(edu1,
					      dxgkpm_gem_dma_address(imp, 3),
					      dxgkpm_gem_dma_address(imp, 0),
					      PAGE_SIZE), 0);
	ik = gt_vmap(test, imp, &imap);
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_kt_mismatch(ik + 3 * PAGE_SIZE,
						     PAGE_SIZE, 0x9e1f),
			    PAGE_SIZE, "edu1's copy after the GEM object went");
	drm_gem_vunmap_unlocked(obj, &imap);

	dxgkpm_gem_unpin(imp);
	drm_gem_object_put(obj);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(imports), 0L);
	dma_buf_put(buf);
	flush_delayed_fput();
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(exports), 0L);
	dxgkpm_kt_expect_no_memory(test);
}

/* A dma-buf of 100 bytes that nobody can attach to. */
static struct sg_table *gt_odd_map(struct dma_buf_attachment *attach,
				   enum dma_data_direction dir)
{
	return ERR_PTR(-EIO);
}

static void gt_odd_unmap(struct dma_buf_attachment *attach,
			 struct sg_table *sgt, enum dma_data_direction dir)
{
}

static void gt_odd_release(struct dma_buf *buf)
{
}

static const struct dma_buf_ops gt_odd_ops = {
	.map_dma_buf = gt_odd_map,
	.unmap_dma_buf = gt_odd_unmap,
	.release = gt_odd_release,
};

static struct dma_buf *gt_odd_buf(struct kunit *test, size_t size)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);
	struct dma_buf *buf;

	info.ops = &gt_odd_ops;
	info.priv = test;
	info.size = size;
	info.flags = O_RDWR;
	buf = dma_buf_export(&info);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	return buf;
}

/*
 * Refusals, with nothing left behind: a DRM device whose parent is not
 * registered with dxgkpm (a KUnit mock device) gets -ENODEV for create and
 * import; a zero size and a bad cache type -EINVAL; a dma-buf that is not
 * a whole number of pages -EINVAL, one whose exporter refuses to map the
 * exporter's error; a section or IO-space object is created, vmapped
 * (IO space as I/O memory) and pinned, but mmap and export are refused
 * with -EOPNOTSUPP. Passes if so.
 */
static void dxgkpm_gem_refused(struct kunit *test)
{
	struct drm_device *drm = gt_drm(test, 0);
	struct dxgkpm_edu *edu = dxgkpm_kt_edu(test, 0);
	struct dxgkpm_gem_object *section, *io;
	struct dxgkpm_pmo_desc desc;
	struct drm_device *orphan;
	struct vm_area_struct vma;
	struct iosys_map map;
	struct dma_buf *buf;
	struct device *dev;

	dev = drm_kunit_helper_alloc_device(test);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	orphan = __drm_kunit_helper_alloc_drm_device_with_driver(test, dev,
								 sizeof(*orphan),
								 0, &gt_driver);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, orphan);
	dxgkpm_kt_page_desc(&desc, DXGKPM_MEM_PAGES, DXGKPM_CACHING_WC,
			    PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_gem_create(orphan, &desc)),
			-ENODEV);
	buf = gt_odd_buf(test, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_gem_prime_import(orphan, buf)),
			-ENODEV);
	/* The exporter's refusal to map is the import's error. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_gem_prime_import(drm, buf)),
			-EIO);
	dma_buf_put(buf);
	buf = gt_odd_buf(test, 100);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_gem_prime_import(drm, buf)),
			-EINVAL);
	dma_buf_put(buf);
	flush_delayed_fput();

	desc.size = 0;
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_gem_create(drm, &desc)), -EINVAL);
	desc.size = PAGE_SIZE;
	desc.caching = 7;
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_gem_create(drm, &desc)), -EINVAL);

	memset(&desc, 0, sizeof(desc));
	desc.size = PAGE_SIZE;
	desc.type = DXGKPM_MEM_SECTION;
	desc.caching = DXGKPM_CACHING_CACHED;
	desc.section.protection = DXGKPM_SECTION_READWRITE;
	section = dxgkpm_gem_create(drm, &desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, section);
	KUNIT_EXPECT_EQ(test, PTR_ERR(section->base.funcs->export(&section->base,
								  O_RDWR)),
			-EOPNOTSUPP);
	memset(&vma, 0, sizeof(vma));
	vma.vm_start = 0x100000;
	vma.vm_end = vma.vm_start + PAGE_SIZE;
	vma.vm_pgoff = drm_vma_node_start(&section->base.vma_node);
	KUNIT_EXPECT_EQ(test, section->base.funcs->mmap(&section->base, &vma),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, dxgkpm_gem_pin(section), 0);
	KUNIT_EXPECT_NE(test, dxgkpm_gem_dma_address(section, 0),
			DMA_MAPPING_ERROR);
	dxgkpm_gem_unpin(section);
	gt_put(section);

	memset(&desc, 0, sizeof(desc));
	desc.size = PAGE_SIZE;
	desc.type = DXGKPM_MEM_IO_SPACE;
	desc.caching = DXGKPM_CACHING_UNCACHED;
	desc.io.base = pci_resource_start(edu->pdev, 0);
	io = dxgkpm_gem_create(drm, &desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, io);
	KUNIT_ASSERT_EQ(test, drm_gem_vmap_unlocked(&io->base, &map), 0);
	KUNIT_EXPECT_TRUE(test, map.is_iomem);
	/* The edu's identification register, read through the object. */
	KUNIT_EXPECT_EQ(test, readl(map.vaddr_iomem + EDU_REG_IDENT) &
			EDU_IDENT_MASK, (u32)EDU_IDENT_VALUE);
	drm_gem_vunmap_unlocked(&io->base, &map);
	KUNIT_EXPECT_EQ(test, PTR_ERR(io->base.funcs->export(&io->base, O_RDWR)),
			-EOPNOTSUPP);
	gt_put(io);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Every allocation made while creating an object and while importing one
 * (dxgkpm's and DRM's: the GEM object, the mmap offset node, the import's
 * attachment, ...) is made to fail in turn with the kernel's fail-nth:
 * each failure returns an error and leaves no object, page, mapping or
 * import behind. Passes if so and the paths have allocations to fail.
 */
static void dxgkpm_gem_fail_each_point(struct kunit *test)
{
	struct drm_device *drm0 = gt_drm(test, 0), *drm1 = gt_drm(test, 1);
	unsigned int nth, left, points[2] = { 0, 0 }, op;
	struct dxgkpm_gem_object *bo, *src;
	struct dxgkpm_pmo_desc desc;
	struct drm_gem_object *obj;
	struct dma_buf *buf;
	long ret;

	dxgkpm_kt_page_desc(&desc, DXGKPM_MEM_PAGES, DXGKPM_CACHING_WC,
			    GT_PAGES * PAGE_SIZE);
	src = dxgkpm_gem_create(drm0, &desc);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, src);
	buf = src->base.funcs->export(&src->base, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	dxgkpm_failnth_arm(test);

	for (op = 0; op < 2; op++) {
		for (nth = 1; ; nth++) {
			dxgkpm_failnth_start(nth);
			if (op == 0) {
				bo = dxgkpm_gem_create(drm0, &desc);
				obj = IS_ERR(bo) ? ERR_CAST(bo) : &bo->base;
			} else {
				obj = dxgkpm_gem_prime_import(drm1, buf);
			}
			left = dxgkpm_failnth_stop();
			ret = PTR_ERR_OR_ZERO(obj);
			if (!ret)
				drm_gem_object_put(obj);
			if (left)
				break;	/* no allocation was left to fail */
			if (ret) {
				points[op]++;
				KUNIT_EXPECT_TRUE_MSG(test, ret == -ENOMEM ||
						      ret == -ENOSPC ||
						      ret == -EIO,
						      "%s, point %u: %ld",
						      op ? "import" : "create",
						      nth, ret);
			}
			KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(pmos), 1L,
					    "point %u", nth);
			KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(imports), 0L,
					    "point %u", nth);
			KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(dma_maps), 0L,
					    "point %u", nth);
			KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(pages),
					    (long)GT_PAGES, "point %u", nth);
			if (nth > 200)
				break;
		}
		KUNIT_EXPECT_EQ_MSG(test, ret, 0L, "%s never succeeded",
				    op ? "import" : "create");
	}
	kunit_info(test, "fault points: create %u, import %u fail the call\n",
		   points[0], points[1]);
	KUNIT_EXPECT_GE(test, points[0], 4U);
	KUNIT_EXPECT_GE(test, points[1], 3U);

	dma_buf_put(buf);
	flush_delayed_fput();
	gt_put(src);
	dxgkpm_kt_expect_no_memory(test);
}

static struct kunit_case dxgkpm_gem_cases[] = {
	KUNIT_CASE_PARAM_ATTR(dxgkpm_gem_create_copy, gt_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE(dxgkpm_gem_handles_mmap),
	KUNIT_CASE_PARAM_ATTR(dxgkpm_gem_prime, gt_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE(dxgkpm_gem_refused),
	KUNIT_CASE(dxgkpm_gem_fail_each_point),
	{}
};

static struct kunit_suite dxgkpm_gem_suite = {
	.name = "dxgkpm_gem",
	.suite_init = dxgkpm_kt_suite_init,
	.init = dxgkpm_kt_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_gem_cases,
};

kunit_test_suite(dxgkpm_gem_suite);
