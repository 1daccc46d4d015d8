#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the dxgkpm benchmark VM (busybox). It loads Debian's drm.ko and
# ttm.ko (the anchor: TTM's page pool), dxgkpm and the benchmark module,
# which binds the edu device and runs every measurement from its
# module_init, relays the module's records to the console as they are
# logged, then unloads dxgkpm and the benchmark module and checks that
# nothing was left behind.
#
# Output protocol: tests/vm/vmlib.sh, which this sources, and
#   "BENCH <record>"              a record of the module (see
#                                 bench/dxgkpm_bench.c), for scripts/bench.sh
#
# Parameters, from the kernel command line (all optional):
#   BENCH_SIZES=4,64,...   object sizes in KiB of the cycle rows
#   BENCH_ITERS=N          iterations per measurement (0: by size)
#   BENCH_BUDGET_MS=N      time after which a measurement stops early
#   BENCH_BIG_MIB=N        size of the create-big and adl-ranges rows (0: skip)
#   BENCH_LOOKUP_LIVE=N    live objects of the lookup row (0: skip)

. /lib/dxgkpm/vmlib.sh

no_leak_reports() {
	! dmesg | grep -E 'dxgkpm.*(leaked|still referenced|refusing)'
}

# The module's records, from the kernel log as they arrive (/dev/kmsg gives
# one whole record to a large enough read, which sed's stdio buffer is), and
# a progress line for each size and cache type. busybox sed reads one line
# ahead, so a last record is written to push the module's last one out.
relay_start() {
	sed -n -e '/;dxgkpm_bench: BENCH /!d' -e 's/^[^;]*;dxgkpm_bench: //p' \
		-e 's/^BENCH step row=\([a-z-]*\) size=\([0-9]*\) cache=\([a-z]*\)$/@@   measuring \1, \2-byte objects, \3/p' \
		/dev/kmsg &
	RELAY=$!
}

relay_stop() {
	echo "bench: relay done" > /dev/kmsg
	sleep 1
	kill "$RELAY" 2>/dev/null
	wait "$RELAY" 2>/dev/null
	dmesg -n 5
}

# Debian's drm.ko and ttm.ko, in the order scripts/bench.sh found
# (dependencies first); without them the benchmark module cannot load.
load_ttm() {
	[ -r $MODS/ttm/order ] || { echo "no drm/ttm modules in the initramfs"; return 1; }
	while read -r m; do
		insmod "$MODS/ttm/$m" || { echo "insmod $m failed"; return 1; }
	done < $MODS/ttm/order
}

args=
[ -n "$BENCH_SIZES" ] && args="$args sizes_kib=$BENCH_SIZES"
[ -n "$BENCH_ITERS" ] && args="$args iters=$BENCH_ITERS"
[ -n "$BENCH_BUDGET_MS" ] && args="$args budget_ms=$BENCH_BUDGET_MS"
[ -n "$BENCH_BIG_MIB" ] && args="$args big_mib=$BENCH_BIG_MIB"
[ -n "$BENCH_LOOKUP_LIVE" ] && args="$args lookup_live=$BENCH_LOOKUP_LIVE"

# Memory pressure from user space with pages in dxgkpm's pools (the
# benchmark leaves them there): a tmpfs file grows 8 MiB at a time, written
# by a dd that volunteers for the OOM killer, until the pools have given
# pages back, or it is as large as all the RAM (MemTotal), which cannot fit:
# before it does, reclaim must take the pools' pages, or the OOM killer
# ends the dd. (MemAvailable is no bound: it leaves out the watermark
# reserves, and a fill of MemAvailable plus the pools plus 32 MiB once
# ended with 75 MB still free and the pools never asked.) Reports the
# pools' pages before and after, the bytes written and the OOM kills;
# passes if the pools shrank and nothing was killed.
pool_pages() {
	sed -n 's/^pages //p' /sys/kernel/debug/dxgkpm/pool
}

pressure() {
	before=$(pool_pages)
	[ "${before:-0}" -gt 0 ] || { echo "the pools hold no pages"; return 1; }
	avail=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
	total=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
	max=$(( total / 1024 ))
	oom0=$(dmesg | grep -c -E 'Out of memory|oom-kill')
	mkdir -p /tmp/pressure
	mount -t tmpfs -o size=${max}m pressure /tmp/pressure || return 1
	mib=0 rc=0 after=$before
	while [ "$mib" -lt "$max" ] && [ "$after" -ge "$before" ]; do
		sh -c 'echo 1000 > /proc/self/oom_score_adj; exec dd \
			if=/dev/zero of=/tmp/pressure/fill bs=1M count=8 \
			seek='$mib' conv=notrunc 2>/dev/null' || { rc=$?; break; }
		mib=$((mib + 8))
		after=$(pool_pages)
	done
	rm -f /tmp/pressure/fill
	umount /tmp/pressure
	oom=$(( $(dmesg | grep -c -E 'Out of memory|oom-kill') - oom0 ))
	echo "BENCH pressure pool_before=$before pool_after=$after available_kib=$avail filled_mib=$mib dd_status=$rc oom_kills=$oom" > /dev/console
	[ "$after" -lt "$before" ] && [ "$oom" = 0 ] && [ "$rc" = 0 ]
}

check load-ttm load_ttm
check load-dxgkpm insmod $MODS/dxgkpm.ko
report "running the benchmark (dxgkpm_bench.ko$args)"
# The relayed records share the console with the kernel's messages, which
# would cut into them (the lookup row's refused calls warn): while the
# module runs, only the log buffer gets the kernel's messages.
dmesg -n 1
relay_start
# The module runs everything from its init and loads even when a
# measurement failed (a "BENCH error" record); its "result" parameter says.
bench_result() {
	r=$(cat /sys/module/dxgkpm_bench/parameters/result) || return 1
	[ "$r" = 0 ] || { echo "the module's result is $r"; return 1; }
}

# shellcheck disable=SC2086 # one word per parameter
if insmod $MODS/dxgkpm_bench.ko $args; then
	relay_stop
	check benchmark-completed bench_result
	check unload-bench rmmod dxgkpm_bench
	check pools-give-back-under-pressure pressure
else
	rc=$?
	relay_stop
	fail benchmark-completed "insmod dxgkpm_bench.ko exited with $rc"
fi
check nothing-held-after-unregister stats_idle
check unload-dxgkpm rmmod dxgkpm
check no-leak-reports no_leak_reports
check kernel-log-clean kernel_clean

finish
