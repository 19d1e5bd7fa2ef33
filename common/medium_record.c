#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "iso9660.h"
#include "medium_record.h"

/* repeats of one of the last blocks read are common: keep them once */
#define RECENT	8

struct recorder {
	struct ms_medium *inner;
	uint32_t *lbas;
	uint8_t *data;		/* in the order recorded */
	size_t n, cap;
};

static int keep(struct recorder *r, uint32_t lba, const uint8_t *blk)
{
	size_t i;

	for (i = r->n; i > 0 && i + RECENT > r->n; i--)
		if (r->lbas[i - 1] == lba)
			return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		uint32_t *l = realloc(r->lbas, cap * sizeof(*l));
		uint8_t *d;

		if (!l)
			return -1;
		r->lbas = l;
		d = realloc(r->data, cap * MS_BLOCK);
		if (!d)
			return -1;
		r->data = d;
		r->cap = cap;
	}
	r->lbas[r->n] = lba;
	memcpy(r->data + r->n * MS_BLOCK, blk, MS_BLOCK);
	r->n++;
	return 0;
}

static int rec_read(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		    uint32_t count, uint8_t *buf, uint32_t *got)
{
	static const uint8_t zero[MS_BLOCK];
	struct recorder *r = ms_medium_state(m);
	uint32_t n = count, i;
	int ret;

	if (got)
		ret = ms_medium_read_upto(r->inner, c, lba, count, buf, &n);
	else
		ret = ms_medium_read(r->inner, c, lba, count, buf);
	if (ret < 0)
		return -1;
	if (got)
		*got = n;
	for (i = 0; i < count; i++)
		if (keep(r, lba + i, i < n ? buf + (size_t)i * MS_BLOCK :
			 zero) < 0)
			return ms_fail(c, MS_EXIT_FAILURE, "out of memory "
				       "recording block %u of '%s'", lba + i,
				       ms_medium_name(m));
	return 0;
}

static int rec_layout(struct ms_medium *m, struct ms_ctx *c,
		      struct ms_layout *l)
{
	struct recorder *r = ms_medium_state(m);

	return ms_medium_layout(r->inner, c, l);
}

static int rec_refresh(struct ms_medium *m, struct ms_ctx *c)
{
	struct recorder *r = ms_medium_state(m);

	return ms_medium_refresh(r->inner, c);
}

static void rec_set_readahead(struct ms_medium *m, int on)
{
	struct recorder *r = ms_medium_state(m);

	ms_medium_set_readahead(r->inner, on);
}

static int64_t rec_free_bytes(struct ms_medium *m, uint64_t start_byte)
{
	struct recorder *r = ms_medium_state(m);

	return ms_medium_free_bytes(r->inner, start_byte);
}

static void rec_close(struct ms_medium *m)
{
	struct recorder *r = ms_medium_state(m);

	free(r->lbas);
	free(r->data);
	free(r);
}

static const struct ms_medium_ops record_ops = {
	.read = rec_read,
	.layout = rec_layout,
	.refresh = rec_refresh,
	.close = rec_close,
	.set_readahead = rec_set_readahead,
	.free_bytes = rec_free_bytes,
};

int ms_medium_record_new(struct ms_ctx *c, struct ms_medium *inner,
			 struct ms_medium **out)
{
	struct recorder *r;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	r->inner = inner;
	if (ms_medium_new(c, ms_medium_name(inner), &record_ops, r, out) < 0) {
		free(r);
		return -1;
	}
	*ms_medium_info(*out) = *ms_medium_info(inner);
	return 0;
}

size_t ms_medium_recorded(const struct ms_medium *m, const uint32_t **lbas,
			  const uint8_t **data)
{
	const struct recorder *r = ms_medium_state(m);

	*lbas = r->lbas;
	*data = r->data;
	return r->n;
}
