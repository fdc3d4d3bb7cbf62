#!/usr/bin/env python3
"""Truncation and size probe of a compiled table against knotd.

For every query (qname, qtype) and both DO=0 and DO=1, the full answers of
both sides are fetched over TCP; the UDP buffer sizes where a record of
either full answer just fits or just does not fit (every record end, plus
the 11-octet OPT, and one octet less), 512 and the server's limit are then
asked over UDP from both, and once without EDNS (512 octets, RFC 1035).
Checked for the side under test at every size:
  - complete or TC (RFC 4035 section 3.1.1, RFC 2308 section 3, RFC 9471):
    a response without TC holds every answer and authority record of its
    full answer; additional records may be missing only when optional
    (RRSIGs in the additional section, addresses other than in-domain
    glue of a referral: dnsdiff.optional_additional);
  - no needless TC: TC only when the full answer exceeds the limit;
  - the same as knotd: when neither side truncated, the sections agree
    (dnsdiff.diff, with the additional-room normalisation); when only
    knotd truncated the side under test must be complete (checked above);
    when only the side under test truncated its full answer must be
    larger than the limit (a compression difference, counted below);
  - compression: the full answer is not larger than knotd's (--size-fail
    makes a larger one a failure, else it is listed).
Query lines: "qname qtype" (absolute names). Exit 1 on any failure."""

import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnsdiff as D  # noqa: E402
import dnswire as W  # noqa: E402


def skip_name(msg, off):
    while True:
        if off >= len(msg):
            raise W.WireError("name runs off the message")
        n = msg[off]
        if n & 0xC0 == 0xC0:
            return off + 2
        if n == 0:
            return off + 1
        off += 1 + n


def rr_ends(msg):
    """Offsets where each answer/authority/additional record ends (the OPT
    record left out)."""
    qd, an, ns, ar = struct.unpack("!HHHH", msg[4:12])
    off = 12
    for _ in range(qd):
        off = skip_name(msg, off) + 4
    ends = []
    for _ in range(an + ns + ar):
        off = skip_name(msg, off)
        rtype, _, _, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        off += 10 + rdlen
        if rtype != 41:
            ends.append(off)
    return ends


def query(qtext, ttext, edns, bufsize, do, tcp=False):
    opts = ["noedns"] if not edns else ["edns=%d" % bufsize]
    if edns and do:
        opts.append("do")
    if tcp:
        opts.append("tcp")
    return D.Query("probe\t%s\t%s\t%s" % (qtext, ttext, ",".join(opts)), 0)


class Probe:
    def __init__(self, a):
        self.knot = D.responder(a.left, [])
        self.zw = D.responder(a.right, a.lookup_arg)
        self.maxudp = a.maxudp
        self.size_fail = a.size_fail
        self.fails = 0
        self.notes = {}
        self.bigger = []
        self.asked = 0

    def fail(self, q, why, *msgs):
        self.fails += 1
        print("FAIL %s: %s" % (q.text(), why))
        for m in msgs:
            for ln in D.fmt_msg(m):
                print("    " + ln)

    def note(self, what):
        self.notes[what] = self.notes.get(what, 0) + 1

    def ask(self, side, q):
        self.asked += 1
        raw, err = side.ask(q)
        if err:
            raise SystemExit("%s: %s" % (q.text(), err))
        return raw, W.parse_msg(raw)

    def complete(self, q, lim, m, full):
        """None when m holds all of full that it must, else why not."""
        for i in (0, 1):
            if D.keys(m.sections[i]) != D.keys(full.sections[i]):
                return "%s records left out without TC (limit %d)" % (
                    D.SECTIONS[i], lim)
        have = {r.key() for r in m.sections[2]}
        for r in full.sections[2]:
            if r.key() not in have and not D.optional_additional(full, r):
                return "required additional %s left out without TC" % (
                    r.text())
        return None

    def one(self, q, zfull, kfull):
        lim = D.udp_limit(q, self.maxudp)
        _, k = self.ask(self.knot, q)
        _, z = self.ask(self.zw, q)
        ztc, ktc = z.flags & 0x0200, k.flags & 0x0200
        if ztc and zfull.size <= lim:
            return self.fail(q, "needless TC: full answer %d, limit %d" % (
                zfull.size, lim), z)
        if not ztc:
            why = self.complete(q, lim, z, zfull)
            if why:
                return self.fail(q, why, z, zfull)
        if ztc and not ktc:
            if self.complete(q, lim, k, kfull):
                self.note("knotd left required records out without TC "
                          "(the side under test set TC)")
            else:
                self.note("TC only from the side under test (its full "
                          "answer is larger)")
            return
        if ktc and not ztc:
            self.note("TC only from knotd (the side under test fits)")
            return
        if ztc:
            return
        fields = [f for f in D.diff(q, k, z) if f != "tc"]
        if "additional" in fields and D.additional_room(lim, k, z):
            fields.remove("additional")
        if fields == ["additional"]:
            # both complete (checked above): each dropped other optional
            # records. Both skip one that does not fit and try the next,
            # but in their own order (the table puts required glue first)
            self.note("other optional additional records dropped")
            return
        if fields:
            self.fail(q, "differs from knotd in %s" % ", ".join(fields), k, z)

    def sizes(self, qn, qt, do):
        tq = query(qn, qt, True, 65535, do, tcp=True)
        zraw, zfull = self.ask(self.zw, tq)
        kraw, kfull = self.ask(self.knot, tq)
        if zfull.size > kfull.size:
            self.bigger.append((zfull.size - kfull.size, tq.text()))
        lims = {512, self.maxudp}
        for raw in (zraw, kraw):
            for e in rr_ends(raw):
                lims.update((e + 11, e + 10))
        return zfull, kfull, sorted(b for b in lims
                                    if 512 <= b <= self.maxudp)

    def run(self, qn, qt):
        for do in (True, False):
            zfull, kfull, lims = self.sizes(qn, qt, do)
            for b in lims:
                self.one(query(qn, qt, True, b, do), zfull, kfull)
        # without EDNS: the DO=0 full answers, less the OPT record
        self.one(query(qn, qt, False, 512, False), zfull, kfull)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--zone", default="zone")
    p.add_argument("--queries", required=True, help="'qname qtype' lines")
    p.add_argument("--left", required=True, help="knotd: udp:ADDR:PORT")
    p.add_argument("--right", required=True,
                   help="lookup:PROGRAM:TABLE (the side under test)")
    p.add_argument("--lookup-arg", action="append", default=[])
    p.add_argument("--maxudp", type=int, default=1232)
    p.add_argument("--size-fail", action="store_true",
                   help="a full answer larger than knotd's fails")
    a = p.parse_args()
    pr = Probe(a)
    with open(a.queries, encoding="latin-1") as f:
        qs = [ln.split() for ln in f if ln.strip() and not
              ln.startswith("#")]
    for qn, qt in qs:
        pr.run(qn, qt)
    for what, n in sorted(pr.notes.items()):
        print("%s: note: %s: %d" % (a.zone, what, n))
    pr.bigger.sort(reverse=True)
    for d, t in pr.bigger:
        print("%s: %s: full answer +%d octets over knotd's" % (
            a.zone, "FAIL" if a.size_fail else "note", d) + " (%s)" % t)
    if a.size_fail:
        pr.fails += len(pr.bigger)
    print("%s: %d queries x sizes (%d asked), %d failures" % (
        a.zone, len(qs), pr.asked, pr.fails))
    return 1 if pr.fails else 0


if __name__ == "__main__":
    sys.exit(main())
