#!/bin/bash
# Differential test: `zw-checkzone -D` and `named-checkzone -D` must print the
# same RR set for the RFC 4035 / RFC 5155 example zones and for generated
# zones of several shapes. Output is compared after normalising whitespace
# outside quoted strings, dropping comment lines, and sorting (so order
# inside an RRset and between names does not matter); everything else --
# owner case, TTLs, escapes, rdata spelling -- must match exactly.
# Also checks that kzonecheck accepts every generated zone (they are meant
# to load in both BIND and Knot).
# Exit 77 (skip) only when zw-checkzone has not been built yet.
set -uo pipefail
ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${ZW_BIN:-$ROOT/build/bin}
VEC=${ZW_VECTORS:-$ROOT/../shared/vectors}
ZWC=$BIN/zw-checkzone
if [ ! -x "$ZWC" ]; then
	echo "skip: $ZWC is not built yet" >&2
	exit 77
fi
NAMED=(named-checkzone -k ignore -i none -n ignore -m ignore -M ignore
	-S ignore -T ignore -D -o -)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# RR lines only (comments and blank lines dropped), whitespace outside
# quoted strings collapsed to one space, sorted bytewise.
normalise() {
	python3 -c '
import sys
out = []
for raw in sys.stdin.buffer.read().split(b"\n"):
    line = raw.strip()
    if not line or line.startswith(b";"):
        continue
    toks, cur, q, esc = [], b"", False, False
    for c in line:
        ch = bytes([c])
        if esc:
            cur += ch; esc = False
        elif ch == b"\\":
            cur += ch; esc = True
        elif ch == b"\"":
            cur += ch; q = not q
        elif not q and ch in b" \t":
            if cur:
                toks.append(cur); cur = b""
        else:
            cur += ch
    if cur:
        toks.append(cur)
    out.append(b" ".join(toks))
out.sort()
sys.stdout.buffer.write(b"".join(l + b"\n" for l in out))
'
}

# compare NAME ORIGIN FILE
compare() {
	local name=$1 origin=$2 file=$3 rc
	# BIND resolves $INCLUDE against its working directory, zonewire
	# against the including file: run BIND beside the file.
	(cd "$(dirname "$file")" && "${NAMED[@]}" "$origin" "$(basename "$file")") \
		>"$tmp/$name.named.raw" 2>"$tmp/$name.named.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL $name: named-checkzone exited $rc"; cat "$tmp/$name.named.err"
		fail=1; return
	fi
	"$ZWC" -o "$origin" -D "$file" >"$tmp/$name.zw.raw" 2>"$tmp/$name.zw.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL $name: zw-checkzone exited $rc"; head -20 "$tmp/$name.zw.err"
		fail=1; return
	fi
	normalise <"$tmp/$name.named.raw" >"$tmp/$name.named"
	normalise <"$tmp/$name.zw.raw" >"$tmp/$name.zw"
	if cmp -s "$tmp/$name.named" "$tmp/$name.zw"; then
		echo "ok   $name: $(wc -l <"$tmp/$name.zw") RRs identical"
		return
	fi
	echo "FAIL $name: RR sets differ (< named-checkzone only, > zw-checkzone only;" \
		"named $(wc -l <"$tmp/$name.named") RRs, zw $(wc -l <"$tmp/$name.zw") RRs)"
	diff "$tmp/$name.named" "$tmp/$name.zw" | grep '^[<>]' | head -40
	fail=1
}

for z in rfc4035-appendix-a rfc5155-appendix-a; do
	f=$VEC/rfc/$z.zone
	if [ ! -r "$f" ]; then
		echo "FAIL: vector $f missing (set ZW_VECTORS)"; fail=1; continue
	fi
	compare "$z" example. "$f"
done

# The demo zone: $INCLUDE with an origin, $GENERATE, escapes, TTL units.
compare sample example.com. "$ROOT/scripts/sample/example.com.zone"

# Generated shapes: name|origin|genzone arguments.
shapes=(
	"default|example.|--delegations 1000 --seed 1"
	"glue-ds-odd|test.zw.|--delegations 400 --glue 0.5 --ds 0.5 --odd 300 --wildcards 60 --ents 120 --seed 2 --shuffle"
	"hosts|a.b.c.|--delegations 0 --hosts 1200 --odd 100 --seed 3"
	"deep-origin|xn--bcher-kva.sub.example.net.|--delegations 600 --glue 0.9 --ds 0.9 --sub 50 --seed 4"
)
for s in "${shapes[@]}"; do
	IFS='|' read -r name origin args <<<"$s"
	f=$tmp/$name.zone
	# shellcheck disable=SC2086
	if ! "$ROOT/scripts/genzone" --origin "$origin" $args -o "$f"; then
		echo "FAIL $name: genzone failed"; fail=1; continue
	fi
	if ! kzonecheck -o "$origin" "$f" >"$tmp/$name.knot" 2>&1; then
		echo "FAIL $name: kzonecheck rejects the generated zone"
		head -20 "$tmp/$name.knot"; fail=1
	fi
	compare "$name" "$origin" "$f"
done
exit $fail
