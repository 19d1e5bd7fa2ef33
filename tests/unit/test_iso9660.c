/* ISO 9660 descriptors, dates and Rock Ridge detection, on crafted blocks. */
#include <criterion/criterion.h>
#include <string.h>

#include "craft.h"
#include "iso9660.h"

static uint8_t blk[MS_BLOCK];

Test(iso9660, byte_order_helpers)
{
	static const uint8_t le[] = { 0x78, 0x56, 0x34, 0x12 };
	static const uint8_t want[] = {
		0x78, 0x56, 0x34, 0x12, 0x12, 0x34, 0x56, 0x78,
	};
	uint8_t both[8];

	cr_assert_eq(ms_le32(le), 0x12345678u);
	cr_assert_eq(ms_be32(le), 0x78563412u);
	cr_assert_eq(ms_le16(le), 0x5678);
	ms_put_both32(both, 0x12345678u);
	cr_assert_arr_eq(both, want, sizeof(want));
}

Test(iso9660, pvd_fields)
{
	struct ms_vd vd;

	craft_pvd(blk, "ISOIMAGE", 532849, 44210);
	cr_assert(ms_vd_is_descriptor(blk));
	cr_assert(ms_vd_is_primary(blk));
	cr_assert_eq(ms_vd_parse(blk, &vd), 0);
	cr_assert_eq(vd.type, MS_VD_PRIMARY);
	cr_assert_str_eq(vd.volume_id, "ISOIMAGE");
	cr_assert_eq(vd.space_size, 532849u);
	cr_assert_eq(vd.root_lba, 44210u);
	cr_assert_eq(vd.root_size, (uint32_t)MS_BLOCK);
	cr_assert_eq(vd.joliet_level, 0);
	cr_assert_eq(vd.created, (int64_t)CRAFT_DATE_UNIX);
}

Test(iso9660, pvd_escape_sequences_are_not_joliet)
{
	struct ms_vd vd;

	craft_pvd(blk, "X", 100, 20);
	memcpy(blk + MS_VD_ESCAPES_OFF, "%/E", 3);
	cr_assert_eq(ms_vd_parse(blk, &vd), 0);
	cr_assert_eq(vd.joliet_level, 0);
}

Test(iso9660, joliet_escape_sequences_give_levels)
{
	static const struct {
		const char *esc;
		int level;
	} cases[] = {
		{ "%/@", 1 }, { "%/C", 2 }, { "%/E", 3 },
		{ "%/F", 0 }, { "%\\E", 0 }, { "", 0 },
	};
	struct ms_vd vd;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		craft_svd(blk, cases[i].esc, "JOLIET", 100, 21);
		cr_assert_eq(ms_vd_parse(blk, &vd), 0);
		cr_assert_eq(vd.type, MS_VD_SUPPLEMENTARY);
		cr_assert_eq(vd.joliet_level, cases[i].level,
			     "escapes '%s': level %d, want %d", cases[i].esc,
			     vd.joliet_level, cases[i].level);
		cr_assert_eq(vd.root_lba, 21u);
	}
}

Test(iso9660, terminator_parses_as_its_type)
{
	struct ms_vd vd;

	craft_terminator(blk);
	cr_assert(ms_vd_is_descriptor(blk));
	cr_assert_not(ms_vd_is_primary(blk));
	cr_assert_eq(ms_vd_parse(blk, &vd), 0);
	cr_assert_eq(vd.type, MS_VD_TERMINATOR);
	cr_assert_eq(vd.space_size, 0u);
	cr_assert_str_eq(vd.volume_id, "");
	cr_assert_eq(vd.created, -1);
}

Test(iso9660, boot_record_parses_without_fields)
{
	struct ms_vd vd;

	craft_pvd(blk, "BOOT", 100, 20);
	blk[MS_VD_TYPE_OFF] = MS_VD_BOOT;
	cr_assert_eq(ms_vd_parse(blk, &vd), 0);
	cr_assert_eq(vd.type, MS_VD_BOOT);
	cr_assert_eq(vd.space_size, 0u);
	cr_assert_not(ms_vd_is_primary(blk));
}

Test(iso9660, non_descriptors_are_refused)
{
	struct ms_vd vd;

	memset(blk, 0, sizeof(blk));
	cr_assert_not(ms_vd_is_descriptor(blk));
	cr_assert_eq(ms_vd_parse(blk, &vd), -1);
	cr_assert_eq(vd.created, -1);

	craft_pvd(blk, "X", 100, 20);
	memcpy(blk + MS_VD_ID_OFF, "CDXX1", MS_VD_ID_LEN);
	cr_assert_not(ms_vd_is_descriptor(blk));
	cr_assert_eq(ms_vd_parse(blk, &vd), -1);

	craft_pvd(blk, "X", 100, 20);
	blk[MS_VD_VERSION_OFF] = 2;
	cr_assert_not(ms_vd_is_descriptor(blk));
	cr_assert_not(ms_vd_is_primary(blk));

	craft_pvd(blk, "X", 100, 20);
	memcpy(blk + MS_VD_ID_OFF, "BEA01", MS_VD_ID_LEN);	/* UDF */
	cr_assert_eq(ms_vd_parse(blk, &vd), -1);

	memset(blk, 0xff, sizeof(blk));
	cr_assert_eq(ms_vd_parse(blk, &vd), -1);
}

Test(iso9660, volume_id_trailing_blanks_and_nuls_trimmed)
{
	struct ms_vd vd;

	craft_pvd(blk, "MY DISC  ", 100, 20);
	ms_vd_parse(blk, &vd);
	cr_assert_str_eq(vd.volume_id, "MY DISC");

	craft_pvd(blk, "", 100, 20);
	ms_vd_parse(blk, &vd);
	cr_assert_str_eq(vd.volume_id, "");

	craft_pvd(blk, "", 100, 20);
	memset(blk + MS_VD_VOLUME_ID_OFF, 0, MS_VD_VOLUME_ID_LEN);
	memcpy(blk + MS_VD_VOLUME_ID_OFF, "NULPAD", 6);
	ms_vd_parse(blk, &vd);
	cr_assert_str_eq(vd.volume_id, "NULPAD");

	craft_pvd(blk, " LEAD", 100, 20);
	ms_vd_parse(blk, &vd);
	cr_assert_str_eq(vd.volume_id, " LEAD");
}

Test(iso9660, volume_id_of_full_length_kept_whole)
{
	static const char full[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
	struct ms_vd vd;

	cr_assert_eq(strlen(full), (size_t)MS_VD_VOLUME_ID_LEN);
	craft_pvd(blk, full, 100, 20);
	ms_vd_parse(blk, &vd);
	cr_assert_str_eq(vd.volume_id, full);
}

Test(iso9660, volume_id_control_bytes_shown_as_question_marks)
{
	struct ms_vd vd;

	craft_pvd(blk, "A\tB\x7f\x1b", 100, 20);
	ms_vd_parse(blk, &vd);
	cr_assert_str_eq(vd.volume_id, "A?B??");
}

Test(iso9660, volume_id_utf8_kept)
{
	struct ms_vd vd;

	craft_pvd(blk, "CAF\xc3\x89 \xe2\x82\xac \xf0\x9f\x92\xbf", 100, 20);
	ms_vd_parse(blk, &vd);
	cr_assert_str_eq(vd.volume_id,
			 "CAF\xc3\x89 \xe2\x82\xac \xf0\x9f\x92\xbf");
}

Test(iso9660, volume_id_bad_utf8_shown_as_question_marks)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "A\xc3", "A?" },			/* padding follows */
		{ "A\xc3Z", "A?Z" },			/* no continuation */
		{ "\xa9" "B", "?B" },			/* lone continuation */
		{ "\xc0\xaf" "C", "??C" },		/* overlong '/' */
		{ "\xe0\x80\xaf" "D", "???D" },		/* overlong, 3 bytes */
		{ "\xed\xa0\x80" "E", "???E" },		/* surrogate */
		{ "\xf4\x90\x80\x80" "F", "????F" },	/* beyond U+10FFFF */
		{ "\xff\xfeG", "??G" },
		{ "\xe2\x82", "??" },			/* two bytes of three */
	};
	struct ms_vd vd;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		craft_pvd(blk, cases[i].in, 100, 20);
		ms_vd_parse(blk, &vd);
		cr_assert_str_eq(vd.volume_id, cases[i].out, "case %zu", i);
	}
}

Test(iso9660, volume_id_utf8_cut_by_the_field_end)
{
	struct ms_vd vd;

	/* 31 ASCII bytes, then the first byte of a 2-byte sequence */
	craft_pvd(blk, "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234\xc3", 100, 20);
	ms_vd_parse(blk, &vd);
	cr_assert_str_eq(vd.volume_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234?");
}

Test(iso9660, volume_space_size_written_both_endian)
{
	static const uint8_t want[] = {
		0x04, 0x03, 0x02, 0x01, 0x01, 0x02, 0x03, 0x04,
	};
	struct ms_vd vd;

	craft_pvd(blk, "X", 7, 20);
	ms_vd_set_space_size(blk, 0x01020304u);
	cr_assert_arr_eq(blk + MS_VD_SPACE_SIZE_OFF, want, sizeof(want));
	cr_assert_eq(ms_vd_space_size(blk), 0x01020304u);
	ms_vd_parse(blk, &vd);
	cr_assert_eq(vd.space_size, 0x01020304u);

	ms_vd_set_space_size(blk, 0xffffffffu);
	cr_assert_eq(ms_vd_space_size(blk), 0xffffffffu);
	cr_assert_eq(ms_be32(blk + MS_VD_SPACE_SIZE_OFF + 4), 0xffffffffu);
}

Test(iso9660, volume_space_size_read_from_little_endian_half)
{
	craft_pvd(blk, "X", 300, 20);
	/* a damaged big-endian half does not change what is read */
	memset(blk + MS_VD_SPACE_SIZE_OFF + 4, 0xee, 4);
	cr_assert_eq(ms_vd_space_size(blk), 300u);
}

Test(iso9660, root_extent_read_from_root_record)
{
	struct ms_vd vd;
	uint8_t *root = blk + MS_VD_ROOT_RECORD_OFF;

	craft_pvd(blk, "X", 100, 0);
	ms_put_both32(root + MS_DR_EXTENT_OFF, 0x00abcdefu);
	ms_put_both32(root + MS_DR_SIZE_OFF, 3 * MS_BLOCK);
	ms_vd_parse(blk, &vd);
	cr_assert_eq(vd.root_lba, 0x00abcdefu);
	cr_assert_eq(vd.root_size, 3u * MS_BLOCK);
}

/* Dates: ECMA-119 8.4.26.1, 16 digits and a signed 15-minute offset. */

static int64_t date_of(const char *digits, int tz)
{
	uint8_t dt[MS_VD_DATE_LEN];
	int64_t t = 12345;

	craft_date(dt, digits, tz);
	if (ms_iso_date_parse(dt, &t) < 0) {
		cr_assert_eq(t, -1, "a refused date must give -1");
		return -2;
	}
	return t;
}

Test(iso9660, creation_date_in_utc)
{
	cr_assert_eq(date_of(CRAFT_DATE_DIGITS, 0), (int64_t)CRAFT_DATE_UNIX);
	cr_assert_eq(date_of("1970010100000000", 0), 0);
	cr_assert_eq(date_of("2000022912345699", 0), 951827696);
}

Test(iso9660, creation_date_time_zone_offsets)
{
	/* 19:44 at UTC+1 is 18:44 UTC; at UTC-5 it is 00:44 the next day */
	cr_assert_eq(date_of(CRAFT_DATE_DIGITS, 4),
		     (int64_t)CRAFT_DATE_UNIX - 3600);
	cr_assert_eq(date_of(CRAFT_DATE_DIGITS, -20),
		     (int64_t)CRAFT_DATE_UNIX + 5 * 3600);
	/* the extremes of the standard: UTC-12 and UTC+13 */
	cr_assert_eq(date_of(CRAFT_DATE_DIGITS, -48),
		     (int64_t)CRAFT_DATE_UNIX + 12 * 3600);
	cr_assert_eq(date_of(CRAFT_DATE_DIGITS, 52),
		     (int64_t)CRAFT_DATE_UNIX - 13 * 3600);
	/* India: UTC+5:30 */
	cr_assert_eq(date_of(CRAFT_DATE_DIGITS, 22),
		     (int64_t)CRAFT_DATE_UNIX - 5 * 3600 - 30 * 60);
}

Test(iso9660, creation_date_unset_or_bad_is_minus_one)
{
	uint8_t dt[MS_VD_DATE_LEN];
	int64_t t = 0;

	/* "not specified": all digits zero and a zero offset */
	cr_assert_eq(date_of("0000000000000000", 0), -2);
	memset(dt, 0, sizeof(dt));
	cr_assert_eq(ms_iso_date_parse(dt, &t), -1);
	cr_assert_eq(t, -1);
	memset(dt, ' ', sizeof(dt));
	cr_assert_eq(ms_iso_date_parse(dt, &t), -1);
	cr_assert_eq(date_of("2026132319440000", 0), -2);
	cr_assert_eq(date_of("2026110019440000", 0), -2);
	cr_assert_eq(date_of("2026112324440000", 0), -2);
	cr_assert_eq(date_of("2026112319604000", 0), -2);
	cr_assert_eq(date_of("2026-1123194400", 0), -2);
}

Test(iso9660, descriptor_without_creation_date)
{
	struct ms_vd vd;

	craft_pvd(blk, "X", 100, 20);
	craft_date(blk + MS_VD_CREATION_OFF, "0000000000000000", 0);
	ms_vd_parse(blk, &vd);
	cr_assert_eq(vd.created, -1);
}

Test(iso9660, time_format)
{
	char buf[32];

	ms_time_format(CRAFT_DATE_UNIX, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2026-11-23T19:44:00Z");
	ms_time_format(0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "1970-01-01T00:00:00Z");
	ms_time_format(-1, buf, sizeof(buf));
	cr_assert_str_eq(buf, "-");
}

/* Descriptor sets: from a session's block 16 to the terminator. */

static uint8_t set_blocks[6 * MS_BLOCK];

static uint8_t *set_blk(int i)
{
	return set_blocks + (size_t)i * MS_BLOCK;
}

Test(iso9660, vdset_pvd_joliet_terminator)
{
	struct ms_vdset set;

	memset(set_blocks, 0, sizeof(set_blocks));
	craft_pvd(set_blk(0), "SET", 500, 40);
	craft_svd(set_blk(1), "%/E", "SET", 500, 41);
	craft_terminator(set_blk(2));
	cr_assert_eq(ms_vdset_parse(set_blocks, 6, &set), MS_VDSET_OK);
	cr_assert_eq(set.count, 3);
	cr_assert(set.has_pvd);
	cr_assert_str_eq(set.pvd.volume_id, "SET");
	cr_assert_eq(set.joliet_level, 3);
	cr_assert_eq(set.joliet_root_lba, 41u);
}

Test(iso9660, vdset_keeps_first_pvd_and_first_joliet)
{
	struct ms_vdset set;

	memset(set_blocks, 0, sizeof(set_blocks));
	craft_pvd(set_blk(0), "FIRST", 500, 40);
	craft_svd(set_blk(1), "%/@", "J1", 500, 41);
	craft_pvd(set_blk(2), "SECOND", 600, 50);
	craft_svd(set_blk(3), "%/E", "J3", 500, 42);
	craft_terminator(set_blk(4));
	cr_assert_eq(ms_vdset_parse(set_blocks, 6, &set), MS_VDSET_OK);
	cr_assert_eq(set.count, 5);
	cr_assert_str_eq(set.pvd.volume_id, "FIRST");
	cr_assert_eq(set.joliet_level, 1);
	cr_assert_eq(set.joliet_root_lba, 41u);
}

Test(iso9660, vdset_non_joliet_svd_ignored)
{
	struct ms_vdset set;

	memset(set_blocks, 0, sizeof(set_blocks));
	craft_pvd(set_blk(0), "SET", 500, 40);
	craft_svd(set_blk(1), "", "NOTJOLIET", 500, 41);
	craft_terminator(set_blk(2));
	cr_assert_eq(ms_vdset_parse(set_blocks, 3, &set), MS_VDSET_OK);
	cr_assert_eq(set.joliet_level, 0);
}

Test(iso9660, vdset_errors)
{
	struct ms_vdset set;

	memset(set_blocks, 0, sizeof(set_blocks));
	craft_svd(set_blk(0), "%/E", "J", 500, 41);
	craft_terminator(set_blk(1));
	cr_assert_eq(ms_vdset_parse(set_blocks, 6, &set), MS_VDSET_NO_PVD);

	memset(set_blocks, 0, sizeof(set_blocks));
	craft_pvd(set_blk(0), "SET", 500, 40);
	cr_assert_eq(ms_vdset_parse(set_blocks, 6, &set),
		     MS_VDSET_NOT_DESCRIPTOR);

	craft_pvd(set_blk(1), "SET", 500, 40);
	craft_pvd(set_blk(2), "SET", 500, 40);
	cr_assert_eq(ms_vdset_parse(set_blocks, 3, &set),
		     MS_VDSET_UNTERMINATED);

	/* the terminator beyond nblocks is not seen */
	craft_terminator(set_blk(3));
	cr_assert_eq(ms_vdset_parse(set_blocks, 3, &set),
		     MS_VDSET_UNTERMINATED);
	cr_assert_eq(ms_vdset_parse(set_blocks, 4, &set), MS_VDSET_OK);
	cr_assert_eq(set.count, 4);
	cr_assert_eq(ms_vdset_parse(set_blocks, 0, &set),
		     MS_VDSET_UNTERMINATED);
}

/*
 * Rock Ridge on the root's "." record: a directory record whose system use
 * area holds SUSP entries (IEEE P1281), the first an SP with 0xbe 0xef.
 */

struct rec {
	uint8_t b[256];
	size_t len;
};

static void rec_start(struct rec *r, int name_len)
{
	memset(r, 0, sizeof(*r));
	r->len = MS_DR_NAME_OFF + (size_t)name_len;
	if (r->len % 2)
		r->len++;
	r->b[MS_DR_NAME_LEN_OFF] = (uint8_t)name_len;
	r->b[MS_DR_FLAGS_OFF] = 0x02;
}

static void rec_entry(struct rec *r, const char *sig, size_t len,
		      const uint8_t *data)
{
	uint8_t *e = r->b + r->len;

	e[0] = (uint8_t)sig[0];
	e[1] = (uint8_t)sig[1];
	e[2] = (uint8_t)len;
	e[3] = 1;
	if (data && len > 4)
		memcpy(e + 4, data, len - 4);
	r->len += len;
}

static void rec_sp(struct rec *r)
{
	static const uint8_t sp[] = { 0xbe, 0xef, 0 };

	rec_entry(r, "SP", 7, sp);
}

static int rr(struct rec *r)
{
	r->b[MS_DR_LENGTH_OFF] = (uint8_t)r->len;
	return ms_root_has_rockridge(r->b, sizeof(r->b));
}

Test(rockridge, sp_then_px)
{
	struct rec r;

	rec_start(&r, 1);
	rec_sp(&r);
	rec_entry(&r, "PX", 44, NULL);
	cr_assert_eq(rr(&r), 1);
}

Test(rockridge, sp_then_rr)
{
	struct rec r;

	rec_start(&r, 1);
	rec_sp(&r);
	rec_entry(&r, "RR", 5, NULL);
	cr_assert_eq(rr(&r), 1);
}

Test(rockridge, sp_then_er)
{
	struct rec r;

	rec_start(&r, 1);
	rec_sp(&r);
	rec_entry(&r, "ER", 20, NULL);
	cr_assert_eq(rr(&r), 1);
}

Test(rockridge, sp_then_timestamps_then_px)
{
	struct rec r;

	rec_start(&r, 1);
	rec_sp(&r);
	rec_entry(&r, "TF", 26, NULL);
	rec_entry(&r, "PX", 44, NULL);
	cr_assert_eq(rr(&r), 1);
}

Test(rockridge, padding_after_even_name_length)
{
	struct rec r;

	/* a name of 2 bytes ends at 35: one pad byte before the entries */
	rec_start(&r, 2);
	cr_assert_eq(r.len, 36u);
	rec_sp(&r);
	rec_entry(&r, "PX", 44, NULL);
	cr_assert_eq(rr(&r), 1);
}

Test(rockridge, without_sp_not_rock_ridge)
{
	struct rec r;

	rec_start(&r, 1);
	rec_entry(&r, "PX", 44, NULL);
	rec_entry(&r, "ER", 20, NULL);
	cr_assert_eq(rr(&r), 0);
}

Test(rockridge, sp_with_wrong_check_bytes)
{
	static const uint8_t bad[] = { 0xbe, 0xee, 0 };
	struct rec r;

	rec_start(&r, 1);
	rec_entry(&r, "SP", 7, bad);
	rec_entry(&r, "PX", 44, NULL);
	cr_assert_eq(rr(&r), 0);
}

Test(rockridge, sp_alone_not_rock_ridge)
{
	struct rec r;

	rec_start(&r, 1);
	rec_sp(&r);
	cr_assert_eq(rr(&r), 0);
}

Test(rockridge, plain_record_not_rock_ridge)
{
	struct rec r;

	rec_start(&r, 1);
	cr_assert_eq(rr(&r), 0);
}

Test(rockridge, entries_after_st_ignored)
{
	struct rec r;

	rec_start(&r, 1);
	rec_sp(&r);
	rec_entry(&r, "ST", 4, NULL);
	rec_entry(&r, "PX", 44, NULL);
	cr_assert_eq(rr(&r), 0);
}

Test(rockridge, malformed_record_lengths)
{
	struct rec r;

	rec_start(&r, 1);
	rec_sp(&r);
	rec_entry(&r, "PX", 44, NULL);
	r.b[MS_DR_LENGTH_OFF] = MS_DR_MIN_LEN - 1;
	cr_assert_eq(ms_root_has_rockridge(r.b, sizeof(r.b)), -1);
	r.b[MS_DR_LENGTH_OFF] = 0;
	cr_assert_eq(ms_root_has_rockridge(r.b, sizeof(r.b)), -1);
	/* a record longer than the extent */
	r.b[MS_DR_LENGTH_OFF] = (uint8_t)r.len;
	cr_assert_eq(ms_root_has_rockridge(r.b, r.len - 1), -1);
	cr_assert_eq(ms_root_has_rockridge(r.b, MS_DR_MIN_LEN - 1), -1);
	cr_assert_eq(ms_root_has_rockridge(r.b, r.len), 1);
}

Test(rockridge, malformed_entry_lengths_stop_the_scan)
{
	struct rec r;

	/* an entry shorter than its header */
	rec_start(&r, 1);
	rec_sp(&r);
	rec_entry(&r, "XX", 2, NULL);
	rec_entry(&r, "PX", 44, NULL);
	cr_assert_eq(rr(&r), 0);

	/* an entry of length 0 */
	rec_start(&r, 1);
	rec_sp(&r);
	rec_entry(&r, "XX", 0, NULL);
	r.len += 4;
	rec_entry(&r, "PX", 44, NULL);
	cr_assert_eq(rr(&r), 0);

	/* an entry running past the record */
	rec_start(&r, 1);
	rec_sp(&r);
	rec_entry(&r, "PX", 44, NULL);
	r.b[r.len - 44 + 2] = 200;
	cr_assert_eq(rr(&r), 0);

	/* a name length that runs past the record */
	rec_start(&r, 1);
	rec_sp(&r);
	rec_entry(&r, "PX", 44, NULL);
	r.b[MS_DR_NAME_LEN_OFF] = 250;
	cr_assert_eq(rr(&r), 0);
}

Test(iso9660, is_zero)
{
	memset(blk, 0, sizeof(blk));
	cr_assert(ms_is_zero(blk, sizeof(blk)));
	cr_assert(ms_is_zero(blk, 0));
	blk[MS_BLOCK - 1] = 1;
	cr_assert_not(ms_is_zero(blk, sizeof(blk)));
	cr_assert(ms_is_zero(blk, sizeof(blk) - 1));
}
