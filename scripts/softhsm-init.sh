#!/bin/sh
# Make a throwaway SoftHSMv2 token under DIR, with keys in it, so tests and
# the demo run on any machine.
#
#   scripts/softhsm-init.sh DIR [NAME:TYPE ...]
#
# Writes DIR/softhsm2.conf (tokens in DIR/tokens) and prints the line
#   export SOFTHSM2_CONF=DIR/softhsm2.conf
# that the caller evaluates; nothing outside DIR is touched. TYPE is a
# pkcs11-tool key type (EC:prime256v1, rsa:2048, ...). Without key
# arguments it makes ksk-p256, zsk-p256 (EC:prime256v1) and ksk-rsa,
# zsk-rsa (rsa:2048).
#
# Environment: ZW_HSM_TOKEN (token label, default "zonewire"), ZW_HSM_PIN
# (user PIN, default 1234), ZW_HSM_SO_PIN (default 4321). The PIN goes only
# to softhsm2-util and pkcs11-tool; this script neither prints nor stores it.
#
# Every key gets CKA_ID = the first 8 octets of SHA-256(NAME) in hex, so the
# ID is unique per name and stable: libp11 finds keys by ID as well as by
# label, and two keys sharing an ID would be indistinguishable to it.
set -eu

usage() { echo "usage: $0 DIR [NAME:TYPE ...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
dir=$1
shift

MODULE=${ZW_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
TOKEN=${ZW_HSM_TOKEN:-zonewire}
PIN=${ZW_HSM_PIN:-1234}
SO_PIN=${ZW_HSM_SO_PIN:-4321}

for tool in softhsm2-util pkcs11-tool sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "$0: $tool not found (scripts/deps.sh installs it)" >&2
        exit 77
    }
done
[ -r "$MODULE" ] || { echo "$0: no PKCS#11 module $MODULE" >&2; exit 77; }

mkdir -p "$dir/tokens"
dir=$(cd "$dir" && pwd)
cat >"$dir/softhsm2.conf" <<EOF
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF
SOFTHSM2_CONF=$dir/softhsm2.conf
export SOFTHSM2_CONF

softhsm2-util --init-token --free --label "$TOKEN" --pin "$PIN" \
    --so-pin "$SO_PIN" >/dev/null

key_id() { printf '%s' "$1" | sha256sum | cut -c1-16; }

make_key() {
    name=${1%%:*}
    type=${1#*:}
    [ -n "$name" ] && [ "$name" != "$1" ] || usage
    pkcs11-tool --module "$MODULE" --token-label "$TOKEN" --login \
        --pin "$PIN" --keypairgen --key-type "$type" --id "$(key_id "$name")" \
        --label "$name" >/dev/null 2>&1 || {
        echo "$0: pkcs11-tool could not make key $name ($type)" >&2
        exit 1
    }
}

if [ $# -eq 0 ]; then
    set -- ksk-p256:EC:prime256v1 zsk-p256:EC:prime256v1 \
        ksk-rsa:rsa:2048 zsk-rsa:rsa:2048
fi
for k in "$@"; do
    make_key "$k"
done
echo "export SOFTHSM2_CONF=$SOFTHSM2_CONF"
