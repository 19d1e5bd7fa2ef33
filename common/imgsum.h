/*
 * The image's MD5 as it streams past, and its libisofs checksum tags
 * (libisofs.h, iso_util_decode_md5_tag): a superblock tag right after the
 * descriptor set terminator, whose next= names the tree tag, whose next=
 * names the session tag.  Each tag holds the MD5 of the session's blocks
 * from its range_start (the session's first block) up to the tag itself;
 * the running MD5 goes on over the tag blocks.  OpenSSL's MD5, because
 * libisofs' own is two to three times slower.
 */
#ifndef MS_IMGSUM_H
#define MS_IMGSUM_H

#include <stdint.h>
#include <openssl/evp.h>

#include "ctx.h"
#include "image.h"

struct ms_imgsum {
	EVP_MD_CTX *all;		/* MD5 of every block so far */
	uint32_t start;			/* the session's first block */
	uint32_t at;			/* next block to be hashed */
	uint32_t end;			/* one past the session's last block */
	int tags;			/* the image carries checksum tags */
	uint32_t next;			/* block of the next tag, 0 if none */
	int want;			/* its enum tag_type */
	int matched;			/* tags found good */
	int bad;			/* a tag is missing or does not match */
	char why[256];
};

/*
 * Start hashing img, which goes to blocks img->start and on.  Finds the
 * superblock tag, if any, in the blocks read ahead.  -1: out of memory.
 */
int ms_imgsum_start(struct ms_imgsum *h, const struct ms_image *img);

/* Hash the next n blocks of the image, checking the tags among them. */
void ms_imgsum_add(struct ms_imgsum *h, const uint8_t *buf, uint32_t n);

/*
 * The MD5 of everything hashed, into md5 (may be NULL), and the end of h
 * (calling it again is harmless).  Returns -1 if the image's tags did not
 * all match: h->why says how.
 */
int ms_imgsum_end(struct ms_imgsum *h, uint8_t md5[16]);

/* Fail with MS_EXIT_VERIFY: the image is damaged (h->why), and outcome. */
int ms_imgsum_fail(struct ms_ctx *c, const struct ms_image *img,
		   const struct ms_imgsum *h, const char *outcome);

/*
 * Check an image file's checksum tags before a write that cannot be
 * taken back: read it once through, without moving its offset.
 */
int ms_imgsum_check_file(struct ms_ctx *c, struct ms_image *img);

#endif
