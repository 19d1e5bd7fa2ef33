/*
 * Link records and disc fingerprints (DESIGN section 4).
 *
 * mkms writes a link record into block 0 of every image: the first block
 * of the system area, which readers ignore.  It is one line of text, then
 * zeros:
 *
 *   mstools_link_v1 start=S base=session|blank base_last=L
 *   base_nwa=N base_sessions=K base_fp=<32 hex> base_volid=V
 *   created=YYYY-MM-DDTHH:MM:SSZ self=<8 hex>
 *
 * (one line, single spaces, ending in a newline).  Records written before
 * mkms laid sessions out in one pass also carry blocks=B, the image size,
 * after start=S; it is still read, and must then equal the volume space
 * size of the session's primary descriptor, which is where the size is
 * taken from in either case.  base_volid escapes
 * '%', blanks and bytes outside 0x21..0x7e as %XX.  self is the CRC-32
 * (zlib) of every byte before " self=".  For base=blank, base_last and
 * base_sessions are 0 and base_fp is 32 zeros.
 *
 * The fingerprint of a disc in a given state is the MD5 of
 *   "mstools_fp_v1 <start> <nwa>\n"
 * followed by the descriptor set of its last session: the blocks from
 * start + 16 up to and including the set terminator, as on the disc; and,
 * if the session carries libisofs checksum tags, by the block of its
 * session tag (which holds the MD5 of the whole session, data included),
 * so that two discs whose descriptors happen to be equal still differ.
 */
#ifndef MS_LINK_H
#define MS_LINK_H

#include <stdint.h>

#include "ctx.h"
#include "iso9660.h"

/*
 * What mkms writes to standard output instead of an image when it has
 * nothing to do (exit MS_EXIT_NOTHING), so that burnms reading the pipe can
 * tell "nothing to do" from a builder that failed: burnms then writes
 * nothing and exits MS_EXIT_NOTHING too (mstools(5)).
 */
#define MS_NOTHING_MARKER "mstools_nothing_v1\n"

#define MS_LINK_MAGIC		"mstools_link_v1 "
/*
 * The highest block address a record may name: ISO 9660 sizes and
 * addresses are 32-bit, and readers (the Linux kernel, libisofs, the
 * emulated TOC walk) take them as signed, so every address and every
 * start + blocks must stay below 2^31 - 16.  Checked before any
 * arithmetic on them.
 */
#define MS_LINK_MAX_BLOCK	0x7ffffff0u

#define MS_FP_LEN		16
#define MS_FP_HEX_LEN		(2 * MS_FP_LEN)

struct ms_link {
	uint32_t start;			/* where the image goes */
	/*
	 * Its size: parsed from blocks= of an old record (0 if the record has
	 * none); the writer sets it once the image is laid out.  Never
	 * written into the record.
	 */
	uint32_t blocks;
	int base_blank;			/* built for a blank medium */
	uint32_t base_last;		/* real start of the base's last session */
	uint32_t base_nwa;		/* the base's next writable address */
	uint32_t base_sessions;
	uint8_t base_fp[MS_FP_LEN];
	char base_volid[MS_VD_VOLUME_ID_LEN + 1];
	int64_t created;		/* Unix time */
};

/* Write the record as a whole block: the line, then zeros. */
int ms_link_format(const struct ms_link *l, uint8_t *blk);

enum ms_link_result {
	MS_LINK_ABSENT = 0,	/* no magic: not made by mkms */
	MS_LINK_FOUND = 1,
	MS_LINK_CORRUPT = -1,	/* magic present, record damaged */
};

/*
 * Parse a block.  On MS_LINK_CORRUPT, why (if not NULL) says what is
 * wrong.  A record whose addresses pass MS_LINK_MAX_BLOCK, whose image
 * would end past it, or whose base's last session does not start before
 * its NWA is corrupt.
 */
int ms_link_parse(const uint8_t *blk, struct ms_link *l, char *why,
		  size_t whylen);

/*
 * The fingerprint over a session start, an NWA, a descriptor set and the
 * session's checksum tag block (NULL if it has none).
 */
void ms_fingerprint(uint32_t start, uint32_t nwa, const uint8_t *vdset,
		    int vdset_blocks, const uint8_t *tag,
		    uint8_t out[MS_FP_LEN]);

/*
 * libisofs' checksum tags: if blk is a tag of the named kind (e.g.
 * "libisofs_sb_checksum_tag_v1") recorded at block pos, return 1 and its
 * "next=" block in *next (0 if none), else 0.
 */
int ms_tag_parse(const uint8_t *blk, const char *kind, uint32_t pos,
		 uint32_t *next);

#endif
