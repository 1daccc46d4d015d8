// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dxgkpm_bench: how long dxgkpm's native API takes, next to the raw kernel
 * primitives a driver would call for the same job (the "anchors"), measured
 * in the same run on the same device.
 *
 * The module binds QEMU's edu device (PCI 1234:11e8) with a 28-bit DMA mask
 * like the sample driver, registers it with dxgkpm and, from module_init,
 * times a few sequences of operations for every size and cache type asked
 * for. Each iteration of a sequence runs once through dxgkpm and once through
 * the anchor, in alternating order, so that both see the same machine state;
 * every timed step keeps its ktime_get_ns() samples, and the mean, median and
 * minimum of each are reported. Absolute times depend on the machine (under
 * QEMU's TCG they mean nothing); the ratio of the two, taken in one run, is
 * the result.
 *
 * The sequences (the seqs parameter selects some), each on an MDL object:
 *
 *   view      create without an adapter, map a kernel view, unmap, destroy
 *   adl       create for the adapter, an ADL as a page array, free it, a
 *             PREFER_CONTIGUOUS ADL, destroy
 *   open      open an existing object for the adapter, close it
 *   cycle     create, open, ADL, free, destroy, timed as one
 *   coherent  (cached) create for the adapter and map, against
 *             dma_alloc_coherent(); unmap and destroy, against its free
 *   window    (cached) create above the device's reach (256 MiB and up,
 *             what the sample driver asks for) and destroy
 *
 * The anchors do what TTM's pool and the dma-buf system heap do:
 *
 *   pages     alloc_pages() highest order first (orders above 0 without
 *             direct reclaim, no retry, never climbing back up), split_page(),
 *             zeroed, then one set_pages_array_wc()/_uc() call per object;
 *             freed with set_pages_array_wb() and __free_page()
 *   device    sg_alloc_table_from_pages_segment() + dma_map_sgtable() of the
 *             whole object (DMA_ATTR_SKIP_CPU_SYNC for wc/uc, as dxgkpm);
 *             dma_unmap_sgtable() + sg_free_table()
 *   ADL       the device page numbers of the mapped table
 *             (for_each_sgtable_dma_page()) into a kvmalloc'ed array, or
 *             only the first one when the DMA segments are consecutive
 *   view      vmap() with the cache type's pgprot; vunmap()
 *   coherent  dma_alloc_coherent() / dma_free_coherent()
 *   window    alloc_contig_range() over pageblocks of System RAM above the
 *             window's low address, the primitive dxgkpm falls back to
 *
 * Records, one per line in the kernel log, after the "dxgkpm_bench: " prefix
 * (scripts/bench.sh parses them; every field is key=value):
 *
 *   BENCH begin version=1 kernel=<release> iommu=<translated|none>
 *         dma_mask=<hex> sizes=<bytes,...> budget_ms=<n> seqs=<names|all>
 *   BENCH step size=<bytes> cache=<cached|wc|uc>
 *   BENCH row op=<name> size=<bytes> cache=<cache> n=<iterations>
 *         dxgkpm_mean=<ns> dxgkpm_median=<ns> dxgkpm_min=<ns>
 *         anchor_mean=<ns> anchor_median=<ns> anchor_min=<ns>
 *   BENCH error seq=<name> size=<bytes> cache=<cache> impl=<dxgkpm|anchor>
 *         op=<failed call> err=<-errno>
 *   BENCH end status=<ok|error> rows=<count> ms=<wall time>
 *
 * (begin, row and error records are one line each.) The first error ends
 * the run. The module loads all the same and shows the outcome in its
 * read-only parameter "result" (0 or the error): busybox's insmod loads a
 * module a second time when its init fails, which would run it all again.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/ioport.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/memory_hotplug.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/pageblock-flags.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#include <asm/set_memory.h>

#include <dxgkpm/dxgkpm.h>

#define BENCH_EDU_VENDOR	0x1234
#define BENCH_EDU_DEVICE	0x11e8
/* The edu device's DMA reach, as in the sample driver. */
#define BENCH_DMA_BITS		28
/* Low end of the "window" objects: just above the device's reach. */
#define BENCH_WINDOW_LOW	BIT_ULL(BENCH_DMA_BITS)

/*
 * Highest buddy order (inclusive), which is what TTM climbs down from.
 * MAX_PAGE_ORDER replaced the exclusive MAX_ORDER in 6.8.
 */
#ifdef MAX_PAGE_ORDER
#define BENCH_MAX_ORDER		MAX_PAGE_ORDER
#else
#define BENCH_MAX_ORDER		(MAX_ORDER - 1)
#endif

/* Iterations run before any is kept, per measurement. */
#define BENCH_WARMUP		2
/* Iterations kept even when the time budget is exhausted. */
#define BENCH_MIN_ITERS		5
#define BENCH_MAX_SIZES		8
#define BENCH_MAX_ROWS		5

static unsigned int sizes_kib[BENCH_MAX_SIZES] = { 4, 64, 1024, 4096 };
static unsigned int nr_sizes = 4;
module_param_array(sizes_kib, uint, &nr_sizes, 0444);
MODULE_PARM_DESC(sizes_kib, "Object sizes in KiB (default: 4,64,1024,4096)");

static unsigned int iters;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "Iterations per measurement (default 0: 256 MiB worth, 64 to 256)");

static unsigned int budget_ms = 2000;
module_param(budget_ms, uint, 0444);
MODULE_PARM_DESC(budget_ms, "Time after which a measurement stops early, in ms (default 2000)");

static bool window = true;
module_param(window, bool, 0444);
MODULE_PARM_DESC(window, "Also time objects above the device's reach (default: true)");

static int result = -EINPROGRESS;
module_param(result, int, 0444);
MODULE_PARM_DESC(result, "Outcome of the run, read-only: 0, or the error that ended it");

static char *seqs;
module_param(seqs, charp, 0444);
MODULE_PARM_DESC(seqs, "Sequences to run, comma-separated: view,adl,open,cycle,coherent,window (default: all)");

enum bench_impl {
	BENCH_DXGKPM,
	BENCH_ANCHOR,
	BENCH_NR_IMPL,
};

static const char * const bench_impl_names[BENCH_NR_IMPL] = {
	[BENCH_DXGKPM] = "dxgkpm",
	[BENCH_ANCHOR] = "anchor",
};

/* The bound edu device and its adapter; set by probe. */
static struct pci_dev *bench_pdev;
static struct dxgkpm_adapter *bench_adapter;
static unsigned int bench_rows;

/**
 * struct bench_run - one iteration of one sequence
 * @size: object size in bytes
 * @npages: object size in pages
 * @caching: cache type
 * @ns: out: nanoseconds of each timed step, one per row of the sequence
 * @failed: out: the call that failed, if one did
 */
struct bench_run {
	size_t size;
	pgoff_t npages;
	enum dxgkpm_caching caching;
	u64 ns[BENCH_MAX_ROWS];
	const char *failed;
};

/**
 * struct bench_seq - a sequence of timed steps, done both ways
 * @run: the dxgkpm and the anchor implementation of the sequence
 * @name: name of the sequence, for error records
 * @rows: operation name of each timed step, NULL-terminated
 * @cached_only: run for the cached type only
 * @window: objects above the device's reach (skipped by default when the
 *	window module parameter is off)
 */
struct bench_seq {
	int (*run[BENCH_NR_IMPL])(struct bench_run *r);
	const char *name;
	const char *rows[BENCH_MAX_ROWS + 1];
	bool cached_only;
	bool window;
};

/**
 * struct bench_bo - an object made of raw primitives, for the anchors
 * @pages: its pages
 * @npages: number of pages
 * @done: pages filled so far, while it is being allocated
 * @caching: cache type of the linear map
 * @sgt: table of @pages, mapped for the device while @mapped
 * @mapped: whether @sgt is mapped
 */
struct bench_bo {
	struct page **pages;
	pgoff_t npages;
	pgoff_t done;
	enum dxgkpm_caching caching;
	struct sg_table sgt;
	bool mapped;
};

static const char *bench_caching_name(enum dxgkpm_caching caching)
{
	switch (caching) {
	case DXGKPM_CACHING_UNCACHED:
		return "uc";
	case DXGKPM_CACHING_WC:
		return "wc";
	default:
		return "cached";
	}
}

static struct device *bench_dev(void)
{
	return &bench_pdev->dev;
}

static u64 bench_since(u64 start)
{
	return ktime_get_ns() - start;
}

/* Note the first failure of an iteration; returns @err. */
static int bench_failed(struct bench_run *r, const char *call, int err)
{
	if (!r->failed)
		r->failed = call;
	return err;
}

static pgprot_t bench_pgprot(enum dxgkpm_caching caching)
{
	switch (caching) {
	case DXGKPM_CACHING_UNCACHED:
		return pgprot_noncached(PAGE_KERNEL);
	case DXGKPM_CACHING_WC:
		return pgprot_writecombine(PAGE_KERNEL);
	default:
		return PAGE_KERNEL;
	}
}

static unsigned long bench_dma_attrs(enum dxgkpm_caching caching)
{
	return caching == DXGKPM_CACHING_CACHED ? 0 : DMA_ATTR_SKIP_CPU_SYNC;
}

/* ---- the anchors ------------------------------------------------------ */

/* GFP flags of one block, as TTM and the system heap choose them. */
static gfp_t bench_gfp(unsigned int order)
{
	gfp_t gfp = GFP_USER | __GFP_ZERO | __GFP_NOWARN;

	if (!order)
		return gfp | __GFP_RETRY_MAYFAIL;
	gfp |= __GFP_NORETRY | __GFP_NOMEMALLOC;
	return gfp & ~__GFP_DIRECT_RECLAIM;
}

static void bench_bo_put_pages(struct bench_bo *bo)
{
	pgoff_t i;

	for (i = 0; i < bo->done; i++)
		__free_page(bo->pages[i]);
	kvfree(bo->pages);
	bo->pages = NULL;
}

/* Give the linear map its cache type, in one call for the whole object. */
static int bench_bo_set_caching(struct bench_bo *bo)
{
	int ret;

	switch (bo->caching) {
	case DXGKPM_CACHING_WC:
		ret = set_pages_array_wc(bo->pages, bo->npages);
		break;
	case DXGKPM_CACHING_UNCACHED:
		ret = set_pages_array_uc(bo->pages, bo->npages);
		break;
	default:
		return 0;
	}
	if (ret)
		set_pages_array_wb(bo->pages, bo->npages);
	return ret;
}

/**
 * bench_bo_alloc() - the pages anchor: get zeroed pages with a cache type
 * @bo: object to fill
 * @npages: number of pages
 * @caching: cache type
 *
 * Return: 0 or -ENOMEM, or the error of the attribute change.
 */
static int bench_bo_alloc(struct bench_bo *bo, pgoff_t npages,
			  enum dxgkpm_caching caching)
{
	unsigned int order = min_t(unsigned int, BENCH_MAX_ORDER,
				   ilog2(npages));
	struct page *page;
	unsigned long i;
	int ret;

	memset(bo, 0, sizeof(*bo));
	bo->npages = npages;
	bo->caching = caching;
	bo->pages = kvmalloc_array(npages, sizeof(*bo->pages), GFP_KERNEL);
	if (!bo->pages)
		return -ENOMEM;
	while (bo->done < npages) {
		order = min_t(unsigned int, order, ilog2(npages - bo->done));
		page = alloc_pages(bench_gfp(order), order);
		if (!page) {
			if (!order) {
				ret = -ENOMEM;
				goto err_put_pages;
			}
			order--;
			continue;
		}
		if (order)
			split_page(page, order);
		for (i = 0; i < 1UL << order; i++)
			bo->pages[bo->done++] = page + i;
	}
	ret = bench_bo_set_caching(bo);
	if (ret)
		goto err_put_pages;
	return 0;

err_put_pages:
	bench_bo_put_pages(bo);
	return ret;
}

/* Make the pages write-back again and free them; leak them if that fails. */
static void bench_bo_free(struct bench_bo *bo)
{
	if (bo->caching != DXGKPM_CACHING_CACHED &&
	    set_pages_array_wb(bo->pages, bo->npages)) {
		pr_err("cannot make %lu pages write-back again; leaking them\n",
		       bo->npages);
		kvfree(bo->pages);
		bo->pages = NULL;
		return;
	}
	bench_bo_put_pages(bo);
}

/* The device anchor: one table and one mapping for the whole object. */
static int bench_bo_map(struct bench_bo *bo)
{
	unsigned int max_seg;
	int ret;

	max_seg = min_t(unsigned int, dma_get_max_seg_size(bench_dev()),
			SZ_1G);
	max_seg = max_t(unsigned int, max_seg & PAGE_MASK, PAGE_SIZE);
	ret = sg_alloc_table_from_pages_segment(&bo->sgt, bo->pages,
						bo->npages, 0,
						(u64)bo->npages << PAGE_SHIFT,
						max_seg, GFP_KERNEL);
	if (ret)
		return ret;
	ret = dma_map_sgtable(bench_dev(), &bo->sgt, DMA_BIDIRECTIONAL,
			      bench_dma_attrs(bo->caching));
	if (ret)
		goto err_free_table;
	bo->mapped = true;
	return 0;

err_free_table:
	sg_free_table(&bo->sgt);
	return ret;
}

static void bench_bo_unmap(struct bench_bo *bo)
{
	dma_unmap_sgtable(bench_dev(), &bo->sgt, DMA_BIDIRECTIONAL,
			  bench_dma_attrs(bo->caching));
	sg_free_table(&bo->sgt);
	bo->mapped = false;
}

/* Pages, then the device mapping; what create with an adapter does. */
static int bench_bo_create_mapped(struct bench_bo *bo, pgoff_t npages,
				  enum dxgkpm_caching caching)
{
	int ret;

	ret = bench_bo_alloc(bo, npages, caching);
	if (ret)
		return ret;
	ret = bench_bo_map(bo);
	if (ret)
		goto err_free_bo;
	return 0;

err_free_bo:
	bench_bo_free(bo);
	return ret;
}

static void bench_bo_destroy(struct bench_bo *bo)
{
	if (bo->mapped)
		bench_bo_unmap(bo);
	bench_bo_free(bo);
}

/**
 * bench_bo_adl() - the ADL anchor: device page numbers of a mapped object
 * @bo: mapped object
 * @contiguous: describe the object by its first page if its DMA segments
 *	are consecutive
 * @base: out: the first page number
 * @pfns: out: one page number per page, or NULL when @base says it all;
 *	kvfree() it
 *
 * Return: 0 or -ENOMEM.
 */
static int bench_bo_adl(struct bench_bo *bo, bool contiguous, u64 *base,
			u64 **pfns)
{
	struct sg_dma_page_iter iter;
	struct scatterlist *sg;
	dma_addr_t next = 0;
	unsigned int i;
	pgoff_t n = 0;
	u64 *array;

	*base = sg_dma_address(bo->sgt.sgl) >> PAGE_SHIFT;
	*pfns = NULL;
	if (contiguous) {
		for_each_sgtable_dma_sg(&bo->sgt, sg, i) {
			if (i && sg_dma_address(sg) != next)
				break;
			next = sg_dma_address(sg) + sg_dma_len(sg);
		}
		if (i == bo->sgt.nents)
			return 0;
	}
	array = kvmalloc_array(bo->npages, sizeof(*array), GFP_KERNEL);
	if (!array)
		return -ENOMEM;
	for_each_sgtable_dma_page(&bo->sgt, &iter, 0)
		array[n++] = sg_page_iter_dma_address(&iter) >> PAGE_SHIFT;
	*pfns = array;
	return 0;
}

/* Claim [pfn, pfn + count) if it is online RAM of one zone. */
static bool bench_window_claim(struct bench_bo *bo, unsigned long pfn,
			       unsigned long count)
{
	struct page *first = pfn_to_online_page(pfn);
	struct page *last = pfn_to_online_page(pfn + count - 1);
	unsigned long i;

	if (!first || !last || page_zone(first) != page_zone(last))
		return false;
	if (alloc_contig_range(pfn, pfn + count, MIGRATE_MOVABLE,
			       GFP_KERNEL | __GFP_NOWARN))
		return false;
	for (i = 0; i < count; i++) {
		struct page *page = pfn_to_page(pfn + i);

		/* The allocator zeroes already when init_on_alloc is set. */
		if (!want_init_on_alloc(GFP_KERNEL))
			clear_highpage(page);
		bo->pages[bo->done++] = page;
	}
	return true;
}

/* walk_iomem_res_desc() callback: claim pageblocks of one RAM range. */
static int bench_window_scan(struct resource *res, void *arg)
{
	struct bench_bo *bo = arg;
	unsigned long pfn = PFN_UP(res->start);
	unsigned long end = PFN_DOWN(res->end + 1);
	unsigned long count;

	while (bo->done < bo->npages && pfn < end) {
		if (fatal_signal_pending(current))
			return 1;
		count = min_t(unsigned long, bo->npages - bo->done,
			      ALIGN(pfn + 1, pageblock_nr_pages) - pfn);
		if (pfn + count > end)
			break;
		if (bench_window_claim(bo, pfn, count)) {
			pfn += count;
			continue;
		}
		pfn = ALIGN(pfn + 1, pageblock_nr_pages);
		cond_resched();
	}
	return bo->done < bo->npages ? 0 : 1;
}

/**
 * bench_bo_alloc_window() - the window anchor: cached pages at or above @low
 * @bo: object to fill
 * @npages: number of pages
 * @low: lowest acceptable physical address
 *
 * Return: 0 or -ENOMEM.
 */
static int bench_bo_alloc_window(struct bench_bo *bo, pgoff_t npages,
				 phys_addr_t low)
{
	memset(bo, 0, sizeof(*bo));
	bo->npages = npages;
	bo->caching = DXGKPM_CACHING_CACHED;
	bo->pages = kvmalloc_array(npages, sizeof(*bo->pages), GFP_KERNEL);
	if (!bo->pages)
		return -ENOMEM;
	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, low,
			    PHYS_ADDR_MAX, bo, bench_window_scan);
	if (bo->done < npages) {
		bench_bo_put_pages(bo);
		return -ENOMEM;
	}
	return 0;
}

/* ---- the sequences ---------------------------------------------------- */

static void bench_desc(struct dxgkpm_pmo_desc *desc, const struct bench_run *r,
		       phys_addr_t low)
{
	memset(desc, 0, sizeof(*desc));
	desc->size = r->size;
	desc->type = DXGKPM_MEM_PAGES;
	desc->caching = r->caching;
	desc->pages.low = low;
	desc->pages.high = PHYS_ADDR_MAX;
	desc->pages.flags = DXGKPM_ALLOC_FULLY_REQUIRED;
}

/* "view": create without an adapter, map and unmap a view, destroy. */
static int bench_dxgkpm_view(struct bench_run *r)
{
	struct dxgkpm_pmo_desc desc;
	size_t offset = 0, size = r->size;
	struct dxgkpm_pmo *pmo;
	void *vaddr;
	u64 t;
	int ret;

	bench_desc(&desc, r, 0);
	t = ktime_get_ns();
	ret = dxgkpm_pmo_create(&desc, NULL, &pmo, NULL);
	r->ns[0] = bench_since(t);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_create", ret);

	t = ktime_get_ns();
	ret = dxgkpm_map_kernel(pmo, &offset, &size, &vaddr);
	r->ns[1] = bench_since(t);
	if (ret) {
		bench_failed(r, "dxgkpm_map_kernel", ret);
		goto err_destroy_pmo;
	}

	t = ktime_get_ns();
	ret = dxgkpm_unmap_kernel(pmo, vaddr, size);
	r->ns[2] = bench_since(t);
	if (ret) {
		bench_failed(r, "dxgkpm_unmap_kernel", ret);
		goto err_destroy_pmo;
	}

	t = ktime_get_ns();
	ret = dxgkpm_pmo_destroy(pmo, NULL);
	r->ns[3] = bench_since(t);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_destroy", ret);
	return 0;

err_destroy_pmo:
	dxgkpm_pmo_destroy(pmo, NULL);
	return ret;
}

static int bench_anchor_view(struct bench_run *r)
{
	struct bench_bo bo;
	void *vaddr;
	u64 t;
	int ret;

	t = ktime_get_ns();
	ret = bench_bo_alloc(&bo, r->npages, r->caching);
	r->ns[0] = bench_since(t);
	if (ret)
		return bench_failed(r, "alloc_pages", ret);

	t = ktime_get_ns();
	vaddr = vmap(bo.pages, bo.npages, VM_MAP, bench_pgprot(r->caching));
	r->ns[1] = bench_since(t);
	if (!vaddr) {
		ret = bench_failed(r, "vmap", -ENOMEM);
		goto err_free_bo;
	}

	t = ktime_get_ns();
	vunmap(vaddr);
	r->ns[2] = bench_since(t);

	t = ktime_get_ns();
	bench_bo_free(&bo);
	r->ns[3] = bench_since(t);
	return 0;

err_free_bo:
	bench_bo_free(&bo);
	return ret;
}

/* "adl": create for the adapter, ADLs (page array, then contiguous), destroy. */
static int bench_dxgkpm_adl(struct bench_run *r)
{
	size_t size = PAGE_ALIGN(r->size);
	struct dxgkpm_pmo_desc desc;
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_amo *amo;
	struct dxgkpm_adl *adl;
	u64 t;
	int ret;

	bench_desc(&desc, r, 0);
	t = ktime_get_ns();
	ret = dxgkpm_pmo_create(&desc, bench_adapter, &pmo, &amo);
	r->ns[0] = bench_since(t);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_create", ret);

	t = ktime_get_ns();
	ret = dxgkpm_adl_alloc(amo, 0, size, 0, &adl);
	r->ns[1] = bench_since(t);
	if (ret) {
		bench_failed(r, "dxgkpm_adl_alloc", ret);
		goto err_destroy_pmo;
	}

	t = ktime_get_ns();
	ret = dxgkpm_adl_free(amo, adl);
	r->ns[2] = bench_since(t);
	if (ret) {
		bench_failed(r, "dxgkpm_adl_free", ret);
		goto err_destroy_pmo;
	}

	t = ktime_get_ns();
	ret = dxgkpm_adl_alloc(amo, 0, size, DXGKPM_ADL_PREFER_CONTIGUOUS,
			       &adl);
	r->ns[3] = bench_since(t);
	if (ret) {
		bench_failed(r, "dxgkpm_adl_alloc", ret);
		goto err_destroy_pmo;
	}
	ret = dxgkpm_adl_free(amo, adl);
	if (ret) {
		bench_failed(r, "dxgkpm_adl_free", ret);
		goto err_destroy_pmo;
	}

	t = ktime_get_ns();
	ret = dxgkpm_pmo_destroy(pmo, amo);
	r->ns[4] = bench_since(t);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_destroy", ret);
	return 0;

err_destroy_pmo:
	dxgkpm_pmo_destroy(pmo, amo);
	return ret;
}

/* Every ADL maps its own range: the anchor maps per ADL too. */
static int bench_anchor_adl(struct bench_run *r)
{
	struct bench_bo bo;
	u64 t, base, *pfns;
	int ret;

	t = ktime_get_ns();
	ret = bench_bo_alloc(&bo, r->npages, r->caching);
	r->ns[0] = bench_since(t);
	if (ret)
		return bench_failed(r, "alloc_pages", ret);

	t = ktime_get_ns();
	ret = bench_bo_map(&bo);
	if (ret) {
		bench_failed(r, "dma_map_sgtable", ret);
		goto err_free_bo;
	}
	ret = bench_bo_adl(&bo, false, &base, &pfns);
	r->ns[1] = bench_since(t);
	if (ret) {
		bench_failed(r, "kvmalloc_array", ret);
		goto err_unmap_bo;
	}

	t = ktime_get_ns();
	kvfree(pfns);
	bench_bo_unmap(&bo);
	r->ns[2] = bench_since(t);

	t = ktime_get_ns();
	ret = bench_bo_map(&bo);
	if (ret) {
		bench_failed(r, "dma_map_sgtable", ret);
		goto err_free_bo;
	}
	ret = bench_bo_adl(&bo, true, &base, &pfns);
	r->ns[3] = bench_since(t);
	if (ret) {
		bench_failed(r, "kvmalloc_array", ret);
		goto err_unmap_bo;
	}
	kvfree(pfns);
	bench_bo_unmap(&bo);

	t = ktime_get_ns();
	bench_bo_free(&bo);
	r->ns[4] = bench_since(t);
	return 0;

err_unmap_bo:
	bench_bo_unmap(&bo);
err_free_bo:
	bench_bo_free(&bo);
	return ret;
}

/*
 * "open": open an existing object for the adapter with an ADL of all of it
 * (the state in which the device reaches it), and back.
 */
static int bench_dxgkpm_open(struct bench_run *r)
{
	struct dxgkpm_pmo_desc desc;
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_amo *amo;
	struct dxgkpm_adl *adl;
	u64 t;
	int ret;

	bench_desc(&desc, r, 0);
	ret = dxgkpm_pmo_create(&desc, NULL, &pmo, NULL);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_create", ret);

	t = ktime_get_ns();
	ret = dxgkpm_pmo_open(pmo, bench_adapter, &amo);
	if (ret) {
		bench_failed(r, "dxgkpm_pmo_open", ret);
		goto out_destroy_pmo;
	}
	ret = dxgkpm_adl_alloc(amo, 0, PAGE_ALIGN(r->size),
			       DXGKPM_ADL_PREFER_CONTIGUOUS, &adl);
	r->ns[0] = bench_since(t);
	if (ret) {
		bench_failed(r, "dxgkpm_adl_alloc", ret);
		dxgkpm_amo_close(amo);
		goto out_destroy_pmo;
	}

	t = ktime_get_ns();
	ret = dxgkpm_adl_free(amo, adl);
	if (!ret)
		ret = dxgkpm_amo_close(amo);
	r->ns[1] = bench_since(t);
	if (ret)
		bench_failed(r, "dxgkpm_adl_free/dxgkpm_amo_close", ret);

out_destroy_pmo:
	if (dxgkpm_pmo_destroy(pmo, NULL) && !ret)
		ret = bench_failed(r, "dxgkpm_pmo_destroy", -EBUSY);
	return ret;
}

static int bench_anchor_open(struct bench_run *r)
{
	struct bench_bo bo;
	u64 t, base, *pfns;
	int ret;

	ret = bench_bo_alloc(&bo, r->npages, r->caching);
	if (ret)
		return bench_failed(r, "alloc_pages", ret);

	t = ktime_get_ns();
	ret = bench_bo_map(&bo);
	if (ret) {
		bench_failed(r, "dma_map_sgtable", ret);
		goto out_free_bo;
	}
	ret = bench_bo_adl(&bo, true, &base, &pfns);
	r->ns[0] = bench_since(t);
	if (ret) {
		bench_failed(r, "kvmalloc_array", ret);
		bench_bo_unmap(&bo);
		goto out_free_bo;
	}

	t = ktime_get_ns();
	kvfree(pfns);
	bench_bo_unmap(&bo);
	r->ns[1] = bench_since(t);

out_free_bo:
	bench_bo_free(&bo);
	return ret;
}

/* "cycle": create, open, a contiguous ADL, free it, destroy, as one. */
static int bench_dxgkpm_cycle(struct bench_run *r)
{
	struct dxgkpm_pmo_desc desc;
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_amo *amo;
	struct dxgkpm_adl *adl;
	u64 t;
	int ret;

	bench_desc(&desc, r, 0);
	t = ktime_get_ns();
	ret = dxgkpm_pmo_create(&desc, NULL, &pmo, NULL);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_create", ret);
	ret = dxgkpm_pmo_open(pmo, bench_adapter, &amo);
	if (ret) {
		bench_failed(r, "dxgkpm_pmo_open", ret);
		goto err_destroy_pmo;
	}
	ret = dxgkpm_adl_alloc(amo, 0, PAGE_ALIGN(r->size),
			       DXGKPM_ADL_PREFER_CONTIGUOUS, &adl);
	if (ret) {
		bench_failed(r, "dxgkpm_adl_alloc", ret);
		goto err_destroy_pmo;
	}
	ret = dxgkpm_adl_free(amo, adl);
	if (ret) {
		bench_failed(r, "dxgkpm_adl_free", ret);
		goto err_destroy_pmo;
	}
	ret = dxgkpm_pmo_destroy(pmo, amo);
	r->ns[0] = bench_since(t);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_destroy", ret);
	return 0;

err_destroy_pmo:
	dxgkpm_pmo_destroy(pmo, NULL);
	return ret;
}

static int bench_anchor_cycle(struct bench_run *r)
{
	struct bench_bo bo;
	u64 t, base, *pfns;
	int ret;

	t = ktime_get_ns();
	ret = bench_bo_create_mapped(&bo, r->npages, r->caching);
	if (ret)
		return bench_failed(r, "alloc_pages+dma_map_sgtable", ret);
	ret = bench_bo_adl(&bo, true, &base, &pfns);
	if (ret) {
		bench_failed(r, "kvmalloc_array", ret);
		goto out_destroy_bo;
	}
	kvfree(pfns);

out_destroy_bo:
	bench_bo_destroy(&bo);
	r->ns[0] = bench_since(t);
	return ret;
}

/* "coherent": memory the device and the CPU reach, and its release. */
static int bench_dxgkpm_coherent(struct bench_run *r)
{
	struct dxgkpm_pmo_desc desc;
	size_t offset = 0, size = r->size;
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_amo *amo;
	void *vaddr;
	u64 t;
	int ret;

	bench_desc(&desc, r, 0);
	t = ktime_get_ns();
	ret = dxgkpm_pmo_create(&desc, bench_adapter, &pmo, &amo);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_create", ret);
	ret = dxgkpm_map_kernel(pmo, &offset, &size, &vaddr);
	r->ns[0] = bench_since(t);
	if (ret) {
		bench_failed(r, "dxgkpm_map_kernel", ret);
		goto err_destroy_pmo;
	}

	t = ktime_get_ns();
	ret = dxgkpm_unmap_kernel(pmo, vaddr, size);
	if (ret) {
		bench_failed(r, "dxgkpm_unmap_kernel", ret);
		goto err_destroy_pmo;
	}
	ret = dxgkpm_pmo_destroy(pmo, amo);
	r->ns[1] = bench_since(t);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_destroy", ret);
	return 0;

err_destroy_pmo:
	dxgkpm_pmo_destroy(pmo, amo);
	return ret;
}

static int bench_anchor_coherent(struct bench_run *r)
{
	dma_addr_t dma;
	void *vaddr;
	u64 t;

	t = ktime_get_ns();
	vaddr = dma_alloc_coherent(bench_dev(), r->size, &dma, GFP_KERNEL);
	r->ns[0] = bench_since(t);
	if (!vaddr)
		return bench_failed(r, "dma_alloc_coherent", -ENOMEM);

	t = ktime_get_ns();
	dma_free_coherent(bench_dev(), r->size, vaddr, dma);
	r->ns[1] = bench_since(t);
	return 0;
}

/* "window": pages above the device's reach, as the sample driver asks. */
static int bench_dxgkpm_window(struct bench_run *r)
{
	struct dxgkpm_pmo_desc desc;
	struct dxgkpm_pmo *pmo;
	u64 t;
	int ret;

	bench_desc(&desc, r, BENCH_WINDOW_LOW);
	t = ktime_get_ns();
	ret = dxgkpm_pmo_create(&desc, NULL, &pmo, NULL);
	r->ns[0] = bench_since(t);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_create", ret);

	t = ktime_get_ns();
	ret = dxgkpm_pmo_destroy(pmo, NULL);
	r->ns[1] = bench_since(t);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_destroy", ret);
	return 0;
}

static int bench_anchor_window(struct bench_run *r)
{
	struct bench_bo bo;
	u64 t;
	int ret;

	t = ktime_get_ns();
	ret = bench_bo_alloc_window(&bo, r->npages, BENCH_WINDOW_LOW);
	r->ns[0] = bench_since(t);
	if (ret)
		return bench_failed(r, "alloc_contig_range", ret);

	t = ktime_get_ns();
	bench_bo_free(&bo);
	r->ns[1] = bench_since(t);
	return 0;
}

static const struct bench_seq bench_seqs[] = {
	{
		.name = "view",
		.rows = { "create", "map-kernel", "unmap-kernel", "destroy" },
		.run = { bench_dxgkpm_view, bench_anchor_view },
	}, {
		.name = "adl",
		.rows = { "create-open", "adl", "adl-free", "adl-contig",
			  "destroy-open" },
		.run = { bench_dxgkpm_adl, bench_anchor_adl },
	}, {
		.name = "open",
		.rows = { "open+adl", "free+close" },
		.run = { bench_dxgkpm_open, bench_anchor_open },
	}, {
		.name = "cycle",
		.rows = { "cycle" },
		.run = { bench_dxgkpm_cycle, bench_anchor_cycle },
	}, {
		.name = "coherent",
		.rows = { "coherent-alloc", "coherent-free" },
		.cached_only = true,
		.run = { bench_dxgkpm_coherent, bench_anchor_coherent },
	}, {
		.name = "window",
		.rows = { "create-window", "destroy-window" },
		.cached_only = true,
		.window = true,
		.run = { bench_dxgkpm_window, bench_anchor_window },
	},
};

/* ---- measuring and reporting ----------------------------------------- */

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/**
 * struct bench_stat - summary of the samples of one step
 * @mean: arithmetic mean, ns
 * @median: median, ns
 * @min: minimum, ns
 */
struct bench_stat {
	u64 mean;
	u64 median;
	u64 min;
};

/* Summarise @n samples; they are sorted in place. */
static void bench_stat(u64 *ns, unsigned int n, struct bench_stat *st)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		sum += ns[i];
	sort(ns, n, sizeof(*ns), bench_cmp_u64, NULL);
	st->mean = div_u64(sum, n);
	st->median = n & 1 ? ns[n / 2] : (ns[n / 2 - 1] + ns[n / 2]) / 2;
	st->min = ns[0];
}

static unsigned int bench_iters(size_t size)
{
	if (iters)
		return iters;
	return clamp_t(size_t, SZ_256M / size, 64, 256);
}

static unsigned int bench_nr_rows(const struct bench_seq *seq)
{
	unsigned int n = 0;

	while (n < BENCH_MAX_ROWS && seq->rows[n])
		n++;
	return n;
}

static void bench_report_error(const struct bench_seq *seq, size_t size,
			       enum dxgkpm_caching caching, const char *impl,
			       const char *op, int err)
{
	pr_info("BENCH error seq=%s size=%zu cache=%s impl=%s op=%s err=%d\n",
		seq->name, size, bench_caching_name(caching), impl, op, err);
}

/**
 * bench_measure() - time one sequence for one size and cache type
 * @seq: the sequence
 * @size: object size in bytes
 * @caching: cache type
 *
 * Iterations alternate which implementation goes first. The run stops after
 * bench_iters() iterations, or once @budget_ms has passed and at least
 * BENCH_MIN_ITERS were kept. One "BENCH row" record per step follows.
 *
 * Return: 0, or the error of the first failed call (reported).
 */
static int bench_measure(const struct bench_seq *seq, size_t size,
			 enum dxgkpm_caching caching)
{
	unsigned int nr_rows = bench_nr_rows(seq), max = bench_iters(size);
	struct bench_run r = {
		.size = size,
		.npages = PAGE_ALIGN(size) >> PAGE_SHIFT,
		.caching = caching,
	};
	u64 start, budget = (u64)budget_ms * NSEC_PER_MSEC;
	struct bench_stat st[BENCH_NR_IMPL];
	unsigned int i, k, row, n = 0;
	enum bench_impl impl;
	u64 *ns;
	int ret = 0;

	ns = kvcalloc(array3_size(nr_rows, BENCH_NR_IMPL, max), sizeof(*ns),
		      GFP_KERNEL);
	if (!ns) {
		bench_report_error(seq, size, caching, "none", "kvcalloc",
				   -ENOMEM);
		return -ENOMEM;
	}
	start = ktime_get_ns();
	for (i = 0; n < max; i++) {
		for (k = 0; k < BENCH_NR_IMPL; k++) {
			impl = k ^ (i & 1);
			r.failed = NULL;
			ret = seq->run[impl](&r);
			if (ret) {
				bench_report_error(seq, size, caching,
						   bench_impl_names[impl],
						   r.failed ?: "?", ret);
				goto out_free_ns;
			}
			if (i < BENCH_WARMUP)
				continue;
			for (row = 0; row < nr_rows; row++)
				ns[(row * BENCH_NR_IMPL + impl) * max + n] =
					r.ns[row];
		}
		if (i >= BENCH_WARMUP)
			n++;
		if (n >= BENCH_MIN_ITERS && bench_since(start) > budget)
			break;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			bench_report_error(seq, size, caching, "none",
					   "signal", ret);
			goto out_free_ns;
		}
		cond_resched();
	}

	for (row = 0; row < nr_rows; row++) {
		for (k = 0; k < BENCH_NR_IMPL; k++)
			bench_stat(ns + (row * BENCH_NR_IMPL + k) * max, n,
				   &st[k]);
		pr_info("BENCH row op=%s size=%zu cache=%s n=%u dxgkpm_mean=%llu dxgkpm_median=%llu dxgkpm_min=%llu anchor_mean=%llu anchor_median=%llu anchor_min=%llu\n",
			seq->rows[row], size, bench_caching_name(caching), n,
			st[BENCH_DXGKPM].mean, st[BENCH_DXGKPM].median,
			st[BENCH_DXGKPM].min, st[BENCH_ANCHOR].mean,
			st[BENCH_ANCHOR].median, st[BENCH_ANCHOR].min);
		bench_rows++;
	}

out_free_ns:
	kvfree(ns);
	return ret;
}

static const enum dxgkpm_caching bench_cachings[] = {
	DXGKPM_CACHING_CACHED,
	DXGKPM_CACHING_WC,
	DXGKPM_CACHING_UNCACHED,
};

static const char *bench_iommu_name(void)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(bench_dev());

	return domain && (domain->type & __IOMMU_DOMAIN_PAGING) ?
	       "translated" : "none";
}

/* Whether the seqs parameter selects @seq. */
static bool bench_selected(const struct bench_seq *seq)
{
	size_t len = strlen(seq->name);
	const char *p = seqs;

	if (!p || !*p)
		return !seq->window || window;
	while (p) {
		if (!strncmp(p, seq->name, len) && (!p[len] || p[len] == ','))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

/* Every measurement; the first error ends the run. */
static int bench_run_all(void)
{
	char sizes[BENCH_MAX_SIZES * 12] = "";
	unsigned int s, c, q;
	size_t size, len = 0;
	u64 start = ktime_get_ns();
	int ret = 0;

	for (s = 0; s < nr_sizes; s++) {
		if (!sizes_kib[s] || sizes_kib[s] > SZ_1M) {
			pr_info("BENCH error seq=none size=0 cache=none impl=none op=sizes_kib err=%d\n",
				-EINVAL);
			pr_info("BENCH end status=error rows=0 ms=0\n");
			return -EINVAL;
		}
		len += scnprintf(sizes + len, sizeof(sizes) - len, "%s%zu",
				 s ? "," : "", (size_t)sizes_kib[s] * SZ_1K);
	}
	pr_info("BENCH begin version=1 kernel=%s iommu=%s dma_mask=%#llx sizes=%s budget_ms=%u seqs=%s\n",
		init_utsname()->release, bench_iommu_name(),
		dma_get_mask(bench_dev()), sizes, budget_ms,
		seqs && *seqs ? seqs : "all");

	for (s = 0; s < nr_sizes && !ret; s++) {
		size = (size_t)sizes_kib[s] * SZ_1K;
		for (c = 0; c < ARRAY_SIZE(bench_cachings) && !ret; c++) {
			pr_info("BENCH step size=%zu cache=%s\n", size,
				bench_caching_name(bench_cachings[c]));
			for (q = 0; q < ARRAY_SIZE(bench_seqs) && !ret; q++) {
				if (bench_seqs[q].cached_only &&
				    bench_cachings[c] != DXGKPM_CACHING_CACHED)
					continue;
				if (!bench_selected(&bench_seqs[q]))
					continue;
				ret = bench_measure(&bench_seqs[q], size,
						    bench_cachings[c]);
			}
		}
	}
	pr_info("BENCH end status=%s rows=%u ms=%llu\n", ret ? "error" : "ok",
		bench_rows, div_u64(bench_since(start), NSEC_PER_MSEC));
	return ret;
}

/* ---- the device ------------------------------------------------------- */

static int bench_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct dxgkpm_adapter *adapter;
	int ret;

	/* One device is enough; leave the others alone. */
	if (bench_pdev)
		return -EBUSY;
	ret = dma_set_mask_and_coherent(&pdev->dev,
					DMA_BIT_MASK(BENCH_DMA_BITS));
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "cannot set the DMA mask\n");
	adapter = dxgkpm_register_adapter(&pdev->dev);
	if (IS_ERR(adapter))
		return dev_err_probe(&pdev->dev, PTR_ERR(adapter),
				     "cannot register with dxgkpm\n");
	bench_adapter = adapter;
	bench_pdev = pdev;
	return 0;
}

static void bench_remove(struct pci_dev *pdev)
{
	if (pdev != bench_pdev)
		return;
	dxgkpm_unregister_adapter(bench_adapter);
	bench_adapter = NULL;
	bench_pdev = NULL;
}

static const struct pci_device_id bench_ids[] = {
	{ PCI_DEVICE(BENCH_EDU_VENDOR, BENCH_EDU_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, bench_ids);

static struct pci_driver bench_driver = {
	.name = "dxgkpm_bench",
	.id_table = bench_ids,
	.probe = bench_probe,
	.remove = bench_remove,
};

static int __init bench_init(void)
{
	int ret;

	ret = pci_register_driver(&bench_driver);
	if (ret)
		return ret;
	if (!bench_adapter) {
		pr_info("BENCH error seq=none size=0 cache=none impl=dxgkpm op=probe err=%d\n",
			-ENODEV);
		pr_info("BENCH end status=error rows=0 ms=0\n");
		result = -ENODEV;
		return 0;
	}
	result = bench_run_all();
	return 0;
}
module_init(bench_init);

static void __exit bench_exit(void)
{
	pci_unregister_driver(&bench_driver);
}
module_exit(bench_exit);

MODULE_DESCRIPTION("Benchmark of dxgkpm against the kernel primitives it is built on");
MODULE_LICENSE("Dual MIT/GPL");
