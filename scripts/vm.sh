# SPDX-License-Identifier: GPL-2.0-only
# Booting Debian's kernels in QEMU with an emulated IOMMU and edu device.
# Source after kernels.sh and build.sh.
#
# KVM cannot be used on the project's machines (see the VM notes): QEMU
# always runs with TCG here.

VM_TIMEOUT=${VM_TIMEOUT:-300}

# vm_initramfs OUT: busybox, the modules in $B_DIR and tests/vm/init.sh.
vm_initramfs() {
	local out=$1 root
	root=$(mktemp -d)
	mkdir -p "$root/bin" "$root/lib/dxgkpm"
	cp /bin/busybox "$root/bin/busybox"
	cp "$DXGKPM_TOP/tests/vm/vmlib.sh" "$root/lib/dxgkpm/"
	install -m 0755 "$DXGKPM_TOP/tests/vm/init.sh" "$root/init"
	cp "$B_DIR/dxgkpm/dxgkpm.ko" "$B_DIR/samples/edu/dxgkpm_edu.ko" \
		"$B_DIR/tests/vm/vmcheck.ko" "$root/lib/dxgkpm/"
	cp "$B_DIR/bin/dxgkpm-vmtest" "$root/bin/"
	# Debian's zram, for swap in the guest (section paging).
	kernel_modules zram
	mkdir -p "$root/lib/dxgkpm/swap"
	cp "$K_MODDIR"/*.ko "$K_MODDIR/order" "$root/lib/dxgkpm/swap/"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
	rm -rf "$root"
}

# _vm_show: the readable part of the console, live: report lines and test
# results; everything else is in the log file.
_vm_show() {
	sed -u -n -e 's/^@@ //p' \
		-e 's/^VMTEST: PASS \(.*\)/  ok    \1/p' \
		-e 's/^VMTEST: FAIL \(.*\)/  FAIL  \1/p'
}

# vm_boot LOG EDU_COUNT APPEND...: boot $K_VMLINUX with the initramfs in
# $B_DIR; the serial console goes to LOG, its readable part to stdout. Sets
# VM_RC to the guest's verdict: 0 all tests passed, 1 some failed, 2 no
# verdict (crash, panic or timeout).
vm_boot() {
	local log=$1 edus=$2 i devs=() rc
	shift 2
	for ((i = 0; i < edus; i++)); do
		devs+=(-device edu)
	done
	vm_initramfs "$B_DIR/initramfs.cpio.gz"
	{
		rc=0
		timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 \
			-accel tcg -M q35 -m 1G -smp 2 -nodefaults \
			-display none -no-reboot -nic none -serial stdio \
			-device intel-iommu,intremap=off "${devs[@]}" \
			-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			-kernel "$K_VMLINUX" -initrd "$B_DIR/initramfs.cpio.gz" \
			-append "console=ttyS0 loglevel=5 panic=-1 intel_iommu=on iommu.strict=1 $*" \
			</dev/null 2>&1 || rc=$?
		echo "$rc" > "$log.rc"
	} | tee "$log" | _vm_show
	rc=$(cat "$log.rc")
	rm -f "$log.rc"
	case $rc in
	1) VM_RC=0 ;;
	3) VM_RC=1 ;;
	124) msg "the VM did not finish within ${VM_TIMEOUT}s"; VM_RC=2 ;;
	*) VM_RC=2 ;;
	esac
	if [ "$VM_RC" -ne 2 ] && ! grep -q '^VMTEST: DONE' "$log"; then
		VM_RC=2
	fi
	VM_PASSED=$(grep -c "^VMTEST: PASS" "$log" || true)
	VM_FAILED=$(grep -c "^VMTEST: FAIL" "$log" || true)
	if [ "$VM_RC" -eq 2 ]; then
		msg "the VM gave no verdict (QEMU exit $rc); last console lines:"
		tail -n 25 "$log" >&2
	fi
}
