/*
 * Crafted ISO 9660 blocks and in-memory media for the unit tests.
 *
 * A craft_disc is sparse: only the blocks a test writes are stored, every
 * other block below the medium's size reads as zeros, so a test can lay
 * out sessions of any size without allocating them.  Its reader counts
 * calls and blocks, and can be told to fail at one block.
 */
#ifndef MS_TEST_CRAFT_H
#define MS_TEST_CRAFT_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "iso9660.h"

/* A descriptor set as craft_session lays it out: PVD, Joliet SVD, end. */
#define CRAFT_VDSET_BLOCKS	3

/* A creation date every crafted descriptor carries: 2026-11-23 19:44 UTC */
#define CRAFT_DATE_DIGITS	"2026112319440000"
#define CRAFT_DATE_UNIX		1795463040

struct craft_disc {
	uint64_t blocks;	/* the medium's size: reads stop here */
	int count, capacity;
	uint32_t *lbas;		/* stored blocks, in no order */
	uint8_t *data;		/* count blocks, same order */
	unsigned calls;		/* reader calls */
	uint64_t blocks_read;	/* blocks the reader returned */
	int fail;		/* fail reads that touch fail_lba */
	uint32_t fail_lba;
};

/* An ISO 9660 date: 16 digits and a GMT offset in 15-minute units. */
void craft_date(uint8_t *dt, const char *digits, int tz);

/* A primary volume descriptor with a root directory at root_lba. */
void craft_pvd(uint8_t *blk, const char *volid, uint32_t space_size,
	       uint32_t root_lba);

/* A supplementary descriptor with the given escape sequences ("%/E"). */
void craft_svd(uint8_t *blk, const char *escapes, const char *volid,
	       uint32_t space_size, uint32_t root_lba);

void craft_terminator(uint8_t *blk);

void craft_disc_init(struct craft_disc *d, uint64_t blocks);
void craft_disc_free(struct craft_disc *d);

/* The stored block at lba, created zeroed on first use. */
uint8_t *craft_block(struct craft_disc *d, uint32_t lba);

/* Forget a stored block: it reads as zeros again. */
void craft_erase(struct craft_disc *d, uint32_t lba);

/*
 * A session as xorriso writes it: its descriptor set (PVD, Joliet SVD,
 * terminator) at vd_lba, each with volume space size blocks.  For a
 * session starting at start, vd_lba is start + 16.
 */
void craft_session_at(struct craft_disc *d, uint32_t vd_lba, uint32_t blocks,
		      const char *volid);
void craft_session(struct craft_disc *d, uint32_t start, uint32_t blocks,
		   const char *volid);

/*
 * The 64 KiB head of DESIGN section 3: a copy of the descriptor set of the
 * session starting at start, with volume space size end.
 */
void craft_head(struct craft_disc *d, uint32_t start, uint32_t end);

/* An ms_block_reader over a craft_disc. */
int craft_read(void *arg, struct ms_ctx *c, uint32_t lba, uint32_t count,
	       uint8_t *buf);

/* Copy count blocks at lba into buf, zeros where nothing is stored. */
void craft_copy(struct craft_disc *d, uint32_t lba, uint32_t count,
		uint8_t *buf);

#endif
