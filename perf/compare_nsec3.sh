#!/bin/bash
# NSEC3 hashing side by side: hashes/s of each implementation through
# zw-bench (one run), and each batch path's speed-up over OpenSSL
# one-at-a-time, against the issue's target (batch >= 1.5x OpenSSL).
# Repetitions are randomly interleaved so load from elsewhere spreads over
# all implementations; the table shows the median and the best repetition
# (the best is the uncontended speed, used for the ratios).
#   REPS=5 perf/compare_nsec3.sh [path/to/zw-bench]
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${1:-${BUILD:-build}/bin/zw-bench}
REPS=${REPS:-5}
[ -x "$bench" ] || { echo "compare_nsec3: no $bench (make all first)" >&2; exit 77; }
json=$(mktemp)
trap 'rm -f "$json"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
"$bench" --benchmark_filter='^NSEC3/' --benchmark_repetitions="$REPS" \
	--benchmark_enable_random_interleaving=true \
	--benchmark_out="$json" --benchmark_out_format=json >/dev/null 2>&1
python3 - "$json" <<'PY'
import json, re, statistics, sys
runs, label = {}, ""
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    m = re.match(r"NSEC3/([^/]+)/iter:(\d+)", b["run_name"])
    if not m or b.get("run_type") != "iteration" or "hashes/s" not in b:
        continue
    runs.setdefault((m.group(1), int(m.group(2))), []).append(b["hashes/s"])
    if m.group(1) == "auto":
        label = b.get("label", "")
best = {k: max(v) for k, v in runs.items()}
med = {k: statistics.median(v) for k, v in runs.items()}
impls = ["openssl", "ipsec-mb", "sha-ni", "auto", "openssl-evp"]
print("NSEC3 hashes/s, 1024 names, 4-octet salt (%s)" % label)
print("%-12s %12s %12s %12s %12s" % ("impl", "iter0 med", "iter0 best", "iter10 med", "iter10 best"))
for i in impls:
    cells = []
    for k in (0, 10):
        cells += ["%.0f" % d[(i, k)] if (i, k) in d else "n/a" for d in (med, best)]
    print("%-12s %12s %12s %12s %12s" % (i, *cells))
for k in (0, 10):
    base = best.get(("openssl", k))
    if not base:
        continue
    for i in ("ipsec-mb", "sha-ni", "auto", "openssl-evp"):
        if (i, k) in best:
            print("iter %2d  %-11s / openssl one-at-a-time: %.2fx" % (k, i, best[(i, k)] / base))
    a = best.get(("auto", k), 0) / base
    print("iter %2d  target batch (auto) >= 1.5x openssl: %s (%.2fx)"
          % (k, "met" if a >= 1.5 else "MISSED", a))
PY
