#include <stdio.h>
#include <string.h>

#include "exit.h"
#include "head.h"
#include "iso9660.h"
#include "util.h"

#define SB_TAG			"libisofs_sb_checksum_tag_v1 "
#define RLSB_TAG		"libisofs_rlsb32_checksum_tag_v1"
#define TAG_RANGE_ALIGN		32

/* 1 if the block holds one of libisofs' checksum tags. */
static int is_tag(const uint8_t *blk)
{
	static const char *names[] = {
		"libisofs_checksum_tag_v1 ",
		"libisofs_sb_checksum_tag_v1 ",
		"libisofs_tree_checksum_tag_v1 ",
		"libisofs_rlsb32_checksum_tag_v1 ",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!memcmp(blk, names[i], strlen(names[i])))
			return 1;
	return 0;
}

/*
 * The relocated superblock tag at block pos of the head: an MD5 of blocks
 * 0..pos-1, in libisofs' tag format, so that libisofs readers can verify
 * the head as they verify their own.
 */
static void write_rlsb_tag(uint8_t *head, uint32_t pos, uint32_t start)
{
	uint8_t md5[16];
	char hex[33], *tag = (char *)head + (size_t)pos * MS_BLOCK;
	struct ms_md5 h;
	uint32_t range_start = pos - pos % TAG_RANGE_ALIGN;
	int n;

	ms_md5_start(&h);
	ms_md5_add(&h, head + (size_t)range_start * MS_BLOCK,
		   (size_t)(pos - range_start) * MS_BLOCK);
	ms_md5_end(&h, md5);
	ms_hex(md5, 16, hex);
	memset(tag, 0, MS_BLOCK);
	n = snprintf(tag, MS_BLOCK,
		     "%s pos=%u range_start=%u range_size=%u session_start=%u "
		     "md5=%s", RLSB_TAG, pos, range_start, pos - range_start,
		     start, hex);
	ms_md5_start(&h);
	ms_md5_add(&h, tag, (size_t)n);
	ms_md5_end(&h, md5);
	ms_hex(md5, 16, hex);
	snprintf(tag + n, (size_t)(MS_BLOCK - n), " self=%s\n", hex);
}

int ms_head_build(const uint8_t *image, const uint8_t *old, uint32_t start,
		  uint32_t size, uint8_t *head, struct ms_ctx *c)
{
	const uint8_t *src;
	uint8_t *dst;
	uint32_t i, end = 0;

	memcpy(head, old, (size_t)MS_HEAD_BLOCKS * MS_BLOCK);
	memcpy(head, image, (size_t)MS_SYSAREA_BLOCKS * MS_BLOCK);
	for (i = MS_VD_FIRST; i < MS_HEAD_BLOCKS; i++) {
		src = image + (size_t)i * MS_BLOCK;
		dst = head + (size_t)i * MS_BLOCK;
		if (!ms_vd_is_descriptor(src))
			break;
		memcpy(dst, src, MS_BLOCK);
		if (src[MS_VD_TYPE_OFF] == MS_VD_PRIMARY ||
		    src[MS_VD_TYPE_OFF] == MS_VD_SUPPLEMENTARY)
			ms_vd_set_space_size(dst, start + size);
		if (src[MS_VD_TYPE_OFF] == MS_VD_TERMINATOR) {
			end = i + 1;
			break;
		}
	}
	if (!end || !ms_vd_is_primary(image + (size_t)MS_VD_FIRST * MS_BLOCK))
		return ms_fail(c, MS_EXIT_VERIFY,
			       "the image holds no volume descriptor set at "
			       "block 16");
	if (end < MS_HEAD_BLOCKS &&
	    !memcmp(image + (size_t)end * MS_BLOCK, SB_TAG, strlen(SB_TAG))) {
		write_rlsb_tag(head, end, start);
		end++;
	}
	/*
	 * Stale checksum tags go, and so does an old UDF recognition
	 * sequence (a bridge base): left behind the new set it would send
	 * readers that prefer UDF to the old session's UDF tree.
	 */
	for (i = end; i < MS_HEAD_BLOCKS; i++)
		if (is_tag(head + (size_t)i * MS_BLOCK) ||
		    ms_vsd_is_plain(head + (size_t)i * MS_BLOCK))
			memset(head + (size_t)i * MS_BLOCK, 0, MS_BLOCK);
	return 0;
}
