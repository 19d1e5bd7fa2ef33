/*
 * Text from a medium on its way to a terminal or to JSON.  Volume ids,
 * link record fields and snapshot fields are bytes someone else wrote:
 * they pass through ms_safe_text() before lsms shows them, so that no
 * escape sequence reaches a terminal and JSON stays valid UTF-8.
 */
#ifndef MS_SAFETEXT_H
#define MS_SAFETEXT_H

#include <stddef.h>

/* The most bytes ms_safe_text() makes of n input bytes, without the NUL. */
#define MS_SAFE_TEXT_MAX(n)	(4 * (n))

/*
 * Copy in to out (size bytes, NUL-terminated) with every byte that could
 * act on a terminal or is not UTF-8 made visible: a backslash becomes
 * "\\"; C0 controls (ESC, BEL, ...), DEL, C1 controls (U+0080..U+009F)
 * and every byte of an invalid, overlong or surrogate UTF-8 sequence
 * become "\xNN" (lowercase hex, one per byte).  Valid UTF-8 otherwise
 * passes unchanged.  A result that does not fit is cut at a character
 * boundary.  Returns out.
 */
char *ms_safe_text(const char *in, char *out, size_t size);

/*
 * The length (1..4) of the valid UTF-8 character at p, or 0 if p does not
 * start one (RFC 3629: no overlong forms, no surrogates, at most
 * U+10FFFF).
 */
size_t ms_utf8_len(const char *p);

#endif
