# Shared by the perf/compare_*.sh scripts: `source "$(dirname "$0")/lib.bash"`.

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
