// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dxgkpm: the WDDM Dxgkrnl "physical memory object" service for Linux GPU
 * drivers. Module entry and exit.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "internal.h"

static int __init dxgkpm_init(void)
{
	int ret = dxgkpm_pool_init();

	if (ret)
		return ret;
	dxgkpm_debugfs_init();
	return 0;
}

static void __exit dxgkpm_exit(void)
{
	dxgkpm_adapters_exit();
	dxgkpm_pmos_exit();
	dxgkpm_debugfs_exit();
	/* Every object is gone: its pooled pages go back to the system. */
	dxgkpm_pool_exit();
	dxgkpm_handles_exit();
	if (!dxgkpm_stats_idle())
		pr_err("unloading with memory still referenced (see leak reports above)\n");
}

module_init(dxgkpm_init);
module_exit(dxgkpm_exit);

MODULE_DESCRIPTION("WDDM physical memory object service for GPU drivers");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_VERSION("0.7");
