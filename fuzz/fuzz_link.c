/* Link records and libisofs checksum tags in one block. */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "fuzz.h"
#include "iso9660.h"
#include "link.h"

#define SELF_KEY " self="
#define SELF_HEX_LEN 8

/*
 * Put the right checksum after " self=" in the record line, so that
 * mutations reach the fields behind the checksum.
 */
static void fix_self(uint8_t *blk)
{
	char hex[SELF_HEX_LEN + 1];
	uint8_t *nl = memchr(blk, '\n', MS_BLOCK), *self;

	if (!nl)
		return;
	self = memmem(blk, (size_t)(nl - blk), SELF_KEY, strlen(SELF_KEY));
	if (!self || nl - self != (long)strlen(SELF_KEY) + SELF_HEX_LEN)
		return;
	snprintf(hex, sizeof(hex), "%08lx",
		 (unsigned long)crc32(0L, blk, (uInt)(self - blk)));
	memcpy(self + strlen(SELF_KEY), hex, SELF_HEX_LEN);
}

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
	fix_self(blk);
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
