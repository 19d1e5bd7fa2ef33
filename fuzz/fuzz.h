/*
 * Shared pieces of the fuzz targets (fuzz/README.md).
 *
 * Most targets take a sparse disc: a compact form of a medium that keeps
 * only its blocks that are not all zero, so that a seed of a multi-session
 * disc stays small and the fuzzer mutates bytes that matter:
 *
 *   0  4  magic "MSFZ"
 *   4  4  the medium's size in blocks, little-endian (cut to
 *         FZ_MAX_BLOCKS)
 *   8  .. records: 4 bytes block address (little-endian, taken modulo the
 *         size), then 2048 bytes of that block; a short last record is
 *         padded with zeros
 *
 * Blocks no record names read as zeros.  An input without the magic is a
 * plain image: its bytes from block 0 on, the size rounded up to blocks.
 * Link records in the blocks get their right self checksum when the disc
 * is written out, so that mutations reach the fields behind it.
 */
#ifndef MS_FUZZ_H
#define MS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

#define FZ_MAGIC		"MSFZ"
#define FZ_MAGIC_LEN		4
#define FZ_HDR_LEN		8
#define FZ_REC_HDR_LEN		4
/* 128 MiB: room for a few sessions, small enough to read through */
#define FZ_MAX_BLOCKS		(1u << 16)

struct fz_block {
	uint32_t lba;
	const uint8_t *data;	/* MS_BLOCK bytes */
};

struct fz_disc {
	uint32_t blocks;
	int count;
	struct fz_block *recs;	/* later records win */
	uint8_t *pad;		/* the short last record, padded */
	const uint8_t *plain;	/* a plain image: its bytes */
	size_t plain_len;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Decode an input; 0, or -1 if out of memory. */
int fz_disc_init(struct fz_disc *d, const uint8_t *data, size_t size);
void fz_disc_free(struct fz_disc *d);

/* Copy block lba into out (zeros if no record has it). */
void fz_disc_block(const struct fz_disc *d, uint32_t lba, uint8_t *out);

/*
 * Write the disc to a sparse file of its size, a private one of this
 * process under $TMPDIR (or /dev/shm, else /tmp), and return its path.
 * NULL on error.
 */
const char *fz_disc_write(const struct fz_disc *d);

/* Write raw bytes to the process's file (another one than above). */
const char *fz_bytes_write(const uint8_t *data, size_t size);

/*
 * A snapshot payload (text part and block runs) as a whole snapshot file
 * with header and checksums, in a new buffer of *len bytes.
 */
uint8_t *fz_snapshot_wrap(const uint8_t *data, size_t size, size_t *len);

/* The text magic that starts every snapshot payload. */
#define FZ_SNAP_TEXT		"mstools_snapshot_v1\n"

/* Put the right CRC after " self=" if blk starts a link record. */
void fz_link_fix(uint8_t *blk);

/*
 * An input for the medium targets as a file to open: a snapshot file (it
 * starts with the snapshot magic) as it is, a snapshot payload (it starts
 * with FZ_SNAP_TEXT) wrapped, else a disc.  NULL on error.
 */
const char *fz_medium_write(const uint8_t *data, size_t size);

/* A context whose warnings go nowhere. */
void fz_ctx_init(struct ms_ctx *c);

#endif
