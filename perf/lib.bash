# Shared by the perf/*.sh scripts: `source "$(dirname "$0")/lib.bash"`.

# median: the median of the numbers on standard input, one per line.
median() {
	sort -g | awk '{ v[NR] = $1 }
		END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# time_summary LOG: "wall cpu kilobytes" from a GNU `time -v` log (wall in
# seconds, cpu = user + system seconds, peak resident set size).
time_summary() {
	awk -F': ' '
		/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
			for (i = 1; i <= n; i++) s = s * 60 + p[i] }
		/User time \(seconds\)/ { u = $2 }
		/System time \(seconds\)/ { y = $2 }
		/Maximum resident set size/ { kb = $2 }
		END { print s, u + y, kb }' "$1"
}

# abspath PATH: PATH made absolute against the current directory (for
# arguments, before a script changes to the repository root).
abspath() { [[ $1 == /* ]] && echo "$1" || echo "$PWD/$1"; }

# lookup_env ROOT: the Lookup benchmarks' tables, exported for zw-bench:
# ZW_BENCH_DIR (default ROOT/build/bench), ZW_BENCH_TABLE (the 1M table
# perf/compare_lookup.sh builds there), and ZW_BENCH_QTABLE /
# ZW_BENCH_QFILE (the Lookup/file rows) from perf/compare_zwd.sh's files
# when they exist and are not set already.
lookup_env() {
	export ZW_BENCH_DIR=${ZW_BENCH_DIR:-$1/build/bench}
	export ZW_BENCH_TABLE=${ZW_BENCH_TABLE:-$ZW_BENCH_DIR/deleg-1000000.zwt}
	if [ -z "${ZW_BENCH_QFILE:-}" ] && [ -s "$ZW_BENCH_DIR/zwd/zone.zwt" ] &&
		[ -s "$ZW_BENCH_DIR/zwd/q0-0.txt" ]; then
		export ZW_BENCH_QTABLE=$ZW_BENCH_DIR/zwd/zone.zwt
		export ZW_BENCH_QFILE=$ZW_BENCH_DIR/zwd/q0-0.txt
	fi
}
