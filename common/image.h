/*
 * The image reader of burnms: an image file or standard input, its head
 * read ahead (the descriptors, the link record, the first checksum tag),
 * the rest streamed in order as the writers ask for it.
 */
#ifndef MS_IMAGE_H
#define MS_IMAGE_H

#include <stdint.h>

#include "ctx.h"
#include "link.h"

/* An image to write: its head read ahead, the rest still in fd. */
struct ms_image {
	char *name;			/* for messages; "-" is stdin */
	int fd;
	int is_file;			/* a regular file: its size is known */
	uint64_t file_blocks;
	uint8_t *first;			/* MS_HEAD_BLOCKS blocks, zero padded */
	uint32_t have;			/* of them really read */
	int link_state;			/* enum ms_link_result */
	struct ms_link link;
	char link_why[128];
	uint32_t vss;			/* volume space size at block 16 */
	uint32_t root_lba;
	int foreign;			/* no link record; --foreign given */
	uint32_t start;			/* where it goes, once checked */
	uint32_t blocks;		/* its size */
};

/*
 * Open an image file ("-" for standard input) and read its head.  Empty
 * standard input is a failure (the builder before the pipe failed); an
 * input that is exactly MS_NOTHING_MARKER fails with MS_EXIT_NOTHING.
 */
int ms_image_open(struct ms_ctx *c, const char *name, struct ms_image *img);
void ms_image_close(struct ms_image *img);

/*
 * The image bytes in order, from block done on: the blocks read ahead,
 * then the rest of fd.  Returns the blocks delivered (n, or fewer at the
 * end; 0 past it), or -1.
 */
int64_t ms_image_next(struct ms_ctx *c, struct ms_image *img, uint64_t done,
		      uint8_t *buf, uint32_t n);

/* Fail: the image ended after got of its blocks. */
int ms_image_short(struct ms_ctx *c, struct ms_image *img, uint64_t got);

#endif
