# SPDX-License-Identifier: GPL-2.0-only
# The one place that decides which Debian kernels dxgkpm builds, boots and tests
# against, and how they are fetched. Source it after lib.sh.
#
# A "series" is what a user names (KVER=6.12, KVER=6.1). Each series resolves,
# every time it is asked for, to the newest ABI the configured Debian archive
# offers; old ABIs are superseded in the archive, so no version is hard-coded.
# The packages are downloaded with apt-get (signatures checked by apt) and
# unpacked under $DXGKPM_CACHE, so nothing is installed into /boot and the
# host's dpkg state is left alone.

KERNEL_SERIES_ALL="6.12 6.1"
KERNEL_SERIES_DEFAULT=6.12
# The series whose source tree builds the KUnit kernel.
KERNEL_SOURCE_SERIES=6.12

# _series_image_regex SERIES: apt package-name regex of the unsigned image.
_series_image_regex() {
	case "$1" in
	6.12) echo '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
	6.1)  echo '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
	*) die "unsupported kernel series '$1' (supported: $KERNEL_SERIES_ALL)" ;;
	esac
}

# _pkg_candidate PKG: version apt would install, empty if none.
_pkg_candidate() {
	apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2 }'
}

# _pkg_sibling_deps PKG VERSION REGEX: "name=version" of PKG's dependencies
# whose name matches REGEX, taken from the same source upload as PKG when the
# archive has it (Debian ships headers, common and kbuild from one source).
_pkg_sibling_deps() {
	local name
	apt-cache show "$1=$2" 2>/dev/null |
		awk -F': ' '/^Depends:/ { print $2; exit }' | tr ',|' '\n\n' |
		sed -nE "s/^ *($3)( .*)?$/\1/p" | sort -u | while read -r name; do
		if apt-cache show "$name=$2" >/dev/null 2>&1; then
			echo "$name=$2"
		else
			echo "$name=$(_pkg_candidate "$name")"
		fi
	done
}

# kernel_resolve SERIES: set K_SERIES, K_REL (uname -r), K_PKGVER.
kernel_resolve() {
	local re pkg names
	K_SERIES=$1
	re=$(_series_image_regex "$1") || exit 1
	apt_updated
	names=$(apt-cache pkgnames linux-image-) || die "apt-cache failed"
	pkg=$(printf '%s\n' "$names" | grep -E "$re" | sort -rV | while read -r p; do
		if [ -n "$(_pkg_candidate "$p")" ]; then
			echo "$p"
			break
		fi
	done || true)
	[ -n "$pkg" ] || die "no installable kernel image for series $1 in the apt archive"
	K_REL=${pkg#linux-image-}
	K_REL=${K_REL%-unsigned}
	K_PKGVER=$(_pkg_candidate "$pkg")
}

# _fetch_debs DIR NAME=VERSION...: download the packages into DIR (once).
_fetch_debs() {
	local dir=$1 spec name ver want=()
	shift
	mkdir -p "$dir"
	for spec in "$@"; do
		name=${spec%%=*}
		ver=${spec#*=}
		ls "$dir/${name}_${ver//:/%3a}_"*.deb >/dev/null 2>&1 || want+=("$spec")
	done
	[ ${#want[@]} -eq 0 ] && return 0
	step "apt-get download ${want[*]}"
	(cd "$dir" && apt-get download -q "${want[@]}" 2>&1 |
		grep -v 'unsandboxed as root' >&2; exit "${PIPESTATUS[0]}") ||
		die "apt-get download failed: ${want[*]}"
}

# _deb_path DIR NAME=VERSION: path of a downloaded package.
_deb_path() {
	local name=${2%%=*} ver=${2#*=}
	ls "$1/${name}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n 1
}

# _extract_vmlinux BZIMAGE OUT: decompress the ELF kernel out of a bzImage so
# QEMU can boot it directly (PVH), which skips the in-guest decompression.
_extract_vmlinux() {
	local img=$1 out=$2 off magic tool
	local offs
	for magic in '\x28\xb5\x2f\xfd:zstd -dcq' '\xfd\x37\x7a\x58\x5a\x00:xz -dcq' \
		'\x1f\x8b\x08:gzip -dcq'; do
		tool=${magic#*:}
		# grep's status 1 is "no such magic here"; anything else is an error.
		offs=$(LC_ALL=C grep -obUaP "${magic%%:*}" "$img" | cut -d: -f1 ||
			[ $? -eq 1 ]) || die "cannot search $img"
		for off in $offs; do
			tail -c +$((off + 1)) "$img" | $tool > "$out.tmp" 2>/dev/null
			if [ "$(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done
	done
	rm -f "$out.tmp"
	return 1
}

# kernel_fetch SERIES: make the headers and the bootable kernel of SERIES
# available; sets K_* from kernel_resolve plus K_KDIR (kbuild tree for M=
# builds), K_VMLINUX (ELF, PVH-bootable) and K_CONFIG.
kernel_fetch() {
	local base root img hdr deps spec d
	kernel_resolve "$1"
	base=$DXGKPM_CACHE/kernels/$K_REL
	root=$base/root
	K_KDIR=$root/usr/src/linux-headers-$K_REL
	K_VMLINUX=$base/vmlinux
	K_CONFIG=$root/boot/config-$K_REL
	if [ -e "$base/.complete" ] && [ "$(cat "$base/.complete")" = "$K_PKGVER" ]; then
		return 0
	fi
	img="linux-image-$K_REL-unsigned=$K_PKGVER"
	hdr="linux-headers-$K_REL=$(_pkg_candidate "linux-headers-$K_REL")"
	[ "${hdr#*=}" ] || die "no linux-headers-$K_REL in the apt archive"
	mapfile -t deps < <(_pkg_sibling_deps "${hdr%%=*}" "${hdr#*=}" \
		'linux-headers-[^ ]+-common|linux-kbuild-[^ ]+')
	[ ${#deps[@]} -eq 2 ] || die "cannot resolve the kbuild/common packages of ${hdr%%=*}"
	_fetch_debs "$DXGKPM_CACHE/debs" "$img" "$hdr" "${deps[@]}"
	step "unpacking Debian kernel $K_REL ($K_PKGVER)"
	rm -rf "$base"
	mkdir -p "$root"
	for spec in "$hdr" "${deps[@]}"; do
		dpkg-deb -x "$(_deb_path "$DXGKPM_CACHE/debs" "$spec")" "$root" ||
			die "cannot unpack $spec"
	done
	dpkg-deb --fsys-tarfile "$(_deb_path "$DXGKPM_CACHE/debs" "$img")" |
		tar -x -C "$root" ./boot || die "cannot unpack $img"
	# The arch headers include the common tree by absolute path: re-point it.
	d=$(ls -d "$root"/usr/src/linux-headers-*-common | head -n 1)
	echo "include $d/Makefile" > "$K_KDIR/Makefile"
	_extract_vmlinux "$root/boot/vmlinuz-$K_REL" "$K_VMLINUX" ||
		die "cannot extract vmlinux from vmlinuz-$K_REL"
	echo "$K_PKGVER" > "$base/.complete"
}

# kernel_source_fetch: unpack linux-source-$KERNEL_SOURCE_SERIES (same version
# as the resolved image when the archive has it); sets K_SRC.
kernel_source_fetch() {
	local pkg=linux-source-$KERNEL_SOURCE_SERIES ver dest
	kernel_resolve "$KERNEL_SOURCE_SERIES"
	ver=$K_PKGVER
	apt-cache show "$pkg=$ver" >/dev/null 2>&1 || ver=$(_pkg_candidate "$pkg")
	[ -n "$ver" ] || die "no $pkg in the apt archive"
	dest=$DXGKPM_CACHE/src/$pkg-$ver
	K_SRC=$dest/$pkg
	[ -e "$dest/.complete" ] && return 0
	_fetch_debs "$DXGKPM_CACHE/debs" "$pkg=$ver"
	step "unpacking $pkg $ver"
	rm -rf "$dest"
	mkdir -p "$dest"
	dpkg-deb --fsys-tarfile "$(_deb_path "$DXGKPM_CACHE/debs" "$pkg=$ver")" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$dest" || die "cannot unpack $pkg"
	touch "$dest/.complete"
}

# kernel_modules NAME...: unpack modules of the last fetched kernel (see
# kernel_fetch) and everything they depend on, decompressed, into
# $K_MODDIR; $K_MODDIR/order lists them in load order (dependencies first).
kernel_modules() {
	local deb list want=("$@") done=() name path file dep order=() i
	# One directory per set of modules asked for, so that runs asking for
	# different sets do not undo each other.
	K_MODDIR=$DXGKPM_CACHE/kernels/$K_REL/modules-$(printf '%s' "$*" | tr ' ' '+')
	if [ -e "$K_MODDIR/.complete" ]; then
		return 0
	fi
	deb=$(_deb_path "$DXGKPM_CACHE/debs" "linux-image-$K_REL-unsigned=$K_PKGVER")
	[ -n "$deb" ] || die "kernel_modules: fetch $K_REL first"
	rm -rf "$K_MODDIR"
	mkdir -p "$K_MODDIR"
	list=$(dpkg-deb --fsys-tarfile "$deb" | tar -t | grep -E '\.ko(\.xz|\.zst)?$') ||
		die "cannot list the modules in $deb"
	# Depth first, so that a module comes after what it needs.
	_kmod_add() {
		local name=${1//-/_} path file dep
		case " ${done[*]} " in *" $name "*) return 0 ;; esac
		done+=("$name")
		path=$(echo "$list" | grep -E "/(${name}|${name//_/-})\.ko(\.xz|\.zst)?$" | head -n 1)
		[ -n "$path" ] || die "module $1 is not in $(basename "$deb")"
		dpkg-deb --fsys-tarfile "$deb" | tar -x -O "$path" > "$K_MODDIR/$name.ko.tmp" ||
			die "cannot unpack $path"
		case $path in
		*.xz) xz -dc "$K_MODDIR/$name.ko.tmp" > "$K_MODDIR/$name.ko" ;;
		*.zst) zstd -dcq "$K_MODDIR/$name.ko.tmp" > "$K_MODDIR/$name.ko" ;;
		*) mv "$K_MODDIR/$name.ko.tmp" "$K_MODDIR/$name.ko" ;;
		esac || die "cannot decompress $path"
		rm -f "$K_MODDIR/$name.ko.tmp"
		dep=$(modinfo -F depends "$K_MODDIR/$name.ko") ||
			die "modinfo cannot read $name.ko (package kmod)"
		for dep in ${dep//,/ }; do
			_kmod_add "$dep"
		done
		order+=("$name.ko")
	}
	for name in "${want[@]}"; do
		_kmod_add "$name"
	done
	printf '%s\n' "${order[@]}" > "$K_MODDIR/order"
	touch "$K_MODDIR/.complete"
}
