#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make dkms-test: dxgkpm as a Debian user installs it. Installs Debian's
# linux-headers package of every supported series with apt-get, as a user
# does for their kernel, adds the checkout to DKMS (dkms.conf), has DKMS
# build and install dxgkpm.ko for each, then boots that kernel in QEMU as
# `make run` does with the module DKMS installed (not the one make builds)
# and checks that the kernel runs exactly that file, by its build ID. The
# module is removed from DKMS again at the end; the headers packages stay.
# It changes the system (packages, /usr/src, /var/lib/dkms, /lib/modules),
# so make check does not run it: the clean room does (scripts/cleanroom.sh).
#
# Each series is one test; ends with "N passed, N failed, N skipped".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kernels.sh"
. "$(dirname "$0")/build.sh"
. "$(dirname "$0")/vm.sh"
. "$(dirname "$0")/setup.sh"

setup_tools
apt_install dkms
need dkms dkms
need readelf binutils

conf=$DXGKPM_TOP/dkms.conf
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$conf")
[ -n "$version" ] || die "no PACKAGE_VERSION in $conf"
modversion=$(sed -n 's/^MODULE_VERSION("\(.*\)");$/\1/p' "$DXGKPM_TOP/dxgkpm/main.c")
[ "$version" = "$modversion" ] ||
	die "dkms.conf says version $version, dxgkpm/main.c MODULE_VERSION $modversion"

# dkms_remove: take dxgkpm $version out of DKMS and of every kernel's
# module tree, whatever state an earlier run left it in.
dkms_remove() {
	if [ -d "/var/lib/dkms/dxgkpm/$version" ]; then
		as_root dkms remove "dxgkpm/$version" --all >/dev/null 2>&1 || true
		as_root rm -rf "/var/lib/dkms/dxgkpm/$version"
		[ ! -d /lib/modules ] ||
			as_root find /lib/modules \( -path '*/updates/dkms/dxgkpm.ko*' \
				-o -path '*/updates/dkms/dxgkpm_gem.ko*' \) -delete
	fi
	as_root rm -rf "/usr/src/dxgkpm-$version"
}

# The headers first, as a user has them before installing the module (with
# dxgkpm already in DKMS, installing them would build it on the spot).
for s in $KERNEL_SERIES_ALL; do
	kernel_fetch "$s"
	apt_install "linux-headers-$K_REL"
	need "/lib/modules/$K_REL/build/Makefile" "linux-headers-$K_REL"
done

dkms_remove
trap dkms_remove EXIT
step "dkms add $DXGKPM_TOP (dxgkpm $version)"
as_root dkms add "$DXGKPM_TOP" >&2 || die "dkms add failed"

passed=0 failed=0
for s in $KERNEL_SERIES_ALL; do
	start=$SECONDS
	kernel_fetch "$s"
	log=$DXGKPM_LOGS/dkms-$K_REL.log
	mkdir -p "$DXGKPM_LOGS"
	step "dkms build and install against $K_REL"
	if ! as_root dkms build "dxgkpm/$version" -k "$K_REL" >"$log" 2>&1 ||
		! as_root dkms install "dxgkpm/$version" -k "$K_REL" >>"$log" 2>&1; then
		tail -n 30 "$log" >&2
		cat "/var/lib/dkms/dxgkpm/$version/build/make.log" >&2 2>/dev/null || true
		echo "  FAIL  dkms-$s: build or install failed (log: $log)"
		failed=$((failed + 1))
		continue
	fi
	ko=$(find "/lib/modules/$K_REL/updates/dkms" -name 'dxgkpm.ko*' | head -n 1)
	[ -n "$ko" ] || die "dkms install left no dxgkpm.ko under /lib/modules/$K_REL/updates/dkms"
	[ -n "$(find "/lib/modules/$K_REL/updates/dkms" -name 'dxgkpm_gem.ko*')" ] ||
		die "dkms install left no dxgkpm_gem.ko under /lib/modules/$K_REL/updates/dkms"
	msg "installed: $ko ($(as_root dkms status -m dxgkpm -v "$version" -k "$K_REL"))"
	VM_DXGKPM_KO=$DXGKPM_WORK/build/dkms-$K_REL.ko
	mkdir -p "$(dirname "$VM_DXGKPM_KO")"
	case $ko in
	*.xz) xz -dc "$ko" > "$VM_DXGKPM_KO" ;;
	*.zst) zstd -dcq "$ko" > "$VM_DXGKPM_KO" ;;
	*.gz) gzip -dc "$ko" > "$VM_DXGKPM_KO" ;;
	*) cp "$ko" "$VM_DXGKPM_KO" ;;
	esac
	[ "$(modinfo -F version "$VM_DXGKPM_KO")" = "$version" ] ||
		die "the installed module is not version $version"
	build_id=$(readelf -n "$VM_DXGKPM_KO" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')
	[ -n "$build_id" ] || die "the installed module has no build ID"
	# The sample and the VM helper, built as make run builds them.
	build_modules "$s"
	[ "$(readelf -n "$B_DIR/dxgkpm/dxgkpm.ko" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')" != "$build_id" ] ||
		msg "note: make's own dxgkpm.ko has the same build ID as the installed one"
	export VM_DXGKPM_KO
	vmlog=$DXGKPM_LOGS/dkms-run-$K_REL.log
	step "booting Debian $K_REL with the DKMS-installed dxgkpm.ko (build ID $build_id)"
	vm_config dkms
	vm_boot "$vmlog" DXGKPM_BUILD_ID="$build_id"
	vm_verdict "$vmlog"
	unset VM_DXGKPM_KO
	if [ "$VM_RC" -eq 0 ] && [ "$VM_FAILED" -eq 0 ]; then
		echo "  ok    dkms-$s: installed $ko, loaded and ran ($VM_PASSED checks, $((SECONDS - start)) s)"
		passed=$((passed + 1))
	else
		echo "  FAIL  dkms-$s: $VM_FAILED checks failed (log: $vmlog)"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
