/*
 * The burn decision (common/burn_check.c): one test per refusal, each
 * naming what it checks, over hand-made layouts and image facts.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "burn_check.h"
#include "exit.h"

#define PROFILE_CD_R	0x09
#define PROFILE_DVD_R_DL 0x15
#define PROFILE_FILE	0xffff

static struct ms_ctx c;
static struct ms_layout l;
static struct ms_session sessions[2];
static struct ms_image_facts f;
static struct ms_burn_target t;

/* A disc file with one session at 32 of 968 blocks; NWA 1024. */
static void appendable_file(void)
{
	int i;

	ms_ctx_init(&c);
	memset(&l, 0, sizeof(l));
	memset(sessions, 0, sizeof(sessions));
	l.medium = "d.iso";
	l.profile = PROFILE_FILE;
	l.status = MS_STATUS_APPENDABLE;
	l.overwriteable = 1;
	l.nsessions = 1;
	l.sessions = sessions;
	sessions[0].number = 1;
	sessions[0].start = 32;
	sessions[0].blocks = 968;
	l.last_start = 32;
	l.nwa = 1024;
	l.first_address = 32;
	l.free_blocks = 100000;
	l.overhead_blocks = 0;
	l.closing_overhead_blocks = 0;
	l.has_fp = 1;
	for (i = 0; i < MS_FP_LEN; i++)
		l.fp[i] = (uint8_t)(0xa0 + i);
}

static void blank_file(void)
{
	appendable_file();
	l.status = MS_STATUS_BLANK;
	l.nsessions = 0;
	l.last_start = 0;
	l.nwa = 32;
	l.has_fp = 0;
	memset(l.fp, 0, sizeof(l.fp));
}

/* A CD-R with one session, as the drive reports it. */
static void appendable_cd(void)
{
	appendable_file();
	l.medium = "/dev/sr0";
	l.profile = PROFILE_CD_R;
	l.overwriteable = 0;
	l.last_start = 0;
	sessions[0].start = 0;
	l.nwa = 11702;
	l.first_address = 0;
	l.free_blocks = 300000;
	l.overhead_blocks = 6902;
	l.closing_overhead_blocks = 2;
}

/* An image of 200 blocks made by mkms for the medium l as it is now. */
static void image_for_medium(void)
{
	memset(&f, 0, sizeof(f));
	f.name = "n.iso";
	f.link_state = MS_LINK_FOUND;
	f.link.start = l.nwa;
	f.link.blocks = 200;
	f.link.base_blank = l.status == MS_STATUS_BLANK;
	f.link.base_last = l.last_start;
	f.link.base_nwa = l.nwa;
	f.link.base_sessions = (uint32_t)l.nsessions;
	memcpy(f.link.base_fp, l.fp, MS_FP_LEN);
	f.vss = 200;
	f.is_file = 1;
	f.file_blocks = 200;
}

/* A 200-block image without a record, built by mkisofs -C for the NWA. */
static void foreign_image(uint32_t start)
{
	memset(&f, 0, sizeof(f));
	f.name = "f.iso";
	f.link_state = MS_LINK_ABSENT;
	f.vss = start + 200;
	f.root_lba = start + 20;
	f.is_file = 1;
	f.file_blocks = 200;
}

static int decide(unsigned flags)
{
	return ms_burn_decide(&c, &l, &f, flags, &t);
}

static void assert_refused(int status, const char *words)
{
	cr_assert_eq(decide(0), -1, "accepted");
	cr_assert_eq(c.status, status, "status %d: %s", c.status, c.msg);
	cr_assert(strstr(c.msg, words), "'%s' not in: %s", words, c.msg);
}

Test(burn_check, image_for_this_disc_goes_to_its_nwa)
{
	appendable_file();
	image_for_medium();
	cr_assert_eq(decide(0), 0, "%s", c.msg);
	cr_assert_eq(t.start, 1024u);
	cr_assert_eq(t.blocks, 200u);
	cr_assert_not(t.foreign);
}

Test(burn_check, first_session_goes_to_the_first_address)
{
	blank_file();
	image_for_medium();
	cr_assert_eq(decide(0), 0, "%s", c.msg);
	cr_assert_eq(t.start, 32u);
}

Test(burn_check, wrong_disc_by_msc1)
{
	appendable_file();
	image_for_medium();
	f.link.base_last = 64;
	assert_refused(MS_EXIT_WRONGDISC, "was built for a disc whose last "
		       "session starts at 64 with NWA 1024; 'd.iso' has its "
		       "last session at 32 with NWA 1024");
}

Test(burn_check, wrong_disc_by_nwa)
{
	appendable_file();
	image_for_medium();
	f.link.base_nwa = 2048;
	f.link.start = 2048;
	assert_refused(MS_EXIT_WRONGDISC, "with NWA 2048; 'd.iso' has its "
		       "last session at 32 with NWA 1024");
}

Test(burn_check, wrong_disc_by_fingerprint)
{
	appendable_file();
	image_for_medium();
	f.link.base_fp[3] ^= 1;
	assert_refused(MS_EXIT_WRONGDISC, "the addresses match, but the "
		       "fingerprint of 'd.iso' is a0a1a2a3");
}

Test(burn_check, medium_without_fingerprint_is_another_disc)
{
	appendable_file();
	image_for_medium();
	l.has_fp = 0;
	assert_refused(MS_EXIT_WRONGDISC, "fingerprint of 'd.iso' is unknown");
}

Test(burn_check, image_for_a_disc_with_sessions_on_a_blank_medium)
{
	blank_file();
	image_for_medium();
	f.link.base_blank = 0;
	f.link.base_sessions = 2;
	assert_refused(MS_EXIT_WRONGDISC, "was built for a disc with 2 "
		       "sessions, but 'd.iso' is blank");
}

Test(burn_check, base_blank_image_on_an_appendable_medium)
{
	appendable_file();
	image_for_medium();
	f.link.base_blank = 1;
	assert_refused(MS_EXIT_UNSUITABLE, "is a first session for a blank "
		       "medium, but 'd.iso' is appendable with 1 session");
}

Test(burn_check, fresh_image_on_a_closed_medium_is_refused_as_closed)
{
	appendable_cd();
	image_for_medium();
	f.link.base_blank = 1;
	f.link.start = 0;
	l.status = MS_STATUS_CLOSED;
	assert_refused(MS_EXIT_UNSUITABLE, "'/dev/sr0' is closed: no further "
		       "session can be written");
}

Test(burn_check, first_session_built_for_another_first_address)
{
	blank_file();
	image_for_medium();
	f.link.start = 0;
	assert_refused(MS_EXIT_WRONGDISC, "was built to start at block 0, but "
		       "a first session on 'd.iso' starts at block 32");
}

Test(burn_check, closed_medium)
{
	appendable_cd();
	image_for_medium();
	l.status = MS_STATUS_CLOSED;
	assert_refused(MS_EXIT_UNSUITABLE, "is closed: no further session");
}

Test(burn_check, session_image_given_as_medium)
{
	appendable_file();
	image_for_medium();
	l.status = MS_STATUS_IMAGE;
	l.medium = "s.iso";
	assert_refused(MS_EXIT_UNSUITABLE,
		       "'s.iso' is a session image, not a medium");
}

Test(burn_check, dvd_r_dl_takes_no_second_session)
{
	appendable_cd();
	image_for_medium();
	l.profile = PROFILE_DVD_R_DL;
	l.status = MS_STATUS_UNSUITABLE;
	l.unsuitable_why = "a DVD-R DL takes one session only: drives cannot "
			   "append to it";
	assert_refused(MS_EXIT_UNSUITABLE, "holds a medium that cannot be "
		       "written: a DVD-R DL takes one session only");
}

Test(burn_check, damaged_track)
{
	appendable_cd();
	image_for_medium();
	l.damaged = 1;
	assert_refused(MS_EXIT_UNSUITABLE, "the next track of '/dev/sr0' is "
		       "damaged (an interrupted write)");
	cr_assert(strstr(c.msg, "-close_damaged as_needed"), "%s", c.msg);
}

Test(burn_check, broken_chain)
{
	appendable_file();
	image_for_medium();
	l.broken = 1;
	l.break_lba = 1040;
	snprintf(l.break_reason, sizeof(l.break_reason), "no volume "
		 "descriptor at block 1040");
	assert_refused(MS_EXIT_FAILURE, "'d.iso' is damaged at block 1040: "
		       "no volume descriptor at block 1040");
}

Test(burn_check, damaged_link_record)
{
	appendable_file();
	image_for_medium();
	f.link_state = MS_LINK_CORRUPT;
	f.link_why = "its checksum does not match";
	assert_refused(MS_EXIT_VERIFY, "the link record of image 'n.iso' is "
		       "damaged: its checksum does not match");
}

Test(burn_check, record_and_descriptor_disagree_on_size)
{
	appendable_file();
	image_for_medium();
	f.vss = 199;
	assert_refused(MS_EXIT_VERIFY, "says 200 blocks in its link record but "
		       "199 in its volume descriptor");
}

/* Records name no size now: the descriptor's is the image's. */
Test(burn_check, record_without_size_takes_the_descriptors)
{
	appendable_file();
	image_for_medium();
	f.link.blocks = 0;
	cr_assert_eq(decide(0), 0, "%s", c.msg);
	cr_assert_eq(t.start, 1024u);
	cr_assert_eq(t.blocks, 200u);
	f.file_blocks = 150;
	assert_refused(MS_EXIT_VERIFY, "has 150 blocks, but its volume "
		       "descriptor says 200");
}

Test(burn_check, record_without_size_and_impossible_descriptor_size)
{
	appendable_file();
	image_for_medium();
	f.link.blocks = 0;
	f.vss = 0;
	assert_refused(MS_EXIT_VERIFY, "has a volume space size of 0 blocks, "
		       "impossible for an image at block 1024");
	f.vss = MS_LINK_MAX_BLOCK - 1000;
	f.is_file = 0;
	assert_refused(MS_EXIT_VERIFY, "impossible for an image at block 1024");
}

Test(burn_check, record_names_another_start_than_its_base_nwa)
{
	appendable_file();
	image_for_medium();
	f.link.start = 1056;
	assert_refused(MS_EXIT_VERIFY, "starts at block 1056, not at the NWA "
		       "1024 it names");
}

Test(burn_check, file_shorter_than_its_record)
{
	appendable_file();
	image_for_medium();
	f.file_blocks = 150;
	assert_refused(MS_EXIT_VERIFY, "has 150 blocks, but its volume "
		       "descriptor says 200");
}

Test(burn_check, no_space_counts_the_session_overhead)
{
	appendable_cd();
	image_for_medium();
	l.free_blocks = 7000;		/* 200 + 6902 do not fit */
	assert_refused(MS_EXIT_NOSPACE, "needs 200 blocks plus 6902 of session "
		       "overhead, but '/dev/sr0' has 7000 free");
	l.free_blocks = 7102;
	cr_assert_eq(decide(0), 0, "%s", c.msg);
}

Test(burn_check, fits_only_when_the_session_closes_the_disc)
{
	appendable_cd();
	image_for_medium();
	l.free_blocks = 1000;
	assert_refused(MS_EXIT_NOSPACE, "plus 6902 of session overhead");
	ms_ctx_init(&c);
	cr_assert_eq(decide(MS_BURN_CLOSE), 0, "%s", c.msg);
	l.free_blocks = 201;
	cr_assert_eq(decide(MS_BURN_CLOSE), -1);
	cr_assert_eq(c.status, MS_EXIT_NOSPACE);
	cr_assert(strstr(c.msg, "plus 2 of session overhead"), "%s", c.msg);
}

Test(burn_check, close_changes_nothing_on_overwriteable_media)
{
	appendable_file();
	image_for_medium();
	l.overhead_blocks = 0;
	l.closing_overhead_blocks = 500;
	l.free_blocks = 200;
	cr_assert_eq(decide(MS_BURN_CLOSE), 0, "%s", c.msg);
}

Test(burn_check, image_without_record_needs_foreign)
{
	appendable_file();
	foreign_image(l.nwa);
	assert_refused(MS_EXIT_WRONGDISC, "image 'f.iso' has no link record");
	cr_assert(strstr(c.msg, "--foreign"), "%s", c.msg);
}

Test(burn_check, foreign_image_goes_to_the_nwa_and_its_tree_is_due)
{
	appendable_file();
	foreign_image(l.nwa);
	cr_assert_eq(decide(MS_BURN_FOREIGN), 0, "%s", c.msg);
	cr_assert_eq(t.start, 1024u);
	cr_assert_eq(t.blocks, 200u);
	cr_assert(t.foreign);
	/* libisofs records the session's own size */
	f.vss = 200;
	cr_assert_eq(decide(MS_BURN_FOREIGN), 0, "%s", c.msg);
}

Test(burn_check, foreign_image_on_blank_medium_goes_to_first_address)
{
	blank_file();
	foreign_image(32);
	cr_assert_eq(decide(MS_BURN_FOREIGN), 0, "%s", c.msg);
	cr_assert_eq(t.start, 32u);
}

Test(burn_check, foreign_stream_has_no_known_size)
{
	appendable_file();
	foreign_image(l.nwa);
	f.is_file = 0;
	cr_assert_eq(decide(MS_BURN_FOREIGN), -1);
	cr_assert_eq(c.status, MS_EXIT_USAGE);
	cr_assert(strstr(c.msg, "--foreign needs the image as a file"), "%s",
		  c.msg);
}

Test(burn_check, foreign_image_built_for_another_address_by_its_size)
{
	appendable_file();
	foreign_image(2048);
	f.root_lba = 1024 + 20;
	cr_assert_eq(decide(MS_BURN_FOREIGN), -1);
	cr_assert_eq(c.status, MS_EXIT_WRONGDISC);
	cr_assert(strstr(c.msg, "has 200 blocks but its volume space size is "
			 "2248: it was not built for block 1024 of 'd.iso'"),
		  "%s", c.msg);
}

Test(burn_check, foreign_image_built_for_another_address_by_its_root)
{
	appendable_file();
	foreign_image(l.nwa);
	f.root_lba = 20;
	cr_assert_eq(decide(MS_BURN_FOREIGN), -1);
	cr_assert_eq(c.status, MS_EXIT_WRONGDISC);
	cr_assert(strstr(c.msg, "keeps its root directory at block 20, outside "
			 "blocks 1024 to 1223"), "%s", c.msg);
}

Test(burn_check, foreign_image_larger_than_any_medium)
{
	appendable_file();
	foreign_image(l.nwa);
	f.file_blocks = (uint64_t)UINT32_MAX;
	f.vss = UINT32_MAX;
	f.root_lba = l.nwa + 20;
	cr_assert_eq(decide(MS_BURN_FOREIGN), -1);
	cr_assert_eq(c.status, MS_EXIT_NOSPACE);
	cr_assert(strstr(c.msg, "more than any medium holds"), "%s", c.msg);
}

Test(burn_check, foreign_image_still_needs_space)
{
	appendable_cd();
	foreign_image(l.nwa);
	l.free_blocks = 300;
	cr_assert_eq(decide(MS_BURN_FOREIGN), -1);
	cr_assert_eq(c.status, MS_EXIT_NOSPACE);
}

Test(burn_check, blanked_medium_takes_a_first_session)
{
	blank_file();
	image_for_medium();		/* built for the blank medium */
	appendable_file();
	l.broken = 1;
	cr_assert_eq(decide(0), -1, "accepted before blanking");
	ms_ctx_init(&c);
	cr_assert_eq(decide(MS_BURN_BLANKED), 0, "%s", c.msg);
	cr_assert_eq(t.start, 32u);
}

Test(burn_check, blanked_closed_medium_takes_a_first_session)
{
	appendable_cd();
	l.status = MS_STATUS_CLOSED;
	image_for_medium();
	f.link.base_blank = 1;
	f.link.start = 0;
	cr_assert_eq(decide(MS_BURN_BLANKED), 0, "%s", c.msg);
	cr_assert_eq(t.start, 0u);
}

Test(burn_check, blanking_does_not_make_an_image_a_medium)
{
	appendable_file();
	image_for_medium();
	l.status = MS_STATUS_IMAGE;
	cr_assert_eq(decide(MS_BURN_BLANKED), -1);
	cr_assert_eq(c.status, MS_EXIT_UNSUITABLE);
}

Test(burn_check, image_for_the_disc_is_refused_after_blanking)
{
	appendable_file();
	image_for_medium();
	cr_assert_eq(decide(MS_BURN_BLANKED), -1);
	cr_assert_eq(c.status, MS_EXIT_WRONGDISC);
	cr_assert(strstr(c.msg, "but 'd.iso' is blank"), "%s", c.msg);
}

Test(burn_check, blanked_layout_keeps_what_blanking_does_not_change)
{
	struct ms_layout out;

	appendable_cd();
	l.broken = 1;
	ms_burn_blanked_layout(&l, &out);
	cr_assert_eq(out.status, MS_STATUS_BLANK);
	cr_assert_eq(out.nsessions, 0);
	cr_assert_eq(out.nwa, 0u);
	cr_assert_eq(out.broken, 0);
	cr_assert_eq(out.free_blocks, l.free_blocks);
	l.status = MS_STATUS_UNSUITABLE;
	ms_burn_blanked_layout(&l, &out);
	cr_assert_eq(out.status, MS_STATUS_UNSUITABLE);
	cr_assert_eq(out.nsessions, 1);
}

/* The suitability check that lsms, mkms and burnms share (layout.c). */
Test(appendable, blank_and_appendable_media_pass)
{
	blank_file();
	cr_assert_eq(ms_layout_check_appendable(&c, &l, 0), 0, "%s", c.msg);
	appendable_file();
	cr_assert_eq(ms_layout_check_appendable(&c, &l, 0), 0, "%s", c.msg);
}

Test(appendable, fresh_session_ignores_closed_medium_and_damaged_track)
{
	appendable_cd();
	l.status = MS_STATUS_CLOSED;
	cr_assert_eq(ms_layout_check_appendable(&c, &l, MS_CHECK_FRESH), 0,
		     "%s", c.msg);
	l.status = MS_STATUS_APPENDABLE;
	l.damaged = 1;
	cr_assert_eq(ms_layout_check_appendable(&c, &l, MS_CHECK_FRESH), 0,
		     "%s", c.msg);
	cr_assert_eq(ms_layout_check_appendable(&c, &l, 0), -1);
	cr_assert_eq(c.status, MS_EXIT_UNSUITABLE);
}

Test(appendable, fresh_session_still_refuses_image_unwritable_and_broken)
{
	appendable_file();
	l.status = MS_STATUS_IMAGE;
	cr_assert_eq(ms_layout_check_appendable(&c, &l, MS_CHECK_FRESH), -1);
	cr_assert_str_eq(c.msg, "'d.iso' is a session image, not a medium");
	l.status = MS_STATUS_UNSUITABLE;
	l.unsuitable_why = NULL;
	cr_assert_eq(ms_layout_check_appendable(&c, &l, MS_CHECK_FRESH), -1);
	cr_assert_str_eq(c.msg, "'d.iso' holds a medium that cannot be "
			 "written");
	l.status = MS_STATUS_APPENDABLE;
	l.broken = 1;
	l.break_lba = 48;
	snprintf(l.break_reason, sizeof(l.break_reason), "why");
	cr_assert_eq(ms_layout_check_appendable(&c, &l, MS_CHECK_FRESH), -1);
	cr_assert_eq(c.status, MS_EXIT_FAILURE);
	cr_assert_str_eq(c.msg, "the last session of 'd.iso' is damaged at "
			 "block 48: why");
}

Test(profiles, only_cd_rw_and_dvd_rw_are_blanked_by_the_drive)
{
	cr_assert(ms_profile_is_blankable(0x0a));	/* CD-RW */
	cr_assert(ms_profile_is_blankable(0x14));	/* DVD-RW sequential */
	cr_assert_not(ms_profile_is_blankable(PROFILE_CD_R));
	cr_assert_not(ms_profile_is_blankable(0x11));	/* DVD-R */
	cr_assert_not(ms_profile_is_blankable(0x1b));	/* DVD+R */
	cr_assert_not(ms_profile_is_blankable(PROFILE_FILE));
}
