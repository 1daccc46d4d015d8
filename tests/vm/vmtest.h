/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the VM's test programs (dxgkpm-vmtest, dxgkpm-drmtest) share: the
 * result protocol of tests/vm/vmlib.sh ("VMTEST: PASS name", "VMTEST: FAIL
 * name: why", on stdout and on the result channel init hands over) and the
 * readers of dxgkpm's and the kernel's counters. Each program includes it
 * once; everything is static.
 */
#ifndef DXGKPM_VMTEST_H
#define DXGKPM_VMTEST_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The result channel (tests/vm/vmlib.sh), when init gave one. */
static FILE *results;

/* Why the running test failed: see failf(). */
static char why[256];

/* A result line: on stdout, and on the result channel. */
static inline __attribute__((format(printf, 1, 2)))
void result(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	if (results) {
		va_start(ap, fmt);
		vfprintf(results, fmt, ap);
		va_end(ap);
		fflush(results);
	}
}

/* A test that fails says why: fill @why, return -1. */
static inline __attribute__((format(printf, 1, 2)))
int failf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return -1;
}

/* The value of @name in @path, a file of "name value" lines, or -1. */
static inline long counter_value(const char *path, const char *name)
{
	FILE *f = fopen(path, "r");
	char key[64];
	long v, found = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

/* A counter of dxgkpm's debugfs statistics. */
static inline long stat_value(const char *name)
{
	return counter_value("/sys/kernel/debug/dxgkpm/stats", name);
}

/* A counter of /proc/vmstat. */
static inline long vmstat_value(const char *name)
{
	return counter_value("/proc/vmstat", name);
}

#endif /* DXGKPM_VMTEST_H */
