/*
 * A progress line for long work: percentage, amount, speed and time left,
 * redrawn in place on a terminal at most five times a second.  After the
 * data, a phase ("closing track", "verifying") takes the place of speed
 * and time left, so the line never sits still at 100 %.  It draws the
 * counters of a struct ms_progress (common/progress.h) that the library
 * updates.
 */
#ifndef MS_PROGRESS_LINE_H
#define MS_PROGRESS_LINE_H

#include <stdint.h>
#include <stdio.h>

#include "progress.h"

struct ms_progress_line {
	struct ms_progress model;	/* first: the callback finds the line */
	FILE *f;		/* NULL: disabled */
	double last;		/* when the line was last drawn */
	int drawn;
	int width;		/* of the line last drawn, to blank its rest */
};

/* Count total bytes under label, drawing on f (NULL: draw nothing). */
void ms_progress_line_start(struct ms_progress_line *pl, FILE *f,
			    const char *label, uint64_t total);

/* Draw the final state and end the line (only if anything was drawn). */
void ms_progress_line_end(struct ms_progress_line *pl);

#endif
