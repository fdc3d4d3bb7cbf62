#!/bin/bash
# zw-signzone on bad input: exit status 1, a message naming the file (and
# record or key), and the good output file from an earlier run left exactly
# as it was. Covers a missing private key, a private key of another key,
# an unknown key file, a key of another zone, no keys, NSEC3 iterations
# above 150 (and the warning above 0), a salt that is too long, -A without
# NSEC3, a syntax error, a record outside the zone.
# Exit 77 (skip) when the tools are missing.
set -uo pipefail
ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${ZW_BIN:-$ROOT/build/bin}
[ -x "$BIN/zw-signzone" ] || { echo "skip: zw-signzone not built" >&2; exit 77; }
command -v dnssec-keygen >/dev/null || { echo "skip: dnssec-keygen missing" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
cd "$tmp" || exit 1

cat >zone <<'EOF'
$TTL 300
example. IN SOA ns1.example. host.example. 1 3600 600 86400 120
example. IN NS ns1.example.
ns1.example. IN A 192.0.2.1
EOF
mkdir keys other
(cd keys && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK example. >../ksk &&
	dnssec-keygen -q -a ECDSAP256SHA256 example. >../zsk &&
	dnssec-keygen -q -a ECDSAP256SHA256 example. >../spare) || exit 77
(cd other && dnssec-keygen -q -a ECDSAP256SHA256 other. >../oth) || exit 77
KSK=keys/$(cat ksk) ZSK=keys/$(cat zsk) SPARE=keys/$(cat spare)

"$BIN/zw-signzone" -q -o example. -f out zone "$KSK" "$ZSK" ||
	{ echo "FAIL: good run"; exit 1; }
good=$(cksum <out)

# expect WHAT PATTERN ARGS...: fails, says PATTERN, leaves out alone.
expect() {
	local what=$1 pat=$2
	shift 2
	if "$BIN/zw-signzone" -q -o example. -f out "$@" >err.out 2>&1; then
		bad "$what: accepted"
	fi
	grep -qF -- "$pat" err.out || { bad "$what: no '$pat' in:"; cat err.out; }
	[ "$(cksum <out)" = "$good" ] || bad "$what: output replaced"
	ls out.zwtmp* >/dev/null 2>&1 && bad "$what: temporary file left"
}

mv "$SPARE.private" spare.private
expect "missing private key" "$SPARE.private" zone "$KSK" "$SPARE"
cp "$(ls keys/*.private | head -1)" "$SPARE.private"
expect "another key's private half" "$SPARE.private" zone "$KSK" "$SPARE"
expect "unknown key file" "Kexample.+013+00000" zone "$KSK" keys/Kexample.+013+00000
expect "key of another zone" "is for zone other." zone "$KSK" "other/$(cat oth)"
expect "no keys" "-S with -K" -K other zone
expect "iterations" "iterations 151" -3 - -H 151 zone "$KSK" "$ZSK"
expect "salt too long" "salt too long" -3 "$(printf 'ab%.0s' $(seq 256))" zone "$KSK" "$ZSK"
expect "opt-out without NSEC3" "needs NSEC3" -A zone "$KSK" "$ZSK"
printf 'www.example. IN A 300.1.2.3\n' >>bad1
cat zone bad1 >badzone
expect "bad record" "badzone:5" badzone "$KSK" "$ZSK"
printf 'www.elsewhere. IN A 192.0.2.9\n' >bad2
cat zone bad2 >outzone
expect "record outside the zone" "outzone:5" outzone "$KSK" "$ZSK"

# Iterations above 0 are signed, with a warning.
"$BIN/zw-signzone" -q -o example. -f out3 -3 ab -H 5 zone "$KSK" "$ZSK" 2>err.out ||
	bad "-H 5 refused"
grep -q "iterations 5" err.out || bad "-H 5: no warning"

[ $fail -eq 0 ] && echo "sign_errors: every bad input refused, output kept"
exit $fail
