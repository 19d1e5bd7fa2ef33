#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libisofs/libisofs.h>

#include "exit.h"
#include "import.h"
#include "iso9660.h"
#include "isomsg.h"
#include "progress.h"

struct ms_import {
	IsoImage *image;
	IsoDataSource *src;
	uint32_t failed_lba;
	unsigned found;
	char **dropped;		/* in the session's ISO 9660 tree only */
	int ndropped;
};

/* "the last session" or "session N", for messages. */
static void session_words(const struct ms_layout *l, int i, char *buf,
			  size_t size)
{
	if (i == l->nsessions - 1)
		snprintf(buf, size, "the last session");
	else
		snprintf(buf, size, "session %d", l->sessions[i].number);
}

/*
 * 1 if the root of the session at start numbers inodes in its PX entry
 * (RRIP 1.12, as xorriso writes).  Read through the medium, so a snapshot
 * (which holds these blocks, as the import reads them) answers alike; a
 * block that cannot be read is 0.
 */
static int numbers_inodes(struct ms_medium *m, uint32_t start)
{
	uint8_t blk[MS_BLOCK];
	struct ms_ctx quiet;
	struct ms_vd vd;

	ms_ctx_init(&quiet);
	if (ms_medium_read(m, &quiet, start + MS_VD_FIRST, 1, blk) < 0 ||
	    ms_vd_parse(blk, &vd) < 0 || vd.type != MS_VD_PRIMARY ||
	    ms_medium_read(m, &quiet, vd.root_lba, 1, blk) < 0)
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

/* 1 if a node under dir (dir included) carries ACLs or xattrs. */
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

/* Files under dir whose first block is not in have[]: imp->dropped. */
static int collect_dropped(struct ms_import *imp, IsoDir *dir,
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
			ret = collect_dropped(imp, (IsoDir *)node, have,
					      nhave);
			continue;
		}
		if (iso_node_get_type(node) != LIBISO_FILE ||
		    iso_file_get_size((IsoFile *)node) == 0 ||
		    iso_file_get_old_image_sections((IsoFile *)node, &count,
						    &sec, 0) != 1 ||
		    count < 1 || (nhave &&
				   bsearch(&sec[0].block, have, nhave,
					   sizeof(*have), cmp_u32))) {
			free(sec);
			continue;
		}
		free(sec);
		path = iso_tree_get_node_path(node);
		more = realloc(imp->dropped, (size_t)(imp->ndropped + 1) *
			       sizeof(*imp->dropped));
		if (!path || !more) {
			free(path);
			if (more)
				imp->dropped = more;
			ret = -1;
			break;
		}
		imp->dropped = more;
		imp->dropped[imp->ndropped++] = path;
	}
	iso_dir_iter_free(iter);
	return ret;
}

/*
 * Without Rock Ridge libisofs imports the session's Joliet tree, which
 * lacks what Joliet cannot hold (paths over 240 characters): those files
 * would silently vanish from a session built on it.  Load the plain ISO
 * 9660 tree as well and list its files whose data the imported tree does
 * not point at.
 */
static int find_dropped(struct ms_import *imp, struct ms_ctx *c,
			const struct ms_layout *l, int index)
{
	IsoImage *plain = NULL;
	IsoReadOpts *ropts = NULL;
	uint32_t *have = NULL;
	size_t nhave = 0, cap = 0;
	char which[32];
	int ret;

	session_words(l, index, which, sizeof(which));
	ret = iso_image_new("PLAIN", &plain);
	if (ret < 0)
		return ms_iso_fail(c, ret, "cannot create an image");
	ret = iso_read_opts_new(&ropts, 0);
	if (ret < 0) {
		ms_iso_fail(c, ret, "cannot set up the import");
		goto out;
	}
	iso_read_opts_set_start_block(ropts, l->sessions[index].start);
	iso_read_opts_set_no_rockridge(ropts, 1);
	iso_read_opts_set_no_joliet(ropts, 1);
	iso_read_opts_set_no_iso1999(ropts, 1);
	iso_read_opts_set_no_aaip(ropts, 1);
	iso_read_opts_set_no_md5(ropts, 1);
	ret = iso_image_import(plain, imp->src, ropts, NULL);
	iso_read_opts_free(ropts);
	if (ret < 0) {
		if (c->status)
			ms_fail_prefix(c, "cannot read the ISO 9660 tree of "
				       "%s of '%s'", which, l->medium);
		else
			ms_iso_fail(c, ret, "cannot read the ISO 9660 tree of "
				    "%s of '%s'", which, l->medium);
		goto out;
	}
	ms_iso_msgs_drop();
	ret = -1;
	if (collect_blocks(iso_image_get_root(imp->image), &have, &nhave,
			   &cap) < 0)
		goto oom;
	if (nhave)
		qsort(have, nhave, sizeof(*have), cmp_u32);
	if (collect_dropped(imp, iso_image_get_root(plain), have, nhave) < 0)
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

/* libisofs gave up: say which session, where, and why. */
static void import_failed(struct ms_import *imp, struct ms_ctx *c,
			  const struct ms_layout *l, int index, int ret)
{
	char which[32];

	session_words(l, index, which, sizeof(which));
	if (c->status) {
		ms_fail_prefix(c, "cannot import %s of '%s'", which,
			       l->medium);
		return;
	}
	ms_fail(c, MS_EXIT_FAILURE, "cannot import %s of '%s' (session at "
		"block %u, last block read %u): %s%s", which, l->medium,
		l->sessions[index].start, ms_isosrc_last_lba(imp->src),
		ret == (int)ISO_OUT_OF_MEM ? "its directory tree is damaged "
		"(libisofs: " : "", iso_error_to_msg(ret));
	if (ret == (int)ISO_OUT_OF_MEM)
		ms_fail_append(c, ")");
	ms_iso_msgs(c);
}

int ms_import_open(struct ms_ctx *c, struct ms_medium *m,
		   const struct ms_layout *l, int index,
		   const struct ms_import_opts *o, struct ms_import **out)
{
	const struct ms_session *s;
	struct ms_import *imp;
	IsoReadOpts *ropts = NULL;
	IsoReadImageFeatures *features = NULL;
	uint32_t md5_start, md5_end;
	char md5[16];
	double t0;
	int ret;

	*out = NULL;
	if (index < 0 || index >= l->nsessions)
		return ms_fail(c, MS_EXIT_USAGE, "'%s' has no session %d (it "
			       "holds %d)", l->medium, index + 1,
			       l->nsessions);
	s = &l->sessions[index];
	imp = calloc(1, sizeof(*imp));
	if (!imp)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	iso_set_local_charset("UTF-8", 0);
	ret = iso_image_new(MS_DEFAULT_VOLID, &imp->image);
	if (ret < 0) {
		ms_iso_fail(c, ret, "cannot create an image");
		goto fail;
	}
	/* as the tree will be built on: no ACLs, no extended attributes */
	iso_tree_set_follow_symlinks(imp->image, 0);
	iso_tree_set_ignore_hidden(imp->image, 0);
	iso_image_set_ignore_aclea(imp->image, 3);

	imp->src = ms_isosrc_new(m, c, &imp->failed_lba);
	if (!imp->src) {
		ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		goto fail;
	}
	ms_isosrc_set_limit(imp->src, s->start, s->start + s->blocks);
	ret = iso_read_opts_new(&ropts, 0);
	if (ret < 0) {
		ms_iso_fail(c, ret, "cannot set up the import");
		goto fail;
	}
	iso_read_opts_set_start_block(ropts, s->start);
	iso_read_opts_set_preferjoliet(ropts, 0);
	iso_read_opts_set_no_aaip(ropts, 0);
	iso_read_opts_set_no_md5(ropts, o && o->no_tag_check ? 2 : 0);
	iso_read_opts_auto_input_charset(ropts, 1);
	if (o && o->plain) {
		iso_read_opts_set_no_rockridge(ropts, 1);
		iso_read_opts_set_no_joliet(ropts, 1);
		iso_read_opts_set_no_iso1999(ropts, 1);
		iso_read_opts_set_no_aaip(ropts, 1);
		iso_read_opts_set_no_md5(ropts, 1);
	}
	c->status = 0;
	t0 = ms_now();
	ret = iso_image_import(imp->image, imp->src, ropts, &features);
	iso_read_opts_free(ropts);
	if (ret < 0) {
		import_failed(imp, c, l, index, ret);
		goto fail;
	}
	ms_iso_msgs(c);
	ms_note(c, "imported the tree of the session at block %u in %.2f s",
		s->start, ms_now() - t0);
	if (iso_read_image_features_has_rockridge(features))
		imp->found |= MS_IMPORT_ROCKRIDGE;
	if (iso_read_image_features_has_joliet(features))
		imp->found |= MS_IMPORT_JOLIET;
	if (iso_read_image_features_has_iso1999(features))
		imp->found |= MS_IMPORT_ISO1999;
	iso_read_image_features_destroy(features);
	if (iso_image_get_session_md5(imp->image, &md5_start, &md5_end, md5,
				      0) > 0)
		imp->found |= MS_IMPORT_MD5;
	if (!(o && o->plain) &&
	    tree_has_aaip(iso_image_get_root(imp->image)))
		imp->found |= MS_IMPORT_AAIP;
	if ((imp->found & MS_IMPORT_ROCKRIDGE) && !(o && o->plain) &&
	    numbers_inodes(m, s->start))
		imp->found |= MS_IMPORT_INODES;
	if (!(o && o->plain) &&
	    (imp->found & (MS_IMPORT_ROCKRIDGE | MS_IMPORT_JOLIET)) ==
	    MS_IMPORT_JOLIET && find_dropped(imp, c, l, index) < 0)
		goto fail;
	*out = imp;
	return 0;
fail:
	ms_import_free(imp);
	return -1;
}

int ms_import_session_index(const struct ms_layout *l, uint32_t lba)
{
	const struct ms_session *s = ms_layout_session_at(l, lba);

	return s ? (int)(s - l->sessions) : -1;
}

IsoImage *ms_import_image(const struct ms_import *imp)
{
	return imp->image;
}

unsigned ms_import_found(const struct ms_import *imp)
{
	return imp->found;
}

int ms_import_ndropped(const struct ms_import *imp)
{
	return imp->ndropped;
}

const char *ms_import_dropped(const struct ms_import *imp, int i)
{
	return imp->dropped[i];
}

void ms_import_free(struct ms_import *imp)
{
	int i;

	if (!imp)
		return;
	if (imp->image)
		iso_image_unref(imp->image);
	if (imp->src)
		iso_data_source_unref(imp->src);
	for (i = 0; i < imp->ndropped; i++)
		free(imp->dropped[i]);
	free(imp->dropped);
	free(imp);
}
