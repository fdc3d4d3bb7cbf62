/* Table sets: every file opened and validated up front, published with one
 * pointer store, the old set released after an RCU grace period (every
 * worker has passed a quiescent point, i.e. finished the burst that might
 * still read it). */
#include <stdio.h>
#include <stdlib.h>

#include "dataplane/dp.h"

struct zw_tset *zw_dp_tables_load(const struct zw_opts *o, uint64_t gen,
				  char *err, size_t errlen)
{
	char terr[ZW_TABLE_ERRMAX];
	struct zw_tset *ts = calloc(1, sizeof(*ts));

	if (!ts) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ts->gen = gen;
	for (unsigned i = 0; i < o->ntables; i++) {
		ts->t[i] = zw_table_open(o->tables[i], terr);
		if (!ts->t[i]) {
			snprintf(err, errlen, "%s", terr);
			zw_dp_tables_free(ts);
			return NULL;
		}
		ts->n++;
	}
	if (ts->n == 0) {
		snprintf(err, errlen, "no table");
		zw_dp_tables_free(ts);
		return NULL;
	}
	return ts;
}

void zw_dp_tables_free(struct zw_tset *ts)
{
	if (!ts)
		return;
	for (unsigned i = 0; i < ts->n; i++)
		zw_table_close(ts->t[i]);
	free(ts);
}

int zw_dp_tables_swap(struct zw_dp *dp, char *msg, size_t msglen)
{
	char err[ZW_TABLE_ERRMAX + 64];
	double t = zw_dp_now();
	struct zw_tset *nts = zw_dp_tables_load(&dp->o, dp->gen + 1, err,
						sizeof(err));
	if (!nts) {
		snprintf(msg, msglen, "error: reload failed, still serving "
				      "generation %llu: %s",
			 (unsigned long long)dp->gen, err);
		return -1;
	}
	dp->gen++;
	struct zw_tset *old = __atomic_exchange_n(&dp->ts, nts,
						  __ATOMIC_ACQ_REL);
	rte_rcu_qsbr_synchronize(dp->qs, RTE_QSBR_THRID_INVALID);
	zw_dp_tables_free(old);
	snprintf(msg, msglen, "ok: generation %llu, %u table%s, swapped in "
			      "%.1f ms",
		 (unsigned long long)dp->gen, nts->n, nts->n == 1 ? "" : "s",
		 (zw_dp_now() - t) * 1e3);
	return 0;
}
