#!/bin/bash
# Side by side: check/load the 1,000,000-delegation benchmark zone with
# zw-checkzone, named-checkzone and kzonecheck in one run. Each tool runs
# RUNS times (interleaved, so machine noise spreads over all of them); the
# table shows median wall time, median CPU time (user + sys) and median peak
# RSS (GNU time -v), with ratios against kzonecheck. Speed ratios use CPU
# time: all three tools are single-threaded, and CPU time is what other
# load on the machine disturbs least. Issue targets: >= 2.5x kzonecheck's
# speed and <= half its peak memory.
#   RUNS=5 DELEGATIONS=200000 perf/compare_zoneparse.sh
source "$(dirname "$0")/lib.bash"
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNS=${RUNS:-3}
DELEGATIONS=${DELEGATIONS:-1000000}
ORIGIN=example.
dir=build/bench
zone=$dir/deleg-$DELEGATIONS.zone
mkdir -p "$dir"

# The zone is cached; regenerated when the generator changed.
if [ ! -s "$zone" ] || [ ! -s "$zone.count" ] || [ scripts/genzone -nt "$zone" ]; then
	echo "generating $zone ..."
	scripts/genzone --delegations "$DELEGATIONS" --seed 1 --origin "$ORIGIN" \
		-o "$zone" --stats 2>"$zone.count.tmp"
	mv "$zone.count.tmp" "$zone.count"
fi
bytes=$(stat -c %s "$zone")
records=$(awk '/^records:/ { print $2 }' "$zone.count")

tools=(zonewire named kzonecheck)
declare -A cmd
cmd[zonewire]="$BUILD/bin/zw-checkzone -o $ORIGIN $zone"
cmd[named]="named-checkzone -k ignore -i none -n ignore -m ignore -M ignore -S ignore -T ignore $ORIGIN $zone"
cmd[kzonecheck]="kzonecheck -o $ORIGIN $zone"
if [ ! -x "$BUILD/bin/zw-checkzone" ]; then
	echo "note: $BUILD/bin/zw-checkzone is not built yet; measuring the peers only"
	tools=(named kzonecheck)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One timed run: appends "wall cpu kilobytes" to $tmp/<tool>.
run_one() {
	local t=$1 log=$tmp/$1.time
	if ! /usr/bin/time -v -o "$log" ${cmd[$t]} >"$tmp/$t.out" 2>&1; then
		echo "FAIL: ${cmd[$t]}" >&2
		tail -5 "$tmp/$t.out" >&2
		exit 1
	fi
	time_summary "$log" >>"$tmp/$t"
}


echo "zone: $zone ($records records, $((bytes / 1000000)) MB), $RUNS runs each"
for ((r = 1; r <= RUNS; r++)); do
	for t in "${tools[@]}"; do run_one "$t"; done
done

declare -A wall sec kb
for t in "${tools[@]}"; do
	wall[$t]=$(cut -d' ' -f1 "$tmp/$t" | median)
	sec[$t]=$(cut -d' ' -f2 "$tmp/$t" | median)
	kb[$t]=$(cut -d' ' -f3 "$tmp/$t" | median)
done
ks=${sec[kzonecheck]} kk=${kb[kzonecheck]}
printf '\n%-12s %8s %8s %12s %9s %14s %14s\n' tool "wall (s)" "cpu (s)" "records/s" "peak MB" "speed vs knot" "memory vs knot"
for t in "${tools[@]}"; do
	awk -v t="$t" -v w="${wall[$t]}" -v s="${sec[$t]}" -v k="${kb[$t]}" -v ks="$ks" -v kk="$kk" -v n="$records" 'BEGIN {
		printf "%-12s %8.2f %8.2f %12.0f %9.0f %13.2fx %13.2fx\n", t, w, s, (s > 0 ? n / s : 0), k / 1024, (s > 0 ? ks / s : 0), k / kk }'
done
if [ -n "${sec[zonewire]:-}" ]; then
	awk -v s="${sec[zonewire]}" -v k="${kb[zonewire]}" -v ks="$ks" -v kk="$kk" 'BEGIN {
		sp = ks / s; m = k / kk
		printf "\ntargets: speed >= 2.50x kzonecheck: %.2fx %s; memory <= 0.50x: %.2fx %s\n",
			sp, (sp >= 2.5 ? "met" : "MISSED"), m, (m <= 0.5 ? "met" : "MISSED") }'
fi
