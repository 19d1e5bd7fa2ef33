/*
 * lsms --check (common/check.c): a sparse disc (fuzz.h) written to a
 * file, opened as a medium, its layout read, every session's tree
 * imported and every session read once through, its tags, its files'
 * MD5s and its link record checked; then the table and the JSON printed.
 * Whatever the trees say about extents (outside every session, out of
 * order, overlapping, shared), the check must stay bounded and clean.
 */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_medium *m = NULL;
	struct ms_layout l;
	struct ms_check k;
	struct ms_ctx c;
	const char *path;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	path = fz_medium_write(data, size);
	if (!path)
		return 0;
	fz_ctx_init(&c);
	if (ms_medium_open(&c, path, 0, &m) == 0 &&
	    ms_layout_read(&c, m, &l) == 0) {
		if (ms_check_run(&c, m, &l, NULL, &k) == 0) {
			f = open_memstream(&out, &len);
			if (f) {
				ms_check_print(f, &k);
				ms_check_json(f, &l, &k);
				fclose(f);
			}
			free(out);
		}
		ms_check_release(&k);
		ms_layout_release(&l);
	}
	ms_medium_close(m);
	return 0;
}
