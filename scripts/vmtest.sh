#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make vmtest [KVER=6.1] [VM_CONFIGS="strict lazy ..."]: the VM integration
# tests on Debian's kernel of a series, one boot per configuration
# (scripts/vm.sh vm_config: IOMMU modes, bounce buffers, NUMA, 64-bit
# devices), each running every test that applies to it. Every check listed
# in tests/vm/expected/<config> must pass. Ends with the line "N passed,
# N failed, N skipped"; exits non-zero on any failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kernels.sh"
. "$(dirname "$0")/build.sh"
. "$(dirname "$0")/vm.sh"
. "$(dirname "$0")/setup.sh"

series=${1:-$KERNEL_SERIES_DEFAULT}
configs=${2:-$VM_CONFIGS}
setup_tools
build_modules "$series"
mkdir -p "$DXGKPM_LOGS"
passed=0 failed=0 skipped=0 table=()
for c in $configs; do
	vm_config "$c"
	log=$DXGKPM_LOGS/vmtest-$K_REL-$c.log
	step "VM tests on Debian $K_REL, configuration $c"
	start=$SECONDS
	vm_boot "$log"
	vm_verdict "$log"
	msg "console log: $log"
	passed=$((passed + VM_PASSED))
	failed=$((failed + VM_FAILED))
	skipped=$((skipped + VM_SKIPPED))
	table+=("$(printf '%-8s %3d passed %3d failed %3d skipped %4ds' "$c" \
		"$VM_PASSED" "$VM_FAILED" "$VM_SKIPPED" $((SECONDS - start)))")
done
echo
echo "VM tests on $K_REL:"
printf '  %s\n' "${table[@]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
