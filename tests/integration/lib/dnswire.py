"""Minimal DNS wire and presentation helpers for the integration tests.

Python 3 standard library only. Names are tuples of label bytes (no root
label). Enough of RFC 1035/3597/4034/5155 to build queries, parse
responses (with compression), compare RR sets and print them readably.
"""

import base64
import struct

T = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "HINFO": 13,
     "MX": 15, "TXT": 16, "RP": 17, "AFSDB": 18, "AAAA": 28, "LOC": 29,
     "SRV": 33, "NAPTR": 35, "KX": 36, "CERT": 37, "DNAME": 39, "OPT": 41,
     "DS": 43, "SSHFP": 44, "RRSIG": 46, "NSEC": 47, "DNSKEY": 48,
     "NSEC3": 50, "NSEC3PARAM": 51, "TLSA": 52, "SMIMEA": 53, "CDS": 59,
     "CDNSKEY": 60, "OPENPGPKEY": 61, "CSYNC": 62, "ZONEMD": 63,
     "SVCB": 64, "HTTPS": 65, "SPF": 99, "URI": 256, "CAA": 257,
     "ANY": 255, "AXFR": 252, "IXFR": 251}
TN = {v: k for k, v in T.items()}
RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
          "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"]
# Types whose RDATA names may be compressed (RFC 3597 section 4); the
# layout lists the fields: n = name, 2/4 = integer of that width.
COMPRESSIBLE = {2: "n", 5: "n", 12: "n", 6: "nn44444", 15: "2n",
                7: "n", 8: "n", 9: "n", 3: "n", 4: "n", 14: "nn"}
# Types with uncompressed names we still decode for printing.
NAMED = {39: "n", 33: "222n", 36: "2n", 18: "2n", 17: "nn"}


class WireError(Exception):
    pass


def type_code(s):
    s = s.upper()
    if s in T:
        return T[s]
    if s.startswith("TYPE") and s[4:].isdigit():
        return int(s[4:])
    raise ValueError("unknown type %r" % s)


def type_name(c):
    return TN.get(c, "TYPE%d" % c)


# ---- names -----------------------------------------------------------

def name_from_text(s, origin=()):
    """Presentation name ("a\\.b.example.", "@", relative) -> labels."""
    if s == "@":
        return tuple(origin)
    if s == ".":
        return ()
    labels, cur, i = [], bytearray(), 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            ddd = s[i + 1:i + 4]
            if len(ddd) == 3 and ddd.isdigit():
                cur.append(int(ddd))
                i += 4
                continue
            cur.extend(s[i + 1].encode("latin-1"))
            i += 2
            continue
        if c == ".":
            if not cur:
                raise ValueError("empty label in %r" % s)
            labels.append(bytes(cur))
            cur = bytearray()
        else:
            cur.extend(c.encode("latin-1"))
        i += 1
    if cur:
        labels.append(bytes(cur))
        return tuple(labels) + tuple(origin)
    return tuple(labels)


SAFE = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
           b"0123456789-_*/")


def label_text(lab):
    """Escape everything outside [A-Za-z0-9-_*/] as \\DDD: both BIND and
    Knot read that back (Knot refuses e.g. '~' and '%' raw)."""
    return "".join(chr(b) if b in SAFE else "\\%03d" % b for b in lab)


def name_text(labels):
    if not labels:
        return "."
    return ".".join(label_text(x) for x in labels) + "."


def name_wire(labels):
    return b"".join(bytes([len(x)]) + x for x in labels) + b"\0"


def name_lower(labels):
    return tuple(x.lower() for x in labels)


def canon_key(labels):
    """Sort key for RFC 4034 section 6.1 canonical order."""
    return tuple(x.lower() for x in reversed(labels))


def is_sub(name, parent):
    """name at or below parent (case-insensitive)."""
    n = len(parent)
    return len(name) >= n and name_lower(name[len(name) - n:]) == \
        name_lower(parent)


# ---- presentation lines (named-checkzone -D output) -------------------

def split_tokens(line):
    """Split a one-RR-per-line record outside quoted strings; quotes and
    escapes are kept in the tokens."""
    toks, cur, q, esc = [], [], False, False
    for ch in line:
        if esc:
            cur.append(ch)
            esc = False
        elif ch == "\\":
            cur.append(ch)
            esc = True
        elif ch == '"':
            cur.append(ch)
            q = not q
        elif not q and ch in " \t\r\n":
            if cur:
                toks.append("".join(cur))
                cur = []
        else:
            cur.append(ch)
    if cur:
        toks.append("".join(cur))
    return toks


# Positions of name fields in the RDATA presentation of types we rewrite
# for Knot (escaping) and inspect (targets for additional processing).
NAME_FIELDS = {"NS": [0], "CNAME": [0], "DNAME": [0], "PTR": [0],
               "MX": [1], "SOA": [0, 1], "SRV": [3], "NSEC": [0],
               "RRSIG": [7], "KX": [1], "AFSDB": [1], "RP": [0, 1]}


def read_dump(path):
    """Records of a `named-checkzone -D` dump: (owner, ttl, class, type,
    rdata tokens), owner as labels. Comment lines are skipped."""
    out = []
    with open(path, encoding="latin-1") as f:
        for line in f:
            if not line.strip() or line.lstrip().startswith(";"):
                continue
            t = split_tokens(line)
            out.append((name_from_text(t[0]), int(t[1]), t[2], t[3].upper(),
                        t[4:]))
    return out


def knot_line(owner, ttl, cls, typ, rd):
    """One record with names re-escaped so Knot's loader reads it."""
    rd = list(rd)
    for i in NAME_FIELDS.get(typ, []):
        if i < len(rd):
            rd[i] = name_text(name_from_text(rd[i]))
    return "%s %d %s %s %s" % (name_text(owner), ttl, cls, typ, " ".join(rd))


# ---- wire ---------------------------------------------------------------

def build_query(qid, qname, qtype, rd=False, edns=True, bufsize=1232,
                do=False, cd=False):
    flags = (0x0100 if rd else 0) | (0x0010 if cd else 0)
    msg = struct.pack("!HHHHHH", qid, flags, 1, 0, 0, 1 if edns else 0)
    msg += name_wire(qname) + struct.pack("!HH", qtype, 1)
    if edns:
        msg += b"\0" + struct.pack("!HHIH", 41, bufsize,
                                   0x8000 if do else 0, 0)
    return msg


def _name_at(msg, off):
    """Read a possibly compressed name; returns (labels, next offset).
    Pointers must point strictly backwards (no loops)."""
    labels, end, limit = [], None, off
    while True:
        if off >= len(msg):
            raise WireError("name runs past the message")
        ln = msg[off]
        if ln & 0xC0 == 0xC0:
            if off + 1 >= len(msg):
                raise WireError("truncated pointer")
            ptr = ((ln & 0x3F) << 8) | msg[off + 1]
            if ptr >= limit:
                raise WireError("forward compression pointer")
            if end is None:
                end = off + 2
            off = limit = ptr
            continue
        if ln & 0xC0:
            raise WireError("bad label type")
        off += 1
        if ln == 0:
            break
        if off + ln > len(msg):
            raise WireError("label runs past the message")
        labels.append(bytes(msg[off:off + ln]))
        off += ln
    if sum(len(x) + 1 for x in labels) + 1 > 255:
        raise WireError("name too long")
    return tuple(labels), (end if end is not None else off)


def _canon_rdata(msg, off, rdlen, rtype):
    """RDATA with compressed names expanded and case-folded, so two servers
    compressing differently compare equal: Knot compresses such names
    against the query name, so their case follows the query's (harmless:
    RFC 4034 section 6.2 lowercases them for signing). Other types are
    taken byte for byte."""
    lay = COMPRESSIBLE.get(rtype)
    end = off + rdlen
    if lay is None:
        return bytes(msg[off:end])
    out = bytearray()
    p = off
    for f in lay:
        if f == "n":
            n, p = _name_at(msg, p)
            out += name_wire(name_lower(n))
        else:
            w = int(f)
            if p + w > end:
                raise WireError("short %s rdata" % type_name(rtype))
            out += msg[p:p + w]
            p += w
    if p != end:
        raise WireError("%s rdata length mismatch" % type_name(rtype))
    return bytes(out)


class RR:
    __slots__ = ("owner", "rtype", "rclass", "ttl", "rdata")

    def __init__(self, owner, rtype, rclass, ttl, rdata):
        self.owner, self.rtype, self.rclass = owner, rtype, rclass
        self.ttl, self.rdata = ttl, rdata

    def key(self):
        """Comparison key: owner case-folded (RFC 4343), all else exact."""
        return (name_lower(self.owner), self.rtype, self.rclass, self.ttl,
                self.rdata)

    def text(self):
        return "%s %d %s %s %s" % (name_text(self.owner), self.ttl,
                                   "IN" if self.rclass == 1 else
                                   "CLASS%d" % self.rclass,
                                   type_name(self.rtype),
                                   rdata_text(self.rtype, self.rdata))


class Msg:
    def __init__(self):
        self.id = self.flags = self.rcode = 0
        self.question = []
        self.sections = [[], [], []]
        self.edns = None   # (bufsize, version, ext rcode, flags, options)
        self.size = 0

    def flag_names(self):
        bits = [("qr", 15), ("aa", 10), ("tc", 9), ("rd", 8), ("ra", 7),
                ("z", 6), ("ad", 5), ("cd", 4)]
        return [n for n, b in bits if self.flags & (1 << b)]

    def full_rcode(self):
        return self.rcode | ((self.edns[2] << 4) if self.edns else 0)


def parse_msg(msg):
    if len(msg) < 12:
        raise WireError("short header (%d bytes)" % len(msg))
    m = Msg()
    m.size = len(msg)
    m.id, fl, qd, an, ns, ar = struct.unpack("!HHHHHH", msg[:12])
    m.flags, m.rcode = fl & 0xFFF0, fl & 0xF
    off = 12
    for _ in range(qd):
        n, off = _name_at(msg, off)
        if off + 4 > len(msg):
            raise WireError("short question")
        t, c = struct.unpack("!HH", msg[off:off + 4])
        m.question.append((n, t, c))
        off += 4
    for sec, count in enumerate((an, ns, ar)):
        for _ in range(count):
            n, off = _name_at(msg, off)
            if off + 10 > len(msg):
                raise WireError("short RR header")
            t, c, ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
            off += 10
            if off + rdlen > len(msg):
                raise WireError("RDATA runs past the message")
            if t == 41 and sec == 2:
                if m.edns is not None:
                    raise WireError("two OPT records")
                m.edns = (c, (ttl >> 16) & 0xFF, ttl >> 24, ttl & 0xFFFF,
                          _options(msg[off:off + rdlen]))
            else:
                m.sections[sec].append(
                    RR(n, t, c, ttl, _canon_rdata(msg, off, rdlen, t)))
            off += rdlen
    if off != len(msg):
        raise WireError("%d trailing bytes" % (len(msg) - off))
    return m


def _options(b):
    out, p = [], 0
    while p + 4 <= len(b):
        code, ln = struct.unpack("!HH", b[p:p + 4])
        out.append((code, bytes(b[p + 4:p + 4 + ln])))
        p += 4 + ln
    return out


# ---- RDATA presentation (for diffs only; comparison is on wire) --------

def _bitmap(b):
    types, p = [], 0
    while p + 2 <= len(b):
        win, ln = b[p], b[p + 1]
        for i, byte in enumerate(b[p + 2:p + 2 + ln]):
            for bit in range(8):
                if byte & (0x80 >> bit):
                    types.append(type_name(win * 256 + i * 8 + bit))
        p += 2 + ln
    return " ".join(types)


def _strings(b):
    out, p = [], 0
    while p < len(b):
        ln = b[p]
        s = b[p + 1:p + 1 + ln]
        out.append('"' + "".join(
            chr(c) if 32 <= c < 127 and c not in b'"\\' else
            ("\\" + chr(c) if c in b'"\\' else "\\%03d" % c)
            for c in s) + '"')
        p += 1 + ln
    return " ".join(out)


def _fields(b, lay):
    out, p = [], 0
    for f in lay:
        if f == "n":
            n, p = _name_at(b, p)
            out.append(name_text(n))
        else:
            w = int(f)
            out.append(str(int.from_bytes(b[p:p + w], "big")))
            p += w
    return " ".join(out)


def _b32hex(b):
    s = base64.b32hexencode(b).decode().rstrip("=")
    return s.lower()


def rdata_text(t, b):
    try:
        return _rdata_text(t, b)
    except (IndexError, WireError, struct.error, ValueError):
        return "\\# %d %s" % (len(b), b.hex().upper())


def _rdata_text(t, b):
    if t == 1 and len(b) == 4:
        return ".".join(str(x) for x in b)
    if t == 28 and len(b) == 16:
        import ipaddress
        return str(ipaddress.IPv6Address(b))
    if t in COMPRESSIBLE:
        return _fields(b, COMPRESSIBLE[t])
    if t in NAMED:
        return _fields(b, NAMED[t])
    if t in (16, 99, 13):
        return _strings(b)
    if t == 46:
        tc, alg, lab, ottl, exp, inc, tag = struct.unpack("!HBBIIIH", b[:18])
        n, p = _name_at(b, 18)
        return "%s %d %d %d %d %d %d %s %s" % (
            type_name(tc), alg, lab, ottl, exp, inc, tag, name_text(n),
            base64.b64encode(b[p:]).decode())
    if t == 47:
        n, p = _name_at(b, 0)
        return "%s %s" % (name_text(n), _bitmap(b[p:]))
    if t == 50:
        alg, fl, it, sl = struct.unpack("!BBHB", b[:5])
        salt = b[5:5 + sl]
        hl = b[5 + sl]
        h = b[6 + sl:6 + sl + hl]
        return "%d %d %d %s %s %s" % (alg, fl, it, salt.hex().upper() or "-",
                                      _b32hex(h), _bitmap(b[6 + sl + hl:]))
    if t == 51:
        alg, fl, it, sl = struct.unpack("!BBHB", b[:5])
        return "%d %d %d %s" % (alg, fl, it, b[5:5 + sl].hex().upper() or "-")
    if t in (43, 59):
        tag, alg, dt = struct.unpack("!HBB", b[:4])
        return "%d %d %d %s" % (tag, alg, dt, b[4:].hex().upper())
    if t in (48, 60):
        fl, pr, alg = struct.unpack("!HBB", b[:4])
        return "%d %d %d %s" % (fl, pr, alg, base64.b64encode(b[4:]).decode())
    if t == 257:
        fl, tl = b[0], b[1]
        return '%d %s "%s"' % (fl, b[2:2 + tl].decode("latin-1"),
                               b[2 + tl:].decode("latin-1"))
    return "\\# %d %s" % (len(b), b.hex().upper())


def _main(argv):
    """`dnswire.py knotify DUMP OUT`: rewrite a named-checkzone -D dump
    with names escaped for Knot's zone loader."""
    if len(argv) != 4 or argv[1] != "knotify":
        raise SystemExit("usage: dnswire.py knotify DUMP OUT")
    with open(argv[3], "w", encoding="latin-1") as f:
        for r in read_dump(argv[2]):
            f.write(knot_line(*r) + "\n")


if __name__ == "__main__":
    import sys
    _main(sys.argv)
