// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite "dxgkpm_concurrency": several threads per adapter, on two
 * adapters, create, open, build ADLs, map, unmap, close and destroy
 * physical memory objects through the DXGK callbacks at the same time, for
 * a bounded time, on one pool of objects that they all share: objects
 * created through one adapter get ADLs and views from threads of the other
 * while they live. Under lockdep, KASAN and DMA-API debugging; afterwards
 * every dxgkpm counter must be back to zero.
 *
 * The test keeps its own books with one rwsem per slot of the pool:
 * creating, destroying, opening and closing take it for writing, ADLs and
 * views for reading, so many threads use one object at once while the
 * calls that change what exists stay predictable enough that every status
 * can be checked exactly.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/prandom.h>
#include <linux/rwsem.h>
#include <linux/sched.h>

#include "dma_helpers.h"

#define CT_ADAPTERS		2
#define CT_THREADS_PER_ADAPTER	4
#define CT_THREADS		(CT_ADAPTERS * CT_THREADS_PER_ADAPTER)
#define CT_SLOTS		12
#define CT_MAX_PAGES		8
#define CT_SECONDS		10
#define CT_SEED			0xc0cc0000U

enum ct_op {
	CT_CREATE,
	CT_DESTROY,
	CT_OPEN_CLOSE,
	CT_ADL,
	CT_VIEW,
	CT_NR_OPS,
};

static const char *const ct_op_names[CT_NR_OPS] = {
	[CT_CREATE] = "create",
	[CT_DESTROY] = "destroy",
	[CT_OPEN_CLOSE] = "open/close",
	[CT_ADL] = "ADL",
	[CT_VIEW] = "view",
};

/**
 * struct ct_slot - one object of the shared pool
 * @rw: write: create, destroy, open, close; read: ADLs and views
 * @pmo: hPhysicalMemoryObject, or NULL while the slot is empty
 * @amo: hAdapterMemoryObject, or NULL while the object is not open
 * @type: its memory type
 * @pages: its size in pages
 */
struct ct_slot {
	struct rw_semaphore rw;
	HANDLE pmo;
	HANDLE amo;
	DXGK_PHYSICAL_MEMORY_TYPE type;
	u32 pages;
};

struct ct;

/**
 * struct ct_thread - one worker
 * @ct: the shared state
 * @kt: the adapter whose interface and hAdapter it uses
 * @rnd: its random state, seeded from CT_SEED and its number
 * @ops: calls made, by operation
 * @errors: statuses that broke the contract
 * @first_error: what the first of them was
 * @done: completed when it stops
 */
struct ct_thread {
	struct ct *ct;
	struct dxgkpm_kt *kt;
	struct rnd_state rnd;
	unsigned long ops[CT_NR_OPS];
	unsigned long errors;
	char first_error[128];
	struct completion done;
};

/**
 * struct ct - the test's shared state
 * @slots: the pool
 * @threads: the workers
 * @deadline: when they stop, in jiffies
 */
struct ct {
	struct ct_slot slots[CT_SLOTS];
	struct ct_thread threads[CT_THREADS];
	unsigned long deadline;
};

static __printf(2, 3) void ct_error(struct ct_thread *t, const char *fmt, ...)
{
	va_list ap;

	if (!t->errors++) {
		va_start(ap, fmt);
		vsnprintf(t->first_error, sizeof(t->first_error), fmt, ap);
		va_end(ap);
	}
}

static u32 ct_rand(struct ct_thread *t, u32 n)
{
	return prandom_u32_state(&t->rnd) % n;
}

static void ct_create(struct ct_thread *t, struct ct_slot *s)
{
	static const DXGK_MEMORY_CACHING_TYPE caches[] = {
		DXGK_MEMORY_CACHING_TYPE_NON_CACHED,
		DXGK_MEMORY_CACHING_TYPE_CACHED,
		DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED,
	};
	static const DXGK_PHYSICAL_MEMORY_TYPE types[] = {
		DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
		DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
	};
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT args;
	DXGK_PHYSICAL_MEMORY_TYPE type = types[ct_rand(t, ARRAY_SIZE(types))];
	DXGK_MEMORY_CACHING_TYPE cache = caches[ct_rand(t, ARRAY_SIZE(caches))];
	bool with_adapter = ct_rand(t, 2);
	u32 pages = 1 + ct_rand(t, CT_MAX_PAGES);
	NTSTATUS status;

	if (type == DXGK_PHYSICAL_MEMORY_TYPE_SECTION &&
	    cache == DXGK_MEMORY_CACHING_TYPE_NON_CACHED)
		cache = DXGK_MEMORY_CACHING_TYPE_CACHED;
	dxgkpm_dkt_args(&args, t->kt, with_adapter, type, cache,
			(size_t)pages << PAGE_SHIFT);
	/* Anywhere: the pool should not fail for want of high memory. */
	args.Mdl.LowAddress.QuadPart = 0;
	if (type == DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY)
		args.ContiguousMemory.LowestAcceptableAddress.QuadPart = 0;
	status = t->kt->iface.DxgkCbCreatePhysicalMemoryObject(&args);
	if (status != STATUS_SUCCESS) {
		ct_error(t, "create %u pages: %#x", pages, status);
		return;
	}
	if (!args.hPhysicalMemoryObject ||
	    !args.hAdapterMemoryObject != !with_adapter)
		ct_error(t, "create returned handles %p/%p",
			 args.hPhysicalMemoryObject, args.hAdapterMemoryObject);
	s->pmo = args.hPhysicalMemoryObject;
	s->amo = args.hAdapterMemoryObject;
	s->type = type;
	s->pages = pages;
}

static void ct_destroy(struct ct_thread *t, struct ct_slot *s)
{
	DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT destroy = {
		.hPhysicalMemoryObject = s->pmo,
		.hAdapterMemoryObject = s->amo,
	};
	DXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT open = {
		.hPhysicalMemoryObject = s->pmo,
		.hAdapter = t->kt->h,
	};
	NTSTATUS status;

	t->kt->iface.DxgkCbDestroyPhysicalMemoryObject(&destroy);
	/* Destroy returns nothing: the handle must be dead now. */
	status = t->kt->iface.DxgkCbOpenPhysicalMemoryObject(&open);
	if (status != STATUS_INVALID_HANDLE)
		ct_error(t, "open after destroy: %#x", status);
	s->pmo = NULL;
	s->amo = NULL;
}

static void ct_open_close(struct ct_thread *t, struct ct_slot *s)
{
	DXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT open = {
		.hPhysicalMemoryObject = s->pmo,
		.hAdapter = t->kt->h,
	};
	DXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT close = {
		.hAdapterMemoryObject = s->amo,
	};
	NTSTATUS status;

	if (s->amo) {
		t->kt->iface.DxgkCbClosePhysicalMemoryObject(&close);
		s->amo = NULL;
		return;
	}
	status = t->kt->iface.DxgkCbOpenPhysicalMemoryObject(&open);
	if (status != STATUS_SUCCESS || !open.hAdapterMemoryObject) {
		ct_error(t, "open: %#x", status);
		return;
	}
	s->amo = open.hAdapterMemoryObject;
}

static void ct_adl(struct ct_thread *t, struct ct_slot *s)
{
	u32 first = ct_rand(t, s->pages);
	u32 count = 1 + ct_rand(t, s->pages - first);
	DXGKARGCB_ALLOCATE_ADL alloc = {
		.hAdapterMemoryObject = s->amo,
		.Offset = (SIZE_T)first << PAGE_SHIFT,
		.Size = (SIZE_T)count << PAGE_SHIFT,
	};
	DXGKARGCB_FREE_ADL free = { .hAdapterMemoryObject = s->amo };
	NTSTATUS status;
	u32 i;

	if (!s->amo)
		return;
	alloc.Flags.PreferContiguous = ct_rand(t, 2);
	if (s->type == DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY)
		alloc.Flags.RequireContiguous = ct_rand(t, 2);
	status = t->kt->iface.DxgkCbAllocateAdl(&alloc);
	if (status != STATUS_SUCCESS || !alloc.pAdl) {
		ct_error(t, "ADL of %u pages at %u: %#x", count, first, status);
		return;
	}
	if (alloc.pAdl->PageCount != count)
		ct_error(t, "ADL of %u pages has %u", count,
			 alloc.pAdl->PageCount);
	for (i = 0; i < count; i++)
		if (dxgkpm_dkt_addr(alloc.pAdl, i) + PAGE_SIZE - 1 >
		    DXGKPM_DKT_EDU_MASK)
			ct_error(t, "ADL page %u beyond the device's reach", i);
	cond_resched();
	free.pAdl = alloc.pAdl;
	t->kt->iface.DxgkCbFreeAdl(&free);
}

static void ct_view(struct ct_thread *t, struct ct_slot *s)
{
	u32 first = ct_rand(t, s->pages);
	u32 count = 1 + ct_rand(t, s->pages - first);
	DXGKARGCB_MAP_PHYSICAL_MEMORY map = {
		.hPhysicalMemoryObject = s->pmo,
		.AccessMode = DXGK_ACCESS_MODE_KERNEL_MODE,
		.Offset = (SIZE_T)first << PAGE_SHIFT,
		.Size = (SIZE_T)count << PAGE_SHIFT,
	};
	DXGKARGCB_UNMAP_PHYSICAL_MEMORY unmap = {
		.hPhysicalMemoryObject = s->pmo,
	};
	u32 *word, value = prandom_u32_state(&t->rnd);
	NTSTATUS status;

	status = t->kt->iface.DxgkCbMapPhysicalMemory(&map);
	if (status != STATUS_SUCCESS || !map.pMappedAddress) {
		ct_error(t, "view of %u pages at %u: %#x", count, first,
			 status);
		return;
	}
	if (map.Size != (SIZE_T)count << PAGE_SHIFT || map.Offset)
		ct_error(t, "view of %u pages came back as %lu bytes at +%lu",
			 count, map.Size, map.Offset);
	/* Other threads share the bytes: this thread's word is its own. */
	word = (u32 *)map.pMappedAddress + (t - t->ct->threads);
	WRITE_ONCE(*word, value);
	if (READ_ONCE(*word) != value)
		ct_error(t, "view of %u pages at %u lost a write", count,
			 first);
	unmap.pBaseAddress = map.pMappedAddress;
	unmap.Size = map.Size;
	t->kt->iface.DxgkCbUnmapPhysicalMemory(&unmap);
}

/* One operation on one random slot. */
static void ct_step(struct ct_thread *t)
{
	struct ct_slot *s = &t->ct->slots[ct_rand(t, CT_SLOTS)];
	u32 r = ct_rand(t, 16);
	enum ct_op op;

	/* Mostly ADLs and views, on objects other threads use too. */
	op = r < 2 ? CT_CREATE : r < 3 ? CT_DESTROY : r < 5 ? CT_OPEN_CLOSE :
	     r < 11 ? CT_ADL : CT_VIEW;
	if (op <= CT_OPEN_CLOSE) {
		down_write(&s->rw);
		if (op == CT_CREATE && !s->pmo)
			ct_create(t, s);
		else if (op == CT_DESTROY && s->pmo)
			ct_destroy(t, s);
		else if (op == CT_OPEN_CLOSE && s->pmo)
			ct_open_close(t, s);
		else
			op = CT_NR_OPS;
		up_write(&s->rw);
	} else {
		down_read(&s->rw);
		if (!s->pmo)
			op = CT_NR_OPS;
		else if (op == CT_ADL)
			ct_adl(t, s);
		else
			ct_view(t, s);
		up_read(&s->rw);
	}
	if (op < CT_NR_OPS)
		t->ops[op]++;
}

static int ct_thread_fn(void *arg)
{
	struct ct_thread *t = arg;

	while (time_before(jiffies, t->ct->deadline) && t->errors < 16) {
		ct_step(t);
		cond_resched();
	}
	complete(&t->done);
	return 0;
}

/*
 * Pass: CT_THREADS_PER_ADAPTER threads on each of two adapters (edu0 and
 * edu1) run for CT_SECONDS on one pool of CT_SLOTS objects of every
 * page-backed type and cache type, created with or without an adapter and
 * opened through either, and every call returns exactly what the books say
 * (success for every create, open, ADL and view; destroyed handles dead at
 * once; ADLs of the right length within the device's reach; views that
 * keep what is written through them); the pool is then emptied, and every
 * dxgkpm counter (objects, attachments, ADLs, views, pages, pins, DMA
 * mappings) is back to zero. Lockdep, KASAN and DMA-API debugging watch.
 */
static void dxgkpm_concurrency_pool(struct kunit *test)
{
	unsigned long total[CT_NR_OPS] = {}, all = 0;
	struct dxgkpm_kt *kts[CT_ADAPTERS];
	struct task_struct *task;
	struct ct_thread *t;
	struct ct *ct;
	unsigned int i, op;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	for (i = 0; i < CT_ADAPTERS; i++)
		kts[i] = dxgkpm_kt_setup(test, i);
	ct = kunit_kzalloc(test, sizeof(*ct), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ct);
	for (i = 0; i < CT_SLOTS; i++)
		init_rwsem(&ct->slots[i].rw);

	kunit_info(test, "%u threads on %u adapters, %u s, seed %#x\n",
		   CT_THREADS, CT_ADAPTERS, CT_SECONDS, CT_SEED);
	ct->deadline = jiffies + CT_SECONDS * HZ;
	for (i = 0; i < CT_THREADS; i++) {
		t = &ct->threads[i];
		t->ct = ct;
		t->kt = kts[i % CT_ADAPTERS];
		prandom_seed_state(&t->rnd, CT_SEED + i);
		init_completion(&t->done);
		task = kthread_run(ct_thread_fn, t, "dxgkpm-ct/%u", i);
		if (IS_ERR(task)) {
			KUNIT_FAIL(test, "kthread %u: %pe", i, task);
			complete(&t->done);
		}
	}
	for (i = 0; i < CT_THREADS; i++)
		wait_for_completion(&ct->threads[i].done);

	for (i = 0; i < CT_THREADS; i++) {
		t = &ct->threads[i];
		KUNIT_EXPECT_EQ_MSG(test, t->errors, 0UL,
				    "thread %u (adapter %u): %s", i,
				    i % CT_ADAPTERS, t->first_error);
		for (op = 0; op < CT_NR_OPS; op++)
			total[op] += t->ops[op];
	}
	for (op = 0; op < CT_NR_OPS; op++) {
		kunit_info(test, "%s: %lu\n", ct_op_names[op], total[op]);
		all += total[op];
		KUNIT_EXPECT_GT_MSG(test, total[op], 0UL,
				    "no %s ran concurrently", ct_op_names[op]);
	}
	kunit_info(test, "%lu operations in all\n", all);

	/* Empty the pool through the callbacks, then count. */
	t = &ct->threads[0];
	for (i = 0; i < CT_SLOTS; i++)
		if (ct->slots[i].pmo)
			ct_destroy(t, &ct->slots[i]);
	KUNIT_EXPECT_EQ_MSG(test, t->errors, 0UL, "%s", t->first_error);
	dxgkpm_kt_expect_no_memory(test);
}

/* Runs last: whatever the earlier tests did, dxgkpm must hold nothing. */
static void dxgkpm_concurrency_idle_after(struct kunit *test)
{
	dxgkpm_kt_expect_idle(test);
}

static struct kunit_case dxgkpm_concurrency_cases[] = {
	KUNIT_CASE_SLOW(dxgkpm_concurrency_pool),
	KUNIT_CASE(dxgkpm_concurrency_idle_after),
	{}
};

static struct kunit_suite dxgkpm_concurrency_suite = {
	.name = "dxgkpm_concurrency",
	.init = dxgkpm_kt_init,
	.suite_init = dxgkpm_kt_suite_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_concurrency_cases,
};

kunit_test_suite(dxgkpm_concurrency_suite);
