#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "exit.h"
#include "iso9660.h"
#include "medium.h"
#include "plan.h"
#include "writer.h"

/* Which medium states allow a session, and where a first one goes. */
static int plan_medium(struct ms_ctx *c, const struct ms_layout *l,
		       const struct ms_plan_opts *o, struct ms_plan *p)
{
	switch (l->status) {
	case MS_STATUS_IMAGE:
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' is a session image, not a medium: give "
			       "the disc it was written to", l->medium);
	case MS_STATUS_CLOSED:
		if (!o->fresh)
			return ms_fail(c, MS_EXIT_UNSUITABLE,
				       "'%s' is closed: no further session can "
				       "be written to it", l->medium);
		break;
	case MS_STATUS_UNSUITABLE:
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' holds a medium that cannot be written%s%s",
			       l->medium, l->unsuitable_why ? ": " : "",
			       l->unsuitable_why ? l->unsuitable_why : "");
	default:
		break;
	}
	if (l->damaged && !o->fresh)
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "the next track of '%s' is damaged (an "
			       "interrupted write) and the drive gives no "
			       "next writable address; close it first, e.g. "
			       "xorriso -outdev %s -close_damaged as_needed",
			       l->medium, l->medium);
	if (l->broken)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "the last session of '%s' is damaged at block "
			       "%u: %s", l->medium, l->break_lba,
			       l->break_reason);
	if (o->fresh || l->status == MS_STATUS_BLANK) {
		p->start = l->first_address;
		if (o->have_c && o->c_nwa != p->start)
			return ms_fail(c, MS_EXIT_USAGE,
				       "-C %u,%u disagrees with '%s': a first "
				       "session goes to block %u", o->c_last,
				       o->c_nwa, l->medium, p->start);
		return 0;
	}
	p->import = 1;
	p->start = l->nwa;
	if (o->have_c && (o->c_nwa != l->nwa ||
			  (o->c_last != l->msc1 && o->c_last != l->last_start)))
		return ms_fail(c, MS_EXIT_USAGE,
			       "-C %u,%u disagrees with '%s', whose msinfo is "
			       "%u,%u", o->c_last, o->c_nwa, l->medium,
			       l->msc1, l->nwa);
	return 0;
}

int ms_plan_make(struct ms_ctx *c, const struct ms_layout *l,
		 const struct ms_plan_opts *o, struct ms_plan *p)
{
	memset(p, 0, sizeof(*p));
	if (!l) {
		if (o->have_c)
			p->start = o->c_nwa;
		p->user_address = o->have_c;
	} else if (plan_medium(c, l, o, p) < 0) {
		return -1;
	}
	if (p->start > MS_ISO_MAX_LBA - MS_SYSAREA_BLOCKS)
		return ms_fail(c, l && !o->have_c ? MS_EXIT_UNSUITABLE :
			       MS_EXIT_USAGE,
			       "no session fits at block %u: ISO 9660 "
			       "addresses end at block %u", p->start,
			       MS_ISO_MAX_LBA);
	if (o->changes || o->allow_empty)
		return 0;
	if (p->import)
		return ms_fail(c, MS_EXIT_NOTHING, "nothing to do: no pathspec "
			       "and no --rm, so the next session would change "
			       "nothing (--allow-empty builds it anyway)");
	return ms_fail(c, MS_EXIT_NOTHING, "nothing to do: no pathspec, so "
		       "the image would be empty (--allow-empty builds it "
		       "anyway)");
}

/* A standalone image that mkms built for block 0 (no -M): one session. */
static int is_block0_image(const struct ms_layout *l)
{
	const struct ms_session *s = &l->sessions[0];

	return l->nsessions == 1 && s->start == 0 &&
	       s->link_state == MS_LINK_FOUND && s->link.start == 0 &&
	       s->link.base_blank;
}

int ms_plan_check_output(struct ms_ctx *c, const char *output)
{
	struct ms_medium *m = NULL;
	struct ms_layout l;
	struct stat st;
	int ret = 0;

	if (!strcmp(output, "-") || stat(output, &st) < 0 ||
	    !S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	if (ms_medium_open(c, output, 0, &m) < 0) {
		c->status = 0;
		return 0;
	}
	if (ms_layout_read(c, m, &l) < 0) {
		c->status = 0;
		ms_medium_close(m);
		return 0;
	}
	if ((l.status == MS_STATUS_APPENDABLE ||
	     l.status == MS_STATUS_CLOSED) && l.nsessions > 0 &&
	    !is_block0_image(&l))
		ret = ms_fail(c, MS_EXIT_UNSUITABLE,
			      "output '%s' is %s holding %d session%s, not a "
			      "session image: refusing to overwrite it "
			      "(--force does)", output,
			      l.snapshot_of ? "a snapshot of a disc" : "a disc",
			      l.nsessions, l.nsessions == 1 ? "" : "s");
	ms_layout_release(&l);
	ms_medium_close(m);
	return ret;
}

void ms_plan_warn_space(struct ms_ctx *c, const struct ms_layout *l,
			const struct ms_link *k)
{
	uint64_t need = (uint64_t)k->blocks + l->overhead_blocks;

	if (l->status != MS_STATUS_APPENDABLE && l->status != MS_STATUS_BLANK)
		return;
	if (need > l->free_blocks)
		ms_warn(c, "warning: the image needs %llu blocks with the "
			"session overhead, but '%s' has %llu free: burnms will "
			"refuse it", (unsigned long long)need, l->medium,
			(unsigned long long)l->free_blocks);
}
