/*
 * mkms content sources: what a new session adds to its tree.
 *
 * A source puts its content under an ISO path of the tree the build is
 * making (struct ms_tree), replacing what sits there and merging
 * directories.  The local file system is one source (source_fs.c); an
 * archive reader or an update mode would be others, written against the
 * same two operations and the tree helpers below.  Private to the
 * library and mkms.
 */
#ifndef MS_SOURCE_H
#define MS_SOURCE_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "ctx.h"

struct Iso_Image;
struct Iso_Dir;
struct Iso_Node;

/* The new session's tree and the rules every source follows in it. */
struct ms_tree {
	struct Iso_Image *image;
	time_t now;		/* the build's time: directories made on the way */
	int64_t epoch;		/* SOURCE_DATE_EPOCH, or -1: added times are
				   clamped to it */
	int exclude;		/* leave out the local file exclude_dev/_ino */
	dev_t exclude_dev;	/* (the output image, when it sits in a tree) */
	ino_t exclude_ino;
};

struct ms_source;

struct ms_source_ops {
	/*
	 * Put the content at iso_path of t, or where the source puts it
	 * when iso_path is NULL.  What already sits there is replaced;
	 * directories merge.  Returns 0, or -1 with the failure on c.
	 */
	int (*add)(struct ms_source *s, struct ms_ctx *c,
		   const struct ms_tree *t, const char *iso_path);
	void (*free)(struct ms_source *s);
};

/* Every source starts with this; its own state follows. */
struct ms_source {
	const struct ms_source_ops *ops;
};

static inline int ms_source_add(struct ms_source *s, struct ms_ctx *c,
				const struct ms_tree *t, const char *iso_path)
{
	return s->ops->add(s, c, t, iso_path);
}

/* Free a source (NULL is fine). */
void ms_source_free(struct ms_source *s);

/*
 * The local file or directory at path.  Checks now (lstat) that it is
 * there: if not, fails with MS_EXIT_USAGE, "cannot add 'path': why".
 * Added, a directory's contents merge into iso_path (into / when NULL);
 * a file or symlink lands at iso_path (at /basename when NULL; a path
 * ending in '/' takes the basename too).  A symlink named as the source
 * is followed, like cp -H; inside directories symlinks stay symlinks.
 * Sockets, fifos and devices are skipped with a warning.  A directory
 * grafted below / takes the source directory's owner, mode and times.
 */
int ms_source_fs_new(struct ms_ctx *c, const char *path,
		     struct ms_source **out);

/*
 * The archive at path ("-": standard input), read through libarchive
 * when added: every entry goes under iso_path (under / when NULL) with
 * its name (a leading '/' and "." parts dropped; a ".." part fails),
 * mode, owner, times, symlink target and hard links.  File data is read
 * in place from an uncompressed tar file (standard input too, when it is
 * a regular file), else spooled to one unlinked
 * temporary file under TMPDIR (its free space checked first: short is
 * MS_EXIT_NOSPACE).  A missing path fails now with MS_EXIT_USAGE; a bad
 * archive fails the add with MS_EXIT_FAILURE, naming the entry.
 */
int ms_source_archive_new(struct ms_ctx *c, const char *path,
			  struct ms_source **out);

/* Helpers for sources. */

/*
 * The directory at iso_path, made with its parents if missing (they get
 * mode 0755 and the build's time); a non-directory in the way is
 * replaced.
 */
int ms_tree_make_dirs(const struct ms_tree *t, struct ms_ctx *c,
		      const char *iso_path, struct Iso_Dir **out);

/* Clamp a node's times to the epoch; atime and ctime become its mtime. */
void ms_tree_clamp_times(const struct ms_tree *t, struct Iso_Node *node);

/*
 * Drop a node and everything under it.  Returns a libisofs error code
 * (< 0) on failure.
 */
int ms_tree_remove(struct Iso_Node *node);

#endif
