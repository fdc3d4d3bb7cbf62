#!/bin/bash
# zwd's bad starts end with one clear message and exit status 1: no table,
# a missing, truncated or corrupt table, no address, a bad address, no
# port, a port whose interface does not exist, an impossible exception
# interface. A reload with a corrupt table keeps the old one serving.
source "$(dirname "$0")/zwd_common.bash"
zw_require
cp "$ROOT/scripts/sample/example.com.zone" "$ROOT/scripts/sample/hosts.inc" "$ZW_TMP/"
zw_sign_compile example.com. "$ZW_TMP/example.com.zone"
head -c 3000 "$ZW_TMP/zone.zwt" >"$ZW_TMP/short.zwt"
cp "$ZW_TMP/zone.zwt" "$ZW_TMP/flipped.zwt"
printf '\xff' | dd of="$ZW_TMP/flipped.zwt" bs=1 seek=5000 conv=notrunc 2>/dev/null
echo "not a table" >"$ZW_TMP/text.zwt"

eal=(--no-huge --no-pci -m 256 -l 0 --file-prefix "${ZW_NAME}e" --log-level=error)
null=--vdev=net_null0
bad_start() { # expected-message zwd-args...
	local want=$1
	shift
	if "$BIN/zwd" "$@" >"$ZW_TMP/out" 2>&1; then
		zw_fail "zwd started with: $*"
	fi
	grep -q -- "$want" "$ZW_TMP/out" || zw_fail "no '$want' for '$*': $(cat "$ZW_TMP/out")"
	echo "ok: $(grep -- "$want" "$ZW_TMP/out" | head -1)"
}
t=$ZW_TMP/zone.zwt
bad_start "no table" "${eal[@]}" $null -- --ip4 10.0.0.1
bad_start "nonexistent.zwt" "${eal[@]}" $null -- --table "$ZW_TMP/nonexistent.zwt" --ip4 10.0.0.1
bad_start "short.zwt: truncated" "${eal[@]}" $null -- --table "$ZW_TMP/short.zwt" --ip4 10.0.0.1
bad_start "flipped.zwt: .*checksum" "${eal[@]}" $null -- --table "$ZW_TMP/flipped.zwt" --ip4 10.0.0.1
bad_start "text.zwt" "${eal[@]}" $null -- --table "$ZW_TMP/text.zwt" --ip4 10.0.0.1
bad_start "no address" "${eal[@]}" $null -- --table "$t"
bad_start "bad address for --ip4" "${eal[@]}" $null -- --table "$t" --ip4 10.0.0.300
bad_start "bad address for --ip6" "${eal[@]}" $null -- --table "$t" --ip6 fd00::x
bad_start "no DPDK port" "${eal[@]}" -- --table "$t" --ip4 10.0.0.1
bad_start "no DPDK port" "${eal[@]}" --vdev=net_af_packet0,iface=nosuchif0 -- --table "$t" --ip4 10.0.0.1
bad_start "exception port" "${eal[@]}" $null -- --table "$t" --ip4 10.0.0.1 \
	--exception-iface this-name-is-too-long-for-linux
bad_start "unknown option" "${eal[@]}" $null -- --table "$t" --ip4 10.0.0.1 --frobnicate
bad_start "EAL init failed" --no-huge --no-pci -m 256 -l 99 $null -- --table "$t" --ip4 10.0.0.1

zw_start_zwd
cp "$ZW_TMP/flipped.zwt" "$ZW_TMP/zone.zwt"
out=$("$BIN/zwctl" -s "$ZW_TMP/ctl" reload) && zw_fail "a corrupt reload said ok: $out"
echo "$out" | grep -q "still serving generation 1" || zw_fail "reload message: $out"
echo "ok: $out"
$NSX dig +short @"$ZW_IP4" www.example.com A | grep -q 192.0.2.10 || zw_fail "no answer after a failed reload"
"$BIN/zwctl" -s "$ZW_TMP/ctl" frobnicate 2>/dev/null && zw_fail "zwctl took an unknown command"
"$BIN/zwctl" -s "$ZW_TMP/nosuch.sock" stats 2>"$ZW_TMP/ctl.err" && zw_fail "zwctl without zwd"
grep -q "is zwd running" "$ZW_TMP/ctl.err" || zw_fail "zwctl message: $(cat "$ZW_TMP/ctl.err")"
"$BIN/zwctl" -s "$ZW_TMP/ctl" stop | grep -q "ok: stopping" || zw_fail "zwctl stop"
for i in $(seq 50); do kill -0 "$ZW_ZWD" 2>/dev/null || break; sleep 0.1; done
kill -0 "$ZW_ZWD" 2>/dev/null && zw_fail "zwd did not stop"
echo "ok: zwctl stop"
echo "PASS"
