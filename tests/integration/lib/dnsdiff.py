#!/usr/bin/env python3
"""Differential DNS query runner: send the same query set to two responders
and compare the responses section by section.

A responder is either a UDP server (`udp:ADDR:PORT`) or zw-lookup over a
compiled table (`lookup:PROGRAM:TABLE`). Queries come from scripts/genqueries
(category, qname, qtype, options per line). Each query is built once (qname,
qtype, DO, EDNS buffer size); UDP servers get it as a wire message with
RD=0, zw-lookup gets the same fields as one line of its batch input (-f)
and prints the response with +wire.

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
  - one fix-up of the reference (knotd) where it is wrong: see
    wildcard_nsec_proof();
  - when a response has TC=1 its sections are not compared: a client
    discards a truncated UDP answer and retries over TCP, and which RRsets
    a server keeps before truncating is its own choice. For the same
    reason, when both set TC but their RCODEs differ, the RCODEs of the
    answers over TCP are compared instead (knotd's RCODE in a truncated
    answer is the one of the point where it stopped: NOERROR for a DNAME
    whose synthesised CNAME did not fit, NXDOMAIN over TCP);
  - size: servers compress differently, so near the limit one may fit
    what the other cannot. When only one side set TC, both are asked again
    over TCP: accepted if the truncating side's full answer really exceeds
    the limit and the other side's UDP answer holds everything the
    reference's full answer does (settle_tc). Additional sections may
    differ by optional records the lacking side had no room for
    (additional_room). Both are counted and listed as accepted, and
    answers that agree but are larger from the side under test are
    counted too (a compression hint, not a failure).
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
import struct
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
        self.edns, self.bufsize, self.do, self.tcp = True, 1232, False, False
        for o in opts.split(","):
            if o == "tcp":
                self.tcp = True
            elif o == "noedns":
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
        if self.tcp:
            o += " +tcp"
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

    def ask(self, q, tcp=False):
        qid = self.rand.randrange(65536)
        msg = q.wire(qid)
        if tcp or q.tcp:
            return self.ask_tcp(msg)
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

    def ask_tcp(self, msg):
        try:
            with socket.create_connection(self.dst, timeout=5) as c:
                c.sendall(struct.pack("!H", len(msg)) + msg)
                buf = b""
                while len(buf) < 2 or len(buf) < 2 + \
                        struct.unpack("!H", buf[:2])[0]:
                    chunk = c.recv(65537)
                    if not chunk:
                        break
                    buf += chunk
        except OSError as e:
            return None, "TCP to %s: %s" % (self.name, e)
        if len(buf) < 2 or len(buf) != 2 + struct.unpack("!H", buf[:2])[0]:
            return None, "TCP to %s: short answer" % self.name
        return buf[2:], None


class Lookup:
    """zw-lookup over a compiled table in batch mode: one process answers
    a whole query set (-f -, one query per line, each response after a
    ';; LINE n' separator)."""

    def __init__(self, spec, extra):
        _, self.prog, self.table = spec.split(":", 2)
        self.name = "zw-lookup"
        self.extra = extra

    @staticmethod
    def line(q, tcp=False):
        a = ["+noedns"] if not q.edns else ["+bufsize=%d" % q.bufsize]
        if q.do:
            a.append("+dnssec")
        if tcp or q.tcp:
            a.append("+tcp")
        return " ".join([q.qtext, q.ttext] + a)

    def batch(self, lines):
        """Answers (raw, error) to the query lines, in order."""
        argv = [self.prog, "-t", self.table, "+norec", "+wire"] + \
            self.extra + ["-f", "-"]
        text = "".join(ln + "\n" for ln in lines)
        try:
            p = subprocess.run(argv, input=text.encode("latin-1"),
                               capture_output=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as e:
            return [(None, "zw-lookup: %s" % e)] * len(lines)
        errs = parse_errors(p.stderr.decode("latin-1"))
        if p.returncode not in (0, 2):
            errs[0] = "zw-lookup exited %d: %s" % (
                p.returncode, p.stderr.decode("latin-1").strip()[:300])
        got = split_batch(p.stdout.decode("latin-1"))
        out = []
        for no in range(1, len(lines) + 1):
            if no in got:
                try:
                    out.append((parse_hex(got[no]), None))
                except ValueError as e:
                    out.append((None, "zw-lookup +wire output: %s" % e))
            else:
                out.append((None, errs.get(no) or errs.get(0) or
                            "zw-lookup: no answer to line %d" % no))
        return out

    def ask(self, q, tcp=False):
        return self.batch([self.line(q, tcp)])[0]

    def ask_all(self, queries):
        return self.batch([self.line(q) for q in queries])


def split_batch(text):
    """zw-lookup -f output: {line number: that response's text}."""
    got, cur = {}, None
    for ln in text.splitlines(True):
        if ln.startswith(";; LINE "):
            cur = int(ln[8:])
            got[cur] = ""
        elif cur is not None:
            got[cur] += ln
    return got


def parse_errors(text):
    """zw-lookup -f messages 'zw-lookup: -:N: why': {N: message}."""
    errs = {}
    for ln in text.splitlines():
        head, _, why = ln.partition(": -:")
        no, _, why = why.partition(": ")
        if head == "zw-lookup" and no.isdigit():
            errs[int(no)] = "zw-lookup: " + why
    return errs


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


def wildcard_nsec_proof(q, ref, other):
    """knotd, asked for type NSEC at a name a wildcard expands to, answers
    the expanded NSEC but leaves out the proof that the name itself does
    not exist, which RFC 4035 section 3.1.3.3 requires: the wildcard's own
    NSEC (and its RRSIG) at *.<closest encloser>. BIND includes it, and so
    may the side under test; when the other side's authority section
    holds exactly that and nothing else more, it is added to the
    reference before comparing."""
    if q.qtype != 47:
        return
    sig = [r for r in ref.sections[0] if r.rtype == 46 and
           r.rdata[:2] == b"\x00\x2f" and r.rdata[3] < len(q.qname)]
    nsec = [r for r in ref.sections[0] if r.rtype == 47]
    if len(sig) != 1 or len(nsec) != 1:
        return
    wild = W.name_lower((b"*",) + q.qname[len(q.qname) - sig[0].rdata[3]:])
    have = {r.key() for r in ref.sections[1]}
    extra = [r for r in other.sections[1] if r.key() not in have]
    want = {(47, nsec[0].rdata), (46, sig[0].rdata)}
    if extra and all(W.name_lower(r.owner) == wild and
                     (r.rtype, r.rdata) in want for r in extra):
        ref.sections[1] += extra
        ref.fixed = True


def diff(q, a, b):
    """Fields that differ between the two parsed responses."""
    bad = []
    wildcard_nsec_proof(q, a, b)
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
        if keys(a.sections[i]) != keys(b.sections[i]):
            bad.append(s)
    return bad


def keys(section):
    return sorted(r.key() for r in section)


def udp_limit(q, maxudp):
    """Largest UDP response: 512 without EDNS, else the client's buffer
    (at least 512, RFC 6891 section 6.2.5) capped by the server's."""
    if q.tcp:
        return 65535
    if not q.edns:
        return 512
    return max(512, min(q.bufsize, maxudp))


def optional_additional(m, r):
    """May r be left out of m's additional section for lack of room?
    RRSIGs may (RFC 4035 section 3.1.1: keep the RRset, drop its RRSIGs,
    and do not set TC for that); addresses may, except glue at or below
    the cut of a referral (RFC 9471: in-domain glue that does not fit
    needs TC)."""
    if r.rtype == 46:
        return True
    if r.rtype not in (1, 28):
        return False
    if m.flags & 0x0400:
        return True
    cuts = [n.owner for n in m.sections[1] if n.rtype == 2]
    return not any(W.is_sub(r.owner, c) for c in cuts)


def additional_room(lim, a, b):
    """Normalisation: the additional sections may differ when the side
    lacking records could not have fitted them: every record it lacks is
    optional and even fully compressed (2-octet owner) they would take it
    past the limit. Which optional records a server drops first is its
    own choice."""
    for x, y in ((a, b), (b, a)):
        have = {r.key() for r in x.sections[2]}
        miss = [r for r in y.sections[2] if r.key() not in have]
        if not miss:
            continue
        if not all(optional_additional(y, r) for r in miss):
            return False
        if x.size + sum(12 + len(r.rdata) for r in miss) <= lim:
            return False
    return True


def settle_tc(q, lim, a, b, fa, fb, names):
    """One side set TC, the other did not. Accepted when the truncating
    side's full answer (asked again over TCP) really exceeds the limit --
    servers compress differently, so one may fit where the other cannot --,
    that full answer equals the reference's, and the side that did not
    truncate sent everything the reference's full answer holds. Returns
    None when accepted, else why not."""
    ti = 0 if a.flags & 0x0200 else 1
    ft, n = (fa, fb)[ti], (b, a)[ti]
    if ft.size <= lim:
        return "needless TC from %s: its full answer is %d octets, limit %d" \
            % (names[ti], ft.size, lim)
    wildcard_nsec_proof(q, fa, n)
    wildcard_nsec_proof(q, fa, ft)
    if ft is not fa and any(keys(ft.sections[i]) != keys(fa.sections[i])
                            for i in (0, 1, 2)):
        return "the full answers over TCP differ"
    for i in (0, 1):
        if keys(n.sections[i]) != keys(fa.sections[i]):
            return "%s left %s records out without setting TC (limit %d)" \
                % (names[1 - ti], SECTIONS[i], lim)
    if keys(n.sections[2]) != keys(fa.sections[2]) and \
            not additional_room(lim, n, fa):
        return "%s left additional records out that it had room for" \
            % names[1 - ti]
    return None


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
        self.notes = {}
        self.bigger = []

    def note(self, q, kind):
        k = (q.cat, kind)
        self.notes[k] = self.notes.get(k, 0) + 1

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
    if a.selftest:
        selftest(a, queries)
    left = responder(a.left, a.lookup_arg)
    right = responder(a.right, a.lookup_arg)
    # Both sides at once: zw-lookup runs on the other core while knotd
    # is asked.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as ex:
        fb = ex.submit(right.ask_all, queries)
        ra = left.ask_all(queries)
        rb = fb.result()
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
        why = settle(q, a.maxudp, ma, mb, fields, t, left, right)
        if fields:
            lines = ([why] if why else []) + ["< %s" % left.name] + \
                fmt_msg(ma, mb) + ["> %s" % right.name] + fmt_msg(mb, ma)
            t.record(q, fields, lines)
        elif mb.size > ma.size and not getattr(ma, "fixed", False):
            t.bigger.append((mb.size - ma.size, q))
    report(a, t, queries, cats)
    return 1 if t.fail else 0


def settle(q, maxudp, ma, mb, fields, t, left, right):
    """Drop size-driven differences the normalisations accept (in place);
    returns the reason a TC difference was not accepted, if any."""
    lim = udp_limit(q, maxudp)
    if "additional" in fields and additional_room(lim, ma, mb):
        fields.remove("additional")
        t.note(q, "additional dropped for room")
    if "rcode" in fields and a_b_tc(ma, mb):
        fa, ea = decode(*left.ask(q, tcp=True))
        fb, eb = decode(*right.ask(q, tcp=True))
        if fa is not None and fb is not None and \
                fa.full_rcode() == fb.full_rcode():
            fields.remove("rcode")
            t.note(q, "RCODE of truncated answers (TCP agrees)")
    if "tc" not in fields:
        return None
    fa, ea = decode(*left.ask(q, tcp=True))
    fb, eb = decode(*right.ask(q, tcp=True))
    if fa is None or fb is None:
        return "full answers over TCP: %s" % (ea or eb)
    why = settle_tc(q, lim, ma, mb, fa, fb, (left.name, right.name))
    if why is None:
        fields.remove("tc")
        t.note(q, "TC at %s only (needs more room)" %
               (left.name if ma.flags & 0x0200 else right.name))
    return why


def a_b_tc(a, b):
    return bool(a.flags & b.flags & 0x0200)


def selftest(a, queries):
    """The comparison must see what it is meant to see: the reference's
    own answers, each changed in one way, have to be reported as
    differing in the right field (a comparison that cannot fail is no
    test)."""
    import copy
    left = responder(a.left, a.lookup_arg)
    checked = 0
    for q in queries[:200]:
        raw, err = left.ask(q)
        if err:
            raise SystemExit("selftest: %s" % err)
        m = W.parse_msg(raw)
        if m.flags & 0x0200:
            continue
        muts = [("rcode", lambda x: setattr(x, "rcode", x.rcode ^ 3)),
                ("flags", lambda x: setattr(x, "flags", x.flags ^ 0x0400)),
                ("tc", lambda x: setattr(x, "flags", x.flags ^ 0x0200))]
        for i, s in enumerate(SECTIONS):
            if m.sections[i]:
                muts.append((s, lambda x, i=i: x.sections[i].pop()))
                muts.append((s, lambda x, i=i: setattr(
                    x.sections[i][0], "ttl", x.sections[i][0].ttl + 1)))
        for field, mut in muts:
            b = copy.deepcopy(m)
            mut(b)
            got = diff(q, copy.deepcopy(m), b)
            if field not in got:
                raise SystemExit("selftest: %s changed in the answer to %s "
                                 "but reported %s" % (field, q.text(), got))
            checked += 1
        if diff(q, copy.deepcopy(m), copy.deepcopy(m)):
            raise SystemExit("selftest: an answer differs from itself")
    print("%s: selftest: %d changed answers all caught" % (a.zone, checked))


def report(a, t, queries, cats):
    print("%s: %d queries (%s)" % (a.zone, len(queries), " ".join(
        "%s=%d" % kv for kv in sorted(cats.items()))))
    if t.count:
        print("%s: mismatches by category/field (query counts):" % a.zone)
        for (c, f), n in sorted(t.count.items()):
            tag = " (expected failure)" if t.matches(c, f) else ""
            print("    %-16s %-11s %5d%s" % (c, f, n, tag))
    if t.notes:
        print("%s: accepted size-driven differences:" % a.zone)
        for (c, k), n in sorted(t.notes.items()):
            print("    %-16s %-40s %5d" % (c, k, n))
    if t.bigger:
        t.bigger.sort(key=lambda x: -x[0])
        d, q = t.bigger[0]
        print("%s: %d agreeing answers are larger from the side under test "
              "(at most +%d octets: %s)" % (a.zone, len(t.bigger), d,
                                            q.text()))
    print("%s: %d agree, %d mismatch, %d expected failures" % (
        a.zone, len(queries) - t.fail - t.xfailed, t.fail, t.xfailed))
    if a.hits:
        with open(a.hits, "a") as f:
            for p in sorted(t.hit):
                f.write(p + "\n")


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
    p.add_argument("--selftest", action="store_true",
                   help="first check that altered answers are caught")
    p.add_argument("--hits", help="append the expected-failure patterns"
                   " that matched to this file")
    p.add_argument("--maxudp", type=int, default=1232,
                   help="the servers' UDP payload limit (both sides)")
    p.add_argument("--show", type=int, default=8,
                   help="print this many mismatching queries in full")
    sys.exit(run(p.parse_args()))


if __name__ == "__main__":
    main()
