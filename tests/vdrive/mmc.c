/*
 * MMC commands of the virtual burner.  Field offsets follow the MMC-5 and
 * SPC-3 tables; each reply is built in full and cut to the allocation
 * length, as drives do.
 */
#include <stdio.h>
#include <string.h>

#include "mmc.h"

/* opcodes */
#define OP_TEST_UNIT_READY	0x00
#define OP_REQUEST_SENSE	0x03
#define OP_INQUIRY		0x12
#define OP_START_STOP_UNIT	0x1b
#define OP_PREVENT_ALLOW	0x1e
#define OP_READ_FORMAT_CAPACITIES 0x23
#define OP_READ_CAPACITY	0x25
#define OP_READ_10		0x28
#define OP_WRITE_10		0x2a
#define OP_SYNC_CACHE		0x35
#define OP_READ_TOC		0x43
#define OP_GET_CONFIGURATION	0x46
#define OP_READ_DISC_INFO	0x51
#define OP_READ_TRACK_INFO	0x52
#define OP_RESERVE_TRACK	0x53
#define OP_MODE_SELECT_10	0x55
#define OP_MODE_SENSE_10	0x5a
#define OP_CLOSE_TRACK_SESSION	0x5b
#define OP_READ_BUFFER_CAPACITY	0x5c
#define OP_SEND_CUE_SHEET	0x5d
#define OP_BLANK		0xa1
#define OP_READ_12		0xa8
#define OP_WRITE_12		0xaa
#define OP_SET_STREAMING	0xb6
#define OP_SET_CD_SPEED		0xbb

/* CDB fields */
#define CDB_OFF_FLAGS		1
#define CDB_OFF_LBA		2	/* also READ TRACK INFO's */
#define CDB6_OFF_ALLOC		4	/* REQUEST SENSE */
#define CDB10_OFF_LEN		7	/* transfer/allocation */
#define CDB12_OFF_LEN		6
#define CDB_INQ_OFF_ALLOC	3

/* fixed format sense data */
#define SENSE_FIXED		0x70
#define SENSE_OFF_KEY		2
#define SENSE_OFF_ADDLEN	7
#define SENSE_OFF_ASC		12
#define SENSE_OFF_ASCQ		13

/* INQUIRY */
#define INQ_LEN			36
#define INQ_TYPE_CDROM		0x05
#define INQ_RMB			0x80
#define INQ_VERSION_SPC3	0x05
#define INQ_RESPONSE_FORMAT	0x02
#define INQ_OFF_RMB		1
#define INQ_OFF_VERSION		2
#define INQ_OFF_FORMAT		3
#define INQ_OFF_ADDLEN		4
#define INQ_OFF_VENDOR		8
#define INQ_OFF_PRODUCT		16
#define INQ_OFF_REVISION	32
#define INQ_VENDOR		"MSTOOLS"
#define INQ_PRODUCT		"VIRTUAL BURNER"
#define INQ_REVISION		"1.0"
#define INQ_EVPD		0x01

/* READ CAPACITY */
#define CAP_LEN			8

/* READ FORMAT CAPACITIES */
#define FC_HEADER		4
#define FC_OFF_LIST_LEN		3
#define FC_DESC			8
#define FC_OFF_TYPE		4	/* in a descriptor */
#define FC_OFF_PARAM		5
#define FC_FORMATTED		0x02	/* current descriptor type */
#define FC_TYPE_SHIFT		2	/* formattable: format type << 2 */
#define FC_FULL			0x00	/* BD-RE full format, spare areas */
#define FC_BD_RE_SPARE		0x30
#define FC_DVD_PLUS_RW		0x26
#define DI_BG_FORMAT_DONE	0x03	/* DVD+RW: background format done */

/* READ DISC INFORMATION, standard disc information */
#define DI_LEN			34
#define DI_OFF_STATUS		2
#define DI_ERASABLE		0x10
#define DI_OFF_FIRST_TRACK	3
#define DI_OFF_SESSIONS_LSB	4
#define DI_OFF_FIRST_IN_LAST_LSB 5
#define DI_OFF_LAST_IN_LAST_LSB	6
#define DI_OFF_FLAGS		7
#define DI_URU			0x20
#define DI_OFF_DISC_TYPE	8
#define DI_OFF_SESSIONS_MSB	9
#define DI_OFF_FIRST_IN_LAST_MSB 10
#define DI_OFF_LAST_IN_LAST_MSB	11
#define DI_OFF_LEADIN		16
#define DI_OFF_LEADOUT		20
#define DI_DATA_TYPE_MASK	0x07

/* READ TRACK INFORMATION */
#define TI_LEN			48
#define TI_ADDR_TYPE_MASK	0x03
#define TI_ADDR_LBA		0
#define TI_ADDR_TRACK		1
#define TI_ADDR_SESSION		2
#define TI_OFF_TRACK_LSB	2
#define TI_OFF_SESSION_LSB	3
#define TI_OFF_MODE		5
#define TI_DAMAGE		0x20
#define TI_OFF_FLAGS		6
#define TI_RT			0x80
#define TI_BLANK		0x40
#define TI_PACKET		0x20
#define TI_FP			0x10
#define TI_DATA_MODE_1		0x01
#define TI_DATA_MODE_UNKNOWN	0x0f
#define TI_OFF_VALID		7
#define TI_LRA_V		0x02
#define TI_NWA_V		0x01
#define TI_OFF_START		8
#define TI_OFF_NWA		12
#define TI_OFF_FREE		16
#define TI_OFF_PACKET_SIZE	20
#define TI_OFF_SIZE		24
#define TI_OFF_LRA		28
#define TI_OFF_TRACK_MSB	32
#define TI_OFF_SESSION_MSB	33
#define TI_MODE_CD_DATA		0x04
#define TI_MODE_DVD_DATA	0x05

/* READ TOC/PMA/ATIP */
#define TOC_MSF			0x02
#define TOC_FORMAT_MASK		0x0f
#define TOC_FORMAT_TOC		0
#define TOC_FORMAT_SESSIONS	1
#define TOC_FORMAT_RAW		2
#define TOC_FORMAT_ATIP		4
#define TOC_OFF_START_TRACK	6	/* CDB: first track or session */
#define TOC_HEADER		4
#define TOC_OFF_FIRST		2
#define TOC_OFF_LAST		3
#define TOC_DESC		8
#define TOCD_OFF_ADR_CTL	1
#define TOCD_OFF_TRACK		2
#define TOCD_OFF_ADDR		4
#define TOC_RAW_DESC		11
#define RAWD_OFF_SESSION	0
#define RAWD_OFF_ADR_CTL	1
#define RAWD_OFF_POINT		3
#define RAWD_OFF_PMIN		8
#define RAWD_OFF_PSEC		9
#define TOC_ADR_CTL_DATA	0x14	/* ADR 1 (position), CTL 4 (data) */
#define TOC_LEADOUT		0xaa
#define TOC_POINT_FIRST		0xa0
#define TOC_POINT_LAST		0xa1
#define TOC_POINT_LEADOUT	0xa2
#define TOC_DISC_TYPE_CDROM	0x00
#define ATIP_LEN		28
#define ATIP_OFF_POWER		4
#define ATIP_OFF_FLAGS		6
#define ATIP_ALWAYS_ONE		0x80	/* bit 7 of bytes 4 and 6 */
#define ATIP_CDRW		0x40
#define ATIP_OFF_LEADIN		8
#define ATIP_OFF_LEADOUT	12
#define ATIP_LEADIN_LBA		(-11634)	/* 97:26:66 */

/* GET CONFIGURATION */
#define GC_RT_MASK		0x03
#define GC_RT_ALL		0
#define GC_RT_CURRENT		1
#define GC_RT_ONE		2
#define GC_OFF_START		2	/* CDB: starting feature number */
#define GC_HEADER		8
#define GC_OFF_PROFILE		6
#define GC_CURRENT		0x01
#define GC_PERSISTENT		0x02
#define FEAT_PROFILE_LIST	0x0000
#define FEAT_CORE		0x0001
#define FEAT_MORPHING		0x0002
#define FEAT_REMOVABLE		0x0003
#define FEAT_RANDOM_READ	0x0010
#define FEAT_RANDOM_WRITE	0x0020
#define FEAT_FORMATTABLE	0x0023
#define FEAT_DVD_PLUS_RW	0x002a
#define FEAT_CD_READ		0x001e
#define FEAT_DVD_READ		0x001f
#define FEAT_INCREMENTAL	0x0021
#define FEAT_DVD_PLUS_R		0x002b
#define FEAT_CD_TAO		0x002d
#define FEAT_CD_MASTERING	0x002e
#define FEAT_DVD_MINUS_R_WRITE	0x002f
#define FEAT_BD_READ		0x0040
#define FEAT_BD_WRITE		0x0041
#define FEAT_SERIAL		0x0108
#define PROFILE_CD_ROM		0x0008
#define PROFILE_DVD_ROM		0x0010
#define PROFILE_BD_ROM		0x0040
#define REMOVABLE_TRAY_EJECT_LOCK 0x29
#define DVD_PLUS_R_WRITE	0x01
#define DVD_PLUS_RW_WRITE	0x01
#define RANDOM_WRITE_BLOCKING	0x10	/* DVD: an ECC block of 16 */
#define RANDOM_WRITE_PP		0x01
#define DRIVE_SERIAL		"MSVD0001"
#define PHYS_IF_ATAPI		2
#define LINK_SIZE_CD		7
#define LINK_SIZE_DVD		16
#define FEAT_TEST_WRITE		0x04
#define FEAT_BUF		0x40
#define FEAT_SAO		0x20

/* MODE SENSE / MODE SELECT (10) */
#define MODE_HEADER		8
#define MODE_OFF_BDLEN		6
#define MODE_PAGE_MASK		0x3f
#define MODE_PC_MASK		0xc0
#define MODE_PC_CHANGEABLE	0x40
#define PAGE_ERROR_RECOVERY	0x01
#define PAGE_WRITE_PARAMS	0x05
#define PAGE_CAPABILITIES	0x2a
#define PAGE_ALL		0x3f
#define PAGE1_LEN		12
#define PAGE1_OFF_RETRIES	3
#define PAGE5_OFF_WRITE_TYPE	2
#define PAGE5_TEST_WRITE	0x10
#define PAGE5_BUFE		0x40
#define PAGE5_WRITE_TYPE_MASK	0x0f
#define PAGE5_OFF_MULTI		3
#define PAGE5_MULTI_SHIFT	6
#define PAGE5_OFF_BLOCK_TYPE	4
#define PAGE5_OFF_LINK_SIZE	5
#define PAGE5_OFF_PAUSE		14
#define PAGE5_OFF_PACKET_SIZE	10
#define WT_INCREMENTAL		0
#define WT_TAO			1
#define WT_SAO			2
#define BLOCK_TYPE_MODE1	8
#define PAGE2A_LEN		36
#define PAGE2A_OFF_READ		2
#define PAGE2A_OFF_WRITE	3
#define PAGE2A_OFF_FEATURES	4
#define PAGE2A_OFF_MECHANISM	6
#define PAGE2A_OFF_MAX_READ	8
#define PAGE2A_OFF_BUFFER	12
#define PAGE2A_OFF_CUR_READ	14
#define PAGE2A_OFF_MAX_WRITE	18
#define PAGE2A_OFF_CUR_WRITE	20
#define PAGE2A_OFF_CUR_WRITE3	28
#define PAGE2A_OFF_NDESC	30
#define PAGE2A_OFF_DESC		32
#define CAP_CDR			0x01
#define CAP_CDRW		0x02
#define CAP_TEST_WRITE		0x04
#define CAP_DVDROM		0x08
#define CAP_DVDR		0x10
#define CAP_BUF			0x80
#define CAP_MULTISESSION	0x40
#define CAP_TRAY_LOCK_EJECT	0x29
#define BUFFER_KIB		4096

/* RESERVE TRACK */
#define RESERVE_RMZ_ARSV	0x03
#define RESERVE_OFF_SIZE	5

/* READ BUFFER CAPACITY */
#define RBC_LEN			12
#define RBC_BLOCK		0x01
#define RBC_OFF_LENGTH		4
#define RBC_OFF_AVAILABLE	8

/* CLOSE TRACK/SESSION */
#define CLOSE_OFF_FUNC		2
#define CLOSE_OFF_TRACK		4
#define CLOSE_FUNC_MASK		0x07
#define CLOSE_TRACK		1
#define CLOSE_SESSION		2
#define CLOSE_FINALIZE_MIN	5	/* DVD+R: finalize, minimal radius */
#define CLOSE_FINALIZE		6	/* BD-R, DVD+R: finalize */

/* SEND CUE SHEET */
#define CUE_OFF_LEN		6	/* CDB: 3-byte cue sheet size */
#define CUE_ENTRY		8
#define CUE_OFF_CTL_ADR		0
#define CUE_OFF_TNO		1
#define CUE_OFF_INDEX		2
#define CUE_OFF_FORM		3
#define CUE_OFF_MIN		5
#define CUE_ADR_MASK		0x0f
#define CUE_ADR_POSITION	1
#define CUE_FORM_DATA		0x10
#define CUE_FORM_DATA_PAUSE	0x14
#define CUE_FORM_MASK		0x3f

/* BLANK */
#define BLANK_TYPE_MASK		0x07
#define BLANK_FULL		0
#define BLANK_MINIMAL		1

/* speeds in kB/s (1x: CD 176, DVD 1385, BD 4495) */
#define SPEED_CD_READ		7056
#define SPEED_CD_WRITE		2822
#define SPEED_DVD_READ		22160
#define SPEED_DVD_WRITE		11080
#define SPEED_BD_READ		35960
#define SPEED_BD_WRITE		17980

#define FRAMES_PER_SEC		75
#define SECS_PER_MIN		60
#define MSF_LEADIN_BIAS		450150

#define REPLY_MAX		2048

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get24(const unsigned char *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

void msvd_sense_fixed(uint32_t sense, unsigned char buf[MSVD_SENSE_LEN])
{
	memset(buf, 0, MSVD_SENSE_LEN);
	buf[0] = SENSE_FIXED;
	buf[SENSE_OFF_KEY] = (unsigned char)MSVD_SENSE_KEY(sense);
	buf[SENSE_OFF_ADDLEN] = MSVD_SENSE_LEN - SENSE_OFF_ADDLEN - 1;
	buf[SENSE_OFF_ASC] = (unsigned char)MSVD_SENSE_ASC(sense);
	buf[SENSE_OFF_ASCQ] = (unsigned char)MSVD_SENSE_ASCQ(sense);
}

/* Write an LBA as MSF into m, s, f (the byte before them stays 0). */
static void put_msf(unsigned char *p, int32_t lba)
{
	int32_t x = lba >= -150 ? lba + 150 : lba + MSF_LEADIN_BIAS;

	p[0] = (unsigned char)(x / (SECS_PER_MIN * FRAMES_PER_SEC));
	p[1] = (unsigned char)(x / FRAMES_PER_SEC % SECS_PER_MIN);
	p[2] = (unsigned char)(x % FRAMES_PER_SEC);
}

static int32_t msf_to_lba(const unsigned char *p)
{
	int32_t x = (p[0] * SECS_PER_MIN + p[1]) * FRAMES_PER_SEC + p[2];

	return p[0] >= 90 ? x - MSF_LEADIN_BIAS : x - 150;
}

static void put_addr(unsigned char *p, uint32_t lba, int msf)
{
	if (msf) {
		p[0] = 0;
		put_msf(p + 1, (int32_t)lba);
	} else {
		put32(p, lba);
	}
}

/* Copy a reply into the data buffer, cut to what the caller allows. */
static uint32_t reply(struct msvd_cmd *c, const void *buf, uint32_t len,
		      uint32_t alloc)
{
	if (len > alloc)
		len = alloc;
	if (len > c->data_len)
		len = c->data_len;
	if (c->dir != MSVD_DIR_FROM_DRIVE)
		len = 0;
	if (len)
		memcpy(c->data, buf, len);
	c->transferred = len;
	return 0;
}

static int is_cd(const struct msvd_drive *dr)
{
	return dr->disc && msvd_profile_is_cd(dr->disc->profile);
}

static int is_bd(const struct msvd_drive *dr)
{
	return dr->disc && (dr->disc->profile == MSVD_PROFILE_BD_R ||
			    dr->disc->profile == MSVD_PROFILE_BD_RE);
}

/* DVD+RW, BD-RE: formatted, random access, no tracks to open or close */
static int is_overwriteable(const struct msvd_drive *dr)
{
	return dr->disc && msvd_profile_is_overwriteable(dr->disc->profile);
}

static int is_dvd_minus_r(const struct msvd_drive *dr)
{
	return dr->disc && dr->disc->profile == MSVD_PROFILE_DVD_MINUS_R;
}

static int write_type(const struct msvd_drive *dr)
{
	return dr->page5[MODE_HEADER + PAGE5_OFF_WRITE_TYPE] &
	       PAGE5_WRITE_TYPE_MASK;
}

static int test_write(const struct msvd_drive *dr)
{
	return !!(dr->page5[MODE_HEADER + PAGE5_OFF_WRITE_TYPE] &
		  PAGE5_TEST_WRITE);
}

/* Multi-session field 00b: closing the session closes the disc. */
static int page5_finalizes(const struct msvd_drive *dr)
{
	return (dr->page5[MODE_HEADER + PAGE5_OFF_MULTI] >>
		PAGE5_MULTI_SHIFT) == 0;
}

void msvd_drive_init(struct msvd_drive *dr, struct msvd_disc *disc)
{
	unsigned char *p = dr->page5 + MODE_HEADER;

	memset(dr, 0, sizeof(*dr));
	dr->disc = disc;
	dr->sim_nwa = -1;
	p[0] = PAGE_WRITE_PARAMS;
	p[1] = MSVD_PAGE5_LEN - MODE_HEADER - 2;
	if (disc && msvd_profile_is_cd(disc->profile)) {
		p[PAGE5_OFF_WRITE_TYPE] = PAGE5_BUFE | WT_TAO;
		p[PAGE5_OFF_BLOCK_TYPE] = BLOCK_TYPE_MODE1;
		p[PAGE5_OFF_PAUSE + 1] = MSVD_CD_PREGAP;
	} else {
		p[PAGE5_OFF_WRITE_TYPE] = PAGE5_BUFE | WT_INCREMENTAL;
		p[PAGE5_OFF_BLOCK_TYPE] = BLOCK_TYPE_MODE1;
		p[PAGE5_OFF_LINK_SIZE] = LINK_SIZE_DVD;
	}
}

static uint32_t cmd_test_unit_ready(struct msvd_drive *dr,
				    struct msvd_cmd *c)
{
	(void)c;
	return dr->disc ? 0 : MSVD_E_NOT_READY_NO_MEDIUM;
}

static uint32_t cmd_request_sense(struct msvd_drive *dr, struct msvd_cmd *c)
{
	unsigned char s[MSVD_SENSE_LEN];

	msvd_sense_fixed(dr->last_sense, s);
	dr->last_sense = 0;
	return reply(c, s, sizeof(s), c->cdb[CDB6_OFF_ALLOC]);
}

static uint32_t cmd_inquiry(struct msvd_drive *dr, struct msvd_cmd *c)
{
	unsigned char r[INQ_LEN];

	(void)dr;
	if (c->cdb[CDB_OFF_FLAGS] & INQ_EVPD)
		return MSVD_E_INVALID_FIELD_CDB;
	memset(r, ' ', sizeof(r));
	r[0] = INQ_TYPE_CDROM;
	r[INQ_OFF_RMB] = INQ_RMB;
	r[INQ_OFF_VERSION] = INQ_VERSION_SPC3;
	r[INQ_OFF_FORMAT] = INQ_RESPONSE_FORMAT;
	r[INQ_OFF_ADDLEN] = INQ_LEN - INQ_OFF_ADDLEN - 1;
	memset(r + INQ_OFF_ADDLEN + 1, 0, INQ_OFF_VENDOR - INQ_OFF_ADDLEN - 1);
	memcpy(r + INQ_OFF_VENDOR, INQ_VENDOR, strlen(INQ_VENDOR));
	memcpy(r + INQ_OFF_PRODUCT, INQ_PRODUCT, strlen(INQ_PRODUCT));
	memcpy(r + INQ_OFF_REVISION, INQ_REVISION, strlen(INQ_REVISION));
	return reply(c, r, sizeof(r), get16(c->cdb + CDB_INQ_OFF_ALLOC));
}

static uint32_t cmd_ok(struct msvd_drive *dr, struct msvd_cmd *c)
{
	(void)dr;
	(void)c;
	return 0;
}

static uint32_t cmd_read_capacity(struct msvd_drive *dr, struct msvd_cmd *c)
{
	unsigned char r[CAP_LEN];
	uint32_t end = msvd_recorded_end(dr->disc);

	put32(r, end ? end - 1 : 0);
	put32(r + 4, MSVD_BLOCK);
	return reply(c, r, sizeof(r), sizeof(r));
}

/*
 * The capacity list of a formatted overwriteable medium: the current
 * format, then what it could be formatted to.  Other media have no
 * formats in this model.
 */
static uint32_t cmd_read_format_capacities(struct msvd_drive *dr,
					   struct msvd_cmd *c)
{
	unsigned char r[FC_HEADER + 3 * FC_DESC], *p = r + FC_HEADER;
	uint32_t cap = dr->disc->capacity;

	if (!is_overwriteable(dr))
		return MSVD_E_INVALID_OPCODE;
	memset(r, 0, sizeof(r));
	put32(p, cap);
	put32(p + FC_OFF_TYPE, (uint32_t)FC_FORMATTED << 24 | MSVD_BLOCK);
	p += FC_DESC;
	if (dr->disc->profile == MSVD_PROFILE_DVD_PLUS_RW) {
		put32(p, cap);
		p[FC_OFF_TYPE] = FC_DVD_PLUS_RW << FC_TYPE_SHIFT;
		p += FC_DESC;
	} else {
		put32(p, cap);
		p[FC_OFF_TYPE] = FC_FULL << FC_TYPE_SHIFT;
		p += FC_DESC;
		put32(p, cap);
		p[FC_OFF_TYPE] = FC_BD_RE_SPARE << FC_TYPE_SHIFT;
		p += FC_DESC;
	}
	r[FC_OFF_LIST_LEN] = (unsigned char)(p - r - FC_HEADER);
	return reply(c, r, (uint32_t)(p - r), get16(c->cdb + CDB10_OFF_LEN));
}

static uint32_t cmd_read(struct msvd_drive *dr, struct msvd_cmd *c)
{
	uint32_t lba = get32(c->cdb + CDB_OFF_LBA), count, sense;

	if (c->cdb[0] == OP_READ_12)
		count = get32(c->cdb + CDB12_OFF_LEN);
	else
		count = get16(c->cdb + CDB10_OFF_LEN);
	if (count == 0)
		return 0;
	if (c->dir != MSVD_DIR_FROM_DRIVE ||
	    c->data_len / MSVD_BLOCK < count)
		return MSVD_E_INVALID_FIELD_CDB;
	if ((uint64_t)lba + count > dr->disc->capacity)
		return MSVD_E_LBA_OUT_OF_RANGE;
	sense = msvd_read(dr->disc, lba, count, c->data);
	if (!sense)
		c->transferred = count * MSVD_BLOCK;
	return sense;
}

/* Blocks of a SAO session: negative addresses hold the pregap. */
static uint32_t write_cue(struct msvd_drive *dr, int32_t lba, uint32_t count,
			  const unsigned char *data)
{
	struct msvd_cue *q = &dr->cue;
	uint32_t skip = 0, sense;

	if (lba != q->nwa)
		return MSVD_E_INVALID_WRITE_ADDRESS;
	if ((int64_t)lba + count > (int64_t)q->leadout)
		return MSVD_E_LBA_OUT_OF_RANGE;
	if (lba < 0)
		skip = (uint32_t)-lba < count ? (uint32_t)-lba : count;
	if (count > skip && !test_write(dr)) {
		sense = msvd_store(dr->disc, (uint32_t)(lba + (int32_t)skip),
				   count - skip, data + skip * MSVD_BLOCK);
		if (sense)
			return sense;
	}
	q->nwa += (int32_t)count;
	return 0;
}

/* A test write: addresses are checked, nothing is recorded. */
static uint32_t write_simulated(struct msvd_drive *dr, uint32_t lba,
				uint32_t count)
{
	uint32_t nwa, free_blocks;

	if (dr->disc->closed)
		return MSVD_E_INVALID_WRITE_ADDRESS;
	msvd_nwa(dr->disc, &nwa, &free_blocks);
	if (dr->sim_nwa < 0)
		dr->sim_nwa = nwa;
	if (lba != dr->sim_nwa)
		return MSVD_E_INVALID_WRITE_ADDRESS;
	if ((uint64_t)lba + count > (uint64_t)nwa + free_blocks)
		return MSVD_E_LBA_OUT_OF_RANGE;
	dr->sim_nwa += count;
	return 0;
}

static uint32_t cmd_write(struct msvd_drive *dr, struct msvd_cmd *c)
{
	uint32_t lba = get32(c->cdb + CDB_OFF_LBA), count;

	if (c->cdb[0] == OP_WRITE_12)
		count = get32(c->cdb + CDB12_OFF_LEN);
	else
		count = get16(c->cdb + CDB10_OFF_LEN);
	if (count == 0)
		return 0;
	if (c->dir != MSVD_DIR_TO_DRIVE ||
	    c->data_len != (uint64_t)count * MSVD_BLOCK)
		return MSVD_E_INVALID_FIELD_CDB;
	if (dr->cue.active)
		return write_cue(dr, (int32_t)lba, count, c->data);
	if (test_write(dr) && !is_overwriteable(dr))
		return write_simulated(dr, lba, count);
	return msvd_write(dr->disc, lba, count, c->data);
}

static uint32_t cmd_sync_cache(struct msvd_drive *dr, struct msvd_cmd *c)
{
	struct msvd_disc *d = dr->disc;
	struct msvd_cue *q = &dr->cue;
	struct msvd_track *t;
	uint32_t sense = 0;

	(void)c;
	if (q->active) {
		if (q->nwa < (int32_t)q->leadout)
			return 0;
		if (!test_write(dr))
			sense = msvd_record_session(d, q->starts, q->ntracks,
						    q->leadout,
						    page5_finalizes(dr));
		memset(q, 0, sizeof(*q));
		return sense;
	}
	if (dr->sim_nwa >= 0) {
		dr->sim_nwa = -1;
		return 0;
	}
	t = msvd_open_track(d);
	if (!t || t->written == 0 || (t->flags & MSVD_TRACK_DAMAGED))
		return 0;
	if (msvd_profile_is_cd(d->profile))
		return msvd_close_track(d, 0);
	if (is_dvd_minus_r(dr) && write_type(dr) == WT_SAO &&
	    (t->flags & MSVD_TRACK_RESERVED) && t->written == t->size)
		return msvd_close_session(d, 1);
	return 0;
}

/* The reply of READ TOC format 0 and 1 (formatted TOC, session info). */
static uint32_t toc_formatted(struct msvd_drive *dr, struct msvd_cmd *c,
			      int format, int msf)
{
	const struct msvd_disc *d = dr->disc;
	unsigned char r[REPLY_MAX], *p, *end = r + sizeof(r) - TOC_DESC;
	int i, first, last, start_track = c->cdb[TOC_OFF_START_TRACK];

	if (d->sessions == 0)
		return MSVD_E_INVALID_FIELD_CDB;
	memset(r, 0, sizeof(r));
	p = r + TOC_HEADER;
	if (format == TOC_FORMAT_SESSIONS) {
		msvd_session_tracks(d, d->sessions, &first, &last);
		r[TOC_OFF_FIRST] = 1;
		r[TOC_OFF_LAST] = (unsigned char)d->sessions;
		p[TOCD_OFF_ADR_CTL] = TOC_ADR_CTL_DATA;
		p[TOCD_OFF_TRACK] = (unsigned char)first;
		put_addr(p + TOCD_OFF_ADDR, d->tracks[first - 1].start, msf);
		put16(r, TOC_HEADER + TOC_DESC - 2);
		return reply(c, r, TOC_HEADER + TOC_DESC,
			     get16(c->cdb + CDB10_OFF_LEN));
	}
	msvd_session_tracks(d, d->sessions, &first, &last);
	r[TOC_OFF_FIRST] = 1;
	r[TOC_OFF_LAST] = (unsigned char)last;
	for (i = 0; i < last && p < end; i++) {
		if (i + 1 < start_track || start_track == TOC_LEADOUT)
			continue;
		p[TOCD_OFF_ADR_CTL] = TOC_ADR_CTL_DATA;
		p[TOCD_OFF_TRACK] = (unsigned char)(i + 1);
		put_addr(p + TOCD_OFF_ADDR, d->tracks[i].start, msf);
		p += TOC_DESC;
	}
	if (start_track > last && start_track != TOC_LEADOUT)
		return MSVD_E_INVALID_FIELD_CDB;
	p[TOCD_OFF_ADR_CTL] = TOC_ADR_CTL_DATA;
	p[TOCD_OFF_TRACK] = TOC_LEADOUT;
	put_addr(p + TOCD_OFF_ADDR, msvd_track_end(&d->tracks[last - 1]),
		 msf);
	p += TOC_DESC;
	put16(r, (uint32_t)(p - r) - 2);
	return reply(c, r, (uint32_t)(p - r), get16(c->cdb + CDB10_OFF_LEN));
}

/* A raw TOC entry whose P fields hold an address... */
static unsigned char *raw_entry(unsigned char *p, int session, int point,
				int32_t lba)
{
	memset(p, 0, TOC_RAW_DESC);
	p[RAWD_OFF_SESSION] = (unsigned char)session;
	p[RAWD_OFF_ADR_CTL] = TOC_ADR_CTL_DATA;
	p[RAWD_OFF_POINT] = (unsigned char)point;
	put_msf(p + RAWD_OFF_PMIN, lba);
	return p + TOC_RAW_DESC;
}

/* ...or two numbers (first/last track, disc type). */
static unsigned char *raw_entry_numbers(unsigned char *p, int session,
					int point, int pmin, int psec)
{
	memset(p, 0, TOC_RAW_DESC);
	p[RAWD_OFF_SESSION] = (unsigned char)session;
	p[RAWD_OFF_ADR_CTL] = TOC_ADR_CTL_DATA;
	p[RAWD_OFF_POINT] = (unsigned char)point;
	p[RAWD_OFF_PMIN] = (unsigned char)pmin;
	p[RAWD_OFF_PSEC] = (unsigned char)psec;
	return p + TOC_RAW_DESC;
}

/* READ TOC format 2: the raw TOC of the complete sessions (CD only). */
static uint32_t toc_raw(struct msvd_drive *dr, struct msvd_cmd *c)
{
	const struct msvd_disc *d = dr->disc;
	unsigned char r[REPLY_MAX], *p = r + TOC_HEADER, *end;
	int s, i, first, last;

	if (!is_cd(dr) || msvd_disc_status(d) == MSVD_BLANK)
		return MSVD_E_INVALID_FIELD_CDB;
	/* only a session in progress: an empty TOC, it is still in the PMA */
	end = r + sizeof(r) - TOC_RAW_DESC;
	memset(r, 0, TOC_HEADER);
	r[TOC_OFF_FIRST] = d->sessions ? 1 : 0;
	r[TOC_OFF_LAST] = (unsigned char)d->sessions;
	for (s = 1; s <= d->sessions; s++) {
		msvd_session_tracks(d, s, &first, &last);
		if (p + 3 * TOC_RAW_DESC > end)
			break;
		p = raw_entry_numbers(p, s, TOC_POINT_FIRST, first,
				      TOC_DISC_TYPE_CDROM);
		p = raw_entry_numbers(p, s, TOC_POINT_LAST, last, 0);
		p = raw_entry(p, s, TOC_POINT_LEADOUT,
			      (int32_t)msvd_track_end(&d->tracks[last - 1]));
		for (i = first; i <= last && p <= end; i++)
			p = raw_entry(p, s, i,
				      (int32_t)d->tracks[i - 1].start);
	}
	put16(r, (uint32_t)(p - r) - 2);
	return reply(c, r, (uint32_t)(p - r), get16(c->cdb + CDB10_OFF_LEN));
}

static uint32_t toc_atip(struct msvd_drive *dr, struct msvd_cmd *c)
{
	unsigned char r[ATIP_LEN];

	if (!is_cd(dr))
		return MSVD_E_INVALID_FIELD_CDB;
	memset(r, 0, sizeof(r));
	put16(r, ATIP_LEN - 2);
	r[ATIP_OFF_POWER] = ATIP_ALWAYS_ONE;
	r[ATIP_OFF_FLAGS] = ATIP_ALWAYS_ONE;
	if (dr->disc->profile == MSVD_PROFILE_CD_RW)
		r[ATIP_OFF_FLAGS] |= ATIP_CDRW;
	put_msf(r + ATIP_OFF_LEADIN, ATIP_LEADIN_LBA);
	put_msf(r + ATIP_OFF_LEADOUT, (int32_t)dr->disc->capacity);
	return reply(c, r, sizeof(r), get16(c->cdb + CDB10_OFF_LEN));
}

static uint32_t cmd_read_toc(struct msvd_drive *dr, struct msvd_cmd *c)
{
	int format = c->cdb[2] & TOC_FORMAT_MASK;
	int msf = !!(c->cdb[CDB_OFF_FLAGS] & TOC_MSF);

	switch (format) {
	case TOC_FORMAT_TOC:
	case TOC_FORMAT_SESSIONS:
		return toc_formatted(dr, c, format, msf);
	case TOC_FORMAT_RAW:
		return toc_raw(dr, c);
	case TOC_FORMAT_ATIP:
		return toc_atip(dr, c);
	default:
		return MSVD_E_INVALID_FIELD_CDB;
	}
}

struct feature_list {
	unsigned char buf[REPLY_MAX];
	uint32_t len;
	unsigned start;		/* report features from this number on */
	int rt;
};

/* Append one feature descriptor (additional data in 'data'). */
static void add_feature(struct feature_list *f, unsigned code, int current,
			const unsigned char *data, unsigned len)
{
	unsigned char *p = f->buf + f->len;

	if (code < f->start)
		return;
	if (f->rt == GC_RT_CURRENT && !current)
		return;
	if (f->rt == GC_RT_ONE && code != f->start)
		return;
	if (f->len + 4 + len > sizeof(f->buf))
		return;
	put16(p, code);
	p[2] = (unsigned char)(GC_PERSISTENT * (code == FEAT_PROFILE_LIST ||
						code == FEAT_CORE) |
			       (current ? GC_CURRENT : 0));
	p[3] = (unsigned char)len;
	if (len)
		memcpy(p + 4, data, len);
	f->len += 4 + len;
}

static const int drive_profiles[] = {
	MSVD_PROFILE_BD_RE, MSVD_PROFILE_BD_R, PROFILE_BD_ROM,
	MSVD_PROFILE_DVD_PLUS_R_DL, MSVD_PROFILE_DVD_PLUS_R,
	MSVD_PROFILE_DVD_PLUS_RW, MSVD_PROFILE_DVD_MINUS_R_DL,
	MSVD_PROFILE_DVD_MINUS_R, PROFILE_DVD_ROM, MSVD_PROFILE_CD_RW,
	MSVD_PROFILE_CD_R, PROFILE_CD_ROM,
};

#define NDRIVE_PROFILES	\
	(sizeof(drive_profiles) / sizeof(drive_profiles[0]))

static uint32_t cmd_get_configuration(struct msvd_drive *dr,
				      struct msvd_cmd *c)
{
	struct feature_list f;
	unsigned char data[4 * NDRIVE_PROFILES], *p;
	int cur = dr->disc ? dr->disc->profile : 0;
	int cd = is_cd(dr), bd = is_bd(dr), dvd = dr->disc && !cd && !bd;
	size_t i;

	memset(&f, 0, sizeof(f));
	f.len = GC_HEADER;
	f.start = get16(c->cdb + GC_OFF_START);
	f.rt = c->cdb[CDB_OFF_FLAGS] & GC_RT_MASK;
	put16(f.buf + GC_OFF_PROFILE, (uint32_t)cur);

	memset(data, 0, sizeof(data));
	for (i = 0, p = data; i < NDRIVE_PROFILES; i++, p += 4) {
		put16(p, (uint32_t)drive_profiles[i]);
		p[2] = drive_profiles[i] == cur ? GC_CURRENT : 0;
	}
	add_feature(&f, FEAT_PROFILE_LIST, 1, data, sizeof(data));

	memset(data, 0, 8);
	put32(data, PHYS_IF_ATAPI);
	add_feature(&f, FEAT_CORE, 1, data, 8);
	memset(data, 0, 4);
	add_feature(&f, FEAT_MORPHING, 1, data, 4);
	data[0] = REMOVABLE_TRAY_EJECT_LOCK;
	add_feature(&f, FEAT_REMOVABLE, 1, data, 4);
	memset(data, 0, 8);
	put32(data, MSVD_BLOCK);
	put16(data + 4, cd ? 1 : bd ? MSVD_BD_CLUSTER_BLOCKS :
			    MSVD_DVD_ECC_BLOCKS);
	add_feature(&f, FEAT_RANDOM_READ, dr->disc != NULL, data, 8);
	memset(data, 0, 4);
	add_feature(&f, FEAT_CD_READ, cd, data, 4);
	add_feature(&f, FEAT_DVD_READ, dvd, data, 4);

	/* Random Writable: last LBA, block size, blocking, PP */
	memset(data, 0, 12);
	put32(data, dr->disc ? dr->disc->capacity - 1 : 0);
	put32(data + 4, MSVD_BLOCK);
	put16(data + 8, bd ? MSVD_BD_CLUSTER_BLOCKS : RANDOM_WRITE_BLOCKING);
	data[10] = RANDOM_WRITE_PP;
	add_feature(&f, FEAT_RANDOM_WRITE, is_overwriteable(dr), data, 12);
	/* Incremental Streaming Writable: data blocks 2048, link sizes */
	memset(data, 0, 8);
	put16(data, 1u << BLOCK_TYPE_MODE1);
	data[3] = 1;
	data[4] = cd ? LINK_SIZE_CD : LINK_SIZE_DVD;
	add_feature(&f, FEAT_INCREMENTAL, cd || is_dvd_minus_r(dr), data, 8);
	memset(data, 0, 8);
	add_feature(&f, FEAT_FORMATTABLE, is_overwriteable(dr), data, 4);

	memset(data, 0, 8);
	data[0] = DVD_PLUS_RW_WRITE;
	add_feature(&f, FEAT_DVD_PLUS_RW, dr->disc &&
		    dr->disc->profile == MSVD_PROFILE_DVD_PLUS_RW, data, 4);
	memset(data, 0, 8);
	data[0] = DVD_PLUS_R_WRITE;
	add_feature(&f, FEAT_DVD_PLUS_R,
		    dr->disc && (dr->disc->profile == MSVD_PROFILE_DVD_PLUS_R ||
				 dr->disc->profile == MSVD_PROFILE_DVD_PLUS_R_DL),
		    data, 4);
	memset(data, 0, 8);
	data[0] = FEAT_BUF | FEAT_TEST_WRITE;
	add_feature(&f, FEAT_CD_TAO, cd, data, 4);
	data[0] = FEAT_BUF | FEAT_SAO | FEAT_TEST_WRITE;
	add_feature(&f, FEAT_CD_MASTERING, cd, data, 4);
	data[0] = FEAT_BUF | FEAT_TEST_WRITE;
	add_feature(&f, FEAT_DVD_MINUS_R_WRITE, is_dvd_minus_r(dr), data, 4);
	memset(data, 0, 8);
	add_feature(&f, FEAT_BD_READ, bd, data, 4);
	add_feature(&f, FEAT_BD_WRITE, bd, data, 4);
	memcpy(data, DRIVE_SERIAL, strlen(DRIVE_SERIAL));
	add_feature(&f, FEAT_SERIAL, 1, data, strlen(DRIVE_SERIAL));

	put32(f.buf, f.len - 4);
	return reply(c, f.buf, f.len, get16(c->cdb + CDB10_OFF_LEN));
}

static uint32_t cmd_read_disc_info(struct msvd_drive *dr, struct msvd_cmd *c)
{
	const struct msvd_disc *d = dr->disc;
	unsigned char r[DI_LEN];
	int sessions = msvd_session_count(d), first, last;
	int leadin = ATIP_LEADIN_LBA;

	if (c->cdb[CDB_OFF_FLAGS] & DI_DATA_TYPE_MASK)
		return MSVD_E_INVALID_FIELD_CDB;
	memset(r, 0, sizeof(r));
	put16(r, DI_LEN - 2);
	if (is_overwriteable(dr)) {
		/* formatted: one complete session of one track */
		r[DI_OFF_STATUS] = (unsigned char)(MSVD_SESSION_COMPLETE << 2 |
						   MSVD_CLOSED) | DI_ERASABLE;
		r[DI_OFF_FIRST_TRACK] = 1;
		r[DI_OFF_SESSIONS_LSB] = 1;
		r[DI_OFF_FIRST_IN_LAST_LSB] = 1;
		r[DI_OFF_LAST_IN_LAST_LSB] = 1;
		r[DI_OFF_FLAGS] = DI_URU;
		if (d->profile == MSVD_PROFILE_DVD_PLUS_RW)
			r[DI_OFF_FLAGS] |= DI_BG_FORMAT_DONE;
		put32(r + DI_OFF_LEADOUT, d->capacity);
		return reply(c, r, sizeof(r), get16(c->cdb + CDB10_OFF_LEN));
	}
	r[DI_OFF_STATUS] = (unsigned char)(msvd_last_session_state(d) << 2 |
					   msvd_disc_status(d));
	if (d->profile == MSVD_PROFILE_CD_RW)
		r[DI_OFF_STATUS] |= DI_ERASABLE;
	r[DI_OFF_FIRST_TRACK] = 1;
	if (d->closed) {
		msvd_session_tracks(d, d->sessions, &first, &last);
	} else {
		if (msvd_session_tracks(d, d->sessions + 1, &first,
					&last) < 0)
			first = msvd_invisible_track(d);
		last = msvd_invisible_track(d);
	}
	r[DI_OFF_SESSIONS_LSB] = (unsigned char)sessions;
	r[DI_OFF_SESSIONS_MSB] = (unsigned char)(sessions >> 8);
	r[DI_OFF_FIRST_IN_LAST_LSB] = (unsigned char)first;
	r[DI_OFF_FIRST_IN_LAST_MSB] = (unsigned char)(first >> 8);
	r[DI_OFF_LAST_IN_LAST_LSB] = (unsigned char)last;
	r[DI_OFF_LAST_IN_LAST_MSB] = (unsigned char)(last >> 8);
	r[DI_OFF_FLAGS] = DI_URU;
	r[DI_OFF_DISC_TYPE] = 0;
	if (msvd_profile_is_cd(d->profile)) {
		if (d->sessions > 0 && !d->closed)
			leadin = (int32_t)d->next - MSVD_CD_PREGAP -
				 MSVD_CD_LEADIN;
		if (d->closed)
			memset(r + DI_OFF_LEADIN, 0xff, 8);
		else {
			put_msf(r + DI_OFF_LEADIN + 1, leadin);
			put_msf(r + DI_OFF_LEADOUT + 1,
				(int32_t)d->capacity);
		}
	} else {
		put32(r + DI_OFF_LEADIN, d->closed ? 0 : d->next);
		put32(r + DI_OFF_LEADOUT, d->capacity);
	}
	return reply(c, r, sizeof(r), get16(c->cdb + CDB10_OFF_LEN));
}

/* Fill a track information block for track 'number' (1-based). */
static void track_info(const struct msvd_drive *dr, int number,
		       unsigned char *r)
{
	const struct msvd_disc *d = dr->disc;
	const struct msvd_track *t = NULL;
	uint32_t nwa = 0, free_blocks = 0, start, size;
	int session, writable = 0, cd = msvd_profile_is_cd(d->profile);

	memset(r, 0, TI_LEN);
	put16(r, TI_LEN - 2);
	if (number <= d->ntracks)
		t = &d->tracks[number - 1];
	if (t && !(t->flags & MSVD_TRACK_CLOSED) && !d->closed) {
		writable = msvd_nwa(d, &nwa, &free_blocks);
		session = t->session;
		start = t->start;
		size = t->flags & MSVD_TRACK_RESERVED ? t->size :
		       t->written + free_blocks;
	} else if (t) {
		session = t->session;
		start = t->start;
		size = t->size;
	} else {
		writable = msvd_nwa(d, &nwa, &free_blocks);
		/* a reserved track comes first */
		if (msvd_open_track(d))
			writable = 0;
		if (!writable) {
			nwa = d->next;
			free_blocks = 0;
		}
		session = d->sessions + 1;
		start = nwa;
		size = free_blocks;
		r[TI_OFF_FLAGS] |= TI_BLANK;
	}
	r[TI_OFF_TRACK_LSB] = (unsigned char)number;
	r[TI_OFF_TRACK_MSB] = (unsigned char)(number >> 8);
	r[TI_OFF_SESSION_LSB] = (unsigned char)session;
	r[TI_OFF_SESSION_MSB] = (unsigned char)(session >> 8);
	r[TI_OFF_MODE] = cd ? TI_MODE_CD_DATA : TI_MODE_DVD_DATA;
	if (t && (t->flags & MSVD_TRACK_DAMAGED))
		r[TI_OFF_MODE] |= TI_DAMAGE;
	if (t && (t->flags & MSVD_TRACK_RESERVED))
		r[TI_OFF_FLAGS] |= TI_RT;
	if (!cd) {
		r[TI_OFF_FLAGS] |= TI_PACKET | TI_FP;
		put32(r + TI_OFF_PACKET_SIZE, MSVD_DVD_ECC_BLOCKS);
	}
	if (t && t->written)
		r[TI_OFF_FLAGS] |= TI_DATA_MODE_1;
	else
		r[TI_OFF_FLAGS] |= TI_DATA_MODE_UNKNOWN;
	if (writable)
		r[TI_OFF_VALID] |= TI_NWA_V;
	if (t && t->written) {
		r[TI_OFF_VALID] |= TI_LRA_V;
		put32(r + TI_OFF_LRA, t->start + t->written - 1);
	}
	put32(r + TI_OFF_START, start);
	put32(r + TI_OFF_NWA, writable ? nwa : 0);
	put32(r + TI_OFF_FREE, writable ? free_blocks : 0);
	put32(r + TI_OFF_SIZE, size);
}

/* The one track of a formatted overwriteable medium: all of it. */
static uint32_t overwriteable_track_info(struct msvd_drive *dr,
					 struct msvd_cmd *c)
{
	const struct msvd_disc *d = dr->disc;
	unsigned char r[TI_LEN];
	uint32_t value = get32(c->cdb + CDB_OFF_LBA);

	switch (c->cdb[CDB_OFF_FLAGS] & TI_ADDR_TYPE_MASK) {
	case TI_ADDR_LBA:
		if (value >= d->capacity)
			return MSVD_E_LBA_OUT_OF_RANGE;
		break;
	case TI_ADDR_TRACK:
	case TI_ADDR_SESSION:
		if (value != 1 && value != MSVD_TRACK_INVISIBLE)
			return MSVD_E_INVALID_FIELD_CDB;
		break;
	default:
		return MSVD_E_INVALID_FIELD_CDB;
	}
	memset(r, 0, sizeof(r));
	put16(r, TI_LEN - 2);
	r[TI_OFF_TRACK_LSB] = 1;
	r[TI_OFF_SESSION_LSB] = 1;
	r[TI_OFF_MODE] = TI_MODE_DVD_DATA;
	r[TI_OFF_FLAGS] = TI_PACKET | TI_FP | TI_DATA_MODE_1;
	r[TI_OFF_VALID] = TI_NWA_V;
	put32(r + TI_OFF_PACKET_SIZE, is_bd(dr) ? MSVD_BD_CLUSTER_BLOCKS :
					 MSVD_DVD_ECC_BLOCKS);
	put32(r + TI_OFF_FREE, d->capacity);
	put32(r + TI_OFF_SIZE, d->capacity);
	return reply(c, r, sizeof(r), get16(c->cdb + CDB10_OFF_LEN));
}

static uint32_t cmd_read_track_info(struct msvd_drive *dr,
				    struct msvd_cmd *c)
{
	const struct msvd_disc *d = dr->disc;
	unsigned char r[TI_LEN];
	uint32_t value = get32(c->cdb + CDB_OFF_LBA);
	int number, invisible = msvd_invisible_track(d), i, first, last;

	if (is_overwriteable(dr))
		return overwriteable_track_info(dr, c);
	switch (c->cdb[CDB_OFF_FLAGS] & TI_ADDR_TYPE_MASK) {
	case TI_ADDR_LBA:
		number = invisible;
		for (i = 0; i < d->ntracks; i++)
			if (value >= d->tracks[i].start &&
			    value < msvd_track_end(&d->tracks[i]))
				number = i + 1;
		if (number == invisible && value < d->next)
			return MSVD_E_LBA_OUT_OF_RANGE;
		break;
	case TI_ADDR_TRACK:
		if (value == MSVD_TRACK_INVISIBLE && !d->closed)
			number = invisible;
		else if (value == MSVD_TRACK_INVISIBLE)
			number = d->ntracks;
		else
			number = (int)value;
		if (number < 1 || number > (d->closed ? d->ntracks :
					     invisible))
			return MSVD_E_INVALID_FIELD_CDB;
		break;
	case TI_ADDR_SESSION:
		if (msvd_session_tracks(d, (int)value, &first, &last) == 0)
			number = first;
		else if (!d->closed && (int)value == d->sessions + 1)
			number = invisible;
		else
			return MSVD_E_INVALID_FIELD_CDB;
		break;
	default:
		return MSVD_E_INVALID_FIELD_CDB;
	}
	track_info(dr, number, r);
	return reply(c, r, sizeof(r), get16(c->cdb + CDB10_OFF_LEN));
}

static uint32_t cmd_reserve_track(struct msvd_drive *dr, struct msvd_cmd *c)
{
	if (is_cd(dr) || is_overwriteable(dr) ||
	    (c->cdb[CDB_OFF_FLAGS] & RESERVE_RMZ_ARSV))
		return MSVD_E_INVALID_FIELD_CDB;
	if (dr->sim_nwa >= 0 || test_write(dr))
		return 0;
	return msvd_reserve(dr->disc, get32(c->cdb + RESERVE_OFF_SIZE));
}

static uint32_t select_page5(struct msvd_drive *dr, const unsigned char *p,
			     uint32_t len)
{
	int wt = p[PAGE5_OFF_WRITE_TYPE] & PAGE5_WRITE_TYPE_MASK;

	if (is_cd(dr) && wt != WT_TAO && wt != WT_SAO)
		return MSVD_E_INVALID_FIELD_PARAM;
	if (is_dvd_minus_r(dr) && wt != WT_INCREMENTAL && wt != WT_SAO)
		return MSVD_E_INVALID_FIELD_PARAM;
	if (len > MSVD_PAGE5_LEN - MODE_HEADER)
		len = MSVD_PAGE5_LEN - MODE_HEADER;
	memcpy(dr->page5 + MODE_HEADER, p, len);
	dr->page5[MODE_HEADER + 1] = MSVD_PAGE5_LEN - MODE_HEADER - 2;
	return 0;
}

static uint32_t cmd_mode_select(struct msvd_drive *dr, struct msvd_cmd *c)
{
	uint32_t len = get16(c->cdb + CDB10_OFF_LEN), bdlen, plen;
	const unsigned char *p;

	if (len == 0)
		return 0;
	if (c->dir != MSVD_DIR_TO_DRIVE || c->data_len < len ||
	    len < MODE_HEADER + 2)
		return MSVD_E_PARAM_LIST_LENGTH;
	bdlen = get16(c->data + MODE_OFF_BDLEN);
	if (MODE_HEADER + bdlen + 2 > len)
		return MSVD_E_PARAM_LIST_LENGTH;
	p = c->data + MODE_HEADER + bdlen;
	plen = p[1] + 2u;
	if (MODE_HEADER + bdlen + plen > len)
		return MSVD_E_PARAM_LIST_LENGTH;
	switch (p[0] & MODE_PAGE_MASK) {
	case PAGE_ERROR_RECOVERY:
		return 0;
	case PAGE_WRITE_PARAMS:
		return select_page5(dr, p, plen);
	default:
		return MSVD_E_INVALID_FIELD_PARAM;
	}
}

static uint32_t page_error_recovery(unsigned char *p, int changeable)
{
	memset(p, 0, PAGE1_LEN);
	p[0] = PAGE_ERROR_RECOVERY;
	p[1] = PAGE1_LEN - 2;
	if (!changeable)
		p[PAGE1_OFF_RETRIES] = 1;
	return PAGE1_LEN;
}

static uint32_t page_capabilities(const struct msvd_drive *dr,
				  unsigned char *p)
{
	uint32_t rd = SPEED_CD_READ, wr = SPEED_CD_WRITE;

	if (is_bd(dr)) {
		rd = SPEED_BD_READ;
		wr = SPEED_BD_WRITE;
	} else if (dr->disc && !is_cd(dr)) {
		rd = SPEED_DVD_READ;
		wr = SPEED_DVD_WRITE;
	}
	memset(p, 0, PAGE2A_LEN);
	p[0] = PAGE_CAPABILITIES;
	p[1] = PAGE2A_LEN - 2;
	p[PAGE2A_OFF_READ] = CAP_CDR | CAP_CDRW | CAP_DVDROM | CAP_DVDR;
	p[PAGE2A_OFF_WRITE] = CAP_CDR | CAP_CDRW | CAP_TEST_WRITE | CAP_DVDR;
	p[PAGE2A_OFF_FEATURES] = CAP_BUF | CAP_MULTISESSION;
	p[PAGE2A_OFF_MECHANISM] = CAP_TRAY_LOCK_EJECT;
	put16(p + PAGE2A_OFF_MAX_READ, rd);
	put16(p + PAGE2A_OFF_BUFFER, BUFFER_KIB);
	put16(p + PAGE2A_OFF_CUR_READ, rd);
	put16(p + PAGE2A_OFF_MAX_WRITE, wr);
	put16(p + PAGE2A_OFF_CUR_WRITE, wr);
	put16(p + PAGE2A_OFF_CUR_WRITE3, wr);
	put16(p + PAGE2A_OFF_NDESC, 1);
	put16(p + PAGE2A_OFF_DESC + 2, wr);
	return PAGE2A_LEN;
}

static uint32_t cmd_mode_sense(struct msvd_drive *dr, struct msvd_cmd *c)
{
	unsigned char r[REPLY_MAX];
	int page = c->cdb[2] & MODE_PAGE_MASK;
	int changeable = (c->cdb[2] & MODE_PC_MASK) == MODE_PC_CHANGEABLE;
	uint32_t len = MODE_HEADER;

	memset(r, 0, sizeof(r));
	if (page == PAGE_ERROR_RECOVERY || page == PAGE_ALL)
		len += page_error_recovery(r + len, changeable);
	if (page == PAGE_WRITE_PARAMS || page == PAGE_ALL) {
		memcpy(r + len, dr->page5 + MODE_HEADER,
		       MSVD_PAGE5_LEN - MODE_HEADER);
		if (changeable)
			memset(r + len + 2, 0xff,
			       MSVD_PAGE5_LEN - MODE_HEADER - 2);
		len += MSVD_PAGE5_LEN - MODE_HEADER;
	}
	if (page == PAGE_CAPABILITIES || page == PAGE_ALL) {
		len += page_capabilities(dr, r + len);
		if (changeable)
			memset(r + len - PAGE2A_LEN + 2, 0, PAGE2A_LEN - 2);
	}
	if (len == MODE_HEADER)
		return MSVD_E_INVALID_FIELD_CDB;
	put16(r, len - 2);
	return reply(c, r, len, get16(c->cdb + CDB10_OFF_LEN));
}

static uint32_t cmd_close(struct msvd_drive *dr, struct msvd_cmd *c)
{
	struct msvd_disc *d = dr->disc;
	int function = c->cdb[CLOSE_OFF_FUNC] & CLOSE_FUNC_MASK;
	int plus = d->profile == MSVD_PROFILE_DVD_PLUS_R ||
		   d->profile == MSVD_PROFILE_DVD_PLUS_R_DL || is_bd(dr);

	if (dr->sim_nwa >= 0 || test_write(dr)) {
		dr->sim_nwa = -1;
		return 0;
	}
	/* DVD+RW: closing stops a background format, which is done */
	if (is_overwriteable(dr))
		return function == CLOSE_TRACK || function == CLOSE_SESSION ?
		       0 : MSVD_E_INVALID_FIELD_CDB;
	switch (function) {
	case CLOSE_TRACK:
		return msvd_close_track(d,
					(int)get16(c->cdb + CLOSE_OFF_TRACK));
	case CLOSE_SESSION:
		return msvd_close_session(d, !plus && page5_finalizes(dr));
	case CLOSE_FINALIZE_MIN:
	case CLOSE_FINALIZE:
		if (!plus)
			return MSVD_E_INVALID_FIELD_CDB;
		return msvd_close_session(d, 1);
	default:
		return MSVD_E_INVALID_FIELD_CDB;
	}
}

static uint32_t cmd_read_buffer_capacity(struct msvd_drive *dr,
					 struct msvd_cmd *c)
{
	unsigned char r[RBC_LEN];

	(void)dr;
	if (c->cdb[CDB_OFF_FLAGS] & RBC_BLOCK)
		return MSVD_E_INVALID_FIELD_CDB;
	memset(r, 0, sizeof(r));
	put16(r, RBC_LEN - 2);
	put32(r + RBC_OFF_LENGTH, BUFFER_KIB * 1024);
	put32(r + RBC_OFF_AVAILABLE, BUFFER_KIB * 1024);
	return reply(c, r, sizeof(r), get16(c->cdb + CDB10_OFF_LEN));
}

static uint32_t cmd_send_cue_sheet(struct msvd_drive *dr, struct msvd_cmd *c)
{
	struct msvd_cue q;
	uint32_t len = get24(c->cdb + CUE_OFF_LEN), i, nwa, free_blocks;
	const unsigned char *e;
	int have_start = 0, form;
	int32_t lba;

	if (!is_cd(dr))
		return MSVD_E_INVALID_OPCODE;
	if (msvd_disc_status(dr->disc) != MSVD_BLANK ||
	    write_type(dr) != WT_SAO)
		return MSVD_E_SEQUENCE;
	if (c->dir != MSVD_DIR_TO_DRIVE || c->data_len < len ||
	    len % CUE_ENTRY || len == 0)
		return MSVD_E_PARAM_LIST_LENGTH;
	memset(&q, 0, sizeof(q));
	for (i = 0; i < len; i += CUE_ENTRY) {
		e = c->data + i;
		if ((e[CUE_OFF_CTL_ADR] & CUE_ADR_MASK) != CUE_ADR_POSITION)
			continue;	/* catalog number, ISRC */
		form = e[CUE_OFF_FORM] & CUE_FORM_MASK;
		lba = msf_to_lba(e + CUE_OFF_MIN);
		if (e[CUE_OFF_TNO] == 0)
			continue;	/* lead-in */
		if (form != CUE_FORM_DATA && form != CUE_FORM_DATA_PAUSE)
			return MSVD_E_INVALID_FIELD_PARAM;
		if (!have_start) {
			q.nwa = lba;
			have_start = 1;
		}
		if (e[CUE_OFF_TNO] == TOC_LEADOUT) {
			if (lba <= 0)
				return MSVD_E_INVALID_FIELD_PARAM;
			q.leadout = (uint32_t)lba;
			break;
		}
		if (e[CUE_OFF_INDEX] != 1)
			continue;
		if (lba < 0 || q.ntracks == MSVD_CUE_TRACKS_MAX ||
		    (q.ntracks && (uint32_t)lba <= q.starts[q.ntracks - 1]))
			return MSVD_E_INVALID_FIELD_PARAM;
		q.starts[q.ntracks++] = (uint32_t)lba;
	}
	if (!q.ntracks || !q.leadout)
		return MSVD_E_INVALID_FIELD_PARAM;
	msvd_nwa(dr->disc, &nwa, &free_blocks);
	if (q.starts[0] != nwa || q.leadout - nwa > free_blocks)
		return MSVD_E_LBA_OUT_OF_RANGE;
	q.active = 1;
	dr->cue = q;
	return 0;
}

static uint32_t cmd_blank(struct msvd_drive *dr, struct msvd_cmd *c)
{
	int type = c->cdb[CDB_OFF_FLAGS] & BLANK_TYPE_MASK;

	if (type != BLANK_FULL && type != BLANK_MINIMAL)
		return MSVD_E_INVALID_FIELD_CDB;
	memset(&dr->cue, 0, sizeof(dr->cue));
	return msvd_blank(dr->disc);
}

struct command_desc {
	unsigned char opcode;
	unsigned char cdb_len;
	unsigned char needs_medium;
	uint32_t (*run)(struct msvd_drive *, struct msvd_cmd *);
};

static const struct command_desc commands[] = {
	{ OP_TEST_UNIT_READY, 6, 0, cmd_test_unit_ready },
	{ OP_REQUEST_SENSE, 6, 0, cmd_request_sense },
	{ OP_INQUIRY, 6, 0, cmd_inquiry },
	{ OP_START_STOP_UNIT, 6, 0, cmd_ok },
	{ OP_PREVENT_ALLOW, 6, 0, cmd_ok },
	{ OP_READ_FORMAT_CAPACITIES, 10, 1, cmd_read_format_capacities },
	{ OP_READ_CAPACITY, 10, 1, cmd_read_capacity },
	{ OP_READ_10, 10, 1, cmd_read },
	{ OP_WRITE_10, 10, 1, cmd_write },
	{ OP_SYNC_CACHE, 10, 1, cmd_sync_cache },
	{ OP_READ_TOC, 10, 1, cmd_read_toc },
	{ OP_GET_CONFIGURATION, 10, 0, cmd_get_configuration },
	{ OP_READ_DISC_INFO, 10, 1, cmd_read_disc_info },
	{ OP_READ_TRACK_INFO, 10, 1, cmd_read_track_info },
	{ OP_RESERVE_TRACK, 10, 1, cmd_reserve_track },
	{ OP_MODE_SELECT_10, 10, 0, cmd_mode_select },
	{ OP_MODE_SENSE_10, 10, 0, cmd_mode_sense },
	{ OP_CLOSE_TRACK_SESSION, 10, 1, cmd_close },
	{ OP_READ_BUFFER_CAPACITY, 10, 0, cmd_read_buffer_capacity },
	{ OP_SEND_CUE_SHEET, 10, 1, cmd_send_cue_sheet },
	{ OP_BLANK, 12, 1, cmd_blank },
	{ OP_READ_12, 12, 1, cmd_read },
	{ OP_WRITE_12, 12, 1, cmd_write },
	{ OP_SET_STREAMING, 12, 0, cmd_ok },
	{ OP_SET_CD_SPEED, 12, 0, cmd_ok },
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

uint32_t msvd_execute(struct msvd_drive *dr, struct msvd_cmd *c)
{
	const struct command_desc *cmd = NULL;
	uint32_t sense;
	size_t i;

	c->transferred = 0;
	for (i = 0; i < NCOMMANDS; i++)
		if (commands[i].opcode == c->cdb[0])
			cmd = &commands[i];
	if (!cmd)
		sense = MSVD_E_INVALID_OPCODE;
	else if (c->cdb_len < cmd->cdb_len)
		sense = MSVD_E_INVALID_FIELD_CDB;
	else if (cmd->needs_medium && !dr->disc)
		sense = MSVD_E_NOT_READY_NO_MEDIUM;
	else
		sense = cmd->run(dr, c);
	if (sense)
		c->transferred = 0;
	if (dr->disc && dr->disc->dirty && msvd_disc_save(dr->disc) < 0 &&
	    !sense)
		sense = MSVD_E_WRITE_ERROR;
	dr->last_sense = sense;
	return sense;
}
