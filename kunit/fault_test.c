// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Every allocation-failure point, enumerated: each operation of the DXGK
 * interface (and the native calls that have no DXGK form) is run once with
 * fault injection counting its points, then once per point with that point
 * failing (dxgkpm/fault.h). Each failure must make the operation fail with
 * an error and leave nothing behind: every dxgkpm counter (objects, handles,
 * pages, pages with a changed cache attribute, pins, views, DMA mappings)
 * back where it was, with KASAN and kmemleak watching the rest. A failure
 * the operation recovers from by design (a high-order block falling back to
 * smaller ones, a window scan moving to the next range) must leave the
 * operation's result intact instead.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../dxgkpm/fault.h"
#include "helpers.h"

#define FAULT_SIZE		(4 * PAGE_SIZE)
/* More points than any operation has: the enumeration must end before. */
#define FAULT_MAX_POINTS	1024

/**
 * struct fault_ctx - one operation's state
 * @test: the test
 * @kt: adapter on edu device 0
 * @kt2: adapter on edu device 1 (linking only)
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
};

/**
 * struct fault_op - an operation under fault injection
 * @name: for the parameter and the report
 * @type: memory type of the object the operation creates or needs
 * @cache: its cache type
 * @prep: optional; what must exist before, made without injection
 * @run: the operation; 0 (or STATUS_SUCCESS) when it succeeds
 * @undo: undo a successful @run
 * @unprep: undo @prep
 */
struct fault_op {
	const char *name;
	DXGK_PHYSICAL_MEMORY_TYPE type;
	DXGK_MEMORY_CACHING_TYPE cache;
	void (*prep)(struct fault_ctx *ctx, const struct fault_op *op);
	long (*run)(struct fault_ctx *ctx, const struct fault_op *op);
	void (*undo)(struct fault_ctx *ctx, const struct fault_op *op);
	void (*unprep)(struct fault_ctx *ctx, const struct fault_op *op);
};

/* Bytes each operation works on: IO-space objects are one page of BAR0. */
static size_t fault_size(const struct fault_op *op)
{
	return op->type == DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE ? PAGE_SIZE :
								FAULT_SIZE;
}

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
		args.Mdl.HighAddress.QuadPart = -1;
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY:
		args.ContiguousMemory.HighestAcceptableAddress.QuadPart = -1;
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

static long fault_run_adl(struct fault_ctx *ctx, const struct fault_op *op)
{
	DXGKARGCB_ALLOCATE_ADL args = {
		.hAdapterMemoryObject = ctx->amo,
		.Size = fault_size(op),
	};
	NTSTATUS status;

	status = ctx->kt->iface.DxgkCbAllocateAdl(&args);
	ctx->adl = args.pAdl;
	return status;
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

/* User views need a process: give the test's kthread an mm. */
static void fault_prep_user(struct fault_ctx *ctx, const struct fault_op *op)
{
	KUNIT_ASSERT_NE(ctx->test, kunit_vm_mmap(ctx->test, NULL, 0, PAGE_SIZE,
						 PROT_READ | PROT_WRITE,
						 MAP_ANONYMOUS | MAP_PRIVATE,
						 0), 0UL);
	fault_prep_create(ctx, op);
}

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

static long fault_run_link(struct fault_ctx *ctx, const struct fault_op *op)
{
	struct dxgkpm_adapter *adapters[] = {
		ctx->kt->adapter, ctx->kt2->adapter,
	};

	return dxgkpm_link_adapters(adapters, ARRAY_SIZE(adapters));
}

static void fault_undo_link(struct fault_ctx *ctx, const struct fault_op *op)
{
	KUNIT_EXPECT_EQ(ctx->test, dxgkpm_unlink_adapter(ctx->kt->adapter), 0);
	KUNIT_EXPECT_EQ(ctx->test, dxgkpm_unlink_adapter(ctx->kt2->adapter), 0);
}

static long fault_run_contig24(struct fault_ctx *ctx, const struct fault_op *op)
{
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY args = {
		.NumberOfBytes = FAULT_SIZE,
		.CacheType = op->cache,
	};
	NTSTATUS status;

	args.HighestAcceptableAddress.QuadPart = -1;
	status = ctx->kt->iface.DxgkCbAllocateContiguousMemory(ctx->kt->h,
							       &args);
	ctx->mem = args.hMemoryHandle;
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
		.TotalBytes = FAULT_SIZE,
		.CacheType = op->cache,
	};
	NTSTATUS status;

	args.HighAddress.QuadPart = -1;
	status = ctx->kt->iface.DxgkCbAllocatePagesForMdl(ctx->kt->h, &args);
	ctx->mem = args.hMemoryHandle;
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

#define MDL_T	DXGK_PHYSICAL_MEMORY_TYPE_MDL
#define CONTIG_T DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY
#define SECTION_T DXGK_PHYSICAL_MEMORY_TYPE_SECTION
#define IO_T	DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE
#define UC	DXGK_MEMORY_CACHING_TYPE_NON_CACHED
#define WB	DXGK_MEMORY_CACHING_TYPE_CACHED
#define WC	DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED

static const struct fault_op fault_ops[] = {
	{ "register-adapter", MDL_T, WB, fault_prep_device, fault_run_register,
	  fault_undo_register },
	{ "create-open-mdl-cached", MDL_T, WB, NULL, fault_run_create_open,
	  fault_undo_destroy },
	{ "create-open-mdl-wc", MDL_T, WC, NULL, fault_run_create_open,
	  fault_undo_destroy },
	{ "create-open-mdl-uc", MDL_T, UC, NULL, fault_run_create_open,
	  fault_undo_destroy },
	{ "create-mdl-wc", MDL_T, WC, NULL, fault_run_create,
	  fault_undo_destroy },
	{ "create-open-contiguous-wc", CONTIG_T, WC, NULL,
	  fault_run_create_open, fault_undo_destroy },
	{ "create-open-section-wc", SECTION_T, WC, NULL, fault_run_create_open,
	  fault_undo_destroy },
	{ "create-open-io-space", IO_T, UC, NULL, fault_run_create_open,
	  fault_undo_destroy },
	{ "open-mdl-uc", MDL_T, UC, fault_prep_create, fault_run_open,
	  fault_undo_close, fault_undo_destroy },
	{ "open-section", SECTION_T, WB, fault_prep_create, fault_run_open,
	  fault_undo_close, fault_undo_destroy },
	{ "allocate-adl-mdl", MDL_T, WC, fault_prep_create_open, fault_run_adl,
	  fault_undo_adl, fault_undo_destroy },
	{ "allocate-adl-section", SECTION_T, WC, fault_prep_create_open,
	  fault_run_adl, fault_undo_adl, fault_undo_destroy },
	{ "allocate-adl-io-space", IO_T, UC, fault_prep_create_open,
	  fault_run_adl, fault_undo_adl, fault_undo_destroy },
	{ "map-kernel-mdl-wc", MDL_T, WC, fault_prep_create,
	  fault_run_map_kernel, fault_undo_unmap, fault_undo_destroy },
	{ "map-kernel-section", SECTION_T, WB, fault_prep_create,
	  fault_run_map_kernel, fault_undo_unmap, fault_undo_destroy },
	{ "map-kernel-io-space", IO_T, UC, fault_prep_create_open,
	  fault_run_map_kernel, fault_undo_unmap, fault_undo_destroy },
	{ "map-user-mdl-wc", MDL_T, WC, fault_prep_user, fault_run_map_user,
	  fault_undo_unmap, fault_undo_destroy },
	{ "map-user-section", SECTION_T, WC, fault_prep_user,
	  fault_run_map_user, fault_undo_unmap, fault_undo_destroy },
	{ "allocate-contiguous-memory", CONTIG_T, WC, NULL, fault_run_contig24,
	  fault_undo_contig24 },
	{ "allocate-pages-for-mdl", MDL_T, UC, NULL, fault_run_pages24,
	  fault_undo_pages24 },
	{ "map-mdl-to-iommu", MDL_T, WB, fault_prep_mdl, fault_run_mdl24,
	  fault_undo_mdl24, fault_unprep_mdl },
	{ "link-adapters", MDL_T, WB, NULL, fault_run_link, fault_undo_link },
};

static void fault_op_desc(const struct fault_op *op, char *desc)
{
	strscpy(desc, op->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fault, fault_ops, fault_op_desc);

/* Points whose failure the operation gets over by design. */
static bool fault_recoverable(const char *site)
{
	return !strcmp(site, "dxgkpm_buddy_block") ||
	       !strcmp(site, "dxgkpm_claim_range");
}

/* Every counter equals @saved, or say which does not. */
static void fault_expect_counters(struct kunit *test, const long *saved,
				  unsigned int nth, const char *site)
{
	const char *name;
	unsigned int i;
	long now;

	for (i = 0; i < dxgkpm_stats_count(); i++) {
		now = dxgkpm_stats_read(i, &name);
		KUNIT_EXPECT_EQ_MSG(test, now, saved[i],
				    "failing point %u (%s) changed %s", nth,
				    site ? site : "none", name);
	}
}

/*
 * Passes if the operation succeeds without injection, and every one of its
 * points, made to fail in turn, either fails the operation leaving every
 * counter as it was, or (for a point the operation recovers from) lets it
 * succeed normally.
 */
static void dxgkpm_fault_each_point(struct kunit *test)
{
	const struct fault_op *op = test->param_value;
	unsigned int nth, points = 0, failing = 0, recovered = 0, seen;
	struct fault_ctx *ctx;
	const char *site;
	bool fired;
	long *saved;
	long ret;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	saved = kunit_kcalloc(test, dxgkpm_stats_count(), sizeof(*saved),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_NOT_NULL(test, saved);
	ctx->test = test;
	ctx->kt = dxgkpm_kt_setup(test, 0);
	if (op->run == fault_run_link)
		ctx->kt2 = dxgkpm_kt_setup(test, 1);
	if (op->prep)
		op->prep(ctx, op);
	for (nth = 0; nth < dxgkpm_stats_count(); nth++)
		saved[nth] = dxgkpm_stats_read(nth, &site);

	for (nth = 1; nth <= FAULT_MAX_POINTS; nth++) {
		dxgkpm_fault_arm(nth);
		ret = op->run(ctx, op);
		seen = dxgkpm_fault_disarm(&fired, &site);
		if (!fired) {
			points = seen;
			KUNIT_EXPECT_EQ_MSG(test, ret, 0L,
					    "%s failed without injection",
					    op->name);
			if (!ret)
				op->undo(ctx, op);
			fault_expect_counters(test, saved, 0, NULL);
			break;
		}
		if (!ret) {
			KUNIT_EXPECT_TRUE_MSG(test, fault_recoverable(site),
					      "%s succeeded although point %u (%s) failed",
					      op->name, nth, site);
			recovered++;
			op->undo(ctx, op);
		} else {
			failing++;
		}
		fault_expect_counters(test, saved, nth, site);
	}
	KUNIT_EXPECT_LE_MSG(test, nth, FAULT_MAX_POINTS,
			    "%s: the enumeration did not end", op->name);
	KUNIT_EXPECT_GT_MSG(test, points, 0U, "%s has no injection point",
			    op->name);
	if (op->unprep)
		op->unprep(ctx, op);
	kunit_info(test, "%s: %u points, %u fail the call cleanly, %u recovered from\n",
		   op->name, points, failing, recovered);
}

/* Runs last: dxgkpm holds nothing. */
static void dxgkpm_fault_idle_after(struct kunit *test)
{
	dxgkpm_kt_expect_idle(test);
}

static struct kunit_case dxgkpm_fault_cases[] = {
	KUNIT_CASE_PARAM(dxgkpm_fault_each_point, fault_gen_params),
	KUNIT_CASE(dxgkpm_fault_idle_after),
	{}
};

static struct kunit_suite dxgkpm_fault_suite = {
	.name = "dxgkpm_fault",
	.init = dxgkpm_kt_init,
	.suite_init = dxgkpm_kt_suite_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_fault_cases,
};

kunit_test_suite(dxgkpm_fault_suite);
