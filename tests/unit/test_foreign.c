/*
 * What discs made by other tools carry beside ISO 9660: a UDF recognition
 * sequence (bridge or UDF only), El Torito boot records, UDF anchors, HFS
 * hybrids; and the head that drops an old UDF sequence.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "craft.h"
#include "ctx.h"
#include "head.h"
#include "iso9660.h"

#define HEAD_BYTES ((size_t)MS_HEAD_BLOCKS * MS_BLOCK)

static uint8_t blocks[MS_VDSET_MAX * MS_BLOCK];

static uint8_t *at(int i)
{
	return blocks + (size_t)i * MS_BLOCK;
}

/* An ECMA-167 structure descriptor: type 0, id, version 1, zeros. */
static void vsd(uint8_t *blk, const char *id)
{
	memset(blk, 0, MS_BLOCK);
	memcpy(blk + MS_VSD_ID_OFF, id, MS_VSD_ID_LEN);
	blk[MS_VSD_VERSION_OFF] = 1;
}

static void el_torito(uint8_t *blk, uint32_t catalog)
{
	memset(blk, 0, MS_BLOCK);
	blk[MS_VD_TYPE_OFF] = MS_VD_BOOT;
	memcpy(blk + MS_VD_ID_OFF, "CD001", MS_VD_ID_LEN);
	blk[MS_VD_VERSION_OFF] = 1;
	memcpy(blk + MS_VD_BOOT_SYSTEM_OFF, "EL TORITO SPECIFICATION", 23);
	blk[MS_VD_BOOT_CATALOG_OFF] = (uint8_t)catalog;
	blk[MS_VD_BOOT_CATALOG_OFF + 1] = (uint8_t)(catalog >> 8);
}

/* genisoimage -udf: PVD, Joliet SVD, terminator, BEA01, NSR02, TEA01. */
static void bridge(void)
{
	memset(blocks, 0, sizeof(blocks));
	craft_pvd(at(0), "CDROM", 425, 30);
	craft_svd(at(1), "%/E", "CDROM", 425, 31);
	craft_terminator(at(2));
	vsd(at(3), "BEA01");
	vsd(at(4), "NSR02");
	vsd(at(5), "TEA01");
}

Test(foreign, bridge_sequence_after_the_terminator)
{
	bridge();
	cr_expect_eq(ms_vrs_udf(at(3), 5), 2);
	/* from block 16 on, past the ISO 9660 descriptors, as UDF reads */
	cr_expect_eq(ms_vrs_udf(blocks, 6), 2);
}

Test(foreign, udf_only_at_block_16)
{
	memset(blocks, 0, sizeof(blocks));
	vsd(at(0), "BEA01");
	vsd(at(1), "NSR03");
	vsd(at(2), "TEA01");
	cr_expect_eq(ms_vrs_udf(blocks, 3), 3);
	cr_expect(!ms_vd_is_primary(at(0)));
}

Test(foreign, no_udf_without_an_extended_area)
{
	bridge();
	/* NSR02 before any BEA01 is no recognition sequence */
	cr_expect_eq(ms_vrs_udf(at(4), 2), 0);
	/* a sequence cut short names nothing */
	cr_expect_eq(ms_vrs_udf(at(3), 1), 0);
	/* TEA01 ends the extended area before the NSR */
	vsd(at(4), "TEA01");
	vsd(at(5), "NSR02");
	cr_expect_eq(ms_vrs_udf(at(3), 3), 0);
	/* a block that is no descriptor ends the sequence */
	bridge();
	memset(at(4), 0, MS_BLOCK);
	vsd(at(5), "NSR02");
	cr_expect_eq(ms_vrs_udf(at(3), 3), 0);
	/* a libisofs checksum tag after the set is no descriptor */
	bridge();
	memcpy(at(3), "libisofs_sb_checksum_tag_v1 ", 28);
	cr_expect_eq(ms_vrs_udf(at(3), 3), 0);
}

Test(foreign, only_plain_descriptors_count_as_such)
{
	bridge();
	cr_expect(ms_vsd_is_plain(at(3)));
	cr_expect(ms_vsd_is_plain(at(4)));
	cr_expect(ms_vsd_is_plain(at(5)));
	cr_expect(!ms_vsd_is_plain(at(0)), "an ISO 9660 PVD");
	at(4)[100] = 1;
	cr_expect(!ms_vsd_is_plain(at(4)), "data after the header");
	at(4)[100] = 0;
	at(4)[MS_VSD_VERSION_OFF] = 2;
	cr_expect(!ms_vsd_is_plain(at(4)), "another version");
}

Test(foreign, el_torito_boot_record_and_catalog)
{
	struct ms_vdset set;

	memset(blocks, 0, sizeof(blocks));
	craft_pvd(at(0), "BOOT", 188, 30);
	el_torito(at(1), 32);
	craft_terminator(at(2));
	cr_assert_eq(ms_vdset_parse(blocks, 3, &set), MS_VDSET_OK);
	cr_expect(set.el_torito);
	cr_expect_eq(set.boot_catalog, 32u);
	cr_expect_str_eq(set.pvd.volume_id, "BOOT");

	/* a boot record of another boot system is not El Torito */
	memcpy(at(1) + MS_VD_BOOT_SYSTEM_OFF, "OTHER BOOT SYSTEM      ", 23);
	cr_assert_eq(ms_vdset_parse(blocks, 3, &set), MS_VDSET_OK);
	cr_expect(!set.el_torito);
	/* nor is one whose identifier goes on past the name */
	el_torito(at(1), 32);
	at(1)[MS_VD_BOOT_SYSTEM_OFF + 23] = 'X';
	cr_assert_eq(ms_vdset_parse(blocks, 3, &set), MS_VDSET_OK);
	cr_expect(!set.el_torito);
}

/* A UDF descriptor tag (ECMA-167 3/7.2) of identifier id at lba. */
static void udf_tag(uint8_t *blk, uint16_t id, uint32_t lba)
{
	uint8_t sum = 0;
	int i;

	memset(blk, 0, MS_BLOCK);
	blk[0] = (uint8_t)id;
	blk[1] = (uint8_t)(id >> 8);
	blk[2] = 2;
	blk[MS_UDF_TAG_LOCATION_OFF] = (uint8_t)lba;
	blk[MS_UDF_TAG_LOCATION_OFF + 1] = (uint8_t)(lba >> 8);
	for (i = 0; i < MS_UDF_TAG_LEN; i++)
		if (i != MS_UDF_TAG_CHECKSUM_OFF)
			sum = (uint8_t)(sum + blk[i]);
	blk[MS_UDF_TAG_CHECKSUM_OFF] = sum;
}

Test(foreign, udf_anchor_needs_its_tag_checksum_and_location)
{
	uint8_t blk[MS_BLOCK];

	udf_tag(blk, MS_UDF_TAG_ANCHOR, MS_UDF_ANCHOR_LBA);
	cr_expect(ms_udf_is_anchor(blk, MS_UDF_ANCHOR_LBA));
	cr_expect(!ms_udf_is_anchor(blk, 512), "recorded for block 256");
	blk[MS_UDF_TAG_CHECKSUM_OFF]++;
	cr_expect(!ms_udf_is_anchor(blk, MS_UDF_ANCHOR_LBA), "bad checksum");
	udf_tag(blk, 1, MS_UDF_ANCHOR_LBA);
	cr_expect(!ms_udf_is_anchor(blk, MS_UDF_ANCHOR_LBA), "not an anchor");
	memset(blk, 0, sizeof(blk));
	cr_expect(!ms_udf_is_anchor(blk, 0), "zeros");
}

Test(foreign, hfs_hybrid_system_areas)
{
	uint8_t blk[MS_BLOCK];

	memset(blk, 0, sizeof(blk));
	cr_expect(!ms_sysarea_is_hfs(blk));
	memcpy(blk + MS_HFS_HEADER_OFF, "BD", 2);
	cr_expect(ms_sysarea_is_hfs(blk), "an HFS master directory block");
	memcpy(blk + MS_HFS_HEADER_OFF, "H+", 2);
	cr_expect(ms_sysarea_is_hfs(blk), "an HFS+ volume header");
	memset(blk, 0, sizeof(blk));
	memcpy(blk, "ER", 2);
	cr_expect(!ms_sysarea_is_hfs(blk), "a driver map without entries");
	memcpy(blk + MS_APM_ENTRY_OFF, "PM", 2);
	cr_expect(ms_sysarea_is_hfs(blk), "an Apple partition map");
	memset(blk, 0, sizeof(blk));
	strcpy((char *)blk, "mstools_link_v1 start=32 blocks=40");
	cr_expect(!ms_sysarea_is_hfs(blk), "a link record");
}

Test(foreign, mbr_signature)
{
	uint8_t blk[MS_BLOCK];

	memset(blk, 0, sizeof(blk));
	cr_expect(!ms_sysarea_is_mbr(blk));
	blk[MS_MBR_SIG_OFF] = 0x55;
	blk[MS_MBR_SIG_OFF + 1] = 0xaa;
	cr_expect(ms_sysarea_is_mbr(blk));
	blk[MS_MBR_SIG_OFF + 1] = 0xab;
	cr_expect(!ms_sysarea_is_mbr(blk));
}

Test(foreign, head_drops_an_old_udf_sequence_and_keeps_data)
{
	uint8_t *image = calloc(1, HEAD_BYTES), *old = calloc(1, HEAD_BYTES);
	uint8_t *head = malloc(HEAD_BYTES);
	struct ms_ctx c;
	size_t i;

	cr_assert(image && old && head);
	ms_ctx_init(&c);
	/*
	 * The old head: a bridge's set at 16..21 (its terminator at 18
	 * stays: readers stop at the new one at 17), file data at 22..31.
	 */
	bridge();
	memcpy(old + (size_t)MS_VD_FIRST * MS_BLOCK, blocks, 6 * MS_BLOCK);
	for (i = 22 * (size_t)MS_BLOCK; i < HEAD_BYTES; i++)
		old[i] = (uint8_t)(i * 7 + 3);
	/* data that happens to start like a descriptor stays data */
	vsd(old + 23 * (size_t)MS_BLOCK, "NSR02");
	old[23 * (size_t)MS_BLOCK + 9] = 'x';
	/* the new image: PVD and terminator only */
	craft_pvd(image + (size_t)MS_VD_FIRST * MS_BLOCK, "NEW", 40, 50);
	craft_terminator(image + (size_t)(MS_VD_FIRST + 1) * MS_BLOCK);

	cr_assert_eq(ms_head_build(image, old, 448, 40, head, &c), 0);
	cr_expect(ms_vd_is_primary(head + (size_t)MS_VD_FIRST * MS_BLOCK));
	cr_expect_eq(ms_vrs_udf(head + (size_t)MS_VD_FIRST * MS_BLOCK, 16), 0);
	for (i = 19; i < 22; i++)
		cr_expect(ms_is_zero(head + i * MS_BLOCK, MS_BLOCK),
			  "block %zu holds a stale descriptor", i);
	cr_expect(!memcmp(head + 22 * (size_t)MS_BLOCK,
			  old + 22 * (size_t)MS_BLOCK, 10 * MS_BLOCK),
		  "blocks 22..31 are data and stay");
	free(image);
	free(old);
	free(head);
}

/* A root "." record with SP and a PX entry of px_len bytes. */
static size_t root_with_px(uint8_t *rec, size_t px_len)
{
	size_t pos = MS_DR_NAME_OFF + 1, len;

	memset(rec, 0, MS_BLOCK);
	rec[MS_DR_NAME_LEN_OFF] = 1;
	memcpy(rec + pos, "SP\x07\x01\xbe\xef\x00", 7);
	pos += 7;
	memcpy(rec + pos, "PX", 2);
	rec[pos + 2] = (uint8_t)px_len;
	rec[pos + 3] = 1;
	len = pos + px_len;
	rec[MS_DR_LENGTH_OFF] = (uint8_t)len;
	return len;
}

Test(foreign, px_inode_numbers_tell_rrip_1_12)
{
	uint8_t rec[MS_BLOCK];

	root_with_px(rec, 44);
	cr_expect(ms_root_has_rockridge(rec, MS_BLOCK) == 1);
	cr_expect(ms_root_px_has_ino(rec, MS_BLOCK));
	root_with_px(rec, 36);
	cr_expect(!ms_root_px_has_ino(rec, MS_BLOCK), "RRIP 1.10");
	/* a PX that would run past its record is not looked at */
	root_with_px(rec, 44);
	rec[MS_DR_LENGTH_OFF] -= 8;
	cr_expect(!ms_root_px_has_ino(rec, MS_BLOCK));
	cr_expect(!ms_root_px_has_ino(rec, 20), "a short extent");
}
