/*
 * libisofs data sources over a medium: how mkms lets libisofs import the
 * previous session's tree.
 */
#ifndef MS_ISOSRC_H
#define MS_ISOSRC_H

#include <stdint.h>

#include "ctx.h"
#include "medium.h"

struct iso_data_source;

/*
 * A data source that reads blocks of m.  A read failure keeps its message
 * on c and remembers the block in *failed_lba (may be NULL), so the caller
 * can name it when libisofs gives up.  The medium must outlive the source.
 */
struct iso_data_source *ms_isosrc_new(struct ms_medium *m, struct ms_ctx *c,
				      uint32_t *failed_lba);

/*
 * An import reads each metadata block of a session once or twice (the
 * tree, and the plain ISO 9660 tree when it was taken from Joliet), and
 * never file data; a tree whose directories form a loop would read on
 * without end.  So an import may ask for at most this many blocks per
 * block of the session, plus a spare.
 */
#define MS_ISOSRC_READS_PER_BLOCK 4
#define MS_ISOSRC_READS_SPARE 1024

/*
 * Bound the import by what the session [start, end) can hold, so that a
 * damaged descriptor set or directory cannot make libisofs wander through
 * the rest of the medium or loop.  libisofs probes the blocks from end to
 * the next 32-block boundary (the session's slot up to a file's NWA):
 * those read as zeros where the medium has none; any read beyond fails,
 * naming the block, and so does any read past the budget above.
 */
void ms_isosrc_set_limit(struct iso_data_source *src, uint32_t start,
			 uint32_t end);

/* The last block libisofs asked for (for "corrupt at block N" messages). */
uint32_t ms_isosrc_last_lba(struct iso_data_source *src);

#endif
