/* The JSON writer, and the reports of a layout built by hand. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "craft.h"
#include "json.h"
#include "layout.h"
#include "report.h"

/* Output captured in memory. */
struct capture {
	char *text;
	size_t len;
	FILE *f;
};

static struct capture out;

static void capture_start(void)
{
	out.text = NULL;
	out.len = 0;
	out.f = open_memstream(&out.text, &out.len);
	cr_assert(out.f);
}

static const char *capture_end(void)
{
	fclose(out.f);
	out.f = NULL;
	return out.text;
}

static void capture_free(void)
{
	if (out.f)
		fclose(out.f);
	free(out.text);
	memset(&out, 0, sizeof(out));
}

TestSuite(json, .fini = capture_free);
TestSuite(report, .fini = capture_free);

static void assert_has(const char *text, const char *want)
{
	cr_assert(strstr(text, want), "output lacks '%s':\n%s", want, text);
}

static int count_char(const char *s, char ch)
{
	int n = 0;

	for (; *s; s++)
		n += *s == ch;
	return n;
}

/* JSON writer */

Test(json, string_escaping)
{
	struct ms_json j;

	capture_start();
	ms_json_init(&j, out.f);
	ms_json_string(&j, NULL,
		       "q\"b\\s/n\nt\tr\rc\x01\x1f del\x7f \xc3\xa9");
	cr_assert_str_eq(capture_end(),
			 "\"q\\\"b\\\\s/n\\nt\\tr\\u000dc\\u0001\\u001f "
			 "del\x7f \xc3\xa9\"");
}

Test(json, every_control_character_escaped)
{
	struct ms_json j;
	char in[32], want[8];
	const char *text;
	int ch;

	for (ch = 1; ch < 0x20; ch++)
		in[ch - 1] = (char)ch;
	in[31] = '\0';
	capture_start();
	ms_json_init(&j, out.f);
	ms_json_string(&j, NULL, in);
	text = capture_end();
	for (ch = 1; ch < 0x20; ch++) {
		if (ch == '\n' || ch == '\t')
			continue;
		snprintf(want, sizeof(want), "\\u%04x", ch);
		assert_has(text, want);
	}
	for (; *text; text++)
		cr_assert((unsigned char)*text >= 0x20, "raw control byte %#x",
			  (unsigned)(unsigned char)*text);
}

Test(json, keys_escaped_too)
{
	struct ms_json j;

	capture_start();
	ms_json_init(&j, out.f);
	ms_json_object(&j, NULL);
	ms_json_uint(&j, "a\"b", 1);
	ms_json_end_object(&j);
	cr_assert_str_eq(capture_end(), "{\n  \"a\\\"b\": 1\n}\n");
}

Test(json, layout_of_nested_values)
{
	struct ms_json j;

	capture_start();
	ms_json_init(&j, out.f);
	ms_json_object(&j, NULL);
	ms_json_string(&j, "s", "v");
	ms_json_uint(&j, "big", UINT64_MAX);
	ms_json_bool(&j, "t", 1);
	ms_json_bool(&j, "f", 0);
	ms_json_null(&j, "n");
	ms_json_string(&j, "nul", NULL);
	ms_json_array(&j, "empty");
	ms_json_end_array(&j);
	ms_json_object(&j, "none");
	ms_json_end_object(&j);
	ms_json_array(&j, "list");
	ms_json_uint(&j, NULL, 1);
	ms_json_object(&j, NULL);
	ms_json_uint(&j, "k", 2);
	ms_json_end_object(&j);
	ms_json_end_array(&j);
	ms_json_end_object(&j);
	cr_assert_str_eq(capture_end(),
			 "{\n"
			 "  \"s\": \"v\",\n"
			 "  \"big\": 18446744073709551615,\n"
			 "  \"t\": true,\n"
			 "  \"f\": false,\n"
			 "  \"n\": null,\n"
			 "  \"nul\": null,\n"
			 "  \"empty\": [],\n"
			 "  \"none\": {},\n"
			 "  \"list\": [\n"
			 "    1,\n"
			 "    {\n"
			 "      \"k\": 2\n"
			 "    }\n"
			 "  ]\n"
			 "}\n");
}

/* A layout built by hand: two sessions on a file, the second linked */

static struct ms_session sessions[70];
static struct ms_layout lay;

static void fill_fp(uint8_t *fp)
{
	int i;

	for (i = 0; i < MS_FP_LEN; i++)
		fp[i] = (uint8_t)(i * 0x11);
}

static void two_sessions(void)
{
	struct ms_session *s;

	memset(&lay, 0, sizeof(lay));
	memset(sessions, 0, sizeof(sessions));
	lay.medium = "disc.iso";
	lay.kind = MS_MEDIUM_FILE;
	lay.profile = MS_PROFILE_STDIO;
	snprintf(lay.profile_name, sizeof(lay.profile_name), "stdio file");
	lay.status = MS_STATUS_APPENDABLE;
	lay.overwriteable = 1;
	lay.nsessions = 2;
	lay.sessions = sessions;
	lay.last_start = 160;
	lay.nwa = 384;
	lay.first_address = 32;
	lay.free_blocks = 1000;
	lay.capacity_blocks = 1384;
	lay.overhead_note = "none beyond 32-block alignment";
	lay.has_fp = 1;
	fill_fp(lay.fp);

	s = &sessions[0];
	s->number = 1;
	s->start = 32;
	s->blocks = 100;
	s->tracks = 1;
	s->readable = 1;
	snprintf(s->volume_id, sizeof(s->volume_id), "ONE");
	s->joliet = 3;
	s->rockridge = 1;
	s->created = CRAFT_DATE_UNIX;
	s->link_state = MS_LINK_ABSENT;

	s = &sessions[1];
	s->number = 2;
	s->start = 160;
	s->blocks = 200;
	s->tracks = 1;
	s->readable = 1;
	snprintf(s->volume_id, sizeof(s->volume_id), "TWO \"Q\"");
	s->created = -1;
	s->link_state = MS_LINK_FOUND;
	s->link.start = 160;
	s->link.blocks = 200;
	s->link.base_last = 32;
	s->link.base_nwa = 160;
	s->link.base_sessions = 1;
	fill_fp(s->link.base_fp);
	snprintf(s->link.base_volid, sizeof(s->link.base_volid), "ONE");
	s->link.created = CRAFT_DATE_UNIX;
}

Test(report, json_of_two_sessions)
{
	const char *text;

	two_sessions();
	capture_start();
	ms_report_json(out.f, &lay);
	text = capture_end();
	assert_has(text, "\"medium\": \"disc.iso\"");
	assert_has(text, "\"kind\": \"file\"");
	assert_has(text, "\"profile\": \"stdio file\"");
	assert_has(text, "\"status\": \"appendable\"");
	assert_has(text, "\"msc1\": 0,");
	assert_has(text, "\"last_session_start\": 160,");
	assert_has(text, "\"next_writable\": 384,");
	assert_has(text, "\"free_blocks\": 1000,");
	assert_has(text, "\"capacity_blocks\": 1384,");
	assert_has(text, "\"next_session_overhead_blocks\": 0,");
	assert_has(text, "\"fingerprint\": \"00112233445566778899aabbccddeeff\"");
	assert_has(text, "\"complete\": true");
	assert_has(text, "      \"number\": 1,\n"
		   "      \"start\": 32,\n"
		   "      \"blocks\": 100,\n"
		   "      \"end\": 131,\n"
		   "      \"volume_blocks\": 0,\n"
		   "      \"tracks\": 1,\n"
		   "      \"volume_id\": \"ONE\",\n"
		   "      \"joliet\": true,\n"
		   "      \"rockridge\": true,\n"
		   "      \"udf\": false,\n"
		   "      \"hfs\": false,\n"
		   "      \"mbr\": false,\n"
		   "      \"el_torito\": false,\n"
		   "      \"boot_catalog\": null,\n"
		   "      \"created\": \"2026-11-23T19:44:00Z\",\n"
		   "      \"link\": null\n");
	assert_has(text, "\"volume_id\": \"TWO \\\"Q\\\"\"");
	assert_has(text, "\"created\": null,");
	assert_has(text, "\"valid\": true");
	assert_has(text, "\"base\": \"session\"");
	assert_has(text, "\"base_session\": 1");
	cr_assert_eq(count_char(text, '{'), count_char(text, '}'));
	cr_assert_eq(count_char(text, '['), count_char(text, ']'));
	cr_assert_eq(text[strlen(text) - 2], '}');
}

Test(report, json_of_broken_chain_and_corrupt_link)
{
	const char *text;

	two_sessions();
	lay.broken = 1;
	lay.break_lba = 400;
	snprintf(lay.break_reason, sizeof(lay.break_reason),
		 "no volume descriptor at block 400");
	lay.has_fp = 0;
	sessions[1].link_state = MS_LINK_CORRUPT;
	snprintf(sessions[1].link_why, sizeof(sessions[1].link_why),
		 "self checksum does not match the record");
	sessions[1].readable = 0;
	capture_start();
	ms_report_json(out.f, &lay);
	text = capture_end();
	assert_has(text, "\"fingerprint\": null");
	assert_has(text, "\"complete\": false,\n"
		   "    \"break_block\": 400,\n"
		   "    \"reason\": \"no volume descriptor at block 400\"");
	assert_has(text, "\"valid\": false,\n"
		   "        \"error\": \"self checksum does not match the "
		   "record\"");
	assert_has(text, "\"volume_id\": null");
}

Test(report, json_of_blank_medium)
{
	const char *text;

	two_sessions();
	lay.status = MS_STATUS_BLANK;
	lay.nsessions = 0;
	lay.nwa = 32;
	lay.has_fp = 0;
	capture_start();
	ms_report_json(out.f, &lay);
	text = capture_end();
	assert_has(text, "\"status\": \"blank\"");
	assert_has(text, "\"sessions\": []");
}

Test(report, table_of_two_sessions)
{
	const char *text;

	two_sessions();
	capture_start();
	ms_report_table(out.f, &lay);
	text = capture_end();
	assert_has(text, "medium        disc.iso\n");
	assert_has(text, "profile       stdio file\n");
	assert_has(text, "status        appendable\n");
	assert_has(text, "sessions      2\n");
	assert_has(text, "next address  384\n");
	assert_has(text, "free          1000 blocks (2.0 MiB)\n");
	assert_has(text, "capacity      1384 blocks (2.7 MiB)\n");
	assert_has(text, "overhead      0 blocks (0.0 MiB) for the next session (none "
		   "beyond 32-block alignment)\n");
	assert_has(text, "fingerprint   00112233445566778899aabbccddeeff\n");
	assert_has(text, "volume id");
	assert_has(text, "      1         32        100        131  ONE  ");
	assert_has(text, "      2        160        200        359  TWO \"Q\"");
	assert_has(text, " yes    yes 2026-11-23T19:44:00Z  -\n");
	assert_has(text, " no     no  -                     session 1\n");
	cr_assert_null(strstr(text, "chain"));
}

Test(report, table_of_broken_chain)
{
	const char *text;

	two_sessions();
	lay.broken = 1;
	lay.break_lba = 400;
	snprintf(lay.break_reason, sizeof(lay.break_reason), "why");
	capture_start();
	ms_report_table(out.f, &lay);
	text = capture_end();
	assert_has(text, "chain         broken at block 400: why\n");
}

Test(report, table_of_session_image_shows_its_link)
{
	const char *text;

	two_sessions();
	lay.status = MS_STATUS_IMAGE;
	lay.nsessions = 1;
	lay.sessions = &sessions[1];
	sessions[1].number = 1;
	capture_start();
	ms_report_table(out.f, &lay);
	text = capture_end();
	assert_has(text, "profile       session image\n");
	assert_has(text, "status        image\n");
	assert_has(text, "written at    160 to 359\n");
	assert_has(text, "link record   start 160, 200 blocks, built "
		   "2026-11-23T19:44:00Z\n");
	assert_has(text, "built for     1 session, last at 32, next writable "
		   "160\n");
	assert_has(text, "base print    00112233445566778899aabbccddeeff "
		   "(volume id 'ONE')\n");
	cr_assert_null(strstr(text, "next address"));
}

Test(report, msinfo)
{
	two_sessions();
	capture_start();
	ms_report_msinfo(out.f, &lay);
	cr_assert_str_eq(capture_end(), "0,384\n");
}

Test(report, link_summary)
{
	char buf[32];

	two_sessions();
	ms_link_summary(&lay, &sessions[0], buf, sizeof(buf));
	cr_assert_str_eq(buf, "-");
	ms_link_summary(&lay, &sessions[1], buf, sizeof(buf));
	cr_assert_str_eq(buf, "session 1");
	sessions[1].link.base_last = 160;
	ms_link_summary(&lay, &sessions[1], buf, sizeof(buf));
	cr_assert_str_eq(buf, "block 160");
	sessions[1].link.base_last = 999;
	ms_link_summary(&lay, &sessions[1], buf, sizeof(buf));
	cr_assert_str_eq(buf, "block 999");
	sessions[1].link.base_blank = 1;
	ms_link_summary(&lay, &sessions[1], buf, sizeof(buf));
	cr_assert_str_eq(buf, "blank");
	sessions[1].link_state = MS_LINK_CORRUPT;
	ms_link_summary(&lay, &sessions[1], buf, sizeof(buf));
	cr_assert_str_eq(buf, "corrupt");
}

/* The map: one line of text, a bar of exactly the width, a legend */

static char *nth_line(const char *text, int n, char *buf, size_t size)
{
	const char *end;

	while (n-- > 0) {
		text = strchr(text, '\n');
		cr_assert(text, "fewer lines than asked");
		text++;
	}
	end = strchr(text, '\n');
	cr_assert(end);
	cr_assert((size_t)(end - text) < size);
	memcpy(buf, text, (size_t)(end - text));
	buf[end - text] = '\0';
	return buf;
}

Test(report, map_is_to_scale)
{
	char bar[256];
	const char *text;

	two_sessions();
	capture_start();
	ms_report_map(out.f, &lay, 69);
	text = capture_end();
	assert_has(text, "disc.iso: stdio file, appendable, 2 sessions, 1384 "
		   "blocks (2.7 MiB)\n");
	nth_line(text, 1, bar, sizeof(bar));
	cr_assert_eq(strlen(bar), 71u, "bar '%s'", bar);
	/*
	 * gap 32, session 1 100, gap 28, session 2 200, gap 24, free 1000:
	 * 1384 blocks in 69 columns, each region one column at least
	 */
	cr_assert_str_eq(bar, "|..111111..2222222222.._____________"
			 "__________________________________|", "bar '%s'", bar);
}

Test(report, map_draws_written_part_of_a_big_medium)
{
	char bar[256];
	const char *text;

	two_sessions();
	lay.capacity_blocks = 100000;
	lay.free_blocks = 100000 - 384;
	capture_start();
	ms_report_map(out.f, &lay, 40);
	text = capture_end();
	nth_line(text, 1, bar, sizeof(bar));
	cr_assert_eq(strlen(bar), 42u);
	assert_has(text, "written part, blocks 0 to 384");
	nth_line(text, 3, bar, sizeof(bar));
	cr_assert_eq(strlen(bar), 42u);
	cr_assert(strchr(bar, '1') && strchr(bar, '2'), "bar '%s'", bar);
	cr_assert_null(strchr(bar, '_'), "bar '%s'", bar);
}

Test(report, map_of_many_sessions_says_how_many_are_drawn)
{
	char bar[512], note[128];
	const char *text, *p;
	int i, runs = 0, want;

	two_sessions();
	lay.nsessions = 70;
	for (i = 0; i < 70; i++) {
		sessions[i].number = i + 1;
		sessions[i].start = 32 + 64 * (uint32_t)i;
		sessions[i].blocks = 40;
		sessions[i].link_state = MS_LINK_ABSENT;
	}
	lay.nwa = 32 + 64 * 70;
	lay.capacity_blocks = lay.nwa + 100;
	capture_start();
	ms_report_map(out.f, &lay, 400);
	text = capture_end();
	nth_line(text, 1, note, sizeof(note));
	cr_assert_eq(sscanf(note, "(the first %d sessions are drawn)", &want),
		     1, "note '%s'", note);
	nth_line(text, 2, bar, sizeof(bar));
	for (p = bar; *p; p++)
		if (*p >= '0' && *p <= '9' && !(p[1] >= '0' && p[1] <= '9'))
			runs++;
	cr_assert_eq(runs, want, "the note says %d, the bar has %d", want,
		     runs);
}

/* The overhead table and names (DESIGN 1.4) */

Test(report, overhead_per_profile)
{
	const char *note = NULL;

	cr_assert_eq(ms_overhead_blocks(0x09, 0, &note), 6750u + 4500 + 150 + 2);
	assert_has(note, "lead-out");
	cr_assert_eq(ms_overhead_blocks(0x09, 1, NULL), 2250u + 4500 + 150 + 2);
	cr_assert_eq(ms_overhead_blocks(0x0a, 5, NULL), 6902u);
	cr_assert_eq(ms_overhead_blocks(0x1b, 0, &note), 2048u);
	assert_has(note, "measured");
	cr_assert_eq(ms_overhead_blocks(0x11, 0, NULL), 28688u);
	cr_assert_eq(ms_overhead_blocks(0x11, 1, NULL), 16384u);
	cr_assert_eq(ms_overhead_blocks(0x41, 3, NULL), 0u);
	cr_assert_eq(ms_overhead_blocks(MS_PROFILE_STDIO, 2, &note), 0u);
	assert_has(note, "32-block");
	cr_assert_eq(ms_overhead_blocks(0x1234, 0, &note), 0u);
	assert_has(note, "unknown");
}

Test(report, profile_classes)
{
	cr_assert(ms_profile_is_overwriteable(0x13));
	cr_assert(ms_profile_is_overwriteable(0x1a));
	cr_assert(ms_profile_is_overwriteable(0x43));
	cr_assert(ms_profile_is_overwriteable(MS_PROFILE_STDIO));
	cr_assert_not(ms_profile_is_overwriteable(0x09));
	cr_assert_not(ms_profile_is_overwriteable(0x11));
	cr_assert_not(ms_profile_is_overwriteable(0x41));
	cr_assert(ms_profile_is_cd(0x08));
	cr_assert(ms_profile_is_cd(0x0a));
	cr_assert_not(ms_profile_is_cd(0x10));
}

Test(report, status_names)
{
	cr_assert_str_eq(ms_status_name(MS_STATUS_BLANK), "blank");
	cr_assert_str_eq(ms_status_name(MS_STATUS_APPENDABLE), "appendable");
	cr_assert_str_eq(ms_status_name(MS_STATUS_CLOSED), "closed");
	cr_assert_str_eq(ms_status_name(MS_STATUS_UNSUITABLE), "unsuitable");
	cr_assert_str_eq(ms_status_name(MS_STATUS_IMAGE), "image");
}

Test(report, session_at)
{
	two_sessions();
	cr_assert_eq(ms_layout_session_at(&lay, 160), &sessions[1]);
	cr_assert_eq(ms_layout_session_at(&lay, 32), &sessions[0]);
	cr_assert_null(ms_layout_session_at(&lay, 0));
}

Test(overhead, next_nwa_per_profile)
{
	/* CD-R: padded to 300, 2 run-out, then lead-out, lead-in, pregap */
	cr_expect_eq(ms_next_nwa(0x09, 0, 0, 36), 0 + 300 + 2 + 11400);
	cr_expect_eq(ms_next_nwa(0x09, 1, 11702, 5000), 11702 + 5002 + 6900);
	/* DVD+R: to 16 blocks, then 2048 */
	cr_expect_eq(ms_next_nwa(0x1b, 0, 0, 36), 48 + 2048);
	/* DVD-R: the first border is larger */
	cr_expect_eq(ms_next_nwa(0x11, 0, 0, 32), 32 + 28688);
	cr_expect_eq(ms_next_nwa(0x11, 1, 28720, 33), 28720 + 48 + 16384);
	/* BD-R: clusters of 32 */
	cr_expect_eq(ms_next_nwa(0x41, 3, 96, 33), 96 + 64);
	/* files: the emulated TOC's rounding to 32 */
	cr_expect_eq(ms_next_nwa(0xffff, 2, 64, 33), 128);
	cr_expect_eq(ms_next_nwa(0xffff, 2, 64, 32), 96);
}
