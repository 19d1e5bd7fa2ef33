#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <libburn/libburn.h>
#include <libisofs/libisofs.h>

#include "build.h"
#include "exit.h"
#include "iso9660.h"
#include "isosrc.h"
#include "progress.h"

/* libisofs' ring buffer between its writer thread and us, in blocks */
#define FIFO_BLOCKS	(16 * 1024 * 1024 / MS_BLOCK)
#define SIZING_FIFO_BLOCKS 32	/* the smallest libisofs accepts */
#define FILL_WAIT_USEC	1000
#define FILL_WAIT_MAX	1000	/* then read what is there */
#define MS_DROPPED_NAMED 8	/* files a refusal names */

struct ms_build {
	struct ms_build_opts opts;
	IsoImage *image;
	IsoDataSource *src;
	struct ms_medium *base;
	uint32_t start;
	int import;
	int aaip;		/* the imported tree has ACLs or xattrs */
	int hardlinks;		/* its PX entries number inodes */
	time_t now;
	struct ms_link link;
	struct burn_source *out;
	uint64_t size;
	uint64_t produced;
	uint32_t failed_lba;
	int patch_record;		/* put record into block 0 of the stream */
	uint8_t record[MS_BLOCK];
	char **dropped;		/* in the base's ISO 9660 tree only */
	int *dropped_named;	/* covered by a removal */
	int ndropped;
};

static int iso_fail(struct ms_ctx *c, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record a libisofs failure, with its own words for it. */
static int iso_fail(struct ms_ctx *c, int ret, const char *fmt, ...)
{
	char what[MS_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ms_fail(c, MS_EXIT_FAILURE, "%s: %s", what, iso_error_to_msg(ret));
	ms_iso_msgs(c);
	return -1;
}

static void iso_msgs_drop(void)
{
	char text[ISO_MSGS_MESSAGE_LEN], sev[80];
	int code, imgid;

	iso_obtain_msgs("NEVER", &code, &imgid, text, sev);
}

static int sev_is_failure(const char *sev)
{
	return !strcmp(sev, "SORRY") || !strcmp(sev, "FAILURE") ||
	       !strcmp(sev, "FATAL") || !strcmp(sev, "ABORT") ||
	       !strcmp(sev, "MISHAP");
}

int ms_iso_msgs(struct ms_ctx *c)
{
	char text[ISO_MSGS_MESSAGE_LEN], sev[80];
	int code, imgid, ret = 0;

	while (iso_obtain_msgs("ALL", &code, &imgid, text, sev) > 0) {
		ms_msg_tidy(text);
		if (sev_is_failure(sev)) {
			if (ret == 0 && !c->status)
				ms_fail(c, MS_EXIT_FAILURE, "%s", text);
			else if (ret == 0)
				ms_fail_append(c, " (libisofs: %s)", text);
			ret = -1;
		} else {
			ms_note(c, "libisofs: %s", text);
		}
	}
	return ret;
}

/* The text between the first pair of double quotes of a message. */
static int quoted(const char *text, char *out, size_t size)
{
	const char *from = strchr(text, '"'), *to;

	if (!from)
		return -1;
	to = strrchr(text, '"');
	if (to == from || (size_t)(to - from - 1) >= size)
		return -1;
	memcpy(out, from + 1, (size_t)(to - from - 1));
	out[to - from - 1] = '\0';
	return 0;
}

/*
 * The layout's messages, with the files that some tree cannot hold turned
 * into warnings where it costs data: without Rock Ridge a later session
 * imports the Joliet tree, so what Joliet cannot hold would vanish there.
 * (With Rock Ridge, paths too long for Joliet are a note: only Joliet
 * readers miss them, as mkms(1) says.)
 */
static int layout_msgs(struct ms_build *b, struct ms_ctx *c)
{
	char text[ISO_MSGS_MESSAGE_LEN], sev[80], path[ISO_MSGS_MESSAGE_LEN];
	int code, imgid, ret = 0;

	while (iso_obtain_msgs("ALL", &code, &imgid, text, sev) > 0) {
		ms_msg_tidy(text);
		if (sev_is_failure(sev)) {
			if (ret == 0 && !c->status)
				ms_fail(c, MS_EXIT_FAILURE, "%s", text);
			ret = -1;
		} else if (!b->opts.rockridge &&
			   strstr(text, "added to Joliet tree, because its "
				  "path length") && !quoted(text, path,
							    sizeof(path))) {
			ms_warn(c, "warning: '%s' and all it holds are left "
				"out of the Joliet tree, whose paths end at "
				"240 characters; without Rock Ridge a later "
				"session cannot keep them", path);
		} else if (strstr(text, "Symlinks need RockRidge") &&
			   !quoted(text, path, sizeof(path))) {
			ms_warn(c, "warning: symbolic link '%s' is left out: "
				"only Rock Ridge holds symbolic links", path);
		} else {
			ms_note(c, "libisofs: %s", text);
		}
	}
	return ret;
}

static void clamp_times(struct ms_build *b, IsoNode *node)
{
	time_t mtime;

	if (b->opts.epoch < 0)
		return;
	mtime = iso_node_get_mtime(node);
	if (mtime > (time_t)b->opts.epoch) {
		mtime = (time_t)b->opts.epoch;
		iso_node_set_mtime(node, mtime);
	}
	iso_node_set_atime(node, mtime);
	iso_node_set_ctime(node, mtime);
}

static void set_new_dir_attrs(struct ms_build *b, IsoNode *node)
{
	iso_node_set_permissions(node, 0755);
	iso_node_set_mtime(node, b->now);
	iso_node_set_atime(node, b->now);
	iso_node_set_ctime(node, b->now);
}

/*
 * A directory grafted at /dst takes its source's owner, mode and times,
 * as with xorriso -map; the parents made for it keep the build's.
 */
static void copy_dir_attrs(struct ms_build *b, IsoNode *node,
			   const struct stat *st)
{
	iso_node_set_permissions(node, st->st_mode & 07777);
	iso_node_set_uid(node, st->st_uid);
	iso_node_set_gid(node, st->st_gid);
	iso_node_set_mtime(node, st->st_mtime);
	iso_node_set_atime(node, st->st_atime);
	iso_node_set_ctime(node, st->st_ctime);
	clamp_times(b, node);
}

/*
 * 1 if the root of the session at start numbers inodes in its PX entry
 * (RRIP 1.12, xorriso): its hard links are told by those numbers.  Read
 * through the medium, so a snapshot (which holds these blocks, as the
 * import reads them) answers alike; a block that cannot be read is 0.
 */
static int base_numbers_inodes(struct ms_medium *base, uint32_t start)
{
	uint8_t blk[MS_BLOCK];
	struct ms_ctx quiet;
	struct ms_vd vd;

	ms_ctx_init(&quiet);
	if (ms_medium_read(base, &quiet, start + MS_VD_FIRST, 1, blk) < 0 ||
	    ms_vd_parse(blk, &vd) < 0 || vd.type != MS_VD_PRIMARY ||
	    ms_medium_read(base, &quiet, vd.root_lba, 1, blk) < 0)
		return 0;
	return ms_root_px_has_ino(blk, MS_BLOCK);
}

/* 1 if node carries an ACL or an xattr of its own (not isofs.*). */
static int node_has_aaip(IsoNode *node)
{
	size_t num = 0, i, *lens = NULL;
	char **names = NULL, **values = NULL;
	int found = 0;

	if (iso_node_get_attrs(node, &num, &names, &lens, &values, 1) < 0)
		return 0;
	for (i = 0; i < num && !found; i++)
		found = strncmp(names[i], "isofs.", 6) != 0;
	iso_node_get_attrs(node, &num, &names, &lens, &values, 1 << 15);
	return found;
}

/*
 * 1 if a node under dir (dir included) carries ACLs or xattrs: the base
 * recorded AAIP that the new session must write again.
 */
static int tree_has_aaip(IsoDir *dir)
{
	IsoDirIter *iter;
	IsoNode *node;
	int found = node_has_aaip((IsoNode *)dir);

	if (found || iso_dir_get_children(dir, &iter) < 0)
		return found;
	while (!found && iso_dir_iter_next(iter, &node) == 1)
		found = iso_node_get_type(node) == LIBISO_DIR ?
			tree_has_aaip((IsoDir *)node) : node_has_aaip(node);
	iso_dir_iter_free(iter);
	return found;
}

/* Every data file's first block under dir, into a growing array. */
static int collect_blocks(IsoDir *dir, uint32_t **blocks, size_t *n,
			  size_t *cap)
{
	IsoDirIter *iter;
	IsoNode *node;
	int ret = 0;

	if (iso_dir_get_children(dir, &iter) < 0)
		return -1;
	while (ret == 0 && iso_dir_iter_next(iter, &node) == 1) {
		struct iso_file_section *sec = NULL;
		int count = 0;

		if (iso_node_get_type(node) == LIBISO_DIR) {
			ret = collect_blocks((IsoDir *)node, blocks, n, cap);
			continue;
		}
		if (iso_node_get_type(node) != LIBISO_FILE ||
		    iso_file_get_size((IsoFile *)node) == 0 ||
		    iso_file_get_old_image_sections((IsoFile *)node, &count,
						    &sec, 0) != 1 ||
		    count < 1) {
			free(sec);
			continue;
		}
		if (*n == *cap) {
			uint32_t *more;

			*cap = *cap ? *cap * 2 : 256;
			more = realloc(*blocks, *cap * sizeof(**blocks));
			if (!more) {
				ret = -1;
				free(sec);
				break;
			}
			*blocks = more;
		}
		(*blocks)[(*n)++] = sec[0].block;
		free(sec);
	}
	iso_dir_iter_free(iter);
	return ret;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Files under dir whose first block is not in have[]: b->dropped. */
static int collect_dropped(struct ms_build *b, IsoDir *dir,
			   const uint32_t *have, size_t nhave)
{
	IsoDirIter *iter;
	IsoNode *node;
	int ret = 0;

	if (iso_dir_get_children(dir, &iter) < 0)
		return -1;
	while (ret == 0 && iso_dir_iter_next(iter, &node) == 1) {
		struct iso_file_section *sec = NULL;
		char **more, *path;
		int count = 0;

		if (iso_node_get_type(node) == LIBISO_DIR) {
			ret = collect_dropped(b, (IsoDir *)node, have, nhave);
			continue;
		}
		if (iso_node_get_type(node) != LIBISO_FILE ||
		    iso_file_get_size((IsoFile *)node) == 0 ||
		    iso_file_get_old_image_sections((IsoFile *)node, &count,
						    &sec, 0) != 1 ||
		    count < 1 ||
		    bsearch(&sec[0].block, have, nhave, sizeof(*have),
			    cmp_u32)) {
			free(sec);
			continue;
		}
		free(sec);
		path = iso_tree_get_node_path(node);
		more = realloc(b->dropped, (size_t)(b->ndropped + 1) *
			       sizeof(*b->dropped));
		if (!path || !more) {
			free(path);
			if (more)
				b->dropped = more;
			ret = -1;
			break;
		}
		b->dropped = more;
		b->dropped[b->ndropped++] = path;
	}
	iso_dir_iter_free(iter);
	return ret;
}

/*
 * Without Rock Ridge libisofs imports the base's Joliet tree, which lacks
 * what Joliet cannot hold (paths over 240 characters): those files would
 * silently vanish from the new session.  Load the plain ISO 9660 tree as
 * well and list its files whose data the imported tree does not point at.
 */
static int find_dropped(struct ms_build *b, struct ms_ctx *c,
			const struct ms_layout *l)
{
	IsoImage *plain = NULL;
	IsoReadOpts *ropts = NULL;
	uint32_t *have = NULL;
	size_t nhave = 0, cap = 0;
	int ret;

	ret = iso_image_new("PLAIN", &plain);
	if (ret < 0)
		return iso_fail(c, ret, "cannot create an image");
	ret = iso_read_opts_new(&ropts, 0);
	if (ret < 0) {
		iso_fail(c, ret, "cannot set up the import");
		goto out;
	}
	iso_read_opts_set_start_block(ropts, l->last_start);
	iso_read_opts_set_no_rockridge(ropts, 1);
	iso_read_opts_set_no_joliet(ropts, 1);
	iso_read_opts_set_no_iso1999(ropts, 1);
	iso_read_opts_set_no_aaip(ropts, 1);
	iso_read_opts_set_no_md5(ropts, 1);
	ret = iso_image_import(plain, b->src, ropts, NULL);
	iso_read_opts_free(ropts);
	if (ret < 0) {
		if (c->status)
			ms_fail_prefix(c, "cannot read the ISO 9660 tree of "
				       "the last session of '%s'",
				       ms_medium_name(b->base));
		else
			iso_fail(c, ret, "cannot read the ISO 9660 tree of "
				 "the last session of '%s'",
				 ms_medium_name(b->base));
		goto out;
	}
	iso_msgs_drop();
	ret = -1;
	if (collect_blocks(iso_image_get_root(b->image), &have, &nhave,
			   &cap) < 0)
		goto oom;
	qsort(have, nhave, sizeof(*have), cmp_u32);
	if (collect_dropped(b, iso_image_get_root(plain), have, nhave) < 0)
		goto oom;
	b->dropped_named = calloc((size_t)b->ndropped + 1,
				  sizeof(*b->dropped_named));
	if (!b->dropped_named)
		goto oom;
	ret = 0;
	goto out;
oom:
	ms_fail(c, MS_EXIT_FAILURE, "out of memory");
out:
	free(have);
	iso_image_unref(plain);
	return ret < 0 ? -1 : 0;
}

int ms_build_new(struct ms_ctx *c, const struct ms_build_opts *o,
		 struct ms_medium *base, const struct ms_layout *l,
		 int import, uint32_t start, struct ms_build **out)
{
	struct ms_build *b;
	IsoReadOpts *ropts = NULL;
	IsoReadImageFeatures *features = NULL;
	const char *volid;
	double t0;
	int ret, plain;

	*out = NULL;
	if (ms_lib_init(c) < 0)
		return -1;
	b = calloc(1, sizeof(*b));
	if (!b)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	b->opts = *o;
	b->base = base;
	b->start = start;
	b->import = import;
	if (o->epoch >= 0) {
		b->now = (time_t)o->epoch;
		iso_nowtime(&b->now, 1);
	} else {
		b->now = time(NULL);
		iso_nowtime(&b->now, 2);
	}
	iso_set_local_charset("UTF-8", 0);

	ret = iso_image_new(MS_DEFAULT_VOLID, &b->image);
	if (ret < 0) {
		iso_fail(c, ret, "cannot create an image");
		goto fail;
	}
	iso_tree_set_follow_symlinks(b->image, 0);
	iso_tree_set_ignore_hidden(b->image, 0);
	iso_image_set_ignore_aclea(b->image, 3);

	b->link.start = start;
	b->link.base_blank = !import;
	b->link.created = (int64_t)b->now;
	if (import) {
		const struct ms_session *last = &l->sessions[l->nsessions - 1];

		b->link.base_last = l->last_start;
		b->link.base_nwa = l->nwa;
		b->link.base_sessions = (uint32_t)l->nsessions;
		memcpy(b->link.base_fp, l->fp, MS_FP_LEN);
		memcpy(b->link.base_volid, last->volume_id,
		       sizeof(b->link.base_volid));

		b->src = ms_isosrc_new(base, c, &b->failed_lba);
		if (!b->src) {
			ms_fail(c, MS_EXIT_FAILURE, "out of memory");
			goto fail;
		}
		ms_isosrc_set_limit(b->src, last->start + last->blocks);
		ret = iso_read_opts_new(&ropts, 0);
		if (ret < 0) {
			iso_fail(c, ret, "cannot set up the import");
			goto fail;
		}
		iso_read_opts_set_start_block(ropts, l->last_start);
		iso_read_opts_set_preferjoliet(ropts, 0);
		iso_read_opts_set_no_aaip(ropts, 0);
		iso_read_opts_set_no_md5(ropts, 0);
		iso_read_opts_auto_input_charset(ropts, 1);
		c->status = 0;
		t0 = ms_now();
		ret = iso_image_import(b->image, b->src, ropts, &features);
		iso_read_opts_free(ropts);
		if (ret < 0) {
			if (c->status) {
				ms_fail_prefix(c, "cannot import the last "
					       "session of '%s'",
					       ms_medium_name(base));
			} else {
				ms_fail(c, MS_EXIT_FAILURE,
					"cannot import the last session of "
					"'%s' (session at block %u, "
					"last block read %u): %s%s",
					ms_medium_name(base),
					l->last_start,
					ms_isosrc_last_lba(b->src),
					ret == (int)ISO_OUT_OF_MEM ? "its directory "
					"tree is damaged (libisofs: " : "",
					iso_error_to_msg(ret));
				if (ret == (int)ISO_OUT_OF_MEM)
					ms_fail_append(c, ")");
				ms_iso_msgs(c);
			}
			goto fail;
		}
		ms_iso_msgs(c);
		ms_note(c, "imported the tree of the session at block %u in "
			"%.2f s", l->last_start, ms_now() - t0);
		plain = !iso_read_image_features_has_rockridge(features) &&
			iso_read_image_features_has_joliet(features);
		iso_read_image_features_destroy(features);
		b->aaip = tree_has_aaip(iso_image_get_root(b->image));
		b->hardlinks = base_numbers_inodes(base, l->last_start);
		/* kept unless asked: libisofs rewrites them as they were */
		if (o->no_boot)
			iso_image_remove_boot_image(b->image);
		if (plain && find_dropped(b, c, l) < 0)
			goto fail;
	}
	volid = o->volid;
	if (!volid && !import)
		volid = MS_DEFAULT_VOLID;
	if (volid)
		iso_image_set_volume_id(b->image, volid);
	*out = b;
	return 0;
fail:
	ms_build_free(b);
	return -1;
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

/*
 * Drop a node and everything under it.  Not iso_node_remove_tree(): in
 * libisofs 1.5.4 it tests the node type the wrong way round and crashes on
 * files; iso_node_remove() releases a directory's children with it.
 */
static int remove_node(IsoNode *node)
{
	return iso_node_remove(node);
}

/* Find iso_path's node, or NULL.  Trailing slashes are ignored. */
static IsoNode *lookup(struct ms_build *b, const char *iso_path)
{
	IsoNode *node = NULL;

	if (iso_tree_path_to_node(b->image, iso_path, &node) != 1)
		return NULL;
	return node;
}

/*
 * Mark the dropped files at or under iso_path (compared without regard to
 * case, as ISO 9660 names are uppercase).  Returns how many it covers.
 */
static int cover_dropped(struct ms_build *b, const char *iso_path)
{
	size_t len = strlen(iso_path);
	int i, n = 0;

	while (len > 1 && iso_path[len - 1] == '/')
		len--;
	for (i = 0; i < b->ndropped; i++) {
		const char *d = b->dropped[i];

		if (strncasecmp(d, iso_path, len) ||
		    (d[len] != '\0' && d[len] != '/' && len > 1))
			continue;
		b->dropped_named[i] = 1;
		n++;
	}
	return n;
}

int ms_build_check_dropped(struct ms_build *b, struct ms_ctx *c)
{
	int i, n = 0;

	for (i = 0; i < b->ndropped; i++) {
		if (b->dropped_named[i])
			continue;
		if (n == MS_DROPPED_NAMED)
			ms_fail_append(c, " and more");
		if (n++ >= MS_DROPPED_NAMED)
			continue;
		if (n == 1)
			ms_fail(c, MS_EXIT_UNSUITABLE,
				"the last session of '%s' has no Rock Ridge, "
				"so the new session continues its Joliet "
				"tree, which lacks files of its ISO 9660 "
				"tree: they would be dropped (--rm names them "
				"to drop them knowingly): '%s'",
				ms_medium_name(b->base),
				b->dropped[i]);
		else
			ms_fail_append(c, ", '%s'", b->dropped[i]);
	}
	return n ? -1 : 0;
}

int ms_build_remove(struct ms_build *b, struct ms_ctx *c,
		    const char *iso_path)
{
	IsoNode *node;
	int ret, covered;

	if (iso_path[0] != '/')
		return ms_fail(c, MS_EXIT_USAGE,
			       "--rm wants an absolute path in the image, "
			       "not '%s'", iso_path);
	covered = cover_dropped(b, iso_path);
	node = lookup(b, iso_path);
	if (!node && covered)
		return 0;
	if (!node)
		return ms_fail(c, MS_EXIT_USAGE,
			       "cannot remove '%s': no such file or directory "
			       "in the image", iso_path);
	if (node == (IsoNode *)iso_image_get_root(b->image))
		return ms_fail(c, MS_EXIT_USAGE, "cannot remove the root");
	ret = remove_node(node);
	if (ret < 0)
		return iso_fail(c, ret, "cannot remove '%s'", iso_path);
	return 0;
}

/* The directory at iso_path, made (with parents) if missing. */
static int make_dirs(struct ms_build *b, struct ms_ctx *c,
		     const char *iso_path, IsoDir **out)
{
	IsoDir *dir = iso_image_get_root(b->image);
	char *copy, *part, *save;
	int ret = 0;

	copy = strdup(iso_path);
	if (!copy)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	for (part = strtok_r(copy, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		IsoNode *node = NULL;
		IsoDir *sub;

		iso_image_dir_get_node(b->image, dir, part, &node, 0);
		if (node && iso_node_get_type(node) == LIBISO_DIR) {
			dir = (IsoDir *)node;
			continue;
		}
		if (node) {
			ret = remove_node(node);
			if (ret < 0)
				break;
		}
		ret = iso_tree_add_new_dir(dir, part, &sub);
		if (ret < 0)
			break;
		set_new_dir_attrs(b, (IsoNode *)sub);
		dir = sub;
	}
	free(copy);
	if (ret < 0)
		return iso_fail(c, ret, "cannot make directory '%s'", iso_path);
	*out = dir;
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

static int add_tree(struct ms_build *b, struct ms_ctx *c, IsoDir *parent,
		    const char *name, const char *path, int follow);

/* Merge the entries of directory path into dir. */
static int add_dir_entries(struct ms_build *b, struct ms_ctx *c, IsoDir *dir,
			   const char *path)
{
	struct dirent *de;
	DIR *d;
	char *child;
	int ret = 0;

	d = opendir(path);
	if (!d)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot read directory '%s'", path);
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&child, "%s/%s", path, de->d_name) < 0) {
			ret = ms_fail(c, MS_EXIT_FAILURE, "out of memory");
			break;
		}
		ret = add_tree(b, c, dir, de->d_name, child, 0);
		free(child);
		if (ret < 0)
			break;
	}
	if (!de && errno && ret == 0)
		ret = ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				    "cannot read directory '%s'", path);
	closedir(d);
	return ret;
}

/*
 * Put path into parent under name.  follow: a symlink named on the command
 * line is followed (like cp -H); inside trees symlinks stay symlinks.
 */
static int add_tree(struct ms_build *b, struct ms_ctx *c, IsoDir *parent,
		    const char *name, const char *path, int follow)
{
	struct stat st;
	IsoNode *old = NULL, *node = NULL;
	int ret;

	if ((follow ? stat(path, &st) : lstat(path, &st)) < 0)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot add '%s'", path);
	if (b->opts.exclude && st.st_dev == b->opts.exclude_dev &&
	    st.st_ino == b->opts.exclude_ino) {
		ms_note(c, "leaving out '%s': it is the output", path);
		return 0;
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) &&
	    !S_ISLNK(st.st_mode)) {
		ms_warn(c, "skipping '%s': it is %s", path,
			special_kind(st.st_mode));
		return 0;
	}
	iso_image_dir_get_node(b->image, parent, name, &old, 0);
	if (old && S_ISDIR(st.st_mode) &&
	    iso_node_get_type(old) == LIBISO_DIR) {
		node = old;
	} else {
		if (old) {
			ret = remove_node(old);
			if (ret < 0)
				return iso_fail(c, ret, "cannot replace '%s'",
						name);
		}
		iso_tree_set_follow_symlinks(b->image, follow);
		ret = iso_tree_add_new_node(b->image, parent, name, path,
					    &node);
		iso_tree_set_follow_symlinks(b->image, 0);
		if (ret < 0)
			return iso_fail(c, ret, "cannot add '%s'", path);
		clamp_times(b, node);
	}
	if (S_ISDIR(st.st_mode))
		return add_dir_entries(b, c, (IsoDir *)node, path);
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

static int add_source(struct ms_build *b, struct ms_ctx *c,
		      const char *iso_path, const char *source);

int ms_build_add(struct ms_build *b, struct ms_ctx *c, const char *iso_path,
		 const char *source)
{
	char *abs = absolute(source);
	int ret;

	if (!abs)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot add '%s'", source);
	ret = add_source(b, c, iso_path, abs);
	free(abs);
	return ret;
}

static int add_source(struct ms_build *b, struct ms_ctx *c,
		      const char *iso_path, const char *source)
{
	struct stat st;
	IsoDir *dir;
	char *dname = NULL, *leaf = NULL, *copy = NULL;
	int ret = -1;

	if (stat(source, &st) < 0)
		return ms_fail_errno(c, MS_EXIT_USAGE, errno, "cannot add '%s'",
				     source);
	if (S_ISDIR(st.st_mode)) {
		if (make_dirs(b, c, iso_path ? iso_path : "/", &dir) < 0)
			return -1;
		if (dir != iso_image_get_root(b->image))
			copy_dir_attrs(b, (IsoNode *)dir, &st);
		return add_dir_entries(b, c, dir, source);
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
	if (make_dirs(b, c, dname, &dir) < 0)
		goto out;
	ret = add_tree(b, c, dir, leaf, source, 1);
out:
	free(copy);
	free(dname);
	free(leaf);
	return ret;
}

/*
 * Write options.  fifo: libisofs' ring buffer in blocks.  record: put the
 * link record into the system area (else the system area is zeros).
 */
static int make_opts(struct ms_build *b, struct ms_ctx *c, size_t fifo,
		     int record, IsoWriteOpts **out)
{
	IsoWriteOpts *o;
	char sysarea[MS_SYSAREA_BLOCKS * MS_BLOCK];
	char uuid[17];
	struct tm tm;
	int ret;

	ret = iso_write_opts_new(&o, 0);
	if (ret < 0)
		return iso_fail(c, ret, "cannot set up the image");
	iso_write_opts_set_iso_level(o, 3);
	iso_write_opts_set_rockridge(o, b->opts.rockridge);
	iso_write_opts_set_joliet(o, 1);
	/* xorriso's default compliance, so that both read each other alike */
	iso_write_opts_set_allow_deep_paths(o, 1);
	iso_write_opts_set_allow_longer_paths(o, 1);
	iso_write_opts_set_always_gmt(o, 1);
	iso_write_opts_set_dir_rec_mtime(o, 1 | 2);
	iso_write_opts_set_rrip_version_1_10(o, 1);
	iso_write_opts_set_aaip_susp_1_10(o, 1);
	iso_write_opts_set_omit_version_numbers(o, 2);
	iso_write_opts_set_no_force_dots(o, 2);
	/* ACLs and xattrs the base recorded go on, with or without tags */
	if (b->opts.md5 || b->aaip)
		iso_write_opts_set_aaip(o, 1);
	if (b->opts.md5)
		iso_write_opts_set_record_md5(o, 1, 1);
	/* a base whose PX entries number inodes keeps its hard links */
	if (b->hardlinks) {
		iso_write_opts_set_hardlinks(o, 1);
		iso_write_opts_set_rrip_1_10_px_ino(o, 1);
	}
	iso_write_opts_set_ms_block(o, b->start);
	iso_write_opts_set_appendable(o, b->import);
	iso_write_opts_set_fifo_size(o, fifo);
	gmtime_r(&b->now, &tm);
	strftime(uuid, sizeof(uuid), "%Y%m%d%H%M%S00", &tm);
	iso_write_opts_set_pvd_times(o, b->now, b->now, 0, 0, uuid);
	memset(sysarea, 0, sizeof(sysarea));
	if (record && ms_link_format(&b->link, (uint8_t *)sysarea) < 0) {
		iso_write_opts_free(o);
		return ms_fail(c, MS_EXIT_FAILURE, "cannot format link record");
	}
	ret = iso_write_opts_set_system_area(o, sysarea, 0, 0);
	if (ret < 0) {
		iso_write_opts_free(o);
		return iso_fail(c, ret, "cannot set up the image");
	}
	*out = o;
	return 0;
}

/*
 * libisofs reads a damaged directory record of the base without complaint
 * and then fails to allocate for the nonsense it found (sizes, attribute
 * strings): "Memory allocation error" alone would send the user looking in
 * the wrong place.
 */
static int damaged_tree(struct ms_build *b, struct ms_ctx *c,
			const char *what, int ret)
{
	ms_fail(c, MS_EXIT_FAILURE, "%s: the directory tree of the last "
		"session of '%s' (at block %u) is damaged (libisofs: %s)",
		what, ms_medium_name(b->base), b->link.base_last,
		iso_error_to_msg(ret));
	ms_iso_msgs(c);
	return -1;
}

/* Start libisofs' writer and learn the image size. */
static int start_writer(struct ms_build *b, struct ms_ctx *c, size_t fifo,
			int record, struct burn_source **src, uint64_t *size)
{
	IsoWriteOpts *o;
	int ret;

	if (make_opts(b, c, fifo, record, &o) < 0)
		return -1;
	ret = iso_image_create_burn_source(b->image, o, src);
	iso_write_opts_free(o);
	if (ret < 0) {
		*src = NULL;
		if (ret == (int)ISO_OUT_OF_MEM && b->import)
			return damaged_tree(b, c, "cannot lay out the image",
					    ret);
		return iso_fail(c, ret, "cannot lay out the image");
	}
	*size = (uint64_t)(*src)->get_size(*src);
	if (*size == 0 || *size % MS_BLOCK || *size / MS_BLOCK > UINT32_MAX)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "libisofs laid out an image of %llu bytes",
			       (unsigned long long)*size);
	if (*size / MS_BLOCK > (uint64_t)MS_ISO_MAX_LBA - b->start)
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "an image of %llu blocks at block %u would end "
			       "past block %u, the last ISO 9660 can address",
			       (unsigned long long)(*size / MS_BLOCK), b->start,
			       MS_ISO_MAX_LBA);
	return 0;
}

/*
 * The record names the image size, which libisofs knows only once it has
 * laid the image out.  Without checksum tags the record is simply put into
 * block 0 as the bytes stream past.  With them it must be in place before
 * libisofs writes, as the tags cover block 0: the image is laid out once
 * to learn the size (the writer started for real, with a tiny ring buffer,
 * since a will_cancel run leaves the MD5 array out of its size), then again
 * with the record.
 */
int ms_build_start(struct ms_build *b, struct ms_ctx *c)
{
	struct burn_source *probe = NULL;
	uint64_t probe_size;
	double t0 = ms_now();
	int ret;

	if (!b->opts.md5) {
		if (start_writer(b, c, FIFO_BLOCKS, 0, &b->out, &b->size) < 0)
			return -1;
		b->link.blocks = (uint32_t)(b->size / MS_BLOCK);
		if (ms_link_format(&b->link, b->record) < 0)
			return ms_fail(c, MS_EXIT_FAILURE,
				       "cannot format link record");
		b->patch_record = 1;
		ms_note(c, "laid out %u blocks in %.2f s", b->link.blocks,
			ms_now() - t0);
		return layout_msgs(b, c);
	}
	ret = start_writer(b, c, SIZING_FIFO_BLOCKS, 0, &probe, &probe_size);
	if (probe) {
		probe->cancel(probe);
		burn_source_free(probe);
	}
	if (ret < 0)
		return -1;
	/* the real run repeats whatever the layout pass had to say */
	iso_msgs_drop();
	b->link.blocks = (uint32_t)(probe_size / MS_BLOCK);
	if (start_writer(b, c, FIFO_BLOCKS, 1, &b->out, &b->size) < 0)
		return -1;
	ms_note(c, "laid out %u blocks in %.2f s (two passes)",
		b->link.blocks, ms_now() - t0);
	if (b->size != probe_size)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "the image size changed between layout passes "
			       "(%llu, then %llu bytes)",
			       (unsigned long long)probe_size,
			       (unsigned long long)b->size);
	return layout_msgs(b, c);
}

uint64_t ms_build_size(const struct ms_build *b)
{
	return b->size;
}

const struct ms_link *ms_build_link(const struct ms_build *b)
{
	return &b->link;
}

/*
 * libisofs' writer hands over one block at a time and wakes a waiting
 * reader for each: reading whenever anything is there ping-pongs the two
 * threads millions of times per GiB.  Let the ring buffer fill to what
 * is wanted (or a quarter of it) while the writer runs.
 */
static void wait_for_fill(struct ms_build *b, size_t want)
{
	size_t cap, free_bytes;
	int i;

	for (i = 0; i < FILL_WAIT_MAX; i++) {
		if (iso_ring_buffer_get_status(b->out, &cap, &free_bytes) != 1)
			return;
		if (cap - free_bytes >= want || free_bytes < cap / 4)
			return;
		usleep(FILL_WAIT_USEC);
	}
}

ssize_t ms_build_read(struct ms_build *b, struct ms_ctx *c, uint8_t *buf,
		      size_t size)
{
	int n;

	if (b->produced >= b->size)
		return 0;
	if (size > b->size - b->produced)
		size = (size_t)(b->size - b->produced);
	if (size > INT32_MAX)
		size = INT32_MAX & ~(size_t)(MS_BLOCK - 1);
	wait_for_fill(b, size);
	n = b->out->read_xt(b->out, buf, (int)size);
	if (n < 0 || (n == 0 && b->produced < b->size)) {
		ms_fail(c, MS_EXIT_FAILURE,
			"image production stopped after %llu of %llu bytes",
			(unsigned long long)b->produced,
			(unsigned long long)b->size);
		ms_iso_msgs(c);
		return -1;
	}
	if (b->patch_record && b->produced < MS_BLOCK) {
		size_t from = (size_t)b->produced;
		size_t len = (size_t)n < MS_BLOCK - from ? (size_t)n :
			     MS_BLOCK - from;

		memcpy(buf, b->record + from, len);
	}
	b->produced += (uint64_t)n;
	if (ms_iso_msgs(c) < 0)
		return -1;
	return n;
}

void ms_build_free(struct ms_build *b)
{
	if (!b)
		return;
	if (b->out) {
		if (b->produced < b->size)
			b->out->cancel(b->out);
		burn_source_free(b->out);
	}
	if (b->image)
		iso_image_unref(b->image);
	if (b->src)
		iso_data_source_unref(b->src);
	iso_nowtime(&b->now, 2);
	for (int i = 0; i < b->ndropped; i++)
		free(b->dropped[i]);
	free(b->dropped);
	free(b->dropped_named);
	free(b);
}
