#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the dxgkpm test VM (busybox). It loads dxgkpm and the sample
# driver, reports what the sample did, runs the tests that apply to the
# VM's configuration (DXGKPM_CONFIG, see scripts/vm.sh) and checks what
# must hold afterwards.
#
# The mounts, the output protocol and the shared checks: vmlib.sh.

. /lib/dxgkpm/vmlib.sh

# Messages of the kernel log since the last mark, without timestamps.
KLOG_MARK=0
klog_mark() { KLOG_MARK=$(dmesg | wc -l); }
klog_since() { dmesg | tail -n +$((KLOG_MARK + 1)) | sed 's/^\[[ 0-9.]*\] //'; }

demo_passed() {
	want=$(edu_devices)
	line='demo passed: 3 of 3'
	# Where DMA is bounced, an ADL would be a stale copy: refused.
	[ "$DXGKPM_CONFIG" = swiotlb ] && line='demo refused: DMA is bounced.*3 of 3'
	got=$(klog_since | grep -c "dxgkpm_edu .*$line")
	bound=$(ls -d /sys/bus/pci/drivers/dxgkpm_edu/0000:* 2>/dev/null | wc -l)
	[ "$want" -ge 1 ] || { echo "no edu device in the VM"; return 1; }
	[ "$bound" = "$want" ] || { echo "$bound of $want edu devices bound"; return 1; }
	[ "$got" = "$want" ] || { echo "$got of $want devices passed the demo"; return 1; }
}

no_leak_reports() {
	! klog_since | grep -E 'leaked|still referenced'
}

pages_write_back() {
	addrs=$(echo "$DEMO_LOG" | sed -n 's/.*CPU physical \(0x[0-9a-f]*\).*/\1/p' | sort -u | tr '\n' ',')
	[ -n "$addrs" ] || { echo "the demo reported no pages"; return 1; }
	klog_mark
	insmod $MODS/vmcheck.ko selftest=1 phys="$addrs" 2>/dev/null
	out=$(klog_since | grep 'vmcheck:')
	echo "$out"
	echo "$out" | grep -q 'self-test passed' &&
		echo "$out" | grep -q ' 0 not write-back, 0 not mapped'
}

# Swap on zram (Debian's modules), so that section pages can page out.
swap_on() {
	for m in $(cat $MODS/swap/order); do
		insmod "$MODS/swap/$m" || return 1
	done
	echo 128M > /sys/block/zram0/disksize &&
		mkswap /dev/zram0 >/dev/null && swapon /dev/zram0
}


# make dkms-test: the module DKMS installed (build ID $DXGKPM_BUILD_ID, in
# hex) is the one the kernel loaded.
loaded_is_installed() {
	loaded=$(od -An -tx1 -v /sys/module/dxgkpm/notes/.note.gnu.build-id | tr -d ' \n')
	case $loaded in
	*"$DXGKPM_BUILD_ID") ;;
	*) echo "the loaded module's build ID note is $loaded"; return 1 ;;
	esac
}

# vmtest_program DEVICE PROFILE: the user-space tests on one device (see
# tests/vm/dxgkpm-vmtest.c); a death of the program is a failure of its own.
vmtest_program() {
	report "user-space tests on $1 ($2)"
	rc=0
	/bin/dxgkpm-vmtest --profile "$2" "$1" || rc=$?
	# Its own failures are on their lines.
	if [ "$rc" -ge 128 ]; then
		fail "dxgkpm-vmtest-$(basename "$1")" "killed by signal $((rc - 128))"
	elif [ "$rc" -ne 0 ]; then
		failed=$((failed + rc))
	fi
}

# Debian's drm.ko, drm_shmem_helper.ko and vgem.ko, in the order
# scripts/vm.sh found.
drm_load() {
	[ -r $MODS/drm/order ] || { echo "no drm modules in the initramfs"; return 1; }
	for m in $(cat $MODS/drm/order); do
		insmod "$MODS/drm/$m" || return 1
	done
}

# The DRM sample binds every edu device.
drm_sample_load() {
	insmod $MODS/dxgkpm_drm_edu.ko || return 1
	want=$(edu_devices)
	bound=$(ls -d /sys/bus/pci/drivers/dxgkpm_drm_edu/0000:* 2>/dev/null | wc -l)
	[ "$bound" = "$want" ] || { echo "$bound of $want edu devices bound"; return 1; }
}

# The DRM tests (tests/vm/dxgkpm-drmtest.c). udmabuf and the system DMA
# heap are built into Debian's 6.12, absent from 6.1: where the kernel has
# them the program must find them, so their tests run by the kernel's
# version, not by what /dev shows.
drm_program() {
	case $(uname -r) in
	6.1.*) opts= ;;
	*) opts="--udmabuf --dma-heap" ;;
	esac
	report "DRM sample tests${opts:+ ($opts)}"
	rc=0
	/bin/dxgkpm-drmtest $opts || rc=$?
	if [ "$rc" -ge 128 ]; then
		fail dxgkpm-drmtest "killed by signal $((rc - 128))"
	elif [ "$rc" -ne 0 ]; then
		failed=$((failed + rc))
	fi
}

# An export of the sample kept open (dxgkpm-drmtest --hold) while the
# sample, the helper and vgem are unloaded; standard input is its signal
# to check the bytes and exit.
drm_hold_start() {
	rm -f /tmp/hold /tmp/hold.out
	mkfifo /tmp/hold
	/bin/dxgkpm-drmtest --hold < /tmp/hold > /tmp/hold.out 2>&1 &
	HOLD_PID=$!
	exec 4>/tmp/hold
	i=0
	while ! grep -q '^holding$' /tmp/hold.out 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# In this shell, not in check's subshell: it owns the pipe and the child.
drm_hold_end() {
	exec 4>&-
	HOLD_RC=0
	wait "$HOLD_PID" || HOLD_RC=$?
}

drm_hold_result() {
	cat /tmp/hold.out
	grep -q '^holding$' /tmp/hold.out && [ "$HOLD_RC" = 0 ]
}

klog_mark
check load-dxgkpm insmod $MODS/dxgkpm.ko
if [ -n "$DXGKPM_BUILD_ID" ]; then
	check loaded-module-is-the-installed-one loaded_is_installed
fi
check load-sample insmod $MODS/dxgkpm_edu.ko ${EDU_DMA_BITS:+dma_bits=$EDU_DMA_BITS}
DEMO_LOG=$(klog_since | grep 'dxgkpm_edu ')
echo "$DEMO_LOG" | sed 's/^dxgkpm_edu [0-9a-f:.]*: /@@   /'
check demo demo_passed
check unload-refused-while-registered sh -c '! rmmod dxgkpm 2>/dev/null'

# What each configuration (scripts/vm.sh vm_config) runs: the device and
# the profile of the program's tests that apply to it.
case $DXGKPM_CONFIG in
strict)
	check swap-on swap_on
	vmtest_program /dev/dxgkpm_edu0 remap,swap,noinit
	;;
lazy)
	check swap-on swap_on
	vmtest_program /dev/dxgkpm_edu0 remap,swap
	;;
pt|noiommu)
	vmtest_program /dev/dxgkpm_edu1 direct
	vmtest_program /dev/dxgkpm_edu0 reach
	;;
swiotlb)
	vmtest_program /dev/dxgkpm_edu1 bounce
	;;
numa)
	vmtest_program /dev/dxgkpm_edu1 remap,numa
	;;
edu64)
	vmtest_program /dev/dxgkpm_edu1 remap
	;;
esac

klog_mark
check unload-sample rmmod dxgkpm_edu
check nothing-held-after-unregister stats_idle

# The DRM sample (samples/drm_edu) on the GEM helper, with Debian's vgem as
# the other PRIME device: it binds the edu devices the misc sample let go.
# Debian's boot (lazy) and the lab (strict) only.
case $DXGKPM_CONFIG in
strict|lazy)
	check load-drm-vgem drm_load
	check load-gem-helper insmod $MODS/dxgkpm_gem.ko
	check load-drm-sample drm_sample_load
	drm_program
	drm_hold_start
	check unload-drm-sample rmmod dxgkpm_drm_edu
	check unload-gem-helper rmmod dxgkpm_gem
	check unload-vgem rmmod vgem
	check unload-refused-while-exported sh -c '! rmmod dxgkpm 2>/dev/null'
	drm_hold_end
	check export-outlives-driver drm_hold_result
	check nothing-held-after-drm stats_idle
	;;
esac
check unload-dxgkpm rmmod dxgkpm
check no-leak-reports no_leak_reports
check pages-write-back-after-unload pages_write_back
check kernel-log-clean kernel_clean

finish
