// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The tracepoints of trace.h, defined once. trace.h needs nothing of the
 * layers (their callers pass plain values), which this file shows by
 * including nothing else.
 */

#define CREATE_TRACE_POINTS
#include "trace.h"
