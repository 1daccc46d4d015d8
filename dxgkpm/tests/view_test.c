// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite dxgkpm_view: a stale Unmap cannot remove a newer view.
 *
 * Unmap names a view by its address, and both vmap() (once its lazily
 * freed areas are purged) and mmap() (top down, into the hole the last
 * munmap left) hand the same range out again at once. A driver that
 * unmaps a view twice would then remove the object's newer view that
 * landed there. dxgkpm never makes a view of an object where one of its
 * last DXGKPM_VIEW_QUARANTINE unmapped views was (view.c), so every such
 * stale Unmap is refused and the newer view stays, mapped and intact.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "helpers.h"

/**
 * struct vw_case - the object a case makes views of
 * @name: the parameter's description
 * @type: DXGKPM_MEM_PAGES or DXGKPM_MEM_SECTION
 * @caching: the cache type
 */
struct vw_case {
	const char *name;
	enum dxgkpm_mem_type type;
	enum dxgkpm_caching caching;
};

static const struct vw_case vw_cases[] = {
	{ "pages-cached", DXGKPM_MEM_PAGES, DXGKPM_CACHING_CACHED },
	{ "pages-wc", DXGKPM_MEM_PAGES, DXGKPM_CACHING_WC },
	{ "section-cached", DXGKPM_MEM_SECTION, DXGKPM_CACHING_CACHED },
	{ "section-wc", DXGKPM_MEM_SECTION, DXGKPM_CACHING_WC },
};

static void vw_case_desc(const struct vw_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vw, vw_cases, vw_case_desc);

/* Views are one page; the object has a few, all zeroed. */
#define VW_PAGES	4
#define VW_SEED		0x5ca1ab1eU

static struct dxgkpm_pmo *vw_create(struct kunit *test)
{
	const struct vw_case *c = test->param_value;
	struct dxgkpm_pmo_desc desc;
	struct dxgkpm_pmo *pmo;

	if (c->type == DXGKPM_MEM_SECTION) {
		memset(&desc, 0, sizeof(desc));
		desc.size = VW_PAGES * PAGE_SIZE;
		desc.type = DXGKPM_MEM_SECTION;
		desc.caching = c->caching;
		desc.section.protection = DXGKPM_SECTION_READWRITE;
	} else {
		dxgkpm_kt_page_desc(&desc, c->type, c->caching,
				    VW_PAGES * PAGE_SIZE);
	}
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_create(&desc, NULL, &pmo, NULL), 0);
	return pmo;
}

static void vw_destroy(struct kunit *test, struct dxgkpm_pmo *pmo)
{
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_destroy(pmo, NULL), 0);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(kviews), 0L);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(uviews), 0L);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(pinned), 0L);
}

static void *vw_map_kernel(struct kunit *test, struct dxgkpm_pmo *pmo)
{
	size_t offset = 0, size = PAGE_SIZE;
	void *vaddr;

	KUNIT_ASSERT_EQ(test, dxgkpm_map_kernel(pmo, &offset, &size, &vaddr),
			0);
	KUNIT_ASSERT_EQ(test, size, PAGE_SIZE);
	return vaddr;
}

/*
 * Kernel views: after each unmap the lazily freed vmap areas are purged,
 * so that the next vmap() of one page lands where the last one was (what
 * the fault suite relies on too). DXGKPM_VIEW_QUARANTINE views are made and
 * unmapped in turn, then one more: it is made at none of their addresses,
 * a second unmap of each of them is refused, and the newer view is still
 * there, holding what was written through it, until its own unmap. No
 * unmapped view keeps a page pinned.
 */
static void dxgkpm_view_stale_kernel_unmap(struct kunit *test)
{
	void *old[DXGKPM_VIEW_QUARANTINE], *view;
	struct dxgkpm_pmo *pmo = vw_create(test);
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(old); i++) {
		old[i] = vw_map_kernel(test, pmo);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE_MSG(test, old[i], old[j],
						"view %u made where view %u was",
						i, j);
		dxgkpm_kt_fill(old[i], PAGE_SIZE, VW_SEED + i);
		KUNIT_ASSERT_EQ(test, dxgkpm_unmap_kernel(pmo, old[i],
							  PAGE_SIZE), 0);
		vm_unmap_aliases();
	}
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(pinned), 0L);

	view = vw_map_kernel(test, pmo);
	for (i = 0; i < ARRAY_SIZE(old); i++)
		KUNIT_EXPECT_PTR_NE_MSG(test, view, old[i],
					"new view made where view %u was", i);
	KUNIT_EXPECT_EQ(test, dxgkpm_kt_mismatch(view, PAGE_SIZE,
						 VW_SEED + DXGKPM_VIEW_QUARANTINE - 1),
			PAGE_SIZE);
	dxgkpm_kt_fill(view, PAGE_SIZE, VW_SEED);
	for (i = 0; i < ARRAY_SIZE(old); i++)
		KUNIT_EXPECT_EQ_MSG(test, dxgkpm_unmap_kernel(pmo, old[i],
							      PAGE_SIZE),
				    -ENOENT, "second unmap of view %u", i);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(kviews), 1L);
	KUNIT_EXPECT_EQ(test, dxgkpm_kt_mismatch(view, PAGE_SIZE, VW_SEED),
			PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, dxgkpm_unmap_kernel(pmo, view, PAGE_SIZE), 0);
	vw_destroy(test, pmo);
}

static unsigned long vw_map_user(struct kunit *test, struct dxgkpm_pmo *pmo)
{
	size_t offset = 0, size = PAGE_SIZE;
	unsigned long uaddr;

	KUNIT_ASSERT_EQ(test, dxgkpm_map_user(pmo, &offset, &size, &uaddr), 0);
	KUNIT_ASSERT_EQ(test, size, PAGE_SIZE);
	return uaddr;
}

/* The calling process has a VMA of exactly one page at @uaddr. */
static bool vw_user_mapped(unsigned long uaddr)
{
	struct vm_area_struct *vma;
	bool mapped;

	mmap_read_lock(current->mm);
	vma = vma_lookup(current->mm, uaddr);
	mapped = vma && vma->vm_start == uaddr &&
		 vma->vm_end - vma->vm_start == PAGE_SIZE;
	mmap_read_unlock(current->mm);
	return mapped;
}

/*
 * User views: mmap() places each one-page view top down, in the hole the
 * last munmap left. DXGKPM_VIEW_QUARANTINE views are made and unmapped in
 * turn, the first by the process itself (munmap), the others through
 * dxgkpm; then one more: it is made at none of their addresses, a second
 * unmap of each of them is refused, and the newer view is still mapped,
 * holding what the process wrote, until its own unmap.
 */
static void dxgkpm_view_stale_user_unmap(struct kunit *test)
{
	unsigned long old[DXGKPM_VIEW_QUARANTINE], view;
	struct dxgkpm_pmo *pmo = vw_create(test);
	u32 word = 0;
	unsigned int i, j;

	dxgkpm_kt_attach_mm(test);
	for (i = 0; i < ARRAY_SIZE(old); i++) {
		old[i] = vw_map_user(test, pmo);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE_MSG(test, old[i], old[j],
					    "view %u made where view %u was",
					    i, j);
		if (i)
			KUNIT_ASSERT_EQ(test, dxgkpm_unmap_user(pmo, old[i],
								PAGE_SIZE), 0);
		else
			KUNIT_ASSERT_EQ(test, vm_munmap(old[i], PAGE_SIZE), 0);
		KUNIT_EXPECT_FALSE(test, vw_user_mapped(old[i]));
	}
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(uviews), 0L);

	view = vw_map_user(test, pmo);
	for (i = 0; i < ARRAY_SIZE(old); i++)
		KUNIT_EXPECT_NE_MSG(test, view, old[i],
				    "new view made where view %u was", i);
	KUNIT_EXPECT_EQ(test, put_user(VW_SEED, (u32 __user *)view), 0);
	for (i = 0; i < ARRAY_SIZE(old); i++)
		KUNIT_EXPECT_EQ_MSG(test, dxgkpm_unmap_user(pmo, old[i],
							    PAGE_SIZE),
				    -ENOENT, "second unmap of view %u", i);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(uviews), 1L);
	KUNIT_EXPECT_TRUE(test, vw_user_mapped(view));
	KUNIT_EXPECT_EQ(test, get_user(word, (u32 __user *)view), 0);
	KUNIT_EXPECT_EQ(test, word, VW_SEED);
	KUNIT_EXPECT_EQ(test, dxgkpm_unmap_user(pmo, view, PAGE_SIZE), 0);
	KUNIT_EXPECT_FALSE(test, vw_user_mapped(view));
	vw_destroy(test, pmo);
}

static struct kunit_case dxgkpm_view_cases[] = {
	KUNIT_CASE_PARAM(dxgkpm_view_stale_kernel_unmap, vw_gen_params),
	KUNIT_CASE_PARAM(dxgkpm_view_stale_user_unmap, vw_gen_params),
	{}
};

static struct kunit_suite dxgkpm_view_suite = {
	.name = "dxgkpm_view",
	.init = dxgkpm_kt_init,
	.suite_init = dxgkpm_kt_suite_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_view_cases,
};

kunit_test_suite(dxgkpm_view_suite);
