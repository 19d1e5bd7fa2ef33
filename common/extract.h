/*
 * Getting data back from a session (lsms --cat and --extract): one file
 * to a descriptor, or a tree restored into a directory.  File data is
 * read through the medium from the extents the session's tree records,
 * bounded by the end of that session; a file whose Rock Ridge ZF entry
 * says zisofs (version 1) is decompressed, as xorriso and the Linux
 * kernel give it (isoinfo -x gives the stored bytes).
 *
 * Restoring never writes outside the target directory, whatever the
 * names on the disc say: every entry is made relative to an open
 * directory descriptor (openat, mkdirat, symlinkat), nothing on the way
 * is followed if it is a symbolic link (O_NOFOLLOW), nothing that exists
 * is replaced (O_EXCL), and names that are not one plain path component
 * ("", ".", "..", or holding '/') are skipped with a warning.
 */
#ifndef MS_EXTRACT_H
#define MS_EXTRACT_H

#include "ctx.h"
#include "layout.h"
#include "medium.h"

/*
 * 1 if name, a name from the disc, is one plain path component: not
 * empty, not "." or "..", and without '/'.
 */
int ms_extract_name_ok(const char *name);

/*
 * Parse "N:PATH", "N" or "PATH" (PATH absolute when it comes without N):
 * *session is N, or 0 for the newest; *path points into spec, or is NULL
 * for "N".  -1 if spec is none of these.
 */
int ms_extract_parse_spec(const char *spec, int *session,
			  const char **path);

/*
 * Write the regular file at path (relative components from the root;
 * "." and empty ones ignored, ".." refused) of l->sessions[index] to fd.
 * A missing path, or one that is a directory, symlink or special file,
 * is MS_EXIT_FAILURE; so are unreadable blocks and failed writes (out
 * names fd in messages).
 */
int ms_extract_cat(struct ms_ctx *c, struct ms_medium *m,
		   const struct ms_layout *l, int index, const char *path,
		   int fd, const char *out);

struct ms_extract_stats {
	unsigned long files, dirs, links;
	unsigned long skipped;		/* unsafe names, entries in the way */
	unsigned long special;		/* devices, fifos, sockets: not made */
};

/*
 * Restore path (NULL or "/" for the whole tree) of l->sessions[index]
 * into dir: a directory's contents go into dir itself (which then takes
 * its mode and time), a file or symlink becomes dir/NAME.  dir is made if
 * missing and must be empty (else MS_EXIT_USAGE, before anything is
 * read).  Modes (without set-user-ID and set-group-ID), mtimes and
 * symlinks are restored, directories' times after their contents; owners
 * are not.  Entries that are skipped are warned about and counted: the
 * caller decides what that means.
 */
int ms_extract_tree(struct ms_ctx *c, struct ms_medium *m,
		    const struct ms_layout *l, int index, const char *path,
		    const char *dir, struct ms_extract_stats *st);

#endif
