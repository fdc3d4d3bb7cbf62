#!/bin/bash
# zwd end to end over a veth: a signed generated zone compiled to a table,
# zwd on the host side (af_packet, exception tap), zw-tcpd behind the tap.
# From the namespace, with no static neighbour entries (zwd answers ARP
# and ND itself):
#  - dig and kdig over UDP (IPv4 and IPv6) and TCP give, for a randomized
#    query set (existing names, NXDOMAIN, referrals, wildcards, out of
#    zone; DO on and off), the same responses zw-lookup computes from the
#    table;
#  - a response too big for the client's buffer comes truncated and dig
#    falls back to TCP and gets the whole answer;
#  - ping and ping -6 get replies; zwctl stats counts what happened.
source "$(dirname "$0")/zwd_common.bash"
zw_require

"$ROOT/scripts/genzone" --delegations 150 --seed 11 --origin example.com. \
	-o "$ZW_TMP/zone"
for i in 1 2 3 4; do # an RRset too big for 512 octets
	printf 'big.example.com. 300 IN TXT "%s"\n' "$(printf "$i%.0s" $(seq 200))"
done >>"$ZW_TMP/zone"
zw_sign_compile example.com. "$ZW_TMP/zone"
zw_start_zwd
zw_start_tcpd

# Without hugepages the mbufs go on transparent huge pages where the
# kernel allows them (zwd.c thp_heap): zwd says so, and its writable
# anonymous memory holds huge pages (the table's mapping is read-only).
if ! grep -q '\[never\]' /sys/kernel/mm/transparent_hugepage/enabled; then
	grep -q 'mbufs on transparent huge pages' "$ZW_TMP/zwd.err" ||
		zw_fail "mbufs not on transparent huge pages: $(grep mbufs "$ZW_TMP/zwd.err")"
	thp=$(awk '/^[0-9a-f]+-[0-9a-f]+ /{rw = $2 == "rw-p" && NF == 5}
		rw && /^AnonHugePages:/ {k += $2} END {print k + 0}' \
		"/proc/$ZW_ZWD/smaps")
	[ "$thp" -ge 2048 ] || zw_fail "zwd's writable memory holds no huge page"
	echo "ok: mbufs on transparent huge pages (${thp} kB)"
fi

seed=${ZW_SEED:-$RANDOM}
echo "query seed $seed (ZW_SEED=$seed reproduces)"
python3 - "$ZW_TMP/zone.signed" "$seed" >"$ZW_TMP/queries" <<'EOF'
import random, sys
owners = []
for line in open(sys.argv[1]):
    if line[:1] not in ('', ';', ' ', '\t', '\n', '$'):
        n = line.split()[0]
        if not owners or owners[-1] != n:
            owners.append(n)
rnd = random.Random(int(sys.argv[2]))
types = ['A', 'AAAA', 'NS', 'MX', 'TXT', 'DS', 'SOA', 'DNSKEY', 'NSEC',
         'CNAME', 'SRV', 'ANY']
names = rnd.sample(sorted(set(owners)), 50)
names += ['nx%d.example.com.' % rnd.randrange(10**6) for _ in range(12)]
names += ['a%d.%s' % (rnd.randrange(999), rnd.choice(owners))
          for _ in range(12)]
names += ['www.example.org.', 'com.', 'EXAMPLE.COM.', 'Www.ExAmple.cOm.']
for n in names:
    print(n, rnd.choice(types), rnd.choice(['+dnssec', '+nodnssec']))
EOF
nq=$(wc -l <"$ZW_TMP/queries")

# zw-lookup's view of every query (UDP as dig sends it, and TCP): one
# batch-mode process per transport (the query lines are its -f format)
"$BIN/zw-lookup" -t "$ZW_TMP/zone.zwt" -f "$ZW_TMP/queries" \
	>"$ZW_TMP/want.udp" || zw_fail "zw-lookup -f (UDP) failed"
"$BIN/zw-lookup" -t "$ZW_TMP/zone.zwt" +tcp -f "$ZW_TMP/queries" \
	>"$ZW_TMP/want.tcp" || zw_fail "zw-lookup -f (TCP) failed"

compare() { # label format file want
	python3 "$ROOT/tests/integration/zwd_dnsdiff.py" "$2" "$3" dig "$4" ||
		zw_fail "$1 differs from zw-lookup"
	echo "ok: $1 equals zw-lookup ($nq queries)"
}

common="+bufsize=1232 +ignore +nocookie +time=2 +tries=2"
$NSX dig @"$ZW_IP4" $common -f "$ZW_TMP/queries" >"$ZW_TMP/dig4.udp"
compare "dig UDP/IPv4" dig "$ZW_TMP/dig4.udp" "$ZW_TMP/want.udp"
$NSX dig @"$ZW_IP6" $common -f "$ZW_TMP/queries" >"$ZW_TMP/dig6.udp"
compare "dig UDP/IPv6" dig "$ZW_TMP/dig6.udp" "$ZW_TMP/want.udp"
$NSX dig @"$ZW_IP4" $common +tcp -f "$ZW_TMP/queries" >"$ZW_TMP/dig4.tcp"
compare "dig TCP/IPv4" dig "$ZW_TMP/dig4.tcp" "$ZW_TMP/want.tcp"

kq=()
while read -r name type do; do
	kq+=("$name" "$type" "$do")
done <"$ZW_TMP/queries"
kcommon=(+bufsize=1232 +ignore +nocookie +time=2 +retry=1)
$NSX kdig @"$ZW_IP4" "${kcommon[@]}" "${kq[@]}" >"$ZW_TMP/kdig4.udp"
compare "kdig UDP/IPv4" kdig "$ZW_TMP/kdig4.udp" "$ZW_TMP/want.udp"
$NSX kdig @"$ZW_IP6" +tcp "${kcommon[@]}" "${kq[@]}" >"$ZW_TMP/kdig6.tcp"
compare "kdig TCP/IPv6" kdig "$ZW_TMP/kdig6.tcp" "$ZW_TMP/want.tcp"

# Truncation: big.example.com TXT does not fit 512 octets.
$NSX dig @"$ZW_IP4" +bufsize=512 +dnssec +nocookie big.example.com TXT >"$ZW_TMP/tc.out"
grep -q "Truncated, retrying in TCP mode" "$ZW_TMP/tc.out" ||
	zw_fail "no truncated UDP answer for a 1 KB TXT RRset at bufsize 512"
"$BIN/zw-lookup" -t "$ZW_TMP/zone.zwt" +tcp +dnssec +bufsize=512 big.example.com TXT \
	>"$ZW_TMP/tc.want"
python3 "$ROOT/tests/integration/zwd_dnsdiff.py" dig "$ZW_TMP/tc.out" dig "$ZW_TMP/tc.want" ||
	zw_fail "TCP fallback answer differs"
echo "ok: truncated UDP answer, TCP fallback gets the whole RRset"

# the query name's case comes back as sent (question and owner names)
$NSX dig +norec +nocookie @"$ZW_IP4" WwW.ExAmPlE.CoM SOA >"$ZW_TMP/case.out"
grep -q "^;WwW.ExAmPlE.CoM.[[:space:]]" "$ZW_TMP/case.out" || zw_fail "question case changed"
grep -q "^WwW.ExAmPlE.CoM.[[:space:]].*SOA" "$ZW_TMP/case.out" ||
	grep -q "status: NXDOMAIN" "$ZW_TMP/case.out" || zw_fail "owner case changed: $(cat "$ZW_TMP/case.out")"
$NSX dig +norec +nocookie @"$ZW_IP4" ExAmPlE.CoM SOA | grep -q "^ExAmPlE.CoM.[[:space:]].*SOA" ||
	zw_fail "answer owner does not keep the query's case"
echo "ok: query name case preserved"

$NSX ping -c 3 -i 0.2 -W 2 "$ZW_IP4" >"$ZW_TMP/ping4" || zw_fail "ping $ZW_IP4"
$NSX ping -6 -c 3 -i 0.2 -W 2 "$ZW_IP6" >"$ZW_TMP/ping6" || zw_fail "ping -6 $ZW_IP6"
echo "ok: ping and ping -6 answered"

"$BIN/zwctl" -s "$ZW_TMP/ctl" stats >"$ZW_TMP/stats.json" || zw_fail "zwctl stats"
python3 - "$ZW_TMP/stats.json" "$nq" <<'EOF' || zw_fail "stats do not add up"
import json, sys
s = json.load(open(sys.argv[1]))['total']
nq = int(sys.argv[2])
print('stats:', {k: s[k] for k in ('rx', 'queries', 'answered', 'truncated',
                                    'exception_out', 'exception_in')},
      s['replies'], s['rcode'])
assert s['answered'] >= 2 * nq, 'UDP answers missing'  # dig asks ANY over TCP
assert s['truncated'] >= 1
assert s['replies']['arp'] >= 1 and s['replies']['nd'] >= 1
assert s['replies']['icmp_echo'] >= 3 and s['replies']['icmp6_echo'] >= 3
assert s['exception_out'] > 0 and s['exception_in'] > 0, 'TCP not via the tap'
assert s['rcode'].get('REFUSED', 0) >= 3, 'out-of-zone queries'
assert s['dropped']['malformed'] == 0 and s['dropped']['checksum'] == 0
EOF
zw_stop_zwd
grep -q "zwd: stopped after" "$ZW_TMP/zwd.out" || zw_fail "no final stats line"
echo "PASS"
