#!/bin/sh
# Re-make the signed verifier fixtures from example.zone with BIND 9.18
# (dnssec-signzone), with the keys in keys/ and a fixed validity window;
# tests pin their clock inside it. Comment lines are dropped so the files
# depend on the keys and the zone only (ECDSA/EdDSA signatures are random,
# so a re-make changes every signature, not the verdicts).
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/13" "$tmp/all"
cp keys/K*+013+* "$tmp/13"
cp keys/K* "$tmp/all"
sign() {        # sign OUT KEYDIR FLAGS...
	out=$1 dir=$2; shift 2
	dnssec-signzone -q -S -K "$dir" -O full -N keep -s 20250101000000 \
		-e 20450101000000 -o example. -d "$tmp" -f "$tmp/out" "$@" example.zone \
		>/dev/null
	grep -v '^;' "$tmp/out" >"$out"
}
sign nsec.signed "$tmp/13"
sign nsec3.signed "$tmp/13" -3 aabbccdd -H 1
sign optout.signed "$tmp/13" -3 - -H 0 -A
sign twoalg.signed "$tmp/all"
for f in nsec nsec3 optout twoalg; do
	dnssec-verify -q -o example. $f.signed
done
