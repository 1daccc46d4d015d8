/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Fault injection points. Every place where dxgkpm can fail because memory,
 * address space or a mapping is not available first asks dxgkpm_fault(), so
 * that a test can make each of them fail in turn, one run per point, and
 * check that every failure is clean (kunit/fault_test.c). Only the task that
 * armed the injection sees failures; everything else runs normally. Without
 * CONFIG_DXGKPM_FAULT_INJECTION the points compile to nothing.
 */
#ifndef _DXGKPM_FAULT_H
#define _DXGKPM_FAULT_H

#include <linux/types.h>

#ifdef CONFIG_DXGKPM_FAULT_INJECTION
bool __dxgkpm_fault(const char *site);
void dxgkpm_fault_arm(unsigned int nth);
unsigned int dxgkpm_fault_disarm(bool *fired, const char **site);

/* A point that fails here when it is the one chosen. */
#define dxgkpm_fault()	__dxgkpm_fault(__func__)
#else
static inline bool dxgkpm_fault(void)
{
	return false;
}
#endif

#endif /* _DXGKPM_FAULT_H */
