// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * What each adapter holds, in debugfs: dxgkpm/objects has a section per
 * registered adapter, "adapter <device>", listing every live object the
 * adapter created or has open, one line each, then a line of its totals.
 * One file made at load, not files per adapter: registering an adapter
 * allocates nothing for debugfs, so it cannot half fail. The format is
 * documented in Documentation/dxgkpm.rst ("debugfs") and read by the VM
 * tests.
 */

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "internal.h"

/* Take references to the adapter's objects: those it created or has open. */
static unsigned int dxgkpm_debugfs_collect(struct dxgkpm_adapter *adapter,
					   struct dxgkpm_pmo **pmos,
					   unsigned int max)
{
	struct dxgkpm_amo *amo;
	struct dxgkpm_pmo *pmo;
	unsigned int n = 0;

	mutex_lock(&adapter->lock);
	list_for_each_entry(pmo, &adapter->pmos, owner_node) {
		if (n == max)
			break;
		dxgkpm_pmo_get(pmo);
		pmos[n++] = pmo;
	}
	list_for_each_entry(amo, &adapter->amos, adapter_node) {
		if (n == max)
			break;
		if (amo->pmo->owner == adapter)
			continue;	/* listed above */
		dxgkpm_pmo_get(amo->pmo);
		pmos[n++] = amo->pmo;
	}
	mutex_unlock(&adapter->lock);
	return n;
}

static unsigned int dxgkpm_debugfs_count(struct dxgkpm_adapter *adapter)
{
	struct list_head *pos;
	unsigned int n = 0;

	mutex_lock(&adapter->lock);
	list_for_each(pos, &adapter->pmos)
		n++;
	list_for_each(pos, &adapter->amos)
		n++;
	mutex_unlock(&adapter->lock);
	return n;
}

static int dxgkpm_adapter_show(struct seq_file *m,
			       struct dxgkpm_adapter *adapter)
{
	unsigned long bytes = 0, adls = 0, kviews = 0, uviews = 0;
	unsigned int i, n, max, live = 0;
	struct dxgkpm_pmo **pmos;
	struct list_head *pos;
	struct dxgkpm_pmo *pmo;
	unsigned int nk, nu;

	max = dxgkpm_debugfs_count(adapter);
	pmos = kvmalloc_array(max ?: 1, sizeof(*pmos), GFP_KERNEL);
	if (!pmos)
		return -ENOMEM;
	n = dxgkpm_debugfs_collect(adapter, pmos, max);
	seq_printf(m, "adapter %s\n", dev_name(adapter->dma.dev));
	for (i = 0; i < n; i++) {
		pmo = pmos[i];
		mutex_lock(&pmo->lock);
		if (pmo->destroyed) {
			mutex_unlock(&pmo->lock);
			continue;
		}
		nk = 0;
		list_for_each(pos, &pmo->kviews)
			nk++;
		nu = 0;
		list_for_each(pos, &pmo->uviews)
			nu++;
		seq_printf(m, "handle=%#llx type=%s caching=%s size=%zu open=%s adls=%u kviews=%u uviews=%u exports=%d context=%#lx creator=%pS\n",
			   pmo->obj.handle, dxgkpm_type_name(pmo->mem.type),
			   dxgkpm_caching_name(pmo->mem.caching), pmo->mem.size,
			   pmo->amo ? dev_name(pmo->amo->adapter->dma.dev) : "-",
			   pmo->nr_adls, nk, nu,
			   atomic_read(&pmo->nr_exports), pmo->context,
			   (void *)pmo->creator);
		live++;
		bytes += pmo->mem.size;
		adls += pmo->nr_adls;
		kviews += nk;
		uviews += nu;
		mutex_unlock(&pmo->lock);
	}
	for (i = 0; i < n; i++)
		dxgkpm_pmo_put(pmos[i]);
	kvfree(pmos);
	seq_printf(m, "total objects=%u bytes=%lu adls=%lu kviews=%lu uviews=%lu\n",
		   live, bytes, adls, kviews, uviews);
	return 0;
}

static int dxgkpm_objects_show(struct seq_file *m, void *unused)
{
	struct dxgkpm_adapter **adapters;
	unsigned int i, n, max;
	int ret = 0;

	max = dxgkpm_adapters_get(NULL, 0);
	adapters = kvmalloc_array(max ?: 1, sizeof(*adapters), GFP_KERNEL);
	if (!adapters)
		return -ENOMEM;
	n = min(dxgkpm_adapters_get(adapters, max), max);
	for (i = 0; i < n; i++) {
		if (!ret)
			ret = dxgkpm_adapter_show(m, adapters[i]);
		dxgkpm_adapter_put(adapters[i]);
	}
	kvfree(adapters);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(dxgkpm_objects);

/**
 * dxgkpm_debugfs_objects_init() - the objects file
 * @root: dxgkpm's debugfs directory
 *
 * As everywhere in debugfs, a failure only leaves the file out.
 */
void dxgkpm_debugfs_objects_init(struct dentry *root)
{
	debugfs_create_file("objects", 0400, root, NULL, &dxgkpm_objects_fops);
}
