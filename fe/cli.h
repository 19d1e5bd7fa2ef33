/*
 * Shared pieces of the three command lines (the front end, fe/): the
 * program name, messages on stderr in the "prog: what failed: why" form,
 * the terminal width.  Only the tools and their tests use this; the
 * library (common/) never prints and never includes fe/.
 */
#ifndef MS_CLI_H
#define MS_CLI_H

#include "ctx.h"

enum ms_progress_mode {
	MS_PROGRESS_AUTO,
	MS_PROGRESS_ALWAYS,
	MS_PROGRESS_NEVER,
};

extern const char *ms_prog;
extern int ms_quiet;

void ms_cli_init(const char *prog, struct ms_ctx *c);

/* "prog: message" on stderr. */
void ms_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print the context's failure and return its exit status. */
int ms_cli_fail(const struct ms_ctx *c);

/*
 * The context's callback for warnings and, with --verbose, notes: "prog:
 * message" on stderr unless quiet.  It adds no "warning:" of its own,
 * since notes pass through it too; a warning that needs the word carries
 * it in its message.
 */
void ms_cli_warn(void *arg, const char *msg);

/* Parse --progress=WHEN.  Returns 0 or -1. */
int ms_cli_progress_mode(const char *arg, enum ms_progress_mode *out);

/* Whether to draw progress on stderr. */
int ms_cli_want_progress(enum ms_progress_mode mode);

/* Columns of the terminal on fd, or of $COLUMNS, or 80. */
int ms_cli_columns(int fd);

void ms_cli_version(void);

#endif
