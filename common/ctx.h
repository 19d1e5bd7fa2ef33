/*
 * The error context: the one object through which common/ reports.
 *
 * common/ never prints and never exits.  A function that fails records an
 * exit status (enum ms_exit) and a message on the context and returns -1;
 * the tool decides what to print.  Warnings go to a callback the tool
 * installs (none installed: warnings are dropped).
 */
#ifndef MS_CTX_H
#define MS_CTX_H

#include <stdarg.h>
#include <stdint.h>

#define MS_MSG_MAX 1024

typedef void (*ms_warn_fn)(void *arg, const char *msg);

struct ms_ctx {
	int status;		/* enum ms_exit of the last failure, 0 if none */
	int sys_errno;		/* errno behind the last failure, 0 if none */
	char msg[MS_MSG_MAX];	/* lowercase, no full stop, no tool prefix */
	ms_warn_fn warn;
	void *warn_arg;
	int verbose;		/* 0 normal, >0 more notes through warn */
};

void ms_ctx_init(struct ms_ctx *c);

/* Record a failure and return -1. */
int ms_fail(struct ms_ctx *c, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like ms_fail, with ": strerror(errnum)" appended. */
int ms_fail_errno(struct ms_ctx *c, int status, int errnum,
		  const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Put "what: " in front of the recorded message, keeping the status. */
void ms_fail_prefix(struct ms_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Add text after the recorded message, keeping the status. */
void ms_fail_append(struct ms_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Make a library's message read like ours: no trailing newline or full
 * stop, a lowercase first letter unless it starts an acronym.
 */
void ms_msg_tidy(char *text);

void ms_warn(struct ms_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A note shown only with --verbose. */
void ms_note(struct ms_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
