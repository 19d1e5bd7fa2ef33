/*
 * The snapshot exporter (lsms --export): the layout of a disc and the
 * blocks that importing its last session's tree reads, recorded through a
 * recording medium (medium_record.h) around the disc while the import
 * runs exactly as mkms runs it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "exit.h"
#include "medium_record.h"
#include "snapshot.h"
#include "util.h"

/* buf into a temporary file beside path, renamed onto it when complete. */
static int write_file(struct ms_ctx *c, const char *path, const uint8_t *buf,
		      size_t len)
{
	char *tmp = NULL;
	int fd = -1, ret = -1;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		ms_fail_errno(c, MS_EXIT_FAILURE, errno, "cannot create '%s'",
			      path);
		free(tmp);
		tmp = NULL;
		goto out;
	}
	fchmod(fd, 0644);
	if (ms_write_all(fd, buf, len) < 0 || fsync(fd) < 0) {
		ms_fail_errno(c, MS_EXIT_FAILURE, errno, "cannot write '%s'",
			      path);
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		ms_fail_errno(c, MS_EXIT_FAILURE, errno, "cannot write '%s'",
			      path);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		ms_fail_errno(c, MS_EXIT_FAILURE, errno,
			      "cannot rename to '%s'", path);
		goto out;
	}
	free(tmp);
	tmp = NULL;
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	return ret;
}

int ms_snapshot_export(struct ms_ctx *c, struct ms_medium *m,
		       const struct ms_layout *l, const char *path,
		       struct ms_snapshot_stats *st)
{
	struct ms_snapshot_src src = { 0 };
	struct ms_build_opts bo = { 0 };
	struct ms_medium *rec = NULL;
	struct ms_build *b = NULL;
	uint8_t *file = NULL;
	size_t len = 0;
	int ret = -1;

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
	if (l->status == MS_STATUS_APPENDABLE) {
		/* import the tree exactly as mkms does, keeping every block */
		if (ms_medium_record_new(c, m, &rec) < 0)
			goto out;
		bo.rockridge = 1;
		bo.md5 = 1;
		bo.epoch = -1;
		if (ms_build_new(c, &bo, rec, l, 1, l->nwa, &b) < 0)
			goto out;
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
	ms_build_free(b);
	ms_medium_close(rec);
	free(file);
	return ret;
}
