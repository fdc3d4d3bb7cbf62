#!/bin/bash
# Re-signing with zw-signzone:
#  - our own output again: every signature retained, none made, same text;
#  - with -i longer than the remaining validity: every signature replaced;
#  - NSEC -> NSEC3 opt-out -> NSEC by re-signing with the other flags;
#  - a zone signed by BIND's dnssec-signzone (same keys): BIND's still-good
#    signatures retained, the zone still verifies;
#  - -N increment: new serial, only the SOA signed again.
# Each result must pass dnssec-verify; the chain switches also kzonecheck
# and ldns-verify-zone. Exit 77 (skip) when the tools are missing.
set -uo pipefail
ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${ZW_BIN:-$ROOT/build/bin}
[ -x "$BIN/zw-signzone" ] || { echo "skip: zw-signzone not built" >&2; exit 77; }
for t in dnssec-keygen dnssec-signzone dnssec-verify kzonecheck ldns-verify-zone; do
	command -v $t >/dev/null || { echo "skip: $t missing" >&2; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
cd "$tmp" || exit 1

O=re.test.
"$ROOT/scripts/genzone" --delegations 300 --ds 0.3 --seed 11 --origin $O \
	-o zone || { echo "skip: genzone failed" >&2; exit 77; }
mkdir keys
(cd keys && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK $O &&
	dnssec-keygen -q -a ECDSAP256SHA256 $O) >/dev/null || exit 77

sign() {        # sign IN OUT [flags]: runs with -t, stats in OUT.stats
	local in=$1 out=$2
	shift 2
	"$BIN/zw-signzone" -t -S -K keys -o $O -f "$out" "$@" "$in" \
		>"$out.stats" 2>"$out.err" || { bad "zw-signzone $* $in"; cat "$out.err"; }
}
stat() { awk -v k="$2" -F: '$1 ~ k {gsub(/ /, "", $2); print $2}' "$1.stats"; }
verify() {
	dnssec-verify -q -o $O "$1" >/dev/null 2>&1 || bad "dnssec-verify: $2"
}
verify_all() {
	verify "$1" "$2"
	kzonecheck -d on -o $O "$1" >/dev/null 2>&1 || bad "kzonecheck: $2"
	ldns-verify-zone "$1" >/dev/null 2>&1 || bad "ldns-verify-zone: $2"
}

sign zone s1
verify s1 "first signing"
total=$(stat s1 "Signatures generated")
[ "${total:-0}" -gt 300 ] || bad "few signatures: $total"

sign s1 s2
[ "$(stat s2 "Signatures generated")" = 0 ] || bad "re-sign made new signatures"
[ "$(stat s2 "Signatures retained")" = "$total" ] || bad "not all retained"
cmp -s s1 s2 || bad "re-signing changed the text"

sign s1 s3 -i 40d
[ "$(stat s3 "Signatures generated")" = "$total" ] || bad "-i 40d: not all replaced"
[ "$(stat s3 "Signatures retained")" = 0 ] || bad "-i 40d: some retained"
verify s3 "-i 40d"

sign s1 n3 -3 - -A
verify_all n3 "NSEC -> NSEC3 opt-out"
grep -qP '\tNSEC\t' n3 && bad "NSEC left after switching to NSEC3"
[ "$(stat n3 "Signatures retained")" -gt 0 ] || bad "NSEC3 switch retained nothing"
sign n3 n4 -3 - -A
[ "$(stat n4 "Signatures generated")" = 0 ] || bad "NSEC3 re-sign made new signatures"
sign n3 back
verify_all back "NSEC3 -> NSEC"
grep -qP '\t(NSEC3|NSEC3PARAM)\t' back && bad "NSEC3 left after switching back"

# BIND's signatures are kept when still good.
dnssec-signzone -S -K keys -o $O -f bind.out zone >/dev/null 2>&1 || bad "dnssec-signzone"
sign bind.out b2
verify b2 "re-signed BIND zone"
[ "$(stat b2 "Signatures retained")" -gt 300 ] || bad "BIND's signatures not retained"

sign s1 inc -N increment
verify inc "-N increment"
[ "$(stat inc "Signatures generated")" = 1 ] || bad "-N increment: not just the SOA"
old=$(awk '$4=="SOA"{print $7}' s1)
new=$(awk '$4=="SOA"{print $7}' inc)
[ "$new" = $((old + 1)) ] || bad "serial $old -> $new"

[ $fail -eq 0 ] && echo "sign_resign: re-signing keeps, replaces and switches chains"
exit $fail
