/* zwd's packet path without a PMD: frames from a query capture copied
 * into mbuf-sized buffers and run through zw_engine_burst against a real
 * table, to see what the DNS work costs next to the bare reflect path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/engine.h"
#include "perf/shim_zwd.h"

#define BURST ZW_BURST_MAX /* what zwd asks its PMD for */
#define FRAME_CAP 2048
#define MAX_FRAMES (1u << 20)

struct zw_perf_zwd {
	struct zw_tset ts;
	struct zw_pkt_cfg cfg;
	struct zw_stats st;
	struct zw_engine e;
	uint8_t **frame;   /* pristine copies */
	uint16_t *len;
	size_t n, next;
	uint8_t buf[BURST][FRAME_CAP];
};

static int load_pcap(struct zw_perf_zwd *b, const char *path, char *err,
		     size_t errlen)
{
	FILE *f = fopen(path, "rb");
	uint8_t gh[24], rh[16];
	if (!f || fread(gh, 1, 24, f) != 24) {
		snprintf(err, errlen, "%s: cannot read a pcap header", path);
		if (f)
			fclose(f);
		return -1;
	}
	b->frame = calloc(MAX_FRAMES, sizeof(*b->frame));
	b->len = calloc(MAX_FRAMES, sizeof(*b->len));
	while (b->frame && b->len && b->n < MAX_FRAMES &&
	       fread(rh, 1, 16, f) == 16) {
		uint32_t cl;
		memcpy(&cl, rh + 8, 4);
		if (cl == 0 || cl > FRAME_CAP)
			break;
		uint8_t *p = malloc(cl);
		if (!p || fread(p, 1, cl, f) != cl) {
			free(p);
			break;
		}
		b->frame[b->n] = p;
		b->len[b->n++] = (uint16_t)cl;
	}
	fclose(f);
	if (b->n < BURST) {
		snprintf(err, errlen, "%s: fewer than %d frames", path, BURST);
		return -1;
	}
	return 0;
}

struct zw_perf_zwd *zw_perf_zwd_new(const char *table, const char *pcap,
				    int reflect, char *err, size_t errlen)
{
	static const uint8_t mac[6] = {0x02, 0x70, 0x63, 0x61, 0x70, 0x00};
	char terr[ZW_TABLE_ERRMAX];
	struct zw_perf_zwd *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	if (load_pcap(b, pcap, err, errlen) < 0 ||
	    !(b->ts.t[0] = zw_table_open(table, terr))) {
		if (b->n >= BURST)
			snprintf(err, errlen, "%s", terr);
		zw_perf_zwd_free(b);
		return NULL;
	}
	b->ts.n = 1;
	memcpy(b->cfg.mac, mac, 6);
	b->cfg.has4 = true;
	memcpy(b->cfg.ip4, (uint8_t[4]){10, 53, 0, 1}, 4);
	b->e.cfg = &b->cfg;
	b->e.mtu = 1500;
	b->e.opts.max_udp = 1232;
	b->e.reflect = reflect != 0;
	b->e.ts = &b->ts;
	b->e.st = &b->st;
	return b;
}

void zw_perf_zwd_free(struct zw_perf_zwd *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		free(b->frame[i]);
	free(b->frame);
	free(b->len);
	if (b->ts.n)
		zw_table_close(b->ts.t[0]);
	free(b);
}

unsigned zw_perf_zwd_burst(struct zw_perf_zwd *b)
{
	struct zw_frame f[BURST];
	unsigned ok = 0;
	for (unsigned i = 0; i < BURST; i++) {
		size_t k = b->next++;
		if (b->next == b->n)
			b->next = 0;
		memcpy(b->buf[i], b->frame[k], b->len[k]);
		f[i] = (struct zw_frame){.data = b->buf[i], .len = b->len[k],
					 .cap = FRAME_CAP};
	}
	zw_engine_burst(&b->e, f, BURST);
	for (unsigned i = 0; i < BURST; i++)
		ok += f[i].verdict == ZW_PKT_REPLY;
	return ok;
}

unsigned zw_perf_zwd_burst_size(void)
{
	return BURST;
}

size_t zw_perf_zwd_frames(const struct zw_perf_zwd *b)
{
	return b->n;
}
