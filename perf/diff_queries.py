#!/usr/bin/env python3
"""Query sets for perf/diff_answers.sh (deterministic: same input and seed,
same lines).

    diff_queries.py --seed N [-o FILE] ORIGIN:DUMP [ORIGIN:DUMP ...]

DUMP is a zone as `zw-checkzone -D` prints it (one record a line, owner
first, absolute names). Writes `qname qtype` lines for zw-lookup -f:
  - every owner name with the common qtypes (A AAAA NS DS MX TXT SOA
    DNSKEY NSEC RRSIG ANY SRV), the types it holds, and for a quarter of
    them a few rarer ones (CNAME DNAME NSEC3 NSEC3PARAM CAA PTR TYPE65000);
  - the same owners in random mixed case (two qtypes each);
  - empty non-terminals (names between an owner and its origin that own
    nothing), lower and mixed case;
  - nonexistent names: random labels under the origin, and under existing
    names (below a cut: referrals; below a wildcard's parent: matches);
  - names below every delegation (short, two labels, long) and below every
    DNAME (the longest ones overflow 255 octets when substituted);
  - wildcard matches (one and two labels, all qtypes);
  - names of every wire length from 17 to 40 octets and 48, 64, 100, 200,
    250 to 255 (256 and 300: refused by zw-lookup as bad lines, which both
    builds must report alike), built below owners, cuts and wildcards,
    lower and mixed case;
  - names outside every zone of the table (the root, a TLD, a sibling).
"""

import argparse
import random
import sys
import zlib

COMMON = "A AAAA NS DS MX TXT SOA DNSKEY NSEC RRSIG ANY SRV".split()
RARE = "CNAME DNAME NSEC3 NSEC3PARAM CAA PTR TYPE65000".split()
ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def labels(name):
    """Presentation labels of an absolute name (escapes kept), root: []."""
    out, cur, i = [], "", 0
    while i < len(name):
        c = name[i]
        if c == "\\":
            if name[i + 1:i + 4].isdigit():
                cur += name[i:i + 4]
                i += 4
            else:
                cur += name[i:i + 2]
                i += 2
            continue
        if c == ".":
            out.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    if cur:
        out.append(cur)
    return out


def label_len(lab):
    n, i = 0, 0
    while i < len(lab):
        i += 4 if lab[i] == "\\" and lab[i + 1:i + 4].isdigit() else \
            2 if lab[i] == "\\" else 1
        n += 1
    return n


def wire_len(name):
    return sum(label_len(x) + 1 for x in labels(name)) + 1


def mixcase(r, name):
    out, i = [], 0
    while i < len(name):
        c = name[i]
        if c == "\\":  # escapes as they are
            k = 4 if name[i + 1:i + 4].isdigit() else 2
            out.append(name[i:i + k])
            i += k
            continue
        out.append(c.upper() if c.isalpha() and r.random() < 0.5 else c)
        i += 1
    return "".join(out)


def rlabel(r, lo=1, hi=12):
    return "".join(r.choice(ALNUM) for _ in range(r.randint(lo, hi)))


def pad_to(r, suffix, total):
    """A name of exactly `total` wire octets ending in `suffix` (None when
    the suffix is too long)."""
    rest = total - wire_len(suffix)
    if rest < 0 or rest == 1:
        return None
    labs = []
    while rest > 0:
        n = min(63, rest - 1)
        if rest - (n + 1) == 1:  # would leave one octet: no label fits it
            n -= 1
        labs.append("".join(r.choice(ALNUM) for _ in range(n)))
        rest -= n + 1
    return ".".join(labs) + "." + suffix if suffix != "." else ".".join(labs) + "."


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", required=True)
    p.add_argument("-o", "--output", default="-")
    p.add_argument("zones", nargs="+", help="ORIGIN:DUMP")
    a = p.parse_args()
    r = random.Random(zlib.crc32(a.seed.encode()))
    out = sys.stdout if a.output == "-" else open(a.output, "w")
    q = []

    def ask(name, types):
        for t in types:
            q.append("%s %s" % (name, t))

    origins = []
    for spec in a.zones:
        origin, dump = spec.split(":", 1)
        origins.append(origin)
        owners, types, cuts, wilds, dnames = [], {}, [], [], []
        for line in open(dump):
            f = line.split()
            if len(f) < 4 or line.startswith(";"):
                continue
            o, t = f[0], f[3]
            if o not in types:
                owners.append(o)
                types[o] = []
            if t not in types[o]:
                types[o].append(t)
        for o in owners:
            ts = types[o]
            if "NS" in ts and o.lower() != origin.lower():
                cuts.append(o)
            if o.startswith("*."):
                wilds.append(o)
            if "DNAME" in ts:
                dnames.append(o)

        # every owner, common qtypes, its own, some rare ones
        for o in owners:
            ask(o, COMMON + [t for t in types[o] if t not in COMMON and t != "RRSIG"])
            if r.random() < 0.25:
                ask(o, r.sample(RARE, 3))
        # empty non-terminals: names between an owner and the origin
        # that own nothing (NODATA, their NSEC/NSEC3 proofs)
        known = set(x.lower() for x in owners)
        ents = []
        olen = len(labels(origin))
        for o in owners:
            labs = labels(o)
            for k in range(1, len(labs) - olen):
                e = ".".join(labs[k:]) + "."
                if e.lower() not in known:
                    known.add(e.lower())
                    ents.append(e)
        for e in ents:
            ask(e, ["A", "NS", "DS", "TXT", "ANY", "NSEC"])
            ask(mixcase(r, e), [r.choice(COMMON)])
        # mixed case
        for o in owners:
            ask(mixcase(r, o), r.sample(COMMON, 2))
        # nonexistent: under the origin, under existing names
        n = max(200, len(owners) // 4)
        for _ in range(n):
            ask(rlabel(r) + "." + origin, [r.choice(COMMON)])
            o = r.choice(owners)
            o = o[2:] if o.startswith("*.") else o
            ask(rlabel(r) + "." + o, [r.choice(COMMON)])
        # below delegations (glue names are owners: asked above)
        for c in r.sample(cuts, min(len(cuts), 600)):
            ask("www." + c, ["A", "NS"])
            ask(rlabel(r) + "." + rlabel(r) + "." + c, [r.choice(COMMON), "DS"])
            ask(mixcase(r, rlabel(r, 20, 40) + "." + c), [r.choice(COMMON)])
        # below DNAMEs
        for d in dnames:
            ask(rlabel(r) + "." + d, ["A", "AAAA", "ANY", "CNAME", "DNAME"])
            ask(mixcase(r, "x." + rlabel(r) + "." + d), ["A", "MX"])
            for tot in (200, 240, 250, 255):
                nm = pad_to(r, d, tot)
                if nm:
                    ask(nm, ["A"])
                    ask(mixcase(r, nm), ["TXT"])
        # wildcard matches
        for w in wilds:
            parent = w[2:]
            ask(rlabel(r) + "." + parent, COMMON)
            ask(rlabel(r) + "." + rlabel(r) + "." + parent, r.sample(COMMON, 3))
            ask(mixcase(r, rlabel(r, 20, 40) + "." + parent), r.sample(COMMON, 3))
        # every length 17..40, some longer, the 255 limit (and beyond)
        pools = [owners, cuts or owners, [w[2:] for w in wilds] or owners,
                 dnames or owners]
        for tot in list(range(17, 41)) + [48, 64, 100, 200, 250, 251, 252,
                                          253, 254, 255, 256, 300]:
            for pool in pools:
                for _ in range(3):
                    base = r.choice(pool)
                    base = base[2:] if base.startswith("*.") else base
                    nm = pad_to(r, base, tot) or pad_to(r, origin, tot)
                    if nm:
                        ask(nm, [r.choice(COMMON)])
                        ask(mixcase(r, nm), [r.choice(COMMON)])
                        ask(nm.upper(), [r.choice(COMMON)])

    # outside every zone of the table
    for o in origins:
        labs = labels(o)
        ask(".", ["SOA", "NS"])
        ask(labs[-1] + ".", ["SOA", "A"])
        if len(labs) > 1:
            ask(rlabel(r) + "." + ".".join(labs[1:]) + ".", ["A", "DS"])
        ask("x" + o, ["A"])
    ask("example.invalid.", ["A"])
    out.write("\n".join(q) + "\n")


if __name__ == "__main__":
    main()
