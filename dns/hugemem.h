/* Anonymous memory on transparent huge pages, for the big, randomly read
 * regions: answer tables (zonecompile/table_read.c), zwd's mbufs without
 * hugepages (dataplane/cmd/zwd.c), the memory benchmark's buffer
 * (perf/shim_mem.c). With 4 KiB pages nearly every random line read
 * there would also be a TLB miss. */
#ifndef ZW_DNS_HUGEMEM_H
#define ZW_DNS_HUGEMEM_H

#include <stddef.h>

#define ZW_HUGE_PAGE ((size_t)2 << 20)

/* At least len octets (> 0), rounded up to whole huge pages (*maplen),
 * readable and writable, zero-filled, aligned to a huge page and advised
 * MADV_HUGEPAGE, so that the kernel backs them with huge pages where its
 * THP setting allows (else they are 4 KiB pages, as any anonymous
 * memory). Release with munmap(p, *maplen). NULL with errno set when
 * the memory cannot be mapped. */
void *zw_huge_map(size_t len, size_t *maplen);

#endif
