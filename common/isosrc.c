#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libisofs/libisofs.h>

#include "exit.h"
#include "iso9660.h"
#include "isosrc.h"
#include "toc.h"

struct isosrc {
	struct ms_medium *m;
	struct ms_ctx *c;
	uint32_t *failed_lba;
	uint32_t last_lba;
	uint32_t end;		/* the session's end */
	uint32_t blocks;	/* the session's size */
	uint32_t limit;		/* reads at or past this block fail; 0: none */
	uint64_t reads;		/* blocks libisofs asked for so far */
	uint64_t budget;	/* more than this fail; 0: no bound */
};

static int src_open(IsoDataSource *src)
{
	(void)src;
	return ISO_SUCCESS;
}

static int src_close(IsoDataSource *src)
{
	(void)src;
	return ISO_SUCCESS;
}

static int src_read(IsoDataSource *src, uint32_t lba, uint8_t *buffer)
{
	struct isosrc *s = src->data;

	s->last_lba = lba;
	if (s->budget && ++s->reads > s->budget) {
		ms_fail(s->c, MS_EXIT_FAILURE, "its tree asks for more than "
			"%llu blocks of a session of %u: the session's "
			"directories are damaged (a directory inside itself?)",
			(unsigned long long)s->budget, s->blocks);
		if (s->failed_lba)
			*s->failed_lba = lba;
		return ISO_DATA_SOURCE_FAILURE;
	}
	if (s->limit && lba >= s->limit) {
		ms_fail(s->c, MS_EXIT_FAILURE, "its tree leads to block %u, "
			"beyond the session's end at block %u: the session's "
			"descriptors or directories are damaged", lba,
			s->end);
		if (s->failed_lba)
			*s->failed_lba = lba;
		return ISO_DATA_SOURCE_FAILURE;
	}
	if (s->limit && lba >= s->end) {
		/* the session's alignment padding: unwritten past a file's end */
		uint32_t got;

		if (ms_medium_read_upto(s->m, s->c, lba, 1, buffer, &got) < 0) {
			if (s->failed_lba)
				*s->failed_lba = lba;
			return ISO_DATA_SOURCE_FAILURE;
		}
		if (!got)
			memset(buffer, 0, MS_BLOCK);
	} else if (ms_medium_read(s->m, s->c, lba, 1, buffer) < 0) {
		if (s->failed_lba)
			*s->failed_lba = lba;
		return ISO_DATA_SOURCE_FAILURE;
	}
	return ISO_SUCCESS;
}

static void src_free(IsoDataSource *src)
{
	free(src->data);
}

IsoDataSource *ms_isosrc_new(struct ms_medium *m, struct ms_ctx *c,
			     uint32_t *failed_lba)
{
	IsoDataSource *src;
	struct isosrc *s;

	src = calloc(1, sizeof(*src));
	s = calloc(1, sizeof(*s));
	if (!src || !s) {
		free(src);
		free(s);
		return NULL;
	}
	s->m = m;
	s->c = c;
	s->failed_lba = failed_lba;
	ms_medium_set_readahead(m, 1);
	src->version = 0;
	src->refcount = 1;
	src->open = src_open;
	src->close = src_close;
	src->read_block = src_read;
	src->free_data = src_free;
	src->data = s;
	return src;
}

uint32_t ms_isosrc_last_lba(IsoDataSource *src)
{
	return ((struct isosrc *)src->data)->last_lba;
}

void ms_isosrc_set_limit(IsoDataSource *src, uint32_t start, uint32_t end)
{
	struct isosrc *s = src->data;
	uint64_t limit = ((uint64_t)end + MS_TOC_ALIGN - 1) /
			 MS_TOC_ALIGN * MS_TOC_ALIGN;

	s->end = end;
	s->blocks = end > start ? end - start : 0;
	s->budget = MS_ISOSRC_READS_PER_BLOCK * (uint64_t)s->blocks +
		    MS_ISOSRC_READS_SPARE;
	s->limit = limit > UINT32_MAX ? UINT32_MAX : (uint32_t)limit;
}
