/*
 * A progress line for long work: percentage, amount, speed and time left,
 * redrawn in place on a terminal at most five times a second.
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
};

void ms_progress_start(struct ms_progress *p, FILE *f, const char *label,
		       uint64_t total);
void ms_progress_update(struct ms_progress *p, uint64_t done);

/* Draw the final state and end the line (only if anything was drawn). */
void ms_progress_end(struct ms_progress *p);

/* Seconds since an arbitrary point, monotonic. */
double ms_now(void);

#endif
