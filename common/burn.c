#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libburn/libburn.h>

#include "burn.h"
#include "exit.h"
#include "head.h"
#include "iso9660.h"
#include "util.h"

#define CHUNK_BLOCKS	512		/* 1 MiB per write */
#define POLL_USEC	100000
#define SIGNALS_LIBBURN_ABORT	0x30	/* built-in handler, action 3 */
#define SIGNALS_DEFAULT		1	/* the system's reaction again */
#define ABORT_PATIENCE_SEC	60

static const char invalid_id[MS_VD_ID_LEN] = { 'C', 'D', 'X', 'X', '1' };

int ms_image_open(struct ms_ctx *c, const char *name, struct ms_image *img)
{
	struct stat st;
	ssize_t n;
	const uint8_t *pvd;

	memset(img, 0, sizeof(*img));
	img->fd = -1;
	img->name = strdup(name);
	img->first = calloc(MS_HEAD_BLOCKS, MS_BLOCK);
	if (!img->name || !img->first)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	if (!strcmp(name, "-")) {
		img->fd = STDIN_FILENO;
	} else {
		img->fd = open(name, O_RDONLY | O_CLOEXEC);
		if (img->fd < 0)
			return ms_fail_errno(c, MS_EXIT_USAGE, errno,
					     "cannot open image '%s'", name);
	}
	if (fstat(img->fd, &st) == 0 && S_ISREG(st.st_mode)) {
		img->is_file = 1;
		img->file_blocks = ((uint64_t)st.st_size + MS_BLOCK - 1) /
				   MS_BLOCK;
	}
	n = ms_read_full(img->fd, img->first, (size_t)MS_HEAD_BLOCKS * MS_BLOCK);
	if (n < 0)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot read image '%s'", name);
	img->have = (uint32_t)((size_t)n / MS_BLOCK);
	if ((size_t)n % MS_BLOCK)
		return ms_fail(c, MS_EXIT_USAGE,
			       "image '%s' is not a whole number of 2048-byte "
			       "blocks", name);
	pvd = img->first + (size_t)MS_VD_FIRST * MS_BLOCK;
	if (img->have <= MS_VD_FIRST || !ms_vd_is_primary(pvd))
		return ms_fail(c, MS_EXIT_USAGE,
			       "'%s' is not an ISO 9660 image: no primary "
			       "volume descriptor at block 16", name);
	img->vss = ms_vd_space_size(pvd);
	img->root_lba = ms_le32(pvd + MS_VD_ROOT_RECORD_OFF + MS_DR_EXTENT_OFF);
	img->link_state = ms_link_parse(img->first, &img->link, img->link_why,
					sizeof(img->link_why));
	return 0;
}

void ms_image_close(struct ms_image *img)
{
	if (img->fd > STDIN_FILENO)
		close(img->fd);
	free(img->first);
	free(img->name);
	memset(img, 0, sizeof(*img));
	img->fd = -1;
}

static int check_foreign(struct ms_ctx *c, const struct ms_layout *l,
			 struct ms_image *img)
{
	uint32_t start = l->status == MS_STATUS_BLANK ? l->first_address :
			 l->nwa;
	uint64_t blocks = img->file_blocks;

	if (!img->is_file)
		return ms_fail(c, MS_EXIT_USAGE,
			       "--foreign needs the image as a file, not a "
			       "stream: its size must be known");
	/* mkisofs -C records start + size, libisofs its own size */
	if (img->vss != blocks && img->vss != start + blocks)
		return ms_fail(c, MS_EXIT_WRONGDISC,
			       "image '%s' has %llu blocks but its volume "
			       "space size is %u: it was not built for block "
			       "%u of '%s'", img->name,
			       (unsigned long long)blocks, img->vss, start,
			       l->medium);
	if (img->root_lba < start + MS_VD_FIRST ||
	    (uint64_t)img->root_lba >= start + blocks)
		return ms_fail(c, MS_EXIT_WRONGDISC,
			       "image '%s' keeps its root directory at block "
			       "%u, outside blocks %u to %llu where it would be "
			       "written on '%s': it was built for another "
			       "address", img->name, img->root_lba, start,
			       (unsigned long long)(start + blocks - 1),
			       l->medium);
	img->start = start;
	img->blocks = (uint32_t)blocks;
	return 0;
}

static int check_link(struct ms_ctx *c, const struct ms_layout *l,
		      struct ms_image *img)
{
	const struct ms_link *k = &img->link;
	char want[MS_FP_HEX_LEN + 1], have[MS_FP_HEX_LEN + 1];

	if (img->vss != k->blocks)
		return ms_fail(c, MS_EXIT_VERIFY,
			       "image '%s' says %u blocks in its link record "
			       "but %u in its volume descriptor", img->name,
			       k->blocks, img->vss);
	if (k->base_blank) {
		if (l->status != MS_STATUS_BLANK)
			return ms_fail(c, MS_EXIT_UNSUITABLE,
				       "image '%s' is a first session for a "
				       "blank medium, but '%s' is %s with %d "
				       "session%s", img->name, l->medium,
				       ms_status_name(l->status), l->nsessions,
				       l->nsessions == 1 ? "" : "s");
		if (k->start != l->first_address)
			return ms_fail(c, MS_EXIT_WRONGDISC,
				       "image '%s' was built to start at block "
				       "%u, but a first session on '%s' starts "
				       "at block %u", img->name, k->start,
				       l->medium, l->first_address);
	} else {
		if (l->status == MS_STATUS_BLANK)
			return ms_fail(c, MS_EXIT_WRONGDISC,
				       "image '%s' was built for a disc with "
				       "%u session%s, but '%s' is blank",
				       img->name, k->base_sessions,
				       k->base_sessions == 1 ? "" : "s",
				       l->medium);
		if (k->base_last != l->last_start || k->base_nwa != l->nwa)
			return ms_fail(c, MS_EXIT_WRONGDISC,
				       "image '%s' was built for a disc whose "
				       "last session starts at %u with NWA %u; "
				       "'%s' has its last session at %u with "
				       "NWA %u", img->name, k->base_last,
				       k->base_nwa, l->medium, l->last_start,
				       l->nwa);
		if (!l->has_fp || memcmp(k->base_fp, l->fp, MS_FP_LEN)) {
			ms_hex(k->base_fp, MS_FP_LEN, want);
			ms_hex(l->fp, MS_FP_LEN, have);
			return ms_fail(c, MS_EXIT_WRONGDISC,
				       "image '%s' was built for another disc "
				       "or disc state: the addresses match, "
				       "but the fingerprint of '%s' is %s, not "
				       "%s", img->name, l->medium,
				       l->has_fp ? have : "unknown", want);
		}
		if (k->start != l->nwa)
			return ms_fail(c, MS_EXIT_VERIFY,
				       "image '%s' starts at block %u, not at "
				       "the NWA %u it names", img->name,
				       k->start, l->nwa);
	}
	img->start = k->start;
	img->blocks = k->blocks;
	return 0;
}

int ms_burn_check(struct ms_ctx *c, const struct ms_layout *l,
		  struct ms_image *img, unsigned flags)
{
	uint64_t need;

	switch (l->status) {
	case MS_STATUS_CLOSED:
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' is closed: no further session can be "
			       "written", l->medium);
	case MS_STATUS_UNSUITABLE:
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' holds a medium that cannot be written",
			       l->medium);
	case MS_STATUS_IMAGE:
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' is a session image, not a medium",
			       l->medium);
	default:
		break;
	}
	if (l->broken)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "the session chain of '%s' is damaged at block "
			       "%u: %s", l->medium, l->break_lba,
			       l->break_reason);
	if (l->damaged)
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "the next track of '%s' is damaged (an "
			       "interrupted write) and the drive gives no next "
			       "writable address; close it first, e.g. xorriso "
			       "-outdev %s -close_damaged as_needed", l->medium,
			       l->medium);
	if (img->link_state == MS_LINK_CORRUPT)
		return ms_fail(c, MS_EXIT_VERIFY,
			       "the link record of image '%s' is damaged: %s",
			       img->name, img->link_why);
	if (img->link_state == MS_LINK_ABSENT) {
		if (!(flags & MS_BURN_FOREIGN))
			return ms_fail(c, MS_EXIT_WRONGDISC,
				       "image '%s' has no link record (it was "
				       "not made by mkms), so nothing says "
				       "which disc it was built for; --foreign "
				       "writes it after checking its addresses",
				       img->name);
		img->foreign = 1;
		if (check_foreign(c, l, img) < 0)
			return -1;
	} else if (check_link(c, l, img) < 0) {
		return -1;
	}
	if (img->is_file && img->file_blocks != img->blocks)
		return ms_fail(c, MS_EXIT_VERIFY,
			       "image '%s' has %llu blocks, but its record "
			       "says %u", img->name,
			       (unsigned long long)img->file_blocks,
			       img->blocks);
	need = (uint64_t)img->blocks + l->overhead_blocks;
	if (need > l->free_blocks)
		return ms_fail(c, MS_EXIT_NOSPACE,
			       "image '%s' needs %u blocks plus %u of session "
			       "overhead, but '%s' has %llu free", img->name,
			       img->blocks, l->overhead_blocks, l->medium,
			       (unsigned long long)l->free_blocks);
	return 0;
}

/*
 * The image bytes in order: the blocks read ahead, then the rest of fd.
 * Returns blocks delivered (n, or fewer at the end), or -1.
 */
static int64_t image_next(struct ms_ctx *c, struct ms_image *img,
			  uint64_t done, uint8_t *buf, uint32_t n)
{
	uint32_t take = 0;
	ssize_t r;

	if (done < img->have) {
		take = img->have - (uint32_t)done;
		if (take > n)
			take = n;
		memcpy(buf, img->first + (size_t)done * MS_BLOCK,
		       (size_t)take * MS_BLOCK);
		return take;
	}
	r = ms_read_full(img->fd, buf, (size_t)n * MS_BLOCK);
	if (r < 0)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot read image '%s'", img->name);
	if (r % MS_BLOCK)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "image '%s' ends in the middle of a block",
			       img->name);
	return r / MS_BLOCK;
}

static int short_image(struct ms_ctx *c, struct ms_image *img, uint64_t got)
{
	return ms_fail(c, MS_EXIT_FAILURE,
		       "image '%s' ended after %llu of its %u blocks",
		       img->name, (unsigned long long)got, img->blocks);
}

/* Read the session back and compare it with the MD5 of what was sent. */
static int verify(struct ms_ctx *c, struct ms_medium *m, uint32_t start,
		  uint32_t blocks, const uint8_t want[16])
{
	struct ms_md5 h;
	uint8_t *buf, got[16];
	uint32_t done = 0;
	int ret = -1;

	buf = malloc((size_t)CHUNK_BLOCKS * MS_BLOCK);
	if (!buf || ms_md5_start(&h) < 0) {
		free(buf);
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	}
	while (done < blocks) {
		uint32_t n = blocks - done > CHUNK_BLOCKS ? CHUNK_BLOCKS :
			     blocks - done;

		if (ms_medium_read(m, c, start + done, n, buf) < 0) {
			ms_fail_prefix(c, "verify");
			goto out;
		}
		ms_md5_add(&h, buf, (size_t)n * MS_BLOCK);
		done += n;
	}
	ret = 0;
out:
	ms_md5_end(&h, got);
	free(buf);
	if (ret == 0 && memcmp(got, want, 16))
		return ms_fail(c, MS_EXIT_VERIFY,
			       "verify: the session read back from '%s' "
			       "differs from the image", m->name);
	return ret;
}

/* Give a file medium its old size back after a failed write. */
static void undo_growth(struct ms_ctx *c, struct ms_medium *m,
			uint64_t old_blocks, int existed)
{
	struct stat st;

	if (m->kind != MS_MEDIUM_FILE || m->is_blockdev)
		return;
	if (stat(m->path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	/* best effort: the head still names the old end if this fails */
	if ((uint64_t)st.st_size > old_blocks * MS_BLOCK &&
	    truncate(m->path, existed ? (off_t)(old_blocks * MS_BLOCK) : 0))
		ms_note(c, "cannot give '%s' its old size back", m->name);
}

static int write_overwriteable(struct ms_ctx *c, struct ms_medium *m,
			       struct ms_image *img, unsigned flags,
			       struct ms_progress *p)
{
	uint8_t *buf = NULL, *old = NULL, *head = NULL, md5[16];
	uint64_t done = 0, old_blocks = m->size_blocks;
	uint32_t old_got;
	int existed = m->exists, ret = -1;
	struct ms_md5 h;
	int64_t n;

	buf = malloc((size_t)CHUNK_BLOCKS * MS_BLOCK);
	old = calloc(MS_HEAD_BLOCKS, MS_BLOCK);
	head = malloc((size_t)MS_HEAD_BLOCKS * MS_BLOCK);
	h.ctx = NULL;
	if (!buf || !old || !head ||
	    ((flags & MS_BURN_VERIFY) && ms_md5_start(&h) < 0)) {
		ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		goto out;
	}
	/* old is zeroed: a file shorter than the head stays zero-padded */
	if (ms_medium_read_upto(m, c, 0, MS_HEAD_BLOCKS, old, &old_got) < 0)
		goto out;
	while (done < img->blocks) {
		uint32_t want = img->blocks - done > CHUNK_BLOCKS ?
				CHUNK_BLOCKS : (uint32_t)(img->blocks - done);

		n = image_next(c, img, done, buf, want);
		if (n < 0)
			goto fail;
		if (n == 0) {
			short_image(c, img, done);
			goto fail;
		}
		if (ms_medium_write(m, c, img->start + (uint32_t)done,
				    (uint32_t)n, buf, 0) < 0)
			goto fail;
		if (h.ctx)
			ms_md5_add(&h, buf, (size_t)n * MS_BLOCK);
		done += (uint64_t)n;
		ms_progress_update(p, done * MS_BLOCK);
	}
	if (image_next(c, img, done, buf, 1) != 0) {
		ms_fail(c, MS_EXIT_FAILURE,
			"image '%s' is longer than the %u blocks it names",
			img->name, img->blocks);
		goto fail;
	}
	/* the data must be stable before the head points at it */
	if (ms_medium_write(m, c, img->start, 0, buf, MS_WRITE_SYNC) < 0)
		goto fail;
	if (ms_head_build(img->first, old, img->start, img->blocks, head, c) < 0)
		goto fail;
	if (ms_medium_write(m, c, 0, MS_HEAD_BLOCKS, head, MS_WRITE_SYNC) < 0) {
		/* a torn head: put the old one back as well as we can */
		ms_medium_write(m, &(struct ms_ctx){ 0 }, 0, MS_HEAD_BLOCKS,
				old, MS_WRITE_SYNC);
		goto out;
	}
	if (h.ctx) {
		ms_md5_end(&h, md5);
		h.ctx = NULL;
	}
	if (ms_medium_refresh(m, c) < 0)
		goto out;
	if ((flags & MS_BURN_VERIFY) &&
	    verify(c, m, img->start, img->blocks, md5) < 0)
		goto out;
	ret = 0;
	goto out;
fail:
	undo_growth(c, m, old_blocks, existed);
out:
	if (h.ctx)
		ms_md5_end(&h, md5);
	free(buf);
	free(old);
	free(head);
	return ret;
}

/* A libburn source that hands out the image as write_tao pulls it. */
struct tao_source {
	struct ms_ctx *c;
	struct ms_image *img;
	uint64_t done;		/* bytes */
	struct ms_md5 md5;
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
	n = image_next(t->c, t->img, t->done / MS_BLOCK, buf,
		       (uint32_t)(size / MS_BLOCK));
	if (n <= 0) {
		if (n == 0)
			short_image(t->c, t->img, t->done / MS_BLOCK);
		t->failed = 1;
		return -1;
	}
	ms_md5_add(&t->md5, buf, (size_t)n * MS_BLOCK);
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

static int write_tao(struct ms_ctx *c, struct ms_medium *m,
		     struct ms_image *img, unsigned flags,
		     struct ms_progress *p)
{
	struct tao_source t = { c, img, 0, { NULL }, 0 };
	struct burn_source src;
	struct burn_disc *disc = NULL;
	struct burn_session *session = NULL;
	struct burn_track *track = NULL;
	struct burn_write_opts *o = NULL;
	struct burn_progress prog;
	char reasons[BURN_REASONS_LEN];
	uint8_t md5[16];
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
	if (ms_md5_start(&t.md5) < 0)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");

	if (burn_disc_track_lba_nwa(m->drive, NULL, 0, &lba, &nwa) <= 0) {
		ms_fail(c, MS_EXIT_UNSUITABLE,
			"drive '%s' gives no next writable address", m->name);
		goto out;
	}
	if ((uint32_t)nwa != img->start) {
		ms_fail(c, MS_EXIT_WRONGDISC,
			"drive '%s' now reports NWA %d, not %u", m->name, nwa,
			img->start);
		goto out;
	}
	disc = burn_disc_create();
	session = burn_session_create();
	track = burn_track_create();
	o = burn_write_opts_new(m->drive);
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
			"session: %s", m->name, reasons);
		goto out;
	}
	ms_burn_msgs_drop();
	/*
	 * A signal during the write must not leave the drive mid-command:
	 * libburn's handler asks the drive to stop, and we wait for it.
	 */
	burn_set_signal_handling("burnms : ", NULL, SIGNALS_LIBBURN_ABORT);
	burn_disc_write(o, disc);
	while (burn_drive_get_status(m->drive, &prog) == BURN_DRIVE_SPAWNING)
		usleep(POLL_USEC);
	while (burn_drive_get_status(m->drive, &prog) != BURN_DRIVE_IDLE) {
		ms_progress_update(p, t.done);
		usleep(POLL_USEC);
	}
	ms_progress_update(p, t.done);
	if (burn_is_aborting(0) > 0) {
		burn_abort(ABORT_PATIENCE_SEC, NULL, NULL);
		ms_fail(c, MS_EXIT_FAILURE, "writing to '%s' was interrupted; "
			"the session may be left open and damaged", m->name);
		goto out;
	}
	burn_set_signal_handling(NULL, NULL, SIGNALS_DEFAULT);
	if (t.failed || !burn_drive_wrote_well(m->drive)) {
		if (!t.failed)
			ms_fail(c, MS_EXIT_FAILURE, "writing to '%s' failed",
				m->name);
		ms_burn_msgs_append(c);
		goto out;
	}
	ms_burn_msgs_drop();
	ms_md5_end(&t.md5, md5);
	t.md5.ctx = NULL;
	if ((flags & MS_BURN_VERIFY) &&
	    verify(c, m, img->start, img->blocks, md5) < 0)
		goto out;
	ret = 0;
out:
	if (t.md5.ctx)
		ms_md5_end(&t.md5, md5);
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

int ms_burn_write(struct ms_ctx *c, struct ms_medium *m,
		  const struct ms_layout *l, struct ms_image *img,
		  unsigned flags, struct ms_progress *p)
{
	if (l->overwriteable) {
		if (flags & MS_BURN_CLOSE)
			ms_note(c, "--close has no meaning for '%s': files and "
				"overwriteable discs stay appendable", m->name);
		return write_overwriteable(c, m, img, flags, p);
	}
	return write_tao(c, m, img, flags, p);
}

int ms_burn_blank(struct ms_ctx *c, struct ms_medium *m,
		  const struct ms_layout *l)
{
	uint8_t *head;
	uint32_t i;
	int ret = -1;

	if (l->status == MS_STATUS_BLANK)
		return 0;
	if (l->status == MS_STATUS_IMAGE)
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' is a session image, not a medium",
			       l->medium);
	if (!l->overwriteable) {
		if (m->profile != 0x0a && m->profile != 0x14)
			return ms_fail(c, MS_EXIT_UNSUITABLE,
				       "'%s' is %s: write-once media cannot be "
				       "blanked", m->name, m->profile_name);
		burn_disc_erase(m->drive, 1);
		while (burn_drive_get_status(m->drive, NULL) !=
		       BURN_DRIVE_IDLE)
			usleep(POLL_USEC);
		if (burn_disc_get_status(m->drive) != BURN_DISC_BLANK) {
			ms_fail(c, MS_EXIT_FAILURE, "blanking '%s' failed",
				m->name);
			ms_burn_msgs_append(c);
			return -1;
		}
		return 0;
	}
	head = malloc((size_t)MS_HEAD_BLOCKS * MS_BLOCK);
	if (!head)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	if (ms_medium_read(m, c, 0, MS_HEAD_BLOCKS, head) < 0)
		goto out;
	for (i = MS_VD_FIRST; i < MS_HEAD_BLOCKS; i++) {
		uint8_t *blk = head + (size_t)i * MS_BLOCK;
		int last = blk[MS_VD_TYPE_OFF] == MS_VD_TERMINATOR;

		if (!ms_vd_is_descriptor(blk))
			break;
		memcpy(blk + MS_VD_ID_OFF, invalid_id, MS_VD_ID_LEN);
		if (last)
			break;
	}
	ret = ms_medium_write(m, c, 0, MS_HEAD_BLOCKS, head, MS_WRITE_SYNC);
out:
	free(head);
	return ret;
}
