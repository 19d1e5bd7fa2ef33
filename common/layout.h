/*
 * The layout model: what a medium holds and where the next session goes.
 * Filled from the emulated TOC on files and overwriteable media, from the
 * drive's TOC on write-once media.
 */
#ifndef MS_LAYOUT_H
#define MS_LAYOUT_H

#include <stdint.h>

#include "ctx.h"
#include "link.h"
#include "medium.h"

enum ms_status {
	MS_STATUS_BLANK,
	MS_STATUS_APPENDABLE,
	MS_STATUS_CLOSED,
	MS_STATUS_UNSUITABLE,
	MS_STATUS_IMAGE,	/* a session image made by mkms, not a disc */
};

struct ms_session {
	int number;			/* 1-based */
	uint32_t start;			/* real start: the system area */
	uint32_t blocks;		/* on the medium (tracks on CD/DVD/BD) */
	uint32_t volume_blocks;		/* its own volume space size, or 0 */
	int tracks;
	int readable;			/* its descriptor set was parsed */
	char volume_id[MS_VD_VOLUME_ID_LEN + 1];
	int joliet;			/* Joliet level, 0 if none */
	int rockridge;
	int udf;			/* UDF NSR revision (2, 3), 0 if none */
	int el_torito;			/* an El Torito boot record */
	int boot_catalog_ok;		/* its catalog lies in the session */
	uint32_t boot_catalog;
	int hfs;			/* an HFS hybrid (system area) */
	int mbr;			/* an MBR in its system area */
	int64_t created;
	int link_state;			/* enum ms_link_result */
	struct ms_link link;
	char link_why[128];		/* when the record is corrupt */
	int link_mismatch;		/* the record does not fit its base */
	char link_mismatch_why[192];	/* or is corrupt: why, in words */
};

struct ms_layout {
	const char *medium;		/* the medium's name, borrowed */
	enum ms_medium_kind kind;
	int profile;
	char profile_name[80];
	enum ms_status status;
	int overwriteable;		/* sessions are emulated (section 3) */
	int nsessions;
	struct ms_session *sessions;
	uint32_t msc1;			/* first number of --msinfo */
	uint32_t last_start;		/* real start of the last session */
	uint32_t nwa;			/* next writable address */
	uint32_t first_address;		/* where a first session goes */
	uint64_t free_blocks;		/* from nwa on */
	uint64_t capacity_blocks;
	uint32_t overhead_blocks;	/* the next session's cost beyond data */
	const char *overhead_note;
	uint32_t closing_overhead_blocks; /* the same if it closes the disc */
	int overhead_about;		/* an estimate: no drive measured */
	const char *unsuitable_why;	/* why, for MS_STATUS_UNSUITABLE */
	int has_fp;
	uint8_t fp[MS_FP_LEN];
	int damaged;			/* drive: the next track is damaged */
	int broken;			/* the session chain is damaged */
	int truncated;			/* because the file ends too soon */
	uint32_t break_lba;
	char break_reason[384];
	int link_break;			/* first session whose link record is
					   corrupt or names another base, 0 */
	uint64_t blocks_read;		/* by ms_layout_read, for --verbose */
	const char *snapshot_of;	/* a snapshot's medium, else NULL */
	int64_t snapshot_taken;
	int carries_unknown;		/* an old snapshot: what its sessions
					   carry (UDF, El Torito, ...) is not
					   recorded */
};

const char *ms_status_name(enum ms_status s);

enum ms_check_flags {
	MS_CHECK_FRESH = 1 << 0,	/* the session ignores what the medium
					   holds (mkms --fresh) */
};

/*
 * The one suitability check of all three tools: may a session be added
 * to the medium laid out as l?  Refused with MS_EXIT_UNSUITABLE: a closed
 * medium, one that cannot be written (why names the reason, e.g. a DVD-R
 * DL with a session), a session image given as a medium, a damaged next
 * track; with MS_EXIT_FAILURE: a broken session chain.  With
 * MS_CHECK_FRESH a closed medium and a damaged track are no obstacle.
 * A blank medium passes: whether blank will do is the caller's question.
 */
int ms_layout_check_appendable(struct ms_ctx *c, const struct ms_layout *l,
			       unsigned flags);

/*
 * Read the layout of an open medium (its backend's layout operation).
 * Fails with MS_EXIT_UNSUITABLE for media that are neither blank nor ISO
 * 9660, MS_EXIT_FAILURE on I/O errors.  A damaged session chain is not a
 * failure: it sets broken.
 */
int ms_layout_read(struct ms_ctx *c, struct ms_medium *m,
		   struct ms_layout *l);
void ms_layout_release(struct ms_layout *l);

/*
 * Refuse (MS_EXIT_UNSUITABLE, -1) work that reads file data, such as
 * option (e.g. "--cat"), on a snapshot: it holds metadata only.  0 for a
 * disc, disc file or image.
 */
int ms_medium_needs_data(struct ms_ctx *c, const struct ms_layout *l,
			 const char *option);

/* --- for medium backends, which fill a layout in these steps --- */

/*
 * A session image made by mkms for a non-zero address (its link record in
 * block 0, its own descriptors at block 16): 1 with the session in l and
 * the address it was built for in *origin (the backend then reads block 0
 * as that address), 0 if m holds no such image.
 */
int ms_layout_read_image(struct ms_ctx *c, struct ms_medium *m,
			 struct ms_layout *l, uint32_t *origin);

/*
 * The emulated TOC of a file or overwriteable disc of blocks readable
 * blocks: sessions, NWA, free space, then ms_layout_finish_sessions.
 */
int ms_layout_read_emulated(struct ms_ctx *c, struct ms_medium *m,
			    struct ms_layout *l, uint64_t blocks);

/* Append a session of blocks at start to l (number = count so far + 1). */
int ms_layout_add_session(struct ms_ctx *c, struct ms_layout *l,
			  uint32_t start, uint32_t blocks, int tracks);

/*
 * Details of every session (descriptors, link records held to the session
 * before, the fingerprint of the last), read from m.
 */
int ms_layout_finish_sessions(struct ms_ctx *c, struct ms_medium *m,
			      struct ms_layout *l);

/*
 * The figures derived from profile, session count and status: overheads,
 * "about", a DVD-R DL that drives cannot append to, a closed disc.
 */
void ms_layout_set_overheads(struct ms_layout *l);

/* The session that starts at lba, or NULL. */
const struct ms_session *ms_layout_session_at(const struct ms_layout *l,
					      uint32_t lba);

/*
 * The per-profile overhead table (DESIGN 1.4): blocks that a session costs
 * beyond its data on the given profile, when it is the sessions-th session
 * already on the medium plus one.  note (may be NULL) explains the figure.
 */
uint32_t ms_overhead_blocks(int profile, int sessions, const char **note);

/* A larger overhead from the environment is refused (2 GB). */
#define MS_OVERHEAD_MAX		1000000

/*
 * 1 if that figure is an estimate (no drive was seen to report it): lsms
 * says "about".  The environment variable MSTOOLS_SESSION_OVERHEAD
 * (BLOCKS or FIRST,LATER) replaces the gap of write-once profiles.
 */
int ms_overhead_is_estimate(int profile, int sessions);

/* 1 for media that take one session only (DVD-R DL). */
int ms_profile_one_session(int profile);

/*
 * What a session that closes the disc costs beyond its data: no further
 * lead-in or border follows it, only the run-out of its track (CD).
 */
uint32_t ms_closing_overhead_blocks(int profile);

/*
 * Where the session after one of blocks written at start will begin, on a
 * medium that held sessions sessions before it: padding to the shortest
 * track, run-out, alignment and the gap of the overhead table.
 */
uint32_t ms_next_nwa(int profile, int sessions, uint32_t start,
		     uint32_t blocks);

/* 1 for profiles that keep an emulated TOC: files and overwriteable discs */
int ms_profile_is_overwriteable(int profile);

/* 1 for CD profiles. */
int ms_profile_is_cd(int profile);

/*
 * 1 for the write-once-style profiles that the drive can make blank
 * again: CD-RW and sequential DVD-RW.
 */
int ms_profile_is_blankable(int profile);

#endif
