/* Helpers shared by unit tests: where the shared vectors are, reading a
 * whole file, and a scratch directory removed at exit. */
#ifndef ZW_TESTUTIL_H
#define ZW_TESTUTIL_H

#include <stddef.h>

/* Path of a file under ../shared/vectors (or $ZW_VECTORS), in a static
 * buffer valid until the next call. */
const char *zw_test_vector(const char *rel);

/* Read a whole file; NUL-terminated, caller frees. NULL on error. */
char *zw_test_read_file(const char *path, size_t *len);

/* A fresh temporary directory, removed with its contents at exit. */
const char *zw_test_tmpdir(void);

#endif
