#!/bin/bash
# A link for zwd on any Linux machine, no NIC needed (root):
#
#   scripts/netns.sh up NAME [N]    veth pair NAMEh (host side, for zwd's
#                                   DPDK af_packet port) and NAMEc (moved
#                                   into a new network namespace NAME);
#                                   prints shell assignments to eval:
#                                   ZW_NS ZW_IFACE ZW_CIFACE ZW_IP4 ZW_IP6
#                                   ZW_CLI4 ZW_CLI6 (zwd's addresses are
#                                   10.53.N.1/24 and fd53:N::1/64, the
#                                   namespace's 10.53.N.2 and fd53:N::2)
#   scripts/netns.sh down NAME      remove both
#
# Then: zwd --no-huge --no-pci -m 256 -l 0 --vdev=net_af_packet0,iface=NAMEh \
#           -- --table T.zwt --ip4 10.53.N.1/24 --ip6 fd53:N::1/64
#       ip netns exec NAME dig @10.53.N.1 ...
#
# The host side carries no address and its kernel stack is told to ignore
# the link (no IPv6, strict reverse-path filter, no ARP answers): af_packet
# hands zwd a copy of every frame, and the kernel must not answer them as
# well. In the namespace, transmit checksum offload is off so frames reach
# zwd with complete checksums (a veth otherwise leaves them partial).
set -euo pipefail

die() {
	echo "netns.sh: $*" >&2
	exit 1
}

up() {
	local ns=$1 n=${2:-53} h=${1}h c=${1}c
	[ ${#h} -le 15 ] || die "name too long for an interface: $h"
	[ "$n" -ge 0 ] && [ "$n" -le 255 ] || die "N must be 0..255"
	ip netns add "$ns" || die "cannot create namespace $ns"
	if ! ip link add "$h" type veth peer name "$c"; then
		ip netns del "$ns"
		die "cannot create veth pair $h/$c"
	fi
	ip link set "$c" netns "$ns"
	sysctl -qw "net.ipv6.conf.$h.disable_ipv6=1"
	sysctl -qw "net.ipv4.conf.$h.rp_filter=1"
	sysctl -qw "net.ipv4.conf.$h.arp_ignore=8"
	ip link set "$h" up
	ip -n "$ns" link set lo up
	ip -n "$ns" link set "$c" up
	ip -n "$ns" addr add "10.53.$n.2/24" dev "$c"
	ip -n "$ns" addr add "fd53:$n::2/64" dev "$c" nodad
	if command -v ethtool >/dev/null; then
		ip netns exec "$ns" ethtool -K "$c" tx off >/dev/null 2>&1 || true
	fi
	echo "ZW_NS=$ns ZW_IFACE=$h ZW_CIFACE=$c ZW_IP4=10.53.$n.1" \
		"ZW_IP6=fd53:$n::1 ZW_CLI4=10.53.$n.2 ZW_CLI6=fd53:$n::2"
}

down() {
	local ns=$1
	ip link del "${ns}h" 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
}

case ${1:-} in
up) [ $# -ge 2 ] || die "usage: netns.sh up NAME [N]"; up "$2" "${3:-53}" ;;
down) [ $# -ge 2 ] || die "usage: netns.sh down NAME"; down "$2" ;;
*) echo "usage: netns.sh up NAME [N] | down NAME" >&2; exit 1 ;;
esac
