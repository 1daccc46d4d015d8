// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * DXGKPM_MEM_IO_SPACE (DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE): a page-aligned
 * range of one memory BAR of the adapter's own PCI device. Nothing is
 * allocated. The range is checked against the BARs so that no caller can
 * wrap arbitrary physical memory; ADLs go through dma_map_resource() (or the
 * shared domain of linked adapters), never the raw bus address, and only
 * kernel-mode views exist, ioremap()ed with the object's cache type.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "mem/mem.h"

/* The memory BAR of @pdev that holds [start, start + len), or -1. */
static int dxgkpm_find_bar(struct pci_dev *pdev, phys_addr_t start,
			   phys_addr_t len)
{
	int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		struct resource *res = &pdev->resource[bar];

		if (!(resource_type(res) & IORESOURCE_MEM) || !res->start ||
		    !resource_size(res))
			continue;
		if (start >= res->start && len <= resource_size(res) &&
		    start - res->start <= resource_size(res) - len)
			return bar;
	}
	return -1;
}

static int dxgkpm_mem_io_init(struct dxgkpm_mem *mem,
			      struct device *dev,
			      const struct dxgkpm_pmo_desc *desc)
{
	phys_addr_t len = (phys_addr_t)mem->npages << PAGE_SHIFT;
	struct pci_dev *pdev;
	int bar;

	/* Only a range the adapter's own device decodes can be wrapped. */
	if (!dev || !dev_is_pci(dev))
		return -EINVAL;
	if (!PAGE_ALIGNED(desc->io.base))
		return -EINVAL;
	pdev = to_pci_dev(dev);
	bar = dxgkpm_find_bar(pdev, desc->io.base, len);
	if (bar < 0)
		return -EINVAL;
	/* Registers are never cached, and only prefetchable BARs combine. */
	if (mem->caching == DXGKPM_CACHING_CACHED ||
	    (mem->caching == DXGKPM_CACHING_WC &&
	     !(pci_resource_flags(pdev, bar) & IORESOURCE_PREFETCH)))
		return -EINVAL;
	mem->io_base = desc->io.base;
	mem->zeroed = true;	/* nothing was allocated: nothing stale */
	return 0;
}

static void dxgkpm_mem_io_release(struct dxgkpm_mem *mem)
{
}

/* An ADL's range of the BAR, mapped for its adapter's device(s). */
static int dxgkpm_mem_io_adl_map(struct dxgkpm_mem *mem,
				 struct dxgkpm_dma_dev *ddev, pgoff_t first,
				 u32 count, unsigned long **pnp,
				 bool *contiguous, void **priv)
{
	unsigned long *pn;
	dma_addr_t base;
	pgoff_t i;
	int ret;

	pn = kvmalloc_array(count, sizeof(*pn), GFP_KERNEL);
	if (!pn)
		return -ENOMEM;
	ret = dxgkpm_space_map_resource(ddev, mem->io_base + PFN_PHYS(first),
					(size_t)count << PAGE_SHIFT, &base);
	if (ret) {
		kvfree(pn);
		return ret;
	}
	for (i = 0; i < count; i++)
		pn[i] = PHYS_PFN(base) + i;
	*priv = pn;
	*pnp = pn;
	*contiguous = true;
	return 0;
}

static void dxgkpm_mem_io_adl_unmap(struct dxgkpm_mem *mem,
				    struct dxgkpm_dma_dev *ddev, u32 count,
				    void *priv)
{
	unsigned long *pn = priv;

	dxgkpm_space_unmap_resource(ddev, PFN_PHYS(pn[0]),
				    (size_t)count << PAGE_SHIFT);
	kvfree(pn);
}

/*
 * The view is MMIO: callers access it with readl()/writel() and friends.
 * dxgkpm keeps it as a plain pointer only to hand it through the DXGK
 * interface, whose pMappedAddress has no address space.
 */
static void *dxgkpm_mem_io_vmap(struct dxgkpm_mem *mem, pgoff_t first,
				pgoff_t count, void **priv)
{
	phys_addr_t start = mem->io_base + ((phys_addr_t)first << PAGE_SHIFT);
	size_t len = (size_t)count << PAGE_SHIFT;
	void __iomem *io;

	if (mem->caching == DXGKPM_CACHING_WC)
		io = ioremap_wc(start, len);
	else
		io = ioremap(start, len);
	return (void __force *)io;
}

static void dxgkpm_mem_io_vunmap(struct dxgkpm_mem *mem, void *vaddr,
				 pgoff_t count, void *priv)
{
	iounmap((void __iomem __force *)vaddr);
}

const struct dxgkpm_mem_ops dxgkpm_mem_io_ops = {
	.name = "io-space",
	.init = dxgkpm_mem_io_init,
	.release = dxgkpm_mem_io_release,
	.adl_map = dxgkpm_mem_io_adl_map,
	.adl_unmap = dxgkpm_mem_io_adl_unmap,
	.vmap = dxgkpm_mem_io_vmap,
	.vunmap = dxgkpm_mem_io_vunmap,
};
