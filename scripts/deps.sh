#!/bin/sh
# Install every Debian package zonewire needs to build, test and benchmark.
# Idempotent: does nothing when all packages are present; runs
# `apt-get update` at most once per invocation, and only when something is missing.
set -eu

PKGS="
build-essential pkg-config make gcc g++ clang llvm libclang-rt-14-dev
python3 time iproute2 libcap2-bin ethtool iputils-ping
libcmocka-dev
libssl-dev openssl
libbenchmark-dev
libipsec-mb-dev
libdpdk-dev dpdk
libp11-dev libengine-pkcs11-openssl softhsm2 opensc
bind9 bind9-utils bind9-dnsutils
knot knot-dnsutils knot-dnssecutils
ldnsutils unbound nsd dnsperf
valgrind linux-perf
"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    [ "${1:-}" = "-v" ] && echo "deps: all packages present"
    exit 0
fi

echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Daemons (named, knotd, nsd, unbound) must not start at install time: tests
# start their own instances on loopback ports.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
