/* File adapter for the master-file parser: the only code in dns/ that
 * touches the file system (open, read, close; nothing is printed).
 * $INCLUDE paths that are not absolute resolve against the directory of
 * the including file. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dns/err.h"
#include "dns/zonefile.h"

static void *fd_handle(int fd)
{
	return (void *)(intptr_t)(fd + 1);
}

static int handle_fd(void *h)
{
	return (int)(intptr_t)h - 1;
}

static long fd_read(void *ctx, void *h, char *buf, size_t len)
{
	(void)ctx;
	for (;;) {
		ssize_t n = read(handle_fd(h), buf, len);
		if (n >= 0)
			return (long)n;
		if (errno != EINTR)
			return -errno;
	}
}

static void fd_close(void *ctx, void *h)
{
	(void)ctx;
	close(handle_fd(h));
}

static void *open_path(const char *path, int *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	return fd_handle(fd);
}

static void *fd_open(void *ctx, const char *from, const char *path,
		     char *name, size_t namemax, int *err)
{
	const char *slash = strrchr(from, '/');
	int n;
	(void)ctx;
	if (path[0] == '/' || !slash)
		n = snprintf(name, namemax, "%s", path);
	else
		n = snprintf(name, namemax, "%.*s/%s", (int)(slash - from),
			     from, path);
	if (n < 0 || (size_t)n >= namemax) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	return open_path(name, err);
}

static const struct zw_zonefile_io fd_io = {fd_read, fd_open, fd_close, NULL};

struct zw_zonefile *zw_zonefile_open(const char *path,
				     const struct zw_zonefile_opts *opts,
				     int *err)
{
	void *h = open_path(path, err);
	if (!h)
		return NULL;
	struct zw_zonefile *zf = zw_zonefile_new(&fd_io, h, path, opts);
	if (!zf)
		*err = ZW_ENOMEM;
	return zf;
}
