/* zw-settime: read or change the timing metadata of a key pair, with the
 * flags of BIND's dnssec-settime.
 *
 *   zw-settime [-f] [-K dir] [-L ttl] [-P|-A|-R|-I|-D date] [-P|-D ds date]
 *              [-P|-D sync date] [-S predecessor] [-i interval] [-s]
 *              [-g state] [-d|-k|-r|-z state date] [-p C/P/Pds/Psync/A/R/
 *              I/D/Dds/Dsync/all] [-u] keyfile
 *
 * Unlike dnssec-settime, an existing .state file is always kept in step
 * with the times changed (BIND reads the .state's times over the
 * .private's, so a stale one would hide the change); -s also creates one. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/keyopt.h"
#include "crypto/keyfile.h"
#include "crypto/keytime.h"
#include "dns/err.h"
#include "dns/name.h"

static void usage(void)
{
	zw_cli_usage(
		"Usage:\n    %s [options] keyfile\n"
		"    -f: force update of old-style (v1.2) keys\n"
		"    -K directory: key file location\n"
		"    -L ttl: default key TTL (0 or none: unset)\n"
		"    -P|-A|-R|-I|-D date/[+-]offset/none: publish, activate, "
		"revoke, inactivate, delete\n"
		"    -P ds|-D ds date: DS publish/delete\n"
		"    -P sync|-D sync date: CDS/CDNSKEY publish/delete\n"
		"    -S key: make this key a successor to key\n"
		"    -i interval: prepublication interval (successor: 30d)\n"
		"    -s: create/update the .state file\n"
		"    -g state, -d|-k|-r|-z state date: goal, DS, DNSKEY, "
		"KSK RRSIG, ZSK RRSIG state\n"
		"    -p C/P/Pds/Psync/A/R/I/D/Dds/Dsync/all: print times\n"
		"    -u: print times as UNIX epoch\n",
		zw_cli_prog());
}

/* Printing order and labels of dnssec-settime -p. */
static const struct {
	const char *label;
	int which;
} prints[] = {
	{ "Created", ZW_KT_CREATED },	  { "Publish", ZW_KT_PUBLISH },
	{ "Activate", ZW_KT_ACTIVATE },   { "Revoke", ZW_KT_REVOKE },
	{ "Inactive", ZW_KT_INACTIVE },   { "Delete", ZW_KT_DELETE },
	{ "SYNC Publish", ZW_KT_SYNCPUBLISH },
	{ "SYNC Delete", ZW_KT_SYNCDELETE },
	{ "DS Publish", ZW_KFT_DSPUBLISH },
	{ "DS Delete", ZW_KFT_DSDELETE },
};
#define NPRINT (sizeof(prints) / sizeof(prints[0]))

#define NSTATE 5        /* goal, DS, DNSKEY, KRRSIG, ZRRSIG */

struct opts {
	const char *dir, *pred, *name;
	bool force, epoch, mkstate, print[ZW_KFT_COUNT], any_print;
	struct zw_cli_keytimes kt;
	bool set_ttl;
	uint32_t ttl;
	const char *state[NSTATE];      /* lower-cased into statebuf */
	char statebuf[NSTATE][16];
	int64_t state_when[NSTATE];
	int64_t now;
};

static bool changes(const struct opts *o)
{
	for (int i = 0; i < ZW_KFT_COUNT; i++)
		if (o->kt.set[i])
			return true;
	for (int i = 0; i < NSTATE; i++)
		if (o->state[i])
			return true;
	return o->set_ttl || o->pred || o->mkstate;
}

static void print_opt(struct opts *o, const char *s)
{
	static const char letters[] = "CPARID";
	static const int lw[] = { ZW_KT_CREATED, ZW_KT_PUBLISH,
				  ZW_KT_ACTIVATE, ZW_KT_REVOKE,
				  ZW_KT_INACTIVE, ZW_KT_DELETE };

	o->any_print = true;
	while (*s) {
		const char *l = strchr(letters, *s);

		if (!strncasecmp(s, "all", 3)) {
			memset(o->print, 1, sizeof(o->print));
			s += 3;
		} else if (*s && l) {
			int w = lw[l - letters];

			s++;
			if ((w == ZW_KT_PUBLISH || w == ZW_KT_DELETE) &&
			    !strncmp(s, "sync", 4)) {
				w = w == ZW_KT_PUBLISH ? ZW_KT_SYNCPUBLISH :
							 ZW_KT_SYNCDELETE;
				s += 4;
			} else if ((w == ZW_KT_PUBLISH ||
				    w == ZW_KT_DELETE) &&
				   !strncmp(s, "ds", 2)) {
				w = w == ZW_KT_PUBLISH ? ZW_KFT_DSPUBLISH :
							 ZW_KFT_DSDELETE;
				s += 2;
			}
			o->print[w] = true;
		} else {
			usage();
		}
	}
}

static void state_opt(struct opts *o, int c, const char *arg, int argc,
		      char **argv)
{
	static const char *const ok[] = { "hidden", "rumoured", "omnipresent",
					  "unretentive" };
	int i = (int)(strchr("gdkrz", c) - "gdkrz"), valid = 0;

	for (size_t j = 0; j < 4; j++)
		valid |= !strcasecmp(arg, ok[j]) && (c != 'g' || j % 2 == 0);
	if (!valid)
		zw_cli_die("-%c: bad state '%s' (%s)", c, arg, c == 'g' ?
			   "HIDDEN or OMNIPRESENT" :
			   "HIDDEN, RUMOURED, OMNIPRESENT or UNRETENTIVE");
	for (size_t j = 0; arg[j] && j < sizeof(o->statebuf[0]) - 1; j++)
		o->statebuf[i][j] = (char)tolower((unsigned char)arg[j]);
	o->state[i] = o->statebuf[i];
	if (c != 'g') {
		if (optind >= argc)
			zw_cli_die("-%c %s needs a date", c, arg);
		o->state_when[i] = zw_cli_keytime(&o->kt, argv[optind++]);
	}
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv,
			   "fK:L:P:A:R:I:D:S:i:sg:d:k:r:z:p:uv:E:h")) != -1) {
		switch (c) {
		case 'f': o->force = true; break;
		case 'K': o->dir = optarg; break;
		case 'L': o->ttl = zw_cli_ttl(optarg); o->set_ttl = true; break;
		case 'P': case 'A': case 'R': case 'I': case 'D':
			zw_cli_keytime_opt(&o->kt, c, optarg, argc, argv,
					   true);
			break;
		case 'S': o->pred = optarg; break;
		case 'i': zw_cli_interval_opt(&o->kt, optarg); break;
		case 's': o->mkstate = true; break;
		case 'g': case 'd': case 'k': case 'r': case 'z':
			state_opt(o, c, optarg, argc, argv);
			break;
		case 'p': print_opt(o, optarg); break;
		case 'u': o->epoch = true; break;
		case 'v': case 'E': break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	o->name = argv[optind];
}

static struct zw_keyfile *load(const char *dir, const char *name)
{
	char msg[ZW_KF_MSG];
	struct zw_keyfile *kf;
	int err;

	kf = zw_keyfile_load(dir, name, 0, &err, msg, sizeof(msg));
	if (!kf)
		zw_cli_die("Invalid keyfile %s: %s", name, msg);
	return kf;
}

/* Key size in bits as BIND's .state "Length" gives it. */
static unsigned key_bits(const struct zw_key *k)
{
	const uint8_t *p = k->pub, *end = k->pub + k->publen;
	size_t elen;
	unsigned bits;

	if (zw_alg_default_bits(k->alg) != 2048 || k->publen < 3)
		return zw_alg_default_bits(k->alg);
	elen = p[0] ? p[0] : (size_t)(p[1] << 8 | p[2]);
	p += p[0] ? 1 + elen : 3 + elen;
	while (p < end && *p == 0)
		p++;
	if (p >= end)
		return 0;
	bits = (unsigned)(end - p) * 8;
	for (uint8_t top = *p; !(top & 0x80); top <<= 1)
		bits--;
	return bits;
}

static void make_state(struct zw_keyfile *kf)
{
	char v[16];

	kf->state = calloc(1, sizeof(*kf->state));
	if (!kf->state)
		zw_cli_die("out of memory");
	snprintf(v, sizeof(v), "%u", kf->key->alg);
	zw_keystate_set(kf->state, "Algorithm", v);
	snprintf(v, sizeof(v), "%u", key_bits(kf->key));
	zw_keystate_set(kf->state, "Length", v);
	for (int i = 0; i < ZW_KFT_COUNT; i++)
		zw_keystate_set_time(kf->state, i, zw_keyfile_get_time(kf, i));
	for (int i = ZW_KFN_PREDECESSOR; i <= ZW_KFN_SUCCESSOR; i++)
		if (kf->has_num[i])
			zw_keyfile_set_num(kf, i, true, kf->num[i]);
}

static void set_change_time(struct zw_keyfile *kf, const char *tag, int64_t t)
{
	char ts[ZW_KEYTIME_STR], ct[ZW_KEYTIME_CTIME], v[64];

	if (zw_keytime_fmt(t, ts, sizeof(ts)) < 0 ||
	    zw_keytime_ctime(t, ct, sizeof(ct)) < 0)
		zw_cli_die("time out of range");
	snprintf(v, sizeof(v), "%s (%s)", ts, ct);
	zw_keystate_set(kf->state, tag, v);
}

static void apply_states(struct zw_keyfile *kf, const struct opts *o)
{
	static const char *const st[NSTATE] = { "GoalState", "DSState",
						 "DNSKEYState", "KRRSIGState",
						 "ZRRSIGState" };
	static const char *const ch[NSTATE] = { NULL, "DSChange",
						 "DNSKEYChange",
						 "KRRSIGChange",
						 "ZRRSIGChange" };

	for (int i = 0; i < NSTATE; i++) {
		if (!o->state[i])
			continue;
		zw_keystate_set(kf->state, st[i], o->state[i]);
		if (ch[i])
			set_change_time(kf, ch[i], o->state_when[i]);
	}
}

static void print_paths(const struct opts *o, const struct zw_keyfile *kf)
{
	char base[1024];

	zw_keyfile_basename(kf->key->owner, kf->key->alg, kf->key->tag, base,
			    sizeof(base));
	printf("%s/%s.key\n", o->dir ? o->dir : ".", base);
	if (kf->material)
		printf("%s/%s.private\n", o->dir ? o->dir : ".", base);
	if (kf->state)
		printf("%s/%s.state\n", o->dir ? o->dir : ".", base);
}

static void save(const struct opts *o, struct zw_keyfile *kf)
{
	char msg[ZW_KF_MSG];

	if (zw_keyfile_save(kf, o->dir, msg, sizeof(msg)) != 0)
		zw_cli_die("%s", msg);
	print_paths(o, kf);
}

/* -S: this key follows `pred`: it activates when pred goes inactive and
 * is published the prepublication interval (default 30 days) before. */
static struct zw_keyfile *successor(struct zw_keyfile *kf, struct opts *o)
{
	struct zw_keyfile *pred = load(o->dir, o->pred);
	const struct zw_key *p = pred->key, *k = kf->key;
	int64_t inactive = zw_keyfile_get_time(pred, ZW_KT_INACTIVE);
	int64_t iv = o->kt.has_interval ? o->kt.interval : 30 * 86400;

	const char *why = !zw_name_equal(p->owner, k->owner) ? "names differ" :
			  p->alg != k->alg ? "algorithms differ" :
			  (p->flags ^ k->flags) & ZW_DNSKEY_SEP ?
						"key flags mismatch" :
			  key_bits(p) != key_bits(k) ? "key sizes differ" :
						       NULL;

	if (why)
		zw_cli_die("Key %s cannot succeed %s: %s", o->name, o->pred,
			   why);
	if (!inactive)
		zw_cli_die("Predecessor has no inactivation date. You must "
			   "set one before generating a successor.");
	if (!zw_keyfile_get_time(pred, ZW_KT_DELETE))
		zw_cli_warn("Predecessor has no removal date;\n\tit will "
			    "remain in the zone indefinitely after rollover.");
	zw_keyfile_set_time(kf, ZW_KT_ACTIVATE, inactive);
	zw_keyfile_set_time(kf, ZW_KT_PUBLISH, inactive - iv);
	zw_keyfile_set_num(pred, ZW_KFN_SUCCESSOR, true, k->tag);
	zw_keyfile_set_num(kf, ZW_KFN_PREDECESSOR, true, p->tag);
	return pred;
}

static void apply_times(struct zw_keyfile *kf, struct opts *o)
{
	struct zw_cli_keytimes *kt = &o->kt;
	char label[ZW_NAME_STR_MAX + 32];

	if (kf->minor < 3) {
		if (!o->force) {
			zw_cli_key_label(kf->key, label, sizeof(label));
			zw_cli_die("Key %s has incompatible format version "
				   "1.%u, use -f to force upgrade to new "
				   "version.", label, kf->minor);
		}
		kt->when[ZW_KT_CREATED] = kt->now;
		kt->set[ZW_KT_CREATED] = true;
		if (!kt->set[ZW_KT_PUBLISH] && !kt->set[ZW_KT_ACTIVATE]) {
			kt->when[ZW_KT_PUBLISH] = kt->when[ZW_KT_ACTIVATE] =
				kt->now;
			kt->set[ZW_KT_PUBLISH] = kt->set[ZW_KT_ACTIVATE] = true;
		}
	}
	if (kt->has_interval && !o->pred) {
		bool p = kt->set[ZW_KT_PUBLISH], a = kt->set[ZW_KT_ACTIVATE];

		if (a && !p && kt->when[ZW_KT_ACTIVATE])
			zw_keyfile_set_time(kf, ZW_KT_PUBLISH,
					    kt->when[ZW_KT_ACTIVATE] -
						    kt->interval);
		if (p && !a && kt->when[ZW_KT_PUBLISH])
			zw_keyfile_set_time(kf, ZW_KT_ACTIVATE,
					    kt->when[ZW_KT_PUBLISH] +
						    kt->interval);
	}
	zw_cli_keytimes_apply(kt, kf);
	if (o->set_ttl)
		kf->key->ttl = o->ttl;
}

static void check_times(const struct zw_keyfile *kf, const struct opts *o)
{
	int64_t del = zw_keyfile_get_time(kf, ZW_KT_DELETE);
	int64_t inact = zw_keyfile_get_time(kf, ZW_KT_INACTIVE);
	char label[ZW_NAME_STR_MAX + 32];

	if (o->kt.set[ZW_KT_REVOKE] && o->kt.when[ZW_KT_REVOKE] &&
	    !(kf->key->flags & ZW_DNSKEY_SEP)) {
		zw_cli_key_label(kf->key, label, sizeof(label));
		zw_cli_warn("Key %s is not flagged as a KSK, but -R was "
			    "used.  Revoking a ZSK is legal, but undefined.",
			    label);
	}
	if (del && inact && del < inact)
		zw_cli_warn("Key is scheduled to be deleted before it is\n"
			    "\tscheduled to be inactive.");
}

static void print_times(const struct zw_keyfile *kf, const struct opts *o)
{
	char ct[ZW_KEYTIME_CTIME];

	for (size_t i = 0; i < NPRINT; i++) {
		int64_t t = zw_keyfile_get_time(kf, prints[i].which);

		if (!o->print[prints[i].which])
			continue;
		if (!t)
			printf("%s: UNSET\n", prints[i].label);
		else if (o->epoch)
			printf("%s: %lld\n", prints[i].label, (long long)t);
		else if (zw_keytime_ctime(t, ct, sizeof(ct)) > 0)
			printf("%s: %s\n", prints[i].label, ct);
	}
}

int main(int argc, char **argv)
{
	struct opts o;
	struct zw_keyfile *kf, *pred = NULL;
	char dirbuf[4096];
	const char *name;
	bool change;

	zw_cli_init("zw-settime");
	memset(&o, 0, sizeof(o));
	o.kt.now = (int64_t)time(NULL);
	parse_args(&o, argc, argv);
	name = argv[optind];
	/* As dnssec-settime: write beside the key file. */
	if (!o.dir) {
		name = zw_keyfile_split(name, dirbuf, sizeof(dirbuf));
		o.dir = dirbuf;
	}
	kf = load(o.dir, name);
	change = changes(&o) || (o.force && kf->minor < 3);
	if (change) {
		apply_times(kf, &o);
		if (o.pred)
			pred = successor(kf, &o);
		if (!kf->state && (o.mkstate || o.state[0] || o.state[1] ||
				   o.state[2] || o.state[3] || o.state[4]))
			make_state(kf);
		if (kf->state)
			apply_states(kf, &o);
		check_times(kf, &o);
	}
	if (o.any_print)
		print_times(kf, &o);
	if (change) {
		save(&o, kf);
		if (pred)
			save(&o, pred);
	}
	zw_keyfile_free(pred);
	zw_keyfile_free(kf);
	return fflush(stdout) == 0 ? 0 : 1;
}
