// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Address descriptor lists: the pages of a byte range of an open object, as
 * page numbers in the adapter's DMA address space.
 *
 * Every ADL maps its own range for the adapter when it is built (pinning it
 * first where pages are not resident otherwise) and unmaps it when it is
 * freed, so that a device loses a range the moment its ADL goes, as the
 * DXGK contract says. It keeps the attachment and the memory from going
 * away: close and destroy are refused while an ADL is alive.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/slab.h>

#include "object/object.h"
#include "trace.h"

/*
 * Map @adl's range for its adapter's device: the backend's ADL mapping,
 * whose page numbers the ADL hands out as they are.
 */
static int dxgkpm_adl_map_range(struct dxgkpm_adl *adl, bool *contiguous)
{
	struct dxgkpm_amo *amo = adl->amo;
	struct dxgkpm_mem *mem = &amo->pmo->mem;

	return mem->ops->adl_map(mem, &amo->adapter->dma, adl->first,
				 adl->count, &adl->pages, contiguous,
				 &adl->priv);
}

/* Undo dxgkpm_adl_map_range(). */
static void dxgkpm_adl_unmap_range(struct dxgkpm_adl *adl)
{
	struct dxgkpm_amo *amo = adl->amo;
	struct dxgkpm_mem *mem = &amo->pmo->mem;

	mem->ops->adl_unmap(mem, &amo->adapter->dma, adl->count, adl->priv);
	adl->priv = NULL;
	adl->pages = NULL;
}

static int __dxgkpm_adl_alloc(struct dxgkpm_amo *amo, size_t offset,
			      size_t size, u32 flags, size_t caller_size,
			      void (*describe)(const struct dxgkpm_adl *adl,
					       void *caller),
			      struct dxgkpm_adl **adlp)
{
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_adl *adl;
	pgoff_t first, count;
	bool contiguous;
	int ret;

	might_sleep();
	if (!amo || !adlp)
		return -EINVAL;
	*adlp = NULL;
	if (flags & ~(DXGKPM_ADL_REQUIRE_CONTIGUOUS |
		      DXGKPM_ADL_PREFER_CONTIGUOUS))
		return -EINVAL;
	if (!PAGE_ALIGNED(offset) || !PAGE_ALIGNED(size))
		return -EINVAL;
	pmo = amo->pmo;
	ret = dxgkpm_pmo_check_range(pmo, offset, size);
	if (ret)
		return ret;
	if ((flags & DXGKPM_ADL_REQUIRE_CONTIGUOUS) &&
	    pmo->mem.type != DXGKPM_MEM_CONTIGUOUS &&
	    pmo->mem.type != DXGKPM_MEM_IO_SPACE)
		return -EINVAL;
	first = offset >> PAGE_SHIFT;
	count = size >> PAGE_SHIFT;
	if (count > U32_MAX)
		return -EINVAL;

	adl = kzalloc(struct_size(adl, caller, caller_size), GFP_KERNEL);
	if (!adl)
		return -ENOMEM;
	adl->caller_size = caller_size;
	adl->amo = amo;
	adl->first = first;
	adl->count = count;

	mutex_lock(&pmo->lock);
	if (amo->closed) {
		ret = -ENOENT;
		goto err_unlock;
	}
	ret = dxgkpm_adl_map_range(adl, &contiguous);
	if (ret)
		goto err_unlock;
	if ((flags & DXGKPM_ADL_REQUIRE_CONTIGUOUS) && !contiguous) {
		ret = -EINVAL;
		goto err_unmap;
	}
	adl->contiguous = contiguous && flags;
	if (describe)
		describe(adl, adl->caller);
	list_add_tail(&adl->node, &amo->adls);
	pmo->nr_adls++;
	atomic_long_inc(&dxgkpm_stats.adls);
	mutex_unlock(&pmo->lock);
	*adlp = adl;
	return 0;

err_unmap:
	dxgkpm_adl_unmap_range(adl);
err_unlock:
	mutex_unlock(&pmo->lock);
	kfree(adl);
	return ret;
}

/**
 * dxgkpm_adl_alloc() - build an ADL over part of an open object
 * @amo: adapter memory object
 * @offset: first byte; a multiple of PAGE_SIZE
 * @size: bytes; a non-zero multiple of PAGE_SIZE; the range must lie inside
 *	the object
 * @flags: DXGKPM_ADL_REQUIRE_CONTIGUOUS (only for contiguous and IO-space
 *	objects) and/or DXGKPM_ADL_PREFER_CONTIGUOUS
 * @adlp: the ADL, on success
 *
 * With either flag, an ADL whose pages are consecutive in the device's
 * address space is described by its first page; otherwise it carries one
 * page number per page.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for a bad range or flags, or when a required contiguous
 * range is not contiguous; -ENOENT if @amo is closed; -ENOMEM.
 */
int dxgkpm_adl_alloc(struct dxgkpm_amo *amo, size_t offset, size_t size,
		     u32 flags, struct dxgkpm_adl **adlp)
{
	return dxgkpm_adl_alloc_described(amo, offset, size, flags, 0, NULL,
					  adlp);
}
EXPORT_SYMBOL_GPL(dxgkpm_adl_alloc);

/**
 * dxgkpm_adl_alloc_described() - build an ADL that a caller describes
 * @amo: adapter memory object
 * @offset: first byte, as for dxgkpm_adl_alloc()
 * @size: bytes, as for dxgkpm_adl_alloc()
 * @flags: as for dxgkpm_adl_alloc()
 * @caller_size: bytes the caller keeps with the ADL (dxgkpm_adl_caller()),
 *	zeroed; the DDI layer keeps there the DXGK_ADL its callers read
 * @describe: NULL, or called with the complete ADL and its caller's part
 *	before anyone else can reach them
 * @adlp: the ADL, on success
 *
 * Context: process context, may sleep; @describe is called with the
 * object's lock held and must not take it.
 * Return: as dxgkpm_adl_alloc().
 */
int dxgkpm_adl_alloc_described(struct dxgkpm_amo *amo, size_t offset,
			       size_t size, u32 flags, size_t caller_size,
			       void (*describe)(const struct dxgkpm_adl *adl,
						void *caller),
			       struct dxgkpm_adl **adlp)
{
	struct dxgkpm_trace_id id = dxgkpm_amo_trace_id(amo);
	int ret = __dxgkpm_adl_alloc(amo, offset, size, flags, caller_size,
				     describe, adlp);

	trace_dxgkpm_adl_alloc(id.handle, id.type, id.caching, size, ret);
	return ret;
}

static void dxgkpm_adl_free_locked(struct dxgkpm_adl *adl)
{
	struct dxgkpm_pmo *pmo = adl->amo->pmo;

	lockdep_assert_held(&pmo->lock);
	list_del(&adl->node);
	dxgkpm_adl_unmap_range(adl);
	pmo->nr_adls--;
	atomic_long_dec(&dxgkpm_stats.adls);
	/* Quarantined (see DXGKPM_ADL_QUARANTINE); the oldest goes back. */
	memset(adl, 0, struct_size(adl, caller, adl->caller_size));
	kfree(pmo->freed_adls[pmo->freed_next]);
	pmo->freed_adls[pmo->freed_next] = adl;
	pmo->freed_next = (pmo->freed_next + 1) % DXGKPM_ADL_QUARANTINE;
}

static bool dxgkpm_adl_was_freed_locked(struct dxgkpm_pmo *pmo,
					const struct dxgkpm_adl *adl)
{
	unsigned int i;

	lockdep_assert_held(&pmo->lock);
	for (i = 0; i < DXGKPM_ADL_QUARANTINE; i++)
		if (pmo->freed_adls[i] == adl)
			return true;
	return false;
}

/* The object goes: give its quarantined ADLs back. */
void dxgkpm_adl_quarantine_free(struct dxgkpm_pmo *pmo)
{
	unsigned int i;

	for (i = 0; i < DXGKPM_ADL_QUARANTINE; i++) {
		kfree(pmo->freed_adls[i]);
		pmo->freed_adls[i] = NULL;
	}
}

static int __dxgkpm_adl_free(struct dxgkpm_amo *amo, struct dxgkpm_adl *adl)
{
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_adl *pos;
	int ret = -ENOENT;

	might_sleep();
	if (!amo || !adl)
		return -EINVAL;
	pmo = amo->pmo;
	mutex_lock(&pmo->lock);
	list_for_each_entry(pos, &amo->adls, node) {
		if (pos == adl) {
			dxgkpm_adl_free_locked(adl);
			ret = 0;
			break;
		}
	}
	if (ret && dxgkpm_adl_was_freed_locked(pmo, adl))
		pr_warn_ratelimited("an ADL of object %#llx (context %#lx) was freed twice\n",
				    pmo->obj.handle, pmo->context);
	mutex_unlock(&pmo->lock);
	return ret;
}

/**
 * dxgkpm_adl_free() - release an ADL
 * @amo: the adapter memory object it was built from
 * @adl: the ADL; it is looked up in @amo's list before it is touched, so a
 *	pointer that is not a live ADL of @amo is refused safely. The object's
 *	last DXGKPM_ADL_QUARANTINE freed ADLs keep their memory, so a stale
 *	second free of one of them cannot hit a newer ADL at its address.
 *
 * The device must not access the range any more.
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOENT if @adl is not a live ADL of @amo.
 */
int dxgkpm_adl_free(struct dxgkpm_amo *amo, struct dxgkpm_adl *adl)
{
	struct dxgkpm_trace_id id = dxgkpm_amo_trace_id(amo);
	int ret = __dxgkpm_adl_free(amo, adl);

	trace_dxgkpm_adl_free(id.handle, id.type, id.caching, 0, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_adl_free);

/* Teardown: free every ADL of an attachment, naming each. */
void dxgkpm_adl_free_all_locked(struct dxgkpm_amo *amo, const char *why)
{
	struct dxgkpm_adl *adl, *next;

	lockdep_assert_held(&amo->pmo->lock);
	list_for_each_entry_safe(adl, next, &amo->adls, node) {
		pr_warn("%s: leaked ADL of %u pages at page %lu of object %#llx (context %#lx)\n",
			why, adl->count, adl->first,
			amo->pmo->obj.handle, amo->pmo->context);
		dxgkpm_adl_free_locked(adl);
	}
}

/**
 * dxgkpm_adl_page_count() - number of pages an ADL describes
 * @adl: live ADL
 *
 * Return: the page count.
 */
u32 dxgkpm_adl_page_count(const struct dxgkpm_adl *adl)
{
	return adl->count;
}
EXPORT_SYMBOL_GPL(dxgkpm_adl_page_count);

/**
 * dxgkpm_adl_is_contiguous() - whether an ADL is one range
 * @adl: live ADL
 *
 * Return: true if it is described by its first page only.
 */
bool dxgkpm_adl_is_contiguous(const struct dxgkpm_adl *adl)
{
	return adl->contiguous;
}
EXPORT_SYMBOL_GPL(dxgkpm_adl_is_contiguous);

/**
 * dxgkpm_adl_dma_address() - device address of one page of an ADL
 * @adl: live ADL
 * @index: page index, below dxgkpm_adl_page_count()
 *
 * Return: the address in the adapter's DMA address space, or
 * DMA_MAPPING_ERROR for an index out of range.
 */
dma_addr_t dxgkpm_adl_dma_address(const struct dxgkpm_adl *adl, u32 index)
{
	if (index >= adl->count)
		return DMA_MAPPING_ERROR;
	return (dma_addr_t)adl->pages[index] << PAGE_SHIFT;
}
EXPORT_SYMBOL_GPL(dxgkpm_adl_dma_address);
