#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench [KVER=6.1]: the benchmark. Boots Debian's kernel of each series
# (both unless KVER names one) in QEMU like make run (TCG, q35, intel-iommu
# strict, one edu device, here with a 64-bit DMA mask, 1 GiB), loads Debian's drm.ko and ttm.ko, dxgkpm
# and bench/dxgkpm_bench.ko, which times dxgkpm's native API and the real
# kernel code a GPU driver would use for the same job (the anchors: TTM's
# page pool, dma_alloc_coherent, clearing the pages) in the same run, and
# prints, per kernel, a table of both with their ratio, the issue's target
# and whether it is met. A benchmark, not a test: no timing makes it fail;
# it exits non-zero only if a VM or the module failed.
#
#   scripts/bench.sh [--smoke] [SERIES...]
#
# --smoke (make check's bench-smoke step): every row once at small sizes
# (4 KiB objects, a 4 MiB big object, 1000 live objects, a few iterations),
# ending with "N passed, N failed, N skipped" where a row that ran passed.
#
# Environment (all optional):
#   BENCH_SIZES        object sizes in KiB of the cycle and coherent rows,
#                      comma-separated (4,64,2048)
#   BENCH_ITERS        iterations per measurement (default: by size, 16-256)
#   BENCH_BUDGET_MS    time after which a measurement stops early (2000)
#   BENCH_BIG_MIB      size of the create-big and adl-ranges rows (256; 0
#                      skips them)
#   BENCH_LOOKUP_LIVE  live objects of the lookup row (100000; 0 skips it)
#   VM_TIMEOUT         seconds each VM may run (300)
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
# modules, Debian's drm.ko and ttm.ko with what they need, and bench/init.sh
# as /init.
# shellcheck disable=SC2317 # called by vm_boot
vm_initramfs() {
	local out=$1 root
	root=$(mktemp -d)
	mkdir -p "$root/bin" "$root/lib/dxgkpm/ttm"
	cp /bin/busybox "$root/bin/busybox"
	cp "$DXGKPM_TOP/tests/vm/vmlib.sh" "$root/lib/dxgkpm/"
	install -m 0755 "$DXGKPM_TOP/bench/init.sh" "$root/init"
	cp "$B_DIR/dxgkpm/dxgkpm.ko" "$B_DIR/bench/dxgkpm_bench.ko" \
		"$root/lib/dxgkpm/"
	kernel_modules ttm
	cp "$K_MODDIR"/*.ko "$K_MODDIR/order" "$root/lib/dxgkpm/ttm/"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
	rm -rf "$root"
}

# bench_table LOG TSV: the table of the module's records in LOG, with the
# issue's target of each row and whether it is met; the same numbers,
# tab-separated, into TSV. Prints "ROWS <n>" last, the rows that arrived.
# Fails if the records are incomplete.
bench_table() {
	tr -d '\r' < "$1" | awk -v tsv="$2" -v kernel="$K_REL" '
	function human(b) {
		if (b == 0) return "0"
		if (b % 1048576 == 0) return (b / 1048576) "M"
		if (b % 1024 == 0) return (b / 1024) "K"
		return b
	}
	function ratio(a, b) { return b > 0 ? a / b : 0 }
	function fmt(r) { return r < 0.1 ? sprintf("%6.3f", r) : sprintf("%6.2f", r) }
	# The target of a row (issue 11): "<=X", "<X", "==N" or "-" (none).
	function target(op, size, cache) {
		if (op == "cycle") {
			if (cache == "cached") return "<=1.00"
			return size + 0 >= 2097152 ? "<=0.67" : "<=1.00"
		}
		if (op == "create-big") return "<=1.30"
		if (op == "lookup") return "<1.20"
		if (op == "adl-ranges") return "==1"
		return "-"
	}
	function verdict(t, v) {
		if (t == "-") return "(info)"
		if (t ~ /^<=/) return v <= substr(t, 3) + 0 ? "met" : "missed"
		if (t ~ /^</) return v < substr(t, 2) + 0 ? "met" : "missed"
		return v == substr(t, 3) + 0 ? "met" : "missed"
	}
	/^BENCH / {
		delete f
		for (i = 3; i <= NF; i++) {
			eq = index($i, "=")
			if (eq) f[substr($i, 1, eq - 1)] = substr($i, eq + 1)
		}
	}
	/^BENCH begin / {
		iommu = f["iommu"]; mask = f["dma_mask"]; nid = f["ttm_nid"]
		want_live = f["lookup_live"]
	}
	/^BENCH pressure / {
		pressure = 1; p_before = f["pool_before"]; p_after = f["pool_after"]
		p_mib = f["filled_mib"]; p_avail = f["available_kib"]
		p_oom = f["oom_kills"]; p_dd = f["dd_status"]
	}
	/^BENCH error / { errors = errors "  " substr($0, 13) "\n" }
	/^BENCH end / { ended = 1; status = f["status"]; want = f["rows"]; ms = f["ms"] }
	/^BENCH row / {
		if (f["anchor_median"] == "" || f["dxgkpm_median"] == "") next
		k = ++rows
		op[k] = f["op"]; size[k] = f["size"]; cache[k] = f["cache"]
		anc[k] = f["anchor"]; n[k] = f["n"]; live[k] = f["live"]
		dmed[k] = f["dxgkpm_median"]; amed[k] = f["anchor_median"]
		dmean[k] = f["dxgkpm_mean"]; amean[k] = f["anchor_mean"]
		dmin[k] = f["dxgkpm_min"]; amin[k] = f["anchor_min"]
	}
	/^BENCH parts / {
		line = sprintf("%-6s %5s %-6s %-7s", f["op"], human(f["size"]), f["cache"],
			       f["impl"] == "anchor" ? "ttm" : f["impl"])
		for (i = 8; i <= NF; i++) {
			eq = index($i, "=")
			if (eq) line = line sprintf(" %s %.0f", substr($i, 1, eq - 1), substr($i, eq + 1))
		}
		parts = parts "  " line "\n"
	}
	/^BENCH order / {
		if (f["after_self_n"] + 0 == 0 || f["after_anchor_n"] + 0 == 0) next
		order = order sprintf("  %-6s %5s %-6s %4d %s %s\n", f["op"], human(f["size"]),
				      f["cache"], f["after_self_n"] + f["after_anchor_n"],
				      fmt(ratio(f["after_self_dxgkpm"], f["after_self_anchor"])),
				      fmt(ratio(f["after_anchor_dxgkpm"], f["after_anchor_anchor"])))
	}
	/^BENCH count / {
		if (f["dxgkpm"] == "" || f["anchor_count"] == "") next
		k = ++rows
		op[k] = f["op"]; size[k] = f["size"]; cache[k] = f["cache"]
		anc[k] = f["anchor"]; n[k] = "count"
		dmed[k] = f["dxgkpm"]; amed[k] = f["anchor_count"]
	}
	END {
		if (!rows) {
			if (errors != "") printf "\nErrors reported by the module:\n%s", errors
			print (ended ? "\nThe module reported status=" status " and no rows." : "\nThe module reported nothing.")
			print "ROWS 0"
			exit 1
		}
		printf "\ndxgkpm benchmark, Debian %s in QEMU (TCG, q35, intel-iommu strict, IOMMU %s,\n", kernel, iommu
		printf "edu DMA mask %s, 1 GiB, 2 vCPUs; TTM pool node %s). Times in ns; ratio =\n", mask, nid
		printf "dxgkpm / anchor of the medians, \"mean\" the same of the means. Under TCG the\n"
		printf "absolute times mean nothing; only ratios measured in the same run (dxgkpm and\n"
		printf "anchor interleaved, iteration by iteration) do.\n\n"
		printf "%-15s %5s %-6s %-12s %4s %11s %11s %6s %6s  %-6s %s\n", "row", "size", "cache",
		       "anchor", "n", "dxgkpm med", "anchor med", "ratio", "mean", "target", "verdict"
		print "op\tsize\tcache\tanchor\tn\tdxgkpm_median\tanchor_median\tratio_median\tdxgkpm_mean\tanchor_mean\tratio_mean\tdxgkpm_min\tanchor_min\ttarget\tverdict" > tsv
		for (k = 1; k <= rows; k++) {
			t = target(op[k], size[k], cache[k])
			if (n[k] == "count") {
				v = verdict(t, dmed[k])
				printf "%-15s %5s %-6s %-12s %4s %11d %11d %6s %6s  %-6s %s  (ranges, not ns)\n",
				       op[k], human(size[k]), cache[k], anc[k], "-", dmed[k], amed[k], "-", "-", t, v
				printf "%s\t%d\t%s\t%s\tcount\t%d\t%d\t\t\t\t\t\t\t%s\t%s\n", op[k], size[k], cache[k],
				       anc[k], dmed[k], amed[k], t, v > tsv
				ntarget++; if (v == "met") nmet++
				continue
			}
			r = ratio(dmed[k], amed[k]); rm = ratio(dmean[k], amean[k])
			v = verdict(t, r)
			note = ""
			if (op[k] == "lookup") {
				note = "  (" live[k] " live vs 10)"
				if (live[k] + 0 < want_live + 0)
					note = "  (only " live[k] " of " want_live " objects fitted)"
			}
			printf "%-15s %5s %-6s %-12s %4d %11.0f %11.0f %s %s  %-6s %s%s\n", op[k], human(size[k]),
			       cache[k], anc[k], n[k], dmed[k], amed[k], fmt(r), fmt(rm), t, v, note
			printf "%s\t%d\t%s\t%s\t%d\t%.0f\t%.0f\t%.4f\t%.0f\t%.0f\t%.4f\t%.0f\t%.0f\t%s\t%s\n", op[k],
			       size[k], cache[k], anc[k], n[k], dmed[k], amed[k], r, dmean[k], amean[k], rm,
			       dmin[k], amin[k], t, v > tsv
			if (t != "-") { ntarget++; if (v == "met") nmet++ }
		}
		if (pressure == "")
			printf "%-15s %5s %-6s %-12s %4s %s\n", "memory-pressure", "-", "-", "-", "-",
			       "not measured: the VM reported no pressure line"
		else {
			ntarget++
			pv = (p_after + 0 < p_before + 0 && p_oom == 0 && p_dd == 0) ? "met" : "missed"
			if (pv == "met") nmet++
			printf "%-15s %5s %-6s %-12s %4s pools %s -> %s with %d MiB written (%d MiB were available); %d OOM kills  %s\n",
			       "memory-pressure", "-", "pooled", "user-fill", "1", human(p_before * 4096),
			       human(p_after * 4096), p_mib, p_avail / 1024, p_oom, pv
			printf "memory-pressure\t0\tpooled\tuser-fill\t1\t%d\t%d\t\t\t\t\t\t\tshrinks,no-oom\t%s\n",
			       p_before * 4096, p_after * 4096, pv > tsv
		}
		if (parts != "") {
			printf "\nWhere the time of a cycle goes: median ns of each step on its own\n"
			printf "(medians of parts need not add up to the median of the whole):\n%s", parts
		}
		if (order != "") {
			printf "\nThe cycle ratio by order: each half of the iterations on its own\n"
			printf "(ratio of the medians of dxgkpm and the anchor in the same iterations).\n"
			printf "after-self: dxgkpm ran right after its own previous run; after-anchor: two\n"
			printf "anchor runs came between, time in which the work dxgkpm leaves to another\n"
			printf "CPU (clearing freed blocks of pool_defer_order and up) got done:\n"
			printf "  %-6s %5s %-6s %4s %6s %6s\n", "row", "size", "cache", "n", "self", "anchor"
			printf "%s", order
		}
		if (ntarget) printf "\nTargets met: %d of %d.\n", nmet, ntarget
		if (errors != "") printf "\nErrors reported by the module:\n%s", errors
		bad = 0
		if (!ended) { print "\nThe module never reported its end."; bad = 1 }
		else if (status != "ok") { print "\nThe module reported status=" status "."; bad = 1 }
		else if (rows != want) { printf "\n%d of %d rows arrived intact.\n", rows, want; bad = 1 }
		else printf "\n%d rows measured in %.1f s of guest time.\n", rows, ms / 1000
		print "ROWS " rows
		exit bad
	}'
}

bench_legend() {
	cat <<'EOF'

What each row times (dxgkpm: the native API of include/dxgkpm/dxgkpm.h on
MDL objects, opened for the edu adapter; the anchors are the real kernel
code, timed in the same VM):
  cycle           dxgkpm_pmo_create, _pmo_open, _adl_alloc(whole,
                  PREFER_CONTIGUOUS), _adl_free, _amo_close, _pmo_destroy |
                  TTM's pool (Debian's ttm.ko) made for the edu device as
                  ttm_device_init() makes a GPU driver's: ttm_sg_tt_init
                  (ZERO_ALLOC), ttm_pool_alloc (zeroed pages of the cache
                  type, DMA-mapped for the device), ttm_pool_free,
                  ttm_tt_fini. Warm: TTM's pool holds the previous pages (it
                  pools write-combined and uncached pages, never cached ones)
  cycle-cold      the first iteration of cycle, one sample each: TTM's pool
                  has no page of that order and cache type yet (which side
                  runs first alternates from row to row; noisy: info only)
  coherent        dxgkpm_pmo_create(adapter), _adl_alloc(whole,
                  PREFER_CONTIGUOUS), _map_kernel, then _unmap_kernel,
                  _adl_free, _pmo_destroy | dma_alloc_coherent +
                  dma_free_coherent (both: a CPU view and a device address)
  create-big      dxgkpm_pmo_create(cached, no adapter) | clear_page() over
                  as many bytes of pages allocated beforehand: the bound.
                  From the second create on, up to pool_pages (64 MiB) of
                  the object are 2 MiB blocks from the cached pool, which
                  the work item cleared off the path
  adl-ranges      runs of consecutive device addresses in the ADL of a whole
                  object (PREFER_CONTIGUOUS) | the same in a TTM tt's
                  dma_address array; counts, not times
  lookup          DxgkCbMapPhysicalMemory with an invalid AccessMode (handle
                  lookup, pin, release, refusal: nothing else), per call over
                  1000 calls on different objects, with that many live 4 KiB
                  objects | the same with 10 live (before and after)
  memory-pressure after the benchmark, with pages left in dxgkpm's pools: a
                  tmpfs file grows by 8 MiB (dd, which volunteers for the
                  OOM killer) until the pools shrink, at most to
                  MemTotal, which cannot fit; the pools'
                  pages before -> after, OOM kills. Met if the pools
                  shrank and nothing was killed
Targets are issue 11's; "(info)" rows have none. Medians are the headline;
means show the outliers (TCG and the host's load).
EOF
}

# bench_one SERIES: build, boot and tabulate one kernel; writes the number
# of rows that arrived to $counts/SERIES. Fails if the VM or the module did.
bench_one() {
	local log tsv rc=0 rows built start=$SECONDS
	bench_build "$1"
	built=$SECONDS
	log=$DXGKPM_LOGS/bench-$K_REL.log
	tsv=$DXGKPM_LOGS/bench-$K_REL.tsv
	mkdir -p "$(dirname "$log")"
	step "benchmark on Debian $K_REL (TCG, q35, intel-iommu, edu)"
	vm_config run
	# make run's machine, but an edu that reaches all memory like a GPU
	# (the module sets a 64-bit mask): 28 bits of IOVA space cannot hold
	# the 256 MiB ADL of the adl-ranges row.
	VM_QEMU=(-device intel-iommu,intremap=off
		-device edu,dma_mask=0xffffffffffffffff)
	VM_EXPECTED=$DXGKPM_TOP/bench/expected
	vm_boot "$log" "${params[@]}"
	vm_verdict "$log"
	msg "console log: $log"
	bench_table "$log" "$tsv" > "$log.table" || rc=1
	rows=$(sed -n 's/^ROWS //p' "$log.table")
	sed '/^ROWS /d' "$log.table"
	echo "${rows:-0}" > "$counts/$1"
	[ "$rc" -ne 0 ] || echo "Results: $tsv"
	echo "Debian $K_REL: $((SECONDS - start)) s (build and set-up $((built - start)) s, VM $((SECONDS - built)) s)"
	if [ "$VM_RC" -ne 0 ] || [ "$VM_FAILED" -ne 0 ]; then
		echo "the benchmark VM failed ($VM_FAILED checks failed; see $log)"
		rc=1
	fi
	return "$rc"
}

smoke=0
if [ "${1:-}" = --smoke ]; then
	smoke=1
	shift
	: "${BENCH_SIZES:=4}" "${BENCH_ITERS:=3}" "${BENCH_BUDGET_MS:=200}"
	: "${BENCH_BIG_MIB:=4}" "${BENCH_LOOKUP_LIVE:=1000}"
fi
series=("$@")
if [ ${#series[@]} -eq 0 ] || [ "${series[*]}" = all ]; then
	read -r -a series <<< "$KERNEL_SERIES_ALL"
fi
started=$SECONDS
setup_tools
params=()
for v in BENCH_SIZES BENCH_ITERS BENCH_BUDGET_MS BENCH_BIG_MIB BENCH_LOOKUP_LIVE; do
	[ -n "${!v:-}" ] && params+=("$v=${!v}")
done
counts=$(mktemp -d)
passed=0
failed=0
for s in "${series[@]}"; do
	# A subshell, so that one kernel's failure (die) leaves the other's run.
	(bench_one "$s") || failed=$((failed + 1))
	passed=$((passed + $(cat "$counts/$s" 2>/dev/null || echo 0)))
done
rm -rf "$counts"
[ "$smoke" -eq 1 ] || bench_legend
echo "make bench: $((SECONDS - started)) s (Debian ${series[*]})"
[ "$smoke" -eq 0 ] || echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
