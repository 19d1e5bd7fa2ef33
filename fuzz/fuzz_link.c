/* Link records and libisofs checksum tags in one block. */
#include <string.h>

#include "fuzz.h"
#include "iso9660.h"
#include "link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t blk[MS_BLOCK], again[MS_BLOCK];
	struct ms_link l, back;
	uint32_t next;
	char why[128];

	if (size > MS_BLOCK)
		return 0;
	memset(blk, 0, sizeof(blk));
	memcpy(blk, data, size);
	fz_link_fix(blk);
	if (ms_link_parse(blk, &l, why, sizeof(why)) == MS_LINK_FOUND &&
	    ms_link_format(&l, again) == 0) {
		/* what the parser accepts formats back to a record it reads */
		if (ms_link_parse(again, &back, why, sizeof(why)) !=
		    MS_LINK_FOUND)
			__builtin_trap();
	}
	ms_tag_parse(blk, "libisofs_sb_checksum_tag_v1", 32, &next);
	return 0;
}
