/* The diff of two session trees (audit.h), on trees built by hand. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "ctx.h"

static struct ms_audit_extent ext_a = { 100, 1 }, ext_b = { 200, 1 },
	ext_empty1 = { 50, 0 }, ext_empty2 = { 80, 0 };

static struct ms_audit_entry file(const char *path, uint64_t size,
				  struct ms_audit_extent *x)
{
	struct ms_audit_entry e = { 0 };

	e.path = (char *)path;
	e.type = MS_AUDIT_FILE;
	e.size = size;
	e.mode = 0100644;
	e.mtime = 1700000000;
	e.extents = x;
	e.nextents = x ? 1 : 0;
	return e;
}

static void tree(struct ms_audit_tree *t, struct ms_audit_entry *e,
		 size_t n, int session)
{
	memset(t, 0, sizeof(*t));
	t->entries = e;
	t->n = n;
	t->session = session;
}

static char *codes(const struct ms_audit_diff *d)
{
	static char buf[512];
	size_t i;

	buf[0] = 0;
	for (i = 0; i < d->n; i++) {
		const struct ms_audit_change *ch = &d->changes[i];

		strcat(buf, (char[]){ ch->code, ' ', 0 });
		strcat(buf, ch->new ? ch->new->path : ch->old->path);
		strcat(buf, ";");
	}
	return buf;
}

Test(audit, each_code_once_sorted_by_path)
{
	struct ms_audit_entry a[5], b[5];
	struct ms_audit_tree ta, tb;
	struct ms_audit_diff d;
	struct ms_ctx c;

	ms_ctx_init(&c);
	a[0] = file("/chmod", 1, &ext_a);
	a[1] = file("/gone", 1, &ext_a);
	a[2] = file("/moved", 1, &ext_a);
	a[3] = file("/same", 1, &ext_b);
	a[4] = file("/size", 1, &ext_b);
	b[0] = file("/chmod", 1, &ext_a);
	b[0].mode = 0100600;
	b[1] = file("/moved", 1, &ext_b);
	b[2] = file("/new", 1, &ext_a);
	b[3] = file("/same", 1, &ext_b);
	b[4] = file("/size", 2, &ext_b);
	tree(&ta, a, 5, 1);
	tree(&tb, b, 5, 2);
	cr_assert_eq(ms_audit_diff(&c, &ta, &tb, &d), 0);
	cr_assert_str_eq(codes(&d),
			 "m /chmod;D /gone;M /moved;A /new;M /size;");
	cr_assert_eq(d.added, 1);
	cr_assert_eq(d.removed, 1);
	cr_assert_eq(d.changed, 2);
	cr_assert_eq(d.metadata, 1);
	ms_audit_diff_release(&d);
}

Test(audit, empty_files_compare_by_size_not_block)
{
	struct ms_audit_entry a[1], b[1];
	struct ms_audit_tree ta, tb;
	struct ms_audit_diff d;
	struct ms_ctx c;

	ms_ctx_init(&c);
	a[0] = file("/empty", 0, &ext_empty1);
	b[0] = file("/empty", 0, &ext_empty2);
	tree(&ta, a, 1, 1);
	tree(&tb, b, 1, 2);
	cr_assert_eq(ms_audit_diff(&c, &ta, &tb, &d), 0);
	cr_assert_eq(d.n, 0);
	ms_audit_diff_release(&d);
}

Test(audit, link_target_and_type_changes)
{
	struct ms_audit_entry a[2], b[2];
	struct ms_audit_tree ta, tb;
	struct ms_audit_diff d;
	struct ms_ctx c;

	ms_ctx_init(&c);
	a[0] = file("/l", 1, NULL);
	a[0].type = MS_AUDIT_LINK;
	a[0].target = "a";
	b[0] = a[0];
	b[0].target = "b";
	a[1] = file("/x", 0, NULL);
	b[1] = a[1];
	b[1].type = MS_AUDIT_DIR;
	tree(&ta, a, 2, 1);
	tree(&tb, b, 2, 2);
	cr_assert_eq(ms_audit_diff(&c, &ta, &tb, &d), 0);
	cr_assert_str_eq(codes(&d), "m /l;M /x;");
	ms_audit_diff_release(&d);
}

Test(audit, against_the_empty_tree_everything_is_added)
{
	struct ms_audit_entry b[2];
	struct ms_audit_tree ta, tb;
	struct ms_audit_diff d;
	struct ms_ctx c;

	ms_ctx_init(&c);
	b[0] = file("/a", 1, &ext_a);
	b[1] = file("/b", 1, &ext_b);
	tree(&ta, NULL, 0, 0);
	tree(&tb, b, 2, 1);
	cr_assert_eq(ms_audit_diff(&c, &ta, &tb, &d), 0);
	cr_assert_str_eq(codes(&d), "A /a;A /b;");
	ms_audit_diff_release(&d);
	cr_assert_eq(ms_audit_diff(&c, &tb, &ta, &d), 0);
	cr_assert_str_eq(codes(&d), "D /a;D /b;");
	ms_audit_diff_release(&d);
}
