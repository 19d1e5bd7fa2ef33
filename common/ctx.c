#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctx.h"
#include "exit.h"

void ms_ctx_init(struct ms_ctx *c)
{
	memset(c, 0, sizeof(*c));
}

static void set_msg(struct ms_ctx *c, const char *fmt, va_list ap)
{
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
}

int ms_fail(struct ms_ctx *c, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_msg(c, fmt, ap);
	va_end(ap);
	c->status = status ? status : MS_EXIT_FAILURE;
	c->sys_errno = 0;
	return -1;
}

int ms_fail_errno(struct ms_ctx *c, int status, int errnum,
		  const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	set_msg(c, fmt, ap);
	va_end(ap);
	len = strlen(c->msg);
	if (errnum && len < sizeof(c->msg))
		snprintf(c->msg + len, sizeof(c->msg) - len, ": %s",
			 strerror(errnum));
	c->status = status ? status : MS_EXIT_FAILURE;
	c->sys_errno = errnum;
	return -1;
}

void ms_fail_prefix(struct ms_ctx *c, const char *fmt, ...)
{
	char pre[MS_MSG_MAX];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre) - 2, fmt, ap);
	va_end(ap);
	strcat(pre, ": ");
	n = strlen(pre);
	if (n >= sizeof(c->msg))
		n = sizeof(c->msg) - 1;
	memmove(c->msg + n, c->msg, sizeof(c->msg) - n - 1);
	memcpy(c->msg, pre, n);
	c->msg[sizeof(c->msg) - 1] = '\0';
}

void ms_fail_append(struct ms_ctx *c, const char *fmt, ...)
{
	size_t len = strlen(c->msg);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg + len, sizeof(c->msg) - len, fmt, ap);
	va_end(ap);
}

void ms_msg_tidy(char *text)
{
	size_t n = strlen(text);

	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '.'))
		text[--n] = '\0';
	if (n > 1 && text[0] >= 'A' && text[0] <= 'Z' && text[1] >= 'a' &&
	    text[1] <= 'z')
		text[0] = (char)(text[0] - 'A' + 'a');
}

static void emit(struct ms_ctx *c, const char *fmt, va_list ap)
{
	char buf[MS_MSG_MAX];

	if (!c->warn)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	c->warn(c->warn_arg, buf);
}

void ms_warn(struct ms_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(c, fmt, ap);
	va_end(ap);
}

void ms_note(struct ms_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->verbose <= 0)
		return;
	va_start(ap, fmt);
	emit(c, fmt, ap);
	va_end(ap);
}
