#!/bin/sh
# Re-make the signed fixtures of test_table_api.c with BIND 9.18
# (dnssec-signzone, fresh ECDSA P-256 keys, fixed validity window):
# a.example. with NSEC, z. with NSEC3 (salt cafe, 1 iteration). The
# tables do not check signatures, so new keys change no test.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sign() {        # sign ORIGIN FILE FLAGS...
	o=$1 f=$2; shift 2
	mkdir "$tmp/$o"
	(cd "$tmp/$o" && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK "$o" &&
		dnssec-keygen -q -a ECDSAP256SHA256 "$o") >/dev/null
	dnssec-signzone -q -S -K "$tmp/$o" -s 20260101000000 -e 20460101000000 \
		-o "$o" -d "$tmp" -f "$tmp/out" "$@" "$f.zone" >/dev/null
	grep -v '^;' "$tmp/out" >"$f.signed"
}
sign a.example. a.example
sign z. z -3 cafe -H 1
