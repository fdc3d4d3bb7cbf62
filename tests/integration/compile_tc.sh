#!/bin/bash
# Truncation and compression of compiled answers against knotd (issue 5,
# "Sizes"): a zone built to put RR boundaries near every UDP limit (CNAME
# chains of 63-octet-ish labels ending in NXDOMAIN, NODATA and a
# wildcard; a DNAME with a long target; delegations with in-domain,
# sibling and mixed glue; long owner names for NODATA), signed by BIND as
# NSEC and NSEC3, served by knotd and compiled by zw-compile.
# tests/integration/lib/tcprobe.py asks every query at each buffer size
# where a record of either full answer starts or stops fitting, with and
# without DO and without EDNS, and checks that each answer from the table
# is complete or has TC (RFC 2308 3, RFC 4035 3.1.1, RFC 9471), never TC
# without need, and the same as knotd's where neither truncated; and that
# no full answer from the table is larger than knotd's, the queries
# listed under "compression" included (names knotd compresses against
# the question: an NSEC owner that is the query name or a suffix of it,
# the DNAME-synthesised CNAME target, the NS target a referral is asked
# for, the SOA MNAME at or above the query name).
#
# Where knotd itself leaves required records out without TC (the SOA of
# a negative answer that does not fit; required glue after optional glue
# that did not fit), the table sets TC; tcprobe counts these as notes.
# Exit 77 (skip) without the programs or peers.
set -uo pipefail
ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${ZW_BIN:-$ROOT/build/bin}
LIB=$ROOT/tests/integration/lib
export PYTHONDONTWRITEBYTECODE=1

for t in "$BIN/zw-compile" "$BIN/zw-lookup"; do
	[ -x "$t" ] || { echo "skip: $t is not built yet" >&2; exit 77; }
done
for t in knotd kdig dnssec-keygen dnssec-signzone named-checkzone python3; do
	command -v $t >/dev/null || { echo "skip: $t missing" >&2; exit 77; }
done

tmp=$(mktemp -d)
knot_pid=
trap '[ -n "$knot_pid" ] && kill "$knot_pid" 2>/dev/null && wait "$knot_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
fail=0

x() { printf '%s%*s' "$1" "$2" '' | tr ' ' x; }   # x PREFIX N: PREFIXxxx...

zone() {
	local n k e t o i
	printf '$TTL 3600\n@ SOA ns1 hostmaster 1 7200 1800 1209600 300\n'
	printf '@ NS ns1\n@ NS ns2\nns1 A 192.0.2.1\nns2 A 192.0.2.2\n'
	printf 'ns2 AAAA 2001:db8::2\ntarget A 192.0.2.9\n*.wild A 192.0.2.10\n'
	printf '*.wcn CNAME target\ndn DNAME %s.dntarget\n' "$(x t 55)"
	printf 'x.%s.dntarget A 192.0.2.11\ndntarget TXT "t"\n' "$(x t 55)"
	printf '%s A 192.0.2.12\n' "$(x n 60)"
	printf '%s.%s A 192.0.2.13\n' "$(x m 40)" "$(x n 60)"
	for e in nx nd wc; do
		for n in 1 2 3 4 5 6; do
			o=c$n-$e
			for k in $(seq 1 "$n"); do
				t=$(x "h$k-$e-" 50).c$n
				if [ "$k" = "$n" ]; then
					case $e in
					nx) t=$(x gone- 40) ;;
					nd) t=target ;;
					wc) t=$(x w- 30).wild ;;
					esac
				fi
				echo "$o CNAME $t"
				o=$t
			done
		done
	done
	for i in $(seq 1 10); do
		echo "big NS ns$i.big"
		echo "ns$i.big A 192.0.2.$((100 + i))"
		echo "ns$i.big AAAA 2001:db8:1::$i"
	done
	for i in 1 2 3 4; do
		echo "sib NS $(x "s$i-" 40).big"
		echo "$(x "s$i-" 40).big A 192.0.2.$((120 + i))"
	done
	for i in 1 2 3; do echo "mixed NS ns$i.big"; done
	for i in $(seq 1 6); do
		t=$(x "in$i-" 30).mixed
		echo "mixed NS $t"
		echo "$t A 192.0.2.$((130 + i))"
		echo "$t AAAA 2001:db8:2::$i"
	done
	echo 'small NS ns.small'
	echo 'ns.small A 192.0.2.50'
	echo 'small DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF'
	for i in $(seq 1 30); do
		echo "bigtxt TXT \"record $i of a large RRset: padding padding padding\""
	done
	echo 'cbig CNAME bigtxt'
}

# Queries, relative to the origin: the truncation set, then (after the
# marker) the compression set.
queries() {
	local n e
	for e in nx nd wc; do
		for n in 1 2 3 4 5 6; do echo "c$n-$e $([ $e = nx ] && echo A || echo TXT)"; done
	done
	cat <<EOF
x.wcn TXT
x.wcn A
x.dn-nothing A
x.big A
big NS
big DS
x.sib A
x.mixed A
x.small A
bigtxt TXT
cbig TXT
@ NS
@ TXT
ns2 A
EOF
	echo "# compression"
	cat <<EOF
$(x n 60) TXT
$(x m 40).$(x n 60) TXT
$(x m 40).$(x n 60) AAAA
a.dn A
abcdefghijklmnopqrstuvwxyz0123456789.dn A
abcdefghijklmnopqrstuvwxyz0123456789.x.dn TXT
big NS
mixed NS
ns3.big A
ns1.big AAAA
x.ns1 TXT
ns2 TXT
EOF
}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$tmp/knot/db"
# knotd serves the zone files as they are (options per zone below)
printf 'server:\n  rundir: "%s"\n  listen: 127.0.0.1@%s\n  udp-max-payload: 1232\n' \
	"$tmp/knot" "$port" >"$tmp/knot/knot.conf"
printf 'database:\n  storage: "%s"\nzone:\n' "$tmp/knot/db" >>"$tmp/knot/knot.conf"
chains=("nsec|" "nsec3|-3 5eed -H 1")
for c in "${chains[@]}"; do
	IFS='|' read -r ch flags <<<"$c"
	o=tc-$ch.zwtest.
	d=$tmp/$ch
	mkdir -p "$d/keys"
	zone >"$d/unsigned.zone"
	(cd "$d/keys" && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK "$o" &&
		dnssec-keygen -q -a ECDSAP256SHA256 "$o") >/dev/null &&
	# shellcheck disable=SC2086
	(cd "$d" && dnssec-signzone -S -K keys -o "$o" $flags \
		-f signed.zone unsigned.zone) >"$d/sign.log" 2>&1 &&
	named-checkzone -q -k ignore -i none -n ignore -m ignore -M ignore \
		-S ignore -T ignore -D -o "$d/dump" "$o" "$d/signed.zone" &&
	python3 "$LIB/dnswire.py" knotify "$d/dump" "$d/knot.zone" &&
	"$BIN/zw-compile" -o "$o" -O "$d/table.zwt" "$d/signed.zone" \
		>"$d/compile.log" 2>&1 ||
		{ echo "FAIL: $o: sign or compile"; tail -5 "$d"/*.log; exit 1; }
	printf '  - domain: %s\n    file: "%s"\n    %s\n    %s\n    %s\n' \
		"$o" "$d/knot.zone" "zonefile-load: whole" \
		"journal-content: none" "semantic-checks: off" \
		>>"$tmp/knot/knot.conf"
	queries | sed "/^#/!{s/^@ /$o /;t;s/^\([^ ]*\) /\1.$o /}" >"$d/all"
	sed '/^# compression/,$d' "$d/all" >"$d/tc"
	sed '1,/^# compression/d' "$d/all" >"$d/compr"
done

knotd -c "$tmp/knot/knot.conf" >"$tmp/knot/log" 2>&1 &
knot_pid=$!
for i in $(seq 1 100); do
	kdig @127.0.0.1 -p "$port" +time=1 +retry=0 tc-nsec3.zwtest. SOA 2>/dev/null |
		grep -q 'status: NOERROR' && break
	kill -0 "$knot_pid" 2>/dev/null && [ "$i" -lt 100 ] ||
		{ echo "FAIL: knotd did not start"; tail "$tmp/knot/log"; exit 1; }
	sleep 0.1
done

for c in "${chains[@]}"; do
	ch=${c%%|*}
	for set in tc compr; do
		python3 "$LIB/tcprobe.py" --zone "tc-$ch/$set" \
			--queries "$tmp/$ch/$set" --left "udp:127.0.0.1:$port" \
			--right "lookup:$BIN/zw-lookup:$tmp/$ch/table.zwt" \
			--lookup-arg=-u --lookup-arg=1232 --size-fail || fail=1
	done
done
exit $fail
