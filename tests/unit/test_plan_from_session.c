/*
 * mkms --from-session N (common/plan.c): which session's tree is
 * imported, where the session goes, and what is refused.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "ctx.h"
#include "exit.h"
#include "layout.h"
#include "plan.h"

static struct ms_ctx c;
static struct ms_layout l;
static struct ms_session sessions[3];
static struct ms_plan_opts o;
static struct ms_plan p;

/* A disc file with three sessions, at 32, 64 and 96; the next at 128. */
static void setup(void)
{
	int i;

	ms_ctx_init(&c);
	memset(&l, 0, sizeof(l));
	memset(sessions, 0, sizeof(sessions));
	memset(&o, 0, sizeof(o));
	memset(&p, 0xff, sizeof(p));
	l.medium = "disc.iso";
	l.status = MS_STATUS_APPENDABLE;
	l.overwriteable = 1;
	l.first_address = 32;
	l.nsessions = 3;
	l.sessions = sessions;
	for (i = 0; i < 3; i++) {
		sessions[i].number = i + 1;
		sessions[i].start = 32 + 32 * (uint32_t)i;
		sessions[i].blocks = 20;
	}
	l.last_start = 96;
	l.msc1 = 0;
	l.nwa = 128;
	l.has_fp = 1;
}

TestSuite(plan_from_session, .init = setup);

Test(plan_from_session, imports_the_named_session_at_the_nwa)
{
	o.from_session = 1;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), 0, "%s", c.msg);
	cr_assert_eq(p.import, 1);
	cr_assert_eq(p.session_index, 0);
	cr_assert_eq(p.start, 128);
}

Test(plan_from_session, without_it_the_last_session_is_imported)
{
	o.changes = 1;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), 0, "%s", c.msg);
	cr_assert_eq(p.session_index, 2);
}

Test(plan_from_session, an_older_session_is_a_change)
{
	o.from_session = 2;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), 0, "%s", c.msg);
}

Test(plan_from_session, the_newest_session_changes_nothing)
{
	o.from_session = 3;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), -1);
	cr_assert_eq(c.status, MS_EXIT_NOTHING);
	cr_assert(strstr(c.msg, "session 3 is the newest session"), "%s",
		  c.msg);
	o.changes = 1;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), 0, "%s", c.msg);
}

Test(plan_from_session, a_session_beyond_the_last_is_a_usage_error)
{
	o.from_session = 4;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), -1);
	cr_assert_eq(c.status, MS_EXIT_USAGE);
	cr_assert_str_eq(c.msg, "'disc.iso' has no session 4 (it holds 3)");
}

Test(plan_from_session, needs_a_medium)
{
	o.from_session = 1;
	cr_assert_eq(ms_plan_make(&c, NULL, &o, &p), -1);
	cr_assert_eq(c.status, MS_EXIT_USAGE);
}

Test(plan_from_session, excludes_fresh)
{
	o.from_session = 1;
	o.fresh = 1;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), -1);
	cr_assert_eq(c.status, MS_EXIT_USAGE);
}

Test(plan_from_session, a_blank_medium_is_unsuitable)
{
	l.status = MS_STATUS_BLANK;
	l.nsessions = 0;
	l.nwa = 32;
	o.from_session = 1;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), -1);
	cr_assert_eq(c.status, MS_EXIT_UNSUITABLE);
}

Test(plan_from_session, a_closed_medium_is_refused_as_before)
{
	l.status = MS_STATUS_CLOSED;
	o.from_session = 1;
	cr_assert_eq(ms_plan_make(&c, &l, &o, &p), -1);
	cr_assert_eq(c.status, MS_EXIT_UNSUITABLE);
}
