#include <stdlib.h>
#include <string.h>

#include "craft.h"
#include "exit.h"

/* ECMA-119 8.4: fields the parser does not look at but real sets carry */
#define VD_LOGICAL_BLOCK_SIZE_OFF	128
#define VD_ROOT_DATE_OFF		18
#define VD_ROOT_FLAGS_DIR		0x02

static void put_both16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_padded(uint8_t *p, const char *s, size_t len)
{
	size_t n = strlen(s);

	memset(p, ' ', len);
	memcpy(p, s, n < len ? n : len);
}

void craft_date(uint8_t *dt, const char *digits, int tz)
{
	memcpy(dt, digits, 16);
	dt[16] = (uint8_t)(int8_t)tz;
}

static void craft_vd(uint8_t *blk, int type, const char *volid,
		     uint32_t space_size, uint32_t root_lba)
{
	uint8_t *root = blk + MS_VD_ROOT_RECORD_OFF;

	memset(blk, 0, MS_BLOCK);
	blk[MS_VD_TYPE_OFF] = (uint8_t)type;
	memcpy(blk + MS_VD_ID_OFF, "CD001", MS_VD_ID_LEN);
	blk[MS_VD_VERSION_OFF] = 1;
	put_padded(blk + MS_VD_SYSTEM_ID_OFF, "LINUX", 32);
	put_padded(blk + MS_VD_VOLUME_ID_OFF, volid, MS_VD_VOLUME_ID_LEN);
	ms_put_both32(blk + MS_VD_SPACE_SIZE_OFF, space_size);
	put_both16(blk + VD_LOGICAL_BLOCK_SIZE_OFF, MS_BLOCK);
	root[MS_DR_LENGTH_OFF] = MS_VD_ROOT_RECORD_LEN;
	ms_put_both32(root + MS_DR_EXTENT_OFF, root_lba);
	ms_put_both32(root + MS_DR_SIZE_OFF, MS_BLOCK);
	root[MS_DR_FLAGS_OFF] = VD_ROOT_FLAGS_DIR;
	root[MS_DR_NAME_LEN_OFF] = 1;
	craft_date(blk + MS_VD_CREATION_OFF, CRAFT_DATE_DIGITS, 0);
}

void craft_pvd(uint8_t *blk, const char *volid, uint32_t space_size,
	       uint32_t root_lba)
{
	craft_vd(blk, MS_VD_PRIMARY, volid, space_size, root_lba);
}

void craft_svd(uint8_t *blk, const char *escapes, const char *volid,
	       uint32_t space_size, uint32_t root_lba)
{
	craft_vd(blk, MS_VD_SUPPLEMENTARY, volid, space_size, root_lba);
	memcpy(blk + MS_VD_ESCAPES_OFF, escapes, strlen(escapes));
}

void craft_terminator(uint8_t *blk)
{
	memset(blk, 0, MS_BLOCK);
	blk[MS_VD_TYPE_OFF] = MS_VD_TERMINATOR;
	memcpy(blk + MS_VD_ID_OFF, "CD001", MS_VD_ID_LEN);
	blk[MS_VD_VERSION_OFF] = 1;
}

void craft_disc_init(struct craft_disc *d, uint64_t blocks)
{
	memset(d, 0, sizeof(*d));
	d->blocks = blocks;
}

void craft_disc_free(struct craft_disc *d)
{
	free(d->lbas);
	free(d->data);
	memset(d, 0, sizeof(*d));
}

static int find(const struct craft_disc *d, uint32_t lba)
{
	int i;

	for (i = 0; i < d->count; i++)
		if (d->lbas[i] == lba)
			return i;
	return -1;
}

uint8_t *craft_block(struct craft_disc *d, uint32_t lba)
{
	int i = find(d, lba);

	if (i >= 0)
		return d->data + (size_t)i * MS_BLOCK;
	if (d->count == d->capacity) {
		int cap = d->capacity ? 2 * d->capacity : 64;

		d->lbas = realloc(d->lbas, (size_t)cap * sizeof(*d->lbas));
		d->data = realloc(d->data, (size_t)cap * MS_BLOCK);
		if (!d->lbas || !d->data)
			abort();
		d->capacity = cap;
	}
	i = d->count++;
	d->lbas[i] = lba;
	memset(d->data + (size_t)i * MS_BLOCK, 0, MS_BLOCK);
	return d->data + (size_t)i * MS_BLOCK;
}

void craft_erase(struct craft_disc *d, uint32_t lba)
{
	int i = find(d, lba);

	if (i < 0)
		return;
	d->count--;
	d->lbas[i] = d->lbas[d->count];
	memmove(d->data + (size_t)i * MS_BLOCK,
		d->data + (size_t)d->count * MS_BLOCK, MS_BLOCK);
}

void craft_session_at(struct craft_disc *d, uint32_t vd_lba, uint32_t blocks,
		      const char *volid)
{
	uint32_t start = vd_lba - MS_VD_FIRST;

	craft_pvd(craft_block(d, vd_lba), volid, blocks, start + 20);
	craft_svd(craft_block(d, vd_lba + 1), "%/E", volid, blocks, start + 21);
	craft_terminator(craft_block(d, vd_lba + 2));
}

void craft_session(struct craft_disc *d, uint32_t start, uint32_t blocks,
		   const char *volid)
{
	craft_session_at(d, start + MS_VD_FIRST, blocks, volid);
}

void craft_head(struct craft_disc *d, uint32_t start, uint32_t end)
{
	uint8_t blk[MS_BLOCK];
	int i;

	for (i = 0; i < CRAFT_VDSET_BLOCKS; i++) {
		craft_copy(d, start + MS_VD_FIRST + (uint32_t)i, 1, blk);
		if (ms_vd_is_descriptor(blk) &&
		    blk[MS_VD_TYPE_OFF] != MS_VD_TERMINATOR)
			ms_vd_set_space_size(blk, end);
		memcpy(craft_block(d, MS_VD_FIRST + (uint32_t)i), blk,
		       MS_BLOCK);
	}
}

void craft_copy(struct craft_disc *d, uint32_t lba, uint32_t count,
		uint8_t *buf)
{
	uint32_t k;

	for (k = 0; k < count; k++) {
		int i = find(d, lba + k);

		if (i >= 0)
			memcpy(buf + (size_t)k * MS_BLOCK,
			       d->data + (size_t)i * MS_BLOCK, MS_BLOCK);
		else
			memset(buf + (size_t)k * MS_BLOCK, 0, MS_BLOCK);
	}
}

int craft_read(void *arg, struct ms_ctx *c, uint32_t lba, uint32_t count,
	       uint8_t *buf)
{
	struct craft_disc *d = arg;
	uint32_t n = count;

	d->calls++;
	if (d->fail && d->fail_lba >= lba && d->fail_lba - lba < count)
		return ms_fail(c, MS_EXIT_FAILURE, "cannot read block %u",
			       d->fail_lba);
	if ((uint64_t)lba >= d->blocks)
		n = 0;
	else if ((uint64_t)lba + count > d->blocks)
		n = (uint32_t)(d->blocks - lba);
	craft_copy(d, lba, n, buf);
	memset(buf + (size_t)n * MS_BLOCK, 0, (size_t)(count - n) * MS_BLOCK);
	d->blocks_read += n;
	return (int)n;
}
