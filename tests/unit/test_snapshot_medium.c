/*
 * A snapshot opened as a medium: it answers the recorded blocks, refuses
 * every other with the block's number, describes the recorded layout and
 * refuses writes.  The recording medium: it forwards reads and remembers
 * what was read, once, in order, blocks past a file's end as zeros.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "exit.h"
#include "iso9660.h"
#include "layout.h"
#include "medium.h"
#include "medium_record.h"
#include "snapshot.h"

static struct ms_ctx c;
static struct ms_medium *m, *rec;
static struct ms_session sess = {
	.number = 1, .start = 32, .blocks = 64, .volume_blocks = 64,
	.tracks = 1, .readable = 1, .created = -1, .volume_id = "V",
};
static struct ms_layout lay = {
	.kind = MS_MEDIUM_FILE, .profile = MS_PROFILE_STDIO,
	.profile_name = "stdio file", .status = MS_STATUS_APPENDABLE,
	.overwriteable = 1, .nsessions = 1, .sessions = &sess,
	.first_address = 32, .last_start = 32, .nwa = 96,
	.free_blocks = 1000, .capacity_blocks = 1096, .has_fp = 1,
};
static uint32_t lbas[] = { 48, 49 };
static uint8_t data[2][MS_BLOCK];

static void setup(void)
{
	ms_ctx_init(&c);
	m = rec = NULL;
}

static void teardown(void)
{
	ms_medium_close(rec);
	ms_medium_close(m);
}

TestSuite(snapshot_medium, .init = setup, .fini = teardown);
TestSuite(medium_record, .init = setup, .fini = teardown);

/* A snapshot medium named "snap" from an encoded buffer. */
static void open_snapshot(void)
{
	struct ms_snapshot_src src = {
		.source = "disc.iso", .taken = 1795463040, .layout = &lay,
		.lbas = lbas, .data = &data[0][0], .nblocks = 2,
	};
	struct ms_snapshot_stats st;
	struct ms_snapshot *s;
	uint8_t *buf;
	size_t len;

	memset(data[0], 'x', MS_BLOCK);
	memset(data[1], 'y', MS_BLOCK);
	cr_assert_eq(ms_snapshot_encode(&c, &src, &buf, &len, &st), 0, "%s",
		     c.msg);
	cr_assert_eq(ms_snapshot_decode(&c, buf, len, &s), 0, "%s", c.msg);
	free(buf);
	cr_assert_eq(ms_snapshot_medium_new(&c, "snap", s, &m), 0, "%s",
		     c.msg);
}

Test(snapshot_medium, reads_a_recorded_block)
{
	uint8_t blk[2 * MS_BLOCK];

	open_snapshot();
	cr_assert_eq(ms_medium_read(m, &c, 48, 2, blk), 0, "%s", c.msg);
	cr_assert_eq(blk[0], 'x');
	cr_assert_eq(blk[2 * MS_BLOCK - 1], 'y');
	cr_assert_str_eq(ms_medium_name(m), "snap");
	cr_assert_null(ms_medium_file(m));
	cr_assert_eq(ms_medium_profile(m), MS_PROFILE_STDIO);
}

Test(snapshot_medium, an_unrecorded_block_fails_naming_it)
{
	uint8_t blk[2 * MS_BLOCK];
	uint32_t got = 7;

	open_snapshot();
	cr_assert_eq(ms_medium_read(m, &c, 49, 2, blk), -1);
	cr_assert_eq(c.status, MS_EXIT_FAILURE);
	cr_assert_str_eq(c.msg, "snapshot 'snap' lacks block 50: it holds "
			 "only the blocks that import the trees it was "
			 "exported with");
	ms_ctx_init(&c);
	cr_assert_eq(ms_medium_read_upto(m, &c, 47, 1, blk, &got), -1);
	cr_assert(strstr(c.msg, "lacks block 47"), "%s", c.msg);
}

Test(snapshot_medium, describes_the_recorded_layout)
{
	struct ms_layout l;

	open_snapshot();
	cr_assert_eq(ms_layout_read(&c, m, &l), 0, "%s", c.msg);
	cr_assert_eq(l.status, MS_STATUS_APPENDABLE);
	cr_assert_eq(l.nsessions, 1);
	cr_assert_eq(l.sessions[0].start, 32);
	cr_assert_eq(l.nwa, 96);
	cr_assert_str_eq(l.medium, "snap");
	cr_assert_str_eq(l.snapshot_of, "disc.iso");
	cr_assert_eq(l.snapshot_taken, 1795463040);
	cr_assert_eq(l.blocks_read, 0);
	ms_layout_release(&l);
}

Test(snapshot_medium, refuses_writes)
{
	uint8_t blk[MS_BLOCK] = { 0 };

	open_snapshot();
	cr_assert_eq(ms_medium_write(m, &c, 48, 1, blk, 0), -1);
	cr_assert_eq(c.status, MS_EXIT_UNSUITABLE);
	cr_assert_str_eq(c.msg, "'snap' is a snapshot, not a writable medium");
}

Test(medium_record, remembers_blocks_once_in_reading_order)
{
	const uint32_t *got_lbas;
	const uint8_t *got_data;
	uint8_t blk[2 * MS_BLOCK];
	struct ms_layout l;

	open_snapshot();
	cr_assert_eq(ms_medium_record_new(&c, m, &rec), 0, "%s", c.msg);
	cr_assert_str_eq(ms_medium_name(rec), "snap");
	cr_assert_eq(ms_medium_recorded(rec, &got_lbas, &got_data), 0);
	cr_assert_eq(ms_medium_read(rec, &c, 49, 1, blk), 0, "%s", c.msg);
	cr_assert_eq(ms_medium_read(rec, &c, 48, 2, blk), 0, "%s", c.msg);
	cr_assert_eq(ms_medium_read(rec, &c, 49, 1, blk), 0, "%s", c.msg);
	cr_assert_eq(ms_medium_recorded(rec, &got_lbas, &got_data), 2);
	cr_assert_eq(got_lbas[0], 49);
	cr_assert_eq(got_lbas[1], 48);
	cr_assert_eq(got_data[0], 'y');
	cr_assert_eq(got_data[MS_BLOCK], 'x');
	/* a failed read is the inner medium's failure, and not remembered */
	cr_assert_eq(ms_medium_read(rec, &c, 50, 1, blk), -1);
	cr_assert(strstr(c.msg, "lacks block 50"), "%s", c.msg);
	cr_assert_eq(ms_medium_recorded(rec, &got_lbas, &got_data), 2);
	/* the layout is the inner medium's */
	cr_assert_eq(ms_layout_read(&c, rec, &l), 0, "%s", c.msg);
	cr_assert_str_eq(l.snapshot_of, "disc.iso");
	ms_layout_release(&l);
}

Test(medium_record, refuses_writes)
{
	uint8_t blk[MS_BLOCK] = { 0 };

	open_snapshot();
	cr_assert_eq(ms_medium_record_new(&c, m, &rec), 0, "%s", c.msg);
	cr_assert_eq(ms_medium_write(rec, &c, 48, 1, blk, 0), -1);
	cr_assert_eq(c.status, MS_EXIT_UNSUITABLE);
	cr_assert_str_eq(c.msg, "'snap' is not a writable medium");
}

Test(medium_record, blocks_past_a_files_end_are_remembered_as_zeros)
{
	char dir[] = "/tmp/mstools-test-record.XXXXXX", path[300], cmd[320];
	uint8_t blk[2 * MS_BLOCK], file_data[3 * MS_BLOCK];
	const uint32_t *got_lbas;
	const uint8_t *got_data;
	uint32_t got = 0;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/disc.iso", dir);
	memset(file_data, 'f', sizeof(file_data));
	f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(file_data, 1, sizeof(file_data), f),
		     sizeof(file_data));
	fclose(f);
	cr_assert_eq(ms_medium_open(&c, path, 0, &m), 0, "%s", c.msg);
	cr_assert_eq(ms_medium_record_new(&c, m, &rec), 0, "%s", c.msg);
	memset(blk, 'u', sizeof(blk));
	cr_assert_eq(ms_medium_read_upto(rec, &c, 2, 2, blk, &got), 0, "%s",
		     c.msg);
	cr_assert_eq(got, 1);
	cr_assert_eq(blk[0], 'f');
	cr_assert_eq(blk[MS_BLOCK], 'u', "the reader's buffer is left as it "
		     "was past the end");
	cr_assert_eq(ms_medium_recorded(rec, &got_lbas, &got_data), 2);
	cr_assert_eq(got_lbas[0], 2);
	cr_assert_eq(got_lbas[1], 3);
	cr_assert_eq(got_data[0], 'f');
	cr_assert(ms_is_zero(got_data + MS_BLOCK, MS_BLOCK));
	/* a whole read past the end still fails */
	cr_assert_eq(ms_medium_read(rec, &c, 3, 1, blk), -1);
	cr_assert(strstr(c.msg, "beyond the end"), "%s", c.msg);
	ms_medium_close(rec);
	ms_medium_close(m);
	rec = m = NULL;
	ms_lib_finish();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}
