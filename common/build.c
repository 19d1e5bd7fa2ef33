/*
 * A build wires the parts of a session together: the import of the
 * base's tree (import.c), the removals, the content sources (source.h)
 * and the writer (writer.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <libisofs/libisofs.h>

#include "build.h"
#include "exit.h"
#include "isomsg.h"

#define MS_DROPPED_NAMED 8	/* files a refusal names */

struct ms_build {
	struct ms_build_opts opts;
	IsoImage *image;
	struct ms_import *imp;		/* the base's last session, or NULL */
	const char *base_name;		/* the base medium, for messages */
	uint32_t start;
	int import;
	time_t now;
	struct ms_tree tree;		/* what sources add into */
	struct ms_link link;
	struct ms_writer *out;
	int *dropped_named;	/* the import's dropped files that a removal
				   covers */
};

int ms_build_new(struct ms_ctx *c, const struct ms_build_opts *o,
		 struct ms_medium *base, const struct ms_layout *l,
		 int import, uint32_t start, struct ms_build **out)
{
	struct ms_build *b;
	const char *volid;
	int ret;

	*out = NULL;
	if (ms_lib_init(c) < 0)
		return -1;
	b = calloc(1, sizeof(*b));
	if (!b)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	b->opts = *o;
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

	b->link.start = start;
	b->link.base_blank = !import;
	b->link.created = (int64_t)b->now;
	if (import) {
		const struct ms_session *last = &l->sessions[l->nsessions - 1];

		b->base_name = l->medium;
		b->link.base_last = l->last_start;
		b->link.base_nwa = l->nwa;
		b->link.base_sessions = (uint32_t)l->nsessions;
		memcpy(b->link.base_fp, l->fp, MS_FP_LEN);
		memcpy(b->link.base_volid, last->volume_id,
		       sizeof(b->link.base_volid));
		if (ms_import_open(c, base, l, o->from_session ?
				   o->from_session - 1 : l->nsessions - 1,
				   NULL, &b->imp) < 0) {
			/* a snapshot may hold no other session's tree */
			if (l->snapshot_of && o->from_session &&
			    o->from_session != l->nsessions &&
			    c->status == MS_EXIT_FAILURE)
				c->status = MS_EXIT_UNSUITABLE;
			goto fail;
		}
		b->image = ms_import_image(b->imp);
		iso_image_ref(b->image);
		/* kept unless asked: libisofs rewrites them as they were */
		if (o->no_boot)
			iso_image_remove_boot_image(b->image);
		b->dropped_named = calloc((size_t)ms_import_ndropped(b->imp) +
					  1, sizeof(*b->dropped_named));
		if (!b->dropped_named) {
			ms_fail(c, MS_EXIT_FAILURE, "out of memory");
			goto fail;
		}
	} else {
		ret = iso_image_new(MS_DEFAULT_VOLID, &b->image);
		if (ret < 0) {
			ms_iso_fail(c, ret, "cannot create an image");
			goto fail;
		}
		iso_tree_set_follow_symlinks(b->image, 0);
		iso_tree_set_ignore_hidden(b->image, 0);
		iso_image_set_ignore_aclea(b->image, 3);
	}
	volid = o->volid;
	if (!volid && !import)
		volid = MS_DEFAULT_VOLID;
	if (volid)
		iso_image_set_volume_id(b->image, volid);
	b->tree.image = b->image;
	b->tree.now = b->now;
	b->tree.epoch = o->epoch;
	b->tree.exclude = o->exclude;
	b->tree.exclude_dev = o->exclude_dev;
	b->tree.exclude_ino = o->exclude_ino;
	b->tree.patterns = o->patterns;
	b->tree.npatterns = o->npatterns;
	if (o->update && ms_update_new(c, (enum ms_update_mode)o->update,
				       &b->tree.update) < 0)
		goto fail;
	*out = b;
	return 0;
fail:
	ms_build_free(b);
	return -1;
}

/* Find iso_path's node, or NULL.  Trailing slashes are ignored. */
static IsoNode *lookup(struct ms_build *b, const char *iso_path)
{
	IsoNode *node = NULL;

	if (iso_tree_path_to_node(b->image, iso_path, &node) != 1)
		return NULL;
	return node;
}

static int ndropped(const struct ms_build *b)
{
	return b->imp ? ms_import_ndropped(b->imp) : 0;
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
	for (i = 0; i < ndropped(b); i++) {
		const char *d = ms_import_dropped(b->imp, i);

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

	for (i = 0; i < ndropped(b); i++) {
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
				"to drop them knowingly): '%s'", b->base_name,
				ms_import_dropped(b->imp, i));
		else
			ms_fail_append(c, ", '%s'",
				       ms_import_dropped(b->imp, i));
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
	ret = ms_tree_remove(node);
	if (ret < 0)
		return ms_iso_fail(c, ret, "cannot remove '%s'", iso_path);
	return 0;
}

int ms_build_add_source(struct ms_build *b, struct ms_ctx *c,
			const char *iso_path, struct ms_source *src)
{
	return ms_source_add(src, c, &b->tree, iso_path);
}

/*
 * Put a zisofs filter on every file the sources added below dir.  Files
 * of the base keep their extents, and so their form; libisofs leaves a
 * file plain when compression would not make it smaller.
 */
static int compress_files(struct ms_build *b, struct ms_ctx *c, IsoDir *dir)
{
	IsoDirIter *it;
	IsoNode *node;
	uint32_t lba;
	int ret = 0;

	if (iso_dir_get_children(dir, &it) < 0)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	while (ret == 0 && iso_dir_iter_next(it, &node) == 1) {
		if (iso_node_get_type(node) == LIBISO_DIR)
			ret = compress_files(b, c, (IsoDir *)node);
		else if (iso_node_get_type(node) == LIBISO_FILE &&
			 iso_file_get_old_image_lba((IsoFile *)node, &lba,
						    0) != 1 &&
			 iso_file_add_zisofs_filter((IsoFile *)node, 0) < 0)
			ret = ms_fail(c, MS_EXIT_FAILURE, "cannot compress "
				      "'%s' with zisofs",
				      iso_node_get_name(node));
	}
	iso_dir_iter_free(it);
	return ret;
}

int ms_build_prune(struct ms_build *b, struct ms_ctx *c, const char *iso_path)
{
	return ms_update_prune(&b->tree, c, iso_path ? iso_path : "/");
}

void ms_build_update_sum(const struct ms_build *b, struct ms_update_sum *s)
{
	memset(s, 0, sizeof(*s));
	if (b->tree.update)
		ms_update_get_sum(b->tree.update, s);
}

int ms_build_start(struct ms_build *b, struct ms_ctx *c)
{
	struct ms_writer_opts wo = {
		.start = b->start,
		.appendable = b->import,
		.rockridge = b->opts.rockridge,
		.md5 = b->opts.md5,
		.aaip = b->imp &&
			(ms_import_found(b->imp) & MS_IMPORT_AAIP),
		.hardlinks = b->imp &&
			     (ms_import_found(b->imp) & MS_IMPORT_INODES),
		.now = b->now,
		.base_name = b->base_name,
	};

	if (b->opts.zisofs &&
	    compress_files(b, c, iso_image_get_root(b->image)) < 0)
		return -1;
	return ms_writer_start(c, b->image, &wo, &b->link, &b->out);
}

uint64_t ms_build_size(const struct ms_build *b)
{
	return ms_writer_size(b->out);
}

const struct ms_link *ms_build_link(const struct ms_build *b)
{
	return &b->link;
}

ssize_t ms_build_read(struct ms_build *b, struct ms_ctx *c, uint8_t *buf,
		      size_t size)
{
	return ms_writer_read(b->out, c, buf, size);
}

void ms_build_free(struct ms_build *b)
{
	if (!b)
		return;
	ms_writer_free(b->out);
	if (b->image)
		iso_image_unref(b->image);
	ms_import_free(b->imp);
	iso_nowtime(&b->now, 2);
	free(b->dropped_named);
	ms_update_free(b->tree.update);
	free(b);
}
