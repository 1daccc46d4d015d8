#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Install what building, booting and testing dxgkpm needs: Debian packages
# for the tools (as root, apt-get), and Debian's kernels of every supported
# series unpacked into the cache (see kernels.sh). The other scripts source
# it for setup_tools.

# Every command the scripts run and every file they need from the system,
# with the Debian package that provides it. setup_tools installs the
# packages and then checks each entry, so a missing one is a clear error
# naming its package, never an empty result further on. The first group
# comes with every Debian system (Essential and minbase packages); it is
# checked all the same.
DXGKPM_TOOLS_BASE="apt-get:apt apt-cache:apt dpkg-deb:dpkg dpkg-query:dpkg
	awk:mawk sed:sed grep:grep find:findutils xargs:findutils tar:tar
	timeout:coreutils od:coreutils mktemp:coreutils nproc:coreutils
	sha256sum:coreutils setsid:util-linux flock:util-linux gzip:gzip"
DXGKPM_TOOLS="make:make gcc:gcc /usr/lib/x86_64-linux-gnu/libc.a:libc6-dev
	bc:bc flex:flex bison:bison /usr/include/gelf.h:libelf-dev
	/usr/include/openssl/ssl.h:libssl-dev pahole:dwarves
	modinfo:kmod depmod:kmod cpio:cpio xz:xz-utils zstd:zstd
	/bin/busybox:busybox-static qemu-system-x86_64:qemu-system-x86
	/usr/share/qemu/qboot.rom:qemu-system-data python3:python3
	perl:perl
	sparse:sparse git:git"

# _tool_packages LIST: the packages named in LIST, once each.
_tool_packages() {
	local pair
	for pair in $1; do
		echo "${pair#*:}"
	done | sort -u
}

setup_tools() {
	local pkgs
	need_all "$DXGKPM_TOOLS_BASE"
	mapfile -t pkgs < <(_tool_packages "$DXGKPM_TOOLS")
	apt_install "${pkgs[@]}"
	need_all "$DXGKPM_TOOLS"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	. "$(dirname "$0")/lib.sh"
	. "$(dirname "$0")/kernels.sh"
	setup_tools
	for s in $KERNEL_SERIES_ALL; do
		kernel_fetch "$s"
		msg "kernel $s: $K_REL ($K_PKGVER), headers in $K_KDIR"
	done
	kernel_source_fetch
	msg "KUnit source tree: $K_SRC"
fi
