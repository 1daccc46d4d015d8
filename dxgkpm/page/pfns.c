// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The page provider's side of pages dxgkpm did not allocate: a caller's
 * page frame numbers turned into pages with a reference each, for as long
 * as a device may reach them (WDDM 2.4 mappings, mem24.c).
 */

#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/sched.h>

#include "page/page.h"
#include "stats.h"

/*
 * The page of a PFN, with a reference, if it is an online page that is in
 * use (memory the page allocator handed out: never a free page, a hole,
 * device memory or a reserved page such as the kernel image). The
 * reference is taken on the folio, as GUP does, so that a page of a
 * compound allocation (a THP, a large kmalloc) is accepted and pinned
 * whole; a tail page of a non-compound block has no reference count and is
 * refused.
 */
static struct page *dxgkpm_get_pfn(unsigned long pfn)
{
	struct page *page = pfn_to_online_page(pfn);
	struct folio *folio;

	if (!page || PageReserved(page))
		return NULL;
	folio = page_folio(page);
	if (!folio_try_get(folio))
		return NULL;
	/* It may have been freed and reused as part of another folio. */
	if (unlikely(page_folio(page) != folio)) {
		folio_put(folio);
		return NULL;
	}
	return page;
}

/**
 * dxgkpm_pages_put_pfns() - drop what dxgkpm_pages_get_pfns() took
 * @pages: the pages
 * @npages: number of pages
 *
 * Context: any.
 */
void dxgkpm_pages_put_pfns(struct page **pages, pgoff_t npages)
{
	pgoff_t i;

	for (i = 0; i < npages; i++)
		put_page(pages[i]);
}

/**
 * dxgkpm_pages_get_pfns() - take a reference on each of a caller's pages
 * @pfns: page frame numbers
 * @npages: number of them
 * @pages: out: the page of each
 *
 * Context: process context, may sleep.
 * Return: 0, or -EFAULT, with no reference kept, for a frame that is not a
 * page in use.
 */
int dxgkpm_pages_get_pfns(const unsigned long *pfns, pgoff_t npages,
			  struct page **pages)
{
	pgoff_t i;

	for (i = 0; i < npages; i++) {
		pages[i] = dxgkpm_get_pfn(pfns[i]);
		if (!pages[i])
			goto err_put_pages;
		cond_resched();
	}
	return 0;

err_put_pages:
	dxgkpm_pages_put_pfns(pages, i);
	return -EFAULT;
}
