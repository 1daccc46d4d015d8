// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dxgkpm_edu: a sample GPU driver for QEMU's edu device that gets its system
 * memory through the DXGK physical memory object callbacks, the way a
 * Windows display miniport does.
 *
 * At probe it registers the device with dxgkpm, takes the DXGKRNL_INTERFACE
 * (what DxgkDdiStartDevice receives on Windows), runs the demo (edu_demo.c)
 * and offers /dev/dxgkpm_eduN (edu_ioctl.c), through which the VM test
 * program has it create, map and DMA objects in the program's own process.
 */

#include <linux/idr.h>
#include <linux/module.h>
#include <linux/pci.h>

#include "edu.h"
#include "edu_hw.h"

static bool demo = true;
module_param(demo, bool, 0444);
MODULE_PARM_DESC(demo, "Run the DMA demo when a device is bound (default: true)");

/* QEMU's edu takes dma_mask=; the device cannot tell, so the driver is told. */
static unsigned int dma_bits[8];
static int dma_bits_count;
module_param_array(dma_bits, uint, &dma_bits_count, 0444);
MODULE_PARM_DESC(dma_bits, "DMA address bits of each device, in bind order (default: 28 each)");

static unsigned int edu_dma_bits(unsigned int index)
{
	if (index < dma_bits_count && dma_bits[index] >= 12 &&
	    dma_bits[index] <= 64)
		return dma_bits[index];
	return EDU_DMA_BITS;
}

static DEFINE_IDA(edu_ida);

static void edu_ida_free(void *index)
{
	ida_free(&edu_ida, (uintptr_t)index);
}

static void edu_chardev_remove(void *gpu)
{
	edu_chardev_unregister(gpu);
}

/*
 * Everything is device-managed, dxgkpm's adapter included: on unbind the
 * character device goes first (destroying what its files made), then the
 * adapter (dxgkpm tears down what the driver left), then the rest.
 */
static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct edu_gpu *gpu;
	int ret, index;

	gpu = devm_kzalloc(dev, sizeof(*gpu), GFP_KERNEL);
	if (!gpu)
		return -ENOMEM;
	gpu->pdev = pdev;
	mutex_init(&gpu->dma_lock);
	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	gpu->bar = pcim_iomap(pdev, 0, 0);
	if (!gpu->bar)
		return -ENOMEM;
	if (!edu_is_alive(gpu->bar))
		return dev_err_probe(dev, -ENODEV, "not an edu device\n");
	index = ida_alloc(&edu_ida, GFP_KERNEL);
	if (index < 0)
		return index;
	ret = devm_add_action_or_reset(dev, edu_ida_free,
				       (void *)(uintptr_t)index);
	if (ret)
		return ret;
	gpu->index = index;
	gpu->dma_bits = edu_dma_bits(index);
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(gpu->dma_bits));
	if (ret)
		return dev_err_probe(dev, ret, "cannot set the DMA mask\n");

	gpu->adapter = devm_dxgkpm_register_adapter(dev);
	if (IS_ERR(gpu->adapter))
		return dev_err_probe(dev, PTR_ERR(gpu->adapter),
				     "cannot register with dxgkpm\n");
	gpu->DxgkInterface.Size = sizeof(gpu->DxgkInterface);
	gpu->DxgkInterface.Version = DXGKDDI_INTERFACE_VERSION_WDDM2_9;
	ret = dxgkpm_query_interface(gpu->adapter, &gpu->DxgkInterface);
	if (ret)
		return dev_err_probe(dev, ret, "no DXGK interface\n");
	/* As DxgkDdiQueryAdapterInfo(DXGKQAITYPE_IOMMU_CAPS) would learn it. */
	ret = dxgkpm_query_iommu_caps(gpu->adapter, &gpu->IommuCaps);
	if (ret)
		return ret;
	ret = edu_chardev_register(gpu, index);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(dev, edu_chardev_remove, gpu);
	if (ret)
		return ret;
	pci_set_drvdata(pdev, gpu);
	if (demo)
		edu_demo(gpu);
	return 0;
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR_ID, EDU_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name = "dxgkpm_edu",
	.id_table = edu_ids,
	.probe = edu_probe,
};
module_pci_driver(edu_driver);

MODULE_DESCRIPTION("Sample GPU driver for QEMU's edu device using dxgkpm");
MODULE_LICENSE("Dual MIT/GPL");
