#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make run [KVER=6.1]: the module's main job on its embedded default. Boots
# Debian's kernel of the series in QEMU (TCG, q35, intel-iommu, one edu
# device with its 28-bit DMA mask, 1 GiB), loads dxgkpm and the sample
# driver, and prints what the sample did. Exits 0 only if every step passed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kernels.sh"
. "$(dirname "$0")/build.sh"
. "$(dirname "$0")/vm.sh"
. "$(dirname "$0")/setup.sh"

series=${1:-$KERNEL_SERIES_DEFAULT}
setup_tools
build_modules "$series"
log=$DXGKPM_LOGS/run-$K_REL.log
mkdir -p "$(dirname "$log")"
step "booting Debian $K_REL in QEMU (TCG, q35, intel-iommu, edu)"
vm_config run
vm_boot "$log"
vm_verdict "$log"
msg "console log: $log"
if [ "$VM_RC" -eq 0 ] && [ "$VM_FAILED" -eq 0 ]; then
	echo "dxgkpm run on $K_REL: all $VM_PASSED steps passed"
else
	echo "dxgkpm run on $K_REL: $VM_FAILED steps failed"
	exit 1
fi
