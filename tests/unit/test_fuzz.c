/* What the fuzz targets found, one test per finding (fuzz/regress/). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "iso9660.h"
#include "link.h"

/*
 * fuzz/regress/link-created-before-1970: a date before 1970 parsed into a
 * negative time, which formats as "-", so a record the parser accepted
 * could not be written back.
 */
Test(fuzz, time_parse_refuses_dates_before_1970)
{
	int64_t t = 1;

	cr_assert_eq(ms_time_parse("0513-11-23T19:44:00Z", &t), -1);
	cr_assert_eq(ms_time_parse("1969-12-31T23:59:59Z", &t), -1);
	cr_assert_eq(ms_time_parse("1970-01-01T00:00:00Z", &t), 0);
	cr_assert_eq(t, 0);
}

Test(fuzz, link_created_before_1970_is_corrupt)
{
	static const char body[] = "mstools_link_v1 start=224 blocks=44 "
		"base=blank base_last=0 base_nwa=0 base_sessions=0 "
		"base_fp=00000000000000000000000000000000 base_volid=X "
		"created=0513-11-23T19:44:00Z";
	uint8_t blk[MS_BLOCK] = { 0 };
	struct ms_link l;
	char why[128] = "";

	snprintf((char *)blk, sizeof(blk), "%s self=%08lx\n", body,
		 crc32(0L, (const Bytef *)body, (uInt)strlen(body)));
	cr_assert_eq(ms_link_parse(blk, &l, why, sizeof(why)),
		     MS_LINK_CORRUPT);
	cr_assert_str_eq(why, "bad field 'created'");
}
