#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Install what building, booting and testing dxgkpm needs: Debian packages
# for the tools (as root, apt-get), and Debian's kernels of every supported
# series unpacked into the cache (see kernels.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kernels.sh"

# Tools for builds, VMs and the KUnit kernel.
DXGKPM_PACKAGES="make gcc libc6-dev bc flex bison libelf-dev libssl-dev
	cpio gzip xz-utils zstd busybox-static qemu-system-x86 python3 perl
	sparse"

setup_tools() {
	# shellcheck disable=SC2086
	apt_install $DXGKPM_PACKAGES
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	setup_tools
	for s in $KERNEL_SERIES_ALL; do
		kernel_fetch "$s"
		msg "kernel $s: $K_REL ($K_PKGVER), headers in $K_KDIR"
	done
	kernel_source_fetch
	msg "KUnit source tree: $K_SRC"
fi
