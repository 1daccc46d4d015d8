#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make check: every test. Installs what it needs (apt-get as root, Debian's
# kernels into the cache), then:
#   - builds the modules against each supported series with W=1 (a warning
#     fails the build test),
#   - lint: checkpatch --strict, kernel-doc, sparse,
#   - the KUnit suites through kunit.py on x86_64 QEMU (scripts/kunit.sh),
#   - the VM integration tests on each supported series (scripts/vmtest.sh),
# and ends with one line "N passed, N failed" over all of them. Exits
# non-zero on any failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kernels.sh"
. "$(dirname "$0")/build.sh"
. "$(dirname "$0")/setup.sh"

total_passed=0
total_failed=0
summary=()

# tally NAME PASSED FAILED SECONDS
tally() {
	total_passed=$((total_passed + $2))
	total_failed=$((total_failed + $3))
	summary+=("$(printf '%-22s %4d passed %4d failed %5ds' "$1" "$2" "$3" "$4")")
}

# run_suite NAME CMD...: run a script that ends with "N passed, N failed".
run_suite() {
	local name=$1 start out line p f
	shift
	start=$SECONDS
	out=$(mktemp)
	"$@" 2>&1 | tee "$out" || true
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
	if [ -n "$line" ]; then
		p=${line%% passed*}
		f=${line#*, }
		f=${f%% failed}
	else
		msg "$name gave no result line; counting it as one failure"
		p=0 f=1
	fi
	rm -f "$out"
	tally "$name" "$p" "$f" $((SECONDS - start))
}

# build_test SERIES: the W=1 build against one series, as a single test.
build_test() {
	local start=$SECONDS ok=0 warnings
	# A subshell, so that a failed build (die) does not end the run.
	warnings=$( (build_modules "$1" >&2 && echo "$B_WARNINGS") || true)
	[ "$warnings" = 0 ] && ok=1
	tally "build-$1 (W=1)" "$ok" $((1 - ok)) $((SECONDS - start))
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

echo
echo "dxgkpm make check ($((SECONDS - started))s):"
printf '  %s\n' "${summary[@]}"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
