/* The image's MD5 and its libisofs checksum tags (imgsum.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libisofs/libisofs.h>

#include "burn_int.h"
#include "exit.h"
#include "imgsum.h"
#include "iso9660.h"

#define TAG_MAGIC "libisofs_checksum_tag_v1"

enum tag_type {
	TAG_SESSION = 1,
	TAG_SUPERBLOCK = 2,
	TAG_TREE = 3,
};

static const char *tag_name(int type)
{
	return type == TAG_SUPERBLOCK ? "superblock" :
	       type == TAG_TREE ? "directory tree" : "session";
}

static void sum_bad(struct ms_imgsum *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sum_bad(struct ms_imgsum *h, const char *fmt, ...)
{
	va_list ap;

	if (h->bad)
		return;
	h->bad = 1;
	va_start(ap, fmt);
	vsnprintf(h->why, sizeof(h->why), fmt, ap);
	va_end(ap);
}

/*
 * Start hashing img, which goes to blocks start..start+blocks-1.  Finds
 * the superblock tag, if any, in the blocks read ahead.
 */
int ms_imgsum_start(struct ms_imgsum *h, const struct ms_image *img)
{
	uint32_t i, pos, rs, rsize, next;
	char md5[16];
	int type, r;

	memset(h, 0, sizeof(*h));
	h->start = img->start;
	h->at = img->start;
	h->end = img->start + img->blocks;
	h->all = EVP_MD_CTX_new();
	if (!h->all || !EVP_DigestInit_ex(h->all, EVP_md5(), NULL))
		return -1;
	for (i = MS_VD_FIRST; i < img->have; i++) {
		const uint8_t *blk = img->first + (size_t)i * MS_BLOCK;

		if (!ms_vd_is_descriptor(blk))
			return 0;
		if (blk[MS_VD_TYPE_OFF] == MS_VD_TERMINATOR)
			break;
	}
	if (++i >= img->have || i >= img->blocks)
		return 0;
	r = iso_util_decode_md5_tag((char *)img->first + (size_t)i * MS_BLOCK,
				    &type, &pos, &rs, &rsize, &next, md5,
				    TAG_SUPERBLOCK);
	if (r == 0)
		return 0;
	h->tags = 1;
	h->next = img->start + i;
	h->want = TAG_SUPERBLOCK;
	return 0;
}

/* The tag expected at block lba, with the MD5 of everything before it. */
static void sum_tag(struct ms_imgsum *h, uint32_t lba, const uint8_t *blk)
{
	uint32_t pos, rs, rsize, next;
	char md5[16];
	uint8_t have[16];
	EVP_MD_CTX *tmp;
	int type, r;

	r = iso_util_decode_md5_tag((char *)blk, &type, &pos, &rs, &rsize,
				    &next, md5, h->want);
	if (r <= 0) {
		sum_bad(h, "its %s checksum tag, expected at block %u, is %s",
			tag_name(h->want), lba, r < 0 ||
			!memcmp(blk, TAG_MAGIC, sizeof(TAG_MAGIC) - 1) ?
			"damaged" : "missing");
		return;
	}
	if (pos != lba || rs != h->start || rsize != lba - h->start) {
		sum_bad(h, "its %s checksum tag at block %u names block %u "
			"and blocks %u+%u", tag_name(h->want), lba, pos, rs,
			rsize);
		return;
	}
	tmp = EVP_MD_CTX_new();
	if (!tmp || !EVP_MD_CTX_copy_ex(tmp, h->all) ||
	    !EVP_DigestFinal_ex(tmp, have, NULL)) {
		EVP_MD_CTX_free(tmp);
		sum_bad(h, "out of memory");
		return;
	}
	EVP_MD_CTX_free(tmp);
	if (memcmp(have, md5, sizeof(have))) {
		sum_bad(h, "blocks %u to %u do not match its %s checksum tag",
			h->start, lba - 1, tag_name(h->want));
		return;
	}
	h->matched++;
	if (h->want == TAG_SESSION) {
		h->next = 0;
		return;
	}
	if (next <= lba || next >= h->end) {
		sum_bad(h, "its %s checksum tag at block %u names the next "
			"tag at block %u, outside the image", tag_name(h->want),
			lba, next);
		return;
	}
	h->next = next;
	h->want = h->want == TAG_SUPERBLOCK ? TAG_TREE : TAG_SESSION;
}

/* Hash the next n blocks of the image, checking tags among them. */
void ms_imgsum_add(struct ms_imgsum *h, const uint8_t *buf, uint32_t n)
{
	uint32_t k;

	while (n > 0) {
		if (h->tags && !h->bad && h->next && h->next < h->at + n) {
			k = h->next - h->at;
			EVP_DigestUpdate(h->all, buf, (size_t)k * MS_BLOCK);
			sum_tag(h, h->at + k, buf + (size_t)k * MS_BLOCK);
			EVP_DigestUpdate(h->all, buf + (size_t)k * MS_BLOCK,
					 MS_BLOCK);
			k++;
		} else {
			k = n;
			EVP_DigestUpdate(h->all, buf, (size_t)k * MS_BLOCK);
		}
		h->at += k;
		buf += (size_t)k * MS_BLOCK;
		n -= k;
	}
}

/*
 * The MD5 of everything hashed, into md5 (may be NULL).  Returns -1 if
 * the image's tags did not all match (h->why says how).
 */
int ms_imgsum_end(struct ms_imgsum *h, uint8_t md5[16])
{
	uint8_t tmp[16];

	if (h->all) {
		EVP_DigestFinal_ex(h->all, md5 ? md5 : tmp, NULL);
		EVP_MD_CTX_free(h->all);
		h->all = NULL;
	}
	if (h->tags && !h->bad && h->next)
		sum_bad(h, "it ends before its %s checksum tag at block %u",
			tag_name(h->want), h->next);
	return h->bad ? -1 : 0;
}

int ms_imgsum_fail(struct ms_ctx *c, const struct ms_image *img,
		   const struct ms_imgsum *h, const char *outcome)
{
	return ms_fail(c, MS_EXIT_VERIFY, "image '%s' is damaged: %s; %s",
		       img->name, h->why, outcome);
}

/*
 * Check an image file's checksum tags before a write that cannot be
 * taken back: read it once through, without moving its offset.
 */
int ms_imgsum_check_file(struct ms_ctx *c, struct ms_image *img)
{
	struct ms_imgsum sum;
	uint8_t *buf;
	uint32_t done = 0;
	int ret = -1;

	buf = malloc((size_t)MS_BURN_CHUNK_BLOCKS * MS_BLOCK);
	if (!buf || ms_imgsum_start(&sum, img) < 0) {
		free(buf);
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	}
	if (!sum.tags) {
		ret = 0;
		goto out;
	}
	ms_note(c, "checking the checksum tags of image '%s' before writing",
		img->name);
	while (done < img->blocks && !sum.bad) {
		uint32_t n = img->blocks - done > MS_BURN_CHUNK_BLOCKS ?
			     MS_BURN_CHUNK_BLOCKS : img->blocks - done;
		ssize_t r = pread(img->fd, buf, (size_t)n * MS_BLOCK,
				  (off_t)done * MS_BLOCK);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				      "cannot read image '%s'", img->name);
			goto out;
		}
		if (r == 0 || r % MS_BLOCK) {
			ms_image_short(c, img, done);
			goto out;
		}
		ms_imgsum_add(&sum, buf, (uint32_t)(r / MS_BLOCK));
		done += (uint32_t)(r / MS_BLOCK);
	}
	if (ms_imgsum_end(&sum, NULL) < 0) {
		ms_imgsum_fail(c, img, &sum, "nothing was written");
		goto out;
	}
	ret = 0;
out:
	ms_imgsum_end(&sum, NULL);
	free(buf);
	return ret;
}
