/*
 * lsms --check: read every session of a medium back and verify it.
 *
 * Per session: its libisofs checksum tags (superblock, tree and session
 * tag, the ranges xorriso -check_media checks; imgsum.h does the
 * checking), the MD5 that libisofs recorded for every file (AAIP, read
 * through the import of every session's tree), and its link record held
 * to the session before (the layout's chain check, layout.h).
 *
 * Each session is read once, in order, from its first block to the end of
 * its volume space; that one pass feeds the session's MD5 and the MD5 of
 * every file whose data lies in the session, whichever session's tree
 * names the file (files of an older session that a newer tree still names
 * are checked in the older session's pass; files that share extents,
 * hard links among them, are read once).  Only a file's MD5 state is kept
 * while it streams past: memory does not grow with file sizes.  The
 * directory blocks are read twice: once by the imports of the trees,
 * once in the pass.
 */
#ifndef MS_CHECK_H
#define MS_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "layout.h"
#include "medium.h"
#include "progress.h"

enum ms_check_tags {
	MS_CHECK_TAGS_NONE,		/* no checksum tags: not checkable */
	MS_CHECK_TAGS_OK,
	MS_CHECK_TAGS_MISMATCH,		/* damaged, missing or not matching */
	MS_CHECK_TAGS_UNREADABLE,	/* a block of the range was unreadable */
};

enum ms_check_chain {
	MS_CHECK_CHAIN_NONE,		/* no link record */
	MS_CHECK_CHAIN_OK,
	MS_CHECK_CHAIN_BROKEN,
};

/* What one session was found to be. */
enum ms_check_verdict {
	MS_CHECK_INTACT,		/* its tags and everything else match */
	MS_CHECK_DAMAGED,
	MS_CHECK_UNCHECKABLE,		/* no tags, nothing found wrong */
};

struct ms_check_session {
	int number;
	uint32_t start;
	uint32_t blocks;		/* read: its volume space */
	enum ms_check_tags tags;
	int tags_matched;		/* how many tags matched */
	uint32_t files;			/* files whose data lie here, checked */
	uint32_t files_bad;		/* of them not matching or unreadable */
	uint32_t files_no_md5;		/* files here with no recorded MD5 */
	uint32_t unreadable;		/* blocks */
	int tree_ok;			/* its tree could be imported */
	enum ms_check_chain chain;
	enum ms_check_verdict verdict;
};

enum ms_check_kind {
	MS_CHECK_UNREADABLE,	/* blocks lba..lba+count-1 cannot be read */
	MS_CHECK_TAG,		/* the session's tags do not match */
	MS_CHECK_FILE,		/* a file does not match its recorded MD5 */
	MS_CHECK_FILE_UNREADABLE, /* a file's data could not all be read */
	MS_CHECK_FILE_LAYOUT,	/* a file's extents cannot be checked: outside
				   the sessions, out of order, or overlapping
				   others beyond what the session holds */
	MS_CHECK_TREE,		/* the session's tree cannot be imported */
	MS_CHECK_CHAIN,		/* the link record does not fit its base */
	MS_CHECK_LAYOUT,	/* the session chain of the medium is broken */
};

/* One thing found wrong.  Texts from the disc are raw: escape to show. */
struct ms_check_problem {
	enum ms_check_kind kind;
	int session;		/* 1-based; 0 for the medium */
	uint32_t lba, count;	/* blocks, where it applies */
	char *path;		/* files: the path in the oldest tree naming it */
	int path_session;	/* the session whose tree gave path */
	char *why;		/* in words, without the session */
};

struct ms_check {
	int nsessions;
	struct ms_check_session *sessions;
	struct ms_check_problem *problems;	/* in the order found */
	size_t nproblems, alloc;
	uint64_t blocks_read;
	int damaged;			/* some problem was found */
	int uncheckable;		/* sessions without tags */
};

/*
 * Check every session of m laid out as l, counting the bytes read on p
 * (may be NULL; p->total is set).  Damage is not a failure: it is in k.
 * Fails (MS_EXIT_UNSUITABLE) on a snapshot, which holds no data, and on
 * running out of memory.  Release k in every case.
 */
int ms_check_run(struct ms_ctx *c, struct ms_medium *m,
		 const struct ms_layout *l, struct ms_progress *p,
		 struct ms_check *k);
void ms_check_release(struct ms_check *k);

/*
 * The exit status a check ends with: MS_EXIT_VERIFY if anything was
 * found wrong, else MS_EXIT_UNSUITABLE if some session carries no tags
 * (it could not be verified), else MS_EXIT_OK.
 */
int ms_check_status(const struct ms_check *k);

/* The formats are in lsms(1) and doc/lsms-json.md. */
const char *ms_check_verdict_name(enum ms_check_verdict v);
void ms_check_print(FILE *f, const struct ms_check *k);
void ms_check_json(FILE *f, const struct ms_layout *l,
		   const struct ms_check *k);

#endif
