/*
 * mkms's planning (common/plan.c): which base, which address, nothing to
 * do, and what it refuses, decided from a layout and the options alone.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "exit.h"
#include "iso9660.h"
#include "layout.h"
#include "medium.h"
#include "plan.h"
#include "writer.h"

static struct ms_ctx c;
static struct ms_layout l;
static struct ms_session sessions[2];
static struct ms_plan_opts o;
static struct ms_plan p;

static void setup(void)
{
	ms_ctx_init(&c);
	memset(&l, 0, sizeof(l));
	memset(sessions, 0, sizeof(sessions));
	memset(&o, 0, sizeof(o));
	memset(&p, 0xff, sizeof(p));
	l.medium = "disc.iso";
	o.changes = 1;
}

TestSuite(plan, .init = setup);

/* A blank disc file: a first session goes to block 32. */
static void blank(void)
{
	l.status = MS_STATUS_BLANK;
	l.overwriteable = 1;
	l.first_address = 32;
	l.nwa = 32;
}

/* A disc file with two sessions, at 32 and 64; the next goes to 96. */
static void appendable(void)
{
	l.status = MS_STATUS_APPENDABLE;
	l.overwriteable = 1;
	l.first_address = 32;
	l.nsessions = 2;
	l.sessions = sessions;
	sessions[0].number = 1;
	sessions[0].start = 32;
	sessions[0].blocks = 20;
	sessions[1].number = 2;
	sessions[1].start = 64;
	sessions[1].blocks = 20;
	l.msc1 = 0;
	l.last_start = 64;
	l.nwa = 96;
}

static void refused(int status, const char *words)
{
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), -1);
	cr_assert_eq(c.status, status, "status %d: %s", c.status, c.msg);
	cr_assert(strstr(c.msg, words), "'%s' lacks '%s'", c.msg, words);
}

Test(plan, blank_base_gives_a_first_session_at_its_first_address)
{
	blank();
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), 0, "%s", c.msg);
	cr_assert_eq(p.import, 0);
	cr_assert_eq(p.start, 32);
	cr_assert_eq(p.user_address, 0);
}

Test(plan, blank_write_once_disc_starts_at_0)
{
	blank();
	l.overwriteable = 0;
	l.first_address = 0;
	l.nwa = 0;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), 0, "%s", c.msg);
	cr_assert_eq(p.start, 0);
}

Test(plan, appendable_base_continues_at_the_nwa)
{
	appendable();
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), 0, "%s", c.msg);
	cr_assert_eq(p.import, 1);
	cr_assert_eq(p.start, 96);
}

Test(plan, fresh_ignores_the_sessions)
{
	appendable();
	o.fresh = 1;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), 0, "%s", c.msg);
	cr_assert_eq(p.import, 0);
	cr_assert_eq(p.start, 32);
}

Test(plan, fresh_on_a_closed_disc_is_planned)
{
	appendable();
	l.status = MS_STATUS_CLOSED;
	o.fresh = 1;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), 0, "%s", c.msg);
	cr_assert_eq(p.import, 0);
}

Test(plan, c_agreeing_with_msc1_or_the_real_start)
{
	appendable();
	o.have_c = 1;
	o.c_last = 0;
	o.c_nwa = 96;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), 0, "%s", c.msg);
	o.c_last = 64;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), 0, "%s", c.msg);
	cr_assert_eq(p.start, 96);
	cr_assert_eq(p.user_address, 0);
}

Test(plan, c_naming_another_nwa_is_a_usage_error)
{
	appendable();
	o.have_c = 1;
	o.c_last = 0;
	o.c_nwa = 128;
	refused(MS_EXIT_USAGE, "-C 0,128 disagrees with 'disc.iso', whose "
		"msinfo is 0,96");
}

Test(plan, c_naming_another_last_session_is_a_usage_error)
{
	appendable();
	o.have_c = 1;
	o.c_last = 32;
	o.c_nwa = 96;
	refused(MS_EXIT_USAGE, "disagrees");
}

Test(plan, c_against_a_blank_disc_must_name_its_first_address)
{
	blank();
	o.have_c = 1;
	o.c_nwa = 64;
	refused(MS_EXIT_USAGE, "a first session goes to block 32");
	o.c_nwa = 32;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), 0, "%s", c.msg);
}

Test(plan, c_without_a_medium_is_the_users_address)
{
	o.have_c = 1;
	o.c_last = 10;
	o.c_nwa = 5000;
	cr_assert_eq(ms_plan_make(&c, NULL, &o, &p), 0, "%s", c.msg);
	cr_assert_eq(p.import, 0);
	cr_assert_eq(p.start, 5000);
	cr_assert_eq(p.user_address, 1);
}

Test(plan, no_medium_no_c_goes_to_block_0)
{
	cr_assert_eq(ms_plan_make(&c, NULL, &o, &p), 0, "%s", c.msg);
	cr_assert_eq(p.start, 0);
	cr_assert_eq(p.import, 0);
	cr_assert_eq(p.user_address, 0);
}

Test(plan, closed_disc_is_unsuitable)
{
	appendable();
	l.status = MS_STATUS_CLOSED;
	refused(MS_EXIT_UNSUITABLE, "closed");
}

Test(plan, session_image_is_unsuitable)
{
	appendable();
	l.status = MS_STATUS_IMAGE;
	refused(MS_EXIT_UNSUITABLE, "session image");
}

Test(plan, unwritable_medium_is_unsuitable_and_says_why)
{
	appendable();
	l.status = MS_STATUS_UNSUITABLE;
	l.unsuitable_why = "a DVD-R DL takes one session";
	refused(MS_EXIT_UNSUITABLE, "a DVD-R DL takes one session");
	o.fresh = 1;
	refused(MS_EXIT_UNSUITABLE, "cannot be written");
}

Test(plan, damaged_track_is_unsuitable_unless_fresh)
{
	appendable();
	l.damaged = 1;
	refused(MS_EXIT_UNSUITABLE, "damaged");
	o.fresh = 1;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), 0, "%s", c.msg);
}

Test(plan, broken_chain_is_a_failure_even_with_fresh)
{
	appendable();
	l.broken = 1;
	l.break_lba = 80;
	snprintf(l.break_reason, sizeof(l.break_reason), "no descriptor");
	refused(MS_EXIT_FAILURE, "damaged at block 80: no descriptor");
	o.fresh = 1;
	refused(MS_EXIT_FAILURE, "no descriptor");
}

Test(plan, nothing_to_do_on_an_appendable_base)
{
	appendable();
	o.changes = 0;
	refused(MS_EXIT_NOTHING, "nothing to do: no pathspec and no --rm");
	cr_assert_eq(p.import, 1, "the plan is still filled in");
	cr_assert_eq(p.start, 96);
}

Test(plan, nothing_to_do_for_an_empty_first_session)
{
	blank();
	o.changes = 0;
	refused(MS_EXIT_NOTHING, "the image would be empty");
	cr_assert_eq(ms_plan_make(&c, NULL, &o, &p), -1);
	cr_assert_eq(c.status, MS_EXIT_NOTHING);
}

Test(plan, allow_empty_builds_without_changes)
{
	appendable();
	o.changes = 0;
	o.allow_empty = 1;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), 0, "%s", c.msg);
}

Test(plan, refusals_come_before_nothing_to_do)
{
	appendable();
	l.status = MS_STATUS_CLOSED;
	o.changes = 0;
	refused(MS_EXIT_UNSUITABLE, "closed");
}

Test(plan, address_limit_from_c_alone_is_a_usage_error)
{
	o.have_c = 1;
	o.c_nwa = MS_ISO_MAX_LBA - MS_SYSAREA_BLOCKS + 1;
	cr_assert_eq(ms_plan_make(&c, NULL, &o, &p), -1);
	cr_assert_eq(c.status, MS_EXIT_USAGE);
	cr_assert(strstr(c.msg, "no session fits at block 4294967280"), "%s",
		  c.msg);
	o.c_nwa = MS_ISO_MAX_LBA - MS_SYSAREA_BLOCKS;
	cr_assert_eq(ms_plan_make(&c, NULL, &o, &p), 0, "%s", c.msg);
}

Test(plan, address_limit_from_the_medium_is_unsuitable)
{
	appendable();
	l.nwa = MS_ISO_MAX_LBA - 3;
	refused(MS_EXIT_UNSUITABLE, "ISO 9660 addresses end at block "
		"4294967295");
}

/* The output check, over files: a disc is refused, anything else passes. */
static char dir[] = "/tmp/mstools-test-plan.XXXXXX";

static void files_setup(void)
{
	setup();
	cr_assert_not_null(mkdtemp(dir));
}

static void files_teardown(void)
{
	char cmd[300];

	ms_lib_finish();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(plan_output, .init = files_setup, .fini = files_teardown);

Test(plan_output, a_disc_file_is_refused)
{
	char cmd[600], path[300];

	snprintf(path, sizeof(path), "%s/disc.iso", dir);
	snprintf(cmd, sizeof(cmd), "cd '%s' && mkdir a && echo a >a/a && "
		 "xorriso -dev disc.iso -map a / -commit >/dev/null 2>&1", dir);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(ms_plan_check_output(&c, path), -1);
	cr_assert_eq(c.status, MS_EXIT_UNSUITABLE);
	cr_assert(strstr(c.msg, "is a disc holding 1 session, not a session "
			 "image"), "%s", c.msg);
}

Test(plan_output, other_files_pass)
{
	char cmd[600], path[300];

	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	snprintf(cmd, sizeof(cmd), "seq 1 100000 >'%s'", path);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(ms_plan_check_output(&c, path), 0, "%s", c.msg);
	cr_assert_eq(ms_plan_check_output(&c, "-"), 0, "%s", c.msg);
	snprintf(path, sizeof(path), "%s/missing.iso", dir);
	cr_assert_eq(ms_plan_check_output(&c, path), 0, "%s", c.msg);
	cr_assert_eq(c.status, 0);
}
