# SPDX-License-Identifier: GPL-2.0-only
#
# dxgkpm: the WDDM physical memory object service for Linux GPU drivers.
#
#   make                 build dxgkpm.ko and the sample driver against KDIR
#   make run [KVER=6.1]  the demo: boot Debian's kernel in QEMU, load both
#                        modules, show what the sample driver did
#   make check           every test (builds, lint, KUnit, VM tests)
#   make bench [KVER=..] dxgkpm timed against TTM's page pool and the DMA
#                        API, on both kernels unless KVER names one
#   make cleanroom       the README's commands in a brand-new Debian root
#                        (CLEANROOM="make run; make dkms-test" by default)
#   make dkms-test       install with DKMS, boot the installed module
#
# KDIR defaults to the running kernel's build tree, or else to Debian's 6.12
# headers (the ones `make run`/`make check` unpack, or installed ones).

KVER ?= 6.12

DXGKPM_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/dxgkpm

ifeq ($(origin KDIR),undefined)
KDIR := $(firstword \
	$(wildcard /lib/modules/$(shell uname -r)/build/Makefile) \
	$(wildcard $(DXGKPM_CACHE)/kernels/6.12.*/root/usr/src/linux-headers-6.12.*-amd64/Makefile) \
	$(wildcard /usr/src/linux-headers-6.12.*-amd64/Makefile))
KDIR := $(patsubst %/Makefile,%,$(KDIR))
endif

MODULE_FLAGS := CONFIG_DXGKPM=m CONFIG_DXGKPM_GEM=m CONFIG_DXGKPM_SAMPLE_EDU=m \
	CONFIG_DXGKPM_SAMPLE_DRM=m

.PHONY: all modules clean run check kunit vmtest lint setup help bench \
	cleanroom dkms-test

all: modules

modules:
	@test -n "$(KDIR)" || { echo "No kernel build tree: install linux-headers-$$(uname -r), set KDIR=..., or run 'make setup'."; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(MODULE_FLAGS) modules

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi

setup:
	scripts/setup.sh

run:
	scripts/run.sh $(KVER)

check:
	scripts/check.sh

kunit:
	scripts/kunit.sh

vmtest:
	scripts/vmtest.sh $(KVER)

lint:
	scripts/lint.sh

bench:
	scripts/bench.sh $(if $(filter file,$(origin KVER)),all,$(KVER))

cleanroom:
	scripts/cleanroom.sh

dkms-test:
	scripts/dkms.sh

help:
	@sed -n '3,17p' Makefile
