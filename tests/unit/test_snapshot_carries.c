/*
 * The "carries" lines of a snapshot (mstools(5)): what each session
 * carries beside its ISO 9660 tree survives a round trip, and a snapshot
 * without them still decodes, saying that it does not know.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "exit.h"
#include "layout.h"
#include "snapshot_fmt.h"

static struct ms_ctx c;
static struct ms_session sessions[2];
static struct ms_layout lay;
static uint8_t *file;
static size_t file_len;
static struct ms_snapshot *snap;

static void setup(void)
{
	ms_ctx_init(&c);
	file = NULL;
	snap = NULL;
	memset(&lay, 0, sizeof(lay));
	memset(sessions, 0, sizeof(sessions));
	lay.kind = MS_MEDIUM_FILE;
	lay.profile = 0xffff;
	snprintf(lay.profile_name, sizeof(lay.profile_name), "stdio file");
	lay.status = MS_STATUS_APPENDABLE;
	lay.overwriteable = 1;
	lay.first_address = 32;
	lay.last_start = 500;
	lay.nwa = 544;
	lay.free_blocks = 1000;
	lay.capacity_blocks = 1544;
	lay.has_fp = 1;
	sessions[0] = (struct ms_session){ .number = 1, .start = 0,
		.blocks = 480, .volume_blocks = 480, .readable = 1,
		.joliet = 3, .created = -1, .udf = 2, .el_torito = 1,
		.boot_catalog = 40, .boot_catalog_ok = 1, .hfs = 1,
		.mbr = 1 };
	sessions[1] = (struct ms_session){ .number = 2, .start = 500,
		.blocks = 40, .volume_blocks = 540, .readable = 1,
		.joliet = 3, .created = -1, .el_torito = 1,
		.boot_catalog = 9999 };
	lay.nsessions = 2;
	lay.sessions = sessions;
}

static void teardown(void)
{
	ms_snapshot_free(snap);
	free(file);
}

TestSuite(snapshot_carries, .init = setup, .fini = teardown);

static void round_trip(void)
{
	struct ms_snapshot_src src = { .source = "d.iso", .taken = 0,
				       .layout = &lay };
	struct ms_snapshot_stats st;

	cr_assert_eq(ms_snapshot_encode(&c, &src, &file, &file_len, &st), 0,
		     "%s", c.msg);
	cr_assert_eq(ms_snapshot_decode(&c, file, file_len, &snap), 0, "%s",
		     c.msg);
}

Test(snapshot_carries, round_trip_keeps_what_each_session_carries)
{
	const struct ms_layout *l;

	round_trip();
	l = ms_snapshot_decoded_layout(snap);
	cr_assert_eq(l->carries_unknown, 0);
	cr_assert_eq(l->sessions[0].udf, 2);
	cr_assert_eq(l->sessions[0].el_torito, 1);
	cr_assert_eq(l->sessions[0].boot_catalog, 40);
	cr_assert_eq(l->sessions[0].boot_catalog_ok, 1);
	cr_assert_eq(l->sessions[0].hfs, 1);
	cr_assert_eq(l->sessions[0].mbr, 1);
	cr_assert_eq(l->sessions[1].udf, 0);
	cr_assert_eq(l->sessions[1].hfs, 0);
	cr_assert_eq(l->sessions[1].mbr, 0);
	/* a catalog outside the session is kept, and known to be outside */
	cr_assert_eq(l->sessions[1].el_torito, 1);
	cr_assert_eq(l->sessions[1].boot_catalog, 9999);
	cr_assert_eq(l->sessions[1].boot_catalog_ok, 0);
}

Test(snapshot_carries, a_session_that_carries_nothing_says_so)
{
	sessions[0].udf = 0;
	sessions[0].el_torito = sessions[0].hfs = sessions[0].mbr = 0;
	sessions[0].boot_catalog = 0;
	sessions[0].boot_catalog_ok = 0;
	round_trip();
	cr_assert_eq(ms_snapshot_decoded_layout(snap)->sessions[0].udf, 0);
	cr_assert_eq(ms_snapshot_decoded_layout(snap)->sessions[0].el_torito,
		     0);
	cr_assert_eq(ms_snapshot_decoded_layout(snap)->carries_unknown, 0);
}

Test(snapshot_carries, a_blank_medium_has_no_lines_and_is_known)
{
	lay.status = MS_STATUS_BLANK;
	lay.nsessions = 0;
	lay.has_fp = 0;
	lay.last_start = 0;
	lay.nwa = 32;
	round_trip();
	cr_assert_eq(ms_snapshot_decoded_layout(snap)->carries_unknown, 0);
}
