#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report.h"
#include "safetext.h"
#include "util.h"

/* A string from a medium, made safe for a terminal (safetext.h). */
#define SAFE(s, buf)	ms_safe_text((s), (buf), sizeof(buf))
#define SAFE_BUF	(MS_SAFE_TEXT_MAX(4096) + 1)

static const char *kind_name(const struct ms_layout *l)
{
	if (l->status == MS_STATUS_IMAGE)
		return "image";
	if (l->snapshot_of)
		return "snapshot";
	return l->kind == MS_MEDIUM_DRIVE ? "drive" : "file";
}

void ms_link_summary(const struct ms_layout *l, const struct ms_session *s,
		     char *buf, size_t size)
{
	const struct ms_session *base;

	if (s->link_state == MS_LINK_CORRUPT) {
		snprintf(buf, size, "corrupt");
		return;
	}
	if (s->link_state != MS_LINK_FOUND) {
		snprintf(buf, size, "-");
		return;
	}
	if (s->link.base_blank) {
		snprintf(buf, size, "blank");
		return;
	}
	base = ms_layout_session_at(l, s->link.base_last);
	if (base && base != s)
		snprintf(buf, size, "session %d%s", base->number,
			 s->link_mismatch ? ", BROKEN" : "");
	else
		snprintf(buf, size, "block %u%s", s->link.base_last,
			 s->link_mismatch ? ", BROKEN" : "");
}

static void print_blocks(FILE *f, const char *label, uint64_t blocks)
{
	char human[32];

	ms_human_blocks(blocks, human, sizeof(human));
	fprintf(f, "%-14s%" PRIu64 " blocks (%s)\n", label, blocks, human);
}

static double mib(uint64_t blocks)
{
	return (double)blocks * MS_BLOCK / (1024.0 * 1024.0);
}

/*
 * The size a session's record stands for: an old record's blocks=, else
 * (records name no size now) the session's own volume space size.
 */
static uint32_t link_blocks(const struct ms_session *s)
{
	return s->link.blocks ? s->link.blocks : s->volume_blocks;
}

static void print_link(FILE *f, const struct ms_session *s)
{
	const struct ms_link *k = &s->link;
	char fp[MS_FP_HEX_LEN + 1], created[32];
	char safe[MS_SAFE_TEXT_MAX(MS_VD_VOLUME_ID_LEN) + 1];

	ms_hex(k->base_fp, MS_FP_LEN, fp);
	ms_time_format(k->created, created, sizeof(created));
	fprintf(f, "%-14sstart %u, %u blocks, built %s\n", "link record",
		k->start, link_blocks(s), created);
	if (k->base_blank) {
		fprintf(f, "%-14sblank medium\n", "built for");
		return;
	}
	fprintf(f, "%-14s%u session%s, last at %u, next writable %u\n",
		"built for", k->base_sessions, k->base_sessions == 1 ? "" : "s",
		k->base_last, k->base_nwa);
	fprintf(f, "%-14s%s (volume id '%s')\n", "base print", fp,
		SAFE(k->base_volid, safe));
}

void ms_report_table(FILE *f, const struct ms_layout *l)
{
	char fp[MS_FP_HEX_LEN + 1], created[32], link[32];
	char safe[SAFE_BUF];
	int i;

	fprintf(f, "%-14s%s\n", "medium", SAFE(l->medium, safe));
	if (l->snapshot_of) {
		char taken[32];

		ms_time_format(l->snapshot_taken, taken, sizeof(taken));
		fprintf(f, "%-14s%s, taken %s\n", "snapshot of",
			SAFE(l->snapshot_of, safe), taken);
		if (l->carries_unknown)
			fprintf(f, "%-14s%s\n", "", "(taken by an older mstools: "
				"whether its sessions carry UDF, HFS or El "
				"Torito records is not recorded)");
	}
	fprintf(f, "%-14s%s\n", "profile",
		l->status == MS_STATUS_IMAGE ? "session image" :
		SAFE(l->profile_name, safe));
	if (l->unsuitable_why)
		fprintf(f, "%-14s%s (%s)\n", "status", ms_status_name(l->status),
			l->unsuitable_why);
	else
		fprintf(f, "%-14s%s\n", "status", ms_status_name(l->status));
	fprintf(f, "%-14s%d\n", "sessions", l->nsessions);
	if (l->status == MS_STATUS_IMAGE) {
		const struct ms_session *s = &l->sessions[0];

		fprintf(f, "%-14s%u to %u\n", "written at", s->start,
			s->start + s->blocks - 1);
		if (s->link_state == MS_LINK_FOUND)
			print_link(f, s);
	} else {
		if ((l->status == MS_STATUS_APPENDABLE ||
		     l->status == MS_STATUS_BLANK) && !l->damaged &&
		    !l->broken) {
			fprintf(f, "%-14s%u\n", "next address", l->nwa);
			print_blocks(f, "free", l->free_blocks);
		}
		print_blocks(f, "capacity", l->capacity_blocks);
		if ((l->status == MS_STATUS_APPENDABLE ||
		     l->status == MS_STATUS_BLANK) && !l->broken)
			fprintf(f, "%-14s%s%u blocks (%.1f MiB) for the next "
				"session (%s)\n", "overhead",
				l->overhead_about ? "about " : "",
				l->overhead_blocks, mib(l->overhead_blocks),
				l->overhead_note);
		if ((l->status == MS_STATUS_APPENDABLE ||
		     l->status == MS_STATUS_BLANK) && !l->broken &&
		    !l->overwriteable)
			fprintf(f, "%-14s%u blocks (%.1f MiB) if the next "
				"session closes the disc (burnms --close)\n",
				"closing", l->closing_overhead_blocks,
				mib(l->closing_overhead_blocks));
		if (l->has_fp) {
			ms_hex(l->fp, MS_FP_LEN, fp);
			fprintf(f, "%-14s%s\n", "fingerprint", fp);
		}
	}
	if (l->damaged)
		fprintf(f, "%-14sthe next track is damaged (an interrupted "
			"write): no NWA\n", "warning");
	if (l->broken)
		fprintf(f, "%-14sbroken at block %u: %s\n", "chain",
			l->break_lba, SAFE(l->break_reason, safe));
	for (i = 0; i < l->nsessions; i++)
		if (l->sessions[i].link_mismatch)
			fprintf(f, "%-14sbroken at session %d: %s\n", "chain",
				l->sessions[i].number,
				SAFE(l->sessions[i].link_mismatch_why, safe));
	if (!l->nsessions)
		return;
	fprintf(f, "\n%7s %10s %10s %10s  %-32s %-6s %-3s %-20s  %s\n",
		"session", "start", "blocks", "end", "volume id", "joliet",
		"rr", "created", "linked to");
	for (i = 0; i < l->nsessions; i++) {
		const struct ms_session *s = &l->sessions[i];

		ms_time_format(s->created, created, sizeof(created));
		ms_link_summary(l, s, link, sizeof(link));
		fprintf(f, "%7d %10u %10u %10u  %-32s %-6s %-3s %-20s  %s\n",
			s->number, s->start, s->blocks,
			s->blocks ? s->start + s->blocks - 1 : s->start,
			s->readable ? SAFE(s->volume_id, safe) :
			"(unreadable)",
			s->joliet ? "yes" : "no", s->rockridge ? "yes" : "no",
			created, link);
	}
	for (i = 0; i < l->nsessions; i++) {
		const struct ms_session *s = &l->sessions[i];

		if (s->udf)
			fprintf(f, "%7d  also UDF (NSR0%d): a bridge, read as "
				"UDF by readers that prefer it\n", s->number,
				s->udf);
		if (s->hfs)
			fprintf(f, "%7d  also HFS: a Mac hybrid (in its system "
				"area)\n", s->number);
		if (s->mbr)
			fprintf(f, "%7d  also a master boot record (a partition "
				"table, e.g. isohybrid, in its system area)\n",
				s->number);
		if (s->el_torito && s->boot_catalog_ok)
			fprintf(f, "%7d  El Torito boot record, boot catalog "
				"at block %u\n", s->number, s->boot_catalog);
		else if (s->el_torito)
			fprintf(f, "%7d  El Torito boot record naming block "
				"%u, outside the session, as its catalog\n",
				s->number, s->boot_catalog);
	}
	if (l->overwriteable)
		return;
	/* write-once discs: the drive's own view, tracks and ISO sizes */
	fprintf(f, "\n%7s %10s %10s\n", "session", "tracks", "iso size");
	for (i = 0; i < l->nsessions; i++)
		fprintf(f, "%7d %10d %10u\n", l->sessions[i].number,
			l->sessions[i].tracks, l->sessions[i].volume_blocks);
}

static void json_link(struct ms_json *j, const struct ms_layout *l,
		      const struct ms_session *s)
{
	char fp[MS_FP_HEX_LEN + 1], created[32], safe[SAFE_BUF];
	const struct ms_session *base;

	if (s->link_state == MS_LINK_ABSENT) {
		ms_json_null(j, "link");
		return;
	}
	ms_json_object(j, "link");
	ms_json_bool(j, "valid", s->link_state == MS_LINK_FOUND);
	if (s->link_state == MS_LINK_CORRUPT) {
		ms_json_string(j, "error", SAFE(s->link_why, safe));
		ms_json_end_object(j);
		return;
	}
	ms_json_bool(j, "matches_base", !s->link_mismatch);
	if (s->link_mismatch)
		ms_json_string(j, "mismatch",
			       SAFE(s->link_mismatch_why, safe));
	ms_hex(s->link.base_fp, MS_FP_LEN, fp);
	ms_time_format(s->link.created, created, sizeof(created));
	ms_json_uint(j, "start", s->link.start);
	ms_json_uint(j, "blocks", link_blocks(s));
	ms_json_string(j, "base", s->link.base_blank ? "blank" : "session");
	ms_json_uint(j, "base_last", s->link.base_last);
	ms_json_uint(j, "base_nwa", s->link.base_nwa);
	ms_json_uint(j, "base_sessions", s->link.base_sessions);
	ms_json_string(j, "base_fp", fp);
	ms_json_string(j, "base_volid", SAFE(s->link.base_volid, safe));
	ms_json_string(j, "created", created);
	base = s->link.base_blank ? NULL :
	       ms_layout_session_at(l, s->link.base_last);
	if (base && base != s)
		ms_json_uint(j, "base_session", (uint64_t)base->number);
	else
		ms_json_null(j, "base_session");
	ms_json_end_object(j);
}

void ms_report_json(FILE *f, const struct ms_layout *l)
{
	struct ms_json j;
	char fp[MS_FP_HEX_LEN + 1], created[32], safe[SAFE_BUF];
	int i;

	ms_json_init(&j, f);
	ms_json_object(&j, NULL);
	ms_json_string(&j, "medium", l->medium);
	ms_json_string(&j, "kind", kind_name(l));
	if (l->snapshot_of) {
		char taken[32];

		ms_time_format(l->snapshot_taken, taken, sizeof(taken));
		ms_json_object(&j, "snapshot");
		ms_json_string(&j, "of", SAFE(l->snapshot_of, safe));
		ms_json_string(&j, "taken", taken);
		ms_json_end_object(&j);
	}
	ms_json_string(&j, "profile", l->status == MS_STATUS_IMAGE ?
		       "session image" : SAFE(l->profile_name, safe));
	ms_json_uint(&j, "profile_number", (uint64_t)l->profile);
	ms_json_string(&j, "status", ms_status_name(l->status));
	if (l->unsuitable_why)
		ms_json_string(&j, "unsuitable_reason", l->unsuitable_why);
	ms_json_uint(&j, "msc1", l->msc1);
	ms_json_uint(&j, "last_session_start", l->last_start);
	if (l->broken || l->damaged || l->status == MS_STATUS_UNSUITABLE) {
		/* no address a session could be written at */
		ms_json_null(&j, "next_writable");
		ms_json_null(&j, "free_blocks");
	} else {
		ms_json_uint(&j, "next_writable", l->nwa);
		ms_json_uint(&j, "free_blocks", l->free_blocks);
	}
	ms_json_uint(&j, "capacity_blocks", l->capacity_blocks);
	ms_json_uint(&j, "next_session_overhead_blocks", l->overhead_blocks);
	ms_json_bool(&j, "overhead_estimate", l->overhead_about);
	ms_json_string(&j, "overhead_note", l->overhead_note);
	ms_json_uint(&j, "closing_overhead_blocks",
		     l->closing_overhead_blocks);
	if (l->has_fp) {
		ms_hex(l->fp, MS_FP_LEN, fp);
		ms_json_string(&j, "fingerprint", fp);
	} else {
		ms_json_null(&j, "fingerprint");
	}
	ms_json_bool(&j, "damaged", l->damaged);
	ms_json_object(&j, "chain");
	ms_json_bool(&j, "complete", !l->broken && !l->link_break);
	if (l->broken) {
		ms_json_uint(&j, "break_block", l->break_lba);
		ms_json_string(&j, "reason", SAFE(l->break_reason, safe));
	} else if (l->link_break) {
		const struct ms_session *s = &l->sessions[l->link_break - 1];

		ms_json_uint(&j, "break_block", s->start);
		ms_json_string(&j, "reason",
			       SAFE(s->link_mismatch_why, safe));
	}
	if (l->link_break)
		ms_json_uint(&j, "break_session", (uint64_t)l->link_break);
	ms_json_end_object(&j);
	ms_json_array(&j, "sessions");
	for (i = 0; i < l->nsessions; i++) {
		const struct ms_session *s = &l->sessions[i];

		ms_json_object(&j, NULL);
		ms_json_uint(&j, "number", (uint64_t)s->number);
		ms_json_uint(&j, "start", s->start);
		ms_json_uint(&j, "blocks", s->blocks);
		ms_json_uint(&j, "end", s->blocks ? s->start + s->blocks - 1 :
			     s->start);
		ms_json_uint(&j, "volume_blocks", s->volume_blocks);
		ms_json_uint(&j, "tracks", (uint64_t)s->tracks);
		if (s->readable)
			ms_json_string(&j, "volume_id",
				       SAFE(s->volume_id, safe));
		else
			ms_json_null(&j, "volume_id");
		ms_json_bool(&j, "joliet", s->joliet > 0);
		ms_json_bool(&j, "rockridge", s->rockridge);
		if (l->carries_unknown) {
			ms_json_null(&j, "udf");
			ms_json_null(&j, "hfs");
			ms_json_null(&j, "mbr");
			ms_json_null(&j, "el_torito");
		} else {
			ms_json_bool(&j, "udf", s->udf > 0);
			ms_json_bool(&j, "hfs", s->hfs);
			ms_json_bool(&j, "mbr", s->mbr);
			ms_json_bool(&j, "el_torito", s->el_torito);
		}
		if (s->boot_catalog_ok)
			ms_json_uint(&j, "boot_catalog", s->boot_catalog);
		else
			ms_json_null(&j, "boot_catalog");
		if (s->created >= 0) {
			ms_time_format(s->created, created, sizeof(created));
			ms_json_string(&j, "created", created);
		} else {
			ms_json_null(&j, "created");
		}
		json_link(&j, l, s);
		ms_json_end_object(&j);
	}
	ms_json_end_array(&j);
	ms_json_end_object(&j);
}

void ms_report_msinfo(FILE *f, const struct ms_layout *l)
{
	fprintf(f, "%u,%u\n", l->msc1, l->nwa);
}

/* The map: regions of the block space, each drawn with one glyph. */
#define GLYPH_GAP	'.'
#define GLYPH_NEXT	'+'
#define GLYPH_FREE	'_'

struct region {
	uint64_t blocks;
	char glyph;
};

/* Regions up to end; *drawn tells how many sessions fitted in max. */
static int build_regions(const struct ms_layout *l, uint64_t end,
			 struct region *r, int max, int *drawn)
{
	uint64_t pos = 0;
	int n = 0, i;

	for (i = 0; i < l->nsessions && n + 3 < max; i++) {
		const struct ms_session *s = &l->sessions[i];

		if (s->start >= end)
			break;
		if (s->start > pos) {
			r[n].blocks = s->start - pos;
			r[n++].glyph = GLYPH_GAP;
		}
		r[n].blocks = s->blocks;
		if (s->start + (uint64_t)s->blocks > end)
			r[n].blocks = end - s->start;
		r[n++].glyph = (char)('0' + s->number % 10);
		pos = s->start + (uint64_t)s->blocks;
	}
	*drawn = i;
	if (end > pos && n + 2 < max) {
		uint64_t nwa = l->nwa > pos ? l->nwa : pos;

		if (nwa > end)
			nwa = end;
		if (nwa > pos) {
			r[n].blocks = nwa - pos;
			r[n++].glyph = GLYPH_GAP;
		}
		if (end > nwa && l->overhead_blocks &&
		    (l->status == MS_STATUS_APPENDABLE ||
		     l->status == MS_STATUS_BLANK)) {
			uint64_t o = l->overhead_blocks;

			if (o > end - nwa)
				o = end - nwa;
			r[n].blocks = o;
			r[n++].glyph = GLYPH_NEXT;
			nwa += o;
		}
		if (end > nwa) {
			r[n].blocks = end - nwa;
			r[n++].glyph = l->status == MS_STATUS_CLOSED ?
				       GLYPH_GAP : GLYPH_FREE;
		}
	}
	return n;
}

/*
 * Share width columns among regions in proportion to their blocks, each
 * region getting at least one column (largest remainders get the rest).
 */
static void draw_bar(FILE *f, const struct region *r, int n, int width)
{
	uint64_t total = 0;
	int *cols, i, used = 0;
	double *rem;

	for (i = 0; i < n; i++)
		total += r[i].blocks;
	if (n == 0 || total == 0 || width < n) {
		fputs("|", f);
		for (i = 0; i < n && i < width; i++)
			fputc(r[i].glyph, f);
		fputs("|\n", f);
		return;
	}
	cols = calloc((size_t)n, sizeof(*cols));
	rem = calloc((size_t)n, sizeof(*rem));
	if (!cols || !rem)
		goto out;
	for (i = 0; i < n; i++) {
		double exact = (double)r[i].blocks * (width - n) / (double)total;

		cols[i] = 1 + (int)exact;
		rem[i] = exact - (int)exact;
		used += cols[i];
	}
	while (used < width) {
		int best = 0;

		for (i = 1; i < n; i++)
			if (rem[i] > rem[best])
				best = i;
		cols[best]++;
		rem[best] = -1;
		used++;
	}
	fputc('|', f);
	for (i = 0; i < n; i++) {
		int k;

		for (k = 0; k < cols[i]; k++)
			fputc(r[i].glyph, f);
	}
	fputs("|\n", f);
out:
	free(cols);
	free(rem);
}

void ms_report_map(FILE *f, const struct ms_layout *l, int width)
{
	struct region r[64];
	uint64_t end = l->capacity_blocks, used;
	char human[32], safe[SAFE_BUF], safe2[SAFE_BUF];
	int n, drawn;

	if (width < 20)
		width = 20;
	used = l->nwa;
	if (end < used)
		end = used;
	if (l->nsessions) {
		const struct ms_session *s = &l->sessions[l->nsessions - 1];

		if (end < (uint64_t)s->start + s->blocks)
			end = (uint64_t)s->start + s->blocks;
	}
	ms_human_blocks(end, human, sizeof(human));
	fprintf(f, "%s: %s, %s, %d session%s, %" PRIu64 " blocks (%s)\n",
		SAFE(l->medium, safe), l->status == MS_STATUS_IMAGE ?
		"session image" : SAFE(l->profile_name, safe2),
		ms_status_name(l->status), l->nsessions,
		l->nsessions == 1 ? "" : "s", end, human);
	n = build_regions(l, end, r, 64, &drawn);
	if (drawn < l->nsessions)
		fprintf(f, "(the first %d sessions are drawn)\n", drawn);
	draw_bar(f, r, n, width);
	if (used > 0 && used * 4 < end) {
		ms_human_blocks(used, human, sizeof(human));
		fprintf(f, "written part, blocks 0 to %" PRIu64 " (%s):\n",
			used, human);
		n = build_regions(l, used, r, 64, &drawn);
		draw_bar(f, r, n, width);
	}
	fprintf(f, "1-9,0 sessions by number   %c gaps, heads and lead-in/out   "
		"%c next session's overhead   %c free\n", GLYPH_GAP, GLYPH_NEXT,
		GLYPH_FREE);
}
