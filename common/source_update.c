/*
 * Update mode and exclusions: the helpers every content source uses to
 * make a part of the tree exactly what it holds (source.h).
 *
 * A node that a source met carries an xinfo mark of ours; the prune
 * removes every unmarked node under a pathspec's ISO path.
 */
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libisofs/libisofs.h>

#include "exit.h"
#include "isomsg.h"
#include "source.h"

#define MD5_LEN 16
#define READ_CHUNK (64 * 1024)

struct ms_update {
	enum ms_update_mode mode;
	struct ms_update_sum sum;
};

int ms_tree_excluded(const struct ms_tree *t, const char *relpath,
		     const char *name)
{
	int i;

	for (i = 0; i < t->npatterns; i++) {
		const char *p = t->patterns[i];

		if (!strchr(p, '/')) {
			if (fnmatch(p, name, 0) == 0)
				return 1;
			continue;
		}
		while (*p == '/')
			p++;
		if (fnmatch(p, relpath, 0) == 0)
			return 1;
	}
	return 0;
}

int ms_update_new(struct ms_ctx *c, enum ms_update_mode mode,
		  struct ms_update **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	(*out)->mode = mode;
	return 0;
}

void ms_update_free(struct ms_update *u)
{
	free(u);
}

void ms_update_get_sum(const struct ms_update *u, struct ms_update_sum *s)
{
	*s = u->sum;
}

/* The mark of a met node: no data, nothing to free. */
static int met_xinfo(void *data, int flag)
{
	(void)data;
	(void)flag;
	return 1;
}

static int is_met(IsoNode *node)
{
	void *data;

	return iso_node_get_xinfo(node, met_xinfo, &data) == 1;
}

void ms_update_meet(const struct ms_tree *t, IsoNode *node)
{
	if (t->update && !is_met(node))
		iso_node_add_xinfo(node, met_xinfo, NULL);
}

static enum IsoNodeType entry_type(mode_t mode)
{
	if (S_ISDIR(mode))
		return LIBISO_DIR;
	if (S_ISLNK(mode))
		return LIBISO_SYMLINK;
	if (S_ISREG(mode))
		return LIBISO_FILE;
	return LIBISO_SPECIAL;
}

int ms_update_wants_content(const struct ms_tree *t, IsoNode *old,
			    const struct ms_entry *e)
{
	return t->update && t->update->mode == MS_UPDATE_CONTENT && old &&
	       S_ISREG(e->mode) && iso_node_get_type(old) == LIBISO_FILE &&
	       iso_file_get_size((IsoFile *)old) == e->size;
}

/* The MD5 of a stream's content; -1 with the failure on c. */
static int stream_md5(struct ms_ctx *c, IsoStream *s, const char *name,
		      char md5[MD5_LEN])
{
	void *ctx = NULL;
	char *buf;
	int ret, n;

	buf = malloc(READ_CHUNK);
	if (!buf)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	ret = iso_stream_open(s);
	if (ret < 0) {
		free(buf);
		return ms_iso_fail(c, ret, "cannot read '%s'", name);
	}
	ret = iso_md5_start(&ctx);
	while (ret >= 0) {
		n = iso_stream_read(s, buf, READ_CHUNK);
		if (n <= 0) {
			ret = n;
			break;
		}
		iso_md5_compute(ctx, buf, n);
	}
	iso_stream_close(s);
	free(buf);
	if (ctx) {
		if (ret < 0) {
			char dummy[MD5_LEN];

			iso_md5_end(&ctx, dummy);
		} else {
			iso_md5_end(&ctx, md5);
		}
	}
	if (ret < 0)
		return ms_iso_fail(c, ret, "cannot read '%s'", name);
	return 0;
}

/* The attributes both modes compare; 1 when they agree. */
static int same_attrs(const struct ms_tree *t, IsoNode *old,
		      const struct ms_entry *e)
{
	time_t mtime = e->mtime.tv_sec;

	if (t->epoch >= 0 && mtime > (time_t)t->epoch)
		mtime = (time_t)t->epoch;
	return (iso_node_get_permissions(old) & 07777) == (e->mode & 07777) &&
	       iso_node_get_uid(old) == e->uid &&
	       iso_node_get_gid(old) == e->gid &&
	       iso_node_get_mtime(old) == mtime;
}

static int decide(const struct ms_tree *t, struct ms_ctx *c, IsoNode *old,
		  const struct ms_entry *e, IsoStream *content)
{
	enum IsoNodeType type = entry_type(e->mode);
	char want[MD5_LEN], have[MD5_LEN];

	if (iso_node_get_type(old) != type)
		return 0;
	if (type == LIBISO_SYMLINK &&
	    strcmp(iso_symlink_get_dest((IsoSymlink *)old),
		   e->target ? e->target : ""))
		return 0;
	if (type == LIBISO_FILE &&
	    iso_file_get_size((IsoFile *)old) != e->size)
		return 0;
	if (type != LIBISO_FILE || t->update->mode != MS_UPDATE_CONTENT)
		return same_attrs(t, old, e);
	/* content: the disc's MD5 decides; mode and owner still count */
	if ((iso_node_get_permissions(old) & 07777) != (e->mode & 07777) ||
	    iso_node_get_uid(old) != e->uid || iso_node_get_gid(old) != e->gid)
		return 0;
	if (iso_file_get_md5(t->image, (IsoFile *)old, have, 0) != 1)
		return 0;
	if (!content)
		return 0;
	if (stream_md5(c, content, e->name, want) < 0)
		return -1;
	return memcmp(want, have, MD5_LEN) == 0;
}

int ms_update_same(const struct ms_tree *t, struct ms_ctx *c, IsoNode *old,
		   const struct ms_entry *e, IsoStream *content)
{
	int ret;

	if (!t->update || !old)
		return 0;
	ret = decide(t, c, old, e, content);
	if (ret == 1) {
		ms_update_meet(t, old);
		t->update->sum.unchanged++;
	}
	return ret;
}

void ms_update_put(const struct ms_tree *t, IsoNode *node, int replaced)
{
	if (!t->update)
		return;
	ms_update_meet(t, node);
	if (replaced)
		t->update->sum.changed++;
	else
		t->update->sum.added++;
	if (iso_node_get_type(node) == LIBISO_FILE)
		t->update->sum.bytes += (uint64_t)iso_file_get_size((IsoFile *)node);
}

/* Count a node and everything under it. */
static uint64_t count_tree(IsoNode *node)
{
	IsoDirIter *it;
	IsoNode *child;
	uint64_t n = 1;

	if (iso_node_get_type(node) != LIBISO_DIR ||
	    iso_dir_get_children((IsoDir *)node, &it) != 1)
		return n;
	while (iso_dir_iter_next(it, &child) == 1)
		n += count_tree(child);
	iso_dir_iter_free(it);
	return n;
}

static int prune_dir(const struct ms_tree *t, struct ms_ctx *c, IsoDir *dir,
		     const char *iso_path)
{
	IsoDirIter *it;
	IsoNode *child;
	int ret;

	ret = iso_dir_get_children(dir, &it);
	if (ret < 0)
		return ms_iso_fail(c, ret, "cannot read '%s'", iso_path);
	while (iso_dir_iter_next(it, &child) == 1) {
		if (!is_met(child)) {
			t->update->sum.removed += count_tree(child);
			ret = iso_dir_iter_remove(it);
			if (ret < 0)
				break;
			continue;
		}
		if (iso_node_get_type(child) == LIBISO_DIR) {
			ret = prune_dir(t, c, (IsoDir *)child, iso_path);
			if (ret < 0)
				break;
		}
		ret = 0;
	}
	iso_dir_iter_free(it);
	if (ret < 0 && !c->status)
		return ms_iso_fail(c, ret, "cannot remove under '%s'",
				   iso_path);
	return ret < 0 ? -1 : 0;
}

int ms_update_prune(const struct ms_tree *t, struct ms_ctx *c,
		    const char *iso_path)
{
	IsoNode *node = NULL;

	if (!t->update)
		return 0;
	if (iso_tree_path_to_node(t->image, iso_path, &node) != 1 || !node ||
	    iso_node_get_type(node) != LIBISO_DIR)
		return 0;
	return prune_dir(t, c, (IsoDir *)node, iso_path);
}
