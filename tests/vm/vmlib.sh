# SPDX-License-Identifier: GPL-2.0-only
#
# What every /init of a dxgkpm VM (tests/vm/init.sh, bench/init.sh) shares,
# sourced from /lib/dxgkpm/vmlib.sh in the initramfs (busybox sh): the
# mounts, the output protocol and the checks of a run.
#
# Output protocol, read by scripts/vm.sh on the host:
#   "@@ <text>"                   a line of the readable report
#   "VMTEST: PASS <name>"         a check that passed
#   "VMTEST: FAIL <name>: <why>"  a check that failed
#   "VMTEST: DONE"                the end; then the verdict goes to QEMU's
#                                 isa-debug-exit port (0 = all passed).
# Each line goes to the console, for people, and to the second serial port
# (/dev/ttyS1, a file on the host), which only these lines use: a kernel
# message printed on the console cannot break a result line there. The
# host counts results from the second port only. Programs the checks run
# find it as file descriptor $VMTEST_RESULTS_FD.

/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
dmesg -n 5

stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3>/dev/ttyS1
VMTEST_RESULTS_FD=3
export VMTEST_RESULTS_FD

MODS=/lib/dxgkpm
failed=0

result() { echo "$*"; echo "$*" >&3; }
report() { result "@@ $*"; }
pass() { result "VMTEST: PASS $1"; }
fail() { result "VMTEST: FAIL $1: $2"; failed=$((failed + 1)); }

# check NAME CMD...: one check per command; its output explains a failure.
check() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name" "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

finish() {
	result "VMTEST: DONE"
	# Let the console drain before QEMU goes away.
	sleep 1
	printf "\\$(printf '%03o' "$((failed ? 1 : 0))")" |
		dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	poweroff -f
}

edu_devices() {
	n=0
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ] &&
			n=$((n + 1))
	done
	echo "$n"
}

# Every dxgkpm counter but the adapters' is zero.
stats_idle() {
	s=/sys/kernel/debug/dxgkpm/stats
	[ -r "$s" ] || { echo "no $s"; return 1; }
	busy=$(awk '$1 != "adapters" && $2 != 0' "$s")
	[ -z "$busy" ] || { echo "still held: $busy"; return 1; }
}

kernel_clean() {
	! dmesg | grep -E 'BUG:|WARNING:|Oops|Call Trace|general protection|DMAR: \[DMA (Read|Write)'
}

report "kernel $(uname -r), $(edu_devices) edu device(s), $(grep -c ^processor /proc/cpuinfo) CPU(s)"
report "IOMMU: $(dmesg | grep -o 'DMAR: IOMMU enabled' | head -n 1), $(dmesg | grep -o 'Default domain type: [A-Za-z]*' | head -n 1)"
