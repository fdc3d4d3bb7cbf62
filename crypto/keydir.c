/* Key files as files: base names, atomic writes, removal and the tag
 * collision check over a key directory (keyfile.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/kf_int.h"
#include "dns/err.h"
#include "dns/name.h"

#define MAXFILE (1u << 20)

bool zw_kf_join(char *out, size_t outsize, const char *dir, const char *name)
{
	int n;

	if (!dir || !*dir || name[0] == '/')
		n = snprintf(out, outsize, "%s", name);
	else
		n = snprintf(out, outsize, "%s/%s", dir, name);
	return n >= 0 && (size_t)n < outsize;
}

const char *zw_keyfile_split(const char *path, char *dirbuf, size_t n)
{
	const char *slash = strrchr(path, '/');
	size_t len;

	if (!slash) {
		snprintf(dirbuf, n, ".");
		return path;
	}
	len = slash == path ? 1 : (size_t)(slash - path);
	snprintf(dirbuf, n, "%.*s", (int)(len < n ? len : n - 1), path);
	return slash + 1;
}

int zw_kf_read(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	char *b;

	if (!f)
		return -errno;
	b = malloc(MAXFILE + 1);
	if (!b) {
		fclose(f);
		return ZW_ENOMEM;
	}
	n = fread(b, 1, MAXFILE + 1, f);
	if (ferror(f) || n > MAXFILE) {
		int e = ferror(f) ? -EIO : ZW_ERANGE;

		fclose(f);
		free(b);
		return e;
	}
	fclose(f);
	b[n] = 0;
	*buf = b;
	*len = n;
	return 0;
}

static int fsync_dir(const char *path)
{
	char copy[4096];
	int fd, r = 0;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return -ENAMETOOLONG;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0 && errno != EINVAL)
		r = -errno;
	close(fd);
	return r;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int zw_kf_write_atomic(const char *path, const char *data, size_t len,
		       unsigned mode)
{
	char tmp[4096 + 16];
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);      /* created 0600: never readable by others */
	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	if (r == 0 && fchmod(fd, (mode_t)mode) != 0)
		r = -errno;
	if (r == 0 && fsync(fd) != 0)
		r = -errno;
	if (close(fd) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) != 0)
		r = -errno;
	if (r != 0) {
		unlink(tmp);
		return r;
	}
	return fsync_dir(path);
}

int zw_keyfile_remove(const char *dir, const char *base, char *msg,
		      size_t msglen)
{
	static const char *const ext[] = { ".key", ".private", ".state" };
	char name[1024], path[4096];

	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "%s%s", base, ext[i]);
		if (!zw_kf_join(path, sizeof(path), dir, name))
			return -ENAMETOOLONG;
		if (unlink(path) != 0 && errno != ENOENT) {
			int e = errno;

			snprintf(msg, msglen, "%s: cannot remove: %s", path,
				 strerror(e));
			return -e;
		}
	}
	return 0;
}

/* One label octet as BIND spells it in file names. */
static void put_octet(uint8_t c, char **p)
{
	if (isalnum(c) || c == '-' || c == '_')
		*(*p)++ = (char)tolower(c);
	else
		*p += sprintf(*p, "%%%02X", c);
}

int zw_keyfile_basename(const uint8_t *owner, uint8_t alg, uint16_t tag,
			char *buf, size_t bufsize)
{
	char tmp[ZW_NAME_MAX * 3 + 32], *p = tmp;
	const uint8_t *l = owner;

	*p++ = 'K';
	if (!*l)
		*p++ = '.';
	for (; *l; l += *l + 1) {
		for (unsigned i = 1; i <= *l; i++)
			put_octet(l[i], &p);
		*p++ = '.';
	}
	p += sprintf(p, "+%03u+%05u", alg, tag);
	if ((size_t)(p - tmp) >= bufsize)
		return ZW_ENOSPC;
	memcpy(buf, tmp, (size_t)(p - tmp) + 1);
	return (int)(p - tmp);
}

uint16_t zw_keyfile_revoked_tag(const struct zw_key *key)
{
	uint8_t rd[4 + ZW_KEY_PUB_MAX];
	int len = zw_key_dnskey_rdata(key, rd, sizeof(rd));

	if (len < 4)
		return 0;
	rd[1] ^= ZW_DNSKEY_REVOKE;
	return zw_keytag(rd, (size_t)len);
}

/* Tag of a directory entry "<prefix>NNNNN.<ext>", -1 when not one. */
static int entry_tag(const char *name, const char *prefix, size_t plen)
{
	const char *t = name + plen;
	int v = 0;

	if (strncmp(name, prefix, plen) != 0)
		return -1;
	for (int i = 0; i < 5; i++) {
		if (!isdigit((unsigned char)t[i]))
			return -1;
		v = v * 10 + (t[i] - '0');
	}
	if (strcmp(t + 5, ".key") && strcmp(t + 5, ".private") &&
	    strcmp(t + 5, ".state"))
		return -1;
	return v <= 0xffff ? v : -1;
}

/* The revoked tag of an existing key equals ours? Load its .key. */
static bool revoked_match(const char *dir, const char *name, uint16_t tag)
{
	struct zw_keyfile *kf;
	char msg[ZW_KF_MSG];
	bool hit;
	int err;

	kf = zw_keyfile_load(dir, name, ZW_KF_PUBLIC, &err, msg, sizeof(msg));
	if (!kf)
		return false;
	hit = zw_keyfile_revoked_tag(kf->key) == tag;
	zw_keyfile_free(kf);
	return hit;
}

int zw_keyfile_collides(const char *dir, const struct zw_key *key, char *msg,
			size_t msglen)
{
	char prefix[1024];
	const char *d = dir && *dir ? dir : ".";
	uint16_t rtag = zw_keyfile_revoked_tag(key);
	struct dirent *e;
	DIR *dh;
	int n, hit = 0;

	n = zw_keyfile_basename(key->owner, key->alg, 0, prefix,
				sizeof(prefix));
	if (n < 0)
		return n;
	prefix[n - 5] = 0;      /* keep "K<name>+AAA+" */
	dh = opendir(d);
	if (!dh) {
		int e = errno;

		snprintf(msg, msglen, "cannot open directory %s: %s", d,
			 strerror(e));
		return -e;
	}
	while (!hit && (e = readdir(dh))) {
		int t = entry_tag(e->d_name, prefix, (size_t)n - 5);

		if (t < 0)
			continue;
		hit = t == key->tag || t == rtag ||
		      (strcmp(e->d_name + n, ".key") == 0 &&
		       revoked_match(d, e->d_name, key->tag));
	}
	closedir(dh);
	return hit;
}
