/*
 * Audits of a disc's content: the tree of one session, as a list of
 * paths with their sizes, times, owners and extents, and what one session
 * changed against another.  Built on the import (import.h): only the
 * sessions' directories are read, never file data.  Printing writes to a
 * caller's stream; names from the disc go through ms_safe_text() for the
 * table and the JSON writer's escapes for JSON.
 */
#ifndef MS_AUDIT_H
#define MS_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "layout.h"
#include "medium.h"

enum ms_audit_type {
	MS_AUDIT_FILE = 'f',
	MS_AUDIT_DIR = 'd',
	MS_AUDIT_LINK = 'l',
	MS_AUDIT_OTHER = 'o',	/* devices, fifos, sockets, boot catalogs */
};

struct ms_audit_extent {
	uint32_t start;
	uint32_t blocks;
};

struct ms_audit_entry {
	char *path;		/* absolute, "/" for the root */
	char type;		/* enum ms_audit_type */
	uint64_t size;
	int64_t mtime;
	unsigned mode;		/* permission bits and file type (st_mode) */
	unsigned uid, gid;
	char *target;		/* symbolic links: the target, else NULL */
	int nextents;
	struct ms_audit_extent *extents;
	int session;		/* the session whose blocks hold the first
				   extent with data; 0 without data */
	int zisofs;		/* files: stored compressed (a Rock Ridge ZF
				   entry: size is the uncompressed size) */
	int has_md5;		/* the session recorded the file's MD5 */
	uint8_t md5[16];
};

struct ms_audit_tree {
	int session;		/* 1-based; 0 for the empty tree */
	struct ms_audit_entry *entries;	/* sorted by path (strcmp) */
	size_t n, alloc;
};

/*
 * Read the tree of l->sessions[index] of m.  A session out of range is
 * MS_EXIT_USAGE; a session other than the last on a snapshot is
 * MS_EXIT_UNSUITABLE (a snapshot holds the last session's tree only);
 * a damaged tree is MS_EXIT_FAILURE.  Release the tree in every case.
 */
int ms_audit_tree_read(struct ms_ctx *c, struct ms_medium *m,
		       const struct ms_layout *l, int index,
		       struct ms_audit_tree *t);
void ms_audit_tree_release(struct ms_audit_tree *t);

/* The change codes of a diff. */
enum ms_audit_code {
	MS_AUDIT_ADDED = 'A',
	MS_AUDIT_REMOVED = 'D',
	MS_AUDIT_CHANGED = 'M',		/* type, size or extents differ */
	MS_AUDIT_METADATA = 'm',	/* mode, owner, mtime or link target */
};

struct ms_audit_change {
	char code;				/* enum ms_audit_code */
	const struct ms_audit_entry *old, *new;	/* NULL when absent */
};

struct ms_audit_diff {
	struct ms_audit_change *changes;	/* sorted by path */
	size_t n;
	size_t added, removed, changed, metadata;
};

/*
 * What b changed against a, path by path.  Extents count only where they
 * hold data: an empty file's recorded block is no content.  The diff
 * points into a and b, which must outlive it.
 */
/* The code of what changed from a to b at one path (0 for nothing). */
int ms_audit_compare(const struct ms_audit_entry *a,
		     const struct ms_audit_entry *b);

int ms_audit_diff(struct ms_ctx *c, const struct ms_audit_tree *a,
		  const struct ms_audit_tree *b, struct ms_audit_diff *d);
void ms_audit_diff_release(struct ms_audit_diff *d);

/* The formats are in lsms(1) and doc/lsms-json.md. */
void ms_audit_print_files(FILE *f, const struct ms_audit_tree *t);
void ms_audit_json_files(FILE *f, const struct ms_audit_tree *t);
void ms_audit_print_diff(FILE *f, const struct ms_audit_diff *d);
void ms_audit_json_diff(FILE *f, const struct ms_audit_tree *a,
			const struct ms_audit_tree *b,
			const struct ms_audit_diff *d);

/*
 * One path through the sessions (lsms --history): every session whose
 * tree holds it, with what changed from the session before (the codes of
 * a diff; MS_AUDIT_ADDED when the session before did not hold it, 0 when
 * nothing changed).
 */
struct ms_audit_version {
	struct ms_audit_entry entry;	/* owned: path, target, extents */
	int session;
	char change;
};

struct ms_audit_history {
	char *path;
	struct ms_audit_version *versions;
	size_t n;
};

/*
 * The history of path (absolute, as --files prints it) over every session
 * of m.  A path that no session holds is MS_EXIT_FAILURE.
 */
int ms_audit_history(struct ms_ctx *c, struct ms_medium *m,
		     const struct ms_layout *l, const char *path,
		     struct ms_audit_history *h);
void ms_audit_history_release(struct ms_audit_history *h);
void ms_audit_print_history(FILE *f, const struct ms_audit_history *h);
void ms_audit_json_history(FILE *f, const struct ms_audit_history *h);

#endif
