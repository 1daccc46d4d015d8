# SPDX-License-Identifier: GPL-2.0-only
# Booting Debian's kernels in QEMU with an emulated IOMMU and edu devices,
# in each of the configurations users run (vm_config).
# Source after kernels.sh and build.sh.
#
# KVM cannot be used on the project's machines (see the VM notes): QEMU
# always runs with TCG here.

VM_TIMEOUT=${VM_TIMEOUT:-300}
# Every boot: an event enabled at run time (the tests enable dxgkpm's) must
# not hook the scheduler's tracepoints to record command names, which
# would patch the kernel's text under a running vCPU (see vm_config).
VM_BASE_APPEND="trace_options=norecord-cmd"

# vm_initramfs OUT: busybox, the modules in $B_DIR, the test programs,
# Debian's zram and vgem with their dependencies, and tests/vm/init.sh.
# VM_DXGKPM_KO, when set, is the dxgkpm.ko to load instead of $B_DIR's (an
# installed one: make dkms-test).
vm_initramfs() {
	local out=$1 root
	root=$(mktemp -d)
	mkdir -p "$root/bin" "$root/lib/dxgkpm"
	cp /bin/busybox "$root/bin/busybox"
	cp "$DXGKPM_TOP/tests/vm/vmlib.sh" "$root/lib/dxgkpm/"
	install -m 0755 "$DXGKPM_TOP/tests/vm/init.sh" "$root/init"
	cp "${VM_DXGKPM_KO:-$B_DIR/dxgkpm/dxgkpm.ko}" "$root/lib/dxgkpm/dxgkpm.ko"
	cp "$B_DIR/samples/edu/dxgkpm_edu.ko" \
		"$B_DIR/tests/vm/vmcheck.ko" "$root/lib/dxgkpm/"
	cp "$B_DIR/bin/dxgkpm-vmtest" "$root/bin/"
	# The DRM sample's tests: the GEM helper, the sample, their program,
	# and Debian's vgem with what it needs (drm.ko, drm_shmem_helper.ko).
	cp "$B_DIR/drm/dxgkpm_gem.ko" "$B_DIR/samples/drm_edu/dxgkpm_drm_edu.ko" \
		"$root/lib/dxgkpm/"
	cp "$B_DIR/bin/dxgkpm-drmtest" "$root/bin/"
	kernel_modules vgem
	mkdir -p "$root/lib/dxgkpm/drm"
	cp "$K_MODDIR"/*.ko "$K_MODDIR/order" "$root/lib/dxgkpm/drm/"
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

# vm_config NAME: the machine and boot of one VM configuration, the one
# place that defines them. Sets VM_CONFIG, VM_QEMU (QEMU arguments: IOMMU,
# memory, NUMA, edu devices), VM_SMP (CPU topology), VM_APPEND (kernel
# arguments) and VM_EXPECTED (the checks the run must report). The guest
# learns the configuration from DXGKPM_CONFIG and runs what applies to it
# (tests/vm/init.sh).
#   run      make run: one 28-bit edu behind a strict IOMMU, Debian's
#            default allocation zeroing
#   strict   the lab: strict IOMMU, two 28-bit edus, no zeroing by the
#            kernel (init_on_alloc=0 init_on_free=0), swap on zram
#   lazy     Debian's default boot (lazy IOMMU: the IOTLB is flushed in
#            batches), swap on zram and memory pressure
#   pt       IOMMU in passthrough (iommu=pt): no remapping
#   noiommu  no IOMMU at all
#   swiotlb  no IOMMU, every DMA bounced (swiotlb=force), as in a
#            confidential-computing guest
#   numa     two NUMA nodes, an edu on each (the second behind a PCIe
#            expander bridge on node 1), memory in ZONE_MOVABLE
#   edu64    two edus with 64-bit DMA masks, linked into one logical
#            adapter, on Debian's default (lazy) IOMMU
# Where there is no remapping, edu0 keeps its 28-bit mask (what it cannot
# reach must be refused) and edu1 has a 64-bit one (everything works).
VM_CONFIGS_ALL="strict lazy pt noiommu swiotlb numa edu64"
# The configurations make check and make vmtest run (VM_CONFIGS="..." picks).
VM_CONFIGS=${VM_CONFIGS:-strict lazy pt noiommu swiotlb numa edu64}
vm_config() {
	local iommu=(-device intel-iommu,intremap=off)
	local edu28=(-device edu) edu64=(-device edu,dma_mask=0xffffffffffffffff)
	# Traced from boot: enabling an event later patches kernel text under
	# a running vCPU, which TCG does not always survive.
	local trace="trace_event=intel_iommu:qi_submit"
	VM_CONFIG=$1
	VM_EXPECTED=$DXGKPM_TOP/tests/vm/expected/$1
	VM_APPEND="intel_iommu=on $trace"
	VM_SMP=2
	case $1 in
	run|dkms)
		VM_QEMU=("${iommu[@]}" "${edu28[@]}")
		VM_APPEND="intel_iommu=on iommu.strict=1"
		;;
	strict)
		VM_QEMU=("${iommu[@]}" "${edu28[@]}" "${edu28[@]}")
		# The kernel zeroes no page itself: a clear dxgkpm failed to do
		# would show (reused-pages-* check the setting and the clear).
		VM_APPEND="intel_iommu=on iommu.strict=1 init_on_alloc=0 init_on_free=0 $trace"
		;;
	lazy)
		VM_QEMU=("${iommu[@]}" "${edu28[@]}" "${edu28[@]}")
		;;
	pt)
		VM_QEMU=("${iommu[@]}" "${edu28[@]}" "${edu64[@]}")
		VM_APPEND="intel_iommu=on iommu=pt EDU_DMA_BITS=28,64"
		;;
	noiommu)
		VM_QEMU=("${edu28[@]}" "${edu64[@]}")
		VM_APPEND="EDU_DMA_BITS=28,64"
		;;
	swiotlb)
		VM_QEMU=("${edu28[@]}" "${edu64[@]}")
		VM_APPEND="swiotlb=force EDU_DMA_BITS=28,64"
		;;
	numa)
		VM_QEMU=("${iommu[@]}"
			-object memory-backend-ram,size=512M,id=m0
			-object memory-backend-ram,size=512M,id=m1
			-numa node,nodeid=0,memdev=m0,cpus=0
			-numa node,nodeid=1,memdev=m1,cpus=1
			"${edu28[@]}"
			-device pxb-pcie,id=pxb1,bus_nr=64,numa_node=1,bus=pcie.0
			-device pcie-root-port,id=rp1,bus=pxb1,chassis=1
			-device edu,bus=rp1)
		VM_APPEND="intel_iommu=on iommu.strict=1 movablecore=256M $trace"
		# One CPU per node, each in a package of its own.
		VM_SMP=2,sockets=2,cores=1,threads=1
		;;
	edu64)
		VM_QEMU=("${iommu[@]}" "${edu64[@]}" "${edu64[@]}")
		VM_APPEND="intel_iommu=on $trace EDU_DMA_BITS=64,64"
		;;
	*) die "unknown VM configuration '$1' (known: run dkms $VM_CONFIGS_ALL)" ;;
	esac
}

# vm_boot LOG APPEND...: boot $K_VMLINUX with the initramfs in $B_DIR on
# the machine of the last vm_config; the serial console goes to LOG, its
# readable part to stdout, and the guest's result lines (second serial
# port, see tests/vm/vmlib.sh) to LOG.results. Sets VM_RC to the guest's verdict: 0 all checks
# passed, 1 some failed, 2 no verdict (QEMU crashed or was killed, the guest
# panicked, hung or never reached its end).
#
# One boot may be repeated, once, and only when the kernel died before
# anything of the project ran (_vm_died_before_tests): multi-threaded TCG
# now and then loses a race with the kernel's own live code patching
# (text_poke_bp) during boot, an "Oops: int3" with no module loaded. The
# repeat is printed, and the first console log is kept as LOG.boot1.
vm_boot() {
	local log=$1 attempt
	shift
	vm_initramfs "$B_DIR/initramfs.cpio.gz"
	rm -f "$log.boot1"
	for attempt in 1 2; do
		_vm_boot_once "$log" "$@"
		[ "$VM_RC" -eq 2 ] && [ "$attempt" -eq 1 ] &&
			_vm_died_before_tests "$log" || break
		msg "the kernel died during boot, before the tests or any module" \
			"ran (an emulator race, see vm_boot); booting once more"
		grep -m1 -E 'Oops|Kernel panic|BUG:' "$log" >&2 || true
		mv "$log" "$log.boot1"
	done
}

# _vm_died_before_tests LOG: true if the guest of LOG panicked before its
# first check (no "VMTEST:" line on the result channel) and with no
# module loaded (every "Modules linked in:" of the oops is empty).
_vm_died_before_tests() {
	local log=$1
	grep -q -E 'Oops|Kernel panic' "$log" || return 1
	! tr -d '\r' < "$log.results" 2>/dev/null | grep -q '^VMTEST:' ||
		return 1
	! tr -d '\r' < "$log" | grep -E 'Modules linked in:' |
		grep -q -v -E 'Modules linked in:[[:space:]]*$'
}

# _vm_boot_once LOG APPEND...: one boot of vm_boot; sets VM_RC.
_vm_boot_once() {
	local log=$1 rc
	shift
	rm -f "$log.results"
	{
		rc=0
		timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 \
			-accel tcg -M q35 -m 1G -smp "$VM_SMP" -nodefaults \
			-display none -no-reboot -nic none -serial stdio \
			-serial "file:$log.results" \
			"${VM_QEMU[@]}" \
			-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			-kernel "$K_VMLINUX" -initrd "$B_DIR/initramfs.cpio.gz" \
			-append "console=ttyS0 loglevel=5 panic=-1 $VM_BASE_APPEND $VM_APPEND DXGKPM_CONFIG=$VM_CONFIG $*" \
			</dev/null 2>&1 || rc=$?
		echo "$rc" > "$log.rc"
	} | tee "$log" | _vm_show
	rc=$(cat "$log.rc")
	rm -f "$log.rc"
	# isa-debug-exit: QEMU exits with (status << 1) | 1.
	case $rc in
	1) VM_RC=0 ;;
	3) VM_RC=1 ;;
	124) msg "the VM did not finish within ${VM_TIMEOUT}s"; VM_RC=2 ;;
	*) msg "QEMU exited with status $rc, not through the guest's verdict"; VM_RC=2 ;;
	esac
	if [ "$VM_RC" -ne 2 ] && ! tr -d '\r' < "$log.results" 2>/dev/null |
		grep -q '^VMTEST: DONE$'; then
		msg "the guest gave a verdict without reaching its end"
		VM_RC=2
	fi
	if [ "$VM_RC" -eq 2 ]; then
		msg "the VM gave no verdict (QEMU exit $rc); last console lines:"
		tail -n 25 "$log" >&2
	fi
}

# vm_verdict LOG: count the checks LOG reports against the list of check
# names in $VM_EXPECTED (tests/vm/expected/<config>, where an include of a
# name with $KSERIES takes the file of the kernel series), after vm_boot. Sets
# VM_PASSED, VM_FAILED and VM_SKIPPED. A failure is a check that failed, an
# expected check that did not pass (skipped or never reported), a check that
# is not expected, a check reported twice, or a VM without a verdict (one
# more failure); VM_RC from vm_boot must agree with the checks.
vm_verdict() {
	local log=$1 expected=$VM_EXPECTED results
	# The result channel (second serial port), which nothing else writes.
	results=$({ tr -d '\r' < "$log.results" 2>/dev/null || true; } |
		sed -n -E 's/^VMTEST: (PASS|FAIL|SKIP) ([^:]+)(:.*)?$/\1 \2/p')
	VM_PASSED=$(printf '%s\n' "$results" | grep -c '^PASS ' || true)
	VM_SKIPPED=$(printf '%s\n' "$results" | grep -c '^SKIP ' || true)
	VM_FAILED=$(printf '%s\n' "$results" | grep -c '^FAIL ' || true)
	local problems
	# One line per problem; "failed:" lines are counted already.
	problems=$(printf '%s\n' "$results" | awk -v list="$expected" \
		-v series="$K_SERIES" '
		function read(file, dir,   line, n) {
			while ((n = (getline line < file)) > 0) {
				sub(/#.*/, "", line)
				gsub(/^[ \t]+|[ \t]+$/, "", line)
				# "$KSERIES" in a name: the kernel series.
				if (line ~ /^include /) {
					line = substr(line, 9)
					gsub(/\$KSERIES/, series, line)
					read(dir "/" line, dir)
				} else if (line != "")
					want[line] = 1
			}
			if (n < 0)
				print "cannot read " file
			close(file)
		}
		BEGIN {
			dir = list
			sub(/\/[^\/]*$/, "", dir)
			read(list, dir)
		}
		NF == 2 {
			if (++seen[$2] == 2)
				print "reported twice: " $2
			if (!($2 in want))
				print ($1 == "FAIL" ? "failed: " : "not in " list ": ") $2
			last[$2] = $1
		}
		END {
			for (n in want)
				if (!(n in seen))
					print "never reported: " n
				else if (last[n] == "SKIP")
					print "skipped: " n
				else if (last[n] == "FAIL")
					print "failed: " n
		}' | sort)
	if [ -n "$problems" ]; then
		msg "the checks against $expected:"
		printf '  %s\n' "$problems" >&2
		VM_FAILED=$((VM_FAILED + $(printf '%s\n' "$problems" |
			grep -vc '^failed: ' || true)))
	fi
	[ "$VM_RC" -eq 2 ] && VM_FAILED=$((VM_FAILED + 1))
	if [ "$VM_RC" -eq 1 ] && [ "$VM_FAILED" -eq 0 ]; then
		msg "the guest reported a failure that no check names"
		VM_FAILED=1
	fi
	return 0
}
