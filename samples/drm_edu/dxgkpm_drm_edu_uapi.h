/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note OR MIT */
/*
 * dxgkpm_drm_edu: the ioctls of the sample DRM driver for QEMU's edu
 * device, on its render node (/dev/dri/renderDN) or card node. Buffer
 * objects are GEM objects backed by dxgkpm memory; PRIME export and import
 * are DRM's own ioctls (DRM_IOCTL_PRIME_HANDLE_TO_FD / _FD_TO_HANDLE), and
 * DRM_IOCTL_GEM_CLOSE frees a handle.
 *
 * Every padding field must be zero, or the ioctl fails with EINVAL.
 */
#ifndef _DXGKPM_DRM_EDU_UAPI_H
#define _DXGKPM_DRM_EDU_UAPI_H

#include <drm/drm.h>

#define DRM_DXGKPM_EDU_CREATE		0x00
#define DRM_DXGKPM_EDU_MMAP_OFFSET	0x01
#define DRM_DXGKPM_EDU_COPY		0x02

/* Cache types: the values of enum dxgkpm_caching. */
#define DXGKPM_EDU_CACHE_UNCACHED	0
#define DXGKPM_EDU_CACHE_CACHED		1
#define DXGKPM_EDU_CACHE_WC		2

/* Memory types: the values of enum dxgkpm_mem_type. */
#define DXGKPM_EDU_MEM_MDL		0	/* pages, anywhere in the window */
#define DXGKPM_EDU_MEM_CONTIGUOUS	1	/* one contiguous block */

/**
 * struct drm_dxgkpm_edu_create - DRM_IOCTL_DXGKPM_EDU_CREATE: a new buffer
 *	object, zeroed
 * @size: in: bytes (not 0); out: the object's size, rounded up to pages
 * @low: lowest acceptable physical address of the memory
 * @high: highest acceptable physical address (inclusive). @low and @high
 *	both 0 mean anywhere the device reaches; otherwise @high must not
 *	be below @low. Where the device's DMA is not remapped by an IOMMU,
 *	@high is lowered to what its DMA mask reaches.
 * @cache: DXGKPM_EDU_CACHE_*: the cache type of every CPU mapping (mmap
 *	of the handle or of its PRIME export)
 * @type: DXGKPM_EDU_MEM_*
 * @handle: out: the GEM handle
 * @pad: zero
 */
struct drm_dxgkpm_edu_create {
	__u64 size;
	__u64 low;
	__u64 high;
	__u32 cache;
	__u32 type;
	__u32 handle;
	__u32 pad;
};

/**
 * struct drm_dxgkpm_edu_mmap_offset - DRM_IOCTL_DXGKPM_EDU_MMAP_OFFSET: the
 *	offset to mmap() a buffer object at on this DRM file
 * @handle: in: a buffer object of this file (created or imported)
 * @pad: zero
 * @offset: out: the fake offset; map at most the object's size from it
 */
struct drm_dxgkpm_edu_mmap_offset {
	__u32 handle;
	__u32 pad;
	__u64 offset;
};

/**
 * struct drm_dxgkpm_edu_copy - DRM_IOCTL_DXGKPM_EDU_COPY: the device copies
 *	@size bytes from one buffer object to another by DMA
 * @src_handle: buffer object read (created or imported)
 * @dst_handle: buffer object written (created or imported; may be
 *	@src_handle)
 * @src_offset: first byte read; a multiple of the page size
 * @dst_offset: first byte written; a multiple of the page size
 * @size: bytes; a non-zero multiple of the page size, with both ranges
 *	inside their objects
 *
 * The call returns when the copy is done. Errors: ENOENT for a handle this
 * file does not have (or not of this driver); EINVAL for a range that is
 * unaligned, empty or outside an object; ENODEV once the device is gone.
 */
struct drm_dxgkpm_edu_copy {
	__u32 src_handle;
	__u32 dst_handle;
	__u64 src_offset;
	__u64 dst_offset;
	__u64 size;
};

#define DRM_IOCTL_DXGKPM_EDU_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_DXGKPM_EDU_CREATE, \
		 struct drm_dxgkpm_edu_create)
#define DRM_IOCTL_DXGKPM_EDU_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_DXGKPM_EDU_MMAP_OFFSET, \
		 struct drm_dxgkpm_edu_mmap_offset)
#define DRM_IOCTL_DXGKPM_EDU_COPY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_DXGKPM_EDU_COPY, \
		struct drm_dxgkpm_edu_copy)

#endif /* _DXGKPM_DRM_EDU_UAPI_H */
