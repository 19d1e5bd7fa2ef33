/*
 * Disc snapshots: what mkms needs of a disc to build its next session away
 * from the drive (format in man/mstools.5).
 *
 * A snapshot holds the disc's layout (identity, session table, NWA, free
 * space) and exactly the blocks libisofs reads to import the last
 * session's tree, deflated, behind a magic and checksums.  Opened as a
 * medium it answers reads of those blocks only, so that a build from a
 * snapshot makes the same bytes as a build from the disc, and a build that
 * needs anything else stops naming the block.
 */
#ifndef MS_SNAPSHOT_H
#define MS_SNAPSHOT_H

#include <stdint.h>

#include "ctx.h"
#include "layout.h"
#include "medium.h"

#define MS_SNAP_MAGIC		"\x89MSSNAP\n"
#define MS_SNAP_MAGIC_LEN	8
#define MS_SNAP_VERSION		1

struct ms_snapshot;

/* 1 if path is a regular file that starts with the snapshot magic. */
int ms_snapshot_is_file(const char *path);

/* Open a snapshot as a read-only medium of kind MS_MEDIUM_SNAPSHOT. */
int ms_snapshot_open(struct ms_ctx *c, const char *path,
		     struct ms_medium **out);

/* The layout stored in a snapshot medium. */
int ms_snapshot_layout(struct ms_ctx *c, struct ms_medium *m,
		       struct ms_layout *l);

/* Read recorded blocks; a block not in the snapshot is an error naming it. */
int ms_snapshot_read(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		     uint32_t count, uint8_t *buf);

/*
 * Decode a whole snapshot file held in memory: header, checksums, the
 * text part, the block runs, and the consistency of the layout they
 * describe (a snapshot whose fields contradict each other is damaged).
 * Fails with a message on c ("snapshot is damaged: ...") and *out NULL.
 * Free the result with ms_snapshot_free.
 */
int ms_snapshot_decode(struct ms_ctx *c, const unsigned char *buf,
		       size_t len, struct ms_snapshot **out);

/* The layout and the source medium's name of a decoded snapshot. */
const struct ms_layout *ms_snapshot_decoded_layout(const struct ms_snapshot *s);
const char *ms_snapshot_source(const struct ms_snapshot *s);

void ms_snapshot_free(struct ms_snapshot *s);

struct ms_snapshot_stats {
	uint32_t blocks;		/* blocks recorded */
	uint64_t payload_bytes;		/* before deflating */
	uint64_t file_bytes;		/* the snapshot file */
};

/*
 * Write a snapshot of medium m (whose layout is l) to path, through a
 * temporary file renamed when complete.
 */
int ms_snapshot_export(struct ms_ctx *c, struct ms_medium *m,
		       const struct ms_layout *l, const char *path,
		       struct ms_snapshot_stats *st);

#endif
