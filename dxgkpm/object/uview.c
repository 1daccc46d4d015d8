// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * User-mode CPU views (DXGK_ACCESS_MODE_USER_MODE): the object mapped into
 * the address space of the calling process, with the object's cache type.
 *
 * A view is a VMA made with vm_mmap() in the caller's process, backed by an
 * anonymous file that exists only to carry the view to the mmap handler.
 * The VMA holds the object: destroying the object, unregistering its
 * adapter or unloading nothing can pull the pages from under a process that
 * still maps them; they go when the process unmaps them or exits. Views are
 * never split, grown or moved, and not inherited on fork unless the process
 * asks for it with MADV_DOFORK; the child's copy then keeps the pages but
 * is not a view. So one view is always one VMA, and unmapping through the
 * DXGK interface only succeeds in the process that made the view, with its
 * exact base and size.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "compat.h"
#include "object/object.h"
#include "trace.h"

/**
 * struct dxgkpm_uview - a user-mode view
 * @ref: held by the maker until vm_mmap() returns, and by the VMA.
 * @node: in the object's list of user views, while the VMA exists.
 * @pmo: the object (reference held).
 * @mm: the process; only compared, never dereferenced.
 * @start: user address of the view.
 * @len: bytes.
 * @file_ops: the backing file's VMA operations (cached sections), or NULL.
 * @priv: what the backend's mmap kept for its munmap (write-combined
 *	sections: the pinned range).
 * @file: the anonymous file; its reference pins this module for as long as
 *	a VMA can call back into it, cached sections included (their VMA
 *	holds the shmem file instead).
 * @linked: the VMA exists and @node is on the object's list.
 */
struct dxgkpm_uview {
	struct kref ref;
	struct list_head node;
	struct dxgkpm_pmo *pmo;
	struct file *file;
	struct mm_struct *mm;
	unsigned long start;
	unsigned long len;
	const struct vm_operations_struct *file_ops;
	void *priv;
	bool linked;
};

static void dxgkpm_uview_release(struct kref *ref)
{
	struct dxgkpm_uview *view = container_of(ref, struct dxgkpm_uview, ref);

	/* No VMA of the view is left: its pages are unmapped everywhere. */
	if (view->priv)
		view->pmo->mem.ops->munmap(&view->pmo->mem, view->priv);
	dxgkpm_pmo_put(view->pmo);
	if (view->file)
		fput(view->file);	/* last: may drop the module reference */
	kfree(view);
}

static void dxgkpm_uview_put(struct dxgkpm_uview *view)
{
	kref_put(&view->ref, dxgkpm_uview_release);
}

/*
 * A VMA copy: only fork, after the process cleared VM_DONTCOPY with
 * MADV_DOFORK (no split or move is allowed). The child's copy holds the
 * view, and through it the object, but is not the view: closing it must
 * not unlink the parent's (dxgkpm_uview_vm_close() matches the mm).
 */
static void dxgkpm_uview_vm_open(struct vm_area_struct *vma)
{
	struct dxgkpm_uview *view = vma->vm_private_data;

	kref_get(&view->ref);
}

static void dxgkpm_uview_vm_close(struct vm_area_struct *vma)
{
	struct dxgkpm_uview *view = vma->vm_private_data;
	struct dxgkpm_pmo *pmo = view->pmo;

	mutex_lock(&pmo->lock);
	if (view->linked && view->mm == vma->vm_mm &&
	    view->start == vma->vm_start) {
		list_del(&view->node);
		view->linked = false;
		dxgkpm_view_retire_locked(pmo, view->mm, view->start);
		atomic_long_dec(&dxgkpm_stats.uviews);
	}
	mutex_unlock(&pmo->lock);
	dxgkpm_uview_put(view);
}

static int dxgkpm_uview_may_split(struct vm_area_struct *vma,
				  unsigned long addr)
{
	return -EINVAL;
}

static int dxgkpm_uview_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

/* Cached sections: the shmem file's fault handler, behind our bookkeeping. */
static vm_fault_t dxgkpm_uview_fault(struct vm_fault *vmf)
{
	struct dxgkpm_uview *view = vmf->vma->vm_private_data;

	return view->file_ops->fault(vmf);
}

static const struct vm_operations_struct dxgkpm_uview_vm_ops = {
	.open = dxgkpm_uview_vm_open,
	.close = dxgkpm_uview_vm_close,
	.may_split = dxgkpm_uview_may_split,
	.mremap = dxgkpm_uview_mremap,
};

static const struct vm_operations_struct dxgkpm_uview_file_vm_ops = {
	.open = dxgkpm_uview_vm_open,
	.close = dxgkpm_uview_vm_close,
	.may_split = dxgkpm_uview_may_split,
	.mremap = dxgkpm_uview_mremap,
	.fault = dxgkpm_uview_fault,
};

static int dxgkpm_uview_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct dxgkpm_uview *view = file->private_data;
	struct dxgkpm_pmo *pmo = view->pmo;
	const struct vm_operations_struct *before;
	int ret;

	if (view->mm)
		return -EBUSY;	/* one VMA per view */
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY);
	vma->vm_page_prot = dxgkpm_pgprot(pmo->mem.caching,
					  vm_get_page_prot(vma->vm_flags));
	before = vma->vm_ops;
	ret = pmo->mem.ops->mmap(&pmo->mem, vma, &view->priv);
	if (ret)
		return ret;
	if (vma->vm_ops != before)
		view->file_ops = vma->vm_ops;
	vma->vm_ops = view->file_ops ? &dxgkpm_uview_file_vm_ops :
				       &dxgkpm_uview_vm_ops;
	vma->vm_private_data = view;
	kref_get(&view->ref);

	view->mm = vma->vm_mm;
	view->start = vma->vm_start;
	view->len = vma->vm_end - vma->vm_start;
	mutex_lock(&pmo->lock);
	list_add_tail(&view->node, &pmo->uviews);
	view->linked = true;
	atomic_long_inc(&dxgkpm_stats.uviews);
	mutex_unlock(&pmo->lock);
	return 0;
}

static const struct file_operations dxgkpm_uview_fops = {
	.owner = THIS_MODULE,
	.mmap = dxgkpm_uview_mmap,
};

/* Protection and sharing of a view, from the section's page protection. */
static void dxgkpm_uview_prot(const struct dxgkpm_pmo *pmo, unsigned long *prot,
			      unsigned long *flags, int *fmode)
{
	*prot = PROT_READ | PROT_WRITE;
	*flags = MAP_SHARED;
	*fmode = O_RDWR;
	if (pmo->mem.type != DXGKPM_MEM_SECTION)
		return;
	switch (pmo->mem.protection) {
	case DXGKPM_SECTION_WRITECOPY:
		/* Writes go to private copies; the section stays as it is. */
		*flags = MAP_PRIVATE;
		*fmode = O_RDONLY;
		break;
	case DXGKPM_SECTION_READONLY:
	case DXGKPM_SECTION_EXECUTE:	/* no executable views: read-only */
		*prot = PROT_READ;
		*fmode = O_RDONLY;
		break;
	}
}

/* Map pages @first to @first + @npages of @pmo into the calling process. */
static int dxgkpm_uview_mmap_one(struct dxgkpm_pmo *pmo, pgoff_t first,
				 pgoff_t npages, unsigned long *uaddr)
{
	unsigned long prot, flags, addr;
	struct dxgkpm_uview *view;
	struct file *file;
	int fmode, ret;

	view = kzalloc(sizeof(*view), GFP_KERNEL);
	if (!view)
		return -ENOMEM;
	kref_init(&view->ref);
	INIT_LIST_HEAD(&view->node);
	mutex_lock(&pmo->lock);
	ret = pmo->destroyed ? -ENOENT : 0;
	mutex_unlock(&pmo->lock);
	if (ret) {
		kfree(view);
		return ret;
	}
	dxgkpm_pmo_get(pmo);
	view->pmo = pmo;

	dxgkpm_uview_prot(pmo, &prot, &flags, &fmode);
	file = anon_inode_getfile("[dxgkpm]", &dxgkpm_uview_fops, view, fmode);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto out_put_view;
	}
	view->file = file;
	addr = vm_mmap(file, 0, npages << PAGE_SHIFT, prot, flags,
		       first << PAGE_SHIFT);
	if (IS_ERR_VALUE(addr)) {
		ret = (int)addr;
		goto out_put_view;
	}
	*uaddr = addr;
	ret = 0;
out_put_view:
	dxgkpm_uview_put(view);
	return ret;
}

/*
 * As dxgkpm_uview_mmap_one(), at an address that is not one of the
 * object's retired views in this process: a view that lands on one is held
 * while the next is made, then unmapped. Only the process itself, unmapping
 * held views from another thread, can make this give up.
 */
static int dxgkpm_uview_mmap_fresh(struct dxgkpm_pmo *pmo, pgoff_t first,
				   pgoff_t npages, unsigned long *uaddr)
{
	unsigned long held[DXGKPM_VIEW_QUARANTINE];
	unsigned int nr_held = 0;
	bool retired;
	int ret;

	for (;;) {
		ret = dxgkpm_uview_mmap_one(pmo, first, npages, uaddr);
		if (ret)
			break;
		mutex_lock(&pmo->lock);
		retired = dxgkpm_view_retired_locked(pmo, current->mm, *uaddr);
		mutex_unlock(&pmo->lock);
		if (!retired)
			break;
		if (nr_held == ARRAY_SIZE(held)) {
			vm_munmap(*uaddr, npages << PAGE_SHIFT);
			*uaddr = 0;
			ret = -EBUSY;
			break;
		}
		held[nr_held++] = *uaddr;
	}
	while (nr_held--)
		vm_munmap(held[nr_held], npages << PAGE_SHIFT);
	return ret;
}

static int __dxgkpm_map_user(struct dxgkpm_pmo *pmo, size_t *offset,
			     size_t *size, unsigned long *uaddr)
{
	pgoff_t first, last;
	int ret;

	might_sleep();
	if (!pmo || !offset || !size || !uaddr)
		return -EINVAL;
	*uaddr = 0;
	/* A kernel thread may map into a process whose mm it uses. */
	if (!pmo->mem.ops->mmap || !current->mm)
		return -EINVAL;
	ret = dxgkpm_pmo_check_range(pmo, *offset, *size);
	if (ret)
		return ret;
	/* Pages that may hold someone else's data never reach user space. */
	if (!pmo->mem.zeroed)
		return -EACCES;
	first = *offset >> PAGE_SHIFT;
	last = (*offset + *size - 1) >> PAGE_SHIFT;

	ret = dxgkpm_uview_mmap_fresh(pmo, first, last - first + 1, uaddr);
	if (ret)
		return ret;
	*offset = offset_in_page(*offset);
	*size = (last - first + 1) << PAGE_SHIFT;
	return 0;
}

/**
 * dxgkpm_map_user() - map part of an object into the calling process
 * @pmo: object
 * @offset: in: first byte wanted; out: its offset from *@uaddr
 * @size: in: bytes wanted (non-zero); out: size of the view, whole pages
 * @uaddr: out: start of the view in the calling process
 *
 * The view is never made where one of the object's last
 * DXGKPM_VIEW_QUARANTINE unmapped views of this process was.
 *
 * Context: process context of the process that will use the view.
 * Return: 0; -EINVAL for a range outside the object, an IO-space object or a
 * caller without a user address space; -EACCES for an object whose pages
 * were not zeroed; -ENOENT if the object is destroyed; -EBUSY if threads of
 * the process kept unmapping what the call mapped; -ENOMEM or an error of
 * vm_mmap().
 */
int dxgkpm_map_user(struct dxgkpm_pmo *pmo, size_t *offset, size_t *size,
		    unsigned long *uaddr)
{
	struct dxgkpm_trace_id id = dxgkpm_trace_id(pmo);
	int ret = __dxgkpm_map_user(pmo, offset, size, uaddr);

	trace_dxgkpm_map_user(id.handle, id.type, id.caching, size ? *size : 0,
			      ret);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_map_user);

static int __dxgkpm_unmap_user(struct dxgkpm_pmo *pmo, unsigned long uaddr, size_t size)
{
	struct dxgkpm_uview *view;
	int ret = -ENOENT;

	might_sleep();
	if (!pmo || !current->mm)
		return -EINVAL;
	mutex_lock(&pmo->lock);
	list_for_each_entry(view, &pmo->uviews, node) {
		if (view->mm != current->mm || view->start != uaddr)
			continue;
		ret = view->len == size ? 0 : -EINVAL;
		break;
	}
	if (ret == -ENOENT &&
	    dxgkpm_view_retired_locked(pmo, current->mm, uaddr))
		pr_warn_ratelimited("a user view of object %#llx (context %#lx) was unmapped twice\n",
				    pmo->obj.handle, pmo->context);
	mutex_unlock(&pmo->lock);
	/* The VMA's close callback takes the view off the list. */
	return ret ? ret : vm_munmap(uaddr, size);
}

/**
 * dxgkpm_unmap_user() - remove a user-mode view from the calling process
 * @pmo: the object the view was made of
 * @uaddr: the address dxgkpm_map_user() returned
 * @size: the size dxgkpm_map_user() returned
 *
 * The view is looked up under the object's lock and then removed with
 * vm_munmap(), which takes the mmap lock itself (no exported call removes a
 * VMA under a lock held by the caller): a thread of the same process that
 * unmaps the view and maps something else at @uaddr in between loses that
 * mapping. Only the calling process can race with itself this way. A view
 * the process unmapped itself is off the object's list at once, so a late
 * Unmap leaves whatever the process mapped there since alone; and no newer
 * view of @pmo is made where one of its last DXGKPM_VIEW_QUARANTINE views
 * was, so a stale second Unmap cannot remove one (it is refused, and
 * logged).
 *
 * Context: process context of the process that made the view.
 * Return: 0; -ENOENT if the calling process has no view of @pmo at
 * @uaddr; -EINVAL if @size is not the size of that view (the view is kept);
 * or an error of vm_munmap().
 */
int dxgkpm_unmap_user(struct dxgkpm_pmo *pmo, unsigned long uaddr, size_t size)
{
	struct dxgkpm_trace_id id = dxgkpm_trace_id(pmo);
	int ret = __dxgkpm_unmap_user(pmo, uaddr, size);

	trace_dxgkpm_unmap_user(id.handle, id.type, id.caching, size, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(dxgkpm_unmap_user);
