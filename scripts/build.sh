# SPDX-License-Identifier: GPL-2.0-only
# Out-of-tree builds against the Debian headers. Source after kernels.sh.

# build_modules SERIES: build dxgkpm, the GEM helper, the two samples, the
# VM test helper and the benchmark module
# against SERIES with W=1, in a copy of the tree under the cache (so the
# checkout holds no build output and both series can be built side by
# side). Sets B_DIR and B_LOG; fails on an error, and B_WARNINGS counts the
# compiler and modpost warnings.
build_modules() {
	kernel_fetch "$1"
	B_DIR=$DXGKPM_WORK/build/$K_REL
	B_LOG=$B_DIR.log
	rm -rf "$B_DIR"
	mkdir -p "$B_DIR"
	tar -c -C "$DXGKPM_TOP" --exclude-vcs --exclude-vcs-ignores \
		Kbuild Kconfig bench drm dxgkpm include samples tests |
		tar -x -C "$B_DIR" ||
		die "cannot copy the tree to $B_DIR"
	step "building the modules against $K_REL (W=1)"
	if ! make -C "$K_KDIR" M="$B_DIR" W=1 CONFIG_DXGKPM=m \
		CONFIG_DXGKPM_GEM=m CONFIG_DXGKPM_SAMPLE_EDU=m \
		CONFIG_DXGKPM_SAMPLE_DRM=m CONFIG_DXGKPM_VMTEST=m \
		CONFIG_DXGKPM_BENCH=m modules \
		>"$B_LOG" 2>&1; then
		grep -E 'error|warning' "$B_LOG" >&2 || tail -n 30 "$B_LOG" >&2
		die "build against $K_REL failed (log: $B_LOG)"
	fi
	# The guest's test program: static, libc only.
	mkdir -p "$B_DIR/bin"
	if ! gcc -static -O2 -Wall -Wextra -Werror -o "$B_DIR/bin/dxgkpm-vmtest" \
		"$B_DIR/tests/vm/dxgkpm-vmtest.c" >>"$B_LOG" 2>&1; then
		tail -n 20 "$B_LOG" >&2
		die "building the VM test program failed (log: $B_LOG)"
	fi
	# The DRM test program takes <drm/drm.h> from the kernel's own uapi
	# headers (Debian's libc headers leave DRM to libdrm).
	local uapi
	uapi=$(ls -d "$(dirname "$K_KDIR")"/linux-headers-*-common/include/uapi/drm |
		head -n 1)
	[ -n "$uapi" ] || die "no include/uapi/drm in the headers of $K_REL"
	mkdir -p "$B_DIR/uapi/drm"
	# What headers_install does to them: no kernel annotations.
	for f in drm.h drm_mode.h; do
		sed -E 's/([[:space:](])(__user|__force|__iomem)[[:space:]]/\1/g' \
			"$uapi/$f" > "$B_DIR/uapi/drm/$f" || die "cannot copy $uapi/$f"
	done
	if ! gcc -static -O2 -Wall -Wextra -Werror -I"$B_DIR/uapi" \
		-o "$B_DIR/bin/dxgkpm-drmtest" \
		"$B_DIR/tests/vm/dxgkpm-drmtest.c" >>"$B_LOG" 2>&1; then
		tail -n 20 "$B_LOG" >&2
		die "building the DRM test program failed (log: $B_LOG)"
	fi
	B_WARNINGS=$(grep -cE 'warning:|WARNING:' "$B_LOG" || true)
	if [ "$B_WARNINGS" -ne 0 ]; then
		grep -E 'warning:|WARNING:' "$B_LOG" >&2
	fi
}
