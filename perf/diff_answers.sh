#!/bin/bash
# Differential test of two builds' answers, octet for octet:
#
#   perf/diff_answers.sh OLD_BIN_DIR NEW_BIN_DIR
#   e.g. perf/diff_answers.sh /work/base10 build/bin
#
# Each BIN_DIR holds zw-lookup and zw-compile. Tables are compiled with
# NEW's zw-compile and read by both zw-lookups (OLD_COMPILE=1: each side
# reads a table made by its own zw-compile, for table-format changes),
# from these zones (generated, signed and cached under build/bench/diff/):
#   nsec, nsec-G, nsec-A   scripts/genzone zone (2000 delegations, 30% with
#                          glue below the cut, 30% DS, wildcards, empty
#                          non-terminals, odd names, SRV), NSEC; compiled
#                          plain (glue names get nodes of their own), -G
#                          (no nodes below cuts) and -A (apex NS added)
#   nsec3, optout, optout-G  the same zone, NSEC3 (salt, 5 iterations) and
#                          NSEC3 opt-out (plain and -G)
#   alias, alias3          a written zone of CNAMEs (chains, loops, out of
#                          zone, into a cut, to wildcards), DNAMEs (in and
#                          out of zone, one whose target overflows 255
#                          octets), wildcards, ENTs, glue; NSEC / NSEC3
#   multi                  three zones in one table: alias.test., a genzone
#                          zone under deep.example.net. (NSEC3) and its
#                          parent example.net. (NSEC, delegating to it)
#   rfc4035, rfc5155       the RFCs' signed example zones
#                          ($ZW_VECTORS/rfc, default ../shared/vectors/rfc;
#                          skipped with a note when not there)
# and query sets made from each zone by perf/diff_queries.py (every owner
# with a dozen qtypes, mixed case, nonexistent names, names below cuts and
# DNAMEs, wildcard matches, every length 17-40 and up to 255 octets; see
# there), each asked under every option set below, one zw-lookup -f run
# per table, option set and side (`+wire`; the message ID, random, is not
# compared). Standard output, standard error and the exit status must be
# the same. Prints one line per table and option set: identical, or how
# many queries differ and the first of them with both answers. Exit 1 on
# any difference, 2 on a setup error (a table that does not compile, ...).
#
# Runtime on the 2-core box (JOBS=2): 66 s quiet, 104 s at load 8 (~470k
# queries x 14 option sets x 2 builds); making, signing and compiling the
# zones (first run, or after this script, diff_queries.py or genzone
# changed) adds ~15 s. A difference costs a second run of that pair.
#
# Environment:
#   OLD_COMPILE=1   each side's table from its own zw-compile
#   TABLES="..."    a subset of the tables above
#   OPTSETS="..."   option sets (names below); default all
#   JOBS=N          parallel zw-lookup pairs (default: online CPUs)
#   BUILD=build     where build/bin (zw-keygen, zw-signzone, zw-checkzone
#                   to make the zones) is; falls back to NEW_BIN_DIR
set -euo pipefail
usage() {
	sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
[ $# -eq 2 ] || usage
absdir() { (cd "$1" 2>/dev/null && pwd) || { echo "diff_answers: no directory $1" >&2; exit 2; }; }
OLD=$(absdir "$1")
NEW=$(absdir "$2")
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
for b in "$OLD/zw-lookup" "$NEW/zw-lookup" "$NEW/zw-compile"; do
	[ -x "$b" ] || { echo "diff_answers: no $b" >&2; exit 2; }
done
OLD_COMPILE=${OLD_COMPILE:-0}
[ "$OLD_COMPILE" = 1 ] && { [ -x "$OLD/zw-compile" ] || { echo "diff_answers: no $OLD/zw-compile" >&2; exit 2; }; }
TOOLS=$ROOT/$BUILD/bin
[ -x "$TOOLS/zw-signzone" ] || TOOLS=$NEW
for b in zw-keygen zw-signzone zw-checkzone; do
	[ -x "$TOOLS/$b" ] || { echo "diff_answers: no $TOOLS/$b (make all)" >&2; exit 2; }
done
JOBS=${JOBS:-$(nproc)}
ALL_TABLES="nsec nsec-G nsec-A nsec3 optout optout-G alias alias3 multi rfc4035 rfc5155"
TABLES=${TABLES:-$ALL_TABLES}
# name=zw-lookup options (',' for ' ')
declare -A OPT=(
	[do]="+dnssec" [nodo]="+nodnssec" [noedns]="+noedns"
	[do-b512]="+dnssec,+bufsize=512" [do-b1232]="+dnssec,+bufsize=1232"
	[do-b4096]="+dnssec,+bufsize=4096" [nodo-b512]="+nodnssec,+bufsize=512"
	[do-u512]="+dnssec,+bufsize=4096,-u,512" [do-u1232]="+dnssec,+bufsize=4096,-u,1232"
	[do-u4096]="+dnssec,+bufsize=4096,-u,4096" [nodo-u512]="+nodnssec,+bufsize=4096,-u,512"
	[noedns-u512]="+noedns,-u,512" [do-tcp]="+dnssec,+tcp" [do-norec]="+dnssec,+norec"
)
OPTSETS=${OPTSETS:-do nodo noedns do-b512 do-b1232 do-b4096 nodo-b512 do-u512 do-u1232 do-u4096 nodo-u512 noedns-u512 do-tcp do-norec}
for s in $OPTSETS; do [ -n "${OPT[$s]:-}" ] || { echo "diff_answers: unknown option set $s" >&2; exit 2; }; done

# the RFC example zones: $ZW_VECTORS/rfc (as make unit), ../shared/vectors/rfc
VECTORS=${ZW_VECTORS:-../shared/vectors}
if [ ! -s "$VECTORS/rfc/rfc5155-appendix-a.zone" ]; then
	VECTORS=
	if [[ " $TABLES " == *" rfc"* ]]; then
		echo "note: no RFC example zones (set ZW_VECTORS=.../vectors): rfc4035 and rfc5155 skipped"
		TABLES=$(tr ' ' '\n' <<<"$TABLES" | grep -v '^rfc' | tr '\n' ' ')
	fi
fi
dir=$ROOT/build/bench/diff
mkdir -p "$dir"
run=$(mktemp -d "$dir/run.XXXXXX")
trap 'rm -rf "$run"' EXIT
trap 'exit 130' INT TERM

# ---- zones, signed, dumped, and their queries (cached; remade when this
# script, diff_queries.py or genzone changes) ---------------------------
stamp=$({ cat perf/diff_answers.sh perf/diff_queries.py scripts/genzone; echo "$VECTORS"; } | sha256sum | cut -c1-16)
zd=$dir/zones
if [ "$(cat "$zd/STAMP" 2>/dev/null)" != "$stamp" ]; then
	echo "making the zones under $zd ..."
	rm -rf "$zd"
	mkdir -p "$zd"
	started=$SECONDS
	write_alias() { # the hand-written zone (alias.test.)
		cat >"$zd/alias.zone" <<'EOF'
$ORIGIN alias.test.
$TTL 3600
@	SOA	ns1 hostmaster 1 7200 1800 1209600 300
@	NS	ns1
@	NS	ns2.elsewhere.net.
@	MX	10 host
ns1	A	192.0.2.1
ns1	AAAA	2001:db8::1
host	A	192.0.2.10
host	AAAA	2001:db8::10
host	TXT	"host"
MiXeD	A	192.0.2.5
www	CNAME	host
chain1	CNAME	chain2
chain2	CNAME	chain3
chain3	CNAME	host
loop1	CNAME	loop2
loop2	CNAME	loop1
self	CNAME	self
out	CNAME	www.example.org.
tonx	CNAME	nothere
todeleg	CNAME	www.sub
toglue	CNAME	ns.sub
towild	CNAME	foo.wild
towc	CNAME	bar.wc
todn	CNAME	x.dn
toent	CNAME	c.ent
dn	DNAME	target
target	A	192.0.2.20
a.target	A	192.0.2.21
x.target	AAAA	2001:db8::21
*.target	TXT	"wild under the DNAME target"
dnout	DNAME	example.org.
dnchain	DNAME	dn
dnlong	DNAME	aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc.alias.test.
dntxt	DNAME	target
dntxt	TXT	"a DNAME owner with other data"
*.wild	A	192.0.2.50
*.wild	TXT	"wildcard"
*.wild	MX	10 host
*.wc	CNAME	host
*.deep.wild	AAAA	2001:db8::50
sub	NS	ns.sub
sub	NS	ns1
sub	DS	12345 13 2 0000000000000000000000000000000000000000000000000000000000000001
ns.sub	A	192.0.2.30
ns.sub	AAAA	2001:db8::30
sub2	NS	ns.elsewhere.net.
sub3	NS	ns.sub3
ns.sub3	A	192.0.2.31
a.b.c.ent	A	192.0.2.40
*.ent	TXT	"wildcard under an empty non-terminal"
mx	MX	10 host
mx	MX	20 ns.sub
mx	MX	30 mail.elsewhere.net.
_sip._tcp	SRV	0 5 5060 host
_sip._udp	SRV	0 5 5060 ns.sub
EOF
		local i
		for i in $(seq 1 24); do # a large RRset: truncated at 512
			printf 'big\tTXT\t"%s %02d"\n' "$(printf 'x%.0s' $(seq 1 60))" "$i" >>"$zd/alias.zone"
		done
		for i in $(seq 1 12); do
			printf 'bigaaaa\tAAAA\t2001:db8::1:%x\n' "$i" >>"$zd/alias.zone"
		done
	}
	keys() { # origin -> key directory (KSK + ZSK, P-256)
		local k=$zd/keys/$1
		if [ ! -d "$k" ]; then
			mkdir -p "$k"
			"$TOOLS/zw-keygen" -q -K "$k" -a ECDSAP256SHA256 -f KSK "$1" >/dev/null
			"$TOOLS/zw-keygen" -q -K "$k" -a ECDSAP256SHA256 "$1" >/dev/null
		fi
		echo "$k"
	}
	sign() { # in out origin [zw-signzone options]
		local in=$1 out=$2 o=$3 k
		shift 3
		k=$(keys "$o")
		"$TOOLS/zw-signzone" -q -P -S -K "$k" -d "$zd" -e +315360000 -o "$o" \
			-f "$out" "$@" "$in" 2>"$out.log" ||
			{ echo "diff_answers: signing $in failed:" >&2; cat "$out.log" >&2; exit 2; }
	}
	for o in example. alias.test. deep.example.net. example.net.; do keys "$o" >/dev/null; done
	scripts/genzone --delegations 2000 --seed 10 --glue 0.3 --ds 0.3 --wildcards 30 \
		--ents 30 --odd 60 --sub 20 --origin example. -o "$zd/gen.zone"
	scripts/genzone --delegations 300 --seed 11 --glue 0.5 --origin deep.example.net. \
		-o "$zd/deep.zone"
	write_alias
	pids=()
	sign "$zd/gen.zone" "$zd/nsec.signed" example. & pids+=($!)
	sign "$zd/gen.zone" "$zd/nsec3.signed" example. -3 aabbccdd -H 5 & pids+=($!)
	sign "$zd/gen.zone" "$zd/optout.signed" example. -3 - -A & pids+=($!)
	sign "$zd/alias.zone" "$zd/alias.signed" alias.test. & pids+=($!)
	sign "$zd/alias.zone" "$zd/alias3.signed" alias.test. -3 01 -H 1 & pids+=($!)
	sign "$zd/deep.zone" "$zd/deep.signed" deep.example.net. -3 - & pids+=($!)
	for p in "${pids[@]}"; do wait "$p" || exit 2; done
	# the parent: delegates deep.example.net. with its DS records
	{
		printf '$ORIGIN example.net.\n$TTL 3600\n'
		printf '@\tSOA\tns1 hostmaster 1 7200 1800 1209600 300\n@\tNS\tns1\nns1\tA\t192.0.2.99\n'
		printf 'deep\tNS\tns1.deep\nns1.deep\tA\t192.0.2.98\nwww\tA\t192.0.2.97\n'
		cat "$zd"/dsset-deep.example.net.
	} >"$zd/parent.zone"
	sign "$zd/parent.zone" "$zd/parent.signed" example.net.
	rfcz=
	if [ -n "$VECTORS" ]; then
		cp "$VECTORS/rfc/rfc4035-appendix-a.zone" "$zd/rfc4035.signed"
		cp "$VECTORS/rfc/rfc5155-appendix-a.zone" "$zd/rfc5155.signed"
		rfcz="rfc4035 rfc5155"
	fi
	for z in nsec nsec3 optout alias alias3 deep parent $rfcz; do
		o=example.
		case $z in alias*) o=alias.test. ;; deep) o=deep.example.net. ;; parent) o=example.net. ;; esac
		"$TOOLS/zw-checkzone" -D -o "$o" "$zd/$z.signed" >"$zd/$z.dump" 2>/dev/null ||
			{ echo "diff_answers: zw-checkzone $z failed" >&2; exit 2; }
	done
	for t in $ALL_TABLES; do
		[ -s "$zd/${t%%-*}.dump" ] || [ "$t" = multi ] || continue
		case $t in
		nsec3) s="example.:$zd/nsec3.dump" ;;
		nsec*) s="example.:$zd/nsec.dump" ;;
		optout*) s="example.:$zd/optout.dump" ;;
		alias | alias3) s="alias.test.:$zd/$t.dump" ;;
		multi) s="alias.test.:$zd/alias.dump deep.example.net.:$zd/deep.dump example.net.:$zd/parent.dump" ;;
		*) s="example.:$zd/$t.dump" ;;
		esac
		# shellcheck disable=SC2086
		python3 perf/diff_queries.py --seed "$t" -o "$zd/$t.q" $s
	done
	echo "$stamp" >"$zd/STAMP"
	echo "zones made in $((SECONDS - started)) s"
fi

# zw-compile arguments of a table
compile_args() {
	case $1 in
	nsec) echo "-o example. $zd/nsec.signed" ;;
	nsec-G) echo "-G -o example. $zd/nsec.signed" ;;
	nsec-A) echo "-A -o example. $zd/nsec.signed" ;;
	nsec3) echo "-o example. $zd/nsec3.signed" ;;
	optout) echo "-o example. $zd/optout.signed" ;;
	optout-G) echo "-G -o example. $zd/optout.signed" ;;
	alias | alias3) echo "-o alias.test. $zd/$1.signed" ;;
	multi) echo "-o alias.test. $zd/alias.signed -o deep.example.net. $zd/deep.signed -o example.net. $zd/parent.signed" ;;
	rfc4035 | rfc5155) echo "-o example. $zd/$1.signed" ;;
	*) echo "diff_answers: unknown table $1" >&2; exit 2 ;;
	esac
}

# table BIN_DIR NAME -> path of NAME compiled by BIN_DIR's zw-compile
# (cached by the compiler's content: one directory per zw-compile binary)
table() {
	local h d
	h=$(sha256sum "$1/zw-compile" | cut -c1-12)
	d=$dir/tables/$h
	if [ ! -s "$d/$2.zwt" ] || [ "$zd/STAMP" -nt "$d/$2.zwt" ]; then
		mkdir -p "$d"
		# shellcheck disable=SC2046
		if ! "$1/zw-compile" -q -j 1 -O "$d/$2.zwt.tmp" $(compile_args "$2") >"$d/$2.log" 2>&1; then
			echo "diff_answers: $1/zw-compile failed on $2:" >&2
			tail -5 "$d/$2.log" >&2
			return 1
		fi
		mv "$d/$2.zwt.tmp" "$d/$2.zwt"
	fi
	echo "$d/$2.zwt"
}

started=$SECONDS
echo "compiling tables ..."
declare -A TNEW TOLD
for t in $TABLES; do
	TNEW[$t]=$(table "$NEW" "$t") || exit 2
	TOLD[$t]=${TNEW[$t]}
	if [ "$OLD_COMPILE" = 1 ]; then
		TOLD[$t]=$(table "$OLD" "$t") || exit 2
	fi
done

# one side: answers of table $2 by zw-lookup in $1 under option set $3
# -> $4.sum (stdout without the message IDs, hashed), $4.err, $4.rc
side() {
	{
		# shellcheck disable=SC2046
		"$1/zw-lookup" -t "$2" $(tr , ' ' <<<"${OPT[$3]}") +wire -f "$zd/$4.q" \
			2>"$5.err" && echo 0 >"$5.rc" || echo $? >"$5.rc"
	} | cut -c5- | md5sum >"$5.sum"
}

# first difference and count, from full outputs (only run when they differ)
explain() { # table optset
	local t=$1 s=$2 o=$run/$1.$2
	# shellcheck disable=SC2046
	"$OLD/zw-lookup" -t "${TOLD[$t]}" $(tr , ' ' <<<"${OPT[$s]}") +wire -f "$zd/$t.q" 2>/dev/null | cut -c5- >"$o.old" || true
	# shellcheck disable=SC2046
	"$NEW/zw-lookup" -t "${TNEW[$t]}" $(tr , ' ' <<<"${OPT[$s]}") +wire -f "$zd/$t.q" 2>/dev/null | cut -c5- >"$o.new" || true
	python3 - "$o.old" "$o.new" "$zd/$t.q" "$t" "$s" "${OPT[$s]}" "${TNEW[$t]}" <<'PY'
import sys
def parse(p):
    d, cur = {}, None
    for line in open(p):
        if line.startswith("INE "):  # ";; LINE n" without its first 4 characters
            cur = int(line.split()[1]); d[cur] = ""
        elif cur is not None:
            d[cur] += line.strip()
    return d
a, b = parse(sys.argv[1]), parse(sys.argv[2])
qs = open(sys.argv[3]).read().split("\n")
diff = sorted(n for n in set(a) | set(b) if a.get(n) != b.get(n))
print("%-9s %-12s %d of %d queries differ (message IDs not compared)" % (sys.argv[4], sys.argv[5], len(diff), len(qs) - 1))
if diff:
    n = diff[0]
    print("    first: line %d: %s" % (n, qs[n - 1]))
    x, y = a.get(n), b.get(n)
    if x is None or y is None or not x or not y:
        print("    old: %s" % (x[:200] if x else "(no answer)"))
        print("    new: %s" % (y[:200] if y else "(no answer)"))
    else:
        i = next((k for k in range(min(len(x), len(y))) if x[k] != y[k]), min(len(x), len(y)))
        i -= i % 2
        lo = max(0, i - 40)
        print("    lengths %d / %d octets; first difference at octet %d (hex from octet %d):"
              % (len(x) // 2 + 2, len(y) // 2 + 2, i // 2 + 2, lo // 2 + 2))
        print("    old: %s%s" % ("..." if lo else "", x[lo:i + 40]))
        print("    new: %s%s" % ("..." if lo else "", y[lo:i + 40]))
    print("    text: zw-lookup -t %s %s %s" % (sys.argv[7], sys.argv[6].replace(",", " "), qs[n - 1]))
PY
}

job() { # table optset -> $run/T.S.res: "same" or "differ"
	local t=$1 s=$2 o=$run/$1.$2
	side "$OLD" "${TOLD[$t]}" "$s" "$t" "$o.a"
	side "$NEW" "${TNEW[$t]}" "$s" "$t" "$o.b"
	if cmp -s "$o.a.sum" "$o.b.sum" && cmp -s "$o.a.err" "$o.b.err" &&
		cmp -s "$o.a.rc" "$o.b.rc"; then
		printf '%-9s %-12s identical (%d queries)\n' "$t" "$s" "$(grep -c . "$zd/$t.q")" >"$o.res"
	else
		{
			if cmp -s "$o.a.sum" "$o.b.sum"; then
				printf '%-9s %-12s answers identical, but:\n' "$t" "$s"
			else
				explain "$t" "$s"
			fi
			cmp -s "$o.a.rc" "$o.b.rc" ||
				echo "    exit status: old $(cat "$o.a.rc"), new $(cat "$o.b.rc")"
			cmp -s "$o.a.err" "$o.b.err" ||
				{ echo "    standard error differs:"; diff "$o.a.err" "$o.b.err" | head -6 | sed 's/^/      /'; }
		} >"$o.res"
		echo DIFFER >"$o.bad"
	fi
}

echo "old: $OLD (tables: $([ "$OLD_COMPILE" = 1 ] && echo its own zw-compile || echo new zw-compile))"
echo "new: $NEW"
for t in $TABLES; do
	for s in $OPTSETS; do
		while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
		job "$t" "$s" &
	done
done
wait
bad=0
for t in $TABLES; do
	for s in $OPTSETS; do
		cat "$run/$t.$s.res" 2>/dev/null || { echo "$t $s: no result"; bad=1; }
		[ -e "$run/$t.$s.bad" ] && bad=1
	done
done
n=$(ls "$run"/*.res | wc -l)
if [ "$bad" = 0 ]; then
	echo "all identical: $n table/option-set runs, $((SECONDS - started)) s"
else
	echo "DIFFERENCES: $(ls "$run"/*.bad 2>/dev/null | wc -l) of $n table/option-set runs differ ($((SECONDS - started)) s)"
fi
exit "$bad"
