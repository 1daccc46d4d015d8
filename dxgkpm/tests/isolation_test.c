// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite "dxgkpm_isolation": once a driver has given memory back, its
 * device cannot reach it any more. For every page-backed memory type and cache
 * type, and for each way of giving memory back (FreeAdl, then also Close, then
 * also Destroy), the edu device is made to write to the device addresses the
 * ADL had: each case sees the emulated IOMMU (strict mode, see
 * dxgkpm/tests/qemu_x86_64.py) refuse that very write, at that very address, in
 * the kernel log, and the memory keep what the CPU wrote.
 *
 * How a case sees the refusal. The Intel IOMMU driver of 6.12 reports a DMA
 * fault only by printing it (drivers/iommu/intel/dmar.c: dmar_fault() and
 * dmar_fault_do_one() neither call report_iommu_fault() nor have a
 * tracepoint), one line per fault record (wrapped here):
 *
 *   DMAR: [DMA Write NO_PASID] Request device [00:01.0] fault addr 0xfffe000
 *         [fault reason 0x05] PTE Write access is not set
 *
 * So the case reads the kernel log (kmsg_dump_get_line()) from a mark taken
 * just before the write, for that line with its device's requester ID and
 * the exact stale address. The driver prints under one ratelimit state
 * (DEFAULT_RATELIMIT_INTERVAL, DEFAULT_RATELIMIT_BURST), which it consults
 * three times per fault (the status line, the record, the end of the
 * records): three faults per five seconds are printed, and past that it
 * does not even read the fault record. A case whose fault did not show up
 * within one ratelimit interval therefore writes again, which lands in a
 * fresh window and is printed; a refusal that never shows up after
 * IT_FAULT_TRIES writes fails the case. Waiting out the window makes the
 * suite slow (about 110 s), not timing-dependent: the verdict is whether
 * the line appeared.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/jiffies.h>
#include <linux/kmsg_dump.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/ratelimit.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "dma_helpers.h"

/* Pages of each victim object. */
#define IT_PAGES	2U
/* Writes to one stale address before the case gives up on seeing a fault. */
#define IT_FAULT_TRIES	3U
/* Longest kernel log line read, and longest line looked for. */
#define IT_LINE_SIZE	512
#define IT_WANT_SIZE	128

/* How far the memory is given back before the device tries again. */
enum it_stage {
	IT_FREE_ADL,
	IT_CLOSE,
	IT_DESTROY,
};

static const char *const it_stage_names[] = {
	[IT_FREE_ADL] = "free-adl",
	[IT_CLOSE] = "close",
	[IT_DESTROY] = "destroy",
};

/**
 * struct it_case - one isolation check
 * @type: memory type
 * @cache: cache type
 * @stage: what was given back
 */
struct it_case {
	DXGK_PHYSICAL_MEMORY_TYPE type;
	DXGK_MEMORY_CACHING_TYPE cache;
	enum it_stage stage;
};

/* Every page-backed type with every cache type it accepts, every stage. */
static const struct it_case it_cases[] = {
	{ DXGK_PHYSICAL_MEMORY_TYPE_MDL,
	  DXGK_MEMORY_CACHING_TYPE_NON_CACHED, IT_FREE_ADL },
	{ DXGK_PHYSICAL_MEMORY_TYPE_MDL,
	  DXGK_MEMORY_CACHING_TYPE_NON_CACHED, IT_CLOSE },
	{ DXGK_PHYSICAL_MEMORY_TYPE_MDL,
	  DXGK_MEMORY_CACHING_TYPE_NON_CACHED, IT_DESTROY },
	{ DXGK_PHYSICAL_MEMORY_TYPE_MDL,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, IT_FREE_ADL },
	{ DXGK_PHYSICAL_MEMORY_TYPE_MDL,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, IT_CLOSE },
	{ DXGK_PHYSICAL_MEMORY_TYPE_MDL,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, IT_DESTROY },
	{ DXGK_PHYSICAL_MEMORY_TYPE_MDL,
	  DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED, IT_FREE_ADL },
	{ DXGK_PHYSICAL_MEMORY_TYPE_MDL,
	  DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED, IT_CLOSE },
	{ DXGK_PHYSICAL_MEMORY_TYPE_MDL,
	  DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED, IT_DESTROY },
	{ DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
	  DXGK_MEMORY_CACHING_TYPE_NON_CACHED, IT_FREE_ADL },
	{ DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
	  DXGK_MEMORY_CACHING_TYPE_NON_CACHED, IT_CLOSE },
	{ DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
	  DXGK_MEMORY_CACHING_TYPE_NON_CACHED, IT_DESTROY },
	{ DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, IT_FREE_ADL },
	{ DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, IT_CLOSE },
	{ DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, IT_DESTROY },
	{ DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
	  DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED, IT_FREE_ADL },
	{ DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
	  DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED, IT_CLOSE },
	{ DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
	  DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED, IT_DESTROY },
	{ DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, IT_FREE_ADL },
	{ DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, IT_CLOSE },
	{ DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
	  DXGK_MEMORY_CACHING_TYPE_CACHED, IT_DESTROY },
	{ DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
	  DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED, IT_FREE_ADL },
	{ DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
	  DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED, IT_CLOSE },
	{ DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
	  DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED, IT_DESTROY },
};

static void it_case_desc(const struct it_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s-%s-%s",
		 dxgkpm_type_name((enum dxgkpm_mem_type)c->type),
		 dxgkpm_caching_name((enum dxgkpm_caching)c->cache),
		 it_stage_names[c->stage]);
}

KUNIT_ARRAY_PARAM(it_case, it_cases, it_case_desc);

/**
 * struct it_log - reading the kernel log for one device's faults
 * @iter: where the reading is
 * @line: the line read
 * @want: the line's text that reports the fault looked for
 */
struct it_log {
	struct kmsg_dump_iter iter;
	char line[IT_LINE_SIZE];
	char want[IT_WANT_SIZE];
};

/* The sequence number the next message printed will have, or a later one. */
static u64 it_log_end(struct it_log *log)
{
	kmsg_dump_rewind(&log->iter);
	while (kmsg_dump_get_line(&log->iter, false, NULL, 0, NULL))
		;
	return log->iter.cur_seq;
}

/* Whether a message from @mark on contains @log->want (then in @log->line). */
static bool it_log_has(struct it_log *log, u64 mark)
{
	kmsg_dump_rewind(&log->iter);
	log->iter.cur_seq = max(log->iter.cur_seq, mark);
	/* Each line comes terminated, with its newline. */
	while (kmsg_dump_get_line(&log->iter, false, log->line,
				  sizeof(log->line), NULL)) {
		if (strstr(log->line, log->want)) {
			*strchrnul(log->line, '\n') = '\0';
			return true;
		}
	}
	return false;
}

/*
 * The device writes to @addr, which nothing maps for it any more: the IOMMU
 * must refuse it, and say so in the kernel log, naming the device and @addr
 * (see the top of the file for why the log and why a write may be
 * repeated). Passes if it does; the memory is checked by the caller.
 */
static void it_expect_refused(struct kunit *test, struct dxgkpm_edu *edu,
			      dma_addr_t addr)
{
	const struct pci_dev *pdev = edu->pdev;
	unsigned long deadline;
	struct it_log *log;
	unsigned int try;
	bool seen = false;
	u64 mark;

	log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, log);
	/* dmar_fault_do_one()'s format; the address is page aligned. */
	snprintf(log->want, sizeof(log->want),
		 "[DMA Write NO_PASID] Request device [%02x:%02x.%d] fault addr 0x%llx [fault reason 0x05]",
		 pdev->bus->number, PCI_SLOT(pdev->devfn),
		 PCI_FUNC(pdev->devfn), (unsigned long long)addr);

	for (try = 1; try <= IT_FAULT_TRIES; try++) {
		mark = it_log_end(log);
		KUNIT_ASSERT_EQ(test, dxgkpm_edu_dma_from_buf(edu, 0, addr,
							      EDU_DMA_CHUNK),
				0);
		/*
		 * The fault interrupt may come a little after the transfer
		 * ends; a ratelimited one never comes to the log, and a
		 * write after this interval starts a new window.
		 */
		deadline = jiffies + DEFAULT_RATELIMIT_INTERVAL + HZ / 2;
		for (;;) {
			seen = it_log_has(log, mark);
			if (seen || time_after(jiffies, deadline))
				break;
			msleep(20);
		}
		if (seen)
			break;
	}
	if (seen)
		kunit_info(test, "edu%u's write at %pad refused, try %u: %s",
			   edu->index, &addr, try, log->line);
	KUNIT_EXPECT_TRUE_MSG(test, seen,
			      "no IOMMU fault for edu%u's write at %pad in the kernel log after %u writes (looked for \"%s\")",
			      edu->index, &addr, IT_FAULT_TRIES, log->want);
}

/*
 * Pass, for the memory type, cache type and stage of the parameter: through
 * a live ADL the device writes a page of a source object into the victim
 * (so the addresses and the device work); the CPU then writes a pattern
 * into every victim page through its kernel view; the ADL is freed (and
 * the object closed, and destroyed, by stage). The device's IOMMU domain
 * then translates none of the old addresses, and the device, loaded with
 * the source page, writes it to each old address: the IOMMU reports a
 * refused write by that device at exactly that address, each time, and
 * every victim page still holds the CPU's pattern afterwards, read through
 * the view, or, after Destroy, through the pages themselves (kept from
 * reuse by a reference the test took).
 */
static void dxgkpm_isolation_stale(struct kunit *test)
{
	const struct it_case *c = test->param_value;
	const u32 src_seed = 0x150a0000, cpu_seed = 0x150b0000;
	struct page *pages[IT_PAGES] = {};
	dma_addr_t stale[IT_PAGES], addr;
	struct dxgkpm_dkt_obj src, obj;
	struct iommu_domain *domain;
	DXGK_ADL *src_adl, *adl;
	struct dxgkpm_kt *kt;
	phys_addr_t phys;
	void *kaddr;
	size_t off;
	u32 i;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	kt = dxgkpm_kt_setup(test, 0);
	domain = iommu_get_domain_for_dev(&kt->edu->pdev->dev);
	KUNIT_ASSERT_NOT_NULL_MSG(test, domain, "edu0 is not behind an IOMMU");
	KUNIT_ASSERT_TRUE(test, iommu_is_dma_domain(domain));

	dxgkpm_dkt_create(test, &src, kt, true, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
			  DXGK_MEMORY_CACHING_TYPE_CACHED, PAGE_SIZE);
	dxgkpm_dkt_map(test, &src);
	dxgkpm_dkt_fill_pages(&src, 0, 1, src_seed);
	src_adl = dxgkpm_dkt_adl(test, &src, 0, 1, DXGKPM_CALL_PREFER,
				 EDU_DMA_MASK);

	dxgkpm_dkt_create(test, &obj, kt, true, c->type, c->cache,
			  IT_PAGES * PAGE_SIZE);
	dxgkpm_dkt_map(test, &obj);
	adl = dxgkpm_dkt_adl(test, &obj, 0, IT_PAGES, 0, EDU_DMA_MASK);
	for (i = 0; i < IT_PAGES; i++)
		stale[i] = dxgkpm_call_adl_addr(adl, i);

	/* The control: while the ADL lives, the device does reach the page. */
	dxgkpm_dkt_copy(test, kt->edu, adl, 0, src_adl, 0, 1);
	dxgkpm_dkt_expect_page(test, &obj, 0, src_seed);

	dxgkpm_dkt_fill_pages(&obj, 0, IT_PAGES, cpu_seed);
	for (i = 0; i < IT_PAGES; i++) {
		pages[i] = vmalloc_to_page(dxgkpm_dkt_page(&obj, i));
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
		/* Keep the page from reuse, so that it can be read after Destroy. */
		get_page(pages[i]);
	}
	dxgkpm_dkt_free_adl(test, &obj, adl);
	if (c->stage >= IT_CLOSE)
		dxgkpm_dkt_close(test, &obj);
	if (c->stage >= IT_DESTROY) {
		dxgkpm_dkt_unmap(test, &obj);
		dxgkpm_dkt_destroy(test, &obj, false);
	}

	for (i = 0; i < IT_PAGES; i++) {
		phys = iommu_iova_to_phys(domain, stale[i]);
		KUNIT_EXPECT_EQ_MSG(test, phys, (phys_addr_t)0,
				    "page %u: %pad still translates", i,
				    &stale[i]);
	}
	/* Load the device with the source page, then aim it at the old pages. */
	addr = dxgkpm_call_adl_addr(src_adl, 0);
	KUNIT_ASSERT_EQ(test, dxgkpm_edu_dma_to_buf(kt->edu, 0, addr,
						    EDU_DMA_CHUNK), 0);
	for (i = 0; i < IT_PAGES; i++)
		it_expect_refused(test, kt->edu, stale[i]);

	for (i = 0; i < IT_PAGES; i++) {
		if (c->stage < IT_DESTROY) {
			dxgkpm_dkt_expect_page(test, &obj, i, cpu_seed + i);
			continue;
		}
		kaddr = kmap_local_page(pages[i]);
		off = dxgkpm_kt_mismatch(kaddr, PAGE_SIZE, cpu_seed + i);
		kunmap_local(kaddr);
		KUNIT_EXPECT_EQ_MSG(test, off, PAGE_SIZE,
				    "destroyed page %u changed at byte %zu", i,
				    off);
	}
	for (i = 0; i < IT_PAGES; i++)
		put_page(pages[i]);

	if (c->stage < IT_DESTROY) {
		dxgkpm_dkt_unmap(test, &obj);
		dxgkpm_dkt_destroy(test, &obj, c->stage < IT_CLOSE);
	}
	dxgkpm_dkt_free_adl(test, &src, src_adl);
	dxgkpm_dkt_unmap(test, &src);
	dxgkpm_dkt_destroy(test, &src, true);
	dxgkpm_kt_expect_no_memory(test);
}

static struct kunit_case dxgkpm_isolation_cases[] = {
	/* Slow: about one case in two waits out the log's ratelimit. */
	KUNIT_CASE_PARAM_ATTR(dxgkpm_isolation_stale, it_case_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	{}
};

static struct kunit_suite dxgkpm_isolation_suite = {
	.name = "dxgkpm_isolation",
	.init = dxgkpm_kt_init,
	.suite_init = dxgkpm_kt_suite_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_isolation_cases,
};

kunit_test_suite(dxgkpm_isolation_suite);

/*
 * QEMU's emulated IOMMU reports the first faults of a run on its stderr,
 * which kunit.py reads interleaved with the kernel's KTAP output, where an
 * extra line breaks the parse. Make that first fault happen at boot, before
 * KUnit prints anything: edu0 writes to device address 4 KiB, which nothing
 * maps (iommu-dma hands out addresses down from the DMA mask). The
 * isolation suite's own faults come after QEMU has had its say.
 */
static int __init dxgkpm_isolation_prime(void)
{
	struct dxgkpm_edu *edu;

	if (dxgkpm_edu_register())
		return 0;
	edu = dxgkpm_edu_get(0);
	if (edu && iommu_get_domain_for_dev(&edu->pdev->dev))
		dxgkpm_edu_dma_from_buf(edu, 0, SZ_4K, 64);
	dxgkpm_edu_unregister();
	return 0;
}
late_initcall(dxgkpm_isolation_prime);
