// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite "dxgkpm_concurrency": the DXGK callbacks racing each other on
 * one object, with nothing of the test's own between them and the object.
 *
 * The races: AllocateAdl, a kernel view, Open and a user view against
 * Destroy or Close of the same object; FreeAdl and Unmap of the last thing
 * that holds an object against its Destroy or Close; a process reading
 * through its user view and unmapping it while another thread destroys the
 * object; two threads freeing one WDDM 2.4 allocation; a device copying by
 * DMA through an ADL while another thread keeps trying to destroy, close
 * and build and free ADLs of the same object; adapters unregistered while
 * threads create, open, map and allocate on them (STATUS_NO_SUCH_DEVICE);
 * adapters linked and unlinked while another thread opens objects and
 * builds ADLs on them; and a pool of objects that eight threads on two
 * adapters use and destroy at random, all with the kernel's checkers on.
 *
 * The only books the test keeps are the caller's: the handles and pointers
 * a driver holds too. Each race runs in rounds: the main thread prepares an
 * object, the racing threads start together (each after a random delay,
 * some rounds none) and the main thread then classifies what happened. A
 * race has a set of allowed outcomes (for instance "AllocateAdl won:
 * Destroy refused, the ADL lives" and "Destroy won: AllocateAdl failed with
 * STATUS_INVALID_HANDLE"); anything else fails the test, and the outcomes
 * that prove the race was run both ways must each have been seen. Every
 * count is printed. After every round dxgkpm must hold nothing.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/iommu.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pci.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "dma_helpers.h"

#define CR_WORKERS	3	/* racing threads, at most */
#define CR_OUTCOMES	4	/* outcomes of one race, at most */
#define CR_MIN_ROUNDS	32
#define CR_MAX_ROUNDS	400
#define CR_SEEN		4	/* times each required outcome is wanted */
#define CR_MAX_PAGES	8
#define CR_SEED		0xc0cc0000U
#define CR_BAD_SHOWN	4	/* bad outcomes described, per race */

/* ---------------------------------------------------------- the caller */

/*
 * The DXGK calls as a driver makes them. Each returns what the call gave
 * and nothing else: judging is the race's business.
 */
static NTSTATUS cr_create(struct dxgkpm_kt *kt, bool with_adapter,
			  DXGK_PHYSICAL_MEMORY_TYPE type,
			  DXGK_MEMORY_CACHING_TYPE cache, u32 pages,
			  HANDLE *pmo, HANDLE *amo)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT args;
	NTSTATUS status;

	dxgkpm_dkt_args(&args, kt, with_adapter, type, cache,
			(size_t)pages << PAGE_SHIFT);
	/* Anywhere: no test here is about high memory. */
	args.Mdl.LowAddress.QuadPart = 0;
	args.ContiguousMemory.LowestAcceptableAddress.QuadPart = 0;
	if (type == DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE)
		args.IOSpace.BaseAddress.QuadPart =
			pci_resource_start(kt->edu->pdev, 0);
	status = kt->iface.DxgkCbCreatePhysicalMemoryObject(&args);
	*pmo = args.hPhysicalMemoryObject;
	*amo = args.hAdapterMemoryObject;
	return status;
}

static void cr_destroy(struct dxgkpm_kt *kt, HANDLE pmo, HANDLE amo)
{
	DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT args = {
		.hPhysicalMemoryObject = pmo,
		.hAdapterMemoryObject = amo,
	};

	kt->iface.DxgkCbDestroyPhysicalMemoryObject(&args);
}

static NTSTATUS cr_open(struct dxgkpm_kt *kt, HANDLE pmo, HANDLE *amo)
{
	DXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT args = {
		.hPhysicalMemoryObject = pmo,
		.hAdapter = kt->h,
		.hAdapterMemoryObject = (HANDLE)1,
	};
	NTSTATUS status;

	status = kt->iface.DxgkCbOpenPhysicalMemoryObject(&args);
	*amo = args.hAdapterMemoryObject;
	return status;
}

static void cr_close(struct dxgkpm_kt *kt, HANDLE amo)
{
	DXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT args = {
		.hAdapterMemoryObject = amo,
	};

	kt->iface.DxgkCbClosePhysicalMemoryObject(&args);
}

static NTSTATUS cr_adl(struct dxgkpm_kt *kt, HANDLE amo, u32 first,
		       u32 count, DXGK_ADL **adl)
{
	DXGKARGCB_ALLOCATE_ADL args = {
		.hAdapterMemoryObject = amo,
		.Offset = (SIZE_T)first << PAGE_SHIFT,
		.Size = (SIZE_T)count << PAGE_SHIFT,
		.pAdl = (DXGK_ADL *)1,
	};
	NTSTATUS status;

	args.Flags.PreferContiguous = 1;
	status = kt->iface.DxgkCbAllocateAdl(&args);
	*adl = args.pAdl;
	return status;
}

static void cr_free_adl(struct dxgkpm_kt *kt, HANDLE amo, DXGK_ADL *adl)
{
	DXGKARGCB_FREE_ADL args = {
		.hAdapterMemoryObject = amo,
		.pAdl = adl,
	};

	kt->iface.DxgkCbFreeAdl(&args);
}

static NTSTATUS cr_map(struct dxgkpm_kt *kt, HANDLE pmo, DXGK_ACCESS_MODE mode,
		       u32 pages, void **addr, SIZE_T *size)
{
	DXGKARGCB_MAP_PHYSICAL_MEMORY args = {
		.hPhysicalMemoryObject = pmo,
		.AccessMode = mode,
		.Size = (SIZE_T)pages << PAGE_SHIFT,
		.pMappedAddress = (void *)1,
	};
	NTSTATUS status;

	status = kt->iface.DxgkCbMapPhysicalMemory(&args);
	*addr = args.pMappedAddress;
	*size = args.Size;
	return status;
}

static void cr_unmap(struct dxgkpm_kt *kt, HANDLE pmo, void *addr, SIZE_T size)
{
	DXGKARGCB_UNMAP_PHYSICAL_MEMORY args = {
		.hPhysicalMemoryObject = pmo,
		.pBaseAddress = addr,
		.Size = size,
	};

	kt->iface.DxgkCbUnmapPhysicalMemory(&args);
}

/* What the VOID calls did is seen through the handles afterwards. */
static bool cr_pmo_alive(HANDLE handle)
{
	struct dxgkpm_pmo *pmo = dxgkpm_pmo_get_handle(dxgkpm_handle_to_u64(handle));

	if (pmo)
		dxgkpm_pmo_put(pmo);
	return pmo;
}

static bool cr_amo_alive(HANDLE handle)
{
	struct dxgkpm_amo *amo = dxgkpm_amo_get_handle(dxgkpm_handle_to_u64(handle));

	if (amo)
		dxgkpm_amo_put(amo);
	return amo;
}

/* Whether @adl is one of the live ADLs of the AMO @handle. */
static bool cr_adl_alive(HANDLE handle, const DXGK_ADL *adl)
{
	struct dxgkpm_amo *amo = dxgkpm_amo_get_handle(dxgkpm_handle_to_u64(handle));
	struct dxgkpm_adl *pos;
	bool found = false;

	if (!amo)
		return false;
	mutex_lock(&amo->pmo->lock);
	list_for_each_entry(pos, &amo->adls, node)
		found |= dxgkpm_adl_caller(pos) == adl;
	mutex_unlock(&amo->pmo->lock);
	dxgkpm_amo_put(amo);
	return found;
}

/* ------------------------------------------------------------ harness */

struct cr;
struct cr_worker;

typedef void (*cr_op_fn)(struct cr *cr, struct cr_worker *w);

/**
 * struct cr_obj - the object of one round, as its caller knows it
 * @type: memory type
 * @cache: cache type
 * @pages: size in pages
 * @kt: the adapter it was created or opened through
 * @pmo: hPhysicalMemoryObject
 * @amo: hAdapterMemoryObject, or NULL
 * @adl: an ADL of all of it, or NULL
 * @view: a view of all of it (kernel or user), or NULL
 * @view_size: its size
 * @mem: a WDDM 2.4 hMemoryHandle
 * @mem_kind: 0: contiguous memory, 1: pages for an MDL
 * @seed: the pattern written into it
 */
struct cr_obj {
	DXGK_PHYSICAL_MEMORY_TYPE type;
	DXGK_MEMORY_CACHING_TYPE cache;
	u32 pages;
	struct dxgkpm_kt *kt;
	HANDLE pmo;
	HANDLE amo;
	DXGK_ADL *adl;
	void *view;
	SIZE_T view_size;
	HANDLE mem;
	unsigned int mem_kind;
	u32 seed;
};

/**
 * struct cr_worker - one racing thread
 * @cr: the race
 * @id: its index; the race's op[@id] is what it does
 * @task: the thread
 * @seen: the last round it ran
 * @rnd: its random state
 */
struct cr_worker {
	struct cr *cr;
	unsigned int id;
	struct task_struct *task;
	unsigned long seen;
	struct rnd_state rnd;
};

/**
 * struct cr_race - a race: its threads, and how a round is judged
 * @name: for messages
 * @workers: racing threads
 * @user: the threads work in the test's address space (user views)
 * @setup: prepares the round's object (the main thread; asserts)
 * @op: what each thread does in a round
 * @judge: classifies the round and gives back what is left; returns the
 *	outcome, or -1 for one the contract does not allow (described in
 *	cr->why)
 * @outcomes: the names of the allowed outcomes
 * @must: the outcomes that must each be seen, CR_SEEN times if they can
 * @rounds: run exactly so many rounds (0: as CR_MIN_ROUNDS..CR_MAX_ROUNDS)
 */
struct cr_race {
	const char *name;
	unsigned int workers;
	bool user;
	void (*setup)(struct cr *cr);
	cr_op_fn op[CR_WORKERS];
	int (*judge)(struct cr *cr);
	const char *outcomes[CR_OUTCOMES];
	u32 must;
	unsigned int rounds;
};

/**
 * struct cr - the state of a race
 * @test: the test
 * @race: the race
 * @kt: the two adapters
 * @mm: the test's address space, for user views
 * @rnd: the main thread's random state
 * @wq: where threads wait for a round
 * @round: the current round; a new value starts one
 * @pending: threads still in the round
 * @done: completed by the last thread of a round
 * @w: the threads
 * @obj: the round's object
 * @status: what each thread's call returned
 * @out: what each thread's call gave back (pAdl, pMappedAddress, ...)
 * @flag: what each thread saw (the race's own meaning)
 * @count: events counted by the threads (the race's own meaning)
 * @outcomes: rounds, per outcome
 * @freeing: the device's thread is giving its ADL back (DMA race)
 * @stop: the threads' loops end (a round's own meaning)
 * @bad: rounds with an outcome the contract does not allow
 * @why: what the last judge found wrong
 * @priv: the state of a test that is not a plain race
 */
struct cr {
	struct kunit *test;
	const struct cr_race *race;
	struct dxgkpm_kt *kt[2];
	struct mm_struct *mm;
	struct rnd_state rnd;
	wait_queue_head_t wq;
	unsigned long round;
	atomic_t pending;
	struct completion done;
	struct cr_worker w[CR_WORKERS];
	struct cr_obj obj;
	NTSTATUS status[CR_WORKERS];
	void *out[CR_WORKERS];
	bool flag[CR_WORKERS];
	atomic_long_t count[4];
	unsigned long outcomes[CR_OUTCOMES];
	bool freeing;
	bool stop;
	unsigned long bad;
	char why[160];
	void *priv;
};

static u32 cr_rand(struct rnd_state *rnd, u32 n)
{
	return prandom_u32_state(rnd) % n;
}

static __printf(2, 3) int cr_bad(struct cr *cr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cr->why, sizeof(cr->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* Start the threads together, some rounds after a random delay each. */
static void cr_jitter(struct cr_worker *w)
{
	switch (cr_rand(&w->rnd, 4)) {
	case 0:
		break;
	case 1:
		udelay(cr_rand(&w->rnd, 20));
		break;
	case 2:
		udelay(cr_rand(&w->rnd, 200));
		break;
	default:
		usleep_range(10, 10 + cr_rand(&w->rnd, 400));
		break;
	}
}

static int cr_thread(void *arg)
{
	struct cr_worker *w = arg;
	struct cr *cr = w->cr;

	if (cr->mm)
		kthread_use_mm(cr->mm);
	for (;;) {
		wait_event(cr->wq, READ_ONCE(cr->round) != w->seen ||
			   kthread_should_stop());
		if (kthread_should_stop())
			break;
		w->seen = READ_ONCE(cr->round);
		cr_jitter(w);
		cr->race->op[w->id](cr, w);
		if (atomic_dec_and_test(&cr->pending))
			complete(&cr->done);
	}
	if (cr->mm)
		kthread_unuse_mm(cr->mm);
	return 0;
}

/* Start a round: every thread does its part once. */
static void cr_start_round(struct cr *cr)
{
	memset(cr->status, 0, sizeof(cr->status));
	memset(cr->out, 0, sizeof(cr->out));
	memset(cr->flag, 0, sizeof(cr->flag));
	WRITE_ONCE(cr->freeing, false);
	WRITE_ONCE(cr->stop, false);
	reinit_completion(&cr->done);
	atomic_set(&cr->pending, cr->race->workers);
	smp_wmb();	/* the round's object before the round */
	WRITE_ONCE(cr->round, cr->round + 1);
	wake_up_all(&cr->wq);
}

static void cr_wait_round(struct cr *cr)
{
	wait_for_completion(&cr->done);
	smp_rmb();	/* what the threads wrote */
}

static void cr_go(struct cr *cr)
{
	cr_start_round(cr);
	cr_wait_round(cr);
}

/* An adapter of the two, and a type and cache type that go together. */
static void cr_pick(struct cr *cr, struct cr_obj *o, bool io)
{
	static const DXGK_PHYSICAL_MEMORY_TYPE types[] = {
		DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
		DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
		DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE,
	};

	memset(o, 0, sizeof(*o));
	o->kt = cr->kt[cr_rand(&cr->rnd, 2)];
	o->type = types[cr_rand(&cr->rnd, io ? 4 : 3)];
	o->cache = cr_rand(&cr->rnd, 3);
	o->pages = 1 + cr_rand(&cr->rnd, CR_MAX_PAGES);
	if (o->type == DXGK_PHYSICAL_MEMORY_TYPE_SECTION &&
	    o->cache == DXGK_MEMORY_CACHING_TYPE_NON_CACHED)
		o->cache = DXGK_MEMORY_CACHING_TYPE_CACHED;
	if (o->type == DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE)
		o->cache = DXGK_MEMORY_CACHING_TYPE_NON_CACHED;
}

/*
 * The round's object: created through one adapter, with its hAdapter or
 * without and then opened (through either adapter) when @open; with @io,
 * IO space too.
 */
static void cr_new(struct cr *cr, bool open, bool io)
{
	struct cr_obj *o = &cr->obj;
	bool with_adapter = open && cr_rand(&cr->rnd, 2);
	NTSTATUS status;

	cr_pick(cr, o, io);
	if (o->type == DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE)
		with_adapter = true;	/* its BAR's adapter */
	status = cr_create(o->kt, with_adapter, o->type, o->cache, o->pages,
			   &o->pmo, &o->amo);
	KUNIT_ASSERT_EQ_MSG(cr->test, status, STATUS_SUCCESS,
			    "creating a %s object of %u pages",
			    dxgkpm_type_name((enum dxgkpm_mem_type)o->type),
			    o->pages);
	if (open && !o->amo) {
		o->kt = cr->kt[cr_rand(&cr->rnd, 2)];
		KUNIT_ASSERT_EQ(cr->test, cr_open(o->kt, o->pmo, &o->amo),
				STATUS_SUCCESS);
	}
	if (!open && o->amo) {
		cr_close(o->kt, o->amo);
		o->amo = NULL;
	}
}

/* Give back what a round left, checking each step took effect. */
static void cr_free_adl_checked(struct cr *cr, HANDLE amo, DXGK_ADL *adl)
{
	long adls = DXGKPM_KT_STAT(adls);

	cr_free_adl(cr->obj.kt, amo, adl);
	KUNIT_EXPECT_EQ_MSG(cr->test, DXGKPM_KT_STAT(adls), adls - 1,
			    "%s: FreeAdl of a live ADL was refused",
			    cr->race->name);
}

static void cr_destroy_checked(struct cr *cr, HANDLE pmo, HANDLE amo)
{
	cr_destroy(cr->obj.kt, pmo, amo);
	KUNIT_EXPECT_FALSE_MSG(cr->test, cr_pmo_alive(pmo),
			       "%s: Destroy of an idle object was refused",
			       cr->race->name);
}

static void cr_unmap_checked(struct cr *cr, HANDLE pmo, void *addr, SIZE_T size)
{
	long kviews = DXGKPM_KT_STAT(kviews), uviews = DXGKPM_KT_STAT(uviews);

	cr_unmap(cr->obj.kt, pmo, addr, size);
	KUNIT_EXPECT_EQ_MSG(cr->test,
			    DXGKPM_KT_STAT(kviews) + DXGKPM_KT_STAT(uviews),
			    kviews + uviews - 1, "%s: Unmap was refused",
			    cr->race->name);
}

/* The user view at @addr, exactly (mapped), or nothing there. */
static bool cr_user_mapped(struct mm_struct *mm, void *addr, SIZE_T size)
{
	unsigned long start = (unsigned long)addr;
	struct vm_area_struct *vma;
	bool mapped;

	mmap_read_lock(mm);
	vma = find_vma(mm, start);
	mapped = vma && vma->vm_start == start &&
		 vma->vm_end - vma->vm_start == size;
	mmap_read_unlock(mm);
	return mapped;
}

/* ---------------------------------------------------------- the races */

static void cr_setup_open(struct cr *cr)
{
	cr_new(cr, true, true);
}

static void cr_setup_closed(struct cr *cr)
{
	cr_new(cr, false, true);
}

static void cr_setup_adl(struct cr *cr)
{
	cr_new(cr, true, true);
	KUNIT_ASSERT_EQ(cr->test, cr_adl(cr->obj.kt, cr->obj.amo, 0,
					 cr->obj.pages, &cr->obj.adl),
			STATUS_SUCCESS);
}

static void cr_setup_kview(struct cr *cr)
{
	cr_new(cr, cr_rand(&cr->rnd, 2), true);
	KUNIT_ASSERT_EQ(cr->test, cr_map(cr->obj.kt, cr->obj.pmo,
					 DXGK_ACCESS_MODE_KERNEL_MODE,
					 cr->obj.pages, &cr->obj.view,
					 &cr->obj.view_size),
			STATUS_SUCCESS);
}

/* Destroy, passing the AMO or not (it is closed either way). */
static void cr_op_destroy(struct cr *cr, struct cr_worker *w)
{
	cr_destroy(cr->obj.kt, cr->obj.pmo,
		   cr_rand(&w->rnd, 2) ? cr->obj.amo : NULL);
}

static void cr_op_close(struct cr *cr, struct cr_worker *w)
{
	cr_close(cr->obj.kt, cr->obj.amo);
}

static void cr_op_adl(struct cr *cr, struct cr_worker *w)
{
	DXGK_ADL *adl;

	cr->status[w->id] = cr_adl(cr->obj.kt, cr->obj.amo, 0, cr->obj.pages,
				   &adl);
	cr->out[w->id] = adl;
}

static void cr_op_kmap(struct cr *cr, struct cr_worker *w)
{
	SIZE_T size;

	cr->status[w->id] = cr_map(cr->obj.kt, cr->obj.pmo,
				   DXGK_ACCESS_MODE_KERNEL_MODE, cr->obj.pages,
				   &cr->out[w->id], &size);
}

static void cr_op_free_adl(struct cr *cr, struct cr_worker *w)
{
	cr_free_adl(cr->obj.kt, cr->obj.amo, cr->obj.adl);
}

static void cr_op_unmap(struct cr *cr, struct cr_worker *w)
{
	cr_unmap(cr->obj.kt, cr->obj.pmo, cr->obj.view, cr->obj.view_size);
}

static void cr_op_open(struct cr *cr, struct cr_worker *w)
{
	HANDLE amo;

	cr->status[w->id] = cr_open(cr->obj.kt, cr->obj.pmo, &amo);
	cr->out[w->id] = amo;
}

/*
 * AllocateAdl against Destroy: either the ADL is made and Destroy is
 * refused (the object and its ADL live on), or Destroy goes through and
 * AllocateAdl fails with STATUS_INVALID_HANDLE.
 */
static int cr_judge_adl_destroy(struct cr *cr)
{
	struct cr_obj *o = &cr->obj;
	bool alive = cr_pmo_alive(o->pmo);
	DXGK_ADL *adl = cr->out[0];

	if (cr->status[0] == STATUS_SUCCESS && alive && adl &&
	    cr_adl_alive(o->amo, adl)) {
		cr_free_adl_checked(cr, o->amo, adl);
		cr_destroy_checked(cr, o->pmo, o->amo);
		return 0;
	}
	if (cr->status[0] == STATUS_INVALID_HANDLE && !alive && !adl)
		return 1;
	return cr_bad(cr, "AllocateAdl %#x (pAdl %p), object %s",
		      cr->status[0], adl, alive ? "alive" : "destroyed");
}

/*
 * AllocateAdl against Close: the ADL is made and Close refused, or Close
 * goes through and AllocateAdl fails with STATUS_INVALID_HANDLE.
 */
static int cr_judge_adl_close(struct cr *cr)
{
	struct cr_obj *o = &cr->obj;
	bool open = cr_amo_alive(o->amo);
	DXGK_ADL *adl = cr->out[0];

	if (cr->status[0] == STATUS_SUCCESS && open && adl &&
	    cr_adl_alive(o->amo, adl)) {
		cr_free_adl_checked(cr, o->amo, adl);
		cr_destroy_checked(cr, o->pmo, o->amo);
		return 0;
	}
	if (cr->status[0] == STATUS_INVALID_HANDLE && !open && !adl) {
		cr_destroy_checked(cr, o->pmo, NULL);
		return 1;
	}
	return cr_bad(cr, "AllocateAdl %#x (pAdl %p), AMO %s", cr->status[0],
		      adl, open ? "open" : "closed");
}

/*
 * A kernel view against Destroy: the view is made and Destroy refused, or
 * Destroy goes through and Map fails with STATUS_INVALID_HANDLE.
 */
static int cr_judge_kmap_destroy(struct cr *cr)
{
	struct cr_obj *o = &cr->obj;
	bool alive = cr_pmo_alive(o->pmo);
	void *view = cr->out[0];

	if (cr->status[0] == STATUS_SUCCESS && alive && view &&
	    DXGKPM_KT_STAT(kviews) == 1) {
		cr_unmap_checked(cr, o->pmo, view,
				 (SIZE_T)o->pages << PAGE_SHIFT);
		cr_destroy_checked(cr, o->pmo, NULL);
		return 0;
	}
	if (cr->status[0] == STATUS_INVALID_HANDLE && !alive && !view)
		return 1;
	return cr_bad(cr, "Map %#x (%p), object %s, %ld kernel views",
		      cr->status[0], view, alive ? "alive" : "destroyed",
		      DXGKPM_KT_STAT(kviews));
}

/*
 * FreeAdl of the object's only ADL against Destroy: the ADL always goes;
 * Destroy went through if it came after, and was refused if it came
 * before (the object is then still there).
 */
static int cr_judge_free_destroy(struct cr *cr)
{
	struct cr_obj *o = &cr->obj;
	bool alive = cr_pmo_alive(o->pmo);

	if (DXGKPM_KT_STAT(adls))
		return cr_bad(cr, "FreeAdl of a live ADL did nothing (object %s)",
			      alive ? "alive" : "destroyed");
	if (!alive)
		return 0;
	cr_destroy_checked(cr, o->pmo, o->amo);
	return 1;
}

/* FreeAdl of the only ADL against Close: likewise. */
static int cr_judge_free_close(struct cr *cr)
{
	struct cr_obj *o = &cr->obj;
	bool open = cr_amo_alive(o->amo);

	if (DXGKPM_KT_STAT(adls))
		return cr_bad(cr, "FreeAdl of a live ADL did nothing (AMO %s)",
			      open ? "open" : "closed");
	cr_destroy_checked(cr, o->pmo, open ? o->amo : NULL);
	return open;
}

/* Unmap of the only kernel view against Destroy: likewise. */
static int cr_judge_unmap_destroy(struct cr *cr)
{
	struct cr_obj *o = &cr->obj;
	bool alive = cr_pmo_alive(o->pmo);

	if (DXGKPM_KT_STAT(kviews))
		return cr_bad(cr, "Unmap of a kernel view did nothing (object %s)",
			      alive ? "alive" : "destroyed");
	if (!alive)
		return 0;
	cr_destroy_checked(cr, o->pmo, NULL);
	return 1;
}

/*
 * Open against Destroy of an object that is not open: Destroy always goes
 * through (nothing holds the object); Open either came first (it succeeded
 * with an AMO, which Destroy then closed) or failed with
 * STATUS_INVALID_HANDLE. Success without a handle is no outcome.
 */
static int cr_judge_open_destroy(struct cr *cr)
{
	struct cr_obj *o = &cr->obj;
	HANDLE amo = cr->out[0];

	if (cr_pmo_alive(o->pmo))
		return cr_bad(cr, "Destroy of an object nothing holds was refused (Open %#x)",
			      cr->status[0]);
	if (cr->status[0] == STATUS_SUCCESS && amo && !cr_amo_alive(amo) &&
	    !DXGKPM_KT_STAT(amos))
		return 0;
	if (cr->status[0] == STATUS_INVALID_HANDLE && !amo)
		return 1;
	return cr_bad(cr, "Open %#x gave AMO %#llx (%ld open)", cr->status[0],
		      dxgkpm_handle_to_u64(amo), DXGKPM_KT_STAT(amos));
}

/* ---------------------------------------------------------- user views */

/* An object user views can be made of: page-backed, zeroed. */
static void cr_setup_user(struct cr *cr)
{
	cr_new(cr, cr_rand(&cr->rnd, 2), false);
}

/* Map a user view and use it: write a word, read it back. */
static void cr_op_umap(struct cr *cr, struct cr_worker *w)
{
	u32 cookie = 0xc0de0000 | w->id, value = 0;
	u32 __user *up;
	SIZE_T size;

	cr->status[w->id] = cr_map(cr->obj.kt, cr->obj.pmo,
				   DXGK_ACCESS_MODE_USER_MODE, cr->obj.pages,
				   &cr->out[w->id], &size);
	if (cr->status[w->id] != STATUS_SUCCESS)
		return;
	up = (u32 __user __force *)cr->out[w->id];
	cr->flag[w->id] = !put_user(cookie, up) && !get_user(value, up) &&
			  value == cookie;
}

/*
 * A user view against Destroy: a user view does not hold Destroy back, so
 * Destroy always goes through; the view was made first (and keeps the
 * memory, usable, until the process unmaps it; Unmap through the dead
 * handle is refused) or Map failed with STATUS_INVALID_HANDLE.
 */
static int cr_judge_umap_destroy(struct cr *cr)
{
	struct cr_obj *o = &cr->obj;
	void *view = cr->out[0];
	SIZE_T size = (SIZE_T)o->pages << PAGE_SHIFT;
	u32 value = 0;

	if (cr_pmo_alive(o->pmo))
		return cr_bad(cr, "a user view held Destroy back (Map %#x)",
			      cr->status[0]);
	if (cr->status[0] == STATUS_INVALID_HANDLE && !view)
		return 1;
	if (cr->status[0] != STATUS_SUCCESS || !view)
		return cr_bad(cr, "Map %#x gave %p", cr->status[0], view);
	if (!cr->flag[0])
		cr_bad(cr, "the new user view did not keep a write");
	/* The view outlives Destroy, with the memory behind it. */
	if (get_user(value, (u32 __user __force *)view) ||
	    value != (0xc0de0000 | 0) || DXGKPM_KT_STAT(uviews) != 1 ||
	    DXGKPM_KT_STAT(pmos) != 1)
		return cr_bad(cr, "after Destroy the user view reads %#x (%ld views, %ld objects)",
			      value, DXGKPM_KT_STAT(uviews),
			      DXGKPM_KT_STAT(pmos));
	cr_unmap(o->kt, o->pmo, view, size);
	if (!cr_user_mapped(cr->mm, view, size))
		return cr_bad(cr, "Unmap through a dead handle removed the view");
	if (vm_munmap((unsigned long)view, size) || DXGKPM_KT_STAT(pmos))
		return cr_bad(cr, "munmap left %ld objects", DXGKPM_KT_STAT(pmos));
	return cr->flag[0] ? 0 : -1;
}

/* A user view of all of the object, a word at the start of each page. */
static void cr_setup_uview(struct cr *cr)
{
	struct cr_obj *o = &cr->obj;
	u32 i;

	cr_setup_user(cr);
	KUNIT_ASSERT_EQ(cr->test, cr_map(o->kt, o->pmo,
					 DXGK_ACCESS_MODE_USER_MODE, o->pages,
					 &o->view, &o->view_size),
			STATUS_SUCCESS);
	for (i = 0; i < o->pages; i += 2)	/* sections fault the rest */
		KUNIT_ASSERT_EQ(cr->test,
				put_user(0x5a5a0000 | i, (u32 __user __force *)
					 ((u8 *)o->view + ((size_t)i << PAGE_SHIFT))),
				0);
}

/*
 * The process reads every page of its view, again and again: each read
 * gives what was written (zeroes where nothing was), or -EFAULT once the
 * view is gone, never anything else.
 */
static void cr_op_reader(struct cr *cr, struct cr_worker *w)
{
	struct cr_obj *o = &cr->obj;
	u32 i, pass, value;

	for (pass = 0; pass < 64; pass++) {
		for (i = 0; i < o->pages; i++) {
			u8 __user *p = (u8 __user __force *)o->view +
				       ((size_t)i << PAGE_SHIFT);

			if (get_user(value, (u32 __user *)p)) {
				atomic_long_inc(&cr->count[1]);
				return;
			}
			if (value != (i % 2 ? 0 : 0x5a5a0000 | i)) {
				cr->flag[w->id] = true;	/* wrong data */
				return;
			}
			atomic_long_inc(&cr->count[0]);
		}
		cond_resched();
	}
}

/*
 * The process unmaps the view through the DXGK call; if Destroy retired
 * the handle first, that is refused and it unmaps the VMA itself.
 */
static void cr_op_unmapper(struct cr *cr, struct cr_worker *w)
{
	struct cr_obj *o = &cr->obj;

	cr_unmap(o->kt, o->pmo, o->view, o->view_size);
	cr->flag[w->id] = cr_user_mapped(cr->mm, o->view, o->view_size);
	if (cr->flag[w->id])
		cr->status[w->id] = vm_munmap((unsigned long)o->view,
					      o->view_size);
}

/*
 * Reads through a user view and its unmapping against Destroy: Destroy
 * always goes through, no read ever gives wrong data, and once the view
 * is unmapped (through Unmap when it came before Destroy, by the process
 * itself when after) the object is gone.
 */
static int cr_judge_uview(struct cr *cr)
{
	if (cr_pmo_alive(cr->obj.pmo))
		return cr_bad(cr, "a user view held Destroy back");
	if (cr->flag[0])
		return cr_bad(cr, "a read through the user view gave wrong data");
	if (cr->status[2])
		return cr_bad(cr, "munmap of the view: %d", cr->status[2]);
	if (DXGKPM_KT_STAT(uviews) || DXGKPM_KT_STAT(pmos))
		return cr_bad(cr, "%ld user views, %ld objects left",
			      DXGKPM_KT_STAT(uviews), DXGKPM_KT_STAT(pmos));
	return cr->flag[2];
}

/* ---------------------------------------------------- WDDM 2.4 frees */

static void cr_setup_mem24(struct cr *cr)
{
	struct cr_obj *o = &cr->obj;
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY c = {
		.HighestAcceptableAddress.QuadPart = -1,
	};
	DXGKARGCB_ALLOCATEPAGESFORMDL p = {
		.HighAddress.QuadPart = -1,
	};

	cr_pick(cr, o, false);
	o->mem_kind = cr_rand(&cr->rnd, 2);
	if (!o->mem_kind) {
		c.NumberOfBytes = (SIZE_T)o->pages << PAGE_SHIFT;
		c.CacheType = o->cache;
		KUNIT_ASSERT_EQ(cr->test,
				o->kt->iface.DxgkCbAllocateContiguousMemory(o->kt->h, &c),
				STATUS_SUCCESS);
		o->mem = c.hMemoryHandle;
	} else {
		p.TotalBytes = (SIZE_T)o->pages << PAGE_SHIFT;
		p.CacheType = o->cache;
		KUNIT_ASSERT_EQ(cr->test,
				o->kt->iface.DxgkCbAllocatePagesForMdl(o->kt->h, &p),
				STATUS_SUCCESS);
		o->mem = p.hMemoryHandle;
	}
}

static void cr_op_free24(struct cr *cr, struct cr_worker *w)
{
	struct cr_obj *o = &cr->obj;
	DXGKARGCB_FREECONTIGUOUSMEMORY c = { .hMemoryHandle = o->mem };
	DXGKARGCB_FREEPAGESFROMMDL p = { .hMemoryHandle = o->mem };

	cr->status[w->id] = o->mem_kind ?
		o->kt->iface.DxgkCbFreePagesFromMdl(o->kt->h, &p) :
		o->kt->iface.DxgkCbFreeContiguousMemory(o->kt->h, &c);
}

/* Two threads free one allocation: one succeeds, the other is refused. */
static int cr_judge_free24(struct cr *cr)
{
	unsigned int winner = cr->status[0] == STATUS_SUCCESS ? 0 : 1;

	if (cr->status[winner] != STATUS_SUCCESS ||
	    cr->status[!winner] != STATUS_INVALID_HANDLE)
		return cr_bad(cr, "two frees of one allocation: %#x and %#x",
			      cr->status[0], cr->status[1]);
	return winner;
}

/* ---------------------------------------------------- DMA in flight */

#define CR_DMA_SEED	0xd3a0000U

/*
 * An open object of two pages or more, page 0 filled with a pattern, page
 * 1 zero, and one ADL of all of it: the device's. No view is left, so that
 * only the ADL holds Destroy and Close back.
 */
static void cr_setup_dma(struct cr *cr)
{
	struct cr_obj *o = &cr->obj;
	void *view;
	SIZE_T size;

	do {
		cr_new(cr, true, false);
		if (o->pages >= 2)
			break;
		cr_destroy_checked(cr, o->pmo, o->amo);
	} while (1);
	KUNIT_ASSERT_EQ(cr->test, cr_map(o->kt, o->pmo,
					 DXGK_ACCESS_MODE_KERNEL_MODE, 2,
					 &view, &size), STATUS_SUCCESS);
	o->seed = CR_DMA_SEED + cr_rand(&cr->rnd, 1 << 16);
	dxgkpm_kt_fill(view, PAGE_SIZE, o->seed);
	wmb();	/* write-combined writes reach memory */
	cr_unmap_checked(cr, o->pmo, view, size);
	KUNIT_ASSERT_EQ(cr->test, cr_adl(o->kt, o->amo, 0, o->pages, &o->adl),
			STATUS_SUCCESS);
}

/*
 * The device copies the pattern from page 0 to page 1 at the addresses of
 * the ADL (two transfers of ~100 ms), the driver checks page 1 through a
 * new kernel view, and only then gives the ADL back.
 */
static void cr_op_dma(struct cr *cr, struct cr_worker *w)
{
	struct cr_obj *o = &cr->obj;
	void *view = NULL;
	SIZE_T size;

	cr->status[w->id] = dxgkpm_edu_copy(o->kt->edu,
					    dxgkpm_call_adl_addr(o->adl, 1),
					    dxgkpm_call_adl_addr(o->adl, 0),
					    EDU_DMA_CHUNK);
	if (cr_map(o->kt, o->pmo, DXGK_ACCESS_MODE_KERNEL_MODE, 2, &view,
		   &size) == STATUS_SUCCESS) {
		cr->flag[w->id] = dxgkpm_kt_mismatch((u8 *)view + PAGE_SIZE,
						     EDU_DMA_CHUNK, o->seed) ==
				  EDU_DMA_CHUNK;
		cr_unmap(o->kt, o->pmo, view, size);
	}
	WRITE_ONCE(cr->freeing, true);
	smp_mb();	/* said before anything of the free can be seen */
	cr_free_adl(o->kt, o->amo, o->adl);
}

/* Whether the device's thread had begun to free its ADL. */
static bool cr_freeing(struct cr *cr)
{
	smp_rmb();	/* after what was seen of the object */
	return READ_ONCE(cr->freeing);
}

/*
 * Meanwhile another thread keeps building and freeing ADLs of its own over
 * the same pages, and trying Close and Destroy: while the device's ADL
 * lives, every attempt must be refused (the AMO and the object alive
 * after it), and its own ADLs must come and go without disturbing the
 * copy. Once the ADL is gone, Destroy goes through.
 */
static void cr_op_attacker(struct cr *cr, struct cr_worker *w)
{
	struct cr_obj *o = &cr->obj;
	u32 first, count;
	NTSTATUS status;
	DXGK_ADL *adl;
	bool freeing;

	for (;;) {
		freeing = READ_ONCE(cr->freeing);
		first = cr_rand(&w->rnd, o->pages);
		count = 1 + cr_rand(&w->rnd, o->pages - first);
		status = cr_adl(o->kt, o->amo, first, count, &adl);
		if (status == STATUS_SUCCESS) {
			if (!freeing)
				atomic_long_inc(&cr->count[2]);
			cr_free_adl(o->kt, o->amo, adl);
		} else if (status != STATUS_INVALID_HANDLE || !cr_freeing(cr)) {
			cr->flag[w->id] = true;	/* not while the ADL lives */
		}
		/*
		 * The device's thread says it is freeing before it does, so
		 * an effect seen while it has not said so came first.
		 */
		cr_close(o->kt, o->amo);
		if (!cr_amo_alive(o->amo) && !cr_freeing(cr))
			cr->flag[w->id] = true;
		cr_destroy(o->kt, o->pmo, NULL);
		if (!cr_pmo_alive(o->pmo)) {
			if (!cr_freeing(cr))
				cr->flag[w->id] = true;
			break;
		}
		if (freeing)
			continue;
		atomic_long_inc(&cr->count[0]);	/* refused, as it must be */
		usleep_range(200, 500);
	}
	atomic_long_inc(&cr->count[1]);
}

static int cr_judge_dma(struct cr *cr)
{
	if (cr->status[0])
		return cr_bad(cr, "the device's copy failed: %d", cr->status[0]);
	if (!cr->flag[0])
		return cr_bad(cr, "the device's copy is wrong: the ADL's mapping was disturbed");
	if (cr->flag[1])
		return cr_bad(cr, "Destroy, Close or an ADL defied the live ADL");
	if (cr_pmo_alive(cr->obj.pmo))
		return cr_bad(cr, "Destroy never went through");
	return 0;
}

static const struct cr_race cr_races[] = {
	{
		.name = "AllocateAdl vs Destroy",
		.workers = 2,
		.setup = cr_setup_open,
		.op = { cr_op_adl, cr_op_destroy },
		.judge = cr_judge_adl_destroy,
		.outcomes = { "ADL first, Destroy refused",
			      "Destroy first, ADL STATUS_INVALID_HANDLE" },
		.must = 0x3,
	}, {
		.name = "AllocateAdl vs Close",
		.workers = 2,
		.setup = cr_setup_open,
		.op = { cr_op_adl, cr_op_close },
		.judge = cr_judge_adl_close,
		.outcomes = { "ADL first, Close refused",
			      "Close first, ADL STATUS_INVALID_HANDLE" },
		.must = 0x3,
	}, {
		.name = "Map vs Destroy",
		.workers = 2,
		.setup = cr_setup_closed,
		.op = { cr_op_kmap, cr_op_destroy },
		.judge = cr_judge_kmap_destroy,
		.outcomes = { "view first, Destroy refused",
			      "Destroy first, Map STATUS_INVALID_HANDLE" },
		.must = 0x3,
	}, {
		.name = "FreeAdl vs Destroy",
		.workers = 2,
		.setup = cr_setup_adl,
		.op = { cr_op_free_adl, cr_op_destroy },
		.judge = cr_judge_free_destroy,
		.outcomes = { "FreeAdl first, Destroy done",
			      "Destroy first and refused, FreeAdl done" },
		.must = 0x3,
	}, {
		.name = "FreeAdl vs Close",
		.workers = 2,
		.setup = cr_setup_adl,
		.op = { cr_op_free_adl, cr_op_close },
		.judge = cr_judge_free_close,
		.outcomes = { "FreeAdl first, Close done",
			      "Close first and refused, FreeAdl done" },
		.must = 0x3,
	}, {
		.name = "Unmap vs Destroy",
		.workers = 2,
		.setup = cr_setup_kview,
		.op = { cr_op_unmap, cr_op_destroy },
		.judge = cr_judge_unmap_destroy,
		.outcomes = { "Unmap first, Destroy done",
			      "Destroy first and refused, Unmap done" },
		.must = 0x3,
	}, {
		.name = "Open vs Destroy",
		.workers = 2,
		.setup = cr_setup_closed,
		.op = { cr_op_open, cr_op_destroy },
		.judge = cr_judge_open_destroy,
		.outcomes = { "Open first, Destroy closed it",
			      "Destroy first, Open STATUS_INVALID_HANDLE" },
		.must = 0x3,
	}, {
		.name = "user Map vs Destroy",
		.workers = 2,
		.user = true,
		.setup = cr_setup_user,
		.op = { cr_op_umap, cr_op_destroy },
		.judge = cr_judge_umap_destroy,
		.outcomes = { "view first, outlives Destroy",
			      "Destroy first, Map STATUS_INVALID_HANDLE" },
		.must = 0x3,
	}, {
		.name = "user view reads and unmap vs Destroy",
		.workers = 3,
		.user = true,
		.setup = cr_setup_uview,
		.op = { cr_op_reader, cr_op_destroy, cr_op_unmapper },
		.judge = cr_judge_uview,
		.outcomes = { "Unmap first, then Destroy",
			      "Destroy first, Unmap refused, munmap" },
		.must = 0x3,
	}, {
		.name = "2.4 free vs free",
		.workers = 2,
		.setup = cr_setup_mem24,
		.op = { cr_op_free24, cr_op_free24 },
		.judge = cr_judge_free24,
		.outcomes = { "thread 0 freed, thread 1 STATUS_INVALID_HANDLE",
			      "thread 1 freed, thread 0 STATUS_INVALID_HANDLE" },
		.must = 0x3,
	}, {
		.name = "device DMA vs Destroy, Close and ADLs",
		.workers = 2,
		.rounds = 4,
		.setup = cr_setup_dma,
		.op = { cr_op_dma, cr_op_attacker },
		.judge = cr_judge_dma,
		.outcomes = { "copied intact, Destroy done after FreeAdl" },
		.must = 0x1,
	},
};

static bool cr_enough(const struct cr *cr)
{
	unsigned int i;

	for (i = 0; i < CR_OUTCOMES; i++)
		if ((cr->race->must & BIT(i)) && cr->outcomes[i] < CR_SEEN)
			return false;
	return true;
}

/* The threads of a race, started; their address space is the test's. */
static void cr_start(struct kunit *test, struct cr *cr)
{
	unsigned int i;

	init_waitqueue_head(&cr->wq);
	init_completion(&cr->done);
	for (i = 0; i < cr->race->workers; i++) {
		struct cr_worker *w = &cr->w[i];

		w->cr = cr;
		w->id = i;
		prandom_seed_state(&w->rnd, CR_SEED + 17 * i);
		w->task = kthread_run(cr_thread, w, "dxgkpm-race/%u", i);
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(w->task), "kthread %u: %pe",
				       i, w->task);
	}
}

static void cr_stop(struct cr *cr)
{
	unsigned int i;

	for (i = 0; i < cr->race->workers; i++)
		if (!IS_ERR_OR_NULL(cr->w[i].task))
			kthread_stop(cr->w[i].task);
	if (cr->mm)
		mmput(cr->mm);
}

static void cr_stop_action(void *cr)
{
	cr_stop(cr);
}

/*
 * Pass: for the race given as the parameter, every round (at least
 * CR_MIN_ROUNDS, until each outcome that proves both orders was seen
 * CR_SEEN times, at most CR_MAX_ROUNDS) ends in one of the race's allowed
 * outcomes, checked through the statuses, the handles and dxgkpm_stats;
 * each required outcome was seen; and dxgkpm holds nothing after each
 * round. Lockdep, KASAN and DMA-API debugging watch.
 */
static void dxgkpm_concurrency_race(struct kunit *test)
{
	const struct cr_race *race = test->param_value;
	unsigned int i, rounds;
	struct cr *cr;
	int o;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	cr = kunit_kzalloc(test, sizeof(*cr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cr);
	cr->test = test;
	cr->race = race;
	prandom_seed_state(&cr->rnd, CR_SEED);
	cr->kt[0] = dxgkpm_kt_setup(test, 0);
	cr->kt[1] = dxgkpm_kt_setup(test, 1);
	if (race->user) {
		KUNIT_ASSERT_NE(test, kunit_vm_mmap(test, NULL, 0, PAGE_SIZE,
						    PROT_READ | PROT_WRITE,
						    MAP_ANONYMOUS | MAP_PRIVATE,
						    0), 0UL);
		cr->mm = current->mm;
		/* The threads may outlive this one if it stops on a failure. */
		mmget(cr->mm);
	}
	cr_start(test, cr);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, cr_stop_action,
							cr), 0);

	for (rounds = 0; rounds < (race->rounds ?: CR_MAX_ROUNDS); rounds++) {
		if (!race->rounds && rounds >= CR_MIN_ROUNDS && cr_enough(cr))
			break;
		race->setup(cr);
		cr_go(cr);
		o = race->judge(cr);
		if (o < 0) {
			if (cr->bad++ < CR_BAD_SHOWN)
				KUNIT_FAIL(test, "%s, round %u: %s", race->name,
					   rounds, cr->why);
		} else {
			cr->outcomes[o]++;
		}
		if (!dxgkpm_stats_idle()) {
			KUNIT_FAIL(test, "%s, round %u: %ld objects, %ld ADLs, %ld views left",
				   race->name, rounds, DXGKPM_KT_STAT(pmos),
				   DXGKPM_KT_STAT(adls),
				   DXGKPM_KT_STAT(kviews) + DXGKPM_KT_STAT(uviews));
			break;
		}
	}
	kunit_release_action(test, cr_stop_action, cr);

	kunit_info(test, "%s: %u rounds, %lu not allowed\n", race->name,
		   rounds, cr->bad);
	for (i = 0; i < CR_OUTCOMES && race->outcomes[i]; i++)
		kunit_info(test, "  %s: %lu\n", race->outcomes[i],
			   cr->outcomes[i]);
	if (race->op[0] == cr_op_reader)
		kunit_info(test, "  reads that gave the data: %ld, that faulted after munmap: %ld\n",
			   atomic_long_read(&cr->count[0]),
			   atomic_long_read(&cr->count[1]));
	KUNIT_EXPECT_EQ(test, cr->bad, 0UL);
	for (i = 0; i < CR_OUTCOMES; i++)
		if (race->must & BIT(i))
			KUNIT_EXPECT_GT_MSG(test, cr->outcomes[i], 0UL,
					    "%s: never \"%s\": the race was not run both ways",
					    race->name, race->outcomes[i]);
	if (race->op[0] == cr_op_reader) {
		KUNIT_EXPECT_GT(test, atomic_long_read(&cr->count[0]), 0L);
		KUNIT_EXPECT_GT_MSG(test, atomic_long_read(&cr->count[1]), 0L,
				    "no read ever raced the unmapping");
	}
	if (race->op[0] == cr_op_dma) {
		kunit_info(test, "  during the DMA: %ld Close and Destroy attempts refused, %ld ADLs built and freed over the same pages; destroyed after FreeAdl: %ld\n",
			   atomic_long_read(&cr->count[0]),
			   atomic_long_read(&cr->count[2]),
			   atomic_long_read(&cr->count[1]));
		KUNIT_EXPECT_GT_MSG(test, atomic_long_read(&cr->count[0]), 0L,
				    "no Destroy was tried while the device used the ADL");
	}
	dxgkpm_kt_expect_no_memory(test);
}

static void cr_race_desc(const struct cr_race *race, char *desc)
{
	char *c;

	strscpy(desc, race->name, KUNIT_PARAM_DESC_SIZE);
	for (c = desc; *c; c++)
		if (*c == ' ' || *c == ',')
			*c = '-';
}

KUNIT_ARRAY_PARAM(cr_race, cr_races, cr_race_desc);

/* ------------------------------------------------------ unregistration */

#define CU_MIN_ROUNDS	8
#define CU_MAX_ROUNDS	256	/* a guard: about 12 s under TCG */
#define CU_PAGES	32	/* objects and allocations: a long creation */
#define CU_MDL_PAGES	256	/* a long MapMdlToIoMmu */

enum cu_kind {
	CU_CREATE,	/* Create with hAdapter */
	CU_OPEN,	/* Open of an object created without */
	CU_ACM,		/* AllocateContiguousMemory */
	CU_APM,		/* AllocatePagesForMdl */
	CU_MMI,		/* MapMdlToIoMmu */
	CU_ADL,		/* AllocateAdl of what was made */
	CU_MAP,		/* a kernel view of it */
	CU_FREE24,	/* FreeContiguousMemory, FreePagesFromMdl */
	CU_NR,
};

static const char *const cu_kind_names[CU_NR] = {
	"Create with hAdapter", "Open", "AllocateContiguousMemory",
	"AllocatePagesForMdl", "MapMdlToIoMmu", "AllocateAdl", "Map",
	"Free (2.4)",
};

enum cu_status { CU_OK, CU_NO_DEVICE, CU_HANDLE, CU_OTHER, CU_STATUSES };

static const char *const cu_status_names[CU_STATUSES] = {
	"STATUS_SUCCESS", "STATUS_NO_SUCH_DEVICE", "STATUS_INVALID_HANDLE",
	"other",
};

/**
 * struct cu - unregistration while calls are in flight
 * @kt: the adapter of the round, registered by the main thread
 * @progress: calls that made something this round
 * @unregistering: the main thread has begun to unregister the adapter
 * @wq: where the main thread waits for @progress
 * @counts: calls per kind and status, over all rounds
 * @bad: calls whose status no ordering allows
 * @why: the first of them
 * @pages: the test's pages, which @mdl describes
 * @mdl: an MDL of @pages, for MapMdlToIoMmu
 */
struct cu {
	struct dxgkpm_kt kt;
	atomic_t progress;
	bool unregistering;
	wait_queue_head_t wq;
	atomic_long_t counts[CU_NR][CU_STATUSES];
	atomic_long_t bad;
	char why[160];
	struct page *pages[CU_MDL_PAGES];
	MDL *mdl;
};

static struct cu *cu_of(struct cr *cr)
{
	return cr->priv;
}

/*
 * Count a status. Until the adapter is gone a call may succeed, find the
 * adapter being unregistered (STATUS_NO_SUCH_DEVICE, where it makes
 * something for the adapter) or its handle or object already dead
 * (STATUS_INVALID_HANDLE); after, only the last. Returns: success.
 */
static bool cu_count(struct cr *cr, enum cu_kind kind, NTSTATUS status,
		     bool gone, bool may_lack_device)
{
	struct cu *cu = cu_of(cr);
	enum cu_status s = status == STATUS_SUCCESS ? CU_OK :
			   status == STATUS_NO_SUCH_DEVICE ? CU_NO_DEVICE :
			   status == STATUS_INVALID_HANDLE ? CU_HANDLE : CU_OTHER;

	atomic_long_inc(&cu->counts[kind][s]);
	if (s == CU_OTHER || (gone && s != CU_HANDLE) ||
	    (s == CU_NO_DEVICE && !may_lack_device)) {
		if (atomic_long_inc_return(&cu->bad) == 1)
			snprintf(cu->why, sizeof(cu->why), "%s: %#x%s",
				 cu_kind_names[kind], status,
				 gone ? " after the adapter was unregistered" : "");
	}
	if (s == CU_OK) {
		atomic_inc(&cu->progress);
		wake_up(&cu->wq);
	}
	return s == CU_OK;
}

static void cu_bad(struct cr *cr, const char *what)
{
	struct cu *cu = cu_of(cr);

	if (atomic_long_inc_return(&cu->bad) == 1)
		strscpy(cu->why, what, sizeof(cu->why));
}

/* Use an object the adapter may be tearing down: nothing is touched. */
static void cu_use(struct cr *cr, struct dxgkpm_kt *kt, HANDLE pmo,
		   HANDLE amo, bool gone)
{
	DXGK_ADL *adl;
	void *view;
	SIZE_T size;

	if (cu_count(cr, CU_ADL, cr_adl(kt, amo, 0, CU_PAGES, &adl), gone,
		     false))
		cr_free_adl(kt, amo, adl);
	if (cu_count(cr, CU_MAP, cr_map(kt, pmo, DXGK_ACCESS_MODE_KERNEL_MODE,
					CU_PAGES, &view, &size), gone, false))
		cr_unmap(kt, pmo, view, size);
}

static void cu_step(struct cr *cr, struct cr_worker *w, bool gone)
{
	struct cu *cu = cu_of(cr);
	struct dxgkpm_kt *kt = &cu->kt;
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY acm = {
		.NumberOfBytes = CU_PAGES * PAGE_SIZE,
		.HighestAcceptableAddress.QuadPart = -1,
		.CacheType = DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED,
	};
	DXGKARGCB_ALLOCATEPAGESFORMDL apm = {
		.TotalBytes = CU_PAGES * PAGE_SIZE,
		.HighAddress.QuadPart = -1,
		.CacheType = DXGK_MEMORY_CACHING_TYPE_NON_CACHED,
	};
	DXGKARGCB_MAPMDLTOIOMMU mmi = { .pMdl = cu->mdl };
	union {
		DXGKARGCB_FREECONTIGUOUSMEMORY c;
		DXGKARGCB_FREEPAGESFROMMDL p;
		DXGKARGCB_UNMAPMDLFROMIOMMU u;
	} f;
	HANDLE pmo, amo;
	NTSTATUS status;

	switch (cr_rand(&w->rnd, 5)) {
	case CU_CREATE:
		status = cr_create(kt, true, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
				   DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED,
				   CU_PAGES, &pmo, &amo);
		if (!cu_count(cr, CU_CREATE, status, gone, true))
			break;
		if (!pmo || !amo)
			cu_bad(cr, "Create succeeded without handles");
		cu_use(cr, kt, pmo, amo, gone);
		/* Destroyed here, or already by the unregistration. */
		cr_destroy(kt, pmo, amo);
		/*
		 * Until the unregistration has begun, Destroy must work. Once
		 * it has, it closes the attachment before it tears the object
		 * down, so Destroy may find the adapter memory object gone
		 * and refuse; the round checks at its end that nothing is
		 * left.
		 */
		if (cr_pmo_alive(pmo) && !smp_load_acquire(&cu->unregistering))
			cu_bad(cr, "an idle object survived Destroy");
		break;
	case CU_OPEN:
		if (cr_create(kt, false, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
			      DXGK_MEMORY_CACHING_TYPE_CACHED, CU_PAGES, &pmo,
			      &amo) != STATUS_SUCCESS) {
			cu_bad(cr, "Create without hAdapter failed");
			break;
		}
		if (cu_count(cr, CU_OPEN, cr_open(kt, pmo, &amo), gone, true))
			cu_use(cr, kt, pmo, amo, gone);
		/* It belongs to no adapter: Destroy must always work. */
		cr_destroy(kt, pmo, NULL);
		if (cr_pmo_alive(pmo))
			cu_bad(cr, "an object without adapter survived Destroy");
		break;
	case CU_ACM:
		status = kt->iface.DxgkCbAllocateContiguousMemory(kt->h, &acm);
		if (!cu_count(cr, CU_ACM, status, gone, true))
			break;
		f.c.hMemoryHandle = acm.hMemoryHandle;
		cu_count(cr, CU_FREE24,
			 kt->iface.DxgkCbFreeContiguousMemory(kt->h, &f.c),
			 gone, false);
		break;
	case CU_APM:
		status = kt->iface.DxgkCbAllocatePagesForMdl(kt->h, &apm);
		if (!cu_count(cr, CU_APM, status, gone, true))
			break;
		f.p.hMemoryHandle = apm.hMemoryHandle;
		cu_count(cr, CU_FREE24,
			 kt->iface.DxgkCbFreePagesFromMdl(kt->h, &f.p), gone,
			 false);
		break;
	default:
		status = kt->iface.DxgkCbMapMdlToIoMmu(kt->h, &mmi);
		if (!cu_count(cr, CU_MMI, status, gone, true))
			break;
		f.u.hMemoryHandle = mmi.hMemoryHandle;
		kt->iface.DxgkCbUnmapMdlFromIoMmu(kt->h, &f.u);
		break;
	}
}

/* Call on the round's adapter until it is gone, then once more. */
static void cu_op(struct cr *cr, struct cr_worker *w)
{
	bool gone;

	do {
		gone = READ_ONCE(cr->stop);
		cu_step(cr, w, gone);
		cond_resched();
	} while (!gone);
}

static const struct cr_race cu_race = {
	.name = "unregistration vs calls in flight",
	.workers = 3,
	.op = { cu_op, cu_op, cu_op },
};

static void cu_unregister_action(void *kt)
{
	struct dxgkpm_kt *k = kt;

	if (k->adapter)
		dxgkpm_unregister_adapter(k->adapter);
	k->adapter = NULL;
}

static void cu_free_pages(void *cu)
{
	struct cu *c = cu;
	unsigned int i;

	for (i = 0; i < CU_MDL_PAGES; i++)
		if (c->pages[i])
			__free_page(c->pages[i]);
}

/*
 * The WDDM 2.4 calls hold the adapter across a long allocation or mapping,
 * so an unregistration lands in the middle of one within a few rounds.
 * Create and Open get STATUS_NO_SUCH_DEVICE only if it falls between their
 * resolving hAdapter and attaching to the adapter; one run on a two-CPU TCG
 * guest saw that for neither in 64 rounds, so those refusals are checked
 * deterministically in dxgkpm_ddi_query_interface_unregistered.
 */
static bool cu_wide(enum cu_kind kind)
{
	return kind == CU_ACM || kind == CU_APM || kind == CU_MMI;
}

static bool cu_enough(struct cu *cu)
{
	unsigned int i, s;

	for (i = CU_CREATE; i <= CU_MMI; i++)
		for (s = CU_OK; s <= CU_HANDLE; s++)
			if ((s != CU_NO_DEVICE || cu_wide(i)) &&
			    !atomic_long_read(&cu->counts[i][s]))
				return false;
	return true;
}

/*
 * Pass: in each round an adapter is registered on one of the edu devices
 * and three threads create objects with it, open objects on it, allocate
 * WDDM 2.4 memory and map MDLs on it, and build ADLs and views of what
 * they made, while the main thread unregisters it after a random number of
 * successes. Every call returns STATUS_SUCCESS, STATUS_NO_SUCH_DEVICE (only
 * the calls that attach something to the adapter) or STATUS_INVALID_HANDLE,
 * and only the last once the unregistration returned; successful creations
 * come with their handles, objects made without the adapter outlive it and
 * are destroyed, and after each round dxgkpm holds nothing, not even the
 * adapter. Each call must have returned STATUS_SUCCESS and
 * STATUS_INVALID_HANDLE, and the 2.4 allocations and MapMdlToIoMmu also
 * STATUS_NO_SUCH_DEVICE: the unregistration landed before, during and
 * after them (cu_wide()).
 */
static void dxgkpm_concurrency_unregister(struct kunit *test)
{
	struct cr *cr;
	struct cu *cu;
	unsigned int rounds, i, s, target;
	PPFN_NUMBER pfns;
	long left;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	cr = kunit_kzalloc(test, sizeof(*cr), GFP_KERNEL);
	cu = kunit_kzalloc(test, sizeof(*cu), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cr);
	KUNIT_ASSERT_NOT_NULL(test, cu);
	cr->test = test;
	cr->race = &cu_race;
	cr->priv = cu;
	prandom_seed_state(&cr->rnd, CR_SEED);
	init_waitqueue_head(&cu->wq);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, cu_free_pages,
							cu), 0);
	cu->mdl = kunit_kzalloc(test, MmSizeOfMdl(NULL, CU_MDL_PAGES * PAGE_SIZE),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cu->mdl);
	MmInitializeMdl(cu->mdl, NULL, CU_MDL_PAGES * PAGE_SIZE);
	pfns = MmGetMdlPfnArray(cu->mdl);
	for (i = 0; i < CU_MDL_PAGES; i++) {
		cu->pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, cu->pages[i]);
		pfns[i] = page_to_pfn(cu->pages[i]);
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							cu_unregister_action,
							&cu->kt), 0);
	cr_start(test, cr);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, cr_stop_action,
							cr), 0);

	for (rounds = 0; rounds < CU_MAX_ROUNDS; rounds++) {
		if (rounds >= CU_MIN_ROUNDS && cu_enough(cu))
			break;
		cu->kt.edu = dxgkpm_kt_edu(test, rounds % 2);
		cu->kt.adapter = dxgkpm_register_adapter(&cu->kt.edu->pdev->dev);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cu->kt.adapter);
		memset(&cu->kt.iface, 0, sizeof(cu->kt.iface));
		cu->kt.iface.Size = sizeof(cu->kt.iface);
		cu->kt.iface.Version = DXGKDDI_INTERFACE_VERSION_WDDM2_9;
		KUNIT_ASSERT_EQ(test, dxgkpm_query_interface(cu->kt.adapter,
							     &cu->kt.iface), 0);
		cu->kt.h = cu->kt.iface.DeviceHandle;
		atomic_set(&cu->progress, 0);
		WRITE_ONCE(cu->unregistering, false);
		target = 1 + cr_rand(&cr->rnd, 8);

		cr_start_round(cr);
		/* A guard against a hang, not a measure: minutes. */
		left = wait_event_timeout(cu->wq,
					  atomic_read(&cu->progress) >= target,
					  120 * HZ);
		KUNIT_EXPECT_NE_MSG(test, left, 0L,
				    "round %u: no call made anything", rounds);
		/* Pairs with the workers' acquire after their Destroy. */
		smp_store_release(&cu->unregistering, true);
		cu_unregister_action(&cu->kt);
		WRITE_ONCE(cr->stop, true);
		cr_wait_round(cr);
		if (!dxgkpm_kt_idle()) {
			KUNIT_FAIL(test, "round %u: %ld adapters, %ld objects, %ld handles left",
				   rounds, DXGKPM_KT_STAT(adapters),
				   DXGKPM_KT_STAT(pmos), DXGKPM_KT_STAT(handles));
			break;
		}
	}
	kunit_release_action(test, cr_stop_action, cr);

	kunit_info(test, "%u rounds\n", rounds);
	for (i = 0; i < CU_NR; i++) {
		kunit_info(test, "  %s: %ld %s, %ld %s, %ld %s, %ld %s\n",
			   cu_kind_names[i],
			   atomic_long_read(&cu->counts[i][CU_OK]),
			   cu_status_names[CU_OK],
			   atomic_long_read(&cu->counts[i][CU_NO_DEVICE]),
			   cu_status_names[CU_NO_DEVICE],
			   atomic_long_read(&cu->counts[i][CU_HANDLE]),
			   cu_status_names[CU_HANDLE],
			   atomic_long_read(&cu->counts[i][CU_OTHER]),
			   cu_status_names[CU_OTHER]);
	}
	KUNIT_EXPECT_EQ_MSG(test, atomic_long_read(&cu->bad), 0L, "%s",
			    cu->why);
	for (i = CU_CREATE; i <= CU_MMI; i++) {
		for (s = CU_OK; s <= CU_HANDLE; s++) {
			/* Those windows are checked in dxgkpm_ddi instead. */
			if (s == CU_NO_DEVICE && !cu_wide(i))
				continue;
			KUNIT_EXPECT_GT_MSG(test,
					    atomic_long_read(&cu->counts[i][s]),
					    0L, "%s never gave %s",
					    cu_kind_names[i], cu_status_names[s]);
		}
	}
	KUNIT_EXPECT_TRUE(test, dxgkpm_kt_idle());
}

/* ------------------------------------------------------------ linking */

#define CL_ROUNDS	12
#define CL_LINKS	48	/* link/unlink cycles per round */

enum cl_event {
	CL_LINKED,		/* dxgkpm_link_adapters(): 0 */
	CL_LINK_BUSY,		/* -EBUSY: something open */
	CL_UNLINKED,		/* dxgkpm_unlink_adapter(): 0 */
	CL_UNLINK_BUSY,		/* -EBUSY: something mapped in the LDA */
	CL_SHARED,		/* an ADL checked in the shared domain */
	CL_OWN,			/* an ADL checked in the device's own */
	CL_SHARED24,		/* 2.4 memory checked in the shared domain */
	CL_OWN24,		/* 2.4 memory checked in the device's own */
	CL_EVENTS,
};

static const char *const cl_event_names[CL_EVENTS] = {
	"linked", "link refused (busy)", "unlinked",
	"unlink refused (busy)", "ADLs in the shared domain",
	"ADLs in the device's domain", "2.4 memory in the shared domain",
	"2.4 memory in the device's domain",
};

static void cl_count(struct cr *cr, enum cl_event e)
{
	atomic_long_t *events = cr->priv;

	atomic_long_inc(&events[e]);
}

static void cl_bad(struct cr *cr, struct cr_worker *w, const char *what)
{
	if (!cr->flag[w->id]) {
		strscpy(cr->why, what, sizeof(cr->why));
		cr->flag[w->id] = true;
	}
}

/* Link both adapters, then unlink them one by one, over and over. */
static void cl_op_linker(struct cr *cr, struct cr_worker *w)
{
	struct dxgkpm_adapter *both[] = { cr->kt[0]->adapter,
					  cr->kt[1]->adapter };
	unsigned int i, j;
	int ret;

	for (i = 0; i < CL_LINKS; i++) {
		ret = dxgkpm_link_adapters(both, 2);
		if (ret && ret != -EBUSY)
			cl_bad(cr, w, "dxgkpm_link_adapters() failed");
		cl_count(cr, ret ? CL_LINK_BUSY : CL_LINKED);
		usleep_range(50, 50 + cr_rand(&w->rnd, 500));
		for (j = 0; j < 2; j++) {
			ret = dxgkpm_unlink_adapter(both[j]);
			if (ret && ret != -EBUSY)
				cl_bad(cr, w, "dxgkpm_unlink_adapter() failed");
			cl_count(cr, ret ? CL_UNLINK_BUSY : CL_UNLINKED);
		}
		usleep_range(50, 50 + cr_rand(&w->rnd, 500));
	}
	WRITE_ONCE(cr->stop, true);
}

/*
 * The device address @addr of @kt's adapter must reach @phys in the domain
 * the device is attached to now, which cannot change while it is mapped:
 * the shared one of the logical adapter (the other device then on the same
 * one) or the device's own.
 */
static void cl_check(struct cr *cr, struct cr_worker *w, struct dxgkpm_kt *kt,
		     struct dxgkpm_kt *other, dma_addr_t addr, phys_addr_t phys,
		     bool mem24)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(&kt->edu->pdev->dev);
	struct iommu_domain *dom2 = iommu_get_domain_for_dev(&other->edu->pdev->dev);
	struct dxgkpm_dma_space *space = READ_ONCE(kt->adapter->dma.space);
	bool shared = space;

	if (!dom || iommu_iova_to_phys(dom, addr) != phys)
		cl_bad(cr, w, "a device address does not reach its page in the device's domain");
	/* Alone in its logical adapter once the other left, or with it. */
	if (shared && space == READ_ONCE(other->adapter->dma.space) && dom != dom2)
		cl_bad(cr, w, "linked devices are on different domains");
	if (!shared && (!dom || !(dom->type & __IOMMU_DOMAIN_DMA_API)))
		cl_bad(cr, w, "an unlinked device is not on its DMA API domain");
	cl_count(cr, mem24 ? (shared ? CL_SHARED24 : CL_OWN24) :
		 (shared ? CL_SHARED : CL_OWN));
}

/*
 * Meanwhile: objects created with either adapter, or created without and
 * opened through either, get an ADL whose every page is checked in the
 * IOMMU; 2.4 contiguous memory likewise. Then everything goes back.
 */
static void cl_op_mapper(struct cr *cr, struct cr_worker *w)
{
	unsigned int x, c, i;
	struct dxgkpm_kt *kt, *other;
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY acm = {
		.HighestAcceptableAddress.QuadPart = -1,
	};
	DXGKARGCB_FREECONTIGUOUSMEMORY fcm;
	struct dxgkpm_pmo *p;
	HANDLE pmo, amo;
	dma_addr_t addr;
	DXGK_ADL *adl;
	u32 pages;

	while (!READ_ONCE(cr->stop)) {
		x = cr_rand(&w->rnd, 2);
		kt = cr->kt[x];
		other = cr->kt[!x];
		pages = 1 + cr_rand(&w->rnd, CR_MAX_PAGES);
		if (cr_rand(&w->rnd, 4) == 0) {
			acm.NumberOfBytes = (SIZE_T)pages << PAGE_SHIFT;
			if (kt->iface.DxgkCbAllocateContiguousMemory(kt->h, &acm)) {
				cl_bad(cr, w, "AllocateContiguousMemory failed");
				continue;
			}
			for (i = 0; i < pages; i++) {
				if (dxgkpm_memory_dma_address(kt->adapter,
							      acm.hMemoryHandle,
							      (size_t)i << PAGE_SHIFT,
							      &addr))
					cl_bad(cr, w, "no device address for 2.4 memory");
				cl_check(cr, w, kt, other, addr,
					 PFN_PHYS(vmalloc_to_pfn((u8 *)acm.pMemory +
								 ((size_t)i << PAGE_SHIFT))),
					 true);
			}
			usleep_range(20, 20 + cr_rand(&w->rnd, 300));
			fcm.hMemoryHandle = acm.hMemoryHandle;
			if (kt->iface.DxgkCbFreeContiguousMemory(kt->h, &fcm))
				cl_bad(cr, w, "FreeContiguousMemory failed");
			continue;
		}
		/* Created through one, with it or opened through @x. */
		c = cr_rand(&w->rnd, 2);
		if (cr_create(cr->kt[c], cr_rand(&w->rnd, 2),
			      DXGK_PHYSICAL_MEMORY_TYPE_MDL + cr_rand(&w->rnd, 2),
			      cr_rand(&w->rnd, 3), pages, &pmo, &amo)) {
			cl_bad(cr, w, "Create failed");
			continue;
		}
		if (amo) {
			kt = cr->kt[c];
			other = cr->kt[!c];
		} else if (cr_open(kt, pmo, &amo)) {
			cl_bad(cr, w, "Open failed");
		}
		if (amo && !cr_adl(kt, amo, 0, pages, &adl)) {
			p = dxgkpm_pmo_get_handle(dxgkpm_handle_to_u64(pmo));
			for (i = 0; p && i < pages; i++)
				cl_check(cr, w, kt, other,
					 dxgkpm_call_adl_addr(adl, i),
					 page_to_phys(p->mem.pages[i]), false);
			if (p)
				dxgkpm_pmo_put(p);
			usleep_range(20, 20 + cr_rand(&w->rnd, 300));
			cr_free_adl(kt, amo, adl);
		} else if (amo) {
			cl_bad(cr, w, "AllocateAdl failed");
		}
		if (amo && cr_rand(&w->rnd, 2))
			cr_close(kt, amo);
		cr_destroy(kt, pmo, NULL);
		if (cr_pmo_alive(pmo))
			cl_bad(cr, w, "Destroy of an idle object was refused");
		usleep_range(20, 20 + cr_rand(&w->rnd, 300));
	}
}

static const struct cr_race cl_race = {
	.name = "link and unlink vs mapping",
	.workers = 2,
	.op = { cl_op_linker, cl_op_mapper },
};

/*
 * Pass: while one thread links the two adapters into a logical adapter and
 * unlinks them, over and over, another opens objects and 2.4 memory on
 * either and checks every device address of their ADLs in the IOMMU domain
 * its device is on (the shared one exactly while linked, for both
 * devices); linking and unlinking only ever succeed or find something open
 * (-EBUSY), both of which happen, as do ADLs in the shared and in the
 * devices' own domains; the adapters can always be unlinked once idle and
 * dxgkpm then holds nothing.
 */
static void dxgkpm_concurrency_link(struct kunit *test)
{
	atomic_long_t *events;
	unsigned int rounds, i;
	struct cr *cr;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	cr = kunit_kzalloc(test, sizeof(*cr), GFP_KERNEL);
	events = kunit_kcalloc(test, CL_EVENTS, sizeof(*events), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cr);
	KUNIT_ASSERT_NOT_NULL(test, events);
	cr->test = test;
	cr->race = &cl_race;
	cr->priv = events;
	prandom_seed_state(&cr->rnd, CR_SEED);
	cr->kt[0] = dxgkpm_kt_setup(test, 0);
	cr->kt[1] = dxgkpm_kt_setup(test, 1);
	cr_start(test, cr);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, cr_stop_action,
							cr), 0);
	for (rounds = 0; rounds < CL_ROUNDS; rounds++) {
		cr_go(cr);
		KUNIT_EXPECT_FALSE_MSG(test, cr->flag[0] || cr->flag[1],
				       "round %u: %s", rounds, cr->why);
		/* Nothing is open now: both leave the logical adapter. */
		KUNIT_EXPECT_EQ(test, dxgkpm_unlink_adapter(cr->kt[0]->adapter), 0);
		KUNIT_EXPECT_EQ(test, dxgkpm_unlink_adapter(cr->kt[1]->adapter), 0);
		KUNIT_EXPECT_TRUE(test, dxgkpm_stats_idle());
		if (cr->flag[0] || cr->flag[1])
			break;
	}
	kunit_release_action(test, cr_stop_action, cr);
	kunit_info(test, "%u rounds of %u link/unlink cycles\n", rounds,
		   CL_LINKS);
	for (i = 0; i < CL_EVENTS; i++)
		kunit_info(test, "  %s: %ld\n", cl_event_names[i],
			   atomic_long_read(&events[i]));
	for (i = 0; i < CL_EVENTS; i++)
		KUNIT_EXPECT_GT_MSG(test, atomic_long_read(&events[i]), 0L,
				    "never %s", cl_event_names[i]);
	dxgkpm_kt_expect_no_memory(test);
}

/* ---------------------------------------------------------------- pool */

#define CP_ADAPTERS		2
#define CP_THREADS_PER_ADAPTER	4
#define CP_THREADS		(CP_ADAPTERS * CP_THREADS_PER_ADAPTER)
#define CP_SLOTS		12
#define CP_PAGES		4
#define CP_MDL_PAGES		8
#define CP_SECONDS		8

enum cp_op {
	CP_CREATE,
	CP_DESTROY,
	CP_OPEN,	/* Open, ADLs, FreeAdl, Close */
	CP_ADL,		/* an ADL through the AMO it holds, if any */
	CP_KVIEW,
	CP_UVIEW,
	CP_MEM24,	/* a 2.4 allocation and its free */
	CP_MMI,		/* MapMdlToIoMmu and its unmap */
	CP_NR_OPS,
};

static const char *const cp_op_names[CP_NR_OPS] = {
	"Create", "Destroy", "Open", "AllocateAdl", "kernel Map",
	"user Map", "2.4 allocation", "MapMdlToIoMmu",
};

/* What a call gave; for Destroy: the object alive or gone afterwards. */
enum cp_result {
	CP_OK,
	CP_HANDLE,		/* STATUS_INVALID_HANDLE */
	CP_DEVICE_STATE,	/* STATUS_INVALID_DEVICE_STATE */
	CP_OTHER,
	CP_RESULTS,
};

static const char *const cp_result_names[CP_RESULTS] = {
	"ok", "STATUS_INVALID_HANDLE", "STATUS_INVALID_DEVICE_STATE", "other",
};

/*
 * What each call may return in the pool, where any object may be destroyed
 * by another thread at any time unless an ADL or a kernel view holds it:
 * bit r allows result r.
 */
static const u8 cp_allowed[CP_NR_OPS] = {
	[CP_CREATE] = BIT(CP_OK),
	[CP_DESTROY] = BIT(CP_OK) | BIT(CP_HANDLE),
	[CP_OPEN] = BIT(CP_OK) | BIT(CP_HANDLE) | BIT(CP_DEVICE_STATE),
	[CP_ADL] = BIT(CP_OK) | BIT(CP_HANDLE),
	[CP_KVIEW] = BIT(CP_OK) | BIT(CP_HANDLE),
	[CP_UVIEW] = BIT(CP_OK) | BIT(CP_HANDLE),
	[CP_MEM24] = BIT(CP_OK),
	[CP_MMI] = BIT(CP_OK),
};

struct cp;

/**
 * struct cp_thread - one thread of the pool
 * @cp: the pool
 * @kt: its adapter
 * @rnd: its random state
 * @results: calls by operation and result
 * @errors: results not allowed
 * @first_error: the first of them
 * @done: completed when it stops
 */
struct cp_thread {
	struct cp *cp;
	struct dxgkpm_kt *kt;
	struct rnd_state rnd;
	unsigned long results[CP_NR_OPS][CP_RESULTS];
	unsigned long errors;
	char first_error[128];
	struct completion done;
};

/**
 * struct cp - the pool
 * @slots: hPhysicalMemoryObject of each slot, or 0; any thread uses and
 *	destroys any of them, the only test-side state being these values
 * @threads: the threads
 * @mm: the test's address space, for user views
 * @mdl: an MDL of @pages
 * @pages: the test's pages
 * @deadline: when the threads stop, in jiffies
 */
struct cp {
	unsigned long slots[CP_SLOTS];
	struct cp_thread threads[CP_THREADS];
	struct mm_struct *mm;
	MDL *mdl;
	struct page *pages[CP_MDL_PAGES];
	unsigned long deadline;
};

static __printf(2, 3) void cp_error(struct cp_thread *t, const char *fmt, ...)
{
	va_list ap;

	if (!t->errors++) {
		va_start(ap, fmt);
		vsnprintf(t->first_error, sizeof(t->first_error), fmt, ap);
		va_end(ap);
	}
}

/* Count a call's result; true if it succeeded. */
static bool cp_count(struct cp_thread *t, enum cp_op op, NTSTATUS status)
{
	enum cp_result r = status == STATUS_SUCCESS ? CP_OK :
			   status == STATUS_INVALID_HANDLE ? CP_HANDLE :
			   status == STATUS_INVALID_DEVICE_STATE ?
			   CP_DEVICE_STATE : CP_OTHER;

	t->results[op][r]++;
	if (!(cp_allowed[op] & BIT(r)))
		cp_error(t, "%s: %#x", cp_op_names[op], status);
	return r == CP_OK;
}

static HANDLE cp_slot(struct cp_thread *t, unsigned int i)
{
	return (HANDLE)READ_ONCE(t->cp->slots[i]);
}

/* ADLs of an AMO this thread holds; each freed by it, as a driver would. */
static void cp_adls(struct cp_thread *t, HANDLE amo)
{
	DXGK_ADL *adl[3];
	unsigned int n = 1 + cr_rand(&t->rnd, 3), i, j;
	u32 first, count;

	for (i = 0; i < n; i++) {
		first = cr_rand(&t->rnd, CP_PAGES);
		count = 1 + cr_rand(&t->rnd, CP_PAGES - first);
		/* Until an ADL holds it, a Destroy may close the AMO. */
		if (!cp_count(t, CP_ADL, cr_adl(t->kt, amo, first, count,
						&adl[i])))
			break;
		for (j = 0; j < count; j++)
			if (dxgkpm_call_adl_addr(adl[i], j) + PAGE_SIZE - 1 >
			    EDU_DMA_MASK)
				cp_error(t, "ADL page beyond the device's reach");
		cond_resched();
	}
	while (i--)
		cr_free_adl(t->kt, amo, adl[i]);
}

static void cp_create(struct cp_thread *t, unsigned int slot)
{
	static const DXGK_PHYSICAL_MEMORY_TYPE types[] = {
		DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
		DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
	};
	DXGK_PHYSICAL_MEMORY_TYPE type = types[cr_rand(&t->rnd, 3)];
	DXGK_MEMORY_CACHING_TYPE cache = cr_rand(&t->rnd, 3);
	bool with_adapter = cr_rand(&t->rnd, 2);
	HANDLE pmo, amo;

	if (cp_slot(t, slot))
		return;
	if (type == DXGK_PHYSICAL_MEMORY_TYPE_SECTION && !cache)
		cache = DXGK_MEMORY_CACHING_TYPE_CACHED;
	if (!cp_count(t, CP_CREATE, cr_create(t->kt, with_adapter, type, cache,
					      CP_PAGES, &pmo, &amo)))
		return;
	if (!pmo || !amo != !with_adapter)
		cp_error(t, "Create gave handles %#llx/%#llx", dxgkpm_handle_to_u64(pmo),
			 dxgkpm_handle_to_u64(amo));
	/* The creator holds the AMO for a while, then closes it. */
	if (amo) {
		cp_adls(t, amo);
		cr_close(t->kt, amo);
	}
	if (cmpxchg(&t->cp->slots[slot], 0, (unsigned long)pmo)) {
		/* Another thread filled the slot first: nobody knows ours. */
		cr_destroy(t->kt, pmo, NULL);
		if (cr_pmo_alive(pmo))
			cp_error(t, "Destroy of an object nobody else knows was refused");
	}
}

static void cp_destroy(struct cp_thread *t, unsigned int slot)
{
	HANDLE pmo = cp_slot(t, slot);

	if (!pmo)
		return;
	cr_destroy(t->kt, pmo, NULL);
	/* Alive: an ADL or a kernel view of another thread held it. */
	if (cp_count(t, CP_DESTROY, cr_pmo_alive(pmo) ? STATUS_SUCCESS :
		     STATUS_INVALID_HANDLE))
		return;
	cmpxchg(&t->cp->slots[slot], (unsigned long)pmo, 0);
}

static void cp_open(struct cp_thread *t, unsigned int slot)
{
	HANDLE pmo = cp_slot(t, slot), amo;

	if (!pmo)
		return;
	if (!cp_count(t, CP_OPEN, cr_open(t->kt, pmo, &amo)))
		return;
	if (!amo)
		cp_error(t, "Open succeeded without an AMO");
	cp_adls(t, amo);
	cr_close(t->kt, amo);
}

static void cp_kview(struct cp_thread *t, unsigned int slot)
{
	HANDLE pmo = cp_slot(t, slot);
	u32 *word, value = prandom_u32_state(&t->rnd);
	SIZE_T size;
	void *view;

	if (!pmo)
		return;
	if (!cp_count(t, CP_KVIEW, cr_map(t->kt, pmo,
					  DXGK_ACCESS_MODE_KERNEL_MODE,
					  CP_PAGES, &view, &size)))
		return;
	/* The view holds the object: this thread's word is its own. */
	word = (u32 *)view + (t - t->cp->threads);
	WRITE_ONCE(*word, value);
	if (READ_ONCE(*word) != value)
		cp_error(t, "a kernel view lost a write");
	cr_unmap(t->kt, pmo, view, size);
}

static void cp_uview(struct cp_thread *t, unsigned int slot)
{
	HANDLE pmo = cp_slot(t, slot);
	u32 value = prandom_u32_state(&t->rnd), back = 0;
	u32 __user *up;
	SIZE_T size;
	void *view;

	if (!pmo)
		return;
	if (!cp_count(t, CP_UVIEW, cr_map(t->kt, pmo, DXGK_ACCESS_MODE_USER_MODE,
					  CP_PAGES, &view, &size)))
		return;
	/* The view keeps the memory, whatever happens to the object. */
	up = (u32 __user __force *)view + (t - t->cp->threads);
	if (put_user(value, up) || get_user(back, up) || back != value)
		cp_error(t, "a user view lost a write");
	/*
	 * The process unmaps it. (Through Unmap, whether it went or was
	 * refused because another thread destroyed the object cannot be
	 * told apart from another thread's new view at the same address:
	 * the race of Unmap and Destroy is a round race of its own.)
	 */
	if (vm_munmap((unsigned long)view, size))
		cp_error(t, "munmap of a user view failed");
}

static void cp_mem24(struct cp_thread *t)
{
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY c = {
		.NumberOfBytes = CP_PAGES * PAGE_SIZE,
		.HighestAcceptableAddress.QuadPart = -1,
		.CacheType = cr_rand(&t->rnd, 3),
	};
	DXGKARGCB_ALLOCATEPAGESFORMDL p = {
		.TotalBytes = CP_PAGES * PAGE_SIZE,
		.HighAddress.QuadPart = -1,
		.CacheType = cr_rand(&t->rnd, 3),
	};
	DXGKARGCB_FREECONTIGUOUSMEMORY fc;
	DXGKARGCB_FREEPAGESFROMMDL fp;
	DXGKRNL_INTERFACE *i = &t->kt->iface;

	if (cr_rand(&t->rnd, 2)) {
		if (!cp_count(t, CP_MEM24, i->DxgkCbAllocateContiguousMemory(t->kt->h, &c)))
			return;
		fc.hMemoryHandle = c.hMemoryHandle;
		cp_count(t, CP_MEM24, i->DxgkCbFreeContiguousMemory(t->kt->h, &fc));
	} else {
		if (!cp_count(t, CP_MEM24, i->DxgkCbAllocatePagesForMdl(t->kt->h, &p)))
			return;
		fp.hMemoryHandle = p.hMemoryHandle;
		cp_count(t, CP_MEM24, i->DxgkCbFreePagesFromMdl(t->kt->h, &fp));
	}
}

static void cp_mmi(struct cp_thread *t)
{
	DXGKARGCB_MAPMDLTOIOMMU map = { .pMdl = t->cp->mdl };
	DXGKARGCB_UNMAPMDLFROMIOMMU unmap;

	if (!cp_count(t, CP_MMI, t->kt->iface.DxgkCbMapMdlToIoMmu(t->kt->h, &map)))
		return;
	unmap.hMemoryHandle = map.hMemoryHandle;
	t->kt->iface.DxgkCbUnmapMdlFromIoMmu(t->kt->h, &unmap);
}

static int cp_thread_fn(void *arg)
{
	struct cp_thread *t = arg;
	unsigned int slot;
	u32 r;

	kthread_use_mm(t->cp->mm);
	while (time_before(jiffies, t->cp->deadline) && t->errors < 16) {
		slot = cr_rand(&t->rnd, CP_SLOTS);
		r = cr_rand(&t->rnd, 20);
		if (r < 3)
			cp_create(t, slot);
		else if (r < 5)
			cp_destroy(t, slot);
		else if (r < 9)
			cp_open(t, slot);
		else if (r < 13)
			cp_kview(t, slot);
		else if (r < 16)
			cp_uview(t, slot);
		else if (r < 18)
			cp_mem24(t);
		else
			cp_mmi(t);
		cond_resched();
	}
	kthread_unuse_mm(t->cp->mm);
	complete(&t->done);
	return 0;
}

static void cp_free_pages(void *cp)
{
	struct cp *c = cp;
	unsigned int i;

	for (i = 0; i < CP_MDL_PAGES; i++)
		if (c->pages[i])
			__free_page(c->pages[i]);
}

/*
 * Pass: CP_THREADS_PER_ADAPTER threads on each of two adapters share one
 * pool of CP_SLOTS objects of every page-backed type and cache type for
 * CP_SECONDS, with no lock of the test's: any thread creates into an empty
 * slot, destroys whatever a slot holds, opens it and builds ADLs (freed
 * and closed by the same thread, as a driver owns what it made), maps it
 * for the kernel and for the process, and makes and frees 2.4 allocations
 * and MDL mappings. Every call returns one of the statuses its op allows
 * there (success; STATUS_INVALID_HANDLE where another thread may have
 * destroyed the object; STATUS_INVALID_DEVICE_STATE for an Open of an
 * object another thread holds open), every op and each race outcome is
 * seen, views keep what is written through them, ADLs stay within the
 * device's reach, and after the pool is emptied every dxgkpm counter is
 * back to zero. Lockdep, KASAN and DMA-API debugging watch.
 */
static void dxgkpm_concurrency_pool(struct kunit *test)
{
	unsigned long total[CP_NR_OPS][CP_RESULTS] = {};
	struct dxgkpm_kt *kts[CP_ADAPTERS];
	struct task_struct *task;
	struct cp_thread *t;
	PPFN_NUMBER pfns;
	unsigned int i, op, r;
	struct cp *cp;
	HANDLE pmo;

	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	for (i = 0; i < CP_ADAPTERS; i++)
		kts[i] = dxgkpm_kt_setup(test, i);
	cp = kunit_kzalloc(test, sizeof(*cp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cp);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, cp_free_pages,
							cp), 0);
	cp->mdl = kunit_kzalloc(test, MmSizeOfMdl(NULL, CP_MDL_PAGES * PAGE_SIZE),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cp->mdl);
	MmInitializeMdl(cp->mdl, NULL, CP_MDL_PAGES * PAGE_SIZE);
	pfns = MmGetMdlPfnArray(cp->mdl);
	for (i = 0; i < CP_MDL_PAGES; i++) {
		cp->pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, cp->pages[i]);
		pfns[i] = page_to_pfn(cp->pages[i]);
	}
	KUNIT_ASSERT_NE(test, kunit_vm_mmap(test, NULL, 0, PAGE_SIZE,
					    PROT_READ | PROT_WRITE,
					    MAP_ANONYMOUS | MAP_PRIVATE, 0), 0UL);
	cp->mm = current->mm;

	kunit_info(test, "%u threads on %u adapters, %u s, seed %#x\n",
		   CP_THREADS, CP_ADAPTERS, CP_SECONDS, CR_SEED);
	cp->deadline = jiffies + CP_SECONDS * HZ;
	for (i = 0; i < CP_THREADS; i++) {
		t = &cp->threads[i];
		t->cp = cp;
		t->kt = kts[i % CP_ADAPTERS];
		prandom_seed_state(&t->rnd, CR_SEED + i);
		init_completion(&t->done);
		task = kthread_run(cp_thread_fn, t, "dxgkpm-pool/%u", i);
		if (IS_ERR(task)) {
			KUNIT_FAIL(test, "kthread %u: %pe", i, task);
			complete(&t->done);
		}
	}
	for (i = 0; i < CP_THREADS; i++)
		wait_for_completion(&cp->threads[i].done);

	for (i = 0; i < CP_THREADS; i++) {
		t = &cp->threads[i];
		KUNIT_EXPECT_EQ_MSG(test, t->errors, 0UL,
				    "thread %u (adapter %u): %s", i,
				    i % CP_ADAPTERS, t->first_error);
		for (op = 0; op < CP_NR_OPS; op++)
			for (r = 0; r < CP_RESULTS; r++)
				total[op][r] += t->results[op][r];
	}
	for (op = 0; op < CP_NR_OPS; op++) {
		kunit_info(test, "%s: %lu %s, %lu %s, %lu %s, %lu %s\n",
			   cp_op_names[op],
			   total[op][CP_OK], op == CP_DESTROY ? "left alive" :
			   cp_result_names[CP_OK],
			   total[op][CP_HANDLE], op == CP_DESTROY ? "gone" :
			   cp_result_names[CP_HANDLE],
			   total[op][CP_DEVICE_STATE],
			   cp_result_names[CP_DEVICE_STATE],
			   total[op][CP_OTHER], cp_result_names[CP_OTHER]);
		KUNIT_EXPECT_GT_MSG(test, total[op][CP_OK], 0UL,
				    "%s never ran", cp_op_names[op]);
	}
	/* The races the pool must have run both ways. */
	KUNIT_EXPECT_GT_MSG(test, total[CP_DESTROY][CP_HANDLE], 0UL,
			    "no Destroy went through");
	KUNIT_EXPECT_GT_MSG(test, total[CP_OPEN][CP_DEVICE_STATE], 0UL,
			    "no Open found the object open by another thread");
	KUNIT_EXPECT_GT_MSG(test, total[CP_OPEN][CP_HANDLE] +
			    total[CP_KVIEW][CP_HANDLE] +
			    total[CP_UVIEW][CP_HANDLE], 0UL,
			    "no call found its object destroyed by another thread");

	/* Empty the pool: nothing holds anything now. */
	for (i = 0; i < CP_SLOTS; i++) {
		pmo = (HANDLE)cp->slots[i];
		if (!pmo)
			continue;
		cr_destroy(kts[0], pmo, NULL);
		KUNIT_EXPECT_FALSE(test, cr_pmo_alive(pmo));
	}
	dxgkpm_kt_expect_no_memory(test);
}

static struct kunit_case dxgkpm_concurrency_cases[] = {
	KUNIT_CASE_PARAM_ATTR(dxgkpm_concurrency_race, cr_race_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE_SLOW(dxgkpm_concurrency_unregister),
	KUNIT_CASE_SLOW(dxgkpm_concurrency_link),
	KUNIT_CASE_SLOW(dxgkpm_concurrency_pool),
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
