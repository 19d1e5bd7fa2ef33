/*
 * The progress of long work, as numbers: how much of how much is done,
 * and after the data which phase ("closing track", "verifying") is under
 * way.  The library updates the counters; a front end that wants to show
 * them installs a callback (fe/progress_line.c draws a line on a
 * terminal).  Nothing here prints.
 */
#ifndef MS_PROGRESS_H
#define MS_PROGRESS_H

#include <stdint.h>

struct ms_progress;

/*
 * Called after every change.  fresh is 1 when the change should be shown
 * at once (a new phase, or a measured phase reaching its end), 0 when the
 * viewer may wait for its next redraw.
 */
typedef void (*ms_progress_fn)(struct ms_progress *p, int fresh);

struct ms_progress {
	const char *label;
	uint64_t total;		/* bytes, 0 if unknown */
	uint64_t done;
	double start;		/* ms_now() when the work began */
	const char *phase;	/* after the data, or NULL */
	uint64_t phase_done, phase_total;
	double data_secs;	/* time the data took, once a phase began */
	ms_progress_fn changed;	/* NULL: nobody watches */
};

/* Begin counting total bytes of work (0: unknown); no viewer yet. */
void ms_progress_init(struct ms_progress *p, const char *label,
		      uint64_t total);

void ms_progress_update(struct ms_progress *p, uint64_t done);

/*
 * The data is written; now phase is under way, done of total bytes of it
 * (total 0: no measure).
 */
void ms_progress_phase(struct ms_progress *p, const char *phase,
		       uint64_t done, uint64_t total);

/* Seconds since an arbitrary point, monotonic. */
double ms_now(void);

#endif
