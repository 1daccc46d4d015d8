// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * A minimal driver for QEMU's edu PCI device (1234:11e8), so that the KUnit
 * suites can make a real device DMA through the IOMMU into and out of
 * memory that dxgkpm mapped for it.
 *
 * The registers are in samples/edu/edu_hw.h, shared with the sample
 * driver. QEMU up to 8.0 (Debian 12 has 7.2) stops the whole machine with
 * "EDU: DMA range ... out of bounds" when a transfer reaches the last byte
 * of the device's buffer, so transfers here end before it, and
 * dxgkpm_edu_copy() moves memory in chunks of half the buffer.
 */

#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "edu.h"

/* Driver registration is shared by every suite that uses the devices. */
static DEFINE_MUTEX(dxgkpm_edu_users_lock);
static unsigned int dxgkpm_edu_users;

/* Bound devices; taken inside probe and remove, so never around them. */
static DEFINE_MUTEX(dxgkpm_edu_slots_lock);
static struct dxgkpm_edu *dxgkpm_edu_slots[DXGKPM_EDU_MAX];

static int dxgkpm_edu_take_slot(struct dxgkpm_edu *edu)
{
	unsigned int i;
	int ret = -EBUSY;

	mutex_lock(&dxgkpm_edu_slots_lock);
	for (i = 0; i < DXGKPM_EDU_MAX; i++) {
		if (!dxgkpm_edu_slots[i]) {
			dxgkpm_edu_slots[i] = edu;
			edu->index = i;
			ret = 0;
			break;
		}
	}
	mutex_unlock(&dxgkpm_edu_slots_lock);
	return ret;
}

static void dxgkpm_edu_drop_slot(struct dxgkpm_edu *edu)
{
	mutex_lock(&dxgkpm_edu_slots_lock);
	dxgkpm_edu_slots[edu->index] = NULL;
	mutex_unlock(&dxgkpm_edu_slots_lock);
}

static int dxgkpm_edu_probe(struct pci_dev *pdev,
			    const struct pci_device_id *id)
{
	struct dxgkpm_edu *edu;
	u32 ident;
	int ret;

	edu = kzalloc(sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	edu->pdev = pdev;
	mutex_init(&edu->lock);

	ret = pci_enable_device(pdev);
	if (ret)
		goto err_free;
	ret = pci_request_region(pdev, 0, KBUILD_MODNAME);
	if (ret)
		goto err_disable;
	edu->regs = pci_iomap(pdev, 0, 0);
	if (!edu->regs) {
		ret = -ENOMEM;
		goto err_release;
	}
	if (!edu_is_alive(edu->regs)) {
		ident = readl(edu->regs + EDU_REG_IDENT);
		dev_err(&pdev->dev, "not an edu device: ident %#x\n", ident);
		ret = -ENODEV;
		goto err_unmap;
	}
	ret = dma_set_mask_and_coherent(&pdev->dev,
					EDU_DMA_MASK);
	if (ret)
		goto err_unmap;
	ret = dxgkpm_edu_take_slot(edu);
	if (ret) {
		dev_info(&pdev->dev, "more than %u edu devices, not used\n",
			 DXGKPM_EDU_MAX);
		goto err_unmap;
	}
	pci_set_master(pdev);
	pci_set_drvdata(pdev, edu);
	dev_info(&pdev->dev, "edu device %u for the dxgkpm KUnit suites\n",
		 edu->index);
	return 0;

err_unmap:
	pci_iounmap(pdev, edu->regs);
err_release:
	pci_release_region(pdev, 0);
err_disable:
	pci_disable_device(pdev);
err_free:
	mutex_destroy(&edu->lock);
	kfree(edu);
	return ret;
}

static void dxgkpm_edu_remove(struct pci_dev *pdev)
{
	struct dxgkpm_edu *edu = pci_get_drvdata(pdev);

	dxgkpm_edu_drop_slot(edu);
	/* No transfer can reach memory once bus mastering is off. */
	pci_clear_master(pdev);
	pci_iounmap(pdev, edu->regs);
	pci_release_region(pdev, 0);
	pci_disable_device(pdev);
	mutex_destroy(&edu->lock);
	kfree(edu);
}

static const struct pci_device_id dxgkpm_edu_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR_ID, EDU_DEVICE_ID) },
	{ }
};

static struct pci_driver dxgkpm_edu_driver = {
	.name = "dxgkpm-kunit-edu",
	.id_table = dxgkpm_edu_ids,
	.probe = dxgkpm_edu_probe,
	.remove = dxgkpm_edu_remove,
};

/**
 * dxgkpm_edu_register() - bind the edu devices for the KUnit suites
 *
 * Registers the driver on the first call; later calls only count, so that
 * suites can nest. Each successful call must be paired with
 * dxgkpm_edu_unregister(). A machine without edu devices is not an error:
 * dxgkpm_edu_get() then returns NULL.
 *
 * Context: process context, may sleep.
 * Return: 0 or the error of pci_register_driver().
 */
int dxgkpm_edu_register(void)
{
	int ret = 0;

	mutex_lock(&dxgkpm_edu_users_lock);
	if (!dxgkpm_edu_users)
		ret = pci_register_driver(&dxgkpm_edu_driver);
	if (!ret)
		dxgkpm_edu_users++;
	mutex_unlock(&dxgkpm_edu_users_lock);
	return ret;
}

/**
 * dxgkpm_edu_unregister() - release the edu devices
 *
 * The last call unregisters the driver, which unbinds every device; with
 * CONFIG_DMA_API_DEBUG, mappings still alive on a device are reported then.
 * Devices from dxgkpm_edu_get() must not be used afterwards.
 *
 * Context: process context, may sleep.
 */
void dxgkpm_edu_unregister(void)
{
	mutex_lock(&dxgkpm_edu_users_lock);
	if (!WARN_ON(!dxgkpm_edu_users) && !--dxgkpm_edu_users)
		pci_unregister_driver(&dxgkpm_edu_driver);
	mutex_unlock(&dxgkpm_edu_users_lock);
}

/**
 * dxgkpm_edu_get() - a bound edu device
 * @index: which one, in PCI bus order, from 0
 *
 * Context: process context, between dxgkpm_edu_register() and
 * dxgkpm_edu_unregister().
 * Return: the device, or NULL if the machine has no such device (the test
 * then fails, saying so).
 */
struct dxgkpm_edu *dxgkpm_edu_get(unsigned int index)
{
	struct dxgkpm_edu *edu = NULL;

	if (index >= DXGKPM_EDU_MAX)
		return NULL;
	mutex_lock(&dxgkpm_edu_slots_lock);
	edu = dxgkpm_edu_slots[index];
	mutex_unlock(&dxgkpm_edu_slots_lock);
	return edu;
}

/*
 * Run one transfer between the device buffer and a bus address and wait for
 * it. A transfer the device would refuse (QEMU aborts or ignores it) is
 * refused here instead.
 */
static int dxgkpm_edu_dma(struct dxgkpm_edu *edu, size_t buf_offset,
			  dma_addr_t addr, size_t len, bool to_ram)
{
	int ret;

	if (!edu || !len || buf_offset >= EDU_BUFFER_SIZE ||
	    len >= EDU_BUFFER_SIZE - buf_offset)
		return -EINVAL;
	/* The device masks addresses to its DMA width. */
	if (addr > EDU_DMA_MASK ||
	    len - 1 > EDU_DMA_MASK - addr)
		return -EINVAL;

	mutex_lock(&edu->lock);
	/* A transfer that timed out earlier may still be running. */
	if (readq(edu->regs + EDU_REG_DMA_CMD) & EDU_DMA_CMD_RUN) {
		ret = -EBUSY;
		goto out_unlock;
	}
	ret = edu_dma(edu->regs, addr, buf_offset, len, to_ram);
	if (ret == -ETIMEDOUT)
		dev_err(&edu->pdev->dev, "DMA of %zu bytes %s %pad timed out\n",
			len, to_ram ? "to" : "from", &addr);
out_unlock:
	mutex_unlock(&edu->lock);
	return ret;
}

/**
 * dxgkpm_edu_dma_to_buf() - copy memory into the device's buffer by DMA
 * @edu: device from dxgkpm_edu_get()
 * @buf_offset: where in the device's buffer the copy lands
 * @src: bus address of the source, as mapped for @edu's device
 * @len: bytes; @buf_offset + @len must be below EDU_BUFFER_SIZE (the
 *	transfer must not reach the buffer's last byte, see above)
 *
 * The device reads @len bytes at @src (through the IOMMU, if there is one);
 * this returns once it is done. Memory the CPU wrote before the call is
 * what the device reads.
 *
 * Context: process context, may sleep (about 100 ms).
 * Return: 0; -EINVAL for a range outside the buffer or an address beyond
 * the device's DMA width; -EBUSY if an earlier transfer is still running;
 * -ETIMEDOUT if the transfer did not complete within several seconds.
 */
int dxgkpm_edu_dma_to_buf(struct dxgkpm_edu *edu, size_t buf_offset,
			  dma_addr_t src, size_t len)
{
	return dxgkpm_edu_dma(edu, buf_offset, src, len, false);
}

/**
 * dxgkpm_edu_dma_from_buf() - copy the device's buffer into memory by DMA
 * @edu: device from dxgkpm_edu_get()
 * @buf_offset: where in the device's buffer the copy starts
 * @dst: bus address of the destination, as mapped for @edu's device
 * @len: bytes; @buf_offset + @len must be below EDU_BUFFER_SIZE
 *
 * The device writes @len bytes at @dst (through the IOMMU, if there is
 * one); this returns once it is done, and the CPU then reads what the
 * device wrote.
 *
 * Context: process context, may sleep (about 100 ms).
 * Return: as dxgkpm_edu_dma_to_buf().
 */
int dxgkpm_edu_dma_from_buf(struct dxgkpm_edu *edu, size_t buf_offset,
			    dma_addr_t dst, size_t len)
{
	return dxgkpm_edu_dma(edu, buf_offset, dst, len, true);
}

/**
 * dxgkpm_edu_copy() - copy memory to memory by DMA through the device
 * @edu: device from dxgkpm_edu_get()
 * @dst: bus address of the destination, as mapped for @edu's device
 * @src: bus address of the source, as mapped for @edu's device
 * @len: bytes, any non-zero length
 *
 * The device reads @src into its buffer and writes it out at @dst, in
 * chunks of EDU_DMA_CHUNK bytes (two transfers of ~100 ms each per
 * chunk). The ranges must not overlap.
 *
 * Context: process context, may sleep.
 * Return: 0 or the first error of dxgkpm_edu_dma_to_buf() or
 * dxgkpm_edu_dma_from_buf(); on error, part of @dst may have been written.
 */
int dxgkpm_edu_copy(struct dxgkpm_edu *edu, dma_addr_t dst, dma_addr_t src,
		    size_t len)
{
	size_t done, chunk;
	int ret;

	if (!len)
		return -EINVAL;
	for (done = 0; done < len; done += chunk) {
		chunk = min_t(size_t, len - done, EDU_DMA_CHUNK);
		ret = dxgkpm_edu_dma_to_buf(edu, 0, src + done, chunk);
		if (ret)
			return ret;
		ret = dxgkpm_edu_dma_from_buf(edu, 0, dst + done, chunk);
		if (ret)
			return ret;
	}
	return 0;
}
