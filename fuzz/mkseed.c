/*
 * mkseed: turn media into fuzz seeds (fuzz/README.md).
 *
 *   mkseed sparse IMAGE OUT     the sparse disc form of fuzz.h: every
 *                               block of IMAGE that is not all zero
 *   mkseed descriptors IMAGE OUT  the same, with volume descriptors only
 *   mkseed payload SNAPSHOT OUT the inflated payload of a snapshot
 *   mkseed image SPARSE OUT     a sparse disc back as an image, to look
 *                               at a finding with the tools
 *
 * A tool of its own, without the library, so that it builds with any
 * compiler and no sanitizer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define BLOCK		2048
#define SNAP_HDR_LEN	32
#define SNAP_LEN_OFF	16
#define MAX_BLOCKS	(1u << 16)	/* FZ_MAX_BLOCKS of fuzz.h */

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static int zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

static int sparse(FILE *in, FILE *out, int descriptors_only)
{
	unsigned char blk[BLOCK], hdr[8];
	uint32_t lba = 0;
	size_t n;

	memcpy(hdr, "MSFZ", 4);
	put_le32(hdr + 4, 0);
	if (fwrite(hdr, sizeof(hdr), 1, out) != 1)
		return -1;
	while ((n = fread(blk, 1, BLOCK, in)) > 0) {
		unsigned char rec[4];

		memset(blk + n, 0, BLOCK - n);
		if (!zero(blk, BLOCK) && (!descriptors_only ||
					  !memcmp(blk + 1, "CD001", 5))) {
			put_le32(rec, lba);
			if (fwrite(rec, 4, 1, out) != 1 ||
			    fwrite(blk, BLOCK, 1, out) != 1)
				return -1;
		}
		lba++;
	}
	if (ferror(in) || fseek(out, 4, SEEK_SET) < 0)
		return -1;
	put_le32(hdr + 4, lba);
	return fwrite(hdr + 4, 4, 1, out) == 1 ? 0 : -1;
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The reverse of sparse(), as fuzz/fuzzlib.c reads it. */
static int image(FILE *in, FILE *out)
{
	unsigned char hdr[8], rec[4 + BLOCK];
	uint32_t blocks;
	size_t n;

	if (fread(hdr, sizeof(hdr), 1, in) != 1 || memcmp(hdr, "MSFZ", 4))
		return -1;
	blocks = get_le32(hdr + 4);
	if (blocks > MAX_BLOCKS)
		blocks = MAX_BLOCKS;
	if (blocks == 0)
		return 0;
	if (fseek(out, (long)blocks * BLOCK - 1, SEEK_SET) < 0 ||
	    fputc(0, out) == EOF)
		return -1;
	while ((n = fread(rec, 1, sizeof(rec), in)) >= 4) {
		memset(rec + n, 0, sizeof(rec) - n);
		if (fseek(out, (long)(get_le32(rec) % blocks) * BLOCK,
			  SEEK_SET) < 0 || fwrite(rec + 4, BLOCK, 1, out) != 1)
			return -1;
	}
	return ferror(in) ? -1 : 0;
}

static int payload(FILE *in, FILE *out)
{
	unsigned char hdr[SNAP_HDR_LEN], *zin = NULL, *buf = NULL;
	uLongf len;
	long size;
	int ret = -1;

	if (fread(hdr, sizeof(hdr), 1, in) != 1 || fseek(in, 0, SEEK_END) < 0 ||
	    (size = ftell(in)) < SNAP_HDR_LEN ||
	    fseek(in, SNAP_HDR_LEN, SEEK_SET) < 0)
		return -1;
	len = (uLongf)hdr[SNAP_LEN_OFF + 4] << 24 |
	      (uLongf)hdr[SNAP_LEN_OFF + 5] << 16 |
	      (uLongf)hdr[SNAP_LEN_OFF + 6] << 8 | hdr[SNAP_LEN_OFF + 7];
	zin = malloc((size_t)size);
	buf = malloc(len ? len : 1);
	if (zin && buf &&
	    fread(zin, 1, (size_t)size - SNAP_HDR_LEN, in) ==
	    (size_t)size - SNAP_HDR_LEN &&
	    uncompress(buf, &len, zin, (uLong)size - SNAP_HDR_LEN) == Z_OK &&
	    fwrite(buf, 1, len, out) == len)
		ret = 0;
	free(zin);
	free(buf);
	return ret;
}

int main(int argc, char **argv)
{
	FILE *in, *out;
	int ret;

	if (argc != 4) {
		fprintf(stderr, "usage: mkseed sparse|descriptors|payload|image "
			"IN OUT\n");
		return 2;
	}
	in = fopen(argv[2], "rb");
	out = fopen(argv[3], "wb");
	if (!in || !out) {
		fprintf(stderr, "mkseed: cannot open '%s'\n",
			in ? argv[3] : argv[2]);
		return 1;
	}
	if (!strcmp(argv[1], "payload"))
		ret = payload(in, out);
	else if (!strcmp(argv[1], "image"))
		ret = image(in, out);
	else
		ret = sparse(in, out, !strcmp(argv[1], "descriptors"));
	fclose(in);
	if (fclose(out) != 0)
		ret = -1;
	if (ret < 0) {
		fprintf(stderr, "mkseed: cannot convert '%s'\n", argv[2]);
		return 1;
	}
	return 0;
}
