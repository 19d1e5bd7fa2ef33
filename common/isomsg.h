/*
 * libisofs' message queue and error codes, turned into ours: the one place
 * where import, sources and writer learn what libisofs had to say.
 */
#ifndef MS_ISOMSG_H
#define MS_ISOMSG_H

#include "ctx.h"

/*
 * Fold queued libisofs messages into the context: returns -1 if one of
 * them reports a failure (the message is set), else 0 (the others become
 * --verbose notes).
 */
int ms_iso_msgs(struct ms_ctx *c);

/* Forget the queued messages. */
void ms_iso_msgs_drop(void);

/* 1 if a libisofs severity name reports a failure. */
int ms_iso_sev_is_failure(const char *sev);

/*
 * Record the failure of a libisofs call that returned ret: "what: its own
 * words for ret", then the queued messages.  Returns -1.
 */
int ms_iso_fail(struct ms_ctx *c, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
