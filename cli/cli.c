/* cli: messages and exits of the command-line programs. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Set once at start-up by main; a program is single-threaded by then. */
static const char *prog;

void zw_cli_init(const char *name)
{
	prog = name;
}

const char *zw_cli_prog(void)
{
	return prog ? prog : program_invocation_short_name;
}

static void say(const char *tag, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", zw_cli_prog(), tag);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void zw_cli_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("fatal: ", fmt, ap);
	va_end(ap);
	exit(1);
}

void zw_cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("warning: ", fmt, ap);
	va_end(ap);
}

void zw_cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
}

void zw_cli_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	exit(1);
}
