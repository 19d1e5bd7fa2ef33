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
	p->f = f;
	p->label = label;
	p->total = total;
	p->done = 0;
	p->start = ms_now();
	p->last = 0;
	p->drawn = 0;
}

static void draw(struct ms_progress *p, double now)
{
	double secs = now - p->start, speed;
	int pct;

	speed = secs > 0 ? (double)p->done / secs : 0;
	fprintf(p->f, "\r%s ", p->label);
	if (p->total) {
		pct = (int)((double)p->done * 100 / (double)p->total);
		fprintf(p->f, "%3d%% %.1f of %.1f MiB", pct,
			(double)p->done / MIB, (double)p->total / MIB);
	} else {
		fprintf(p->f, "%.1f MiB", (double)p->done / MIB);
	}
	fprintf(p->f, "  %.1f MiB/s", speed / MIB);
	if (p->total && speed > 0 && p->done < p->total) {
		long left = (long)((double)(p->total - p->done) / speed);

		fprintf(p->f, "  %ld:%02ld left", left / 60, left % 60);
	} else {
		fprintf(p->f, "            ");
	}
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

void ms_progress_end(struct ms_progress *p)
{
	if (!p->f || !p->drawn)
		return;
	draw(p, ms_now());
	fputc('\n', p->f);
	fflush(p->f);
}
