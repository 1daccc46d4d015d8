// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Live counts of everything dxgkpm holds, for leak checks (tests read them
 * directly, the VM tests through debugfs) and for anyone curious.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "internal.h"

struct dxgkpm_stats dxgkpm_stats;

static struct dentry *dxgkpm_debugfs_root;

#define DXGKPM_STAT(name) { #name, &dxgkpm_stats.name }

static const struct {
	const char *name;
	atomic_long_t *value;
} dxgkpm_stat_list[] = {
	DXGKPM_STAT(adapters),
	DXGKPM_STAT(handles),
	DXGKPM_STAT(pmos),
	DXGKPM_STAT(amos),
	DXGKPM_STAT(adls),
	DXGKPM_STAT(kviews),
	DXGKPM_STAT(uviews),
	DXGKPM_STAT(pages),
	DXGKPM_STAT(pages_wc),
	DXGKPM_STAT(pages_uc),
	DXGKPM_STAT(pinned),
	DXGKPM_STAT(dma_maps),
	DXGKPM_STAT(exports),
	DXGKPM_STAT(imports),
};

/**
 * dxgkpm_stats_idle() - whether dxgkpm holds nothing but adapters
 *
 * Return: true if no object, attachment, ADL, view, page or DMA mapping is
 * alive.
 */
bool dxgkpm_stats_idle(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dxgkpm_stat_list); i++) {
		atomic_long_t *value = dxgkpm_stat_list[i].value;

		if (value == &dxgkpm_stats.adapters)
			continue;
		/* A registered adapter has a handle of its own. */
		if (atomic_long_read(value) != (value == &dxgkpm_stats.handles ?
			atomic_long_read(&dxgkpm_stats.adapters) : 0))
			return false;
	}
	return true;
}

/**
 * dxgkpm_stats_count() - number of counters
 *
 * Return: how many indexes dxgkpm_stats_read() takes.
 */
unsigned int dxgkpm_stats_count(void)
{
	return ARRAY_SIZE(dxgkpm_stat_list);
}

/**
 * dxgkpm_stats_read() - one counter
 * @i: index, below dxgkpm_stats_count()
 * @name: out: the counter's name
 *
 * Return: its value.
 */
long dxgkpm_stats_read(unsigned int i, const char **name)
{
	*name = dxgkpm_stat_list[i].name;
	return atomic_long_read(dxgkpm_stat_list[i].value);
}

static int dxgkpm_stats_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dxgkpm_stat_list); i++)
		seq_printf(m, "%s %ld\n", dxgkpm_stat_list[i].name,
			   atomic_long_read(dxgkpm_stat_list[i].value));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dxgkpm_stats);

static int dxgkpm_pool_stats_show(struct seq_file *m, void *unused)
{
	dxgkpm_pool_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dxgkpm_pool_stats);

void dxgkpm_debugfs_init(void)
{
	dxgkpm_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0444, dxgkpm_debugfs_root, NULL,
			    &dxgkpm_stats_fops);
	dxgkpm_debugfs_objects_init(dxgkpm_debugfs_root);
	debugfs_create_file("pool", 0444, dxgkpm_debugfs_root, NULL,
			    &dxgkpm_pool_stats_fops);
}

void dxgkpm_debugfs_exit(void)
{
	debugfs_remove_recursive(dxgkpm_debugfs_root);
}
