/*
 * Update mode and --exclude (common/source_update.c): which entries are
 * left out, which count as unchanged, and what the prune removes, on a
 * libisofs tree made in memory.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libisofs/libisofs.h>

#include "ctx.h"
#include "exit.h"
#include "isomsg.h"
#include "plan.h"
#include "source.h"

static struct ms_ctx c;
static struct ms_tree t;
static IsoImage *image;
static IsoDir *root;

static void setup(void)
{
	ms_ctx_init(&c);
	cr_assert(ms_lib_init(&c) == 0);
	cr_assert(iso_image_new("T", &image) == 1);
	root = iso_image_get_root(image);
	memset(&t, 0, sizeof(t));
	t.image = image;
	t.epoch = -1;
	cr_assert(ms_update_new(&c, MS_UPDATE_META, &t.update) == 0);
}

static void teardown(void)
{
	ms_update_free(t.update);
	iso_image_unref(image);
	ms_lib_finish();
}

TestSuite(update, .init = setup, .fini = teardown);

/* A file of size bytes, mode 0644, owner 1:2, mtime 1000. */
static IsoNode *file(IsoDir *dir, const char *name, size_t size)
{
	unsigned char *buf = calloc(1, size ? size : 1);
	IsoStream *s;
	IsoFile *f;

	cr_assert(buf);
	cr_assert(iso_memory_stream_new(buf, size, &s) == 1);
	cr_assert(iso_tree_add_new_file(dir, name, s, &f) > 0);
	iso_node_set_permissions((IsoNode *)f, 0644);
	iso_node_set_uid((IsoNode *)f, 1);
	iso_node_set_gid((IsoNode *)f, 2);
	iso_node_set_mtime((IsoNode *)f, 1000);
	return (IsoNode *)f;
}

static struct ms_entry entry(const char *name, mode_t mode, off_t size)
{
	struct ms_entry e = {
		.name = name, .mode = mode, .uid = 1, .gid = 2,
		.mtime = { .tv_sec = 1000 }, .size = size,
	};

	return e;
}

static struct ms_update_sum sum(void)
{
	struct ms_update_sum s;

	ms_update_get_sum(t.update, &s);
	return s;
}

Test(update, same_size_mtime_mode_owner_is_unchanged)
{
	IsoNode *f = file(root, "a", 10);
	struct ms_entry e = entry("a", S_IFREG | 0644, 10);

	cr_assert_eq(ms_update_same(&t, &c, f, &e, NULL), 1);
	cr_assert_eq(sum().unchanged, 1);
	cr_assert_eq(sum().changed, 0);
}

Test(update, size_mtime_or_type_differing_is_changed)
{
	IsoNode *f = file(root, "a", 10);
	struct ms_entry e = entry("a", S_IFREG | 0644, 11);

	cr_assert_eq(ms_update_same(&t, &c, f, &e, NULL), 0);
	e = entry("a", S_IFREG | 0644, 10);
	e.mtime.tv_sec = 1001;
	cr_assert_eq(ms_update_same(&t, &c, f, &e, NULL), 0);
	e = entry("a", S_IFDIR | 0644, 10);
	cr_assert_eq(ms_update_same(&t, &c, f, &e, NULL), 0);
	e = entry("a", S_IFLNK | 0644, 10);
	cr_assert_eq(ms_update_same(&t, &c, f, &e, NULL), 0);
	cr_assert_eq(sum().unchanged, 0);
	cr_assert_eq(ms_update_same(&t, &c, NULL, &e, NULL), 0);
}

Test(update, mode_or_owner_alone_keeps_the_node_with_new_attributes)
{
	IsoNode *f = file(root, "a", 10);
	struct ms_entry e = entry("a", S_IFREG | 0600, 10);

	e.uid = 7;
	cr_assert_eq(ms_update_same(&t, &c, f, &e, NULL), 1);
	cr_assert_eq(iso_node_get_permissions(f) & 07777, 0600);
	cr_assert_eq(iso_node_get_uid(f), 7);
	cr_assert_eq(sum().changed, 1);
	cr_assert_eq(sum().unchanged, 0);
	cr_assert_eq(sum().bytes, 0);
}

Test(update, mtime_is_clamped_to_the_epoch_before_comparing)
{
	IsoNode *f = file(root, "a", 10);
	struct ms_entry e = entry("a", S_IFREG | 0644, 10);

	t.epoch = 1000;
	e.mtime.tv_sec = 5000;
	cr_assert_eq(ms_update_same(&t, &c, f, &e, NULL), 1);
}

Test(update, symlink_target_decides)
{
	IsoSymlink *l;
	struct ms_entry e = entry("l", S_IFLNK | 0777, 0);

	cr_assert(iso_tree_add_new_symlink(root, "l", "there", &l) > 0);
	iso_node_set_permissions((IsoNode *)l, 0777);
	iso_node_set_uid((IsoNode *)l, 1);
	iso_node_set_gid((IsoNode *)l, 2);
	iso_node_set_mtime((IsoNode *)l, 1000);
	e.target = "elsewhere";
	cr_assert_eq(ms_update_same(&t, &c, (IsoNode *)l, &e, NULL), 0);
	e.target = "there";
	cr_assert_eq(ms_update_same(&t, &c, (IsoNode *)l, &e, NULL), 1);
}

Test(update, content_mode_without_a_recorded_md5_is_changed)
{
	IsoNode *f = file(root, "a", 10);
	struct ms_entry e = entry("a", S_IFREG | 0644, 10);

	ms_update_free(t.update);
	cr_assert(ms_update_new(&c, MS_UPDATE_CONTENT, &t.update) == 0);
	e.mtime.tv_sec = 99;
	cr_assert(ms_update_wants_content(&t, f, &e));
	cr_assert_eq(ms_update_same(&t, &c, f, &e,
				    iso_file_get_stream((IsoFile *)f)), 0);
	e.size = 11;
	cr_assert_not(ms_update_wants_content(&t, f, &e));
}

Test(update, put_counts_added_changed_and_whole_blocks)
{
	IsoNode *a = file(root, "a", 1);
	IsoNode *b = file(root, "b", 2049);

	ms_update_put(&t, a, 0);
	ms_update_put(&t, b, 1);
	cr_assert_eq(sum().added, 1);
	cr_assert_eq(sum().changed, 1);
	cr_assert_eq(sum().bytes, 3 * 2048);
}

Test(update, prune_removes_what_no_source_met)
{
	IsoDir *home, *sub;
	IsoNode *keep, *node = NULL;

	cr_assert(iso_tree_add_new_dir(root, "home", &home) > 0);
	cr_assert(iso_tree_add_new_dir(home, "sub", &sub) > 0);
	keep = file(home, "keep", 1);
	file(home, "gone", 1);
	file(sub, "x", 1);
	file(sub, "y", 1);
	file(root, "outside", 1);
	ms_update_meet(&t, keep);
	cr_assert_eq(ms_update_prune(&t, &c, "/home"), 0);
	cr_assert_eq(sum().removed, 4);	/* gone, sub, sub/x, sub/y */
	cr_assert_eq(iso_tree_path_to_node(image, "/home/keep", &node), 1);
	cr_assert_eq(iso_tree_path_to_node(image, "/home/gone", &node), 0);
	cr_assert_eq(iso_tree_path_to_node(image, "/outside", &node), 1);
	/* a missing path prunes nothing */
	cr_assert_eq(ms_update_prune(&t, &c, "/nowhere"), 0);
}

Test(update, a_directory_replaced_by_a_file_counts_its_entries_removed)
{
	IsoDir *d;
	struct ms_entry e = entry("d", S_IFREG | 0644, 1);

	cr_assert(iso_tree_add_new_dir(root, "d", &d) > 0);
	file(d, "x", 1);
	file(d, "y", 1);
	cr_assert_eq(ms_update_same(&t, &c, (IsoNode *)d, &e, NULL), 0);
	cr_assert_eq(sum().removed, 2);
}

Test(update, nothing_outside_update_mode)
{
	IsoNode *f = file(root, "a", 10);
	struct ms_entry e = entry("a", S_IFREG | 0644, 10);
	struct ms_update *u = t.update;

	t.update = NULL;
	cr_assert_eq(ms_update_same(&t, &c, f, &e, NULL), 0);
	ms_update_put(&t, f, 0);
	cr_assert_eq(ms_update_prune(&t, &c, "/"), 0);
	t.update = u;
	cr_assert_eq(sum().added, 0);
}

Test(update, plan_says_nothing_to_do_without_changes)
{
	struct ms_plan_opts o = { 0 };

	cr_assert_eq(ms_plan_check_update(&c, &o, 1), 0);
	cr_assert_eq(ms_plan_check_update(&c, &o, 0), -1);
	cr_assert_eq(c.status, MS_EXIT_NOTHING);
	cr_assert(strstr(c.msg, "nothing to do") == c.msg);
	ms_ctx_init(&c);
	o.allow_empty = 1;
	cr_assert_eq(ms_plan_check_update(&c, &o, 0), 0);
}

static const char *pats[] = { "*.o", "cache", "code/gen", "/top/*.c" };

static void with_patterns(void)
{
	t.patterns = pats;
	t.npatterns = 4;
}

Test(update, exclude_name_patterns_match_at_any_depth)
{
	with_patterns();
	cr_assert(ms_tree_excluded(&t, "main.o", "main.o"));
	cr_assert(ms_tree_excluded(&t, "a/b/main.o", "main.o"));
	cr_assert(ms_tree_excluded(&t, "a/cache", "cache"));
	cr_assert_not(ms_tree_excluded(&t, "a/cache.txt", "cache.txt"));
	cr_assert_not(ms_tree_excluded(&t, "main.c", "main.c"));
}

Test(update, exclude_path_patterns_match_the_relative_path)
{
	with_patterns();
	cr_assert(ms_tree_excluded(&t, "code/gen", "gen"));
	cr_assert_not(ms_tree_excluded(&t, "x/code/gen", "gen"));
	cr_assert_not(ms_tree_excluded(&t, "gen", "gen"));
	/* a leading '/' is dropped; '*' matches '/' too, as with mkisofs -m */
	cr_assert(ms_tree_excluded(&t, "top/a.c", "a.c"));
	cr_assert(ms_tree_excluded(&t, "top/sub/a.c", "a.c"));
	cr_assert_not(ms_tree_excluded(&t, "top.c", "top.c"));
}
