// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* The tracepoints of trace.h, defined once. */

#include "internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"
