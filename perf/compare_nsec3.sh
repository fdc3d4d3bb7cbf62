#!/bin/bash
# NSEC3 hashing side by side: hashes/s of each implementation through
# zw-bench (one run), and each batch path's speed-up over OpenSSL
# one-at-a-time, against the issue's target (batch >= 1.5x OpenSSL).
# Usage: perf/compare_nsec3.sh [path/to/zw-bench]
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${1:-${BUILD:-build}/bin/zw-bench}
[ -x "$bench" ] || { echo "compare_nsec3: no $bench (make all first)" >&2; exit 77; }
json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$bench" --benchmark_filter='^NSEC3/' --benchmark_repetitions=3 \
	--benchmark_report_aggregates_only=true \
	--benchmark_out="$json" --benchmark_out_format=json >/dev/null
python3 - "$json" <<'PY'
import json, re, sys
rates, label = {}, ""
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    m = re.match(r"NSEC3/([^/]+)/iter:(\d+)", b["run_name"])
    if m and "hashes/s" in b:
        rates[(m.group(1), int(m.group(2)))] = b["hashes/s"]
        if m.group(1) == "auto":
            label = b.get("label", "")
impls = ["openssl", "ipsec-mb", "sha-ni", "auto", "openssl-evp"]
print("NSEC3 hashes/s (1024 names, 4-octet salt, median of 3; %s)" % label)
print("%-12s %14s %14s" % ("impl", "iter 0", "iter 10"))
for i in impls:
    row = [rates.get((i, k)) for k in (0, 10)]
    print("%-12s %14s %14s" % (i, *["%.0f" % r if r else "n/a" for r in row]))
ok = True
for k in (0, 10):
    base = rates.get(("openssl", k))
    if not base:
        continue
    for i in ("ipsec-mb", "sha-ni", "auto"):
        r = rates.get((i, k))
        if r:
            print("iter %2d  %-9s / openssl one-at-a-time: %.2fx" % (k, i, r / base))
    a = rates.get(("auto", k), 0) / base
    ok &= a >= 1.5
    print("iter %2d  target batch >= 1.5x openssl: %s (%.2fx)" % (k, "met" if a >= 1.5 else "MISSED", a))
sys.exit(0)
PY
