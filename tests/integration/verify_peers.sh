#!/bin/bash
# zw-verify against zones signed by the peers, and against broken zones:
#  1. A generated zone (scripts/genzone, ~2,800 records: delegations with
#     and without DS, glue, wildcards, ENTs, odd labels) signed by BIND's
#     dnssec-signzone (NSEC, NSEC3, NSEC3 opt-out with salt; ECDSAP256SHA256,
#     ED25519, RSASHA256, two algorithms at once, -x) and by Knot's
#     kzonesign (NSEC; NSEC3 opt-out): zw-verify and dnssec-verify accept
#     every one.
#  2. The RFC 4035 and RFC 5155 example zones (RSASHA1 / NSEC3RSASHA1,
#     signed in 2004/2005) verify with the clock pinned (--now) inside
#     their validity and fail without it.
#  3. One fault each, on BIND's output: a byte of one signature changed, an
#     expired signature, an unsigned RRset, an algorithm's signature
#     missing, an NSEC removed (a gap), an NSEC pointing past its successor,
#     an NSEC3 removed, a wrong NSEC and NSEC3 bitmap. dnssec-verify and
#     zw-verify both reject each file; zw-verify names the fault.
# Exit 77 (skip) when zw-verify is not built or a peer tool is missing.
set -uo pipefail
ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${ZW_BIN:-$ROOT/build/bin}
VEC=${ZW_VECTORS:-$ROOT/../shared/vectors}
[ -x "$BIN/zw-verify" ] || { echo "skip: $BIN/zw-verify not built" >&2; exit 77; }
for t in dnssec-keygen dnssec-signzone dnssec-verify kzonesign python3; do
	command -v $t >/dev/null || { echo "skip: $t missing" >&2; exit 77; }
done
export TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ZV="$BIN/zw-verify"

bad() { echo "FAIL: $*"; fail=1; }

"$ROOT/scripts/genzone" --delegations 1000 --seed 7 --origin example. \
	>"$tmp/zone" || { echo "FAIL: genzone"; exit 1; }

keys() {        # keys DIR ALG...: a KSK and a ZSK per algorithm
	local dir=$tmp/$1 alg
	shift
	mkdir -p "$dir"
	for alg in "$@"; do
		(cd "$dir" && dnssec-keygen -q -a "$alg" -f KSK example. &&
			dnssec-keygen -q -a "$alg" example.) >/dev/null ||
			bad "dnssec-keygen $alg"
	done
}

bsign() {       # bsign OUT KEYDIR [dnssec-signzone flags]
	local out=$1 dir=$2
	shift 2
	dnssec-signzone -q -S -K "$tmp/$dir" -O full -d "$tmp" -o example. \
		-f "$tmp/$out" "$@" "$tmp/zone" >/dev/null 2>"$tmp/err" ||
		{ bad "dnssec-signzone $out"; cat "$tmp/err"; }
}

ksign() {       # ksign OUT NSEC3(on|off) OPTOUT(on|off)
	local d=$tmp/knot-$1
	mkdir -p "$d/db" "$d/keys" "$d/out"
	cp "$tmp/zone" "$d/zone"
	cat >"$d/knot.conf" <<EOF
database:
    storage: "$d/db"
keystore:
  - id: default
    config: "$d/keys"
policy:
  - id: p
    algorithm: ecdsap256sha256
    nsec3: $2
    nsec3-opt-out: $3
    nsec3-salt-length: 4
    nsec3-iterations: 1
    signing-threads: 2
zone:
  - domain: example.
    storage: "$d"
    file: "zone"
    dnssec-signing: on
    dnssec-policy: p
EOF
	kzonesign -c "$d/knot.conf" -o "$d/out" example. >"$tmp/err" 2>&1 &&
		cp "$d/out/zone" "$tmp/$1" ||
		{ bad "kzonesign $1"; cat "$tmp/err"; }
}

accept() {      # accept FILE [zw-verify flags]: both verifiers pass it
	local f=$1 out
	shift
	out=$("$ZV" -o example. "$@" "$tmp/$f" 2>&1)
	if [ $? -ne 0 ] || ! grep -q '^Zone fully signed:' <<<"$out"; then
		bad "zw-verify rejects $f"
		echo "$out" | head -8
	fi
	dnssec-verify -q -o example. "$@" "$tmp/$f" >/dev/null 2>&1 ||
		bad "dnssec-verify rejects $f (peer output or fixture broken?)"
}

reject() {      # reject FILE REGEX: both fail it, zw-verify saying REGEX
	local f=$1 re=$2 out
	out=$("$ZV" -o example. "$tmp/$f" 2>&1)
	[ $? -ne 0 ] || bad "zw-verify accepts broken $f"
	grep -Eq -- "$re" <<<"$out" ||
		{ bad "$f: zw-verify does not say /$re/:"; echo "$out" | head -5; }
	dnssec-verify -o example. "$tmp/$f" >/dev/null 2>&1 &&
		bad "dnssec-verify accepts broken $f"
	echo "ok: $f: $(grep -Em1 -- "$re" <<<"$out")"
}

# ---- 1. peers' zones ----
keys k13 ECDSAP256SHA256
keys k15 ED25519
keys k8 RSASHA256
mkdir -p "$tmp/k2"
cp "$tmp"/k13/K* "$tmp"/k15/K* "$tmp/k2"
bsign nsec13 k13
bsign nsec3 k13 -3 - -H 0
bsign optout k13 -3 aabbccdd -H 2 -A
bsign nsec15 k15
bsign nsec3rsa k8 -3 -
bsign two k2
bsign kskonly k13 -x
ksign knot-nsec off off
ksign knot-optout on on
for f in nsec13 nsec3 optout nsec15 nsec3rsa two knot-nsec knot-optout; do
	accept $f
done
accept kskonly -x
grep -q 'NSEC3.*1 1 1 ' "$tmp/knot-optout" || bad "Knot zone has no opt-out NSEC3"
grep -q 'ZSKs: 1 active, 0 present' <(
	"$ZV" -x -o example. "$tmp/kskonly" 2>/dev/null) || bad "-x report"

# ---- 2. RFC examples under a pinned clock ----
rfc() {         # rfc FILE NOW
	local out
	out=$("$ZV" -o example. --now "$2" "$VEC/rfc/$1" 2>&1) ||
		{ bad "zw-verify rejects $1 at $2"; echo "$out" | head -5; }
	"$ZV" -o example. "$VEC/rfc/$1" >/dev/null 2>&1 &&
		bad "zw-verify accepts $1 with expired signatures"
}
rfc rfc4035-appendix-a.zone 20040420000000
rfc rfc5155-appendix-a.zone 20100101000000

# ---- 3. broken zones ----
z=$tmp/nsec13
# One byte of one signature (inside the base64, away from the padding).
awk '!d && $4=="RRSIG" && $5=="A" { s=$NF; c=substr(s,5,1);
	$NF=substr(s,1,4) (c=="A" ? "B" : "A") substr(s,6); d=1 } {print}' \
	"$z" >"$tmp/sigbyte"
reject sigbyte 'No correct ECDSAP256SHA256 signature for .* A \(key [0-9]+: signature does not verify\)'

# An expired signature with the zone's own key, swapped in for a good one.
bsign past k13 -P -s 20200101000000 -e 20200201000000
owner=$(awk '$4=="RRSIG" && $5=="AAAA" {print $1; exit}' "$tmp/past")
old=$(awk -v o="$owner" '$1==o && $4=="RRSIG" && $5=="AAAA"' "$tmp/past")
awk -v o="$owner" -v r="$old" '$1==o && $4=="RRSIG" && $5=="AAAA" {print r; next}
	{print}' "$z" >"$tmp/expired"
reject expired "No correct ECDSAP256SHA256 signature for ${owner%.} AAAA \(key [0-9]+: signature has expired 20200201000000\)"

awk '$4=="RRSIG" && $5=="MX" && ++n==2 {next} {print}' "$z" >"$tmp/unsigned"
reject unsigned 'No signatures for .*/MX'

awk '$4=="RRSIG" && $5=="A" && $6==15 && ++n==3 {next} {print}' \
	"$tmp/two" >"$tmp/noalg"
reject noalg 'No correct ED25519 signature for .* A$'

awk '$4=="NSEC" && ++n==17 {next} {print}' "$z" >"$tmp/nsecgap"
reject nsecgap '^Missing NSEC record for '

# An NSEC skipping its successor (its signature breaks too).
awk '$4=="NSEC" && ++n==23 {$5="example."} {print}' "$z" >"$tmp/nsecnext"
reject nsecnext 'Bad NSEC record for .*, next name mismatch \(example vs '

awk '$4=="NSEC3" && ++n==9 {next} {print}' "$tmp/nsec3" >"$tmp/nsec3gone"
reject nsec3gone '^Missing NSEC3 record for .* \([0-9A-V]{32}\.example\)'
grep -q '^Break in NSEC3 chain at: ' <("$ZV" -o example. "$tmp/nsec3gone" 2>&1) ||
	bad "nsec3gone: no chain break reported"

# Apex TXT and its RRSIG removed: the bitmaps still list TXT.
for f in nsec13 nsec3; do
	awk '!($1=="example." && ($4=="TXT" || ($4=="RRSIG" && $5=="TXT")))' \
		"$tmp/$f" >"$tmp/bitmap-$f"
done
reject bitmap-nsec13 '^Bad NSEC record for example, bit map mismatch \(listed but absent: TXT\)'
reject bitmap-nsec3 '^Bad NSEC3 record for example, bit map mismatch \(listed but absent: TXT\)'

[ $fail -eq 0 ] && echo "verify_peers: all passed"
exit $fail
