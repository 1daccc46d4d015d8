/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The sample driver's character device (/dev/dxgkpm_eduN), used by the VM
 * test program. Each ioctl makes one or a few DXGK calls in the calling
 * process and reports the NTSTATUS they returned, so that user-mode views
 * land in the caller's address space as they do on Windows.
 */
#ifndef _DXGKPM_EDU_UAPI_H
#define _DXGKPM_EDU_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Without DMA remapping the driver keeps high within its device's reach, as
 * a Windows driver must; with this flag it passes low and high as given,
 * so that a test can see what dxgkpm does with memory the device cannot
 * reach.
 */
#define EDU_CREATE_AS_ASKED	0x80000000u

/**
 * struct edu_create - DxgkCbCreatePhysicalMemoryObject, opened at once
 * @type: DXGK_PHYSICAL_MEMORY_TYPE
 * @cache: DXGK_MEMORY_CACHING_TYPE
 * @size: bytes
 * @low: Mdl.LowAddress / ContiguousMemory.LowestAcceptableAddress
 * @high: Mdl.HighAddress / ContiguousMemory.HighestAcceptableAddress
 * @skip: Mdl.SkipBytes / ContiguousMemory.BoundaryAddressMultiple
 * @base: IO space: offset of the range from the start of BAR0
 * @flags: Mdl.Flags, and EDU_CREATE_AS_ASKED
 * @protection: Section.PageProtection
 * @id: out: the object's number in this device
 * @status: out: NTSTATUS
 */
struct edu_create {
	__u32 type;
	__u32 cache;
	__u64 size;
	__u64 low;
	__u64 high;
	__u64 skip;
	__u64 base;
	__u32 flags;
	__u32 protection;
	__u32 id;
	__s32 status;
};

/**
 * struct edu_map - DxgkCbMapPhysicalMemory / DxgkCbUnmapPhysicalMemory,
 * user mode, in the calling process
 * @id: object
 * @pad: zero
 * @offset: in: first byte; out: its offset from @addr
 * @size: in: bytes; out: size of the view
 * @addr: out (map) / in (unmap): base of the view
 * @status: out: NTSTATUS (unmap: STATUS_SUCCESS once the view is gone)
 * @pad2: zero
 */
struct edu_map {
	__u32 id;
	__u32 pad;
	__u64 offset;
	__u64 size;
	__u64 addr;
	__s32 status;
	__u32 pad2;
};

/**
 * struct edu_copy - the device copies @len bytes between two objects by
 * DMA, through ADLs it builds for the duration (page-aligned offsets)
 * @src: source object
 * @dst: destination object
 * @src_offset: bytes
 * @dst_offset: bytes
 * @len: bytes, a multiple of the page size
 * @status: out: NTSTATUS of the DXGK calls, or STATUS_UNSUCCESSFUL if the
 *	device failed
 * @pad: zero
 */
struct edu_copy {
	__u32 src;
	__u32 dst;
	__u64 src_offset;
	__u64 dst_offset;
	__u64 len;
	__s32 status;
	__u32 pad;
};

/**
 * struct edu_obj - an object and, for some calls, a range or a value
 * @id: object
 * @value: EDU_IOC_PIN, EDU_IOC_KVIEW: 1 take / 0 drop; EDU_IOC_READ32: out:
 *	the value; EDU_IOC_FILL: the seed of the pattern (see EDU_IOC_FILL)
 * @offset: bytes (read: 4-byte aligned; the others: page aligned)
 * @len: bytes (pin, kview, fill: a page multiple)
 * @status: out: NTSTATUS
 * @pad: zero
 */
struct edu_obj {
	__u32 id;
	__u32 value;
	__u64 offset;
	__u64 len;
	__s32 status;
	__u32 pad;
};

#define EDU_IOC_MAGIC	'E'
/* Create and open an object. */
#define EDU_IOC_CREATE	_IOWR(EDU_IOC_MAGIC, 1, struct edu_create)
/* Destroy an object, closing it and freeing its pins. */
#define EDU_IOC_DESTROY	_IOWR(EDU_IOC_MAGIC, 2, struct edu_obj)
#define EDU_IOC_MAP	_IOWR(EDU_IOC_MAGIC, 3, struct edu_map)
#define EDU_IOC_UNMAP	_IOWR(EDU_IOC_MAGIC, 4, struct edu_map)
#define EDU_IOC_COPY	_IOWR(EDU_IOC_MAGIC, 5, struct edu_copy)
/* Keep (value 1) or drop (value 0) an ADL over a range: a pin. */
#define EDU_IOC_PIN	_IOWR(EDU_IOC_MAGIC, 6, struct edu_obj)
/* Read a 32-bit value through a kernel-mode view. */
#define EDU_IOC_READ32	_IOWR(EDU_IOC_MAGIC, 7, struct edu_obj)
/*
 * Write a range through a kernel-mode view made for the call: 32-bit word i
 * of the range becomes value * 2654435761 + i.
 */
#define EDU_IOC_FILL	_IOWR(EDU_IOC_MAGIC, 8, struct edu_obj)
/* Keep (value 1) or drop (value 0) a kernel-mode view of a range. */
#define EDU_IOC_KVIEW	_IOWR(EDU_IOC_MAGIC, 9, struct edu_obj)

#endif /* _DXGKPM_EDU_UAPI_H */
