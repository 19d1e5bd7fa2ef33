/* The progress line of fe/: phases after the data, and lines that blank
 * what a longer one left behind. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress_line.h"

#define MIB (1024 * 1024)

/* The last redraw of a stream's text (after its last '\r'). */
static const char *last_draw(const char *text)
{
	const char *p = strrchr(text, '\r');

	return p ? p + 1 : text;
}

Test(progress, phase_replaces_time_left_and_is_drawn_at_once)
{
	struct ms_progress_line p;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	ms_progress_line_start(&p, f, "burnms", 4 * MIB);
	ms_progress_update(&p.model, 4 * MIB);
	ms_progress_phase(&p.model, "closing track", 0, 0);
	fflush(f);
	cr_assert(strstr(last_draw(text), "100% 4.0 of 4.0 MiB"));
	cr_assert(strstr(last_draw(text), "  closing track"));
	cr_assert_null(strstr(last_draw(text), "left"));

	/* a measured phase: its 100 % is shown even within the redraw pause */
	ms_progress_phase(&p.model, "verifying", MIB, 4 * MIB);
	ms_progress_phase(&p.model, "verifying", 4 * MIB, 4 * MIB);
	fflush(f);
	cr_assert(strstr(last_draw(text), "  verifying 100%"),
		  "got '%s'", last_draw(text));
	ms_progress_line_end(&p);
	fclose(f);
	cr_assert(strstr(text, "  done"));
	cr_assert_eq(text[len - 1], '\n');
	free(text);
}

Test(progress, shorter_line_blanks_the_rest)
{
	struct ms_progress_line p;
	char *text = NULL, *longer, *shorter;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	ms_progress_line_start(&p, f, "burnms", 4 * MIB);
	ms_progress_phase(&p.model, "emptying the drive's buffer", 0, 0);
	ms_progress_phase(&p.model, "closing track", 0, 0);
	fclose(f);
	/* two redraws: "\r<longer>\r<shorter>", both as wide */
	longer = strchr(text, '\r');
	cr_assert_not_null(longer);
	shorter = strchr(longer + 1, '\r');
	cr_assert_not_null(shorter);
	cr_assert_null(strchr(shorter + 1, '\r'));
	cr_assert(strstr(shorter, "closing track"));
	cr_assert_eq(strlen(shorter), (size_t)(shorter - longer),
		     "'%s' after '%.*s'", shorter, (int)(shorter - longer),
		     longer);
	free(text);
}

Test(progress, disabled_without_a_stream)
{
	struct ms_progress_line p;

	ms_progress_line_start(&p, NULL, "burnms", MIB);
	ms_progress_update(&p.model, MIB);
	ms_progress_phase(&p.model, "verifying", MIB, MIB);
	ms_progress_line_end(&p);
	cr_assert_eq(p.drawn, 0);
}
