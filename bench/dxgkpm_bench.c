// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dxgkpm_bench: how long dxgkpm takes, next to the real kernel code a GPU
 * driver would use for the same job (the "anchors"), measured in the same
 * run on the same device.
 *
 * The module binds QEMU's edu device (PCI 1234:11e8) with a 64-bit DMA mask
 * (scripts/bench.sh starts it with dma_mask= all ones, like a GPU's reach:
 * the sample driver's 28 bits leave no IOVA space for a 256 MiB ADL),
 * registers it with dxgkpm and makes a TTM page pool
 * for it (ttm_compat.h), then, from module_init, times each row below. Each
 * iteration runs once through dxgkpm and once through the anchor, in
 * alternating order, so that both see the same machine state; the mean,
 * median and minimum of each side's ktime_get_ns() samples are reported.
 * Absolute times depend on the machine (under QEMU's TCG they mean
 * nothing); the ratio of the two, taken in one run, is the result.
 *
 * The rows, for every size asked for (sizes_kib) and, where it says so,
 * every cache type:
 *
 *   cycle        dxgkpm_pmo_create (no adapter), dxgkpm_pmo_open,
 *                dxgkpm_adl_alloc(whole, PREFER_CONTIGUOUS), dxgkpm_adl_free,
 *                dxgkpm_amo_close, dxgkpm_pmo_destroy, as one
 *                | TTM's pool: ttm_sg_tt_init (pages and DMA address
 *                arrays), ttm_pool_alloc (pages with the cache type, zeroed,
 *                DMA-mapped for the device), ttm_pool_free, ttm_tt_fini.
 *                Warm: after the first iteration, TTM's pool holds the
 *                pages of the previous one.
 *   cycle-cold   the first iteration of "cycle" of each size and cache type,
 *                one sample each: TTM's pool has no page of that order and
 *                cache type yet (it never pools cached pages at all).
 *   coherent     (cached) dxgkpm_pmo_create for the adapter,
 *                dxgkpm_adl_alloc(whole, PREFER_CONTIGUOUS),
 *                dxgkpm_map_kernel, then dxgkpm_unmap_kernel,
 *                dxgkpm_adl_free, dxgkpm_pmo_destroy
 *                | dma_alloc_coherent + dma_free_coherent: both give the
 *                CPU a view and the device an address.
 *
 * and once (big_mib, lookup_live):
 *
 *   create-big   (cached, big_mib) dxgkpm_pmo_create without an adapter
 *                | clear_page() over as many bytes of pages allocated
 *                beforehand: the physical bound of handing out zeroed memory.
 *   adl-ranges   (cached, big_mib) the number of runs of consecutive device
 *                addresses in a PREFER_CONTIGUOUS ADL of a whole object
 *                | the same count over the DMA addresses of a TTM tt.
 *   lookup       DxgkCbMapPhysicalMemory with an invalid AccessMode on a
 *                live object (its handle is looked up, the object pinned and
 *                released, the call refused: nothing else), per call, with
 *                lookup_live live 4 KiB objects | the same with 10, in
 *                three rounds of 10, lookup_live, 10.
 *
 * Records, one per line in the kernel log, after the "dxgkpm_bench: " prefix
 * (scripts/bench.sh parses them; every field is key=value):
 *
 *   BENCH begin version=2 kernel=<release> iommu=<translated|none>
 *         dma_mask=<hex> ttm_nid=<node> sizes=<bytes,...> budget_ms=<n>
 *         big=<bytes> lookup_live=<n>
 *   BENCH step row=<name> size=<bytes> cache=<cached|wc|uc>
 *   BENCH row op=<name> size=<bytes> cache=<cache> anchor=<name>
 *         n=<samples> dxgkpm_mean=<ns> dxgkpm_median=<ns> dxgkpm_min=<ns>
 *         anchor_mean=<ns> anchor_median=<ns> anchor_min=<ns> [live=<n>]
 *   BENCH parts op=<name> size=<bytes> cache=<cache> impl=<dxgkpm|anchor>
 *         n=<samples> <step>=<median ns> ...
 *   BENCH order op=<name> size=<bytes> cache=<cache>
 *         after_self_n=<samples> after_self_dxgkpm=<median ns>
 *         after_self_anchor=<median ns> after_anchor_n=<samples>
 *         after_anchor_dxgkpm=<median ns> after_anchor_anchor=<median ns>
 *   BENCH count op=adl-ranges size=<bytes> cache=cached anchor=<name>
 *         dxgkpm=<n> anchor_count=<n>
 *   BENCH error row=<name> size=<bytes> cache=<cache> impl=<dxgkpm|anchor>
 *         op=<failed call> err=<-errno>
 *   BENCH end status=<ok|error> rows=<count> ms=<wall time>
 *
 * (each record is one line.) A "parts" record follows the "row" record of
 * a cycle: where the time of each side goes, step by step (the median of
 * each step on its own, so they need not add up to the row's median), and
 * an "order" record: the same medians over the iterations in which dxgkpm
 * ran right after its own previous run ("after_self": its first in the
 * iteration, the last of the one before) and over those in which two anchor
 * runs came between ("after_anchor"). Work dxgkpm leaves to another CPU
 * (the clearing of large freed blocks) is done by then in the second case,
 * not in the first, so the two can lie far apart, and the median of the
 * row between them. For lookup, live= says how many objects were
 * live; fewer than lookup_live means no more fitted. The first error ends
 * the run. The module loads all the same and shows the outcome in its
 * read-only parameter "result" (0 or the error): busybox's insmod loads a
 * module a second time when its init fails, which would run it all again.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/numa.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>

#include <dxgkpm/d3dkmddi.h>
#include <dxgkpm/dxgkpm.h>

#include "ttm_compat.h"

#define BENCH_EDU_VENDOR	0x1234
#define BENCH_EDU_DEVICE	0x11e8
/* The edu device's DMA reach (see the top of the file). */
#define BENCH_DMA_BITS		64

/* Iterations run before any is kept, per measurement (the first is cold). */
#define BENCH_WARMUP		2
/* Iterations kept even when the time budget is exhausted. */
#define BENCH_MIN_ITERS		5
#define BENCH_MAX_SIZES		8
/* Steps of an iteration timed on their own (struct bench_run::part). */
#define BENCH_MAX_PARTS		6
/* Live objects of the lookup row's reference. */
#define BENCH_LOOKUP_FEW	10
/* Rounds of few, many, few live objects of the lookup row. */
#define BENCH_LOOKUP_ROUNDS	3
/* Calls per lookup sample, each on another object. */
#define BENCH_LOOKUP_BATCH	1000
/* Memory the lookup row leaves to the rest of the machine. */
#define BENCH_LOOKUP_RESERVE	SZ_64M
/* An AccessMode no DXGK_ACCESS_MODE has: the call is refused. */
#define BENCH_ACCESS_INVALID	((DXGK_ACCESS_MODE)0x7f)

static unsigned int sizes_kib[BENCH_MAX_SIZES] = { 4, 64, 2048 };
static unsigned int nr_sizes = 3;
module_param_array(sizes_kib, uint, &nr_sizes, 0444);
MODULE_PARM_DESC(sizes_kib, "Object sizes in KiB of the cycle and coherent rows (default: 4,64,2048)");

static unsigned int iters;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "Iterations per measurement (default 0: 256 MiB worth, 16 to 256)");

static unsigned int budget_ms = 2000;
module_param(budget_ms, uint, 0444);
MODULE_PARM_DESC(budget_ms, "Time after which a measurement stops early, in ms (default 2000)");

static unsigned int big_mib = 256;
module_param(big_mib, uint, 0444);
MODULE_PARM_DESC(big_mib, "Size in MiB of the create-big and adl-ranges rows, 0 to skip them (default 256)");

static unsigned int lookup_live = 100000;
module_param(lookup_live, uint, 0444);
MODULE_PARM_DESC(lookup_live, "Live objects of the lookup row, 0 to skip it (default 100000)");

static int result = -EINPROGRESS;
module_param(result, int, 0444);
MODULE_PARM_DESC(result, "Outcome of the run, read-only: 0, or the error that ended it");

enum bench_impl {
	BENCH_DXGKPM,
	BENCH_ANCHOR,
	BENCH_NR_IMPL,
};

static const char * const bench_impl_names[BENCH_NR_IMPL] = {
	[BENCH_DXGKPM] = "dxgkpm",
	[BENCH_ANCHOR] = "anchor",
};

/* The bound edu device, its adapter and TTM pool; set by probe and init. */
static struct pci_dev *bench_pdev;
static struct dxgkpm_adapter *bench_adapter;
static struct bench_ttm bench_ttm;
static DXGKRNL_INTERFACE bench_dxgk;
static unsigned int bench_rows;

/**
 * struct bench_run - one iteration of one row
 * @size: object size in bytes
 * @npages: object size in pages
 * @caching: cache type
 * @arg: the row's state, shared by its iterations
 * @ns: out: nanoseconds of the timed part
 * @part: out: nanoseconds of each of its steps, for a row that names them
 * @failed: out: the call that failed, if one did
 */
struct bench_run {
	size_t size;
	pgoff_t npages;
	enum dxgkpm_caching caching;
	void *arg;
	u64 ns;
	u64 part[BENCH_MAX_PARTS];
	const char *failed;
};

/**
 * struct bench_row - a measurement, done both ways
 * @run: the dxgkpm and the anchor implementation of one iteration
 * @name: operation name of the row
 * @anchor: name of the anchor
 * @cold: also report the first iteration, as "<name>-cold"
 * @parts: names of the steps each implementation times on its own, in
 *	struct bench_run::part, NULL-terminated; none if NULL
 */
struct bench_row {
	int (*run[BENCH_NR_IMPL])(struct bench_run *r);
	const char *name;
	const char *anchor;
	bool cold;
	const char *const *parts[BENCH_NR_IMPL];
};

/* Time a step: the nanoseconds since *@t go to @part, *@t moves on. */
static void bench_lap(u64 *t, u64 *part)
{
	u64 now = ktime_get_ns();

	*part = now - *t;
	*t = now;
}

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

static void bench_report_error(const char *row, size_t size,
			       enum dxgkpm_caching caching, const char *impl,
			       const char *op, int err)
{
	pr_info("BENCH error row=%s size=%zu cache=%s impl=%s op=%s err=%d\n",
		row, size, bench_caching_name(caching), impl, op, err);
}

static void bench_desc(struct dxgkpm_pmo_desc *desc, size_t size,
		       enum dxgkpm_caching caching)
{
	memset(desc, 0, sizeof(*desc));
	desc->size = size;
	desc->type = DXGKPM_MEM_PAGES;
	desc->caching = caching;
	desc->pages.high = PHYS_ADDR_MAX;
	desc->pages.flags = DXGKPM_ALLOC_FULLY_REQUIRED;
}

/* Runs of consecutive addresses among @count page addresses. */
static unsigned int bench_dma_runs(dma_addr_t (*addr)(const void *, u32),
				   const void *obj, u32 count)
{
	unsigned int runs = 0;
	dma_addr_t next = 0;
	u32 i;

	for (i = 0; i < count; i++) {
		dma_addr_t a = addr(obj, i);

		if (!i || a != next)
			runs++;
		next = a + PAGE_SIZE;
	}
	return runs;
}

/* ---- TTM's pool ------------------------------------------------------- */

#if BENCH_HAVE_TTM

static enum ttm_caching bench_ttm_caching(enum dxgkpm_caching caching)
{
	switch (caching) {
	case DXGKPM_CACHING_UNCACHED:
		return ttm_uncached;
	case DXGKPM_CACHING_WC:
		return ttm_write_combined;
	default:
		return ttm_cached;
	}
}

/* A buffer object that has only a size: all ttm_sg_tt_init() reads. */
static struct ttm_buffer_object *bench_ttm_bo_alloc(size_t size)
{
	struct ttm_buffer_object *bo = kzalloc(sizeof(*bo), GFP_KERNEL);

	if (bo)
		bo->base.size = size;
	return bo;
}

static void bench_ttm_bo_free(struct ttm_buffer_object *bo)
{
	kfree(bo);
}

/*
 * The pages of one TTM buffer: zeroed (TTM_TT_FLAG_ZERO_ALLOC, as TTM asks
 * for user-visible buffers and dxgkpm always does), with @caching, and mapped
 * for the device, since @tt has DMA addresses and the pool a device.
 */
static int bench_ttm_populate(struct ttm_buffer_object *bo, struct ttm_tt *tt,
			      enum dxgkpm_caching caching, struct bench_run *r)
{
	struct ttm_operation_ctx ctx = { };
	int ret;

	ret = ttm_sg_tt_init(tt, bo, TTM_TT_FLAG_ZERO_ALLOC,
			     bench_ttm_caching(caching));
	if (ret)
		return bench_failed(r, "ttm_sg_tt_init", ret);
	ret = ttm_pool_alloc(bench_ttm.pool, tt, &ctx);
	if (ret) {
		ttm_tt_fini(tt);
		return bench_failed(r, "ttm_pool_alloc", ret);
	}
	return 0;
}

static void bench_ttm_unpopulate(struct ttm_tt *tt)
{
	ttm_pool_free(bench_ttm.pool, tt);
	ttm_tt_fini(tt);
}

static int bench_ttm_cycle(struct bench_run *r)
{
	struct ttm_tt tt = { };
	u64 t, lap;
	int ret;

	t = ktime_get_ns();
	lap = t;
	ret = bench_ttm_populate(r->arg, &tt, r->caching, r);
	if (ret)
		return ret;
	bench_lap(&lap, &r->part[0]);
	bench_ttm_unpopulate(&tt);
	bench_lap(&lap, &r->part[1]);
	r->ns = bench_since(t);
	return 0;
}

static dma_addr_t bench_ttm_addr(const void *obj, u32 i)
{
	const struct ttm_tt *tt = obj;

	return tt->dma_address[i];
}

/* Runs of consecutive device addresses of a TTM buffer of @size. */
static int bench_ttm_ranges(size_t size, unsigned int *runs,
			    struct bench_run *r)
{
	struct ttm_buffer_object *bo = bench_ttm_bo_alloc(size);
	struct ttm_tt tt = { };
	int ret;

	if (!bo)
		return bench_failed(r, "kzalloc", -ENOMEM);
	ret = bench_ttm_populate(bo, &tt, DXGKPM_CACHING_CACHED, r);
	if (ret)
		goto out_free_bo;
	*runs = bench_dma_runs(bench_ttm_addr, &tt, tt.num_pages);
	bench_ttm_unpopulate(&tt);
out_free_bo:
	bench_ttm_bo_free(bo);
	return ret;
}

#else /* !BENCH_HAVE_TTM */

struct ttm_buffer_object;

static struct ttm_buffer_object *bench_ttm_bo_alloc(size_t size)
{
	return NULL;
}

static void bench_ttm_bo_free(struct ttm_buffer_object *bo)
{
}

static int bench_ttm_cycle(struct bench_run *r)
{
	return bench_failed(r, "ttm", -EOPNOTSUPP);
}

static int bench_ttm_ranges(size_t size, unsigned int *runs,
			    struct bench_run *r)
{
	return bench_failed(r, "ttm", -EOPNOTSUPP);
}

#endif /* BENCH_HAVE_TTM */

/* ---- the rows --------------------------------------------------------- */

/* "cycle": what a driver does to get memory its device reaches, and back. */
static int bench_dxgkpm_cycle(struct bench_run *r)
{
	struct dxgkpm_pmo_desc desc;
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_amo *amo;
	struct dxgkpm_adl *adl;
	u64 t, lap;
	int ret;

	bench_desc(&desc, r->size, r->caching);
	t = ktime_get_ns();
	lap = t;
	ret = dxgkpm_pmo_create(&desc, NULL, &pmo, NULL);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_create", ret);
	bench_lap(&lap, &r->part[0]);
	ret = dxgkpm_pmo_open(pmo, bench_adapter, &amo);
	if (ret) {
		bench_failed(r, "dxgkpm_pmo_open", ret);
		goto err_destroy_pmo;
	}
	bench_lap(&lap, &r->part[1]);
	ret = dxgkpm_adl_alloc(amo, 0, PAGE_ALIGN(r->size),
			       DXGKPM_ADL_PREFER_CONTIGUOUS, &adl);
	if (ret) {
		bench_failed(r, "dxgkpm_adl_alloc", ret);
		goto err_close_amo;
	}
	bench_lap(&lap, &r->part[2]);
	ret = dxgkpm_adl_free(amo, adl);
	if (ret) {
		bench_failed(r, "dxgkpm_adl_free", ret);
		goto err_close_amo;
	}
	bench_lap(&lap, &r->part[3]);
	ret = dxgkpm_amo_close(amo);
	if (ret) {
		bench_failed(r, "dxgkpm_amo_close", ret);
		goto err_destroy_pmo;
	}
	bench_lap(&lap, &r->part[4]);
	ret = dxgkpm_pmo_destroy(pmo, NULL);
	bench_lap(&lap, &r->part[5]);
	r->ns = bench_since(t);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_destroy", ret);
	return 0;

err_close_amo:
	dxgkpm_amo_close(amo);
err_destroy_pmo:
	dxgkpm_pmo_destroy(pmo, NULL);
	return ret;
}

/* "coherent": memory the device and the CPU both reach, and its release. */
static int bench_dxgkpm_coherent(struct bench_run *r)
{
	size_t offset = 0, size = r->size;
	struct dxgkpm_pmo_desc desc;
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_amo *amo;
	struct dxgkpm_adl *adl;
	void *vaddr;
	u64 t;
	int ret;

	bench_desc(&desc, r->size, DXGKPM_CACHING_CACHED);
	t = ktime_get_ns();
	ret = dxgkpm_pmo_create(&desc, bench_adapter, &pmo, &amo);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_create", ret);
	ret = dxgkpm_adl_alloc(amo, 0, PAGE_ALIGN(r->size),
			       DXGKPM_ADL_PREFER_CONTIGUOUS, &adl);
	if (ret) {
		bench_failed(r, "dxgkpm_adl_alloc", ret);
		goto err_destroy_pmo;
	}
	ret = dxgkpm_map_kernel(pmo, &offset, &size, &vaddr);
	if (ret) {
		bench_failed(r, "dxgkpm_map_kernel", ret);
		goto err_free_adl;
	}
	ret = dxgkpm_unmap_kernel(pmo, vaddr, size);
	if (ret) {
		bench_failed(r, "dxgkpm_unmap_kernel", ret);
		goto err_free_adl;
	}
	ret = dxgkpm_adl_free(amo, adl);
	if (ret) {
		bench_failed(r, "dxgkpm_adl_free", ret);
		goto err_destroy_pmo;
	}
	ret = dxgkpm_pmo_destroy(pmo, amo);
	r->ns = bench_since(t);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_destroy", ret);
	return 0;

err_free_adl:
	dxgkpm_adl_free(amo, adl);
err_destroy_pmo:
	dxgkpm_pmo_destroy(pmo, amo);
	return ret;
}

static int bench_coherent(struct bench_run *r)
{
	dma_addr_t dma;
	void *vaddr;
	u64 t;

	t = ktime_get_ns();
	vaddr = dma_alloc_coherent(bench_dev(), r->size, &dma, GFP_KERNEL);
	if (!vaddr)
		return bench_failed(r, "dma_alloc_coherent", -ENOMEM);
	dma_free_coherent(bench_dev(), r->size, vaddr, dma);
	r->ns = bench_since(t);
	return 0;
}

/* "create-big": a large cached object, against clearing as many bytes. */
static int bench_dxgkpm_create(struct bench_run *r)
{
	struct dxgkpm_pmo_desc desc;
	struct dxgkpm_pmo *pmo;
	u64 t;
	int ret;

	bench_desc(&desc, r->size, DXGKPM_CACHING_CACHED);
	t = ktime_get_ns();
	ret = dxgkpm_pmo_create(&desc, NULL, &pmo, NULL);
	r->ns = bench_since(t);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_create", ret);
	ret = dxgkpm_pmo_destroy(pmo, NULL);
	if (ret)
		return bench_failed(r, "dxgkpm_pmo_destroy", ret);
	return 0;
}

/**
 * struct bench_clear - pages the clear anchor clears, allocated once
 * @pages: the pages
 * @count: how many
 */
struct bench_clear {
	struct page **pages;
	pgoff_t count;
};

static void bench_clear_free(struct bench_clear *c)
{
	pgoff_t i;

	for (i = 0; i < c->count; i++)
		__free_page(c->pages[i]);
	kvfree(c->pages);
}

static int bench_clear_alloc(struct bench_clear *c, pgoff_t npages)
{
	c->count = 0;
	c->pages = kvmalloc_array(npages, sizeof(*c->pages), GFP_KERNEL);
	if (!c->pages)
		return -ENOMEM;
	for (; c->count < npages; c->count++) {
		c->pages[c->count] = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!c->pages[c->count]) {
			bench_clear_free(c);
			return -ENOMEM;
		}
	}
	return 0;
}

/* The kernel's own way of zeroing a page it hands out (clear_highpage()). */
static int bench_clear(struct bench_run *r)
{
	struct bench_clear *c = r->arg;
	pgoff_t i;
	u64 t;

	t = ktime_get_ns();
	for (i = 0; i < c->count; i++)
		clear_page(page_address(c->pages[i]));
	r->ns = bench_since(t);
	return 0;
}

static const char *const bench_cycle_parts[] = {
	"create", "open", "adl", "adl_free", "close", "destroy", NULL,
};

static const char *const bench_ttm_cycle_parts[] = {
	"tt_init+pool_alloc", "pool_free+tt_fini", NULL,
};

static const struct bench_row bench_row_cycle = {
	.name = "cycle",
	.anchor = "ttm-pool",
	.cold = true,
	.run = { bench_dxgkpm_cycle, bench_ttm_cycle },
	.parts = { bench_cycle_parts, bench_ttm_cycle_parts },
};

static const struct bench_row bench_row_coherent = {
	.name = "coherent",
	.anchor = "dma-coherent",
	.run = { bench_dxgkpm_coherent, bench_coherent },
};

static const struct bench_row bench_row_create = {
	.name = "create-big",
	.anchor = "clear",
	.run = { bench_dxgkpm_create, bench_clear },
};

/* ---- measuring and reporting ----------------------------------------- */

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/**
 * struct bench_stat - summary of the samples of one side
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

static void bench_report_row(const char *name, const char *anchor,
			     size_t size, enum dxgkpm_caching caching,
			     u64 *ns[BENCH_NR_IMPL], unsigned int n,
			     unsigned int live)
{
	struct bench_stat st[BENCH_NR_IMPL];
	char extra[24] = "";
	unsigned int k;

	for (k = 0; k < BENCH_NR_IMPL; k++)
		bench_stat(ns[k], n, &st[k]);
	if (live)
		snprintf(extra, sizeof(extra), " live=%u", live);
	pr_info("BENCH row op=%s size=%zu cache=%s anchor=%s n=%u dxgkpm_mean=%llu dxgkpm_median=%llu dxgkpm_min=%llu anchor_mean=%llu anchor_median=%llu anchor_min=%llu%s\n",
		name, size, bench_caching_name(caching), anchor, n,
		st[BENCH_DXGKPM].mean, st[BENCH_DXGKPM].median,
		st[BENCH_DXGKPM].min, st[BENCH_ANCHOR].mean,
		st[BENCH_ANCHOR].median, st[BENCH_ANCHOR].min, extra);
	bench_rows++;
}

/*
 * The medians of each side over the iterations of each order (see "BENCH
 * order" above). Sample j comes from iteration j + BENCH_WARMUP, in which
 * dxgkpm ran first if bench_measure()'s @first says so for that iteration.
 * Must run before bench_report_row(), which sorts @ns.
 */
static void bench_report_order(const char *name, size_t size,
			       enum dxgkpm_caching caching,
			       u64 *ns[BENCH_NR_IMPL], unsigned int n,
			       unsigned int first)
{
	struct bench_stat st[2][BENCH_NR_IMPL] = { };
	unsigned int cnt[2] = { }, j, o, k;
	u64 *split;

	split = kvcalloc(array3_size(2, BENCH_NR_IMPL, n), sizeof(u64),
			 GFP_KERNEL);
	if (!split)
		return;
	for (j = 0; j < n; j++) {
		/* 0: dxgkpm went first, right after its own last run. */
		o = (j + BENCH_WARMUP + first) & 1;
		for (k = 0; k < BENCH_NR_IMPL; k++)
			split[(o * BENCH_NR_IMPL + k) * n + cnt[o]] = ns[k][j];
		cnt[o]++;
	}
	for (o = 0; o < 2; o++)
		for (k = 0; cnt[o] && k < BENCH_NR_IMPL; k++)
			bench_stat(split + (o * BENCH_NR_IMPL + k) * n, cnt[o],
				   &st[o][k]);
	pr_info("BENCH order op=%s size=%zu cache=%s after_self_n=%u after_self_dxgkpm=%llu after_self_anchor=%llu after_anchor_n=%u after_anchor_dxgkpm=%llu after_anchor_anchor=%llu\n",
		name, size, bench_caching_name(caching),
		cnt[0], st[0][BENCH_DXGKPM].median, st[0][BENCH_ANCHOR].median,
		cnt[1], st[1][BENCH_DXGKPM].median, st[1][BENCH_ANCHOR].median);
	kvfree(split);
}

/* The median of each step of each side, after the row they belong to. */
static void bench_report_parts(const struct bench_row *row, size_t size,
			       enum dxgkpm_caching caching, u64 *part_ns,
			       unsigned int max, unsigned int n)
{
	struct bench_stat st;
	char line[256];
	unsigned int k, p;
	size_t len;

	for (k = 0; k < BENCH_NR_IMPL; k++) {
		if (!row->parts[k])
			continue;
		len = scnprintf(line, sizeof(line), "op=%s size=%zu cache=%s impl=%s n=%u",
				row->name, size, bench_caching_name(caching),
				bench_impl_names[k], n);
		for (p = 0; p < BENCH_MAX_PARTS && row->parts[k][p]; p++) {
			bench_stat(part_ns + (k * BENCH_MAX_PARTS + p) * max, n,
				   &st);
			len += scnprintf(line + len, sizeof(line) - len,
					 " %s=%llu", row->parts[k][p],
					 st.median);
		}
		pr_info("BENCH parts %s\n", line);
	}
}

static unsigned int bench_iters(size_t size)
{
	if (iters)
		return iters;
	return clamp_t(size_t, SZ_256M / size, 16, 256);
}

/* Keep sample @n of each step of @impl, if the row times its steps. */
static void bench_keep_parts(u64 *part_ns, const struct bench_run *r,
			     enum bench_impl impl, unsigned int max,
			     unsigned int n)
{
	unsigned int p;

	if (!part_ns)
		return;
	for (p = 0; p < BENCH_MAX_PARTS; p++)
		part_ns[(impl * BENCH_MAX_PARTS + p) * max + n] = r->part[p];
}

/**
 * bench_measure() - time one row for one size and cache type
 * @row: the row
 * @size: object size in bytes
 * @caching: cache type
 * @arg: the row's state, handed to every iteration
 *
 * Iterations alternate which implementation goes first, starting with
 * dxgkpm and the anchor in turn from one measurement to the next: the very
 * first call of each also pays for what nothing has touched yet (IOMMU page
 * tables, the PAT memory-type tree), and that cost must not always fall on
 * the same side. The first iteration is reported on its own when @row asks
 * for its cold case; it and the rest of BENCH_WARMUP are not kept. The run
 * stops after bench_iters() kept iterations, or once @budget_ms has passed
 * and at least BENCH_MIN_ITERS were kept.
 *
 * Return: 0, or the error of the first failed call (reported).
 */
static int bench_measure(const struct bench_row *row, size_t size,
			 enum dxgkpm_caching caching, void *arg)
{
	unsigned int max = bench_iters(size), i, k, n = 0;
	struct bench_run r = {
		.size = size,
		.npages = PAGE_ALIGN(size) >> PAGE_SHIFT,
		.caching = caching,
		.arg = arg,
	};
	u64 start, budget = (u64)budget_ms * NSEC_PER_MSEC;
	u64 *ns[BENCH_NR_IMPL], cold[BENCH_NR_IMPL], *cold_ns[BENCH_NR_IMPL];
	u64 *part_ns = NULL;
	static unsigned int measurements;
	unsigned int first = measurements++ & 1;
	enum bench_impl impl;
	char cold_name[32];
	int ret = 0;

	pr_info("BENCH step row=%s size=%zu cache=%s\n", row->name, size,
		bench_caching_name(caching));
	ns[0] = kvcalloc(array_size(BENCH_NR_IMPL, max), sizeof(u64),
			 GFP_KERNEL);
	if (!ns[0]) {
		bench_report_error(row->name, size, caching, "none",
				   "kvcalloc", -ENOMEM);
		return -ENOMEM;
	}
	ns[1] = ns[0] + max;
	if (row->parts[BENCH_DXGKPM] || row->parts[BENCH_ANCHOR]) {
		part_ns = kvcalloc(array3_size(BENCH_NR_IMPL, BENCH_MAX_PARTS,
					       max), sizeof(u64), GFP_KERNEL);
		if (!part_ns) {
			bench_report_error(row->name, size, caching, "none",
					   "kvcalloc", -ENOMEM);
			ret = -ENOMEM;
			goto out_free_ns;
		}
	}
	start = ktime_get_ns();
	for (i = 0; n < max; i++) {
		for (k = 0; k < BENCH_NR_IMPL; k++) {
			impl = k ^ ((i + first) & 1);
			r.failed = NULL;
			ret = row->run[impl](&r);
			if (ret) {
				bench_report_error(row->name, size, caching,
						   bench_impl_names[impl],
						   r.failed ?: "?", ret);
				goto out_free_ns;
			}
			if (!i) {
				cold[impl] = r.ns;
			} else if (i >= BENCH_WARMUP) {
				ns[impl][n] = r.ns;
				bench_keep_parts(part_ns, &r, impl, max, n);
			}
		}
		if (i >= BENCH_WARMUP)
			n++;
		if (n >= BENCH_MIN_ITERS && bench_since(start) > budget)
			break;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			bench_report_error(row->name, size, caching, "none",
					   "signal", ret);
			goto out_free_ns;
		}
		cond_resched();
	}

	if (row->cold) {
		cold_ns[0] = &cold[0];
		cold_ns[1] = &cold[1];
		snprintf(cold_name, sizeof(cold_name), "%s-cold", row->name);
		bench_report_row(cold_name, row->anchor, size, caching,
				 cold_ns, 1, 0);
	}
	if (part_ns)
		bench_report_order(row->name, size, caching, ns, n, first);
	bench_report_row(row->name, row->anchor, size, caching, ns, n, 0);
	if (part_ns)
		bench_report_parts(row, size, caching, part_ns, max, n);

out_free_ns:
	kvfree(part_ns);
	kvfree(ns[0]);
	return ret;
}

/* The cycle row of every cache type and the coherent row, for @size. */
static int bench_size(size_t size)
{
	static const enum dxgkpm_caching cachings[] = {
		DXGKPM_CACHING_CACHED,
		DXGKPM_CACHING_WC,
		DXGKPM_CACHING_UNCACHED,
	};
	struct ttm_buffer_object *bo = NULL;
	unsigned int c;
	int ret;

	if (BENCH_HAVE_TTM) {
		bo = bench_ttm_bo_alloc(size);
		if (!bo) {
			bench_report_error("cycle", size, DXGKPM_CACHING_CACHED,
					   "anchor", "kzalloc", -ENOMEM);
			return -ENOMEM;
		}
	}
	for (c = 0; c < ARRAY_SIZE(cachings); c++) {
		ret = bench_measure(&bench_row_cycle, size, cachings[c], bo);
		if (ret)
			goto out_free_bo;
	}
	ret = bench_measure(&bench_row_coherent, size, DXGKPM_CACHING_CACHED,
			    NULL);
out_free_bo:
	bench_ttm_bo_free(bo);
	return ret;
}

static dma_addr_t bench_adl_addr(const void *obj, u32 i)
{
	return dxgkpm_adl_dma_address(obj, i);
}

/* "adl-ranges": how many pieces the device sees of a large object. */
static int bench_ranges(size_t size)
{
	struct bench_run r = { .size = size };
	unsigned int runs = 0, ttm_runs = 0;
	struct dxgkpm_pmo_desc desc;
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_amo *amo;
	struct dxgkpm_adl *adl;
	const char *impl = "dxgkpm";
	int ret;

	pr_info("BENCH step row=adl-ranges size=%zu cache=cached\n", size);
	bench_desc(&desc, size, DXGKPM_CACHING_CACHED);
	ret = dxgkpm_pmo_create(&desc, bench_adapter, &pmo, &amo);
	if (ret) {
		bench_failed(&r, "dxgkpm_pmo_create", ret);
		goto out_report;
	}
	ret = dxgkpm_adl_alloc(amo, 0, size, DXGKPM_ADL_PREFER_CONTIGUOUS,
			       &adl);
	if (ret) {
		bench_failed(&r, "dxgkpm_adl_alloc", ret);
		goto out_destroy_pmo;
	}
	runs = dxgkpm_adl_is_contiguous(adl) ? 1 :
	       bench_dma_runs(bench_adl_addr, adl, dxgkpm_adl_page_count(adl));
	ret = dxgkpm_adl_free(amo, adl);
	if (ret)
		bench_failed(&r, "dxgkpm_adl_free", ret);
out_destroy_pmo:
	if (dxgkpm_pmo_destroy(pmo, amo) && !ret)
		ret = bench_failed(&r, "dxgkpm_pmo_destroy", -EBUSY);
	if (!ret) {
		impl = "anchor";
		ret = bench_ttm_ranges(size, &ttm_runs, &r);
	}
out_report:
	if (ret) {
		bench_report_error("adl-ranges", size, DXGKPM_CACHING_CACHED,
				   impl, r.failed ?: "?", ret);
		return ret;
	}
	pr_info("BENCH count op=adl-ranges size=%zu cache=cached anchor=ttm-pool dxgkpm=%u anchor_count=%u\n",
		size, runs, ttm_runs);
	bench_rows++;
	return 0;
}

/* "create-big", against clearing as many bytes of already allocated pages. */
static int bench_big(size_t size)
{
	struct bench_clear clear;
	int ret;

	ret = bench_clear_alloc(&clear, size >> PAGE_SHIFT);
	if (ret) {
		bench_report_error("create-big", size, DXGKPM_CACHING_CACHED,
				   "anchor", "alloc_page", ret);
		return ret;
	}
	ret = bench_measure(&bench_row_create, size, DXGKPM_CACHING_CACHED,
			    &clear);
	bench_clear_free(&clear);
	if (ret)
		return ret;
	return bench_ranges(size);
}

/**
 * struct bench_lookup - the live objects of the lookup row
 * @handles: their handles
 * @count: how many are live
 */
struct bench_lookup {
	HANDLE *handles;
	unsigned int count;
};

/*
 * Create small objects through the DXGK interface until @count are live, or
 * until less than BENCH_LOOKUP_RESERVE of memory is left (-ENOMEM).
 */
static int bench_lookup_grow(struct bench_lookup *l, unsigned int count)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT create = {
		.Size = PAGE_SIZE,
		.Type = DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		.CacheType = DXGK_MEMORY_CACHING_TYPE_CACHED,
	};

	create.Mdl.HighAddress.QuadPart = -1;
	create.Mdl.Flags = DXGKPM_ALLOC_FULLY_REQUIRED | DXGKPM_ALLOC_NO_WAIT;
	while (l->count < count) {
		if (si_mem_available() < BENCH_LOOKUP_RESERVE >> PAGE_SHIFT)
			return -ENOMEM;
		if (!NT_SUCCESS(bench_dxgk.DxgkCbCreatePhysicalMemoryObject(&create)))
			return -ENOMEM;
		l->handles[l->count++] = create.hPhysicalMemoryObject;
		if (!(l->count % 1024)) {
			if (fatal_signal_pending(current))
				return -EINTR;
			cond_resched();
		}
	}
	return 0;
}

/* Destroy the live objects from the last down to the first @count. */
static void bench_lookup_shrink(struct bench_lookup *l, unsigned int count)
{
	DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT destroy = { };

	while (l->count > count) {
		destroy.hPhysicalMemoryObject = l->handles[--l->count];
		bench_dxgk.DxgkCbDestroyPhysicalMemoryObject(&destroy);
		if (!(l->count % 1024))
			cond_resched();
	}
}

/*
 * Per-call time of a batch of DxgkCbMapPhysicalMemory calls refused after the
 * lookup, each on another live object (a stride through all of them, so that
 * a large table is not read from one hot corner).
 */
static u64 bench_lookup_batch(struct bench_lookup *l, unsigned int batch)
{
	DXGKARGCB_MAP_PHYSICAL_MEMORY map = {
		.AccessMode = BENCH_ACCESS_INVALID,
		.Size = PAGE_SIZE,
	};
	unsigned int i, j = batch % l->count;
	u64 t;

	t = ktime_get_ns();
	for (i = 0; i < BENCH_LOOKUP_BATCH; i++) {
		map.hPhysicalMemoryObject = l->handles[j];
		bench_dxgk.DxgkCbMapPhysicalMemory(&map);
		j += 7919;
		if (j >= l->count)
			j %= l->count;
	}
	return div_u64(bench_since(t), BENCH_LOOKUP_BATCH);
}

/*
 * @count samples of bench_lookup_batch() into @ns, after BENCH_WARMUP.
 * The RCU callbacks of the objects just destroyed (a handle is retired
 * through call_rcu()) run first, not in the middle of the samples.
 */
static void bench_lookup_phase(struct bench_lookup *l, u64 *ns,
			       unsigned int count)
{
	unsigned int i;

	rcu_barrier();
	for (i = 0; i < count + BENCH_WARMUP; i++)
		if (i >= BENCH_WARMUP)
			ns[i - BENCH_WARMUP] = bench_lookup_batch(l, i);
}

/*
 * "lookup": rounds of BENCH_LOOKUP_FEW live objects, then @want, then
 * BENCH_LOOKUP_FEW again (the phases cannot be interleaved call by call:
 * the number of live objects is what changes); the small phases make the
 * reference. If fewer than @want objects fit, the row says how many did.
 */
static int bench_lookup(unsigned int want)
{
	unsigned int max = clamp_t(unsigned int, iters ?: 64, BENCH_MIN_ITERS,
				   256);
	unsigned int per = max_t(unsigned int, 2,
				 (max / BENCH_LOOKUP_ROUNDS) & ~1U);
	unsigned int round, n = 0, live = UINT_MAX;
	struct bench_lookup l = { };
	u64 *ns[BENCH_NR_IMPL];
	int ret;

	pr_info("BENCH step row=lookup size=%lu cache=cached\n", PAGE_SIZE);
	l.handles = kvmalloc_array(want, sizeof(*l.handles), GFP_KERNEL);
	ns[0] = kvcalloc(array3_size(BENCH_NR_IMPL, BENCH_LOOKUP_ROUNDS, per),
			 sizeof(u64), GFP_KERNEL);
	if (!l.handles || !ns[0]) {
		ret = -ENOMEM;
		bench_report_error("lookup", PAGE_SIZE, DXGKPM_CACHING_CACHED,
				   "none", "kvmalloc", ret);
		goto out_free;
	}
	ns[1] = ns[0] + BENCH_LOOKUP_ROUNDS * per;
	for (round = 0; round < BENCH_LOOKUP_ROUNDS; round++) {
		ret = bench_lookup_grow(&l, BENCH_LOOKUP_FEW);
		if (ret) {
			bench_report_error("lookup", PAGE_SIZE,
					   DXGKPM_CACHING_CACHED, "anchor",
					   "DxgkCbCreatePhysicalMemoryObject",
					   ret);
			goto out_shrink;
		}
		bench_lookup_phase(&l, ns[BENCH_ANCHOR] + n, per / 2);
		/* -ENOMEM: fewer than @want fitted; measure with those. */
		ret = bench_lookup_grow(&l, want);
		if (ret == -EINTR)
			goto out_shrink;
		live = min(live, l.count);
		bench_lookup_phase(&l, ns[BENCH_DXGKPM] + n, per);
		bench_lookup_shrink(&l, BENCH_LOOKUP_FEW);
		bench_lookup_phase(&l, ns[BENCH_ANCHOR] + n + per / 2, per / 2);
		n += per;
	}
	ret = 0;
	bench_report_row("lookup", "live-10", PAGE_SIZE, DXGKPM_CACHING_CACHED,
			 ns, n, live);

out_shrink:
	bench_lookup_shrink(&l, 0);
out_free:
	kvfree(ns[0]);
	kvfree(l.handles);
	return ret;
}

static const char *bench_iommu_name(void)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(bench_dev());

	return domain && (domain->type & __IOMMU_DOMAIN_PAGING) ?
	       "translated" : "none";
}

/* Every measurement; the first error ends the run. */
static int bench_run_all(void)
{
	char sizes[BENCH_MAX_SIZES * 12] = "";
	size_t len = 0;
	u64 start = ktime_get_ns();
	unsigned int s;
	int ret = 0;

	for (s = 0; s < nr_sizes; s++) {
		if (!sizes_kib[s] || sizes_kib[s] > SZ_1M) {
			ret = -EINVAL;
			bench_report_error("none", 0, DXGKPM_CACHING_CACHED,
					   "none", "sizes_kib", ret);
			goto out;
		}
		len += scnprintf(sizes + len, sizeof(sizes) - len, "%s%zu",
				 s ? "," : "", (size_t)sizes_kib[s] * SZ_1K);
	}
	pr_info("BENCH begin version=2 kernel=%s iommu=%s dma_mask=%#llx ttm_nid=%d sizes=%s budget_ms=%u big=%zu lookup_live=%u\n",
		init_utsname()->release, bench_iommu_name(),
		dma_get_mask(bench_dev()), bench_ttm_nid(&bench_ttm), sizes,
		budget_ms, (size_t)big_mib * SZ_1M, lookup_live);

	for (s = 0; s < nr_sizes && !ret; s++)
		ret = bench_size((size_t)sizes_kib[s] * SZ_1K);
	if (!ret && big_mib)
		ret = bench_big((size_t)big_mib * SZ_1M);
	if (!ret && lookup_live)
		ret = bench_lookup(max_t(unsigned int, lookup_live,
					 BENCH_LOOKUP_FEW));
out:
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
	bench_dxgk.Size = sizeof(bench_dxgk);
	bench_dxgk.Version = DXGKDDI_INTERFACE_VERSION_WDDM2_9;
	ret = dxgkpm_query_interface(adapter, &bench_dxgk);
	if (ret) {
		dxgkpm_unregister_adapter(adapter);
		return dev_err_probe(&pdev->dev, ret,
				     "cannot get the DXGK interface\n");
	}
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

/* Report why nothing was measured. */
static void bench_report_setup_error(const char *op, int err)
{
	bench_report_error("none", 0, DXGKPM_CACHING_CACHED, "none", op, err);
	pr_info("BENCH end status=error rows=0 ms=0\n");
	result = err;
}

static int __init bench_init(void)
{
	int ret;

	ret = pci_register_driver(&bench_driver);
	if (ret)
		return ret;
	if (!bench_adapter) {
		bench_report_setup_error("probe", -ENODEV);
		return 0;
	}
	ret = bench_ttm_init(&bench_ttm, bench_dev());
	if (ret) {
		bench_report_setup_error(BENCH_HAVE_TTM ? "ttm_pool_init" :
					 "ttm_pool_init(no_CONFIG_DRM_TTM)",
					 ret);
		return 0;
	}
	result = bench_run_all();
	bench_ttm_fini(&bench_ttm);
	return 0;
}
module_init(bench_init);

static void __exit bench_exit(void)
{
	pci_unregister_driver(&bench_driver);
}
module_exit(bench_exit);

MODULE_DESCRIPTION("Benchmark of dxgkpm against TTM's page pool and the DMA API");
MODULE_LICENSE("Dual MIT/GPL");
