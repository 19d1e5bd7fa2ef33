/*
 * The writer for files and overwriteable media (DESIGN section 3): data,
 * fsync, head, fsync; the hashing runs beside the writes.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "burn_int.h"
#include "exit.h"
#include "head.h"
#include "imgsum.h"
#include "iso9660.h"

/* Give a file medium its old size back after a failed write. */
static void undo_growth(struct ms_ctx *c, struct ms_medium *m,
			uint64_t old_blocks, int existed)
{
	const char *path = ms_medium_file(m);
	struct stat st;

	if (!path || ms_medium_is_blockdev(m))
		return;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	/* best effort: the head still names the old end if this fails */
	if ((uint64_t)st.st_size > old_blocks * MS_BLOCK &&
	    truncate(path, existed ? (off_t)(old_blocks * MS_BLOCK) : 0))
		ms_note(c, "cannot give '%s' its old size back",
			ms_medium_name(m));
}

/*
 * Hashing beside the writes: the writer hands each written piece to a
 * thread that runs the MD5 and the tag checks, so that hashing costs
 * (nearly) no time on top of the I/O.  The hash gets each piece as it
 * goes to the medium, not after, and up to RING pieces (16 MiB) may wait
 * for it, so that a write stalled by the page cache's write-back does not
 * leave the hash without work, nor a slow hash the write.
 */
#define RING 16

struct hash_ring {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint8_t *buf[RING];
	uint32_t n[RING];
	int head, tail, count, done, bad;
	struct ms_imgsum *sum;
};

static void *hash_worker(void *arg)
{
	struct hash_ring *r = arg;
	int t;

	for (;;) {
		pthread_mutex_lock(&r->mu);
		while (!r->count && !r->done)
			pthread_cond_wait(&r->cv, &r->mu);
		if (!r->count) {
			pthread_mutex_unlock(&r->mu);
			return NULL;
		}
		t = r->tail;
		pthread_mutex_unlock(&r->mu);
		ms_imgsum_add(r->sum, r->buf[t], r->n[t]);
		pthread_mutex_lock(&r->mu);
		r->bad = r->sum->bad;
		r->tail = (r->tail + 1) % RING;
		r->count--;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
}

/* A free piece to fill, or NULL once the hash found a bad tag. */
static uint8_t *ring_get(struct hash_ring *r)
{
	uint8_t *b = NULL;

	pthread_mutex_lock(&r->mu);
	while (r->count == RING && !r->bad)
		pthread_cond_wait(&r->cv, &r->mu);
	if (!r->bad)
		b = r->buf[r->head];
	pthread_mutex_unlock(&r->mu);
	return b;
}

static void ring_put(struct hash_ring *r, uint32_t n)
{
	pthread_mutex_lock(&r->mu);
	r->n[r->head] = n;
	r->head = (r->head + 1) % RING;
	r->count++;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

/* Wait until every piece is hashed and end the thread. */
static void ring_finish(struct hash_ring *r, pthread_t th)
{
	pthread_mutex_lock(&r->mu);
	r->done = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(th, NULL);
}

/*
 * After the head of a session at start: an old UDF bridge's anchor at
 * block 256 would still make readers that find UDF by it alone (7-Zip)
 * show the old session's UDF tree, so it goes, as the head's recognition
 * sequence went (design section 3).  Only a valid anchor below the new
 * session is touched; failing to clear it is a warning, the session
 * stands.
 */
static void clear_udf_anchor(struct ms_ctx *c, struct ms_medium *m,
			     uint32_t start)
{
	uint8_t blk[MS_BLOCK];
	struct ms_ctx quiet = { 0 };

	if (start <= MS_UDF_ANCHOR_LBA ||
	    ms_medium_read(m, &quiet, MS_UDF_ANCHOR_LBA, 1, blk) < 0 ||
	    !ms_udf_is_anchor(blk, MS_UDF_ANCHOR_LBA))
		return;
	memset(blk, 0, sizeof(blk));
	if (ms_medium_write(m, &quiet, MS_UDF_ANCHOR_LBA, 1, blk,
			    MS_WRITE_SYNC) < 0)
		ms_warn(c, "warning: cannot clear the old UDF anchor at block "
			"%u of '%s': readers that prefer UDF may show the old "
			"tree", MS_UDF_ANCHOR_LBA, ms_medium_name(m));
}

int ms_burn_write_file(struct ms_ctx *c, struct ms_medium *m,
		       struct ms_image *img, unsigned flags,
		       struct ms_progress *p)
{
	uint8_t *old = NULL, *head = NULL, *buf, md5[16];
	uint64_t done = 0, old_blocks = ms_medium_size_blocks(m);
	int existed = ms_medium_exists(m), ret = -1, hashing, started = 0, i;
	struct hash_ring r;
	struct ms_imgsum sum;
	pthread_t th;
	uint32_t old_got;
	int64_t n;

	memset(&r, 0, sizeof(r));
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	r.sum = &sum;
	for (i = 0; i < RING; i++) {
		r.buf[i] = malloc((size_t)MS_BURN_CHUNK_BLOCKS * MS_BLOCK);
		if (!r.buf[i])
			break;
	}
	old = calloc(MS_HEAD_BLOCKS, MS_BLOCK);
	head = malloc((size_t)MS_HEAD_BLOCKS * MS_BLOCK);
	if (ms_imgsum_start(&sum, img) < 0 || !old || !head || i < RING) {
		ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		goto out;
	}
	hashing = sum.tags || (flags & MS_BURN_VERIFY);
	if (hashing) {
		if (pthread_create(&th, NULL, hash_worker, &r)) {
			ms_fail(c, MS_EXIT_FAILURE, "cannot start a thread");
			goto out;
		}
		started = 1;
	}
	/* old is zeroed: a file shorter than the head stays zero-padded */
	if (ms_medium_read_upto(m, c, 0, MS_HEAD_BLOCKS, old, &old_got) < 0)
		goto out;
	while (done < img->blocks) {
		uint32_t want = img->blocks - done > MS_BURN_CHUNK_BLOCKS ?
				MS_BURN_CHUNK_BLOCKS :
				(uint32_t)(img->blocks - done);

		buf = hashing ? ring_get(&r) : r.buf[0];
		if (!buf)
			break;		/* a bad tag: said below */
		n = ms_image_next(c, img, done, buf, want);
		if (n < 0)
			goto fail;
		if (n == 0) {
			ms_image_short(c, img, done);
			goto fail;
		}
		/* the hash reads the piece while it is written */
		if (hashing)
			ring_put(&r, (uint32_t)n);
		if (ms_medium_write(m, c, img->start + (uint32_t)done,
				    (uint32_t)n, buf, 0) < 0)
			goto fail;
		done += (uint64_t)n;
		ms_progress_update(p, done * MS_BLOCK);
	}
	if (started) {
		ring_finish(&r, th);
		started = 0;
	}
	if (ms_imgsum_end(&sum, md5) < 0) {
		ms_imgsum_fail(c, img, &sum, "nothing of it was committed, and "
			 "the medium is as it was");
		goto fail;
	}
	if (sum.tags)
		ms_note(c, "image '%s': its %d checksum tags match", img->name,
			sum.matched);
	if (ms_image_next(c, img, done, r.buf[0], 1) != 0) {
		ms_fail(c, MS_EXIT_FAILURE,
			"image '%s' is longer than the %u blocks it names",
			img->name, img->blocks);
		goto fail;
	}
	ms_progress_phase(p, "flushing", 0, 0);
	/* the data must be stable before the head points at it */
	if (ms_medium_write(m, c, img->start, 0, r.buf[0], MS_WRITE_SYNC) < 0)
		goto fail;
	if (ms_head_build(img->first, old, img->start, img->blocks, head, c) < 0)
		goto fail;
	if (ms_medium_write(m, c, 0, MS_HEAD_BLOCKS, head, MS_WRITE_SYNC) < 0) {
		/* a torn head: put the old one back as well as we can */
		ms_medium_write(m, &(struct ms_ctx){ 0 }, 0, MS_HEAD_BLOCKS,
				old, MS_WRITE_SYNC);
		goto out;
	}
	clear_udf_anchor(c, m, img->start);
	if (ms_medium_refresh(m, c) < 0)
		goto out;
	if (flags & MS_BURN_VERIFY) {
		if (ms_burn_verify(c, m, img->start, img->blocks, md5, p) < 0)
			goto out;
	}
	ret = 0;
	goto out;
fail:
	undo_growth(c, m, old_blocks, existed);
out:
	if (started)
		ring_finish(&r, th);
	ms_imgsum_end(&sum, NULL);
	pthread_mutex_destroy(&r.mu);
	pthread_cond_destroy(&r.cv);
	for (i = 0; i < RING; i++)
		free(r.buf[i]);
	free(old);
	free(head);
	return ret;
}
