/*
 * mkms content sources: what a new session adds to its tree.
 *
 * A source puts its content under an ISO path of the tree the build is
 * making (struct ms_tree), replacing what sits there and merging
 * directories.  The local file system is one source (source_fs.c); an
 * archive reader would be another, written against the same two
 * operations and the tree helpers below, which also carry update mode
 * and --exclude.  Private to the library and mkms.
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
struct iso_stream;
struct ms_update;

/* The new session's tree and the rules every source follows in it. */
struct ms_tree {
	struct Iso_Image *image;
	time_t now;		/* the build's time: directories made on the way */
	int64_t epoch;		/* SOURCE_DATE_EPOCH, or -1: added times are
				   clamped to it */
	int exclude;		/* leave out the local file exclude_dev/_ino */
	dev_t exclude_dev;	/* (the output image, when it sits in a tree) */
	ino_t exclude_ino;
	struct ms_update *update;	/* NULL unless --update */
	const char *const *patterns;	/* --exclude, see ms_tree_excluded() */
	int npatterns;
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

/*
 * --exclude PATTERN, decided as mkisofs -m and tar --exclude do, with
 * fnmatch(3) and no flags (so '*' matches '/' too): a pattern without
 * '/' is matched against the entry's name, at any depth; a pattern with
 * '/' against relpath, the entry's path relative to its source (no
 * leading '/'; a leading '/' of the pattern is ignored).  An excluded
 * directory is not descended.  Returns 1 to leave the entry out.
 */
int ms_tree_excluded(const struct ms_tree *t, const char *relpath,
		     const char *name);

/*
 * Update mode (mkms --update): for each pathspec, the tree under its ISO
 * path becomes exactly its source.  A source, for each entry it meets
 * whose name is already taken in the tree (old), asks ms_update_same():
 * unchanged, it keeps the old node (and its extents); changed (or new),
 * it puts its own node as usual and reports it with ms_update_put().
 * After every source, ms_update_prune() removes what no source met.
 */
enum ms_update_mode {
	MS_UPDATE_META = 1,	/* type, size, mtime, mode, owner, target */
	MS_UPDATE_CONTENT,	/* type, size, target, then the content's MD5
				   against the one the disc recorded */
};

/* What a source knows about an entry before putting it. */
struct ms_entry {
	const char *name;	/* for messages: where the source has it */
	mode_t mode;		/* type and permission bits, as st_mode */
	uid_t uid;
	gid_t gid;
	struct timespec mtime;	/* before clamping to SOURCE_DATE_EPOCH */
	off_t size;		/* regular files */
	const char *target;	/* symlinks */
};

/* The counts of an update: entries (files, directories, symlinks). */
struct ms_update_sum {
	uint64_t added, changed, removed, unchanged;
	uint64_t bytes;		/* content of the added and changed files,
				   each in whole 2048-byte blocks */
};

int ms_update_new(struct ms_ctx *c, enum ms_update_mode mode,
		  struct ms_update **out);
void ms_update_free(struct ms_update *u);
void ms_update_get_sum(const struct ms_update *u, struct ms_update_sum *s);

/*
 * Whether ms_update_same() needs the entry's content to decide about old
 * (update=content, both regular files of one size): then pass a stream
 * of it.  0 when t is not in update mode.
 */
int ms_update_wants_content(const struct ms_tree *t, struct Iso_Node *old,
			    const struct ms_entry *e);

/*
 * 1: old holds e's content: it stays, with its extents (counted
 * unchanged; or, when only its mode or owner differ, set from e here and
 * counted changed); for a directory, the source merges into it.  0:
 * changed, or old is NULL: the source puts its own node (for a
 * directory it may keep old and set its attributes) and calls
 * ms_update_put().  -1: error on c (reading content).  "Content": a
 * file's size and mtime, or with update=content its size and the MD5 the
 * disc recorded (none recorded: changed) against content's, read whole
 * when ms_update_wants_content() said so (else content may be NULL); a
 * symlink's target and mtime; a directory's mode, owner and mtime.
 * update=content ignores mtimes: an entry kept keeps its old one.  Times
 * are whole seconds, as libisofs keeps Rock Ridge's.
 */
int ms_update_same(const struct ms_tree *t, struct ms_ctx *c,
		   struct Iso_Node *old, const struct ms_entry *e,
		   struct iso_stream *content);

/* A source put node (replaced: something sat there before). */
void ms_update_put(const struct ms_tree *t, struct Iso_Node *node,
		   int replaced);

/*
 * After the sources: remove every node under iso_path (not iso_path
 * itself) that no source met, counted removed.  A missing iso_path is
 * fine.
 */
int ms_update_prune(const struct ms_tree *t, struct ms_ctx *c,
		    const char *iso_path);

/*
 * Mark a node as met without counting it (the directories a graft point
 * passes through).  No-op outside update mode.
 */
void ms_update_meet(const struct ms_tree *t, struct Iso_Node *node);

#endif
