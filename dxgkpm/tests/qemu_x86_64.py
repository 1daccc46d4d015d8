# SPDX-License-Identifier: GPL-2.0-only
#
# kunit.py --qemu_config for the dxgkpm KUnit suites (see scripts/kunit.sh):
# x86_64 on QEMU's q35 machine, an emulated Intel IOMMU in strict mode in front
# of two edu PCI devices (1234:11e8), which the suites use as DMA masters
# (dxgkpm/tests/edu.c). kunit.py adds -nodefaults, -m 1024, -no-reboot and
# -nographic itself.
#
# init_on_alloc=0 init_on_free=0: the page allocator must not zero pages
# itself, or dxgkpm_zero (dxgkpm/tests/zero_test.c) could not see dxgkpm fail to
# (the suite checks that it does not).
#
# movablecore=256M: the top 256 MiB of RAM is ZONE_MOVABLE, where dxgkpm must
# never take a page it pins (dxgkpm/tests/movable_test.c checks every memory
# type against it).
#
# -accel tcg is essential: /dev/kvm on the project's machines belongs to a
# hypervisor that only runs patched guests, so KVM initialises and then
# hangs instead of falling back to TCG.

from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_PRINTK_TIME=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0 intel_iommu=on iommu.strict=1 kasan_multi_shot panic=-1 init_on_alloc=0 init_on_free=0 movablecore=256M',
			   extra_qemu_params=['-accel', 'tcg',
					      '-M', 'q35',
					      '-smp', '2',
					      '-bios', 'qboot.rom',
					      '-nic', 'none',
					      # The IOMMU before the devices it translates for.
					      '-device', 'intel-iommu,intremap=off',
					      '-device', 'edu',
					      '-device', 'edu'])
