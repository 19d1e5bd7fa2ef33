/* The tree check of an image without a link record (burnms --foreign). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "burn_int.h"
#include "exit.h"
#include "iso9660.h"

/*
 * The identity check of a foreign image: a walk over the directory
 * records of a tree, bounded by the blocks it may occupy, each directory
 * read once, every length checked before it is used.
 */
#define DR_FLAG_DIR	0x02
#define WALK_CHUNK	32		/* blocks per directory read */
#define PATH_MAX_LEN	1024		/* longer paths are cut in messages */
#define SU_HEADER_LEN	4		/* SUSP entry: signature, length, version */
#define RR_NM_CONTINUE	0x01

struct extent {
	uint32_t lba;
	uint32_t size;
};

struct walk;
typedef int (*walk_read_fn)(struct walk *w, uint32_t lba, uint32_t count,
			    uint8_t *buf);
typedef int (*walk_file_fn)(struct walk *w, const char *path, uint32_t lba,
			    uint32_t size);

struct walk {
	struct ms_ctx *c;
	const char *what;		/* "image 'x'" or "'disc'", for messages */
	walk_read_fn read;
	walk_file_fn file;
	struct ms_medium *m;		/* read source: a medium ... */
	int fd;				/* ... or an image file at block base */
	uint32_t base;
	uint32_t lo, hi;		/* directories lie within [lo, hi) */
	uint64_t budget;		/* directory blocks still to be read */
	uint32_t *seen;			/* directory extents read, sorted */
	size_t nseen, seen_cap;
	struct extent *ext;		/* collected (base) or looked up (image) */
	size_t next, ext_cap;
	uint32_t start;			/* the image's first block */
	const char *image, *medium;
	int blank;			/* the medium holds no session */
};

struct dir_item {
	uint32_t lba, size;
	char *path;
};

static int walk_read_medium(struct walk *w, uint32_t lba, uint32_t count,
			    uint8_t *buf)
{
	return ms_medium_read(w->m, w->c, lba, count, buf);
}

static int walk_read_image(struct walk *w, uint32_t lba, uint32_t count,
			   uint8_t *buf)
{
	size_t want = (size_t)count * MS_BLOCK, got = 0;
	off_t off = (off_t)(lba - w->base) * MS_BLOCK;
	ssize_t r;

	while (got < want) {
		r = pread(w->fd, buf + got, want - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ms_fail_errno(w->c, MS_EXIT_FAILURE, errno,
					     "cannot read block %u of %s",
					     lba, w->what);
		if (r == 0)
			return ms_fail(w->c, MS_EXIT_FAILURE,
				       "%s ends before block %u", w->what, lba);
		got += (size_t)r;
	}
	return 0;
}

/* Add lba to the sorted set of directories read; 0 if it was there. */
static int seen_add(struct walk *w, uint32_t lba)
{
	size_t lo = 0, hi = w->nseen, mid;
	uint32_t *n;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (w->seen[mid] == lba)
			return 0;
		if (w->seen[mid] < lba)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (w->nseen == w->seen_cap) {
		n = realloc(w->seen, (w->seen_cap * 2 + 64) * sizeof(*n));
		if (!n)
			return -1;
		w->seen = n;
		w->seen_cap = w->seen_cap * 2 + 64;
	}
	memmove(w->seen + lo + 1, w->seen + lo,
		(w->nseen - lo) * sizeof(*w->seen));
	w->seen[lo] = lba;
	w->nseen++;
	return 1;
}

/* UTF-8 of one UCS-2 unit (Joliet names), into out; returns bytes. */
static size_t put_ucs2(uint16_t u, char *out)
{
	if (u < 0x80) {
		out[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		out[0] = (char)(0xc0 | (u >> 6));
		out[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | (u >> 12));
	out[1] = (char)(0x80 | ((u >> 6) & 0x3f));
	out[2] = (char)(0x80 | (u & 0x3f));
	return 3;
}

/*
 * The name of a directory record: the Rock Ridge NM entries when there
 * are any (within the record; continuation areas are not followed), else
 * the ISO 9660 or Joliet name without its ";1".
 */
static void record_name(const uint8_t *rec, int joliet, char *out,
			size_t size)
{
	size_t len = rec[MS_DR_LENGTH_OFF], nlen = rec[MS_DR_NAME_LEN_OFF];
	size_t su = MS_DR_NAME_OFF + nlen + (nlen % 2 == 0), o = 0, i;
	const uint8_t *name = rec + MS_DR_NAME_OFF;

	while (!joliet && su + SU_HEADER_LEN <= len) {
		size_t elen = rec[su + 2];

		if (elen < SU_HEADER_LEN || su + elen > len)
			break;
		if (rec[su] == 'N' && rec[su + 1] == 'M' &&
		    elen > SU_HEADER_LEN) {
			for (i = su + SU_HEADER_LEN + 1; i < su + elen &&
			     o + 1 < size; i++)
				out[o++] = (char)rec[i];
			if (!(rec[su + SU_HEADER_LEN] & RR_NM_CONTINUE))
				break;
		}
		su += elen;
	}
	if (o) {
		out[o] = '\0';
		return;
	}
	if (joliet) {
		for (i = 0; i + 1 < nlen && o + 4 < size; i += 2)
			o += put_ucs2((uint16_t)(name[i] << 8 | name[i + 1]),
				      out + o);
	} else {
		for (i = 0; i < nlen && o + 1 < size; i++)
			out[o++] = (char)name[i];
	}
	out[o] = '\0';
	if (o >= 2 && !strcmp(out + o - 2, ";1"))
		out[o -= 2] = '\0';
	if (o >= 1 && out[o - 1] == '.' && !joliet)
		out[--o] = '\0';
}

static char *join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + 1 + strlen(name) + 1;
	char *p;

	if (n > PATH_MAX_LEN)
		n = PATH_MAX_LEN;
	p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", !strcmp(dir, "/") ? "" : dir, name);
	return p;
}

static int walk_damaged(struct walk *w, uint32_t lba, const char *why)
{
	return ms_fail(w->c, MS_EXIT_FAILURE,
		       "the directory at block %u of %s is damaged: %s", lba,
		       w->what, why);
}

/* Walk the tree whose root directory is (lba, size). */
static int walk_tree(struct walk *w, uint32_t root_lba, uint32_t root_size,
		     int joliet)
{
	struct dir_item *q = NULL, *nq;
	size_t nq_len = 0, qcap = 0, qi = 0;
	uint8_t *buf = NULL;
	char name[256];
	int ret = -1;

	buf = malloc((size_t)WALK_CHUNK * MS_BLOCK);
	q = calloc(1, sizeof(*q));
	if (!buf || !q)
		goto nomem;
	qcap = 1;
	q[0].lba = root_lba;
	q[0].size = root_size;
	q[0].path = strdup("/");
	nq_len = 1;
	if (!q[0].path)
		goto nomem;
	for (qi = 0; qi < nq_len; qi++) {
		uint32_t lba = q[qi].lba, blocks, done = 0;
		uint64_t left = q[qi].size;
		int fresh;

		blocks = (uint32_t)((left + MS_BLOCK - 1) / MS_BLOCK);
		if (lba < w->lo || lba >= w->hi || blocks > w->hi - lba) {
			ms_fail(w->c, MS_EXIT_FAILURE,
				"directory '%s' of %s lies at blocks %u+%u, "
				"outside blocks %u to %u", q[qi].path, w->what,
				lba, blocks, w->lo, w->hi - 1);
			goto out;
		}
		fresh = seen_add(w, lba);
		if (fresh < 0)
			goto nomem;
		if (!fresh)
			continue;
		if (blocks > w->budget) {
			walk_damaged(w, lba, "the directories are larger than "
				     "the session");
			goto out;
		}
		w->budget -= blocks;
		while (done < blocks) {
			uint32_t n = blocks - done > WALK_CHUNK ? WALK_CHUNK :
				     blocks - done, b;

			if (w->read(w, lba + done, n, buf) < 0)
				goto out;
			for (b = 0; b < n; b++) {
				const uint8_t *blk = buf + (size_t)b * MS_BLOCK;
				size_t end = left < MS_BLOCK ? (size_t)left :
					     MS_BLOCK, off = 0;

				while (off < end && blk[off]) {
					const uint8_t *rec = blk + off;
					size_t len = rec[MS_DR_LENGTH_OFF];
					size_t nlen = rec[MS_DR_NAME_LEN_OFF];
					uint32_t ext, sz;

					if (len < MS_DR_MIN_LEN ||
					    off + len > end ||
					    MS_DR_NAME_OFF + nlen > len) {
						walk_damaged(w, lba + done + b,
							     "a directory record "
							     "does not fit");
						goto out;
					}
					off += len;
					if (nlen == 1 &&
					    rec[MS_DR_NAME_OFF] <= 1)
						continue;
					ext = ms_le32(rec + MS_DR_EXTENT_OFF);
					sz = ms_le32(rec + MS_DR_SIZE_OFF);
					record_name(rec, joliet, name,
						    sizeof(name));
					if (!(rec[MS_DR_FLAGS_OFF] &
					      DR_FLAG_DIR)) {
						char *path = join_path(
							q[qi].path, name);
						int r;

						if (!path)
							goto nomem;
						r = w->file(w, path, ext, sz);
						free(path);
						if (r < 0)
							goto out;
						continue;
					}
					if (nq_len == qcap) {
						nq = realloc(q, (qcap * 2) *
							     sizeof(*q));
						if (!nq)
							goto nomem;
						q = nq;
						qcap *= 2;
					}
					q[nq_len].lba = ext;
					q[nq_len].size = sz;
					q[nq_len].path = join_path(q[qi].path,
								   name);
					if (!q[nq_len].path)
						goto nomem;
					nq_len++;
				}
				left = left > MS_BLOCK ? left - MS_BLOCK : 0;
			}
			done += n;
		}
	}
	ret = 0;
	goto out;
nomem:
	ms_fail(w->c, MS_EXIT_FAILURE, "out of memory");
out:
	for (qi = 0; qi < nq_len; qi++)
		free(q[qi].path);
	free(q);
	free(buf);
	return ret;
}

/* Walk every tree (the PVD's, each Joliet SVD's) of a descriptor set. */
static int walk_vdset(struct walk *w, const uint8_t *set, int nblocks)
{
	struct ms_vd vd;
	int i;

	for (i = 0; i < nblocks; i++) {
		const uint8_t *blk = set + (size_t)i * MS_BLOCK;

		if (ms_vd_parse(blk, &vd) < 0 || vd.type == MS_VD_TERMINATOR)
			break;
		if (vd.type != MS_VD_PRIMARY && !vd.joliet_level)
			continue;
		w->seen_cap = w->nseen = 0;
		free(w->seen);
		w->seen = NULL;
		if (walk_tree(w, vd.root_lba, vd.root_size,
			      vd.joliet_level != 0) < 0)
			return -1;
	}
	return 0;
}

static int collect_file(struct walk *w, const char *path, uint32_t lba,
			uint32_t size)
{
	struct extent *n;

	(void)path;
	if (!size)
		return 0;
	if (w->next == w->ext_cap) {
		n = realloc(w->ext, (w->ext_cap * 2 + 256) * sizeof(*n));
		if (!n)
			return ms_fail(w->c, MS_EXIT_FAILURE, "out of memory");
		w->ext = n;
		w->ext_cap = w->ext_cap * 2 + 256;
	}
	w->ext[w->next].lba = lba;
	w->ext[w->next].size = size;
	w->next++;
	return 0;
}

static int extent_cmp(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;

	if (x->lba != y->lba)
		return x->lba < y->lba ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return 0;
}

static int check_file(struct walk *w, const char *path, uint32_t lba,
		      uint32_t size)
{
	struct extent key = { lba, size };
	const struct extent *e;
	size_t lo = 0, hi = w->next, mid;

	if (!size || lba >= w->start)
		return 0;
	if (!w->next ||
	    !bsearch(&key, w->ext, w->next, sizeof(key), extent_cmp)) {
		if (w->blank)
			return ms_fail(w->c, MS_EXIT_WRONGDISC,
				       "image '%s' was built for another disc: "
				       "its file '%s' lies at block %u, before "
				       "the image, but '%s' is blank", w->image,
				       path, lba, w->medium);
		/* the nearest extent at or after lba, to say what is there */
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (w->ext[mid].lba < lba)
				lo = mid + 1;
			else
				hi = mid;
		}
		e = lo < w->next && w->ext[lo].lba == lba ? &w->ext[lo] : NULL;
		if (e)
			return ms_fail(w->c, MS_EXIT_WRONGDISC,
				       "image '%s' was built for another disc "
				       "or disc state: its file '%s' has %u "
				       "bytes at block %u, but the file there "
				       "in the last session of '%s' has %u",
				       w->image, path, size, lba, w->medium,
				       e->size);
		return ms_fail(w->c, MS_EXIT_WRONGDISC,
			       "image '%s' was built for another disc or disc "
			       "state: its file '%s' (%u bytes at block %u) is "
			       "not in the last session of '%s'", w->image,
			       path, size, lba, w->medium);
	}
	return 0;
}

/*
 * A foreign image's tree names the disc it was built on: every file
 * extent below the image's start must be a file of the medium's last
 * session, at the same block with the same size.
 */
int ms_burn_foreign_tree(struct ms_ctx *c, struct ms_medium *m,
			 const struct ms_layout *l, struct ms_image *img,
			 uint32_t start, uint32_t blocks)
{
	struct walk w;
	uint8_t *set = NULL;
	char what_img[300], what_disc[300];
	int ret = -1, i;

	memset(&w, 0, sizeof(w));
	w.c = c;
	w.start = start;
	w.image = img->name;
	w.medium = l->medium;
	w.blank = l->status == MS_STATUS_BLANK || l->nsessions == 0;
	snprintf(what_img, sizeof(what_img), "image '%s'", img->name);
	snprintf(what_disc, sizeof(what_disc), "'%s'", l->medium);
	if (!w.blank) {
		set = malloc((size_t)MS_VDSET_MAX * MS_BLOCK);
		if (!set) {
			ms_fail(c, MS_EXIT_FAILURE, "out of memory");
			goto out;
		}
		for (i = 0; i < MS_VDSET_MAX; i++) {
			uint8_t *blk = set + (size_t)i * MS_BLOCK;

			if (ms_medium_read(m, c, l->last_start + MS_VD_FIRST +
					   (uint32_t)i, 1, blk) < 0)
				goto out;
			if (!ms_vd_is_descriptor(blk) ||
			    blk[MS_VD_TYPE_OFF] == MS_VD_TERMINATOR)
				break;
		}
		w.what = what_disc;
		w.read = walk_read_medium;
		w.file = collect_file;
		w.m = m;
		w.lo = 0;
		w.hi = l->nwa;
		w.budget = l->nwa;
		if (walk_vdset(&w, set, i) < 0)
			goto out;
		if (w.next)
			qsort(w.ext, w.next, sizeof(*w.ext), extent_cmp);
	}
	w.what = what_img;
	w.read = walk_read_image;
	w.file = check_file;
	w.fd = img->fd;
	w.base = start;
	w.lo = start;
	w.hi = start + blocks;
	w.budget = blocks;
	if (walk_vdset(&w, img->first + (size_t)MS_VD_FIRST * MS_BLOCK,
		       (int)img->have - MS_VD_FIRST) < 0)
		goto out;
	ret = 0;
out:
	free(set);
	free(w.seen);
	free(w.ext);
	return ret;
}
