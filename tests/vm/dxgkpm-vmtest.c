// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dxgkpm-vmtest: the user-space half of the VM tests. It has the sample
 * driver (through /dev/dxgkpm_eduN) make DXGK calls in this process and
 * checks what the DXGK contract promises: user-mode views that the device
 * reads and writes by DMA, one section seen by two processes, section pages
 * that page out unless an ADL pins them, an IO-space object over the edu
 * BAR read through a kernel view, refusals of what must be refused,
 * memory that reads as zeroes although it is the very memory an earlier
 * object filled, pinned pages that never lie in ZONE_MOVABLE, MDL and
 * contiguous objects on their device's NUMA node, and nothing left behind. Static, libc only.
 *
 * Output: "VMTEST: PASS <name>" or "VMTEST: FAIL <name>: <why>" per test.
 * Exit status: the number of failed tests (capped at 100).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../samples/edu/dxgkpm_edu_uapi.h"
#include "vmtest.h"

/* DXGK values (d3dkmddi.h is a kernel header). */
#define MDL		0
#define CONTIG		1
#define SECTION		2
#define IO_SPACE	3
#define NON_CACHED	0
#define CACHED		1
#define WC		2
#define PAGE_READONLY	0x02
#define PAGE_READWRITE	0x04
#define PAGE_WRITECOPY	0x08
#define MM_DONT_ZERO	0x01
#define STATUS_SUCCESS		0
#define STATUS_INVALID_PARAMETER	((int32_t)0xC000000D)
#define STATUS_ACCESS_DENIED	((int32_t)0xC0000022)
#define STATUS_NOT_SUPPORTED	((int32_t)0xC00000BB)
#define STATUS_INSUFFICIENT_RESOURCES	((int32_t)0xC000009A)
#define EDU_IDENT	0xed

/*
 * Profiles: what the platform gives the device the tests run on (one per
 * run, chosen by tests/vm/init.sh for the VM's configuration), and what
 * else the VM offers.
 */
#define P_REMAP		0x01	/* the device reaches all memory through an IOMMU */
#define P_DIRECT	0x02	/* no remapping; the device reaches all memory */
#define P_REACH		0x04	/* no remapping; the device reaches 256 MiB */
#define P_BOUNCE	0x08	/* no remapping; the DMA API bounces everything */
#define P_DMA		(P_REMAP | P_DIRECT)		/* device DMA works */
#define P_CPU		(P_REMAP | P_DIRECT | P_BOUNCE)	/* no DMA needed */
#define F_SWAP		0x100	/* swap is on */
#define F_NOINIT	0x200	/* the kernel does not zero pages (init_on_alloc=0) */
#define F_NUMA		0x400	/* two nodes, the device on 1, ZONE_MOVABLE */

static int fd;
static const char *device = "/dev/dxgkpm_edu0";
static long page;
static int failed;
static unsigned int run_profile;

static void pass(const char *name)
{
	result("VMTEST: PASS %s\n", name);
}

static void fail(const char *name, const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	result("VMTEST: FAIL %s: %s\n", name, msg);
	failed++;
}

/* An object at or above physical address @low (MDL, contiguous). */
static int32_t create_above(uint32_t type, uint32_t cache, uint64_t size,
			    uint64_t low, uint32_t flags, uint32_t *id)
{
	struct edu_create c = {
		.type = type, .cache = cache, .size = size, .low = low,
		.high = ~0ULL, .flags = flags,
	};

	if (ioctl(fd, EDU_IOC_CREATE, &c))
		return -1;
	*id = c.id;
	return c.status;
}

static int32_t create(uint32_t type, uint32_t cache, uint64_t size,
		      uint32_t prot, uint32_t flags, uint32_t *id)
{
	struct edu_create c = {
		.type = type, .cache = cache, .size = size, .high = ~0ULL,
		.protection = prot, .flags = flags,
	};

	if (ioctl(fd, EDU_IOC_CREATE, &c))
		return -1;
	*id = c.id;
	return c.status;
}

static int32_t create_io(uint32_t cache, uint64_t base, uint64_t size,
			 uint32_t *id)
{
	struct edu_create c = {
		.type = IO_SPACE, .cache = cache, .size = size, .base = base,
	};

	if (ioctl(fd, EDU_IOC_CREATE, &c))
		return -1;
	*id = c.id;
	return c.status;
}

static void destroy(uint32_t id)
{
	struct edu_obj o = { .id = id };

	ioctl(fd, EDU_IOC_DESTROY, &o);
}

static int32_t map(uint32_t id, uint64_t offset, uint64_t size, void **p,
		   uint64_t *vsize)
{
	struct edu_map m = { .id = id, .offset = offset, .size = size };

	if (ioctl(fd, EDU_IOC_MAP, &m))
		return -1;
	*p = (char *)(uintptr_t)m.addr + m.offset;
	if (vsize)
		*vsize = m.size;
	return m.status;
}

static int32_t unmap(uint32_t id, void *base, uint64_t size)
{
	struct edu_map m = { .id = id, .addr = (uintptr_t)base, .size = size };

	if (ioctl(fd, EDU_IOC_UNMAP, &m))
		return -1;
	return m.status;
}

/* The device copies @len bytes from @src at @so to @dst at @doff. */
static int32_t copy_at(uint32_t src, uint64_t so, uint32_t dst, uint64_t doff,
		       uint64_t len)
{
	struct edu_copy c = {
		.src = src, .dst = dst, .src_offset = so, .dst_offset = doff,
		.len = len,
	};

	if (ioctl(fd, EDU_IOC_COPY, &c))
		return -1;
	return c.status;
}

static int32_t copy(uint32_t src, uint32_t dst, uint64_t len)
{
	return copy_at(src, 0, dst, 0, len);
}

/* EDU_IOC_PIN, EDU_IOC_KVIEW, EDU_IOC_FILL on a range. */
static int32_t obj_call(unsigned long cmd, uint32_t id, uint64_t offset,
			uint64_t len, uint32_t value)
{
	struct edu_obj o = {
		.id = id, .value = value, .offset = offset, .len = len,
	};

	if (ioctl(fd, cmd, &o))
		return -1;
	return o.status;
}

/* Keep (@on) or drop an ADL over the first @len bytes. */
static int32_t pin(uint32_t id, uint64_t len, int on)
{
	return obj_call(EDU_IOC_PIN, id, 0, len, on);
}

static int32_t read32(uint32_t id, uint64_t offset, uint32_t *value)
{
	struct edu_obj o = { .id = id, .offset = offset };

	if (ioctl(fd, EDU_IOC_READ32, &o))
		return -1;
	*value = o.value;
	return o.status;
}

static void fill(void *p, size_t len, unsigned int seed)
{
	uint32_t *w = p;
	size_t i;

	for (i = 0; i < len / 4; i++)
		w[i] = seed * 2654435761u + (uint32_t)i;
}

static long mismatch(const void *p, size_t len, unsigned int seed)
{
	const uint32_t *w = p;
	size_t i;

	for (i = 0; i < len / 4; i++)
		if (w[i] != seed * 2654435761u + (uint32_t)i)
			return (long)i * 4;
	return -1;
}

static int all_zero(const void *p, size_t len)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i])
			return 0;
	return 1;
}

/* User view written by this process, copied by the device, read back. */
static int user_view_dma(uint32_t type, uint32_t cache)
{
	const uint32_t prot = type == SECTION ? PAGE_READWRITE : 0;
	const uint64_t size = 4 * page;
	uint32_t a, b;
	void *pa, *pb;
	uint64_t va, vb;
	long bad;
	int32_t st;

	st = create(type, cache, size, prot, 0, &a);
	if (!(st == STATUS_SUCCESS))
		return failf("create A: %#x", st);
	st = create(type, cache, size, prot, 0, &b);
	if (!(st == STATUS_SUCCESS))
		return failf("create B: %#x", st);
	st = map(a, 0, size, &pa, &va);
	if (!(st == STATUS_SUCCESS))
		return failf("map A: %#x", st);
	st = map(b, 0, size, &pb, &vb);
	if (!(st == STATUS_SUCCESS))
		return failf("map B: %#x", st);
	if (!(all_zero(pa, size) && all_zero(pb, size)))
		return failf("a new object does not read as zeroes");
	fill(pa, size, 7 + cache);
	st = copy(a, b, size);
	if (!(st == STATUS_SUCCESS))
		return failf("device copy: %#x", st);
	bad = mismatch(pb, size, 7 + cache);
	if (!(bad < 0))
		return failf("the copy differs at byte %ld", bad);
	if (!(unmap(a, pa, va) == STATUS_SUCCESS))
		return failf("unmap A");
	if (!(unmap(b, pb, vb) == STATUS_SUCCESS))
		return failf("unmap B");
	destroy(a);
	destroy(b);
	return 0;
}

static int t_mdl_cached(void) { return user_view_dma(MDL, CACHED); }
static int t_mdl_wc(void) { return user_view_dma(MDL, WC); }
static int t_mdl_uc(void) { return user_view_dma(MDL, NON_CACHED); }
static int t_contig_wc(void) { return user_view_dma(CONTIG, WC); }
static int t_section_cached(void) { return user_view_dma(SECTION, CACHED); }

/* Kernel and user views, and two user views, of one object agree. */
static int t_views_agree(void)
{
	uint32_t id, v;
	uint32_t *p1, *p2;
	uint64_t s1, s2;
	int32_t st;

	st = create(MDL, WC, 2 * page, 0, 0, &id);
	if (!(st == STATUS_SUCCESS))
		return failf("create: %#x", st);
	if (!(map(id, 0, 2 * page, (void **)&p1, &s1) == STATUS_SUCCESS))
		return failf("map 1");
	if (!(map(id, page + 8, 4, (void **)&p2, &s2) == STATUS_SUCCESS))
		return failf("map 2");
	if (!(s2 == (uint64_t)page))
		return failf("a 4-byte view is %llu bytes, not a page", (unsigned long long)s2);
	p1[page / 4 + 2] = 0x12345678;
	if (!(*p2 == 0x12345678))
		return failf("the second view sees %#x", *p2);
	if (!(read32(id, page + 8, &v) == STATUS_SUCCESS))
		return failf("kernel view");
	if (!(v == 0x12345678))
		return failf("the kernel view sees %#x", v);
	if (!(unmap(id, (char *)p2 - 8, s2) == STATUS_SUCCESS))
		return failf("unmap 2");
	if (!(unmap(id, p1, s1) == STATUS_SUCCESS))
		return failf("unmap 1");
	destroy(id);
	return 0;
}

/* One section, two processes: each sees what the other wrote. */
static int section_two_processes(uint32_t cache)
{
	const uint64_t size = 16 * page;
	uint32_t id;
	char *p;
	uint64_t vs;
	int status;
	pid_t pid;

	if (!(create(SECTION, cache, size, PAGE_READWRITE, 0, &id) == STATUS_SUCCESS))
		return failf("create");
	if (!(map(id, 0, size, (void **)&p, &vs) == STATUS_SUCCESS))
		return failf("map");
	fill(p, size / 2, 21);
	pid = fork();
	if (!(pid >= 0))
		return failf("fork: %s", strerror(errno));
	if (!pid) {
		char *q;
		uint64_t qs;

		/* The view was not inherited: map it in this process. */
		if (map(id, 0, size, (void **)&q, &qs) != STATUS_SUCCESS)
			_exit(2);
		if (mismatch(q, size / 2, 21) >= 0)
			_exit(4);
		fill(q + size / 2, size / 2, 22);
		_exit(unmap(id, q, qs) == STATUS_SUCCESS ? 0 : 5);
	}
	if (!(waitpid(pid, &status, 0) == pid))
		return failf("waitpid");
	if (!(WIFEXITED(status) && !WEXITSTATUS(status)))
		return failf("the second process failed (%d)", WEXITSTATUS(status));
	if (!(mismatch(p + size / 2, size / 2, 22) < 0))
		return failf("the second process's writes are not visible");
	if (!(unmap(id, p, vs) == STATUS_SUCCESS))
		return failf("unmap");
	destroy(id);
	return 0;
}

static int t_section_two_cached(void) { return section_two_processes(CACHED); }
static int t_section_two_wc(void) { return section_two_processes(WC); }

/* Pages of @p..@len resident in memory. */
static long resident(void *p, size_t len)
{
	unsigned char vec[1024];
	size_t i, n = len / page;
	long count = 0;

	if (n > sizeof(vec) || mincore(p, len, vec))
		return -1;
	for (i = 0; i < n; i++)
		count += vec[i] & 1;
	return count;
}

/* Ask the kernel to page the view out; a few tries for LRU batches. */
static long page_out(void *p, size_t len)
{
	long left = len / page;
	int i;

	for (i = 0; i < 5 && left > 0; i++) {
		if (madvise(p, len, MADV_PAGEOUT))
			return -1;
		left = resident(p, len);
		if (left > 0)
			usleep(100000);
	}
	return left;
}

/*
 * Section pages go to swap when nothing pins them, come back with their
 * contents, and stay while an ADL covers them.
 */
static int t_section_paging(void)
{
	const uint64_t size = 64 * page;
	long before, left, swapped;
	uint32_t id;
	char *p;
	uint64_t vs;

	if (!(vmstat_value("pswpout") >= 0))
		return failf("no /proc/vmstat");
	if (!(create(SECTION, CACHED, size, PAGE_READWRITE, 0, &id) == STATUS_SUCCESS))
		return failf("create");
	if (!(map(id, 0, size, (void **)&p, &vs) == STATUS_SUCCESS))
		return failf("map");
	fill(p, size, 31);

	/* Pinned by an ADL: nothing may leave memory. */
	if (!(pin(id, size, 1) == STATUS_SUCCESS))
		return failf("pin");
	left = page_out(p, size);
	if (!(left == (long)(size / page)))
		return failf("%ld of %llu pinned pages left memory",
			     (long)(size / page) - left,
			     (unsigned long long)(size / page));
	if (!(mismatch(p, size, 31) < 0))
		return failf("pinned pages changed");
	if (!(pin(id, size, 0) == STATUS_SUCCESS))
		return failf("unpin");

	/* Unpinned: the pages go to swap and come back intact. */
	before = vmstat_value("pswpout");
	left = page_out(p, size);
	swapped = vmstat_value("pswpout") - before;
	if (!(left >= 0 && left < (long)(size / page) / 4))
		return failf("%ld of %llu unpinned pages stayed resident",
			     left, (unsigned long long)(size / page));
	if (!(swapped > 0))
		return failf("nothing was written to swap");
	if (!(mismatch(p, size, 31) < 0))
		return failf("contents changed across swap");
	if (!(unmap(id, p, vs) == STATUS_SUCCESS))
		return failf("unmap");
	destroy(id);
	printf("@@   section paging: %ld pages written to swap and read back intact\n",
	       swapped);
	return 0;
}

/* Memory figures of /proc/meminfo, in KiB. */
static long meminfo_kib(const char *name)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char key[64];
	long v, found = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld kB", key, &v) == 2)
		if (!strncmp(key, name, strlen(name)) && key[strlen(name)] == ':')
			found = v;
	fclose(f);
	return found;
}

/*
 * Memory pressure from user space: a process that touches more memory than
 * is available, so that reclaim must swap, then exits (or is killed by the
 * OOM killer, which it volunteers for). Returns the pages written to swap
 * meanwhile, or -1.
 */
static long pressure(void)
{
	long before = vmstat_value("pswpout");
	long kib = meminfo_kib("MemAvailable") + meminfo_kib("SwapFree") / 2;
	int status;
	pid_t pid;

	if (before < 0 || kib <= 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		FILE *f = fopen("/proc/self/oom_score_adj", "w");
		size_t len = (size_t)kib << 10, i;
		uint32_t *w;

		if (f) {
			fputs("1000", f);
			fclose(f);
		}
		w = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (w == MAP_FAILED)
			_exit(2);
		for (i = 0; i < len / 4; i += page / 4)
			w[i] = (uint32_t)i * 2654435761u;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return vmstat_value("pswpout") - before;
}

/*
 * Every byte written to a section survives reclaim: what the device wrote
 * through an ADL and a kernel view wrote (neither through a page table, so
 * only dxgkpm can tell the kernel the pages are dirty), what a user view
 * wrote, and what pinned ranges hold, with the pages paged out through the
 * view and the VM under memory pressure. Pinned pages stay in memory.
 */
static int t_section_survives_reclaim(void)
{
	const uint64_t part = 16 * page, size = 4 * part;
	long left, swapped;
	uint32_t src, id;
	uint64_t vs, ss;
	char *p, *q;
	int32_t st;
	int i;

	if (!(create(MDL, CACHED, part, 0, 0, &src) == STATUS_SUCCESS))
		return failf("create the source");
	if (!(map(src, 0, part, (void **)&q, &ss) == STATUS_SUCCESS))
		return failf("map the source");
	fill(q, part, 61);
	if (!(create(SECTION, CACHED, size, PAGE_READWRITE, 0, &id) == STATUS_SUCCESS))
		return failf("create the section");
	/* Part 0: the device writes it, through an ADL freed at once. */
	st = copy_at(src, 0, id, 0, part);
	if (!(st == STATUS_SUCCESS))
		return failf("device copy into the section: %#x", st);
	/* Part 1: a kernel-mode view writes it and goes. */
	if (!(obj_call(EDU_IOC_FILL, id, part, part, 62) == STATUS_SUCCESS))
		return failf("kernel-view fill");
	/* Part 2: a user view writes it. */
	if (!(map(id, 0, size, (void **)&p, &vs) == STATUS_SUCCESS))
		return failf("map the section");
	fill(p + 2 * part, part, 63);
	/* Part 3: written, then pinned by an ADL and a kernel view. */
	if (!(obj_call(EDU_IOC_FILL, id, 3 * part, part, 64) == STATUS_SUCCESS))
		return failf("kernel-view fill of part 3");
	if (!(obj_call(EDU_IOC_PIN, id, 3 * part, part / 2, 1) == STATUS_SUCCESS))
		return failf("pin");
	if (!(obj_call(EDU_IOC_KVIEW, id, 3 * part + part / 2, part / 2, 1) ==
	      STATUS_SUCCESS))
		return failf("kernel view");

	/* Map every page in the view, then page out and press. */
	if (!(madvise(p, size, MADV_POPULATE_READ) == 0))
		return failf("MADV_POPULATE_READ: %s", strerror(errno));
	left = page_out(p, size);
	if (!(left >= (long)(part / page)))
		return failf("only %ld pages stayed resident: the pinned %lu must",
			     left, (unsigned long)(part / page));
	swapped = pressure();
	if (!(swapped >= 0))
		return failf("cannot make memory pressure");
	if (!(resident(p + 3 * part, part) == (long)(part / page)))
		return failf("pinned pages left memory under pressure");

	for (i = 0; i < 4; i++) {
		long bad = mismatch(p + i * part, part, 61 + i);

		if (!(bad < 0))
			return failf("part %d (%s) lost its data at byte %ld: reads %#x",
				     i, i == 0 ? "device" : i == 1 ? "kernel view" :
				     i == 2 ? "user view" : "pinned", bad,
				     *(uint32_t *)(p + i * part + (bad & ~3L)));
	}
	if (!(obj_call(EDU_IOC_PIN, id, 3 * part, part / 2, 0) == STATUS_SUCCESS &&
	      obj_call(EDU_IOC_KVIEW, id, 3 * part + part / 2, part / 2, 0) ==
	      STATUS_SUCCESS))
		return failf("unpin");
	if (!(unmap(id, p, vs) == STATUS_SUCCESS && unmap(src, q, ss) == STATUS_SUCCESS))
		return failf("unmap");
	destroy(id);
	destroy(src);
	printf("@@   section reclaim: %ld pages to swap under pressure; %s\n",
	       swapped, "device, kernel-view and user-view writes intact");
	return 0;
}

/*
 * MADV_DOFORK lets a child inherit a view's VMA; the child's exit must not
 * take the parent's view with it.
 */
static int t_view_dofork(void)
{
	uint32_t id;
	uint64_t vs;
	int status;
	char *p;
	pid_t pid;

	if (!(create(MDL, CACHED, page, 0, 0, &id) == STATUS_SUCCESS))
		return failf("create");
	if (!(map(id, 0, page, (void **)&p, &vs) == STATUS_SUCCESS))
		return failf("map");
	fill(p, page, 71);
	if (!(madvise(p, vs, MADV_DOFORK) == 0))
		return failf("MADV_DOFORK: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (!(pid >= 0))
		return failf("fork");
	if (!pid)
		_exit(mismatch(p, page, 71) < 0 ? 0 : 3);
	if (!(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      !WEXITSTATUS(status)))
		return failf("the child did not see the inherited view");
	if (!(stat_value("uviews") == 1))
		return failf("the child's exit took the parent's view: %ld views",
			     stat_value("uviews"));
	if (!(mismatch(p, page, 71) < 0))
		return failf("the view changed");
	if (!(unmap(id, p, vs) == STATUS_SUCCESS))
		return failf("the driver's unmap of the parent's view was refused");
	destroy(id);
	return 0;
}

/* Write @text to a tracefs file; 0 or -1. */
static int trace_write(const char *file, const char *text)
{
	char path[128];
	int tfd, ok;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/%s", file);
	tfd = open(path, O_WRONLY | O_TRUNC);
	if (tfd < 0)
		return -1;
	ok = write(tfd, text, strlen(text)) == (ssize_t)strlen(text);
	close(tfd);
	return ok ? 0 : -1;
}

/*
 * IOTLB invalidations the Intel IOMMU driver queued between the trace
 * markers "dxgkpm-before" and "dxgkpm-after", or -1.
 */
static long trace_iotlb_invalidations(void)
{
	FILE *f = fopen("/sys/kernel/tracing/trace", "r");
	char line[512];
	long n = 0;
	int in = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "dxgkpm-before"))
			in = 1;
		else if (strstr(line, "dxgkpm-after"))
			in = 0;
		else if (in && strstr(line, "qi_submit: iotlb_inv"))
			n++;
	}
	fclose(f);
	return n;
}

/*
 * FreeAdl takes the device's access away before it returns: the IOTLB is
 * invalidated during the call, also on a lazy (flush-queue) domain, where
 * the DMA API alone would leave the translation cached for up to 10 ms
 * while the pages go back to their owner. Seen in the Intel IOMMU driver's
 * qi_submit trace events between two markers around the call.
 */
static int t_free_adl_flushes_iotlb(void)
{
	long n = -1;
	uint32_t id;
	int32_t st;
	char on;
	int efd;

	/*
	 * The event is enabled on the kernel command line (scripts/vm.sh):
	 * enabling it now would patch kernel text while the other vCPU runs,
	 * which QEMU's TCG does not always survive (a stray int3).
	 */
	efd = open("/sys/kernel/tracing/events/intel_iommu/qi_submit/enable",
		   O_RDONLY);
	if (!(efd >= 0 && read(efd, &on, 1) == 1 && on == '1'))
		return failf("intel_iommu:qi_submit is not traced (trace_event=)");
	close(efd);
	if (!(create(MDL, CACHED, 4 * page, 0, 0, &id) == STATUS_SUCCESS))
		return failf("create");
	if (!(trace_write("trace", "") == 0))
		return failf("cannot clear the trace: %s", strerror(errno));
	st = pin(id, 4 * page, 1);
	if (!(st == STATUS_SUCCESS))
		return failf("AllocateAdl: %#x", st);
	/* Let a flush queued by earlier unmaps happen before the marker. */
	usleep(50000);
	if (!(trace_write("trace_marker", "dxgkpm-before") == 0))
		return failf("trace_marker: %s", strerror(errno));
	st = pin(id, 4 * page, 0);
	if (trace_write("trace_marker", "dxgkpm-after") == 0)
		n = trace_iotlb_invalidations();
	if (!(st == STATUS_SUCCESS))
		return failf("FreeAdl: %#x", st);
	if (!(n >= 0))
		return failf("cannot read the trace");
	if (!(n > 0))
		return failf("FreeAdl returned with the IOTLB not invalidated");
	destroy(id);
	return 0;
}

/* The PCI name of the device behind the test's /dev node, into @name. */
static int device_pci_name(char *name, size_t len)
{
	const char *base = strrchr(device, '/');
	char link[256], target[256];
	const char *slash;
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/misc/%s/device",
		 base ? base + 1 : device);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = 0;
	slash = strrchr(target, '/');
	slash = slash ? slash + 1 : target;
	if (strlen(slash) >= len)
		return -1;
	memcpy(name, slash, strlen(slash) + 1);
	return 0;
}

/*
 * The line of @adapter's section of dxgkpm/objects that contains every one
 * of @want (NULL-terminated), into @line; the number of such lines, or -1.
 * @total gets the section's "total" line ("" if there is no section).
 */
static int debugfs_object(const char *adapter, const char * const *want,
			  char *line, size_t len, char *total)
{
	char buf[1024], head[300];
	unsigned int i;
	int n = 0, in = 0;
	FILE *f;

	f = fopen("/sys/kernel/debug/dxgkpm/objects", "r");
	if (!f)
		return -1;
	snprintf(head, sizeof(head), "adapter %s\n", adapter);
	*total = 0;
	while (fgets(buf, sizeof(buf), f)) {
		if (!strncmp(buf, "adapter ", 8)) {
			in = !strcmp(buf, head);
			continue;
		}
		if (!in)
			continue;
		if (!strncmp(buf, "total ", 6)) {
			snprintf(total, len, "%s", buf);
			continue;
		}
		for (i = 0; want[i] && strstr(buf, want[i]); i++)
			;
		if (want[i])
			continue;
		snprintf(line, len, "%s", buf);
		n++;
	}
	fclose(f);
	return n;
}

/*
 * The dxgkpm events in the trace, in order, for @handle: each of @events
 * must be found after the one before it, on a line that also has @handle,
 * @fields and @result. Returns the index of the first one missing, or -1
 * if all are there.
 */
static int trace_sequence(const char *handle, const char * const *events,
			  const char * const *fields)
{
	FILE *f = fopen("/sys/kernel/tracing/trace", "r");
	char line[1024];
	int next = 0;

	if (!f)
		return 0;
	while (events[next] && fgets(line, sizeof(line), f)) {
		if (strstr(line, events[next]) && strstr(line, handle) &&
		    strstr(line, fields[next]))
			next++;
	}
	fclose(f);
	return events[next] ? next : -1;
}

/*
 * Observability of a known call sequence on the test's adapter: a
 * write-combined MDL object, created and opened, mapped into this process,
 * with a kernel view and (where the device gets ADLs) an ADL. While they
 * live, the adapter's section of debugfs's dxgkpm/objects lists the object
 * with its type, cache type, size, adapter, counts and the sample's create
 * function as creator; once destroyed it is gone and the section's totals
 * are zero. tracefs shows each
 * DXGK call and native entry point with the object's handle, type, cache
 * type, size and result, in the order made.
 *
 * The events are switched on here, not on the kernel command line: they
 * are the module's, so only its own code is patched, and the kernel runs
 * with trace_options=norecord-cmd (scripts/vm.sh), so enabling them does
 * not hook the scheduler's tracepoints in a running kernel either.
 */
static int t_trace_debugfs(void)
{
	const uint64_t size = 3 * page;
	const int adl = !(run_profile & P_BOUNCE);
	char adapter[256], line[1024], total[1024], handle[32], sz[32];
	char adls[16], creator[] = "creator=edu_ioc_create+";
	const char *want[8];
	uint64_t vs;
	uint32_t id;
	int32_t st;
	void *p;
	int n;

	if (device_pci_name(adapter, sizeof(adapter)))
		return failf("no PCI device behind %s", device);
	if (trace_write("events/dxgkpm/enable", "1"))
		return failf("cannot enable the dxgkpm events: %s",
			     strerror(errno));
	if (trace_write("trace", ""))
		return failf("cannot clear the trace: %s", strerror(errno));
	st = create(MDL, WC, size, 0, 0, &id);
	if (!(st == STATUS_SUCCESS))
		return failf("create: %#x", st);
	st = map(id, 0, size, &p, &vs);
	if (!(st == STATUS_SUCCESS))
		return failf("map: %#x", st);
	st = obj_call(EDU_IOC_KVIEW, id, 0, page, 1);
	if (!(st == STATUS_SUCCESS))
		return failf("kernel view: %#x", st);
	st = adl ? pin(id, size, 1) : STATUS_SUCCESS;
	if (!(st == STATUS_SUCCESS))
		return failf("AllocateAdl: %#x", st);

	snprintf(sz, sizeof(sz), " size=%lu ", (unsigned long)size);
	snprintf(adls, sizeof(adls), " adls=%d ", adl);
	want[0] = "type=mdl caching=write-combined";
	want[1] = sz;
	want[2] = adls;
	want[3] = " kviews=1 uviews=1 exports=0 ";
	want[4] = creator;
	want[5] = NULL;
	n = debugfs_object(adapter, want, line, sizeof(line), total);
	if (n != 1)
		return failf("%d lines of adapter %s show the object (%s%s%s%s%s)",
			     n, adapter, want[0], sz, adls, want[3], creator);
	if (!strstr(line, " open=") || !strstr(line, adapter))
		return failf("the object is not open on %s: %s", adapter, line);
	if (sscanf(line, "handle=%31s", handle) != 1)
		return failf("no handle in: %s", line);
	if (!strstr(total, "total objects=1 "))
		return failf("totals: %s", total);

	if (adl && pin(id, size, 0) != STATUS_SUCCESS)
		return failf("FreeAdl");
	if (obj_call(EDU_IOC_KVIEW, id, 0, page, 0) != STATUS_SUCCESS)
		return failf("unmapping the kernel view");
	if (unmap(id, (char *)p, vs) != STATUS_SUCCESS)
		return failf("unmap");
	destroy(id);
	trace_write("events/dxgkpm/enable", "0");

	want[0] = handle;
	want[1] = NULL;
	n = debugfs_object(adapter, want, line, sizeof(line), total);
	if (n != 0)
		return failf("adapter %s in dxgkpm/objects still lists %s after Destroy: %s",
			     adapter, handle, line);
	if (!strstr(total, "total objects=0 bytes=0 adls=0 kviews=0 uviews=0"))
		return failf("totals after Destroy: %s", total);

	{
		static const char * const events[] = {
			"dxgkcb_create_physical_memory_object:",
			"dxgkcb_map_physical_memory:",
			"dxgkpm_map_kernel:",
			"dxgkpm_unmap_kernel:",
			"dxgkpm_unmap_user:",
			"dxgkcb_unmap_physical_memory:",
			"dxgkcb_destroy_physical_memory_object:",
			NULL,
		};
		static const char * const fields[] = {
			"type=mdl caching=write-combined size=12288 status=0x0",
			"type=mdl caching=write-combined size=12288 status=0x0",
			"type=mdl caching=write-combined size=4096 ret=0",
			"type=mdl caching=write-combined size=4096 ret=0",
			"type=mdl caching=write-combined size=12288 ret=0",
			"type=mdl caching=write-combined size=12288 status=0x0",
			"type=mdl caching=write-combined size=0 status=0x0",
		};

		if (page != 4096)
			return failf("the expected sizes assume 4 KiB pages");
		n = trace_sequence(handle, events, fields);
		if (n >= 0)
			return failf("no \"%s ... handle=%s ... %s\" in the trace, in order",
				     events[n], handle, fields[n]);
	}
	return 0;
}

/*
 * Without remapping, memory beyond the device's reach cannot be handed to
 * it: the DMA API would bounce it (a copy the device never sees updated) or
 * fail. The ADL is refused, and the device writes nothing.
 */
static int t_beyond_reach_refused(void)
{
	const uint64_t size = 4 * page, reach = 1ULL << 28;
	struct edu_create c = {
		.type = MDL, .cache = CACHED, .size = size, .low = reach,
		.high = ~0ULL, .flags = EDU_CREATE_AS_ASKED,
	};
	uint32_t dst;
	uint64_t ds;
	int32_t st;
	char *d;

	if (!(ioctl(fd, EDU_IOC_CREATE, &c) == 0 && c.status == STATUS_SUCCESS))
		return failf("create above 256 MiB: %#x", c.status);
	if (!(create(MDL, CACHED, size, 0, 0, &dst) == STATUS_SUCCESS))
		return failf("create within reach");
	if (!(map(dst, 0, size, (void **)&d, &ds) == STATUS_SUCCESS))
		return failf("map");
	st = copy(c.id, dst, size);
	if (!(st == STATUS_INVALID_PARAMETER))
		return failf("an ADL beyond the device's reach gave %#x", st);
	st = copy(dst, c.id, size);
	if (!(st == STATUS_INVALID_PARAMETER))
		return failf("the other way: %#x", st);
	if (!all_zero(d, size))
		return failf("the device wrote the destination");
	if (!(unmap(dst, d, ds) == STATUS_SUCCESS))
		return failf("unmap");
	destroy(dst);
	destroy(c.id);
	return 0;
}

/*
 * Where the DMA API bounces every mapping (swiotlb=force, confidential
 * guests), an ADL would be a copy: refused with STATUS_NOT_SUPPORTED, and
 * the device writes nothing.
 */
static int t_bounce_refused(void)
{
	const uint64_t size = 2 * page;
	uint32_t a, b;
	uint64_t vs;
	int32_t st;
	char *p;

	if (!(create(MDL, CACHED, size, 0, 0, &a) == STATUS_SUCCESS &&
	      create(MDL, CACHED, size, 0, 0, &b) == STATUS_SUCCESS))
		return failf("create");
	if (!(map(b, 0, size, (void **)&p, &vs) == STATUS_SUCCESS))
		return failf("map");
	st = copy(a, b, size);
	if (!(st == STATUS_NOT_SUPPORTED))
		return failf("an ADL on a bouncing platform gave %#x", st);
	if (!all_zero(p, size))
		return failf("the device wrote the destination");
	if (!(unmap(b, p, vs) == STATUS_SUCCESS))
		return failf("unmap");
	destroy(a);
	destroy(b);
	return 0;
}

/* A read-only section gives read-only views; write-copy ones copy. */
static int t_section_protection(void)
{
	uint32_t ro, wc;
	char *p, *q;
	uint64_t ps, qs;

	if (!(create(SECTION, CACHED, page, PAGE_READONLY, 0, &ro) == STATUS_SUCCESS))
		return failf("create read-only");
	if (!(map(ro, 0, page, (void **)&p, &ps) == STATUS_SUCCESS))
		return failf("map");
	if (!(mprotect(p, ps, PROT_READ | PROT_WRITE) != 0))
		return failf("a read-only view could be made writable");
	if (!(unmap(ro, p, ps) == STATUS_SUCCESS))
		return failf("unmap");
	destroy(ro);

	if (!(create(SECTION, CACHED, page, PAGE_WRITECOPY, 0, &wc) == STATUS_SUCCESS))
		return failf("create write-copy");
	if (!(map(wc, 0, page, (void **)&p, &ps) == STATUS_SUCCESS))
		return failf("map 1");
	if (!(map(wc, 0, page, (void **)&q, &qs) == STATUS_SUCCESS))
		return failf("map 2");
	p[0] = 0x5a;
	if (!(q[0] == 0))
		return failf("a write-copy write reached another view");
	if (!(unmap(wc, p, ps) == STATUS_SUCCESS && unmap(wc, q, qs) == STATUS_SUCCESS))
		return failf("unmap");
	destroy(wc);
	return 0;
}

/* The edu BAR through an IO-space object and a kernel-mode view. */
static int t_iospace_kernel_view(void)
{
	uint32_t id, ident;
	void *p;
	int32_t st;

	st = create_io(NON_CACHED, 0, page, &id);
	if (!(st == STATUS_SUCCESS))
		return failf("create over BAR0: %#x", st);
	if (!(read32(id, 0, &ident) == STATUS_SUCCESS))
		return failf("kernel view");
	if (!((ident & 0xff) == EDU_IDENT))
		return failf("ident register reads %#x", ident);
	st = map(id, 0, page, &p, NULL);
	if (!(st == STATUS_INVALID_PARAMETER))
		return failf("a user view of IO space gave %#x", st);
	destroy(id);
	printf("@@   IO space: edu ident register %#x read through a kernel view\n",
	       ident);
	return 0;
}

/* Nothing outside the device's own BARs can be wrapped. */
static int t_iospace_refused(void)
{
	uint32_t id;
	int32_t st;

	st = create_io(NON_CACHED, 1 << 20, page, &id);	/* BAR0 is 1 MiB */
	if (!(st == STATUS_INVALID_PARAMETER))
		return failf("past the BAR: %#x", st);
	st = create_io(NON_CACHED, (1 << 20) - page, 2 * page, &id);
	if (!(st == STATUS_INVALID_PARAMETER))
		return failf("straddling the end: %#x", st);
	st = create_io(NON_CACHED, 100, page, &id);
	if (!(st == STATUS_INVALID_PARAMETER))
		return failf("unaligned: %#x", st);
	st = create_io(CACHED, 0, page, &id);
	if (!(st == STATUS_INVALID_PARAMETER))
		return failf("cached MMIO: %#x", st);
	st = create_io(WC, 0, page, &id);
	if (!(st == STATUS_INVALID_PARAMETER))
		return failf("write-combined non-prefetchable BAR: %#x", st);
	return 0;
}

/* Memory that was not zeroed never reaches user space. */
static int t_dont_zero_refused(void)
{
	uint32_t id;
	void *p;
	int32_t st;

	if (!(create(MDL, CACHED, page, 0, MM_DONT_ZERO, &id) == STATUS_SUCCESS))
		return failf("create");
	st = map(id, 0, page, &p, NULL);
	if (!(st == STATUS_ACCESS_DENIED))
		return failf("user view of unzeroed memory: %#x", st);
	destroy(id);
	return 0;
}

/* A view keeps its pages valid after destroy, until munmap. */
static int t_view_outlives_destroy(void)
{
	const uint64_t size = 2 * page;
	uint32_t id;
	char *p;
	uint64_t vs;

	if (!(create(MDL, WC, size, 0, 0, &id) == STATUS_SUCCESS))
		return failf("create");
	if (!(map(id, 0, size, (void **)&p, &vs) == STATUS_SUCCESS))
		return failf("map");
	fill(p, size, 41);
	destroy(id);
	if (!(stat_value("uviews") >= 1))
		return failf("the view was dropped");
	if (!(mismatch(p, size, 41) < 0))
		return failf("contents changed after destroy");
	fill(p, size, 42);
	if (!(mismatch(p, size, 42) < 0))
		return failf("writes after destroy failed");
	if (!(munmap(p, vs) == 0))
		return failf("munmap: %s", strerror(errno));
	if (!(stat_value("uviews") == 0 && stat_value("pmos") == 0))
		return failf("still held after munmap: %ld views, %ld objects",
			     stat_value("uviews"), stat_value("pmos"));
	return 0;
}

/* Unmap from another process does nothing; exit leaks nothing. */
static int t_other_process(void)
{
	const uint64_t size = page;
	uint32_t id;
	char *p;
	uint64_t vs;
	int status;
	pid_t pid;

	if (!(create(MDL, CACHED, size, 0, 0, &id) == STATUS_SUCCESS))
		return failf("create");
	if (!(map(id, 0, size, (void **)&p, &vs) == STATUS_SUCCESS))
		return failf("map");
	fill(p, size, 51);
	pid = fork();
	if (!(pid >= 0))
		return failf("fork");
	if (!pid) {
		char *q;
		uint64_t qs;

		/* The parent's view is not this process's to unmap. */
		unmap(id, p, vs);
		/* A view of its own, left for exit to clean up. */
		if (map(id, 0, size, (void **)&q, &qs) != STATUS_SUCCESS)
			_exit(2);
		_exit(mismatch(q, size, 51) < 0 ? 0 : 3);
	}
	if (!(waitpid(pid, &status, 0) == pid))
		return failf("waitpid");
	if (!(WIFEXITED(status) && !WEXITSTATUS(status)))
		return failf("child failed (%d)", WEXITSTATUS(status));
	if (!(mismatch(p, size, 51) < 0))
		return failf("the view changed");
	if (!(stat_value("uviews") == 1))
		return failf("%ld views alive, expected 1", stat_value("uviews"));
	if (!(unmap(id, p, vs + page) != STATUS_SUCCESS))
		return failf("unmap with the wrong size succeeded");
	if (!(unmap(id, p, vs) == STATUS_SUCCESS))
		return failf("unmap");
	destroy(id);
	return 0;
}

/*
 * Reused pages. A zero check on a new object proves nothing by itself:
 * fresh RAM is zero, and Debian's kernels zero every page they hand out
 * (init_on_alloc) whatever dxgkpm does. So these tests need a kernel booted
 * with init_on_alloc=0 (scripts/vmtest.sh does) and check it; they fill an
 * object's pages through a user view, give them back and at once, on the
 * same CPU, create the next object of the same size, which gets those very
 * pages back (the page frame numbers of the views say so; the per-CPU page
 * lists hand out the page freed last first, and a window scan claims the
 * first free range of its window again).
 */
#define REUSE_ROUNDS	8
#define REUSE_WINDOW	(256ULL << 20)	/* above it: a window scan */
#define REUSE_PAGES	4		/* pages of a window object */
#define REUSE_PROBES	16		/* words read per page by a kernel view */

/* The kernel does not zero pages for dxgkpm: its own boot message says so. */
static int kernel_leaves_pages_dirty(void)
{
	int size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *log, *line;
	int len, ok = 0;

	if (size <= 0)
		return failf("cannot size the kernel log: %s", strerror(errno));
	log = calloc(1, size + 1);
	if (!log)
		return failf("out of memory");
	len = klogctl(3, log, size);		/* SYSLOG_ACTION_READ_ALL */
	line = len > 0 ? strstr(log, "mem auto-init:") : NULL;
	if (!line)
		failf("no \"mem auto-init\" line in the kernel log");
	else if (!strstr(line, "heap alloc:off, heap free:off"))
		failf("the kernel zeroes pages itself (needs init_on_alloc=0 init_on_free=0): %.*s",
		      (int)strcspn(line, "\n"), line);
	else
		ok = 1;
	free(log);
	return ok ? 0 : -1;
}

/* The page frame number behind a user address, from /proc/self/pagemap. */
static uint64_t pfn_of(const void *p)
{
	uint64_t entry = 0;
	int pm = open("/proc/self/pagemap", O_RDONLY);

	if (pm < 0)
		return 0;
	if (pread(pm, &entry, sizeof(entry),
		  (off_t)((uintptr_t)p / page * sizeof(entry))) != sizeof(entry))
		entry = 0;
	close(pm);
	/* Bit 63: present; bits 0-54: the frame (shown to root only). */
	return entry >> 63 ? entry & ((1ULL << 55) - 1) : 0;
}

/* Free and allocate on one CPU, so that the per-CPU lists give pages back. */
static int pin_cpu(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return failf("sched_setaffinity: %s", strerror(errno));
	return 0;
}

/*
 * An object of @npages, filled through a user view with a pattern per page
 * (seed @seed + page), then destroyed; its page frame numbers in @pfn.
 */
static int dirty_object(uint32_t type, uint32_t cache, uint64_t low,
			unsigned int npages, unsigned int seed, uint64_t *pfn)
{
	const uint64_t size = npages * page;
	unsigned int i;
	uint64_t vs;
	uint32_t id;
	char *p;
	int32_t st;

	st = create_above(type, cache, size, low, 0, &id);
	if (st != STATUS_SUCCESS)
		return failf("create: %#x", st);
	if (map(id, 0, size, (void **)&p, &vs) != STATUS_SUCCESS)
		return failf("map");
	for (i = 0; i < npages; i++) {
		fill(p + i * page, page, seed + i);
		pfn[i] = pfn_of(p + i * page);
		if (!pfn[i])
			return failf("no page frame number in /proc/self/pagemap");
	}
	/* The view holds the pages: unmap first, so that Destroy frees them. */
	if (unmap(id, p, vs) != STATUS_SUCCESS)
		return failf("unmap");
	destroy(id);
	return 0;
}

static int find_pfn(const uint64_t *pfn, unsigned int n, uint64_t want)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (pfn[i] == want)
			return i;
	return -1;
}

/*
 * One round for @npages pages above @low: dirty an object, create the next
 * one and read it through a user view; every page must be zero. Sets
 * *@reused to the number of its pages that were the dirtied ones and
 * appends their frame numbers to @note.
 */
static int zero_round(uint32_t type, uint32_t cache, uint64_t low,
		      unsigned int npages, unsigned int round,
		      unsigned int *reused, char *note, size_t note_size)
{
	uint64_t old[REUSE_PAGES], pfn, vs;
	const uint64_t size = npages * page;
	unsigned int i;
	uint32_t id;
	size_t len;
	char *p;
	int32_t st;
	int j;

	if (dirty_object(type, cache, low, npages, round * REUSE_PAGES, old))
		return -1;
	st = create_above(type, cache, size, low, 0, &id);
	if (st != STATUS_SUCCESS)
		return failf("create: %#x", st);
	if (map(id, 0, size, (void **)&p, &vs) != STATUS_SUCCESS)
		return failf("map");
	*reused = 0;
	for (i = 0; i < npages; i++) {
		pfn = pfn_of(p + i * page);
		j = find_pfn(old, npages, pfn);
		if (j >= 0) {
			++*reused;
			len = strlen(note);
			snprintf(note + len, note_size - len, " %#llx",
				 (unsigned long long)pfn);
		}
		if (!all_zero(p + i * page, page))
			return failf("page %u (pfn %#llx%s) is not zero, round %u",
				     i, (unsigned long long)pfn,
				     j >= 0 ? ", the previous object's" : "",
				     round);
	}
	if (unmap(id, p, vs) != STATUS_SUCCESS)
		return failf("unmap");
	destroy(id);
	return 0;
}

/* Rounds until some page comes back, for one source of pages. */
static int zero_source(uint32_t type, uint32_t cache, uint64_t low,
		       unsigned int npages, const char *source)
{
	unsigned int round, reused = 0;
	char note[128] = "";

	for (round = 1; round <= REUSE_ROUNDS && !reused; round++)
		if (zero_round(type, cache, low, npages, round, &reused, note,
			       sizeof(note)))
			return -1;
	if (!reused)
		return failf("%s: no page came back in %d rounds: nothing was shown",
			     source, REUSE_ROUNDS);
	printf("@@   %s: round %u, %u of %u pages reused and zero, pfn%s%s\n",
	       source, round - 1, reused, npages, reused > 1 ? "s" : "", note);
	return 0;
}

#define DEFER_PARAM	"/sys/module/dxgkpm/parameters/pool_defer_order"

/* Write @value to pool_defer_order; the old value in @old if not NULL. */
static int set_defer(const char *value, char old[8])
{
	int fd = open(DEFER_PARAM, O_RDWR);
	ssize_t n = 0;
	int ok;

	if (fd < 0)
		return failf("%s: %s", DEFER_PARAM, strerror(errno));
	if (old) {
		n = pread(fd, old, 7, 0);
		old[n > 0 ? n : 0] = '\0';
	}
	ok = (!old || n > 0) &&
	     pwrite(fd, value, strlen(value), 0) == (ssize_t)strlen(value);
	close(fd);
	return ok ? 0 : failf("%s: %s", DEFER_PARAM, strerror(errno));
}

/*
 * Reused pages of each source read as zeroes through a user view. A freed
 * block of pool_defer_order or more pages waits on a dirty list while the
 * clean pages the pools already hold are handed out first, so the next
 * object gets those very pages only when the freeing call clears them:
 * these tests run with pool_defer_order=99 (never deferred). The deferred
 * clearing is dxgkpm_pool_clear_deferred's (KUnit), where the work item
 * can be held and waited for.
 */
static int reused_zeroed(uint32_t type, uint32_t cache)
{
	char old[8];
	int ret;

	if (kernel_leaves_pages_dirty() || pin_cpu() || set_defer("99", old))
		return -1;
	ret = zero_source(type, cache, 0, 1, "one page, buddy allocator");
	if (!ret)
		ret = zero_source(type, cache, REUSE_WINDOW, REUSE_PAGES,
				  "four pages above 256 MiB, window scan");
	if (set_defer(old, NULL))
		return -1;
	return ret;
}

static int t_zero_mdl_uc(void) { return reused_zeroed(MDL, NON_CACHED); }
static int t_zero_mdl_wb(void) { return reused_zeroed(MDL, CACHED); }
static int t_zero_mdl_wc(void) { return reused_zeroed(MDL, WC); }
static int t_zero_contig_uc(void) { return reused_zeroed(CONTIG, NON_CACHED); }
static int t_zero_contig_wb(void) { return reused_zeroed(CONTIG, CACHED); }
static int t_zero_contig_wc(void) { return reused_zeroed(CONTIG, WC); }

/* Whether page @pg of object @id holds the pattern @seed, sampled. */
static int holds_pattern(uint32_t id, unsigned int pg, unsigned int seed)
{
	const uint64_t step = page / REUSE_PROBES;
	uint32_t v;
	uint64_t off;

	for (off = 0; off < (uint64_t)page; off += step) {
		if (read32(id, pg * page + off, &v) != STATUS_SUCCESS ||
		    v != seed * 2654435761u + (uint32_t)(off / 4))
			return 0;
	}
	return 1;
}

/*
 * MM_DONT_ZERO_ALLOCATION is honoured (Documentation/dxgkpm.rst): such an
 * object is not cleared and may show its driver what the pages held
 * before, as on Windows, which is why it never gets a user view. An object
 * with the flag that takes the pages of a dirtied one back shows that
 * pattern through a kernel view: the flag is honoured, and a page that is
 * not cleared does come back dirty on this kernel, so the zero checks
 * above can fail.
 */
static int dont_zero_source(uint64_t low, unsigned int npages,
			    const char *source)
{
	unsigned int round, i, j, stale = 0;
	uint64_t old[REUSE_PAGES];
	uint32_t id;
	void *p;
	int32_t st;

	for (round = 1; round <= REUSE_ROUNDS && !stale; round++) {
		if (dirty_object(MDL, CACHED, low, npages, round * REUSE_PAGES,
				 old))
			return -1;
		st = create_above(MDL, CACHED, npages * page, low,
				  MM_DONT_ZERO, &id);
		if (st != STATUS_SUCCESS)
			return failf("create: %#x", st);
		st = map(id, 0, page, &p, NULL);
		if (st != STATUS_ACCESS_DENIED)
			return failf("user view of unzeroed memory: %#x", st);
		for (i = 0; i < npages; i++)
			for (j = 0; j < npages; j++)
				stale += holds_pattern(id, i,
						       round * REUSE_PAGES + j);
		destroy(id);
	}
	if (!stale)
		return failf("%s: no page kept the previous object's data in %d rounds",
			     source, REUSE_ROUNDS);
	printf("@@   %s: round %u, %u of %u unzeroed pages show the previous object's data\n",
	       source, round - 1, stale, npages);
	return 0;
}

static int t_dont_zero_stale(void)
{
	if (kernel_leaves_pages_dirty() || pin_cpu())
		return -1;
	if (dont_zero_source(0, 1, "one page, buddy allocator"))
		return -1;
	return dont_zero_source(REUSE_WINDOW, REUSE_PAGES,
				"four pages above 256 MiB, window scan");
}

/* What vmcheck.ko prints once it has checked every page. */
#define VMCHECK_REPORT \
	"vmcheck: %u pages checked: %u write-back, %u not write-back, %u not mapped"

/*
 * How many of the pages @pfn[0..@n) the kernel's linear map has write-back:
 * vmcheck.ko (tests/vm/vmcheck.c) reads their entries and reports in the
 * kernel log, then unloads itself (insmod fails by design). -1 when it did
 * not report on every page.
 */
static int linear_map_write_back(const uint64_t *pfn, unsigned int n)
{
	unsigned int i, checked, wb, other, missing;
	char cmd[2048], *log, *line, *last = NULL;
	int size, len, ret = -1;
	size_t used;

	used = snprintf(cmd, sizeof(cmd), "insmod /lib/dxgkpm/vmcheck.ko phys=");
	for (i = 0; i < n && used < sizeof(cmd); i++)
		used += snprintf(cmd + used, sizeof(cmd) - used, "%s%#llx",
				 i ? "," : "",
				 (unsigned long long)(pfn[i] * page));
	if (used + sizeof(" 2>/dev/null") > sizeof(cmd))
		return failf("too many pages for vmcheck");
	strcat(cmd, " 2>/dev/null");
	fflush(stdout);
	if (system(cmd) == -1)
		return failf("cannot run insmod: %s", strerror(errno));
	size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	if (size <= 0)
		return failf("cannot size the kernel log: %s", strerror(errno));
	log = calloc(1, size + 1);
	if (!log)
		return failf("out of memory");
	len = klogctl(3, log, size);	/* SYSLOG_ACTION_READ_ALL */
	for (line = len > 0 ? log : NULL; line; line++) {
		line = strstr(line, "vmcheck: ");
		if (!line)
			break;
		if (sscanf(line, "vmcheck: %u pages checked:", &checked) == 1)
			last = line;
	}
	if (!last)
		failf("vmcheck did not report");
	else if (sscanf(last, VMCHECK_REPORT, &checked, &wb, &other,
			&missing) != 4 ||
		 checked != n || missing)
		failf("vmcheck: %.*s", (int)strcspn(last, "\n"), last);
	else
		ret = wb;
	free(log);
	return ret;
}

/*
 * A write-combined section has no write-back alias (issue 10, defect 9): the
 * pages of a user view are write-combined on the kernel's linear map too
 * (vmcheck reads its entries) while the view exists, which pins them, so
 * paging out through the view leaves them in memory and intact; once the
 * view is unmapped they are write-back again.
 */
static int t_section_wc_linear_map(void)
{
	const unsigned int n = 16;
	const uint64_t size = n * page;
	uint64_t pfn[16], vs;
	unsigned int i;
	uint32_t id;
	long left;
	char *p;
	int wb;

	if (!(create(SECTION, WC, size, PAGE_READWRITE, 0, &id) == STATUS_SUCCESS))
		return failf("create");
	if (!(map(id, 0, size, (void **)&p, &vs) == STATUS_SUCCESS))
		return failf("map");
	fill(p, size, 71);
	for (i = 0; i < n; i++) {
		pfn[i] = pfn_of(p + i * page);
		if (!pfn[i])
			return failf("no page frame number in /proc/self/pagemap");
	}
	wb = linear_map_write_back(pfn, n);
	if (wb < 0)
		return -1;
	if (!(wb == 0))
		return failf("%d of %u pages of a write-combined view are %s",
			     wb, n, "write-back on the linear map");
	left = page_out(p, size);
	if (!(left == (long)n))
		return failf("%ld of %u write-combined pages left memory",
			     (long)n - left, n);
	if (!(mismatch(p, size, 71) < 0))
		return failf("the view's data changed");
	if (!(unmap(id, p, vs) == STATUS_SUCCESS))
		return failf("unmap");
	wb = linear_map_write_back(pfn, n);
	if (wb < 0)
		return -1;
	if (!(wb == (int)n))
		return failf("%u of %u pages are not write-back after the view went",
			     n - wb, n);
	destroy(id);
	printf("@@   section write-combined: %u pages %s, resident, %s\n", n,
	       "write-combined on the linear map while viewed",
	       "write-back after");
	return 0;
}

/*
 * Where pages lie: zones and nodes from /proc/zoneinfo, page frame numbers
 * from /proc/self/pagemap (profile feature numa: two nodes, ZONE_MOVABLE
 * from movablecore=, the device on node 1).
 */
struct zone_span {
	int node;
	char name[16];
	uint64_t start;
	uint64_t spanned;
};

static struct zone_span zones[64];
static unsigned int nzones;

static int read_zoneinfo(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	struct zone_span *z = NULL;
	unsigned long long v;
	char line[256], name[16];
	int node;

	if (!f)
		return failf("no /proc/zoneinfo");
	nzones = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %15s", &node, name) == 2) {
			if (nzones == ARRAY_SIZE(zones))
				break;
			z = &zones[nzones++];
			memset(z, 0, sizeof(*z));
			z->node = node;
			snprintf(z->name, sizeof(z->name), "%s", name);
		} else if (z && sscanf(line, " spanned %llu", &v) == 1) {
			z->spanned = v;
		} else if (z && sscanf(line, " start_pfn: %llu", &v) == 1) {
			z->start = v;
		}
	}
	fclose(f);
	return nzones ? 0 : failf("no zone in /proc/zoneinfo");
}

/* The zone that spans @pfn (Movable first, should spans overlap), or NULL. */
static const struct zone_span *zone_of(uint64_t pfn)
{
	const struct zone_span *found = NULL;
	unsigned int i;

	for (i = 0; i < nzones; i++) {
		if (pfn < zones[i].start ||
		    pfn >= zones[i].start + zones[i].spanned)
			continue;
		if (!found || !strcmp(zones[i].name, "Movable"))
			found = &zones[i];
	}
	return found;
}

/* [*@start, *@end) of ZONE_MOVABLE on @node, in page frames; -1 if none. */
static int movable_span(int node, uint64_t *start, uint64_t *end)
{
	unsigned int i;

	for (i = 0; i < nzones; i++) {
		if (zones[i].node != node || strcmp(zones[i].name, "Movable") ||
		    !zones[i].spanned)
			continue;
		*start = zones[i].start;
		*end = zones[i].start + zones[i].spanned;
		return 0;
	}
	return failf("node %d has no ZONE_MOVABLE (movablecore=)", node);
}

/* The NUMA node of the device behind /dev/dxgkpm_eduN. */
static int device_node(void)
{
	const char *name = strrchr(device, '/');
	char path[128];
	int node = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/misc/%s/device/numa_node",
		 name ? name + 1 : device);
	f = fopen(path, "r");
	if (!f)
		return failf("cannot read %s", path);
	if (fscanf(f, "%d", &node) != 1)
		node = -1;
	fclose(f);
	if (node < 0)
		return failf("%s says the device has no node", path);
	return node;
}

/*
 * Set up a placement test: zones read, this process on CPU 0, and the
 * device on another node than CPU 0's, so that memory local to the caller
 * is not memory local to the device. Returns the device's node, or -1.
 */
static int placement_setup(void)
{
	char path[64];
	int node;

	if (read_zoneinfo() || pin_cpu())
		return -1;
	node = device_node();
	if (node < 0)
		return -1;
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/node%d", node);
	if (!access(path, F_OK))
		return failf("the device is on CPU 0's node %d: nothing to tell apart",
			     node);
	return node;
}

/*
 * Every page of object @id (@npages) through a user view: in no
 * ZONE_MOVABLE, and on @node unless it is -1.
 */
static int check_placement(uint32_t id, unsigned int npages, int node,
			   const char *what)
{
	const uint64_t size = npages * page;
	unsigned int i, movable = 0, remote = 0;
	const struct zone_span *z;
	uint64_t vs, pfn;
	char *p;

	if (map(id, 0, size, (void **)&p, &vs) != STATUS_SUCCESS)
		return failf("%s: map", what);
	for (i = 0; i < npages; i++) {
		/* Reading faults a section's page in; a new object is zero. */
		if (!all_zero(p + i * page, page))
			return failf("%s: page %u of a new object is not zeroed",
				     what, i);
		pfn = pfn_of(p + i * page);
		if (!pfn)
			return failf("%s: no page frame number for page %u", what, i);
		z = zone_of(pfn);
		if (!z)
			return failf("%s: page %u (pfn %#llx) is in no zone", what,
				     i, (unsigned long long)pfn);
		if (!strcmp(z->name, "Movable") && !movable++)
			printf("@@   %s: page %u (pfn %#llx) in node %d's ZONE_MOVABLE\n",
			       what, i, (unsigned long long)pfn, z->node);
		if (node >= 0 && z->node != node && !remote++)
			printf("@@   %s: page %u (pfn %#llx) on node %d, not %d\n",
			       what, i, (unsigned long long)pfn, z->node, node);
	}
	if (unmap(id, p, vs) != STATUS_SUCCESS)
		return failf("%s: unmap", what);
	if (movable)
		return failf("%s: %u of %u pages in ZONE_MOVABLE", what, movable,
			     npages);
	if (remote)
		return failf("%s: %u of %u pages not on node %d", what, remote,
			     npages, node);
	if (node >= 0)
		printf("@@   %s: %u pages on node %d, none in ZONE_MOVABLE\n",
		       what, npages, node);
	else
		printf("@@   %s: %u pages, none in ZONE_MOVABLE\n", what, npages);
	return 0;
}

/* An object for the device made as @type above @low: on its node. */
static int on_device_node(uint32_t type, uint64_t low, const char *what)
{
	const unsigned int npages = 64;
	uint32_t id;
	int32_t st;
	int node;

	node = placement_setup();
	if (node < 0)
		return -1;
	st = create_above(type, CACHED, npages * page, low, 0, &id);
	if (st != STATUS_SUCCESS)
		return failf("create: %#x", st);
	if (check_placement(id, npages, node, what))
		return -1;
	destroy(id);
	return 0;
}

static int t_numa_mdl(void)
{
	return on_device_node(MDL, 0, "MDL, buddy allocator");
}

static int t_numa_contig(void)
{
	return on_device_node(CONTIG, 0, "contiguous");
}

static int t_numa_window(void)
{
	return on_device_node(MDL, 256 << 20, "MDL above 256 MiB, window scan");
}

/*
 * A window that holds nothing but the device node's ZONE_MOVABLE: no page
 * may be pinned there, so there is no memory for it.
 */
static int t_movable_refused(void)
{
	uint64_t start = 0, end = 0;
	struct edu_create c = {
		.type = MDL, .cache = CACHED, .size = 16 * page,
		.flags = EDU_CREATE_AS_ASKED,
	};
	int node;

	node = placement_setup();
	if (node < 0 || movable_span(node, &start, &end))
		return -1;
	c.low = start * page;
	c.high = end * page - 1;
	if (ioctl(fd, EDU_IOC_CREATE, &c))
		return failf("ioctl: %s", strerror(errno));
	if (c.status == STATUS_SUCCESS) {
		check_placement(c.id, 16, -1, "MDL in ZONE_MOVABLE");
		return failf("an MDL object in [%#llx, %#llx], node %d's ZONE_MOVABLE, was created",
			     (unsigned long long)c.low,
			     (unsigned long long)c.high, node);
	}
	if (c.status != STATUS_INSUFFICIENT_RESOURCES)
		return failf("create: %#x, not STATUS_INSUFFICIENT_RESOURCES",
			     c.status);
	return 0;
}

/*
 * Section pages pinned by an ADL: none in ZONE_MOVABLE (a section follows
 * the caller's memory policy, so its node is not checked).
 */
static int t_section_pins_not_movable(void)
{
	const unsigned int npages = 64;
	uint32_t id;

	if (placement_setup() < 0)
		return -1;
	if (create(SECTION, CACHED, npages * page, PAGE_READWRITE, 0, &id) !=
	    STATUS_SUCCESS)
		return failf("create");
	if (pin(id, npages * page, 1) != STATUS_SUCCESS)
		return failf("pin");
	if (check_placement(id, npages, -1, "section pinned by an ADL"))
		return -1;
	if (pin(id, npages * page, 0) != STATUS_SUCCESS)
		return failf("unpin");
	destroy(id);
	return 0;
}

/* Everything dxgkpm holds, when it holds anything: "" when idle. */
static const char *held(void)
{
	static const char * const keys[] = {
		"pmos", "amos", "adls", "kviews", "uviews", "pages",
		"pages_wc", "pages_uc", "pinned", "dma_maps", "exports",
		"imports",
	};
	static char out[320];
	unsigned int i;
	size_t len = 0;
	long v;

	out[0] = 0;
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		v = stat_value(keys[i]);
		if (v != 0 && len < sizeof(out))
			len += snprintf(out + len, sizeof(out) - len, "%s%s=%ld",
					len ? " " : "", keys[i], v);
	}
	/* Each adapter has a handle; any other handle is an object's. */
	v = stat_value("handles") - stat_value("adapters");
	if (v != 0 && len < sizeof(out))
		snprintf(out + len, sizeof(out) - len,
			 "%shandles=%ld beyond the adapters'", len ? " " : "", v);
	return out;
}

static const struct {
	const char *name;
	unsigned int bit;
} profile_names[] = {
	{ "remap", P_REMAP }, { "direct", P_DIRECT }, { "reach", P_REACH },
	{ "bounce", P_BOUNCE }, { "swap", F_SWAP }, { "noinit", F_NOINIT },
	{ "numa", F_NUMA },
};

/**
 * struct vmtest - one test
 * @name: its check name (tests/vm/expected/)
 * @fn: the test; 0 when it passed, else -1 with the reason in why
 * @profiles: the P_* profiles it runs in
 * @needs: the F_* features it needs besides
 */
struct vmtest {
	const char *name;
	int (*fn)(void);
	unsigned int profiles;
	unsigned int needs;
};

static const struct vmtest tests[] = {
	{ "user-view-dma-mdl-cached", t_mdl_cached, P_DMA, 0 },
	{ "user-view-dma-mdl-write-combined", t_mdl_wc, P_DMA, 0 },
	{ "user-view-dma-mdl-uncached", t_mdl_uc, P_DMA, 0 },
	{ "user-view-dma-contiguous-write-combined", t_contig_wc, P_DMA, 0 },
	{ "user-view-dma-section-cached", t_section_cached, P_DMA, 0 },
	{ "kernel-and-user-views-agree", t_views_agree, P_CPU, 0 },
	{ "section-two-processes-cached", t_section_two_cached, P_CPU, 0 },
	{ "section-two-processes-write-combined", t_section_two_wc, P_CPU, 0 },
	{ "section-protection", t_section_protection, P_CPU, 0 },
	{ "section-paging", t_section_paging, P_DMA, F_SWAP },
	{ "section-survives-reclaim", t_section_survives_reclaim, P_DMA, F_SWAP },
	{ "section-write-combined-linear-map", t_section_wc_linear_map, P_CPU,
	  F_SWAP },
	{ "view-inherited-with-madv-dofork", t_view_dofork, P_CPU, 0 },
	{ "free-adl-flushes-iotlb", t_free_adl_flushes_iotlb, P_REMAP, 0 },
	{ "within-reach-dma", t_mdl_cached, P_REACH, 0 },
	{ "beyond-reach-refused", t_beyond_reach_refused, P_REACH, 0 },
	{ "bounced-dma-refused", t_bounce_refused, P_BOUNCE, 0 },
	{ "iospace-kernel-view-of-edu-bar", t_iospace_kernel_view, P_CPU, 0 },
	{ "iospace-outside-bars-refused", t_iospace_refused, P_CPU, 0 },
	{ "user-view-of-unzeroed-refused", t_dont_zero_refused, P_CPU, 0 },
	{ "user-view-outlives-destroy", t_view_outlives_destroy, P_CPU, 0 },
	{ "other-process-and-exit", t_other_process, P_CPU, 0 },
	{ "trace-events-and-debugfs-objects", t_trace_debugfs, P_CPU, 0 },
	{ "reused-pages-zeroed-mdl-uncached", t_zero_mdl_uc, P_CPU, F_NOINIT },
	{ "reused-pages-zeroed-mdl-cached", t_zero_mdl_wb, P_CPU, F_NOINIT },
	{ "reused-pages-zeroed-mdl-write-combined", t_zero_mdl_wc, P_CPU, F_NOINIT },
	{ "reused-pages-zeroed-contiguous-uncached", t_zero_contig_uc, P_CPU, F_NOINIT },
	{ "reused-pages-zeroed-contiguous-cached", t_zero_contig_wb, P_CPU, F_NOINIT },
	{ "reused-pages-zeroed-contiguous-write-combined", t_zero_contig_wc, P_CPU,
	  F_NOINIT },
	{ "reused-pages-dont-zero-keep-data", t_dont_zero_stale, P_CPU, F_NOINIT },
	{ "numa-mdl-on-device-node", t_numa_mdl, P_REMAP, F_NUMA },
	{ "numa-contiguous-on-device-node", t_numa_contig, P_REMAP, F_NUMA },
	{ "numa-window-scan-on-device-node", t_numa_window, P_REMAP, F_NUMA },
	{ "movable-zone-window-refused", t_movable_refused, P_REMAP, F_NUMA },
	{ "section-pins-outside-movable", t_section_pins_not_movable, P_REMAP,
	  F_NUMA },
};

/*
 * Run one test in a process of its own, with a file of its own: whatever
 * it leaves behind, even when it fails or dies of a signal, goes with the
 * process (the file's objects, its views). The parent checks that dxgkpm
 * is idle before and after, so that each test starts from a verified
 * empty state and a leak is the fault of the test that made it.
 */
static void run_test(const char *dev, const struct vmtest *t)
{
	char reason[sizeof(why)] = "";
	const char *left;
	int status, pipefd[2];
	ssize_t n;
	pid_t pid;

	left = held();
	if (*left) {
		fail(t->name, "not run: dxgkpm is not idle before it: %s", left);
		return;
	}
	if (pipe(pipefd)) {
		fail(t->name, "pipe: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fail(t->name, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return;
	}
	if (!pid) {
		int ret;

		close(pipefd[0]);
		why[0] = 0;
		fd = open(dev, O_RDWR);
		if (fd < 0)
			ret = failf("open %s: %s", dev, strerror(errno));
		else
			ret = t->fn();
		if (ret && write(pipefd[1], why, strlen(why)) < 0)
			_exit(2);
		_exit(ret ? 1 : 0);
	}
	close(pipefd[1]);
	n = read(pipefd[0], reason, sizeof(reason) - 1);
	reason[n > 0 ? n : 0] = 0;
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid) {
		fail(t->name, "waitpid: %s", strerror(errno));
		return;
	}
	left = held();
	if (WIFSIGNALED(status))
		fail(t->name, "killed by signal %d (%s)%s%s", WTERMSIG(status),
		     strsignal(WTERMSIG(status)), *left ? "; left behind: " : "",
		     left);
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail(t->name, "%s%s%s", reason[0] ? reason : "failed",
		     *left ? "; left behind: " : "", left);
	else if (*left)
		fail(t->name, "passed but left behind: %s", left);
	else
		pass(t->name);
}

/* "remap,swap" -> P_REMAP | F_SWAP; 0 for an unknown name. */
static unsigned int parse_profile(const char *arg)
{
	char buf[128], *tok, *save;
	unsigned int i, bits = 0, bit;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		bit = 0;
		for (i = 0; i < ARRAY_SIZE(profile_names); i++)
			if (!strcmp(tok, profile_names[i].name))
				bit = profile_names[i].bit;
		if (!bit)
			return 0;
		bits |= bit;
	}
	return bits;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int i, profile = P_REMAP;
	int opt;

	while ((opt = getopt_long(argc, argv, "p:", options, NULL)) != -1) {
		profile = opt == 'p' ? parse_profile(optarg) : 0;
		if (!profile) {
			fprintf(stderr, "usage: %s [--profile %s] [DEVICE]\n",
				argv[0], "remap|direct|reach|bounce[,swap][,noinit][,numa]");
			return 100;
		}
	}
	run_profile = profile;
	if (optind < argc)
		device = argv[optind];
	if (getenv("VMTEST_RESULTS_FD"))
		results = fdopen(dup(atoi(getenv("VMTEST_RESULTS_FD"))), "w");
	page = sysconf(_SC_PAGESIZE);
	/* A test that does not apply is not run: the expected lists say what must. */
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		if ((tests[i].profiles & profile) &&
		    (tests[i].needs & profile) == tests[i].needs)
			run_test(device, &tests[i]);
	return failed > 100 ? 100 : failed;
}
