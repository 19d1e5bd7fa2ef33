/* The progress model of common/: counters the library updates, and when
 * a watcher is told that a change must be shown at once. */
#include <criterion/criterion.h>

#include "progress.h"

static int calls, fresh_calls;

static void watch(struct ms_progress *p, int fresh)
{
	(void)p;
	calls++;
	fresh_calls += fresh;
}

Test(progress_model, counts_without_a_watcher)
{
	struct ms_progress p;

	ms_progress_init(&p, "mkms", 100);
	ms_progress_update(&p, 40);
	cr_assert_eq(p.done, 40);
	cr_assert_null(p.phase);
	ms_progress_phase(&p, "verifying", 10, 100);
	cr_assert_str_eq(p.phase, "verifying");
	cr_assert_eq(p.phase_done, 10);
	cr_assert_eq(p.phase_total, 100);
	cr_assert(p.data_secs >= 0);
}

Test(progress_model, new_phase_and_its_end_are_fresh)
{
	struct ms_progress p;

	calls = fresh_calls = 0;
	ms_progress_init(&p, "burnms", 100);
	p.changed = watch;
	ms_progress_update(&p, 50);
	cr_assert_eq(calls, 1);
	cr_assert_eq(fresh_calls, 0, "data updates may wait for a redraw");
	ms_progress_phase(&p, "verifying", 0, 100);
	cr_assert_eq(fresh_calls, 1, "a new phase is shown at once");
	ms_progress_phase(&p, "verifying", 50, 100);
	cr_assert_eq(fresh_calls, 1, "the middle of a phase may wait");
	ms_progress_phase(&p, "verifying", 100, 100);
	cr_assert_eq(fresh_calls, 2, "the end of a measured phase is shown");
	ms_progress_phase(&p, "closing track", 0, 0);
	cr_assert_eq(fresh_calls, 3);
	ms_progress_phase(&p, "closing track", 0, 0);
	cr_assert_eq(fresh_calls, 3, "an unmeasured phase again may wait");
	cr_assert_eq(calls, 6);
}
