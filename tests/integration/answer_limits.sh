#!/bin/bash
# Answers the table assembles at query time where a limit of knotd's
# applies, against knotd 3.2 (issue 5, "Correctness"):
#  - the CNAME/DNAME chain limit (knotd follows at most 5 records, then
#    answers NOERROR with what it has): chains of query-time DNAME steps,
#    DNAME steps into names whose compiled CNAME chains (themselves with
#    DNAMEs) count on, and what the limit must not touch (QTYPE CNAME and
#    ANY, NXDOMAIN after the fifth step);
#  - optional additional records (addresses of MX targets, their RRSIGs)
#    when not all fit: knotd leaves out an address RRset that does not
#    fit (and the owner's other address type) and tries the next owner,
#    never sets TC for them, adds the additional RRSIGs of what it put
#    until one does not fit, and none when its last address did not fit.
#    Also for a referral whose NS target is the query name (sent as a
#    pointer into the question) with optional sibling glue. Asked at
#    every buffer size from 512 to 1232 in steps of 16.
# A zone signed by BIND as NSEC and as NSEC3, served by one knotd
# (zonefile-load: whole) on a free 127.0.0.1 port and compiled by
# zw-compile; each query with DO, without DO and without EDNS goes to both
# and the responses must agree section by section (lib/dnsdiff.py).
# Exit 77 (skip) without the programs or peers.
set -uo pipefail
# shellcheck source=lib/knotpeer.bash
source "$(dirname "$0")/lib/knotpeer.bash"
kp_setup
fail=0

zone() {
	local i
	printf '$TTL 3600\n@ SOA ns1 hostmaster 1 7200 1800 1209600 300\n'
	printf '@ NS ns1\nns1 A 192.0.2.1\n'
	# DNAME steps only: e1 -> e2 -> ... -> e8
	for i in 1 2 3 4 5 6 7; do echo "e$i DNAME e$((i + 1))"; done
	echo 'x.e8 A 192.0.2.8'
	# one DNAME step into a CNAME chain of 6
	echo 'd1 DNAME t1'
	echo 'x.t1 CNAME c1'
	for i in 1 2 3 4 5; do echo "c$i CNAME c$((i + 1))"; done
	echo 'c6 A 192.0.2.6'
	# compiled chains with DNAME steps in them, reached by a DNAME step
	echo 'g1 DNAME g2'
	echo 'y.g2 CNAME y.e3'
	echo 'w.g2 CNAME q1'
	echo 'q1 CNAME q2'
	echo 'q2 CNAME q3'
	echo 'q3 CNAME x.d1'
	echo 'v.g2 CNAME nothing'
	echo 'm1 CNAME x.d1'
	echo 'm2 CNAME x.e1'
	echo 'dn.g2 A 192.0.2.7'
	echo 'dd.g2 CNAME e4'
	# MX targets: the first with an address RRset too big for small
	# buffers, the others small
	printf 'mx MX 10 ma\nmx MX 20 mb\nmx MX 30 mc\nma A 192.0.2.10\n'
	for i in $(seq 1 18); do echo "ma AAAA 2001:db8::$i"; done
	printf 'mb A 192.0.2.11\nmb AAAA 2001:db8::b\n'
	printf 'mc A 192.0.2.12\nmc AAAA 2001:db8::c\n'
	# a referral asked for its server's own name (the NS target goes
	# out as a pointer into the question), optional sibling glue after
	printf 'del NS ns.del\ndel NS s1\ndel NS s2\nns.del A 192.0.2.20\n'
	printf 's1 A 192.0.2.21\ns2 A 192.0.2.22\ns2 AAAA 2001:db8::22\n'
	for i in $(seq 1 18); do echo "s1 AAAA 2001:db8::1:$i"; done
}

# Relative query names and types, and the options to ask them with
# (default: DO, no DO, no EDNS).
queries() {
	cat <<'EOF'
x.e1 A
x.e2 A
x.e3 A
x.e4 A
X.E2 AAAA
nx.e3 A
nx.e2 A
x.e1 CNAME
x.e1 ANY
x.e1 DNAME
x.d1 A
x.d1 TXT
x.d1 CNAME
x.t1 A
y.g1 A
w.g1 A
v.g1 A
dn.g1 A
dd.g1 A
dd.g1 DNAME
m1 A
m2 A
EOF
	local b
	for b in $(seq 512 16 1232); do
		echo "mx MX edns=$b,do edns=$b"
	done
	echo "mx MX noedns"
	for b in $(seq 512 16 1232); do
		echo "ns.del A edns=$b,do edns=$b"
	done
}

kp_zones lim
for ch in "${chains[@]}"; do
	o=lim-$ch.zwtest.
	d=$tmp/$ch
	queries | while read -r n t opts; do
		for opt in ${opts:-edns=1232,do edns=1232 noedns}; do
			printf 'limits\t%s.%s\t%s\t%s\n' "$n" "$o" "$t" "$opt"
		done
	done >"$d/queries"
done

kp_start lim-nsec3.zwtest.

for ch in "${chains[@]}"; do
	python3 "$LIB/dnsdiff.py" --zone "lim-$ch" --queries "$tmp/$ch/queries" \
		--left "udp:127.0.0.1:$port" \
		--right "lookup:$BIN/zw-lookup:$tmp/$ch/table.zwt" \
		--lookup-arg=-u --lookup-arg=1232 --show 4 || fail=1
done
exit $fail
