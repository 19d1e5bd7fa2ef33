/*
 * Link records whose addresses pass ISO 9660's limits are corrupt, named
 * before any sum of them can wrap (issue: start=4294967290).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "link.h"

static uint8_t blk[MS_BLOCK];
static char why[128];

static void sample(struct ms_link *l)
{
	memset(l, 0, sizeof(*l));
	l->start = 44192;
	l->base_last = 32;
	l->base_nwa = 44192;
	l->base_sessions = 1;
	snprintf(l->base_volid, sizeof(l->base_volid), "ISOIMAGE");
	l->created = 1700000000;
}

/* Format l (the formatter checks nothing) and parse it back. */
static int reparse(const struct ms_link *l)
{
	struct ms_link out;

	cr_assert_eq(ms_link_format(l, blk), 0);
	why[0] = '\0';
	return ms_link_parse(blk, &out, why, sizeof(why));
}

/*
 * The same as a record from before one-pass layout, which names the image
 * size: " blocks=B" after start=S, the self checksum made again.
 */
static int reparse_old(const struct ms_link *l)
{
	struct ms_link out;
	char line[600], body[600];
	const char *base, *self;
	int n;

	cr_assert_eq(ms_link_format(l, blk), 0);
	base = strstr((const char *)blk, " base=");
	self = strstr((const char *)blk, " self=");
	cr_assert(base && self && base < self);
	snprintf(body, sizeof(body), "%.*s blocks=%u%.*s",
		 (int)(base - (const char *)blk), (const char *)blk,
		 l->blocks, (int)(self - base), base);
	n = snprintf(line, sizeof(line), "%s self=%08lx\n", body,
		     crc32(0L, (const Bytef *)body, (uInt)strlen(body)));
	cr_assert(n > 0 && (size_t)n < sizeof(line));
	memset(blk, 0, sizeof(blk));
	memcpy(blk, line, (size_t)n);
	why[0] = '\0';
	return ms_link_parse(blk, &out, why, sizeof(why));
}

Test(link_limits, sound_record_passes)
{
	struct ms_link l;

	sample(&l);
	cr_assert_eq(reparse(&l), MS_LINK_FOUND, "%s", why);
	l.blocks = 532849;
	cr_assert_eq(reparse_old(&l), MS_LINK_FOUND, "%s", why);
	l.start = MS_LINK_MAX_BLOCK - 10;
	l.blocks = 10;
	l.base_nwa = l.start;
	cr_assert_eq(reparse_old(&l), MS_LINK_FOUND, "%s", why);
}

Test(link_limits, start_near_2_32_is_refused)
{
	struct ms_link l;

	sample(&l);
	l.start = 4294967290u;
	cr_assert_eq(reparse(&l), MS_LINK_CORRUPT);
	cr_assert_str_eq(why, "start=4294967290 is beyond the largest ISO "
			 "9660 block address 2147483632");
}

Test(link_limits, each_address_is_checked)
{
	struct ms_link l;

	sample(&l);
	l.blocks = 4294967295u;
	cr_assert_eq(reparse_old(&l), MS_LINK_CORRUPT);
	cr_assert(strstr(why, "blocks=4294967295 is beyond") != NULL, "%s",
		  why);
	sample(&l);
	l.base_last = 0x80000000u;
	cr_assert_eq(reparse(&l), MS_LINK_CORRUPT);
	cr_assert(strstr(why, "base_last=2147483648 is beyond") != NULL, "%s",
		  why);
	sample(&l);
	l.base_nwa = 4294967295u;
	cr_assert_eq(reparse(&l), MS_LINK_CORRUPT);
	cr_assert(strstr(why, "base_nwa=4294967295 is beyond") != NULL, "%s",
		  why);
}

Test(link_limits, end_past_the_limit_is_refused_without_wrapping)
{
	struct ms_link l;

	sample(&l);
	l.start = 0x7fff0000u;
	l.blocks = 0x10000u;
	l.base_nwa = l.start;
	cr_assert_eq(reparse_old(&l), MS_LINK_CORRUPT);
	cr_assert(strstr(why, "would end beyond the largest") != NULL, "%s",
		  why);
}

Test(link_limits, base_must_end_before_its_nwa)
{
	struct ms_link l;

	sample(&l);
	l.base_last = 44192;
	cr_assert_eq(reparse(&l), MS_LINK_CORRUPT);
	cr_assert(strstr(why, "not before its next writable address") != NULL,
		  "%s", why);
	/* a blank base has neither */
	sample(&l);
	l.base_blank = 1;
	l.base_last = 0;
	l.base_nwa = 0;
	l.base_sessions = 0;
	cr_assert_eq(reparse(&l), MS_LINK_FOUND, "%s", why);
}
