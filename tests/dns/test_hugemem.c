/* dns/hugemem: zw_huge_map's memory is aligned to a huge page, rounded
 * to whole ones, zero-filled and writable; bad sizes are refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "dns/hugemem.h"

static void check_map(size_t len, size_t want)
{
	size_t ml = 0;
	uint8_t *m = zw_huge_map(len, &ml);
	assert_non_null(m);
	assert_int_equal(ml, want);
	assert_int_equal((uintptr_t)m % ZW_HUGE_PAGE, 0);
	for (size_t i = 0; i < ml; i += 4096)
		assert_int_equal(m[i], 0);
	memset(m, 0xa5, ml); /* all of it writable */
	assert_int_equal(m[ml - 1], 0xa5);
	assert_int_equal(munmap(m, ml), 0);
}

static void test_sizes(void **state)
{
	(void)state;
	check_map(1, ZW_HUGE_PAGE);
	check_map(ZW_HUGE_PAGE, ZW_HUGE_PAGE);
	check_map(ZW_HUGE_PAGE + 1, 2 * ZW_HUGE_PAGE);
	check_map(5 * ZW_HUGE_PAGE - 4096, 5 * ZW_HUGE_PAGE);
}

/* Many maps in a row: each aligned, none overlapping the slack given
 * back by another (they would if the tail were not unmapped right). */
static void test_many(void **state)
{
	(void)state;
	uint8_t *m[8];
	size_t ml[8];
	for (int i = 0; i < 8; i++) {
		m[i] = zw_huge_map(ZW_HUGE_PAGE * (size_t)(i + 1) - 1, &ml[i]);
		assert_non_null(m[i]);
		assert_int_equal((uintptr_t)m[i] % ZW_HUGE_PAGE, 0);
		memset(m[i], i + 1, ml[i]);
	}
	for (int i = 0; i < 8; i++) {
		assert_int_equal(m[i][0], i + 1);
		assert_int_equal(m[i][ml[i] - 1], i + 1);
		assert_int_equal(munmap(m[i], ml[i]), 0);
	}
}

static void test_refused(void **state)
{
	(void)state;
	size_t ml = 7;
	errno = 0;
	assert_null(zw_huge_map(0, &ml));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(zw_huge_map(SIZE_MAX, &ml));
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(ml, 7); /* untouched */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
