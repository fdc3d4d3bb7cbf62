/* libFuzzer target for the master-file parser and the zone model: the input
 * is a zone file (origin example.); every record goes into a zone, which is
 * finished, walked and printed. Record count is capped so that a $GENERATE
 * with a huge range stays fast (the parser itself streams it). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/zone.h"
#include "dns/zonefile.h"

#define MAX_RECORDS 20000

static char text[5 * ZW_RDATA_MAX + 64];

static void walk(const struct zw_zone *z)
{
	char owner[ZW_NAME_STR_MAX];
	for (size_t i = 0; i < zw_zone_count(z); i++) {
		const struct zw_node *n = zw_zone_node(z, i);
		struct zw_rrset rs;
		zw_name_to_str(zw_node_name(n), owner, sizeof owner);
		if (zw_zone_find(z, zw_node_name(n)) != (long)i)
			__builtin_trap();
		for (bool ok = zw_rrset_first(n, &rs); ok;
		     ok = zw_rrset_next(n, &rs)) {
			const uint8_t *p = rs.rdata;
			zw_zone_role(n, rs.type, rs.covers);
			for (uint32_t k = 0; k < rs.count; k++) {
				uint16_t len;
				const uint8_t *rd = zw_rr_next(&p, &len);
				zw_rdata_to_str(rs.type, rd, len, text,
						sizeof text);
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t origin[] = "\007example";
	struct zw_zonefile_opts o = {origin, NULL, NULL};
	struct zw_zonefile *zf = zw_zonefile_new_mem((const char *)data, size,
						     "fuzz", &o);
	struct zw_zone *z = zw_zone_new(origin);
	struct zw_rec r;
	int rc, n = 0;
	if (!zf || !z)
		__builtin_trap();
	while (n++ < MAX_RECORDS && (rc = zw_zonefile_next(zf, &r)) > 0)
		if (zw_zone_add(z, &r) < 0)
			break;
	zw_zonefile_free(zf);
	if (zw_zone_finish(z) == 0) {
		walk(z);
		zw_zone_serial(z);
	}
	zw_zone_free(z);
	return 0;
}
