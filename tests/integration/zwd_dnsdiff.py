#!/usr/bin/env python3
"""Compare dig/kdig/zw-lookup outputs query by query (used by zwd_answers.sh).

usage: zwd_dnsdiff.py FORMAT_A FILE_A FORMAT_B FILE_B
Each file holds the concatenated output of several queries in the same
order; FORMAT is dig (dig and zw-lookup print the same way) or kdig. A
response is reduced to its status, header flags and the records of the
answer, authority and additional sections, whitespace removed and case
folded (the two tools split base64 and pad columns differently). Prints
the first differences; exit status 1 when any query differs.
"""
import re
import sys


def blocks(text, fmt):
    start = re.compile(r'^; <<>> (DiG|zw-lookup)' if fmt == 'dig'
                       else r'^;; ->>HEADER<<-')
    cur = None
    out = []
    for line in text.splitlines():
        if start.match(line):
            cur = []
            out.append(cur)
        if cur is not None:
            cur.append(line)
    return out


def norm(line):
    """Presentation differences: the tools escape different characters
    (kdig writes \\& and \\%, dig \\DDD for others); compare unescaped."""
    line = re.sub(r'\\(\d{3})', lambda m: chr(int(m.group(1))), line)
    line = re.sub(r'\\(.)', r'\1', line)
    return re.sub(r'\s+', '', line).lower()


def reduce(lines, fmt):
    status, flags, recs, section = None, None, [], None
    for line in lines:
        m = re.search(r'status: (\w+)', line)
        if m and status is None:
            status = m.group(1)
        m = re.match(r';; [Ff]lags: ([a-z ]*);', line)
        if m and flags is None:
            flags = ' '.join(sorted(m.group(1).split()))
        m = re.match(r';; (ANSWER|AUTHORITY|ADDITIONAL) SECTION:', line)
        if m:
            section = m.group(1)
            continue
        if not line.strip() or line.startswith(';'):
            if not line.strip():
                section = None
            continue
        if section:
            recs.append(section + ':' + norm(line))
    return (status, flags, recs)


def main():
    fa, pa, fb, pb = sys.argv[1:5]
    a = [reduce(b, fa) for b in blocks(open(pa, errors='replace').read(), fa)]
    b = [reduce(x, fb) for x in blocks(open(pb, errors='replace').read(), fb)]
    bad = 0
    if len(a) != len(b):
        print(f'{pa}: {len(a)} responses, {pb}: {len(b)}')
        return 1
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            bad += 1
            if bad <= 3:
                print(f'query {i + 1} differs:\n  {pa}: {x}\n  {pb}: {y}')
    empty = sum(1 for x in a if x[0] is None or x[1] is None)
    print(f'{len(a)} responses compared, {bad} differ, '
          f'{sum(len(x[2]) for x in a)} records')
    if empty:
        print(f'{empty} responses without a status or flags line')
    return 1 if bad or empty or not a else 0


sys.exit(main())
