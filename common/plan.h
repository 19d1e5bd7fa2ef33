/*
 * mkms's planning: where the next image goes and whether it continues
 * the medium, decided from the medium's layout and the options alone,
 * before anything is built (DESIGN section 5, doc/design.md section 5).
 */
#ifndef MS_PLAN_H
#define MS_PLAN_H

#include <stdint.h>

#include "ctx.h"
#include "layout.h"
#include "link.h"

struct ms_plan_opts {
	int fresh;		/* --fresh: a first session, whatever is there */
	int have_c;		/* -C last,nwa given */
	uint32_t c_last, c_nwa;
	int changes;		/* pathspecs or removals given */
	int allow_empty;	/* --allow-empty: build even without changes */
	int from_session;	/* --from-session N: import session N's tree
				   (1-based), not the last one's; 0: none */
};

struct ms_plan {
	int import;		/* continue the medium: import its last session */
	uint32_t start;		/* the image's first block */
	int user_address;	/* start came from -C alone, not from a medium */
	int session_index;	/* with import: the session whose tree is
				   imported (index in l->sessions) */
};

/*
 * Plan an image for the medium laid out as l (NULL: no -M).  Without a
 * medium the image goes to -C's nwa (else 0) with base=blank.  A blank
 * medium, or --fresh, gives a first session at its first address; an
 * appendable one the next session at its NWA, importing its last
 * session.  Refused: a session image, a closed medium (unless --fresh),
 * an unwritable one, a damaged next track (unless --fresh), all
 * MS_EXIT_UNSUITABLE; a broken chain, MS_EXIT_FAILURE; -C that disagrees
 * with the medium, MS_EXIT_USAGE; a start within MS_SYSAREA_BLOCKS of
 * the end of ISO 9660's addresses, MS_EXIT_UNSUITABLE if the medium
 * alone named it, else MS_EXIT_USAGE.  from_session: the tree imported is
 * that session's, the address and the link still the NWA and the newest
 * session's; refused without a medium or with --fresh (MS_EXIT_USAGE), on
 * a blank medium (MS_EXIT_UNSUITABLE), for a session the medium does not
 * hold (MS_EXIT_USAGE); naming the newest session is no change.  Last,
 * without changes and
 * without allow_empty: MS_EXIT_NOTHING, "nothing to do: ...", with p
 * filled in.
 */
int ms_plan_make(struct ms_ctx *c, const struct ms_layout *l,
		 const struct ms_plan_opts *o, struct ms_plan *p);

/*
 * Update mode decides after the sources: changes counts what they added,
 * changed and removed, plus the --rm given.  Without any (and without
 * allow_empty): MS_EXIT_NOTHING, "nothing to do: ...", as ms_plan_make().
 */
int ms_plan_check_update(struct ms_ctx *c, const struct ms_plan_opts *o,
			 uint64_t changes);

/*
 * An existing regular file at output that reads as a disc with sessions
 * (or a snapshot of one) is most likely a mix-up of arguments: refused
 * with MS_EXIT_UNSUITABLE.  A session image, an image mkms made for block
 * 0, any other file, a missing one, a device or "-" pass.
 */
int ms_plan_check_output(struct ms_ctx *c, const char *output);

/*
 * Warn (through c) when the image of link k and the session overhead
 * will not fit the free space of the medium laid out as l.
 */
void ms_plan_warn_space(struct ms_ctx *c, const struct ms_layout *l,
			const struct ms_link *k);

#endif
