#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libisofs/libisofs.h>

#include "exit.h"
#include "isomsg.h"
#include "source.h"

void ms_source_free(struct ms_source *s)
{
	if (s)
		s->ops->free(s);
}

void ms_tree_clamp_times(const struct ms_tree *t, IsoNode *node)
{
	time_t mtime;

	if (t->epoch < 0)
		return;
	mtime = iso_node_get_mtime(node);
	if (mtime > (time_t)t->epoch) {
		mtime = (time_t)t->epoch;
		iso_node_set_mtime(node, mtime);
	}
	iso_node_set_atime(node, mtime);
	iso_node_set_ctime(node, mtime);
}

/*
 * Not iso_node_remove_tree(): in libisofs 1.5.4 it tests the node type
 * the wrong way round and crashes on files; iso_node_remove() releases a
 * directory's children with it.
 */
int ms_tree_remove(IsoNode *node)
{
	return iso_node_remove(node);
}

static void set_new_dir_attrs(const struct ms_tree *t, IsoNode *node)
{
	iso_node_set_permissions(node, 0755);
	iso_node_set_mtime(node, t->now);
	iso_node_set_atime(node, t->now);
	iso_node_set_ctime(node, t->now);
}

int ms_tree_make_dirs(const struct ms_tree *t, struct ms_ctx *c,
		      const char *iso_path, IsoDir **out)
{
	IsoDir *dir = iso_image_get_root(t->image);
	char *copy, *part, *save;
	int ret = 0;

	copy = strdup(iso_path);
	if (!copy)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	for (part = strtok_r(copy, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		IsoNode *node = NULL;
		IsoDir *sub;

		iso_image_dir_get_node(t->image, dir, part, &node, 0);
		if (node && iso_node_get_type(node) == LIBISO_DIR) {
			ms_update_meet(t, node);
			dir = (IsoDir *)node;
			continue;
		}
		if (node) {
			ret = ms_tree_remove(node);
			if (ret < 0)
				break;
		}
		ret = iso_tree_add_new_dir(dir, part, &sub);
		if (ret < 0)
			break;
		set_new_dir_attrs(t, (IsoNode *)sub);
		ms_update_put(t, (IsoNode *)sub, node != NULL);
		dir = sub;
	}
	free(copy);
	if (ret < 0)
		return ms_iso_fail(c, ret, "cannot make directory '%s'",
				   iso_path);
	*out = dir;
	return 0;
}
