/* x86-64 P-256 field operations in inline assembly. Included by
 * p256_field.h only. */
#ifndef ZW_CRYPTO_P256_FIELD_X86_64_H
#define ZW_CRYPTO_P256_FIELD_X86_64_H

/* Two forms of multiplication and squaring: baseline x86-64 (mul/adc),
 * and BMI2/ADX (mulx with two carry chains, adcx/adox, about 25% faster
 * here), picked per call on a flag set once at start-up from CPUID, a
 * well-predicted branch. The algorithms are the generic C ones, which GCC
 * compiles to about twice the instructions. Montgomery round i with q = t_i adds
 * q<<32 to t_{i+1}, q>>32 to t_{i+2}, q*0xffffffff00000001 to t_{i+3..4}
 * and ripples the carry up to h (bit 512). The a pointer register is
 * free by then and serves as the scratch register. */
#define ZW_P256_ROUND_ASM(q, t1, t2, t3, t4, rest)                      \
	"movq %[" q "], %%rax\n\t"                                     \
	"mulq %[p3]\n\t"                                               \
	"movq %[" q "], %[a]\n\t"                                      \
	"shlq $32, %[a]\n\t"                                           \
	"shrq $32, %[" q "]\n\t"                                       \
	"addq %[a], %[" t1 "]\n\t"                                     \
	"adcq %[" q "], %[" t2 "]\n\t"                                 \
	"adcq %%rax, %[" t3 "]\n\t"                                    \
	"adcq %%rdx, %[" t4 "]\n\t"                                    \
	rest

#define ZW_P256_REDC_ASM                                                \
	"xorl %k[h], %k[h]\n\t"                                         \
	ZW_P256_ROUND_ASM("t0", "t1", "t2", "t3", "t4",                 \
		"adcq $0, %[t5]\n\tadcq $0, %[t6]\n\t"                  \
		"adcq $0, %[t7]\n\tadcq $0, %[h]\n\t")                  \
	ZW_P256_ROUND_ASM("t1", "t2", "t3", "t4", "t5",                 \
		"adcq $0, %[t6]\n\tadcq $0, %[t7]\n\t"                  \
		"adcq $0, %[h]\n\t")                                    \
	ZW_P256_ROUND_ASM("t2", "t3", "t4", "t5", "t6",                 \
		"adcq $0, %[t7]\n\tadcq $0, %[h]\n\t")                  \
	ZW_P256_ROUND_ASM("t3", "t4", "t5", "t6", "t7",                 \
		"adcq $0, %[h]\n\t")

/* Final subtraction of p from h:t4..t7 (< 2p) into t0..t3, keeping
 * t4..t7 when that borrows: p = (2^64-1, 2^32-1, 0, 2^64-2^32+1). */
#define ZW_P256_CSUB_ASM                                                \
	"movq %[t4], %[t0]\n\t"                                         \
	"movq %[t5], %[t1]\n\t"                                         \
	"movq %[t6], %[t2]\n\t"                                         \
	"movq %[t7], %[t3]\n\t"                                         \
	"subq $-1, %[t0]\n\t"                                           \
	"sbbq %[p1], %[t1]\n\t"                                         \
	"sbbq $0, %[t2]\n\t"                                            \
	"sbbq %[p3], %[t3]\n\t"                                         \
	"sbbq $0, %[h]\n\t"                                             \
	"cmovcq %[t4], %[t0]\n\t"                                       \
	"cmovcq %[t5], %[t1]\n\t"                                       \
	"cmovcq %[t6], %[t2]\n\t"                                       \
	"cmovcq %[t7], %[t3]\n\t"

static const uint64_t zw_p256_p1_ = 0x00000000ffffffffULL;
static const uint64_t zw_p256_p3_ = 0xffffffff00000001ULL;

/* t += a[j]*b[i] + h; the high half goes to `out` (h, or the row's top). */
#define ZW_P256_MAC_ASM(aj, bi, t, out)                                 \
	"movq " aj "(%[a]), %%rax\n\t"                                  \
	"mulq " bi "(%[b])\n\t"                                         \
	"addq %[h], %[" t "]\n\t"                                       \
	"adcq $0, %%rdx\n\t"                                            \
	"addq %%rax, %[" t "]\n\t"                                      \
	"adcq $0, %%rdx\n\t"                                            \
	"movq %%rdx, %[" out "]\n\t"

/* Row i of the schoolbook product: t_i..t_{i+3} += a*b[i], t_{i+4} set. */
#define ZW_P256_ROW_ASM(bi, t0, t1, t2, t3, t4)                         \
	"movq 0(%[a]), %%rax\n\t"                                       \
	"mulq " bi "(%[b])\n\t"                                         \
	"addq %%rax, %[" t0 "]\n\t"                                     \
	"adcq $0, %%rdx\n\t"                                            \
	"movq %%rdx, %[h]\n\t"                                          \
	ZW_P256_MAC_ASM("8", bi, t1, "h")                               \
	ZW_P256_MAC_ASM("16", bi, t2, "h")                              \
	ZW_P256_MAC_ASM("24", bi, t3, t4)

/* The first row has nothing to add to. */
#define ZW_P256_ROW0_ASM(aj, t, out)                                    \
	"movq " aj "(%[a]), %%rax\n\t"                                  \
	"mulq 0(%[b])\n\t"                                              \
	"addq %%rax, %[" t "]\n\t"                                      \
	"adcq $0, %%rdx\n\t"                                            \
	"movq %%rdx, %[" out "]\n\t"

static inline void zw_p256_fe_mul_mulq(uint64_t r[4],
					 const uint64_t a[4],
					 const uint64_t b[4])
{
	uint64_t t0, t1, t2, t3, t4, t5, t6, t7, h;
	const uint64_t *pa = a, *pb = b;

	__asm__(
		"movq 0(%[a]), %%rax\n\t"
		"mulq 0(%[b])\n\t"
		"movq %%rax, %[t0]\n\t"
		"movq %%rdx, %[t1]\n\t"
		ZW_P256_ROW0_ASM("8", "t1", "t2")
		ZW_P256_ROW0_ASM("16", "t2", "t3")
		ZW_P256_ROW0_ASM("24", "t3", "t4")
		ZW_P256_ROW_ASM("8", "t1", "t2", "t3", "t4", "t5")
		ZW_P256_ROW_ASM("16", "t2", "t3", "t4", "t5", "t6")
		ZW_P256_ROW_ASM("24", "t3", "t4", "t5", "t6", "t7")
		ZW_P256_REDC_ASM
		ZW_P256_CSUB_ASM
		: [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2),
		  [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5),
		  [t6] "=&r"(t6), [t7] "=&r"(t7), [h] "=&r"(h),
		  [a] "+r"(pa), [b] "+r"(pb)
		: [p3] "m"(zw_p256_p3_), [p1] "m"(zw_p256_p1_), "m"(*(const uint64_t(*)[4])a),
		  "m"(*(const uint64_t(*)[4])b)
		: "rax", "rdx", "cc");
	r[0] = t0;
	r[1] = t1;
	r[2] = t2;
	r[3] = t3;
}

/* Square: cross products, doubled by an add-with-carry chain, then each
 * diagonal square a_i^2 added at t_{2i} with the carry kept in h across
 * the multiplications (mul clobbers the flags). */
#define ZW_P256_DIAG_ASM(ai, lo, hi)                                    \
	"movq " ai "(%[a]), %%rax\n\t"                                  \
	"mulq %%rax\n\t"                                                \
	"addq %[h], %%rax\n\t"                                          \
	"adcq $0, %%rdx\n\t"                                            \
	"addq %%rax, %[" lo "]\n\t"                                     \
	"adcq %%rdx, %[" hi "]\n\t"                                     \
	"movl $0, %k[h]\n\t"                                            \
	"adcq $0, %[h]\n\t"

static inline void zw_p256_fe_sqr_mulq(uint64_t r[4],
					 const uint64_t a[4])
{
	uint64_t t0, t1, t2, t3, t4, t5, t6, t7, h;
	const uint64_t *pa = a;

	__asm__(
		"movq 0(%[a]), %%rax\n\t"
		"mulq 8(%[a])\n\t"
		"movq %%rax, %[t1]\n\t"
		"movq %%rdx, %[t2]\n\t"
		"movq 0(%[a]), %%rax\n\t"
		"mulq 16(%[a])\n\t"
		"addq %%rax, %[t2]\n\t"
		"adcq $0, %%rdx\n\t"
		"movq %%rdx, %[t3]\n\t"
		"movq 0(%[a]), %%rax\n\t"
		"mulq 24(%[a])\n\t"
		"addq %%rax, %[t3]\n\t"
		"adcq $0, %%rdx\n\t"
		"movq %%rdx, %[t4]\n\t"
		"movq 8(%[a]), %%rax\n\t"
		"mulq 16(%[a])\n\t"
		"addq %%rax, %[t3]\n\t"
		"adcq $0, %%rdx\n\t"
		"movq %%rdx, %[h]\n\t"
		"movq 8(%[a]), %%rax\n\t"
		"mulq 24(%[a])\n\t"
		"addq %[h], %[t4]\n\t"
		"adcq $0, %%rdx\n\t"
		"addq %%rax, %[t4]\n\t"
		"adcq $0, %%rdx\n\t"
		"movq %%rdx, %[t5]\n\t"
		"movq 16(%[a]), %%rax\n\t"
		"mulq 24(%[a])\n\t"
		"addq %%rax, %[t5]\n\t"
		"adcq $0, %%rdx\n\t"
		"movq %%rdx, %[t6]\n\t"
		"xorl %k[t7], %k[t7]\n\t"
		"addq %[t1], %[t1]\n\t"
		"adcq %[t2], %[t2]\n\t"
		"adcq %[t3], %[t3]\n\t"
		"adcq %[t4], %[t4]\n\t"
		"adcq %[t5], %[t5]\n\t"
		"adcq %[t6], %[t6]\n\t"
		"adcq $0, %[t7]\n\t"
		"movq 0(%[a]), %%rax\n\t"
		"mulq %%rax\n\t"
		"movq %%rax, %[t0]\n\t"
		"addq %%rdx, %[t1]\n\t"
		"movl $0, %k[h]\n\t"
		"adcq $0, %[h]\n\t"
		ZW_P256_DIAG_ASM("8", "t2", "t3")
		ZW_P256_DIAG_ASM("16", "t4", "t5")
		ZW_P256_DIAG_ASM("24", "t6", "t7")
		ZW_P256_REDC_ASM
		ZW_P256_CSUB_ASM
		: [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2),
		  [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5),
		  [t6] "=&r"(t6), [t7] "=&r"(t7), [h] "=&r"(h),
		  [a] "+r"(pa)
		: [p3] "m"(zw_p256_p3_), [p1] "m"(zw_p256_p1_), "m"(*(const uint64_t(*)[4])a)
		: "rax", "rdx", "cc");
	r[0] = t0;
	r[1] = t1;
	r[2] = t2;
	r[3] = t3;
}

static inline void zw_p256_fe_add_x86_64(uint64_t r[4],
					 const uint64_t a[4],
					 const uint64_t b[4])
{
	uint64_t t0, t1, t2, t3, d0, d1, d2, d3, h;

	__asm__(
		"movq 0(%[a]), %[t0]\n\t"
		"movq 8(%[a]), %[t1]\n\t"
		"movq 16(%[a]), %[t2]\n\t"
		"movq 24(%[a]), %[t3]\n\t"
		"xorl %k[h], %k[h]\n\t"
		"addq 0(%[b]), %[t0]\n\t"
		"adcq 8(%[b]), %[t1]\n\t"
		"adcq 16(%[b]), %[t2]\n\t"
		"adcq 24(%[b]), %[t3]\n\t"
		"adcq $0, %[h]\n\t"
		"movq %[t0], %[d0]\n\t"
		"movq %[t1], %[d1]\n\t"
		"movq %[t2], %[d2]\n\t"
		"movq %[t3], %[d3]\n\t"
		"subq $-1, %[d0]\n\t"
		"sbbq %[p1], %[d1]\n\t"
		"sbbq $0, %[d2]\n\t"
		"sbbq %[p3], %[d3]\n\t"
		"sbbq $0, %[h]\n\t"
		"cmovcq %[t0], %[d0]\n\t"
		"cmovcq %[t1], %[d1]\n\t"
		"cmovcq %[t2], %[d2]\n\t"
		"cmovcq %[t3], %[d3]\n\t"
		: [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2),
		  [t3] "=&r"(t3), [d0] "=&r"(d0), [d1] "=&r"(d1),
		  [d2] "=&r"(d2), [d3] "=&r"(d3), [h] "=&r"(h)
		: [a] "r"(a), [b] "r"(b), [p1] "m"(zw_p256_p1_),
		  [p3] "m"(zw_p256_p3_), "m"(*(const uint64_t(*)[4])a),
		  "m"(*(const uint64_t(*)[4])b)
		: "cc");
	r[0] = d0;
	r[1] = d1;
	r[2] = d2;
	r[3] = d3;
}

/* a - b, then p added back under the borrow mask. */
static inline void zw_p256_fe_sub_x86_64(uint64_t r[4],
					 const uint64_t a[4],
					 const uint64_t b[4])
{
	uint64_t t0, t1, t2, t3, m, m1, m3;

	__asm__(
		"movq 0(%[a]), %[t0]\n\t"
		"movq 8(%[a]), %[t1]\n\t"
		"movq 16(%[a]), %[t2]\n\t"
		"movq 24(%[a]), %[t3]\n\t"
		"subq 0(%[b]), %[t0]\n\t"
		"sbbq 8(%[b]), %[t1]\n\t"
		"sbbq 16(%[b]), %[t2]\n\t"
		"sbbq 24(%[b]), %[t3]\n\t"
		"sbbq %[m], %[m]\n\t"
		"movq %[m], %[m1]\n\t"
		"andq %[p1], %[m1]\n\t"
		"movq %[m], %[m3]\n\t"
		"andq %[p3], %[m3]\n\t"
		"addq %[m], %[t0]\n\t"
		"adcq %[m1], %[t1]\n\t"
		"adcq $0, %[t2]\n\t"
		"adcq %[m3], %[t3]\n\t"
		: [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2),
		  [t3] "=&r"(t3), [m] "=&r"(m), [m1] "=&r"(m1), [m3] "=&r"(m3)
		: [a] "r"(a), [b] "r"(b), [p1] "m"(zw_p256_p1_),
		  [p3] "m"(zw_p256_p3_), "m"(*(const uint64_t(*)[4])a),
		  "m"(*(const uint64_t(*)[4])b)
		: "cc");
	r[0] = t0;
	r[1] = t1;
	r[2] = t2;
	r[3] = t3;
}

/* BMI2/ADX product row i: rdx = b[i]; low halves ride the CF chain
 * (adcx), high halves the OF chain (adox), t_{i+4} starts at zero. */
#define ZW_P256_ROWX_ASM(bi, t0, t1, t2, t3, t4)                        \
	"movq " bi "(%[b]), %%rdx\n\t"                                  \
	"xorl %k[h], %k[h]\n\t"                                         \
	"mulxq 0(%[a]), %%rax, %[h]\n\t"                                \
	"adcxq %%rax, %[" t0 "]\n\t"                                    \
	"adoxq %[h], %[" t1 "]\n\t"                                     \
	"mulxq 8(%[a]), %%rax, %[h]\n\t"                                \
	"adcxq %%rax, %[" t1 "]\n\t"                                    \
	"adoxq %[h], %[" t2 "]\n\t"                                     \
	"mulxq 16(%[a]), %%rax, %[h]\n\t"                               \
	"adcxq %%rax, %[" t2 "]\n\t"                                    \
	"adoxq %[h], %[" t3 "]\n\t"                                     \
	"movl $0, %k[" t4 "]\n\t"                                       \
	"mulxq 24(%[a]), %%rax, %[h]\n\t"                               \
	"adcxq %%rax, %[" t3 "]\n\t"                                    \
	"adoxq %[h], %[" t4 "]\n\t"                                     \
	"adcq $0, %[" t4 "]\n\t"

static inline void zw_p256_fe_mul_mulx(uint64_t r[4], const uint64_t a[4],
				       const uint64_t b[4])
{
	uint64_t t0, t1, t2, t3, t4, t5, t6, t7, h;
	const uint64_t *pa = a, *pb = b;

	__asm__(
		"movq 0(%[b]), %%rdx\n\t"
		"mulxq 0(%[a]), %[t0], %[t1]\n\t"
		"mulxq 8(%[a]), %%rax, %[t2]\n\t"
		"addq %%rax, %[t1]\n\t"
		"mulxq 16(%[a]), %%rax, %[t3]\n\t"
		"adcq %%rax, %[t2]\n\t"
		"mulxq 24(%[a]), %%rax, %[t4]\n\t"
		"adcq %%rax, %[t3]\n\t"
		"adcq $0, %[t4]\n\t"
		ZW_P256_ROWX_ASM("8", "t1", "t2", "t3", "t4", "t5")
		ZW_P256_ROWX_ASM("16", "t2", "t3", "t4", "t5", "t6")
		ZW_P256_ROWX_ASM("24", "t3", "t4", "t5", "t6", "t7")
		ZW_P256_REDC_ASM
		ZW_P256_CSUB_ASM
		: [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2),
		  [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5),
		  [t6] "=&r"(t6), [t7] "=&r"(t7), [h] "=&r"(h),
		  [a] "+r"(pa), [b] "+r"(pb)
		: [p3] "m"(zw_p256_p3_), [p1] "m"(zw_p256_p1_),
		  "m"(*(const uint64_t(*)[4])a),
		  "m"(*(const uint64_t(*)[4])b)
		: "rax", "rdx", "cc");
	r[0] = t0;
	r[1] = t1;
	r[2] = t2;
	r[3] = t3;
}

/* Squaring with mulx: mulx leaves the flags alone, so the doubled cross
 * products and the diagonal squares share one carry chain. */
static inline void zw_p256_fe_sqr_mulx(uint64_t r[4], const uint64_t a[4])
{
	uint64_t t0, t1, t2, t3, t4, t5, t6, t7, h;
	const uint64_t *pa = a;

	__asm__(
		"movq 0(%[a]), %%rdx\n\t"
		"mulxq 8(%[a]), %[t1], %[t2]\n\t"
		"mulxq 16(%[a]), %%rax, %[t3]\n\t"
		"addq %%rax, %[t2]\n\t"
		"mulxq 24(%[a]), %%rax, %[t4]\n\t"
		"adcq %%rax, %[t3]\n\t"
		"movq 8(%[a]), %%rdx\n\t"
		"mulxq 24(%[a]), %%rax, %[t5]\n\t"
		"adcq %%rax, %[t4]\n\t"
		"adcq $0, %[t5]\n\t"
		"mulxq 16(%[a]), %%rax, %[h]\n\t"
		"addq %%rax, %[t3]\n\t"
		"adcq %[h], %[t4]\n\t"
		"adcq $0, %[t5]\n\t"
		"movq 16(%[a]), %%rdx\n\t"
		"mulxq 24(%[a]), %%rax, %[t6]\n\t"
		"addq %%rax, %[t5]\n\t"
		"adcq $0, %[t6]\n\t"
		"xorl %k[t7], %k[t7]\n\t"
		"addq %[t1], %[t1]\n\t"
		"adcq %[t2], %[t2]\n\t"
		"adcq %[t3], %[t3]\n\t"
		"adcq %[t4], %[t4]\n\t"
		"adcq %[t5], %[t5]\n\t"
		"adcq %[t6], %[t6]\n\t"
		"adcq $0, %[t7]\n\t"
		"movq 0(%[a]), %%rdx\n\t"
		"mulxq %%rdx, %[t0], %%rax\n\t"
		"addq %%rax, %[t1]\n\t"
		"movq 8(%[a]), %%rdx\n\t"
		"mulxq %%rdx, %%rax, %[h]\n\t"
		"adcq %%rax, %[t2]\n\t"
		"adcq %[h], %[t3]\n\t"
		"movq 16(%[a]), %%rdx\n\t"
		"mulxq %%rdx, %%rax, %[h]\n\t"
		"adcq %%rax, %[t4]\n\t"
		"adcq %[h], %[t5]\n\t"
		"movq 24(%[a]), %%rdx\n\t"
		"mulxq %%rdx, %%rax, %[h]\n\t"
		"adcq %%rax, %[t6]\n\t"
		"adcq %[h], %[t7]\n\t"
		ZW_P256_REDC_ASM
		ZW_P256_CSUB_ASM
		: [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2),
		  [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5),
		  [t6] "=&r"(t6), [t7] "=&r"(t7), [h] "=&r"(h),
		  [a] "+r"(pa)
		: [p3] "m"(zw_p256_p3_), [p1] "m"(zw_p256_p1_),
		  "m"(*(const uint64_t(*)[4])a)
		: "rax", "rdx", "cc");
	r[0] = t0;
	r[1] = t1;
	r[2] = t2;
	r[3] = t3;
}

/* Set at start-up (p256_field.c) when the CPU has BMI2 and ADX. */
extern int zw_p256_have_mulx;

static inline void zw_p256_fe_mul_x86_64(uint64_t r[4], const uint64_t a[4],
					 const uint64_t b[4])
{
	if (zw_p256_have_mulx)
		zw_p256_fe_mul_mulx(r, a, b);
	else
		zw_p256_fe_mul_mulq(r, a, b);
}

static inline void zw_p256_fe_sqr_x86_64(uint64_t r[4], const uint64_t a[4])
{
	if (zw_p256_have_mulx)
		zw_p256_fe_sqr_mulx(r, a);
	else
		zw_p256_fe_sqr_mulq(r, a);
}

#endif
