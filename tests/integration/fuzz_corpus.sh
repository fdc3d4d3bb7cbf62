#!/bin/bash
# Fuzz regression: build every libFuzzer target (make fuzz-build) and run it
# over its committed seed corpus only (tests/fuzz/corpus/<name>/, each file
# executed once, no mutation), failing on any crash, leak, sanitizer report
# or timeout. Takes seconds; `make fuzz` is the real fuzzing run.
# Exit 77 (skip) only when no fuzz target exists yet.
set -uo pipefail
ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT" || exit 1
shopt -s nullglob
srcs=(tests/fuzz/fuzz_*.c)
if [ ${#srcs[@]} -eq 0 ]; then
	echo "skip: no fuzz targets in tests/fuzz/ yet" >&2
	exit 77
fi
if ! make --no-print-directory -j"$(nproc)" fuzz-build; then
	echo "FAIL: make fuzz-build"
	exit 1
fi
fail=0
for src in "${srcs[@]}"; do
	name=$(basename "$src" .c)
	bin=build/fuzz/$name
	corpus=tests/fuzz/corpus/${name#fuzz_}
	files=()
	[ -d "$corpus" ] && mapfile -d '' files < <(find "$corpus" -type f -print0 | sort -z)
	if [ ${#files[@]} -eq 0 ]; then
		echo "FAIL $name: no seed corpus committed in $corpus/"
		fail=1; continue
	fi
	# Given files (not a directory), libFuzzer runs each input once and exits
	# non-zero on the first crash.
	if "$bin" -timeout=10 -rss_limit_mb=2048 "${files[@]}" >"build/fuzz/$name.regress.log" 2>&1; then
		echo "ok   $name: ${#files[@]} seeds"
	else
		echo "FAIL $name over $corpus (log build/fuzz/$name.regress.log):"
		grep -E 'ERROR|SUMMARY|Running:|==[0-9]+==' "build/fuzz/$name.regress.log" | tail -20
		fail=1
	fi
done
exit $fail
