/*
 * The libisofs import of a session's tree (common/import.c): a sparse
 * disc (or a snapshot, fuzz.h) written to a file, opened as a medium, its
 * layout read, and, where mkms would continue the medium, the last
 * session's tree imported as mkms -M does it, then the first session's,
 * as an audit of an older session would.  Run with -timeout and
 * -rss_limit_mb: an import's time and memory must stay bounded by what
 * the session can hold.
 */
#include <string.h>

#include "import.h"
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

/* What ms_plan_make() asks before mkms imports. */
static int continues(const struct ms_layout *l)
{
	return l->status == MS_STATUS_APPENDABLE && !l->damaged &&
	       !l->broken;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_medium *m = NULL;
	struct ms_import *imp = NULL;
	struct ms_layout l;
	struct ms_ctx c;
	const char *path;

	path = fz_medium_write(data, size);
	if (!path)
		return 0;
	fz_ctx_init(&c);
	if (ms_medium_open(&c, path, 0, &m) == 0 &&
	    ms_layout_read(&c, m, &l) == 0) {
		if (continues(&l) && ms_import_open(&c, m, &l,
						    l.nsessions - 1, NULL,
						    &imp) == 0)
			ms_import_free(imp);
		imp = NULL;
		if (continues(&l) && l.nsessions > 1 &&
		    ms_import_open(&c, m, &l, 0, NULL, &imp) == 0)
			ms_import_free(imp);
		ms_layout_release(&l);
	}
	ms_medium_close(m);
	return 0;
}
