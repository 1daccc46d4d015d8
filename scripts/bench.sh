#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench [KVER=6.1]: the benchmark. Boots Debian's kernel of the series
# in QEMU like make run (TCG, q35, intel-iommu strict, one edu device, 1 GiB),
# loads dxgkpm and bench/dxgkpm_bench.ko, which times dxgkpm's native API and
# the raw kernel primitives that do the same job (the anchors) in the same
# run, and prints a table of both with their ratio. Not part of make check:
# benchmarks are not tests. Exits non-zero if the VM or the module failed.
#
# Environment (all optional):
#   BENCH_SIZES      object sizes in KiB, comma-separated (4,64,1024,4096)
#   BENCH_ITERS      iterations per measurement (default: by size, 64-256)
#   BENCH_BUDGET_MS  time after which a measurement stops early (2000)
#   BENCH_WINDOW     0 to skip the objects above the device's reach
#   BENCH_SEQS       only these sequences, comma-separated (view, adl, open,
#                    cycle, coherent, window)
#   VM_TIMEOUT       seconds the VM may run (300)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kernels.sh"
. "$(dirname "$0")/build.sh"
. "$(dirname "$0")/vm.sh"
. "$(dirname "$0")/setup.sh"

# bench_build SERIES: build dxgkpm and the benchmark module against SERIES
# with W=1, in a copy of the tree under the cache that is kept between runs
# (tar restores the sources' times, so only what changed is rebuilt). Sets
# B_DIR (what vm_boot boots from) and K_*.
bench_build() {
	local log warnings
	kernel_fetch "$1"
	B_DIR=$DXGKPM_WORK/build/bench-$K_REL
	log=$B_DIR.log
	mkdir -p "$B_DIR"
	# Sources deleted from the checkout must not linger in the copy.
	find "$B_DIR" -type f \( -name '*.[ch]' -o -name Kbuild -o -name Kconfig \) \
		! -name '*.mod.c' -delete
	tar -c -C "$DXGKPM_TOP" --exclude-vcs --exclude-vcs-ignores \
		Kbuild Kconfig dxgkpm include bench | tar -x -C "$B_DIR" ||
		die "cannot copy the tree to $B_DIR"
	step "building dxgkpm and the benchmark module against $K_REL (W=1)"
	if ! make -C "$K_KDIR" M="$B_DIR" W=1 -j"$(nproc)" CONFIG_DXGKPM=m \
		CONFIG_DXGKPM_BENCH=m modules >"$log" 2>&1; then
		grep -E 'error|warning' "$log" >&2 || tail -n 30 "$log" >&2
		die "build against $K_REL failed (log: $log)"
	fi
	warnings=$(grep -E 'warning:|WARNING:' "$log" || true)
	[ -z "$warnings" ] || msg "$warnings"
}

# vm_initramfs OUT (replaces vm.sh's, which vm_boot calls): busybox, the two
# modules and bench/init.sh as /init.
# shellcheck disable=SC2317 # called by vm_boot
vm_initramfs() {
	local out=$1 root
	root=$(mktemp -d)
	mkdir -p "$root/bin" "$root/lib/dxgkpm"
	cp /bin/busybox "$root/bin/busybox"
	cp "$DXGKPM_TOP/tests/vm/vmlib.sh" "$root/lib/dxgkpm/"
	install -m 0755 "$DXGKPM_TOP/bench/init.sh" "$root/init"
	cp "$B_DIR/dxgkpm/dxgkpm.ko" "$B_DIR/bench/dxgkpm_bench.ko" \
		"$root/lib/dxgkpm/"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
	rm -rf "$root"
}

# bench_table LOG TSV: the table of the module's records in LOG; the same
# numbers, tab-separated, into TSV. Fails if the records are incomplete.
bench_table() {
	tr -d '\r' < "$1" | awk -v tsv="$2" -v kernel="$K_REL" '
	function human(b) {
		if (b % 1048576 == 0) return (b / 1048576) "M"
		if (b % 1024 == 0) return (b / 1024) "K"
		return b
	}
	function ratio(a, b) { return b > 0 ? a / b : 0 }
	function fmt(r) { return r < 0.1 ? sprintf("%6.3f", r) : sprintf("%6.2f", r) }
	/^BENCH / {
		delete f
		for (i = 3; i <= NF; i++) {
			eq = index($i, "=")
			if (eq) f[substr($i, 1, eq - 1)] = substr($i, eq + 1)
		}
	}
	/^BENCH begin / { iommu = f["iommu"]; mask = f["dma_mask"] }
	/^BENCH error / { errors = errors "  " substr($0, 13) "\n" }
	/^BENCH end / { ended = 1; status = f["status"]; want = f["rows"]; ms = f["ms"] }
	/^BENCH row / {
		if (f["anchor_median"] == "" || f["dxgkpm_median"] == "") next
		op = f["op"]
		if (!(op in nops)) { nops[op] = 0; order[++nopnames] = op }
		k = op SUBSEP (++nops[op])
		size[k] = f["size"]; cache[k] = f["cache"]; n[k] = f["n"]
		dmed[k] = f["dxgkpm_median"]; amed[k] = f["anchor_median"]
		dmean[k] = f["dxgkpm_mean"]; amean[k] = f["anchor_mean"]
		dmin[k] = f["dxgkpm_min"]; amin[k] = f["anchor_min"]
		rows++
	}
	END {
		if (!rows) {
			if (errors != "") printf "\nErrors reported by the module:\n%s", errors
			print (ended ? "\nThe module reported status=" status " and no rows." : "\nThe module reported nothing.")
			exit 1
		}
		printf "\ndxgkpm benchmark, Debian %s in QEMU (TCG, q35, intel-iommu strict, IOMMU %s,\n", kernel, iommu
		printf "edu DMA mask %s, 1 GiB, 2 vCPUs). Times in ns per operation, ratio = dxgkpm / anchor.\n", mask
		printf "Under TCG the absolute times mean nothing; only ratios measured in the same run\n"
		printf "(dxgkpm and anchor interleaved, iteration by iteration) do.\n\n"
		printf "%-15s %5s %-6s %4s %11s %11s %6s  %11s %11s %6s\n", "operation", "size", "cache", "n",
		       "dxgkpm med", "anchor med", "ratio", "dxgkpm mean", "anchor mean", "ratio"
		print "op\tsize\tcache\tn\tdxgkpm_median\tanchor_median\tratio_median\tdxgkpm_mean\tanchor_mean\tratio_mean\tdxgkpm_min\tanchor_min" > tsv
		for (o = 1; o <= nopnames; o++) {
			op = order[o]; lsum = 0; cnt = 0
			for (j = 1; j <= nops[op]; j++) {
				k = op SUBSEP j
				r = ratio(dmed[k], amed[k]); rm = ratio(dmean[k], amean[k])
				printf "%-15s %5s %-6s %4d %11.0f %11.0f %s  %11.0f %11.0f %s\n", op, human(size[k]),
				       cache[k], n[k], dmed[k], amed[k], fmt(r), dmean[k], amean[k], fmt(rm)
				printf "%s\t%d\t%s\t%d\t%.0f\t%.0f\t%.4f\t%.0f\t%.0f\t%.4f\t%.0f\t%.0f\n", op, size[k], cache[k], n[k],
				       dmed[k], amed[k], r, dmean[k], amean[k], rm, dmin[k], amin[k] > tsv
				if (r > 0) { lsum += log(r); cnt++; all += log(r); nall++ }
			}
			gm[op] = cnt ? exp(lsum / cnt) : 0
		}
		printf "\nGeometric mean of the median ratios, per operation:\n"
		for (o = 1; o <= nopnames; o++)
			printf "  %-15s %s\n", order[o], fmt(gm[order[o]])
		if (nall) printf "  %-15s %s\n", "(all rows)", fmt(exp(all / nall))
		if (errors != "") printf "\nErrors reported by the module:\n%s", errors
		if (!ended) { print "\nThe module never reported its end."; exit 1 }
		if (status != "ok") { print "\nThe module reported status=" status "."; exit 1 }
		if (rows != want) { printf "\n%d of %d rows arrived intact.\n", rows, want; exit 1 }
		printf "\n%d rows measured in %.1f s of guest time.\n", rows, ms / 1000
	}'
}

bench_legend() {
	cat <<'EOF'

What each row times (dxgkpm: the native API of include/dxgkpm/dxgkpm.h on an
MDL object opened for the edu adapter; anchor: the same job done directly with
the primitives TTM's pool and the dma-buf system heap use):
  create          dxgkpm_pmo_create(no adapter)  | alloc_pages highest order
                  first (no direct reclaim above order 0), split_page, zeroed,
                  one set_pages_array_wc/uc for the object
  map-kernel      dxgkpm_map_kernel(whole object) | vmap with the cache pgprot
  unmap-kernel    dxgkpm_unmap_kernel             | vunmap
  destroy         dxgkpm_pmo_destroy(not open)    | set_pages_array_wb,
                  __free_page
  create-open     dxgkpm_pmo_create(adapter)      | pages as for create
                  (opening maps nothing: every ADL maps its own range)
  adl             dxgkpm_adl_alloc(whole, no flags: page array) |
                  sg_alloc_table_from_pages_segment + dma_map_sgtable, then a
                  kvmalloc'ed array filled by for_each_sgtable_dma_page
  adl-free        dxgkpm_adl_free                 | kvfree, dma_unmap_sgtable,
                  sg_free_table
  adl-contig      dxgkpm_adl_alloc(PREFER_CONTIGUOUS) | map as for adl, check
                  that the DMA segments are consecutive, keep the first page
  destroy-open    dxgkpm_pmo_destroy(open AMO)    | set_pages_array_wb,
                  __free_page
  open+adl /      dxgkpm_pmo_open + dxgkpm_adl_alloc(whole, PREFER_CONTIGUOUS)
  free+close      / dxgkpm_adl_free + dxgkpm_amo_close | map as for
                  adl-contig / unmap as for adl-free
  cycle           create + open + ADL(PREFER_CONTIGUOUS) + free + destroy, as
                  one                             | the same anchors in a row
  coherent-alloc  dxgkpm_pmo_create(adapter, cached) + dxgkpm_map_kernel |
                  dma_alloc_coherent (iommu-dma: pages, IOVA, vmap)
  coherent-free   dxgkpm_unmap_kernel + dxgkpm_pmo_destroy | dma_free_coherent
  create-window   dxgkpm_pmo_create(no adapter, cached, LowAddress 256 MiB:
                  above the device's reach, as the sample driver asks) |
                  alloc_contig_range straight away, a pageblock at a time from
                  256 MiB up (the primitive dxgkpm falls back to after trying
                  the buddy allocator, which wins when it has high pages)
  destroy-window  dxgkpm_pmo_destroy              | __free_page
Medians are the headline; means show the outliers (TCG and the host's load).
EOF
}

series=${1:-$KERNEL_SERIES_DEFAULT}
started=$SECONDS
setup_tools
bench_build "$series"
built=$SECONDS
log=$DXGKPM_LOGS/bench-$K_REL.log
tsv=$DXGKPM_LOGS/bench-$K_REL.tsv
mkdir -p "$(dirname "$log")"
params=()
for v in BENCH_SIZES BENCH_ITERS BENCH_BUDGET_MS BENCH_WINDOW BENCH_SEQS; do
	[ -n "${!v:-}" ] && params+=("$v=${!v}")
done
step "benchmark on Debian $K_REL (TCG, q35, intel-iommu, edu)"
vm_config run
VM_EXPECTED=$DXGKPM_TOP/bench/expected
vm_boot "$log" "${params[@]}"
vm_verdict "$log"
msg "console log: $log"
rc=0
if bench_table "$log" "$tsv"; then
	bench_legend
	echo "Results: $tsv"
else
	rc=1
fi
echo "make bench: $((SECONDS - started)) s (build and set-up $((built - started)) s, VM $((SECONDS - built)) s)"
if [ "$VM_RC" -ne 0 ] || [ "$VM_FAILED" -ne 0 ]; then
	echo "the benchmark VM failed ($VM_FAILED checks failed; see $log)"
	rc=1
fi
exit "$rc"
