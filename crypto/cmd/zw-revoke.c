/* zw-revoke: set the REVOKE bit (RFC 5011) on a key pair, with the flags
 * of BIND's dnssec-revoke.
 *
 *   zw-revoke [-K dir] [-f] [-R] [-r] keyfile
 *
 * Sets REVOKE and the Revoke time (now), so the tag grows by 128 (mod
 * 65536, with the key tag's end-around carry); writes the new .key,
 * .private (and .state) and prints the new base name. Unlike dnssec-revoke
 * the old files are always removed (-r is accepted and implied): a key
 * directory holding both halves of the same key confuses signers. -f
 * overwrites existing files of the revoked tag; -R only prints that tag. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/keyopt.h"
#include "crypto/keyfile.h"
#include "dns/err.h"
#include "dns/name.h"

static void usage(void)
{
	zw_cli_usage(
		"Usage:\n    %s [options] keyfile\n"
		"    -K directory: key file location\n"
		"    -f: overwrite existing files of the revoked key\n"
		"    -R: print the revoked key's tag, change nothing\n"
		"    -r: remove the old files (always done)\n",
		zw_cli_prog());
}

/* "<dir>/<base>" as dnssec-revoke prints it (no "./" without -K). */
static void path_of(const char *dir, const char *base, char *out, size_t n)
{
	if (dir && *dir)
		snprintf(out, n, "%s/%s", dir, base);
	else
		snprintf(out, n, "%s", base);
}

static void refuse_existing(const char *dir, const char *base)
{
	char p[4096 + 16], path[4096];

	path_of(dir, base, path, sizeof(path));
	snprintf(p, sizeof(p), "%s.key", path);
	if (access(p, F_OK) != 0)
		snprintf(p, sizeof(p), "%s.private", path);
	if (access(p, F_OK) == 0)
		zw_cli_die("Key file %s already exists; use -f to force "
			   "overwrite", p);
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *name;
	char dirbuf[4096];
	bool force = false, print_only = false;
	char msg[ZW_KF_MSG], oldbase[1024], newbase[1024], path[4096];
	char label[ZW_NAME_STR_MAX + 32];
	struct zw_keyfile *kf;
	int c, err;

	zw_cli_init("zw-revoke");
	while ((c = getopt(argc, argv, "K:fRrv:E:h")) != -1) {
		switch (c) {
		case 'K': dir = optarg; break;
		case 'f': force = true; break;
		case 'R': print_only = true; break;
		case 'r': case 'v': case 'E': break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	name = argv[optind];
	/* As dnssec-revoke: write beside the key file. */
	if (!dir) {
		name = zw_keyfile_split(name, dirbuf, sizeof(dirbuf));
		dir = dirbuf;
	}
	kf = zw_keyfile_load(dir, name, 0, &err, msg, sizeof(msg));
	if (!kf)
		zw_cli_die("Invalid keyfile name %s: %s", argv[optind], msg);
	zw_cli_key_label(kf->key, label, sizeof(label));
	if (kf->key->flags & ZW_DNSKEY_REVOKE)
		zw_cli_die("Key %s is already revoked", label);
	if (print_only) {
		printf("%u\n", zw_keyfile_revoked_tag(kf->key));
		zw_keyfile_free(kf);
		return 0;
	}
	if (!(kf->key->flags & ZW_DNSKEY_SEP))
		zw_cli_warn("Key is not flagged as a KSK. Revoking a ZSK is "
			    "legal, but undefined.");
	zw_keyfile_basename(kf->key->owner, kf->key->alg, kf->key->tag,
			    oldbase, sizeof(oldbase));
	zw_key_set_flags(kf->key, kf->key->flags | ZW_DNSKEY_REVOKE);
	zw_keyfile_set_time(kf, ZW_KT_REVOKE, (int64_t)time(NULL));
	zw_keyfile_basename(kf->key->owner, kf->key->alg, kf->key->tag,
			    newbase, sizeof(newbase));
	if (!force)
		refuse_existing(dir, newbase);
	if (zw_keyfile_save(kf, dir, msg, sizeof(msg)) != 0)
		zw_cli_die("%s", msg);
	if (zw_keyfile_remove(dir, oldbase, msg, sizeof(msg)) != 0)
		zw_cli_die("%s", msg);
	path_of(dir, newbase, path, sizeof(path));
	printf("%s\n", path);
	zw_keyfile_free(kf);
	return fflush(stdout) == 0 ? 0 : 1;
}
