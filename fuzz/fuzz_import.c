/*
 * The libisofs import of a base tree, as mkms -M does it: a sparse disc
 * (or a snapshot, fuzz.h) written to a file, opened as a medium, its
 * layout read, and, where mkms would continue the medium, the last
 * session's tree imported.  Run with -timeout and
 * -rss_limit_mb: an import's time and memory must stay bounded by what
 * the session can hold.
 */
#include <string.h>

#include "build.h"
#include "fuzz.h"
#include "layout.h"
#include "medium.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ms_ctx c;

	(void)argc;
	(void)argv;
	fz_ctx_init(&c);
	return ms_lib_init(&c) < 0 ? -1 : 0;
}

/* What mkms's plan() asks before it imports. */
static int continues(const struct ms_layout *l)
{
	return l->status == MS_STATUS_APPENDABLE && !l->damaged &&
	       !l->broken;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_build_opts o = { .rockridge = 1, .md5 = 1, .epoch = -1 };
	struct ms_medium *m = NULL;
	struct ms_build *b = NULL;
	struct ms_layout l;
	struct ms_ctx c;
	const char *path;

	path = fz_medium_write(data, size);
	if (!path)
		return 0;
	fz_ctx_init(&c);
	if (ms_medium_open(&c, path, 0, &m) == 0 &&
	    ms_layout_read(&c, m, &l) == 0) {
		if (continues(&l) &&
		    ms_build_new(&c, &o, m, &l, 1, l.nwa, &b) == 0)
			ms_build_free(b);
		ms_layout_release(&l);
	}
	ms_medium_close(m);
	return 0;
}
