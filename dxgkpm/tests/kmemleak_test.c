// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite "dxgkpm_kmemleak", linked last so that it runs after every
 * other dxgkpm suite: it makes kmemleak scan memory now, instead of at its
 * next periodic scan (60 s after boot, then every 10 minutes), and fails on
 * any unreferenced object that dxgkpm or its suites allocated. KUnit runs
 * before user space mounts anything, so the suite mounts debugfs itself to
 * reach kmemleak's control file, and gives itself a user address space for
 * the buffers (the file has no read_iter/write_iter for kernel_read() and
 * kernel_write()). scripts/kunit.sh fails the run on the "suspected memory
 * leaks" line the scan prints for any other leak too.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "helpers.h"

/* kmemleak reports no object younger than this (MSECS_MIN_AGE). */
#define KL_MIN_AGE_MS	5000
/* How much of kmemleak's report is read. */
#define KL_REPORT_SIZE	(256 * 1024)

static void kl_unmount(void *mnt)
{
	kern_unmount(mnt);
}

static void kl_fput(void *file)
{
	fput(file);
}

/* kmemleak's control file, on a debugfs mount of the test's own. */
static struct file *kl_open(struct kunit *test)
{
	struct file_system_type *fs;
	struct vfsmount *mnt;
	struct file *file;

	fs = get_fs_type("debugfs");
	KUNIT_ASSERT_NOT_NULL(test, fs);
	mnt = kern_mount(fs);
	put_filesystem(fs);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(mnt), "mounting debugfs: %pe",
			       mnt);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kl_unmount, mnt),
			0);
	file = file_open_root_mnt(mnt, "kmemleak", O_RDWR, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(file), "opening kmemleak: %pe",
			       file);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kl_fput, file),
			0);
	return file;
}

/*
 * Pass: once the objects freed by the last suites are old enough to be
 * reported, a kmemleak scan finds no unreferenced object whose allocation
 * backtrace goes through dxgkpm (the module or its suites); the report is
 * printed in full otherwise.
 */
static void dxgkpm_kmemleak_scan(struct kunit *test)
{
	static const char scan[] = "scan";
	unsigned int objects = 0, ours = 0;
	char *report, *entry, *next;
	char __user *ubuf;
	struct file *file;
	unsigned long addr;
	size_t have = 0;
	loff_t pos = 0;
	ssize_t len;

	file = kl_open(test);
	report = kunit_kzalloc(test, KL_REPORT_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, report);
	addr = kunit_vm_mmap(test, NULL, 0, KL_REPORT_SIZE,
			     PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr) || !addr);
	ubuf = (char __user *)addr;

	msleep(KL_MIN_AGE_MS + 500);
	KUNIT_ASSERT_EQ(test, copy_to_user(ubuf, scan, sizeof(scan) - 1), 0UL);
	len = vfs_write(file, ubuf, sizeof(scan) - 1, &pos);
	KUNIT_ASSERT_EQ_MSG(test, len, (ssize_t)sizeof(scan) - 1,
			    "kmemleak refused to scan: %zd", len);
	pos = 0;
	do {
		len = vfs_read(file, ubuf, KL_REPORT_SIZE - 1 - have, &pos);
		KUNIT_ASSERT_GE_MSG(test, len, (ssize_t)0,
				    "reading kmemleak: %zd", len);
		KUNIT_ASSERT_EQ(test, copy_from_user(report + have, ubuf, len),
				0UL);
		have += len;
	} while (len && have < KL_REPORT_SIZE - 1);
	report[have] = '\0';

	/* Entries begin with "unreferenced object 0x... (size N):". */
	for (entry = strstr(report, "unreferenced object"); entry;
	     entry = next) {
		next = strstr(entry + 1, "unreferenced object");
		if (next)
			next[-1] = '\0';
		objects++;
		if (strstr(entry, "dxgkpm")) {
			ours++;
			kunit_err(test, "%s\n", entry);
		}
	}
	kunit_info(test, "scan: %u suspects in all, %u allocated by dxgkpm\n",
		   objects, ours);
	KUNIT_EXPECT_EQ_MSG(test, ours, 0U,
			    "dxgkpm leaked %u objects (see above)", ours);
}

static struct kunit_case dxgkpm_kmemleak_cases[] = {
	KUNIT_CASE_SLOW(dxgkpm_kmemleak_scan),
	{}
};

static struct kunit_suite dxgkpm_kmemleak_suite = {
	.name = "dxgkpm_kmemleak",
	.init = dxgkpm_kt_init,
	.test_cases = dxgkpm_kmemleak_cases,
};

kunit_test_suite(dxgkpm_kmemleak_suite);
