#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libburn/libburn.h>
#include <libisofs/libisofs.h>
#include <openssl/evp.h>

#include "burn.h"
#include "exit.h"
#include "head.h"
#include "iso9660.h"
#include "medium_burn.h"
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
	if (n == 0 && img->fd == STDIN_FILENO)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "no image on standard input (did the command "
			       "before the pipe fail?)");
	if ((size_t)n == sizeof(MS_NOTHING_MARKER) - 1 &&
	    !memcmp(img->first, MS_NOTHING_MARKER, (size_t)n))
		return ms_fail(c, MS_EXIT_NOTHING,
			       "nothing to do: %s%s%s holds no session, only "
			       "the builder's mark that there was nothing to "
			       "add; nothing written",
			       img->fd == STDIN_FILENO ? "" : "'",
			       img->fd == STDIN_FILENO ? "standard input" :
			       name, img->fd == STDIN_FILENO ? "" : "'");
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
static int check_foreign_tree(struct ms_ctx *c, struct ms_medium *m,
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

static int check_foreign(struct ms_ctx *c, struct ms_medium *m,
			 const struct ms_layout *l, struct ms_image *img)
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
	if (blocks > UINT32_MAX - start)
		return ms_fail(c, MS_EXIT_NOSPACE,
			       "image '%s' has %llu blocks, more than any medium "
			       "holds", img->name, (unsigned long long)blocks);
	if (check_foreign_tree(c, m, l, img, start, (uint32_t)blocks) < 0)
		return -1;
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

int ms_burn_check(struct ms_ctx *c, struct ms_medium *m,
		  const struct ms_layout *l, struct ms_image *img,
		  unsigned flags)
{
	struct stat a, b;
	uint64_t need;
	uint32_t overhead;

	/* an image given as its own medium: say so before anything else */
	if (m && ms_medium_file(m) && img->fd >= 0 &&
	    fstat(img->fd, &a) == 0 && stat(ms_medium_file(m), &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return ms_fail(c, MS_EXIT_USAGE,
			       "image '%s' and the medium '%s' are the same "
			       "file: an image cannot be written onto itself",
			       img->name, l->medium);
	switch (l->status) {
	case MS_STATUS_CLOSED:
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' is closed: no further session can be "
			       "written", l->medium);
	case MS_STATUS_UNSUITABLE:
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' holds a medium that cannot be written%s%s",
			       l->medium, l->unsuitable_why ? ": " : "",
			       l->unsuitable_why ? l->unsuitable_why : "");
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
		if (check_foreign(c, m, l, img) < 0)
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
	overhead = flags & MS_BURN_CLOSE && !l->overwriteable ?
		   l->closing_overhead_blocks : l->overhead_blocks;
	need = (uint64_t)img->blocks + overhead;
	if (need > l->free_blocks)
		return ms_fail(c, MS_EXIT_NOSPACE,
			       "image '%s' needs %u blocks plus %u of session "
			       "overhead, but '%s' has %llu free", img->name,
			       img->blocks, overhead, l->medium,
			       (unsigned long long)l->free_blocks);
	return 0;
}

/*
 * The image's MD5 as it streams past, and its libisofs checksum tags
 * (libisofs.h, iso_util_decode_md5_tag): a superblock tag right after the
 * descriptor set terminator, whose next= names the tree tag, whose next=
 * names the session tag.  Each tag holds the MD5 of the session's blocks
 * from its range_start (the session's first block) up to the tag itself;
 * the running MD5 goes on over the tag blocks.  OpenSSL's MD5, because
 * libisofs' own is two to three times slower.
 */
#define TAG_MAGIC "libisofs_checksum_tag_v1"

enum tag_type {
	TAG_SESSION = 1,
	TAG_SUPERBLOCK = 2,
	TAG_TREE = 3,
};

struct imgsum {
	EVP_MD_CTX *all;		/* MD5 of every block so far */
	uint32_t start;			/* the session's first block */
	uint32_t at;			/* next block to be hashed */
	uint32_t end;			/* one past the session's last block */
	int tags;			/* the image carries checksum tags */
	uint32_t next;			/* block of the next tag, 0 if none */
	int want;			/* its enum tag_type */
	int matched;			/* tags found good */
	int bad;			/* a tag is missing or does not match */
	char why[256];
};

static const char *tag_name(int type)
{
	return type == TAG_SUPERBLOCK ? "superblock" :
	       type == TAG_TREE ? "directory tree" : "session";
}

static void sum_bad(struct imgsum *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sum_bad(struct imgsum *h, const char *fmt, ...)
{
	va_list ap;

	if (h->bad)
		return;
	h->bad = 1;
	va_start(ap, fmt);
	vsnprintf(h->why, sizeof(h->why), fmt, ap);
	va_end(ap);
}

/*
 * Start hashing img, which goes to blocks start..start+blocks-1.  Finds
 * the superblock tag, if any, in the blocks read ahead.
 */
static int sum_start(struct imgsum *h, const struct ms_image *img)
{
	uint32_t i, pos, rs, rsize, next;
	char md5[16];
	int type, r;

	memset(h, 0, sizeof(*h));
	h->start = img->start;
	h->at = img->start;
	h->end = img->start + img->blocks;
	h->all = EVP_MD_CTX_new();
	if (!h->all || !EVP_DigestInit_ex(h->all, EVP_md5(), NULL))
		return -1;
	for (i = MS_VD_FIRST; i < img->have; i++) {
		const uint8_t *blk = img->first + (size_t)i * MS_BLOCK;

		if (!ms_vd_is_descriptor(blk))
			return 0;
		if (blk[MS_VD_TYPE_OFF] == MS_VD_TERMINATOR)
			break;
	}
	if (++i >= img->have || i >= img->blocks)
		return 0;
	r = iso_util_decode_md5_tag((char *)img->first + (size_t)i * MS_BLOCK,
				    &type, &pos, &rs, &rsize, &next, md5,
				    TAG_SUPERBLOCK);
	if (r == 0)
		return 0;
	h->tags = 1;
	h->next = img->start + i;
	h->want = TAG_SUPERBLOCK;
	return 0;
}

/* The tag expected at block lba, with the MD5 of everything before it. */
static void sum_tag(struct imgsum *h, uint32_t lba, const uint8_t *blk)
{
	uint32_t pos, rs, rsize, next;
	char md5[16];
	uint8_t have[16];
	EVP_MD_CTX *tmp;
	int type, r;

	r = iso_util_decode_md5_tag((char *)blk, &type, &pos, &rs, &rsize,
				    &next, md5, h->want);
	if (r <= 0) {
		sum_bad(h, "its %s checksum tag, expected at block %u, is %s",
			tag_name(h->want), lba, r < 0 ||
			!memcmp(blk, TAG_MAGIC, sizeof(TAG_MAGIC) - 1) ?
			"damaged" : "missing");
		return;
	}
	if (pos != lba || rs != h->start || rsize != lba - h->start) {
		sum_bad(h, "its %s checksum tag at block %u names block %u "
			"and blocks %u+%u", tag_name(h->want), lba, pos, rs,
			rsize);
		return;
	}
	tmp = EVP_MD_CTX_new();
	if (!tmp || !EVP_MD_CTX_copy_ex(tmp, h->all) ||
	    !EVP_DigestFinal_ex(tmp, have, NULL)) {
		EVP_MD_CTX_free(tmp);
		sum_bad(h, "out of memory");
		return;
	}
	EVP_MD_CTX_free(tmp);
	if (memcmp(have, md5, sizeof(have))) {
		sum_bad(h, "blocks %u to %u do not match its %s checksum tag",
			h->start, lba - 1, tag_name(h->want));
		return;
	}
	h->matched++;
	if (h->want == TAG_SESSION) {
		h->next = 0;
		return;
	}
	if (next <= lba || next >= h->end) {
		sum_bad(h, "its %s checksum tag at block %u names the next "
			"tag at block %u, outside the image", tag_name(h->want),
			lba, next);
		return;
	}
	h->next = next;
	h->want = h->want == TAG_SUPERBLOCK ? TAG_TREE : TAG_SESSION;
}

/* Hash the next n blocks of the image, checking tags among them. */
static void sum_add(struct imgsum *h, const uint8_t *buf, uint32_t n)
{
	uint32_t k;

	while (n > 0) {
		if (h->tags && !h->bad && h->next && h->next < h->at + n) {
			k = h->next - h->at;
			EVP_DigestUpdate(h->all, buf, (size_t)k * MS_BLOCK);
			sum_tag(h, h->at + k, buf + (size_t)k * MS_BLOCK);
			EVP_DigestUpdate(h->all, buf + (size_t)k * MS_BLOCK,
					 MS_BLOCK);
			k++;
		} else {
			k = n;
			EVP_DigestUpdate(h->all, buf, (size_t)k * MS_BLOCK);
		}
		h->at += k;
		buf += (size_t)k * MS_BLOCK;
		n -= k;
	}
}

/*
 * The MD5 of everything hashed, into md5 (may be NULL).  Returns -1 if
 * the image's tags did not all match (h->why says how).
 */
static int sum_end(struct imgsum *h, uint8_t md5[16])
{
	uint8_t tmp[16];

	if (h->all) {
		EVP_DigestFinal_ex(h->all, md5 ? md5 : tmp, NULL);
		EVP_MD_CTX_free(h->all);
		h->all = NULL;
	}
	if (h->tags && !h->bad && h->next)
		sum_bad(h, "it ends before its %s checksum tag at block %u",
			tag_name(h->want), h->next);
	return h->bad ? -1 : 0;
}

static int sum_fail(struct ms_ctx *c, const struct ms_image *img,
		    const struct imgsum *h, const char *outcome)
{
	return ms_fail(c, MS_EXIT_VERIFY, "image '%s' is damaged: %s; %s",
		       img->name, h->why, outcome);
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
		  uint32_t blocks, const uint8_t want[16],
		  struct ms_progress *p)
{
	EVP_MD_CTX *h;
	uint8_t *buf, got[16];
	uint32_t done = 0;
	int ret = -1;

	buf = malloc((size_t)CHUNK_BLOCKS * MS_BLOCK);
	h = EVP_MD_CTX_new();
	if (!buf || !h || !EVP_DigestInit_ex(h, EVP_md5(), NULL)) {
		free(buf);
		EVP_MD_CTX_free(h);
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	}
	while (done < blocks) {
		uint32_t n = blocks - done > CHUNK_BLOCKS ? CHUNK_BLOCKS :
			     blocks - done;

		if (ms_medium_read(m, c, start + done, n, buf) < 0) {
			ms_fail_prefix(c, "verify");
			goto out;
		}
		EVP_DigestUpdate(h, buf, (size_t)n * MS_BLOCK);
		done += n;
		ms_progress_phase(p, "verifying", (uint64_t)done * MS_BLOCK,
				  (uint64_t)blocks * MS_BLOCK);
	}
	ret = 0;
out:
	EVP_DigestFinal_ex(h, got, NULL);
	EVP_MD_CTX_free(h);
	free(buf);
	if (ret == 0 && memcmp(got, want, 16))
		return ms_fail(c, MS_EXIT_VERIFY,
			       "verify: the session read back from '%s' "
			       "differs from the image", ms_medium_name(m));
	return ret;
}

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
 * (nearly) no time on top of the I/O.  RING pieces may be in flight.
 */
#define RING 4

struct hash_ring {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint8_t *buf[RING];
	uint32_t n[RING];
	int head, tail, count, done, bad;
	struct imgsum *sum;
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
		sum_add(r->sum, r->buf[t], r->n[t]);
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

/* Wait until every piece is hashed and end the thread. */
static void ring_finish(struct hash_ring *r, pthread_t th)
{
	pthread_mutex_lock(&r->mu);
	r->done = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(th, NULL);
}

static int write_overwriteable(struct ms_ctx *c, struct ms_medium *m,
			       struct ms_image *img, unsigned flags,
			       struct ms_progress *p)
{
	uint8_t *old = NULL, *head = NULL, *buf, md5[16];
	uint64_t done = 0, old_blocks = ms_medium_size_blocks(m);
	int existed = ms_medium_exists(m), ret = -1, hashing, started = 0, i;
	struct hash_ring r;
	struct imgsum sum;
	pthread_t th;
	uint32_t old_got;
	int64_t n;

	memset(&r, 0, sizeof(r));
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	r.sum = &sum;
	for (i = 0; i < RING; i++)
		r.buf[i] = malloc((size_t)CHUNK_BLOCKS * MS_BLOCK);
	old = calloc(MS_HEAD_BLOCKS, MS_BLOCK);
	head = malloc((size_t)MS_HEAD_BLOCKS * MS_BLOCK);
	if (sum_start(&sum, img) < 0 || !old || !head || !r.buf[RING - 1] ||
	    !r.buf[0] || !r.buf[1] || !r.buf[2]) {
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
		uint32_t want = img->blocks - done > CHUNK_BLOCKS ?
				CHUNK_BLOCKS : (uint32_t)(img->blocks - done);

		buf = hashing ? ring_get(&r) : r.buf[0];
		if (!buf)
			break;		/* a bad tag: said below */
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
		if (hashing)
			ring_put(&r, (uint32_t)n);
		done += (uint64_t)n;
		ms_progress_update(p, done * MS_BLOCK);
	}
	if (started) {
		ring_finish(&r, th);
		started = 0;
	}
	if (sum_end(&sum, md5) < 0) {
		sum_fail(c, img, &sum, "nothing of it was committed, and "
			 "the medium is as it was");
		goto fail;
	}
	if (sum.tags)
		ms_note(c, "image '%s': its %d checksum tags match", img->name,
			sum.matched);
	if (image_next(c, img, done, r.buf[0], 1) != 0) {
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
		if (verify(c, m, img->start, img->blocks, md5, p) < 0)
			goto out;
	}
	ret = 0;
	goto out;
fail:
	undo_growth(c, m, old_blocks, existed);
out:
	if (started)
		ring_finish(&r, th);
	sum_end(&sum, NULL);
	pthread_mutex_destroy(&r.mu);
	pthread_cond_destroy(&r.cv);
	for (i = 0; i < RING; i++)
		free(r.buf[i]);
	free(old);
	free(head);
	return ret;
}

/* A libburn source that hands out the image as write_tao pulls it. */
struct tao_source {
	struct ms_ctx *c;
	struct ms_image *img;
	uint64_t done;		/* bytes */
	struct imgsum sum;
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
	sum_add(&t->sum, buf, (uint32_t)n);
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

/*
 * Check an image file's checksum tags before a write that cannot be
 * taken back: read it once through, without moving its offset.
 */
static int precheck_file(struct ms_ctx *c, struct ms_image *img)
{
	struct imgsum sum;
	uint8_t *buf;
	uint32_t done = 0;
	int ret = -1;

	buf = malloc((size_t)CHUNK_BLOCKS * MS_BLOCK);
	if (!buf || sum_start(&sum, img) < 0) {
		free(buf);
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	}
	if (!sum.tags) {
		ret = 0;
		goto out;
	}
	ms_note(c, "checking the checksum tags of image '%s' before writing",
		img->name);
	while (done < img->blocks && !sum.bad) {
		uint32_t n = img->blocks - done > CHUNK_BLOCKS ? CHUNK_BLOCKS :
			     img->blocks - done;
		ssize_t r = pread(img->fd, buf, (size_t)n * MS_BLOCK,
				  (off_t)done * MS_BLOCK);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				      "cannot read image '%s'", img->name);
			goto out;
		}
		if (r == 0 || r % MS_BLOCK) {
			short_image(c, img, done);
			goto out;
		}
		sum_add(&sum, buf, (uint32_t)(r / MS_BLOCK));
		done += (uint32_t)(r / MS_BLOCK);
	}
	if (sum_end(&sum, NULL) < 0) {
		sum_fail(c, img, &sum, "nothing was written");
		goto out;
	}
	ret = 0;
out:
	sum_end(&sum, NULL);
	free(buf);
	return ret;
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

static int write_tao(struct ms_ctx *c, struct ms_medium *m,
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
	if (sum_start(&t.sum, img) < 0) {
		sum_end(&t.sum, NULL);
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
	if (t.sum.tags && img->is_file && precheck_file(c, img) < 0)
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
		usleep(POLL_USEC);
	while ((st = burn_drive_get_status(d, &prog)) !=
	       BURN_DRIVE_IDLE) {
		if (t.done < (uint64_t)img->blocks * MS_BLOCK)
			ms_progress_update(p, t.done);
		else
			ms_progress_phase(p, tao_phase(st), 0, 0);
		usleep(POLL_USEC);
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
	if (sum_end(&t.sum, md5) < 0) {
		char outcome[300];

		snprintf(outcome, sizeof(outcome), "it was written to "
			 "write-once '%s' all the same, as the session at "
			 "block %u", ms_medium_name(m), img->start);
		sum_fail(c, img, &t.sum, outcome);
		goto out;
	}
	if (t.sum.tags)
		ms_note(c, "image '%s': its %d checksum tags match", img->name,
			t.sum.matched);
	if ((flags & MS_BURN_VERIFY) &&
	    verify(c, m, img->start, img->blocks, md5, p) < 0)
		goto out;
	ret = 0;
out:
	sum_end(&t.sum, NULL);
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
				"overwriteable discs stay appendable",
				ms_medium_name(m));
		return write_overwriteable(c, m, img, flags, p);
	}
	return write_tao(c, m, img, flags, p);
}

int ms_burn_blank(struct ms_ctx *c, struct ms_medium *m,
		  const struct ms_layout *l)
{
	struct burn_drive *d = ms_medium_burn_drive(m);
	int profile = ms_medium_profile(m);
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
		if (profile != 0x0a && profile != 0x14)
			return ms_fail(c, MS_EXIT_UNSUITABLE,
				       "'%s' is %s: write-once media cannot be "
				       "blanked", ms_medium_name(m),
				       ms_medium_profile_name(m));
		burn_disc_erase(d, 1);
		while (burn_drive_get_status(d, NULL) != BURN_DRIVE_IDLE)
			usleep(POLL_USEC);
		if (burn_disc_get_status(d) != BURN_DISC_BLANK) {
			ms_fail(c, MS_EXIT_FAILURE, "blanking '%s' failed",
				ms_medium_name(m));
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
