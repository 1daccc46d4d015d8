// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The kernel's own fault injection (lib/fault-inject.c, mm/failslab.c,
 * mm/fail_page_alloc.c), armed from inside a KUnit test as syzkaller arms it
 * from user space: every slab and page allocation may fail (ignore-gfp-wait
 * and ignore-gfp-highmem off, min-order 0), nothing fails at random
 * (probability 0, verbose 0), and the calling task's fail-nth picks the one
 * allocation that does. should_fail_ex() counts fail-nth down at each
 * allocation the task makes in task context and fails the one where it
 * reaches zero, so a run with a fail-nth no operation reaches counts the
 * operation's allocations, and the run with fail-nth n fails the n-th.
 *
 * Two kinds of allocation are kept out of the count with the stack-trace
 * filter of each attribute (CONFIG_FAULT_INJECTION_STACKTRACE_FILTER),
 * because whether they happen depends on what other code did before, not
 * on the operation under test, and because failing them tests something
 * else than the operation:
 *
 * - fail_page_alloc rejects allocate_slab(): a new slab for a kmalloc()
 *   is needed only when the cache's partial slabs ran out (and with KASAN's
 *   quarantine that depends on every earlier free in the system); the
 *   kmalloc() itself is one failslab point already.
 * - failslab rejects add_dma_entry(): DMA-API debugging files each mapping
 *   in a radix tree of cache lines, whose nodes come and go with every
 *   mapping in the system, and it turns itself off for good the first
 *   time one cannot be allocated ("cacheline tracking ENOMEM"), which
 *   would blind the checks of every later test.
 *
 * debugfs is not mounted in the KUnit machine, and kernel_write() cannot
 * write its attribute files anyway: __kernel_write_iter() needs
 * ->write_iter, which they do not have. debugfs keeps the address of the
 * variable behind each attribute in the file's inode (the data argument of
 * debugfs_create_file() becomes i_private, as its kernel-doc says), so the
 * test looks the files up with debugfs_lookup() and sets the variables the
 * files would set, with the types their debugfs_create_*() calls give them.
 * Every value is put back when the test ends, by a KUnit action; writing
 * through the files from a user buffer, as dxgkpm_kmemleak does with
 * kmemleak's control file, would not do for that: actions run in a thread
 * of their own, which has no user address space.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kallsyms.h>
#include <linux/limits.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "failnth.h"

/* How a debugfs attribute file stores its value. */
enum failnth_type {
	FAILNTH_BOOL,	/* debugfs_create_bool() */
	FAILNTH_U32,	/* debugfs_create_u32() */
	FAILNTH_ULONG,	/* the fault attributes' unsigned longs */
	FAILNTH_ATOMIC,	/* debugfs_create_atomic_t() */
};

/* Enough for every knob both attributes have. */
#define FAILNTH_MAX_KNOBS	40

/**
 * struct failnth_knob - one attribute set by the test
 * @value: where the attribute's file reads and writes it
 * @type: its type
 * @saved: the value before the test
 */
struct failnth_knob {
	void *value;
	enum failnth_type type;
	long saved;
};

/**
 * struct failnth_state - every attribute the test changed
 * @count: knobs in use
 * @knob: the knobs, restored in reverse order
 */
struct failnth_state {
	unsigned int count;
	struct failnth_knob knob[FAILNTH_MAX_KNOBS];
};

static long failnth_get(const struct failnth_knob *k)
{
	switch (k->type) {
	case FAILNTH_BOOL:
		return *(bool *)k->value;
	case FAILNTH_U32:
		return *(u32 *)k->value;
	case FAILNTH_ATOMIC:
		return atomic_read(k->value);
	default:
		return *(unsigned long *)k->value;
	}
}

static void failnth_put(const struct failnth_knob *k, long v)
{
	switch (k->type) {
	case FAILNTH_BOOL:
		WRITE_ONCE(*(bool *)k->value, v);
		break;
	case FAILNTH_U32:
		WRITE_ONCE(*(u32 *)k->value, v);
		break;
	case FAILNTH_ATOMIC:
		atomic_set(k->value, v);
		break;
	default:
		WRITE_ONCE(*(unsigned long *)k->value, v);
		break;
	}
}

/* The state of the test that armed injection; KUnit runs one at a time. */
static struct failnth_state *failnth_armed;

/*
 * Runs in KUnit's cleanup thread, once the case's thread, the only one
 * whose fail-nth or make_it_fail was set, is gone.
 */
static void failnth_restore(void *data)
{
	struct failnth_state *s = data;

	while (s->count) {
		s->count--;
		failnth_put(&s->knob[s->count], s->knob[s->count].saved);
	}
	failnth_armed = NULL;
	kfree(s);
}

/**
 * dxgkpm_kt_debugfs_value() - the variable behind a debugfs attribute file
 * @test: the test; it fails when the file does not exist
 * @dir: directory in the debugfs root ("failslab")
 * @name: file in it ("ignore-gfp-wait")
 *
 * Return: the address the file reads and writes (its inode's i_private).
 */
void *dxgkpm_kt_debugfs_value(struct kunit *test, const char *dir,
			      const char *name)
{
	struct dentry *d, *f;
	void *value;

	d = debugfs_lookup(dir, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, d, "no debugfs directory %s",
					 dir);
	f = debugfs_lookup(name, d);
	dput(d);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, f, "no debugfs file %s/%s",
					 dir, name);
	value = d_inode(f)->i_private;
	dput(f);
	KUNIT_ASSERT_NOT_NULL(test, value);
	return value;
}

/* Set one attribute for the rest of the test, remembering its value. */
static void failnth_set(struct kunit *test, const char *dir, const char *name,
			enum failnth_type type, long value)
{
	struct failnth_state *s = failnth_armed;
	struct failnth_knob *k;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_LT(test, s->count, FAILNTH_MAX_KNOBS);
	k = &s->knob[s->count];
	k->value = dxgkpm_kt_debugfs_value(test, dir, name);
	k->type = type;
	k->saved = failnth_get(k);
	s->count++;
	failnth_put(k, value);
}

/* Where a function's code lies, or fail the test. */
static void failnth_symbol(struct kunit *test, const char *symbol,
			   unsigned long *start, unsigned long *end)
{
	unsigned long addr = kallsyms_lookup_name(symbol), size, offset;

	KUNIT_ASSERT_NE_MSG(test, addr, 0UL, "%s is not in kallsyms", symbol);
	KUNIT_ASSERT_TRUE(test, kallsyms_lookup_size_offset(addr, &size,
							    &offset));
	KUNIT_ASSERT_EQ(test, offset, 0UL);
	*start = addr;
	*end = addr + size;
}

/* Arm one attribute: any allocation may fail, none at random. */
static void failnth_arm_attr(struct kunit *test, const char *dir,
			     const char *reject)
{
	unsigned long start, end;

	failnth_symbol(test, reject, &start, &end);
	failnth_set(test, dir, "ignore-gfp-wait", FAILNTH_BOOL, false);
	failnth_set(test, dir, "probability", FAILNTH_ULONG, 0);
	failnth_set(test, dir, "interval", FAILNTH_ULONG, 1);
	failnth_set(test, dir, "times", FAILNTH_ATOMIC, -1);
	failnth_set(test, dir, "space", FAILNTH_ATOMIC, 0);
	failnth_set(test, dir, "verbose", FAILNTH_ULONG, 0);
	failnth_set(test, dir, "task-filter", FAILNTH_BOOL, false);
	failnth_set(test, dir, "stacktrace-depth", FAILNTH_ULONG, 32);
	failnth_set(test, dir, "require-start", FAILNTH_ULONG, 0);
	failnth_set(test, dir, "require-end", FAILNTH_ULONG, ULONG_MAX);
	failnth_set(test, dir, "reject-start", FAILNTH_ULONG, start);
	failnth_set(test, dir, "reject-end", FAILNTH_ULONG, end);
}

/**
 * dxgkpm_failnth_arm() - arm failslab and fail_page_alloc for fail-nth
 * @test: the test; every attribute gets its value back when it ends
 *
 * Only the task whose fail-nth is set (dxgkpm_failnth_start()) sees a
 * failure, and only at the allocation fail-nth picks; with probability 0
 * no other allocation in the system fails.
 */
void dxgkpm_failnth_arm(struct kunit *test)
{
	struct failnth_state *s;

	KUNIT_ASSERT_NULL(test, failnth_armed);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, failnth_restore,
							s), 0);
	failnth_armed = s;
	WRITE_ONCE(current->fail_nth, 0);

	failnth_arm_attr(test, "failslab", "add_dma_entry");
	failnth_set(test, "failslab", "cache-filter", FAILNTH_BOOL, false);

	failnth_arm_attr(test, "fail_page_alloc", "allocate_slab");
	failnth_set(test, "fail_page_alloc", "ignore-gfp-highmem",
		    FAILNTH_BOOL, false);
	failnth_set(test, "fail_page_alloc", "min-order", FAILNTH_U32, 0);
}

/**
 * dxgkpm_failnth_under() - fail every slab allocation made inside a function
 * @test: the test; injection must be armed (dxgkpm_failnth_arm())
 * @symbol: the function
 *
 * Some failures take more than one failed allocation: an XArray retries a
 * node that GFP_NOWAIT could not get with the caller's flags, so fail-nth,
 * which fails one allocation per run, never makes an XArray store fail.
 * From now on, failslab fails every allocation whose stack holds @symbol,
 * in the tasks that dxgkpm_failnth_task() turns on; nothing else.
 */
void dxgkpm_failnth_under(struct kunit *test, const char *symbol)
{
	unsigned long start, end;

	failnth_symbol(test, symbol, &start, &end);
	failnth_set(test, "failslab", "reject-start", FAILNTH_ULONG, 0);
	failnth_set(test, "failslab", "reject-end", FAILNTH_ULONG, 0);
	failnth_set(test, "failslab", "require-start", FAILNTH_ULONG, start);
	failnth_set(test, "failslab", "require-end", FAILNTH_ULONG, end);
	failnth_set(test, "failslab", "task-filter", FAILNTH_BOOL, true);
	failnth_set(test, "failslab", "probability", FAILNTH_ULONG, 100);
}

/**
 * dxgkpm_failnth_task() - let dxgkpm_failnth_under() fail the calling task
 * @on: whether its allocations fail
 */
void dxgkpm_failnth_task(bool on)
{
	current->make_it_fail = on;
}

/**
 * dxgkpm_failnth_start() - fail the @nth allocation the calling task makes
 * @nth: 1 for the first; DXGKPM_FAILNTH_COUNT to count without failing
 */
void dxgkpm_failnth_start(unsigned int nth)
{
	WRITE_ONCE(current->fail_nth, nth);
}

/**
 * dxgkpm_failnth_stop() - stop failing allocations of the calling task
 *
 * Return: what was left of fail-nth: 0 if the chosen allocation was reached
 * (and failed), else the start value minus the allocations made.
 */
unsigned int dxgkpm_failnth_stop(void)
{
	unsigned int left = READ_ONCE(current->fail_nth);

	WRITE_ONCE(current->fail_nth, 0);
	return left;
}
