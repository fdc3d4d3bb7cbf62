#!/bin/bash
# Key files both ways between zonewire's key tools and BIND 9 / ldns:
#  1. BIND keys -> ours: zw-dsfromkey prints what dnssec-dsfromkey prints,
#     byte for byte; zw-settime -p/-up all prints what dnssec-settime does;
#     zw-settime changes leave the same .key/.private/.state bytes as
#     dnssec-settime (-s) making the same changes, and dnssec-settime reads
#     them back.
#  2. Our keys -> BIND: zw-keygen keys (every algorithm) load in
#     dnssec-settime and dnssec-dsfromkey, dnssec-signzone signs a zone with
#     them and dnssec-verify passes; a zw-revoke'd KSK is accepted by
#     dnssec-settime and dnssec-signzone.
#  3. ldns: ldns-keygen keys load in zw-dsfromkey (digests equal
#     ldns-key2ds's); zw-keygen keys sign with ldns-signzone and the result
#     passes ldns-verify-zone and dnssec-verify; ldns keys upgraded by
#     zw-settime -f sign in dnssec-signzone.
# Exit 77 (skip) when the tools are not built or BIND/ldns are missing.
set -uo pipefail
ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${ZW_BIN:-$ROOT/build/bin}
FIX=$ROOT/tests/crypto/data/keys
for t in zw-keygen zw-settime zw-revoke zw-dsfromkey; do
	[ -x "$BIN/$t" ] || { echo "skip: $BIN/$t not built" >&2; exit 77; }
done
for t in dnssec-keygen dnssec-settime dnssec-dsfromkey dnssec-signzone \
	dnssec-verify ldns-keygen ldns-signzone ldns-verify-zone ldns-key2ds; do
	command -v $t >/dev/null || { echo "skip: $t missing" >&2; exit 77; }
done
export TZ=UTC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ALGS="RSASHA256 RSASHA512 ECDSAP256SHA256 ECDSAP384SHA384 ED25519 ED448"

bad() { echo "FAIL: $*"; fail=1; }

# Same stdout (and exit status) from our tool and BIND's, else show both.
same_out() {
	local what=$1 ours theirs
	shift
	ours=$("$BIN/zw-$1" "${@:2}" 2>&1; echo "rc=$?")
	theirs=$("dnssec-$1" "${@:2}" 2>/dev/null; echo "rc=$?")
	[ "$ours" == "$theirs" ] && return 0
	bad "$what: zw-$1 ${*:2}"
	diff <(echo "$theirs") <(echo "$ours") | head -20
}

zone() {        # zone ORIGIN FILE
	cat >"$2" <<EOF
\$TTL 300
$1 IN SOA ns1.$1 host.$1 1 3600 600 86400 300
$1 IN NS ns1.$1
ns1.$1 IN A 192.0.2.1
www.$1 IN A 192.0.2.2
sub.$1 IN NS ns.sub.$1
ns.sub.$1 IN A 192.0.2.3
*.w.$1 IN TXT "wild"
EOF
}

# ---- 1. BIND keys -> our tools ----
B=$tmp/bind
mkdir -p "$B"
cp "$FIX"/bind/K* "$B"/
chmod 600 "$B"/*.private
for a in $ALGS; do
	dnssec-keygen -q -K "$B" -a "$a" bind.example >/dev/null
	dnssec-keygen -q -K "$B" -a "$a" -f KSK -L 600 bind.example >/dev/null
done
(
cd "$B" || exit 1
for k in K*.key; do
	same_out dsfromkey dsfromkey -a SHA-1 -a SHA-256 -a SHA-384 "$k"
	same_out dsfromkey dsfromkey -2 -T 3600 "${k%.key}"
	same_out cds dsfromkey -C -a 4 "$k"
	case $k in Kcompat*) continue ;; esac   # BIND refuses v1.2 here
	same_out settime settime -p all "$k"
	same_out settime settime -up all "${k%.key}.private"
	same_out settime settime -p PdsDsyncCA "$k"
done
) || fail=1
echo "1a. dsfromkey/settime -p on $(ls "$B"/*.key | wc -l) BIND keys done"

# The same changes by both tools must leave the same files.
A=$tmp/cmpA C=$tmp/cmpC
mkdir -p "$A" "$C"
for args in "-P 20300101 -A 20300102 -I 20310101 -D none -R none -P sync 20300202 -P ds 20300303 -L 600" \
	"-P none -A none -D ds 20300101 -L none" "-A 20300101 -i 1d" \
	"-P 20300101 -i 2h"; do
	rm -f "$A"/K* "$C"/K*
	cp "$FIX"/bind/K* "$A"/ && cp "$FIX"/bind/K* "$C"/
	rm -f "$A"/Kcompat* "$C"/Kcompat*
	chmod 600 "$A"/*.private "$C"/*.private
	for k in "$A"/K*.key; do
		b=$(basename "$k" .key) s=
		[ -f "$A/$b.state" ] && s=-s
		# shellcheck disable=SC2086
		"$BIN/zw-settime" -K "$A" $args "$b" >/dev/null ||
			bad "zw-settime $args $b"
		# shellcheck disable=SC2086
		dnssec-settime -K "$C" $s $args "$b" >/dev/null 2>&1
		for e in key private state; do
			[ -f "$C/$b.$e" ] || continue
			cmp -s "$A/$b.$e" "$C/$b.$e" ||
				{ bad "settime $args: $b.$e differs"; diff "$C/$b.$e" "$A/$b.$e"; }
		done
		[ "$(dnssec-settime -K "$A" -p all "$b" 2>&1)" == \
		  "$("$BIN/zw-settime" -K "$A" -p all "$b")" ] ||
			bad "dnssec-settime reads $b back differently"
	done
done
# -S: successor timing and Predecessor/Successor metadata on both keys.
rm -f "$A"/K* "$C"/K*
pred=$(dnssec-keygen -q -K "$A" -a 13 -I 20300101 -D 20300201 succ.example)
succ=$(dnssec-keygen -q -K "$A" -a 13 succ.example)
cp "$A"/K* "$C"/
"$BIN/zw-settime" -K "$A" -S "$pred" -i 2w "$succ" >/dev/null || bad "zw-settime -S"
dnssec-settime -K "$C" -S "$pred" -i 2w "$succ" >/dev/null 2>&1
for f in "$C"/K*; do
	cmp -s "$f" "$A/$(basename "$f")" || { bad "-S: $(basename "$f") differs"; diff "$f" "$A/$(basename "$f")"; }
done
echo "1b. zw-settime edits (-S too) byte-identical to dnssec-settime"

# ---- 2. our keys -> BIND ----
O=$tmp/ours
mkdir -p "$O"
for a in $ALGS; do
	d=$O/$a
	mkdir -p "$d"
	zone example.com. "$d/zone"
	ksk=$("$BIN/zw-keygen" -K "$d" -a "$a" -f KSK -L 300 example.com) || bad "keygen $a"
	zsk=$("$BIN/zw-keygen" -K "$d" -a "$a" -q example.com) || bad "keygen $a"
	[ "$(stat -c %a "$d/$ksk.private")" == 600 ] || bad "$ksk.private mode"
	for k in "$ksk" "$zsk"; do
		dnssec-settime -K "$d" -p all "$k" >/dev/null 2>&1 || bad "BIND cannot read $k"
		[ "$(cd "$d" && dnssec-dsfromkey -a 1 -a 2 -a 4 "$k" 2>/dev/null)" == \
		  "$("$BIN/zw-dsfromkey" -K "$d" -a 1 -a 2 -a 4 "$k")" ] || bad "DS of $k"
	done
	dnssec-signzone -q -S -K "$d" -d "$d" -o example.com. -f "$d/zone.signed" \
		"$d/zone" >/dev/null 2>"$d/sign.err" || { bad "dnssec-signzone $a"; cat "$d/sign.err"; }
	grep -q "DNSKEY.*257 3" "$d/zone.signed" || bad "no KSK in the zone signed with $a"
	dnssec-verify -q -o example.com. "$d/zone.signed" >/dev/null 2>&1 ||
		bad "dnssec-verify: zone signed by BIND with our $a keys"
	# ldns-signzone with our keys
	ldns-signzone -f "$d/zone.ldns" "$d/zone" "$d/$ksk" "$d/$zsk" 2>"$d/ldns.err" ||
		{ bad "ldns-signzone $a"; cat "$d/ldns.err"; }
	ldns-verify-zone "$d/zone.ldns" >/dev/null 2>&1 || bad "ldns-verify-zone $a"
	dnssec-verify -q -o example.com. "$d/zone.ldns" >/dev/null 2>&1 ||
		bad "dnssec-verify: zone signed by ldns with our $a keys"
done
echo "2a. our keys sign in dnssec-signzone and ldns-signzone, zones verify"

# dsfromkey -f: the DNSKEY RRset of a zone file (here the signed zones,
# with every algorithm's keys) and of standard input.
for d in "$O"/*/; do
	for args in "" "-A" "-A -a 1 -a 4 -T 60" "-C"; do
		# shellcheck disable=SC2086
		ours=$("$BIN/zw-dsfromkey" $args -f "$d/zone.signed" example.com 2>/dev/null; echo "rc=$?")
		# shellcheck disable=SC2086
		theirs=$(dnssec-dsfromkey $args -f "$d/zone.signed" example.com 2>/dev/null; echo "rc=$?")
		[ "$ours" == "$theirs" ] || { bad "dsfromkey $args -f $d/zone.signed"; diff <(echo "$theirs") <(echo "$ours"); }
	done
	[ "$("$BIN/zw-dsfromkey" -A -f - example.com <"$d/zone.signed" 2>/dev/null)" == \
	  "$(dnssec-dsfromkey -A -f - example.com <"$d/zone.signed" 2>/dev/null)" ] || bad "dsfromkey -f - ($d)"
done
echo "2c. zw-dsfromkey -f equals dnssec-dsfromkey -f"

# Revocation: a second KSK, revoked by us, published and signing.
d=$O/revoke
mkdir -p "$d"
zone example.net. "$d/zone"
"$BIN/zw-keygen" -K "$d" -a 13 -f KSK example.net >/dev/null
"$BIN/zw-keygen" -K "$d" -a 13 example.net >/dev/null
old=$("$BIN/zw-keygen" -K "$d" -a 13 -f KSK example.net)
want=$(dnssec-revoke -K "$d" -R "$old" 2>/dev/null)
[ "$("$BIN/zw-revoke" -K "$d" -R "$old")" == "$want" ] || bad "revoked tag of $old"
new=$("$BIN/zw-revoke" -K "$d" "$old") || bad "zw-revoke $old"
[ ! -e "$d/$old.key" ] && [ ! -e "$d/$old.private" ] || bad "old files of $old kept"
[ "$(basename "$new")" == "${old%+*}+$(printf %05d "$want")" ] || bad "revoked name $new"
dnssec-settime -K "$d" -p R "$(basename "$new")" 2>&1 | grep -qv UNSET ||
	bad "BIND sees no Revoke time on $new"
dnssec-signzone -q -S -K "$d" -d "$d" -o example.net. -f "$d/zone.signed" "$d/zone" \
	>/dev/null 2>"$d/sign.err" || { bad "signzone with revoked key"; cat "$d/sign.err"; }
grep -q "DNSKEY.*385 3 13" "$d/zone.signed" || bad "revoked key not published"
dnssec-verify -o example.net. "$d/zone.signed" 2>&1 | grep -q "1 revoked" ||
	bad "dnssec-verify does not see one revoked KSK"
echo "2b. zw-revoke output accepted by dnssec-settime and dnssec-signzone"

# ---- 3. ldns keys -> ours -> BIND ----
L=$tmp/ldns
mkdir -p "$L"
zone example.org. "$L/zone"
for a in ECDSAP256SHA256 ED25519 RSASHA256; do
	(cd "$L" && ldns-keygen -a "$a" -k example.org >/dev/null &&
		ldns-keygen -a "$a" example.org >/dev/null) || bad "ldns-keygen $a"
done
rm -f "$L"/*.ds
for k in "$L"/K*.key; do
	b=$(basename "$k" .key)
	ours=$("$BIN/zw-dsfromkey" -K "$L" -a 1 -a 2 "$b" | awk '{print $4,$5,$6,$7}')
	theirs=$(for n in 1 2; do ldns-key2ds -f -n -$n "$k"; done |
		awk '{print $5,$6,$7,toupper($8)}')
	[ "$ours" == "$theirs" ] || { bad "DS of ldns key $b"; echo "$ours"; echo "$theirs"; }
	"$BIN/zw-settime" -K "$L" -P now -A now "$b" >/dev/null 2>&1 &&
		bad "zw-settime changed a v1.2 key without -f"
	"$BIN/zw-settime" -K "$L" -f "$b" >/dev/null || bad "zw-settime -f $b"
	head -1 "$L/$b.private" | grep -q 'v1.3' || bad "$b not upgraded"
done
dnssec-signzone -q -S -K "$L" -d "$L" -o example.org. -f "$L/zone.signed" "$L/zone" \
	>/dev/null 2>"$L/sign.err" || { bad "signzone with ldns keys"; cat "$L/sign.err"; }
dnssec-verify -q -o example.org. "$L/zone.signed" >/dev/null 2>&1 ||
	bad "dnssec-verify: zone signed with upgraded ldns keys"
echo "3. ldns keys: DS equal, upgraded by zw-settime -f, sign in BIND"

# ---- errors name the file and field ----
E=$tmp/err
mkdir -p "$E"
k=$("$BIN/zw-keygen" -K "$E" -a 13 err.example)
sed -i 's/^PrivateKey: ...../PrivateKey: *****/' "$E/$k.private"
# expect STATUS TEXT cmd...: exit status and a line of stderr.
expect() {
	local want=$1 text=$2 out rc
	shift 2
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq "$want" ] && grep -qF -- "$text" <<<"$out" ||
		bad "$* -> $rc '$out', want $want '$text'"
}
expect 1 "$k.private:3: PrivateKey: bad base64" \
	"$BIN/zw-settime" -K "$E" -p all "$k"
expect 1 "unknown DS algorithm SHA-512" "$BIN/zw-dsfromkey" -a SHA-512 "$E/$k"
expect 1 "cannot open directory $E/none" "$BIN/zw-keygen" -a 13 -K "$E/none" x
expect 1 "unknown algorithm NOPE" "$BIN/zw-keygen" -a NOPE x
expect 1 "time value +1m is invalid" "$BIN/zw-settime" -K "$E" -P +1m "$k"
cp "$E/$k.key" "$E/Kx.+013+00001.key"
expect 1 "Kx.+013+00001.private: cannot read" \
	"$BIN/zw-settime" -K "$E" -p all Kx.+013+00001

[ $fail -eq 0 ] && echo "keys_bind: all passed"
exit $fail
