/*
 * The snapshot backend of the medium interface: a read-only medium over a
 * decoded snapshot.  It answers reads of the recorded blocks only and
 * describes the layout recorded with them.
 */
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "iso9660.h"
#include "snapshot.h"

static int snap_read(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		     uint32_t count, uint8_t *buf, uint32_t *got)
{
	const struct ms_snapshot *s = ms_medium_state(m);
	uint32_t i;

	for (i = 0; i < count; i++) {
		const uint8_t *blk = ms_snapshot_block(s, lba + i);

		if (!blk)
			return ms_fail(c, MS_EXIT_FAILURE,
				       "snapshot '%s' lacks block %u: it holds "
				       "only the blocks that import the trees "
				       "it was exported with", ms_medium_name(m),
				       lba + i);
		memcpy(buf + (size_t)i * MS_BLOCK, blk, MS_BLOCK);
	}
	if (got)
		*got = count;
	return 0;
}

/* The recorded layout, with the figures that follow from it. */
static int snap_layout(struct ms_medium *m, struct ms_ctx *c,
		       struct ms_layout *l)
{
	const struct ms_snapshot *s = ms_medium_state(m);
	const struct ms_layout *rec = ms_snapshot_decoded_layout(s);
	size_t bytes = (size_t)rec->nsessions * sizeof(*l->sessions);

	*l = *rec;
	l->sessions = NULL;
	if (bytes) {
		l->sessions = malloc(bytes);
		if (!l->sessions)
			return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		memcpy(l->sessions, rec->sessions, bytes);
	}
	l->medium = ms_medium_name(m);
	l->snapshot_of = ms_snapshot_source(s);
	l->snapshot_taken = ms_snapshot_taken(s);
	ms_overhead_blocks(l->profile, l->nsessions, &l->overhead_note);
	if (l->status != MS_STATUS_CLOSED)
		l->closing_overhead_blocks =
			ms_closing_overhead_blocks(l->profile);
	l->overhead_about = ms_overhead_is_estimate(l->profile,
						    l->nsessions);
	return 0;
}

static int snap_write(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		      uint32_t count, const uint8_t *buf, unsigned flags)
{
	(void)lba;
	(void)count;
	(void)buf;
	(void)flags;
	return ms_fail(c, MS_EXIT_UNSUITABLE,
		       "'%s' is a snapshot, not a writable medium",
		       ms_medium_name(m));
}

static void snap_close(struct ms_medium *m)
{
	ms_snapshot_free(ms_medium_state(m));
}

static const struct ms_medium_ops snap_ops = {
	.read = snap_read,
	.layout = snap_layout,
	.write = snap_write,
	.close = snap_close,
};

int ms_snapshot_medium_new(struct ms_ctx *c, const char *name,
			   struct ms_snapshot *s, struct ms_medium **out)
{
	struct ms_medium_info *in;
	const struct ms_layout *l = ms_snapshot_decoded_layout(s);

	if (ms_medium_new(c, name, &snap_ops, s, out) < 0) {
		ms_snapshot_free(s);
		return -1;
	}
	in = ms_medium_info(*out);
	in->profile = l->profile;
	memcpy(in->profile_name, l->profile_name, sizeof(in->profile_name));
	return 0;
}

int ms_snapshot_open(struct ms_ctx *c, const char *path,
		     struct ms_medium **out)
{
	struct ms_snapshot *s;

	*out = NULL;
	if (ms_snapshot_load(c, path, &s) < 0)
		return -1;
	return ms_snapshot_medium_new(c, path, s, out);
}
