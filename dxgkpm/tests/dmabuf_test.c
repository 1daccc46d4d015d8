// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite for dma-buf export (dxgkpm_pmo_export()): another device
 * imports an object and its DMA, through its own IOMMU mapping, reaches the
 * object's pages; a kernel mapping and a user mapping of the dma-buf see
 * the same bytes; the export outlives Destroy and nothing is left after the
 * last dma_buf_put(); what cannot be exported is refused.
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
#include <linux/scatterlist.h>
#include <linux/uaccess.h>

#include "helpers.h"

#define DB_PAGES	4U

KUNIT_ARRAY_PARAM(db, dxgkpm_kt_page_cases, dxgkpm_kt_page_case_desc);

/*
 * Drop a reference to a dma-buf and wait for its release: a kernel thread's
 * last fput() is deferred to a work item.
 */
static void db_put(struct dma_buf *buf)
{
	dma_buf_put(buf);
	flush_delayed_fput();
}

/* The importer's device address of each page of a mapped attachment. */
static void db_dma_pages(struct kunit *test, struct sg_table *sgt,
			 dma_addr_t *dma, unsigned int npages)
{
	struct sg_dma_page_iter iter;
	unsigned int i = 0;

	for_each_sgtable_dma_page(sgt, &iter, 0) {
		KUNIT_ASSERT_LT(test, i, npages);
		dma[i++] = sg_page_iter_dma_address(&iter);
	}
	KUNIT_ASSERT_EQ(test, i, npages);
}

/*
 * Export an object created on edu0's adapter and import it into edu1, a
 * device dxgkpm knows nothing of: edu1 copies page 0 to page 1 through its
 * own mapping of the attachment; the CPU sees the copy through the
 * dma-buf's kernel mapping and its user mapping; then Destroy succeeds
 * while the export lives, the handle is gone, the memory is not: edu1
 * copies again, the CPU reads it through the kernel mapping and a user
 * mapping made after Destroy. After the last reference nothing is
 * left. Passes if so, for every page-backed type and cache type.
 */
static void dxgkpm_dmabuf_import(struct kunit *test)
{
	const struct dxgkpm_kt_page_case *c = test->param_value;
	struct dxgkpm_edu *edu1 = dxgkpm_kt_edu(test, 1);
	struct dxgkpm_pmo_desc desc;
	struct dma_buf_attachment *att;
	struct dxgkpm_adapter *adapter;
	dma_addr_t dma[DB_PAGES];
	size_t offset = 0, size;
	struct dxgkpm_amo *amo;
	struct dxgkpm_pmo *pmo;
	struct sg_table *sgt;
	struct dma_buf *buf;
	struct iosys_map map;
	unsigned long uaddr;
	u32 __user *up;
	u32 value;
	u64 handle;
	u8 *kview;

	adapter = dxgkpm_kt_register(test, &dxgkpm_kt_edu(test, 0)->pdev->dev);
	dxgkpm_kt_page_desc(&desc, c->type, c->caching,
			    DB_PAGES * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_create(&desc, adapter, &pmo, &amo), 0);
	handle = pmo->obj.handle;
	dxgkpm_kt_reap_at_end(test, handle);
	size = desc.size;
	KUNIT_ASSERT_EQ(test, dxgkpm_map_kernel(pmo, &offset, &size,
						(void **)&kview), 0);
	dxgkpm_kt_fill(kview, PAGE_SIZE, 0xdb0f);

	buf = dxgkpm_pmo_export(pmo, O_RDWR | O_CLOEXEC);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, buf->size, (size_t)DB_PAGES * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(exports), 1L);

	att = dma_buf_attach(buf, &edu1->pdev->dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, att);
	sgt = dma_buf_map_attachment_unlocked(att, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sgt);
	db_dma_pages(test, sgt, dma, DB_PAGES);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(dma_maps), 1L);

	/* The importer's DMA reaches the pages, within its own mask. */
	KUNIT_ASSERT_EQ(test, dma_buf_end_cpu_access(buf, DMA_TO_DEVICE), 0);
	KUNIT_ASSERT_EQ(test, dxgkpm_edu_copy(edu1, dma[1], dma[0], PAGE_SIZE),
			0);
	KUNIT_ASSERT_EQ(test, dma_buf_begin_cpu_access(buf, DMA_FROM_DEVICE),
			0);
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_kt_mismatch(kview + PAGE_SIZE,
						     PAGE_SIZE, 0xdb0f),
			    PAGE_SIZE, "edu1's copy through the import");

	/* The kernel mapping of the dma-buf: the same bytes. */
	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(buf, &map), 0);
	KUNIT_ASSERT_FALSE(test, map.is_iomem);
	KUNIT_EXPECT_EQ(test, dxgkpm_kt_mismatch(map.vaddr + PAGE_SIZE,
						 PAGE_SIZE, 0xdb0f), PAGE_SIZE);

	/* A user mapping of the dma-buf: the same bytes, both ways. */
	KUNIT_ASSERT_NE(test, kunit_vm_mmap(test, NULL, 0, PAGE_SIZE,
					    PROT_READ, MAP_ANONYMOUS |
					    MAP_PRIVATE, 0), 0UL);
	uaddr = vm_mmap(buf->file, 0, DB_PAGES * PAGE_SIZE,
			PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(uaddr));
	up = (u32 __user *)(uaddr + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, get_user(value, up), 0);
	KUNIT_EXPECT_EQ(test, value, *(u32 *)(kview + PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, put_user(0x5eedU, up + PAGE_SIZE / 4), 0);
	KUNIT_EXPECT_EQ(test, *(u32 *)(kview + 2 * PAGE_SIZE), 0x5eedU);
	KUNIT_EXPECT_EQ(test, vm_munmap(uaddr, DB_PAGES * PAGE_SIZE), 0);

	/* Destroy while exported: the handle goes, the memory stays. */
	KUNIT_ASSERT_EQ(test, dxgkpm_unmap_kernel(pmo, kview, size), 0);
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_destroy(pmo, amo), 0);
	KUNIT_EXPECT_NULL(test, dxgkpm_pmo_get_handle(handle));
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(pmos), 1L);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(pages), (long)DB_PAGES);
	KUNIT_ASSERT_EQ(test, dxgkpm_edu_copy(edu1, dma[3], dma[0], PAGE_SIZE),
			0);
	KUNIT_ASSERT_EQ(test, dma_buf_begin_cpu_access(buf, DMA_FROM_DEVICE),
			0);
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_kt_mismatch(map.vaddr + 3 * PAGE_SIZE,
						     PAGE_SIZE, 0xdb0f),
			    PAGE_SIZE, "edu1's copy after Destroy");
	/* A user mapping made after Destroy: the memory is the export's. */
	uaddr = vm_mmap(buf->file, 0, DB_PAGES * PAGE_SIZE, PROT_READ,
			MAP_SHARED, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(uaddr), "mmap: %ld",
			       (long)uaddr);
	up = (u32 __user *)(uaddr + 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, get_user(value, up), 0);
	KUNIT_EXPECT_EQ(test, value, *(u32 *)(map.vaddr + 3 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, vm_munmap(uaddr, DB_PAGES * PAGE_SIZE), 0);

	dma_buf_vunmap_unlocked(buf, &map);
	dma_buf_unmap_attachment_unlocked(att, sgt, DMA_BIDIRECTIONAL);
	dma_buf_detach(buf, att);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(dma_maps), 0L);
	db_put(buf);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(exports), 0L);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(pmos), 0L);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(pages), 0L);
	dxgkpm_kt_unregister_now(test, adapter);
	KUNIT_EXPECT_TRUE(test, dxgkpm_kt_idle());
}

/*
 * Sections (their pages belong to a shmem file that may page them out)
 * and IO space (no struct pages) are refused with -EOPNOTSUPP, objects
 * whose pages were not zeroed with -EACCES, a destroyed object with
 * -ENOENT, NULL and file flags other than O_CLOEXEC with O_RDONLY or
 * O_RDWR with -EINVAL; nothing is exported or held afterwards. Passes if
 * so.
 */
static void dxgkpm_dmabuf_refused(struct kunit *test)
{
	struct dxgkpm_edu *edu0 = dxgkpm_kt_edu(test, 0);
	static const int bad_flags[] = {
		O_WRONLY, O_RDWR | O_APPEND, O_RDWR | O_NONBLOCK, -1,
	};
	struct dxgkpm_pmo *pmo, *held, *section, *io, *dirty;
	struct dxgkpm_adapter *adapter;
	struct dxgkpm_pmo_desc desc;
	struct dxgkpm_amo *amo;
	unsigned int i;

	adapter = dxgkpm_kt_register(test, &edu0->pdev->dev);

	memset(&desc, 0, sizeof(desc));
	desc.size = PAGE_SIZE;
	desc.type = DXGKPM_MEM_SECTION;
	desc.caching = DXGKPM_CACHING_CACHED;
	desc.section.protection = DXGKPM_SECTION_READWRITE;
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_create(&desc, NULL, &section, NULL),
			0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_pmo_export(section, O_RDWR)),
			-EOPNOTSUPP);

	memset(&desc, 0, sizeof(desc));
	desc.size = PAGE_SIZE;
	desc.type = DXGKPM_MEM_IO_SPACE;
	desc.caching = DXGKPM_CACHING_UNCACHED;
	desc.io.base = pci_resource_start(edu0->pdev, 0);
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_create(&desc, adapter, &io, &amo), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_pmo_export(io, O_RDWR)),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_destroy(io, amo), 0);

	dxgkpm_kt_page_desc(&desc, DXGKPM_MEM_PAGES, DXGKPM_CACHING_CACHED,
			    DB_PAGES * PAGE_SIZE);
	desc.pages.flags = DXGKPM_ALLOC_DONT_ZERO;
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_create(&desc, NULL, &dirty, NULL), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_pmo_export(dirty, O_RDWR)),
			-EACCES);

	dxgkpm_kt_page_desc(&desc, DXGKPM_MEM_PAGES, DXGKPM_CACHING_WC,
			    DB_PAGES * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_create(&desc, NULL, &pmo, NULL), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_pmo_export(NULL, O_RDWR)),
			-EINVAL);
	for (i = 0; i < ARRAY_SIZE(bad_flags); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    PTR_ERR(dxgkpm_pmo_export(pmo,
							      bad_flags[i])),
				    -EINVAL, "flags %#x", bad_flags[i]);
	held = dxgkpm_pmo_get_handle(pmo->obj.handle);
	KUNIT_ASSERT_PTR_EQ(test, held, pmo);
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_destroy(pmo, NULL), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_pmo_export(held, O_RDWR)),
			-ENOENT);
	dxgkpm_pmo_put(held);

	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(exports), 0L);
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_destroy(dirty, NULL), 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_destroy(section, NULL), 0);
	dxgkpm_kt_unregister_now(test, adapter);
	KUNIT_EXPECT_TRUE(test, dxgkpm_kt_idle());
}

/*
 * Import: an object exported by dxgkpm for edu0's adapter, imported for
 * edu1's adapter, gives edu1 an address for every page through its own
 * mapping: edu1 copies page 0 to page 1 with exactly those addresses, and
 * the CPU sees the copy. Sizes of 0, not page aligned or beyond the buffer
 * and NULL arguments are refused with -EINVAL, a linked adapter (whose
 * addresses the DMA API does not manage) with -EOPNOTSUPP. An import left
 * at unregistration is released by it; the buffer then lives on with the
 * test's reference alone. Passes if so.
 */
static void dxgkpm_dmabuf_import_adapter(struct kunit *test)
{
	struct dxgkpm_edu *edu1 = dxgkpm_kt_edu(test, 1);
	struct dxgkpm_adapter *a, *b, *linked[2];
	struct dxgkpm_import *imp, *left;
	struct dxgkpm_pmo_desc desc;
	size_t offset = 0, size;
	struct dxgkpm_pmo *pmo;
	struct dma_buf *buf;
	dma_addr_t d0, d1;
	u8 *kview;

	a = dxgkpm_kt_register(test, &dxgkpm_kt_edu(test, 0)->pdev->dev);
	b = dxgkpm_kt_register(test, &edu1->pdev->dev);
	dxgkpm_kt_page_desc(&desc, DXGKPM_MEM_PAGES, DXGKPM_CACHING_WC,
			    DB_PAGES * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_create(&desc, NULL, &pmo, NULL), 0);
	dxgkpm_kt_reap_at_end(test, pmo->obj.handle);
	size = desc.size;
	KUNIT_ASSERT_EQ(test, dxgkpm_map_kernel(pmo, &offset, &size,
						(void **)&kview), 0);
	dxgkpm_kt_fill(kview, PAGE_SIZE, 0x1b0f);
	buf = dxgkpm_pmo_export(pmo, O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);

	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_import_dmabuf(b, buf, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_import_dmabuf(b, buf, 100)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_import_dmabuf(b, buf,
							   buf->size +
							   PAGE_SIZE)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_import_dmabuf(NULL, buf,
							   PAGE_SIZE)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_import_dmabuf(b, NULL,
							   PAGE_SIZE)),
			-EINVAL);
	linked[0] = a;
	linked[1] = b;
	KUNIT_ASSERT_EQ(test, dxgkpm_link_adapters(linked, 2), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dxgkpm_import_dmabuf(b, buf, PAGE_SIZE)),
			-EOPNOTSUPP);
	KUNIT_ASSERT_EQ(test, dxgkpm_unlink_adapter(b), 0);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(imports), 0L);

	imp = dxgkpm_import_dmabuf(b, buf, buf->size);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, imp);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(imports), 1L);
	KUNIT_ASSERT_EQ(test, dxgkpm_import_page_count(imp), DB_PAGES);
	KUNIT_EXPECT_EQ(test, dxgkpm_import_dma_address(imp, DB_PAGES),
			DMA_MAPPING_ERROR);
	d0 = dxgkpm_import_dma_address(imp, 0);
	d1 = dxgkpm_import_dma_address(imp, 1);
	wmb();	/* the CPU's write-combined stores reach memory first */
	KUNIT_ASSERT_EQ(test, dxgkpm_edu_copy(edu1, d1, d0, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_kt_mismatch(kview + PAGE_SIZE,
						     PAGE_SIZE, 0x1b0f),
			    PAGE_SIZE, "edu1's copy through its import");
	dxgkpm_import_release(imp);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(imports), 0L);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(dma_maps), 0L);

	/* Left at unregistration: released by it. */
	left = dxgkpm_import_dmabuf(b, buf, PAGE_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, left);
	dxgkpm_kt_unregister_now(test, b);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(imports), 0L);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(dma_maps), 0L);
	KUNIT_EXPECT_EQ(test, file_count(buf->file), 1L);

	db_put(buf);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(exports), 0L);
	KUNIT_EXPECT_EQ(test, dxgkpm_unmap_kernel(pmo, kview, size), 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_destroy(pmo, NULL), 0);
	dxgkpm_kt_unregister_now(test, a);
	KUNIT_EXPECT_TRUE(test, dxgkpm_kt_idle());
}

static struct kunit_case dxgkpm_dmabuf_cases[] = {
	KUNIT_CASE_PARAM_ATTR(dxgkpm_dmabuf_import, db_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE(dxgkpm_dmabuf_refused),
	KUNIT_CASE(dxgkpm_dmabuf_import_adapter),
	{}
};

static struct kunit_suite dxgkpm_dmabuf_suite = {
	.name = "dxgkpm_dmabuf",
	.suite_init = dxgkpm_kt_suite_init,
	.init = dxgkpm_kt_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_dmabuf_cases,
};

kunit_test_suite(dxgkpm_dmabuf_suite);
