#!/bin/bash
# `make demo`: the main job end to end, on any Linux machine (root: it
# makes a network namespace and runs DPDK without NICs or hugepages):
#   keys (zw-keygen) -> signed sample zone (zw-signzone) -> answer table
#   (zw-compile) -> zwd serving it on a veth (af_packet; ARP, ND and DNS
#   answered by zwd itself, TCP through its exception port to zw-tcpd) ->
#   `dig +dnssec` from the namespace -> `delv` validating the answer
#   against the generated key as trust anchor.
# Everything it starts is stopped on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
BIN=$ROOT/$BUILD/bin
for b in zw-checkzone zw-keygen zw-signzone zw-compile zwd zw-tcpd zwctl; do
	if [ ! -x "$BIN/$b" ]; then
		echo "demo: $BIN/$b is not built (run make all)" >&2
		exit 1
	fi
done
if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (a network namespace, DPDK on a veth)" >&2
	exit 1
fi

tmp=$(mktemp -d /tmp/zw-demo.XXXXXX)
ns=zwdemo$$
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	scripts/netns.sh down "$ns"
	rm -rf "$tmp"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }

step "zw-checkzone: the sample zone (scripts/sample/example.com.zone, \$INCLUDEs hosts.inc)"
cp scripts/sample/example.com.zone scripts/sample/hosts.inc "$tmp/"
(cd "$tmp" && "$BIN/zw-checkzone" -o example.com. example.com.zone)

step "zw-keygen: a KSK and a ZSK (ECDSA P-256)"
mkdir -p "$tmp/keys"
ksk=$("$BIN/zw-keygen" -K "$tmp/keys" -a ECDSAP256SHA256 -f KSK example.com.)
zsk=$("$BIN/zw-keygen" -K "$tmp/keys" -a ECDSAP256SHA256 example.com.)
echo "$ksk (KSK)  $zsk (ZSK)"

step "zw-signzone -S: sign with the keys' timing (NSEC)"
(cd "$tmp" && "$BIN/zw-signzone" -S -K keys -d . -o example.com. -f example.com.signed \
	example.com.zone)

step "zw-compile: precomputed answers"
"$BIN/zw-compile" -O "$tmp/example.zwt" -o example.com. "$tmp/example.com.signed"

step "scripts/netns.sh: a veth pair, one end in namespace $ns"
eval "$(scripts/netns.sh up "$ns" 42)"
echo "zwd on $ZW_IFACE as $ZW_IP4 / $ZW_IP6; the client in $ZW_NS on $ZW_CIFACE ($ZW_CLI4)"

step "zwd: DPDK (no hugepages, no PCI) on $ZW_IFACE, exception port ${ns}x, zw-tcpd behind it"
"$BIN/zwd" --no-huge --no-pci -m 256 -l 0 --file-prefix "$ns" --log-level=error \
	--vdev="net_af_packet0,iface=$ZW_IFACE" -- --table "$tmp/example.zwt" \
	--ip4 "$ZW_IP4/24" --ip6 "$ZW_IP6/64" --exception-iface "${ns}x" \
	--control "$tmp/zwd.sock" 2> >(grep --line-buffered -v -e multiq -e "rte flow" -e qdisc >&2) &
pids+=($!)
"$BIN/zw-tcpd" --table "$tmp/example.zwt" --listen "$ZW_IP4" --listen "$ZW_IP6" &
pids+=($!)
NSX="ip netns exec $ZW_NS"
for i in $(seq 100); do
	$NSX dig +time=1 +tries=1 +short @"$ZW_IP4" example.com SOA >/dev/null 2>&1 && break
	[ "$i" -lt 100 ] || { echo "demo: zwd does not answer" >&2; exit 1; }
	sleep 0.2
done

step "dig +dnssec @$ZW_IP4 www.example.com A   (from the namespace, over UDP to zwd)"
$NSX dig +dnssec +norec +nocookie @"$ZW_IP4" www.example.com A

step "dig +tcp @$ZW_IP6 mail.example.com AAAA   (TCP: through zwd's exception port to zw-tcpd)"
$NSX dig +tcp +short @"$ZW_IP6" mail.example.com AAAA

step "delv: validate against the generated KSK as trust anchor"
{
	echo "trust-anchors {"
	awk '{ d = 0; for (i = 2; i <= NF; i++) if ($i == "DNSKEY") d = i }
	d { k = ""; for (i = d + 4; i <= NF; i++) k = k $i;
	printf "  %s static-key %s %s %s \"%s\";\n", $1, $(d+1), $(d+2), $(d+3), k }' \
		"$tmp/keys/$ksk.key"
	echo "};"
} >"$tmp/anchor.conf"
cat "$tmp/anchor.conf"
$NSX delv @"$ZW_IP4" -a "$tmp/anchor.conf" +root=example.com www.example.com A
$NSX delv @"$ZW_IP4" -a "$tmp/anchor.conf" +root=example.com nonexistent.example.com A 2>&1 |
	head -4

step "zwctl stats (per-lcore counters, JSON)"
"$BIN/zwctl" -s "$tmp/zwd.sock" stats | python3 -c '
import json, sys
t = json.load(sys.stdin)["total"]
print("received %d, answered %d %s, ARP/ND/ping %s, to/from the kernel %d/%d" % (t["rx"],
      t["answered"], t["rcode"], t["replies"], t["exception_out"], t["exception_in"]))'
step "stopping zwd, zw-tcpd and the namespace"
