#!/bin/bash
# DNSSEC through zwd: the sample zone signed (NSEC, then NSEC3) and served
# by zwd over a veth; from the namespace
#  - delv, with the zone's KSK as its trust anchor, fully validates
#    positive answers, NXDOMAIN and NODATA;
#  - unbound, a validating resolver in the namespace with the same trust
#    anchor and zwd as its stub, returns AD=1 answers, and SERVFAIL once
#    zwd serves a table whose signatures were made by another key.
source "$(dirname "$0")/zwd_common.bash"
zw_require
for t in delv unbound; do
	command -v "$t" >/dev/null || zw_skip "$t is not installed"
done

cp "$ROOT/scripts/sample/example.com.zone" "$ROOT/scripts/sample/hosts.inc" "$ZW_TMP/"
zw_sign_compile example.com. "$ZW_TMP/example.com.zone"
printf 'trust-anchors {\n' >"$ZW_TMP/anchors.conf"
awk '{ d = 0; for (i = 2; i <= NF; i++) if ($i == "DNSKEY") d = i }
	d { k = ""; for (i = d + 4; i <= NF; i++) k = k $i;
	printf "  %s static-key %s %s %s \"%s\";\n", $1, $(d+1), $(d+2), $(d+3), k }' \
	"$ZW_TMP/anchor.key" >>"$ZW_TMP/anchors.conf"
printf '};\n' >>"$ZW_TMP/anchors.conf"
zw_start_zwd
zw_start_tcpd

delv_check() { # name type expect
	$NSX delv @"$ZW_IP4" -a "$ZW_TMP/anchors.conf" +root=example.com "$1" "$2" \
		>"$ZW_TMP/delv.out" 2>&1 || true
	grep -q "; fully validated" "$ZW_TMP/delv.out" ||
		grep -q "; negative response, fully validated" "$ZW_TMP/delv.out" ||
		zw_fail "delv $1 $2: $(cat "$ZW_TMP/delv.out")"
	[ -z "$3" ] || grep -q "$3" "$ZW_TMP/delv.out" ||
		zw_fail "delv $1 $2: no '$3' in $(cat "$ZW_TMP/delv.out")"
}

check_all() {
	delv_check www.example.com A "192.0.2.10"
	delv_check mail.example.com AAAA "2001:db8::25"
	delv_check example.com DNSKEY "DNSKEY"
	delv_check nonexistent.example.com A "NXDOMAIN"
	delv_check mail.example.com TXT ""
	echo "ok: delv fully validates answers, NXDOMAIN and NODATA ($1)"
}
check_all NSEC

# unbound in the namespace: validator, zwd as the stub for example.com
ub=$ZW_TMP/unbound
mkdir -p "$ub"
cp "$ZW_TMP/anchor.key" "$ub/anchor.key"
cat >"$ub/unbound.conf" <<EOF
server:
    interface: 127.0.0.1@5353
    do-daemonize: no
    chroot: ""
    username: ""
    directory: "$ub"
    pidfile: "$ub/unbound.pid"
    use-syslog: no
    logfile: "$ub/unbound.log"
    verbosity: 1
    do-not-query-localhost: no
    trust-anchor-file: "$ub/anchor.key"
    module-config: "validator iterator"
    num-threads: 1
    infra-host-ttl: 1
    cache-max-ttl: 0
    cache-max-negative-ttl: 0
    val-log-level: 2
stub-zone:
    name: "example.com"
    stub-addr: $ZW_IP4
remote-control:
    control-enable: no
EOF
$NSX unbound -c "$ub/unbound.conf" &
ZW_PIDS+=($!)
for i in $(seq 50); do
	$NSX dig +time=1 +tries=1 @127.0.0.1 -p 5353 example.com SOA >/dev/null 2>&1 && break
	sleep 0.2
done
ub_q() { $NSX dig +time=3 +tries=2 @127.0.0.1 -p 5353 +dnssec "$@"; }
for q in "www.example.com A" "example.com MX" "nope.example.com A" "ns1.example.com TXT"; do
	# shellcheck disable=SC2086
	out=$(ub_q $q)
	echo "$out" | grep -q "flags: qr rd ra ad;" ||
		zw_fail "unbound: no AD for $q: $out $(tail -5 "$ub/unbound.log")"
done
echo "ok: unbound validates zwd's answers (AD=1)"

# A table signed with keys that are not the anchor: unbound must refuse it.
mkdir -p "$ZW_TMP/other"
"$BIN/zw-keygen" -K "$ZW_TMP/other" -a ECDSAP256SHA256 -f KSK example.com >/dev/null
"$BIN/zw-keygen" -K "$ZW_TMP/other" -a ECDSAP256SHA256 example.com >/dev/null
"$BIN/zw-signzone" -S -K "$ZW_TMP/other" -d "$ZW_TMP/other" -o example.com \
	-f "$ZW_TMP/other.signed" "$ZW_TMP/example.com.zone" >/dev/null 2>&1
"$BIN/zw-compile" -q -O "$ZW_TMP/zone.zwt.new" -o example.com "$ZW_TMP/other.signed"
mv "$ZW_TMP/zone.zwt.new" "$ZW_TMP/zone.zwt"
"$BIN/zwctl" -s "$ZW_TMP/ctl" reload >/dev/null || zw_fail "zwctl reload"
out=$(ub_q ftp.example.com A)
echo "$out" | grep -q "status: SERVFAIL" || zw_fail "unbound accepted a bogus zone: $out"
echo "ok: unbound rejects the zone signed by other keys (SERVFAIL)"

# NSEC3 (opt-out off, no salt) with the original keys: delv again.
"$BIN/zw-signzone" -S -K "$ZW_TMP/keys" -d "$ZW_TMP" -o example.com -3 - \
	-f "$ZW_TMP/nsec3.signed" "$ZW_TMP/example.com.zone" >/dev/null 2>&1
"$BIN/zw-compile" -q -O "$ZW_TMP/zone.zwt.new" -o example.com "$ZW_TMP/nsec3.signed"
mv "$ZW_TMP/zone.zwt.new" "$ZW_TMP/zone.zwt"
"$BIN/zwctl" -s "$ZW_TMP/ctl" reload >/dev/null || zw_fail "zwctl reload"
check_all NSEC3
echo "PASS"
