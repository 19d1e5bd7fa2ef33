/*
 * An archive as a content source: every entry libarchive reads (tar, pax,
 * cpio, zip, 7z, ISO; compressed or not) goes into the tree.
 *
 * No entry's data is ever held in memory.  A file's content becomes an
 * IsoStream that reads a range of a file descriptor when the image is
 * written: of the archive itself when it is an uncompressed tar file
 * (tar keeps each entry's data in one piece), else of one spool file
 * under TMPDIR that the entries' data is copied to as the archive is
 * read.  The spool file is unlinked as soon as it is made, so no exit
 * path leaves it behind.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <libisofs/libisofs.h>

#include "exit.h"
#include "isomsg.h"
#include "safetext.h"
#include "source.h"

#define ARC_READ_BLOCK	(1024 * 1024)
#define ARC_PIPE_WIDTH	(1024 * 1024)
#define ARC_FS_ID	0x4d53		/* our streams' file system id */
#define ARC_NAME_SHOWN	256		/* bytes of an entry name in messages */

/* A file descriptor shared by the streams that read it. */
struct arc_fd {
	int fd;
	int refs;
	dev_t serial;		/* tells our streams of two files apart */
};

/* One file's content: size bytes at off of f. */
struct arc_stream {
	struct arc_fd *f;
	off_t off;
	off_t size;
	off_t pos;
	ino_t ino;
};

/*
 * The content of an excluded file that later hard links may still name
 * (when keeping it costs nothing: read in place, or a link count above
 * one says so).
 */
struct arc_kept {
	struct arc_kept *next;
	char *rel;
	IsoStream *stream;
};

struct arc_source {
	struct ms_source base;
	struct arc_kept *kept;
	char *path;		/* "-": standard input */
	struct arc_fd *archive;	/* the archive file, read in place */
	struct arc_fd *spool;	/* the spool file, made when first needed */
	off_t spool_end;
	off_t in_base;		/* where the archive starts in its file */
	const char *tmpdir;
	ino_t next_ino;
	char shown[ARC_NAME_SHOWN * 4 + 1];	/* the current entry */
};

static dev_t arc_serials;

static struct arc_fd *arc_fd_new(int fd)
{
	struct arc_fd *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->fd = fd;
	f->refs = 1;
	f->serial = ++arc_serials;
	return f;
}

static void arc_fd_put(struct arc_fd *f)
{
	if (!f || --f->refs > 0)
		return;
	close(f->fd);
	free(f);
}

static int as_open(IsoStream *s)
{
	((struct arc_stream *)s->data)->pos = 0;
	return ISO_SUCCESS;
}

static int as_close(IsoStream *s)
{
	(void)s;
	return ISO_SUCCESS;
}

static off_t as_get_size(IsoStream *s)
{
	return ((struct arc_stream *)s->data)->size;
}

static int as_read(IsoStream *s, void *buf, size_t count)
{
	struct arc_stream *d = s->data;
	size_t done = 0;
	ssize_t n;

	if ((off_t)count > d->size - d->pos)
		count = (size_t)(d->size - d->pos);
	while (done < count) {
		n = pread(d->f->fd, (char *)buf + done, count - done,
			  d->off + d->pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ISO_FILE_READ_ERROR;
		if (n == 0)
			break;	/* the file shrank: libisofs pads and warns */
		done += (size_t)n;
		d->pos += n;
	}
	return (int)done;
}

static int as_is_repeatable(IsoStream *s)
{
	(void)s;
	return 1;
}

static void as_get_id(IsoStream *s, unsigned int *fs_id, dev_t *dev_id,
		      ino_t *ino_id)
{
	struct arc_stream *d = s->data;

	*fs_id = ARC_FS_ID;
	*dev_id = d->f->serial;
	*ino_id = d->ino;
}

static void as_free(IsoStream *s)
{
	struct arc_stream *d = s->data;

	arc_fd_put(d->f);
	free(d);
}

static int as_update_size(IsoStream *s)
{
	(void)s;
	return ISO_SUCCESS;
}

static IsoStreamIface arc_stream_class = {
	.version = 1,
	.type = "user",
	.open = as_open,
	.close = as_close,
	.get_size = as_get_size,
	.read = as_read,
	.is_repeatable = as_is_repeatable,
	.get_id = as_get_id,
	.free = as_free,
	.update_size = as_update_size,
};

static IsoStream *arc_stream_new(struct arc_source *a, struct arc_fd *f,
				 off_t off, off_t size)
{
	IsoStream *s = calloc(1, sizeof(*s));
	struct arc_stream *d = calloc(1, sizeof(*d));

	if (!s || !d) {
		free(s);
		free(d);
		return NULL;
	}
	d->f = f;
	f->refs++;
	d->off = off;
	d->size = size;
	d->ino = ++a->next_ino;
	s->class = &arc_stream_class;
	s->refcount = 1;
	s->data = d;
	return s;
}

static const char *arc_name(const struct arc_source *a)
{
	return strcmp(a->path, "-") ? a->path : "standard input";
}

static int arc_fail(struct arc_source *a, struct ms_ctx *c, int status,
		    struct archive *ar, const char *what)
{
	const char *why = ar ? archive_error_string(ar) : NULL;
	char msg[MS_MSG_MAX];

	snprintf(msg, sizeof(msg), "%s", why ? why : "unknown error");
	ms_msg_tidy(msg);
	if (a->shown[0])
		return ms_fail(c, status, "cannot read archive '%s' at entry "
			       "'%s': %s: %s", arc_name(a), a->shown, what,
			       msg);
	return ms_fail(c, status, "cannot read archive '%s': %s: %s",
		       arc_name(a), what, msg);
}

/*
 * The entry name as a path relative to the graft point, in out: a
 * leading '/' and "." parts dropped.  Returns 1 with a name, 0 for the
 * graft point itself, -1 if a ".." part makes it unsafe.
 */
static int clean_name(const char *name, char *out, size_t size)
{
	const char *p = name, *end;
	size_t n = 0, len;

	out[0] = '\0';
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchr(p, '/');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 2 && !strncmp(p, "..", 2))
			return -1;
		if (!(len == 1 && *p == '.')) {
			if (n + len + 2 > size)
				return -1;
			out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
			out[n] = '\0';
		}
		p += len;
	}
	return n > 0;
}

static const char *entry_name(struct archive_entry *e)
{
	const char *name = archive_entry_pathname_utf8(e);

	return name ? name : archive_entry_pathname(e);
}

static void set_attrs(const struct ms_tree *t, IsoNode *node,
		      struct archive_entry *e)
{
	time_t mtime = archive_entry_mtime(e);

	iso_node_set_permissions(node, archive_entry_perm(e) & 07777);
	iso_node_set_uid(node, archive_entry_uid(e));
	iso_node_set_gid(node, archive_entry_gid(e));
	iso_node_set_mtime(node, mtime);
	iso_node_set_atime(node, archive_entry_atime_is_set(e) ?
			   archive_entry_atime(e) : mtime);
	iso_node_set_ctime(node, archive_entry_ctime_is_set(e) ?
			   archive_entry_ctime(e) : mtime);
	ms_tree_clamp_times(t, node);
}

static void copy_attrs(IsoNode *to, IsoNode *from)
{
	iso_node_set_permissions(to, iso_node_get_permissions(from));
	iso_node_set_uid(to, iso_node_get_uid(from));
	iso_node_set_gid(to, iso_node_get_gid(from));
	iso_node_set_mtime(to, iso_node_get_mtime(from));
	iso_node_set_atime(to, iso_node_get_atime(from));
	iso_node_set_ctime(to, iso_node_get_ctime(from));
}

/* The parent directory of path (made if missing) and path's last part. */
static int parent_of(struct arc_source *a, struct ms_ctx *c,
		     const struct ms_tree *t, char *path, IsoDir **dir,
		     const char **leaf)
{
	char *slash = strrchr(path, '/');
	int ret;

	*slash = '\0';
	ret = ms_tree_make_dirs(t, c, path[0] ? path : "/", dir);
	*slash = '/';
	*leaf = slash + 1;
	if (ret < 0)
		ms_fail_prefix(c, "archive '%s': ", arc_name(a));
	return ret;
}

/* Drop what sits at leaf in dir, so that an entry can take its place. */
static int clear_place(struct arc_source *a, struct ms_ctx *c,
		       const struct ms_tree *t, IsoDir *dir, const char *leaf)
{
	IsoNode *old = NULL;
	int ret;

	iso_image_dir_get_node(t->image, dir, leaf, &old, 0);
	if (!old)
		return 0;
	ret = ms_tree_remove(old);
	if (ret < 0)
		return ms_iso_fail(c, ret, "archive '%s': cannot replace '%s'",
				   arc_name(a), a->shown);
	return 0;
}

static int pwrite_all(int fd, const void *buf, size_t n, off_t off)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		w = pwrite(fd, p, n, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/*
 * Copy the entry's data to the end of the spool file.  The free space of
 * its file system is checked first when the size is known; a write that
 * runs out of space fails the same way.
 */
static int spool_entry(struct arc_source *a, struct ms_ctx *c,
		       struct archive *ar, struct archive_entry *e,
		       off_t *off, off_t *size)
{
	const void *buf;
	size_t len;
	la_int64_t at;
	off_t end = 0;
	struct statvfs vfs;
	int r;

	if (!a->spool) {
		char *tmpl;
		int fd;

		if (asprintf(&tmpl, "%s/mkms-spool-XXXXXX", a->tmpdir) < 0)
			return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		fd = mkstemp(tmpl);
		if (fd >= 0)
			unlink(tmpl);
		free(tmpl);
		if (fd < 0)
			return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
					     "cannot make a spool file in "
					     "TMPDIR '%s'", a->tmpdir);
		a->spool = arc_fd_new(fd);
		if (!a->spool) {
			close(fd);
			return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		}
	}
	if (archive_entry_size_is_set(e) &&
	    fstatvfs(a->spool->fd, &vfs) == 0 &&
	    (uint64_t)archive_entry_size(e) >
	    (uint64_t)vfs.f_bavail * vfs.f_frsize)
		return ms_fail(c, MS_EXIT_NOSPACE, "not enough space in TMPDIR "
			       "'%s' to spool entry '%s' of archive '%s': %lld "
			       "bytes needed, %llu free", a->tmpdir, a->shown,
			       arc_name(a), (long long)archive_entry_size(e),
			       (unsigned long long)vfs.f_bavail * vfs.f_frsize);
	*off = a->spool_end;
	for (;;) {
		r = archive_read_data_block(ar, &buf, &len, &at);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			return arc_fail(a, c, MS_EXIT_FAILURE, ar,
					"cannot read its data");
		if (len && pwrite_all(a->spool->fd, buf, len,
					 *off + at) < 0)
			return ms_fail_errno(c, errno == ENOSPC ?
					     MS_EXIT_NOSPACE : MS_EXIT_FAILURE,
					     errno, "cannot spool entry '%s' "
					     "of archive '%s' to TMPDIR '%s'",
					     a->shown, arc_name(a), a->tmpdir);
		if (at + (off_t)len > end)
			end = at + (off_t)len;
	}
	if (archive_entry_size_is_set(e) && archive_entry_size(e) > end)
		end = archive_entry_size(e);
	/* a sparse file's trailing hole */
	if (ftruncate(a->spool->fd, *off + end) < 0)
		return ms_fail_errno(c, errno == ENOSPC ? MS_EXIT_NOSPACE :
				     MS_EXIT_FAILURE, errno,
				     "cannot spool entry '%s' of archive '%s' "
				     "to TMPDIR '%s'", a->shown, arc_name(a),
				     a->tmpdir);
	*size = end;
	a->spool_end = *off + end;
	return 0;
}

/* The stream of a regular file entry: in place, or spooled. */
static int entry_stream(struct arc_source *a, struct ms_ctx *c,
			struct archive *ar, struct archive_entry *e,
			IsoStream **out)
{
	off_t off = 0, size = 0;

	if (a->archive && archive_entry_size_is_set(e) &&
	    archive_entry_sparse_count(e) == 0) {
		off = a->in_base + (off_t)archive_filter_bytes(ar, 0);
		size = (off_t)archive_entry_size(e);
		*out = arc_stream_new(a, a->archive, off, size);
	} else {
		if (spool_entry(a, c, ar, e, &off, &size) < 0)
			return -1;
		*out = arc_stream_new(a, a->spool, off, size);
	}
	if (!*out)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	return 0;
}

/* What update mode compares of an entry. */
static void fill_entry(struct ms_entry *me, const struct arc_source *a,
		       struct archive_entry *e, off_t size, const char *target)
{
	memset(me, 0, sizeof(*me));
	me->name = a->shown;
	me->mode = archive_entry_mode(e);
	me->uid = (uid_t)archive_entry_uid(e);
	me->gid = (gid_t)archive_entry_gid(e);
	me->mtime.tv_sec = archive_entry_mtime(e);
	me->mtime.tv_nsec = archive_entry_mtime_nsec(e);
	me->size = size;
	me->target = target;
}

/* The node the tree holds at path, or NULL. */
static IsoNode *node_at(const struct ms_tree *t, const char *path)
{
	IsoNode *node = NULL;

	if (iso_tree_path_to_node(t->image, path, &node) != 1)
		return NULL;
	return node;
}

/*
 * --exclude: whether the entry at rel (relative to the graft point, no
 * leading '/') or a directory above it matches, so that an excluded
 * directory's entries stay out as when a directory is walked.
 */
static int excluded(const struct ms_tree *t, const char *rel)
{
	char buf[PATH_MAX], *part, *slash;

	if (!t->npatterns || strlen(rel) >= sizeof(buf))
		return 0;
	strcpy(buf, rel);
	for (part = buf;; part = slash + 1) {
		slash = strchr(part, '/');
		if (slash)
			*slash = '\0';
		if (ms_tree_excluded(t, buf, part))
			return 1;
		if (!slash)
			return 0;
		*slash = '/';
	}
}

/* A regular file, or a hard link that brings data (as cpio's last). */
static int add_file(struct arc_source *a, struct ms_ctx *c,
		    const struct ms_tree *t, struct archive *ar,
		    struct archive_entry *e, char *path)
{
	IsoStream *stream = NULL;
	IsoNode *old = t->update ? node_at(t, path) : NULL;
	IsoFile *file;
	IsoDir *dir;
	const char *leaf;
	int ret;

	if (old) {
		struct ms_entry me;

		fill_entry(&me, a, e, archive_entry_size(e), NULL);
		if (ms_update_wants_content(t, old, &me) &&
		    entry_stream(a, c, ar, e, &stream) < 0)
			return -1;
		ret = ms_update_same(t, c, old, &me, stream);
		if (ret != 0) {
			if (stream)
				iso_stream_unref(stream);
			return ret < 0 ? -1 : 0;
		}
	}
	if (!stream && entry_stream(a, c, ar, e, &stream) < 0)
		return -1;
	if (parent_of(a, c, t, path, &dir, &leaf) < 0 ||
	    clear_place(a, c, t, dir, leaf) < 0) {
		iso_stream_unref(stream);
		return -1;
	}
	ret = iso_image_add_new_file(t->image, dir, leaf, stream, &file);
	if (ret < 0) {
		iso_stream_unref(stream);
		return ms_iso_fail(c, ret, "archive '%s': cannot add '%s'",
				   arc_name(a), a->shown);
	}
	set_attrs(t, (IsoNode *)file, e);
	ms_update_put(t, (IsoNode *)file, old != NULL);
	return 0;
}

/*
 * A hard link: a new name for the stream of a file added before, so that
 * both share one extent (and one inode number where the writer numbers
 * them).  If the link carries data (cpio puts it on the last name), the
 * earlier names get it.
 */
static int keep_excluded(struct arc_source *a, struct ms_ctx *c,
			 struct archive *ar, struct archive_entry *e,
			 const char *rel)
{
	struct arc_kept *k = calloc(1, sizeof(*k));

	if (k)
		k->rel = strdup(rel);
	if (!k || !k->rel) {
		free(k);
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	}
	if (entry_stream(a, c, ar, e, &k->stream) < 0) {
		free(k->rel);
		free(k);
		return -1;
	}
	k->next = a->kept;
	a->kept = k;
	return 0;
}

static void free_kept(struct arc_source *a)
{
	struct arc_kept *k;

	while (a->kept) {
		k = a->kept;
		a->kept = k->next;
		iso_stream_unref(k->stream);
		free(k->rel);
		free(k);
	}
}

/* A hard link to an excluded file: the link gets the kept content. */
static int add_kept_link(struct arc_source *a, struct ms_ctx *c,
			 const struct ms_tree *t, struct archive_entry *e,
			 const char *trel, char *path)
{
	struct arc_kept *k;
	IsoNode *old = t->update ? node_at(t, path) : NULL;
	struct ms_entry me;
	IsoFile *file;
	IsoDir *dir;
	const char *leaf;
	int ret;

	for (k = a->kept; k && strcmp(k->rel, trel); k = k->next)
		;
	if (!k) {
		ms_warn(c, "warning: leaving out entry '%s' of archive '%s': "
			"a hard link to an excluded file, whose data is gone",
			a->shown, arc_name(a));
		return 0;
	}
	if (old) {
		fill_entry(&me, a, e, iso_stream_get_size(k->stream), NULL);
		me.mode = (me.mode & 07777) | S_IFREG;
		ret = ms_update_same(t, c, old, &me, k->stream);
		if (ret != 0)
			return ret < 0 ? -1 : 0;
	}
	if (parent_of(a, c, t, path, &dir, &leaf) < 0 ||
	    clear_place(a, c, t, dir, leaf) < 0)
		return -1;
	iso_stream_ref(k->stream);
	ret = iso_image_add_new_file(t->image, dir, leaf, k->stream, &file);
	if (ret < 0) {
		iso_stream_unref(k->stream);
		return ms_iso_fail(c, ret, "archive '%s': cannot add '%s'",
				   arc_name(a), a->shown);
	}
	set_attrs(t, (IsoNode *)file, e);
	ms_update_put(t, (IsoNode *)file, old != NULL);
	return 0;
}

static int add_hardlink(struct arc_source *a, struct ms_ctx *c,
			const struct ms_tree *t, struct archive *ar,
			struct archive_entry *e, const char *root, char *path)
{
	const char *target = archive_entry_hardlink_utf8(e);
	char rel[PATH_MAX], *tpath = NULL;
	IsoNode *node = NULL;
	IsoStream *stream;
	IsoFile *file;
	IsoDir *dir;
	const char *leaf;
	int ret = -1, replaced;

	if (!target)
		target = archive_entry_hardlink(e);
	if (clean_name(target, rel, sizeof(rel)) <= 0)
		return ms_fail(c, MS_EXIT_FAILURE, "archive '%s': entry '%s' "
			       "is a hard link to an unsafe name",
			       arc_name(a), a->shown);
	if (asprintf(&tpath, "%s%s", root, rel) < 0)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	if (!strcmp(tpath, path)) {
		/* a link to its own name (cpio repeats names): new data */
		free(tpath);
		if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0)
			return add_file(a, c, t, ar, e, path);
		return 0;
	}
	if (excluded(t, rel + 1)) {
		ret = add_kept_link(a, c, t, e, rel + 1, path);
		goto out;
	}
	if (iso_tree_path_to_node(t->image, tpath, &node) != 1 ||
	    iso_node_get_type(node) != LIBISO_FILE) {
		ms_fail(c, MS_EXIT_FAILURE, "archive '%s': entry '%s' is a "
			"hard link to a file the archive has not given before",
			arc_name(a), a->shown);
		goto out;
	}
	if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0) {
		/* every name so far gets the data: replace the target */
		IsoDir *tdir = iso_node_get_parent(node);
		char *tleaf = strdup(iso_node_get_name(node));

		if (!tleaf) {
			ms_fail(c, MS_EXIT_FAILURE, "out of memory");
			goto out;
		}
		if (entry_stream(a, c, ar, e, &stream) < 0) {
			free(tleaf);
			goto out;
		}
		iso_node_ref(node);
		ret = iso_node_remove(node);
		if (ret >= 0) {
			iso_stream_ref(stream);
			ret = iso_image_add_new_file(t->image, tdir, tleaf,
						     stream, &file);
			if (ret < 0)
				iso_stream_unref(stream);
			else {
				copy_attrs((IsoNode *)file, node);
				ms_update_meet(t, (IsoNode *)file);
			}
		}
		iso_node_unref(node);
		free(tleaf);
		if (ret < 0) {
			iso_stream_unref(stream);
			ms_iso_fail(c, ret, "archive '%s': cannot add '%s'",
				    arc_name(a), a->shown);
			goto out;
		}
		node = (IsoNode *)file;
	} else {
		IsoNode *old = t->update ? node_at(t, path) : NULL;
		struct ms_entry me;

		if (old) {
			/* the link's own record may say size 0: the target's */
			fill_entry(&me, a, e, iso_file_get_size((IsoFile *)node),
				   NULL);
			me.mode = (me.mode & 07777) | S_IFREG;
			ret = ms_update_same(t, c, old, &me,
					     iso_file_get_stream((IsoFile *)node));
			if (ret != 0) {
				ret = ret < 0 ? -1 : 0;
				goto out;
			}
		}
		stream = iso_file_get_stream((IsoFile *)node);
		iso_stream_ref(stream);
	}
	ret = -1;
	replaced = t->update && node_at(t, path);
	if (parent_of(a, c, t, path, &dir, &leaf) < 0 ||
	    clear_place(a, c, t, dir, leaf) < 0) {
		iso_stream_unref(stream);
		goto out;
	}
	ret = iso_image_add_new_file(t->image, dir, leaf, stream, &file);
	if (ret < 0) {
		iso_stream_unref(stream);
		ms_iso_fail(c, ret, "archive '%s': cannot add '%s'",
			    arc_name(a), a->shown);
		goto out;
	}
	copy_attrs((IsoNode *)file, node);
	ms_update_put(t, (IsoNode *)file, replaced);
	ret = 0;
out:
	free(tpath);
	return ret;
}

static int add_symlink(struct arc_source *a, struct ms_ctx *c,
		       const struct ms_tree *t, struct archive_entry *e,
		       char *path)
{
	const char *target = archive_entry_symlink_utf8(e);
	IsoNode *old = t->update ? node_at(t, path) : NULL;
	IsoSymlink *link;
	IsoDir *dir;
	const char *leaf;
	int ret;

	if (!target)
		target = archive_entry_symlink(e);
	if (!target)
		target = "";
	if (old) {
		struct ms_entry me;

		fill_entry(&me, a, e, (off_t)strlen(target), target);
		ret = ms_update_same(t, c, old, &me, NULL);
		if (ret != 0)
			return ret < 0 ? -1 : 0;
	}
	if (parent_of(a, c, t, path, &dir, &leaf) < 0 ||
	    clear_place(a, c, t, dir, leaf) < 0)
		return -1;
	ret = iso_image_add_new_symlink(t->image, dir, leaf, target, &link);
	if (ret < 0)
		return ms_iso_fail(c, ret, "archive '%s': cannot add '%s'",
				   arc_name(a), a->shown);
	set_attrs(t, (IsoNode *)link, e);
	ms_update_put(t, (IsoNode *)link, old != NULL);
	return 0;
}

static int add_dir(struct arc_source *a, struct ms_ctx *c,
		   const struct ms_tree *t, struct archive_entry *e,
		   const char *path)
{
	IsoNode *old = t->update ? node_at(t, path) : NULL;
	struct ms_entry me;
	IsoDir *dir;
	int same = 0;

	if (old && iso_node_get_type(old) != LIBISO_DIR)
		old = NULL;
	if (ms_tree_make_dirs(t, c, path, &dir) < 0) {
		ms_fail_prefix(c, "archive '%s': ", arc_name(a));
		return -1;
	}
	/* the graft point / keeps its own attributes, as with a directory */
	if (dir == iso_image_get_root(t->image))
		return 0;
	if (old) {
		fill_entry(&me, a, e, 0, NULL);
		same = ms_update_same(t, c, (IsoNode *)dir, &me, NULL);
		if (same < 0)
			return -1;
	}
	if (!same) {
		set_attrs(t, (IsoNode *)dir, e);
		/* a directory made on the way counted as added already */
		if (old)
			ms_update_put(t, (IsoNode *)dir, 1);
	}
	return 0;
}

static const char *special_kind(mode_t type)
{
	if (type == AE_IFSOCK)
		return "a socket";
	if (type == AE_IFIFO)
		return "a fifo";
	if (type == AE_IFCHR)
		return "a character device";
	if (type == AE_IFBLK)
		return "a block device";
	return "of unknown type";
}

static int add_entry(struct arc_source *a, struct ms_ctx *c,
		     const struct ms_tree *t, struct archive *ar,
		     struct archive_entry *e, const char *root)
{
	char rel[PATH_MAX], *path;
	mode_t type = archive_entry_filetype(e);
	int named, ret;

	named = clean_name(entry_name(e), rel, sizeof(rel));
	if (named < 0)
		return ms_fail(c, MS_EXIT_FAILURE, "archive '%s': entry '%s' "
			       "has a '..' in its name: refused, as it could "
			       "land outside '%s'", arc_name(a), a->shown,
			       root[0] ? root : "/");
	if (named && excluded(t, rel + 1)) {
		ms_note(c, "leaving out entry '%s' of archive '%s': excluded",
			a->shown, arc_name(a));
		if (type == AE_IFREG && !archive_entry_hardlink(e) &&
		    (a->archive || archive_entry_nlink(e) > 1))
			return keep_excluded(a, c, ar, e, rel + 1);
		return 0;
	}
	if (asprintf(&path, "%s%s", root, rel) < 0)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	if (type != AE_IFDIR &&
	    (archive_entry_hardlink(e) || archive_entry_hardlink_utf8(e)))
		ret = named ? add_hardlink(a, c, t, ar, e, root, path) : 0;
	else if (type == AE_IFDIR)
		ret = add_dir(a, c, t, e, path[0] ? path : "/");
	else if (!named)
		ret = ms_fail(c, MS_EXIT_FAILURE, "archive '%s': entry '%s' "
			      "names the graft point but is no directory",
			      arc_name(a), a->shown);
	else if (type == AE_IFREG)
		ret = add_file(a, c, t, ar, e, path);
	else if (type == AE_IFLNK)
		ret = add_symlink(a, c, t, e, path);
	else {
		ms_warn(c, "skipping entry '%s' of archive '%s': it is %s",
			a->shown, arc_name(a), special_kind(type));
		ret = 0;
	}
	free(path);
	return ret;
}

/* The archive's data can be read in place: an uncompressed tar file. */
static int in_place(struct archive *ar)
{
	return archive_filter_count(ar) == 1 &&
	       archive_filter_code(ar, 0) == ARCHIVE_FILTER_NONE &&
	       (archive_format(ar) & ARCHIVE_FORMAT_BASE_MASK) ==
	       ARCHIVE_FORMAT_TAR;
}

static int arc_add(struct ms_source *s, struct ms_ctx *c,
		   const struct ms_tree *t, const char *iso_path)
{
	struct arc_source *a = (struct arc_source *)s;
	struct archive *ar;
	struct archive_entry *e;
	char *root = NULL;
	size_t len;
	int r, n = 0, ret = -1, fd = -1, reread_fd = -1;

	a->tmpdir = getenv("TMPDIR");
	if (!a->tmpdir || !a->tmpdir[0])
		a->tmpdir = "/tmp";
	a->shown[0] = '\0';
	root = strdup(iso_path ? iso_path : "");
	if (!root)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	len = strlen(root);
	while (len > 0 && root[len - 1] == '/')
		root[--len] = '\0';
	ar = archive_read_new();
	if (!ar) {
		free(root);
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	}
	archive_read_support_filter_all(ar);
	archive_read_support_format_all(ar);
	if (!strcmp(a->path, "-")) {
		struct stat st;

		/*
		 * A wider pipe costs fewer wake-ups of both ends; a regular
		 * file on standard input can be read in place, from where
		 * it stands.
		 */
		if (fstat(STDIN_FILENO, &st) < 0)
			st.st_mode = 0;
		if (S_ISFIFO(st.st_mode))
			fcntl(STDIN_FILENO, F_SETPIPE_SZ, ARC_PIPE_WIDTH);
		if (S_ISREG(st.st_mode)) {
			a->in_base = lseek(STDIN_FILENO, 0, SEEK_CUR);
			if (a->in_base >= 0)
				reread_fd = STDIN_FILENO;
		}
		r = archive_read_open_fd(ar, STDIN_FILENO, ARC_READ_BLOCK);
	} else {
		fd = open(a->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				      "cannot open archive '%s'", a->path);
			goto out;
		}
		reread_fd = fd;
		a->in_base = 0;
		r = archive_read_open_fd(ar, fd, ARC_READ_BLOCK);
	}
	if (r != ARCHIVE_OK) {
		arc_fail(a, c, MS_EXIT_FAILURE, ar, "cannot open it");
		goto out;
	}
	for (;;) {
		r = archive_read_next_header(ar, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			char what[sizeof(a->shown) + 32];

			snprintf(what, sizeof(what), n ? "a bad header after "
				 "entry '%s'" : "a bad header at its start",
				 a->shown);
			a->shown[0] = '\0';
			arc_fail(a, c, MS_EXIT_FAILURE, ar, what);
			goto out;
		}
		ms_safe_text(entry_name(e), a->shown, sizeof(a->shown));
		if (r == ARCHIVE_WARN)
			ms_warn(c, "warning: archive '%s', entry '%s': %s",
				arc_name(a), a->shown, archive_error_string(ar));
		if (n++ == 0 && reread_fd >= 0 && in_place(ar)) {
			int dup_fd = fcntl(reread_fd, F_DUPFD_CLOEXEC, 0);

			if (dup_fd >= 0) {
				a->archive = arc_fd_new(dup_fd);
				if (!a->archive)
					close(dup_fd);
			}
		}
		if (add_entry(a, c, t, ar, e, root) < 0)
			goto out;
	}
	if (n == 0 && archive_format(ar) == ARCHIVE_FORMAT_EMPTY) {
		a->shown[0] = '\0';
		if (!strcmp(a->path, "-"))
			ms_fail(c, MS_EXIT_FAILURE, "no archive on standard "
				"input (did the command before the pipe "
				"fail?)");
		else
			ms_fail(c, MS_EXIT_FAILURE, "archive '%s' is empty",
				a->path);
		goto out;
	}
	ret = 0;
out:
	archive_read_free(ar);
	if (fd >= 0)
		close(fd);
	/* the streams keep what they read */
	arc_fd_put(a->archive);
	a->archive = NULL;
	arc_fd_put(a->spool);
	a->spool = NULL;
	free_kept(a);
	free(root);
	return ret;
}

static void arc_free(struct ms_source *s)
{
	struct arc_source *a = (struct arc_source *)s;

	arc_fd_put(a->archive);
	arc_fd_put(a->spool);
	free(a->path);
	free(a);
}

static const struct ms_source_ops arc_ops = {
	.add = arc_add,
	.free = arc_free,
};

int ms_source_archive_new(struct ms_ctx *c, const char *path,
			  struct ms_source **out)
{
	struct arc_source *a;
	struct stat st;

	*out = NULL;
	if (strcmp(path, "-") && stat(path, &st) < 0)
		return ms_fail_errno(c, MS_EXIT_USAGE, errno,
				     "cannot add archive '%s'", path);
	a = calloc(1, sizeof(*a));
	if (!a)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	a->base.ops = &arc_ops;
	a->path = strdup(path);
	if (!a->path) {
		free(a);
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	}
	*out = &a->base;
	return 0;
}
