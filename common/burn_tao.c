/* The writer for write-once media: one TAO track through libburn. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <libburn/libburn.h>

#include "burn_int.h"
#include "exit.h"
#include "imgsum.h"
#include "medium_burn.h"

#define SIGNALS_LIBBURN_ABORT	0x30	/* built-in handler, action 3 */
#define SIGNALS_DEFAULT		1	/* the system's reaction again */
#define ABORT_PATIENCE_SEC	60

/* A libburn source that hands out the image as write_tao pulls it. */
struct tao_source {
	struct ms_ctx *c;
	struct ms_image *img;
	uint64_t done;		/* bytes */
	struct ms_imgsum sum;
	int failed;
};

static int tao_read(struct burn_source *s, unsigned char *buf, int size)
{
	struct tao_source *t = s->data;
	uint64_t total = (uint64_t)t->img->blocks * MS_BLOCK;
	int64_t n;

	if (t->failed)
		return -1;
	if (t->done >= total)
		return 0;
	if ((uint64_t)size > total - t->done)
		size = (int)(total - t->done);
	if (size % MS_BLOCK)
		return -1;
	n = ms_image_next(t->c, t->img, t->done / MS_BLOCK, buf,
		       (uint32_t)(size / MS_BLOCK));
	if (n <= 0) {
		if (n == 0)
			ms_image_short(t->c, t->img, t->done / MS_BLOCK);
		t->failed = 1;
		return -1;
	}
	ms_imgsum_add(&t->sum, buf, (uint32_t)n);
	t->done += (uint64_t)n * MS_BLOCK;
	return (int)(n * MS_BLOCK);
}

static off_t tao_size(struct burn_source *s)
{
	struct tao_source *t = s->data;

	return (off_t)t->img->blocks * MS_BLOCK;
}

static int tao_set_size(struct burn_source *s, off_t size)
{
	(void)s;
	(void)size;
	return 1;
}

static void tao_free(struct burn_source *s)
{
	(void)s;
}

static int tao_cancel(struct burn_source *s)
{
	(void)s;
	return 1;
}

/* What the drive does once it has all the data, for the progress line. */
static const char *tao_phase(enum burn_drive_status st)
{
	switch (st) {
	case BURN_DRIVE_CLOSING_TRACK:
		return "closing track";
	case BURN_DRIVE_CLOSING_SESSION:
		return "closing session";
	case BURN_DRIVE_WRITING_LEADOUT:
		return "writing lead-out";
	default:
		return "emptying the drive's buffer";
	}
}

int ms_burn_write_tao(struct ms_ctx *c, struct ms_medium *m,
		      struct ms_image *img, unsigned flags,
		      struct ms_progress *p)
{
	struct tao_source t = { c, img, 0, { 0 }, 0 };
	struct burn_source src;
	struct burn_disc *disc = NULL;
	struct burn_session *session = NULL;
	struct burn_track *track = NULL;
	struct burn_write_opts *o = NULL;
	struct burn_progress prog;
	enum burn_drive_status st;
	char reasons[BURN_REASONS_LEN];
	uint8_t md5[16];
	struct burn_drive *d = ms_medium_burn_drive(m);
	int lba, nwa, ret = -1;

	memset(&src, 0, sizeof(src));
	src.refcount = 1;
	src.version = 1;
	src.read_xt = tao_read;
	src.get_size = tao_size;
	src.set_size = tao_set_size;
	src.free_data = tao_free;
	src.cancel = tao_cancel;
	src.data = &t;
	if (ms_imgsum_start(&t.sum, img) < 0) {
		ms_imgsum_end(&t.sum, NULL);
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	}

	if (burn_disc_track_lba_nwa(d, NULL, 0, &lba, &nwa) <= 0) {
		ms_fail(c, MS_EXIT_UNSUITABLE,
			"drive '%s' gives no next writable address",
			ms_medium_name(m));
		goto out;
	}
	if ((uint32_t)nwa != img->start) {
		ms_fail(c, MS_EXIT_WRONGDISC,
			"drive '%s' now reports NWA %d, not %u",
			ms_medium_name(m), nwa,
			img->start);
		goto out;
	}
	if (t.sum.tags && img->is_file && ms_imgsum_check_file(c, img) < 0)
		goto out;
	if (t.sum.tags && !img->is_file)
		ms_warn(c, "image '%s' is a stream: its checksum tags cannot be "
			"checked before it is written to write-once '%s'; they "
			"are checked while it is written", img->name,
			ms_medium_name(m));
	disc = burn_disc_create();
	session = burn_session_create();
	track = burn_track_create();
	o = burn_write_opts_new(d);
	if (!disc || !session || !track || !o) {
		ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		goto out;
	}
	burn_track_define_data(track, 0, 0, 1, BURN_MODE1);
	if (burn_track_set_source(track, &src) != BURN_SOURCE_OK) {
		ms_fail(c, MS_EXIT_FAILURE, "cannot attach the image");
		goto out;
	}
	burn_session_add_track(session, track, BURN_POS_END);
	burn_disc_add_session(disc, session, BURN_POS_END);
	burn_write_opts_set_write_type(o, BURN_WRITE_TAO, BURN_BLOCK_MODE1);
	burn_write_opts_set_multi(o, !(flags & MS_BURN_CLOSE));
	burn_write_opts_set_underrun_proof(o, 1);
	burn_write_opts_set_perform_opc(o, 0);
	burn_write_opts_set_simulate(o, 0);
	if (burn_precheck_write(o, disc, reasons, 0) <= 0) {
		ms_fail(c, MS_EXIT_UNSUITABLE, "drive '%s' cannot write this "
			"session: %s", ms_medium_name(m), reasons);
		goto out;
	}
	ms_burn_msgs_drop();
	/*
	 * A signal during the write must not leave the drive mid-command:
	 * libburn's handler asks the drive to stop, and we wait for it.
	 */
	burn_set_signal_handling("burnms : ", NULL, SIGNALS_LIBBURN_ABORT);
	burn_disc_write(o, disc);
	while (burn_drive_get_status(d, &prog) == BURN_DRIVE_SPAWNING)
		usleep(MS_BURN_POLL_USEC);
	while ((st = burn_drive_get_status(d, &prog)) !=
	       BURN_DRIVE_IDLE) {
		if (t.done < (uint64_t)img->blocks * MS_BLOCK)
			ms_progress_update(p, t.done);
		else
			ms_progress_phase(p, tao_phase(st), 0, 0);
		usleep(MS_BURN_POLL_USEC);
	}
	ms_progress_update(p, t.done);
	if (burn_is_aborting(0) > 0) {
		burn_abort(ABORT_PATIENCE_SEC, NULL, NULL);
		ms_fail(c, MS_EXIT_FAILURE, "writing to '%s' was interrupted; "
			"the session may be left open and damaged",
			ms_medium_name(m));
		goto out;
	}
	burn_set_signal_handling(NULL, NULL, SIGNALS_DEFAULT);
	if (t.failed || !burn_drive_wrote_well(d)) {
		if (!t.failed)
			ms_fail(c, MS_EXIT_FAILURE, "writing to '%s' failed",
				ms_medium_name(m));
		ms_burn_msgs_append(c);
		goto out;
	}
	ms_burn_msgs_drop();
	if (ms_imgsum_end(&t.sum, md5) < 0) {
		char outcome[300];

		snprintf(outcome, sizeof(outcome), "it was written to "
			 "write-once '%s' all the same, as the session at "
			 "block %u", ms_medium_name(m), img->start);
		ms_imgsum_fail(c, img, &t.sum, outcome);
		goto out;
	}
	if (t.sum.tags)
		ms_note(c, "image '%s': its %d checksum tags match", img->name,
			t.sum.matched);
	if ((flags & MS_BURN_VERIFY) &&
	    ms_burn_verify(c, m, img->start, img->blocks, md5, p) < 0)
		goto out;
	ret = 0;
out:
	ms_imgsum_end(&t.sum, NULL);
	if (o)
		burn_write_opts_free(o);
	if (disc)
		burn_disc_free(disc);
	if (session)
		burn_session_free(session);
	if (track)
		burn_track_free(track);
	return ret;
}
