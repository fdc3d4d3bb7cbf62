#!/bin/bash
# zwd's speed, two ways (root; part of `make bench`):
#
# 1. Benchmark mode without a NIC: net_pcap replays a generated query
#    capture (rx_pcap=, infinite_rx=1; transmitted frames are dropped), one
#    capture and port per worker lcore. For 1 and 2 lcores: the DO=0 mix
#    and the DO=1 mix (each 10% NXDOMAIN) answered from the signed
#    100,000-delegation zone, and the same loop's bare reflect rate
#    (--reflect: addresses swapped, checksums, sent back; no DNS work) as
#    the ceiling of this PMD on this machine.
#    Figures: the median over the run's one-second intervals of answered
#    queries per wall-clock second, and of answered queries per second of
#    worker CPU time. On a shared machine the workers get only part of a
#    core, so the second is the code's speed per core and the basis of the
#    ratios; the first is what the machine delivered.
#
# 2. End to end over a veth (scripts/netns.sh): dnsperf in the namespace
#    against zwd (af_packet, 1 lcore), then knotd in UDP mode (1 UDP
#    worker) and knotd in XDP mode on the same veth serving the same zone
#    (skipped with a reason when the kernel refuses XDP on the veth).
#    dnsperf runs unpaced, so each server is driven to what it sustains.
#
#   RUNS=3 DURATION=8 E2E_SECONDS=10 perf/compare_zwd.sh
#   SKIP_E2E=1 / SKIP_PCAP=1 run one half only; LCORES=1 (or 2) runs the
#   pcap half with that many worker lcores only.
#   ZWD_B=path/to/other/zwd: every pcap run is done with that binary too,
#   right after the same run with $BUILD's (A/B interleaved, so both see
#   the same load), and the table has a row per binary (A is $BUILD's);
#   ZWD_B_TABLE=file: B's table (a build of another table format).
#   CALLGRIND=1: after the pcap table, one short 1-lcore run of each mode
#   under callgrind (valgrind; robust on a busy machine, where timings are
#   not): instructions per frame of the worker loop, split into the
#   net_pcap PMD (with the DPDK mempool code it calls), the table
#   (zw_table_answer_burst) and zwd's own packet path (the rest: loop,
#   parsing, rewrite, checksums, counters).
#   HOT=N (default 1024; 0: off): two diagnostic rows per lcore count, the
#   DO=0 and DO=1 mixes with only the capture's first N queries, repeated
#   to the capture's length: the PMD does the same work as in the other
#   rows, but the table lines those queries read stay in the core's
#   caches, so the row's ratio to reflect is that of the DNS work with no
#   table misses. The gap to the full mix is what the table's cache and
#   TLB misses cost. Not a target: the targets are the full mixes. With
#   the hot rows, zw-bench's Memory benchmarks (perf/bench_mem.cc) measure
#   a line from memory, and a last table puts the gap in ns a frame, in
#   lines at the best memory throughput, and against the reflect budget.
#   PROFILE=1: after the pcap table, `perf record` one 1-lcore run of each
#   mode and print where the worker's time goes (net_pcap PMD, packet
#   path, table lookup and assembly, kernel); needs perf.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
BIN=$ROOT/$BUILD/bin
ZWD_A=$BIN/zwd
RUNS=${RUNS:-1}
DURATION=${DURATION:-8}
E2E_SECONDS=${E2E_SECONDS:-10}
LCORES=${LCORES:-1 2}
DELEGATIONS=${DELEGATIONS:-100000}
QUERIES=${QUERIES:-32768}
ORIGIN=example.
dir=$ROOT/build/bench/zwd
mkdir -p "$dir"

if [ "$(id -u)" -ne 0 ]; then
	echo "compare_zwd: needs root (DPDK, namespaces); skipped"
	exit 0
fi

tmp=$(mktemp -d /tmp/zwd-bench.XXXXXX)
pids=()
ns=zwb$$
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	"$ROOT/scripts/netns.sh" down "$ns" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# --- the zone, signed and compiled (cached) ---
zone=$ROOT/build/bench/deleg-$DELEGATIONS.zone
if [ ! -s "$zone" ]; then
	scripts/genzone --delegations "$DELEGATIONS" --seed 1 --origin "$ORIGIN" -o "$zone"
fi
if [ ! -s "$dir/zone.zwt" ] || [ "$zone" -nt "$dir/zone.zwt" ] ||
	[ "$BIN/zw-compile" -nt "$dir/zone.zwt" ]; then
	echo "signing and compiling $zone ..."
	rm -rf "$dir/keys"
	mkdir -p "$dir/keys"
	"$BIN/zw-keygen" -K "$dir/keys" -a ECDSAP256SHA256 -f KSK "$ORIGIN" >/dev/null
	"$BIN/zw-keygen" -K "$dir/keys" -a ECDSAP256SHA256 "$ORIGIN" >/dev/null
	"$BIN/zw-signzone" -S -K "$dir/keys" -d "$dir" -o "$ORIGIN" -f "$dir/zone.signed" \
		"$zone" >/dev/null 2>&1
	"$BIN/zw-compile" -q -O "$dir/zone.zwt" -o "$ORIGIN" "$dir/zone.signed"
fi
records=$(grep -vc '^;' "$dir/zone.signed")

# --- query captures: per mix, one per port (net_pcap's MAC is 02:70:63:61:70:<port>) ---
for mix in 0 1; do
	for port in 0 1; do
		p=$dir/q$mix-$port.pcap
		if [ ! -s "$p" ] || [ "$dir/zone.signed" -nt "$p" ] ||
			[ perf/gen_querypcap.py -nt "$p" ]; then
			python3 perf/gen_querypcap.py --zone "$dir/zone.signed" --origin "$ORIGIN" \
				--count "$QUERIES" $([ $mix = 1 ] && echo --do) --nx 0.1 \
				--seed $((port * 10 + mix + 1)) --dst-mac "02:70:63:61:70:0$port" \
				-o "$p" --qfile "$dir/q$mix-$port.txt"
		fi
	done
done
# the diagnostic captures: the first HOT queries, repeated to the same length
HOT=${HOT:-1024}
if [ "$HOT" -gt 0 ]; then
	for mix in 0 1; do
		for port in 0 1; do
			src=$dir/q$mix-$port.pcap p=$dir/h$mix-$port-$HOT.pcap
			[ -s "$p" ] && [ "$p" -nt "$src" ] && continue
			python3 - "$src" "$HOT" "$p" <<'EOF'
import struct, sys
src, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(src, 'rb').read()
off, pk = 24, []
while off < len(data):
    incl = struct.unpack('<I', data[off + 8:off + 12])[0]
    pk.append(data[off:off + 16 + incl])
    off += 16 + incl
head = pk[:k]
open(out, 'wb').write(data[:24] + b''.join((head * (len(pk) // len(head) + 1))[:len(pk)]))
EOF
		done
	done
fi

# zwd's stats lines -> "wall_median cpu_median cpu_share" (skips the first
# two intervals: start-up and the first partial second).
summarize() {
	python3 - "$1" <<'EOF'
import re, statistics, sys
wall, cpu, share = [], [], []
for line in open(sys.argv[1]):
    m = re.match(r'zwd: [\d.]+s rx \d+/s answered (\d+)/s \((\d+) per worker CPU second, (\d+)% CPU\)', line)
    if m and int(m.group(2)):
        wall.append(int(m.group(1))); cpu.append(int(m.group(2))); share.append(int(m.group(3)))
wall, cpu, share = wall[2:], cpu[2:], share[2:]
if not wall:
    print('0 0 0'); sys.exit()
print(int(statistics.median(wall)), int(statistics.median(cpu)), int(statistics.median(share)))
EOF
}

pcap_run() { # lcores(1|2) mix(0|1|reflect|h0|h1) [wrapper...] -> appends to $tmp/res
	local n=$1 mix=$2 q=$2 extra=() lc=0 vdevs=() zwd=${ZWD:-$ZWD_A} ab=${AB:-A}
	local table=$dir/zone.zwt cap
	[ "$ab" = A ] || table=${ZWD_B_TABLE:-$table}
	shift 2
	[ "$mix" = reflect ] && { q=0; extra=(--reflect); }
	[ "$n" = 2 ] && lc=0,1
	for port in $(seq 0 $((n - 1))); do
		cap=$dir/q$q-$port.pcap
		case $mix in h?) cap=$dir/$mix-$port-$HOT.pcap ;; esac
		vdevs+=("--vdev=net_pcap$port,rx_pcap=$cap,infinite_rx=1")
	done
	"$@" "$zwd" --no-huge --no-pci -m 1024 -l "$lc" --file-prefix "zwb$$" --log-level=error \
		"${vdevs[@]}" -- --table "$table" --ip4 10.53.0.1 --mbufs $((QUERIES * n * 2 + 16384)) \
		--stats-interval 1 --duration "$((DURATION + 2))" "${extra[@]}" \
		>"$tmp/run.out" 2>"$tmp/run.err" || { cat "$tmp/run.err" >&2; exit 1; }
	echo "$n $mix $(summarize "$tmp/run.out") $ab" >>"$tmp/res"
}

# perf report lines -> shares of the sampled time by part of the loop
profile_buckets() {
	python3 - "$1" <<'EOF'
import collections, re, sys
b = collections.Counter()
for line in open(sys.argv[1]):
    m = re.match(r'\s+([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(\S+)', line)
    if not m:
        continue
    pct, dso, kind, sym = float(m.group(1)), m.group(2), m.group(3), m.group(4)
    if kind == 'k':
        k = 'kernel (preemption, page faults)'
    elif 'pcap' in dso:
        k = 'net_pcap PMD (rx copy from its ring)'
    elif 'librte' in dso:
        k = 'other DPDK'
    elif 'libc' in dso:
        k = 'libc (memcpy of answer pieces)'
    elif re.match(r'(tl_|stage_|zwt_|put_|parse_|find_zone|zw_table|add_piece|emit)', sym):
        k = 'table lookup and assembly'
    elif re.match(r'(zw_pkt|zw_csum|zw_engine|poll_one|udp|dispatch|tx_send|zw_dp_)', sym):
        k = 'packet path (dataplane/)'
    else:
        k = 'other'
    b[k] += pct
tot = sum(b.values()) or 1
print('   ' + ', '.join('%s %.0f%%' % (k, 100 * v / tot) for k, v in b.most_common() if v / tot >= 0.005))
EOF
}

# One 1-lcore run of a mode under callgrind (collecting inside the worker
# loop only) -> a line of instructions per frame by part.
callgrind_run() { # mix(0|1|reflect)
	local mix=$1 q=$1 extra=()
	[ "$mix" = reflect ] && { q=0; extra=(--reflect); }
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
		--toggle-collect=zw_dp_worker_main "$BIN/zwd" --no-huge --no-pci -m 1024 -l 0 \
		--file-prefix "zwb$$" --log-level=error \
		"--vdev=net_pcap0,rx_pcap=$dir/q$q-0.pcap,infinite_rx=1" -- --table "$dir/zone.zwt" \
		--ip4 10.53.0.1 --mbufs $((QUERIES * 2 + 16384)) --duration "${CG_SECONDS:-4}" -q \
		"${extra[@]}" >"$tmp/cg.log" 2>&1 || { cat "$tmp/cg.log" >&2; exit 1; }
	callgrind_annotate --inclusive=yes --threshold=100 "$tmp/cg.out" >"$tmp/cg.inc" 2>/dev/null
	callgrind_annotate --threshold=100 "$tmp/cg.out" >"$tmp/cg.self" 2>/dev/null
	python3 - "$mix" "$tmp/cg.log" "$tmp/cg.inc" "$tmp/cg.self" <<'EOF'
import re, sys
mix, log, inc, self_ = sys.argv[1:]
frames = int(re.findall(r'rx (\d+)', open(log).read())[-1])
def rows(path):
    for line in open(path):
        m = re.match(r'\s*([\d,]+)\s+(?:\([\d.]+%\)\s+)?(\S.*)$', line)
        if m:
            yield int(m.group(1).replace(',', '')), m.group(2)
total = next(n for n, what in rows(inc) if what.startswith('PROGRAM TOTALS'))
table = max([n for n, what in rows(inc) if re.search(r':zw_table_answer_burst \[', what)] or [0])
# the PMD and what it calls: DPDK's shared objects and rte_lcore_id()'s TLS lookups
pmd = sum(n for n, what in rows(self_) if re.search(r'\[.*(librte_|ld-linux)', what))
f = max(frames, 1)
print('  %-8s %8d %8.0f %8.0f %8.0f %10.0f' % (mix, frames, total / f, pmd / f, table / f,
                                             (total - pmd - table) / f))
EOF
}

if [ -z "${SKIP_PCAP:-}" ]; then
	echo "== zwd benchmark mode: net_pcap replay, ${DELEGATIONS}-delegation signed zone ($records records),"
	echo "   $QUERIES distinct queries per port, EDNS 1232, 10% NXDOMAIN; ${DURATION}s per run, $RUNS run(s)"
	echo "   load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	[ -z "${ZWD_B:-}" ] || echo "   zwd A: $ZWD_A, zwd B: $ZWD_B (each run with both, interleaved)"
	: >"$tmp/res"
	for r in $(seq "$RUNS"); do
		for n in $LCORES; do
			for mix in reflect 0 1 $([ "$HOT" -gt 0 ] && echo h0 h1); do
				pcap_run "$n" "$mix"
				[ -z "${ZWD_B:-}" ] || ZWD=$ZWD_B AB=B pcap_run "$n" "$mix"
			done
		done
	done
	# the machine's memory, for the miss rows below (perf/bench_mem.cc)
	: >"$tmp/mem.json"
	if [ "$HOT" -gt 0 ] && [ -x "$BIN/zw-bench" ]; then
		"$BIN/zw-bench" --benchmark_filter='^Memory/chase/.*/inflight:(1|32)/' \
			--benchmark_format=json >"$tmp/mem.json" 2>/dev/null || : >"$tmp/mem.json"
	fi
	python3 - "$tmp/res" "$HOT" "$tmp/mem.json" <<'EOF'
import json, statistics, sys
hot = sys.argv[2]
res = {}
for line in open(sys.argv[1]):
    n, mix, wall, cpu, share, ab = line.split()
    res.setdefault((n, mix, ab), []).append((int(wall), int(cpu), int(share)))
med = {k: tuple(statistics.median(x[i] for x in v) for i in range(3)) for k, v in res.items()}
label = {'reflect': 'reflect (no DNS)', '0': 'DO=0 mix', '1': 'DO=1 mix',
         'h0': 'DO=0 hot*', 'h1': 'DO=1 hot*'}
abs_ = sorted({k[2] for k in res})
print('%-17s %6s %14s %18s %8s %12s%s' % ('mode', 'lcores', 'answered/s', 'per CPU-second',
      'CPU', 'vs reflect', '  zwd' if len(abs_) > 1 else ''))
for n in ('1', '2'):
    for mix in ('reflect', '0', '1', 'h0', 'h1'):
        for ab in abs_:
            if (n, mix, ab) not in med:
                continue
            wall, cpu, share = med[(n, mix, ab)]
            ref = med.get((n, 'reflect', ab), (0, 0, 0))[1]
            ratio = '%.2fx' % (cpu / ref) if ref and mix != 'reflect' else '-'
            print('%-17s %6s %14.0f %18.0f %7.0f%% %12s%s' % (label[mix], n, wall, cpu, share,
                  ratio, '  ' + ab if len(abs_) > 1 else ''))
print('answered/s: wall clock; per CPU-second: answered per second of worker CPU time (all')
print('workers), i.e. per core; CPU: worker CPU time / wall time (100% per lcore when')
print('nothing else runs). Targets: >= 5,000,000 per core, >= 0.50x reflect.')
if any(k[1].startswith('h') for k in res):
    print('* diagnostic, not a target: the mix\'s first %s queries only, repeated to the same' % hot)
    print('  capture length: the table lines they read stay cached, so the ratio is that of the')
    print('  DNS work without table misses; the gap to the full mix is what those misses cost.')
# What the table's misses cost against the reflect budget: a frame's time
# (per CPU-second) in the full mix less in the hot one, in lines at the
# machine's best memory throughput (32 misses in flight, as the burst
# stages prefetch), and the ratio to reflect the mix would have if the
# DNS work cost nothing but those misses.
try:
    mem = {b['name'].split('inflight:')[1].split('/')[0]: b['ns/line']
           for b in json.load(open(sys.argv[3]))['benchmarks']}
except (ValueError, KeyError, IndexError, OSError):
    mem = {}
if mem.get('1') and mem.get('32'):
    print('memory (zw-bench Memory/chase, 256 MiB): %.0f ns a line alone, %.1f ns a line with'
          % (mem['1'], mem['32']))
    print('32 misses in flight. The table\'s misses per frame (full mix less hot, per CPU-second):')
    print('%-17s %6s %10s %10s %10s %14s%s' % ('mix', 'lcores', 'reflect', 'misses', 'in lines',
          'misses only', '  zwd' if len(abs_) > 1 else ''))
    for n in ('1', '2'):
        for mix in ('0', '1'):
            for ab in abs_:
                ks = [(n, m, ab) for m in ('reflect', mix, 'h' + mix)]
                if not all(k in med and med[k][1] for k in ks):
                    continue
                ref, full, hotr = (1e9 / med[k][1] for k in ks)
                miss = full - hotr
                print('%-17s %6s %8.1f ns %7.1f ns %10.1f %13.2fx%s' % (
                      label[mix], n, ref, miss, miss / mem['32'], ref / (ref + max(miss, 0)),
                      '  ' + ab if len(abs_) > 1 else ''))
    print('misses only: answered/reflect if the DNS work cost nothing but the table\'s misses;')
    print('0.50x needs all DNS work, misses included, within the reflect column\'s time.')
EOF
	echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
	if [ -n "${CALLGRIND:-}" ]; then
		if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
			echo "instructions per frame (callgrind, 1 lcore, ${CG_SECONDS:-4}s under valgrind):"
			printf '  %-8s %8s %8s %8s %8s %10s\n' mode frames total net_pcap table "zwd's own"
			for mix in reflect 0 1; do
				callgrind_run "$mix"
			done
		else
			echo "CALLGRIND=1: valgrind not installed; skipped"
		fi
	fi
	if [ -n "${PROFILE:-}" ] && command -v perf >/dev/null; then
		echo "where a worker's time goes (perf record, 1 lcore, start-up skipped):"
		for mix in reflect 0 1; do
			: >"$tmp/res"
			pcap_run 1 "$mix" perf record -q -F 2000 -D 3000 -o "$tmp/perf.data"
			echo "  $mix: $(cut -d' ' -f4 "$tmp/res") answered per CPU-second under perf"
			perf report -i "$tmp/perf.data" --no-children --sort dso,symbol 2>/dev/null \
				>"$tmp/perf.txt"
			profile_buckets "$tmp/perf.txt"
		done
	fi
fi

[ -n "${SKIP_E2E:-}" ] && exit 0

# --- end to end over a veth: zwd vs knotd (UDP, XDP) ---
for t in dnsperf knotd; do
	command -v "$t" >/dev/null || { echo "end to end: $t not installed; skipped"; exit 0; }
done
E2E_RUNS=${E2E_RUNS:-1}
E2E_WARMUP=${E2E_WARMUP:-2}
# zwd's port arguments (the recommended ones; see the README) and lcore
# placement; ZWD_B (another binary) and/or ZWD_B_AFP / ZWD_B_AFX /
# ZWD_B_ARGS / ZWD_B_LCORES (other options) add "zwd B" rows, run in the
# same rounds as A's; ZWD_B_TABLE: B's table (another table format).
AFP_ARGS=${AFP_ARGS:-framecnt=4096}
AFX_ARGS=${AFX_ARGS:-}
ZWD_ARGS=${ZWD_ARGS:-}
ZWD_LCORES=${ZWD_LCORES:--l 0}
n=$(($$ % 200 + 20))
eval "$("$ROOT/scripts/netns.sh" up "$ns" "$n")"
NSX="ip netns exec $ZW_NS"
cut -d' ' -f1,2 "$dir/q0-0.txt" >"$tmp/qfile"
cut -d' ' -f1,2 "$dir/q1-0.txt" >"$tmp/qfile.do"
awk '{ print $1, $2, "E" }' "$tmp/qfile" >"$tmp/kfile"
: >"$tmp/e2e"

cpu_ticks() { # utime + stime of a process, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# One cell's result -> a line of $tmp/e2e:
# "run|row label|answered/s|lost|per CPU-s|CPU s|sent/s (kxdpgun) or -"
record() {
	echo "$1|$2|$3|$4|$5|$6|$7" >>"$tmp/e2e"
	[ -z "${E2E_VERBOSE:-}" ] || echo "  run $1: $2: $3/s lost $4, $5 per CPU-s, $6 CPU s, sent $7/s" >&2
}

# dnsperf against the server with pid $1 (E2E_SECONDS; "warm" for a short
# unrecorded run)
e2e_dnsperf() { # run pid label query-file extra-dnsperf-args...
	local run=$1 pid=$2 label=$3 qf=$4 c0 c1 hz secs=$E2E_SECONDS
	shift 4
	[ "$run" = warm ] && secs=$E2E_WARMUP
	hz=$(getconf CLK_TCK)
	c0=$(cpu_ticks "$pid")
	$NSX dnsperf -s "$ZW_IP4" -d "$qf" -l "$secs" -c 4 -q 500 -t 2 "$@" \
		>"$tmp/dnsperf.out" 2>&1 || true
	c1=$(cpu_ticks "$pid")
	[ "$run" = warm ] && return 0
	record "$run" "$label" $(awk -v cpu="$((c1 - c0))" -v hz="$hz" '
		/Queries completed:/ { done = $3 }
		/Queries lost:/ { lost = $3 }
		/Queries per second:/ { qps = $4 }
		END { s = cpu / hz; printf "%.0f %d %.0f %.2f -\n", qps, lost,
			(s > 0 ? done / s : 0), s }' "$tmp/dnsperf.out")
}

# kxdpgun (AF_XDP, from the namespace, on CPU 1) at up to KXDP_QPS for
# E2E_SECONDS: replies/s, sent - replies, per CPU-s, sent/s
e2e_kxdpgun() { # run pid label query-file
	command -v kxdpgun >/dev/null || return 0
	local run=$1 pid=$2 label=$3 qf=$4 c0 c1 hz
	hz=$(getconf CLK_TCK)
	c0=$(cpu_ticks "$pid")
	$NSX timeout $((E2E_SECONDS + 10)) kxdpgun -t "$E2E_SECONDS" -Q "${KXDP_QPS:-300000}" \
		-F 1 -i "$qf" "$ZW_IP4" >"$tmp/kxdp.out" 2>&1 || true
	c1=$(cpu_ticks "$pid")
	record "$run" "$label (kxdpgun)" $(awk -v cpu="$((c1 - c0))" -v hz="$hz" -v t="$E2E_SECONDS" '
		/^total queries:/ { sent = $3 }
		/^total replies:/ { got = $3 }
		END { s = cpu / hz; printf "%.0f %d %.0f %.2f %.0f\n", got / t, sent - got,
			(s > 0 ? got / s : 0), s, sent / t }' "$tmp/kxdp.out")
}

wait_answer() {
	local i
	for i in $(seq 150); do
		$NSX dig +time=1 +tries=1 @"$ZW_IP4" "$ORIGIN" SOA >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

stop() {
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# The three cells of a server that answers at pid $2, after a warm-up
# (first queries fault in the table's and the rings' pages; every server
# gets the same).
cells() { # run pid label
	e2e_dnsperf warm "$2" "$3" "$tmp/qfile"
	e2e_dnsperf "$1" "$2" "$3" "$tmp/qfile"
	e2e_dnsperf "$1" "$2" "$3 DO=1" "$tmp/qfile.do" -D
	e2e_kxdpgun "$1" "$2" "$3" "$tmp/kfile"
}

zwd_e2e() { # run label binary vdev lcores zwd-args [table]
	# shellcheck disable=SC2086 # $5 and $6 are lists of options
	"$3" --no-huge --no-pci -m 512 $5 --file-prefix "zwb$$" --log-level=error \
		--vdev="$4" -- --table "${7:-$dir/zone.zwt}" --ip4 "$ZW_IP4/24" $6 >"$tmp/zwd.out" 2>&1 &
	local zp=$!
	pids+=($zp)
	if wait_answer; then
		cells "$1" "$zp" "$2"
	else
		echo "$2: does not answer: $(tail -2 "$tmp/zwd.out")"
	fi
	stop "$zp"
}

# knotd: the host side of the veth gets the address and answers ARP while
# knotd runs (zwd's runs leave that to zwd)
kdir=$tmp/knot
mkdir -p "$kdir/db"
cp "$dir/zone.signed" "$kdir/zone"
knot_conf() { # extra server lines
	cat >"$kdir/knot.conf" <<EOF
server:
    rundir: "$kdir"
    listen: $ZW_IP4@53
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
$1
database:
    storage: "$kdir/db"
zone:
  - domain: $ORIGIN
    storage: "$kdir"
    file: "zone"
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
log:
  - target: stderr
    any: error
EOF
}
knot_e2e() { # run label extra-server-lines
	ip addr add "$ZW_IP4/24" dev "$ZW_IFACE"
	sysctl -qw "net.ipv4.conf.$ZW_IFACE.arp_ignore=0"
	knot_conf "$3"
	knotd -c "$kdir/knot.conf" >"$tmp/knot.out" 2>&1 &
	local kp=$!
	pids+=($kp)
	if wait_answer && ! grep -qi "failed to initialize XDP\|XDP.*failed" "$tmp/knot.out"; then
		cells "$1" "$kp" "$2"
	else
		echo "$2: does not answer or no XDP here: $(grep -i "xdp\|error" "$tmp/knot.out" | tail -2)"
	fi
	stop "$kp"
	# knotd leaves its XDP program on the link; af_xdp would not start
	ip link set dev "$ZW_IFACE" xdp off 2>/dev/null || true
	ip addr del "$ZW_IP4/24" dev "$ZW_IFACE"
	sysctl -qw "net.ipv4.conf.$ZW_IFACE.arp_ignore=8"
}

servers=(zwd-afp zwd-afx)
zb=
if [ -n "${ZWD_B:-}${ZWD_B_AFP:-}${ZWD_B_AFX:-}${ZWD_B_ARGS:-}${ZWD_B_LCORES:-}" ]; then
	zb=1
	servers+=(zwdB-afp zwdB-afx)
fi
servers+=(knot-udp knot-xdp)
# E2E_SERVERS="zwd-afp zwdB-afp ..." runs only those (A/B of zwd options)
[ -z "${E2E_SERVERS:-}" ] || read -ra servers <<<"$E2E_SERVERS"
server_run() { # run server
	local b=${ZWD_B:-$ZWD_A} afp=${ZWD_B_AFP:-$AFP_ARGS} afx=${ZWD_B_AFX:-$AFX_ARGS}
	[ "$afp" != - ] || afp=
	[ "$afx" != - ] || afx=
	case $2 in
	zwd-afp) zwd_e2e "$1" "zwd af_packet (1 lcore)" "$ZWD_A" \
		"net_af_packet0,iface=$ZW_IFACE${AFP_ARGS:+,$AFP_ARGS}" "$ZWD_LCORES" "$ZWD_ARGS" ;;
	zwd-afx) zwd_e2e "$1" "zwd af_xdp (1 lcore)" "$ZWD_A" \
		"net_af_xdp0,iface=$ZW_IFACE${AFX_ARGS:+,$AFX_ARGS}" "$ZWD_LCORES" "$ZWD_ARGS" ;;
	zwdB-afp) zwd_e2e "$1" "zwd B af_packet (1 lcore)" "$b" \
		"net_af_packet0,iface=$ZW_IFACE${afp:+,$afp}" \
		"${ZWD_B_LCORES:-$ZWD_LCORES}" "${ZWD_B_ARGS:-$ZWD_ARGS}" \
		"${ZWD_B_TABLE:-}" ;;
	zwdB-afx) zwd_e2e "$1" "zwd B af_xdp (1 lcore)" "$b" \
		"net_af_xdp0,iface=$ZW_IFACE${afx:+,$afx}" \
		"${ZWD_B_LCORES:-$ZWD_LCORES}" "${ZWD_B_ARGS:-$ZWD_ARGS}" \
		"${ZWD_B_TABLE:-}" ;;
	knot-udp) knot_e2e "$1" "knotd UDP (1 worker)" "" ;;
	knot-xdp) knot_e2e "$1" "knotd XDP (1 worker)" "xdp:
    listen: $ZW_IFACE@53
    udp: on" ;;
	esac
}

echo
echo "== end to end over a veth: dnsperf (4 clients, 500 outstanding, ${E2E_SECONDS}s) in a namespace,"
echo "   then kxdpgun; ${E2E_RUNS} round(s), the servers' order rotated each round;"
echo "   ${E2E_WARMUP}s of dnsperf warm-up after each start"
echo "   zwd A: $ZWD_A $ZWD_LCORES, af_packet ${AFP_ARGS:--}, af_xdp ${AFX_ARGS:--}${ZWD_ARGS:+, $ZWD_ARGS}"
[ -z "$zb" ] || echo "   zwd B: ${ZWD_B:-$ZWD_A} ${ZWD_B_LCORES:-$ZWD_LCORES}, af_packet" \
	"${ZWD_B_AFP:-${AFP_ARGS:--}}, af_xdp ${ZWD_B_AFX:-${AFX_ARGS:--}}${ZWD_B_ARGS:+, $ZWD_B_ARGS}"
echo "   load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
ns_=${#servers[@]}
for r in $(seq "$E2E_RUNS"); do
	order=()
	for i in $(seq 0 $((ns_ - 1))); do
		order+=("${servers[$(((i + r - 1) % ns_))]}")
	done
	[ "$E2E_RUNS" = 1 ] || echo "   round $r: ${order[*]}"
	for s in "${order[@]}"; do
		server_run "$r" "$s"
	done
done
echo "   load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$tmp/e2e" "$E2E_RUNS" <<'EOF'
import statistics, sys
rows, runs = {}, int(sys.argv[2])
for line in open(sys.argv[1]):
    run, label, qps, lost, per, cpu, sent = line.rstrip('\n').split('|')
    rows.setdefault(label, []).append((int(run), float(qps), int(lost), float(per),
                                       float(cpu), None if sent == '-' else float(sent)))
def med(v):
    return statistics.median(v) if v else 0
print('%-36s %9s %9s %12s %7s%s' % ('server', 'qps', 'lost', 'per CPU-s', 'CPU s',
      '  (median of %d rounds; qps of each round)' % runs if runs > 1 else ''))
for label, v in rows.items():
    v.sort()
    sent = [x[5] for x in v if x[5] is not None]
    extra = '  (%.0f sent/s)' % med(sent) if sent else ''
    if runs > 1:
        extra += '  [' + ' '.join('%.0f' % x[1] for x in v) + ']'
    print('%-36s %9.0f %9.0f %12.0f %7.2f%s' % (label, med([x[1] for x in v]),
          med([x[2] for x in v]), med([x[3] for x in v]), med([x[4] for x in v]), extra))
EOF
echo "qps: completed queries (dnsperf) or replies (kxdpgun, DO=0 mix) per second; lost: not"
echo "answered (kxdpgun: sent - replies); per CPU-s: answered queries per second of"
echo "the server process's CPU time (zwd polls: its idle polling counts too). The load"
echo "generator shares the 2 cores with the server under test; each server has one worker."
