/*
 * lsms --check: every session read back once and verified (check.h).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libisofs/libisofs.h>
#include <openssl/evp.h>

#include "check.h"
#include "exit.h"
#include "image.h"
#include "imgsum.h"
#include "import.h"
#include "iso9660.h"
#include "json.h"
#include "safetext.h"
#include "util.h"

/* Blocks read at a time: 1 MiB. */
#define CHUNK_BLOCKS	512

struct cext {
	uint32_t block;
	uint32_t size;		/* bytes */
};

/* File data to check: one extent list with one recorded MD5. */
struct item {
	struct cext *ext;
	int next;
	uint64_t size;
	int has_md5;
	uint8_t want[16];
	char *path;		/* in the oldest tree naming it */
	int path_session;	/* that tree's session, 1-based */
	int si;			/* index of the session holding the data, -1 */
	int stray;		/* data not in order inside session si */
	int outside;		/* data outside every session */
	int overflow;		/* past the data its session can hold */
	EVP_MD_CTX *md;
	int segs_left;
	int unread;		/* some of its blocks could not be read */
};

/* One extent of an item, as the pass meets it. */
struct seg {
	uint32_t lba;
	uint32_t bytes;
	size_t item;
};

struct items {
	struct item *v;
	size_t n, alloc;
};

struct pass {
	struct seg *segs;
	size_t nsegs, next;
	size_t *active;
	size_t nactive;
	int zero;		/* the block fed is a stand-in for an unreadable one */
};

static int problem(struct ms_check *k, enum ms_check_kind kind, int session,
		   uint32_t lba, uint32_t count, const char *path,
		   int path_session, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

static int problem(struct ms_check *k, enum ms_check_kind kind, int session,
		   uint32_t lba, uint32_t count, const char *path,
		   int path_session, const char *fmt, ...)
{
	struct ms_check_problem *p;
	char why[1024];
	va_list ap;

	if (k->nproblems == k->alloc) {
		size_t alloc = k->alloc ? 2 * k->alloc : 16;

		p = realloc(k->problems, alloc * sizeof(*p));
		if (!p)
			return -1;
		k->problems = p;
		k->alloc = alloc;
	}
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	p = &k->problems[k->nproblems];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->session = session;
	p->lba = lba;
	p->count = count;
	p->path_session = path_session;
	p->why = strdup(why);
	p->path = path ? strdup(path) : NULL;
	if (!p->why || (path && !p->path)) {
		free(p->why);
		free(p->path);
		return -1;
	}
	k->nproblems++;
	k->damaged = 1;
	return 0;
}

/* The blocks of session s that a check reads: its volume space. */
static uint32_t session_blocks(const struct ms_session *s)
{
	if (s->volume_blocks && s->volume_blocks <= s->blocks)
		return s->volume_blocks;
	return s->blocks;
}

static int session_index(const struct ms_check *k, uint32_t lba)
{
	int i;

	for (i = 0; i < k->nsessions; i++) {
		const struct ms_check_session *s = &k->sessions[i];

		if (lba >= s->start && lba - s->start < s->blocks)
			return i;
	}
	return -1;
}

static uint32_t ext_blocks(const struct cext *e)
{
	return (uint32_t)(((uint64_t)e->size + MS_BLOCK - 1) / MS_BLOCK);
}

static int add_file(struct items *it, IsoImage *img, IsoFile *file,
		    const char *path, int session)
{
	struct iso_file_section *sec = NULL;
	struct item *e;
	char md5[16];
	int i, n = 0;

	if (it->n == it->alloc) {
		size_t alloc = it->alloc ? 2 * it->alloc : 256;

		e = realloc(it->v, alloc * sizeof(*e));
		if (!e)
			return -1;
		it->v = e;
		it->alloc = alloc;
	}
	e = &it->v[it->n];
	memset(e, 0, sizeof(*e));
	if (iso_file_get_old_image_sections(file, &n, &sec, 0) != 1)
		n = 0;
	if (n > 0) {
		e->ext = calloc(n, sizeof(*e->ext));
		if (!e->ext) {
			free(sec);
			return -1;
		}
		for (i = 0; i < n; i++) {
			e->ext[i].block = sec[i].block;
			e->ext[i].size = sec[i].size;
		}
	}
	free(sec);
	e->next = n;
	e->size = iso_file_get_size(file);
	e->si = -1;
	if (iso_file_get_md5(img, file, md5, 0) == 1) {
		e->has_md5 = 1;
		memcpy(e->want, md5, sizeof(e->want));
	}
	e->path = strdup(path);
	e->path_session = session;
	if (!e->path) {
		free(e->ext);
		return -1;
	}
	it->n++;
	return 0;
}

static int walk(struct items *it, IsoImage *img, IsoDir *dir,
		const char *path, int session)
{
	IsoDirIter *iter;
	IsoNode *node;
	int ret = 0;

	if (iso_dir_get_children(dir, &iter) < 0)
		return -1;
	while (ret == 0 && iso_dir_iter_next(iter, &node) == 1) {
		enum IsoNodeType t = iso_node_get_type(node);
		char *p;

		if (t != LIBISO_FILE && t != LIBISO_DIR)
			continue;
		p = ms_path_join(path, iso_node_get_name(node));
		if (!p)
			ret = -1;
		else if (t == LIBISO_FILE)
			ret = add_file(it, img, (IsoFile *)node, p, session);
		else
			ret = walk(it, img, (IsoDir *)node, p, session);
		free(p);
	}
	iso_dir_iter_free(iter);
	return ret;
}

/* Same data and same recorded MD5. */
static int item_same(const struct item *x, const struct item *y)
{
	int i;

	if (x->next != y->next || x->size != y->size ||
	    x->has_md5 != y->has_md5 ||
	    memcmp(x->want, y->want, sizeof(x->want)))
		return 0;
	for (i = 0; i < x->next; i++)
		if (x->ext[i].block != y->ext[i].block ||
		    x->ext[i].size != y->ext[i].size)
			return 0;
	return 1;
}

/* Order: by data, then recorded MD5, then the oldest tree first. */
static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int i;

	if (x->next != y->next)
		return x->next < y->next ? -1 : 1;
	for (i = 0; i < x->next; i++) {
		if (x->ext[i].block != y->ext[i].block)
			return x->ext[i].block < y->ext[i].block ? -1 : 1;
		if (x->ext[i].size != y->ext[i].size)
			return x->ext[i].size < y->ext[i].size ? -1 : 1;
	}
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	if (x->has_md5 != y->has_md5)
		return x->has_md5 - y->has_md5;
	i = memcmp(x->want, y->want, sizeof(x->want));
	if (i)
		return i;
	if (x->path_session != y->path_session)
		return x->path_session - y->path_session;
	return strcmp(x->path, y->path);
}

static void item_free(struct item *e)
{
	free(e->ext);
	free(e->path);
	if (e->md)
		EVP_MD_CTX_free(e->md);
}

/*
 * Keep one item per extent list and MD5: the first path of the oldest
 * tree naming it.
 */
static void dedup(struct items *it)
{
	size_t i, w = 0;

	if (it->n == 0)
		return;
	qsort(it->v, it->n, sizeof(*it->v), item_cmp);
	for (i = 1; i < it->n; i++) {
		if (item_same(&it->v[w], &it->v[i]))
			item_free(&it->v[i]);
		else
			it->v[++w] = it->v[i];
	}
	it->n = w + 1;
}

/*
 * The session whose pass reads the item; stray when its extents do not
 * lie in that session in ascending order (libisofs never writes such
 * files: they are reported, not read).
 */
static void place(const struct ms_check *k, struct item *e)
{
	const struct ms_check_session *s;
	uint32_t at = 0;
	int i;

	e->si = -1;
	for (i = 0; i < e->next && e->si < 0; i++)
		if (e->ext[i].size)
			e->si = session_index(k, e->ext[i].block);
	if (e->si < 0) {
		e->stray = e->size > 0;
		e->outside = e->stray;
		e->si = e->path_session - 1;
		return;
	}
	s = &k->sessions[e->si];
	for (i = 0; i < e->next; i++) {
		const struct cext *x = &e->ext[i];

		if (!x->size)
			continue;
		if (x->block < at || x->block < s->start ||
		    x->block - s->start + (uint64_t)ext_blocks(x) > s->blocks) {
			e->stray = 1;
			return;
		}
		at = x->block + ext_blocks(x);
	}
}

static int md_start(struct item *e)
{
	e->md = EVP_MD_CTX_new();
	return e->md && EVP_DigestInit_ex(e->md, EVP_md5(), NULL) ? 0 : -1;
}

static const char *data_where(const struct item *e, char *buf, size_t size)
{
	int i, n = 0;

	for (i = 0; i < e->next; i++)
		if (e->ext[i].size)
			n++;
	for (i = 0; i < e->next && e->ext[i].size == 0; i++)
		;
	if (n == 0)
		snprintf(buf, size, "no data");
	else if (n == 1)
		snprintf(buf, size, "data in blocks %u to %u", e->ext[i].block,
			 e->ext[i].block + ext_blocks(&e->ext[i]) - 1);
	else
		snprintf(buf, size, "data in %d extents from block %u", n,
			 e->ext[i].block);
	return buf;
}

/* The item's data are all fed: compare, count, report. */
static int finish_item(struct ms_check *k, struct item *e)
{
	struct ms_check_session *s = &k->sessions[e->si];
	uint8_t have[16];
	char where[96];
	int ret = 0;

	if (!e->md && md_start(e) < 0)
		return -1;
	EVP_DigestFinal_ex(e->md, have, NULL);
	EVP_MD_CTX_free(e->md);
	e->md = NULL;
	s->files++;
	if (e->unread) {
		s->files_bad++;
		ret = problem(k, MS_CHECK_FILE_UNREADABLE, s->number, 0, 0,
			      e->path, e->path_session, "cannot be read in "
			      "full (%s)", data_where(e, where, sizeof(where)));
	} else if (memcmp(have, e->want, sizeof(have))) {
		s->files_bad++;
		ret = problem(k, MS_CHECK_FILE, s->number, 0, 0, e->path,
			      e->path_session, "does not match the MD5 "
			      "recorded for it (%s)",
			      data_where(e, where, sizeof(where)));
	}
	return ret;
}

/* Feed n blocks read at lba to the files whose extents cover them. */
static int feed(struct ms_check *k, struct items *it, struct pass *ps,
		const uint8_t *buf, uint32_t lba, uint32_t n)
{
	uint32_t end = lba + n;
	size_t j, w = 0;

	while (ps->next < ps->nsegs && ps->segs[ps->next].lba < end)
		ps->active[ps->nactive++] = ps->next++;
	for (j = 0; j < ps->nactive; j++) {
		const struct seg *s = &ps->segs[ps->active[j]];
		struct item *e = &it->v[s->item];
		uint32_t send = s->lba + (uint32_t)(((uint64_t)s->bytes +
						     MS_BLOCK - 1) / MS_BLOCK);
		uint32_t from = s->lba > lba ? s->lba : lba;
		uint32_t to = send < end ? send : end;

		if (from < to) {
			uint64_t off = (uint64_t)(from - s->lba) * MS_BLOCK;
			uint64_t len = (uint64_t)(to - from) * MS_BLOCK;

			if (off + len > s->bytes)
				len = s->bytes - off;
			if (!e->md && md_start(e) < 0)
				return -1;
			EVP_DigestUpdate(e->md, buf + (size_t)(from - lba) *
					 MS_BLOCK, (size_t)len);
			if (ps->zero)
				e->unread = 1;
		}
		if (send > end) {
			ps->active[w++] = ps->active[j];
			continue;
		}
		if (--e->segs_left == 0 && finish_item(k, e) < 0)
			return -1;
	}
	ps->nactive = w;
	return 0;
}

/* The pass ends early: the files it has not seen in full are unreadable. */
static int abandon(struct ms_check *k, struct items *it, struct pass *ps)
{
	size_t j;

	while (ps->next < ps->nsegs)
		ps->active[ps->nactive++] = ps->next++;
	for (j = 0; j < ps->nactive; j++) {
		struct item *e = &it->v[ps->segs[ps->active[j]].item];

		e->unread = 1;
		if (--e->segs_left == 0 && finish_item(k, e) < 0)
			return -1;
	}
	ps->nactive = 0;
	return 0;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	if (x->lba != y->lba)
		return x->lba < y->lba ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

/*
 * The extents the pass of session si meets, in the order it meets them.
 * The files of a session cannot hold more data than the session: those
 * past twice its size (extents that overlap, from a hostile tree) are
 * reported, not hashed, so that the work stays bounded by the session.
 */
static int pass_init(struct ms_check *k, struct pass *ps, struct items *it,
		     int si)
{
	const struct ms_check_session *s = &k->sessions[si];
	uint64_t budget = 2 * (uint64_t)s->blocks * MS_BLOCK, bytes = 0;
	size_t i, n = 0;
	char where[96];
	int x;

	memset(ps, 0, sizeof(*ps));
	for (i = 0; i < it->n; i++) {
		struct item *e = &it->v[i];

		if (e->si != si || e->stray || !e->has_md5 || e->size == 0)
			continue;
		if (bytes + e->size > budget) {
			e->overflow = 1;
			k->sessions[si].files_bad++;
			if (problem(k, MS_CHECK_FILE_LAYOUT, s->number, 0, 0,
				    e->path, e->path_session, "is not checked: "
				    "the files of the session claim more data "
				    "than it holds (%s)",
				    data_where(e, where, sizeof(where))) < 0)
				return -1;
			continue;
		}
		bytes += e->size;
		for (x = 0; x < e->next; x++)
			n += e->ext[x].size > 0;
	}
	ps->segs = malloc((n ? n : 1) * sizeof(*ps->segs));
	ps->active = malloc((n ? n : 1) * sizeof(*ps->active));
	if (!ps->segs || !ps->active)
		return -1;
	for (i = 0; i < it->n; i++) {
		struct item *e = &it->v[i];

		if (e->si != si || e->stray || e->overflow || !e->has_md5 ||
		    e->size == 0)
			continue;
		for (x = 0; x < e->next; x++) {
			if (!e->ext[x].size)
				continue;
			ps->segs[ps->nsegs].lba = e->ext[x].block;
			ps->segs[ps->nsegs].bytes = e->ext[x].size;
			ps->segs[ps->nsegs].item = i;
			ps->nsegs++;
			e->segs_left++;
		}
	}
	qsort(ps->segs, ps->nsegs, sizeof(*ps->segs), seg_cmp);
	return 0;
}

static void pass_release(struct pass *ps)
{
	free(ps->segs);
	free(ps->active);
}

/* Collect every file of every session's tree. */
static int collect(struct ms_ctx *c, struct ms_medium *m,
		   const struct ms_layout *l, struct ms_check *k,
		   struct items *it)
{
	struct ms_import_opts o = { .no_tag_check = 1 };
	struct ms_import *imp;
	int i, ret;

	for (i = 0; i < l->nsessions; i++) {
		IsoImage *img;

		if (ms_import_open(c, m, l, i, &o, &imp) < 0) {
			if (c->status != MS_EXIT_FAILURE)
				return -1;
			c->status = 0;
			if (problem(k, MS_CHECK_TREE, i + 1, 0, 0, NULL, 0,
				    "its tree cannot be read: %s", c->msg) < 0)
				return ms_fail(c, MS_EXIT_FAILURE,
					       "out of memory");
			continue;
		}
		k->sessions[i].tree_ok = 1;
		img = ms_import_image(imp);
		ret = walk(it, img, iso_image_get_root(img), "/", i + 1);
		ms_import_free(imp);
		if (ret < 0)
			return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	}
	return 0;
}

struct run {
	uint32_t start, count;	/* unreadable blocks not yet reported */
};

static int flush_run(struct ms_check *k, int number, struct run *r)
{
	int ret = 0;

	if (r->count == 1)
		ret = problem(k, MS_CHECK_UNREADABLE, number, r->start, 1,
			      NULL, 0, "block %u cannot be read", r->start);
	else if (r->count > 1)
		ret = problem(k, MS_CHECK_UNREADABLE, number, r->start,
			      r->count, NULL, 0, "blocks %u to %u cannot be "
			      "read", r->start, r->start + r->count - 1);
	r->count = 0;
	return ret;
}

/*
 * The session's MD5 and tags on a thread of their own, so that the two
 * MD5s over the data (the session's, the files') run side by side: the
 * reader posts each chunk read into one of NBUF buffers, and reuses a
 * buffer once the hasher is done with it.
 */
#define NBUF	4

struct hasher {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ms_imgsum *sum;
	uint8_t *bufs[NBUF];
	uint32_t n[NBUF];
	uint64_t posted, done;
	int quit;
};

static void *hash_main(void *arg)
{
	struct hasher *h = arg;
	size_t i;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (h->done == h->posted && !h->quit)
			pthread_cond_wait(&h->cond, &h->lock);
		if (h->done == h->posted)
			break;
		i = h->done % NBUF;
		pthread_mutex_unlock(&h->lock);
		ms_imgsum_add(h->sum, h->bufs[i], h->n[i]);
		pthread_mutex_lock(&h->lock);
		h->done++;
		pthread_cond_broadcast(&h->cond);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* The buffer for the next chunk, once the hasher has let go of it. */
static uint8_t *hash_next(struct hasher *h)
{
	pthread_mutex_lock(&h->lock);
	while (h->posted - h->done >= NBUF)
		pthread_cond_wait(&h->cond, &h->lock);
	pthread_mutex_unlock(&h->lock);
	return h->bufs[h->posted % NBUF];
}

static void hash_post(struct hasher *h, uint32_t n)
{
	pthread_mutex_lock(&h->lock);
	h->n[h->posted % NBUF] = n;
	h->posted++;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

/* Wait until the hasher has hashed everything posted. */
static void hash_drain(struct hasher *h)
{
	pthread_mutex_lock(&h->lock);
	while (h->done < h->posted)
		pthread_cond_wait(&h->cond, &h->lock);
	pthread_mutex_unlock(&h->lock);
}

static int hash_start(struct hasher *h, uint8_t *const bufs[NBUF],
		      struct ms_imgsum *sum)
{
	int i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < NBUF; i++)
		h->bufs[i] = bufs[i];
	h->sum = sum;
	if (pthread_mutex_init(&h->lock, NULL))
		return -1;
	if (pthread_cond_init(&h->cond, NULL)) {
		pthread_mutex_destroy(&h->lock);
		return -1;
	}
	if (pthread_create(&h->thread, NULL, hash_main, h)) {
		pthread_cond_destroy(&h->cond);
		pthread_mutex_destroy(&h->lock);
		return -1;
	}
	return 0;
}

static void hash_stop(struct hasher *h)
{
	pthread_mutex_lock(&h->lock);
	h->quit = 1;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
}

/*
 * Session si's blocks that a read of a chunk at at could not deliver,
 * one by one: the unreadable ones are named and stand as zeros.  The
 * hasher is idle (drained) meanwhile.
 */
static int read_blocks(struct ms_ctx *c, struct ms_medium *m,
		       struct ms_check *k, struct items *it, struct pass *ps,
		       struct ms_check_session *s, struct ms_imgsum *sum,
		       int started, struct run *run, uint32_t at, uint32_t n,
		       uint8_t *one, const uint8_t *zero)
{
	uint32_t b;

	for (b = at; b < at + n; b++) {
		const uint8_t *blk = one;

		if (ms_medium_read(m, c, b, 1, one) < 0) {
			c->status = 0;
			if (!run->count)
				run->start = b;
			run->count++;
			s->unreadable++;
			blk = zero;
			ps->zero = 1;
		} else if (flush_run(k, s->number, run) < 0) {
			return -1;
		}
		if (started && sum->tags && !s->unreadable)
			ms_imgsum_add(sum, blk, 1);
		if (feed(k, it, ps, blk, b, 1) < 0)
			return -1;
		ps->zero = 0;
	}
	return 0;
}

/* Read session si once through, feeding its tags and its files. */
static int check_session(struct ms_ctx *c, struct ms_medium *m,
			 struct ms_check *k, struct items *it, int si,
			 uint8_t *const bufs[NBUF], uint8_t *one,
			 const uint8_t *zero, struct ms_progress *p,
			 uint64_t *done)
{
	struct ms_check_session *s = &k->sessions[si];
	struct ms_imgsum sum;
	struct ms_image head;
	struct hasher h;
	struct pass ps;
	struct run run = { 0, 0 };
	uint32_t at, n, got;
	uint8_t *buf;
	int started = 0, ret = -1;

	memset(&sum, 0, sizeof(sum));
	if (pass_init(k, &ps, it, si) < 0 ||
	    hash_start(&h, bufs, &sum) < 0) {
		pass_release(&ps);
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	}
	for (at = s->start; at < s->start + s->blocks; at += n) {
		n = s->start + s->blocks - at;
		if (n > CHUNK_BLOCKS)
			n = CHUNK_BLOCKS;
		buf = hash_next(&h);
		if (ms_medium_read(m, c, at, n, buf) == 0) {
			if (at == s->start) {
				memset(&head, 0, sizeof(head));
				head.first = buf;
				head.have = n;
				head.start = s->start;
				head.blocks = s->blocks;
				if (ms_imgsum_start(&sum, &head) < 0)
					goto nomem;
				started = 1;
			}
			if (flush_run(k, s->number, &run) < 0)
				goto nomem;
			if (started && sum.tags && !s->unreadable)
				hash_post(&h, n);
			if (feed(k, it, &ps, buf, at, n) < 0)
				goto nomem;
		} else {
			c->status = 0;
			hash_drain(&h);
			got = n;
			if (ms_medium_read_upto(m, c, at, n, buf, &got) < 0)
				c->status = 0;
			if (read_blocks(c, m, k, it, &ps, s, &sum, started,
					&run, at, got < n ? got : n, one,
					zero) < 0)
				goto nomem;
			if (got < n) {
				/* the medium ends: the rest is missing */
				if (!run.count)
					run.start = at + got;
				run.count += s->start + s->blocks - at - got;
				s->unreadable += s->start + s->blocks - at -
						 got;
				if (abandon(k, it, &ps) < 0)
					goto nomem;
				*done += (uint64_t)(s->start + s->blocks -
						    at) * MS_BLOCK;
				break;
			}
		}
		*done += (uint64_t)n * MS_BLOCK;
		if (p)
			ms_progress_update(p, *done);
	}
	hash_drain(&h);
	if (flush_run(k, s->number, &run) < 0)
		goto nomem;
	if (!started || s->unreadable) {
		s->tags = MS_CHECK_TAGS_UNREADABLE;
		if (problem(k, MS_CHECK_TAG, s->number, 0, 0, NULL, 0,
			    "its checksum tags cannot be checked: %u of its "
			    "blocks cannot be read", s->unreadable) < 0)
			goto nomem;
	} else if (!sum.tags) {
		s->tags = MS_CHECK_TAGS_NONE;
	} else if (ms_imgsum_end(&sum, NULL) < 0) {
		s->tags = MS_CHECK_TAGS_MISMATCH;
		s->tags_matched = sum.matched;
		if (problem(k, MS_CHECK_TAG, s->number, 0, 0, NULL, 0, "%s",
			    sum.why) < 0)
			goto nomem;
	} else {
		s->tags = MS_CHECK_TAGS_OK;
		s->tags_matched = sum.matched;
	}
	ret = 0;
	goto out;
nomem:
	ms_fail(c, MS_EXIT_FAILURE, "out of memory");
out:
	hash_stop(&h);
	ms_imgsum_end(&sum, NULL);
	pass_release(&ps);
	return ret;
}

static void chain_of(struct ms_check *k, const struct ms_layout *l, int i,
		     int *bad)
{
	const struct ms_session *s = &l->sessions[i];

	*bad = 0;
	if ((s->link_state == MS_LINK_ABSENT && !s->link_mismatch) ||
	    (l->status == MS_STATUS_IMAGE && !s->link_mismatch)) {
		k->sessions[i].chain = MS_CHECK_CHAIN_NONE;
		return;
	}
	if (s->link_mismatch) {
		k->sessions[i].chain = MS_CHECK_CHAIN_BROKEN;
		*bad = 1;
		return;
	}
	k->sessions[i].chain = MS_CHECK_CHAIN_OK;
}

/*
 * A medium cut short (a truncated file): the layout stops before the
 * session the medium ends in.  Its descriptor is still there: check that
 * session too, so that its missing blocks are named.
 */
static void add_cut_session(struct ms_ctx *c, struct ms_medium *m,
			    const struct ms_layout *l, struct ms_check *k,
			    uint8_t *blk)
{
	struct ms_check_session *s = &k->sessions[k->nsessions];
	uint32_t start = l->break_lba - MS_VD_FIRST, size;

	if (l->break_lba < MS_VD_FIRST ||
	    (l->nsessions && start < l->sessions[l->nsessions - 1].start +
	     l->sessions[l->nsessions - 1].blocks))
		return;
	if (ms_medium_read(m, c, l->break_lba, 1, blk) < 0) {
		c->status = 0;
		return;
	}
	if (!ms_vd_is_primary(blk))
		return;
	size = ms_vd_space_size(blk);
	if (size <= MS_VD_FIRST || size > MS_LINK_MAX_BLOCK - start)
		return;
	s->number = l->nsessions + 1;
	s->start = start;
	s->blocks = size;
	k->nsessions++;
}

/* Problems by session (the medium first), each session's in order. */
static void sort_problems(struct ms_check *k)
{
	size_t i, j;

	for (i = 1; i < k->nproblems; i++) {
		struct ms_check_problem p = k->problems[i];

		for (j = i; j > 0 && k->problems[j - 1].session > p.session;
		     j--)
			k->problems[j] = k->problems[j - 1];
		k->problems[j] = p;
	}
}

int ms_check_run(struct ms_ctx *c, struct ms_medium *m,
		 const struct ms_layout *l, struct ms_progress *p,
		 struct ms_check *k)
{
	struct items it = { 0 };
	uint8_t *bufs[NBUF] = { NULL }, *buf = NULL, *zero = NULL;
	uint64_t total = 0, done = 0;
	char where[96];
	size_t i;
	int si, bad, ret = -1;

	memset(k, 0, sizeof(*k));
	if (ms_medium_needs_data(c, l, "--check") < 0)
		return -1;
	k->nsessions = l->nsessions;
	k->sessions = calloc(l->nsessions + 1, sizeof(*k->sessions));
	buf = malloc((size_t)CHUNK_BLOCKS * MS_BLOCK);
	zero = calloc(1, MS_BLOCK);
	if (!k->sessions || !buf || !zero)
		goto nomem;
	for (i = 0; i < NBUF; i++) {
		bufs[i] = malloc((size_t)CHUNK_BLOCKS * MS_BLOCK);
		if (!bufs[i])
			goto nomem;
	}
	for (si = 0; si < l->nsessions; si++) {
		struct ms_check_session *s = &k->sessions[si];

		s->number = l->sessions[si].number;
		s->start = l->sessions[si].start;
		s->blocks = session_blocks(&l->sessions[si]);
	}
	if (l->truncated)
		add_cut_session(c, m, l, k, buf);
	for (si = 0; si < k->nsessions; si++)
		total += (uint64_t)k->sessions[si].blocks * MS_BLOCK;
	if (l->broken && problem(k, MS_CHECK_LAYOUT, 0, l->break_lba, 0,
				 NULL, 0, "the session chain is broken at "
				 "block %u: %s", l->break_lba,
				 l->break_reason) < 0)
		goto nomem;
	for (si = 0; si < l->nsessions; si++) {
		chain_of(k, l, si, &bad);
		if (bad && problem(k, MS_CHECK_CHAIN, si + 1, 0, 0, NULL, 0,
				   "its link record does not fit the session "
				   "before it: %s",
				   l->sessions[si].link_mismatch_why) < 0)
			goto nomem;
	}
	if (collect(c, m, l, k, &it) < 0)
		goto out;
	dedup(&it);
	for (i = 0; i < it.n; i++) {
		struct item *e = &it.v[i];

		place(k, e);
		if (e->si < 0)
			continue;
		if (!e->has_md5) {
			k->sessions[e->si].files_no_md5++;
			continue;
		}
		/* no data: the MD5 of nothing */
		if (e->size == 0 && finish_item(k, e) < 0)
			goto nomem;
	}
	if (p)
		p->total = total;
	for (si = 0; si < k->nsessions; si++)
		if (check_session(c, m, k, &it, si, bufs, buf, zero, p,
				  &done) < 0)
			goto out;
	k->blocks_read += done / MS_BLOCK;
	for (si = 0; si < k->nsessions; si++)
		k->blocks_read -= k->sessions[si].unreadable;
	for (i = 0; i < it.n; i++) {
		struct item *e = &it.v[i];

		/* a session image's files may lie on its base disc */
		if (!e->stray || !e->has_md5 || e->si < 0 ||
		    (l->status == MS_STATUS_IMAGE && e->outside))
			continue;
		k->sessions[e->si].files_bad++;
		if (problem(k, MS_CHECK_FILE_LAYOUT, k->sessions[e->si].number,
			    0, 0, e->path, e->path_session, "is not checked: "
			    "its data %s (%s)", e->outside ? "lie outside "
			    "every session" : "do not lie in order inside one "
			    "session", data_where(e, where, sizeof(where))) < 0)
			goto nomem;
	}
	sort_problems(k);
	for (si = 0; si < k->nsessions; si++) {
		struct ms_check_session *s = &k->sessions[si];
		size_t j;
		int damaged = 0;

		for (j = 0; j < k->nproblems; j++)
			damaged |= k->problems[j].session == s->number;
		if (damaged)
			s->verdict = MS_CHECK_DAMAGED;
		else if (s->tags == MS_CHECK_TAGS_NONE)
			s->verdict = MS_CHECK_UNCHECKABLE;
		else
			s->verdict = MS_CHECK_INTACT;
		k->uncheckable += s->verdict == MS_CHECK_UNCHECKABLE;
	}
	ret = 0;
	goto out;
nomem:
	ms_fail(c, MS_EXIT_FAILURE, "out of memory");
out:
	for (i = 0; i < it.n; i++)
		item_free(&it.v[i]);
	free(it.v);
	for (i = 0; i < NBUF; i++)
		free(bufs[i]);
	free(buf);
	free(zero);
	return ret;
}

void ms_check_release(struct ms_check *k)
{
	size_t i;

	for (i = 0; i < k->nproblems; i++) {
		free(k->problems[i].path);
		free(k->problems[i].why);
	}
	free(k->problems);
	free(k->sessions);
	memset(k, 0, sizeof(*k));
}

int ms_check_status(const struct ms_check *k)
{
	if (k->damaged)
		return MS_EXIT_VERIFY;
	if (k->uncheckable || k->nsessions == 0)
		return MS_EXIT_UNSUITABLE;
	return MS_EXIT_OK;
}

const char *ms_check_verdict_name(enum ms_check_verdict v)
{
	return v == MS_CHECK_INTACT ? "intact" :
	       v == MS_CHECK_DAMAGED ? "damaged" : "not checkable";
}

static const char *tags_name(enum ms_check_tags t)
{
	return t == MS_CHECK_TAGS_OK ? "ok" :
	       t == MS_CHECK_TAGS_MISMATCH ? "mismatch" :
	       t == MS_CHECK_TAGS_UNREADABLE ? "unreadable" : "none";
}

static const char *chain_name(enum ms_check_chain ch)
{
	return ch == MS_CHECK_CHAIN_OK ? "ok" :
	       ch == MS_CHECK_CHAIN_BROKEN ? "broken" : "none";
}

static const char *kind_name(enum ms_check_kind kind)
{
	switch (kind) {
	case MS_CHECK_UNREADABLE:
		return "unreadable";
	case MS_CHECK_TAG:
		return "tags";
	case MS_CHECK_FILE:
		return "file";
	case MS_CHECK_FILE_UNREADABLE:
		return "file_unreadable";
	case MS_CHECK_FILE_LAYOUT:
		return "file_layout";
	case MS_CHECK_TREE:
		return "tree";
	case MS_CHECK_CHAIN:
		return "chain";
	case MS_CHECK_LAYOUT:
		break;
	}
	return "layout";
}

static const char *verdict_of(const struct ms_check *k)
{
	return ms_check_verdict_name(k->damaged ? MS_CHECK_DAMAGED :
				     k->uncheckable || k->nsessions == 0 ?
				     MS_CHECK_UNCHECKABLE : MS_CHECK_INTACT);
}

/* Text from the disc, made safe; free the result. */
static char *safe_dup(const char *s)
{
	size_t size = MS_SAFE_TEXT_MAX(strlen(s)) + 1;
	char *out = malloc(size);

	if (out)
		ms_safe_text(s, out, size);
	return out;
}

void ms_check_print(FILE *f, const struct ms_check *k)
{
	size_t i;
	int si;

	for (i = 0; i < k->nproblems; i++) {
		const struct ms_check_problem *p = &k->problems[i];
		char *why = safe_dup(p->why), *path = NULL;

		if (p->session)
			fprintf(f, "session %d: ", p->session);
		else
			fprintf(f, "medium: ");
		if (p->path) {
			path = safe_dup(p->path);
			fprintf(f, "file '%s' ", path ? path : "?");
			if (p->path_session != p->session)
				fprintf(f, "(named by the tree of session "
					"%d) ", p->path_session);
		}
		fprintf(f, "%s\n", why ? why : "out of memory");
		free(why);
		free(path);
	}
	fprintf(f, "%7s %10s %10s %-10s %7s %5s %-6s %s\n", "session", "start",
		"blocks", "tags", "files", "bad", "chain", "verdict");
	for (si = 0; si < k->nsessions; si++) {
		const struct ms_check_session *s = &k->sessions[si];

		fprintf(f, "%7d %10u %10u %-10s %7u %5u %-6s %s\n", s->number,
			s->start, s->blocks, tags_name(s->tags), s->files,
			s->files_bad, s->chain == MS_CHECK_CHAIN_NONE ? "-" :
			chain_name(s->chain), ms_check_verdict_name(s->verdict));
	}
	fprintf(f, "%s: %llu blocks read, %zu problem%s\n", verdict_of(k),
		(unsigned long long)k->blocks_read, k->nproblems,
		k->nproblems == 1 ? "" : "s");
}

void ms_check_json(FILE *f, const struct ms_layout *l,
		   const struct ms_check *k)
{
	struct ms_json j;
	size_t i;
	int si;

	ms_json_init(&j, f);
	ms_json_object(&j, NULL);
	ms_json_string(&j, "medium", l->medium);
	ms_json_string(&j, "verdict", verdict_of(k));
	ms_json_uint(&j, "blocks_read", k->blocks_read);
	ms_json_array(&j, "sessions");
	for (si = 0; si < k->nsessions; si++) {
		const struct ms_check_session *s = &k->sessions[si];

		ms_json_object(&j, NULL);
		ms_json_uint(&j, "number", (uint64_t)s->number);
		ms_json_uint(&j, "start", s->start);
		ms_json_uint(&j, "blocks", s->blocks);
		ms_json_string(&j, "tags", tags_name(s->tags));
		ms_json_uint(&j, "tags_matched", (uint64_t)s->tags_matched);
		ms_json_uint(&j, "files_checked", s->files);
		ms_json_uint(&j, "files_bad", s->files_bad);
		ms_json_uint(&j, "files_without_md5", s->files_no_md5);
		ms_json_uint(&j, "unreadable_blocks", s->unreadable);
		ms_json_bool(&j, "tree_readable", s->tree_ok);
		ms_json_string(&j, "chain", chain_name(s->chain));
		ms_json_string(&j, "verdict",
			       ms_check_verdict_name(s->verdict));
		ms_json_end_object(&j);
	}
	ms_json_end_array(&j);
	ms_json_array(&j, "problems");
	for (i = 0; i < k->nproblems; i++) {
		const struct ms_check_problem *p = &k->problems[i];

		ms_json_object(&j, NULL);
		ms_json_uint(&j, "session", (uint64_t)p->session);
		ms_json_string(&j, "kind", kind_name(p->kind));
		if (p->path) {
			ms_json_string(&j, "path", p->path);
			ms_json_uint(&j, "path_session",
				     (uint64_t)p->path_session);
		} else {
			ms_json_null(&j, "path");
			ms_json_null(&j, "path_session");
		}
		if (p->kind == MS_CHECK_UNREADABLE) {
			ms_json_uint(&j, "block", p->lba);
			ms_json_uint(&j, "count", p->count);
		} else {
			ms_json_null(&j, "block");
			ms_json_null(&j, "count");
		}
		ms_json_string(&j, "message", p->why);
		ms_json_end_object(&j);
	}
	ms_json_end_array(&j);
	ms_json_end_object(&j);
	fputc('\n', f);
}
