/* perf/shim_mem: the memory benchmark measures what it says only if its
 * lines form one cycle through the whole buffer (a shorter loop would sit
 * in the cache) and its walks start apart; both checked here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "perf/shim_mem.h"

/* The smallest buffer: 2 MiB, 32768 lines. */
static void test_one_cycle(void **state)
{
	(void)state;
	struct zw_perf_mem *m = zw_perf_mem_new(2);
	assert_non_null(m);
	size_t lines = zw_perf_mem_lines(m);
	assert_int_equal(lines, 32768);
	assert_int_equal(zw_perf_mem_spread(m, 1), 0);
	uintptr_t start = zw_perf_mem_chase(m, 0);
	/* back at the start after exactly `lines` steps, not before, and
	 * every step 64-octet aligned inside the buffer */
	for (size_t i = 1; i < lines; i++) {
		uintptr_t at = zw_perf_mem_chase(m, 1);
		assert_true(at != start);
		assert_int_equal(at % 64, 0);
		assert_true(at >= start - (lines - 1) * 64 &&
			    at < start + lines * 64);
	}
	assert_true(zw_perf_mem_chase(m, 1) == start);
	zw_perf_mem_free(m);
}

/* 32 walks start at 32 different lines, and each moves on every step. */
static void test_spread(void **state)
{
	(void)state;
	struct zw_perf_mem *m = zw_perf_mem_new(2);
	assert_non_null(m);
	assert_int_equal(zw_perf_mem_spread(m, 0), -1);
	assert_int_equal(zw_perf_mem_spread(m, ZW_PERF_MEM_CHAINS_MAX + 1), -1);
	/* two walks: the XOR of their lines is 0 only if they coincide */
	assert_int_equal(zw_perf_mem_spread(m, 2), 0);
	for (int i = 0; i < 1000; i++)
		assert_true(zw_perf_mem_chase(m, 1) != 0);
	assert_int_equal(zw_perf_mem_spread(m, 32), 0);
	uintptr_t a = zw_perf_mem_chase(m, 0), b = zw_perf_mem_chase(m, 1);
	assert_true(a != b);
	zw_perf_mem_free(m);
}

static void test_too_small(void **state)
{
	(void)state;
	assert_null(zw_perf_mem_new(1));
	zw_perf_mem_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_cycle),
		cmocka_unit_test(test_spread),
		cmocka_unit_test(test_too_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
