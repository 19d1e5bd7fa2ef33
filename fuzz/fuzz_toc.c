/*
 * The emulated table of contents, walked over a sparse disc in memory
 * through the block-reader callback the library reads media with.
 */
#include <string.h>

#include "fuzz.h"
#include "iso9660.h"
#include "toc.h"

static int reader(void *arg, struct ms_ctx *c, uint32_t lba, uint32_t count,
		  uint8_t *buf)
{
	const struct fz_disc *d = arg;
	uint32_t i, n;

	(void)c;
	n = lba >= d->blocks ? 0 :
	    (uint64_t)lba + count > d->blocks ? d->blocks - lba : count;
	for (i = 0; i < n; i++)
		fz_disc_block(d, lba + i, buf + (size_t)i * MS_BLOCK);
	memset(buf + (size_t)n * MS_BLOCK, 0, (size_t)(count - n) * MS_BLOCK);
	return (int)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_ctx c;
	struct ms_toc toc;
	struct fz_disc d;

	if (fz_disc_init(&d, data, size) < 0)
		return 0;
	fz_ctx_init(&c);
	if (ms_toc_walk(reader, &d, d.blocks, &toc, &c) == 0)
		ms_toc_release(&toc);
	fz_disc_free(&d);
	return 0;
}
