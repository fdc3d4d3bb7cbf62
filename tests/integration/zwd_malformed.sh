#!/bin/bash
# Malformed and hostile traffic never takes zwd down. From the namespace:
#  - raw frames through an AF_PACKET socket: truncated Ethernet/VLAN/IP/
#    UDP headers, IP and UDP lengths that lie, bad checksums, options and
#    fragments, unknown EtherTypes, and tens of thousands of randomly
#    mutated copies of good query frames;
#  - DNS-level junk over ordinary UDP sockets: compression loops and
#    forward pointers in the question, huge section counts, empty and
#    short messages, trailing garbage, non-DNS payloads, responses
#    (QR=1), unknown opcodes and EDNS versions; each gets the response
#    Knot/NSD give (FORMERR, NOTIMP, BADVERS) or none.
# zwd must still be alive and answer dig afterwards, and count the junk.
source "$(dirname "$0")/zwd_common.bash"
zw_require
cp "$ROOT/scripts/sample/example.com.zone" "$ROOT/scripts/sample/hosts.inc" "$ZW_TMP/"
zw_sign_compile example.com. "$ZW_TMP/example.com.zone"
ZW_VDEV_ARGS=",framecnt=4096" zw_start_zwd

mac=$(cat "/sys/class/net/$ZW_IFACE/address")
$NSX python3 - "$ZW_CIFACE" "$mac" "$ZW_IP4" "$ZW_CLI4" "$ZW_IP6" "$ZW_CLI6" <<'EOF' ||
import os, random, socket, struct, sys, time

iface, dmac, sip, cip, sip6, cip6 = sys.argv[1:7]
dmac = bytes.fromhex(dmac.replace(':', ''))
smac = bytes.fromhex(open(f'/sys/class/net/{iface}/address').read().strip().replace(':', ''))
s4, c4 = socket.inet_aton(sip), socket.inet_aton(cip)
s6, c6 = socket.inet_pton(socket.AF_INET6, sip6), socket.inet_pton(socket.AF_INET6, cip6)

def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def query(name=b'\x03www\x07example\x03com\x00', qtype=1, flags=0x0100):
    return struct.pack('!6H', 0x1234, flags, 1, 0, 0, 0) + name + struct.pack('!HH', qtype, 1)

def udp4(payload, sport=40000, dport=53):
    u = struct.pack('!4H', sport, dport, 8 + len(payload), 0) + payload
    c = csum(c4 + s4 + struct.pack('!BBH', 0, 17, len(u)) + u)
    u = u[:6] + struct.pack('!H', c or 0xffff) + u[8:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(u), 1, 0, 64, 17, 0, c4, s4)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return dmac + smac + b'\x08\x00' + ip + u

def udp6(payload, sport=40000):
    u = struct.pack('!4H', sport, 53, 8 + len(payload), 0) + payload
    c = csum(c6 + s6 + struct.pack('!IxxxB', len(u), 17) + u)
    u = u[:6] + struct.pack('!H', c or 0xffff) + u[8:]
    ip = struct.pack('!IHBB16s16s', 0x60000000, len(u), 17, 64, c6, s6)
    return dmac + smac + b'\x86\xdd' + ip + u

sk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sk.bind((iface, 0))
sent = 0
def send(f):
    global sent
    try:
        sk.send(f)
    except OSError:
        return  # e.g. shorter than an Ethernet header
    sent += 1
    if sent % 400 == 0:
        time.sleep(0.01)  # stay within the af_packet ring

good = [udp4(query()), udp6(query()), udp4(query(qtype=48)),
        dmac + smac + b'\x81\x00\x00\x07\x08\x00' + udp4(query())[14:]]
# every truncation of every good frame
for g in good:
    for n in range(len(g)):
        send(g[:n] + b'\0' * (14 - n if n < 14 else 0))
# lying lengths, bad checksums, options, fragments, other EtherTypes
f = bytearray(udp4(query()))
for tot in (0, 19, 20, 27, 28, 29, 1500, 65535):
    g = bytearray(f); g[16:18] = struct.pack('!H', tot); send(bytes(g))
for ulen in (0, 7, 8, 9, 19, 20, 2000, 65535):
    g = bytearray(f); g[38:40] = struct.pack('!H', ulen); send(bytes(g))
for ihl in range(0, 16):
    g = bytearray(f); g[14] = 0x40 | ihl; send(bytes(g))
g = bytearray(f); g[24] ^= 0xff; send(bytes(g))            # IP checksum
g = bytearray(f); g[20:22] = b'\x20\x00'; send(bytes(g))    # MF
g = bytearray(f); g[20:22] = b'\x00\x10'; send(bytes(g))    # offset
for et in (b'\x88\xcc', b'\x08\x06', b'\x86\xdd', b'\x81\x00', b'\x88\xa8', b'\xff\xff'):
    send(dmac + smac + et + bytes(64))
send(dmac + smac + b'\x81\x00' * 8)
rnd = random.Random(int(os.environ.get('ZW_SEED', '1')))
for i in range(30000):
    g = bytearray(rnd.choice(good))
    for _ in range(rnd.randrange(1, 6)):
        g[rnd.randrange(len(g))] = rnd.randrange(256)
    if rnd.random() < 0.3:
        g = g[:rnd.randrange(len(g) + 1)]
    if rnd.random() < 0.1:
        g += bytes(rnd.randrange(256) for _ in range(rnd.randrange(64)))
    send(bytes(g))
for i in range(2000):
    send(dmac + smac + bytes(rnd.randrange(256) for _ in range(rnd.randrange(14, 200))))
print(f'raw frames sent: {sent}')
EOF
	zw_fail "raw frame sender failed"
sleep 1
kill -0 "$ZW_ZWD" || zw_fail "zwd died on raw frames"

$NSX python3 - "$ZW_IP4" <<'EOF' || zw_fail "DNS-level junk"
import socket, struct, sys
srv = sys.argv[1]
q = lambda flags=0x0100, qd=1, an=0, ns=0, ar=0: struct.pack('!6H', 0xabcd, flags, qd, an, ns, ar)
name = b'\x03www\x07example\x03com\x00'
tail = struct.pack('!HH', 1, 1)
cases = [  # (label, payload, expected rcode or None for no answer)
    ('compression loop', q() + b'\xc0\x0c' + tail, 1),
    ('forward pointer', q() + b'\xc0\x20' + tail + bytes(20), 1),
    ('pointer in label', q() + b'\x03www\xc0\x0c' + tail, 1),
    ('label past end', q() + b'\x3fabc', 1),
    ('no question', q(qd=0), 1),
    ('65535 questions', q(qd=65535) + name + tail, 1),
    ('65535 answers', q(an=65535) + name + tail, 1),
    ('65535 additional', q(ar=65535) + name + tail, 1),
    ('trailing garbage', q() + name + tail + b'junk', 1),
    ('header only', q(), 1),
    ('short', b'\x12\x34\x01', None),
    ('empty', b'', None),
    ('a response', q(flags=0x8400) + name + tail, None),
    ('opcode 3', q(flags=3 << 11) + name + tail, 4),
    # NOTIFY goes to the kernel, where nothing listens on UDP/53 yet
    ('NOTIFY (the kernel\'s)', q(flags=4 << 11) + name + tail, None),
    ('EDNS version 1', q(ar=1) + name + tail + b'\x00\x00\x29\x04\xd0\x00\x01\x00\x00\x00\x00', 16),
    ('two OPT', q(ar=2) + name + tail + (b'\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00') * 2, 1),
    ('OPT not root', q(ar=1) + name + tail + b'\x01a\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00', 1),
    ('not DNS', b'GET / HTTP/1.1\r\nHost: x\r\n\r\n' * 3, 1),
    ('out of zone', q() + b'\x03www\x07example\x03org\x00' + tail, 5),
    ('good', q() + name + tail, 0),
]
bad = 0
for label, payload, want in cases:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    s.sendto(payload, (srv, 53))
    try:
        r = s.recv(65535)
        rc = r[3] & 15
        if rc == 0 and len(r) >= 23 and r[-11:-9] == b'\x00\x00' and r[-9] == 41 and r[-6]:
            rc |= r[-6] << 4
        got = rc if r[2] & 0x80 and r[:2] == payload[:2] else 'garbage'
    except socket.timeout:
        got = None
    except ConnectionRefusedError:
        got = 'ICMP unreachable'
    ok = got == want
    bad += not ok
    print(f'{"ok  " if ok else "FAIL"} {label}: got {got}, want {want}')
sys.exit(1 if bad else 0)
EOF
kill -0 "$ZW_ZWD" || zw_fail "zwd died on DNS junk"
$NSX dig +short @"$ZW_IP4" www.example.com A | grep -q 192.0.2.10 || zw_fail "no answer after the junk"
$NSX dig +short @"$ZW_IP6" www.example.com A | grep -q 192.0.2.10 || zw_fail "no IPv6 answer after the junk"
"$BIN/zwctl" -s "$ZW_TMP/ctl" stats | python3 -c '
import json, sys
t = json.load(sys.stdin)["total"]
print("zwd counted:", "rx", t["rx"], "answered", t["answered"], "exception", t["exception_out"], t["dropped"], t["rcode"])
assert t["dropped"]["malformed"] > 1000 and t["dropped"]["checksum"] > 0' || zw_fail "counters"
echo "ok: zwd survived the junk and still answers"
echo "PASS"
