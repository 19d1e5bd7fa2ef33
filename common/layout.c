#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "iso9660.h"
#include "layout.h"
#include "toc.h"
#include "util.h"

/*
 * What a session costs beyond its data, per profile (DESIGN 1.4, with the
 * source of each figure in doc/design.md and mstools(5)).  On CD the gap
 * to the next NWA is lead-out + lead-in + pregap: 6750 + 4500 + 150 after
 * the first session, 2250 + 4500 + 150 after later ones, and every TAO
 * track ends in 2 unreadable run-out blocks; tracks are at least 300
 * blocks.  On DVD and BD the drive reports the NWA; the figures are what
 * drives were seen to report (READ TRACK INFORMATION traces): 2048 after
 * every DVD+R session, 28688 after the first DVD-R border.  Where no trace
 * exists (later DVD-R borders, BD-R SRM) the figure is an estimate, shown
 * as "about", and MSTOOLS_SESSION_OVERHEAD may replace it.  Tracks start
 * on ECC blocks (16) or clusters (32).
 */
struct overhead {
	int profile;
	uint32_t first;		/* when the medium holds no session yet */
	uint32_t later;
	uint32_t runout;	/* per track */
	uint32_t align;		/* the next track starts on a multiple */
	uint32_t min_track;	/* shorter tracks are padded */
	int overwriteable;
	const char *first_note;
	const char *later_note;
	int first_about;	/* no drive measured: an estimate */
	int later_about;
	int one_session;	/* the medium takes one session only */
};

#define PROFILE_CD_ROM		0x08
#define PROFILE_CD_RW		0x0a
#define PROFILE_DVD_RW_SEQUENTIAL 0x14

#define CD_FIRST_GAP	(6750 + 4500 + 150)
#define CD_LATER_GAP	(2250 + 4500 + 150)
#define CD_RUNOUT	2
#define CD_MIN_TRACK	300
#define DVD_ECC		16
#define BD_CLUSTER	32
#define DVDPR_GAP	2048	/* measured, every session */
#define DVDMR_GAP_FIRST	28688	/* measured, the first border */
#define DVDMR_GAP_LATER	16384	/* no trace: conservative */
#define BDR_GAP		0	/* no trace of SRM sessions */
#define FILE_ALIGN	32

#define OVERHEAD_ENV	"MSTOOLS_SESSION_OVERHEAD"

static const char cd_note[] =
	"lead-out, lead-in and pregap, plus 2 run-out blocks";
static const char dvdpr_note[] =
	"measured on drives: session closure and the next lead-in";
static const char dvdmr_first_note[] =
	"measured on drives: the first border";
static const char dvdmr_later_note[] =
	"no drive measured for later borders: a conservative figure; "
	OVERHEAD_ENV " sets yours";
static const char dvdmr_dl_note[] =
	"DVD-R DL takes one session only";
static const char bdr_note[] =
	"no drive measured for BD-R sessions: none assumed; "
	OVERHEAD_ENV " sets yours";
static const char file_note[] =
	"none beyond 32-block alignment";
static const char env_note[] =
	"set by " OVERHEAD_ENV;
static const char env_bad_note[] =
	OVERHEAD_ENV " is not BLOCKS or FIRST,LATER: ignored";

#define DVDMR(p) { p, DVDMR_GAP_FIRST, DVDMR_GAP_LATER, 0, DVD_ECC, 0, 0, \
		   dvdmr_first_note, dvdmr_later_note, 0, 1, 0 }
#define DVDPR(p) { p, DVDPR_GAP, DVDPR_GAP, 0, DVD_ECC, 0, 0, dvdpr_note, \
		   dvdpr_note, 0, 0, 0 }
#define FILES(p) { p, 0, 0, 0, FILE_ALIGN, 0, 1, file_note, file_note, \
		   0, 0, 0 }

static const struct overhead overheads[] = {
	{ 0x09, CD_FIRST_GAP, CD_LATER_GAP, CD_RUNOUT, 1, CD_MIN_TRACK, 0,
	  cd_note, cd_note, 0, 0, 0 },
	{ 0x0a, CD_FIRST_GAP, CD_LATER_GAP, CD_RUNOUT, 1, CD_MIN_TRACK, 0,
	  cd_note, cd_note, 0, 0, 0 },
	DVDMR(0x11),
	DVDMR(0x14),
	{ 0x15, 0, 0, 0, DVD_ECC, 0, 0, dvdmr_dl_note, dvdmr_dl_note, 0, 0,
	  1 },
	DVDPR(0x1b),
	DVDPR(0x2b),
	{ 0x41, BDR_GAP, BDR_GAP, 0, BD_CLUSTER, 0, 0, bdr_note, bdr_note, 1,
	  1, 0 },
	FILES(0x12),
	FILES(0x13),
	FILES(0x1a),
	FILES(0x43),
	FILES(MS_PROFILE_STDIO),
};

static const struct overhead *find_overhead(int profile)
{
	size_t i;

	for (i = 0; i < sizeof(overheads) / sizeof(overheads[0]); i++)
		if (overheads[i].profile == profile)
			return &overheads[i];
	return NULL;
}

/*
 * MSTOOLS_SESSION_OVERHEAD: BLOCKS, or FIRST,LATER, the gap a user measured
 * on a drive.  Returns 1 (set), 0 (unset), -1 (malformed).
 */
static int env_gap(uint32_t *first, uint32_t *later)
{
	const char *v = getenv(OVERHEAD_ENV);
	char buf[32], *comma;

	if (!v || !*v)
		return 0;
	if (strlen(v) >= sizeof(buf))
		return -1;
	strcpy(buf, v);
	comma = strchr(buf, ',');
	if (comma)
		*comma = '\0';
	if (ms_parse_u32(buf, first) < 0 || *first > MS_OVERHEAD_MAX)
		return -1;
	*later = *first;
	if (comma && (ms_parse_u32(comma + 1, later) < 0 ||
		      *later > MS_OVERHEAD_MAX))
		return -1;
	return 1;
}

/* The gap after a session on a write-once profile, and what it rests on. */
static uint32_t gap(const struct overhead *o, int sessions, const char **note,
		    int *about)
{
	uint32_t first, later;
	int env = o->overwriteable || o->one_session ? 0 :
		  env_gap(&first, &later);

	if (about)
		*about = 0;
	if (env > 0) {
		if (note)
			*note = env_note;
		return sessions == 0 ? first : later;
	}
	if (note)
		*note = env < 0 ? env_bad_note :
			sessions == 0 ? o->first_note : o->later_note;
	if (about)
		*about = sessions == 0 ? o->first_about : o->later_about;
	return sessions == 0 ? o->first : o->later;
}

uint32_t ms_overhead_blocks(int profile, int sessions, const char **note)
{
	const struct overhead *o = find_overhead(profile);

	if (note)
		*note = "unknown for this profile";
	if (!o)
		return 0;
	return gap(o, sessions, note, NULL) + o->runout;
}

int ms_overhead_is_estimate(int profile, int sessions)
{
	const struct overhead *o = find_overhead(profile);
	int about = 0;

	if (o)
		gap(o, sessions, NULL, &about);
	return about;
}

int ms_profile_one_session(int profile)
{
	const struct overhead *o = find_overhead(profile);

	return o && o->one_session;
}

uint32_t ms_closing_overhead_blocks(int profile)
{
	const struct overhead *o = find_overhead(profile);

	return o ? o->runout : 0;
}

uint32_t ms_next_nwa(int profile, int sessions, uint32_t start,
		     uint32_t blocks)
{
	const struct overhead *o = find_overhead(profile);
	uint64_t end;

	if (!o)
		return start + blocks;
	if (blocks < o->min_track)
		blocks = o->min_track;
	end = (uint64_t)start + blocks + o->runout;
	end = (end + o->align - 1) / o->align * o->align;
	end += gap(o, sessions, NULL, NULL);
	return end > UINT32_MAX ? UINT32_MAX : (uint32_t)end;
}

int ms_profile_is_overwriteable(int profile)
{
	const struct overhead *o = find_overhead(profile);

	return o && o->overwriteable;
}

int ms_profile_is_cd(int profile)
{
	return profile >= PROFILE_CD_ROM && profile <= PROFILE_CD_RW;
}

int ms_profile_is_blankable(int profile)
{
	return profile == PROFILE_CD_RW ||
	       profile == PROFILE_DVD_RW_SEQUENTIAL;
}

const char *ms_status_name(enum ms_status s)
{
	switch (s) {
	case MS_STATUS_BLANK:
		return "blank";
	case MS_STATUS_APPENDABLE:
		return "appendable";
	case MS_STATUS_CLOSED:
		return "closed";
	case MS_STATUS_UNSUITABLE:
		return "unsuitable";
	case MS_STATUS_IMAGE:
		return "image";
	}
	return "unknown";
}

int ms_layout_check_appendable(struct ms_ctx *c, const struct ms_layout *l,
			       unsigned flags)
{
	int fresh = flags & MS_CHECK_FRESH;

	switch (l->status) {
	case MS_STATUS_CLOSED:
		if (fresh)
			break;
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' is closed: no further session can be "
			       "written", l->medium);
	case MS_STATUS_UNSUITABLE:
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' holds a medium that cannot be written%s%s",
			       l->medium, l->unsuitable_why ? ": " : "",
			       l->unsuitable_why ? l->unsuitable_why : "");
	case MS_STATUS_IMAGE:
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' is a session image, not a medium",
			       l->medium);
	default:
		break;
	}
	if (l->broken)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "the last session of '%s' is damaged at block "
			       "%u: %s", l->medium, l->break_lba,
			       l->break_reason);
	if (l->damaged && !fresh)
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "the next track of '%s' is damaged (an "
			       "interrupted write) and the drive gives no next "
			       "writable address; close it first, e.g. xorriso "
			       "-outdev %s -close_damaged as_needed", l->medium,
			       l->medium);
	return 0;
}

void ms_layout_release(struct ms_layout *l)
{
	free(l->sessions);
	memset(l, 0, sizeof(*l));
}

const struct ms_session *ms_layout_session_at(const struct ms_layout *l,
					      uint32_t lba)
{
	int i;

	for (i = 0; i < l->nsessions; i++)
		if (l->sessions[i].start == lba)
			return &l->sessions[i];
	return NULL;
}

static int reader(void *arg, struct ms_ctx *c, uint32_t lba, uint32_t count,
		  uint8_t *buf)
{
	uint32_t got;

	if (ms_medium_read_upto(arg, c, lba, count, buf, &got) < 0)
		return -1;
	return (int)got;
}

/*
 * Read a session's descriptor set into vdset (MS_VDSET_MAX blocks).
 * Returns its length in blocks, 0 if it is not a valid set, -1 on error.
 */
static int read_vdset(struct ms_ctx *c, struct ms_medium *m, uint32_t start,
		      uint8_t *vdset, struct ms_vdset *set)
{
	uint32_t want = 4, got;
	int r;

	for (;;) {
		if (ms_medium_read_upto(m, c, start + MS_VD_FIRST, want, vdset,
					&got) < 0)
			return -1;
		r = ms_vdset_parse(vdset, (int)got, set);
		if (r == MS_VDSET_OK)
			return set->count;
		if (r != MS_VDSET_UNTERMINATED || got < want ||
		    want == MS_VDSET_MAX)
			return 0;
		want = MS_VDSET_MAX;
	}
}

/*
 * The block of a session's libisofs session checksum tag, found from the
 * superblock tag right after its descriptor set through the tree tag.
 * Returns 1 (tag filled), 0 if the session has no such chain, -1 on error.
 */
static int session_tag(struct ms_ctx *c, struct ms_medium *m,
		       const struct ms_session *s, int vdset_len,
		       uint8_t *tag)
{
	static const char *kinds[] = {
		"libisofs_sb_checksum_tag_v1",
		"libisofs_tree_checksum_tag_v1",
		"libisofs_checksum_tag_v1",
	};
	uint32_t pos = s->start + MS_VD_FIRST + (uint32_t)vdset_len, next, got;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (pos < s->start || pos >= s->start + s->blocks)
			return 0;
		if (ms_medium_read_upto(m, c, pos, 1, tag, &got) < 0)
			return -1;
		if (got != 1 || !ms_tag_parse(tag, kinds[i], pos, &next))
			return 0;
		if (i + 1 < sizeof(kinds) / sizeof(kinds[0]) && next <= pos)
			return 0;
		pos = next;
	}
	return 1;
}

/* The fingerprint of a medium whose last session is s. */
static int fingerprint(struct ms_ctx *c, struct ms_medium *m,
		       const struct ms_session *s, uint32_t nwa,
		       const uint8_t *vdset, int vdset_len,
		       uint8_t fp[MS_FP_LEN])
{
	uint8_t tag[MS_BLOCK];
	int found;

	found = session_tag(c, m, s, vdset_len, tag);
	if (found < 0)
		return -1;
	ms_fingerprint(s->start, nwa, vdset, vdset_len, found ? tag : NULL,
		       fp);
	return 0;
}

/*
 * The UDF volume recognition sequence of a bridge session: the blocks
 * right after its ISO 9660 terminator (set_len descriptors from block
 * start + 16), as far as the session reaches.
 */
static int read_vrs(struct ms_ctx *c, struct ms_medium *m,
		    struct ms_session *s, uint32_t set_len)
{
	uint8_t vrs[MS_VRS_MAX * MS_BLOCK];
	uint32_t at = MS_VD_FIRST + set_len, want = MS_VRS_MAX, got;

	s->udf = 0;
	if (at >= s->blocks)
		return 0;
	if (want > s->blocks - at)
		want = s->blocks - at;
	if (ms_medium_read_upto(m, c, s->start + at, want, vrs, &got) < 0)
		return -1;
	s->udf = ms_vrs_udf(vrs, (int)got);
	return 0;
}

/*
 * A session without ISO 9660 descriptors whose block 16 starts a UDF
 * recognition sequence (a UDF-only disc written by drive): fails the read
 * with MS_EXIT_UNSUITABLE and returns 1; 0 if it is something else.
 */
static int udf_only(struct ms_ctx *c, struct ms_medium *m,
		    const struct ms_session *s)
{
	uint8_t vrs[MS_VRS_MAX * MS_BLOCK];
	uint32_t want = MS_VRS_MAX, got;

	if (s->blocks <= MS_VD_FIRST)
		return 0;
	if (want > s->blocks - MS_VD_FIRST)
		want = s->blocks - MS_VD_FIRST;
	if (ms_medium_read_upto(m, c, s->start + MS_VD_FIRST, want, vrs,
				&got) < 0)
		return -1;
	if (!ms_vrs_udf(vrs, (int)got))
		return 0;
	ms_fail(c, MS_EXIT_UNSUITABLE, "session %d: %s", s->number,
		MS_UDF_ONLY_WHY);
	return 1;
}

/* Fill volume id, Joliet, Rock Ridge, UDF, El Torito and link record. */
static int read_details(struct ms_ctx *c, struct ms_medium *m,
			struct ms_session *s, uint8_t *vdset, int *vdset_len)
{
	uint8_t blk[MS_BLOCK];
	struct ms_vdset set;
	uint32_t got;
	int n;

	n = read_vdset(c, m, s->start, vdset, &set);
	if (n < 0)
		return -1;
	if (vdset_len)
		*vdset_len = n;
	if (n > 0) {
		s->readable = 1;
		s->volume_blocks = set.pvd.space_size;
		memcpy(s->volume_id, set.pvd.volume_id, sizeof(s->volume_id));
		s->created = set.pvd.created;
		s->joliet = set.joliet_level;
		if (ms_medium_read_upto(m, c, set.pvd.root_lba, 1, blk,
					&got) < 0)
			return -1;
		s->rockridge = got == 1 &&
			       ms_root_has_rockridge(blk, MS_BLOCK) == 1;
		s->el_torito = set.el_torito;
		s->boot_catalog = set.boot_catalog;
		s->boot_catalog_ok = set.el_torito &&
				     set.boot_catalog >= s->start &&
				     set.boot_catalog - s->start < s->blocks;
		if (read_vrs(c, m, s, (uint32_t)n) < 0)
			return -1;
	} else {
		s->created = -1;
	}
	if (ms_medium_read_upto(m, c, s->start, 1, blk, &got) < 0)
		return -1;
	if (got == 1) {
		s->link_state = ms_link_parse(blk, &s->link, s->link_why,
					      sizeof(s->link_why));
		s->hfs = ms_sysarea_is_hfs(blk);
		s->mbr = ms_sysarea_is_mbr(blk);
	}
	/*
	 * Block 0 of a file is the head: after growing a plain image it holds
	 * the newest session's record, which is not this session's.
	 */
	if (s->link_state == MS_LINK_FOUND && s->link.start != s->start)
		s->link_state = MS_LINK_ABSENT;
	return 0;
}

static int add_session(struct ms_ctx *c, struct ms_layout *l, uint32_t start,
		       uint32_t blocks, int tracks)
{
	struct ms_session *s;

	s = realloc(l->sessions, (size_t)(l->nsessions + 1) * sizeof(*s));
	if (!s)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	l->sessions = s;
	s = &l->sessions[l->nsessions];
	memset(s, 0, sizeof(*s));
	s->number = ++l->nsessions;
	s->start = start;
	s->blocks = blocks;
	s->tracks = tracks;
	s->created = -1;
	return 0;
}

static void mismatch(struct ms_layout *l, struct ms_session *s,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void mismatch(struct ms_layout *l, struct ms_session *s,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->link_mismatch_why, sizeof(s->link_mismatch_why), fmt,
		  ap);
	va_end(ap);
	s->link_mismatch = 1;
	if (!l->link_break)
		l->link_break = s->number;
}

/*
 * Hold session s's link record to the session b before it (NULL for the
 * first), whose descriptor set is vdset: the record must name b's start,
 * the address s starts at, and b's fingerprint as it is now.
 */
static int check_link(struct ms_ctx *c, struct ms_medium *m,
		      struct ms_layout *l, struct ms_session *s,
		      const struct ms_session *b, const uint8_t *vdset,
		      int vdset_len)
{
	uint8_t fp[MS_FP_LEN];
	char want[MS_FP_HEX_LEN + 1], now[MS_FP_HEX_LEN + 1];
	const struct ms_link *k = &s->link;

	if (s->link_state == MS_LINK_CORRUPT) {
		mismatch(l, s, "its link record is damaged: %s", s->link_why);
		return 0;
	}
	if (s->link_state != MS_LINK_FOUND)
		return 0;
	if (!b) {
		if (!k->base_blank)
			mismatch(l, s, "it was built to follow a session at "
				 "block %u, but it is the first session",
				 k->base_last);
		return 0;
	}
	if (k->base_blank) {
		mismatch(l, s, "it was built for a blank medium, but session "
			 "%d comes before it", b->number);
		return 0;
	}
	if (k->base_last != b->start) {
		mismatch(l, s, "it was built to follow a session at block %u, "
			 "but session %d starts at block %u", k->base_last,
			 b->number, b->start);
		return 0;
	}
	if (k->base_nwa != s->start) {
		mismatch(l, s, "it was built for block %u, but it starts at "
			 "block %u", k->base_nwa, s->start);
		return 0;
	}
	if (k->base_sessions != (uint32_t)b->number) {
		mismatch(l, s, "it was built for a medium of %u sessions, but "
			 "%d come before it", k->base_sessions, b->number);
		return 0;
	}
	if (vdset_len <= 0) {
		mismatch(l, s, "the descriptors of session %d, its base, "
			 "cannot be read", b->number);
		return 0;
	}
	if (fingerprint(c, m, b, k->base_nwa, vdset, vdset_len, fp) < 0)
		return -1;
	if (memcmp(fp, k->base_fp, MS_FP_LEN)) {
		ms_hex(k->base_fp, MS_FP_LEN, want);
		ms_hex(fp, MS_FP_LEN, now);
		mismatch(l, s, "session %d changed after this session was "
			 "built on it: its fingerprint was %s and is now %s",
			 b->number, want, now);
	}
	return 0;
}

/*
 * Details of every session, each link record held to the session before
 * it, and the fingerprint of the last session.
 */
int ms_layout_finish_sessions(struct ms_ctx *c, struct ms_medium *m,
			      struct ms_layout *l)
{
	uint8_t *vdset, *prev, *t;
	int i, n = 0, pn = 0, ret = -1;

	vdset = malloc((size_t)MS_VDSET_MAX * MS_BLOCK);
	prev = malloc((size_t)MS_VDSET_MAX * MS_BLOCK);
	if (!vdset || !prev) {
		ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		goto out;
	}
	for (i = 0; i < l->nsessions; i++) {
		const struct ms_session *s = &l->sessions[i];

		if (read_details(c, m, &l->sessions[i], vdset, &n) < 0)
			goto out;
		if (n == 0 && udf_only(c, m, s) != 0)
			goto out;
		/* a session nobody can load: the chain is broken there */
		if (n == 0 && !l->broken) {
			l->broken = 1;
			l->break_lba = s->start + MS_VD_FIRST;
			snprintf(l->break_reason, sizeof(l->break_reason),
				 "session %d at block %u has no readable "
				 "volume descriptor set (none that ends "
				 "within %d blocks)", s->number, s->start,
				 MS_VDSET_MAX);
		}
		if (l->status != MS_STATUS_IMAGE &&
		    check_link(c, m, l, &l->sessions[i],
			       i ? &l->sessions[i - 1] : NULL, prev, pn) < 0)
			goto out;
		t = prev;
		prev = vdset;
		vdset = t;
		pn = n;
	}
	if (l->nsessions > 0) {
		l->last_start = l->sessions[l->nsessions - 1].start;
		if (pn > 0 && (l->status == MS_STATUS_APPENDABLE ||
			       l->status == MS_STATUS_CLOSED)) {
			if (fingerprint(c, m, &l->sessions[l->nsessions - 1],
					l->nwa, prev, pn, l->fp) < 0)
				goto out;
			l->has_fp = 1;
		}
	}
	ret = 0;
out:
	free(vdset);
	free(prev);
	return ret;
}

static void set_space(struct ms_medium *m, struct ms_layout *l)
{
	int64_t bytes = ms_medium_free_bytes(m, (uint64_t)l->nwa * MS_BLOCK);

	l->free_blocks = (uint64_t)bytes / MS_BLOCK;
	l->capacity_blocks = l->nwa + l->free_blocks;
}

/*
 * A session image made by mkms for a non-zero address: block 0 holds its
 * link record and block 16 its own descriptors with its own size.  Show it
 * at the address it was built for.
 */
int ms_layout_read_image(struct ms_ctx *c, struct ms_medium *m,
			 struct ms_layout *l, uint32_t *origin)
{
	uint8_t blk[MS_BLOCK];
	struct ms_link link;
	uint8_t first[MS_BLOCK];
	uint32_t got, blocks;
	uint64_t size = ms_medium_size_blocks(m);

	l->overwriteable = 1;
	l->first_address = MS_TOC_FIRST_SESSION;
	if (ms_medium_read_upto(m, c, 0, 1, blk, &got) < 0)
		return -1;
	if (got < 1 || ms_link_parse(blk, &link, NULL, 0) != MS_LINK_FOUND ||
	    link.start == 0)
		return 0;
	memcpy(first, blk, MS_BLOCK);
	if (ms_medium_read_upto(m, c, MS_VD_FIRST, 1, blk, &got) < 0)
		return -1;
	if (got < 1 || !ms_vd_is_primary(blk))
		return 0;
	/* the size is the descriptor's; an old record's blocks= must agree */
	blocks = ms_vd_space_size(blk);
	if (blocks == 0 || blocks > MS_LINK_MAX_BLOCK - link.start ||
	    (link.blocks && blocks != link.blocks))
		return 0;
	/*
	 * A record without blocks=.  An image's descriptor names its own
	 * size; on a disc, block 0 is the head, a copy of the first blocks of
	 * the newest session, whose descriptor names an end past the start.
	 * An image that ends past its start holds data at block start and
	 * start + 16; a disc holds the session there: the very record of
	 * block 0 (unless someone changed one of them) and a primary
	 * descriptor (unless truncated, which is a disc's fault too).
	 */
	if (!link.blocks && blocks > link.start) {
		if (ms_medium_read_upto(m, c, link.start, 1, blk, &got) < 0)
			return -1;
		if (got < 1 || !memcmp(blk, first, MS_BLOCK))
			return 0;
	}
	/* a disc's own session is at least 17 blocks: start + 16 is inside */
	if (!link.blocks && blocks > link.start + MS_VD_FIRST) {
		if (ms_medium_read_upto(m, c, link.start + MS_VD_FIRST, 1, blk,
					&got) < 0)
			return -1;
		if (got < 1 || ms_vd_is_primary(blk))
			return 0;
	}
	link.blocks = blocks;
	*origin = link.start;
	l->status = MS_STATUS_IMAGE;
	l->nwa = link.start + link.blocks;
	if (add_session(c, l, link.start, link.blocks, 1) < 0)
		return -1;
	if (link.blocks > size) {
		l->broken = 1;
		l->break_lba = (uint32_t)(link.start + size);
		snprintf(l->break_reason, sizeof(l->break_reason),
			 "the image should have %u blocks, but the file "
			 "ends after %llu", link.blocks,
			 (unsigned long long)size);
	}
	return 1;
}

int ms_layout_read_emulated(struct ms_ctx *c, struct ms_medium *m,
			    struct ms_layout *l, uint64_t blocks)
{
	struct ms_toc toc;
	int i, ret = -1;

	l->overwriteable = 1;
	l->first_address = MS_TOC_FIRST_SESSION;
	if (ms_toc_walk(reader, m, blocks, &toc, c) < 0)
		return -1;
	if (toc.kind == MS_TOC_BLANK) {
		l->status = MS_STATUS_BLANK;
		l->nwa = l->first_address;
	} else {
		l->status = MS_STATUS_APPENDABLE;
		l->nwa = ms_toc_nwa(toc.head_size);
		for (i = 0; i < toc.count; i++)
			if (add_session(c, l, toc.entries[i].start,
					toc.entries[i].blocks, 1) < 0)
				goto out;
		if (toc.broken) {
			l->broken = 1;
			l->break_lba = toc.break_lba;
			memcpy(l->break_reason, toc.break_reason,
			       sizeof(toc.break_reason));
		}
		if (toc.truncated) {
			size_t n = strlen(l->break_reason);

			snprintf(l->break_reason + n,
				 sizeof(l->break_reason) - n,
				 ": the %s is shorter than its newest "
				 "descriptors say (it ends at block %llu, they "
				 "name %u as the end)", ms_medium_file(m) ?
				 "file" : "medium",
				 (unsigned long long)blocks, toc.head_size);
			l->truncated = 1;
		}
	}
	l->msc1 = 0;
	set_space(m, l);
	ret = ms_layout_finish_sessions(c, m, l);
out:
	ms_toc_release(&toc);
	return ret;
}

int ms_layout_add_session(struct ms_ctx *c, struct ms_layout *l,
			  uint32_t start, uint32_t blocks, int tracks)
{
	return add_session(c, l, start, blocks, tracks);
}

void ms_layout_set_overheads(struct ms_layout *l)
{
	l->overhead_blocks = ms_overhead_blocks(l->profile, l->nsessions,
						&l->overhead_note);
	l->closing_overhead_blocks = ms_closing_overhead_blocks(l->profile);
	l->overhead_about = ms_overhead_is_estimate(l->profile, l->nsessions);
	if (ms_profile_one_session(l->profile) &&
	    l->status == MS_STATUS_APPENDABLE && l->nsessions > 0) {
		/* the drive may call it appendable; no drive can append */
		l->status = MS_STATUS_UNSUITABLE;
		l->unsuitable_why = "a DVD-R DL takes one session only: "
				    "drives cannot append to it";
	}
	if (l->status == MS_STATUS_CLOSED) {
		l->overhead_blocks = 0;
		l->closing_overhead_blocks = 0;
		l->overhead_note = "closed: no further session";
	}
}

int ms_layout_read(struct ms_ctx *c, struct ms_medium *m,
		   struct ms_layout *l)
{
	uint64_t before = ms_medium_blocks_read(m);

	memset(l, 0, sizeof(*l));
	if (ms_medium_layout(m, c, l) < 0) {
		ms_layout_release(l);
		return -1;
	}
	l->blocks_read = ms_medium_blocks_read(m) - before;
	return 0;
}

int ms_medium_needs_data(struct ms_ctx *c, const struct ms_layout *l,
			 const char *option)
{
	if (!l->snapshot_of)
		return 0;
	return ms_fail(c, MS_EXIT_UNSUITABLE, "'%s' is a snapshot of '%s', "
		       "which holds no file data: %s needs the medium itself",
		       l->medium, l->snapshot_of, option);
}
