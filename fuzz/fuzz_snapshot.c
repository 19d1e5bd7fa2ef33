/*
 * The snapshot decoder.  The input is a snapshot's payload (the text part
 * and the block runs, as mstools(5) describes them): the target deflates
 * it and puts the header with the right checksums in front, so that
 * mutations reach the parser behind the checksums.  An input that starts
 * with the snapshot magic is taken as a whole snapshot file instead.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "iso9660.h"
#include "layout.h"
#include "medium.h"
#include "snapshot.h"

#define READS_MAX		64

/* Read what the table and the runs promise, as an import would. */
static void read_some(struct ms_medium *m, const struct ms_layout *l)
{
	uint8_t blk[MS_BLOCK];
	struct ms_ctx c;
	int i;

	fz_ctx_init(&c);
	for (i = 0; i < l->nsessions && i < READS_MAX; i++)
		ms_medium_read(m, &c, l->sessions[i].start + MS_VD_FIRST, 1,
			       blk);
	ms_medium_read(m, &c, l->last_start, 1, blk);
	ms_medium_read(m, &c, l->nwa, 1, blk);
}

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
	struct ms_ctx c;
	const char *path;
	uint8_t *file = NULL;
	size_t len = size;

	if (size >= MS_SNAP_MAGIC_LEN &&
	    !memcmp(data, MS_SNAP_MAGIC, MS_SNAP_MAGIC_LEN))
		path = fz_bytes_write(data, size);
	else if (size == 0 || !(file = fz_snapshot_wrap(data, size, &len)))
		return 0;
	else
		path = fz_bytes_write(file, len);
	free(file);
	if (!path)
		return 0;
	fz_ctx_init(&c);
	if (ms_snapshot_open(&c, path, &m) == 0) {
		if (ms_layout_read(&c, m, &l) == 0) {
			read_some(m, &l);
			ms_layout_release(&l);
		}
		ms_medium_close(m);
	}
	return 0;
}
