/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * QEMU's edu PCI device (1234:11e8) as a DMA master for the KUnit suites.
 *
 * The KUnit machine (dxgkpm/tests/qemu_x86_64.py) has two of them behind an
 * emulated Intel IOMMU. A suite registers the driver in its suite_init,
 * takes the devices it needs with dxgkpm_edu_get() (failing the test when
 * one is missing) and unregisters the driver in its suite_exit, so that
 * CONFIG_DMA_API_DEBUG checks for mappings left on the devices at unbind.
 */
#ifndef _DXGKPM_KUNIT_EDU_H
#define _DXGKPM_KUNIT_EDU_H

#include <linux/mutex.h>
#include <linux/types.h>

#include "edu_hw.h"	/* the device's registers, shared with the sample */

struct pci_dev;

/* Devices handed out, in probe (PCI bus) order. */
#define DXGKPM_EDU_MAX		2

/**
 * struct dxgkpm_edu - a bound edu device
 * @pdev: the PCI device; &pdev->dev is what a test registers as an adapter.
 *	Its DMA mask is EDU_DMA_MASK.
 * @regs: BAR0, the device's registers.
 * @index: position in probe order, below DXGKPM_EDU_MAX.
 * @lock: serialises use of the DMA engine.
 */
struct dxgkpm_edu {
	struct pci_dev *pdev;
	void __iomem *regs;
	unsigned int index;
	struct mutex lock;	/* the DMA engine */
};

int dxgkpm_edu_register(void);
void dxgkpm_edu_unregister(void);
struct dxgkpm_edu *dxgkpm_edu_get(unsigned int index);
int dxgkpm_edu_dma_to_buf(struct dxgkpm_edu *edu, size_t buf_offset,
			  dma_addr_t src, size_t len);
int dxgkpm_edu_dma_from_buf(struct dxgkpm_edu *edu, size_t buf_offset,
			    dma_addr_t dst, size_t len);
int dxgkpm_edu_copy(struct dxgkpm_edu *edu, dma_addr_t dst, dma_addr_t src,
		    size_t len);

#endif /* _DXGKPM_KUNIT_EDU_H */
