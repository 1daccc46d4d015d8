#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make vmtest [KVER=6.1]: the VM integration tests on Debian's kernel of a
# series, with two edu devices behind the IOMMU. Every check listed in
# tests/vm/expected-test must pass. Ends with the line "N passed, N failed,
# N skipped"; exits non-zero on any failure.
#
# The kernel boots with init_on_alloc=0 init_on_free=0: Debian's kernels
# zero every page they allocate by default, which would hide a clear that
# dxgkpm failed to do (the reused-pages-* tests check both the setting and
# the clear). make run keeps Debian's default boot.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kernels.sh"
. "$(dirname "$0")/build.sh"
. "$(dirname "$0")/vm.sh"
. "$(dirname "$0")/setup.sh"

series=${1:-$KERNEL_SERIES_DEFAULT}
setup_tools
build_modules "$series"
log=$DXGKPM_LOGS/vmtest-$K_REL.log
mkdir -p "$(dirname "$log")"
step "VM tests on Debian $K_REL (TCG, q35, intel-iommu, 2 x edu)"
vm_boot "$log" 2 DXGKPM_MODE=test init_on_alloc=0 init_on_free=0
vm_verdict "$log" "$DXGKPM_TOP/tests/vm/expected-test"
msg "console log: $log"
echo "$VM_PASSED passed, $VM_FAILED failed, $VM_SKIPPED skipped"
[ "$VM_RC" -eq 0 ] && [ "$VM_FAILED" -eq 0 ]
