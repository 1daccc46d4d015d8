#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make lint: checkpatch --strict, sparse (C=2) and kernel-doc over the C
# sources, with the tools of the linux-source-6.12 tree. One result per
# tool; ends with "N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kernels.sh"
. "$(dirname "$0")/setup.sh"

# Files that spell the Windows DXGK names (structure members, typedefs):
# those names are the contract, so checkpatch's CamelCase and typedef
# checks are off for them, and only for them.
DDI_FILES="include/dxgkpm/d3dkmddi.h dxgkpm/ddi.c dxgkpm/wddm24.c
	kunit/wddm24_test.c kunit/dma_helpers.c kunit/dma_helpers.h kunit/fault_test.c
	kunit/hostile_test.c kunit/isolation_test.c kunit/concurrency_test.c
	kunit/dma_test.c kunit/lda_test.c kunit/ddi_test.c kunit/pmo_test.c
	samples/edu/edu.h
	samples/edu/edu_demo.c samples/edu/edu_ioctl.c samples/edu/edu_main.c"
DDI_IGNORE=CAMELCASE,NEW_TYPEDEFS
# User-space programs: the kernel's u32 and friends do not exist there.
USER_FILES="tests/vm/dxgkpm-vmtest.c"
USER_IGNORE=PREFER_KERNEL_TYPES

cd "$DXGKPM_TOP"
setup_tools
kernel_source_fetch
mapfile -t SOURCES < <(git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null ||
	find dxgkpm include kunit samples tests -name '*.[ch]')
passed=0 failed=0
result() {
	if [ "$2" -eq 0 ]; then
		echo "  ok    $1"
		passed=$((passed + 1))
	else
		echo "  FAIL  $1"
		failed=$((failed + 1))
	fi
}

# checkpatch does not know the Windows typedef names as types; tell it.
typedefs=$DXGKPM_CACHE/build/dxgk-typedefs
mkdir -p "$(dirname "$typedefs")"
perl -ne 'print "$1\n" while /(?:^\}\s*|typedef\s.*?\s\**|,\s*\*)([A-Z_][A-Z0-9_]+)\s*[;,(]/g;
	  print "$1\n" if /^typedef\s+(?:NTSTATUS|VOID)\s+([A-Z0-9_]+)\s*$/' \
	include/dxgkpm/d3dkmddi.h | sort -u > "$typedefs"

step "checkpatch --strict"
rc=0
for f in "${SOURCES[@]}"; do
	ignore=
	case " $(echo $DDI_FILES) " in
	*" $f "*) ignore="--ignore $DDI_IGNORE --typedefsfile $typedefs" ;;
	esac
	case " $(echo $USER_FILES) " in *" $f "*) ignore="--ignore $USER_IGNORE" ;; esac
	# The one file allowed to key on the kernel version (see compat.h).
	[ "$f" = dxgkpm/compat.h ] && ignore="--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON"
	# shellcheck disable=SC2086
	out=$(perl "$K_SRC/scripts/checkpatch.pl" --strict --no-tree --terse \
		--show-types $ignore -f "$f" 2>&1 | grep -E 'ERROR|WARNING|CHECK' || true)
	if [ -n "$out" ]; then
		echo "$out"
		rc=1
	fi
done
result checkpatch $rc

step "kernel-doc"
out=$(perl "$K_SRC/scripts/kernel-doc" -none -Wall "${SOURCES[@]}" 2>&1 || true)
[ -z "$out" ] && rc=0 || { echo "$out"; rc=1; }
result kernel-doc $rc

step "sparse (C=2) against 6.12"
kernel_fetch 6.12
dir=$DXGKPM_CACHE/build/sparse
rm -rf "$dir"
mkdir -p "$dir"
tar -c --exclude-vcs --exclude-vcs-ignores Kbuild Kconfig bench dxgkpm include samples tests |
	tar -x -C "$dir"
out=$(make -C "$K_KDIR" M="$dir" C=2 CF="-D__CHECK_ENDIAN__" CONFIG_DXGKPM=m \
	CONFIG_DXGKPM_SAMPLE_EDU=m CONFIG_DXGKPM_VMTEST=m CONFIG_DXGKPM_BENCH=m \
	modules 2>&1 |
	grep -E "^$dir/.*(warning|error):" || true)
[ -z "$out" ] && rc=0 || { echo "$out"; rc=1; }
result sparse $rc

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
