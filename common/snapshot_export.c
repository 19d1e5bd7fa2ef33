/*
 * The snapshot exporter (lsms --export): the layout of a disc and the
 * blocks that importing its last session's tree reads, recorded through a
 * recording medium (medium_record.h) around the disc while the import
 * runs exactly as mkms runs it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exit.h"
#include "import.h"
#include "medium_record.h"
#include "snapshot.h"
#include "util.h"

/* buf into a temporary file beside path, renamed onto it when complete. */
static int write_file(struct ms_ctx *c, const char *path, const uint8_t *buf,
		      size_t len)
{
	struct ms_tmpfile t;

	if (ms_tmpfile_open(c, &t, path, "lsms", 0644) < 0)
		return -1;
	if (ms_write_all(t.fd, buf, len) < 0) {
		ms_fail_errno(c, MS_EXIT_FAILURE, errno, "cannot write '%s'",
			      path);
		ms_tmpfile_discard(&t);
		return -1;
	}
	return ms_tmpfile_commit(c, &t);
}

int ms_snapshot_export(struct ms_ctx *c, struct ms_medium *m,
		       const struct ms_layout *l, const char *path,
		       int all_sessions, struct ms_snapshot_stats *st)
{
	struct ms_snapshot_src src = { 0 };
	struct ms_medium *rec = NULL;
	struct ms_import *imp = NULL;
	uint8_t *file = NULL;
	size_t len = 0;
	int i, ret = -1;

	memset(st, 0, sizeof(*st));
	if (l->status == MS_STATUS_IMAGE)
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' is a session image, not a disc",
			       ms_medium_name(m));
	if (l->broken)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "the session chain of '%s' is damaged at block "
			       "%u: %s", ms_medium_name(m), l->break_lba,
			       l->break_reason);
	if (l->status == MS_STATUS_APPENDABLE ||
	    (all_sessions && l->nsessions > 0)) {
		/* import the trees exactly as mkms does, keeping every block */
		if (ms_medium_record_new(c, m, &rec) < 0)
			goto out;
		for (i = all_sessions ? 0 : l->nsessions - 1;
		     i < l->nsessions; i++) {
			if (ms_import_open(c, rec, l, i, NULL, &imp) < 0)
				goto out;
			ms_import_free(imp);
			imp = NULL;
		}
		src.nblocks = ms_medium_recorded(rec, &src.lbas, &src.data);
	}
	src.source = ms_medium_name(m);
	src.taken = (int64_t)time(NULL);
	src.layout = l;
	if (ms_snapshot_encode(c, &src, &file, &len, st) < 0)
		goto out;
	ret = write_file(c, path, file, len);
	if (ret < 0)
		memset(st, 0, sizeof(*st));
out:
	ms_import_free(imp);
	ms_medium_close(rec);
	free(file);
	return ret;
}
