#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make check: every test. Installs what it needs (apt-get as root, Debian's
# kernels into the cache), then:
#   - builds the modules against each supported series with W=1 (a warning
#     fails the build test),
#   - lint: checkpatch --strict, kernel-doc, sparse,
#   - the KUnit suites through kunit.py on x86_64 QEMU (scripts/kunit.sh),
#   - the VM integration tests on each supported series (scripts/vmtest.sh),
#   - bench-smoke: the benchmark (scripts/bench.sh --smoke) once at small
#     sizes on each supported series; a row that ran passes, and only a
#     failed VM or module fails: no timing is judged,
# and ends with one line "N passed, N failed, N skipped" over all of them.
# Exits non-zero on any failure.
#
# A step's verdict is its own last line "N passed, N failed[, N skipped]"
# and its exit status together: a step that exits non-zero is a failure
# even if its line says "0 failed", and a step without that line is one.
#
# CHECK_STEPS (optional) runs only the named steps, for a developer's
# quicker loop: e.g. CHECK_STEPS="lint vm-6.1". CI leaves it unset.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kernels.sh"
. "$(dirname "$0")/build.sh"
. "$(dirname "$0")/setup.sh"

total_passed=0
total_failed=0
total_skipped=0
summary=()

# tally NAME PASSED FAILED SKIPPED SECONDS
tally() {
	total_passed=$((total_passed + $2))
	total_failed=$((total_failed + $3))
	total_skipped=$((total_skipped + $4))
	summary+=("$(printf '%-22s %4d passed %4d failed %4d skipped %5ds' \
		"$1" "$2" "$3" "$4" "$5")")
}

# wanted NAME: whether CHECK_STEPS selects the step.
wanted() {
	[ -z "${CHECK_STEPS:-}" ] && return 0
	case " $CHECK_STEPS " in *" $1 "*) return 0 ;; esac
	return 1
}

# verdict_of OUT RC NAME: "PASSED FAILED SKIPPED" from a step's output file
# and exit status.
verdict_of() {
	local line p f s
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$1" |
		tail -n 1 || true)
	if [ -z "$line" ]; then
		msg "$3 gave no result line (exit status $2); counting it as one failure"
		echo "0 1 0"
		return
	fi
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed*}
	s=0
	case $line in *skipped) s=${line##*, }; s=${s%% skipped} ;; esac
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		msg "$3 exited with status $2 although it reported no failure; counting one"
		f=1
	fi
	echo "$p $f $s"
}

# run_suite NAME CMD...: run a step that ends with its result line.
run_suite() {
	local name=$1 start out rc v
	shift
	wanted "$name" || return 0
	start=$SECONDS
	out=$(mktemp)
	rc=0
	"$@" 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}
	v=$(verdict_of "$out" "$rc" "$name")
	rm -f "$out"
	# shellcheck disable=SC2086 # three numbers
	tally "$name" $v $((SECONDS - start))
}

# build_test SERIES: the W=1 build against one series, as a single test.
build_test() {
	local start=$SECONDS ok=0 warnings
	wanted "build-$1" || return 0
	# A subshell, so that a failed build (die) does not end the run.
	warnings=$( (build_modules "$1" >&2 && echo "$B_WARNINGS") || true)
	[ "$warnings" = 0 ] && ok=1
	tally "build-$1 (W=1)" "$ok" $((1 - ok)) 0 $((SECONDS - start))
}

started=$SECONDS
setup_tools
for s in $KERNEL_SERIES_ALL; do
	build_test "$s"
done
run_suite lint "$DXGKPM_TOP/scripts/lint.sh"
run_suite kunit "$DXGKPM_TOP/scripts/kunit.sh"
for s in $KERNEL_SERIES_ALL; do
	run_suite "vm-$s" "$DXGKPM_TOP/scripts/vmtest.sh" "$s"
done
# shellcheck disable=SC2086 # one word per series
run_suite bench-smoke "$DXGKPM_TOP/scripts/bench.sh" --smoke $KERNEL_SERIES_ALL

echo
echo "dxgkpm make check ($((SECONDS - started))s):"
if [ ${#summary[@]} -eq 0 ]; then
	msg "no step ran (CHECK_STEPS=${CHECK_STEPS:-})"
	total_failed=$((total_failed + 1))
else
	printf '  %s\n' "${summary[@]}"
fi
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
[ "$total_failed" -eq 0 ]
