#!/bin/bash
# zw-lookup batch mode (-f FILE / -f -): every response equals the one a
# separate zw-lookup run prints for the same query (message ID aside),
# each after its ';; LINE n' separator; command-line options are the
# lines' defaults and a line's own options override them; comments and
# blank lines are skipped; with -f - each answer comes out as soon as its
# line is read (a co-process); a bad line is reported on stderr by its
# number, answered by nothing, the rest still answered, exit status 2.
set -uo pipefail
ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${ZW_BIN:-$ROOT/build/bin}
VEC=${ZW_VECTORS:-$ROOT/../shared/vectors}
for t in zw-compile zw-lookup; do
	[ -x "$BIN/$t" ] || { echo "skip: $t is not built yet" >&2; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

"$BIN/zw-compile" -q -O "$tmp/t.zwt" -o example. \
	"$VEC/rfc/rfc4035-appendix-a.zone" || { echo "FAIL: zw-compile"; exit 1; }

# query lines (qname qtype options) as given to both modes
cat >"$tmp/q" <<'EOF'
example. SOA
; a comment line

x.w.example. MX +dnssec    ; the RFC 4035 B.6 wildcard answer
Ai.ExAmPlE. A +noedns
nothing.example. AAAA +dnssec +bufsize=512
a.b.example. A +tcp +dnssec
example.com. A
mc.b.example. A +norec +bufsize=4096
ns1.example.
xx.example. ANY +dnssec -u 4096
EOF
# the answer to each query line, one zw-lookup process per query
no=0
while IFS= read -r line; do
	no=$((no + 1))
	q=${line%%;*}
	[ -n "${q// /}" ] || continue
	# shellcheck disable=SC2086
	"$BIN/zw-lookup" -t "$tmp/t.zwt" +wire $q >"$tmp/one" ||
		bad "single query '$q' failed"
	printf ';; LINE %d\n%s\n' "$no" "$(cut -c5- "$tmp/one")"
done <"$tmp/q" >"$tmp/want"

"$BIN/zw-lookup" -t "$tmp/t.zwt" +wire -f "$tmp/q" >"$tmp/got" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] || bad "batch exit $rc: $(cat "$tmp/err")"
# hex lines lose their 2-octet ID (4 hex digits); separators stay
awk '/^;; LINE /{print; next} {print substr($0, 5)}' "$tmp/got" >"$tmp/got.noid"
cmp -s "$tmp/want" "$tmp/got.noid" ||
	{ bad "batch answers differ from single ones"; diff "$tmp/want" "$tmp/got.noid" | head -20; }
n=$(grep -c '^;; LINE ' "$tmp/got")
[ "$n" = 9 ] || bad "$n responses for 9 queries"

# standard input, dig text: the same separators, one dig block each
"$BIN/zw-lookup" -t "$tmp/t.zwt" +dnssec -f - <"$tmp/q" >"$tmp/dig" 2>&1 ||
	bad "-f - failed"
[ "$(grep -c '^;; LINE ' "$tmp/dig")" = 9 ] || bad "-f -: not 9 separators"
[ "$(grep -c '^; <<>> zw-lookup <<>> ' "$tmp/dig")" = 9 ] ||
	bad "-f -: not 9 dig blocks"
# +dnssec from the command line reaches every line (an OPT with do)...
[ "$(grep -c '; EDNS: version: 0, flags: do;' "$tmp/dig")" = 8 ] ||
	bad "command-line +dnssec is not every line's default"
# ... except the +noedns line, whose own option wins
grep -A12 '^;; LINE 5$' "$tmp/dig" | grep -q 'OPT PSEUDOSECTION' &&
	bad "line option +noedns did not override"

# -f - as a co-process: the first answer arrives while stdin stays open
mkfifo "$tmp/in"
"$BIN/zw-lookup" -t "$tmp/t.zwt" +wire -f - <"$tmp/in" >"$tmp/co" 2>&1 &
co=$!
exec 4>"$tmp/in"
echo "example. SOA" >&4
for _ in $(seq 30); do
	[ "$(head -1 "$tmp/co")" = ";; LINE 1" ] && break
	sleep 0.1
done
[ "$(head -1 "$tmp/co")" = ";; LINE 1" ] ||
	bad "-f -: no answer before the input ended"
exec 4>&-
wait "$co" || bad "-f - co-process exit $?"

# bad lines: named by number, skipped, the rest answered, exit 2
printf 'example. SOA\nbad..name A\nexample. BOGUS\nexample. A +bufsize=70000\nexample. A +what\nexample. A extra\nexample. NS\n' \
	>"$tmp/bad"
"$BIN/zw-lookup" -t "$tmp/t.zwt" +wire -f "$tmp/bad" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] || bad "bad lines: exit $rc, want 2"
[ "$(grep '^;; LINE ' "$tmp/out" | tr '\n' ' ')" = ";; LINE 1 ;; LINE 7 " ] ||
	bad "bad lines: answered $(grep '^;; LINE ' "$tmp/out" | tr '\n' ' ')"
for l in 2 3 4 5 6; do
	grep -q "^zw-lookup: $tmp/bad:$l: " "$tmp/err" || bad "no message for line $l"
done
[ "$(wc -l <"$tmp/err")" = 5 ] || bad "messages: $(cat "$tmp/err")"

# usage errors: a query and -f together, a missing file
"$BIN/zw-lookup" -t "$tmp/t.zwt" -f "$tmp/q" example. >/dev/null 2>&1
[ $? = 1 ] || bad "-f with a query name accepted"
"$BIN/zw-lookup" -t "$tmp/t.zwt" -f "$tmp/none" >/dev/null 2>&1
[ $? = 1 ] || bad "missing -f file not exit 1"
# usage errors name their argument (the message was once uninitialised)
for a in "-h:unknown option '-h'" "-t:'-t' needs a value" \
	"+what:unknown option '+what'" "a b c:too many arguments"; do
	# shellcheck disable=SC2086
	"$BIN/zw-lookup" -t "$tmp/t.zwt" ${a%%:*} >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc = 1 ] && [ "$(head -1 "$tmp/err")" = "zw-lookup: ${a#*:}" ] ||
		bad "'${a%%:*}': exit $rc, $(head -1 "$tmp/err")"
done

[ $fail = 0 ] && echo "ok: zw-lookup batch mode ($n queries, bad lines, stdin, options)"
exit $fail
