#include <string.h>
#include <time.h>

#include "progress.h"

#define MIB (1024.0 * 1024.0)
#define REDRAW_SECONDS 0.2

double ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ms_progress_start(struct ms_progress *p, FILE *f, const char *label,
		       uint64_t total)
{
	memset(p, 0, sizeof(*p));
	p->f = f;
	p->label = label;
	p->total = total;
	p->start = ms_now();
}

static void draw(struct ms_progress *p, double now)
{
	double secs = p->phase ? p->data_secs : now - p->start, speed;
	int pct, w = 0;

	speed = secs > 0 ? (double)p->done / secs : 0;
	w += fprintf(p->f, "\r%s ", p->label);
	if (p->total) {
		pct = (int)((double)p->done * 100 / (double)p->total);
		w += fprintf(p->f, "%3d%% %.1f of %.1f MiB", pct,
			     (double)p->done / MIB, (double)p->total / MIB);
	} else {
		w += fprintf(p->f, "%.1f MiB", (double)p->done / MIB);
	}
	w += fprintf(p->f, "  %.1f MiB/s", speed / MIB);
	if (p->phase && p->phase_total) {
		pct = (int)((double)p->phase_done * 100 /
			    (double)p->phase_total);
		w += fprintf(p->f, "  %s %d%%", p->phase, pct);
	} else if (p->phase) {
		w += fprintf(p->f, "  %s", p->phase);
	} else if (p->total && speed > 0 && p->done < p->total) {
		long left = (long)((double)(p->total - p->done) / speed);

		w += fprintf(p->f, "  %ld:%02ld left", left / 60, left % 60);
	}
	/* blank what a longer line left behind */
	if (w < p->width)
		fprintf(p->f, "%*s", p->width - w, "");
	if (w > p->width)
		p->width = w;
	fflush(p->f);
	p->drawn = 1;
	p->last = now;
}

void ms_progress_update(struct ms_progress *p, uint64_t done)
{
	double now;

	if (!p->f)
		return;
	p->done = done;
	now = ms_now();
	if (now - p->last >= REDRAW_SECONDS)
		draw(p, now);
}

void ms_progress_phase(struct ms_progress *p, const char *phase,
		       uint64_t done, uint64_t total)
{
	double now;
	int fresh;

	if (!p->f)
		return;
	now = ms_now();
	/* a new phase, and the end of a measured one, are always shown */
	fresh = p->phase != phase || (total && done == total);
	if (!p->phase)
		p->data_secs = now - p->start;
	p->phase = phase;
	p->phase_done = done;
	p->phase_total = total;
	if (fresh || now - p->last >= REDRAW_SECONDS)
		draw(p, now);
}

void ms_progress_end(struct ms_progress *p)
{
	if (!p->f || !p->drawn)
		return;
	p->phase = p->phase ? "done" : NULL;
	p->phase_total = 0;
	draw(p, ms_now());
	fputc('\n', p->f);
	fflush(p->f);
}
