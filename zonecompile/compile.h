/* Compiling a (signed) zone into an answer table (zonecompile/table.h).
 *
 * zw_compile_zone() answers, ahead of time, every query an authoritative
 * server can get for the zone, as Knot DNS answers it: for each name and
 * type the response after the question, with and without DNSSEC records,
 * and the pieces the lookup assembles for the answers that depend on the
 * query name (names below a delegation, wildcard expansions, NXDOMAIN
 * with its NSEC/NSEC3 proofs, DNAME synthesis). An unsigned zone compiles
 * too; its DO=1 answers then equal the DO=0 ones.
 *
 * zw_compile_write() writes one or more compiled zones as one table file
 * (temp file, fsync, rename: a good file is never replaced by a partial
 * one). */
#ifndef ZW_ZONECOMPILE_COMPILE_H
#define ZW_ZONECOMPILE_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/zone.h"

struct zw_compile_opts {
	/* false: add the apex NS RRset (and its addresses) to the authority
	 * section of positive answers, as BIND with minimal-responses no and
	 * the RFC 4035/5155 examples do; true (Knot): do not. */
	bool minimal;
	uint64_t seed;  /* hash seed; 0: derived from the origin */
	/* Threads resolving and encoding answers (0: online CPUs). The
	 * table is the same for any count. */
	unsigned threads;
	/* true: leave out the nodes of names below a zone cut (glue and
	 * other occluded names, ZWT_N_BELOW): a smaller table (about 75
	 * octets a name) whose answers for them are the same octets but
	 * cost a search for the cut at query time (zw-compile -G). */
	bool no_below;
};

struct zw_compiled;

/* Where the time of a load went: wall seconds, CPU seconds summed over
 * threads, and the CPU seconds of the steps only one thread does. */
struct zw_compile_load_stats {
	unsigned parts;      /* the file was parsed in this many parts */
	double parse, parse_cpu;
	double add;          /* the other parts' records added */
	double finish;       /* zw_zone_finish */
};

/* Load and finish a zone file for compiling, parsed by `threads` threads
 * (0: online CPUs) where the file can be cut without changing a thing
 * (compile_load.c), else by one; the same zone, errors and warnings either
 * way. NULL on failure with a "file:line: message" in err. st may be
 * NULL. */
struct zw_zone *zw_compile_load(const char *path, const uint8_t *origin,
				unsigned threads, zw_zonefile_warn_fn *warn,
				void *warn_ctx, struct zw_compile_load_stats *st,
				char *err, size_t errlen);

/* Where the time of zw_compile_zone went: the wall seconds of building
 * the nodes, the CPU seconds of recording (summed over threads) and of
 * the steps only one thread does. */
struct zw_compile_stats {
	unsigned threads;
	double view;         /* the zone view */
	double nodes;        /* wall: recording and assembling every node */
	double record_cpu;   /* resolving and encoding */
	double assemble_cpu; /* assembling the table in node order */
	double finish;       /* index and hash table (side by side) */
};

/* Compile a finished zone (zw_zone_finish). NULL on failure with a
 * message in err[0..errlen). */
struct zw_compiled *zw_compile_zone(const struct zw_zone *z,
				    const struct zw_compile_opts *opts,
				    char *err, size_t errlen);
void zw_compiled_free(struct zw_compiled *c);
void zw_compiled_stats(const struct zw_compiled *c,
		       struct zw_compile_stats *st);

/* Octets the compiled zone takes in a table file. */
size_t zw_compiled_size(const struct zw_compiled *c);

/* Write n compiled zones to `path` as one table. Returns 0 or a negative
 * zw_err / -errno with a message in err. */
int zw_compile_write(const char *path, struct zw_compiled *const *zones,
		     size_t n, char *err, size_t errlen);

/* The same into memory (malloc'd, 8-aligned); for tests. */
void *zw_compile_to_mem(struct zw_compiled *const *zones, size_t n,
			size_t *len);

#endif
