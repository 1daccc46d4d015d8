// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Shared helpers of the dxgkpm KUnit suites (see helpers.h).
 */

#include <kunit/resource.h>
#include <kunit/test-bug.h>
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/mman.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include "helpers.h"

KUNIT_DEFINE_ACTION_WRAPPER(dxgkpm_kt_unregister, dxgkpm_unregister_adapter,
			    struct dxgkpm_adapter *);

static void dxgkpm_kt_pool_restore(void *limit)
{
	dxgkpm_pool_set_limit((unsigned long)limit);
}

/**
 * dxgkpm_kt_pool_limit() - bound the page pools for the rest of the test
 * @test: the test; the bound in force before comes back when it ends
 * @pages: the bound (0: no pooling); the pools are emptied first, so the
 *	test starts from empty pools whatever ran before
 */
void dxgkpm_kt_pool_limit(struct kunit *test, unsigned long pages)
{
	unsigned long old = dxgkpm_pool_set_limit(0);

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							dxgkpm_kt_pool_restore,
							(void *)old), 0);
	dxgkpm_pool_set_limit(pages);
}

/**
 * dxgkpm_kt_edu() - an edu device, or fail the test saying why
 * @test: the test
 * @index: which device, in PCI order
 *
 * A missing device is a failure, not a skip: without it the test would
 * prove nothing about DMA, and a run on the wrong machine must not pass.
 *
 * Return: the device (the test does not return when it is missing).
 */
struct dxgkpm_edu *dxgkpm_kt_edu(struct kunit *test, unsigned int index)
{
	struct dxgkpm_edu *edu = dxgkpm_edu_get(index);

	KUNIT_ASSERT_NOT_NULL_MSG(test, edu,
				  "edu device %u absent: the machine needs -device edu behind -device intel-iommu (dxgkpm/tests/qemu_x86_64.py)",
				  index);
	return edu;
}

/**
 * dxgkpm_kt_register() - register an adapter for the test's duration
 * @test: the test
 * @dev: device
 *
 * The adapter is unregistered when the test ends, unless the test does it
 * first with dxgkpm_kt_unregister_now().
 *
 * Return: the adapter (the test fails and stops otherwise).
 */
struct dxgkpm_adapter *dxgkpm_kt_register(struct kunit *test,
					  struct device *dev)
{
	struct dxgkpm_adapter *adapter = dxgkpm_register_adapter(dev);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, adapter);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							dxgkpm_kt_unregister,
							adapter), 0);
	return adapter;
}

/**
 * dxgkpm_kt_unregister_now() - unregister an adapter of dxgkpm_kt_register()
 * @test: the test
 * @adapter: the adapter
 *
 * Runs its cleanup action now, instead of when the test ends.
 */
void dxgkpm_kt_unregister_now(struct kunit *test,
			      struct dxgkpm_adapter *adapter)
{
	kunit_release_action(test, dxgkpm_kt_unregister, adapter);
}

/**
 * dxgkpm_kt_setup() - an adapter on edu device @index, with its interface
 * @test: the test
 * @index: which edu device
 *
 * Return: the adapter's state, allocated for the test's duration.
 */
struct dxgkpm_kt *dxgkpm_kt_setup(struct kunit *test, unsigned int index)
{
	struct dxgkpm_kt *kt = kunit_kzalloc(test, sizeof(*kt), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, kt);
	kt->edu = dxgkpm_kt_edu(test, index);
	kt->adapter = dxgkpm_kt_register(test, &kt->edu->pdev->dev);
	memset(&kt->iface, 0xa5, sizeof(kt->iface));
	kt->iface.Size = sizeof(kt->iface);
	kt->iface.Version = DXGKDDI_INTERFACE_VERSION_WDDM2_9;
	KUNIT_ASSERT_EQ(test, dxgkpm_query_interface(kt->adapter, &kt->iface),
			0);
	kt->h = kt->iface.DeviceHandle;
	KUNIT_ASSERT_NOT_NULL(test, kt->h);
	return kt;
}

/**
 * dxgkpm_kt_idle() - dxgkpm holds nothing, not even an adapter
 *
 * Return: true if every counter is zero.
 */
bool dxgkpm_kt_idle(void)
{
	return dxgkpm_stats_idle() && !DXGKPM_KT_STAT(adapters);
}

/**
 * dxgkpm_kt_expect_no_memory() - no object, page, view or mapping is alive
 * @test: the test; adapters may remain
 */
void dxgkpm_kt_expect_no_memory(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(handles),
			    DXGKPM_KT_STAT(adapters),
			    "dxgkpm_stats.handles: one per adapter, no more");
	DXGKPM_KT_EXPECT_STAT(test, pmos, 0);
	DXGKPM_KT_EXPECT_STAT(test, amos, 0);
	DXGKPM_KT_EXPECT_STAT(test, adls, 0);
	DXGKPM_KT_EXPECT_STAT(test, kviews, 0);
	DXGKPM_KT_EXPECT_STAT(test, uviews, 0);
	DXGKPM_KT_EXPECT_STAT(test, pages, 0);
	DXGKPM_KT_EXPECT_STAT(test, pages_wc, 0);
	DXGKPM_KT_EXPECT_STAT(test, pages_uc, 0);
	DXGKPM_KT_EXPECT_STAT(test, pinned, 0);
	DXGKPM_KT_EXPECT_STAT(test, dma_maps, 0);
}

/**
 * dxgkpm_kt_expect_idle() - not even an adapter is registered
 * @test: the test
 */
void dxgkpm_kt_expect_idle(struct kunit *test)
{
	DXGKPM_KT_EXPECT_STAT(test, adapters, 0);
	dxgkpm_kt_expect_no_memory(test);
}

/**
 * dxgkpm_kt_attach_mm() - give the case's thread a user address space
 * @test: the test
 *
 * As a process has: user-mode views need one. It goes with the thread.
 *
 * Return: a page mapped in it, read-write.
 */
unsigned long dxgkpm_kt_attach_mm(struct kunit *test)
{
	unsigned long uaddr;

	uaddr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_TRUE(test, uaddr && !IS_ERR_VALUE(uaddr));
	KUNIT_ASSERT_NOT_NULL(test, current->mm);
	return uaddr;
}

/* How long the case's thread may take to finish exiting. */
#define DXGKPM_KT_EXIT_WAIT	(10 * HZ)

/*
 * The last cleanup of every case: the case's thread has exited, taking its
 * mm and any user view in it along, and every other cleanup has run.
 */
static void dxgkpm_kt_case_done(void *data)
{
	struct task_struct *task = data;
	unsigned long deadline = jiffies + DXGKPM_KT_EXIT_WAIT;
	struct kunit *test = kunit_get_current_test();

	/*
	 * KUnit starts the cleanups when the case's thread has released its
	 * mm (vfork_done), which is before the mm is torn down: wait for the
	 * thread to be gone, so that views in its mm are too.
	 */
	while (!READ_ONCE(task->exit_state) && time_before(jiffies, deadline))
		schedule_timeout_uninterruptible(1);
	if (test) {
		KUNIT_EXPECT_NE_MSG(test, READ_ONCE(task->exit_state), 0,
				    "the case's thread did not exit");
		dxgkpm_kt_expect_idle(test);
		/*
		 * Pooled pages are not in dxgkpm_stats.pages: empty the pools
		 * and check that their count was theirs, so that every page
		 * dxgkpm took is back with the page allocator.
		 */
		dxgkpm_pool_shrink(ULONG_MAX);
		KUNIT_EXPECT_EQ_MSG(test,
				    atomic_long_read(&dxgkpm_pool_stats.pages),
				    0L, "pooled pages left after emptying the pools");
	}
	put_task_struct(task);
}

/**
 * dxgkpm_kt_init() - init of every dxgkpm suite: nothing outlives a case
 * @test: the case about to run
 *
 * Registers the case's first cleanup action, which KUnit runs last, after
 * the case's own actions and resources (adapters unregistered, objects
 * reaped) and once the case's thread is gone: then dxgkpm must hold
 * nothing, not an adapter, object, handle, view or DMA mapping, and not
 * one page taken from the page allocator (dxgkpm_stats.pages is counted
 * where pages are taken and given back; the page pools are emptied, and
 * their own count must drop to zero with them).
 *
 * Return: 0, or -ENOMEM when the action cannot be registered.
 */
int dxgkpm_kt_init(struct kunit *test)
{
	int ret;

	get_task_struct(current);
	ret = kunit_add_action(test, dxgkpm_kt_case_done, current);
	if (ret)
		put_task_struct(current);
	return ret;
}

static u32 dxgkpm_kt_word(u32 seed, size_t i)
{
	return seed ^ (u32)(i * 0x9e3779b9U);
}

/**
 * dxgkpm_kt_fill() - write a pattern that depends on @seed and the offset
 * @p: memory (a view of any cache type)
 * @bytes: length, a multiple of 4
 * @seed: the pattern's seed
 */
void dxgkpm_kt_fill(void *p, size_t bytes, u32 seed)
{
	u32 *w = p;
	size_t i;

	for (i = 0; i < bytes / sizeof(*w); i++)
		w[i] = dxgkpm_kt_word(seed, i);
}

/**
 * dxgkpm_kt_mismatch() - where memory differs from dxgkpm_kt_fill()'s pattern
 * @p: memory
 * @bytes: length, a multiple of 4
 * @seed: the pattern's seed
 *
 * Return: the byte offset of the first difference, or @bytes.
 */
size_t dxgkpm_kt_mismatch(const void *p, size_t bytes, u32 seed)
{
	const u32 *w = p;
	size_t i;

	for (i = 0; i < bytes / sizeof(*w); i++)
		if (w[i] != dxgkpm_kt_word(seed, i))
			return i * sizeof(*w);
	return bytes;
}

/**
 * dxgkpm_kt_suite_init() - suite_init of every suite that uses edu devices
 * @suite: the suite
 *
 * Return: 0, or the error of binding the edu driver.
 */
int dxgkpm_kt_suite_init(struct kunit_suite *suite)
{
	return dxgkpm_edu_register();
}

/**
 * dxgkpm_kt_suite_exit() - undo dxgkpm_kt_suite_init()
 * @suite: the suite
 *
 * Unbinding the edu devices lets DMA-API debugging report any mapping a
 * suite left on them.
 */
void dxgkpm_kt_suite_exit(struct kunit_suite *suite)
{
	dxgkpm_edu_unregister();
}

/**
 * dxgkpm_kt_reap() - tear an object down, whatever the test left on it
 * @handle: the object's handle; a stale one (destroyed object) is ignored
 *
 * As its adapter's unregistration would: objects created without an
 * adapter belong to the module and would otherwise outlive the test.
 */
void dxgkpm_kt_reap(void *handle)
{
	struct dxgkpm_pmo *pmo = dxgkpm_pmo_get_handle((uintptr_t)handle);

	if (!pmo)
		return;		/* destroyed: the handle is stale */
	dxgkpm_pmo_force_destroy(pmo, "dxgkpm test cleanup");
	dxgkpm_pmo_put(pmo);
}

/**
 * dxgkpm_kt_reap_at_end() - tear an object down when the test ends
 * @test: the test
 * @handle: the object's handle
 *
 * An object the test did not get to destroy (it failed half way) is torn
 * down as its adapter's unregistration would, so that objects created
 * without an adapter do not outlive the test. A destroyed object's handle
 * is stale and is left alone.
 */
void dxgkpm_kt_reap_at_end(struct kunit *test, u64 handle)
{
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, dxgkpm_kt_reap,
							(void *)(uintptr_t)handle),
			0);
}

/*
 * Every page-backed type and cache type worth sharing with another device:
 * MDL objects of each cache type, contiguous memory cached and
 * write-combined.
 */
const struct dxgkpm_kt_page_case dxgkpm_kt_page_cases[DXGKPM_KT_PAGE_CASES] = {
	{ "mdl-cached", DXGKPM_MEM_PAGES, DXGKPM_CACHING_CACHED },
	{ "mdl-wc", DXGKPM_MEM_PAGES, DXGKPM_CACHING_WC },
	{ "mdl-uc", DXGKPM_MEM_PAGES, DXGKPM_CACHING_UNCACHED },
	{ "contiguous-cached", DXGKPM_MEM_CONTIGUOUS, DXGKPM_CACHING_CACHED },
	{ "contiguous-wc", DXGKPM_MEM_CONTIGUOUS, DXGKPM_CACHING_WC },
};

/**
 * dxgkpm_kt_page_case_desc() - KUNIT_ARRAY_PARAM()'s description of a case
 * @c: the case
 * @desc: where the description goes
 */
void dxgkpm_kt_page_case_desc(const struct dxgkpm_kt_page_case *c,
			      char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

/**
 * dxgkpm_kt_page_desc() - what to create: a page-backed object anywhere
 * @desc: filled in
 * @type: DXGKPM_MEM_PAGES or DXGKPM_MEM_CONTIGUOUS
 * @caching: the cache type
 * @size: bytes
 */
void dxgkpm_kt_page_desc(struct dxgkpm_pmo_desc *desc,
			 enum dxgkpm_mem_type type,
			 enum dxgkpm_caching caching, size_t size)
{
	memset(desc, 0, sizeof(*desc));
	desc->size = size;
	desc->type = type;
	desc->caching = caching;
	if (type == DXGKPM_MEM_PAGES)
		desc->pages.high = ~(phys_addr_t)0;
	else
		desc->contig.high = ~(phys_addr_t)0;
}
