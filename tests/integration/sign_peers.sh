#!/bin/bash
# zw-signzone output accepted by three independent verifiers:
# BIND's dnssec-verify, ldns-verify-zone and Knot's kzonecheck -d on.
#  - RFC 4035 Appendix A (NSEC) and RFC 5155 Appendix A (NSEC3, its salt,
#    iterations and opt-out): once as published (old signatures, NSEC and
#    NSEC3 replaced by re-signing) and once stripped to the unsigned data;
#  - a scripts/genzone zone (delegations with and without DS, glue,
#    wildcards, ENTs, odd names) with NSEC, NSEC3 and NSEC3 opt-out, for
#    ECDSAP256SHA256, ED25519 and RSASHA256 keys made by dnssec-keygen;
#  - -g: a child's DS from its dsset- file, the same as dnssec-signzone -g.
# Exit 77 (skip) when the tools are missing.
set -uo pipefail
ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${ZW_BIN:-$ROOT/build/bin}
VEC=${ZW_VECTORS:-$ROOT/../shared/vectors}/rfc
[ -x "$BIN/zw-signzone" ] || { echo "skip: zw-signzone not built" >&2; exit 77; }
for t in dnssec-keygen dnssec-verify named-checkzone ldns-verify-zone kzonecheck; do
	command -v $t >/dev/null || { echo "skip: $t missing" >&2; exit 77; }
done
[ -f "$VEC/rfc4035-appendix-a.zone" ] || { echo "skip: no vectors at $VEC" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# check ORIGIN FILE WHAT: all three verifiers accept FILE.
check() {
	local o=$1 f=$2 what=$3
	dnssec-verify -q -o "$o" "$f" >"$tmp/v.log" 2>&1 ||
		{ bad "dnssec-verify: $what"; head -5 "$tmp/v.log"; }
	ldns-verify-zone "$f" >"$tmp/v.log" 2>&1 ||
		{ bad "ldns-verify-zone: $what"; head -5 "$tmp/v.log"; }
	kzonecheck -d on -o "$o" "$f" >"$tmp/v.log" 2>&1 ||
		{ bad "kzonecheck: $what"; head -5 "$tmp/v.log"; }
}

keys() {        # keys DIR ORIGIN ALG: one KSK and one ZSK
	mkdir -p "$1"
	(cd "$1" && rm -f K* &&
		dnssec-keygen -q -a "$3" -f KSK "$2" >/dev/null &&
		dnssec-keygen -q -a "$3" "$2" >/dev/null)
}

sign() {        # sign KEYDIR ORIGIN IN OUT [flags...]
	local kd=$1 o=$2 in=$3 out=$4
	shift 4
	"$BIN/zw-signzone" -q -S -K "$kd" -d "$tmp" -o "$o" -f "$out" "$@" \
		"$in" 2>"$tmp/s.log" || { bad "zw-signzone $* $in"; cat "$tmp/s.log"; }
}

# Unsigned data of a signed zone, one RR per line.
strip() {
	named-checkzone -q -D -o - "$1" "$2" 2>/dev/null |
		grep -vE '[[:space:]](RRSIG|NSEC|NSEC3|NSEC3PARAM|DNSKEY)[[:space:]]' >"$3"
}

# ---- RFC example zones ----
keys "$tmp/k-ex" example. ECDSAP256SHA256
rfc4035=$VEC/rfc4035-appendix-a.zone
rfc5155=$VEC/rfc5155-appendix-a.zone
sign "$tmp/k-ex" example. "$rfc4035" "$tmp/a1"
check example. "$tmp/a1" "RFC 4035 re-signed"
strip example. "$rfc4035" "$tmp/a.plain"
sign "$tmp/k-ex" example. "$tmp/a.plain" "$tmp/a2"
check example. "$tmp/a2" "RFC 4035 stripped"
sign "$tmp/k-ex" example. "$rfc5155" "$tmp/b1" -3 aabbccdd -H 12 -A
check example. "$tmp/b1" "RFC 5155 re-signed"
strip example. "$rfc5155" "$tmp/b.plain"
sign "$tmp/k-ex" example. "$tmp/b.plain" "$tmp/b2" -3 aabbccdd -H 12 -A
check example. "$tmp/b2" "RFC 5155 stripped"
grep -q 'NSEC3PARAM	1 0 12 AABBCCDD' "$tmp/b2" || bad "RFC 5155: NSEC3PARAM"

# ---- generated zones, three algorithms, three denial modes ----
"$ROOT/scripts/genzone" --delegations 600 --ds 0.3 --seed 7 --origin gen.test. \
	-o "$tmp/gen.zone" || bad genzone
for alg in ECDSAP256SHA256 ED25519 RSASHA256; do
	keys "$tmp/k-$alg" gen.test. $alg
	for mode in nsec nsec3 optout; do
		case $mode in
		nsec) flags=() ;;
		nsec3) flags=(-3 -) ;;
		optout) flags=(-3 beef -A) ;;
		esac
		sign "$tmp/k-$alg" gen.test. "$tmp/gen.zone" "$tmp/g.$alg.$mode" "${flags[@]}"
		check gen.test. "$tmp/g.$alg.$mode" "genzone $alg $mode"
	done
done
# -g: child DS from dsset- files, as dnssec-signzone -g puts them.
mkdir -p "$tmp/g/child"
(cd "$tmp/g/child" && dnssec-keygen -q -a ED25519 -f KSK sub.gen.test. >k) &&
	(cd "$tmp/g" && dnssec-dsfromkey -2 "child/$(cat child/k).key" >dsset-sub.gen.test.)
cat "$tmp/gen.zone" - >"$tmp/g/zone" <<'EOF'
sub.gen.test. 3600 IN NS ns.sub.gen.test.
ns.sub.gen.test. 3600 IN A 192.0.2.53
EOF
(cd "$tmp/g" && "$BIN/zw-signzone" -q -g -S -K "$tmp/k-ECDSAP256SHA256" \
	-o gen.test. -f zw.out zone && dnssec-signzone -g -S \
	-K "$tmp/k-ECDSAP256SHA256" -o gen.test. -f bind.out zone) >/dev/null 2>&1 ||
	bad "-g signing"
for f in zw bind; do
	named-checkzone -q -D -o - gen.test. "$tmp/g/$f.out" 2>/dev/null |
		awk '$1=="sub.gen.test." && $4=="DS" {$2=""; print}' >"$tmp/g/$f.ds"
done
[ -s "$tmp/g/zw.ds" ] && cmp -s "$tmp/g/zw.ds" "$tmp/g/bind.ds" ||
	{ bad "-g: DS differs from dnssec-signzone -g"; cat "$tmp/g/zw.ds" "$tmp/g/bind.ds"; }
check gen.test. "$tmp/g/zw.out" "-g"

[ -s "$tmp/dsset-gen.test." ] || bad "no dsset-gen.test. written"
grep -q "IN DS" "$tmp/dsset-gen.test." || bad "dsset has no DS"

[ $fail -eq 0 ] && echo "sign_peers: all verifiers accept"
exit $fail
