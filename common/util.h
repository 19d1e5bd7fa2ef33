/* Small helpers shared by common/ and the tools. */
#ifndef MS_UTIL_H
#define MS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctx.h"

/* Lowercase hex of n bytes into out (2n + 1 bytes). */
void ms_hex(const uint8_t *in, size_t n, char *out);

/* Parse exactly 2n hex digits.  Returns 0, or -1 if not hex. */
int ms_unhex(const char *in, size_t n, uint8_t *out);

/*
 * Write text so that it holds no blanks: '%', blanks and bytes outside
 * 0x21..0x7e become %XX.  out must hold 3 * strlen(in) + 1 bytes.
 */
void ms_escape(const char *in, char *out, size_t size);

/* Undo ms_escape.  Returns 0, or -1 if malformed or too long. */
int ms_unescape(const char *in, char *out, size_t size);

/* Parse a decimal uint32 that fills all of s.  Returns 0 or -1. */
int ms_parse_u32(const char *s, uint32_t *out);

/* write(2) all of buf, retrying on EINTR.  Returns 0 or -1 (errno set). */
int ms_write_all(int fd, const void *buf, size_t n);

/* read(2) until n bytes or the end.  Returns the count, or -1. */
ssize_t ms_read_full(int fd, void *buf, size_t n);

/* MD5 over a buffer list, through libisofs' implementation. */
struct ms_md5 {
	void *ctx;
};
int ms_md5_start(struct ms_md5 *h);
void ms_md5_add(struct ms_md5 *h, const void *data, size_t len);
void ms_md5_end(struct ms_md5 *h, uint8_t out[16]);

/*
 * A file written under a temporary name beside its final path and renamed
 * over it once complete and flushed, so that the path always holds the
 * old file or the whole new one.  A symbolic link at the path is written
 * through (its target is replaced), as cp does.  tmp stays valid until
 * commit or discard, for a signal handler to unlink.
 */
struct ms_tmpfile {
	int fd;			/* write here */
	char *tmp;		/* the temporary file, or NULL */
	char *target;		/* what the rename replaces */
	const char *name;	/* the path as given, for messages */
};

/*
 * Create DIR/.BASE.TAG-XXXXXX for path DIR/BASE with mode (less the
 * umask).  Fails with MS_EXIT_FAILURE, "cannot create 'path': why".
 */
int ms_tmpfile_open(struct ms_ctx *c, struct ms_tmpfile *t, const char *path,
		    const char *tag, mode_t mode);

/* fsync, close and rename over the target; the temporary file is gone. */
int ms_tmpfile_commit(struct ms_ctx *c, struct ms_tmpfile *t);

/* Close and remove the temporary file, if there still is one. */
void ms_tmpfile_discard(struct ms_tmpfile *t);

/*
 * dir and name joined with one '/' ("/" and "a" give "/a"), malloc'd;
 * NULL when out of memory.
 */
char *ms_path_join(const char *dir, const char *name);

/* Human readable size of a block count: "1.5 MiB". */
void ms_human_blocks(uint64_t blocks, char *buf, size_t size);

#endif
