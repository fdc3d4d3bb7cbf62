#!/bin/bash
# DNSSEC signatures side by side, one core: signs/s and verifies/s per
# algorithm through our API (zw_key_sign / zw_key_verify), through raw
# OpenSSL in the same process (a context made once, as `openssl speed` does),
# and from `openssl speed` itself, all in one run, with the ratios and the
# issue's target (our per-signature cost within 5% of raw OpenSSL, i.e.
# ours/raw >= 0.95). Ours and raw alternate on one thread in ~1 ms legs
# (zw-bench Crypto/ab/*, CPU time, median of 3), so load from elsewhere on a
# shared machine hits both sides alike; openssl speed runs right after.
# Usage: perf/compare_crypto.sh [path/to/zw-bench]
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${1:-${BUILD:-build}/bin/zw-bench}
[ -x "$bench" ] || { echo "compare_crypto: no $bench (make all first)" >&2; exit 77; }
command -v openssl >/dev/null || { echo "compare_crypto: no openssl" >&2; exit 77; }
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
json=$(mktemp) speed=$(mktemp)
trap 'rm -f "$json" "$speed"' EXIT
"${pin[@]}" "$bench" --benchmark_filter='^Crypto/ab/' \
	--benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
	--benchmark_out="$json" --benchmark_out_format=json >/dev/null 2>&1
"${pin[@]}" openssl speed -mr -seconds 2 rsa2048 ecdsap256 ecdsap384 \
	ed25519 ed448 >"$speed" 2>/dev/null
python3 - "$json" "$speed" <<'PY'
import json, re, sys
ours = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    m = re.match(r"Crypto/ab/(sign|verify)/([^/]+)", b["run_name"])
    if m and "zw/raw" in b:
        op, alg = m.groups()
        ours[(op, alg, "zw")] = b["zw_ops/s"]
        ours[(op, alg, "raw")] = b["raw_ops/s"]
        ours[(op, alg, "ratio")] = b["zw/raw"]
# openssl speed -mr: +F2:i:bits:sign:verify (RSA), +F4 (ECDSA),
# +F6:i:bits:name:sign:verify (EdDSA).
speed = {}
for line in open(sys.argv[2]):
    f = line.strip().split(":")
    if f[0] == "+F2" and f[2] == "2048":
        speed["rsa2048"] = (float(f[3]), float(f[4]))
    elif f[0] == "+F4":
        speed["ecdsap" + f[2]] = (float(f[3]), float(f[4]))
    elif f[0] == "+F6":
        speed[f[3].lower()] = (float(f[4]), float(f[5]))
algs = [("RSASHA256", "rsa2048"), ("RSASHA512", "rsa2048"),
        ("ECDSAP256SHA256", "ecdsap256"), ("ECDSAP384SHA384", "ecdsap384"),
        ("ED25519", "ed25519"), ("ED448", "ed448")]
print("DNSSEC signatures per second, one core (20-octet message; RSA 2048 bits;")
print("zw and raw alternating in 1 ms legs, median of 3; openssl speed -seconds 2)")
print("%-16s %-6s %10s %10s %10s %8s %8s  %s" % (
    "algorithm", "op", "zw", "raw-evp", "speed", "zw/raw", "zw/speed",
    "target zw/raw>=0.95"))
missed = 0
for name, sp in algs:
    for i, op in enumerate(("sign", "verify")):
        z, r = ours.get((op, name, "zw")), ours.get((op, name, "raw"))
        s = speed.get(sp, (None, None))[i]
        fmt = lambda v: "%10.0f" % v if v else "%10s" % "n/a"
        zr = ours.get((op, name, "ratio"))
        zs = z / s if z and s else None
        ok = zr is not None and zr >= 0.95
        missed += not ok
        print("%-16s %-6s %s %s %s %8s %8s  %s" % (
            name, op, fmt(z), fmt(r), fmt(s),
            "%.3f" % zr if zr else "n/a", "%.3f" % zs if zs else "n/a",
            "met" if ok else "MISSED"))
print("target met in %d of %d rows" % (len(algs) * 2 - missed, len(algs) * 2))
PY
