#!/usr/bin/env python3
"""Differential DNS query runner: send the same query set to two responders
and compare the responses section by section.

A responder is either a UDP server (`udp:ADDR:PORT`) or zw-lookup over a
compiled table (`lookup:PROGRAM:TABLE`). Queries come from scripts/genqueries
(category, qname, qtype, options per line). Each query is built once (qname,
qtype, DO, EDNS buffer size); UDP servers get it as a wire message with
RD=0, zw-lookup gets the same fields as arguments and prints the response
with +wire.

What is compared, and the normalisations made (each one is a place where
two correct servers may legitimately differ):
  - question: each side must echo the question exactly, case included
    (checked against the query, not against the other side);
  - rcode (including the EDNS extended bits) and the header flags
    QR AA RD RA AD CD, and TC on its own ("tc": one side truncated, the
    other did not);
  - EDNS: whether an OPT record is present, its version and the DO bit.
    The advertised UDP payload size and EDNS options (NSID, EDE, padding)
    are server policy and are not compared;
  - answer, authority, additional: as multisets of (owner, type, class,
    TTL, RDATA). Owner names are compared case-insensitively (RFC 4343):
    their case comes from whatever name a server compresses against.
    Order within a section is ignored (RFC 2181 section 5: RRset order is
    not significant; servers sort and rotate differently). Names inside
    the RDATA of the RFC 1035 types that may be compressed (NS, CNAME, SOA,
    MX, PTR, ...) are expanded and compared case-insensitively: Knot
    compresses them against the query name, so their case follows the
    query's (RFC 4034 section 6.2 lowercases exactly these names for
    signing, so no validator sees the difference). The NSEC next name and
    RRSIG signer are not compressible and compared byte for byte. The
    message ID is not compared (the
    lookup side builds its own query);
  - when a response has TC=1 only the header is compared: a client
    discards a truncated UDP answer and retries over TCP, and which RRsets
    a server keeps before truncating is its own choice.
Mismatches are counted per (zone, category, field). Expected failures are
given as glob patterns `zone/category/field` (--xfail); they are counted and
shown but do not fail the run.
"""

import argparse
import concurrent.futures
import fnmatch
import os
import random
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnswire as W  # noqa: E402

FIELDS = ["error", "question", "rcode", "tc", "flags", "edns", "answer",
          "authority", "additional"]
SECTIONS = ["answer", "authority", "additional"]


class Query:
    def __init__(self, line, no):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 4:
            raise ValueError("line %d: want 4 tab-separated fields" % no)
        self.cat, self.qtext, self.ttext, opts = parts
        self.no = no
        self.qname = W.name_from_text(self.qtext)
        self.qtype = W.type_code(self.ttext)
        self.edns, self.bufsize, self.do = True, 1232, False
        for o in opts.split(","):
            if o == "noedns":
                self.edns = False
            elif o.startswith("edns="):
                self.bufsize = int(o[5:])
            elif o == "do":
                self.do = True
            else:
                raise ValueError("line %d: option %r" % (no, o))

    def text(self):
        o = "+noedns" if not self.edns else "+bufsize=%d%s" % (
            self.bufsize, " +dnssec" if self.do else "")
        return "%s %s %s  [%s]" % (self.qtext, self.ttext, o, self.cat)

    def wire(self, qid):
        return W.build_query(qid, self.qname, self.qtype, edns=self.edns,
                             bufsize=self.bufsize, do=self.do)


class Udp:
    """A server on loopback, asked one query at a time (the answers of a
    local server take tens of microseconds)."""

    def __init__(self, spec):
        _, addr, port = spec.split(":")
        self.dst = (addr, int(port))
        self.name = "%s#%s" % self.dst
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(2.0)
        self.rand = random.Random(0)

    def ask_all(self, queries):
        return [self.ask(q) for q in queries]

    def ask(self, q):
        qid = self.rand.randrange(65536)
        msg = q.wire(qid)
        for _ in range(3):
            self.sock.sendto(msg, self.dst)
            try:
                while True:
                    data, _ = self.sock.recvfrom(65535)
                    if len(data) >= 2 and data[:2] == msg[:2]:
                        return data, None
            except socket.timeout:
                continue
        return None, "no answer from %s after 3 tries" % self.name


class Lookup:
    """zw-lookup over a compiled table, one process per query, a few in
    parallel."""

    def __init__(self, spec, extra):
        _, self.prog, self.table = spec.split(":", 2)
        self.name = "zw-lookup"
        self.extra = extra

    def argv(self, q):
        a = [self.prog, "-t", self.table] + self.extra
        a += ["+noedns"] if not q.edns else ["+bufsize=%d" % q.bufsize]
        if q.do:
            a.append("+dnssec")
        return a + ["+wire", q.qtext, q.ttext]

    def ask(self, q):
        try:
            p = subprocess.run(self.argv(q), capture_output=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired) as e:
            return None, "zw-lookup: %s" % e
        if p.returncode != 0:
            return None, "zw-lookup exited %d: %s" % (
                p.returncode, p.stderr.decode("latin-1").strip()[:300])
        try:
            return parse_hex(p.stdout.decode("latin-1")), None
        except ValueError as e:
            return None, "zw-lookup +wire output: %s" % e

    def ask_all(self, queries):
        with concurrent.futures.ThreadPoolExecutor(
                max_workers=os.cpu_count() or 2) as ex:
            return list(ex.map(self.ask, queries))


def parse_hex(text):
    """Hex dump to bytes: ';' comment lines skipped, an 'offset:' prefix
    on a line dropped, all other whitespace ignored."""
    out = []
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith(";"):
            continue
        if ":" in s:
            s = s.split(":", 1)[1]
        out.append("".join(s.split()))
    h = "".join(out)
    if not h:
        raise ValueError("no hex output")
    return bytes.fromhex(h)


def responder(spec, extra):
    if spec.startswith("udp:"):
        return Udp(spec)
    if spec.startswith("lookup:"):
        return Lookup(spec, extra)
    raise SystemExit("responder %r: want udp:ADDR:PORT or "
                     "lookup:PROGRAM:TABLE" % spec)


# ---- comparison -----------------------------------------------------------

def decode(raw, err):
    if err:
        return None, err
    try:
        return W.parse_msg(raw), None
    except W.WireError as e:
        return None, "unparsable response: %s" % e


def edns_sig(m):
    if m.edns is None:
        return "no OPT"
    return "OPT version %d%s" % (m.edns[1], " do" if m.edns[3] & 0x8000
                                 else "")


def diff(q, a, b):
    """Fields that differ between the two parsed responses."""
    bad = []
    want = [(q.qname, q.qtype, 1)]
    for m in (a, b):
        if m.question != want and "question" not in bad:
            bad.append("question")
    if a.full_rcode() != b.full_rcode():
        bad.append("rcode")
    tc = (a.flags | b.flags) & 0x0200
    if (a.flags ^ b.flags) & 0x0200:
        bad.append("tc")
    if (a.flags ^ b.flags) & ~0x0200:
        bad.append("flags")
    if edns_sig(a) != edns_sig(b):
        bad.append("edns")
    if tc:
        return bad
    for i, s in enumerate(SECTIONS):
        if sorted(r.key() for r in a.sections[i]) != \
                sorted(r.key() for r in b.sections[i]):
            bad.append(s)
    return bad


def fmt_msg(m, other=None):
    """dig-like text; with `other`, RRs missing there are marked '!'."""
    rc = m.full_rcode()
    lines = [";; status: %s, flags: %s; %d bytes; %s" % (
        W.RCODES[rc] if rc < len(W.RCODES) else "RCODE%d" % rc,
        " ".join(m.flag_names()), m.size, edns_sig(m))]
    for n, t, c in m.question:
        lines.append(";; question: %s %s" % (W.name_text(n), W.type_name(t)))
    for i, s in enumerate(SECTIONS):
        if not m.sections[i]:
            continue
        lines.append(";; %s:" % s.upper())
        keys = {r.key() for r in other.sections[i]} if other else None
        for r in sorted(m.sections[i], key=lambda r: r.key()):
            mark = "! " if keys is not None and r.key() not in keys else "  "
            lines.append(mark + r.text())
    return lines


class Tally:
    def __init__(self, zone, xfail, show):
        self.zone, self.xfail, self.show = zone, xfail, show
        self.count = {}
        self.shown = 0
        self.fail = 0
        self.xfailed = 0
        self.hit = set()

    def matches(self, cat, field):
        key = "%s/%s/%s" % (self.zone, cat, field)
        for p in self.xfail:
            if fnmatch.fnmatchcase(key, p):
                self.hit.add(p)
                return True
        return False

    def record(self, q, fields, lines):
        expected = all(self.matches(q.cat, f) for f in fields)
        for f in fields:
            k = (q.cat, f)
            self.count[k] = self.count.get(k, 0) + 1
        if expected:
            self.xfailed += 1
        else:
            self.fail += 1
        if self.shown < self.show and not expected:
            self.shown += 1
            print("--- MISMATCH %s #%d: %s (differs: %s)" % (
                self.zone, q.no, q.text(), ", ".join(fields)))
            for ln in lines:
                print("    " + ln)


def run(a):
    queries = []
    with open(a.queries, encoding="latin-1") as f:
        for no, line in enumerate(f, 1):
            if line.strip():
                queries.append(Query(line, no))
    left = responder(a.left, a.lookup_arg)
    right = responder(a.right, a.lookup_arg)
    ra = left.ask_all(queries)
    rb = right.ask_all(queries)
    t = Tally(a.zone, a.xfail, a.show)
    cats = {}
    for q, (x, ex), (y, ey) in zip(queries, ra, rb):
        cats[q.cat] = cats.get(q.cat, 0) + 1
        ma, ea = decode(x, ex)
        mb, eb = decode(y, ey)
        if ma is None or mb is None:
            t.record(q, ["error"], ["%s: %s" % (left.name, ea or "ok"),
                                    "%s: %s" % (right.name, eb or "ok")])
            continue
        fields = diff(q, ma, mb)
        if fields:
            lines = ["< %s" % left.name] + fmt_msg(ma, mb) + \
                ["> %s" % right.name] + fmt_msg(mb, ma)
            t.record(q, fields, lines)
    report(a, t, queries, cats)
    return 1 if t.fail else 0


def report(a, t, queries, cats):
    print("%s: %d queries (%s)" % (a.zone, len(queries), " ".join(
        "%s=%d" % kv for kv in sorted(cats.items()))))
    if t.count:
        print("%s: mismatches by category/field (query counts):" % a.zone)
        for (c, f), n in sorted(t.count.items()):
            tag = " (expected failure)" if t.matches(c, f) else ""
            print("    %-16s %-11s %5d%s" % (c, f, n, tag))
    print("%s: %d agree, %d mismatch, %d expected failures" % (
        a.zone, len(queries) - t.fail - t.xfailed, t.fail, t.xfailed))
    for p in a.xfail:
        if p not in t.hit and fnmatch.fnmatchcase(a.zone, p.split("/")[0]):
            print("%s: expected failure %r did not occur" % (a.zone, p))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--zone", default="zone", help="label for the report")
    p.add_argument("--queries", required=True, help="scripts/genqueries output")
    p.add_argument("--left", required=True, help="reference responder")
    p.add_argument("--right", required=True, help="responder under test")
    p.add_argument("--lookup-arg", action="append", default=[],
                   help="extra argument for zw-lookup (repeatable)")
    p.add_argument("--xfail", action="append", default=[],
                   help="expected failure glob zone/category/field")
    p.add_argument("--show", type=int, default=8,
                   help="print this many mismatching queries in full")
    sys.exit(run(p.parse_args()))


if __name__ == "__main__":
    main()
