/*
 * Getting data back from a session: --cat and --extract.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libisofs/libisofs.h>
#include <zlib.h>

#include "exit.h"
#include "extract.h"
#include "import.h"
#include "iso9660.h"
#include "safetext.h"
#include "util.h"

/* blocks read at a time */
#define CHUNK_BLOCKS	32

int ms_extract_name_ok(const char *name)
{
	return name && name[0] && strcmp(name, ".") && strcmp(name, "..") &&
		!strchr(name, '/');
}

int ms_extract_parse_spec(const char *spec, int *session, const char **path)
{
	const char *p = spec;
	long n = 0;

	*session = 0;
	*path = NULL;
	if (spec[0] == '/') {
		*path = spec;
		return 0;
	}
	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (*p++ - '0');
		if (n > 1000000)
			return -1;
	}
	if (n < 1 || (*p && *p != ':') || (*p == ':' && !p[1]))
		return -1;
	*session = (int)n;
	if (*p == ':')
		*path = p + 1;
	return 0;
}

/* A name from the disc, made safe for a terminal, in buf. */
static const char *safe(const char *s, char *buf, size_t size)
{
	return ms_safe_text(s, buf, size);
}

#define SAFE_BUF(n)	char n[MS_SAFE_TEXT_MAX(512) + 1]

/*
 * The node at path under root: components split at '/', empty and "."
 * ones ignored, ".." refused, symlinks on the way not followed.
 */
static int lookup(struct ms_ctx *c, const struct ms_layout *l, int index,
		  IsoDir *root, const char *path, IsoNode **out)
{
	IsoNode *node = (IsoNode *)root;
	char *copy = strdup(path ? path : "/"), *name, *save = NULL;
	SAFE_BUF(shown);
	int ret = 0;

	if (!copy)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	for (name = strtok_r(copy, "/", &save); name;
	     name = strtok_r(NULL, "/", &save)) {
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			ret = ms_fail(c, MS_EXIT_USAGE, "'%s': '..' is not "
				      "allowed in a path on the disc",
				      safe(path, shown, sizeof(shown)));
			break;
		}
		if (iso_node_get_type(node) != LIBISO_DIR ||
		    iso_dir_get_node((IsoDir *)node, name, &node) != 1) {
			ret = ms_fail(c, MS_EXIT_FAILURE, "session %d of '%s' "
				      "has no '%s'", l->sessions[index].number,
				      l->medium,
				      safe(path, shown, sizeof(shown)));
			break;
		}
	}
	free(copy);
	*out = node;
	return ret;
}

/*
 * zisofs (version 1, as mkzftree and libisofs write it): a header, a
 * table of little-endian byte offsets of the compressed blocks, then
 * each block as one zlib stream (an empty one is a block of zeros).
 */
static const uint8_t zisofs_magic[8] = {
	0x37, 0xe4, 0x53, 0x96, 0xc9, 0xdb, 0xd6, 0x07
};
#define ZF_HEADER	16	/* magic, size (LE32), header size / 4, log2 */
#define ZF_LOG2_MIN	15
#define ZF_LOG2_MAX	17

/* A file's stored bytes: its extents, read through the medium. */
struct stored {
	struct ms_ctx *c;
	struct ms_medium *m;
	const struct iso_file_section *sec;
	int n;
	uint64_t size;		/* the sum of the extents' sizes */
	int write_failed;
	uint8_t blk[MS_BLOCK];
};

/* len stored bytes from offset off into buf. */
static int stored_read(struct stored *st, uint64_t off, uint8_t *buf,
		       size_t len)
{
	int i;

	for (i = 0; i < st->n && len > 0; i++) {
		uint64_t size = st->sec[i].size;

		if (off >= size) {
			off -= size;
			continue;
		}
		while (len > 0 && off < size) {
			uint32_t lba = st->sec[i].block + (uint32_t)(off /
								 MS_BLOCK);
			size_t at = (size_t)(off % MS_BLOCK);
			size_t take = MS_BLOCK - at;

			if (take > len)
				take = len;
			if (take > size - off)
				take = (size_t)(size - off);
			if (ms_medium_read(st->m, st->c, lba, 1, st->blk) < 0)
				return -1;
			memcpy(buf, st->blk + at, take);
			buf += take;
			len -= take;
			off += take;
		}
		off = 0;
	}
	return len ? ms_fail(st->c, MS_EXIT_FAILURE, "its zisofs data "
			     "points past its end") : 0;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The zisofs file in st, decompressed, into fd: size bytes. */
static int unzisofs(struct stored *st, uint64_t size, int fd,
		    const char *out)
{
	uint8_t head[ZF_HEADER], *ptrs = NULL, *in = NULL, *block = NULL;
	uint64_t nblocks, i, bsize, done = 0;
	int ret = -1;

	if (stored_read(st, 0, head, sizeof(head)) < 0)
		return -1;
	if (memcmp(head, zisofs_magic, sizeof(zisofs_magic)) ||
	    le32(head + 8) != size || head[12] != ZF_HEADER / 4 ||
	    head[13] < ZF_LOG2_MIN || head[13] > ZF_LOG2_MAX)
		return ms_fail(st->c, MS_EXIT_FAILURE, "its Rock Ridge entry "
			       "says zisofs, but its data has no zisofs "
			       "version 1 header of that size");
	bsize = (uint64_t)1 << head[13];
	nblocks = (size + bsize - 1) / bsize;
	ptrs = malloc((size_t)(nblocks + 1) * 4);
	in = malloc((size_t)(2 * bsize));
	block = malloc((size_t)bsize);
	if (!ptrs || !in || !block) {
		ms_fail(st->c, MS_EXIT_FAILURE, "out of memory");
		goto out;
	}
	if (stored_read(st, ZF_HEADER, ptrs, (size_t)(nblocks + 1) * 4) < 0)
		goto out;
	for (i = 0; i < nblocks; i++) {
		uint64_t from = le32(ptrs + 4 * i), to = le32(ptrs + 4 * (i + 1));
		uLongf want = (uLongf)(size - done < bsize ? size - done :
				       bsize), got = want;

		if (from < ZF_HEADER + (nblocks + 1) * 4 || to < from ||
		    to - from > 2 * bsize || to > st->size) {
			ms_fail(st->c, MS_EXIT_FAILURE, "its zisofs block %llu "
				"is out of bounds", (unsigned long long)i);
			goto out;
		}
		if (to == from) {
			memset(block, 0, want);
		} else if (stored_read(st, from, in, (size_t)(to - from)) < 0) {
			goto out;
		} else if (uncompress(block, &got, in, (uLong)(to - from)) !=
			   Z_OK || got != want) {
			ms_fail(st->c, MS_EXIT_FAILURE, "its zisofs block %llu "
				"does not inflate to %lu bytes",
				(unsigned long long)i, (unsigned long)want);
			goto out;
		}
		if (ms_write_all(fd, block, want) < 0) {
			ms_fail_errno(st->c, MS_EXIT_FAILURE, errno,
				      "cannot write '%s'", out);
			st->write_failed = 1;
			goto out;
		}
		done += want;
	}
	ret = 0;
out:
	free(ptrs);
	free(in);
	free(block);
	return ret;
}

/*
 * The data of file into fd, from its extents, within its session; a file
 * that Rock Ridge says is zisofs-compressed (its size is not its extents'
 * size) is decompressed.
 */
static int copy_data(struct ms_ctx *c, struct ms_medium *m,
		     const struct ms_layout *l, int index, IsoFile *file,
		     const char *path, int fd, const char *out)
{
	const struct ms_session *s = &l->sessions[index];
	uint64_t end = (uint64_t)s->start + s->blocks, stored = 0;
	struct iso_file_section *sec = NULL;
	uint8_t *buf = NULL;
	SAFE_BUF(shown);
	int i, n = 0, ret = 0;

	if (iso_file_get_size(file) == 0)
		return 0;
	if (iso_file_get_old_image_sections(file, &n, &sec, 0) != 1 || n < 1)
		return ms_fail(c, MS_EXIT_FAILURE, "'%s' in session %d of "
			       "'%s' has no data extents",
			       safe(path, shown, sizeof(shown)), s->number,
			       l->medium);
	for (i = 0; i < n; i++) {
		stored += sec[i].size;
		if ((uint64_t)sec[i].block + (sec[i].size + MS_BLOCK - 1) /
		    MS_BLOCK > end) {
			ms_fail(c, MS_EXIT_FAILURE, "'%s' in session %d of "
				"'%s' points at block %u, beyond the session's "
				"end (%llu)", safe(path, shown, sizeof(shown)),
				s->number, l->medium, sec[i].block,
				(unsigned long long)end);
			free(sec);
			return -1;
		}
	}
	if (stored != (uint64_t)iso_file_get_size(file)) {
		struct stored *st = calloc(1, sizeof(*st));

		if (!st) {
			free(sec);
			return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		}
		*st = (struct stored){ c, m, sec, n, stored, 0, { 0 } };
		ret = unzisofs(st, (uint64_t)iso_file_get_size(file), fd, out);
		if (ret < 0 && !st->write_failed)
			ms_fail_prefix(c, "cannot read '%s' of session %d",
				       safe(path, shown, sizeof(shown)),
				       s->number);
		free(st);
		free(sec);
		return ret;
	}
	buf = malloc((size_t)CHUNK_BLOCKS * MS_BLOCK);
	if (!buf) {
		free(sec);
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	}
	for (i = 0; i < n && ret == 0; i++) {
		uint64_t left = sec[i].size;
		uint32_t lba = sec[i].block;

		while (left > 0 && ret == 0) {
			size_t len = left < (uint64_t)CHUNK_BLOCKS * MS_BLOCK ?
				(size_t)left : (size_t)CHUNK_BLOCKS * MS_BLOCK;
			uint32_t nb = (uint32_t)((len + MS_BLOCK - 1) /
						 MS_BLOCK);

			if (ms_medium_read(m, c, lba, nb, buf) < 0) {
				ms_fail_prefix(c, "cannot read '%s' of "
					       "session %d", safe(path, shown,
					       sizeof(shown)), s->number);
				ret = -1;
			} else if (ms_write_all(fd, buf, len) < 0) {
				ret = ms_fail_errno(c, MS_EXIT_FAILURE, errno,
						    "cannot write '%s'", out);
			}
			lba += nb;
			left -= len;
		}
	}
	free(buf);
	free(sec);
	return ret;
}

static int kind_refusal(struct ms_ctx *c, IsoNode *node, const char *path)
{
	SAFE_BUF(shown);
	const char *what;

	switch (iso_node_get_type(node)) {
	case LIBISO_FILE:
		return 0;
	case LIBISO_DIR:
		what = "a directory";
		break;
	case LIBISO_SYMLINK:
		what = "a symbolic link";
		break;
	default:
		what = "a special file";
		break;
	}
	return ms_fail(c, MS_EXIT_FAILURE, "'%s' is %s, not a file",
		       safe(path, shown, sizeof(shown)), what);
}

int ms_extract_cat(struct ms_ctx *c, struct ms_medium *m,
		   const struct ms_layout *l, int index, const char *path,
		   int fd, const char *out)
{
	struct ms_import *imp = NULL;
	IsoNode *node;
	int ret;

	if (ms_import_open(c, m, l, index, NULL, &imp) < 0)
		return -1;
	ret = lookup(c, l, index, iso_image_get_root(ms_import_image(imp)),
		     path, &node);
	if (ret == 0)
		ret = kind_refusal(c, node, path);
	if (ret == 0)
		ret = copy_data(c, m, l, index, (IsoFile *)node, path, fd,
				out);
	ms_import_free(imp);
	return ret;
}

struct restore {
	struct ms_ctx *c;
	struct ms_medium *m;
	const struct ms_layout *l;
	int index;
	struct ms_extract_stats *st;
};

static void set_times(struct timespec ts[2], IsoNode *node)
{
	ts[0].tv_sec = iso_node_get_atime(node);
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = iso_node_get_mtime(node);
	ts[1].tv_nsec = 0;
}

static mode_t mode_of(IsoNode *node)
{
	return iso_node_get_permissions(node) & 01777;
}

static void skip(struct restore *r, const char *path, const char *why,
		 int err)
{
	SAFE_BUF(shown);

	r->st->skipped++;
	ms_warn(r->c, "skipping '%s': %s%s%s", safe(path, shown,
		sizeof(shown)), why, err ? ": " : "", err ? strerror(err) : "");
}

/* Apart from restore_node, so that its buffer is not on every level. */
static void warn_special(struct restore *r, const char *path)
{
	SAFE_BUF(shown);

	ms_warn(r->c, "not restoring '%s': a device, fifo or socket",
		safe(path, shown, sizeof(shown)));
}

static int restore_node(struct restore *r, int dfd, IsoNode *node,
			const char *parent);

/* The children of dir into the open directory dfd. */
static int restore_children(struct restore *r, int dfd, IsoDir *dir,
			    const char *path)
{
	IsoDirIter *it;
	IsoNode *node;
	int ret = 0;

	if (iso_dir_get_children(dir, &it) < 0)
		return ms_fail(r->c, MS_EXIT_FAILURE, "out of memory");
	while (ret == 0 && iso_dir_iter_next(it, &node) == 1)
		ret = restore_node(r, dfd, node, path);
	iso_dir_iter_free(it);
	return ret;
}

static int restore_file(struct restore *r, int dfd, IsoNode *node,
			const char *name, const char *path)
{
	struct timespec ts[2];
	int fd, ret;

	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0) {
		skip(r, path, "cannot create it", errno);
		return 0;
	}
	ret = copy_data(r->c, r->m, r->l, r->index, (IsoFile *)node, path,
			fd, path);
	set_times(ts, node);
	if (ret == 0 && (fchmod(fd, mode_of(node)) < 0 ||
			 futimens(fd, ts) < 0))
		ret = ms_fail_errno(r->c, MS_EXIT_FAILURE, errno, "cannot set "
				    "the mode and time of a restored file");
	if (close(fd) < 0 && ret == 0)
		ret = ms_fail_errno(r->c, MS_EXIT_FAILURE, errno, "cannot "
				    "write a restored file");
	if (ret == 0)
		r->st->files++;
	return ret;
}

/* dfd's contents from dir, then its mode and times. */
static int fill_dir(struct restore *r, int dfd, IsoNode *dir,
		    const char *path)
{
	struct timespec ts[2];

	if (restore_children(r, dfd, (IsoDir *)dir, path) < 0)
		return -1;
	set_times(ts, dir);
	if (fchmod(dfd, mode_of(dir)) < 0 || futimens(dfd, ts) < 0)
		return ms_fail_errno(r->c, MS_EXIT_FAILURE, errno, "cannot set "
				     "the mode and time of a restored "
				     "directory");
	r->st->dirs++;
	return 0;
}

static int restore_dir(struct restore *r, int dfd, IsoNode *node,
		       const char *name, const char *path)
{
	int sub, ret;

	if (mkdirat(dfd, name, 0700) < 0) {
		skip(r, path, "cannot make the directory", errno);
		return 0;
	}
	sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		     O_CLOEXEC);
	if (sub < 0) {
		skip(r, path, "cannot open the directory just made", errno);
		return 0;
	}
	ret = fill_dir(r, sub, node, path);
	close(sub);
	return ret;
}

static int restore_link(struct restore *r, int dfd, IsoNode *node,
			const char *name, const char *path)
{
	struct timespec ts[2];

	if (symlinkat(iso_symlink_get_dest((IsoSymlink *)node), dfd,
		      name) < 0) {
		skip(r, path, "cannot make the symbolic link", errno);
		return 0;
	}
	set_times(ts, node);
	if (utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return ms_fail_errno(r->c, MS_EXIT_FAILURE, errno, "cannot set "
				     "the time of a restored symbolic link");
	r->st->links++;
	return 0;
}

static int restore_node(struct restore *r, int dfd, IsoNode *node,
			const char *parent)
{
	const char *name = iso_node_get_name(node);
	size_t a = strlen(parent), b = strlen(name ? name : "");
	char *path = malloc(a + b + 2);
	int ret = 0;

	if (!path)
		return ms_fail(r->c, MS_EXIT_FAILURE, "out of memory");
	snprintf(path, a + b + 2, "%s%s%s", parent,
		 a && parent[a - 1] == '/' ? "" : "/", name ? name : "");
	if (!ms_extract_name_ok(name)) {
		skip(r, path, "its name is not one plain path component", 0);
		goto out;
	}
	switch (iso_node_get_type(node)) {
	case LIBISO_FILE:
		ret = restore_file(r, dfd, node, name, path);
		break;
	case LIBISO_DIR:
		ret = restore_dir(r, dfd, node, name, path);
		break;
	case LIBISO_SYMLINK:
		ret = restore_link(r, dfd, node, name, path);
		break;
	default:
		r->st->special++;
		warn_special(r, path);
		break;
	}
out:
	free(path);
	return ret;
}

/* dir, made if missing, open; MS_EXIT_USAGE if it holds anything. */
static int open_target(struct ms_ctx *c, const char *dir, int *out)
{
	struct dirent *de;
	DIR *d;
	int fd, fd2, used = 0;

	*out = -1;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno, "cannot make "
				     "directory '%s'", dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ms_fail_errno(c, errno == ENOTDIR ? MS_EXIT_USAGE :
				     MS_EXIT_FAILURE, errno, "cannot open "
				     "directory '%s'", dir);
	fd2 = dup(fd);
	d = fd2 < 0 ? NULL : fdopendir(fd2);
	if (!d) {
		if (fd2 >= 0)
			close(fd2);
		close(fd);
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno, "cannot read "
				     "directory '%s'", dir);
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			used = 1;
	closedir(d);
	if (used) {
		close(fd);
		return ms_fail(c, MS_EXIT_USAGE, "directory '%s' is not empty: "
			       "lsms restores into a new or empty directory "
			       "only", dir);
	}
	*out = fd;
	return 0;
}

int ms_extract_tree(struct ms_ctx *c, struct ms_medium *m,
		    const struct ms_layout *l, int index, const char *path,
		    const char *dir, struct ms_extract_stats *st)
{
	struct restore r = { c, m, l, index, st };
	struct ms_import *imp = NULL;
	IsoNode *node;
	int fd, ret;

	memset(st, 0, sizeof(*st));
	if (open_target(c, dir, &fd) < 0)
		return -1;
	ret = ms_import_open(c, m, l, index, NULL, &imp);
	if (ret == 0)
		ret = lookup(c, l, index,
			     iso_image_get_root(ms_import_image(imp)), path,
			     &node);
	if (ret == 0 && iso_node_get_type(node) == LIBISO_DIR)
		ret = fill_dir(&r, fd, node, path ? path : "/");
	else if (ret == 0)
		ret = restore_node(&r, fd, node, "");
	close(fd);
	ms_import_free(imp);
	return ret;
}
