#!/bin/bash
# Side by side: verify a signed generated delegation zone (ECDSAP256SHA256,
# signed once by kzonesign and cached; NSEC and NSEC3 opt-out) with
# zw-verify (all cores), dnssec-verify, kzonecheck -d on and
# ldns-verify-zone. Each tool runs RUNS times, interleaved; the table shows
# median wall time, CPU time (user + sys) and peak RSS, with ratios against
# dnssec-verify on CPU time (the measure other load on the machine disturbs
# least; zw-verify's wall time also shows its threads). Then zw-verify
# alone on the BIG-delegation zone (the 1M-delegation benchmark zone; BIG=0
# skips it; signing it with kzonesign the first time takes minutes).
#   RUNS=3 DELEGATIONS=100000 BIG=1000000 perf/compare_verify.sh
source "$(dirname "$0")/lib.bash"
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNS=${RUNS:-1}
DELEGATIONS=${DELEGATIONS:-100000}
BIG=${BIG:-1000000}
ORIGIN=example.
dir=build/bench
mkdir -p "$dir"
for t in kzonesign dnssec-verify kzonecheck ldns-verify-zone; do
	command -v $t >/dev/null || { echo "skip: $t missing"; exit 0; }
done
[ -x "$BUILD/bin/zw-verify" ] || { echo "skip: zw-verify not built"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# signed N MODE(nsec|optout): path of the cached signed zone, made when
# missing or older than the generator.
signed() {
	local n=$1 mode=$2 out=$dir/verify-$1-$2.signed d=$tmp/knot-$1-$2
	if [ -s "$out" ] && [ "$out" -nt scripts/genzone ]; then
		echo "$out"
		return
	fi
	mkdir -p "$d/db" "$d/keys" "$d/out"
	scripts/genzone --delegations "$n" --seed 1 --origin $ORIGIN -o "$d/zone"
	local n3=off oo=off
	[ "$mode" = optout ] && n3=on oo=on
	cat >"$d/knot.conf" <<EOF
database:
    storage: "$d/db"
keystore:
  - id: default
    config: "$d/keys"
policy:
  - id: p
    algorithm: ecdsap256sha256
    nsec3: $n3
    nsec3-opt-out: $oo
    nsec3-iterations: 0
    nsec3-salt-length: 0
    signing-threads: $(nproc)
zone:
  - domain: $ORIGIN
    storage: "$d"
    file: "zone"
    dnssec-signing: on
    dnssec-policy: p
EOF
	echo "signing $n delegations ($mode) with kzonesign ..." >&2
	kzonesign -c "$d/knot.conf" -o "$d/out" $ORIGIN >"$d/log" 2>&1 ||
		{ cat "$d/log" >&2; exit 1; }
	mv "$d/out/zone" "$out"
	rm -rf "$d"
	echo "$out"
}

# One timed run of "$@": appends "wall cpu kilobytes" to file $1.
run_one() {
	local res=$1 log=$tmp/time
	shift
	if ! /usr/bin/time -v -o "$log" "$@" >"$tmp/out" 2>&1; then
		echo "FAIL: $*" >&2
		tail -5 "$tmp/out" >&2
		exit 1
	fi
	time_summary "$log" >>"$res"
}


compare() {     # compare ZONE
	local zone=$1 t
	local tools=(zonewire dnssec-verify kzonecheck ldns-verify-zone)
	declare -A cmd wall sec kb
	cmd[zonewire]="$BUILD/bin/zw-verify -q -o $ORIGIN $zone"
	cmd[dnssec-verify]="dnssec-verify -q -o $ORIGIN $zone"
	cmd[kzonecheck]="kzonecheck -d on -o $ORIGIN $zone"
	cmd[ldns-verify-zone]="ldns-verify-zone $zone"
	rm -f "$tmp"/r.*
	for ((r = 1; r <= RUNS; r++)); do
		for t in "${tools[@]}"; do run_one "$tmp/r.$t" ${cmd[$t]}; done
	done
	for t in "${tools[@]}"; do
		wall[$t]=$(cut -d' ' -f1 "$tmp/r.$t" | median)
		sec[$t]=$(cut -d' ' -f2 "$tmp/r.$t" | median)
		kb[$t]=$(cut -d' ' -f3 "$tmp/r.$t" | median)
	done
	local rrsigs
	rrsigs=$(awk '$3 == "RRSIG" || $4 == "RRSIG" { n++ } END { print n + 0 }' "$zone")
	echo
	echo "zone: $zone ($rrsigs RRSIGs), $RUNS runs each, $(nproc) cores"
	printf '%-17s %8s %8s %10s %8s %12s %12s\n' tool "wall (s)" "cpu (s)" \
		"sigs/cpu-s" "peak MB" "cpu vs BIND" "wall vs BIND"
	for t in "${tools[@]}"; do
		awk -v t="$t" -v w="${wall[$t]}" -v s="${sec[$t]}" -v k="${kb[$t]}" \
			-v bs="${sec[dnssec-verify]}" -v bw="${wall[dnssec-verify]}" \
			-v n="$rrsigs" 'BEGIN {
			printf "%-17s %8.2f %8.2f %10.0f %8.0f %11.2fx %11.2fx\n", t, w, s,
				(s > 0 ? n / s : 0), k / 1024, (s > 0 ? bs / s : 0),
				(w > 0 ? bw / w : 0) }'
	done
}

compare "$(signed "$DELEGATIONS" nsec)"
compare "$(signed "$DELEGATIONS" optout)"
if [ "$BIG" -gt 0 ]; then
	big=$(signed "$BIG" nsec)
	echo
	echo "zw-verify on $big:"
	"$BUILD/bin/zw-verify" -q -v 1 -o $ORIGIN "$big" 2>&1 | sed 's/^/  /'
	/usr/bin/time -f "  wall %e s, cpu %U+%S s, peak %M KB" \
		"$BUILD/bin/zw-verify" -q -o $ORIGIN "$big"
fi
