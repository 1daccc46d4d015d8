/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * dxgkpm_edu: shared state of the sample driver's parts.
 */
#ifndef _DXGKPM_EDU_H
#define _DXGKPM_EDU_H

#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/pci.h>

#include <dxgkpm/d3dkmddi.h>
#include <dxgkpm/dxgkpm.h>

/**
 * struct edu_gpu - one bound edu device
 * @pdev: the device
 * @bar: BAR0, the registers
 * @adapter: dxgkpm's adapter for the device
 * @DxgkInterface: the DXGK callbacks, as a Windows driver keeps them
 * @IommuCaps: what the platform gives the device: without
 *	DmaRemappingSupported the driver must keep its memory within
 *	@dma_bits itself
 * @dma_bits: the device's DMA address width
 * @dma_lock: the device has one DMA engine
 * @index: N in the device name
 * @misc: /dev/dxgkpm_eduN
 * @name: storage for @misc's name
 * @files: open files of @misc (struct edu_file, edu_ioctl.c), under its
 *	lock
 */
struct edu_gpu {
	struct pci_dev *pdev;
	void __iomem *bar;
	struct dxgkpm_adapter *adapter;
	DXGKRNL_INTERFACE DxgkInterface;
	DXGK_IOMMU_CAPS IommuCaps;
	unsigned int dma_bits;
	struct mutex dma_lock;	/* one DMA engine */
	int index;
	struct miscdevice misc;
	char name[32];
	struct list_head files;
};

/* The highest physical address the driver may ask memory for. */
static inline u64 edu_reach(const struct edu_gpu *gpu)
{
	return gpu->IommuCaps.DmaRemappingSupported ? U64_MAX :
						      DMA_BIT_MASK(gpu->dma_bits);
}

int edu_copy_adl(struct edu_gpu *gpu, const DXGK_ADL *src, u32 src_page,
		 const DXGK_ADL *dst, u32 dst_page, u32 pages);
void edu_demo(struct edu_gpu *gpu);
int edu_chardev_register(struct edu_gpu *gpu, unsigned int index);
void edu_chardev_unregister(struct edu_gpu *gpu);

#endif /* _DXGKPM_EDU_H */
