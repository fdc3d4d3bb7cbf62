#!/usr/bin/env python3
"""Write a pcap of DNS queries for zwd's benchmark mode (net_pcap rx_pcap=,
infinite_rx=1). Plain struct packing: no scapy.

gen_querypcap.py --zone SIGNED.zone --origin ORIGIN --count N [--do]
                 [--nx 0.1] [--seed S] [--dst-mac MAC] [--dst-ip IP]
                 [--v6-share 0.0] -o OUT.pcap [--qfile OUT.txt]

Queries are drawn from the zone's own (owner, type) pairs, every RRset
equally likely (so delegations give referrals, hosts answers, apex
SOA/NS/MX/DNSKEY ...), plus a share of names that do not exist
(NXDOMAIN, with NSEC/NSEC3 proofs when --do). Every query carries EDNS
(1232 octets, as resolvers send today), with DO when --do. Sources are
spread over 65536 client addresses and random ports, as RSS would see a
real population. --qfile also writes the queries in dnsperf's format.
"""
import argparse
import random
import socket
import struct

SKIP_TYPES = {'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM'}


def wire_name(name):
    out = b''
    for label in name.rstrip('.').split('.'):
        if label:
            out += bytes([len(label)]) + label.encode('latin-1')
    return out + b'\0'


TYPES = {'A': 1, 'NS': 2, 'CNAME': 5, 'SOA': 6, 'MX': 15, 'TXT': 16,
         'AAAA': 28, 'SRV': 33, 'DS': 43, 'DNSKEY': 48, 'CAA': 257,
         'TLSA': 52, 'NAPTR': 35, 'PTR': 12, 'HINFO': 13, 'SSHFP': 44}


def rrsets(path):
    seen = set()
    for line in open(path, encoding='latin-1'):
        if not line.strip() or line[0] in ' \t;$':
            continue
        f = line.split()
        if len(f) < 4:
            continue
        owner = f[0]
        if '\\' in owner:
            continue  # escaped names: keep the generator simple
        i = 1
        while i < len(f) and (f[i].isdigit() or f[i] in ('IN', 'CH')):
            i += 1
        if i >= len(f):
            continue
        t = f[i]
        if t in SKIP_TYPES or t not in TYPES or (owner, t) in seen:
            continue
        seen.add((owner, t))
    return sorted(seen)


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(dst_mac, src_mac, src, dst, sport, payload):
    udp = struct.pack('!4H', sport, 53, 8 + len(payload), 0) + payload
    c = csum(src + dst + struct.pack('!BBH', 0, 17, len(udp)) + udp)
    udp = udp[:6] + struct.pack('!H', c or 0xffff) + udp[8:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0x4000, 64,
                     17, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return dst_mac + src_mac + b'\x08\x00' + ip + udp


def frame6(dst_mac, src_mac, src, dst, sport, payload):
    udp = struct.pack('!4H', sport, 53, 8 + len(payload), 0) + payload
    c = csum(src + dst + struct.pack('!IxxxB', len(udp), 17) + udp)
    udp = udp[:6] + struct.pack('!H', c or 0xffff) + udp[8:]
    ip = struct.pack('!IHBB16s16s', 0x60000000, len(udp), 17, 64, src, dst)
    return dst_mac + src_mac + b'\x86\xdd' + ip + udp


NX_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789'


def nx_label(rnd):
    """6 to 14 random letters and digits, starting with a letter."""
    n = rnd.randint(6, 14)
    return rnd.choice(NX_CHARS[:26]) + ''.join(rnd.choice(NX_CHARS) for _ in range(n - 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--zone', required=True)
    ap.add_argument('--origin', required=True)
    ap.add_argument('--count', type=int, default=16384)
    ap.add_argument('--do', action='store_true')
    ap.add_argument('--nx', type=float, default=0.1)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--dst-mac', default='02:70:63:61:70:00')
    ap.add_argument('--dst-ip', default='10.53.0.1')
    ap.add_argument('--dst-ip6', default='fd53::1')
    ap.add_argument('--v6-share', type=float, default=0.0)
    ap.add_argument('-o', '--output', required=True)
    ap.add_argument('--qfile')
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    sets = rrsets(a.zone)
    if not sets:
        raise SystemExit('no RRsets found in ' + a.zone)
    origin = a.origin.rstrip('.') + '.'
    dmac = bytes.fromhex(a.dst_mac.replace(':', ''))
    smac = bytes.fromhex('020000005302')
    dst = socket.inet_aton(a.dst_ip)
    dst6 = socket.inet_pton(socket.AF_INET6, a.dst_ip6)
    opt = struct.pack('!BHHBBHH', 0, 41, 1232, 0, 0, 0x8000 if a.do else 0, 0)
    out = open(a.output, 'wb')
    out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    qf = open(a.qfile, 'w') if a.qfile else None
    for i in range(a.count):
        if rnd.random() < a.nx:
            # a random label: spread over the whole NSEC index as real
            # misses are (a common prefix would keep one stretch cached)
            name, t = '%s.%s' % (nx_label(rnd), origin), 'A'
        else:
            name, t = rnd.choice(sets)
        q = struct.pack('!6H', rnd.getrandbits(16), 0, 1, 0, 0, 1)
        q += wire_name(name) + struct.pack('!HH', TYPES[t], 1) + opt
        sport = rnd.randrange(1024, 65536)
        if rnd.random() < a.v6_share:
            src6 = bytes.fromhex('fd530000000000000000') + rnd.randbytes(6)
            f = frame6(dmac, smac, src6, dst6, sport, q)
        else:
            src = bytes([10, 99, rnd.randrange(256), rnd.randrange(1, 255)])
            f = frame(dmac, smac, src, dst, sport, q)
        out.write(struct.pack('<IIII', i // 1000000, i % 1000000, len(f),
                              len(f)) + f)
        if qf:
            qf.write('%s %s\n' % (name, t))
    out.close()
    if qf:
        qf.close()


if __name__ == '__main__':
    main()
