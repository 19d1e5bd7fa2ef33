/* The emulated TOC of DESIGN section 3, walked over crafted media. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "craft.h"
#include "exit.h"
#include "toc.h"

static struct ms_ctx ctx;
static struct craft_disc disc;
static struct ms_toc toc;

static void setup(void)
{
	ms_ctx_init(&ctx);
	craft_disc_init(&disc, 0);
	memset(&toc, 0, sizeof(toc));
}

static void teardown(void)
{
	ms_toc_release(&toc);
	craft_disc_free(&disc);
}

TestSuite(toc, .init = setup, .fini = teardown);

static int walk(void)
{
	return ms_toc_walk(craft_read, &disc, disc.blocks, &toc, &ctx);
}

static uint32_t round_up(uint32_t v, uint32_t to)
{
	return (v + to - 1) / to * to;
}

/*
 * Lay out n sessions of the given sizes as xorriso does (each at the next
 * multiple of 32 after the previous one, the first at 32), with the head
 * naming the end of the last.  Fills starts; returns the end.
 */
static uint32_t xorriso_chain(int n, const uint32_t *sizes, uint32_t *starts)
{
	uint32_t lba = 32, start = 0, end = 0;
	char volid[16];
	int i;

	for (i = 0; i < n; i++) {
		start = lba;
		snprintf(volid, sizeof(volid), "S%d", i + 1);
		craft_session(&disc, start, sizes[i], volid);
		if (starts)
			starts[i] = start;
		end = start + sizes[i];
		lba = round_up(end, 32);
	}
	craft_head(&disc, start, end);
	return end;
}

static void assert_sessions(int n, const uint32_t *starts,
			    const uint32_t *sizes)
{
	int i;

	cr_assert_eq(toc.count, n, "%d sessions, want %d", toc.count, n);
	for (i = 0; i < n; i++) {
		cr_assert_eq(toc.entries[i].start, starts[i],
			     "session %d starts at %u, want %u", i + 1,
			     toc.entries[i].start, starts[i]);
		cr_assert_eq(toc.entries[i].blocks, sizes[i],
			     "session %d has %u blocks, want %u", i + 1,
			     toc.entries[i].blocks, sizes[i]);
	}
}

static void assert_break(uint32_t lba, const char *words)
{
	cr_assert(toc.broken, "the chain should be broken");
	cr_assert_eq(toc.break_lba, lba, "broken at %u, want %u (%s)",
		     toc.break_lba, lba, toc.break_reason);
	cr_assert(strstr(toc.break_reason, words), "reason '%s' lacks '%s'",
		  toc.break_reason, words);
}

/* Blank media */

Test(toc, blank_when_medium_is_empty)
{
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.kind, MS_TOC_BLANK);
	cr_assert_eq(toc.count, 0);
	cr_assert_not(toc.broken);
	cr_assert_eq(disc.calls, 0u, "an empty medium needs no read");
}

Test(toc, blank_when_head_is_all_zero)
{
	disc.blocks = 100000;
	craft_session(&disc, 32, 500, "HIDDEN");
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.kind, MS_TOC_BLANK);
	cr_assert_eq(toc.count, 0);
	cr_assert_eq(disc.blocks_read, 32u, "only the head is read");
}

Test(toc, blank_when_short_medium_is_zero)
{
	disc.blocks = 5;
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.kind, MS_TOC_BLANK);
}

Test(toc, blank_when_head_invalidated_cdxx1)
{
	static const uint32_t sizes[] = { 100, 200 };

	disc.blocks = 1000;
	xorriso_chain(2, sizes, NULL);
	memcpy(craft_block(&disc, 16) + MS_VD_ID_OFF, "CDXX1", MS_VD_ID_LEN);
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.kind, MS_TOC_BLANK);
	cr_assert_eq(toc.count, 0);
}

Test(toc, head_is_blank_predicate)
{
	uint8_t head[MS_HEAD_BLOCKS * MS_BLOCK];

	memset(head, 0, sizeof(head));
	cr_assert(ms_head_is_blank(head));
	head[sizeof(head) - 1] = 1;
	cr_assert_not(ms_head_is_blank(head));
	memcpy(head + MS_VD_FIRST * MS_BLOCK + MS_VD_ID_OFF, "CDXX1", 5);
	cr_assert(ms_head_is_blank(head));
	memcpy(head + MS_VD_FIRST * MS_BLOCK + MS_VD_ID_OFF, "CD001", 5);
	cr_assert_not(ms_head_is_blank(head));
}

Test(toc, nwa_rounds_up_to_32)
{
	cr_assert_eq(ms_toc_nwa(0), 0u);
	cr_assert_eq(ms_toc_nwa(1), 32u);
	cr_assert_eq(ms_toc_nwa(32), 32u);
	cr_assert_eq(ms_toc_nwa(33), 64u);
	cr_assert_eq(ms_toc_nwa(105), 128u);
	cr_assert_eq(ms_toc_nwa(532849 + 44192), 577056u);
}

/* Neither blank nor ISO 9660 */

Test(toc, random_head_is_unsuitable)
{
	uint32_t i;
	size_t k;

	disc.blocks = 100;
	for (i = 0; i < 32; i++) {
		uint8_t *b = craft_block(&disc, i);

		for (k = 0; k < MS_BLOCK; k++)
			b[k] = (uint8_t)(k * 131 + i * 7 + 1);
	}
	cr_assert_eq(walk(), -1);
	cr_assert_eq(ctx.status, MS_EXIT_UNSUITABLE);
	cr_assert(strstr(ctx.msg, "no ISO 9660"), "message: %s", ctx.msg);
}

Test(toc, head_without_pvd_is_unsuitable)
{
	disc.blocks = 100;
	craft_svd(craft_block(&disc, 16), "%/E", "J", 100, 20);
	cr_assert_eq(walk(), -1);
	cr_assert_eq(ctx.status, MS_EXIT_UNSUITABLE);
}

Test(toc, medium_ending_before_block_16_is_unsuitable)
{
	disc.blocks = 10;
	craft_block(&disc, 3)[100] = 0x55;
	cr_assert_eq(walk(), -1);
	cr_assert_eq(ctx.status, MS_EXIT_UNSUITABLE);
}

Test(toc, read_errors_fail_the_walk)
{
	static const uint32_t sizes[] = { 100, 200 };

	disc.blocks = 1000;
	xorriso_chain(2, sizes, NULL);
	disc.fail = 1;
	disc.fail_lba = 176;
	cr_assert_eq(walk(), -1);
	cr_assert_eq(ctx.status, MS_EXIT_FAILURE);
	cr_assert(strstr(ctx.msg, "176"), "message: %s", ctx.msg);

	ms_toc_release(&toc);
	ms_ctx_init(&ctx);
	disc.fail_lba = 3;
	cr_assert_eq(walk(), -1);
	cr_assert_eq(ctx.status, MS_EXIT_FAILURE);
}

/* A plain ISO: one session at block 0 */

Test(toc, plain_iso_at_block_0)
{
	static const uint32_t starts[] = { 0 }, sizes[] = { 300 };

	disc.blocks = 300;
	craft_session(&disc, 0, 300, "PLAIN");
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.kind, MS_TOC_PLAIN);
	cr_assert_eq(toc.head_size, 300u);
	assert_sessions(1, starts, sizes);
	cr_assert_not(toc.broken);
}

Test(toc, plain_iso_holding_an_image_at_block_32)
{
	/*
	 * A plain image whose first file is an ISO image stored at block 32:
	 * that image's PVD sits at 48.  The head's root directory lies at 20,
	 * inside the head, which no emulated medium's head can have.
	 */
	static const uint32_t starts[] = { 0 }, sizes[] = { 406 };

	disc.blocks = 406;
	craft_session(&disc, 0, 406, "OUTER");
	craft_session(&disc, 32, 224, "INNER");
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.kind, MS_TOC_PLAIN);
	assert_sessions(1, starts, sizes);
	cr_assert_not(toc.broken, "broken: %s", toc.break_reason);
}

Test(toc, plain_iso_smaller_than_the_head)
{
	static const uint32_t starts[] = { 0 }, sizes[] = { 20 };

	disc.blocks = 20;
	craft_session(&disc, 0, 20, "TINY");
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.kind, MS_TOC_PLAIN);
	assert_sessions(1, starts, sizes);
	cr_assert_not(toc.broken);
}

Test(toc, plain_iso_truncated_is_broken_without_sessions)
{
	disc.blocks = 200;
	craft_session(&disc, 0, 300, "PLAIN");
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.count, 0);
	assert_break(16, "ends at block 200");
}

/* Chains of sessions on 32-block boundaries */

static void check_xorriso_chain(int n)
{
	uint32_t sizes[64], starts[64], end;
	int i;

	cr_assert(n <= 64);
	for (i = 0; i < n; i++)
		sizes[i] = 40 + 13 * (uint32_t)i;
	disc.blocks = 100000;
	end = xorriso_chain(n, sizes, starts);
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.kind, MS_TOC_EMULATED);
	cr_assert_eq(toc.head_size, end);
	assert_sessions(n, starts, sizes);
	cr_assert_not(toc.broken, "broken: %s", toc.break_reason);
}

Test(toc, chain_of_1_session)
{
	check_xorriso_chain(1);
	cr_assert_eq(toc.entries[0].start, 32u);
}

Test(toc, chain_of_3_sessions)
{
	check_xorriso_chain(3);
	cr_assert_eq(toc.entries[1].start, 96u);
	cr_assert_eq(toc.entries[2].start, 160u);
}

Test(toc, chain_of_20_sessions)
{
	check_xorriso_chain(20);
}

Test(toc, chain_on_medium_that_ends_with_last_session)
{
	static const uint32_t sizes[] = { 64, 100 };
	uint32_t starts[2];

	disc.blocks = xorriso_chain(2, sizes, starts);
	cr_assert_eq(walk(), 0);
	assert_sessions(2, starts, sizes);
	cr_assert_not(toc.broken);
}

Test(toc, sessions_exactly_on_boundaries)
{
	/* sizes that are multiples of 32 leave no gap */
	static const uint32_t sizes[] = { 64, 96, 32 };
	static const uint32_t starts[] = { 32, 96, 192 };
	uint32_t got[3];

	disc.blocks = 1000;
	xorriso_chain(3, sizes, got);
	cr_assert_arr_eq(got, starts, sizeof(starts));
	cr_assert_eq(walk(), 0);
	assert_sessions(3, starts, sizes);
	cr_assert_not(toc.broken);
}

/* growisofs: sessions on 16-block boundaries */

Test(toc, growisofs_16_block_alignment)
{
	/*
	 * Session 1 ends at 105.  growisofs starts session 2 at 112, so its
	 * PVD sits at 128: the 32-aligned boundary itself.
	 */
	static const uint32_t starts[] = { 32, 112 }, sizes[] = { 73, 190 };

	disc.blocks = 400;
	craft_session(&disc, 32, 73, "ONE");
	craft_session(&disc, 112, 190, "TWO");
	craft_head(&disc, 112, 302);
	cr_assert_eq(walk(), 0);
	assert_sessions(2, starts, sizes);
	cr_assert_not(toc.broken, "broken: %s", toc.break_reason);
}

Test(toc, growisofs_when_both_alignments_agree)
{
	/* session 1 ends at 122: 16- and 32-alignment both give 128 */
	static const uint32_t starts[] = { 32, 128 }, sizes[] = { 90, 50 };

	disc.blocks = 400;
	craft_session(&disc, 32, 90, "ONE");
	craft_session(&disc, 128, 50, "TWO");
	craft_head(&disc, 128, 178);
	cr_assert_eq(walk(), 0);
	assert_sessions(2, starts, sizes);
	cr_assert_not(toc.broken);
}

Test(toc, growisofs_session_right_after_16_aligned_end)
{
	/* session 1 ends at 112, a multiple of 16: growisofs starts there */
	static const uint32_t starts[] = { 32, 112 }, sizes[] = { 80, 60 };

	disc.blocks = 400;
	craft_session(&disc, 32, 80, "ONE");
	craft_session(&disc, 112, 60, "TWO");
	craft_head(&disc, 112, 172);
	cr_assert_eq(walk(), 0);
	assert_sessions(2, starts, sizes);
	cr_assert_not(toc.broken);
}

Test(toc, mixed_xorriso_and_growisofs_chain)
{
	/* xorriso at 32, growisofs at 112 (ends 302), xorriso at 320, 384 */
	static const uint32_t starts[] = { 32, 112, 320, 384 };
	static const uint32_t sizes[] = { 73, 190, 50, 33 };

	disc.blocks = 1000;
	craft_session(&disc, 32, 73, "ONE");
	craft_session(&disc, 112, 190, "TWO");
	craft_session(&disc, 320, 50, "THREE");
	craft_session(&disc, 384, 33, "FOUR");
	craft_head(&disc, 384, 417);
	cr_assert_eq(walk(), 0);
	assert_sessions(4, starts, sizes);
	cr_assert_not(toc.broken, "broken: %s", toc.break_reason);
}

Test(toc, growisofs_descriptor_found_before_its_own_data)
{
	/*
	 * Session 2 starts at 112 (growisofs) and its block 32, at 144,
	 * happens to look like a PVD.  A PVD at 128 can only be a session's
	 * own block 16: a 32-aligned session's system area never holds one.
	 */
	static const uint32_t starts[] = { 32, 112 }, sizes[] = { 73, 190 };

	disc.blocks = 400;
	craft_session(&disc, 32, 73, "ONE");
	craft_session(&disc, 112, 190, "TWO");
	craft_pvd(craft_block(&disc, 144), "DATA", 50, 150);
	craft_head(&disc, 112, 302);
	cr_assert_eq(walk(), 0);
	assert_sessions(2, starts, sizes);
	cr_assert_not(toc.broken, "broken: %s", toc.break_reason);
}

Test(toc, no_session_overlapping_the_previous_one)
{
	/*
	 * Session 1 ends at 128, on a 32-block boundary: neither xorriso nor
	 * growisofs can start a session before 128.  A PVD at 128 would put
	 * one at 112, inside session 1; the chain is broken instead.
	 */
	static const uint32_t starts[] = { 32 }, sizes[] = { 96 };

	disc.blocks = 1000;
	craft_session(&disc, 32, 96, "ONE");
	craft_pvd(craft_block(&disc, 128), "STRAY", 200, 130);
	craft_head(&disc, 32, 328);
	cr_assert_eq(walk(), 0);
	assert_sessions(1, starts, sizes);
	assert_break(144, "no volume descriptor at block 144");
}

Test(toc, first_session_only_at_block_32)
{
	/* a PVD at 32 (a session at 16) is not how a first session looks */
	disc.blocks = 1000;
	craft_session(&disc, 16, 200, "EARLY");
	craft_head(&disc, 16, 216);
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.kind, MS_TOC_PLAIN);
	cr_assert_eq(toc.count, 1);
	cr_assert_eq(toc.entries[0].start, 0u);
}

/* Sessions running past the end of the medium */

Test(toc, session_clipped_by_medium_end)
{
	static const uint32_t starts[] = { 32 }, sizes[] = { 100 };

	disc.blocks = 400;
	craft_session(&disc, 32, 100, "ONE");
	craft_session(&disc, 160, 500, "TWO");
	craft_head(&disc, 160, 660);
	cr_assert_eq(walk(), 0);
	assert_sessions(1, starts, sizes);
	assert_break(176, "medium ends at block 400");
	cr_assert(strstr(toc.break_reason, "session 2"), "%s",
		  toc.break_reason);
}

Test(toc, first_session_clipped_by_medium_end)
{
	disc.blocks = 60;
	craft_session(&disc, 32, 73, "ONE");
	craft_head(&disc, 32, 105);
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.count, 0);
	assert_break(48, "session 1");
	cr_assert(strstr(toc.break_reason, "ends at block 60"), "%s",
		  toc.break_reason);
}

Test(toc, next_session_beyond_medium_end)
{
	/* the head names 1000, the medium stops after session 1 */
	static const uint32_t starts[] = { 32 }, sizes[] = { 100 };

	disc.blocks = 150;
	craft_session(&disc, 32, 100, "ONE");
	craft_head(&disc, 32, 1000);
	cr_assert_eq(walk(), 0);
	assert_sessions(1, starts, sizes);
	assert_break(176, "medium ends at block 150");
}

/* Broken chains */

Test(toc, broken_chain_missing_pvd_mid_chain)
{
	static const uint32_t sizes[] = { 100, 200, 300 };
	uint32_t starts[3];

	disc.blocks = 10000;
	xorriso_chain(3, sizes, starts);
	craft_erase(&disc, starts[1] + 16);
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.kind, MS_TOC_EMULATED);
	assert_sessions(1, starts, sizes);
	assert_break(starts[1] + 16, "session 2");
	cr_assert(strstr(toc.break_reason, "no volume descriptor"), "%s",
		  toc.break_reason);
}

Test(toc, broken_chain_never_guessed_past)
{
	/* sessions 3 and 4 are intact, but the walk cannot reach them */
	static const uint32_t sizes[] = { 100, 200, 300, 50 };
	uint32_t starts[4];
	int i;

	disc.blocks = 10000;
	xorriso_chain(4, sizes, starts);
	craft_erase(&disc, starts[1] + 16);
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.count, 1);
	for (i = 0; i < toc.count; i++)
		cr_assert_neq(toc.entries[i].start, starts[2]);
}

Test(toc, broken_first_session_invents_nothing)
{
	/* a first session whose size is garbage: no plain image at 0 either */
	disc.blocks = 1000;
	craft_session(&disc, 32, 0, "ZERO");
	craft_head(&disc, 32, 500);
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.count, 0, "%d sessions", toc.count);
	assert_break(48, "session 1");
}

/* Bogus sizes */

Test(toc, bogus_session_size_zero)
{
	static const uint32_t starts[] = { 32 }, sizes[] = { 100 };

	disc.blocks = 1000;
	craft_session(&disc, 32, 100, "ONE");
	craft_session(&disc, 160, 0, "TWO");
	craft_head(&disc, 160, 500);
	cr_assert_eq(walk(), 0);
	assert_sessions(1, starts, sizes);
	assert_break(176, "volume space size 0");
}

Test(toc, bogus_session_size_all_ones)
{
	static const uint32_t starts[] = { 32 }, sizes[] = { 100 };

	disc.blocks = 1000;
	craft_session(&disc, 32, 100, "ONE");
	craft_session(&disc, 160, 0xffffffffu, "TWO");
	craft_head(&disc, 160, 500);
	cr_assert_eq(walk(), 0);
	assert_sessions(1, starts, sizes);
	assert_break(176, "volume space size 4294967295");
}

Test(toc, bogus_session_size_smaller_than_its_descriptors)
{
	static const uint32_t starts[] = { 32 }, sizes[] = { 100 };

	disc.blocks = 1000;
	craft_session(&disc, 32, 100, "ONE");
	craft_session(&disc, 160, 16, "TWO");
	craft_head(&disc, 160, 176);
	cr_assert_eq(walk(), 0);
	assert_sessions(1, starts, sizes);
	assert_break(176, "volume space size 16");
}

Test(toc, bogus_head_size_zero)
{
	static const uint32_t sizes[] = { 100 };

	disc.blocks = 1000;
	xorriso_chain(1, sizes, NULL);
	ms_vd_set_space_size(craft_block(&disc, 16), 0);
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.count, 0);
	assert_break(16, "size at block 16 is 0");
}

Test(toc, bogus_head_size_all_ones)
{
	static const uint32_t sizes[] = { 100 };

	disc.blocks = 1000;
	xorriso_chain(1, sizes, NULL);
	ms_vd_set_space_size(craft_block(&disc, 16), 0xffffffffu);
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.count, 0);
	assert_break(16, "4294967295");
	cr_assert(disc.blocks_read <= 32, "read %llu blocks",
		  (unsigned long long)disc.blocks_read);
}

Test(toc, session_size_past_the_head_volume_end)
{
	static const uint32_t starts[] = { 32 }, sizes[] = { 100 };

	disc.blocks = 100000;
	craft_session(&disc, 32, 100, "ONE");
	craft_session(&disc, 160, 50000, "TWO");
	craft_head(&disc, 160, 400);
	cr_assert_eq(walk(), 0);
	assert_sessions(1, starts, sizes);
	assert_break(176, "beyond the volume end 400");
}

/* The head's volume end against the last session */

Test(toc, head_naming_an_older_end_hides_an_unfinished_session)
{
	/*
	 * Session data is written before the head: after a crash in between
	 * the head still names session 1's end, and session 1 is the newest.
	 */
	static const uint32_t starts[] = { 32 }, sizes[] = { 100 };

	disc.blocks = 1000;
	craft_session(&disc, 32, 100, "ONE");
	craft_session(&disc, 160, 200, "TWO");
	craft_head(&disc, 32, 132);
	cr_assert_eq(walk(), 0);
	assert_sessions(1, starts, sizes);
	cr_assert_not(toc.broken, "broken: %s", toc.break_reason);
}

Test(toc, head_volume_end_inside_the_last_session)
{
	static const uint32_t starts[] = { 32 }, sizes[] = { 100 };

	disc.blocks = 1000;
	craft_session(&disc, 32, 100, "ONE");
	craft_session(&disc, 160, 200, "TWO");
	craft_head(&disc, 160, 300);
	cr_assert_eq(walk(), 0);
	assert_sessions(1, starts, sizes);
	assert_break(176, "beyond the volume end 300");
}

Test(toc, head_volume_end_just_after_the_last_session)
{
	static const uint32_t starts[] = { 32, 160 }, sizes[] = { 100, 200 };

	disc.blocks = 1000;
	craft_session(&disc, 32, 100, "ONE");
	craft_session(&disc, 160, 200, "TWO");
	craft_head(&disc, 160, 370);
	cr_assert_eq(walk(), 0);
	assert_sessions(2, starts, sizes);
	assert_break(176, "ends at block 360");
	cr_assert(strstr(toc.break_reason, "names 370"), "%s",
		  toc.break_reason);
}

Test(toc, head_volume_end_far_after_the_last_session)
{
	static const uint32_t starts[] = { 32, 160 }, sizes[] = { 100, 200 };

	disc.blocks = 1000;
	craft_session(&disc, 32, 100, "ONE");
	craft_session(&disc, 160, 200, "TWO");
	craft_head(&disc, 160, 800);
	cr_assert_eq(walk(), 0);
	assert_sessions(2, starts, sizes);
	assert_break(400, "where session 3 should start");
}

/* The walk reads the head and one or two blocks per session, never data */

static void check_reads_per_session(int n, int growisofs)
{
	uint32_t lba = 32, start = 0, end = 0, size;
	uint64_t bound;
	int i;

	disc.blocks = 0x7ffff000u;
	for (i = 0; i < n; i++) {
		size = 100000 + 17 * (uint32_t)i;
		start = lba;
		craft_session(&disc, start, size, "BIG");
		end = start + size;
		lba = growisofs && i % 2 ? round_up(end, 16) : round_up(end, 32);
	}
	craft_head(&disc, start, end);
	cr_assert_eq(walk(), 0);
	cr_assert_eq(toc.count, n);
	cr_assert_not(toc.broken, "broken: %s", toc.break_reason);
	bound = MS_HEAD_BLOCKS + 2 * (uint64_t)n;
	cr_assert(disc.blocks_read <= bound,
		  "%d sessions: %llu blocks read, want at most %llu", n,
		  (unsigned long long)disc.blocks_read,
		  (unsigned long long)bound);
	cr_assert(disc.calls <= 1 + 2 * (unsigned)n, "%u reader calls",
		  disc.calls);
}

Test(toc, reads_o_sessions_blocks_20_sessions)
{
	check_reads_per_session(20, 0);
}

Test(toc, reads_o_sessions_blocks_200_sessions)
{
	check_reads_per_session(200, 0);
}

Test(toc, reads_o_sessions_blocks_growisofs_chain)
{
	check_reads_per_session(200, 1);
}
