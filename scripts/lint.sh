#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make lint: the include direction between dxgkpm's layers, checkpatch
# --strict, sparse (C=2) and kernel-doc over the C sources, with the tools
# of the linux-source-6.12 tree. One result per tool; ends with "N passed,
# N failed, N skipped".
#
# A tool passes only when it provably ran: it must first flag a canary, a
# small file with one known defect of its kind, and then report on every
# file it was given (checkpatch's "lines checked" line per file, kernel-doc's
# "Scanning doc" per kernel-doc comment, sparse's CHECK per compiled file).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kernels.sh"
. "$(dirname "$0")/setup.sh"

# Files that spell the Windows DXGK names (structure members, typedefs):
# those names are the contract, so checkpatch's CamelCase and typedef
# checks are off for them, and only for them.
KUNIT_DIR=dxgkpm/tests
DDI_FILES="include/dxgkpm/d3dkmddi.h dxgkpm/ddi/ddi.c dxgkpm/ddi/wddm24.c
	$KUNIT_DIR/wddm24_test.c $KUNIT_DIR/dma_helpers.c
	$KUNIT_DIR/dma_helpers.h $KUNIT_DIR/fault_test.c
	$KUNIT_DIR/hostile_test.c $KUNIT_DIR/isolation_test.c
	$KUNIT_DIR/concurrency_test.c $KUNIT_DIR/dma_test.c
	$KUNIT_DIR/lda_test.c $KUNIT_DIR/ddi_test.c $KUNIT_DIR/pmo_test.c
	$KUNIT_DIR/zero_test.c $KUNIT_DIR/movable_test.c
	$KUNIT_DIR/pool_test.c $KUNIT_DIR/adapter_test.c
	$KUNIT_DIR/dxgk_calls.c $KUNIT_DIR/dxgk_calls.h $KUNIT_DIR/helpers.c
	samples/edu/edu.h
	samples/edu/edu_demo.c samples/edu/edu_ioctl.c samples/edu/edu_main.c
	bench/dxgkpm_bench.c"
DDI_IGNORE=CAMELCASE,NEW_TYPEDEFS
# User-space programs: the kernel's u32, __printf() and friends do not
# exist there.
USER_FILES="tests/vm/dxgkpm-vmtest.c tests/vm/dxgkpm-drmtest.c tests/vm/vmtest.h"
USER_IGNORE=PREFER_KERNEL_TYPES,PREFER_DEFINED_ATTRIBUTE_MACRO

cd "$DXGKPM_TOP"
setup_tools
kernel_source_fetch
SOURCES=()
if git rev-parse --git-dir >/dev/null 2>&1; then
	mapfile -t SOURCES < <(git ls-files --cached --others --exclude-standard '*.c' '*.h')
else
	mapfile -t SOURCES < <(find dxgkpm drm include samples tests bench -name '*.[ch]' | sort)
fi
[ ${#SOURCES[@]} -gt 0 ] || die "no C sources found in $DXGKPM_TOP"
msg "${#SOURCES[@]} C files"
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

work=$DXGKPM_WORK/build/lint
rm -rf "$work"
mkdir -p "$work"

# checkpatch does not know the Windows typedef names as types; tell it.
typedefs=$work/dxgk-typedefs
perl -ne 'print "$1\n" while /(?:^\}\s*|typedef\s.*?\s\**|,\s*\*)([A-Z_][A-Z0-9_]+)\s*[;,(]/g;
	  print "$1\n" if /^typedef\s+(?:NTSTATUS|VOID)\s+([A-Z0-9_]+)\s*$/' \
	include/dxgkpm/d3dkmddi.h | sort -u > "$typedefs"

# The layers of dxgkpm/, bottom to top (Documentation/dxgkpm.rst,
# "Layers"): a file in a layer's folder includes only its own layer's
# headers, those of the layers below, and the module-wide ones; never an
# upper layer's header nor internal.h, which includes them all. The
# module-wide headers include no layer's header. Only the DXGK layer
# includes the Windows contract, <dxgkpm/d3dkmddi.h>.
LAYERS="dma page mem object ddi"
MODULE_HEADERS="compat.h stats.h trace.h"
# layer_rank DIR: the rank of a layer (1 at the bottom), 0 if DIR is none.
layer_rank() {
	local rank=1 l
	for l in $LAYERS; do
		[ "$l" = "$1" ] && { echo $rank; return; }
		rank=$((rank + 1))
	done
	echo 0
}
# check_layers NAME FILE: report each #include "..." of FILE (read as if
# it were dxgkpm/NAME) that reaches up or sideways; fails if one does.
check_layers() {
	local name=$1 file=$2 own inc dir rank rc=0
	case $name in
	*/*) own=$(layer_rank "${name%%/*}") ;;
	*) own=0 ;;
	esac
	while IFS= read -r inc; do
		case $inc in
		*/*) dir=${inc%%/*}; rank=$(layer_rank "$dir") ;;
		internal.h) rank=$(( $(layer_rank ddi) + 1 )) ;;
		*) rank=-1 ;;
		esac
		if [ "$own" -eq 0 ]; then
			# A module-wide header: no layer header at all.
			case " $MODULE_HEADERS " in *" $name "*)
				[ "$rank" -gt 0 ] || [ "$inc" = internal.h ] && {
					msg "dxgkpm/$name: includes \"$inc\": a module-wide header includes no layer"
					rc=1
				} ;;
			esac
			continue
		fi
		if [ "$rank" -gt "$own" ]; then
			msg "dxgkpm/$name: includes \"$inc\", a layer above its own"
			rc=1
		elif [ "$rank" -eq 0 ] && [ "$inc" != internal.h ]; then
			msg "dxgkpm/$name: includes \"$inc\", in no layer"
			rc=1
		elif [ "$rank" -eq -1 ] &&
			! case " $MODULE_HEADERS " in *" $inc "*) true ;; *) false ;; esac &&
			[ ! -e "dxgkpm/${name%/*}/$inc" ]; then
			msg "dxgkpm/$name: includes \"$inc\", neither its layer's nor module-wide"
			rc=1
		fi
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
	if [ "$own" -ne "$(layer_rank ddi)" ] &&
		grep -Eq '^[[:space:]]*#[[:space:]]*include[[:space:]]*<dxgkpm/d3dkmddi\.h>' "$file"; then
		msg "dxgkpm/$name: includes <dxgkpm/d3dkmddi.h>: only the DXGK layer speaks Windows"
		rc=1
	fi
	return $rc
}

step "layers"
rc=0
# The canary: the page provider including the object model's header.
printf '#include "page/page.h"\n#include "object/object.h"\n' > "$work/canary-layers.c"
if check_layers page/canary.c "$work/canary-layers.c" 2>/dev/null; then
	msg "the layer check did not flag its canary (page/ including object/)"
	rc=1
fi
# And the object model including the Windows contract.
printf '#include <dxgkpm/d3dkmddi.h>\n#include "object/object.h"\n' > "$work/canary-windows.c"
if check_layers object/canary.c "$work/canary-windows.c" 2>/dev/null; then
	msg "the layer check did not flag its canary (object/ including d3dkmddi.h)"
	rc=1
fi
checked=0
for f in "${SOURCES[@]}"; do
	# The KUnit suites are in no layer: they test them all.
	case $f in dxgkpm/tests/*) continue ;; dxgkpm/*) ;; *) continue ;; esac
	check_layers "${f#dxgkpm/}" "$f" || rc=1
	checked=$((checked + 1))
done
msg "layer check read $checked files of dxgkpm/"
[ "$checked" -gt 0 ] || rc=1
result layers $rc

step "checkpatch --strict"
rc=0
printf 'int f(int a)\n{\n\treturn a+1;\n}\n' > "$work/canary.c"
out=$(perl "$K_SRC/scripts/checkpatch.pl" --strict --no-tree --emacs \
	--show-types -f "$work/canary.c" 2>&1) || true
if ! printf '%s\n' "$out" | grep -q 'CHECK:SPACING'; then
	msg "checkpatch did not flag its canary (no spaces around '+'): $out"
	rc=1
fi
checked=0
for f in "${SOURCES[@]}"; do
	ignore=()
	case " $(echo $DDI_FILES) " in
	*" $f "*) ignore=(--ignore "$DDI_IGNORE" --typedefsfile "$typedefs") ;;
	esac
	case " $(echo $USER_FILES) " in *" $f "*) ignore=(--ignore "$USER_IGNORE") ;; esac
	# The files allowed to key on the kernel version: dxgkpm's and the
	# benchmark's compatibility headers.
	case $f in
	dxgkpm/compat.h | bench/ttm_compat.h)
		ignore=(--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON) ;;
	esac
	# TRACE_EVENT's own layout, as in include/trace/events/: the lines
	# that open TP_STRUCT__entry( and TP_fast_assign(, and the symbol
	# tables of __print_symbolic().
	[ "$f" = dxgkpm/trace.h ] && ignore=(--ignore OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT,COMPLEX_MACRO)
	out=$(perl "$K_SRC/scripts/checkpatch.pl" --strict --no-tree --emacs \
		--show-types "${ignore[@]}" -f "$f" 2>&1) || true
	if printf '%s\n' "$out" | grep -q '^total: .* lines checked$'; then
		checked=$((checked + 1))
	else
		msg "checkpatch gave no verdict on $f: $out"
		rc=1
	fi
	if printf '%s\n' "$out" | grep -qE "^$f:[0-9]+: (ERROR|WARNING|CHECK):"; then
		printf '%s\n' "$out" | grep -E "^$f:[0-9]+: (ERROR|WARNING|CHECK):"
		rc=1
	fi
done
msg "checkpatch checked $checked of ${#SOURCES[@]} files"
[ "$checked" -eq ${#SOURCES[@]} ] || rc=1
result checkpatch $rc

step "kernel-doc"
rc=0
printf '/**\n * f() - a function\n * @a: one\n */\nint f(int a, int b);\n' > "$work/canary.h"
out=$(perl "$K_SRC/scripts/kernel-doc" -none -Wall "$work/canary.h" 2>&1) || true
if ! printf '%s\n' "$out" | grep -q "member 'b' not described"; then
	msg "kernel-doc did not flag its canary (an undescribed parameter)"
	rc=1
fi
out=$(perl "$K_SRC/scripts/kernel-doc" -none -Wall -v "${SOURCES[@]}" 2>&1) || rc=1
scanned=$(printf '%s\n' "$out" | grep -c ': info: Scanning doc for ' || true)
comments=$(cat "${SOURCES[@]}" | grep -cE '^\s*/\*\*\s*$' || true)
# DOC: sections are free text: kernel-doc reads them but names no
# declaration for them.
docs=$(cat "${SOURCES[@]}" | grep -cE '^\s*\*\s*DOC:' || true)
msg "kernel-doc scanned $scanned of $comments kernel-doc comments ($docs DOC: sections)"
[ "$scanned" -eq $((comments - docs)) ] && [ "$comments" -gt 0 ] || rc=1
if printf '%s\n' "$out" | grep -v ': info: Scanning doc for ' | grep -q .; then
	printf '%s\n' "$out" | grep -v ': info: Scanning doc for '
	rc=1
fi
# Every kernel-doc directive of the documentation finds what it names: a
# DOC: section, the exported functions of a file, or a header's comments.
directives=0
while read -r file opt arg; do
	directives=$((directives + 1))
	case $opt in
	:doc:) args=(-function "$arg") ;;
	:export:) args=(-export) ;;
	'') args=() ;;
	*) msg "Documentation/dxgkpm.rst: kernel-doc option $opt not checked"
	   rc=1; continue ;;
	esac
	out=$(perl "$K_SRC/scripts/kernel-doc" -rst "${args[@]}" "$file" 2>&1 </dev/null |
	      grep -v '^Warning: Sphinx version not found')
	if ! printf '%s\n' "$out" | grep -q '[^[:space:]]' ||
	   printf '%s\n' "$out" | grep -qiE '^(warning|error)|: warning:'; then
		msg "Documentation/dxgkpm.rst: kernel-doc:: $file $opt $arg finds nothing"
		rc=1
	fi
done < <(awk '/^\.\. kernel-doc::/ { file = $3; getline opt;
		if (opt ~ /^   :/) { split(opt, o, " "); print file, o[1], o[2] }
		else print file }' Documentation/dxgkpm.rst)
msg "Documentation/dxgkpm.rst: $directives kernel-doc directives checked"
[ "$directives" -gt 0 ] || rc=1
result kernel-doc $rc

step "sparse (C=2) against 6.12"
rc=0
kernel_fetch 6.12
dir=$work/sparse
mkdir -p "$dir"
tar -c --exclude-vcs --exclude-vcs-ignores Kbuild Kconfig bench drm dxgkpm include samples tests |
	tar -x -C "$dir"
# The canary: a user pointer used as a kernel one, in a module of its own.
mkdir -p "$dir/lint-canary"
printf '%s\n' 'obj-m += canary.o' > "$dir/lint-canary/Kbuild"
printf '%s\n' '#include <linux/module.h>' \
	'int dxgkpm_canary(void __user *p);' \
	'int dxgkpm_canary(void __user *p) { return *(int *)p; }' \
	'MODULE_LICENSE("GPL");' > "$dir/lint-canary/canary.c"
printf '%s\n' 'obj-m += lint-canary/' >> "$dir/Kbuild"
out=$(make -C "$K_KDIR" M="$dir" C=2 CF="-D__CHECK_ENDIAN__" CONFIG_DXGKPM=m \
	CONFIG_DXGKPM_GEM=m CONFIG_DXGKPM_SAMPLE_DRM=m \
	CONFIG_DXGKPM_SAMPLE_EDU=m CONFIG_DXGKPM_VMTEST=m CONFIG_DXGKPM_BENCH=m \
	modules 2>&1) || { printf '%s\n' "$out" | tail -n 20; msg "the sparse build failed"; rc=1; }
if ! printf '%s\n' "$out" | grep -q "^$dir/lint-canary/canary.c:.*address space '__user'"; then
	msg "sparse did not flag its canary (a __user pointer dereferenced)"
	rc=1
fi
# Sources only: not the generated .mod.o nor 6.12's .module-common.o.
built=$(printf '%s\n' "$out" | grep -E '^  CC \[M\]  .*/[^./][^/]*\.o$' |
	grep -vc '\.mod\.o$' || true)
sparsed=$(printf '%s\n' "$out" | grep -cE '^  CHECK   ' || true)
msg "sparse checked $sparsed of $built compiled files"
[ "$sparsed" -eq "$built" ] && [ "$built" -gt 1 ] || rc=1
if printf '%s\n' "$out" | grep -v "^$dir/lint-canary/" |
	grep -qE "^$dir/.*(warning|error):"; then
	printf '%s\n' "$out" | grep -v "^$dir/lint-canary/" | grep -E "^$dir/.*(warning|error):"
	rc=1
fi
result sparse $rc

echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
