#!/bin/bash
# zwd on another kind of port: a DPDK net_tap as the data port, inside a
# namespace of the test's own, the kernel's side of the tap acting as the
# client. net_tap offers TX checksum offload, so this runs the offload
# path (pseudo-header seeds, IPv4 header checksum left to the port, no
# header-checksum flag on IPv6) that af_packet never does; answers over
# IPv4 and IPv6 must equal zw-lookup's.
source "$(dirname "$0")/zwd_common.bash"
[ "$(id -u)" -eq 0 ] || zw_skip "needs root"
for b in zwd zw-lookup zw-compile zw-signzone zw-keygen; do
	[ -x "$BIN/$b" ] || zw_skip "$BIN/$b is not built"
done
command -v dig >/dev/null || zw_skip "dig is not installed"
ip netns add "$ZW_NAME" 2>/dev/null || zw_skip "no network namespaces here"
NSX="ip netns exec $ZW_NAME"
cp "$ROOT/scripts/sample/example.com.zone" "$ROOT/scripts/sample/hosts.inc" "$ZW_TMP/"
zw_sign_compile example.com. "$ZW_TMP/example.com.zone"
tap=${ZW_NAME}t
$NSX "$BIN/zwd" --no-huge --no-pci -m 256 -l 0 --file-prefix "$ZW_NAME" --log-level=error \
	--vdev="net_tap0,iface=$tap" -- --table "$ZW_TMP/zone.zwt" \
	--ip4 10.53.9.1 --ip6 fd53:9::1 >"$ZW_TMP/zwd.out" 2>"$ZW_TMP/zwd.err" &
ZW_PIDS+=($!)
for i in $(seq 100); do
	$NSX ip link show "$tap" >/dev/null 2>&1 && grep -q "lcore 0 polls" "$ZW_TMP/zwd.err" && break
	sleep 0.1
done
grep -q "TX checksum offload" "$ZW_TMP/zwd.err" ||
	zw_fail "net_tap port without TX checksum offload: $(cat "$ZW_TMP/zwd.err")"
$NSX ip link set lo up
$NSX ip addr add 10.53.9.2/24 dev "$tap"
$NSX ip addr add fd53:9::2/64 dev "$tap" nodad
$NSX ip link set "$tap" up
for q in "www.example.com A" "example.com MX" "nope.example.com AAAA" "mail.example.com AAAA"; do
	for a in 10.53.9.1 fd53:9::1; do
		# shellcheck disable=SC2086
		$NSX dig +dnssec +nocookie +tries=2 +time=2 @"$a" $q >"$ZW_TMP/got" ||
			zw_fail "no answer from $a for $q"
		# shellcheck disable=SC2086
		"$BIN/zw-lookup" -t "$ZW_TMP/zone.zwt" +dnssec $q >"$ZW_TMP/want"
		python3 "$ROOT/tests/integration/zwd_dnsdiff.py" dig "$ZW_TMP/got" dig "$ZW_TMP/want" \
			>/dev/null || zw_fail "$a $q differs from zw-lookup"
	done
done
echo "ok: answers over a net_tap port with checksum offload, IPv4 and IPv6, equal zw-lookup's"
$NSX ping -c 2 -i 0.2 -W 2 10.53.9.1 >/dev/null || zw_fail "ping"
$NSX ping -6 -c 2 -i 0.2 -W 2 fd53:9::1 >/dev/null || zw_fail "ping -6"
echo "PASS"
