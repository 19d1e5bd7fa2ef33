/*
 * Volume descriptors and the pieces of directory records lsms reads:
 * the input is a run of blocks from a session's block 16 on.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "iso9660.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_vdset set;
	struct ms_vd vd;
	uint8_t *blocks;
	int64_t t;
	int n = (int)((size + MS_BLOCK - 1) / MS_BLOCK), i;

	if (size == 0 || n > MS_VDSET_MAX)
		return 0;
	/* a copy of exactly whole blocks, so reads past the input show */
	blocks = calloc((size_t)n, MS_BLOCK);
	if (!blocks)
		return 0;
	memcpy(blocks, data, size);
	ms_vdset_parse(blocks, n, &set);
	for (i = 0; i < n; i++) {
		const uint8_t *blk = blocks + (size_t)i * MS_BLOCK;

		if (ms_vd_parse(blk, &vd) == 0) {
			ms_vd_space_size(blk);
			ms_iso_date_parse(blk + MS_VD_CREATION_OFF, &t);
		}
	}
	/* the input as a root directory extent, of its own size */
	ms_root_has_rockridge(data, size);
	free(blocks);
	return 0;
}
