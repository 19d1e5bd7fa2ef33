/*
 * The emulated table of contents of files and overwriteable media
 * (DESIGN section 3), as a walk over blocks served by a callback, so that
 * tests can feed it crafted buffers.
 *
 * Blocks 0..31 are the head: the newest session's system area and a copy
 * of its descriptors whose volume space size is the end of that session.
 * Sessions follow from block 32, each starting on a 32-block boundary
 * after the previous one; a session whose PVD sits at the boundary itself
 * (growisofs aligns to 16 blocks) starts 16 blocks earlier.
 */
#ifndef MS_TOC_H
#define MS_TOC_H

#include <stdint.h>

#include "ctx.h"

#define MS_TOC_FIRST_SESSION	32	/* first session on files */
#define MS_TOC_ALIGN		32	/* sessions start on multiples */
#define MS_TOC_ALIGN_GROWISOFS	16

/*
 * Reads count blocks at lba into buf.  Returns count if all were there,
 * fewer if the medium ends first (the rest of buf zeroed), -1 on error
 * (with the context set).
 */
typedef int (*ms_block_reader)(void *arg, struct ms_ctx *c, uint32_t lba,
			       uint32_t count, uint8_t *buf);

struct ms_toc_entry {
	uint32_t start;		/* the session's block 0 */
	uint32_t blocks;	/* its own volume space size */
};

enum ms_toc_kind {
	MS_TOC_BLANK,		/* missing, empty, zero head or CDXX1 */
	MS_TOC_PLAIN,		/* one session at block 0 */
	MS_TOC_EMULATED,	/* sessions from block 32 on */
};

struct ms_toc {
	enum ms_toc_kind kind;
	uint32_t head_size;	/* volume space size at block 16 */
	int count, capacity;
	struct ms_toc_entry *entries;
	int broken;		/* the chain ends before head_size */
	int truncated;		/* because the medium ends before it */
	uint32_t break_lba;
	char break_reason[256];
};

/*
 * Walk the sessions of a medium of medium_blocks readable blocks.  Returns
 * 0 (toc filled, possibly broken), or -1 with MS_EXIT_UNSUITABLE if the
 * medium is neither blank nor ISO 9660, MS_EXIT_FAILURE on read errors.
 */
int ms_toc_walk(ms_block_reader read, void *arg, uint64_t medium_blocks,
		struct ms_toc *toc, struct ms_ctx *c);
void ms_toc_release(struct ms_toc *toc);

/* The next writable address after a session ending at end. */
uint32_t ms_toc_nwa(uint32_t end);

/* 1 if the 64 KiB head marks a blank medium. */
int ms_head_is_blank(const uint8_t *head);

#endif
