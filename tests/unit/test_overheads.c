/*
 * The session overhead table against the drive traces it comes from
 * (doc/design.md section 1): gap = next track start - (start + size).
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "layout.h"

#define ENV "MSTOOLS_SESSION_OVERHEAD"

/* The gap the table predicts after a session of size blocks at start. */
static uint32_t gap_after(int profile, int sessions, uint32_t start,
			  uint32_t size)
{
	return ms_next_nwa(profile, sessions, start, size) - (start + size);
}

Test(overheads, dvd_plus_r_nec_nd1300a_trace)
{
	unsetenv(ENV);
	/* 0+899648 -> 901696, then 1337344 -> 1339392 */
	cr_assert_eq(ms_next_nwa(0x1b, 0, 0, 899648), 901696u);
	cr_assert_eq(gap_after(0x1b, 1, 901696, 1337344 - 901696), 2048u);
	cr_assert_eq(ms_next_nwa(0x1b, 2, 1339392, 2235392 - 1339392),
		     2237440u);
	cr_assert_not(ms_overhead_is_estimate(0x1b, 0));
	cr_assert_not(ms_overhead_is_estimate(0x1b, 5));
}

Test(overheads, dvd_plus_r_dl_lg_gsa_h10n_trace)
{
	unsetenv(ENV);
	/* 0+192 -> 2240 */
	cr_assert_eq(ms_next_nwa(0x2b, 0, 0, 192), 2240u);
	cr_assert_eq(ms_overhead_blocks(0x2b, 3, NULL), 2048u);
}

Test(overheads, dvd_minus_r_first_border_traces)
{
	unsetenv(ENV);
	/* RITEKW04: track 145680, NWA 174368 */
	cr_assert_eq(ms_next_nwa(0x11, 0, 0, 145680), 174368u);
	/* ASUS DRW-1608P2 CMCW02: 132800 -> 161488 */
	cr_assert_eq(ms_next_nwa(0x11, 0, 0, 132800), 161488u);
	/* LG GSA-4040B MCC 02RG20: 65264 -> 93952 */
	cr_assert_eq(ms_next_nwa(0x14, 0, 0, 65264), 93952u);
	cr_assert_not(ms_overhead_is_estimate(0x11, 0));
	/* later borders: no trace, an estimate */
	cr_assert(ms_overhead_is_estimate(0x11, 1));
	cr_assert_eq(ms_overhead_blocks(0x11, 1, NULL), 16384u);
}

Test(overheads, cd_r_udisks_836_trace)
{
	unsetenv(ENV);
	/* 0+608 -> 12010, 12010+5888 -> 24800 (ISO sizes; 2 run-out) */
	cr_assert_eq(ms_next_nwa(0x09, 0, 0, 608), 12010u);
	cr_assert_eq(ms_next_nwa(0x09, 1, 12010, 5888), 24800u);
}

Test(overheads, bd_r_is_an_estimate)
{
	unsetenv(ENV);
	cr_assert(ms_overhead_is_estimate(0x41, 0));
	cr_assert_eq(ms_overhead_blocks(0x41, 0, NULL), 0u);
}

Test(overheads, dvd_minus_r_dl_takes_one_session)
{
	cr_assert(ms_profile_one_session(0x15));
	cr_assert_not(ms_profile_one_session(0x11));
	cr_assert_not(ms_profile_one_session(0x2b));
}

Test(overheads, closing_costs_only_the_runout)
{
	cr_assert_eq(ms_closing_overhead_blocks(0x09), 2u);
	cr_assert_eq(ms_closing_overhead_blocks(0x1b), 0u);
	cr_assert_eq(ms_closing_overhead_blocks(0x11), 0u);
	cr_assert_eq(ms_closing_overhead_blocks(0xffff), 0u);
}

Test(overheads, environment_replaces_write_once_gaps)
{
	const char *note = NULL;

	setenv(ENV, "6144", 1);
	cr_assert_eq(ms_overhead_blocks(0x11, 1, &note), 6144u);
	cr_assert_str_eq(note, "set by " ENV);
	cr_assert_not(ms_overhead_is_estimate(0x11, 1));
	cr_assert_eq(ms_next_nwa(0x11, 1, 0, 32), 32u + 6144);
	/* CD: the run-out stays */
	cr_assert_eq(ms_overhead_blocks(0x09, 0, NULL), 6146u);
	/* files are not write-once */
	cr_assert_eq(ms_overhead_blocks(0xffff, 1, NULL), 0u);
	setenv(ENV, "30000,7000", 1);
	cr_assert_eq(ms_overhead_blocks(0x11, 0, NULL), 30000u);
	cr_assert_eq(ms_overhead_blocks(0x11, 2, NULL), 7000u);
	setenv(ENV, "lots", 1);
	cr_assert_eq(ms_overhead_blocks(0x11, 1, &note), 16384u);
	cr_assert(strstr(note, "ignored") != NULL);
	setenv(ENV, "99999999999", 1);
	cr_assert_eq(ms_overhead_blocks(0x1b, 1, NULL), 2048u);
	unsetenv(ENV);
}
