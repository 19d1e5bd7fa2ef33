#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libisofs/libisofs.h>

#include "exit.h"
#include "isomsg.h"
#include "source.h"

/* The local file system: one file, symlink or directory tree. */
struct fs_source {
	struct ms_source base;
	char *path;		/* absolute: libisofs wants it so */
};

/*
 * A directory grafted at /dst takes its source's owner, mode and times,
 * as with xorriso -map; the parents made for it keep the build's.
 */
static void copy_dir_attrs(const struct ms_tree *t, IsoNode *node,
			   const struct stat *st)
{
	iso_node_set_permissions(node, st->st_mode & 07777);
	iso_node_set_uid(node, st->st_uid);
	iso_node_set_gid(node, st->st_gid);
	iso_node_set_mtime(node, st->st_mtime);
	iso_node_set_atime(node, st->st_atime);
	iso_node_set_ctime(node, st->st_ctime);
	ms_tree_clamp_times(t, node);
}

static int split_path(const char *iso_path, char **dir, char **leaf)
{
	const char *slash;

	slash = strrchr(iso_path, '/');
	*dir = strndup(iso_path, slash ? (size_t)(slash - iso_path) : 0);
	*leaf = strdup(slash ? slash + 1 : iso_path);
	if (!*dir || !*leaf) {
		free(*dir);
		free(*leaf);
		return -1;
	}
	return 0;
}

static const char *special_kind(mode_t mode)
{
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISFIFO(mode))
		return "a fifo";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	return "of unknown type";
}

static int add_tree(const struct ms_tree *t, struct ms_ctx *c, IsoDir *parent,
		    const char *name, const char *path, const char *rel,
		    int follow);

static int not_dot(const struct dirent *de)
{
	return strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
}

/* Names in descending byte order (see add_dir_entries()). */
static int by_name_descending(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*b)->d_name, (*a)->d_name);
}

/*
 * Merge the entries of directory path into dir; rel is its path relative
 * to the source ("" at the source itself), for --exclude.  libisofs keeps a
 * directory's children in a list sorted by name and walks it from the
 * smallest name on every lookup and insertion; entries met in descending
 * order are each found or put at its head, so a directory of n entries
 * costs n steps, not n * n / 2 (a directory of 50,000 files took half a
 * minute in readdir's order).
 */
static int add_dir_entries(const struct ms_tree *t, struct ms_ctx *c, IsoDir *dir,
			   const char *path, const char *rel)
{
	struct dirent **list;
	char *child, *crel;
	int i, n, ret = 0;

	n = scandir(path, &list, not_dot, by_name_descending);
	if (n < 0)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot read directory '%s'", path);
	for (i = 0; i < n && ret == 0; i++) {
		const char *name = list[i]->d_name;

		if (asprintf(&child, "%s/%s", path, name) < 0) {
			ret = ms_fail(c, MS_EXIT_FAILURE, "out of memory");
			break;
		}
		if (asprintf(&crel, "%s%s%s", rel, rel[0] ? "/" : "",
			     name) < 0) {
			free(child);
			ret = ms_fail(c, MS_EXIT_FAILURE, "out of memory");
			break;
		}
		ret = add_tree(t, c, dir, name, child, crel, 0);
		free(child);
		free(crel);
	}
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return ret;
}

static void fill_entry(struct ms_entry *e, const char *name,
		       const struct stat *st, const char *target)
{
	e->name = name;
	e->mode = st->st_mode;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
	e->mtime = st->st_mtim;
	e->size = st->st_size;
	e->target = target;
}

/* A name no directory entry of ours takes while content is compared. */
#define PROBE_NAME "\001mkms-update-probe"

/*
 * Update mode: whether path is unchanged against old (1), changed (0),
 * or -1.  For --update=content, the content is read through a node that
 * libisofs makes for the file under a probe name and drops again.
 */
static int fs_same(const struct ms_tree *t, struct ms_ctx *c, IsoDir *parent,
		   const char *path, const struct stat *st, IsoNode *old,
		   int follow)
{
	struct ms_entry e;
	char target[PATH_MAX];
	IsoNode *probe = NULL;
	ssize_t n;
	int ret;

	target[0] = '\0';
	if (S_ISLNK(st->st_mode)) {
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
					     "cannot read link '%s'", path);
		target[n] = '\0';
	}
	fill_entry(&e, path, st, target);
	if (!ms_update_wants_content(t, old, &e))
		return ms_update_same(t, c, old, &e, NULL);
	iso_tree_set_follow_symlinks(t->image, follow);
	ret = iso_tree_add_new_node(t->image, parent, PROBE_NAME, path, &probe);
	iso_tree_set_follow_symlinks(t->image, 0);
	if (ret < 0)
		return ms_iso_fail(c, ret, "cannot add '%s'", path);
	ret = ms_update_same(t, c, old, &e,
			     iso_node_get_type(probe) == LIBISO_FILE ?
			     iso_file_get_stream((IsoFile *)probe) : NULL);
	ms_tree_remove(probe);
	return ret;
}

/*
 * Put path into parent under name.  follow: a symlink named on the command
 * line is followed (like cp -H); inside trees symlinks stay symlinks.
 * rel: the path relative to the source, NULL for the source itself.
 */
static int add_tree(const struct ms_tree *t, struct ms_ctx *c, IsoDir *parent,
		    const char *name, const char *path, const char *rel,
		    int follow)
{
	struct stat st;
	IsoNode *old = NULL, *node = NULL;
	int ret, same = 0;

	if ((follow ? stat(path, &st) : lstat(path, &st)) < 0)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot add '%s'", path);
	if (t->exclude && st.st_dev == t->exclude_dev &&
	    st.st_ino == t->exclude_ino) {
		ms_note(c, "leaving out '%s': it is the output", path);
		return 0;
	}
	if (rel && ms_tree_excluded(t, rel, name)) {
		ms_note(c, "leaving out '%s': excluded", path);
		return 0;
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) &&
	    !S_ISLNK(st.st_mode)) {
		ms_warn(c, "skipping '%s': it is %s", path,
			special_kind(st.st_mode));
		return 0;
	}
	iso_image_dir_get_node(t->image, parent, name, &old, 0);
	if (old && t->update) {
		same = fs_same(t, c, parent, path, &st, old, follow);
		if (same < 0)
			return -1;
	}
	if (old && S_ISDIR(st.st_mode) &&
	    iso_node_get_type(old) == LIBISO_DIR) {
		node = old;
		if (t->update && !same) {
			copy_dir_attrs(t, node, &st);
			ms_update_put(t, node, 1);
		}
	} else if (same) {
		return 0;
	} else {
		if (old) {
			ret = ms_tree_remove(old);
			if (ret < 0)
				return ms_iso_fail(c, ret, "cannot replace '%s'",
						name);
		}
		iso_tree_set_follow_symlinks(t->image, follow);
		ret = iso_tree_add_new_node(t->image, parent, name, path,
					    &node);
		iso_tree_set_follow_symlinks(t->image, 0);
		if (ret < 0)
			return ms_iso_fail(c, ret, "cannot add '%s'", path);
		ms_tree_clamp_times(t, node);
		ms_update_put(t, node, old != NULL);
	}
	if (S_ISDIR(st.st_mode))
		return add_dir_entries(t, c, (IsoDir *)node, path,
				       rel ? rel : "");
	return 0;
}

/* libisofs wants absolute local paths; the leaf is not resolved. */
static char *absolute(const char *path)
{
	char *cwd, *out;

	if (path[0] == '/')
		return strdup(path);
	cwd = getcwd(NULL, 0);
	if (!cwd)
		return NULL;
	if (asprintf(&out, "%s/%s", cwd, path) < 0)
		out = NULL;
	free(cwd);
	return out;
}

static int fs_add(struct ms_source *s, struct ms_ctx *c,
		  const struct ms_tree *t, const char *iso_path)
{
	const char *source = ((struct fs_source *)s)->path;
	struct stat st;
	IsoDir *dir;
	char *dname = NULL, *leaf = NULL, *copy = NULL;
	int ret = -1;

	if (stat(source, &st) < 0)
		return ms_fail_errno(c, MS_EXIT_USAGE, errno, "cannot add '%s'",
				     source);
	if (S_ISDIR(st.st_mode)) {
		IsoNode *had = NULL;
		struct ms_entry e;
		int same = 0;

		iso_tree_path_to_node(t->image, iso_path ? iso_path : "/", &had);
		if (had && iso_node_get_type(had) != LIBISO_DIR)
			had = NULL;
		if (ms_tree_make_dirs(t, c, iso_path ? iso_path : "/", &dir) < 0)
			return -1;
		if (dir != iso_image_get_root(t->image)) {
			fill_entry(&e, source, &st, NULL);
			if (had)
				same = ms_update_same(t, c, (IsoNode *)dir, &e,
						      NULL);
			if (!same) {
				copy_dir_attrs(t, (IsoNode *)dir, &st);
				/* a directory made on the way counts once */
				if (had)
					ms_update_put(t, (IsoNode *)dir, 1);
			}
		}
		return add_dir_entries(t, c, dir, source, "");
	}
	if (iso_path) {
		if (split_path(iso_path, &dname, &leaf) < 0)
			return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	} else {
		copy = strdup(source);
		if (!copy)
			return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
			copy[strlen(copy) - 1] = '\0';
		dname = strdup("/");
		leaf = strdup(strrchr(copy, '/') ? strrchr(copy, '/') + 1 :
			      copy);
		if (!dname || !leaf) {
			ms_fail(c, MS_EXIT_FAILURE, "out of memory");
			goto out;
		}
	}
	if (!leaf[0]) {
		/* "/dir/=file" puts the file into /dir under its own name */
		const char *base = strrchr(source, '/');

		free(leaf);
		leaf = strdup(base ? base + 1 : source);
		if (!leaf || !leaf[0]) {
			ms_fail(c, MS_EXIT_USAGE, "cannot tell a name for '%s'",
				source);
			goto out;
		}
	}
	if (ms_tree_make_dirs(t, c, dname, &dir) < 0)
		goto out;
	ret = add_tree(t, c, dir, leaf, source, NULL, 1);
out:
	free(copy);
	free(dname);
	free(leaf);
	return ret;
}


static void fs_free(struct ms_source *s)
{
	free(((struct fs_source *)s)->path);
	free(s);
}

static const struct ms_source_ops fs_ops = {
	.add = fs_add,
	.free = fs_free,
};

int ms_source_fs_new(struct ms_ctx *c, const char *path,
		     struct ms_source **out)
{
	struct fs_source *s;
	struct stat st;

	*out = NULL;
	if (lstat(path, &st) < 0)
		return ms_fail_errno(c, MS_EXIT_USAGE, errno,
				     "cannot add '%s'", path);
	s = calloc(1, sizeof(*s));
	if (!s)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	s->base.ops = &fs_ops;
	s->path = absolute(path);
	if (!s->path) {
		ms_fail_errno(c, MS_EXIT_FAILURE, errno, "cannot add '%s'",
			      path);
		free(s);
		return -1;
	}
	*out = &s->base;
	return 0;
}
