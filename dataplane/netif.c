/* The kernel's side of the exception port: our addresses (so the kernel
 * accepts and answers what zwd passes it, e.g. TCP/53), the port's MTU,
 * no IPv6 duplicate address detection (zwd itself owns the address on
 * the wire), link up. Plain ioctls: no netlink library needed. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dataplane/dp.h"

/* linux/ipv6.h's struct in6_ifreq, without pulling in kernel headers */
struct zw_in6_ifreq {
	struct in6_addr addr;
	uint32_t prefixlen;
	int ifindex;
};

static void sysctl6(const char *ifname, const char *key, const char *val)
{
	char path[128];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname,
		 key);
	int fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, val, strlen(val)) < 0) {
			/* best effort: DAD only delays the address */
		}
		close(fd);
	}
}

static int set4(int s, const char *ifname, const struct zw_opts *o)
{
	struct ifreq ifr = {0};
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, o->ip4, 4);
	if (ioctl(s, SIOCSIFADDR, &ifr) < 0)
		return -1;
	uint32_t mask = o->plen4 ? htonl(~0u << (32 - o->plen4)) : 0;
	memcpy(&sin->sin_addr, &mask, 4);
	return ioctl(s, SIOCSIFNETMASK, &ifr);
}

static int set6(const char *ifname, const struct zw_opts *o)
{
	struct zw_in6_ifreq r = {0};
	int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;
	if (s < 0)
		return -1;
	memcpy(&r.addr, o->ip6, 16);
	r.prefixlen = o->plen6;
	r.ifindex = (int)if_nametoindex(ifname);
	if (r.ifindex > 0)
		rc = ioctl(s, SIOCSIFADDR, &r);
	int e = errno;
	close(s);
	errno = e;
	return rc < 0 && errno != EEXIST ? -1 : 0;
}

static int set_up(int s, const char *ifname, uint16_t mtu)
{
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	ifr.ifr_mtu = mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) < 0)
		return -1;
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(s, SIOCSIFFLAGS, &ifr);
}

int zw_dp_netif_config(const char *ifname, const struct zw_opts *o,
		       uint16_t mtu, char *err, size_t errlen)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	const char *what = "socket";

	if (s < 0)
		goto fail;
	sysctl6(ifname, "accept_dad", "0");
	sysctl6(ifname, "router_solicitations", "0");
	what = "MTU/up";
	if (set_up(s, ifname, mtu) < 0)
		goto fail;
	what = "IPv4 address";
	if (o->has4 && set4(s, ifname, o) < 0)
		goto fail;
	what = "IPv6 address";
	if (o->has6 && set6(ifname, o) < 0)
		goto fail;
	close(s);
	return 0;
fail:
	snprintf(err, errlen, "exception interface %s: %s: %s", ifname, what,
		 strerror(errno));
	if (s >= 0)
		close(s);
	return -1;
}
