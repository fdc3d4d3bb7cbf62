/* Printing a DNS response the way dig prints it (for zw-lookup and the
 * tests). No I/O: the text goes to a caller buffer. */
#ifndef ZW_ZONECOMPILE_TABLE_PRINT_H
#define ZW_ZONECOMPILE_TABLE_PRINT_H

#include <stddef.h>
#include <stdint.h>

/* Print msg[0..len) from the HEADER line to the end of the last section
 * into buf[0..cap) (NUL-terminated). text[0..textmax) is scratch for one
 * RDATA's presentation form (5 * 65535 + 64 covers any). Returns the
 * length, -1 when buf is too small, or a negative zw_err when the
 * message does not parse. */
int zw_table_print_dig(const uint8_t *msg, size_t len, char *buf,
		       size_t cap, char *text, size_t textmax);

#endif
