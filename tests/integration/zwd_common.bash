# Shared set-up for the zwd_*.sh integration tests (sourced, not run):
# a namespace + veth pair of the test's own, a signed and compiled zone,
# zwd (and zw-tcpd) started in the background, and one EXIT trap that
# stops everything the test started, also on failure.
set -euo pipefail
ROOT=${ZW_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BIN=${ZW_BIN:-$ROOT/build/bin}
ZW_PIDS=()
ZW_NAME=zwt$$
ZW_TMP=$(mktemp -d /tmp/zwd-test.XXXXXX)

zw_skip() {
	echo "SKIP: $*"
	exit 77
}

zw_fail() {
	echo "FAIL: $*" >&2
	[ -f "$ZW_TMP/zwd.err" ] && sed 's/^/  zwd: /' "$ZW_TMP/zwd.err" | tail -20 >&2
	exit 1
}

zw_cleanup() {
	local p i
	for p in "${ZW_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${ZW_PIDS[@]}"; do
		for i in $(seq 50); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null || true
	done
	"$ROOT/scripts/netns.sh" down "$ZW_NAME"
	if [ -n "${ZW_KEEP:-}" ]; then echo "kept $ZW_TMP"; else rm -rf "$ZW_TMP"; fi
}
trap zw_cleanup EXIT

# Root, the binaries, namespaces and veth pairs; else skip with the reason.
zw_require() {
	[ "$(id -u)" -eq 0 ] || zw_skip "zwd tests need root (namespaces, DPDK)"
	for b in zwd zw-tcpd zwctl zw-keygen zw-signzone zw-compile zw-lookup; do
		[ -x "$BIN/$b" ] || zw_skip "$BIN/$b is not built"
	done
	for t in dig kdig python3; do
		command -v "$t" >/dev/null || zw_skip "$t is not installed"
	done
	local n=$(($$ % 250 + 1))
	local vars
	vars=$("$ROOT/scripts/netns.sh" up "$ZW_NAME" "$n" 2>"$ZW_TMP/netns.err") ||
		zw_skip "no network namespaces/veth here: $(cat "$ZW_TMP/netns.err")"
	eval "$vars"
	NSX="ip netns exec $ZW_NS"
}

# zw_sign_compile ORIGIN ZONEFILE [signzone options]: keys, signed zone
# and $ZW_TMP/zone.zwt; the KSK's DNSKEY in $ZW_TMP/anchor.key.
zw_sign_compile() {
	local origin=$1 zone=$2
	shift 2
	mkdir -p "$ZW_TMP/keys"
	ksk=$("$BIN/zw-keygen" -K "$ZW_TMP/keys" -a ECDSAP256SHA256 -f KSK "$origin")
	"$BIN/zw-keygen" -K "$ZW_TMP/keys" -a ECDSAP256SHA256 "$origin" >/dev/null
	"$BIN/zw-signzone" -S -K "$ZW_TMP/keys" -d "$ZW_TMP" -o "$origin" -f "$ZW_TMP/zone.signed" \
		"$@" "$zone" >/dev/null 2>"$ZW_TMP/sign.err" || zw_fail "signing: $(cat "$ZW_TMP/sign.err")"
	"$BIN/zw-compile" -q -O "$ZW_TMP/zone.zwt" -o "$origin" "$ZW_TMP/zone.signed" ||
		zw_fail "zw-compile failed"
	grep -v '^;' "$ZW_TMP/keys/$ksk.key" >"$ZW_TMP/anchor.key"
}

# zw_start_zwd [zwd options after --]: zwd on the host side of the veth,
# exception port ${ZW_NAME}x, control socket $ZW_TMP/ctl; waits until it
# answers. ZW_VDEV_ARGS adds af_packet options (",framecnt=4096").
zw_start_zwd() {
	"$BIN/zwd" --no-huge --no-pci -m 256 -l "${ZW_LCORES:-0}" --file-prefix "$ZW_NAME" \
		--log-level=error --vdev="net_af_packet0,iface=$ZW_IFACE${ZW_VDEV_ARGS:-}" -- \
		--table "$ZW_TMP/zone.zwt" --ip4 "$ZW_IP4/24" --ip6 "$ZW_IP6/64" \
		--exception-iface "${ZW_NAME}x" --control "$ZW_TMP/ctl" "$@" \
		>"$ZW_TMP/zwd.out" 2>"$ZW_TMP/zwd.err" &
	ZW_PIDS+=($!)
	ZW_ZWD=$!
	local i
	for i in $(seq 100); do
		if $NSX dig +time=1 +tries=1 +short @"$ZW_IP4" "${ZW_ORIGIN:-example.com}" SOA \
			>/dev/null 2>&1 && [ -S "$ZW_TMP/ctl" ]; then
			return 0
		fi
		kill -0 "$ZW_ZWD" 2>/dev/null || zw_fail "zwd exited at start"
		sleep 0.2
	done
	zw_fail "zwd does not answer"
}

zw_start_tcpd() {
	"$BIN/zw-tcpd" --table "$ZW_TMP/zone.zwt" --listen "$ZW_IP4" --listen "$ZW_IP6" \
		2>"$ZW_TMP/tcpd.err" &
	ZW_PIDS+=($!)
	ZW_TCPD=$!
}

# Stop zwd now (SIGTERM) and wait for it; its final line is in zwd.out.
zw_stop_zwd() {
	kill -TERM "$ZW_ZWD"
	local i
	for i in $(seq 100); do
		kill -0 "$ZW_ZWD" 2>/dev/null || return 0
		sleep 0.1
	done
	zw_fail "zwd did not stop on SIGTERM"
}
