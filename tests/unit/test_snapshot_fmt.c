/*
 * The snapshot encoder against the layout mstools(5) documents, and the
 * decoder on what the encoder writes: a round trip keeps the layout and
 * the blocks.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ctx.h"
#include "exit.h"
#include "iso9660.h"
#include "layout.h"
#include "snapshot_fmt.h"

/* mstools(5): the 32-byte header */
#define HDR		32
#define OFF_VERSION	8
#define OFF_FLAGS	12
#define OFF_LENGTH	16
#define OFF_PAYLOAD_CRC	24
#define OFF_CRC		28

static struct ms_ctx c;
static struct ms_session sessions[2];
static struct ms_layout lay;
static uint8_t *file;
static size_t file_len;
static struct ms_snapshot *snap;

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void setup(void)
{
	ms_ctx_init(&c);
	file = NULL;
	snap = NULL;
	memset(&lay, 0, sizeof(lay));
	memset(sessions, 0, sizeof(sessions));
	lay.kind = MS_MEDIUM_DRIVE;
	lay.profile = 0x1b;
	snprintf(lay.profile_name, sizeof(lay.profile_name), "DVD+R");
	lay.status = MS_STATUS_APPENDABLE;
	lay.first_address = 0;
	lay.msc1 = 2000;
	lay.last_start = 2000;
	lay.nwa = 4048;
	lay.free_blocks = 100000;
	lay.capacity_blocks = 104048;
	lay.overhead_blocks = 2048;
	lay.has_fp = 1;
	memset(lay.fp, 0xa5, sizeof(lay.fp));
	sessions[0] = (struct ms_session){ .number = 1, .start = 0,
		.blocks = 500, .volume_blocks = 500, .tracks = 1,
		.readable = 1, .joliet = 3, .rockridge = 1,
		.created = 1795463040 };
	snprintf(sessions[0].volume_id, sizeof(sessions[0].volume_id),
		 "FIRST ONE");
	sessions[1] = (struct ms_session){ .number = 2, .start = 2000,
		.blocks = 600, .volume_blocks = 2600, .tracks = 1,
		.readable = 1, .rockridge = 1, .created = -1 };
	snprintf(sessions[1].volume_id, sizeof(sessions[1].volume_id),
		 "SECOND");
	sessions[1].link_state = MS_LINK_FOUND;
	sessions[1].link = (struct ms_link){ .start = 2000, .blocks = 600,
		.base_last = 0, .base_nwa = 2000, .base_sessions = 1,
		.created = 1795463040 };
	memset(sessions[1].link.base_fp, 0x11, MS_FP_LEN);
	snprintf(sessions[1].link.base_volid,
		 sizeof(sessions[1].link.base_volid), "FIRST ONE");
	lay.nsessions = 2;
	lay.sessions = sessions;
}

static void teardown(void)
{
	ms_snapshot_free(snap);
	free(file);
}

TestSuite(snapshot_fmt, .init = setup, .fini = teardown);

/* Blocks 16, 17 and 2016 read in that order, 16 read twice. */
static uint32_t lbas[] = { 2016, 16, 17, 16 };
static uint8_t data[4][MS_BLOCK];

static void encode(struct ms_snapshot_stats *st)
{
	struct ms_snapshot_src src = {
		.source = "/dev/sr0", .taken = 1795463040, .layout = &lay,
		.lbas = lbas, .data = &data[0][0], .nblocks = 4,
	};
	int i;

	for (i = 0; i < 4; i++)
		memset(data[i], 'a' + i, MS_BLOCK);
	cr_assert_eq(ms_snapshot_encode(&c, &src, &file, &file_len, st), 0,
		     "%s", c.msg);
}

Test(snapshot_fmt, header_is_the_documented_one)
{
	struct ms_snapshot_stats st;
	uint8_t *payload;
	uLongf len;

	encode(&st);
	cr_assert_eq(memcmp(file, "\x89MSSNAP\n", 8), 0);
	cr_assert_eq(be32(file + OFF_VERSION), 1);
	cr_assert_eq(be32(file + OFF_FLAGS), 0);
	cr_assert_eq(be32(file + OFF_LENGTH), 0);
	cr_assert_eq(be32(file + OFF_LENGTH + 4), st.payload_bytes);
	cr_assert_eq(be32(file + OFF_CRC), (uint32_t)crc32(0, file, 28));
	cr_assert_eq(st.file_bytes, file_len);
	cr_assert_eq(st.blocks, 3, "block 16 once: %u", st.blocks);

	len = (uLongf)st.payload_bytes;
	payload = malloc(len);
	cr_assert_eq(uncompress(payload, &len, file + HDR,
				(uLong)(file_len - HDR)), Z_OK);
	cr_assert_eq(len, st.payload_bytes);
	cr_assert_eq(be32(file + OFF_PAYLOAD_CRC),
		     (uint32_t)crc32(0, payload, (uInt)len));
	/* the text part, as mstools(5) lists its keys */
	cr_assert_eq(memcmp(payload, "mstools_snapshot_v1\nsource /dev/sr0\n"
			    "taken 2026-11-23T19:44:00Z\nkind drive\n"
			    "profile 27 DVD+R\nstatus appendable\n"
			    "overwriteable 0\nfirst_address 0\nmsc1 2000\n"
			    "last_start 2000\nnwa 4048\n", 172), 0,
		     "%.*s", 172, (char *)payload);
	cr_assert_not_null(strstr((char *)payload,
				  "\nsession 1 0 500 500 1 1 3 1 1795463040 "
				  "FIRST%20ONE\n"));
	cr_assert_not_null(strstr((char *)payload,
				  "\nsession 2 2000 600 2600 1 1 0 1 -1 "
				  "SECOND\nlink 2 1 "));
	{
		const uint8_t *runs = (uint8_t *)strstr((char *)payload,
							"\nend\n") + 5;

		/* runs in ascending order: 16-17 from the first readings */
		cr_assert_eq(be32(runs), 16);
		cr_assert_eq(be32(runs + 4), 2);
		cr_assert_eq(runs[8], 'b');
		cr_assert_eq(runs[8 + MS_BLOCK], 'c');
		runs += 8 + 2 * MS_BLOCK;
		cr_assert_eq(be32(runs), 2016);
		cr_assert_eq(be32(runs + 4), 1);
		cr_assert_eq(runs[8], 'a');
		cr_assert_eq(runs + 8 + MS_BLOCK, payload + len);
	}
	free(payload);
}

Test(snapshot_fmt, round_trip_keeps_layout_and_blocks)
{
	struct ms_snapshot_stats st;
	const struct ms_layout *l;
	int i;

	encode(&st);
	cr_assert_eq(ms_snapshot_decode(&c, file, file_len, &snap), 0, "%s",
		     c.msg);
	l = ms_snapshot_decoded_layout(snap);
	cr_assert_str_eq(ms_snapshot_source(snap), "/dev/sr0");
	cr_assert_eq(ms_snapshot_taken(snap), 1795463040);
	cr_assert_eq(l->kind, MS_MEDIUM_DRIVE);
	cr_assert_eq(l->profile, 0x1b);
	cr_assert_str_eq(l->profile_name, "DVD+R");
	cr_assert_eq(l->status, MS_STATUS_APPENDABLE);
	cr_assert_eq(l->overwriteable, 0);
	cr_assert_eq(l->msc1, 2000);
	cr_assert_eq(l->last_start, 2000);
	cr_assert_eq(l->nwa, 4048);
	cr_assert_eq(l->free_blocks, 100000);
	cr_assert_eq(l->capacity_blocks, 104048);
	cr_assert_eq(l->overhead_blocks, 2048);
	cr_assert_eq(l->has_fp, 1);
	cr_assert_eq(memcmp(l->fp, lay.fp, MS_FP_LEN), 0);
	cr_assert_eq(l->nsessions, 2);
	for (i = 0; i < 2; i++) {
		const struct ms_session *a = &sessions[i], *b = &l->sessions[i];

		cr_assert_eq(b->number, a->number);
		cr_assert_eq(b->start, a->start);
		cr_assert_eq(b->blocks, a->blocks);
		cr_assert_eq(b->volume_blocks, a->volume_blocks);
		cr_assert_eq(b->tracks, a->tracks);
		cr_assert_eq(b->readable, a->readable);
		cr_assert_eq(b->joliet, a->joliet);
		cr_assert_eq(b->rockridge, a->rockridge);
		cr_assert_eq(b->created, a->created);
		cr_assert_str_eq(b->volume_id, a->volume_id);
		cr_assert_eq(b->link_state, a->link_state);
	}
	cr_assert_eq(l->sessions[1].link.base_nwa, 2000);
	cr_assert_eq(memcmp(l->sessions[1].link.base_fp,
			    sessions[1].link.base_fp, MS_FP_LEN), 0);
	cr_assert_str_eq(l->sessions[1].link.base_volid, "FIRST ONE");
	cr_assert_eq(ms_snapshot_block(snap, 16)[0], 'b');
	cr_assert_eq(ms_snapshot_block(snap, 17)[MS_BLOCK - 1], 'c');
	cr_assert_eq(ms_snapshot_block(snap, 2016)[0], 'a');
	cr_assert_null(ms_snapshot_block(snap, 18));
	cr_assert_null(ms_snapshot_block(snap, 15));
	cr_assert_null(ms_snapshot_block(snap, 2015));
}

Test(snapshot_fmt, blank_medium_without_blocks_round_trips)
{
	struct ms_snapshot_src src = { .source = "disc.iso", .taken = 0 };
	struct ms_snapshot_stats st;
	const struct ms_layout *l;

	lay.kind = MS_MEDIUM_FILE;
	lay.status = MS_STATUS_BLANK;
	lay.nsessions = 0;
	lay.msc1 = lay.last_start = 0;
	lay.has_fp = 0;
	src.layout = &lay;
	cr_assert_eq(ms_snapshot_encode(&c, &src, &file, &file_len, &st), 0,
		     "%s", c.msg);
	cr_assert_eq(st.blocks, 0);
	cr_assert_eq(ms_snapshot_decode(&c, file, file_len, &snap), 0, "%s",
		     c.msg);
	l = ms_snapshot_decoded_layout(snap);
	cr_assert_eq(l->status, MS_STATUS_BLANK);
	cr_assert_eq(l->kind, MS_MEDIUM_FILE);
	cr_assert_eq(l->nsessions, 0);
	cr_assert_eq(l->has_fp, 0);
	cr_assert_null(ms_snapshot_block(snap, 16));
}

Test(snapshot_fmt, a_flipped_byte_in_the_stream_is_damage)
{
	struct ms_snapshot_stats st;

	encode(&st);
	file[HDR + (file_len - HDR) / 2] ^= 0x40;
	cr_assert_eq(ms_snapshot_decode(&c, file, file_len, &snap), -1);
	cr_assert_null(snap);
	cr_assert(strstr(c.msg, "snapshot is damaged"), "%s", c.msg);
}
