/*
 * ISO 9660 (ECMA-119) volume descriptors and directory records, as pure
 * functions on buffers.  Offsets are the standard's, named once here.
 */
#ifndef MS_ISO9660_H
#define MS_ISO9660_H

#include <stddef.h>
#include <stdint.h>

#define MS_BLOCK		2048	/* logical block size, bytes */
#define MS_SYSAREA_BLOCKS	16	/* system area before the descriptors */
#define MS_VD_FIRST		16	/* first descriptor, relative to session */
#define MS_HEAD_BLOCKS		32	/* emulated head on files: 64 KiB */
#define MS_VDSET_MAX		32	/* descriptors we accept in one set */

/* Volume descriptor layout (ECMA-119 8.4 and 8.5). */
#define MS_VD_TYPE_OFF		0
#define MS_VD_ID_OFF		1	/* "CD001" */
#define MS_VD_ID_LEN		5
#define MS_VD_VERSION_OFF	6
#define MS_VD_SYSTEM_ID_OFF	8
#define MS_VD_VOLUME_ID_OFF	40
#define MS_VD_VOLUME_ID_LEN	32
#define MS_VD_SPACE_SIZE_OFF	80	/* both-endian 32-bit */
#define MS_VD_ESCAPES_OFF	88	/* SVD: Joliet escape sequences */
#define MS_VD_ESCAPES_LEN	32
#define MS_VD_BLOCK_SIZE_OFF	128	/* both-endian 16-bit */
#define MS_VD_ROOT_RECORD_OFF	156
#define MS_VD_ROOT_RECORD_LEN	34
#define MS_VD_CREATION_OFF	813
#define MS_VD_DATE_LEN		17

/* Boot record descriptor (El Torito 1.0, section 2.0). */
#define MS_VD_BOOT_SYSTEM_OFF	7	/* "EL TORITO SPECIFICATION", zeros */
#define MS_VD_BOOT_SYSTEM_LEN	32
#define MS_VD_BOOT_CATALOG_OFF	71	/* little-endian 32-bit block */

/*
 * Volume structure descriptors of ECMA-167 (2/9.1): the volume recognition
 * sequence that follows the ISO 9660 set on a UDF bridge disc.
 */
#define MS_VSD_ID_OFF		1
#define MS_VSD_ID_LEN		5
#define MS_VSD_VERSION_OFF	6
#define MS_VSD_DATA_OFF		7	/* zeros in BEA01, NSR0x, TEA01 */
#define MS_VRS_MAX		8	/* blocks after the set we look at */

/* Directory record layout (ECMA-119 9.1). */
#define MS_DR_LENGTH_OFF	0
#define MS_DR_EXTENT_OFF	2	/* both-endian 32-bit */
#define MS_DR_SIZE_OFF		10	/* both-endian 32-bit */
#define MS_DR_FLAGS_OFF		25
#define MS_DR_NAME_LEN_OFF	32
#define MS_DR_NAME_OFF		33
#define MS_DR_MIN_LEN		34

enum ms_vd_type {
	MS_VD_BOOT = 0,
	MS_VD_PRIMARY = 1,
	MS_VD_SUPPLEMENTARY = 2,
	MS_VD_PARTITION = 3,
	MS_VD_TERMINATOR = 255,
};

/* What we keep of one volume descriptor. */
struct ms_vd {
	int type;
	uint32_t space_size;		/* volume space size, blocks */
	char volume_id[MS_VD_VOLUME_ID_LEN + 1]; /* trailing blanks cut */
	int joliet_level;		/* 1..3 for a Joliet SVD, else 0 */
	uint32_t root_lba;		/* root directory extent */
	uint32_t root_size;		/* bytes */
	int64_t created;		/* Unix time, -1 when unset */
};

/* A session's descriptor set, from its block 16 up to the terminator. */
struct ms_vdset {
	int count;			/* blocks, terminator included */
	int has_pvd;
	struct ms_vd pvd;
	int joliet_level;		/* of the first Joliet SVD, or 0 */
	uint32_t joliet_root_lba;
	int el_torito;			/* an El Torito boot record is there */
	uint32_t boot_catalog;		/* the block it names */
};

enum ms_vsd_kind {
	MS_VSD_NONE = 0,		/* not a UDF structure descriptor */
	MS_VSD_BEA01,
	MS_VSD_NSR02,
	MS_VSD_NSR03,
	MS_VSD_TEA01,
	MS_VSD_BOOT2,
};

uint32_t ms_le32(const uint8_t *p);
uint32_t ms_be32(const uint8_t *p);
uint16_t ms_le16(const uint8_t *p);
void ms_put_both32(uint8_t *p, uint32_t v);

/* 1 if the block has the "CD001" standard identifier and version 1. */
int ms_vd_is_descriptor(const uint8_t *blk);

/* 1 if the block is a primary volume descriptor. */
int ms_vd_is_primary(const uint8_t *blk);

/* Parse one descriptor.  Returns 0, or -1 if blk is not a descriptor. */
int ms_vd_parse(const uint8_t *blk, struct ms_vd *vd);

/* Both-endian volume space size of a PVD or SVD. */
uint32_t ms_vd_space_size(const uint8_t *blk);
void ms_vd_set_space_size(uint8_t *blk, uint32_t blocks);

enum ms_vdset_result {
	MS_VDSET_OK = 0,
	MS_VDSET_NOT_DESCRIPTOR = -1,	/* a block that is no descriptor */
	MS_VDSET_NO_PVD = -2,		/* terminated without a PVD */
	MS_VDSET_UNTERMINATED = -3,	/* no terminator within the buffer */
};

/*
 * Parse the set starting at blocks[0] (a session's block 16), at most
 * nblocks blocks.  Returns an enum ms_vdset_result.
 */
int ms_vdset_parse(const uint8_t *blocks, int nblocks, struct ms_vdset *set);

/* Which ECMA-167 structure descriptor blk is (CD001 is not one here). */
enum ms_vsd_kind ms_vsd_kind(const uint8_t *blk);

/*
 * 1 if blk is a BEA01, NSR02, NSR03 or TEA01 descriptor whose data bytes
 * are all zero, as the standard has them: such a block is no file data.
 */
int ms_vsd_is_plain(const uint8_t *blk);

/*
 * The UDF NSR revision (2 or 3) if the nblocks blocks (those right after
 * an ISO 9660 terminator, or block 16 of a medium) hold a volume
 * recognition sequence: BEA01, then NSR02 or NSR03 before any TEA01, with
 * only ISO 9660 or BOOT2 descriptors between.  0 otherwise.
 */
int ms_vrs_udf(const uint8_t *blocks, int nblocks);

/*
 * UDF's anchor volume descriptor pointer (ECMA-167 3/10.2), at block 256
 * of a UDF volume: the one structure 7-Zip looks for to call a disc UDF.
 */
#define MS_UDF_ANCHOR_LBA	256
#define MS_UDF_TAG_LEN		16
#define MS_UDF_TAG_CHECKSUM_OFF	4
#define MS_UDF_TAG_LOCATION_OFF	12
#define MS_UDF_TAG_ANCHOR	2

/*
 * 1 if blk is a UDF anchor recorded at block lba: tag identifier 2, a
 * correct tag checksum, and lba as its tag location.
 */
int ms_udf_is_anchor(const uint8_t *blk, uint32_t lba);

/*
 * 1 if the first block of a system area holds an HFS or HFS+ volume
 * header ("BD", "H+" or "HX" 1024 bytes in) or an Apple partition map
 * (a driver descriptor map "ER", then a map entry "PM" 512 bytes in), as
 * HFS hybrids (genisoimage -hfs, -part) have.
 */
#define MS_APM_ENTRY_OFF	512
#define MS_HFS_HEADER_OFF	1024
int ms_sysarea_is_hfs(const uint8_t *blk);

/*
 * 1 if the first block of a system area ends its first 512 bytes with the
 * MBR signature 0x55 0xAA: a partition table (isohybrid images, GPT's
 * protective MBR), maybe with boot code for USB sticks.
 */
#define MS_MBR_SIG_OFF		510
int ms_sysarea_is_mbr(const uint8_t *blk);

/* Why a medium that holds UDF and no ISO 9660 volume is refused. */
#define MS_UDF_ONLY_WHY "it holds a UDF file system and no ISO 9660 " \
	"volume: mstools builds ISO 9660 sessions and cannot import a UDF " \
	"tree (copy its files into a new session on a blank medium " \
	"instead, or keep writing it with UDF tools)"

/* An ECMA-119 8.4.26.1 date (17 bytes) as Unix time; -1 if unset. */
int ms_iso_date_parse(const uint8_t *dt, int64_t *out);

/* Unix time as "YYYY-MM-DDTHH:MM:SSZ" (buf of at least 21 bytes). */
void ms_time_format(int64_t t, char *buf, size_t size);

/*
 * The reverse of ms_time_format.  Returns 0, or -1 if s is not one (a
 * date before 1970 is not).
 */
int ms_time_parse(const char *s, int64_t *out);

/*
 * Look at the first record ("." entry) of a root directory extent: 1 if it
 * carries SUSP with Rock Ridge entries, 0 if not, -1 if the record is bad.
 */
int ms_root_has_rockridge(const uint8_t *extent, size_t size);

/*
 * 1 if the first record of a root directory extent carries a Rock Ridge
 * PX entry with a file serial number (RRIP 1.12, as xorriso writes it:
 * hard links are told by it), else 0.
 */
int ms_root_px_has_ino(const uint8_t *extent, size_t size);

int ms_is_zero(const void *p, size_t n);

#endif
