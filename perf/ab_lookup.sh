#!/bin/bash
# Timed A/B of two zw-bench binaries, runs interleaved (A, B, A, B, ...) so
# both see the same load on a shared machine:
#
#   perf/ab_lookup.sh BIN_A BIN_B FILTER [RUNS]
#   e.g. perf/ab_lookup.sh /work/base10/zw-bench build/bin/zw-bench '^Lookup/1M/DO[01]/burst32' 7
#
# FILTER is zw-bench's --benchmark_filter (any Lookup rows); RUNS (default
# 5) runs of each binary. Prints per row the median and the minimum
# ns/query of each binary and B/A of the medians. Timings on a busy
# 2-core box move by 10-15%: prefer perf/cg_lookup.sh (instruction
# counts) to decide, this to confirm.
#
# Environment (as perf/compare_lookup.sh / perf/cg_lookup.sh):
#   ZW_BENCH_TABLE  the 1M table (default build/bench/deleg-1000000.zwt)
#   ZW_BENCH_DIR    default build/bench
#   ZW_BENCH_QTABLE, ZW_BENCH_QFILE  Lookup/file rows (default: compare_zwd.sh's
#                   $ZW_BENCH_DIR/zwd/zone.zwt and q0-0.txt when they exist)
#   TABLE_A, TABLE_B, QTABLE_A, QTABLE_B  per binary, in place of
#                   ZW_BENCH_TABLE / ZW_BENCH_QTABLE (a table-format change:
#                   each binary reads a table of its own format)
#   MINT=0.5        --benchmark_min_time per run
#   CHRT="chrt -f 50" (or taskset ...) a wrapper for every run
set -euo pipefail
[ $# -ge 3 ] && [ $# -le 4 ] || { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
source "$(dirname "$0")/lib.bash"
A=$(abspath "$1")
B=$(abspath "$2")
F=$3
R=${4:-5}
cd "$(dirname "$0")/.."
ROOT=$PWD
for x in "$A" "$B"; do
	[ -x "$x" ] || { echo "ab_lookup: no $x" >&2; exit 2; }
done
lookup_env "$ROOT"
[ -s "$ZW_BENCH_TABLE" ] || echo "ab_lookup: no table $ZW_BENCH_TABLE: the 1M rows will fail (perf/compare_lookup.sh builds it)" >&2
MINT=${MINT:-0.5}

tmp=$(mktemp -d /tmp/ab_lookup.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
echo "A: $A${TABLE_A:+ (table $TABLE_A)}${QTABLE_A:+ (file rows: $QTABLE_A)}"
echo "B: $B${TABLE_B:+ (table $TABLE_B)}${QTABLE_B:+ (file rows: $QTABLE_B)}"
echo "filter $F, $R interleaved runs each, --benchmark_min_time=$MINT; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$R"); do
	for x in A B; do
		tv=TABLE_$x qv=QTABLE_$x envs=()
		[ -n "${!tv:-}" ] && envs+=("ZW_BENCH_TABLE=${!tv}")
		[ -n "${!qv:-}" ] && envs+=("ZW_BENCH_QTABLE=${!qv}")
		# shellcheck disable=SC2086
		env "${envs[@]}" ${CHRT:-} "${!x}" --benchmark_filter="$F" --benchmark_min_time="$MINT" \
			--benchmark_format=json >"$tmp/$x.$r.json" 2>"$tmp/$x.$r.err" ||
			{ echo "ab_lookup: $x run $r failed:" >&2; tail -3 "$tmp/$x.$r.err" >&2; exit 1; }
	done
done
python3 - "$tmp" "$R" <<'PY'
import json, statistics as st, sys
tmp, runs = sys.argv[1], int(sys.argv[2])
d, order, errs = {}, [], {}
for x in "AB":
    for r in range(1, runs + 1):
        for b in json.load(open("%s/%s.%d.json" % (tmp, x, r)))["benchmarks"]:
            name = b["name"].split("/min_time")[0]
            if name not in order:
                order.append(name)
            if b.get("error_occurred"):
                errs[(name, x)] = b.get("error_message", "error")
                continue
            if "ns/query" in b:
                d.setdefault((name, x), []).append(b["ns/query"] * 1e9)
if not order:
    sys.exit("ab_lookup: no benchmark matched the filter")
print("%-30s %17s %17s %7s" % ("ns/query: median (min)", "A", "B", "B/A"))
for n in order:
    a, b = d.get((n, "A")), d.get((n, "B"))
    fa = "%7.1f (%7.1f)" % (st.median(a), min(a)) if a else "%17s" % errs.get((n, "A"), "-")[:17]
    fb = "%7.1f (%7.1f)" % (st.median(b), min(b)) if b else "%17s" % errs.get((n, "B"), "-")[:17]
    ratio = "%7.3f" % (st.median(b) / st.median(a)) if a and b else "%7s" % "-"
    print("%-30s %s %s %s" % (n, fa, fb, ratio))
PY
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
