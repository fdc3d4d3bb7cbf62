/* zw_huge_map: mmap one huge page more than asked, keep the aligned
 * part, give the slack back. */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include "dns/hugemem.h"

void *zw_huge_map(size_t len, size_t *maplen)
{
	if (!len || len > SIZE_MAX - 2 * ZW_HUGE_PAGE) {
		errno = len ? ENOMEM : EINVAL;
		return NULL;
	}
	size_t ml = (len + ZW_HUGE_PAGE - 1) & ~(ZW_HUGE_PAGE - 1);
	uint8_t *raw = mmap(NULL, ml + ZW_HUGE_PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	uint8_t *m = (uint8_t *)(((uintptr_t)raw + ZW_HUGE_PAGE - 1) &
				 ~(uintptr_t)(ZW_HUGE_PAGE - 1));
	if (m > raw)
		munmap(raw, (size_t)(m - raw));
	munmap(m + ml, (size_t)(raw + ZW_HUGE_PAGE - m)); /* the rest */
	(void)madvise(m, ml, MADV_HUGEPAGE); /* refused: 4 KiB pages */
	*maplen = ml;
	return m;
}
