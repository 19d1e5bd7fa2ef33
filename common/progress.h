/*
 * A progress line for long work: percentage, amount, speed and time left,
 * redrawn in place on a terminal at most five times a second.  After the
 * data, a phase ("closing track", "verifying") takes the place of speed
 * and time left, so the line never sits still at 100 %.
 */
#ifndef MS_PROGRESS_H
#define MS_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

struct ms_progress {
	FILE *f;		/* NULL: disabled */
	const char *label;
	uint64_t total;		/* bytes, 0 if unknown */
	uint64_t done;
	double start, last;
	int drawn;
	int width;		/* of the line last drawn, to blank its rest */
	const char *phase;	/* after the data, or NULL */
	uint64_t phase_done, phase_total;
	double data_secs;	/* time the data took, once a phase began */
};

void ms_progress_start(struct ms_progress *p, FILE *f, const char *label,
		       uint64_t total);
void ms_progress_update(struct ms_progress *p, uint64_t done);

/*
 * The data is written; now phase is under way, done of total bytes of it
 * (total 0: no measure).  A new phase, and its 100 %, are drawn at once.
 */
void ms_progress_phase(struct ms_progress *p, const char *phase,
		       uint64_t done, uint64_t total);

/* Draw the final state and end the line (only if anything was drawn). */
void ms_progress_end(struct ms_progress *p);

/* Seconds since an arbitrary point, monotonic. */
double ms_now(void);

#endif
