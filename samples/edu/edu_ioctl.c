// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dxgkpm_edu: /dev/dxgkpm_eduN, through which the VM test program has the
 * driver make DXGK calls in the program's own process (see
 * dxgkpm_edu_uapi.h). Objects belong to the open file, as GEM handles
 * belong to a DRM file: every process that shares the file (fork) can map
 * them, and when the last one closes it they are destroyed, so a test
 * program that crashes leaves nothing behind.
 */

#include <linux/fs.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "dxgkpm_edu_uapi.h"
#include "edu.h"

/* An ADL kept alive on purpose (EDU_IOC_PIN). */
struct edu_pin {
	struct list_head node;
	DXGK_ADL *pAdl;
	u64 offset;
	u64 len;
};

/* A kernel-mode view kept on purpose (EDU_IOC_KVIEW). */
struct edu_kview {
	struct list_head node;
	void *pMappedAddress;
	SIZE_T Size;
	u64 offset;
	u64 len;
};

struct edu_object {
	HANDLE hPhysicalMemoryObject;
	HANDLE hAdapterMemoryObject;
	DXGK_PHYSICAL_MEMORY_TYPE Type;
	SIZE_T Size;
	struct list_head pins;
	struct list_head kviews;
};

/**
 * struct edu_file - an open /dev/dxgkpm_eduN
 * @gpu: the device; NULL once it is unbound
 * @node: in @gpu->files
 * @lock: protects @gpu and @objects; nests inside edu_files_lock
 * @objects: the objects made through this file (struct edu_object), by id
 */
struct edu_file {
	struct edu_gpu *gpu;
	struct list_head node;
	struct mutex lock;	/* see above */
	struct xarray objects;
};

/* Protects every edu_gpu's list of files (open, release, unbind). */
static DEFINE_MUTEX(edu_files_lock);

static NTSTATUS edu_adl(struct edu_gpu *gpu, struct edu_object *obj,
			u64 offset, u64 len, DXGK_ADL **ppAdl)
{
	DXGKARGCB_ALLOCATE_ADL args = {};
	NTSTATUS Status;

	args.hAdapterMemoryObject = obj->hAdapterMemoryObject;
	args.Offset = offset;
	args.Size = len;
	args.Flags.PreferContiguous = 1;
	Status = gpu->DxgkInterface.DxgkCbAllocateAdl(&args);
	*ppAdl = NT_SUCCESS(Status) ? args.pAdl : NULL;
	return Status;
}

static void edu_free_adl(struct edu_gpu *gpu, struct edu_object *obj,
			 DXGK_ADL *pAdl)
{
	DXGKARGCB_FREE_ADL args = {};

	args.hAdapterMemoryObject = obj->hAdapterMemoryObject;
	args.pAdl = pAdl;
	gpu->DxgkInterface.DxgkCbFreeAdl(&args);
}

/* A kernel-mode view of [@offset, @offset + @len) of @obj. */
static NTSTATUS edu_kmap(struct edu_gpu *gpu, struct edu_object *obj,
			 u64 offset, u64 len, void **ppBase, SIZE_T *pSize,
			 u8 **ppData)
{
	DXGKARGCB_MAP_PHYSICAL_MEMORY args = {};
	NTSTATUS Status;

	args.hPhysicalMemoryObject = obj->hPhysicalMemoryObject;
	args.AccessMode = DXGK_ACCESS_MODE_KERNEL_MODE;
	args.Offset = offset;
	args.Size = len;
	Status = gpu->DxgkInterface.DxgkCbMapPhysicalMemory(&args);
	if (!NT_SUCCESS(Status))
		return Status;
	*ppBase = args.pMappedAddress;
	*pSize = args.Size;
	*ppData = (u8 *)args.pMappedAddress + args.Offset;
	return STATUS_SUCCESS;
}

static void edu_kunmap(struct edu_gpu *gpu, struct edu_object *obj,
		       void *pBase, SIZE_T Size)
{
	DXGKARGCB_UNMAP_PHYSICAL_MEMORY args = {};

	args.hPhysicalMemoryObject = obj->hPhysicalMemoryObject;
	args.pBaseAddress = pBase;
	args.Size = Size;
	gpu->DxgkInterface.DxgkCbUnmapPhysicalMemory(&args);
}

static void edu_object_destroy(struct edu_gpu *gpu, struct edu_object *obj)
{
	DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT args = {};
	struct edu_kview *kview, *next_kview;
	struct edu_pin *pin, *next;

	list_for_each_entry_safe(pin, next, &obj->pins, node) {
		edu_free_adl(gpu, obj, pin->pAdl);
		list_del(&pin->node);
		kfree(pin);
	}
	list_for_each_entry_safe(kview, next_kview, &obj->kviews, node) {
		edu_kunmap(gpu, obj, kview->pMappedAddress, kview->Size);
		list_del(&kview->node);
		kfree(kview);
	}
	args.hPhysicalMemoryObject = obj->hPhysicalMemoryObject;
	args.hAdapterMemoryObject = obj->hAdapterMemoryObject;
	gpu->DxgkInterface.DxgkCbDestroyPhysicalMemoryObject(&args);
	kfree(obj);
}

static long edu_ioc_create(struct edu_file *ef, struct edu_create *c)
{
	struct edu_gpu *gpu = ef->gpu;
	u64 reach = c->flags & EDU_CREATE_AS_ASKED ? U64_MAX : edu_reach(gpu);
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT args = {};
	struct edu_object *obj;
	u32 id;
	int ret;

	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	INIT_LIST_HEAD(&obj->pins);
	INIT_LIST_HEAD(&obj->kviews);
	args.hAdapter = gpu->DxgkInterface.DeviceHandle;
	args.Size = c->size;
	args.Context = (ULONG_PTR)obj;
	args.Type = c->type;
	args.CacheType = c->cache;
	switch (args.Type) {
	case DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY:
		/* Without remapping, only memory the device reaches is usable. */
		args.ContiguousMemory.LowestAcceptableAddress.QuadPart = c->low;
		args.ContiguousMemory.HighestAcceptableAddress.QuadPart =
			min(c->high, reach);
		args.ContiguousMemory.BoundaryAddressMultiple.QuadPart = c->skip;
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_SECTION:
		args.Section.PageProtection = c->protection;
		args.Section.AllocationAttributes = SEC_COMMIT;
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE:
		args.IOSpace.BaseAddress.QuadPart =
			pci_resource_start(gpu->pdev, 0) + c->base;
		break;
	default:
		args.Mdl.LowAddress.QuadPart = c->low;
		args.Mdl.HighAddress.QuadPart = min(c->high, reach);
		args.Mdl.SkipBytes.QuadPart = c->skip;
		args.Mdl.Flags = c->flags & ~EDU_CREATE_AS_ASKED;
		break;
	}
	c->status = gpu->DxgkInterface.DxgkCbCreatePhysicalMemoryObject(&args);
	if (!NT_SUCCESS(c->status)) {
		kfree(obj);
		return 0;
	}
	obj->hPhysicalMemoryObject = args.hPhysicalMemoryObject;
	obj->hAdapterMemoryObject = args.hAdapterMemoryObject;
	obj->Type = args.Type;
	obj->Size = args.Size;
	ret = xa_alloc(&ef->objects, &id, obj, xa_limit_31b, GFP_KERNEL);
	if (ret) {
		edu_object_destroy(gpu, obj);
		return ret;
	}
	c->id = id;
	return 0;
}

static long edu_ioc_destroy(struct edu_file *ef, struct edu_obj *o)
{
	struct edu_object *obj;

	obj = xa_erase(&ef->objects, o->id);
	if (obj)
		edu_object_destroy(ef->gpu, obj);
	o->status = obj ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
	return 0;
}

static long edu_ioc_map(struct edu_file *ef, struct edu_map *m, bool map)
{
	struct edu_gpu *gpu = ef->gpu;
	struct edu_object *obj;

	obj = xa_load(&ef->objects, m->id);
	if (!obj) {
		m->status = STATUS_INVALID_PARAMETER;
	} else if (map) {
		DXGKARGCB_MAP_PHYSICAL_MEMORY args = {};

		args.hPhysicalMemoryObject = obj->hPhysicalMemoryObject;
		args.AccessMode = DXGK_ACCESS_MODE_USER_MODE;
		args.Offset = m->offset;
		args.Size = m->size;
		m->status = gpu->DxgkInterface.DxgkCbMapPhysicalMemory(&args);
		m->offset = args.Offset;
		m->size = args.Size;
		m->addr = (u64)(uintptr_t)args.pMappedAddress;
	} else {
		DXGKARGCB_UNMAP_PHYSICAL_MEMORY args = {};

		args.hPhysicalMemoryObject = obj->hPhysicalMemoryObject;
		args.pBaseAddress = (void *)(uintptr_t)m->addr;
		args.Size = m->size;
		gpu->DxgkInterface.DxgkCbUnmapPhysicalMemory(&args);
		/* The callback returns nothing: look whether the view went. */
		mmap_read_lock(current->mm);
		m->status = find_vma_intersection(current->mm, m->addr,
						  m->addr + 1) ?
			    STATUS_UNSUCCESSFUL : STATUS_SUCCESS;
		mmap_read_unlock(current->mm);
	}
	return 0;
}

static long edu_ioc_copy(struct edu_file *ef, struct edu_copy *c)
{
	struct edu_gpu *gpu = ef->gpu;
	struct edu_object *src, *dst;
	DXGK_ADL *pSrc = NULL, *pDst = NULL;

	src = xa_load(&ef->objects, c->src);
	dst = xa_load(&ef->objects, c->dst);
	if (!src || !dst) {
		c->status = STATUS_INVALID_PARAMETER;
		return 0;
	}
	c->status = edu_adl(gpu, src, c->src_offset, c->len, &pSrc);
	if (!NT_SUCCESS(c->status))
		return 0;
	c->status = edu_adl(gpu, dst, c->dst_offset, c->len, &pDst);
	if (!NT_SUCCESS(c->status))
		goto out_free_src;
	if (edu_copy_adl(gpu, pSrc, 0, pDst, 0, pSrc->PageCount))
		c->status = STATUS_UNSUCCESSFUL;
	edu_free_adl(gpu, dst, pDst);
out_free_src:
	edu_free_adl(gpu, src, pSrc);
	return 0;
}

static long edu_ioc_pin(struct edu_file *ef, struct edu_obj *o)
{
	struct edu_gpu *gpu = ef->gpu;
	struct edu_object *obj;
	struct edu_pin *pin;

	o->status = STATUS_INVALID_PARAMETER;
	obj = xa_load(&ef->objects, o->id);
	if (!obj)
		return 0;
	if (!o->value) {
		list_for_each_entry(pin, &obj->pins, node) {
			if (pin->offset == o->offset && pin->len == o->len) {
				edu_free_adl(gpu, obj, pin->pAdl);
				list_del(&pin->node);
				kfree(pin);
				o->status = STATUS_SUCCESS;
				break;
			}
		}
		return 0;
	}
	pin = kzalloc(sizeof(*pin), GFP_KERNEL);
	if (!pin) {
		o->status = STATUS_NO_MEMORY;
		return 0;
	}
	o->status = edu_adl(gpu, obj, o->offset, o->len, &pin->pAdl);
	if (!NT_SUCCESS(o->status)) {
		kfree(pin);
		return 0;
	}
	pin->offset = o->offset;
	pin->len = o->len;
	list_add(&pin->node, &obj->pins);
	return 0;
}

static long edu_ioc_read32(struct edu_file *ef, struct edu_obj *o)
{
	struct edu_gpu *gpu = ef->gpu;
	struct edu_object *obj;
	SIZE_T Size;
	void *pBase;
	u8 *p;

	obj = xa_load(&ef->objects, o->id);
	if (!obj || !IS_ALIGNED(o->offset, 4)) {
		o->status = STATUS_INVALID_PARAMETER;
		return 0;
	}
	o->status = edu_kmap(gpu, obj, o->offset, sizeof(u32), &pBase, &Size,
			     &p);
	if (!NT_SUCCESS(o->status))
		return 0;
	/* An IO-space view is MMIO and must be read as such. */
	if (obj->Type == DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE)
		o->value = readl((void __iomem __force *)p);
	else
		o->value = READ_ONCE(*(u32 *)p);
	edu_kunmap(gpu, obj, pBase, Size);
	return 0;
}

static long edu_ioc_fill(struct edu_file *ef, struct edu_obj *o)
{
	struct edu_gpu *gpu = ef->gpu;
	struct edu_object *obj;
	SIZE_T Size;
	void *pBase;
	u32 *w;
	u64 i;

	obj = xa_load(&ef->objects, o->id);
	if (!obj || obj->Type == DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE ||
	    !PAGE_ALIGNED(o->offset) || !o->len || !PAGE_ALIGNED(o->len)) {
		o->status = STATUS_INVALID_PARAMETER;
		return 0;
	}
	o->status = edu_kmap(gpu, obj, o->offset, o->len, &pBase, &Size,
			     (u8 **)&w);
	if (!NT_SUCCESS(o->status))
		return 0;
	for (i = 0; i < o->len / sizeof(*w); i++)
		w[i] = o->value * 2654435761u + (u32)i;
	edu_kunmap(gpu, obj, pBase, Size);
	return 0;
}

static long edu_ioc_kview(struct edu_file *ef, struct edu_obj *o)
{
	struct edu_gpu *gpu = ef->gpu;
	struct edu_kview *kview;
	struct edu_object *obj;
	u8 *p;

	o->status = STATUS_INVALID_PARAMETER;
	obj = xa_load(&ef->objects, o->id);
	if (!obj)
		return 0;
	if (!o->value) {
		list_for_each_entry(kview, &obj->kviews, node) {
			if (kview->offset == o->offset && kview->len == o->len) {
				edu_kunmap(gpu, obj, kview->pMappedAddress,
					   kview->Size);
				list_del(&kview->node);
				kfree(kview);
				o->status = STATUS_SUCCESS;
				break;
			}
		}
		return 0;
	}
	kview = kzalloc(sizeof(*kview), GFP_KERNEL);
	if (!kview) {
		o->status = STATUS_NO_MEMORY;
		return 0;
	}
	o->status = edu_kmap(gpu, obj, o->offset, o->len,
			     &kview->pMappedAddress, &kview->Size, &p);
	if (!NT_SUCCESS(o->status)) {
		kfree(kview);
		return 0;
	}
	kview->offset = o->offset;
	kview->len = o->len;
	list_add(&kview->node, &obj->kviews);
	return 0;
}

static long edu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct edu_file *ef = file->private_data;
	void __user *uarg = (void __user *)arg;
	union {
		struct edu_create create;
		struct edu_map map;
		struct edu_copy copy;
		struct edu_obj obj;
	} u;
	size_t size = _IOC_SIZE(cmd);
	long ret;

	if (_IOC_TYPE(cmd) != EDU_IOC_MAGIC || size > sizeof(u))
		return -ENOTTY;
	if (copy_from_user(&u, uarg, size))
		return -EFAULT;
	mutex_lock(&ef->lock);
	if (!ef->gpu) {
		ret = -ENODEV;
		goto out_unlock;
	}
	switch (cmd) {
	case EDU_IOC_CREATE:
		ret = edu_ioc_create(ef, &u.create);
		break;
	case EDU_IOC_DESTROY:
		ret = edu_ioc_destroy(ef, &u.obj);
		break;
	case EDU_IOC_MAP:
	case EDU_IOC_UNMAP:
		ret = edu_ioc_map(ef, &u.map, cmd == EDU_IOC_MAP);
		break;
	case EDU_IOC_COPY:
		ret = edu_ioc_copy(ef, &u.copy);
		break;
	case EDU_IOC_PIN:
		ret = edu_ioc_pin(ef, &u.obj);
		break;
	case EDU_IOC_READ32:
		ret = edu_ioc_read32(ef, &u.obj);
		break;
	case EDU_IOC_FILL:
		ret = edu_ioc_fill(ef, &u.obj);
		break;
	case EDU_IOC_KVIEW:
		ret = edu_ioc_kview(ef, &u.obj);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
out_unlock:
	mutex_unlock(&ef->lock);
	if (!ret && copy_to_user(uarg, &u, size))
		ret = -EFAULT;
	return ret;
}

static int edu_open(struct inode *inode, struct file *file)
{
	struct edu_gpu *gpu = container_of(file->private_data, struct edu_gpu,
					   misc);
	struct edu_file *ef;

	ef = kzalloc(sizeof(*ef), GFP_KERNEL);
	if (!ef)
		return -ENOMEM;
	mutex_init(&ef->lock);
	xa_init_flags(&ef->objects, XA_FLAGS_ALLOC);
	ef->gpu = gpu;
	mutex_lock(&edu_files_lock);
	list_add(&ef->node, &gpu->files);
	mutex_unlock(&edu_files_lock);
	file->private_data = ef;
	return 0;
}

/* Destroy what was made through @ef and cut it off its device. */
static void edu_file_detach(struct edu_file *ef)
{
	struct edu_object *obj;
	unsigned long id;

	lockdep_assert_held(&edu_files_lock);
	mutex_lock(&ef->lock);
	if (ef->gpu) {
		xa_for_each(&ef->objects, id, obj) {
			xa_erase(&ef->objects, id);
			edu_object_destroy(ef->gpu, obj);
		}
		list_del(&ef->node);
		ef->gpu = NULL;
	}
	mutex_unlock(&ef->lock);
}

static int edu_release(struct inode *inode, struct file *file)
{
	struct edu_file *ef = file->private_data;

	mutex_lock(&edu_files_lock);
	edu_file_detach(ef);
	mutex_unlock(&edu_files_lock);
	xa_destroy(&ef->objects);
	mutex_destroy(&ef->lock);
	kfree(ef);
	return 0;
}

static const struct file_operations edu_fops = {
	.owner = THIS_MODULE,
	.open = edu_open,
	.release = edu_release,
	.unlocked_ioctl = edu_ioctl,
};

/**
 * edu_chardev_register() - offer /dev/dxgkpm_eduN
 * @gpu: a bound device
 * @index: N
 *
 * Return: 0 or -errno.
 */
int edu_chardev_register(struct edu_gpu *gpu, unsigned int index)
{
	INIT_LIST_HEAD(&gpu->files);
	snprintf(gpu->name, sizeof(gpu->name), "dxgkpm_edu%u", index);
	gpu->misc.minor = MISC_DYNAMIC_MINOR;
	gpu->misc.name = gpu->name;
	gpu->misc.fops = &edu_fops;
	gpu->misc.parent = &gpu->pdev->dev;
	return misc_register(&gpu->misc);
}

/**
 * edu_chardev_unregister() - remove the device node, destroying the objects
 *	of every file still open on it
 * @gpu: the device
 *
 * Files that stay open answer -ENODEV from then on.
 */
void edu_chardev_unregister(struct edu_gpu *gpu)
{
	struct edu_file *ef, *next;

	misc_deregister(&gpu->misc);
	mutex_lock(&edu_files_lock);
	list_for_each_entry_safe(ef, next, &gpu->files, node)
		edu_file_detach(ef);
	mutex_unlock(&edu_files_lock);
}
