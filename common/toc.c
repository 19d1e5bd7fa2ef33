#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "iso9660.h"
#include "toc.h"

/* xorriso's -blank as_needed leaves "CDXX1" where "CD001" was */
static const char invalidated_id[MS_VD_ID_LEN] = { 'C', 'D', 'X', 'X', '1' };

/* Above this the volume space size is not a size but garbage. */
#define MS_TOC_MAX_BLOCKS 0x7ffffff0u

uint32_t ms_toc_nwa(uint32_t end)
{
	return (end + MS_TOC_ALIGN - 1) / MS_TOC_ALIGN * MS_TOC_ALIGN;
}

int ms_head_is_blank(const uint8_t *head)
{
	const uint8_t *vd = head + MS_VD_FIRST * MS_BLOCK;

	if (!memcmp(vd + MS_VD_ID_OFF, invalidated_id, MS_VD_ID_LEN))
		return 1;
	return ms_is_zero(head, (size_t)MS_HEAD_BLOCKS * MS_BLOCK);
}

void ms_toc_release(struct ms_toc *toc)
{
	free(toc->entries);
	memset(toc, 0, sizeof(*toc));
}

static int add_entry(struct ms_toc *toc, struct ms_ctx *c, uint32_t start,
		     uint32_t blocks)
{
	struct ms_toc_entry *e;

	if (toc->count == toc->capacity) {
		int cap = toc->capacity ? toc->capacity * 2 : 8;

		e = realloc(toc->entries, (size_t)cap * sizeof(*e));
		if (!e)
			return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		toc->entries = e;
		toc->capacity = cap;
	}
	toc->entries[toc->count].start = start;
	toc->entries[toc->count].blocks = blocks;
	toc->count++;
	return 0;
}

static void set_break(struct ms_toc *toc, uint32_t lba, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_break(struct ms_toc *toc, uint32_t lba, const char *fmt, ...)
{
	va_list ap;

	toc->broken = 1;
	toc->break_lba = lba;
	va_start(ap, fmt);
	vsnprintf(toc->break_reason, sizeof(toc->break_reason), fmt, ap);
	va_end(ap);
}

/*
 * Look for the next session at lba: its PVD at lba + 16, or (growisofs,
 * when the previous session ended 16 or more blocks before lba) at lba
 * itself, looked at first as libisoburn does: a session starting at lba
 * has its system area there, which never holds a PVD.  Returns 1 found,
 * 0 not found, -1 error.
 */
static int probe(ms_block_reader read, void *arg, struct ms_ctx *c,
		 uint32_t lba, int allow_minus16, uint8_t *blk,
		 uint32_t *start, int *past_end)
{
	int n;

	*past_end = 0;
	if (allow_minus16) {
		n = read(arg, c, lba, 1, blk);
		if (n < 0)
			return -1;
		if (n == 1 && ms_vd_is_primary(blk)) {
			*start = lba - MS_TOC_ALIGN_GROWISOFS;
			return 1;
		}
	}
	n = read(arg, c, lba + MS_VD_FIRST, 1, blk);
	if (n < 0)
		return -1;
	if (n == 1 && ms_vd_is_primary(blk)) {
		*start = lba;
		return 1;
	}
	if (n == 0)
		*past_end = 1;
	return 0;
}

int ms_toc_walk(ms_block_reader read, void *arg, uint64_t medium_blocks,
		struct ms_toc *toc, struct ms_ctx *c)
{
	uint8_t *head, blk[MS_BLOCK];
	const uint8_t *pvd;
	uint32_t lba, start = 0, size, root_lba;
	int n, found, past_end, minus16 = 0, ret = -1;

	memset(toc, 0, sizeof(*toc));
	if (medium_blocks == 0) {
		toc->kind = MS_TOC_BLANK;
		return 0;
	}
	head = calloc(MS_HEAD_BLOCKS, MS_BLOCK);
	if (!head)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	n = read(arg, c, 0, MS_HEAD_BLOCKS, head);
	if (n < 0)
		goto out;
	if (ms_head_is_blank(head)) {
		toc->kind = MS_TOC_BLANK;
		ret = 0;
		goto out;
	}
	pvd = head + MS_VD_FIRST * MS_BLOCK;
	if (n > MS_VD_FIRST && !ms_vd_is_primary(pvd) &&
	    ms_vrs_udf(pvd, n - MS_VD_FIRST)) {
		ms_fail(c, MS_EXIT_UNSUITABLE, "%s", MS_UDF_ONLY_WHY);
		goto out;
	}
	if (n <= MS_VD_FIRST || !ms_vd_is_primary(pvd)) {
		ms_fail(c, MS_EXIT_UNSUITABLE,
			"no ISO 9660 primary volume descriptor at block 16 "
			"(neither blank nor an ISO 9660 image)");
		goto out;
	}
	toc->head_size = ms_vd_space_size(pvd);
	if (toc->head_size == 0 || toc->head_size > MS_TOC_MAX_BLOCKS) {
		toc->kind = MS_TOC_PLAIN;
		set_break(toc, MS_VD_FIRST,
			  "the volume space size at block 16 is %u, "
			  "not a size", toc->head_size);
		ret = 0;
		goto out;
	}

	toc->kind = MS_TOC_EMULATED;
	/*
	 * An emulated head is a copy of a session's descriptors, whose root
	 * directory lies in that session, past the head.  A root inside the
	 * head is a plain image's, which may hold anything at block 48 (an
	 * image file stored first has its PVD there): do not walk it.
	 */
	root_lba = ms_le32(pvd + MS_VD_ROOT_RECORD_OFF + MS_DR_EXTENT_OFF);
	lba = MS_TOC_FIRST_SESSION;
	while (lba < toc->head_size && root_lba >= MS_TOC_FIRST_SESSION) {
		found = probe(read, arg, c, lba, minus16, blk, &start,
			      &past_end);
		if (found < 0)
			goto out;
		if (!found) {
			if (toc->count == 0)
				break;
			if (past_end)
				toc->truncated = 1;
			if (past_end)
				set_break(toc, lba + MS_VD_FIRST,
					  "session %d should start at block "
					  "%u, but the medium ends at block "
					  "%llu", toc->count + 1, lba,
					  (unsigned long long)medium_blocks);
			else
				set_break(toc, lba + MS_VD_FIRST,
					  "no volume descriptor at block %u "
					  "where session %d should start",
					  lba + MS_VD_FIRST, toc->count + 1);
			break;
		}
		size = ms_vd_space_size(blk);
		if (size <= MS_VD_FIRST || size > MS_TOC_MAX_BLOCKS) {
			set_break(toc, start + MS_VD_FIRST,
				  "session %d at block %u has volume space "
				  "size %u, not a size", toc->count + 1, start,
				  size);
			break;
		}
		if ((uint64_t)start + size > toc->head_size) {
			set_break(toc, start + MS_VD_FIRST,
				  "session %d at block %u ends at block %llu, "
				  "beyond the volume end %u named at block 16",
				  toc->count + 1, start,
				  (unsigned long long)start + size,
				  toc->head_size);
			break;
		}
		if ((uint64_t)start + size > medium_blocks) {
			toc->truncated = 1;
			set_break(toc, start + MS_VD_FIRST,
				  "session %d at block %u needs %u blocks, "
				  "but the medium ends at block %llu",
				  toc->count + 1, start, size,
				  (unsigned long long)medium_blocks);
			break;
		}
		if (add_entry(toc, c, start, size) < 0)
			goto out;
		lba = ms_toc_nwa(start + size);
		/* growisofs starts at the next multiple of 16 instead */
		minus16 = lba - (start + size) >= MS_TOC_ALIGN_GROWISOFS;
	}
	if (toc->count == 0 && !toc->broken) {
		/* no session at 32: a plain image with its session at 0 */
		toc->kind = MS_TOC_PLAIN;
		if (toc->head_size > medium_blocks) {
			toc->truncated = 1;
			set_break(toc, MS_VD_FIRST,
				  "the image needs %u blocks, but the medium "
				  "ends at block %llu", toc->head_size,
				  (unsigned long long)medium_blocks);
			ret = 0;
			goto out;
		}
		if (add_entry(toc, c, 0, toc->head_size) < 0)
			goto out;
	} else if (!toc->broken) {
		struct ms_toc_entry *last = &toc->entries[toc->count - 1];

		if (last->start + last->blocks != toc->head_size)
			set_break(toc, last->start + MS_VD_FIRST,
				  "the last session ends at block %u, but "
				  "block 16 names %u as the volume end",
				  last->start + last->blocks, toc->head_size);
	}
	ret = 0;
out:
	free(head);
	return ret;
}
