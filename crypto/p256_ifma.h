/* AVX-512 IFMA multi-buffer path: u1*G + u2*Q for eight verifications at
 * once, one per 64-bit lane, field elements as five 52-bit limbs
 * multiplied with vpmadd52luq/vpmadd52huq. Used by zw_bv_flush for items
 * whose keys have fixed-base tables, when the CPU has AVX512F and
 * AVX512IFMA (and the OS saves ZMM state), and only after a start-up
 * self-test against the scalar engine agrees; otherwise never called.
 *
 * Not executed on the machines this was written on (AMD EPYC without
 * AVX-512): its arithmetic is tested through a portable model of the
 * instructions (tests/crypto/test_p256.c builds this file with
 * ZW_P256_IFMA_EMULATE), the instruction mapping itself only by the
 * self-test on a machine that has them. */
#ifndef ZW_CRYPTO_P256_IFMA_H
#define ZW_CRYPTO_P256_IFMA_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto/p256_point.h"

#define ZW_P256_LANES 8

typedef unsigned (*zw_p256_mb8_fn)(struct zw_p256_jac r[ZW_P256_LANES],
				   const struct zw_p256_aff *gt, int gw,
				   const uint64_t (*u1)[4],
				   const struct zw_p256_aff *const *qt, int qw,
				   const uint64_t (*u2)[4]);

/* The multi-buffer routine zw_bv_flush uses: the IFMA one when usable,
 * else NULL (scalar engine only). */
zw_p256_mb8_fn zw_p256_mb8(void);

/* Tests: make zw_p256_mb8 return fn (the instruction model), or restore
 * the CPU's choice with NULL. Not for production use. */
void zw_p256_mb8_set(zw_p256_mb8_fn fn);

#endif

/* The routines themselves, declared once per build mode: the instruction
 * model (tests) gets its own names so both can be linked together. */
#undef ZW_P256_IFMA
#ifdef ZW_P256_IFMA_EMULATE
#define ZW_P256_IFMA(name) zw_p256_ifma_emu_##name
#ifndef ZW_P256_IFMA_EMU_DECLARED
#define ZW_P256_IFMA_EMU_DECLARED
#define ZW_P256_IFMA_DECLARE
#endif
#else
#define ZW_P256_IFMA(name) zw_p256_ifma_##name
#ifndef ZW_P256_IFMA_DECLARED
#define ZW_P256_IFMA_DECLARED
#define ZW_P256_IFMA_DECLARE
#endif
#endif

#ifdef ZW_P256_IFMA_DECLARE
#undef ZW_P256_IFMA_DECLARE
/* Whether the CPU can run the path and its self-test passed (checked
 * once, on first call; thread-safe). */
bool ZW_P256_IFMA(usable)(void);

/* The CPU check alone (no self-test). */
bool ZW_P256_IFMA(cpu_has)(void);

/* r[l] = u1[l]*G + u2[l]*Q_l for the eight lanes, from G's table (width
 * gw) and each lane's key table qt[l] (width qw), as mul2_fixed does.
 * Returns a bit mask of lanes that met an exceptional addition (equal or
 * opposite points); their r is not valid and must be recomputed with the
 * scalar engine. */
unsigned ZW_P256_IFMA(mul2_fixed8)(struct zw_p256_jac r[ZW_P256_LANES],
				   const struct zw_p256_aff *gt, int gw,
				   const uint64_t (*u1)[4],
				   const struct zw_p256_aff *const *qt, int qw,
				   const uint64_t (*u2)[4]);
#endif
