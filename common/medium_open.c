/*
 * Which backend serves a medium name: a file that starts with the
 * snapshot magic is a snapshot, anything else goes to libburn.
 */
#include "exit.h"
#include "medium.h"
#include "medium_burn.h"
#include "snapshot.h"

int ms_medium_open(struct ms_ctx *c, const char *name, unsigned flags,
		   struct ms_medium **out)
{
	char adr[MS_BURN_ADR_LEN];
	const char *path;
	enum ms_medium_kind kind = MS_MEDIUM_FILE;

	*out = NULL;
	if (ms_lib_init(c) < 0)
		return -1;
	if (ms_medium_burn_classify(c, name, adr, &kind, &path) < 0)
		return -1;
	if (kind == MS_MEDIUM_FILE && ms_snapshot_is_file(path)) {
		if (flags & MS_OPEN_WRITE)
			return ms_fail(c, MS_EXIT_UNSUITABLE,
				       "'%s' is a snapshot of a disc, not a "
				       "medium that can be written", name);
		return ms_snapshot_open(c, path, out);
	}
	return ms_medium_burn_open(c, name, kind, path, flags, out);
}
