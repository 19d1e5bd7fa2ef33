/*
 * The burn decision (DESIGN sections 1.2, 1.3, 5): is this the disc the
 * image was built for, is it suitable, is there room.  A pure function
 * over plain data: the medium's layout, what the image says about itself
 * and the flags.  It reads nothing and writes nothing; its caller reads
 * the medium and the image first, and does the checks that need I/O (the
 * image being the medium's own file, the tree of a foreign image) around
 * it.
 */
#ifndef MS_BURN_CHECK_H
#define MS_BURN_CHECK_H

#include <stdint.h>

#include "ctx.h"
#include "layout.h"
#include "link.h"

/* What an image says about itself, from the blocks read ahead. */
struct ms_image_facts {
	const char *name;		/* for messages */
	int link_state;			/* enum ms_link_result */
	struct ms_link link;		/* when MS_LINK_FOUND */
	const char *link_why;		/* when MS_LINK_CORRUPT */
	uint32_t vss;			/* volume space size at block 16 */
	uint32_t root_lba;		/* root directory of the PVD */
	int is_file;			/* its size is known ... */
	uint64_t file_blocks;		/* ... and is this */
};

enum ms_burn_flags {
	MS_BURN_FOREIGN = 1 << 0,	/* accept an image without a record */
	MS_BURN_CLOSE = 1 << 1,		/* close the disc after the session */
	MS_BURN_VERIFY = 1 << 2,	/* read the session back and compare */
	MS_BURN_BLANKED = 1 << 3,	/* judge the medium as blanked */
};

/* Where the image goes, once it may. */
struct ms_burn_target {
	uint32_t start;
	uint32_t blocks;
	int foreign;			/* no record: its tree must still be
					   compared with the medium's */
};

/*
 * Decide whether an image with facts f may be written to the medium laid
 * out as l.  Returns 0 and fills t, or -1 with the exit status and the
 * message on c: MS_EXIT_WRONGDISC (another disc or disc state, or no link
 * record without MS_BURN_FOREIGN), MS_EXIT_UNSUITABLE (closed, not
 * writable, not blank for a first session, damaged track), MS_EXIT_NOSPACE
 * (the image plus the next session's overhead, or the closing overhead
 * with MS_BURN_CLOSE, exceeds the free blocks), MS_EXIT_VERIFY (a damaged
 * or self-contradicting record), MS_EXIT_USAGE (a foreign stream: its
 * size is unknown) or MS_EXIT_FAILURE (a broken session chain).
 */
int ms_burn_decide(struct ms_ctx *c, const struct ms_layout *l,
		   const struct ms_image_facts *f, unsigned flags,
		   struct ms_burn_target *t);

/*
 * The layout of l as blanking leaves it: a medium with sessions (open or
 * closed) becomes blank, its chain whole, its next session at the first
 * address.  Other layouts are copied unchanged.  out borrows l's sessions.
 */
void ms_burn_blanked_layout(const struct ms_layout *l, struct ms_layout *out);

#endif
