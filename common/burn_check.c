/* The burn decision, without I/O (burn_check.h). */
#include <string.h>

#include "burn_check.h"
#include "exit.h"
#include "util.h"

void ms_burn_blanked_layout(const struct ms_layout *l, struct ms_layout *out)
{
	*out = *l;
	if (l->status != MS_STATUS_APPENDABLE && l->status != MS_STATUS_CLOSED)
		return;
	out->status = MS_STATUS_BLANK;
	out->nsessions = 0;
	out->nwa = l->first_address;
	out->broken = 0;
}

/*
 * An image without a record goes to the medium's next address; its
 * descriptors must have been built for that address (mkisofs -C records
 * start + size as the volume space size, libisofs its own size).
 */
static int decide_foreign(struct ms_ctx *c, const struct ms_layout *l,
			  const struct ms_image_facts *f,
			  struct ms_burn_target *t)
{
	uint32_t start = l->status == MS_STATUS_BLANK ? l->first_address :
			 l->nwa;
	uint64_t blocks = f->file_blocks;

	if (!f->is_file)
		return ms_fail(c, MS_EXIT_USAGE,
			       "--foreign needs the image as a file, not a "
			       "stream: its size must be known");
	if (f->vss != blocks && f->vss != start + blocks)
		return ms_fail(c, MS_EXIT_WRONGDISC,
			       "image '%s' has %llu blocks but its volume "
			       "space size is %u: it was not built for block "
			       "%u of '%s'", f->name,
			       (unsigned long long)blocks, f->vss, start,
			       l->medium);
	if (f->root_lba < start + MS_VD_FIRST ||
	    (uint64_t)f->root_lba >= start + blocks)
		return ms_fail(c, MS_EXIT_WRONGDISC,
			       "image '%s' keeps its root directory at block "
			       "%u, outside blocks %u to %llu where it would be "
			       "written on '%s': it was built for another "
			       "address", f->name, f->root_lba, start,
			       (unsigned long long)(start + blocks - 1),
			       l->medium);
	if (blocks > UINT32_MAX - start)
		return ms_fail(c, MS_EXIT_NOSPACE,
			       "image '%s' has %llu blocks, more than any medium "
			       "holds", f->name, (unsigned long long)blocks);
	t->start = start;
	t->blocks = (uint32_t)blocks;
	t->foreign = 1;
	return 0;
}

/* An image with a record: the record must name this medium as it is. */
static int decide_link(struct ms_ctx *c, const struct ms_layout *l,
		       const struct ms_image_facts *f,
		       struct ms_burn_target *t)
{
	const struct ms_link *k = &f->link;
	char want[MS_FP_HEX_LEN + 1], have[MS_FP_HEX_LEN + 1];

	if (k->blocks && f->vss != k->blocks)
		return ms_fail(c, MS_EXIT_VERIFY,
			       "image '%s' says %u blocks in its link record "
			       "but %u in its volume descriptor", f->name,
			       k->blocks, f->vss);
	/* the size is the descriptor's (a record names it only if old) */
	if (f->vss == 0 || f->vss > MS_LINK_MAX_BLOCK - k->start)
		return ms_fail(c, MS_EXIT_VERIFY,
			       "image '%s' has a volume space size of %u "
			       "blocks, impossible for an image at block %u",
			       f->name, f->vss, k->start);
	if (k->base_blank) {
		if (l->status != MS_STATUS_BLANK)
			return ms_fail(c, MS_EXIT_UNSUITABLE,
				       "image '%s' is a first session for a "
				       "blank medium, but '%s' is %s with %d "
				       "session%s", f->name, l->medium,
				       ms_status_name(l->status), l->nsessions,
				       l->nsessions == 1 ? "" : "s");
		if (k->start != l->first_address)
			return ms_fail(c, MS_EXIT_WRONGDISC,
				       "image '%s' was built to start at block "
				       "%u, but a first session on '%s' starts "
				       "at block %u", f->name, k->start,
				       l->medium, l->first_address);
	} else {
		if (l->status == MS_STATUS_BLANK)
			return ms_fail(c, MS_EXIT_WRONGDISC,
				       "image '%s' was built for a disc with "
				       "%u session%s, but '%s' is blank",
				       f->name, k->base_sessions,
				       k->base_sessions == 1 ? "" : "s",
				       l->medium);
		if (k->base_last != l->last_start || k->base_nwa != l->nwa)
			return ms_fail(c, MS_EXIT_WRONGDISC,
				       "image '%s' was built for a disc whose "
				       "last session starts at %u with NWA %u; "
				       "'%s' has its last session at %u with "
				       "NWA %u", f->name, k->base_last,
				       k->base_nwa, l->medium, l->last_start,
				       l->nwa);
		if (!l->has_fp || memcmp(k->base_fp, l->fp, MS_FP_LEN)) {
			ms_hex(k->base_fp, MS_FP_LEN, want);
			ms_hex(l->fp, MS_FP_LEN, have);
			return ms_fail(c, MS_EXIT_WRONGDISC,
				       "image '%s' was built for another disc "
				       "or disc state: the addresses match, "
				       "but the fingerprint of '%s' is %s, not "
				       "%s", f->name, l->medium,
				       l->has_fp ? have : "unknown", want);
		}
		if (k->start != l->nwa)
			return ms_fail(c, MS_EXIT_VERIFY,
				       "image '%s' starts at block %u, not at "
				       "the NWA %u it names", f->name,
				       k->start, l->nwa);
	}
	t->start = k->start;
	t->blocks = f->vss;
	t->foreign = 0;
	return 0;
}

int ms_burn_decide(struct ms_ctx *c, const struct ms_layout *medium,
		   const struct ms_image_facts *f, unsigned flags,
		   struct ms_burn_target *t)
{
	struct ms_layout blanked;
	const struct ms_layout *l = medium;
	uint64_t need;
	uint32_t overhead;

	memset(t, 0, sizeof(*t));
	if (flags & MS_BURN_BLANKED) {
		ms_burn_blanked_layout(medium, &blanked);
		l = &blanked;
	}
	if (ms_layout_check_appendable(c, l, 0) < 0)
		return -1;
	if (f->link_state == MS_LINK_CORRUPT)
		return ms_fail(c, MS_EXIT_VERIFY,
			       "the link record of image '%s' is damaged: %s",
			       f->name, f->link_why ? f->link_why : "");
	if (f->link_state == MS_LINK_ABSENT) {
		if (!(flags & MS_BURN_FOREIGN))
			return ms_fail(c, MS_EXIT_WRONGDISC,
				       "image '%s' has no link record (it was "
				       "not made by mkms), so nothing says "
				       "which disc it was built for; --foreign "
				       "writes it after checking its addresses",
				       f->name);
		if (decide_foreign(c, l, f, t) < 0)
			return -1;
	} else if (decide_link(c, l, f, t) < 0) {
		return -1;
	}
	if (f->is_file && f->file_blocks != t->blocks)
		return ms_fail(c, MS_EXIT_VERIFY,
			       "image '%s' has %llu blocks, but its volume "
			       "descriptor says %u", f->name,
			       (unsigned long long)f->file_blocks, t->blocks);
	overhead = flags & MS_BURN_CLOSE && !l->overwriteable ?
		   l->closing_overhead_blocks : l->overhead_blocks;
	need = (uint64_t)t->blocks + overhead;
	if (need > l->free_blocks)
		return ms_fail(c, MS_EXIT_NOSPACE,
			       "image '%s' needs %u blocks plus %u of session "
			       "overhead, but '%s' has %llu free", f->name,
			       t->blocks, overhead, l->medium,
			       (unsigned long long)l->free_blocks);
	return 0;
}
