#!/bin/bash
# Lookup + response assembly speed over the issue's table (part of
# `make bench`): the signed 1,000,000-delegation zone (scripts/genzone
# --delegations 1000000 --seed 1 --origin example., keys made here, signed
# with zw-signzone (NSEC), compiled with zw-compile), cached under
# build/bench (rebuilt when zw-compile is newer than the table), then the
# Lookup/1M benchmarks of zw-bench (perf/bench_lookup.cc): DO=0 and DO=1,
# single queries and bursts of 32, 10% nonexistent names (and, when
# perf/compare_zwd.sh has built them, Lookup/file: zwd's query mix on
# its 100k table); medians of RUNS
# repetitions in ns per query of CPU time (wall/CPU well above 1 means
# the machine was busy: the figures are then upper bounds).
#
#   RUNS=5 perf/compare_lookup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BIN=$PWD/$BUILD/bin
RUNS=${RUNS:-5}
dir=$PWD/build/bench
mkdir -p "$dir"
zone=$dir/deleg-1000000.zone
signed=$dir/deleg-1000000.signed
table=$dir/deleg-1000000.zwt

if [ ! -s "$zone" ]; then
	scripts/genzone --delegations 1000000 --seed 1 --origin example. \
		-o "$zone" --stats 2>"$zone.count"
fi
if [ ! -s "$signed" ]; then
	keys=$dir/keys
	if ! ls "$keys"/Kexample.+013+*.private >/dev/null 2>&1; then
		mkdir -p "$keys"
		"$BIN/zw-keygen" -q -K "$keys" -a ECDSAP256SHA256 -f KSK example.
		"$BIN/zw-keygen" -q -K "$keys" -a ECDSAP256SHA256 example.
	fi
	# -d: dsset-example. goes to the bench directory, not the cwd
	"$BIN/zw-signzone" -q -S -K "$keys" -d "$dir" -o example. -P \
		-f "$signed.tmp" "$zone"
	mv "$signed.tmp" "$signed"
fi
if [ ! -s "$table" ] || [ "$BIN/zw-compile" -nt "$table" ]; then
	"$BIN/zw-compile" -o example. -O "$table" "$signed"
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
# zwd's benchmark mix too (NS, DS, glue-name queries on its 100k table)
# when perf/compare_zwd.sh has made it
filter='^Lookup/1M/'
if [ -s "$dir/zwd/zone.zwt" ] && [ -s "$dir/zwd/q0-0.txt" ]; then
	export ZW_BENCH_QTABLE=$dir/zwd/zone.zwt ZW_BENCH_QFILE=$dir/zwd/q0-0.txt
	filter='^Lookup/(1M|file)/'
fi
ZW_BENCH_DIR=$dir ZW_BENCH_TABLE=$table "$BIN/zw-bench" \
	--benchmark_filter="$filter" \
	--benchmark_repetitions="$RUNS" \
	--benchmark_out="$out" --benchmark_out_format=json >/dev/null 2>&1
python3 - "$out" "$RUNS" <<'PY'
import json, sys
rows = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    # one repetition has no aggregates: its single run is the median
    single = sys.argv[2] == "1" and b.get("run_type") == "iteration"
    if not single and (b.get("run_type") != "aggregate" or
                       b.get("aggregate_name") != "median"):
        continue
    name = b["run_name"].replace("/min_time:1.000", "")
    rows[name] = (b["ns/query"] * 1e9, b["real_time"] / b["cpu_time"])
print("lookup + assembly, signed 1M-delegation table (file: zwd's mix, 100k table), median of %s runs" % sys.argv[2])
print("%-28s %10s %14s" % ("", "ns/query", "wall/CPU"))
for name, (ns, ratio) in rows.items():
    print("%-28s %10.1f %14.2f" % (name, ns, ratio))
PY
