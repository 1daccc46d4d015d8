// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dxgkpm_edu: /dev/dxgkpm_eduN, through which the VM test program has the
 * driver make DXGK calls in the program's own process (see
 * dxgkpm_edu_uapi.h). Objects belong to the device, not to the open file,
 * so that two processes can map the same one.
 */

#include <linux/fs.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "dxgkpm_edu_uapi.h"
#include "edu.h"

/* An ADL kept alive on purpose (EDU_IOC_PIN). */
struct edu_pin {
	struct list_head node;
	DXGK_ADL *pAdl;
	u64 offset;
	u64 len;
};

struct edu_object {
	HANDLE hPhysicalMemoryObject;
	HANDLE hAdapterMemoryObject;
	DXGK_PHYSICAL_MEMORY_TYPE Type;
	SIZE_T Size;
	struct list_head pins;
};

static struct edu_gpu *edu_from_file(struct file *file)
{
	return container_of(file->private_data, struct edu_gpu, misc);
}

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

static void edu_object_destroy(struct edu_gpu *gpu, struct edu_object *obj)
{
	DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT args = {};
	struct edu_pin *pin, *next;

	list_for_each_entry_safe(pin, next, &obj->pins, node) {
		edu_free_adl(gpu, obj, pin->pAdl);
		list_del(&pin->node);
		kfree(pin);
	}
	args.hPhysicalMemoryObject = obj->hPhysicalMemoryObject;
	args.hAdapterMemoryObject = obj->hAdapterMemoryObject;
	gpu->DxgkInterface.DxgkCbDestroyPhysicalMemoryObject(&args);
	kfree(obj);
}

static long edu_ioc_create(struct edu_gpu *gpu, struct edu_create *c)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT args = {};
	struct edu_object *obj;
	u32 id;
	int ret;

	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	INIT_LIST_HEAD(&obj->pins);
	args.hAdapter = gpu->DxgkInterface.DeviceHandle;
	args.Size = c->size;
	args.Context = (ULONG_PTR)obj;
	args.Type = c->type;
	args.CacheType = c->cache;
	switch (args.Type) {
	case DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY:
		args.ContiguousMemory.LowestAcceptableAddress.QuadPart = c->low;
		args.ContiguousMemory.HighestAcceptableAddress.QuadPart = c->high;
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
		args.Mdl.HighAddress.QuadPart = c->high;
		args.Mdl.SkipBytes.QuadPart = c->skip;
		args.Mdl.Flags = c->flags;
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
	mutex_lock(&gpu->objects_lock);
	ret = xa_alloc(&gpu->objects, &id, obj, xa_limit_31b, GFP_KERNEL);
	mutex_unlock(&gpu->objects_lock);
	if (ret) {
		edu_object_destroy(gpu, obj);
		return ret;
	}
	c->id = id;
	return 0;
}

static long edu_ioc_destroy(struct edu_gpu *gpu, struct edu_obj *o)
{
	struct edu_object *obj;

	mutex_lock(&gpu->objects_lock);
	obj = xa_erase(&gpu->objects, o->id);
	if (obj)
		edu_object_destroy(gpu, obj);
	mutex_unlock(&gpu->objects_lock);
	o->status = obj ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
	return 0;
}

static long edu_ioc_map(struct edu_gpu *gpu, struct edu_map *m, bool map)
{
	struct edu_object *obj;

	mutex_lock(&gpu->objects_lock);
	obj = xa_load(&gpu->objects, m->id);
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
	mutex_unlock(&gpu->objects_lock);
	return 0;
}

static long edu_ioc_copy(struct edu_gpu *gpu, struct edu_copy *c)
{
	struct edu_object *src, *dst;
	DXGK_ADL *pSrc = NULL, *pDst = NULL;

	mutex_lock(&gpu->objects_lock);
	src = xa_load(&gpu->objects, c->src);
	dst = xa_load(&gpu->objects, c->dst);
	if (!src || !dst) {
		c->status = STATUS_INVALID_PARAMETER;
		goto out_unlock;
	}
	c->status = edu_adl(gpu, src, c->src_offset, c->len, &pSrc);
	if (!NT_SUCCESS(c->status))
		goto out_unlock;
	c->status = edu_adl(gpu, dst, c->dst_offset, c->len, &pDst);
	if (!NT_SUCCESS(c->status))
		goto out_free_src;
	if (edu_copy_adl(gpu, pSrc, 0, pDst, 0, pSrc->PageCount))
		c->status = STATUS_UNSUCCESSFUL;
	edu_free_adl(gpu, dst, pDst);
out_free_src:
	edu_free_adl(gpu, src, pSrc);
out_unlock:
	mutex_unlock(&gpu->objects_lock);
	return 0;
}

static long edu_ioc_pin(struct edu_gpu *gpu, struct edu_obj *o)
{
	struct edu_object *obj;
	struct edu_pin *pin;

	o->status = STATUS_INVALID_PARAMETER;
	mutex_lock(&gpu->objects_lock);
	obj = xa_load(&gpu->objects, o->id);
	if (!obj)
		goto out_unlock;
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
		goto out_unlock;
	}
	pin = kzalloc(sizeof(*pin), GFP_KERNEL);
	if (!pin) {
		o->status = STATUS_NO_MEMORY;
		goto out_unlock;
	}
	o->status = edu_adl(gpu, obj, o->offset, o->len, &pin->pAdl);
	if (!NT_SUCCESS(o->status)) {
		kfree(pin);
		goto out_unlock;
	}
	pin->offset = o->offset;
	pin->len = o->len;
	list_add(&pin->node, &obj->pins);
out_unlock:
	mutex_unlock(&gpu->objects_lock);
	return 0;
}

static long edu_ioc_read32(struct edu_gpu *gpu, struct edu_obj *o)
{
	DXGKARGCB_MAP_PHYSICAL_MEMORY map = {};
	DXGKARGCB_UNMAP_PHYSICAL_MEMORY unmap = {};
	struct edu_object *obj;
	u8 *p;

	mutex_lock(&gpu->objects_lock);
	obj = xa_load(&gpu->objects, o->id);
	if (!obj || !IS_ALIGNED(o->offset, 4)) {
		o->status = STATUS_INVALID_PARAMETER;
		goto out_unlock;
	}
	map.hPhysicalMemoryObject = obj->hPhysicalMemoryObject;
	map.AccessMode = DXGK_ACCESS_MODE_KERNEL_MODE;
	map.Offset = o->offset;
	map.Size = sizeof(u32);
	o->status = gpu->DxgkInterface.DxgkCbMapPhysicalMemory(&map);
	if (!NT_SUCCESS(o->status))
		goto out_unlock;
	p = (u8 *)map.pMappedAddress + map.Offset;
	/* An IO-space view is MMIO and must be read as such. */
	if (obj->Type == DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE)
		o->value = readl((void __iomem __force *)p);
	else
		o->value = READ_ONCE(*(u32 *)p);
	unmap.hPhysicalMemoryObject = obj->hPhysicalMemoryObject;
	unmap.pBaseAddress = map.pMappedAddress;
	unmap.Size = map.Size;
	gpu->DxgkInterface.DxgkCbUnmapPhysicalMemory(&unmap);
out_unlock:
	mutex_unlock(&gpu->objects_lock);
	return 0;
}

static long edu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct edu_gpu *gpu = edu_from_file(file);
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
	switch (cmd) {
	case EDU_IOC_CREATE:
		ret = edu_ioc_create(gpu, &u.create);
		break;
	case EDU_IOC_DESTROY:
		ret = edu_ioc_destroy(gpu, &u.obj);
		break;
	case EDU_IOC_MAP:
	case EDU_IOC_UNMAP:
		ret = edu_ioc_map(gpu, &u.map, cmd == EDU_IOC_MAP);
		break;
	case EDU_IOC_COPY:
		ret = edu_ioc_copy(gpu, &u.copy);
		break;
	case EDU_IOC_PIN:
		ret = edu_ioc_pin(gpu, &u.obj);
		break;
	case EDU_IOC_READ32:
		ret = edu_ioc_read32(gpu, &u.obj);
		break;
	default:
		return -ENOTTY;
	}
	if (!ret && copy_to_user(uarg, &u, size))
		ret = -EFAULT;
	return ret;
}

static const struct file_operations edu_fops = {
	.owner = THIS_MODULE,
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
	mutex_init(&gpu->objects_lock);
	xa_init_flags(&gpu->objects, XA_FLAGS_ALLOC);
	snprintf(gpu->name, sizeof(gpu->name), "dxgkpm_edu%u", index);
	gpu->misc.minor = MISC_DYNAMIC_MINOR;
	gpu->misc.name = gpu->name;
	gpu->misc.fops = &edu_fops;
	gpu->misc.parent = &gpu->pdev->dev;
	return misc_register(&gpu->misc);
}

/**
 * edu_chardev_unregister() - remove the device node, destroying its objects
 * @gpu: the device
 */
void edu_chardev_unregister(struct edu_gpu *gpu)
{
	struct edu_object *obj;
	unsigned long id;

	misc_deregister(&gpu->misc);
	mutex_lock(&gpu->objects_lock);
	xa_for_each(&gpu->objects, id, obj)
		edu_object_destroy(gpu, obj);
	mutex_unlock(&gpu->objects_lock);
	xa_destroy(&gpu->objects);
}
