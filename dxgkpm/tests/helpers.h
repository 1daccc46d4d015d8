/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * What every dxgkpm KUnit suite needs: an adapter on a real edu device with
 * its DXGK interface, cleaned up when the test ends, and the checks that
 * dxgkpm holds nothing afterwards.
 */
#ifndef _DXGKPM_KUNIT_HELPERS_H
#define _DXGKPM_KUNIT_HELPERS_H

#include <kunit/test.h>
#include <linux/types.h>

#include "internal.h"
#include "edu.h"

/**
 * struct dxgkpm_kt - one adapter as a test uses it
 * @edu: the edu device behind it
 * @adapter: its registration with dxgkpm
 * @iface: its DXGK interface
 * @h: hAdapter (iface.DeviceHandle)
 */
struct dxgkpm_kt {
	struct dxgkpm_edu *edu;
	struct dxgkpm_adapter *adapter;
	DXGKRNL_INTERFACE iface;
	HANDLE h;
};

struct dxgkpm_edu *dxgkpm_kt_edu(struct kunit *test, unsigned int index);
struct dxgkpm_adapter *dxgkpm_kt_register(struct kunit *test,
					  struct device *dev);
void dxgkpm_kt_unregister_now(struct kunit *test,
			      struct dxgkpm_adapter *adapter);
struct dxgkpm_kt *dxgkpm_kt_setup(struct kunit *test, unsigned int index);
bool dxgkpm_kt_idle(void);
void dxgkpm_kt_pool_limit(struct kunit *test, unsigned long pages);
void dxgkpm_kt_reap(void *handle);
void dxgkpm_kt_reap_at_end(struct kunit *test, u64 handle);
int dxgkpm_kt_init(struct kunit *test);
int dxgkpm_kt_suite_init(struct kunit_suite *suite);
void dxgkpm_kt_suite_exit(struct kunit_suite *suite);
void dxgkpm_kt_expect_no_memory(struct kunit *test);
void dxgkpm_kt_expect_idle(struct kunit *test);
unsigned long dxgkpm_kt_attach_mm(struct kunit *test);
void dxgkpm_kt_fill(void *p, size_t bytes, u32 seed);
size_t dxgkpm_kt_mismatch(const void *p, size_t bytes, u32 seed);

/**
 * struct dxgkpm_kt_page_case - a page-backed type and cache type, for the
 *	parameterised cases of the suites that share pages with other devices
 * @name: the parameter's description
 * @type: DXGKPM_MEM_PAGES or DXGKPM_MEM_CONTIGUOUS
 * @caching: the cache type
 */
struct dxgkpm_kt_page_case {
	const char *name;
	enum dxgkpm_mem_type type;
	enum dxgkpm_caching caching;
};

#define DXGKPM_KT_PAGE_CASES	5
extern const struct dxgkpm_kt_page_case
	dxgkpm_kt_page_cases[DXGKPM_KT_PAGE_CASES];
void dxgkpm_kt_page_case_desc(const struct dxgkpm_kt_page_case *c,
			      char *desc);
void dxgkpm_kt_page_desc(struct dxgkpm_pmo_desc *desc,
			 enum dxgkpm_mem_type type,
			 enum dxgkpm_caching caching, size_t size);

/* A dxgkpm counter, for messages. */
#define DXGKPM_KT_STAT(counter) atomic_long_read(&dxgkpm_stats.counter)

/* A dxgkpm counter must have a value. */
#define DXGKPM_KT_EXPECT_STAT(test, counter, value)			\
	KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(counter), (long)(value),	\
			    "dxgkpm_stats.%s", #counter)

#endif /* _DXGKPM_KUNIT_HELPERS_H */
