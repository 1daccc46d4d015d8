// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Fault injection points (see fault.h): the state of the one armed task.
 */

#include <linux/compiler.h>
#include <linux/export.h>
#include <linux/sched.h>

#include "fault.h"

static struct task_struct *dxgkpm_fault_task;
static unsigned int dxgkpm_fault_left;
static unsigned int dxgkpm_fault_seen;
static const char *dxgkpm_fault_site;

/**
 * __dxgkpm_fault() - an injection point
 * @site: where it is (the function), for the test's report
 *
 * Return: true if this point must fail now.
 */
bool __dxgkpm_fault(const char *site)
{
	if (likely(READ_ONCE(dxgkpm_fault_task) != current))
		return false;
	dxgkpm_fault_seen++;
	if (!dxgkpm_fault_left || --dxgkpm_fault_left)
		return false;
	dxgkpm_fault_site = site;
	return true;
}

/**
 * dxgkpm_fault_arm() - fail the @nth point the current task reaches
 * @nth: 1 for the first point; 0 only counts the points
 */
void dxgkpm_fault_arm(unsigned int nth)
{
	dxgkpm_fault_left = nth;
	dxgkpm_fault_seen = 0;
	dxgkpm_fault_site = NULL;
	WRITE_ONCE(dxgkpm_fault_task, current);
}

/**
 * dxgkpm_fault_disarm() - stop injecting
 * @fired: out: whether the chosen point was reached (and failed)
 * @site: out: the function of the point that failed, or NULL
 *
 * Return: the number of points the task reached while armed.
 */
unsigned int dxgkpm_fault_disarm(bool *fired, const char **site)
{
	WRITE_ONCE(dxgkpm_fault_task, NULL);
	*fired = !!dxgkpm_fault_site;
	*site = dxgkpm_fault_site;
	return dxgkpm_fault_seen;
}
