#!/usr/bin/env python3
"""How the wire fixtures in this folder were captured (kept for the record;
the unit tests only read the committed .bin files, no server needed).

resp_*.bin: answers of knotd 3.2 (Debian 12) on 127.0.0.1@53531, serving a
small example.com zone signed with dnssec-signzone (ECDSAP256SHA256, NSEC),
with `nsid: "zw-nsid"`, an AXFR acl for 127.0.0.1 and mod-cookies (which
answers a client-only cookie with BADCOOKIE). Queries are built here; the
huge.example.com TXT (3 x 250 octets) gives the TC answers:
    resp_tc_noedns   = udp(query(19, 'huge.example.com.', 16, edns=False))
    resp_tc_edns512  = udp(query(20, 'huge.example.com.', 16, udp=512))
    resp_huge_tcp    = tcp(query(21, 'huge.example.com.', 16))
    resp_badcookie   = the 'cookie' case below with mod-cookies on.
query_*.bin: what the clients sent to a one-shot UDP listener:
    kdig +nsid +cookie +subnet=192.0.2.0/24 +padding=64 +dnssec
         +bufsize=1232 +ednsopt=65001:abcd www.example.com AAAA
    dig example.com MX;  dig +noedns www.example.com A
    kdig -y hmac-sha256:tkey:c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0 example.com SOA
Usage: capture.py OUTDIR  (with knotd running as above)
"""
import socket, struct, sys, os
PORT = 53531
OUT = sys.argv[1]

def name(s):
    out = b''
    # minimal presentation parser: handles \. escapes only
    labels, cur, i = [], b'', 0
    while i < len(s):
        c = s[i]
        if c == '\\':
            cur += s[i+1].encode(); i += 2; continue
        if c == '.':
            labels.append(cur); cur = b''; i += 1; continue
        cur += c.encode(); i += 1
    if cur: labels.append(cur)
    for l in labels: out += bytes([len(l)]) + l
    return out + b'\0'

def query(qid, qname, qtype, edns=True, do=True, udp=1232, opts=b'', rd=0):
    flags = 0x0100 if rd else 0
    h = struct.pack('>HHHHHH', qid, flags, 1, 0, 0, 1 if edns else 0)
    q = name(qname) + struct.pack('>HH', qtype, 1)
    if edns:
        q += b'\0' + struct.pack('>HHBBHH', 41, udp, 0, 0, 0x8000 if do else 0, len(opts)) + opts
    return h + q

def udp(msg):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
    s.sendto(msg, ('127.0.0.1', PORT)); r = s.recv(65535); s.close(); return r

def tcp(msg):
    s = socket.create_connection(('127.0.0.1', PORT), 2)
    s.sendall(struct.pack('>H', len(msg)) + msg)
    def rd(n):
        b = b''
        while len(b) < n:
            c = s.recv(n - len(b))
            if not c: raise EOF
            b += c
        return b
    l = struct.unpack('>H', rd(2))[0]; r = rd(l); s.close(); return r

def opt(code, data): return struct.pack('>HH', code, len(data)) + data

cases = [
    ('soa_do', udp, query(1, 'example.com.', 6)),
    ('mx_do', udp, query(2, 'example.com.', 15)),
    ('cname_do', udp, query(3, 'www.example.com.', 1)),
    ('referral', udp, query(4, 'host.sub.example.com.', 1, do=False)),
    ('wildcard_do', udp, query(5, 'foo.example.com.', 16)),
    ('dnskey_do', udp, query(6, 'example.com.', 48)),
    ('nodata_do', udp, query(7, 'ns1.example.com.', 15)),
    ('refused', udp, query(8, 'example.org.', 1, do=False)),
    ('many_noedns', udp, query(9, 'many.example.com.', 1, edns=False)),
    ('big_tc', udp, query(10, 'big.example.com.', 16, edns=False)),
    ('nsid', udp, query(11, 'example.com.', 2, do=False, opts=opt(3, b''))),
    ('cookie', udp, query(12, 'example.com.', 1, do=False, opts=opt(10, bytes(range(8))))),
    ('srv_do', udp, query(13, '_sip._tcp.example.com.', 33)),
    ('caa', udp, query(14, 'caa.example.com.', 257, do=False)),
    ('escaped', udp, query(15, 'Odd\\.Name.example.com.', 16, do=False)),
    ('mixcase', udp, query(16, 'WwW.ExAmPlE.CoM.', 1, do=False)),
    ('axfr_tcp', tcp, query(17, 'example.com.', 252, edns=False)),
    ('dnskey_tcp_do', tcp, query(18, 'example.com.', 48, udp=65535)),
]
for nm, fn, q in cases:
    r = fn(q)
    open(os.path.join(OUT, 'resp_' + nm + '.bin'), 'wb').write(r)
    print(nm, len(r))
