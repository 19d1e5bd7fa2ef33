#include <string.h>

#include "progress_line.h"

#define MIB (1024.0 * 1024.0)
#define REDRAW_SECONDS 0.2

static void draw(struct ms_progress_line *pl, double now)
{
	const struct ms_progress *p = &pl->model;
	double secs = p->phase ? p->data_secs : now - p->start, speed;
	int pct, w = 0;

	speed = secs > 0 ? (double)p->done / secs : 0;
	w += fprintf(pl->f, "\r%s ", p->label);
	if (p->total) {
		pct = (int)((double)p->done * 100 / (double)p->total);
		w += fprintf(pl->f, "%3d%% %.1f of %.1f MiB", pct,
			     (double)p->done / MIB, (double)p->total / MIB);
	} else {
		w += fprintf(pl->f, "%.1f MiB", (double)p->done / MIB);
	}
	w += fprintf(pl->f, "  %.1f MiB/s", speed / MIB);
	if (p->phase && p->phase_total) {
		pct = (int)((double)p->phase_done * 100 /
			    (double)p->phase_total);
		w += fprintf(pl->f, "  %s %d%%", p->phase, pct);
	} else if (p->phase) {
		w += fprintf(pl->f, "  %s", p->phase);
	} else if (p->total && speed > 0 && p->done < p->total) {
		long left = (long)((double)(p->total - p->done) / speed);

		w += fprintf(pl->f, "  %ld:%02ld left", left / 60, left % 60);
	}
	/* blank what a longer line left behind */
	if (w < pl->width)
		fprintf(pl->f, "%*s", pl->width - w, "");
	if (w > pl->width)
		pl->width = w;
	fflush(pl->f);
	pl->drawn = 1;
	pl->last = now;
}

static void changed(struct ms_progress *p, int fresh)
{
	struct ms_progress_line *pl = (struct ms_progress_line *)p;
	double now = ms_now();

	if (fresh || now - pl->last >= REDRAW_SECONDS)
		draw(pl, now);
}

void ms_progress_line_start(struct ms_progress_line *pl, FILE *f,
			    const char *label, uint64_t total)
{
	memset(pl, 0, sizeof(*pl));
	ms_progress_init(&pl->model, label, total);
	pl->f = f;
	if (f)
		pl->model.changed = changed;
}

void ms_progress_line_end(struct ms_progress_line *pl)
{
	struct ms_progress *p = &pl->model;

	if (!pl->f || !pl->drawn)
		return;
	p->phase = p->phase ? "done" : NULL;
	p->phase_total = 0;
	draw(pl, ms_now());
	fputc('\n', pl->f);
	fflush(pl->f);
}
