/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * QEMU's "edu" educational PCI device (1234:11e8): the registers of its DMA
 * engine, shared by the sample driver and the KUnit suites.
 *
 * The engine copies between a device address and a 4 KiB buffer inside the
 * device. It drops the bits of a device address above its DMA mask (28 bits
 * unless QEMU is told otherwise), so without an IOMMU it can only reach the
 * first 256 MiB of RAM.
 */
#ifndef _DXGKPM_EDU_HW_H
#define _DXGKPM_EDU_HW_H

#include <linux/bits.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/types.h>
#include <asm/page.h>

#define EDU_VENDOR_ID		0x1234
#define EDU_DEVICE_ID		0x11e8

#define EDU_REG_IDENT		0x00
#define EDU_IDENT_MASK		0x000000ff
#define EDU_IDENT_VALUE		0x000000ed
#define EDU_REG_LIVENESS	0x04
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_CMD		0x98
#define EDU_DMA_CMD_RUN		BIT(0)
#define EDU_DMA_CMD_TO_RAM	BIT(1)

#define EDU_BUFFER_ADDR		0x40000
#define EDU_BUFFER_SIZE		4096
#define EDU_DMA_BITS		28
/* What a device of EDU_DMA_BITS reaches. */
#define EDU_DMA_MASK		DMA_BIT_MASK(EDU_DMA_BITS)

/*
 * Largest transfer used: QEMU (7.2 at least) refuses, with a fatal
 * "hardware error" that ends the VM, any transfer that reaches the last byte
 * of the device buffer, so a page is moved in two halves.
 */
#define EDU_DMA_CHUNK		(EDU_BUFFER_SIZE / 2)

/* A transfer completes about 100 ms of guest time after it is started. */
#define EDU_DMA_TIMEOUT_US	(5 * USEC_PER_SEC)

/**
 * edu_is_alive() - check that BAR0 is an edu device that answers
 * @bar: mapped BAR0
 *
 * Return: true if the ident register and the liveness register behave.
 */
static inline bool edu_is_alive(void __iomem *bar)
{
	u32 probe = 0x5a5a1234;

	if ((readl(bar + EDU_REG_IDENT) & EDU_IDENT_MASK) != EDU_IDENT_VALUE)
		return false;
	writel(probe, bar + EDU_REG_LIVENESS);
	return readl(bar + EDU_REG_LIVENESS) == ~probe;
}

/**
 * edu_dma() - run one transfer and wait for it
 * @bar: mapped BAR0
 * @ram: device address of system memory (what the DMA API or an ADL gave)
 * @offset: byte offset inside the device buffer
 * @len: bytes, with @offset + @len below EDU_BUFFER_SIZE (see
 *	EDU_DMA_CHUNK)
 * @to_ram: true to copy the device buffer to @ram, false for the opposite
 *
 * Return: 0, -EINVAL for a range QEMU would refuse, -ETIMEDOUT if the engine
 * did not finish.
 */
static inline int edu_dma(void __iomem *bar, dma_addr_t ram, u32 offset,
			  u32 len, bool to_ram)
{
	u64 cmd;

	if (!len || offset >= EDU_BUFFER_SIZE || len >= EDU_BUFFER_SIZE - offset)
		return -EINVAL;
	writeq(to_ram ? EDU_BUFFER_ADDR + offset : ram, bar + EDU_REG_DMA_SRC);
	writeq(to_ram ? ram : EDU_BUFFER_ADDR + offset, bar + EDU_REG_DMA_DST);
	writeq(len, bar + EDU_REG_DMA_COUNT);
	writeq(EDU_DMA_CMD_RUN | (to_ram ? EDU_DMA_CMD_TO_RAM : 0),
	       bar + EDU_REG_DMA_CMD);
	return readq_poll_timeout(bar + EDU_REG_DMA_CMD, cmd,
				  !(cmd & EDU_DMA_CMD_RUN), 1000,
				  EDU_DMA_TIMEOUT_US);
}

/**
 * edu_copy_page() - have the device copy one page of memory to another
 * @bar: mapped BAR0
 * @to: device address of the destination page
 * @from: device address of the source page
 *
 * The page goes source -> device buffer -> destination, in halves (see
 * EDU_DMA_CHUNK). The caller keeps other users off the DMA engine.
 *
 * Return: 0 or the first error of edu_dma().
 */
static inline int edu_copy_page(void __iomem *bar, dma_addr_t to,
				dma_addr_t from)
{
	unsigned long off;
	int ret;

	for (off = 0; off < PAGE_SIZE; off += EDU_DMA_CHUNK) {
		ret = edu_dma(bar, from + off, 0, EDU_DMA_CHUNK, false);
		if (ret)
			return ret;
		ret = edu_dma(bar, to + off, 0, EDU_DMA_CHUNK, true);
		if (ret)
			return ret;
	}
	return 0;
}

#endif /* _DXGKPM_EDU_HW_H */
