// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * vmcheck: reads the cache attribute the kernel's linear map gives a list of
 * physical pages, so a VM test can prove that pages dxgkpm handed back to
 * the system are write-back again. With selftest=1 it first proves it can
 * tell: it makes a page write-combined and uncached and must see both.
 *
 * Test-only module; it reports and unloads itself (init returns -EAGAIN
 * after printing, so nothing stays loaded).
 */

#define pr_fmt(fmt) "vmcheck: " fmt

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/string.h>
#include <asm/memtype.h>
#include <asm/pgtable.h>
#include <asm/set_memory.h>

static char *phys;
module_param(phys, charp, 0444);
MODULE_PARM_DESC(phys, "Comma-separated physical addresses of pages to check");

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "Check that WC and UC pages are recognised first");

static const char *vmcheck_mode_name(enum page_cache_mode mode)
{
	switch (mode) {
	case _PAGE_CACHE_MODE_WB:
		return "write-back";
	case _PAGE_CACHE_MODE_WC:
		return "write-combined";
	case _PAGE_CACHE_MODE_UC_MINUS:
		return "uncached-minus";
	case _PAGE_CACHE_MODE_UC:
		return "uncached";
	case _PAGE_CACHE_MODE_WT:
		return "write-through";
	case _PAGE_CACHE_MODE_WP:
		return "write-protect";
	default:
		return "unknown";
	}
}

/* Cache mode of the linear-map entry of one page, or -ENOENT. */
static int vmcheck_linear_mode(unsigned long pfn, enum page_cache_mode *mode)
{
	static const enum page_cache_mode modes[] = {
		_PAGE_CACHE_MODE_WB, _PAGE_CACHE_MODE_WC,
		_PAGE_CACHE_MODE_UC_MINUS, _PAGE_CACHE_MODE_UC,
		_PAGE_CACHE_MODE_WT, _PAGE_CACHE_MODE_WP,
	};
	unsigned int level, i;
	pgprotval_t bits;
	pte_t *pte;

	if (!pfn_valid(pfn))
		return -ENOENT;
	pte = lookup_address((unsigned long)pfn_to_kaddr(pfn), &level);
	if (!pte || !pte_present(*pte))
		return -ENOENT;
	bits = pte_flags(*pte);
	if (level != PG_LEVEL_4K)
		bits = protval_large_2_4k(bits);
	bits &= _PAGE_CACHE_MASK;
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		if (bits == cachemode2protval(modes[i])) {
			*mode = modes[i];
			return 0;
		}
	}
	*mode = _PAGE_CACHE_MODE_NUM;
	return 0;
}

static bool vmcheck_expect(struct page *page, enum page_cache_mode want)
{
	enum page_cache_mode mode;

	if (vmcheck_linear_mode(page_to_pfn(page), &mode) || mode != want) {
		pr_err("self-test: page is %s, expected %s\n",
		       vmcheck_mode_name(mode), vmcheck_mode_name(want));
		return false;
	}
	return true;
}

static bool vmcheck_selftest(void)
{
	struct page *page = alloc_page(GFP_KERNEL);
	bool ok;

	if (!page)
		return false;
	ok = vmcheck_expect(page, _PAGE_CACHE_MODE_WB);
	ok = ok && !set_pages_array_wc(&page, 1) &&
	     vmcheck_expect(page, _PAGE_CACHE_MODE_WC);
	set_pages_array_wb(&page, 1);
	ok = ok && !set_pages_array_uc(&page, 1) &&
	     vmcheck_expect(page, _PAGE_CACHE_MODE_UC_MINUS);
	set_pages_array_wb(&page, 1);
	ok = ok && vmcheck_expect(page, _PAGE_CACHE_MODE_WB);
	__free_page(page);
	return ok;
}

static int __init vmcheck_init(void)
{
	unsigned int checked = 0, wb = 0, other = 0, missing = 0;
	char *list, *cur, *tok;

	if (selftest)
		pr_info("self-test %s\n", vmcheck_selftest() ? "passed" : "FAILED");
	list = kstrdup(phys ? phys : "", GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while ((tok = strsep(&cur, ",")) != NULL) {
		enum page_cache_mode mode;
		u64 addr;

		if (!*tok)
			continue;
		if (kstrtou64(tok, 0, &addr)) {
			pr_err("bad address '%s'\n", tok);
			missing++;
			continue;
		}
		checked++;
		if (vmcheck_linear_mode(PHYS_PFN(addr), &mode)) {
			missing++;
		} else if (mode == _PAGE_CACHE_MODE_WB) {
			wb++;
		} else {
			pr_err("page %#llx is %s on the linear map\n", addr,
			       vmcheck_mode_name(mode));
			other++;
		}
	}
	kfree(list);
	pr_info("%u pages checked: %u write-back, %u not write-back, %u not mapped\n",
		checked, wb, other, missing);
	return -EAGAIN;
}
module_init(vmcheck_init);

MODULE_DESCRIPTION("VM test helper: cache attributes of the linear map");
MODULE_LICENSE("Dual MIT/GPL");
