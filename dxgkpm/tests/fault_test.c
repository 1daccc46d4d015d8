// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Every allocation-failure point, enumerated with the kernel's own fault
 * injection, as syzkaller does it: failslab and fail_page_alloc armed, and
 * the test task's fail-nth making each allocation on an operation's call
 * path fail in turn, down to the ones inside vmap(), the scatterlist
 * tables, the IOMMU's IOVA allocator and page tables, vm_mmap(), shmem and
 * set_pages_array_*() (dxgkpm/tests/failnth.c). Each operation of the DXGK
 * interface (and the native calls that have no DXGK form) is run to count
 * its points, then once per point with that point failing. Each failure
 * must make the call return the exact status Documentation/dxgkpm.rst
 * names and leave nothing behind: every dxgkpm counter (objects, handles,
 * pages taken from the page allocator, pages with a changed cache
 * attribute, pins, views, DMA mappings) back where it was, and every
 * DMA-API debugging entry back in its pool, with KASAN and kmemleak (see
 * dxgkpm_kmemleak) watching the rest. A failure the call gets over (a
 * high-order block falling back to smaller ones, the buddy allocator
 * falling back to a window scan, kvmalloc() to vmalloc(), kmemleak to its
 * reserve, iommu-dma retrying an IOVA after flushing its caches) must
 * leave the call's result intact instead: the same counters as a run
 * without injection, and what the call returned checked.
 *
 * The number of points of each operation, and how many of them fail the
 * call, are asserted (fault_ops[]): a new allocation on a path, or one that
 * went away, changes them, and the test then prints where the allocations
 * were made. For the counts to be exact, everything that decides whether
 * an allocation happens is the same before every run: the task stays on
 * one CPU (IOVA and vmap caches are per CPU); each operation runs twice
 * before counting, and every run is made from the same call site (stack
 * depot records, page tables, IOVA caches); lazily freed vmap areas are
 * purged (every vmap() lands where the last did); the handles a run
 * publishes go into an XArray node that exists; and where the allocation
 * under test only happens on first use, the operation's own state is reset
 * (a section's pages are dropped, a user view gets a page table of its own,
 * a large page of the linear map is found to split) or avoided (write-
 * combined and uncached memory comes from a window whose large pages are
 * split beforehand). Allocations that only happen by history and whose
 * failure tests something else (new slabs, DMA-API debugging's own) are
 * left out by failnth.c.
 *
 * Two failures take more than one failed allocation, or none: publishing a
 * handle fails only when the XArray's retry fails too
 * (dxgkpm_fault_handle_table), and alloc_contig_range() fails with -EBUSY
 * on a range in use (dxgkpm_fault_busy_range).
 */

#include <asm/set_memory.h>
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pci.h>
#include <linux/pgtable.h>
#include <linux/sched.h>
#include <linux/shmem_fs.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include <trace/events/kmem.h>

#include "failnth.h"
#include "helpers.h"

#define FAULT_SIZE		(4 * PAGE_SIZE)
/* The ADL whose IOMMU page table comes and goes: one whole 2 MiB table. */
#define FAULT_ADL_2M		SZ_2M
/* Runs of each operation before its points are counted. */
#define FAULT_WARMUP		2
/* Large blocks tried while looking for one the linear map has not split. */
#define FAULT_MAX_SPLIT		64

/**
 * struct fault_ctx - one operation's state
 * @test: the test
 * @kt: adapter on edu device 0
 * @kt2: adapter on edu device 1 (linked adapters only)
 * @dev: a device without IOMMU, for registration
 * @adapter: registered by the operation
 * @pmo: hPhysicalMemoryObject
 * @amo: hAdapterMemoryObject
 * @adl: an ADL
 * @addr: pMappedAddress of a view
 * @size: Size of the view
 * @mem: a WDDM 2.4 hMemoryHandle
 * @pages: pages for DxgkCbMapMdlToIoMmu
 * @mdl: their MDL
 * @low: lowest address of the window the next object must be created in
 * @high: its highest address
 * @dma_free: DMA-API debugging's count of free entries
 * @sites: where to record the next run's allocations, or NULL
 */
struct fault_ctx {
	struct kunit *test;
	struct dxgkpm_kt *kt;
	struct dxgkpm_kt *kt2;
	struct device *dev;
	struct dxgkpm_adapter *adapter;
	HANDLE pmo;
	HANDLE amo;
	DXGK_ADL *adl;
	void *addr;
	SIZE_T size;
	HANDLE mem;
	struct page *pages;
	MDL *mdl;
	phys_addr_t low;
	phys_addr_t high;
	const u32 *dma_free;
	struct fault_sites *sites;
};

/**
 * struct fault_op - an operation under fault injection
 * @name: for the parameter and the report
 * @type: memory type of the object the operation creates or needs
 * @cache: its cache type
 * @bytes: size of that object; 0 for FAULT_SIZE (IO space: one page)
 * @prep: optional; what must exist before, made without injection
 * @settle: optional; puts the state the operation's allocations depend on
 *	back before each run
 * @run: the operation; 0 (or STATUS_SUCCESS) when it succeeds
 * @check: optional; after a run that succeeded although one of its
 *	allocations failed, that what it returned is intact
 * @undo: undo a successful @run
 * @unprep: optional; undo @prep
 * @status: what the operation returns when one of its points fails
 * @points: allocations on its path
 * @failing: of those, how many make it fail (the others it gets over)
 * @handles: handles it publishes
 */
struct fault_op {
	const char *name;
	DXGK_PHYSICAL_MEMORY_TYPE type;
	DXGK_MEMORY_CACHING_TYPE cache;
	size_t bytes;
	void (*prep)(struct fault_ctx *ctx, const struct fault_op *op);
	void (*settle)(struct fault_ctx *ctx, const struct fault_op *op);
	long (*run)(struct fault_ctx *ctx, const struct fault_op *op);
	void (*check)(struct fault_ctx *ctx, const struct fault_op *op);
	void (*undo)(struct fault_ctx *ctx, const struct fault_op *op);
	void (*unprep)(struct fault_ctx *ctx, const struct fault_op *op);
	long status;
	unsigned int points;
	unsigned int failing;
	unsigned int handles;
};

/* Bytes each operation works on: IO-space objects are one page of BAR0. */
static size_t fault_size(const struct fault_op *op)
{
	if (op->bytes)
		return op->bytes;
	return op->type == DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE ? PAGE_SIZE :
								FAULT_SIZE;
}

/* The object behind ctx->pmo, which its handle keeps alive. */
static struct dxgkpm_pmo *fault_pmo(struct fault_ctx *ctx)
{
	struct dxgkpm_pmo *pmo = dxgkpm_pmo_get_handle(dxgkpm_handle_to_u64(ctx->pmo));

	KUNIT_ASSERT_NOT_NULL(ctx->test, pmo);
	dxgkpm_pmo_put(pmo);
	return pmo;
}

/* ------------------------------------------------------------ objects */

static NTSTATUS fault_create(struct fault_ctx *ctx, const struct fault_op *op,
			     bool open)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT args = {};
	NTSTATUS status;

	args.hAdapter = open ? ctx->kt->h : NULL;
	args.Size = fault_size(op);
	args.Type = op->type;
	args.CacheType = op->cache;
	switch (op->type) {
	case DXGK_PHYSICAL_MEMORY_TYPE_MDL:
		args.Mdl.LowAddress.QuadPart = ctx->low;
		args.Mdl.HighAddress.QuadPart = ctx->high ? ctx->high : -1;
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY:
		args.ContiguousMemory.LowestAcceptableAddress.QuadPart =
			ctx->low;
		args.ContiguousMemory.HighestAcceptableAddress.QuadPart =
			ctx->high ? ctx->high : -1;
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_SECTION:
		args.Section.PageProtection = PAGE_READWRITE;
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE:
		args.IOSpace.BaseAddress.QuadPart =
			pci_resource_start(ctx->kt->edu->pdev, 0);
		break;
	}
	status = ctx->kt->iface.DxgkCbCreatePhysicalMemoryObject(&args);
	ctx->pmo = args.hPhysicalMemoryObject;
	ctx->amo = args.hAdapterMemoryObject;
	return status;
}

static void fault_destroy(struct fault_ctx *ctx)
{
	DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT args = {
		.hPhysicalMemoryObject = ctx->pmo,
		.hAdapterMemoryObject = ctx->amo,
	};

	ctx->kt->iface.DxgkCbDestroyPhysicalMemoryObject(&args);
	ctx->pmo = NULL;
	ctx->amo = NULL;
}

/* Create, opened at once. */
static long fault_run_create_open(struct fault_ctx *ctx,
				  const struct fault_op *op)
{
	return fault_create(ctx, op, true);
}

/* Create without an adapter. */
static long fault_run_create(struct fault_ctx *ctx, const struct fault_op *op)
{
	return fault_create(ctx, op, false);
}

static void fault_undo_destroy(struct fault_ctx *ctx, const struct fault_op *op)
{
	fault_destroy(ctx);
}

/*
 * A page-backed object that was created although one of its allocations
 * failed has all its pages, zeroed, distinct, inside the window, and
 * physically contiguous if it is contiguous memory.
 */
static void fault_check_pages(struct fault_ctx *ctx, const struct fault_op *op)
{
	bool contig = op->type == DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY;
	struct kunit *test = ctx->test;
	struct dxgkpm_pmo *pmo;
	pgoff_t i, j;
	void *p;

	if (op->type != DXGK_PHYSICAL_MEMORY_TYPE_MDL && !contig)
		return;
	pmo = fault_pmo(ctx);
	KUNIT_ASSERT_EQ(test, pmo->mem.npages,
			(pgoff_t)(fault_size(op) >> PAGE_SHIFT));
	for (i = 0; i < pmo->mem.npages; i++) {
		phys_addr_t phys = page_to_phys(pmo->mem.pages[i]);

		KUNIT_EXPECT_GE(test, phys, ctx->low);
		if (ctx->high)
			KUNIT_EXPECT_LE(test, phys + PAGE_SIZE - 1, ctx->high);
		if (contig && i)
			KUNIT_EXPECT_EQ(test, page_to_pfn(pmo->mem.pages[i]),
					page_to_pfn(pmo->mem.pages[0]) + i);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, pmo->mem.pages[i], pmo->mem.pages[j]);
		p = kmap_local_page(pmo->mem.pages[i]);
		KUNIT_EXPECT_NULL_MSG(test, memchr_inv(p, 0, PAGE_SIZE),
				      "page %lu is not zeroed", i);
		kunmap_local(p);
	}
}

static void fault_prep_create(struct fault_ctx *ctx, const struct fault_op *op)
{
	KUNIT_ASSERT_EQ(ctx->test, fault_create(ctx, op, false),
			STATUS_SUCCESS);
}

static void fault_prep_create_open(struct fault_ctx *ctx,
				   const struct fault_op *op)
{
	KUNIT_ASSERT_EQ(ctx->test, fault_create(ctx, op, true), STATUS_SUCCESS);
}

/*
 * Before each run, a free 2 MiB block that the linear map still maps with
 * one large page becomes the window of the object to create, so that
 * set_pages_array_wc() has to split that page and allocate a page table:
 * the allocation inside the attribute change, which would otherwise only
 * happen the first time a region of the linear map changes type.
 */
static void fault_settle_large_page(struct fault_ctx *ctx,
				    const struct fault_op *op)
{
	const unsigned int order = PMD_SHIFT - PAGE_SHIFT;
	struct page *tried[FAULT_MAX_SPLIT], *page = NULL;
	unsigned int n, i, level;

	for (n = 0; n < FAULT_MAX_SPLIT; n++) {
		page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
		KUNIT_ASSERT_NOT_NULL(ctx->test, page);
		lookup_address((unsigned long)page_address(page), &level);
		if (level == PG_LEVEL_2M)
			break;
		tried[n] = page;
	}
	for (i = 0; i < n; i++)
		__free_pages(tried[i], order);
	KUNIT_ASSERT_LT_MSG(ctx->test, n, FAULT_MAX_SPLIT,
			    "no 2 MiB block the linear map has not split");
	ctx->low = page_to_phys(page);
	ctx->high = ctx->low + SZ_2M - 1;
	__free_pages(page, order);
}

/*
 * Changing the cache type of a page splits the large page of the linear
 * map that holds it, allocating a page table, the first time a page of
 * that 2 MiB region changes type; which pages the buddy allocator hands
 * out, and so whether that happens, is history. Operations that create
 * write-combined or uncached memory take it from a window of 4 MiB that
 * the test has split beforehand: every run gets the pages the window scan
 * claims there (the second pageblock if something holds the first one).
 */
static void fault_prep_window(struct fault_ctx *ctx, const struct fault_op *op)
{
	const unsigned int order = pageblock_order + 1;
	struct page *block;

	block = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
	KUNIT_ASSERT_NOT_NULL(ctx->test, block);
	KUNIT_ASSERT_EQ(ctx->test,
			set_memory_4k((unsigned long)page_address(block),
				      1 << order), 0);
	ctx->low = page_to_phys(block);
	ctx->high = ctx->low + (PAGE_SIZE << order) - 1;
	__free_pages(block, order);
}

/*
 * A pageblock can only be claimed while no page of it is in use. The pages
 * an operation gave back sit on this CPU's lists, where the next small
 * allocation (a new slab) would take them: send them back to the buddy
 * allocator, where they merge into the free block they came from.
 */
static void fault_settle_window(struct fault_ctx *ctx,
				const struct fault_op *op)
{
	drain_all_pages(NULL);
}

/* ---------------------------------------------------------- attaching */

static long fault_run_open(struct fault_ctx *ctx, const struct fault_op *op)
{
	DXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT args = {
		.hPhysicalMemoryObject = ctx->pmo,
		.hAdapter = ctx->kt->h,
	};
	NTSTATUS status;

	status = ctx->kt->iface.DxgkCbOpenPhysicalMemoryObject(&args);
	ctx->amo = args.hAdapterMemoryObject;
	return status;
}

static void fault_undo_close(struct fault_ctx *ctx, const struct fault_op *op)
{
	DXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT args = {
		.hAdapterMemoryObject = ctx->amo,
	};

	ctx->kt->iface.DxgkCbClosePhysicalMemoryObject(&args);
	ctx->amo = NULL;
}

static long fault_adl(struct fault_ctx *ctx, SIZE_T offset, SIZE_T size)
{
	DXGKARGCB_ALLOCATE_ADL args = {
		.hAdapterMemoryObject = ctx->amo,
		.Offset = offset,
		.Size = size,
	};
	NTSTATUS status;

	status = ctx->kt->iface.DxgkCbAllocateAdl(&args);
	ctx->adl = args.pAdl;
	return status;
}

static long fault_run_adl(struct fault_ctx *ctx, const struct fault_op *op)
{
	return fault_adl(ctx, 0, fault_size(op));
}

/*
 * An ADL of 2 MiB at a page offset of a contiguous block: iommu-dma gives
 * it a 2 MiB-aligned IOVA range (too large for its per-CPU caches) whose
 * pages are not 2 MiB-aligned in memory, so the IOMMU maps them with 4 KiB
 * entries in a page table of their own, which the unmap frees again.
 */
static long fault_run_adl_2m(struct fault_ctx *ctx, const struct fault_op *op)
{
	return fault_adl(ctx, PAGE_SIZE, FAULT_ADL_2M);
}

static void fault_undo_adl(struct fault_ctx *ctx, const struct fault_op *op)
{
	DXGKARGCB_FREE_ADL args = {
		.hAdapterMemoryObject = ctx->amo,
		.pAdl = ctx->adl,
	};

	ctx->kt->iface.DxgkCbFreeAdl(&args);
	ctx->adl = NULL;
}

/* Every page of the ADL is inside the device's reach. */
static void fault_check_adl(struct fault_ctx *ctx, const struct fault_op *op)
{
	u64 mask = dxgkpm_space_limit(&ctx->kt->adapter->dma);
	struct dxgkpm_adl *adl;
	dma_addr_t addr;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(ctx->test, ctx->adl);
	adl = dxgkpm_adl_from_caller(ctx->adl);
	for (i = 0; i < dxgkpm_adl_page_count(adl); i++) {
		addr = dxgkpm_adl_dma_address(adl, i);
		KUNIT_EXPECT_NE(ctx->test, addr, DMA_MAPPING_ERROR);
		KUNIT_EXPECT_LE(ctx->test, addr + PAGE_SIZE - 1, mask);
	}
}

/*
 * A section's pages exist from their first use on: drop them before each
 * run, so that every run pins pages shmem has to allocate.
 */
static void fault_settle_section(struct fault_ctx *ctx,
				 const struct fault_op *op)
{
	shmem_truncate_range(file_inode(fault_pmo(ctx)->mem.file), 0, -1);
}

/* ------------------------------------------------------------- views */

/*
 * An object never makes a view where one of its last unmapped views was
 * (view.c), so the view of each run would land elsewhere, with a path that
 * depends on the runs before. Before each run the object forgets them, as
 * a new object would, and the view lands where the last one did.
 */
static void fault_settle_views(struct fault_ctx *ctx, const struct fault_op *op)
{
	struct dxgkpm_pmo *pmo = fault_pmo(ctx);

	mutex_lock(&pmo->lock);
	memset(pmo->unmapped_views, 0, sizeof(pmo->unmapped_views));
	pmo->unmapped_next = 0;
	mutex_unlock(&pmo->lock);
}

/* Both: a section's views, and its pages shmem has to allocate again. */
static void fault_settle_section_views(struct fault_ctx *ctx,
				       const struct fault_op *op)
{
	fault_settle_section(ctx, op);
	fault_settle_views(ctx, op);
}

static long fault_map(struct fault_ctx *ctx, DXGK_ACCESS_MODE mode,
		      SIZE_T size)
{
	DXGKARGCB_MAP_PHYSICAL_MEMORY args = {
		.hPhysicalMemoryObject = ctx->pmo,
		.AccessMode = mode,
		.Size = size,
	};
	NTSTATUS status;

	status = ctx->kt->iface.DxgkCbMapPhysicalMemory(&args);
	ctx->addr = args.pMappedAddress;
	ctx->size = args.Size;
	return status;
}

static long fault_run_map_kernel(struct fault_ctx *ctx,
				 const struct fault_op *op)
{
	return fault_map(ctx, DXGK_ACCESS_MODE_KERNEL_MODE, fault_size(op));
}

static long fault_run_map_user(struct fault_ctx *ctx, const struct fault_op *op)
{
	return fault_map(ctx, DXGK_ACCESS_MODE_USER_MODE, FAULT_SIZE);
}

static void fault_undo_unmap(struct fault_ctx *ctx, const struct fault_op *op)
{
	DXGKARGCB_UNMAP_PHYSICAL_MEMORY args = {
		.hPhysicalMemoryObject = ctx->pmo,
		.pBaseAddress = ctx->addr,
		.Size = ctx->size,
	};

	ctx->kt->iface.DxgkCbUnmapPhysicalMemory(&args);
	ctx->addr = NULL;
}

/* The kernel view maps the object's pages, in order. */
static void fault_check_kview(struct fault_ctx *ctx, const struct fault_op *op)
{
	struct dxgkpm_pmo *pmo = fault_pmo(ctx);
	pgoff_t i;

	KUNIT_ASSERT_NOT_NULL(ctx->test, ctx->addr);
	KUNIT_EXPECT_EQ(ctx->test, ctx->size, (SIZE_T)fault_size(op));
	if (!pmo->mem.pages)
		return;
	for (i = 0; i < pmo->mem.npages; i++)
		KUNIT_EXPECT_PTR_EQ(ctx->test,
				    vmalloc_to_page(ctx->addr + i * PAGE_SIZE),
				    pmo->mem.pages[i]);
}

/* The user view is one VMA of the requested size in the test's mm. */
static void fault_check_uview(struct fault_ctx *ctx, const struct fault_op *op)
{
	unsigned long start = (unsigned long)ctx->addr;
	struct vm_area_struct *vma;

	mmap_read_lock(current->mm);
	vma = vma_lookup(current->mm, start);
	KUNIT_EXPECT_TRUE(ctx->test, vma && vma->vm_start == start &&
			  vma->vm_end - vma->vm_start == FAULT_SIZE);
	mmap_read_unlock(current->mm);
}

/* Map @len bytes of nothing at exactly @addr in the test's mm. */
static void fault_reserve(struct fault_ctx *ctx, unsigned long addr,
			  unsigned long len)
{
	KUNIT_ASSERT_EQ(ctx->test,
			kunit_vm_mmap(ctx->test, NULL, addr, len, PROT_NONE,
				      MAP_ANONYMOUS | MAP_PRIVATE |
				      MAP_FIXED_NOREPLACE, 0), addr);
}

/*
 * User views need a process: give the test's kthread an mm. Then lay it
 * out so that the view lands alone in a 2 MiB range whose page table the
 * unmap frees again, so that each run has vm_insert_pages() allocate one
 * (with the view straddling a boundary chosen by the mm's random base, the
 * count would change from boot to boot): a reservation from the first page
 * the kernel hands out down to a 2 MiB boundary, under which the view goes,
 * and a page 2 MiB further down, which keeps the table above the view's
 * one in place.
 */
static void fault_prep_user(struct fault_ctx *ctx, const struct fault_op *op)
{
	unsigned long top, base;

	top = kunit_vm_mmap(ctx->test, NULL, 0, PAGE_SIZE,
			    PROT_READ | PROT_WRITE,
			    MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_TRUE(ctx->test, top && !IS_ERR_VALUE(top));
	base = ALIGN_DOWN(top, PMD_SIZE);
	if (base < top)
		fault_reserve(ctx, base, top - base);
	fault_reserve(ctx, base - PMD_SIZE - PAGE_SIZE, PAGE_SIZE);
	fault_prep_create(ctx, op);
}

/* ------------------------------------------------------------ adapters */

static void fault_prep_device(struct fault_ctx *ctx, const struct fault_op *op)
{
	ctx->dev = kunit_device_register(ctx->test, "dxgkpm-fault");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(ctx->test, ctx->dev);
}

static long fault_run_register(struct fault_ctx *ctx, const struct fault_op *op)
{
	ctx->adapter = dxgkpm_register_adapter(ctx->dev);
	return PTR_ERR_OR_ZERO(ctx->adapter);
}

static void fault_undo_register(struct fault_ctx *ctx,
				const struct fault_op *op)
{
	dxgkpm_unregister_adapter(ctx->adapter);
	ctx->adapter = NULL;
}

static int fault_link(struct fault_ctx *ctx)
{
	struct dxgkpm_adapter *adapters[] = {
		ctx->kt->adapter, ctx->kt2->adapter,
	};

	return dxgkpm_link_adapters(adapters, ARRAY_SIZE(adapters));
}

static void fault_unlink(struct fault_ctx *ctx)
{
	KUNIT_EXPECT_EQ(ctx->test, dxgkpm_unlink_adapter(ctx->kt->adapter), 0);
	KUNIT_EXPECT_EQ(ctx->test, dxgkpm_unlink_adapter(ctx->kt2->adapter), 0);
}

static long fault_run_link(struct fault_ctx *ctx, const struct fault_op *op)
{
	return fault_link(ctx);
}

static void fault_undo_link(struct fault_ctx *ctx, const struct fault_op *op)
{
	fault_unlink(ctx);
}

static void fault_check_link(struct fault_ctx *ctx, const struct fault_op *op)
{
	KUNIT_EXPECT_NOT_NULL(ctx->test, ctx->kt->adapter->dma.space);
	KUNIT_EXPECT_PTR_EQ(ctx->test, ctx->kt->adapter->dma.space,
			    ctx->kt2->adapter->dma.space);
}

/* An object opened on the first of two linked adapters. */
static void fault_prep_linked(struct fault_ctx *ctx, const struct fault_op *op)
{
	KUNIT_ASSERT_EQ(ctx->test, fault_link(ctx), 0);
	fault_prep_create_open(ctx, op);
}

static void fault_unprep_linked(struct fault_ctx *ctx,
				const struct fault_op *op)
{
	fault_destroy(ctx);
	fault_unlink(ctx);
}

/* ---------------------------------------------------------- WDDM 2.4 */

static long fault_run_contig24(struct fault_ctx *ctx, const struct fault_op *op)
{
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY args = {
		.NumberOfBytes = fault_size(op),
		.CacheType = op->cache,
	};
	NTSTATUS status;

	args.LowestAcceptableAddress.QuadPart = ctx->low;
	args.HighestAcceptableAddress.QuadPart = ctx->high ? ctx->high : -1;
	status = ctx->kt->iface.DxgkCbAllocateContiguousMemory(ctx->kt->h,
							       &args);
	ctx->mem = args.hMemoryHandle;
	ctx->addr = args.pMemory;
	return status;
}

static void fault_undo_contig24(struct fault_ctx *ctx,
				const struct fault_op *op)
{
	DXGKARGCB_FREECONTIGUOUSMEMORY args = { .hMemoryHandle = ctx->mem };

	KUNIT_EXPECT_EQ(ctx->test,
			ctx->kt->iface.DxgkCbFreeContiguousMemory(ctx->kt->h,
								  &args),
			STATUS_SUCCESS);
}

static long fault_run_pages24(struct fault_ctx *ctx, const struct fault_op *op)
{
	DXGKARGCB_ALLOCATEPAGESFORMDL args = {
		.TotalBytes = fault_size(op),
		.CacheType = op->cache,
	};
	NTSTATUS status;

	args.LowAddress.QuadPart = ctx->low;
	args.HighAddress.QuadPart = ctx->high ? ctx->high : -1;
	status = ctx->kt->iface.DxgkCbAllocatePagesForMdl(ctx->kt->h, &args);
	ctx->mem = args.hMemoryHandle;
	ctx->mdl = args.pMdl;
	return status;
}

static void fault_undo_pages24(struct fault_ctx *ctx, const struct fault_op *op)
{
	DXGKARGCB_FREEPAGESFROMMDL args = { .hMemoryHandle = ctx->mem };

	KUNIT_EXPECT_EQ(ctx->test,
			ctx->kt->iface.DxgkCbFreePagesFromMdl(ctx->kt->h, &args),
			STATUS_SUCCESS);
}

/* Pages and an MDL of the test's own, for DxgkCbMapMdlToIoMmu. */
static void fault_prep_mdl(struct fault_ctx *ctx, const struct fault_op *op)
{
	PPFN_NUMBER pfns;
	unsigned int i;

	ctx->pages = alloc_pages(GFP_KERNEL, 1);
	KUNIT_ASSERT_NOT_NULL(ctx->test, ctx->pages);
	split_page(ctx->pages, 1);
	ctx->mdl = kunit_kzalloc(ctx->test, MmSizeOfMdl(NULL, 2 * PAGE_SIZE),
				 GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(ctx->test, ctx->mdl);
	MmInitializeMdl(ctx->mdl, NULL, 2 * PAGE_SIZE);
	pfns = MmGetMdlPfnArray(ctx->mdl);
	for (i = 0; i < 2; i++)
		pfns[i] = page_to_pfn(ctx->pages + i);
}

static void fault_unprep_mdl(struct fault_ctx *ctx, const struct fault_op *op)
{
	__free_page(ctx->pages);
	__free_page(ctx->pages + 1);
}

static long fault_run_mdl24(struct fault_ctx *ctx, const struct fault_op *op)
{
	DXGKARGCB_MAPMDLTOIOMMU args = { .pMdl = ctx->mdl };
	NTSTATUS status;

	status = ctx->kt->iface.DxgkCbMapMdlToIoMmu(ctx->kt->h, &args);
	ctx->mem = args.hMemoryHandle;
	return status;
}

static void fault_undo_mdl24(struct fault_ctx *ctx, const struct fault_op *op)
{
	DXGKARGCB_UNMAPMDLFROMIOMMU args = { .hMemoryHandle = ctx->mem };

	ctx->kt->iface.DxgkCbUnmapMdlFromIoMmu(ctx->kt->h, &args);
}

/* Every byte of the 2.4 memory has a device address within reach. */
static void fault_check_mem24(struct fault_ctx *ctx, const struct fault_op *op)
{
	size_t bytes = op->run == fault_run_mdl24 ? 2 * PAGE_SIZE :
						    fault_size(op);
	dma_addr_t addr;
	size_t off;

	for (off = 0; off < bytes; off += PAGE_SIZE) {
		KUNIT_EXPECT_EQ(ctx->test,
				dxgkpm_memory_dma_address(ctx->kt->adapter,
							  ctx->mem, off, &addr),
				0);
		KUNIT_EXPECT_LE(ctx->test, addr + PAGE_SIZE - 1,
				dxgkpm_space_limit(&ctx->kt->adapter->dma));
	}
	if (op->run == fault_run_contig24)
		KUNIT_EXPECT_NOT_NULL(ctx->test, ctx->addr);
	if (op->run == fault_run_pages24)
		KUNIT_EXPECT_NOT_NULL(ctx->test, ctx->mdl);
}

/* -------------------------------------------------------------- table */

#define MDL_T	DXGK_PHYSICAL_MEMORY_TYPE_MDL
#define CONTIG_T DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY
#define SECTION_T DXGK_PHYSICAL_MEMORY_TYPE_SECTION
#define IO_T	DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE
#define UC	DXGK_MEMORY_CACHING_TYPE_NON_CACHED
#define WB	DXGK_MEMORY_CACHING_TYPE_CACHED
#define WC	DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED
/* What Documentation/dxgkpm.rst says a call returns when memory runs out. */
#define NOMEM	((long)STATUS_INSUFFICIENT_RESOURCES)

static const struct fault_op fault_ops[] = {
	{ .name = "register-adapter",
	  .prep = fault_prep_device, .run = fault_run_register,
	  .undo = fault_undo_register,
	  .status = -ENOMEM, .points = 2, .failing = 1, .handles = 1 },
	{ .name = "create-open-mdl-cached", .type = MDL_T, .cache = WB,
	  .run = fault_run_create_open, .check = fault_check_pages,
	  .undo = fault_undo_destroy,
	  .status = NOMEM, .points = 7, .failing = 3, .handles = 2 },
	{ .name = "create-open-mdl-wc", .type = MDL_T, .cache = WC,
	  .prep = fault_prep_window, .settle = fault_settle_window,
	  .run = fault_run_create_open, .check = fault_check_pages,
	  .undo = fault_undo_destroy,
	  .status = NOMEM, .points = 6, .failing = 3, .handles = 2 },
	{ .name = "create-open-mdl-uc", .type = MDL_T, .cache = UC,
	  .prep = fault_prep_window, .settle = fault_settle_window,
	  .run = fault_run_create_open, .check = fault_check_pages,
	  .undo = fault_undo_destroy,
	  .status = NOMEM, .points = 6, .failing = 3, .handles = 2 },
	{ .name = "create-mdl-wc", .type = MDL_T, .cache = WC,
	  .prep = fault_prep_window, .settle = fault_settle_window,
	  .run = fault_run_create, .check = fault_check_pages,
	  .undo = fault_undo_destroy,
	  .status = NOMEM, .points = 4, .failing = 2, .handles = 1 },
	{ .name = "create-open-contiguous-wc", .type = CONTIG_T, .cache = WC,
	  .prep = fault_prep_window, .settle = fault_settle_window,
	  .run = fault_run_create_open, .check = fault_check_pages,
	  .undo = fault_undo_destroy,
	  .status = NOMEM, .points = 6, .failing = 3, .handles = 2 },
	{ .name = "create-contiguous-cached", .type = CONTIG_T, .cache = WB,
	  .run = fault_run_create, .check = fault_check_pages,
	  .undo = fault_undo_destroy,
	  .status = NOMEM, .points = 5, .failing = 2, .handles = 1 },
	{ .name = "create-contiguous-wc-large-page", .type = CONTIG_T,
	  .cache = WC,
	  .settle = fault_settle_large_page, .run = fault_run_create,
	  .check = fault_check_pages, .undo = fault_undo_destroy,
	  .status = NOMEM, .points = 5, .failing = 3, .handles = 1 },
	{ .name = "create-open-section-wc", .type = SECTION_T, .cache = WC,
	  .run = fault_run_create_open, .undo = fault_undo_destroy,
	  .status = NOMEM, .points = 12, .failing = 6, .handles = 2 },
	{ .name = "create-open-io-space", .type = IO_T, .cache = UC,
	  .run = fault_run_create_open, .undo = fault_undo_destroy,
	  .status = NOMEM, .points = 4, .failing = 2, .handles = 2 },
	{ .name = "open-mdl-uc", .type = MDL_T, .cache = UC,
	  .prep = fault_prep_create, .run = fault_run_open,
	  .undo = fault_undo_close, .unprep = fault_undo_destroy,
	  .status = NOMEM, .points = 2, .failing = 1, .handles = 1 },
	{ .name = "open-section", .type = SECTION_T, .cache = WB,
	  .prep = fault_prep_create, .run = fault_run_open,
	  .undo = fault_undo_close, .unprep = fault_undo_destroy,
	  .status = NOMEM, .points = 2, .failing = 1, .handles = 1 },
	{ .name = "allocate-adl-mdl", .type = MDL_T, .cache = WC,
	  .prep = fault_prep_create_open, .run = fault_run_adl,
	  .check = fault_check_adl, .undo = fault_undo_adl,
	  .unprep = fault_undo_destroy,
	  .status = NOMEM, .points = 6, .failing = 3, .handles = 0 },
	{ .name = "allocate-adl-contiguous-2m", .type = CONTIG_T, .cache = WB,
	  .bytes = FAULT_ADL_2M + PAGE_SIZE,
	  .prep = fault_prep_create_open, .run = fault_run_adl_2m,
	  .check = fault_check_adl, .undo = fault_undo_adl,
	  .unprep = fault_undo_destroy,
	  .status = NOMEM, .points = 9, .failing = 3, .handles = 0 },
	/*
	 * Cached: the pages of a write-combined section would need their
	 * linear map split wherever shmem finds them after each truncation,
	 * an allocation that comes and goes with memory's history. The pins
	 * of write-combined sections are counted by map-user-section, whose
	 * pages stay.
	 */
	{ .name = "allocate-adl-section", .type = SECTION_T, .cache = WB,
	  .prep = fault_prep_create_open, .settle = fault_settle_section,
	  .run = fault_run_adl, .check = fault_check_adl,
	  .undo = fault_undo_adl, .unprep = fault_undo_destroy,
	  .status = NOMEM, .points = 14, .failing = 8, .handles = 0 },
	{ .name = "allocate-adl-io-space", .type = IO_T, .cache = UC,
	  .prep = fault_prep_create_open, .run = fault_run_adl,
	  .check = fault_check_adl, .undo = fault_undo_adl,
	  .unprep = fault_undo_destroy,
	  .status = NOMEM, .points = 4, .failing = 2, .handles = 0 },
	{ .name = "allocate-adl-mdl-linked", .type = MDL_T, .cache = WB,
	  .prep = fault_prep_linked, .run = fault_run_adl,
	  .check = fault_check_adl, .undo = fault_undo_adl,
	  .unprep = fault_unprep_linked,
	  .status = NOMEM, .points = 8, .failing = 4, .handles = 0 },
	{ .name = "allocate-adl-io-space-linked", .type = IO_T, .cache = UC,
	  .prep = fault_prep_linked, .run = fault_run_adl,
	  .check = fault_check_adl, .undo = fault_undo_adl,
	  .unprep = fault_unprep_linked,
	  .status = NOMEM, .points = 6, .failing = 3, .handles = 0 },
	{ .name = "map-kernel-mdl-wc", .type = MDL_T, .cache = WC,
	  .prep = fault_prep_create, .settle = fault_settle_views,
	  .run = fault_run_map_kernel,
	  .check = fault_check_kview, .undo = fault_undo_unmap,
	  .unprep = fault_undo_destroy,
	  .status = NOMEM, .points = 6, .failing = 3, .handles = 0 },
	{ .name = "map-kernel-section", .type = SECTION_T, .cache = WB,
	  .prep = fault_prep_create, .settle = fault_settle_section_views,
	  .run = fault_run_map_kernel, .check = fault_check_kview,
	  .undo = fault_undo_unmap, .unprep = fault_undo_destroy,
	  .status = NOMEM, .points = 16, .failing = 9, .handles = 0 },
	{ .name = "map-kernel-io-space", .type = IO_T, .cache = UC,
	  .prep = fault_prep_create_open, .settle = fault_settle_views,
	  .run = fault_run_map_kernel,
	  .check = fault_check_kview, .undo = fault_undo_unmap,
	  .unprep = fault_undo_destroy,
	  .status = NOMEM, .points = 8, .failing = 4, .handles = 0 },
	{ .name = "map-user-mdl-wc", .type = MDL_T, .cache = WC,
	  .prep = fault_prep_user, .settle = fault_settle_views,
	  .run = fault_run_map_user,
	  .check = fault_check_uview, .undo = fault_undo_unmap,
	  .unprep = fault_undo_destroy,
	  .status = NOMEM, .points = 15, .failing = 8, .handles = 0 },
	{ .name = "map-user-section", .type = SECTION_T, .cache = WC,
	  .prep = fault_prep_user, .settle = fault_settle_views,
	  .run = fault_run_map_user,
	  .check = fault_check_uview, .undo = fault_undo_unmap,
	  .unprep = fault_undo_destroy,
	  .status = NOMEM, .points = 19, .failing = 10, .handles = 0 },
	{ .name = "allocate-contiguous-memory", .type = CONTIG_T, .cache = WC,
	  .prep = fault_prep_window, .settle = fault_settle_window,
	  .run = fault_run_contig24, .check = fault_check_mem24,
	  .undo = fault_undo_contig24,
	  .status = NOMEM, .points = 23, .failing = 12, .handles = 3 },
	{ .name = "allocate-pages-for-mdl", .type = MDL_T, .cache = UC,
	  .prep = fault_prep_window, .settle = fault_settle_window,
	  .run = fault_run_pages24, .check = fault_check_mem24,
	  .undo = fault_undo_pages24,
	  .status = NOMEM, .points = 16, .failing = 8, .handles = 3 },
	{ .name = "map-mdl-to-iommu", .type = MDL_T, .cache = WB,
	  .prep = fault_prep_mdl, .run = fault_run_mdl24,
	  .check = fault_check_mem24, .undo = fault_undo_mdl24,
	  .unprep = fault_unprep_mdl,
	  .status = NOMEM, .points = 8, .failing = 4, .handles = 1 },
	{ .name = "link-adapters", .type = MDL_T, .cache = WB,
	  .run = fault_run_link, .check = fault_check_link,
	  .undo = fault_undo_link,
	  .status = -ENOMEM, .points = 25, .failing = 11, .handles = 0 },
};

static void fault_op_desc(const struct fault_op *op, char *desc)
{
	strscpy(desc, op->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fault, fault_ops, fault_op_desc);

/* ------------------------------------------------------------ handles */

/* Handles an operation may publish, at most. */
#define FAULT_MAX_HANDLES	8

/* A handle of a kind no lookup asks for, to steer the handle table. */
struct fault_probe {
	struct dxgkpm_obj obj;
};

static void fault_probe_release(struct dxgkpm_obj *obj)
{
	kfree(container_of(obj, struct fault_probe, obj));
}

static void fault_probe_drop(struct fault_probe *probe)
{
	dxgkpm_handle_retire(&probe->obj);
	dxgkpm_obj_put(&probe->obj);
}

/*
 * Publish probes until the @k-th handle published next (from 0) takes the
 * first index of a run of XA_CHUNK_SIZE that holds no handle, so that the
 * handle table has to allocate an XArray node for it, while the ones
 * before it go into the node of the probe returned, which stays
 * published until the caller drops it. With @k FAULT_MAX_HANDLES, none of
 * the next FAULT_MAX_HANDLES handles needs a node.
 */
static struct fault_probe *fault_handles_align(struct kunit *test,
					       unsigned int k)
{
	struct fault_probe *probe;
	unsigned int i;
	u32 index;

	for (i = 0; i <= XA_CHUNK_SIZE; i++) {
		probe = kzalloc(sizeof(*probe), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, probe);
		dxgkpm_obj_init(&probe->obj, DXGKPM_KIND_COUNT,
				fault_probe_release);
		if (dxgkpm_handle_publish(&probe->obj)) {
			dxgkpm_obj_put(&probe->obj);
			KUNIT_FAIL_AND_ABORT(test, "cannot publish a probe");
		}
		index = lower_32_bits(probe->obj.handle);
		if (k == FAULT_MAX_HANDLES ?
		    index % XA_CHUNK_SIZE < XA_CHUNK_SIZE - FAULT_MAX_HANDLES :
		    (index + 1 + k) % XA_CHUNK_SIZE == 0)
			return probe;
		fault_probe_drop(probe);
	}
	KUNIT_FAIL_AND_ABORT(test, "the handle table does not allocate cyclically");
	return NULL;
}

/* -------------------------------------------------------------- sites */

/* Allocations recorded per run, and frames kept of each. */
#define FAULT_SITES		256
#define FAULT_SITE_FRAMES	8
/* Frames of the recording itself: fault_site(), its probe, the tracepoint. */
#define FAULT_SITE_SKIP		3

/**
 * struct fault_sites - where the allocations of one run were made
 * @task: the task whose allocations are recorded
 * @n: allocations recorded
 * @kind: 'k' for kmalloc(), 'c' for kmem_cache_alloc(), 'p' for the page
 *	allocator
 * @nr: frames kept of each
 * @frame: its stack, innermost first
 *
 * When the number of points of an operation is not the table's, or not the
 * same in two runs, the test prints where the allocations of its counting
 * runs were made, as the kmem tracepoints saw them (those failnth.c leaves
 * out of the count included), to show what changed.
 */
struct fault_sites {
	struct task_struct *task;
	unsigned int n;
	char kind[FAULT_SITES];
	unsigned int nr[FAULT_SITES];
	unsigned long frame[FAULT_SITES][FAULT_SITE_FRAMES];
};

/* The run being recorded, if any. */
static struct fault_sites *fault_sites_now;

static void fault_site(char kind)
{
	struct fault_sites *s = READ_ONCE(fault_sites_now);

	if (!s || s->task != current || s->n >= FAULT_SITES)
		return;
	s->kind[s->n] = kind;
	s->nr[s->n] = stack_trace_save(s->frame[s->n], FAULT_SITE_FRAMES,
				       FAULT_SITE_SKIP);
	s->n++;
}

static void fault_site_kmalloc(void *data, unsigned long call_site,
			       const void *ptr, size_t bytes_req,
			       size_t bytes_alloc, gfp_t gfp, int node)
{
	fault_site('k');
}

static void fault_site_cache(void *data, unsigned long call_site,
			     const void *ptr, struct kmem_cache *s, gfp_t gfp,
			     int node)
{
	fault_site('c');
}

static void fault_site_page(void *data, struct page *page, unsigned int order,
			    gfp_t gfp, int migratetype)
{
	fault_site('p');
}

static void fault_sites_unregister(void *unused)
{
	unregister_trace_mm_page_alloc(fault_site_page, NULL);
	unregister_trace_kmem_cache_alloc(fault_site_cache, NULL);
	unregister_trace_kmalloc(fault_site_kmalloc, NULL);
	tracepoint_synchronize_unregister();
}

/* Watch every allocation while the test lasts. */
static void fault_sites_register(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, register_trace_kmalloc(fault_site_kmalloc, NULL),
			0);
	KUNIT_ASSERT_EQ(test,
			register_trace_kmem_cache_alloc(fault_site_cache, NULL),
			0);
	KUNIT_ASSERT_EQ(test,
			register_trace_mm_page_alloc(fault_site_page, NULL), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							fault_sites_unregister,
							NULL), 0);
}

static void fault_sites_start(struct fault_sites *s)
{
	s->task = current;
	s->n = 0;
	WRITE_ONCE(fault_sites_now, s);
}

static void fault_sites_stop(void)
{
	WRITE_ONCE(fault_sites_now, NULL);
}

static void fault_sites_print(struct kunit *test, const char *run,
			      const struct fault_sites *s)
{
	unsigned int i, j;
	char line[512];
	int len;

	kunit_info(test, "allocations of the %s count:\n", run);
	for (i = 0; i < s->n; i++) {
		len = scnprintf(line, sizeof(line), "%3u %c", i, s->kind[i]);
		for (j = 0; j < s->nr[i]; j++)
			len += scnprintf(line + len, sizeof(line) - len, " %ps",
					 (void *)s->frame[i][j]);
		kunit_info(test, "%s\n", line);
	}
}

/* ---------------------------------------------------------- enumeration */

/*
 * What must be back after every run: every dxgkpm counter, and the entries
 * DMA-API debugging keeps for live mappings (of any device).
 */
struct fault_snap {
	long stat[16];
	u32 dma_free;
};

static void fault_snap(struct fault_ctx *ctx, struct fault_snap *s)
{
	const char *name;
	unsigned int i;

	KUNIT_ASSERT_LE(ctx->test, dxgkpm_stats_count(), ARRAY_SIZE(s->stat));
	for (i = 0; i < dxgkpm_stats_count(); i++)
		s->stat[i] = dxgkpm_stats_read(i, &name);
	s->dma_free = READ_ONCE(*ctx->dma_free);
}

/* Every counter equals @want's, or say which does not. */
static void fault_expect_snap(struct fault_ctx *ctx,
			      const struct fault_snap *want, const char *when,
			      unsigned int nth)
{
	struct fault_snap now;
	const char *name;
	unsigned int i;

	fault_snap(ctx, &now);
	for (i = 0; i < dxgkpm_stats_count(); i++) {
		dxgkpm_stats_read(i, &name);
		KUNIT_EXPECT_EQ_MSG(ctx->test, now.stat[i], want->stat[i],
				    "%s point %u: dxgkpm_stats.%s", when, nth,
				    name);
	}
	KUNIT_EXPECT_EQ_MSG(ctx->test, now.dma_free, want->dma_free,
			    "%s point %u: free DMA-API debug entries", when,
			    nth);
}

/*
 * One run with the @nth allocation failing. Everything the operation's
 * allocations depend on is put in the same state first.
 */
static long fault_run_nth(struct fault_ctx *ctx, const struct fault_op *op,
			  unsigned int nth, unsigned int *left)
{
	struct fault_probe *probe;
	long ret;

	/* Lazily freed vmap areas go: each vmap() lands where the last did. */
	vm_unmap_aliases();
	if (op->settle)
		op->settle(ctx, op);
	/*
	 * The handle table allocates indices cyclically: whether a handle
	 * needs a new XArray node depends on every handle published before.
	 * The operation's handles go into the node of a probe instead.
	 */
	probe = fault_handles_align(ctx->test, FAULT_MAX_HANDLES);
	if (ctx->sites)
		fault_sites_start(ctx->sites);
	dxgkpm_failnth_start(nth);
	ret = op->run(ctx, op);
	*left = dxgkpm_failnth_stop();
	fault_sites_stop();
	fault_probe_drop(probe);
	return ret;
}

/*
 * The state of a case on @op: the adapters it needs, the kernel's fault
 * injection armed, what @op needs made.
 */
static struct fault_ctx *fault_setup(struct kunit *test,
				     const struct fault_op *op)
{
	struct fault_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->test = test;
	ctx->dma_free = dxgkpm_kt_debugfs_value(test, "dma-api",
						"num_free_entries");
	ctx->kt = dxgkpm_kt_setup(test, 0);
	if (op->prep == fault_prep_linked || op->run == fault_run_link)
		ctx->kt2 = dxgkpm_kt_setup(test, 1);
	/*
	 * Per-CPU caches (IOVAs, vmap areas, slabs) must be the same ones
	 * from run to run. The case's thread ends with the case: nothing
	 * to undo.
	 */
	KUNIT_ASSERT_EQ(test,
			set_cpus_allowed_ptr(current,
					     cpumask_of(raw_smp_processor_id())),
			0);
	dxgkpm_failnth_arm(test);
	if (op->prep)
		op->prep(ctx, op);
	return ctx;
}

/*
 * Passes if the operation succeeds without injection with exactly the
 * number of points the table gives, and every one of those points, made
 * to fail in turn, either makes the operation return the table's status
 * with every counter and DMA-API debug entry back, or (for failures it
 * gets over) lets it succeed with the same counters as a run without
 * injection and an intact result; with exactly the table's number of
 * failing points.
 *
 * Every run, counting or failing, is made from the same call site: KASAN
 * and kmemleak record the stack of each allocation, and a stack the stack
 * depot has not seen yet may cost it a page.
 */
static void dxgkpm_fault_each_point(struct kunit *test)
{
	const struct fault_op *op = test->param_value;
	unsigned int run, nth, points = 0, again = 0, failing = 0;
	unsigned int recovered = 0, left;
	struct fault_snap *before, *clean;
	struct fault_sites *first, *last;
	struct fault_ctx *ctx;
	bool counting;
	long ret;

	before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	clean = kunit_kzalloc(test, sizeof(*clean), GFP_KERNEL);
	first = kunit_kzalloc(test, sizeof(*first), GFP_KERNEL);
	last = kunit_kzalloc(test, sizeof(*last), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, clean);
	KUNIT_ASSERT_NOT_NULL(test, first);
	KUNIT_ASSERT_NOT_NULL(test, last);
	ctx = fault_setup(test, op);
	fault_snap(ctx, before);
	fault_sites_register(test);

	/*
	 * Runs: FAULT_WARMUP without injection, one that counts the points,
	 * one per point with that point failing, one that counts again.
	 */
	for (run = 0; run <= FAULT_WARMUP + points + 1; run++) {
		counting = run <= FAULT_WARMUP || run > FAULT_WARMUP + points;
		nth = counting ? DXGKPM_FAILNTH_COUNT : run - FAULT_WARMUP;
		ctx->sites = run == FAULT_WARMUP ? first :
			     run > FAULT_WARMUP + points ? last : NULL;
		ret = fault_run_nth(ctx, op, nth, &left);
		ctx->sites = NULL;
		if (counting) {
			KUNIT_ASSERT_EQ_MSG(test, ret, 0L,
					    "%s failed without injection",
					    op->name);
			if (run == FAULT_WARMUP) {
				points = DXGKPM_FAILNTH_COUNT - left;
				fault_snap(ctx, clean);
			} else if (run > FAULT_WARMUP) {
				again = DXGKPM_FAILNTH_COUNT - left;
			}
			op->undo(ctx, op);
			fault_expect_snap(ctx, before, "no failing",
					  0);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, left, 0U,
				    "%s: point %u of %u was not reached: the path changed",
				    op->name, nth, points);
		if (!ret) {
			recovered++;
			fault_expect_snap(ctx, clean, "recovered",
					  nth);
			if (op->check)
				op->check(ctx, op);
			op->undo(ctx, op);
		} else {
			failing++;
			KUNIT_EXPECT_EQ_MSG(test, ret, op->status,
					    "%s: failing point %u returned %#lx",
					    op->name, nth, ret);
		}
		fault_expect_snap(ctx, before, "failing", nth);
	}

	if (again != points || points != op->points)
		fault_sites_print(test, "first", first);
	if (again != points)
		fault_sites_print(test, "last", last);
	KUNIT_EXPECT_EQ_MSG(test, again, points,
			    "%s: the number of points changed over the run",
			    op->name);
	if (op->unprep)
		op->unprep(ctx, op);
	kunit_info(test, "fault points: %-32s %4u points, %4u fail the call, %4u recovered from\n",
		   op->name, points, failing, recovered);
	KUNIT_EXPECT_EQ_MSG(test, points, op->points,
			    "%s: allocations on the path", op->name);
	KUNIT_EXPECT_EQ_MSG(test, failing, op->failing,
			    "%s: points that fail the call", op->name);
}

/*
 * dxgkpm_handle_publish() fails when the XArray cannot get a node: its
 * GFP_NOWAIT attempt and the retry with GFP_KERNEL both fail, which one
 * failing allocation (fail-nth) never causes. So each handle an operation
 * publishes is made to need a new node in turn, and every allocation made
 * inside dxgkpm_handle_publish() fails. Passes if each such run makes the
 * operation return the table's status with every counter back, and the
 * operation publishes exactly the table's number of handles.
 */
static void dxgkpm_fault_handle_table(struct kunit *test)
{
	const struct fault_op *op = test->param_value;
	struct fault_probe *probe;
	struct fault_snap *before;
	struct fault_ctx *ctx;
	unsigned int k;
	long ret;

	before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	ctx = fault_setup(test, op);
	dxgkpm_failnth_under(test, "dxgkpm_handle_publish");

	for (k = 0; k < FAULT_MAX_HANDLES; k++) {
		vm_unmap_aliases();
		if (op->settle)
			op->settle(ctx, op);
		probe = fault_handles_align(test, k);
		fault_snap(ctx, before);
		dxgkpm_failnth_task(true);
		ret = op->run(ctx, op);
		dxgkpm_failnth_task(false);
		if (!ret) {
			op->undo(ctx, op);
			fault_probe_drop(probe);
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, ret, op->status,
				    "%s: handle %u not published: returned %#lx",
				    op->name, k, ret);
		fault_expect_snap(ctx, before, "handle", k);
		fault_probe_drop(probe);
	}
	if (op->unprep)
		op->unprep(ctx, op);
	kunit_info(test, "handles: %-32s %u\n", op->name, k);
	KUNIT_EXPECT_EQ_MSG(test, k, op->handles, "%s: handles published",
			    op->name);
}

/* ---------------------------------------------------------- busy ranges */

/*
 * A window scan claims a range with alloc_contig_range(), which fails with
 * -EBUSY, allocating nothing, when a page in the range's pageblock is in
 * use and cannot move. The test holds the first pageblock of a 4 MiB
 * block and frees the second. Passes if contiguous memory in a window of
 * both pageblocks comes from the free one, and in a window of the held one
 * alone fails with STATUS_INSUFFICIENT_RESOURCES, leaving nothing behind.
 */
static void dxgkpm_fault_busy_range(struct kunit *test)
{
	static const struct fault_op op = {
		.type = CONTIG_T, .cache = WB,
	};
	const unsigned long block = pageblock_nr_pages;
	struct fault_snap *before;
	struct fault_ctx *ctx;
	struct dxgkpm_pmo *pmo;
	struct page *held;
	unsigned long i;

	before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	ctx = fault_setup(test, &op);
	fault_snap(ctx, before);

	held = alloc_pages(GFP_KERNEL | __GFP_NOWARN, pageblock_order + 1);
	KUNIT_ASSERT_NOT_NULL(test, held);
	split_page(held, pageblock_order + 1);
	for (i = block; i < 2 * block; i++)
		__free_page(held + i);
	/* Back to the buddy allocator, where they make one free block again. */
	drain_all_pages(NULL);
	ctx->low = page_to_phys(held);

	ctx->low = page_to_phys(held);
	ctx->high = ctx->low + 2 * block * PAGE_SIZE - 1;
	KUNIT_EXPECT_EQ(test, fault_create(ctx, &op, false), STATUS_SUCCESS);
	if (ctx->pmo) {
		pmo = fault_pmo(ctx);
		for (i = 0; i < pmo->mem.npages; i++)
			KUNIT_EXPECT_EQ(test, page_to_pfn(pmo->mem.pages[i]),
					page_to_pfn(held) + block + i);
		fault_destroy(ctx);
	}
	fault_expect_snap(ctx, before, "free pageblock", 0);

	ctx->high = ctx->low + block * PAGE_SIZE - 1;
	KUNIT_EXPECT_EQ(test, fault_create(ctx, &op, false),
			STATUS_INSUFFICIENT_RESOURCES);
	KUNIT_EXPECT_NULL(test, ctx->pmo);
	fault_expect_snap(ctx, before, "busy pageblock", 0);

	for (i = 0; i < block; i++)
		__free_page(held + i);
}

static struct kunit_case dxgkpm_fault_cases[] = {
	KUNIT_CASE_PARAM(dxgkpm_fault_each_point, fault_gen_params),
	KUNIT_CASE_PARAM(dxgkpm_fault_handle_table, fault_gen_params),
	KUNIT_CASE(dxgkpm_fault_busy_range),
	{}
};

/*
 * Pooled pages would take allocations off the paths whose points are
 * counted, depending on what ran before: the cases run without pools
 * (dxgkpm_pool has the failure paths with pooled pages).
 */
static int fault_init(struct kunit *test)
{
	int ret = dxgkpm_kt_init(test);

	if (ret)
		return ret;
	dxgkpm_kt_pool_limit(test, 0);
	return 0;
}

static struct kunit_suite dxgkpm_fault_suite = {
	.name = "dxgkpm_fault",
	.init = fault_init,
	.suite_init = dxgkpm_kt_suite_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_fault_cases,
};

kunit_test_suite(dxgkpm_fault_suite);
