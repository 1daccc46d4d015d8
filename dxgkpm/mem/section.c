// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * DXGKPM_MEM_SECTION (DXGK_PHYSICAL_MEMORY_TYPE_SECTION): pageable memory
 * that several processes can map, what ZwCreateSection(SEC_COMMIT) gives on
 * Windows. It is a shmem file: pages are created zeroed on first use and
 * may go to swap whenever nothing pins them.
 *
 * What pins a page: an ADL over it (the device may use it at any time) and a
 * kernel-mode view (the caller holds a pointer). Each ADL therefore pins its
 * range when it is built, besides mapping it as for every type. User-mode
 * views map the shmem file itself, so those pages fault in, are shared by
 * every process that maps the object, and can be paged out like any shared
 * memory.
 *
 * Pins follow drm_gem_get_pages() and drm_gem_put_pages(): while anything
 * is pinned the file's mapping is unevictable, so that reclaim does not
 * scan pages it cannot take, and a page is marked dirty when its pin goes,
 * because the device or a kernel view may have written it without any page
 * table knowing; reclaim drops a clean shmem page instead of writing it to
 * swap. Pinned pages are long-term pins, so the file's pages never come
 * from ZONE_MOVABLE or CMA (its gfp mask lacks __GFP_MOVABLE), where they
 * would block memory offlining and contiguous allocations. Swap-in keeps
 * to the mask too: shmem_swapin_folio() replaces a page that swap
 * readahead brought into a zone the mask does not allow
 * (shmem_should_replace_folio()). What the mask cannot stop is migration
 * while nothing pins a page: NUMA balancing of a user view and
 * migrate_pages(2) allocate their targets movable, and dxgkpm cannot move
 * such a page out again when it pins it later: the kernel's page
 * migration is not exported to modules.
 *
 * Only CACHED and WRITE_COMBINED exist for sections. A write-combined view
 * of a page whose linear-map alias stays write-back is two memory types
 * for one page: the CPU may keep lines of the page in its caches (shmem
 * zeroed it, or swap brought it back, through the linear map) that a
 * write-combined access does not see and that may be written back over
 * it later. So while anything pins a page of a write-combined section
 * (ADLs, kernel views and, for such sections, user views too), the linear
 * map has the section's type: the first pin of a page changes it with
 * set_pages_array_wc(), which also flushes the page out of the CPU caches
 * (cpa_flush() writes back every line of a page whose cache attribute it
 * changes), and the last pin gives the page write-back back before its
 * reference goes. A page is therefore write-combined only while dxgkpm
 * holds a reference on it and its mapping is unevictable: reclaim,
 * migration and truncation never meet it in a changed memory type. As for
 * drm_gem_shmem_get_pages() with map_wc, which changes a whole object.
 * Each page's pins are counted (mem->page_pins), so that overlapping
 * ranges change each page once.
 *
 * User views of a write-combined section therefore pin their range for as
 * long as their VMA exists and insert its pages at once, as for page
 * arrays; the pages cannot go to swap meanwhile. Copy-on-write views of
 * such a section are refused: the private copies would be anonymous pages
 * mapped write-combined over a write-back linear map. User views of cached
 * sections map the shmem file itself, as described above.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/pagevec.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "mem/mem.h"
#include "stats.h"

/**
 * struct dxgkpm_section_pin - a pinned range of a section
 * @first: first page of the range
 * @count: number of pages
 * @pages: the pinned pages (NULL where one was leaked, see
 *	dxgkpm_section_caching_put())
 * @map: an ADL's pages, as mapped for its adapter
 * @pn: an ADL's device page number of each page
 */
struct dxgkpm_section_pin {
	pgoff_t first;
	pgoff_t count;
	struct page **pages;
	struct dxgkpm_dma_map map;
	unsigned long pn[];
};

static int dxgkpm_section_init(struct dxgkpm_mem *mem,
			       struct device *dev,
			       const struct dxgkpm_pmo_desc *desc)
{
	struct file *file;
	int ret;

	switch (desc->section.protection) {
	case DXGKPM_SECTION_READONLY:
	case DXGKPM_SECTION_READWRITE:
	case DXGKPM_SECTION_WRITECOPY:
	case DXGKPM_SECTION_EXECUTE:
		break;
	default:	/* cache attributes included: they come from CacheType */
		return -EINVAL;
	}
	if (desc->section.attributes &&
	    desc->section.attributes != DXGKPM_SECTION_COMMIT)
		return -EINVAL;
	if (mem->caching == DXGKPM_CACHING_UNCACHED)
		return -EINVAL;
	if (mem->caching != DXGKPM_CACHING_CACHED) {
		/* Only x86 changes the linear map (dxgkpm_pages_set_caching()). */
		if (!IS_ENABLED(CONFIG_X86))
			return -EOPNOTSUPP;
		mem->page_pins = kvcalloc(mem->npages, sizeof(*mem->page_pins),
					  GFP_KERNEL);
		if (!mem->page_pins)
			return -ENOMEM;
	}

	file = shmem_file_setup("dxgkpm-section",
				(loff_t)mem->npages << PAGE_SHIFT, 0);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_free_page_pins;
	}
	/* Long-term pins: never in ZONE_MOVABLE (see above). */
	mapping_set_gfp_mask(file->f_mapping, GFP_HIGHUSER);
	mem->file = file;
	mem->protection = desc->section.protection;
	mem->zeroed = true;	/* shmem pages are born zeroed */
	return 0;

err_free_page_pins:
	kvfree(mem->page_pins);
	mem->page_pins = NULL;
	return ret;
}

static void dxgkpm_section_release(struct dxgkpm_mem *mem)
{
	fput(mem->file);
	mem->file = NULL;
	kvfree(mem->page_pins);
	mem->page_pins = NULL;
}

/* Give every page of the file back to reclaim (what shmem_unlock_mapping does). */
static void dxgkpm_section_unlock_mapping(struct address_space *mapping)
{
	struct folio_batch fbatch;
	pgoff_t index = 0;

	mapping_clear_unevictable(mapping);
	folio_batch_init(&fbatch);
	while (filemap_get_folios(mapping, &index, ~0UL, &fbatch)) {
		check_move_unevictable_folios(&fbatch);
		folio_batch_release(&fbatch);
		cond_resched();
	}
}

/*
 * Number of pages from @i on, before @end, that no pin holds (@unpinned)
 * or that some pin holds (!@unpinned).
 */
static pgoff_t dxgkpm_section_run(const unsigned int *pins, pgoff_t i,
				  pgoff_t end, bool unpinned)
{
	pgoff_t n = i;

	while (n < end && !pins[n] == unpinned)
		n++;
	return n - i;
}

/*
 * Drop the counts dxgkpm_section_caching_get() took for the pages
 * [@first, @first + @count) in @pages: the pages no pin holds any more are
 * made write-back again, a run of them per call, while the caller still
 * holds their references. A page that cannot be is leaked: its entry in
 * @pages is cleared, so that its reference is never given back.
 */
static void dxgkpm_section_caching_put(struct dxgkpm_mem *mem, pgoff_t first,
				       pgoff_t count, struct page **pages)
{
	unsigned int *pins = mem->page_pins;
	pgoff_t i, n;

	if (!pins)
		return;
	for (i = first; i < first + count; i++) {
		if (!WARN_ON_ONCE(!pins[i]))
			pins[i]--;
	}
	for (i = 0; i < count; i += n) {
		n = dxgkpm_section_run(pins, first + i, first + count, true);
		if (!n) {
			n = dxgkpm_section_run(pins, first + i, first + count,
					       false);
			continue;
		}
		if (dxgkpm_pages_restore_caching(pages + i, n, mem->caching))
			memset(pages + i, 0, n * sizeof(*pages));
	}
}

/*
 * Count a pin of the pages [@first, @first + @count), whose references the
 * caller holds in @pages, for a section that is not cached: the pages that
 * no pin held yet get the section's cache type on the linear map, a run of
 * them per call. The change flushes them out of the CPU caches, where
 * shmem's zeroing or a read from swap left them (see the top of the file).
 */
static int dxgkpm_section_caching_get(struct dxgkpm_mem *mem, pgoff_t first,
				      pgoff_t count, struct page **pages)
{
	unsigned int *pins = mem->page_pins;
	pgoff_t i, k, n;
	int ret;

	if (!pins)
		return 0;
	for (i = 0; i < count; i += n) {
		n = dxgkpm_section_run(pins, first + i, first + count, true);
		if (n) {
			ret = dxgkpm_pages_set_caching(pages + i, n,
						       mem->caching);
			if (ret)
				goto err_put_counts;
		} else {
			n = dxgkpm_section_run(pins, first + i, first + count,
					       false);
		}
		for (k = first + i; k < first + i + n; k++)
			pins[k]++;
	}
	return 0;

err_put_counts:
	dxgkpm_section_caching_put(mem, first, i, pages);
	return ret;
}

/*
 * Give back the references in @pages (NULL entries are leaked pages): each
 * page is marked dirty (it may have been written behind the page tables'
 * back) and accessed; the mapping is evictable again once the object's
 * last pin is gone.
 */
static void dxgkpm_section_put_pages(struct dxgkpm_mem *mem,
				     struct page **pages, pgoff_t count)
{
	struct folio *folio;
	pgoff_t i;

	lockdep_assert_held(mem->lock);
	for (i = 0; i < count; i++) {
		if (!pages[i])
			continue;
		folio = page_folio(pages[i]);
		folio_mark_dirty(folio);
		folio_mark_accessed(folio);
		folio_put(folio);
		atomic_long_dec(&dxgkpm_stats.pinned);
	}
	if (!--mem->pins)
		dxgkpm_section_unlock_mapping(mem->file->f_mapping);
}

/*
 * Bring pages in (from swap if need be), hold a reference on each and give
 * them the section's cache type; the mapping is unevictable until the last
 * pin of the object goes.
 */
static int dxgkpm_section_pin_pages(struct dxgkpm_mem *mem, pgoff_t first,
				    pgoff_t count, struct page **pages)
{
	struct address_space *mapping = mem->file->f_mapping;
	struct page *page;
	pgoff_t i;
	int ret;

	lockdep_assert_held(mem->lock);
	if (!mem->pins++)
		mapping_set_unevictable(mapping);
	for (i = 0; i < count; i++) {
		page = shmem_read_mapping_page(mapping, first + i);
		if (IS_ERR(page)) {
			ret = PTR_ERR(page);
			goto err_put_pages;
		}
		pages[i] = page;
		atomic_long_inc(&dxgkpm_stats.pinned);
	}
	ret = dxgkpm_section_caching_get(mem, first, count, pages);
	if (ret)
		goto err_put_pages;
	return 0;

err_put_pages:
	dxgkpm_section_put_pages(mem, pages, i);
	return ret;
}

/* Pin [@first, @first + @count), with room for @ndma device page numbers. */
static struct dxgkpm_section_pin *
dxgkpm_section_pin(struct dxgkpm_mem *mem, pgoff_t first, pgoff_t count,
		   pgoff_t ndma)
{
	struct dxgkpm_section_pin *pin;
	int ret;

	pin = kvzalloc(struct_size(pin, pn, ndma), GFP_KERNEL);
	if (!pin)
		return ERR_PTR(-ENOMEM);
	pin->first = first;
	pin->count = count;
	pin->pages = kvmalloc_array(count, sizeof(*pin->pages), GFP_KERNEL);
	if (!pin->pages) {
		ret = -ENOMEM;
		goto err_free_pin;
	}
	ret = dxgkpm_section_pin_pages(mem, first, count, pin->pages);
	if (ret)
		goto err_free_pages;
	return pin;

err_free_pages:
	kvfree(pin->pages);
err_free_pin:
	kvfree(pin);
	return ERR_PTR(ret);
}

/*
 * Undo dxgkpm_section_pin(): the pages get write-back back first if this
 * was their last pin, then their references go.
 */
static void dxgkpm_section_unpin(struct dxgkpm_mem *mem,
				 struct dxgkpm_section_pin *pin)
{
	lockdep_assert_held(mem->lock);
	dxgkpm_section_caching_put(mem, pin->first, pin->count, pin->pages);
	dxgkpm_section_put_pages(mem, pin->pages, pin->count);
	kvfree(pin->pages);
	kvfree(pin);
}

static int dxgkpm_section_adl_map(struct dxgkpm_mem *mem,
				  struct dxgkpm_dma_dev *ddev, pgoff_t first,
				  u32 count, unsigned long **pn,
				  bool *contiguous, void **priv)
{
	struct dxgkpm_section_pin *pin;
	int ret;

	pin = dxgkpm_section_pin(mem, first, count, count);
	if (IS_ERR(pin))
		return PTR_ERR(pin);
	ret = dxgkpm_space_map_pages(ddev, pin->pages, count, pin->pn,
				     &pin->map);
	if (ret)
		goto err_unpin;
	*priv = pin;
	*pn = pin->pn;
	*contiguous = pin->map.contiguous;
	return 0;

err_unpin:
	dxgkpm_section_unpin(mem, pin);
	return ret;
}

static void dxgkpm_section_adl_unmap(struct dxgkpm_mem *mem,
				     struct dxgkpm_dma_dev *ddev, u32 count,
				     void *priv)
{
	struct dxgkpm_section_pin *pin = priv;

	dxgkpm_space_unmap_pages(ddev, &pin->map);
	dxgkpm_section_unpin(mem, pin);
}

static void *dxgkpm_section_vmap(struct dxgkpm_mem *mem, pgoff_t first,
				 pgoff_t count, void **priv)
{
	struct dxgkpm_section_pin *pin;
	void *vaddr;

	if (count > UINT_MAX)
		return NULL;
	pin = dxgkpm_section_pin(mem, first, count, 0);
	if (IS_ERR(pin))
		return NULL;
	vaddr = vmap(pin->pages, count, VM_MAP,
		     dxgkpm_pgprot(mem->caching, PAGE_KERNEL));
	if (!vaddr) {
		dxgkpm_section_unpin(mem, pin);
		return NULL;
	}
	/* Kept until the view goes, to unpin after vunmap(). */
	*priv = pin;
	return vaddr;
}

static void dxgkpm_section_vunmap(struct dxgkpm_mem *mem, void *vaddr,
				  pgoff_t count, void *priv)
{
	vunmap(vaddr);
	dxgkpm_section_unpin(mem, priv);
}

/*
 * A user view of a cached section maps the shmem file itself: faults,
 * sharing between processes and paging are shmem's. uview.c keeps shmem's
 * fault handler behind its own vm_operations (see dxgkpm_uview_mmap()).
 *
 * A user view of a write-combined section pins its range, which makes the
 * linear map write-combined too, and inserts every page at once, as for a
 * page array; the pins go once no VMA of the view is left
 * (dxgkpm_section_munmap()). Should the insertion fail half way, the pages
 * inserted are unmapped with the VMA by the failed mmap, before the
 * process can touch them.
 */
static int dxgkpm_section_mmap(struct dxgkpm_mem *mem,
			       struct vm_area_struct *vma, void **priv)
{
	unsigned long count = vma_pages(vma);
	struct dxgkpm_section_pin *pin;
	int ret;

	if (!mem->page_pins) {
		vma_set_file(vma, mem->file);
		return mem->file->f_op->mmap(mem->file, vma);
	}
	/* Private copies would be write-back pages mapped write-combined. */
	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;
	mutex_lock(mem->lock);
	pin = dxgkpm_section_pin(mem, vma->vm_pgoff, count, 0);
	mutex_unlock(mem->lock);
	if (IS_ERR(pin))
		return PTR_ERR(pin);
	vm_flags_set(vma, VM_MIXEDMAP);
	ret = vm_insert_pages(vma, vma->vm_start, pin->pages, &count);
	if (ret || count) {
		mutex_lock(mem->lock);
		dxgkpm_section_unpin(mem, pin);
		mutex_unlock(mem->lock);
		return ret ? ret : -EFAULT;
	}
	*priv = pin;
	return 0;
}

static void dxgkpm_section_munmap(struct dxgkpm_mem *mem, void *priv)
{
	mutex_lock(mem->lock);
	dxgkpm_section_unpin(mem, priv);
	mutex_unlock(mem->lock);
}

const struct dxgkpm_mem_ops dxgkpm_mem_section_ops = {
	.name = "section",
	.init = dxgkpm_section_init,
	.release = dxgkpm_section_release,
	.adl_map = dxgkpm_section_adl_map,
	.adl_unmap = dxgkpm_section_adl_unmap,
	.vmap = dxgkpm_section_vmap,
	.vunmap = dxgkpm_section_vunmap,
	.mmap = dxgkpm_section_mmap,
	.munmap = dxgkpm_section_munmap,
};
