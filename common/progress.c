#include <string.h>
#include <time.h>

#include "progress.h"

double ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ms_progress_init(struct ms_progress *p, const char *label,
		      uint64_t total)
{
	memset(p, 0, sizeof(*p));
	p->label = label;
	p->total = total;
	p->start = ms_now();
}

void ms_progress_update(struct ms_progress *p, uint64_t done)
{
	p->done = done;
	if (p->changed)
		p->changed(p, 0);
}

void ms_progress_phase(struct ms_progress *p, const char *phase,
		       uint64_t done, uint64_t total)
{
	/* a new phase, and the end of a measured one, are always shown */
	int fresh = p->phase != phase || (total && done == total);

	if (!p->phase)
		p->data_secs = ms_now() - p->start;
	p->phase = phase;
	p->phase_done = done;
	p->phase_total = total;
	if (p->changed)
		p->changed(p, fresh);
}
