/*
 * Audits of a disc's content: listing a session's tree, comparing two.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libisofs/libisofs.h>

#include "audit.h"
#include "exit.h"
#include "import.h"
#include "iso9660.h"
#include "json.h"
#include "safetext.h"
#include "util.h"

#define BLOCK_SIZE	2048

static int session_of(const struct ms_layout *l, uint32_t lba)
{
	int i;

	for (i = 0; i < l->nsessions; i++) {
		const struct ms_session *s = &l->sessions[i];

		if (lba >= s->start && lba - s->start < s->blocks)
			return s->number;
	}
	return 0;
}

/*
 * 1 if a snapshot recorded the volume descriptors of session s, which
 * only an export with --all-sessions does for older sessions.
 */
static int snapshot_has_session(struct ms_medium *m,
				const struct ms_session *s)
{
	uint8_t blk[MS_BLOCK];
	struct ms_ctx quiet;

	ms_ctx_init(&quiet);
	return ms_medium_read(m, &quiet, s->start + MS_VD_FIRST, 1, blk) == 0;
}

static struct ms_audit_entry *add_entry(struct ms_audit_tree *t)
{
	struct ms_audit_entry *e;

	if (t->n == t->alloc) {
		size_t alloc = t->alloc ? 2 * t->alloc : 256;

		e = realloc(t->entries, alloc * sizeof(*e));
		if (!e)
			return NULL;
		t->entries = e;
		t->alloc = alloc;
	}
	e = &t->entries[t->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

static int file_extents(struct ms_audit_entry *e, IsoFile *file,
			const struct ms_layout *l)
{
	struct iso_file_section *sec = NULL;
	uint64_t stored = 0;
	int i, n = 0;

	if (iso_file_get_old_image_sections(file, &n, &sec, 0) != 1 || n <= 0)
		return 0;
	e->extents = calloc(n, sizeof(*e->extents));
	if (!e->extents) {
		free(sec);
		return -1;
	}
	e->nextents = n;
	for (i = 0; i < n; i++) {
		e->extents[i].start = sec[i].block;
		e->extents[i].blocks = (uint32_t)(((uint64_t)sec[i].size +
						   BLOCK_SIZE - 1) / BLOCK_SIZE);
		if (!e->session && e->extents[i].blocks)
			e->session = session_of(l, sec[i].block);
		stored += sec[i].size;
	}
	/* libisofs gives a ZF file the size its ZF entry names */
	e->zisofs = stored != e->size;
	free(sec);
	return 0;
}

static int add_node(struct ms_audit_tree *t, const struct ms_layout *l,
		    IsoImage *img, IsoNode *node, char *path)
{
	struct ms_audit_entry *e = add_entry(t);

	if (!e) {
		free(path);
		return -1;
	}
	e->path = path;
	e->mtime = iso_node_get_mtime(node);
	e->mode = iso_node_get_mode(node);
	e->uid = iso_node_get_uid(node);
	e->gid = iso_node_get_gid(node);
	switch (iso_node_get_type(node)) {
	case LIBISO_DIR:
		e->type = MS_AUDIT_DIR;
		break;
	case LIBISO_FILE:
		e->type = MS_AUDIT_FILE;
		e->size = iso_file_get_size((IsoFile *)node);
		e->has_md5 = iso_file_get_md5(img, (IsoFile *)node,
					      (char *)e->md5, 0) == 1;
		return file_extents(e, (IsoFile *)node, l);
	case LIBISO_SYMLINK:
		e->type = MS_AUDIT_LINK;
		e->target = strdup(iso_symlink_get_dest((IsoSymlink *)node));
		if (!e->target)
			return -1;
		e->size = strlen(e->target);
		break;
	default:
		e->type = MS_AUDIT_OTHER;
		break;
	}
	return 0;
}

static int walk(struct ms_audit_tree *t, const struct ms_layout *l,
		IsoImage *img, IsoDir *dir, const char *path)
{
	IsoDirIter *it;
	IsoNode *node;
	int ret = 0;

	if (iso_dir_get_children(dir, &it) < 0)
		return -1;
	while (ret == 0 && iso_dir_iter_next(it, &node) == 1) {
		char *p = ms_path_join(path, iso_node_get_name(node));

		if (!p || add_node(t, l, img, node, p) < 0) {
			ret = -1;
			break;
		}
		if (iso_node_get_type(node) == LIBISO_DIR)
			ret = walk(t, l, img, (IsoDir *)node, p);
	}
	iso_dir_iter_free(it);
	return ret;
}

static int by_path(const void *a, const void *b)
{
	const struct ms_audit_entry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

int ms_audit_tree_read(struct ms_ctx *c, struct ms_medium *m,
		       const struct ms_layout *l, int index,
		       struct ms_audit_tree *t)
{
	struct ms_import *imp = NULL;
	IsoImage *img;
	IsoDir *root;
	char *p;

	memset(t, 0, sizeof(*t));
	if (index < 0 || index >= l->nsessions)
		return ms_fail(c, MS_EXIT_USAGE, "'%s' has no session %d (it "
			       "holds %d)", l->medium, index + 1,
			       l->nsessions);
	if (l->snapshot_of && index != l->nsessions - 1 &&
	    !snapshot_has_session(m, &l->sessions[index]))
		return ms_fail(c, MS_EXIT_UNSUITABLE, "snapshot '%s' holds "
			       "the tree of its last session (%d) only: the "
			       "tree of session %d is on the medium (lsms "
			       "--export --all-sessions records every "
			       "session's tree)", l->medium, l->nsessions,
			       index + 1);
	if (ms_import_open(c, m, l, index, NULL, &imp) < 0)
		return -1;
	t->session = l->sessions[index].number;
	img = ms_import_image(imp);
	root = iso_image_get_root(img);
	p = strdup("/");
	if (!p || add_node(t, l, img, (IsoNode *)root, p) < 0 ||
	    walk(t, l, img, root, "/") < 0) {
		ms_import_free(imp);
		return ms_fail(c, MS_EXIT_FAILURE, "cannot list the tree of "
			       "session %d of '%s': out of memory", index + 1,
			       l->medium);
	}
	ms_import_free(imp);
	qsort(t->entries, t->n, sizeof(*t->entries), by_path);
	return 0;
}

void ms_audit_tree_release(struct ms_audit_tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->entries[i].path);
		free(t->entries[i].target);
		free(t->entries[i].extents);
	}
	free(t->entries);
	memset(t, 0, sizeof(*t));
}

/* Whether the extents that hold data differ. */
static int data_differs(const struct ms_audit_entry *a,
			const struct ms_audit_entry *b)
{
	int i = 0, k = 0;

	for (;;) {
		while (i < a->nextents && !a->extents[i].blocks)
			i++;
		while (k < b->nextents && !b->extents[k].blocks)
			k++;
		if (i == a->nextents || k == b->nextents)
			return i != a->nextents || k != b->nextents;
		if (a->extents[i].start != b->extents[k].start ||
		    a->extents[i].blocks != b->extents[k].blocks)
			return 1;
		i++;
		k++;
	}
}

int ms_audit_compare(const struct ms_audit_entry *a,
		     const struct ms_audit_entry *b)
{
	if (a->type != b->type || a->size != b->size || data_differs(a, b))
		return MS_AUDIT_CHANGED;
	if (a->mode != b->mode || a->uid != b->uid || a->gid != b->gid ||
	    a->mtime != b->mtime ||
	    (a->target && b->target && strcmp(a->target, b->target)))
		return MS_AUDIT_METADATA;
	return 0;
}

static int add_change(struct ms_audit_diff *d, size_t *alloc, char code,
		      const struct ms_audit_entry *a,
		      const struct ms_audit_entry *b)
{
	if (d->n == *alloc) {
		size_t n = *alloc ? 2 * *alloc : 64;
		struct ms_audit_change *p = realloc(d->changes,
						    n * sizeof(*p));

		if (!p)
			return -1;
		d->changes = p;
		*alloc = n;
	}
	d->changes[d->n].code = code;
	d->changes[d->n].old = a;
	d->changes[d->n].new = b;
	d->n++;
	switch (code) {
	case MS_AUDIT_ADDED:
		d->added++;
		break;
	case MS_AUDIT_REMOVED:
		d->removed++;
		break;
	case MS_AUDIT_CHANGED:
		d->changed++;
		break;
	default:
		d->metadata++;
		break;
	}
	return 0;
}

int ms_audit_diff(struct ms_ctx *c, const struct ms_audit_tree *a,
		  const struct ms_audit_tree *b, struct ms_audit_diff *d)
{
	size_t i = 0, k = 0, alloc = 0;
	int ret = 0;

	memset(d, 0, sizeof(*d));
	while (ret == 0 && (i < a->n || k < b->n)) {
		const struct ms_audit_entry *x = i < a->n ? &a->entries[i] :
			NULL;
		const struct ms_audit_entry *y = k < b->n ? &b->entries[k] :
			NULL;
		int cmp = !x ? 1 : !y ? -1 : strcmp(x->path, y->path);
		int code;

		if (cmp < 0) {
			ret = add_change(d, &alloc, MS_AUDIT_REMOVED, x, NULL);
			i++;
		} else if (cmp > 0) {
			ret = add_change(d, &alloc, MS_AUDIT_ADDED, NULL, y);
			k++;
		} else {
			code = ms_audit_compare(x, y);
			if (code)
				ret = add_change(d, &alloc, code, x, y);
			i++;
			k++;
		}
	}
	if (ret < 0) {
		ms_audit_diff_release(d);
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	}
	return 0;
}

void ms_audit_diff_release(struct ms_audit_diff *d)
{
	free(d->changes);
	memset(d, 0, sizeof(*d));
}

/* A name from the disc, made safe for a terminal; NULL if out of memory. */
static char *safe_dup(const char *s)
{
	size_t size = MS_SAFE_TEXT_MAX(strlen(s)) + 1;
	char *p = malloc(size);

	return p ? ms_safe_text(s, p, size) : NULL;
}

static void print_safe(FILE *f, const char *s)
{
	char *p = safe_dup(s);

	fputs(p ? p : "?", f);
	free(p);
}

static const struct ms_audit_extent *
first_data(const struct ms_audit_entry *e)
{
	int i;

	for (i = 0; i < e->nextents; i++)
		if (e->extents[i].blocks)
			return &e->extents[i];
	return NULL;
}

void ms_audit_print_files(FILE *f, const struct ms_audit_tree *t)
{
	char mtime[32], session[16], start[16];
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct ms_audit_entry *e = &t->entries[i];
		const struct ms_audit_extent *x = first_data(e);

		ms_time_format(e->mtime, mtime, sizeof(mtime));
		snprintf(session, sizeof(session), "-");
		snprintf(start, sizeof(start), "-");
		if (e->session)
			snprintf(session, sizeof(session), "%d", e->session);
		if (x)
			snprintf(start, sizeof(start), "%u", x->start);
		fprintf(f, "%c %12llu %s %4s %10s ", e->zisofs ? 'z' : e->type,
			(unsigned long long)e->size, mtime, session, start);
		print_safe(f, e->path);
		if (e->target) {
			fputs(" -> ", f);
			print_safe(f, e->target);
		}
		fputc('\n', f);
	}
}

static const char *type_name(char type)
{
	switch (type) {
	case MS_AUDIT_FILE:
		return "file";
	case MS_AUDIT_DIR:
		return "directory";
	case MS_AUDIT_LINK:
		return "symlink";
	default:
		return "other";
	}
}

static void json_entry(struct ms_json *j, const struct ms_audit_entry *e)
{
	char mtime[32];
	int i;

	ms_time_format(e->mtime, mtime, sizeof(mtime));
	ms_json_object(j, NULL);
	ms_json_string(j, "path", e->path);
	ms_json_string(j, "type", type_name(e->type));
	ms_json_uint(j, "size", e->size);
	ms_json_string(j, "mtime", mtime);
	ms_json_uint(j, "mode", e->mode & 07777);
	ms_json_uint(j, "uid", e->uid);
	ms_json_uint(j, "gid", e->gid);
	if (e->session)
		ms_json_uint(j, "session", e->session);
	else
		ms_json_null(j, "session");
	ms_json_array(j, "extents");
	for (i = 0; i < e->nextents; i++) {
		ms_json_object(j, NULL);
		ms_json_uint(j, "start", e->extents[i].start);
		ms_json_uint(j, "blocks", e->extents[i].blocks);
		ms_json_end_object(j);
	}
	ms_json_end_array(j);
	if (e->type == MS_AUDIT_FILE)
		ms_json_bool(j, "zisofs", e->zisofs);
	if (e->target)
		ms_json_string(j, "target", e->target);
	ms_json_end_object(j);
}

void ms_audit_json_files(FILE *f, const struct ms_audit_tree *t)
{
	struct ms_json j;
	size_t i;

	ms_json_init(&j, f);
	ms_json_array(&j, NULL);
	for (i = 0; i < t->n; i++)
		json_entry(&j, &t->entries[i]);
	ms_json_end_array(&j);
	fputc('\n', f);
}

static const char *change_path(const struct ms_audit_change *ch)
{
	return ch->new ? ch->new->path : ch->old->path;
}

void ms_audit_print_diff(FILE *f, const struct ms_audit_diff *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		fprintf(f, "%c ", d->changes[i].code);
		print_safe(f, change_path(&d->changes[i]));
		fputc('\n', f);
	}
	fprintf(f, "%zu added, %zu removed, %zu changed, %zu metadata only\n",
		d->added, d->removed, d->changed, d->metadata);
}

void ms_audit_json_diff(FILE *f, const struct ms_audit_tree *a,
			const struct ms_audit_tree *b,
			const struct ms_audit_diff *d)
{
	struct ms_json j;
	char code[2] = { 0 };
	size_t i;

	ms_json_init(&j, f);
	ms_json_object(&j, NULL);
	ms_json_uint(&j, "from", a->session);
	ms_json_uint(&j, "to", b->session);
	ms_json_array(&j, "changes");
	for (i = 0; i < d->n; i++) {
		code[0] = d->changes[i].code;
		ms_json_object(&j, NULL);
		ms_json_string(&j, "code", code);
		ms_json_string(&j, "path", change_path(&d->changes[i]));
		ms_json_end_object(&j);
	}
	ms_json_end_array(&j);
	ms_json_uint(&j, "added", d->added);
	ms_json_uint(&j, "removed", d->removed);
	ms_json_uint(&j, "changed", d->changed);
	ms_json_uint(&j, "metadata", d->metadata);
	ms_json_end_object(&j);
	fputc('\n', f);
}

static const struct ms_audit_entry *find_entry(const struct ms_audit_tree *t,
					       const char *path)
{
	struct ms_audit_entry key = { 0 };

	key.path = (char *)path;
	return bsearch(&key, t->entries, t->n, sizeof(*t->entries), by_path);
}

/* path with one leading slash, no repeated or trailing ones. */
static char *normal_path(const char *path)
{
	char *p = malloc(strlen(path) + 2), *o = p;

	if (!p)
		return NULL;
	*o++ = '/';
	for (; *path; path++)
		if (*path != '/' || (o[-1] != '/' && path[1]))
			*o++ = *path;
	*o = 0;
	return p;
}

int ms_audit_history(struct ms_ctx *c, struct ms_medium *m,
		     const struct ms_layout *l, const char *path,
		     struct ms_audit_history *h)
{
	struct ms_audit_tree t = { 0 };
	struct ms_audit_entry *e;
	int i, held = 0;

	memset(h, 0, sizeof(*h));
	if (l->nsessions == 0)
		return ms_fail(c, MS_EXIT_UNSUITABLE, "'%s' holds no session",
			       l->medium);
	h->path = normal_path(path);
	h->versions = calloc(l->nsessions, sizeof(*h->versions));
	if (!h->path || !h->versions) {
		ms_audit_history_release(h);
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	}
	for (i = 0; i < l->nsessions; i++) {
		struct ms_audit_version *v = &h->versions[h->n];

		if (ms_audit_tree_read(c, m, l, i, &t) < 0) {
			ms_audit_history_release(h);
			return -1;
		}
		e = (struct ms_audit_entry *)find_entry(&t, h->path);
		if (!e) {
			held = 0;
			ms_audit_tree_release(&t);
			continue;
		}
		v->session = t.session;
		v->change = held ? ms_audit_compare(&h->versions[h->n - 1].entry,
						    e) : MS_AUDIT_ADDED;
		v->entry = *e;
		/* the version owns what the entry pointed at */
		e->path = NULL;
		e->target = NULL;
		e->extents = NULL;
		h->n++;
		held = 1;
		ms_audit_tree_release(&t);
	}
	if (h->n == 0) {
		ms_fail(c, MS_EXIT_FAILURE, "no session of '%s' holds '%s'",
			l->medium, h->path);
		ms_audit_history_release(h);
		return -1;
	}
	return 0;
}

void ms_audit_history_release(struct ms_audit_history *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->versions[i].entry.path);
		free(h->versions[i].entry.target);
		free(h->versions[i].entry.extents);
	}
	free(h->versions);
	free(h->path);
	memset(h, 0, sizeof(*h));
}

static const char *change_name(char change)
{
	switch (change) {
	case MS_AUDIT_ADDED:
		return "added";
	case MS_AUDIT_CHANGED:
		return "changed";
	case MS_AUDIT_METADATA:
		return "metadata";
	default:
		return "unchanged";
	}
}

static void md5_hex(const struct ms_audit_entry *e, char hex[33])
{
	int i;

	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", e->md5[i]);
}

void ms_audit_print_history(FILE *f, const struct ms_audit_history *h)
{
	char mtime[32], start[16], md5[33];
	size_t i;

	for (i = 0; i < h->n; i++) {
		const struct ms_audit_version *v = &h->versions[i];
		const struct ms_audit_extent *x = first_data(&v->entry);

		ms_time_format(v->entry.mtime, mtime, sizeof(mtime));
		snprintf(start, sizeof(start), "-");
		if (x)
			snprintf(start, sizeof(start), "%u", x->start);
		snprintf(md5, sizeof(md5), "-");
		if (v->entry.has_md5)
			md5_hex(&v->entry, md5);
		fprintf(f, "%4d %c %12llu %s %10s %-32s %s", v->session,
			v->entry.type, (unsigned long long)v->entry.size,
			mtime, start, md5, change_name(v->change));
		if (v->entry.target) {
			fputs(" -> ", f);
			print_safe(f, v->entry.target);
		}
		fputc('\n', f);
	}
}

void ms_audit_json_history(FILE *f, const struct ms_audit_history *h)
{
	struct ms_json j;
	char mtime[32], md5[33];
	size_t i;
	int k;

	ms_json_init(&j, f);
	ms_json_array(&j, NULL);
	for (i = 0; i < h->n; i++) {
		const struct ms_audit_version *v = &h->versions[i];
		const struct ms_audit_entry *e = &v->entry;

		ms_time_format(e->mtime, mtime, sizeof(mtime));
		ms_json_object(&j, NULL);
		ms_json_uint(&j, "session", v->session);
		ms_json_string(&j, "path", e->path);
		ms_json_string(&j, "type", type_name(e->type));
		ms_json_uint(&j, "size", e->size);
		ms_json_string(&j, "mtime", mtime);
		ms_json_uint(&j, "mode", e->mode & 07777);
		ms_json_array(&j, "extents");
		for (k = 0; k < e->nextents; k++) {
			ms_json_object(&j, NULL);
			ms_json_uint(&j, "start", e->extents[k].start);
			ms_json_uint(&j, "blocks", e->extents[k].blocks);
			ms_json_end_object(&j);
		}
		ms_json_end_array(&j);
		if (e->has_md5) {
			md5_hex(e, md5);
			ms_json_string(&j, "md5", md5);
		} else {
			ms_json_null(&j, "md5");
		}
		if (e->target)
			ms_json_string(&j, "target", e->target);
		ms_json_string(&j, "change", change_name(v->change));
		ms_json_end_object(&j);
	}
	ms_json_end_array(&j);
	fputc('\n', f);
}
