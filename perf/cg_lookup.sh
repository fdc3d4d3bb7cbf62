#!/bin/bash
# Instructions per query of lookup + assembly (callgrind), for zw-bench's
# Lookup rows, one build or two side by side:
#
#   perf/cg_lookup.sh [-a ZW_BENCH] [-b OTHER_ZW_BENCH] [ROW_REGEX...]
#   e.g. perf/cg_lookup.sh -b /work/base10/zw-bench 'Lookup/1M/DO[01]/burst32'
#
# A is build/bin/zw-bench (or -a), B the -b binary (columns A, B, B-A;
# -a OLD -b build/bin/zw-bench makes B-A the change).
# Default rows: Lookup/1M/DO{0,1}/burst32 (the issue's mix), .../exist,
# .../nx, .../nodata, .../below (burst32), and Lookup/file/DO{0,1}/burst32
# when perf/compare_zwd.sh's table and query file exist
# ($ZW_BENCH_DIR/zwd/zone.zwt, q0-0.txt; or ZW_BENCH_QTABLE/ZW_BENCH_QFILE).
# A ROW_REGEX selects rows of `zw-bench --benchmark_list_tests` (each row
# is then measured alone).
#
# Per row and binary: valgrind --tool=callgrind --collect-atstart=no
# --toggle-collect=zw_table_answer_burst (burstN rows; zw_table_answer for
# single rows) zw-bench --benchmark_filter=ROW --benchmark_min_time=0.01.
# Only instructions inside that function are counted (so the benchmark's
# own loop and the table's loading are not), and
#   instructions/query = collected Ir / (calls x burst)
# with calls from callgrind_annotate --tree=caller (the count on the
# function's one call per invocation into the burst loop or answer code).
# Each invocation answers `burst` queries; the check that calls x burst is
# a multiple of the benchmark's 4096 queries per iteration is printed as a
# warning when it fails. Robust on a busy machine (timings are not): the
# same binary and table give the same count to a few hundredths.
#
# ~25-30 s per row and binary on the 1M table; JOBS (default: online
# CPUs) rows at a time (each valgrind holds the 740 MB table: ~1.5 GB).
#
# Environment:
#   ZW_BENCH_TABLE   the 1M table (default build/bench/deleg-1000000.zwt,
#                    made by perf/compare_lookup.sh; its zone is read from
#                    ZW_BENCH_DIR, default build/bench)
#   ZW_BENCH_QTABLE, ZW_BENCH_QFILE  the Lookup/file rows' table and queries
#   JOBS=N  MINT=0.01 (--benchmark_min_time)  KEEP=1 (keep callgrind files)
set -euo pipefail
source "$(dirname "$0")/lib.bash"
A=
B=
usage() {
	sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
while getopts a:b:h o; do
	case $o in
	a) A=$(abspath "$OPTARG") ;;
	b) B=$(abspath "$OPTARG") ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
A=${A:-$ROOT/$BUILD/bin/zw-bench}
for x in "$A" ${B:+"$B"}; do
	[ -x "$x" ] || { echo "cg_lookup: no $x (make all?)" >&2; exit 2; }
done
command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null ||
	{ echo "cg_lookup: needs valgrind (callgrind, callgrind_annotate)" >&2; exit 2; }

lookup_env "$ROOT"
[ -s "$ZW_BENCH_TABLE" ] || {
	echo "cg_lookup: no table $ZW_BENCH_TABLE (perf/compare_lookup.sh builds it; or set ZW_BENCH_TABLE)" >&2
	exit 2
}
JOBS=${JOBS:-$(nproc)}
MINT=${MINT:-0.01}

if [ $# -eq 0 ]; then
	set -- '^Lookup/1M/DO[01]/burst32' '^Lookup/1M/DO[01]/(exist|nx|nodata|below)/burst32'
	[ -n "${ZW_BENCH_QFILE:-}" ] && set -- "$@" '^Lookup/file/DO[01]/burst32'
fi
# rows: the listed names (in A's order) that a ROW_REGEX matches
mapfile -t all < <("$A" --benchmark_list_tests 2>/dev/null | grep '^Lookup/')
rows=()
for re in "$@"; do
	for r in "${all[@]}"; do
		[[ " ${rows[*]} " == *" $r "* ]] && continue
		grep -Eq -- "$re" <<<"$r" && rows+=("$r")
	done
done
[ ${#rows[@]} -gt 0 ] || { echo "cg_lookup: no Lookup row matches $*" >&2; exit 2; }
if [ -n "$B" ]; then
	mapfile -t ball < <("$B" --benchmark_list_tests 2>/dev/null | grep '^Lookup/')
fi

tmp=$(mktemp -d /tmp/cg_lookup.XXXXXX)
if [ -n "${KEEP:-}" ]; then
	trap 'echo "callgrind files kept in $tmp" >&2' EXIT
else
	trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 130' INT TERM

# one row under callgrind -> $tmp/<side>.<i>.res: "instr/query calls burst"
measure() { # side(A|B) binary index row
	local side=$1 bin=$2 i=$3 row=$4 fn=zw_table_answer_burst burst re out
	if [[ $row =~ /burst([0-9]+) ]]; then
		burst=${BASH_REMATCH[1]}
	elif [[ $row == */single* ]]; then
		fn=zw_table_answer
		burst=1
	else
		echo "- 0 0 (neither single nor burstN)" >"$tmp/$side.$i.res"
		return
	fi
	re="^$(sed 's/[].[*^$()+?{}|\\]/\\&/g' <<<"$row")\$"
	out=$tmp/$side.$i.out
	if ! valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
		--toggle-collect="$fn" "$bin" --benchmark_filter="$re" \
		--benchmark_min_time="$MINT" >"$tmp/$side.$i.log" 2>&1; then
		echo "- 0 0 (valgrind failed: $tmp/$side.$i.log)" >"$tmp/$side.$i.res"
		return
	fi
	callgrind_annotate --tree=caller "$out" 2>/dev/null | python3 -c '
import re, sys
fn, burst = sys.argv[1], int(sys.argv[2])
total = int(re.search(r"^totals: (\d+)", open(sys.argv[3]).read(), re.M).group(1))
best = None  # the call out of fn with the most inclusive Ir: its count
for line in sys.stdin:
    m = re.match(r"\s*([\d,]+)\s.*<\s+\S*:%s \(([\d,]+)x\)" % re.escape(fn), line)
    if m:
        ir, calls = int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))
        if best is None or ir > best[0]:
            best = (ir, calls)
if not best or not total:
    print("- 0 %d (no calls counted)" % burst)
else:
    q = best[1] * burst
    warn = "" if q % 4096 == 0 else " (warning: %d queries, not a multiple of 4096)" % q
    print("%.1f %d %d%s" % (total / q, best[1], burst, warn))
' "$fn" "$burst" "$out" >"$tmp/$side.$i.res"
	[ -n "${KEEP:-}" ] || rm -f "$out"
}

echo "instructions/query (callgrind), table $ZW_BENCH_TABLE"
echo "A: $A${B:+
B: $B}"
started=$SECONDS
for i in "${!rows[@]}"; do
	for side in A ${B:+B}; do
		bin=$A
		if [ "$side" = B ]; then
			bin=$B
			if [[ " ${ball[*]} " != *" ${rows[$i]} "* ]]; then
				echo "- 0 0 (no such row)" >"$tmp/B.$i.res"
				continue
			fi
		fi
		while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
		measure "$side" "$bin" "$i" "${rows[$i]}" &
	done
done
wait

python3 - "$tmp" "${B:+1}" "${rows[@]}" <<'PY'
import sys
tmp, two, rows = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
def res(side, i):
    try:
        f = open("%s/%s.%d.res" % (tmp, side, i)).read().split(None, 3)
    except OSError:
        return None, "(no result)"
    note = f[3].strip() if len(f) > 3 else ""
    return (None if f[0] == "-" else float(f[0])), note
if two:
    print("%-30s %9s %9s %9s %8s" % ("row", "A", "B", "B-A", "B/A"))
else:
    print("%-30s %9s" % ("row", "A"))
notes = []
for i, r in enumerate(rows):
    name = r.replace("/min_time:1.000", "")
    a, na = res("A", i)
    fa = "%9.1f" % a if a is not None else "%9s" % "-"
    if na:
        notes.append("%s A: %s" % (name, na))
    if not two:
        print("%-30s %s" % (name, fa))
        continue
    b, nb = res("B", i)
    if nb:
        notes.append("%s B: %s" % (name, nb))
    fb = "%9.1f" % b if b is not None else "%9s" % "-"
    if a is not None and b is not None:
        print("%-30s %s %s %+9.1f %8.3f" % (name, fa, fb, b - a, b / a))
    else:
        print("%-30s %s %s" % (name, fa, fb))
for n in notes:
    print("note: " + n)
PY
echo "($((SECONDS - started)) s)"
