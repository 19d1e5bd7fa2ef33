/*
 * msnap: a second, independent reader and writer of the snapshot format of
 * mstools(5), for tests.  It shares no code with common/, so that tests
 * compare the implementation with the documented format.
 *
 *   msnap dump FILE            print the text part and the block runs
 *   msnap drop FILE LBA OUT    write OUT without block LBA
 *   msnap text FILE TEXT OUT   write OUT with the text part read from the
 *                              file TEXT (up to and with its "end" line)
 *                              and the block runs of FILE
 *
 * The output's checksums are right, so a reader must find what is wrong
 * in the contents.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define HEADER 32
#define BLOCK 2048

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void die(const char *msg)
{
	fprintf(stderr, "msnap: %s\n", msg);
	exit(1);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f)
		die("cannot open input");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("cannot read input");
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Check the header and return the inflated payload. */
static unsigned char *payload(const unsigned char *file, size_t len,
			      uint64_t *plen)
{
	static const unsigned char magic[8] = {
		0x89, 'M', 'S', 'S', 'N', 'A', 'P', '\n'
	};
	unsigned char *out;
	uLongf outlen;

	if (len < HEADER || memcmp(file, magic, 8))
		die("no snapshot magic");
	if (crc32(0, file, 28) != be32(file + 28))
		die("header checksum mismatch");
	if (be32(file + 8) != 1)
		die("unknown version");
	*plen = (uint64_t)be32(file + 16) << 32 | be32(file + 20);
	out = malloc(*plen);
	outlen = (uLongf)*plen;
	if (!out || uncompress(out, &outlen, file + HEADER,
			       (uLong)(len - HEADER)) != Z_OK ||
	    outlen != *plen)
		die("cannot inflate the payload");
	if (crc32(0, out, (uInt)outlen) != be32(file + 24))
		die("payload checksum mismatch");
	return out;
}

static size_t text_end(const unsigned char *p, uint64_t len)
{
	const char *end = memmem(p, len, "\nend\n", 5);

	if (!end)
		die("no end line");
	return (size_t)((const unsigned char *)end - p) + 5;
}

static void dump(const char *path)
{
	size_t len, pos;
	uint64_t plen;
	unsigned char *file = slurp(path, &len), *p = payload(file, len, &plen);

	pos = text_end(p, plen);
	fwrite(p, 1, pos, stdout);
	while (pos < plen) {
		uint32_t lba = be32(p + pos), count = be32(p + pos + 4);

		printf("run %u %u\n", lba, count);
		pos += 8 + (size_t)count * BLOCK;
	}
	if (pos != plen)
		die("runs do not fill the payload");
	free(p);
	free(file);
}

/* Deflate payload p behind a header like the one of file into outpath. */
static void write_snapshot(const unsigned char *file, const unsigned char *p,
			   size_t len, const char *outpath)
{
	unsigned char *z, hdr[HEADER];
	uLongf zlen;
	FILE *f;

	zlen = compressBound((uLong)len);
	z = malloc(zlen);
	if (!z || compress(z, &zlen, p, (uLong)len) != Z_OK)
		die("cannot deflate");
	memcpy(hdr, file, 16);
	put_be32(hdr + 16, (uint32_t)((uint64_t)len >> 32));
	put_be32(hdr + 20, (uint32_t)len);
	put_be32(hdr + 24, (uint32_t)crc32(0, p, (uInt)len));
	put_be32(hdr + 28, (uint32_t)crc32(0, hdr, 28));
	f = fopen(outpath, "wb");
	if (!f || fwrite(hdr, 1, HEADER, f) != HEADER ||
	    fwrite(z, 1, zlen, f) != zlen || fclose(f))
		die("cannot write output");
	free(z);
}

static void text(const char *path, const char *textpath, const char *outpath)
{
	size_t len, tlen, pos;
	uint64_t plen;
	unsigned char *file = slurp(path, &len), *p = payload(file, len, &plen);
	unsigned char *t = slurp(textpath, &tlen), *np;

	pos = text_end(p, plen);
	np = malloc(tlen + (plen - pos) + 1);
	if (!np)
		die("out of memory");
	memcpy(np, t, tlen);
	memcpy(np + tlen, p + pos, plen - pos);
	write_snapshot(file, np, tlen + (plen - pos), outpath);
	free(np);
	free(t);
	free(p);
	free(file);
}

static void drop(const char *path, uint32_t victim, const char *outpath)
{
	size_t len, pos, o;
	uint64_t plen;
	unsigned char *file = slurp(path, &len), *p = payload(file, len, &plen);
	unsigned char *np;
	int found = 0;

	np = malloc(plen);
	if (!np)
		die("out of memory");
	pos = text_end(p, plen);
	memcpy(np, p, pos);
	o = pos;
	while (pos < plen) {
		uint32_t lba = be32(p + pos), count = be32(p + pos + 4), i;
		const unsigned char *data = p + pos + 8;

		pos += 8 + (size_t)count * BLOCK;
		/* split the run around the victim */
		for (i = 0; i < count;) {
			uint32_t j = i;

			if (lba + i == victim) {
				found = 1;
				i++;
				continue;
			}
			while (j < count && lba + j != victim)
				j++;
			put_be32(np + o, lba + i);
			put_be32(np + o + 4, j - i);
			memcpy(np + o + 8, data + (size_t)i * BLOCK,
			       (size_t)(j - i) * BLOCK);
			o += 8 + (size_t)(j - i) * BLOCK;
			i = j;
		}
	}
	if (!found)
		die("the snapshot does not hold that block");
	write_snapshot(file, np, o, outpath);
	free(np);
	free(p);
	free(file);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "dump")) {
		dump(argv[2]);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "drop")) {
		drop(argv[2], (uint32_t)strtoul(argv[3], NULL, 10), argv[4]);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "text")) {
		text(argv[2], argv[3], argv[4]);
		return 0;
	}
	fprintf(stderr, "usage: msnap dump FILE | msnap drop FILE LBA OUT | "
		"msnap text FILE TEXT OUT\n");
	return 2;
}
