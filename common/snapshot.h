/*
 * Disc snapshots: what mkms needs of a disc to build its next session away
 * from the drive (format in man/mstools.5, encoding in snapshot_fmt.h).
 *
 * A snapshot holds the disc's layout (identity, session table, NWA, free
 * space) and exactly the blocks libisofs reads to import the last
 * session's tree.  Opened as a medium it answers reads of those blocks
 * only, so that a build from a snapshot makes the same bytes as a build
 * from the disc, and a build that needs anything else stops naming the
 * block.
 */
#ifndef MS_SNAPSHOT_H
#define MS_SNAPSHOT_H

#include "ctx.h"
#include "layout.h"
#include "medium.h"
#include "snapshot_fmt.h"

/*
 * A read-only medium over a decoded snapshot s, named name; the medium
 * owns s from then on (also when this fails).  snapshot_medium.c.
 */
int ms_snapshot_medium_new(struct ms_ctx *c, const char *name,
			   struct ms_snapshot *s, struct ms_medium **out);

/* Open the snapshot file at path as a medium (ms_medium_open does). */
int ms_snapshot_open(struct ms_ctx *c, const char *path,
		     struct ms_medium **out);

/*
 * Write a snapshot of medium m (whose layout is l) to path, through a
 * temporary file renamed when complete: the layout and the blocks that
 * importing the last session's tree reads (with all_sessions: every
 * session's tree, for audits away from the disc).  snapshot_export.c,
 * which only lsms links.
 */
int ms_snapshot_export(struct ms_ctx *c, struct ms_medium *m,
		       const struct ms_layout *l, const char *path,
		       int all_sessions, struct ms_snapshot_stats *st);

#endif
