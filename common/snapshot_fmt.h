/*
 * The snapshot container format (man/mstools.5, "Snapshots"): a header
 * with magic, version and checksums, then one zlib stream holding a text
 * part (the layout of the disc) and the recorded blocks as runs.  This
 * module only encodes and decodes; snapshot_medium.c reads a decoded
 * snapshot as a medium, snapshot_export.c takes one of a disc.
 */
#ifndef MS_SNAPSHOT_FMT_H
#define MS_SNAPSHOT_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "layout.h"

#define MS_SNAP_MAGIC		"\x89MSSNAP\n"
#define MS_SNAP_MAGIC_LEN	8
#define MS_SNAP_VERSION		1

struct ms_snapshot;

/* 1 if path is a regular file that starts with the snapshot magic. */
int ms_snapshot_is_file(const char *path);

/*
 * Decode a whole snapshot file held in memory: header, checksums, the
 * text part, the block runs, and the consistency of the layout they
 * describe (a snapshot whose fields contradict each other is damaged).
 * Fails with a message on c ("snapshot is damaged: ...") and *out NULL.
 * Free the result with ms_snapshot_free.
 */
int ms_snapshot_decode(struct ms_ctx *c, const unsigned char *buf,
		       size_t len, struct ms_snapshot **out);

/* The same for the file at path; messages name it. */
int ms_snapshot_load(struct ms_ctx *c, const char *path,
		     struct ms_snapshot **out);

/* The layout, the source medium's name and the time of a snapshot. */
const struct ms_layout *ms_snapshot_decoded_layout(const struct ms_snapshot *s);
const char *ms_snapshot_source(const struct ms_snapshot *s);
int64_t ms_snapshot_taken(const struct ms_snapshot *s);

/* The recorded block at disc address lba (MS_BLOCK bytes), or NULL. */
const uint8_t *ms_snapshot_block(const struct ms_snapshot *s, uint32_t lba);

void ms_snapshot_free(struct ms_snapshot *s);

/* What to encode: a layout and the blocks read to import its tree. */
struct ms_snapshot_src {
	const char *source;		/* the medium's name */
	int64_t taken;			/* seconds since the epoch */
	const struct ms_layout *layout;
	const uint32_t *lbas;		/* in the order read; the first */
	const uint8_t *data;		/* reading of a repeated block counts */
	size_t nblocks;
};

struct ms_snapshot_stats {
	uint32_t blocks;		/* blocks recorded */
	uint64_t payload_bytes;		/* before deflating */
	uint64_t file_bytes;		/* the snapshot file */
};

/*
 * Encode src into a whole snapshot file in memory (*buf, *len; free it
 * with free()); st says how many blocks and bytes it holds.
 */
int ms_snapshot_encode(struct ms_ctx *c, const struct ms_snapshot_src *src,
		       uint8_t **buf, size_t *len,
		       struct ms_snapshot_stats *st);

#endif
