#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make cleanroom [CLEANROOM="make run"]: the README's commands on a brand-new
# machine. Builds a minimal Debian root of this host's release with
# mmdebstrap from the host's own apt sources (minbase plus git, make and
# ca-certificates: what a newcomer has), clones the checkout's committed
# HEAD into it, and runs each command there as root, with no terminal and
# an empty environment, one after the other. Nothing of this machine's
# packages or caches is visible inside, so a set-up step that only works
# because a tool happens to be installed here fails here.
#
# Each command is one test; ends with "N passed, N failed, N skipped".
# Root is needed (mmdebstrap, chroot, mounts). Environment:
#   CLEANROOM       the commands, separated by ';' (default: the arguments,
#                   else "make run; make dkms-test")
#   CLEANROOM_DIR   where the root is made (default /var/tmp; not a tmpfs)
#   CLEANROOM_KEEP  1 keeps the root afterwards, for a look inside
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 ||
		die "the clean room needs root (mmdebstrap, chroot, mounts)"
	exec sudo --preserve-env=CLEANROOM,CLEANROOM_DIR,CLEANROOM_KEEP,DXGKPM_CACHE "$0" "$@"
fi
need_all "git:git chroot:coreutils mount:mount umount:mount"
apt_install mmdebstrap
need mmdebstrap mmdebstrap

cmds=()
if [ $# -gt 0 ]; then
	cmds=("$@")
else
	IFS=';' read -r -a cmds <<<"${CLEANROOM:-make run; make dkms-test}"
fi

suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$suite" ] || die "cannot tell this host's Debian release (/etc/os-release)"
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	/etc/apt/sources.list.d/*.sources; do
	[ -s "$f" ] && grep -qE '^[[:space:]]*(deb|Types:)' "$f" && sources+=("$f")
done
[ ${#sources[@]} -gt 0 ] || die "no apt sources on this host"

if ! git -C "$DXGKPM_TOP" diff --quiet HEAD 2>/dev/null; then
	msg "note: the clean room tests the committed HEAD; uncommitted changes are not in it"
fi

mkdir -p "${CLEANROOM_DIR:-/var/tmp}"
root=$(mktemp -d "${CLEANROOM_DIR:-/var/tmp}/dxgkpm-cleanroom.XXXXXX")
logs=$DXGKPM_LOGS/cleanroom
mkdir -p "$logs"
cleanup() {
	local m
	for m in sys dev proc; do
		umount -R -l "$root/$m" 2>/dev/null || true
	done
	if [ "${CLEANROOM_KEEP:-0}" = 1 ]; then
		msg "the clean root is kept in $root"
	else
		rm -rf --one-file-system "$root"
	fi
}
trap cleanup EXIT

step "mmdebstrap $suite (minbase + ca-certificates, git, make) into $root"
start=$SECONDS
mmdebstrap -q --variant=minbase --include=ca-certificates,git,make \
	"$suite" "$root" "${sources[@]}" >&2 ||
	die "mmdebstrap failed"
msg "root made in $((SECONDS - start)) s"
git clone -q "$DXGKPM_TOP" "$root/root/dxgkpm" || die "cannot clone $DXGKPM_TOP"
msg "cloned $(git -C "$root/root/dxgkpm" log -1 --format='%h %s')"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"
mount --make-rslave "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

passed=0 failed=0 table=()
for cmd in "${cmds[@]}"; do
	cmd=$(echo "$cmd" | sed 's/^ *//; s/ *$//')
	[ -n "$cmd" ] || continue
	log=$logs/$(echo "$cmd" | tr -c 'a-zA-Z0-9.-' '_').log
	step "clean room: $cmd (log: $log)"
	start=$SECONDS
	rc=0
	setsid chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		bash -c 'cd /root/dxgkpm && eval "$1"' cleanroom "$cmd" \
		</dev/null 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
	t=$((SECONDS - start))
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		table+=("$(printf 'ok    %-22s %5ds' "$cmd" "$t")")
	else
		failed=$((failed + 1))
		table+=("$(printf 'FAIL  %-22s %5ds  (exit status %d)' "$cmd" "$t" "$rc")")
	fi
done

echo
echo "dxgkpm clean room ($suite, minbase + ca-certificates, git, make):"
printf '  %s\n' "${table[@]}"
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
