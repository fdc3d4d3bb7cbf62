#!/bin/bash
# Token keys end to end, on a throwaway SoftHSMv2 token
# (scripts/softhsm-init.sh): zw-keyfromlabel makes K-files for P-256 and
# RSA-2048 keys in the token, zw-signzone -E pkcs11 signs with them (smart
# signing from the key directory, and named key files) and BIND's
# dnssec-verify accepts the zones. Then the failures: no PIN, a wrong PIN,
# an object that is gone, and the token disappearing while the zone is
# being signed; each exits 1 with a message saying what happened and
# leaves no output file (and no temporary file) behind. Throughout, the
# PIN appears in no output of any tool and in no file but the PIN file.
# Exit 77 (skip) when SoftHSM, the pkcs11 engine or BIND's tools are
# missing.
set -uo pipefail
ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${ZW_BIN:-$ROOT/build/bin}
MODULE=/usr/lib/softhsm/libsofthsm2.so
skip() { echo "skip: $*" >&2; exit 77; }
[ -x "$BIN/zw-keyfromlabel" ] && [ -x "$BIN/zw-signzone" ] || skip "not built"
[ -r "$MODULE" ] || skip "SoftHSMv2 missing"
command -v dnssec-verify >/dev/null || skip "dnssec-verify missing"
openssl engine pkcs11 >/dev/null 2>&1 || skip "pkcs11 engine missing"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
bad() { echo "FAIL: $*"; fail=1; }

PIN=583920                      # distinctive, so a leak is findable
export ZW_HSM_PIN=$PIN ZW_HSM_TOKEN=zwit PKCS11_MODULE_PATH=$MODULE
unset ZW_PKCS11_PIN
eval "$("$ROOT/scripts/softhsm-init.sh" "$tmp/hsm" ksk:EC:prime256v1 \
	zsk:EC:prime256v1 rksk:rsa:2048 rzsk:rsa:2048 doomed:EC:prime256v1)" ||
	skip "could not make a SoftHSM token"
unset ZW_HSM_PIN
printf '%s\n' "$PIN" >pin
chmod 600 pin
"$ROOT/scripts/genzone" --delegations 300 --origin example. --seed 7 \
	-o small.zone 2>/dev/null || exit 1
mkdir logs p256 rsa doomed

# run NAME CMD...: output to logs/NAME.out/.err, exit status in $rc.
run() {
	local name=$1
	shift
	"$@" >"logs/$name.out" 2>"logs/$name.err"
	rc=$?
}

# zw-keyfromlabel into DIR.
nkfl=0
label() {
	local dir=$1
	shift
	nkfl=$((nkfl + 1))
	run "kfl$nkfl" "$BIN/zw-keyfromlabel" -E pkcs11 -K "$dir" "$@" example.
	[ $rc -eq 0 ] || bad "zw-keyfromlabel $*: $(cat "logs/kfl$nkfl.err")"
}

# The label of a .private (BIND's form: base64 of the string and a NUL).
get_label() { grep '^Label: ' "$1" | cut -d' ' -f2 | base64 -d | tr -d '\0'; }
set_label() {
	local b
	b=$( (printf '%s' "$2"; printf '\0') | base64 -w0)
	sed -i "s|^Label: .*|Label: $b|" "$1"
}

# ---- P-256: PIN from a file (pin-source) ----
label p256 -a ECDSAP256SHA256 -f KSK -l "token=zwit;object=ksk;pin-source=$tmp/pin"
label p256 -a ECDSAP256SHA256 -l "token=zwit;object=zsk;pin-source=file:$tmp/pin"
n=$(ls p256/*.private 2>/dev/null | wc -l)
[ "$n" -eq 2 ] || bad "p256: $n .private files, want 2"
for f in p256/*.private; do
	grep -q '^Engine: cGtjczExAA==$' "$f" || bad "$f: no Engine: pkcs11"
	grep -q '^PrivateKey:' "$f" && bad "$f: holds key material"
	get_label "$f" | grep -q "^pkcs11:token=zwit;object=[kz]sk;pin-source=" ||
		bad "$f: label not as given"
done

run sign-p256 "$BIN/zw-signzone" -E pkcs11 -S -K p256 -o example. \
	-f p256.signed small.zone
[ $rc -eq 0 ] || bad "sign p256: $(cat logs/sign-p256.err)"
run verify-p256 dnssec-verify -o example. p256.signed
[ $rc -eq 0 ] || bad "dnssec-verify p256: $(tail -3 logs/verify-p256.err)"
cat logs/verify-p256.* | grep -q 'ECDSAP256SHA256: KSKs: 1 active' ||
	bad "dnssec-verify p256: $(tail -3 logs/verify-p256.*)"

# ---- RSASHA256: PIN in the label (pin-value), so not kept anywhere ----
label rsa -a RSASHA256 -f KSK -l "token=zwit;object=rksk;pin-value=$PIN"
label rsa -a RSASHA256 -l "pkcs11:token=zwit;object=rzsk?pin-value=$PIN"
for f in rsa/*.private; do
	grep -q '^Modulus: ' "$f" && grep -q '^PublicExponent: ' "$f" ||
		bad "$f: no Modulus/PublicExponent (BIND wants them)"
	grep -q '^PrivateExponent:' "$f" && bad "$f: holds key material"
	get_label "$f" | grep -q 'pin-value' &&
		bad "$f: pin-value written"
done
keys=$(cd rsa && ls *.key | sed 's/\.key$//')
# No PIN anywhere: a clear error, no output.
run sign-rsa-nopin "$BIN/zw-signzone" -E pkcs11 -K rsa -o example. \
	-f rsa.signed small.zone $keys
[ $rc -eq 1 ] || bad "sign rsa without PIN: exit $rc"
grep -q 'the token wants a PIN' logs/sign-rsa-nopin.err ||
	bad "sign rsa without PIN: $(cat logs/sign-rsa-nopin.err)"
[ -e rsa.signed ] && bad "sign rsa without PIN: rsa.signed written"
# The PIN from the environment.
ZW_PKCS11_PIN=$PIN run sign-rsa "$BIN/zw-signzone" -E pkcs11 -K rsa \
	-o example. -f rsa.signed small.zone $keys
[ $rc -eq 0 ] || bad "sign rsa: $(cat logs/sign-rsa.err)"
run verify-rsa dnssec-verify -o example. rsa.signed
[ $rc -eq 0 ] || bad "dnssec-verify rsa: $(tail -3 logs/verify-rsa.err)"
cat logs/verify-rsa.* | grep -q 'RSASHA256: KSKs: 1 active' ||
	bad "dnssec-verify rsa: $(tail -3 logs/verify-rsa.*)"

# ---- failures: nothing written, a message that says why ----
# expect NAME PATTERN OUT CMD...: exit 1, PATTERN on stderr, no OUT*.
expect() {
	local name=$1 pat=$2 out=$3
	shift 3
	run "$name" "$@"
	[ $rc -eq 1 ] || bad "$name: exit $rc, want 1"
	grep -q -- "$pat" "logs/$name.err" ||
		bad "$name: message '$(cat "logs/$name.err")' lacks '$pat'"
	ls "$out"* >/dev/null 2>&1 && bad "$name: $(ls "$out"*) left behind"
}
printf '000000\n' >wrongpin
cp -r p256 wrong
for f in wrong/*.private; do
	obj=$(get_label "$f" | sed -n 's/.*object=\([a-z]*\).*/\1/p')
	set_label "$f" "pkcs11:token=zwit;object=$obj;pin-source=$tmp/wrongpin"
done
expect wrong-pin 'token login failed: PKCS#11 module: PIN incorrect' \
	wrong.signed "$BIN/zw-signzone" -E pkcs11 -S -K wrong -o example. \
	-f wrong.signed small.zone
# Keys found through the zone's own DNSKEYs (no -S, no key files named).
expect wrong-pin-zone 'token login failed: PKCS#11 module: PIN incorrect' \
	resigned.signed "$BIN/zw-signzone" -E pkcs11 -K wrong -o example. \
	-f resigned.signed p256.signed
expect no-object 'object not found' nothing "$BIN/zw-keyfromlabel" \
	-E pkcs11 -a 13 -K doomed -l "token=zwit;object=nosuch;pin-source=$tmp/pin" \
	example.
label doomed -a ECDSAP256SHA256 -f KSK -l "token=zwit;object=ksk;pin-source=$tmp/pin"
label doomed -a ECDSAP256SHA256 -l "token=zwit;object=doomed;pin-source=$tmp/pin"
SOFTHSM2_CONF=$SOFTHSM2_CONF pkcs11-tool --module "$MODULE" --token-label zwit \
	--login --pin "$PIN" --delete-object --type privkey --label doomed \
	>/dev/null 2>&1 || bad "could not delete the doomed key"
expect gone-object 'object=doomed;pin-source=[^:]*: no such private key' \
	doomed.signed "$BIN/zw-signzone" -E pkcs11 -S -K doomed -o example. \
	-f doomed.signed small.zone
expect other-engine 'key names engine pkcs11, not dynamic' other.signed \
	"$BIN/zw-signzone" -E dynamic -S -K p256 -o example. \
	-f other.signed small.zone

# The token disappears while the zone is being signed (a zone big enough
# to take seconds at SoftHSM's pace: 4,000 delegations once signed in
# under the 0.25 s this loop waited on a fresh machine, so the run
# finished first): the run fails naming the token's reason, the
# temporary file goes, nothing is written. The keys are loaded (the
# token logged in) before the temporary file is made, so the token is
# removed as soon as that file appears.
"$ROOT/scripts/genzone" --delegations 40000 --origin example. --seed 7 \
	-o big.zone 2>/dev/null || exit 1
"$BIN/zw-signzone" -E pkcs11 -S -K p256 -o example. -f big.signed big.zone \
	>logs/gone.out 2>logs/gone.err &
pid=$!
for _ in $(seq 1 200); do
	ls big.signed.zwtmp* >/dev/null 2>&1 && break
	sleep 0.02
done
rm -rf "$tmp/hsm/tokens"
wait $pid
rc=$?
[ $rc -eq 1 ] || bad "token gone: exit $rc, want 1 (did it finish first?)"
grep -q 'the token does not sign: PKCS#11 module: ' logs/gone.err ||
	bad "token gone: $(grep -v 'TTL set' logs/gone.err)"
ls big.signed* >/dev/null 2>&1 && bad "token gone: $(ls big.signed*) left"

# ---- the PIN: in no output, in no file but the PIN file ----
leaks=$(grep -rl --exclude=pin -- "$PIN" . 2>/dev/null)
[ -z "$leaks" ] || bad "the PIN appears in: $leaks"
for f in */*.private; do
	get_label "$f" | grep -q -- "$PIN" &&
		bad "$f: the PIN in the label"
done

[ $fail -eq 0 ] && echo "hsm_sign: all checks passed"
exit $fail
