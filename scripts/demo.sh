#!/bin/bash
# `make demo`: check the sample zone with zw-checkzone and print it in
# canonical order (one RR per line, fully qualified, as named-checkzone -D
# prints it). Later issues add signing, compiling and serving to this demo.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
zone=scripts/sample/example.com.zone
zwc=$BUILD/bin/zw-checkzone
if [ ! -x "$zwc" ]; then
	echo "demo: $zwc is not built (run make all)" >&2
	exit 1
fi
echo "== $zwc -o example.com. -D $zone"
echo "   (the sample pulls in scripts/sample/hosts.inc with \$INCLUDE)"
# With -D the zone goes to stdout and the check's status lines to stderr.
err=$(mktemp)
trap 'rm -f "$err"' EXIT
out=$("$zwc" -o example.com. -D "$zone" 2>"$err")
printf '%s\n' "$out"
echo "== zw-checkzone says:"
cat "$err"
echo "== $(printf '%s\n' "$out" | grep -cv '^;') records in canonical order"
