#!/bin/bash
# Runs every cmocka unit test binary under $BUILD/tests and every integration
# test script tests/integration/*.sh, then prints one closing line
# "N passed, N failed, N skipped". Integration scripts exit 0 (pass),
# 77 (skip, with a reason on stderr) or anything else (fail).
set -u
BUILD=${BUILD:-build}
export BUILD ZW_BIN="$PWD/$BUILD/bin" ZW_ROOT="$PWD"
export ZW_VECTORS="${ZW_VECTORS:-$PWD/../shared/vectors}"
mode=${1:-all}
passed=0 failed=0 skipped=0
failures=()
log_dir="$BUILD/test-logs"
mkdir -p "$log_dir"

run_unit() {
	local t name out
	for t in $(find "$BUILD/tests" -type f 2>/dev/null -perm -u+x -name 'test_*' | sort); do
		name=${t#"$BUILD"/tests/}
		out="$log_dir/${name//\//_}.log"
		if "$t" >"$out" 2>&1; then
			n=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$out" | awk '{s+=$4} END{print s+0}')
			passed=$((passed + n))
			echo "PASS  $name ($n)"
		else
			n=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$out" | awk '{s+=$4} END{print s+0}')
			[ "$n" -gt 0 ] || n=1
			p=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$out" | awk '{s+=$4} END{print s+0}')
			passed=$((passed + p))
			failed=$((failed + n))
			failures+=("$name")
			echo "FAIL  $name"
			sed 's/^/    /' "$out" | grep -vE '^\s+\[ (RUN|       OK) ' | tail -40
		fi
	done
}

run_integration() {
	local s name out rc start
	for s in tests/integration/*.sh; do
		[ -e "$s" ] || continue
		name=integration/$(basename "$s" .sh)
		out="$log_dir/${name//\//_}.log"
		start=$SECONDS
		bash "$s" >"$out" 2>&1
		rc=$?
		if [ $rc -eq 0 ]; then
			passed=$((passed + 1)); echo "PASS  $name ($((SECONDS - start))s)"
		elif [ $rc -eq 77 ]; then
			skipped=$((skipped + 1)); echo "SKIP  $name: $(tail -1 "$out")"
		else
			failed=$((failed + 1)); failures+=("$name")
			echo "FAIL  $name (exit $rc)"; tail -40 "$out" | sed 's/^/    /'
		fi
	done
}

case $mode in
--unit) run_unit ;;
--integration) run_integration ;;
*) run_unit; run_integration ;;
esac

[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]} (logs in $log_dir)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
