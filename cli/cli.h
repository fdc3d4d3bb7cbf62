/* cli: messages and exits of the command-line programs (<mod>/cmd/).
 *
 * Only programs link this: library code reports through return codes and
 * callbacks, and the program decides what to print (STYLE.md 1 and 4).
 * Every message goes to stderr as "<prog>: ..." where <prog> is the name
 * given to zw_cli_init (not argv[0], so a renamed or symlinked binary
 * still speaks in the words the tests and BIND comparisons expect). */
#ifndef ZW_CLI_CLI_H
#define ZW_CLI_CLI_H

#define ZW_CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Names the program for every message below; call first in main. */
void zw_cli_init(const char *prog);
const char *zw_cli_prog(void);

/* "<prog>: fatal: <message>\n", exit status 1. */
void zw_cli_die(const char *fmt, ...) __attribute__((noreturn))
	ZW_CLI_PRINTF(1, 2);

/* "<prog>: warning: <message>\n". */
void zw_cli_warn(const char *fmt, ...) ZW_CLI_PRINTF(1, 2);

/* "<prog>: <message>\n" (the programs that print no "fatal:"). */
void zw_cli_error(const char *fmt, ...) ZW_CLI_PRINTF(1, 2);

/* The usage text, printf-formatted, as is to stderr; exit status 1. */
void zw_cli_usage(const char *fmt, ...) __attribute__((noreturn))
	ZW_CLI_PRINTF(1, 2);

#endif
