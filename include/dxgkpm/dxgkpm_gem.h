/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * dxgkpm GEM helper: GEM objects backed by physical memory objects, for
 * DRM drivers (module dxgkpm_gem).
 *
 * A driver registers its device with drmm_dxgkpm_register_adapter(), puts
 * DXGKPM_GEM_DRIVER_OPS in its &drm_driver and DEFINE_DRM_GEM_FOPS() as its
 * file operations, and creates buffer objects with
 * dxgkpm_gem_create_with_handle(). mmap, vmap, PRIME export (a dxgkpm
 * dma-buf, with the object's cache type) and PRIME import (any dma-buf,
 * mapped for the driver's device) then work as with DRM's own helpers.
 */
#ifndef _DXGKPM_DXGKPM_GEM_H
#define _DXGKPM_DXGKPM_GEM_H

#include <linux/mutex.h>
#include <linux/types.h>

#include <drm/drm_gem.h>
#include <drm/drm_prime.h>

#include <dxgkpm/dxgkpm.h>

struct dma_buf;
struct drm_device;
struct drm_file;
struct drm_mode_create_dumb;

/**
 * struct dxgkpm_gem_object - a GEM object backed by dxgkpm memory
 * @base: the GEM object
 * @adapter: the adapter of the device (reference held)
 * @type: backing store, for created objects
 * @caching: CPU cache type of every mapping
 * @pmo: the physical memory object, for objects the driver created
 * @amo: @pmo opened for @adapter
 * @import: for imported objects, the dma-buf mapped for @adapter's device
 * @import_buf: for imported objects, the dma-buf (reference held)
 * @lock: protects @pin_count, @adl, @vmap_count and @vaddr
 * @pin_count: users of the device addresses
 * @adl: while pinned, the device addresses of @pmo
 * @vmap_count: users of @vaddr
 * @vaddr: while vmapped, the kernel mapping of @pmo
 */
struct dxgkpm_gem_object {
	struct drm_gem_object base;
	struct dxgkpm_adapter *adapter;
	enum dxgkpm_mem_type type;
	enum dxgkpm_caching caching;
	struct dxgkpm_pmo *pmo;
	struct dxgkpm_amo *amo;
	struct dxgkpm_import *import;
	struct dma_buf *import_buf;
	struct mutex lock;	/* see above */
	unsigned int pin_count;
	struct dxgkpm_adl *adl;
	unsigned int vmap_count;
	void *vaddr;
};

#define to_dxgkpm_gem(obj) container_of(obj, struct dxgkpm_gem_object, base)

struct dxgkpm_adapter *drmm_dxgkpm_register_adapter(struct drm_device *drm);

struct dxgkpm_gem_object *dxgkpm_gem_create(struct drm_device *drm,
					    const struct dxgkpm_pmo_desc *desc);
int dxgkpm_gem_create_with_handle(struct drm_file *file,
				  struct drm_device *drm,
				  const struct dxgkpm_pmo_desc *desc,
				  u32 *handle);
struct dxgkpm_gem_object *dxgkpm_gem_lookup(struct drm_file *file,
					    u32 handle);
bool dxgkpm_gem_is_imported(const struct dxgkpm_gem_object *bo);

int dxgkpm_gem_pin(struct dxgkpm_gem_object *bo);
void dxgkpm_gem_unpin(struct dxgkpm_gem_object *bo);
dma_addr_t dxgkpm_gem_dma_address(struct dxgkpm_gem_object *bo,
				  pgoff_t page);

int dxgkpm_gem_dumb_create(struct drm_file *file, struct drm_device *drm,
			   struct drm_mode_create_dumb *args);
struct drm_gem_object *dxgkpm_gem_prime_import(struct drm_device *drm,
					       struct dma_buf *buf);

/**
 * DXGKPM_GEM_DRIVER_OPS - the GEM operations of a &drm_driver that uses
 *	dxgkpm memory
 *
 * PRIME in both directions (Linux 6.1 needs the handle/fd conversions set;
 * later kernels use the same functions by default) and dumb buffers, which
 * are write-combined MDL objects.
 */
#define DXGKPM_GEM_DRIVER_OPS \
	.prime_handle_to_fd	= drm_gem_prime_handle_to_fd, \
	.prime_fd_to_handle	= drm_gem_prime_fd_to_handle, \
	.gem_prime_import	= dxgkpm_gem_prime_import, \
	.dumb_create		= dxgkpm_gem_dumb_create

#endif /* _DXGKPM_DXGKPM_GEM_H */
