#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the dxgkpm KUnit suites with the kernel's own kunit.py: the checkout is
# grafted into the Debian linux-source tree as drivers/dxgkpm, built into an
# x86_64 kernel (dxgkpm/tests/.kunitconfig) and booted in QEMU under TCG on a
# q35 machine with an emulated Intel IOMMU and two edu devices
# (dxgkpm/tests/qemu_x86_64.py). The kernel log is then searched for reports of
# the kernel's checkers (KASAN, lockdep, DMA-API debugging, kmemleak, WARN,
# ...), which fail the run even when every test case passed.
#
# Usage: scripts/kunit.sh [kunit.py run arguments]
#   e.g. scripts/kunit.sh 'dxgkpm_harness.*'    (a filter glob)
# Environment:
#   KUNIT_TIMEOUT  seconds the VM may run (default 1800)
#   KUNIT_JOBS     parallel build jobs (default: nproc)
#   DXGKPM_CACHE   cache directory (default ~/.cache/dxgkpm); the build
#                  directory is $DXGKPM_CACHE/kunit-build/x86_64, outside
#                  the checkout, so reruns are incremental.
# Every suite and the number of its cases that must pass are listed in
# dxgkpm/tests/expected (scripts/kunit_expect.py compares): a case that is lost
# or skipped fails the run as surely as one that fails. The last line of output
# is always "N passed, N failed, N skipped"; the exit status is non-zero if
# anything failed. Works without a terminal and as root.
set -uo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" || exit 1
# shellcheck source=scripts/kernels.sh
. "$DXGKPM_TOP/scripts/kernels.sh" || exit 1
# shellcheck source=scripts/setup.sh
. "$DXGKPM_TOP/scripts/setup.sh" || exit 1

KUNIT_TIMEOUT=${KUNIT_TIMEOUT:-1800}
KUNIT_JOBS=${KUNIT_JOBS:-$(nproc)}
KUNIT_ARCH=x86_64
KUNIT_BUILD=$DXGKPM_CACHE/kunit-build/$KUNIT_ARCH
KUNIT_CONFIG=$DXGKPM_TOP/dxgkpm/tests/.kunitconfig
KUNIT_QEMU_CONFIG=$DXGKPM_TOP/dxgkpm/tests/qemu_$KUNIT_ARCH.py
KUNIT_EXPECTED=$DXGKPM_TOP/dxgkpm/tests/expected

# The final verdict, printed on every way out (die() included): nothing
# passed is a failure too.
kunit_passed=0
kunit_failed=0
kunit_skipped=0
kunit_verdict=
verdict() {
	kunit_verdict=1
	if [ "$kunit_passed" -eq 0 ] && [ "$kunit_failed" -eq 0 ]; then
		msg "error: no test case passed"
		kunit_failed=1
	fi
	printf '%d passed, %d failed, %d skipped\n' "$kunit_passed" \
		"$kunit_failed" "$kunit_skipped"
	[ "$kunit_failed" -eq 0 ]
	exit
}
# shellcheck disable=SC2317 # called by the EXIT trap
on_exit() {
	[ -n "$kunit_verdict" ] && return
	kunit_failed=$((kunit_failed + 1))
	verdict
}
trap on_exit EXIT
fail() {
	msg "error: $*"
	kunit_failed=$((kunit_failed + 1))
	verdict
}

# graft: make $K_SRC build this checkout as drivers/dxgkpm. Idempotent; a
# moved checkout (CI clones elsewhere) re-points the link and drops the
# objects built from the old one, whose sources may look newer.
graft() {
	local link=$K_SRC/drivers/dxgkpm kconfig=$K_SRC/drivers/Kconfig
	local makefile=$K_SRC/drivers/Makefile line stamp

	if [ -L "$link" ]; then
		[ "$(readlink "$link")" = "$DXGKPM_TOP" ] ||
			ln -sfn "$DXGKPM_TOP" "$link" || return 1
	elif [ -e "$link" ]; then
		msg "$link exists and is not a symlink"
		return 1
	else
		ln -s "$DXGKPM_TOP" "$link" || return 1
	fi

	if ! grep -qx 'source "drivers/dxgkpm/Kconfig"' "$kconfig"; then
		line=$(grep -n '^endmenu' "$kconfig" | tail -n 1 | cut -d: -f1)
		[ -n "$line" ] || { msg "no endmenu in $kconfig"; return 1; }
		sed -i "${line}i source \"drivers/dxgkpm/Kconfig\"\\n" "$kconfig" ||
			return 1
	fi
	# shellcheck disable=SC2016 # a make variable, literally
	grep -qxF 'obj-$(CONFIG_DXGKPM)		+= dxgkpm/' "$makefile" ||
		printf '%s\n' 'obj-$(CONFIG_DXGKPM)		+= dxgkpm/' >> "$makefile" ||
		return 1

	stamp=$KUNIT_BUILD/.dxgkpm-top
	if [ -e "$stamp" ] && [ "$(cat "$stamp")" != "$DXGKPM_TOP" ]; then
		msg "checkout moved from $(cat "$stamp"): rebuilding its objects"
		rm -rf "$KUNIT_BUILD/drivers/dxgkpm"
	fi
	mkdir -p "$KUNIT_BUILD" && printf '%s\n' "$DXGKPM_TOP" > "$stamp"
}

# check_config: every option the kunitconfig asks for is in the .config.
# kunit.py checks this too; this says which one and stops a silent drop.
check_config() {
	local opt nmissing=0

	while read -r opt; do
		grep -qxF "$opt" "$KUNIT_BUILD/.config" && continue
		msg "requested but not in the .config: $opt"
		nmissing=$((nmissing + 1))
	done < <(grep -E '^CONFIG_[A-Z0-9_]+=' "$KUNIT_CONFIG")
	return "$nmissing"
}

# Kernel log lines that report a problem found by a checker. Extended
# regular expressions, matched case-sensitively.
CHECKER_RE='BUG:|WARNING:|Call Trace|KASAN|DMA-API:|possible circular locking|lockdep|kmemleak: [0-9]+ new suspected|unreferenced object|UBSAN|general protection|Oops|Kernel panic|Unable to handle|qemu: hardware error|INFO: task .* blocked|rcu: INFO:|detected stalls'
# Lines that match CHECKER_RE but only announce that a checker is on.
BENIGN_RE='RCU lockdep checking is enabled|DMA-API: preallocated [0-9]+ debug entries|DMA-API: debugging enabled by kernel config|kmemleak: Kernel memory leak detector initialized|kmemleak: Automatic memory scanning thread started'

# scan_log LOG: the checker reports in LOG, as matching lines (at most 200)
# followed by a last line with the number of reports. The lines of one
# report (a WARNING and its message, a trace) count once: a match within 40
# lines of the previous one, or a "Call Trace" within 300, continues it.
scan_log() {
	grep -nE "$CHECKER_RE" "$1" | grep -vE "$BENIGN_RE" | awk -F: '
		{
			n = $1 + 0
			trace = ($0 ~ /Call Trace/)
			if (!seen || n - last > (trace ? 300 : 40))
				reports++
			seen = 1
			last = n
			if (++printed <= 200)
				print "  " $0
		}
		END {
			if (printed > 200)
				print "  ... " printed - 200 " more lines"
			print reports + 0
		}'
}

# kunit_py COMMAND ARGS...: kunit.py COMMAND with this project's
# configuration, its output also in $out; sets kunit_rc.
kunit_py() {
	local cmd=$1
	shift
	(cd "$K_SRC" && python3 tools/testing/kunit/kunit.py "$cmd" \
		--arch="$KUNIT_ARCH" \
		--kunitconfig="$KUNIT_CONFIG" \
		--build_dir="$KUNIT_BUILD" \
		--qemu_config="$KUNIT_QEMU_CONFIG" \
		--timeout="$KUNIT_TIMEOUT" \
		--json="$json" \
		"$@") < /dev/null 2>&1 | tee -a "$out"
	kunit_rc=${PIPESTATUS[0]}
}

# died_in_boot LOG: true if the kernel of LOG oopsed or panicked before
# its first test began (before the first "KTAP version" line). This is
# the one failure run again, once: multi-threaded TCG now and then loses
# a race with the kernel's live code patching (text_poke_bp) during boot,
# an "Oops: int3" before any test code has run.
died_in_boot() {
	[ -s "$1" ] || return 1
	awk '
		/KTAP version|TAP version/ && !ktap { ktap = NR }
		/Oops|Kernel panic/ && !oops { oops = NR }
		END { exit !(oops && (!ktap || oops < ktap)) }' "$1"
}

# count STATUS SUMMARY: the number kunit.py gave for STATUS (summed over
# the "Testing complete" lines of isolated runs).
count() {
	printf '%s\n' "$2" | grep -oE "$1: [0-9]+" | awk '{ n += $2 } END { print n + 0 }'
}

main() {
	local log out json rc summary scan reports faults errors counts
	local passed failed skipped lost filtered=

	step "installing build and run dependencies"
	setup_tools

	kernel_source_fetch
	[ -d "$K_SRC" ] || fail "no kernel source tree at $K_SRC"
	step "grafting $DXGKPM_TOP into $K_SRC"
	mkdir -p "$KUNIT_BUILD" || fail "cannot create $KUNIT_BUILD"

	# One run at a time: the graft in the shared source tree points at one
	# checkout, and the build directory is shared.
	exec 9> "$DXGKPM_CACHE/kunit-build/.lock" || fail "cannot open the lock"
	if ! flock -n 9; then
		msg "another KUnit run holds $DXGKPM_CACHE/kunit-build/.lock: waiting"
		flock 9 || fail "cannot take the lock"
	fi
	graft || fail "cannot graft the checkout into $K_SRC"

	log=$KUNIT_BUILD/test.log
	out=$KUNIT_BUILD/kunit.out
	json=$KUNIT_BUILD/results.json
	rm -f "$log" "$log.boot1" "$json" "$out" "$out.boot1"
	step "kunit.py run ($KUNIT_ARCH, QEMU TCG, build dir $KUNIT_BUILD)"
	kunit_py run --jobs="$KUNIT_JOBS" "$@"
	rc=$kunit_rc
	if died_in_boot "$log"; then
		msg "the kernel died during boot, before the first test (an" \
			"emulator race, see died_in_boot); running it once more"
		grep -m1 -E 'Oops|Kernel panic' "$log" >&2 || true
		mv "$log" "$log.boot1"
		mv "$out" "$out.boot1"
		rm -f "$json"
		step "kunit.py exec (the second boot)"
		kunit_py exec "$@"
		rc=$kunit_rc
	fi

	if [ -e "$KUNIT_BUILD/.config" ] && ! check_config; then
		kunit_failed=$((kunit_failed + 1))
	fi

	summary=$(sed 's/\x1b\[[0-9;]*m//g' "$out" |
		grep -oE 'Testing complete\. Ran [0-9]+ tests:.*' || true)
	if [ -z "$summary" ] || [ ! -s "$log" ] || [ ! -s "$json" ]; then
		fail "kunit.py did not run the tests (exit status $rc; see above)"
	fi
	errors=$(count errors "$summary")

	step "machine"
	grep -E 'DMAR: IOMMU enabled|\[1234:11e8\]|Adding to iommu group|iommu: Default domain type' "$log" |
		sed 's/^/  /'
	grep -q 'DMAR: IOMMU enabled' "$log" ||
		msg "warning: the Intel IOMMU is not enabled in the guest"
	# dxgkpm_isolation's cases each find the fault of their own stale write
	# in the log; this count is for the reader only.
	faults=$(grep -cE 'DMAR: \[DMA (Read|Write)' "$log" || true)
	msg "the IOMMU reported $faults DMA faults (printk-ratelimited)"

	if grep -qE '^[^ ]*drivers/dxgkpm/.*: warning:' "$out"; then
		step "compiler warnings in dxgkpm sources (this build only)"
		grep -E '^[^ ]*drivers/dxgkpm/.*: warning:' "$out" | sed 's/^/  /'
	fi

	step "checker reports in $log"
	scan=$(scan_log "$log")
	reports=$(printf '%s\n' "$scan" | tail -n 1)
	if [ "$reports" -eq 0 ]; then
		msg "  none"
	else
		printf '%s\n' "$scan" | sed '$d' >&2
		msg "  $reports reports"
	fi

	step "cases against $KUNIT_EXPECTED"
	[ $# -gt 0 ] && filtered=--filtered
	counts=$(python3 "$DXGKPM_TOP/scripts/kunit_expect.py" "$json" \
		"$KUNIT_EXPECTED" $filtered) ||
		fail "cannot read the results in $json"
	read -r passed failed skipped lost <<<"$counts"
	[ -n "$filtered" ] && msg "  a filtered run: case counts not compared"
	[ "$lost" -eq 0 ] && [ -z "$filtered" ] && msg "  every suite ran all its cases"

	step "KUnit cases: $passed passed, $failed failed, $skipped skipped, $lost lost"
	[ "$errors" -eq 0 ] || msg "kunit.py: $errors errors parsing the results"
	kunit_passed=$passed
	kunit_skipped=$skipped
	kunit_failed=$((kunit_failed + failed + lost + errors + reports))
	if [ "$rc" -ne 0 ] && [ "$kunit_failed" -eq 0 ]; then
		msg "kunit.py exited with status $rc"
		kunit_failed=1
	fi
	verdict
}

main "$@"
