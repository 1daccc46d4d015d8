// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Kernel-mode CPU views of physical memory objects.
 *
 * A view covers whole pages: the requested byte range is widened to page
 * boundaries, and the caller learns where its first byte landed (the DXGK
 * rounding contract of DXGKCB_MAPPHYSICALMEMORY). Every view has the
 * object's cache type. Unmapping needs the exact base and size the map
 * returned; anything else is refused and the view stays.
 *
 * A view, kernel- or user-mode, is never made at the address of one of the
 * object's last DXGKPM_VIEW_QUARANTINE unmapped views: a range vmap() or
 * mmap() returns there is held while the view is made again (elsewhere,
 * since the held range is still taken), then freed. So a driver's stale
 * second Unmap cannot remove a newer view of the same object.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>

#include "object/object.h"
#include "trace.h"

/**
 * dxgkpm_view_retire_locked() - remember where a view of an object was
 * @pmo: the object
 * @mm: the process of a user-mode view, NULL for a kernel-mode view
 * @addr: the view's start
 *
 * The oldest of the object's DXGKPM_VIEW_QUARANTINE remembered addresses is
 * forgotten; an address already remembered stays where it is.
 *
 * Context: @pmo->lock held.
 */
void dxgkpm_view_retire_locked(struct dxgkpm_pmo *pmo,
			       const struct mm_struct *mm, unsigned long addr)
{
	struct dxgkpm_view_addr *slot;

	lockdep_assert_held(&pmo->lock);
	if (dxgkpm_view_retired_locked(pmo, mm, addr))
		return;
	slot = &pmo->unmapped_views[pmo->unmapped_next];
	slot->mm = mm;
	slot->addr = addr;
	pmo->unmapped_next = (pmo->unmapped_next + 1) % DXGKPM_VIEW_QUARANTINE;
}

/**
 * dxgkpm_view_retired_locked() - whether a view of an object was there
 * @pmo: the object
 * @mm: the process of a user-mode view, NULL for a kernel-mode view
 * @addr: a view's start
 *
 * Context: @pmo->lock held.
 * Return: true if @addr in @mm is one of the object's last
 * DXGKPM_VIEW_QUARANTINE unmapped views.
 */
bool dxgkpm_view_retired_locked(const struct dxgkpm_pmo *pmo,
				const struct mm_struct *mm, unsigned long addr)
{
	unsigned int i;

	lockdep_assert_held(&pmo->lock);
	for (i = 0; i < DXGKPM_VIEW_QUARANTINE; i++)
		if (pmo->unmapped_views[i].addr == addr &&
		    pmo->unmapped_views[i].mm == mm)
			return true;
	return false;
}

/*
 * Map @view's pages at an address that is not one of the object's retired
 * views. A mapping that lands on one is held, so the next cannot land
 * there too; at most DXGKPM_VIEW_QUARANTINE are held, then freed.
 */
static int dxgkpm_kview_vmap_fresh_locked(struct dxgkpm_pmo *pmo,
					  struct dxgkpm_kview *view)
{
	struct {
		void *vaddr;
		void *priv;
	} held[DXGKPM_VIEW_QUARANTINE];
	unsigned int nr_held = 0;
	int ret = 0;

	lockdep_assert_held(&pmo->lock);
	for (;;) {
		view->vaddr = pmo->mem.ops->vmap(&pmo->mem, view->first, view->npages,
					     &view->priv);
		if (!view->vaddr) {
			ret = -ENOMEM;
			break;
		}
		if (!dxgkpm_view_retired_locked(pmo, NULL,
						(unsigned long)view->vaddr))
			break;
		if (WARN_ON_ONCE(nr_held == ARRAY_SIZE(held))) {
			pmo->mem.ops->vunmap(&pmo->mem, view->vaddr, view->npages,
					 view->priv);
			view->vaddr = NULL;
			ret = -EBUSY;
			break;
		}
		held[nr_held].vaddr = view->vaddr;
		held[nr_held++].priv = view->priv;
	}
	while (nr_held--)
		pmo->mem.ops->vunmap(&pmo->mem, held[nr_held].vaddr, view->npages,
				 held[nr_held].priv);
	return ret;
}

static int __dxgkpm_map_kernel(struct dxgkpm_pmo *pmo, size_t *offset,
			       size_t *size, void **vaddr)
{
	struct dxgkpm_kview *view;
	pgoff_t first, last;
	int ret;

	might_sleep();
	if (!pmo || !offset || !size || !vaddr)
		return -EINVAL;
	*vaddr = NULL;
	ret = dxgkpm_pmo_check_range(pmo, *offset, *size);
	if (ret)
		return ret;
	first = *offset >> PAGE_SHIFT;
	last = (*offset + *size - 1) >> PAGE_SHIFT;

	view = kzalloc(sizeof(*view), GFP_KERNEL);
	if (!view)
		return -ENOMEM;
	view->first = first;
	view->npages = last - first + 1;

	mutex_lock(&pmo->lock);
	if (pmo->destroyed) {
		ret = -ENOENT;
		goto err_unlock;
	}
	ret = dxgkpm_kview_vmap_fresh_locked(pmo, view);
	if (ret)
		goto err_unlock;
	list_add_tail(&view->node, &pmo->kviews);
	atomic_long_inc(&dxgkpm_stats.kviews);
	mutex_unlock(&pmo->lock);

	*offset = offset_in_page(*offset);
	*size = view->npages << PAGE_SHIFT;
	*vaddr = view->vaddr;
	return 0;

err_unlock:
	mutex_unlock(&pmo->lock);
	kfree(view);
	return ret;
}

/**
 * dxgkpm_map_kernel() - map part of an object into the kernel
 * @pmo: object
 * @offset: in: first byte wanted; out: its offset from *@vaddr
 * @size: in: bytes wanted (non-zero); out: size of the view, whole pages
 * @vaddr: out: start of the view
 *
 * The view is never made at the address of one of the object's last
 * DXGKPM_VIEW_QUARANTINE unmapped views.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for a range outside the object or NULL arguments;
 * -ENOENT if the object is destroyed; -ENOMEM.
 */
int dxgkpm_map_kernel(struct dxgkpm_pmo *pmo, size_t *offset, size_t *size,
		      void **vaddr)
{
	struct dxgkpm_trace_id id = dxgkpm_trace_id(pmo);
	int ret = __dxgkpm_map_kernel(pmo, offset, size, vaddr);

	trace_dxgkpm_map_kernel(id.handle, id.type, id.caching,
				size ? *size : 0, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_map_kernel);

static void dxgkpm_kview_free_locked(struct dxgkpm_pmo *pmo,
				     struct dxgkpm_kview *view)
{
	lockdep_assert_held(&pmo->lock);
	list_del(&view->node);
	dxgkpm_view_retire_locked(pmo, NULL, (unsigned long)view->vaddr);
	pmo->mem.ops->vunmap(&pmo->mem, view->vaddr, view->npages, view->priv);
	atomic_long_dec(&dxgkpm_stats.kviews);
	kfree(view);
}

static int __dxgkpm_unmap_kernel(struct dxgkpm_pmo *pmo, void *vaddr, size_t size)
{
	struct dxgkpm_kview *view;
	int ret = -ENOENT;

	might_sleep();
	if (!pmo || !vaddr)
		return -EINVAL;
	mutex_lock(&pmo->lock);
	list_for_each_entry(view, &pmo->kviews, node) {
		if (view->vaddr != vaddr)
			continue;
		if (size != view->npages << PAGE_SHIFT) {
			ret = -EINVAL;
			break;
		}
		dxgkpm_kview_free_locked(pmo, view);
		ret = 0;
		break;
	}
	if (ret == -ENOENT &&
	    dxgkpm_view_retired_locked(pmo, NULL, (unsigned long)vaddr))
		pr_warn_ratelimited("a kernel view of object %#llx (context %#lx) was unmapped twice\n",
				    pmo->obj.handle, pmo->context);
	mutex_unlock(&pmo->lock);
	return ret;
}

/**
 * dxgkpm_unmap_kernel() - remove a kernel-mode view
 * @pmo: the object the view was made of
 * @vaddr: the address dxgkpm_map_kernel() returned
 * @size: the size dxgkpm_map_kernel() returned
 *
 * No newer view of @pmo is made where one of its last
 * DXGKPM_VIEW_QUARANTINE views was, so a stale second unmap of @vaddr is
 * refused (and logged) rather than removing one.
 *
 * Context: process context, may sleep.
 * Return: 0; -ENOENT if @vaddr is not a view of @pmo; -EINVAL if @size is
 * not the size of that view (the view is kept).
 */
int dxgkpm_unmap_kernel(struct dxgkpm_pmo *pmo, void *vaddr, size_t size)
{
	struct dxgkpm_trace_id id = dxgkpm_trace_id(pmo);
	int ret = __dxgkpm_unmap_kernel(pmo, vaddr, size);

	trace_dxgkpm_unmap_kernel(id.handle, id.type, id.caching, size, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_unmap_kernel);

/* Teardown: unmap every kernel view of an object, naming each. */
void dxgkpm_kviews_free_all_locked(struct dxgkpm_pmo *pmo, const char *why)
{
	struct dxgkpm_kview *view, *next;

	lockdep_assert_held(&pmo->lock);
	list_for_each_entry_safe(view, next, &pmo->kviews, node) {
		pr_warn("%s: leaked kernel view of %lu pages at page %lu of object %#llx (context %#lx)\n",
			why, view->npages, view->first, pmo->obj.handle,
			pmo->context);
		dxgkpm_kview_free_locked(pmo, view);
	}
}
