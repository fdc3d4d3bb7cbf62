/* zwctl [-s SOCKET] reload|stats|stop
 *
 * Talks to zwd's control socket (zwd --control SOCKET; default
 * /run/zwd.sock): sends one command line, prints the answer. `reload`
 * makes zwd re-open its table files and swap them in without losing a
 * query; `stats` prints its per-lcore counters as JSON. Exit status 0
 * when zwd says ok (or sent stats), 1 otherwise. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/cli.h"

#define DEFAULT_SOCK "/run/zwd.sock"

static void usage(void)
{
	zw_cli_usage("usage: %s [-s SOCKET] reload|stats|stop\n",
		     zw_cli_prog());
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		zw_cli_error("socket path too long");
		return -1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		zw_cli_error("%s: %s (is zwd running with --control %s?)",
			     path, strerror(errno), path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	const char *sock = DEFAULT_SOCK, *cmd = NULL;
	char buf[4096], line[64];
	int ok = 0, first = 1;

	zw_cli_init("zwctl");

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-s") && i + 1 < argc)
			sock = argv[++i];
		else if (!cmd && argv[i][0] != '-')
			cmd = argv[i];
		else
			usage();
	}
	if (!cmd || (strcmp(cmd, "reload") && strcmp(cmd, "stats") &&
		     strcmp(cmd, "stop")))
		usage();
	int fd = connect_to(sock);
	if (fd < 0)
		return 1;
	int n = snprintf(line, sizeof(line), "%s\n", cmd);
	if (send(fd, line, (size_t)n, MSG_NOSIGNAL) != n) {
		zw_cli_error("send: %s", strerror(errno));
		close(fd);
		return 1;
	}
	ssize_t r;
	while ((r = recv(fd, buf, sizeof(buf), 0)) > 0) {
		if (first)
			ok = !strncmp(buf, "ok", 2) || buf[0] == '{';
		first = 0;
		fwrite(buf, 1, (size_t)r, stdout);
	}
	close(fd);
	if (first)
		zw_cli_error("no answer from zwd");
	return ok ? 0 : 1;
}
