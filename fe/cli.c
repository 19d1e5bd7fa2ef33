#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "exit.h"

#ifndef MS_VERSION
#define MS_VERSION "unknown"
#endif

const char *ms_prog = "mstools";
int ms_quiet;

void ms_cli_init(const char *prog, struct ms_ctx *c)
{
	ms_prog = prog;
	ms_ctx_init(c);
	c->warn = ms_cli_warn;
}

void ms_cli_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", ms_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int ms_cli_fail(const struct ms_ctx *c)
{
	ms_cli_error("%s", c->msg[0] ? c->msg : "failed");
	return c->status ? c->status : MS_EXIT_FAILURE;
}

void ms_cli_warn(void *arg, const char *msg)
{
	(void)arg;
	if (ms_quiet)
		return;
	fprintf(stderr, "%s: %s\n", ms_prog, msg);
}

int ms_cli_progress_mode(const char *arg, enum ms_progress_mode *out)
{
	if (!strcmp(arg, "auto"))
		*out = MS_PROGRESS_AUTO;
	else if (!strcmp(arg, "always"))
		*out = MS_PROGRESS_ALWAYS;
	else if (!strcmp(arg, "never"))
		*out = MS_PROGRESS_NEVER;
	else
		return -1;
	return 0;
}

int ms_cli_want_progress(enum ms_progress_mode mode)
{
	if (mode == MS_PROGRESS_ALWAYS)
		return 1;
	if (mode == MS_PROGRESS_NEVER || ms_quiet)
		return 0;
	return isatty(STDERR_FILENO);
}

int ms_cli_columns(int fd)
{
	struct winsize ws;
	const char *env;

	if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	env = getenv("COLUMNS");
	if (env && atoi(env) > 0)
		return atoi(env);
	return 80;
}

void ms_cli_version(void)
{
	printf("%s (mstools) %s\n", ms_prog, MS_VERSION);
}
