#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "exit.h"
#include "iso9660.h"
#include "medium.h"
#include "plan.h"
#include "writer.h"

/* Whether the medium takes a session, and where it goes. */
static int plan_medium(struct ms_ctx *c, const struct ms_layout *l,
		       const struct ms_plan_opts *o, struct ms_plan *p)
{
	if (ms_layout_check_appendable(c, l, o->fresh ? MS_CHECK_FRESH : 0) < 0)
		return -1;
	if (o->from_session && o->fresh)
		return ms_fail(c, MS_EXIT_USAGE, "--from-session and --fresh "
			       "exclude each other: a fresh session has no "
			       "tree to start from");
	if (o->from_session && l->status == MS_STATUS_BLANK)
		return ms_fail(c, MS_EXIT_UNSUITABLE, "'%s' is blank: it holds "
			       "no session %d to start from", l->medium,
			       o->from_session);
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
	p->session_index = l->nsessions - 1;
	if (o->from_session) {
		if (o->from_session > l->nsessions)
			return ms_fail(c, MS_EXIT_USAGE, "'%s' has no session "
				       "%d (it holds %d)", l->medium,
				       o->from_session, l->nsessions);
		p->session_index = o->from_session - 1;
	}
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
	if (!l && o->from_session)
		return ms_fail(c, MS_EXIT_USAGE, "--from-session needs the "
			       "medium: give it with -M");
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
	if (p->import && p->session_index != l->nsessions - 1)
		return 0;	/* the tree goes back to an older session */
	if (p->import && o->from_session)
		return ms_fail(c, MS_EXIT_NOTHING, "nothing to do: session %d "
			       "is the newest session of '%s', so a session "
			       "with its tree would change nothing "
			       "(--allow-empty builds it anyway)",
			       o->from_session, l->medium);
	if (p->import)
		return ms_fail(c, MS_EXIT_NOTHING, "nothing to do: no pathspec "
			       "and no --rm, so the next session would change "
			       "nothing (--allow-empty builds it anyway)");
	return ms_fail(c, MS_EXIT_NOTHING, "nothing to do: no pathspec, so "
		       "the image would be empty (--allow-empty builds it "
		       "anyway)");
}

int ms_plan_check_update(struct ms_ctx *c, const struct ms_plan_opts *o,
			 uint64_t changes)
{
	if (changes || o->allow_empty)
		return 0;
	return ms_fail(c, MS_EXIT_NOTHING, "nothing to do: the tree already "
		       "holds the sources as they are, so the next session "
		       "would change nothing (--allow-empty builds it anyway)");
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
