#!/bin/bash
# Smart signing (-S) against BIND's dnssec-signzone -S on the same key
# directory, keys made and timed by dnssec-keygen: active KSK and ZSK, a
# stand-by ZSK (published, activates tomorrow), an inactive one (still
# published), a deleted one, one not yet published, and a revoked KSK. Both
# signers must publish the same DNSKEY RRset (flags and keys) and put the
# same (type, key tag) signatures on every name, the same CDS/CDNSKEY for
# the KSK whose SyncPublish time has come; -x and -z too; and
# dnssec-verify must print the same key summary for both outputs.
# A KSK alone is refused by both with BIND's hint, and signs everything
# with -z; a ZSK alone fails the post-signing check in both (no output).
# Exit 77 (skip) when the tools are missing.
set -uo pipefail
ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${ZW_BIN:-$ROOT/build/bin}
[ -x "$BIN/zw-signzone" ] || { echo "skip: zw-signzone not built" >&2; exit 77; }
for t in dnssec-keygen dnssec-signzone dnssec-verify named-checkzone; do
	command -v $t >/dev/null || { echo "skip: $t missing" >&2; exit 77; }
done
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
www.example. IN A 192.0.2.2
sub.example. IN NS ns.sub.example.
ns.sub.example. IN A 192.0.2.3
*.w.example. IN TXT "wild"
EOF

# "owner type keytag" for every RRSIG, and the DNSKEY records, sorted.
shape() {
	named-checkzone -D -o - example. "$1" 2>/dev/null |
		awk '$4=="RRSIG"{print $1, $5, $11}
		     $4=="DNSKEY"||$4=="CDS"||$4=="CDNSKEY"{$2=""; print}' |
		sort
}

compare() {     # compare WHAT FLAGS...
	local what=$1
	shift
	dnssec-signzone -S -K keys -o example. -f bind.out "$@" zone \
		>/dev/null 2>bind.err || { bad "dnssec-signzone $what"; cat bind.err; }
	"$BIN/zw-signzone" -S -K keys -o example. -f zw.out "$@" zone \
		>/dev/null 2>zw.err || { bad "zw-signzone $what"; cat zw.err; }
	shape bind.out >bind.shape
	shape zw.out >zw.shape
	diff bind.shape zw.shape >/dev/null ||
		{ bad "$what: keys or signatures differ from BIND"; diff bind.shape zw.shape | head; }
	dnssec-verify "$@" -o example. bind.out 2>&1 | grep -E 'KSKs|ZSKs' >bind.v
	dnssec-verify "$@" -o example. zw.out 2>&1 | grep -E 'KSKs|ZSKs' >zw.v
	[ -s zw.v ] && diff bind.v zw.v >/dev/null ||
		{ bad "$what: dnssec-verify summaries differ"; cat bind.v zw.v; }
}

mkdir keys
A=ECDSAP256SHA256
(cd keys &&
	dnssec-keygen -q -a $A -f KSK -P sync -1d example. &&
	dnssec-keygen -q -a $A example. &&
	dnssec-keygen -q -a $A -P now -A +1d example. &&
	dnssec-keygen -q -a $A -P -30d -A -30d -I -1d example. &&
	dnssec-keygen -q -a $A -P -30d -A -30d -I -20d -D -1d example. &&
	dnssec-keygen -q -a $A -P +1d -A +2d example. &&
	dnssec-keygen -q -a $A -f KSK -P -30d -A -30d -R -1d example.) \
	>/dev/null || { echo "skip: dnssec-keygen failed" >&2; exit 77; }
compare "timed keys"
grep -q "385 3 13" zw.out || bad "revoked KSK not published with REVOKE"
[ "$(awk '$4=="DNSKEY"' zw.out | wc -l)" -eq 5 ] || bad "DNSKEY count"
[ "$(awk '$4=="CDS"' zw.out | wc -l)" -eq 1 ] || bad "CDS count"
compare "timed keys -x" -x
compare "timed keys -z" -z

# A KSK alone: refused with the hint; -z signs everything with it.
rm -rf keys && mkdir keys
(cd keys && dnssec-keygen -q -a ED25519 -f KSK example.) >/dev/null
rm -f zw.out
"$BIN/zw-signzone" -S -K keys -o example. -f zw.out zone >/dev/null 2>zw.err &&
	bad "KSK only accepted"
grep -q "supply a ZSK or use '-z'" zw.err || { bad "no hint for a missing ZSK"; cat zw.err; }
[ -e zw.out ] && bad "KSK only: output written"
compare "KSK only -z" -z
# A ZSK alone: signed, then the check fails (no self-signed KSK).
rm -rf keys && mkdir keys
(cd keys && dnssec-keygen -q -a ED25519 example.) >/dev/null
rm -f zw.out
"$BIN/zw-signzone" -S -K keys -o example. -f zw.out zone >/dev/null 2>zw.err &&
	bad "ZSK only passed verification"
grep -q "supply a KSK or use '-z'" zw.err || { bad "no hint for a missing KSK"; cat zw.err; }
[ -e zw.out ] && bad "ZSK only: output written"
compare "ZSK only -z" -z

[ $fail -eq 0 ] && echo "sign_smart: same keys and signatures as dnssec-signzone -S"
exit $fail
