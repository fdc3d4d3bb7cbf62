#!/bin/bash
# Response rate limiting (zwd --rrl 20 --rrl-slip 2): a client prefix that
# floods one name gets about the rate in full answers per second, every
# 2nd limited response as an empty TC=1 answer (so a real client retries
# over TCP) and no answer for the rest; NXDOMAIN has its own budget;
# another /24 is not affected; the dropped and slipped responses are
# counted. Without --rrl nothing is limited.
source "$(dirname "$0")/zwd_common.bash"
zw_require
cp "$ROOT/scripts/sample/example.com.zone" "$ROOT/scripts/sample/hosts.inc" "$ZW_TMP/"
zw_sign_compile example.com. "$ZW_TMP/example.com.zone"
other4=10.77.$(($$ % 250 + 1)).2
ip -n "$ZW_NS" addr add "$other4/24" dev "$ZW_CIFACE"
ZW_VDEV_ARGS=",framecnt=4096" zw_start_zwd --rrl 20 --rrl-slip 2

flood() { # source name count [batch] -> "full tc none"
	# batch: send that many, then pause 5 ms (a busy machine drops an
	# unpaced flood on the veth, which would look like limiting)
	$NSX python3 - "$ZW_IP4" "$1" "$2" "$3" "${4:-0}" <<'PY'
import socket, struct, sys, time
srv, src, name, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
batch = int(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, getattr(socket, 'SO_RCVBUFFORCE', 33), 1 << 22)  # root
s.bind((src, 0))
s.settimeout(0.5)
qn = b''.join(bytes([len(l)]) + l.encode() for l in name.split('.')) + b'\0'
full = tc = 0
for i in range(n):
    s.sendto(struct.pack('!6H', i, 0x0100, 1, 0, 0, 0) + qn + b'\0\1\0\1', (srv, 53))
    if batch and i % batch == batch - 1:
        time.sleep(0.005)
got = set()
try:
    while True:
        r = s.recv(4096)
        i = struct.unpack('!H', r[:2])[0]
        if i in got:
            continue
        got.add(i)
        if r[2] & 0x02:
            tc += 1
        else:
            full += 1
except socket.timeout:
    pass
print(full, tc, n - full - tc)
PY
}
read -r full tc none < <(flood "$ZW_CLI4" www.example.com 400)
echo "flood of 400 www.example.com A from $ZW_CLI4: $full answers, $tc TC, $none none"
[ "$full" -ge 15 ] && [ "$full" -le 45 ] || zw_fail "answers not limited to the rate"
[ "$tc" -ge 100 ] && [ "$none" -ge 100 ] || zw_fail "slip 2 should split the rest"
read -r full2 tc2 none2 < <(flood "$ZW_CLI4" nonexistent.example.com 10)
echo "then 10 NXDOMAIN queries: $full2 answers"
[ "$full2" -ge 8 ] || zw_fail "NXDOMAIN shares the answers' budget"
read -r full3 tc3 none3 < <(flood "$other4" www.example.com 10)
echo "then 10 queries from $other4: $full3 answers"
[ "$full3" -ge 8 ] || zw_fail "another /24 is limited too"
"$BIN/zwctl" -s "$ZW_TMP/ctl" stats | python3 -c '
import json, sys
t = json.load(sys.stdin)["total"]
print("zwd: rrl dropped", t["dropped"]["rrl"], "slipped", t["rrl_slipped"])
assert t["dropped"]["rrl"] >= 100 and t["rrl_slipped"] >= 100' || zw_fail "RRL counters"
zw_stop_zwd

ZW_VDEV_ARGS=",framecnt=4096" zw_start_zwd
read -r full tc none < <(flood "$ZW_CLI4" www.example.com 400 20)
echo "without --rrl (20 queries per 5 ms): $full answers of 400, $tc TC"
[ "$tc" -eq 0 ] && [ "$full" -ge 390 ] || zw_fail "limited without --rrl"
"$BIN/zwctl" -s "$ZW_TMP/ctl" stats | python3 -c '
import json, sys
t = json.load(sys.stdin)["total"]
assert t["dropped"]["rrl"] == 0 and t["rrl_slipped"] == 0' || zw_fail "RRL counted without --rrl"
echo "PASS"
