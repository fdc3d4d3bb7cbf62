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
# shellcheck source=lib/knotpeer.bash
source "$(dirname "$0")/lib/knotpeer.bash"
kp_setup
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

kp_zones tc
for ch in "${chains[@]}"; do
	o=tc-$ch.zwtest.
	d=$tmp/$ch
	queries | sed "/^#/!{s/^@ /$o /;t;s/^\([^ ]*\) /\1.$o /}" >"$d/all"
	sed '/^# compression/,$d' "$d/all" >"$d/tc"
	sed '1,/^# compression/d' "$d/all" >"$d/compr"
done

kp_start tc-nsec3.zwtest.

for ch in "${chains[@]}"; do
	for set in tc compr; do
		python3 "$LIB/tcprobe.py" --zone "tc-$ch/$set" \
			--queries "$tmp/$ch/$set" --left "udp:127.0.0.1:$port" \
			--right "lookup:$BIN/zw-lookup:$tmp/$ch/table.zwt" \
			--lookup-arg=-u --lookup-arg=1232 --size-fail || fail=1
	done
done
exit $fail
