/*
 * The session writer: lays a finished tree out as an ISO 9660 image for
 * its start block, with the link record (DESIGN section 4) in block 0 of
 * its system area, and hands out the image's bytes.  The size is known
 * before the first byte, since the record names it.
 */
#ifndef MS_WRITER_H
#define MS_WRITER_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "ctx.h"
#include "link.h"

struct Iso_Image;

/* The last block ISO 9660's 32-bit fields can address: no image ends past it. */
#define MS_ISO_MAX_LBA UINT32_MAX

struct ms_writer_opts {
	uint32_t start;		/* the image's first block on the medium */
	int appendable;		/* the tree continues an imported session */
	int rockridge;
	int md5;		/* session and file checksum tags */
	int aaip;		/* ACLs and xattrs of the tree (the base's) */
	int hardlinks;		/* number inodes: the base told hard links */
	time_t now;		/* volume times */
	const char *base_name;	/* the medium the tree came from, or NULL */
};

struct ms_writer;

/*
 * Lay image out, in one pass, and start producing its bytes.  link is
 * formatted into block 0 (the system area) before layout, as it names no
 * size, and then filled in with the image's size (blocks) for the caller
 * (doc/design.md section 4).  An image that would end past MS_ISO_MAX_LBA
 * is MS_EXIT_UNSUITABLE.  image stays referenced by the writer.
 */
int ms_writer_start(struct ms_ctx *c, struct Iso_Image *image,
		    const struct ms_writer_opts *o, struct ms_link *link,
		    struct ms_writer **out);

uint64_t ms_writer_size(const struct ms_writer *w);	/* bytes */

/* The next bytes of the image: > 0 bytes, 0 at the end, -1 on error. */
ssize_t ms_writer_read(struct ms_writer *w, struct ms_ctx *c, uint8_t *buf,
		       size_t size);

/* Stop the writer (if it has not finished) and free it; NULL is fine. */
void ms_writer_free(struct ms_writer *w);

#endif
