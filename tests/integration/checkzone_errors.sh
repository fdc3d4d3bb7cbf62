#!/bin/bash
# zw-checkzone and named-checkzone agree on which zones fail to load: each
# bad zone below makes both exit non-zero, and zw-checkzone names the file
# and line (where there is one) and what is wrong; each good one loads in
# both. Covers the zone rules (CNAME and other data, singletons, SOA/NS at
# the apex, SOA elsewhere, apex NS targets without addresses) and syntax.
# Exit 77 (skip) when zw-checkzone is not built.
set -uo pipefail
ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZWC=${ZW_BIN:-$ROOT/build/bin}/zw-checkzone
[ -x "$ZWC" ] || { echo "skip: $ZWC is not built yet" >&2; exit 77; }
NAMED=(named-checkzone -k ignore -i none -n ignore -m ignore -M ignore
	-S ignore -T ignore)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
head='$TTL 300
@ SOA ns h 1 2 3 4 5
  NS ns
ns A 192.0.2.1
'

# bad NAME EXPECTED-SUBSTRING ZONE-TEXT
bad() {
	printf '%s' "$3" >"$tmp/$1.zone"
	(cd "$tmp" && "${NAMED[@]}" example "$1.zone") >"$tmp/$1.named" 2>&1
	local nrc=$?
	"$ZWC" -o example. "$tmp/$1.zone" >"$tmp/$1.out" 2>&1
	local rc=$?
	if [ $nrc -eq 0 ]; then
		echo "FAIL $1: named-checkzone accepts it (test is wrong)"; fail=1
	elif [ $rc -ne 1 ]; then
		echo "FAIL $1: zw-checkzone exited $rc"; cat "$tmp/$1.out"; fail=1
	elif ! grep -qF -- "$2" "$tmp/$1.out"; then
		echo "FAIL $1: no '$2' in:"; cat "$tmp/$1.out"; fail=1
	else
		echo "ok   $1"
	fi
}

# good NAME ZONE-TEXT
good() {
	printf '%s' "$2" >"$tmp/$1.zone"
	(cd "$tmp" && "${NAMED[@]}" example "$1.zone") >"$tmp/$1.named" 2>&1 ||
		{ echo "FAIL $1: named-checkzone rejects it"; cat "$tmp/$1.named"; fail=1; return; }
	if "$ZWC" -o example. "$tmp/$1.zone" >"$tmp/$1.out" 2>&1 &&
	   grep -q '^OK$' "$tmp/$1.out"; then
		echo "ok   $1"
	else
		echo "FAIL $1:"; cat "$tmp/$1.out"; fail=1
	fi
}

bad cname-other "cname-other.zone:6: www.example.: CNAME and other data" \
	"${head}www CNAME x
www A 192.0.2.2
"
bad cname-later "cname-later.zone:7: www.example.: CNAME and other data" \
	"${head}www CNAME x
y A 192.0.2.3
www TXT t
"
bad two-cnames "multiple RRs of singleton type" "${head}www CNAME x
www CNAME y
"
bad soa-below "soa-below.zone:5: x.example.: SOA record not at top of zone" \
	"${head}x SOA ns h 1 2 3 4 5
"
bad no-soa "zone has no SOA record at the apex" '$TTL 1
ns A 192.0.2.1
'
bad no-ns "zone has no NS records at the apex" '$TTL 1
@ SOA ns h 1 2 3 4 5
'
bad ns-no-address "NS 'ns2.example' has no address records (A or AAAA)" \
	"${head}@ NS ns2
"
bad ns-cname "NS 'ns2.example' is a CNAME (illegal)" "${head}@ NS ns2
ns2 CNAME ns
"
bad bad-type "bad-type.zone:5: unknown RR type 'FOO'" "${head}x FOO 1
"
bad bad-class "bad-class.zone:5: class 'CH' is not supported (only IN)" \
	"${head}x CH A 192.0.2.1
"
bad paren "paren.zone:5: unbalanced parentheses: '(' not closed" \
	"${head}x TXT ( a
b
"
bad bad-rdata "bad-rdata.zone:5: bad A rdata: expected IPv4 address" \
	"${head}x A 192.0.2.300
"
bad no-ttl "no-ttl.zone:1: no TTL specified; zone rejected" 'example. NS ns
example. 300 SOA ns h 1 2 3 4 5
'
bad generate "generate.zone:5: \$GENERATE: invalid range '9-1'" \
	"${head}\$GENERATE 9-1 h\$ A 192.0.2.\$
"
good glue-below-cut "${head}@ NS ns.sub
sub NS ns.sub
ns.sub A 192.0.2.9
"
good ns-out-of-zone "${head}@ NS ns.other.
"
good cname-rrsig "${head}www CNAME x
www RRSIG CNAME 8 2 300 20300101000000 20200101000000 1 example. AAAA
www NSEC z CNAME RRSIG NSEC
"
exit $fail
