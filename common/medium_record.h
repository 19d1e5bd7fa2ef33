/*
 * A medium that forwards to another and remembers every block read
 * through it, in the order read: what the snapshot exporter keeps of an
 * import.  Blocks past the end of the inner medium that a reader asked
 * for up to the end (ms_medium_read_upto) are remembered as zeros, as
 * the reader takes them.
 */
#ifndef MS_MEDIUM_RECORD_H
#define MS_MEDIUM_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "medium.h"

/*
 * A recording medium over inner, named as inner is.  inner must outlive
 * it and is not closed with it.  Writes are refused.
 */
int ms_medium_record_new(struct ms_ctx *c, struct ms_medium *inner,
			 struct ms_medium **out);

/*
 * The blocks recorded so far: *lbas[i] is the address of the MS_BLOCK
 * bytes at *data + i * MS_BLOCK.  A block read again soon after is kept
 * once.  Valid until the next read or the close of m.
 */
size_t ms_medium_recorded(const struct ms_medium *m, const uint32_t **lbas,
			  const uint8_t **data);

#endif
