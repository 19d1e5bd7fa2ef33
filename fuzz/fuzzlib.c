/* Shared pieces of the fuzz targets: sparse discs and scratch files. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "fuzz.h"
#include "iso9660.h"
#include "link.h"
#include "snapshot.h"

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int fz_disc_init(struct fz_disc *d, const uint8_t *data, size_t size)
{
	const size_t rec = FZ_REC_HDR_LEN + MS_BLOCK;
	size_t off, n;

	memset(d, 0, sizeof(*d));
	if (size < FZ_HDR_LEN || memcmp(data, FZ_MAGIC, FZ_MAGIC_LEN)) {
		uint64_t blocks = (size + MS_BLOCK - 1) / MS_BLOCK;

		d->plain = data;
		d->plain_len = size;
		d->blocks = blocks > FZ_MAX_BLOCKS ? FZ_MAX_BLOCKS :
			    (uint32_t)blocks;
		return 0;
	}
	d->blocks = get_le32(data + FZ_MAGIC_LEN);
	if (d->blocks > FZ_MAX_BLOCKS)
		d->blocks = FZ_MAX_BLOCKS;
	n = (size - FZ_HDR_LEN + rec - 1) / rec;
	if (d->blocks == 0 || n == 0)
		return 0;
	d->recs = calloc(n, sizeof(*d->recs));
	if (!d->recs)
		return -1;
	for (off = FZ_HDR_LEN; off + FZ_REC_HDR_LEN <= size; off += rec) {
		struct fz_block *b = &d->recs[d->count++];

		b->lba = get_le32(data + off) % d->blocks;
		if (size - off >= rec) {
			b->data = data + off + FZ_REC_HDR_LEN;
			continue;
		}
		d->pad = calloc(1, MS_BLOCK);
		if (!d->pad) {
			fz_disc_free(d);
			return -1;
		}
		memcpy(d->pad, data + off + FZ_REC_HDR_LEN,
		       size - off - FZ_REC_HDR_LEN);
		b->data = d->pad;
	}
	return 0;
}

void fz_disc_free(struct fz_disc *d)
{
	free(d->recs);
	free(d->pad);
	memset(d, 0, sizeof(*d));
}

void fz_disc_block(const struct fz_disc *d, uint32_t lba, uint8_t *out)
{
	int i;

	memset(out, 0, MS_BLOCK);
	if (d->plain) {
		size_t off = (size_t)lba * MS_BLOCK;

		if (off < d->plain_len)
			memcpy(out, d->plain + off,
			       d->plain_len - off < MS_BLOCK ?
			       d->plain_len - off : MS_BLOCK);
		return;
	}
	for (i = d->count - 1; i >= 0; i--)
		if (d->recs[i].lba == lba) {
			memcpy(out, d->recs[i].data, MS_BLOCK);
			return;
		}
}

static const char *scratch(const char *what)
{
	static char path[2][256];
	const char *dir = getenv("TMPDIR");
	int i = what[0] == 'd' ? 0 : 1;

	if (!path[i][0]) {
		if (!dir || !*dir)
			dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
			      "/tmp";
		snprintf(path[i], sizeof(path[i]), "%s/msfuzz-%ld-%s", dir,
			 (long)getpid(), what);
	}
	return path[i];
}

static void remove_scratch(void)
{
	unlink(scratch("disc"));
	unlink(scratch("bytes"));
}

static int open_scratch(const char *path)
{
	static int registered;

	if (!registered) {
		atexit(remove_scratch);
		registered = 1;
	}
	return open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

static int put(int fd, const uint8_t *p, size_t n, off_t off)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, off);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

const char *fz_disc_write(const struct fz_disc *d)
{
	const char *path = scratch("disc");
	int fd = open_scratch(path), i, ret = 0;

	if (fd < 0)
		return NULL;
	if (d->plain)
		ret = put(fd, d->plain, d->plain_len, 0);
	else if (ftruncate(fd, (off_t)d->blocks * MS_BLOCK) < 0)
		ret = -1;
	for (i = 0; i < d->count && ret == 0; i++) {
		uint8_t blk[MS_BLOCK];

		memcpy(blk, d->recs[i].data, MS_BLOCK);
		fz_link_fix(blk);
		ret = put(fd, blk, MS_BLOCK, (off_t)d->recs[i].lba * MS_BLOCK);
	}
	if (close(fd) < 0)
		ret = -1;
	return ret ? NULL : path;
}

const char *fz_bytes_write(const uint8_t *data, size_t size)
{
	const char *path = scratch("bytes");
	int fd = open_scratch(path), ret;

	if (fd < 0)
		return NULL;
	ret = put(fd, data, size, 0);
	if (close(fd) < 0)
		ret = -1;
	return ret ? NULL : path;
}

/* the header of mstools(5): magic, version, flags, length, two CRCs */
#define HDR_VERSION_OFF		8
#define HDR_LENGTH_OFF		16
#define HDR_PAYLOAD_CRC_OFF	24
#define HDR_CRC_OFF		28
#define HDR_LEN			32

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The payload as a snapshot file, in a buffer of *len bytes. */
uint8_t *fz_snapshot_wrap(const uint8_t *data, size_t size, size_t *len)
{
	uLongf zlen = compressBound((uLong)size);
	uint8_t *out = malloc(HDR_LEN + zlen);

	if (!out)
		return NULL;
	if (compress(out + HDR_LEN, &zlen, data, (uLong)size) != Z_OK) {
		free(out);
		return NULL;
	}
	memset(out, 0, HDR_LEN);
	memcpy(out, MS_SNAP_MAGIC, MS_SNAP_MAGIC_LEN);
	put_be32(out + HDR_VERSION_OFF, MS_SNAP_VERSION);
	put_be32(out + HDR_LENGTH_OFF + 4, (uint32_t)size);
	put_be32(out + HDR_PAYLOAD_CRC_OFF,
		 (uint32_t)crc32(0L, data, (uInt)size));
	put_be32(out + HDR_CRC_OFF, (uint32_t)crc32(0L, out, HDR_CRC_OFF));
	*len = HDR_LEN + zlen;
	return out;
}

#define SELF_KEY	" self="
#define SELF_HEX_LEN	8

void fz_link_fix(uint8_t *blk)
{
	char hex[SELF_HEX_LEN + 1];
	uint8_t *nl, *self;

	if (memcmp(blk, MS_LINK_MAGIC, strlen(MS_LINK_MAGIC)))
		return;
	nl = memchr(blk, '\n', MS_BLOCK);
	if (!nl)
		return;
	self = memmem(blk, (size_t)(nl - blk), SELF_KEY, strlen(SELF_KEY));
	if (!self || nl - self != (long)strlen(SELF_KEY) + SELF_HEX_LEN)
		return;
	snprintf(hex, sizeof(hex), "%08lx",
		 (unsigned long)crc32(0L, blk, (uInt)(self - blk)));
	memcpy(self + strlen(SELF_KEY), hex, SELF_HEX_LEN);
}

const char *fz_medium_write(const uint8_t *data, size_t size)
{
	struct fz_disc d;
	const char *path;
	uint8_t *file;
	size_t len;

	if (size >= MS_SNAP_MAGIC_LEN &&
	    !memcmp(data, MS_SNAP_MAGIC, MS_SNAP_MAGIC_LEN))
		return fz_bytes_write(data, size);
	if (size >= strlen(FZ_SNAP_TEXT) &&
	    !memcmp(data, FZ_SNAP_TEXT, strlen(FZ_SNAP_TEXT))) {
		file = fz_snapshot_wrap(data, size, &len);
		if (!file)
			return NULL;
		path = fz_bytes_write(file, len);
		free(file);
		return path;
	}
	if (fz_disc_init(&d, data, size) < 0)
		return NULL;
	path = fz_disc_write(&d);
	fz_disc_free(&d);
	return path;
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

void fz_ctx_init(struct ms_ctx *c)
{
	ms_ctx_init(c);
	c->warn = quiet;
}
