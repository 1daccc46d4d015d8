# SPDX-License-Identifier: GPL-2.0-only
# Common helpers for the dxgkpm scripts. Source it; do not run it.

DXGKPM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DXGKPM_CACHE=${DXGKPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dxgkpm}
# What one checkout builds and logs lives apart from another's, so that two
# checkouts (a CI clone and a working tree) can be tested side by side; the
# downloads, the kernels and the KUnit build (under a lock) are shared.
DXGKPM_WORK=$DXGKPM_CACHE/work/$(basename "$DXGKPM_TOP")-$(printf '%s' "$DXGKPM_TOP" | sha256sum | cut -c1-8)
DXGKPM_LOGS=$DXGKPM_WORK/logs
export DXGKPM_TOP DXGKPM_CACHE DXGKPM_WORK DXGKPM_LOGS

msg() { printf '%s\n' "$*" >&2; }
die() { msg "error: $*"; exit 1; }

# step NAME: print a step header (kept short; CI logs read well with it)
step() { printf '==> %s\n' "$*" >&2; }

# as_root CMD...: run CMD as root (directly when we are root, else via sudo).
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root to run: $*"
	fi
}

# apt_updated: make sure the package lists exist and are not older than a day.
apt_updated() {
	local stamp=/var/lib/apt/periodic/update-success-stamp lists
	lists=$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n 1)
	[ -n "$lists" ] && return 0
	[ -e "$stamp" ] && [ -n "$(find "$stamp" -mmin -1440 2>/dev/null)" ] && return 0
	step "apt-get update"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 ||
		die "apt-get update failed"
}

# apt_install PKG...: install the packages that are not installed yet.
apt_install() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	apt_updated
	step "apt-get install ${missing[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install failed: ${missing[*]}"
}

# need WHAT PACKAGE: WHAT (a command, or a file when it holds a slash) must
# exist; otherwise stop and name the Debian package that provides it.
need() {
	case $1 in
	*/*) [ -e "$1" ] && return 0 ;;
	*) command -v "$1" >/dev/null 2>&1 && return 0 ;;
	esac
	die "'$1' is missing: it comes with the Debian package '$2' (make setup installs it)"
}

# need_all "WHAT:PACKAGE ...": need() for each pair.
need_all() {
	local pair
	for pair in $1; do
		need "${pair%%:*}" "${pair#*:}"
	done
}

# run_logged LOG CMD...: run CMD with its output in LOG; on failure show the
# end of LOG and return CMD's status.
run_logged() {
	local log=$1 rc=0
	shift
	"$@" >"$log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 30 "$log" >&2
		msg "'$*' failed with status $rc (log: $log)"
	fi
	return "$rc"
}
