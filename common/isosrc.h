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

/* Sees every block libisofs reads through a source. */
typedef int (*ms_block_hook)(void *arg, uint32_t lba, const uint8_t *blk);

/*
 * A data source that reads blocks of m.  A read failure keeps its message
 * on c and remembers the block in *failed_lba (may be NULL), so the caller
 * can name it when libisofs gives up.  The medium must outlive the source.
 */
struct iso_data_source *ms_isosrc_new(struct ms_medium *m, struct ms_ctx *c,
				      uint32_t *failed_lba);

/* Call hook with every block read (a hook failure fails the read). */
void ms_isosrc_set_hook(struct iso_data_source *src, ms_block_hook hook,
			void *arg);

/* The last block libisofs asked for (for "corrupt at block N" messages). */
uint32_t ms_isosrc_last_lba(struct iso_data_source *src);

#endif
