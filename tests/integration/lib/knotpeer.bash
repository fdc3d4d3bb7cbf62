# Zones signed by BIND, compiled by zw-compile and served as they are by
# one knotd on loopback, for tests that compare the table's answers with
# knotd's (compile_tc.sh, answer_limits.sh). Sourced from the script's
# folder; sets ROOT, BIN (ZW_ROOT, ZW_BIN override) and LIB.
ROOT=${ZW_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
BIN=${ZW_BIN:-$ROOT/build/bin}
LIB=$ROOT/tests/integration/lib
export PYTHONDONTWRITEBYTECODE=1   # no __pycache__ in the source tree

# kp_setup: exit 77 (skip) without the programs or peers; a temp dir in
# $tmp, removed on exit after knotd ($knot_pid, once started) is stopped.
kp_setup() {
	local t
	for t in "$BIN/zw-compile" "$BIN/zw-lookup"; do
		[ -x "$t" ] || { echo "skip: $t is not built yet" >&2; exit 77; }
	done
	for t in knotd kdig dnssec-keygen dnssec-signzone named-checkzone python3; do
		command -v $t >/dev/null || { echo "skip: $t missing" >&2; exit 77; }
	done
	tmp=$(mktemp -d)
	knot_pid=
	trap '[ -n "$knot_pid" ] && kill "$knot_pid" 2>/dev/null && wait "$knot_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
	trap 'exit 130' INT TERM
}

# kp_conf: a free 127.0.0.1 port in $port and the server part of
# $tmp/knot/knot.conf; zones are added by kp_zone.
kp_conf() {
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	mkdir -p "$tmp/knot/db"
	printf 'server:\n  rundir: "%s"\n  listen: 127.0.0.1@%s\n  udp-max-payload: 1232\n' \
		"$tmp/knot" "$port" >"$tmp/knot/knot.conf"
	printf 'database:\n  storage: "%s"\nzone:\n' "$tmp/knot/db" \
		>>"$tmp/knot/knot.conf"
}

# kp_zone ORIGIN DIR SIGNFLAGS: DIR/unsigned.zone signed with new
# ECDSAP256SHA256 keys (dnssec-signzone SIGNFLAGS), compiled into
# DIR/table.zwt and added to knotd's configuration (zonefile-load:
# whole, no journal, no semantic checks); exits on failure.
kp_zone() {
	local o=$1 d=$2 flags=$3
	mkdir -p "$d/keys"
	(cd "$d/keys" && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK "$o" &&
		dnssec-keygen -q -a ECDSAP256SHA256 "$o") >/dev/null &&
	# shellcheck disable=SC2086
	(cd "$d" && dnssec-signzone -S -K keys -o "$o" $flags \
		-f signed.zone unsigned.zone) >"$d/sign.log" 2>&1 &&
	named-checkzone -q -k ignore -i none -n ignore -m ignore -M ignore \
		-S ignore -T ignore -D -o "$d/dump" "$o" "$d/signed.zone" &&
	python3 "$LIB/dnswire.py" knotify "$d/dump" "$d/knot.zone" &&
	"$BIN/zw-compile" -o "$o" -O "$d/table.zwt" "$d/signed.zone" \
		>"$d/compile.log" 2>&1 ||
		{ echo "FAIL: $o: sign or compile"; tail -5 "$d"/*.log; exit 1; }
	printf '  - domain: %s\n    file: "%s"\n    %s\n    %s\n    %s\n' \
		"$o" "$d/knot.zone" "zonefile-load: whole" \
		"journal-content: none" "semantic-checks: off" \
		>>"$tmp/knot/knot.conf"
}

# kp_start ORIGIN: knotd started ($knot_pid), waited for until it answers
# ORIGIN's SOA; exits when it does not start.
kp_start() {
	local i
	knotd -c "$tmp/knot/knot.conf" >"$tmp/knot/log" 2>&1 &
	knot_pid=$!
	for i in $(seq 1 100); do
		kdig @127.0.0.1 -p "$port" +time=1 +retry=0 "$1" SOA 2>/dev/null |
			grep -q 'status: NOERROR' && return 0
		kill -0 "$knot_pid" 2>/dev/null && [ "$i" -lt 100 ] ||
			{ echo "FAIL: knotd did not start"; tail "$tmp/knot/log"; exit 1; }
		sleep 0.1
	done
}

# kp_zones PREFIX: the output of the caller's `zone` function signed as
# NSEC and as NSEC3 (salt, one iteration), origins PREFIX-nsec.zwtest.
# and PREFIX-nsec3.zwtest., in $tmp/nsec and $tmp/nsec3 (kp_zone), one
# knotd configuration for both (kp_conf); $chains lists the two.
kp_zones() {
	local ch flags
	chains=(nsec nsec3)
	kp_conf
	for ch in "${chains[@]}"; do
		flags=
		[ "$ch" = nsec3 ] && flags="-3 5eed -H 1"
		mkdir -p "$tmp/$ch"
		zone >"$tmp/$ch/unsigned.zone"
		kp_zone "$1-$ch.zwtest." "$tmp/$ch" "$flags"
	done
}
