#!/bin/bash
# Token keys against file keys, in one run:
#  1. signatures/s through zw_key_sign (zw-bench HSM/*, median of 3): one
#     thread per CPU-second, two threads on one key per wall-second;
#  2. zw-signzone on a generated delegation zone (2000 delegations, NSEC,
#     2 threads) with a P-256 KSK+ZSK pair in a SoftHSMv2 token and with a
#     zw-keygen pair: signatures/s as zw-signzone -t reports them, wall and
#     CPU seconds (GNU time).
# Usage: perf/compare_hsm.sh [path/to/zw-bench]. Exit 77 when SoftHSM or the
# engine is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
BUILD=${BUILD:-build}
bench=${1:-$BUILD/bin/zw-bench}
bin=$(dirname "$bench")
module=/usr/lib/softhsm/libsofthsm2.so
[ -x "$bench" ] || { echo "compare_hsm: no $bench (make all first)" >&2; exit 77; }
[ -r "$module" ] || { echo "compare_hsm: SoftHSMv2 missing" >&2; exit 77; }
openssl engine pkcs11 >/dev/null 2>&1 ||
	{ echo "compare_hsm: pkcs11 engine missing" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ZW_ROOT=$root "$bench" --benchmark_filter='^HSM/sign/' \
	--benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
	--benchmark_out="$tmp/bench.json" --benchmark_out_format=json \
	>/dev/null 2>&1

# Whole zone: the same zone, token keys and file keys.
export PKCS11_MODULE_PATH=$module
eval "$(ZW_HSM_TOKEN=bench ZW_HSM_PIN=1234 scripts/softhsm-init.sh \
	"$tmp/hsm" ksk:EC:prime256v1 zsk:EC:prime256v1)"
printf '1234\n' >"$tmp/pin"
mkdir "$tmp/token" "$tmp/file"
for k in ksk zsk; do
	flag=$([ $k = ksk ] && echo "-f KSK" || true)
	# shellcheck disable=SC2086
	"$bin/zw-keyfromlabel" -E pkcs11 -a ECDSAP256SHA256 $flag -K "$tmp/token" \
		-l "token=bench;object=$k;pin-source=$tmp/pin" example. >/dev/null
	# shellcheck disable=SC2086
	"$bin/zw-keygen" -a ECDSAP256SHA256 $flag -K "$tmp/file" example. \
		>/dev/null
done
scripts/genzone --delegations 2000 --origin example. --seed 1 \
	-o "$tmp/zone" 2>/dev/null
for kind in token file; do
	/usr/bin/time -f '%e %U %S' -o "$tmp/$kind.time" \
		"$bin/zw-signzone" -E pkcs11 -S -K "$tmp/$kind" -d "$tmp" -t -n 2 -q \
		-o example. -f "$tmp/$kind.signed" "$tmp/zone" \
		>"$tmp/$kind.stats" 2>/dev/null
done

python3 - "$tmp" <<'PY'
import json, re, sys
d = sys.argv[1]
rate = {}
for b in json.load(open(d + "/bench.json"))["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    m = re.match(r"HSM/sign/([^/]+)/(token|file)/.*threads:(\d)", b["run_name"])
    if m:
        rate[m.groups()] = b["sigs/s"]
print("DNSSEC signatures/s through zw_key_sign, SoftHSMv2 token key vs file key")
print("(100-octet message; RSA 2048 bits; median of 3; 1 thread: per CPU-second,")
print(" 2 threads on one key: per wall-second)")
print("%-16s %-8s %12s %12s %10s" % ("algorithm", "threads", "token", "file",
                                     "token/file"))
for alg in ("ECDSAP256SHA256", "RSASHA256"):
    for t in ("1", "2"):
        tk, fl = rate.get((alg, "token", t)), rate.get((alg, "file", t))
        print("%-16s %-8s %12s %12s %10s" % (
            alg, t, "%.0f" % tk if tk else "-", "%.0f" % fl if fl else "-",
            "%.3f" % (tk / fl) if tk and fl else "-"))
print()
print("zw-signzone, 2000-delegation zone, NSEC, P-256 KSK+ZSK, -n 2")
print("%-8s %10s %10s %10s %12s" % ("keys", "sigs", "wall s", "CPU s", "sigs/s"))
for kind in ("token", "file"):
    st = open("%s/%s.stats" % (d, kind)).read()
    sigs = int(re.search(r"Signatures generated:\s+(\d+)", st).group(1))
    sps = float(re.search(r"Signatures per second:\s+([\d.]+)", st).group(1))
    wall, user, sys_ = map(float, open("%s/%s.time" % (d, kind)).read().split())
    print("%-8s %10d %10.2f %10.2f %12.0f" % (kind, sigs, wall, user + sys_, sps))
PY
