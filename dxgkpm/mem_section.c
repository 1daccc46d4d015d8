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
 * Only CACHED and WRITE_COMBINED exist for sections. Write-combining applies
 * to the views; the linear-map alias of a page that may move to swap at any
 * time stays write-back, as for i915's write-combined mappings of shmem
 * objects.
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

#include "internal.h"

/**
 * struct dxgkpm_section_pin - pages of a section pinned by one ADL
 * @pages: the pinned pages
 * @sgt: their table, as mapped for the ADL's adapter
 * @dma: device address of each page
 */
struct dxgkpm_section_pin {
	struct page **pages;
	struct sg_table sgt;
	dma_addr_t dma[];
};

static int dxgkpm_section_init(struct dxgkpm_pmo *pmo,
			       const struct dxgkpm_pmo_desc *desc)
{
	struct file *file;

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
	if (pmo->caching == DXGKPM_CACHING_UNCACHED)
		return -EINVAL;

	file = shmem_file_setup("dxgkpm-section",
				(loff_t)pmo->npages << PAGE_SHIFT, 0);
	if (IS_ERR(file))
		return PTR_ERR(file);
	/* Long-term pins: never in ZONE_MOVABLE (see above). */
	mapping_set_gfp_mask(file->f_mapping, GFP_HIGHUSER);
	pmo->file = file;
	pmo->protection = desc->section.protection;
	pmo->zeroed = true;	/* shmem pages are born zeroed */
	return 0;
}

static void dxgkpm_section_release(struct dxgkpm_pmo *pmo)
{
	fput(pmo->file);
	pmo->file = NULL;
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
 * Drop pins taken by dxgkpm_section_pin_pages(): each page is marked dirty
 * (it may have been written behind the page tables' back) and accessed.
 */
static void dxgkpm_section_unpin(struct dxgkpm_pmo *pmo, struct page **pages,
				 pgoff_t count)
{
	struct folio *folio;
	pgoff_t i;

	lockdep_assert_held(&pmo->lock);
	for (i = 0; i < count; i++) {
		folio = page_folio(pages[i]);
		folio_mark_dirty(folio);
		folio_mark_accessed(folio);
		folio_put(folio);
	}
	atomic_long_sub(count, &dxgkpm_stats.pinned);
	if (!--pmo->pins)
		dxgkpm_section_unlock_mapping(pmo->file->f_mapping);
}

/*
 * Bring pages in (from swap if need be) and hold a reference on each; the
 * mapping is unevictable until the last pin of the object goes.
 */
static int dxgkpm_section_pin_pages(struct dxgkpm_pmo *pmo, pgoff_t first,
				    pgoff_t count, struct page **pages)
{
	struct address_space *mapping = pmo->file->f_mapping;
	struct page *page;
	pgoff_t i;

	lockdep_assert_held(&pmo->lock);
	if (!pmo->pins++)
		mapping_set_unevictable(mapping);
	for (i = 0; i < count; i++) {
		page = shmem_read_mapping_page(mapping, first + i);
		if (IS_ERR(page)) {
			dxgkpm_section_unpin(pmo, pages, i);
			return PTR_ERR(page);
		}
		pages[i] = page;
		atomic_long_inc(&dxgkpm_stats.pinned);
	}
	return 0;
}

static int dxgkpm_section_adl_map(struct dxgkpm_adl *adl)
{
	struct dxgkpm_pmo *pmo = adl->amo->pmo;
	struct dxgkpm_section_pin *pin;
	int ret;

	pin = kvzalloc(struct_size(pin, dma, adl->count), GFP_KERNEL);
	if (!pin)
		return -ENOMEM;
	pin->pages = kvmalloc_array(adl->count, sizeof(*pin->pages),
				    GFP_KERNEL);
	if (!pin->pages) {
		ret = -ENOMEM;
		goto err_free_pin;
	}
	ret = dxgkpm_section_pin_pages(pmo, adl->first, adl->count,
				       pin->pages);
	if (ret)
		goto err_free_pages;
	ret = dxgkpm_pages_to_sgt(adl->amo->adapter->dev, pin->pages,
				  adl->count, &pin->sgt);
	if (ret)
		goto err_unpin;
	ret = dxgkpm_space_map_pages(adl->amo->adapter, &pin->sgt, pin->dma,
				     adl->count);
	if (ret)
		goto err_free_table;
	atomic_long_inc(&dxgkpm_stats.dma_maps);
	adl->priv = pin;
	adl->dma = pin->dma;
	return 0;

err_free_table:
	sg_free_table(&pin->sgt);
err_unpin:
	dxgkpm_section_unpin(pmo, pin->pages, adl->count);
err_free_pages:
	kvfree(pin->pages);
err_free_pin:
	kvfree(pin);
	return ret;
}

static void dxgkpm_section_adl_unmap(struct dxgkpm_adl *adl)
{
	struct dxgkpm_section_pin *pin = adl->priv;

	dxgkpm_space_unmap_pages(adl->amo->adapter, &pin->sgt, pin->dma,
				 adl->count);
	atomic_long_dec(&dxgkpm_stats.dma_maps);
	sg_free_table(&pin->sgt);
	dxgkpm_section_unpin(adl->amo->pmo, pin->pages, adl->count);
	kvfree(pin->pages);
	kvfree(pin);
	adl->priv = NULL;
	adl->dma = NULL;
}

static void *dxgkpm_section_vmap(struct dxgkpm_pmo *pmo, pgoff_t first,
				 pgoff_t count, void **priv)
{
	struct page **pages;
	void *vaddr;

	if (count > UINT_MAX)
		return NULL;
	pages = kvmalloc_array(count, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	if (dxgkpm_section_pin_pages(pmo, first, count, pages))
		goto err_free_pages;
	vaddr = vmap(pages, count, VM_MAP,
		     dxgkpm_pgprot(pmo->caching, PAGE_KERNEL));
	if (!vaddr)
		goto err_unpin;
	/* Kept until the view goes, to unpin after vunmap(). */
	*priv = pages;
	return vaddr;

err_unpin:
	dxgkpm_section_unpin(pmo, pages, count);
err_free_pages:
	kvfree(pages);
	return NULL;
}

static void dxgkpm_section_vunmap(struct dxgkpm_pmo *pmo, void *vaddr,
				  pgoff_t count, void *priv)
{
	struct page **pages = priv;

	vunmap(vaddr);
	dxgkpm_section_unpin(pmo, pages, count);
	kvfree(pages);
}

/*
 * A user view maps the shmem file itself: faults, sharing between processes
 * and paging are shmem's. uview.c keeps shmem's fault handler behind its own
 * vm_operations (see dxgkpm_uview_mmap()).
 */
static int dxgkpm_section_mmap(struct dxgkpm_pmo *pmo,
			       struct vm_area_struct *vma)
{
	vma_set_file(vma, pmo->file);
	return pmo->file->f_op->mmap(pmo->file, vma);
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
};
