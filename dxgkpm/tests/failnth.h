/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The kernel's own fault injection, driven from inside a KUnit test the way
 * syzkaller drives it from user space: failslab and fail_page_alloc armed so
 * that every allocation may fail, and the calling task's fail-nth choosing
 * which one does (see failnth.c).
 */
#ifndef _DXGKPM_KUNIT_FAILNTH_H
#define _DXGKPM_KUNIT_FAILNTH_H

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/types.h>

void dxgkpm_failnth_arm(struct kunit *test);
void dxgkpm_failnth_start(unsigned int nth);
unsigned int dxgkpm_failnth_stop(void);
void dxgkpm_failnth_under(struct kunit *test, const char *symbol);
void dxgkpm_failnth_task(bool on);
void *dxgkpm_kt_debugfs_value(struct kunit *test, const char *dir,
			      const char *name);

/* A fail-nth that no operation reaches: the run only counts its points. */
#define DXGKPM_FAILNTH_COUNT	BIT(30)

#endif /* _DXGKPM_KUNIT_FAILNTH_H */
