/*
 * The snapshot decoder (man/mstools.5) on crafted and damaged inputs:
 * every snapshot here has right checksums, so what the decoder refuses it
 * refuses for its contents.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ctx.h"
#include "exit.h"
#include "layout.h"
#include "snapshot.h"

#define HDR	32
#define FP	"0123456789abcdef0123456789abcdef"

/* The text part of a good appendable disc file with two sessions. */
static const char good_text[] =
	"mstools_snapshot_v1\n"
	"source disc.iso\n"
	"taken 2026-11-23T19:44:00Z\n"
	"kind file\n"
	"profile 65535 stdio%20file\n"
	"status appendable\n"
	"overwriteable 1\n"
	"first_address 32\n"
	"msc1 0\n"
	"last_start 64\n"
	"nwa 128\n"
	"free_blocks 1000\n"
	"capacity_blocks 1128\n"
	"overhead_blocks 0\n"
	"fingerprint " FP "\n"
	"session 1 32 32 32 1 1 3 1 1795463040 ONE\n"
	"session 2 64 40 40 1 1 3 1 1795463040 TWO\n"
	"end\n";

static struct ms_ctx c;
static unsigned char *file;
static size_t file_len;
static struct ms_snapshot *snap;

static void setup(void)
{
	ms_ctx_init(&c);
	file = NULL;
	snap = NULL;
}

static void teardown(void)
{
	ms_snapshot_free(snap);
	free(file);
}

TestSuite(snapshot, .init = setup, .fini = teardown);

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A whole snapshot file of payload p, with right checksums, in file. */
static void pack(const void *p, size_t len)
{
	uLongf zlen = compressBound((uLong)len);

	free(file);
	file = malloc(HDR + zlen);
	cr_assert_not_null(file);
	cr_assert_eq(compress(file + HDR, &zlen, p, (uLong)len), Z_OK);
	memcpy(file, MS_SNAP_MAGIC, MS_SNAP_MAGIC_LEN);
	put32(file + 8, MS_SNAP_VERSION);
	put32(file + 12, 0);
	put32(file + 16, (uint32_t)((uint64_t)len >> 32));
	put32(file + 20, (uint32_t)len);
	put32(file + 24, (uint32_t)crc32(0, p, (uInt)len));
	put32(file + 28, (uint32_t)crc32(0, file, 28));
	file_len = HDR + zlen;
}

/* good_text with the line starting with from replaced by to ("" drops it) */
static char *edit(const char *from, const char *to)
{
	static char text[4096];
	const char *at = strstr(good_text, from);
	const char *eol;

	cr_assert_not_null(at, "no '%s' in the sample", from);
	eol = strchr(at, '\n') + 1;
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - good_text),
		 good_text, to, eol);
	return text;
}

static int decode_text(const char *text)
{
	pack(text, strlen(text));
	return ms_snapshot_decode(&c, file, file_len, &snap);
}

static void assert_damaged(const char *text, const char *why)
{
	cr_assert_eq(decode_text(text), -1, "decoded: %s", text);
	cr_assert_null(snap);
	cr_assert_eq(c.status, MS_EXIT_FAILURE);
	cr_assert_str_eq(c.msg, why);
}

Test(snapshot, good_sample_decodes)
{
	const struct ms_layout *l;

	cr_assert_eq(decode_text(good_text), 0, "%s", c.msg);
	l = ms_snapshot_decoded_layout(snap);
	cr_assert_eq(l->status, MS_STATUS_APPENDABLE);
	cr_assert_eq(l->nsessions, 2);
	cr_assert_eq(l->sessions[1].start, 64);
	cr_assert_eq(l->nwa, 128);
	cr_assert_eq(l->has_fp, 1);
	cr_assert_str_eq(l->sessions[0].volume_id, "ONE");
	cr_assert_str_eq(ms_snapshot_source(snap), "disc.iso");
}

Test(snapshot, blank_without_sessions_decodes)
{
	char text[4096];

	snprintf(text, sizeof(text), "%s", edit("status ", "status blank\n"));
	/* drop both session lines and the fingerprint */
	*strstr(text, "session 1") = '\0';
	strcat(text, "end\n");
	memcpy(strstr(text, "fingerprint ") + 12, "-", 1);
	memmove(strstr(text, "fingerprint -") + 13,
		strstr(text, "fingerprint -") + 12 + 32,
		strlen(strstr(text, "fingerprint -") + 12 + 32) + 1);
	cr_assert_eq(decode_text(text), 0, "%s: %s", c.msg, text);
	cr_assert_eq(ms_snapshot_decoded_layout(snap)->nsessions, 0);
}

Test(snapshot, appendable_without_sessions_is_damaged)
{
	char text[4096];

	snprintf(text, sizeof(text), "%s", good_text);
	*strstr(text, "session 1") = '\0';
	strcat(text, "end\n");
	assert_damaged(text, "snapshot is damaged: it says appendable but "
		       "lists no sessions");
}

Test(snapshot, closed_without_sessions_is_damaged)
{
	char text[4096];

	snprintf(text, sizeof(text), "%s", edit("status ", "status closed\n"));
	*strstr(text, "session 1") = '\0';
	strcat(text, "end\n");
	assert_damaged(text, "snapshot is damaged: it says closed but lists "
		       "no sessions");
}

Test(snapshot, blank_with_sessions_is_damaged)
{
	assert_damaged(edit("status ", "status blank\n"),
		       "snapshot is damaged: it says blank but lists sessions");
}

Test(snapshot, overlapping_sessions_are_damaged)
{
	char text[4096];

	snprintf(text, sizeof(text), "%s",
		 edit("session 2", "session 2 50 40 40 1 1 3 1 0 TWO\n"));
	memcpy(strstr(text, "last_start 64"), "last_start 50", 13);
	assert_damaged(text, "snapshot is damaged: session 2 at block 50 "
		       "starts before session 1 ends (block 64)");
}

Test(snapshot, sessions_out_of_order_are_damaged)
{
	char text[4096];

	snprintf(text, sizeof(text), "%s",
		 edit("session 2", "session 2 0 16 16 1 1 3 1 0 TWO\n"));
	memcpy(strstr(text, "last_start 64"), "last_start 00", 13);
	assert_damaged(text, "snapshot is damaged: session 2 at block 0 "
		       "starts before session 1 ends (block 64)");
}

Test(snapshot, session_past_block_2_32_is_damaged)
{
	assert_damaged(edit("session 2", "session 2 4294967290 40 40 1 1 3 1 "
			    "0 TWO\n"),
		       "snapshot is damaged: session 2 has an impossible "
		       "extent (40 blocks at block 4294967290)");
}

Test(snapshot, empty_session_is_damaged)
{
	assert_damaged(edit("session 2", "session 2 64 0 0 1 1 3 1 0 TWO\n"),
		       "snapshot is damaged: session 2 has an impossible "
		       "extent (0 blocks at block 64)");
}

Test(snapshot, nwa_inside_the_last_session_is_damaged)
{
	assert_damaged(edit("nwa ", "nwa 100\n"),
		       "snapshot is damaged: its next writable address 100 "
		       "lies inside session 2 (blocks 64 to 103)");
}

Test(snapshot, last_start_that_is_not_the_last_session_is_damaged)
{
	assert_damaged(edit("last_start ", "last_start 32\n"),
		       "snapshot is damaged: its session table disagrees "
		       "with the last session's start");
}

Test(snapshot, msc1_after_the_last_session_is_damaged)
{
	assert_damaged(edit("msc1 ", "msc1 65\n"),
		       "snapshot is damaged: its msc1 lies after the last "
		       "session's start");
}

Test(snapshot, appendable_without_fingerprint_is_damaged)
{
	assert_damaged(edit("fingerprint ", "fingerprint -\n"),
		       "snapshot is damaged: it says appendable but has no "
		       "fingerprint");
}

Test(snapshot, duplicated_source_is_damaged)
{
	assert_damaged(edit("source ", "source a.iso\nsource b.iso\n"),
		       "snapshot is damaged: two 'source' lines");
}

Test(snapshot, every_single_key_twice_is_damaged)
{
	static const char *keys[] = {
		"taken ", "kind ", "profile ", "status ", "overwriteable ",
		"first_address ", "msc1 ", "last_start ", "nwa ",
		"free_blocks ", "capacity_blocks ", "overhead_blocks ",
		"fingerprint ",
	};
	char line[256], why[128];
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *at = strstr(good_text, keys[i]);
		int n = (int)(strchr(at, '\n') - at) + 1;

		ms_ctx_init(&c);
		snprintf(line, sizeof(line), "%.*s%.*s", n, at, n, at);
		snprintf(why, sizeof(why), "snapshot is damaged: two '%.*s' "
			 "lines", (int)strlen(keys[i]) - 1, keys[i]);
		assert_damaged(edit(keys[i], line), why);
	}
}

Test(snapshot, missing_key_is_damaged)
{
	assert_damaged(edit("nwa ", ""),
		       "snapshot is damaged: it has no 'nwa' line");
}

Test(snapshot, two_link_records_for_one_session_are_damaged)
{
	assert_damaged(edit("end\n", "link 1 2 bad%20record\n"
			    "link 1 2 again\nend\n"),
		       "snapshot is damaged: bad 'link' line");
}

Test(snapshot, link_before_its_session_is_damaged)
{
	assert_damaged(edit("session 1", "link 1 2 early\n"
			    "session 1 32 32 32 1 1 3 1 1795463040 ONE\n"),
		       "snapshot is damaged: bad 'link' line");
}

Test(snapshot, number_out_of_range_is_damaged)
{
	assert_damaged(edit("nwa ", "nwa 4294967296\n"),
		       "snapshot is damaged: bad 'nwa' line");
	ms_ctx_init(&c);
	assert_damaged(edit("nwa ", "nwa -1\n"),
		       "snapshot is damaged: bad 'nwa' line");
}

Test(snapshot, nul_in_text_is_damaged)
{
	char text[4096];
	size_t len = strlen(good_text);

	memcpy(text, good_text, len);
	text[strstr(good_text, "source") - good_text + 8] = '\0';
	pack(text, len);
	cr_assert_eq(ms_snapshot_decode(&c, file, file_len, &snap), -1);
	cr_assert_str_eq(c.msg, "snapshot is damaged: a NUL byte in its "
			 "text part");
}

Test(snapshot, runs_are_served_and_checked)
{
	unsigned char payload[4096 + 2 * 2056];
	size_t n = strlen(good_text);

	memcpy(payload, good_text, n);
	put32(payload + n, 48);
	put32(payload + n + 4, 1);
	memset(payload + n + 8, 'a', 2048);
	pack(payload, n + 8 + 2048);
	cr_assert_eq(ms_snapshot_decode(&c, file, file_len, &snap), 0, "%s",
		     c.msg);
	ms_snapshot_free(snap);
	snap = NULL;
	/* a second run that starts inside the first */
	put32(payload + n + 2056, 48);
	put32(payload + n + 2060, 1);
	pack(payload, n + 2 * 2056);
	cr_assert_eq(ms_snapshot_decode(&c, file, file_len, &snap), -1);
	cr_assert_str_eq(c.msg, "snapshot is damaged: block runs out of order");
	/* a run that wraps past block 2^32 */
	ms_ctx_init(&c);
	put32(payload + n, 0xffffffffu);
	put32(payload + n + 4, 2);
	pack(payload, n + 8 + 2 * 2048);
	cr_assert_eq(ms_snapshot_decode(&c, file, file_len, &snap), -1);
	cr_assert_str_eq(c.msg, "snapshot is damaged: a block run lies "
			 "beyond block 2^32");
	/* a run longer than the payload */
	ms_ctx_init(&c);
	put32(payload + n, 48);
	put32(payload + n + 4, 0x10000);
	pack(payload, n + 8 + 2048);
	cr_assert_eq(ms_snapshot_decode(&c, file, file_len, &snap), -1);
	cr_assert_str_eq(c.msg, "snapshot is damaged: a block run is cut short");
}

Test(snapshot, header_damage_is_refused)
{
	unsigned char small[8];

	cr_assert_eq(ms_snapshot_decode(&c, (const unsigned char *)"", 0,
					&snap), -1);
	cr_assert_str_eq(c.msg, "not a snapshot");
	memcpy(small, MS_SNAP_MAGIC, 8);
	ms_ctx_init(&c);
	cr_assert_eq(ms_snapshot_decode(&c, small, sizeof(small), &snap), -1);
	cr_assert_str_eq(c.msg, "snapshot is damaged: shorter than its header");
	pack(good_text, strlen(good_text));
	file[HDR + 3] ^= 0x55;
	ms_ctx_init(&c);
	cr_assert_eq(ms_snapshot_decode(&c, file, file_len, &snap), -1);
	cr_assert_null(snap);
	file[HDR + 3] ^= 0x55;
	file[10] ^= 1;
	ms_ctx_init(&c);
	cr_assert_eq(ms_snapshot_decode(&c, file, file_len, &snap), -1);
	cr_assert_eq(c.status, MS_EXIT_VERIFY);
	cr_assert_str_eq(c.msg, "snapshot is damaged: header checksum "
			 "mismatch");
}

Test(snapshot, payload_length_beyond_what_deflate_can_hold_is_refused)
{
	pack(good_text, strlen(good_text));
	/* 4 GiB - 1 claimed from a few hundred bytes: refused unallocated */
	put32(file + 16, 0);
	put32(file + 20, 0xffffffffu);
	put32(file + 28, (uint32_t)crc32(0, file, 28));
	cr_assert_eq(ms_snapshot_decode(&c, file, file_len, &snap), -1);
	cr_assert_str_eq(c.msg, "snapshot is damaged: impossible payload "
			 "length");
}
