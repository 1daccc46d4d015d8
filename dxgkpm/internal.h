/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Every layer of dxgkpm, for the module-wide files at the top (main.c,
 * debugfs.c, stats.c, trace.c) and the KUnit suites. A file inside a layer
 * includes its own layer's header instead (Documentation/dxgkpm.rst,
 * "Layers"); each layer's header includes only the headers of the layers
 * below it:
 *
 *   ddi/ddi.h -> object/object.h -> mem/mem.h -> page/page.h -> dma/dma.h
 */
#ifndef _DXGKPM_INTERNAL_H
#define _DXGKPM_INTERNAL_H

#include "ddi/ddi.h"
#include "dma/dma.h"
#include "mem/mem.h"
#include "object/object.h"
#include "page/page.h"
#include "stats.h"

struct dentry;

/* debugfs.c */
void dxgkpm_debugfs_objects_init(struct dentry *root);
void dxgkpm_debugfs_init(void);
void dxgkpm_debugfs_exit(void);

#endif /* _DXGKPM_INTERNAL_H */
