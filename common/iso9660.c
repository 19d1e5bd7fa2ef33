#include <stdio.h>
#include <string.h>
#include <time.h>

#include "iso9660.h"

static const char std_id[MS_VD_ID_LEN] = { 'C', 'D', '0', '0', '1' };

uint32_t ms_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint32_t ms_be32(const uint8_t *p)
{
	return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[0] << 24;
}

uint16_t ms_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

void ms_put_both32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++) {
		p[i] = (uint8_t)(v >> (8 * i));
		p[7 - i] = (uint8_t)(v >> (8 * i));
	}
}

int ms_is_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

int ms_vd_is_descriptor(const uint8_t *blk)
{
	return !memcmp(blk + MS_VD_ID_OFF, std_id, MS_VD_ID_LEN) &&
	       blk[MS_VD_VERSION_OFF] == 1;
}

int ms_vd_is_primary(const uint8_t *blk)
{
	return ms_vd_is_descriptor(blk) &&
	       blk[MS_VD_TYPE_OFF] == MS_VD_PRIMARY;
}

uint32_t ms_vd_space_size(const uint8_t *blk)
{
	return ms_le32(blk + MS_VD_SPACE_SIZE_OFF);
}

void ms_vd_set_space_size(uint8_t *blk, uint32_t blocks)
{
	ms_put_both32(blk + MS_VD_SPACE_SIZE_OFF, blocks);
}

static int joliet_level(const uint8_t *esc)
{
	if (esc[0] != '%' || esc[1] != '/')
		return 0;
	switch (esc[2]) {
	case '@':
		return 1;
	case 'C':
		return 2;
	case 'E':
		return 3;
	}
	return 0;
}

/* Length of the well-formed UTF-8 sequence of 2 to 4 bytes at p, or 0. */
static size_t utf8_len(const uint8_t *p, size_t avail)
{
	size_t n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

/*
 * Printable ASCII and well-formed UTF-8 are kept as they are (xorriso shows
 * them so); other bytes become '?'.
 */
static void copy_trimmed(char *dst, const uint8_t *src, size_t len)
{
	size_t i, n;

	for (i = 0; i < len; i += n) {
		n = utf8_len(src + i, len - i);
		if (n > 0)
			memcpy(dst + i, src + i, n);
		else if (src[i] >= 0x20 && src[i] < 0x7f)
			dst[i] = (char)src[i];
		else
			dst[i] = '?';
		if (n == 0)
			n = 1;
	}
	while (len > 0 && (dst[len - 1] == ' ' || src[len - 1] == 0))
		len--;
	dst[len] = '\0';
}

int ms_vd_parse(const uint8_t *blk, struct ms_vd *vd)
{
	const uint8_t *root = blk + MS_VD_ROOT_RECORD_OFF;

	memset(vd, 0, sizeof(*vd));
	vd->created = -1;
	if (!ms_vd_is_descriptor(blk))
		return -1;
	vd->type = blk[MS_VD_TYPE_OFF];
	if (vd->type != MS_VD_PRIMARY && vd->type != MS_VD_SUPPLEMENTARY)
		return 0;
	vd->space_size = ms_vd_space_size(blk);
	copy_trimmed(vd->volume_id, blk + MS_VD_VOLUME_ID_OFF,
		     MS_VD_VOLUME_ID_LEN);
	if (vd->type == MS_VD_SUPPLEMENTARY)
		vd->joliet_level = joliet_level(blk + MS_VD_ESCAPES_OFF);
	vd->root_lba = ms_le32(root + MS_DR_EXTENT_OFF);
	vd->root_size = ms_le32(root + MS_DR_SIZE_OFF);
	ms_iso_date_parse(blk + MS_VD_CREATION_OFF, &vd->created);
	return 0;
}

/* 1 if the boot record blk is El Torito's. */
static int is_el_torito(const uint8_t *blk)
{
	static const char id[] = "EL TORITO SPECIFICATION";
	const uint8_t *sys = blk + MS_VD_BOOT_SYSTEM_OFF;

	return !memcmp(sys, id, sizeof(id) - 1) &&
	       ms_is_zero(sys + sizeof(id) - 1,
			  MS_VD_BOOT_SYSTEM_LEN - (sizeof(id) - 1));
}

int ms_vdset_parse(const uint8_t *blocks, int nblocks, struct ms_vdset *set)
{
	struct ms_vd vd;
	int i;

	memset(set, 0, sizeof(*set));
	for (i = 0; i < nblocks && i < MS_VDSET_MAX; i++) {
		const uint8_t *blk = blocks + (size_t)i * MS_BLOCK;

		if (ms_vd_parse(blk, &vd) < 0)
			return MS_VDSET_NOT_DESCRIPTOR;
		if (vd.type == MS_VD_TERMINATOR) {
			set->count = i + 1;
			return set->has_pvd ? MS_VDSET_OK : MS_VDSET_NO_PVD;
		}
		if (vd.type == MS_VD_BOOT && !set->el_torito &&
		    is_el_torito(blk)) {
			set->el_torito = 1;
			set->boot_catalog = ms_le32(blk +
						    MS_VD_BOOT_CATALOG_OFF);
		} else if (vd.type == MS_VD_PRIMARY && !set->has_pvd) {
			set->has_pvd = 1;
			set->pvd = vd;
		} else if (vd.joliet_level && !set->joliet_level) {
			set->joliet_level = vd.joliet_level;
			set->joliet_root_lba = vd.root_lba;
		}
	}
	return MS_VDSET_UNTERMINATED;
}

enum ms_vsd_kind ms_vsd_kind(const uint8_t *blk)
{
	static const struct {
		const char *id;
		enum ms_vsd_kind kind;
	} ids[] = {
		{ "BEA01", MS_VSD_BEA01 }, { "NSR02", MS_VSD_NSR02 },
		{ "NSR03", MS_VSD_NSR03 }, { "TEA01", MS_VSD_TEA01 },
		{ "BOOT2", MS_VSD_BOOT2 },
	};
	size_t i;

	if (blk[0] != 0 || blk[MS_VSD_VERSION_OFF] != 1)
		return MS_VSD_NONE;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!memcmp(blk + MS_VSD_ID_OFF, ids[i].id, MS_VSD_ID_LEN))
			return ids[i].kind;
	return MS_VSD_NONE;
}

int ms_vsd_is_plain(const uint8_t *blk)
{
	enum ms_vsd_kind k = ms_vsd_kind(blk);

	return k != MS_VSD_NONE && k != MS_VSD_BOOT2 &&
	       ms_is_zero(blk + MS_VSD_DATA_OFF, MS_BLOCK - MS_VSD_DATA_OFF);
}

int ms_vrs_udf(const uint8_t *blocks, int nblocks)
{
	int i, extended = 0;

	for (i = 0; i < nblocks; i++) {
		const uint8_t *blk = blocks + (size_t)i * MS_BLOCK;

		switch (ms_vsd_kind(blk)) {
		case MS_VSD_BEA01:
			extended = 1;
			break;
		case MS_VSD_NSR02:
			return extended ? 2 : 0;
		case MS_VSD_NSR03:
			return extended ? 3 : 0;
		case MS_VSD_TEA01:
			return 0;
		case MS_VSD_BOOT2:
			break;
		case MS_VSD_NONE:
			if (!ms_vd_is_descriptor(blk))
				return 0;
			break;
		}
	}
	return 0;
}

int ms_udf_is_anchor(const uint8_t *blk, uint32_t lba)
{
	uint8_t sum = 0;
	int i;

	for (i = 0; i < MS_UDF_TAG_LEN; i++)
		if (i != MS_UDF_TAG_CHECKSUM_OFF)
			sum = (uint8_t)(sum + blk[i]);
	return ms_le16(blk) == MS_UDF_TAG_ANCHOR &&
	       blk[MS_UDF_TAG_CHECKSUM_OFF] == sum &&
	       ms_le32(blk + MS_UDF_TAG_LOCATION_OFF) == lba;
}

int ms_sysarea_is_mbr(const uint8_t *blk)
{
	return blk[MS_MBR_SIG_OFF] == 0x55 && blk[MS_MBR_SIG_OFF + 1] == 0xaa;
}

int ms_sysarea_is_hfs(const uint8_t *blk)
{
	const uint8_t *h = blk + MS_HFS_HEADER_OFF;

	if (blk[0] == 'E' && blk[1] == 'R' && blk[MS_APM_ENTRY_OFF] == 'P' &&
	    blk[MS_APM_ENTRY_OFF + 1] == 'M')
		return 1;
	return (h[0] == 'B' && h[1] == 'D') ||
	       (h[0] == 'H' && (h[1] == '+' || h[1] == 'X'));
}

static int digits(const uint8_t *p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

int ms_iso_date_parse(const uint8_t *dt, int64_t *out)
{
	struct tm tm;
	int year, mon, day, hour, min, sec;
	int8_t tz = (int8_t)dt[16];
	time_t t;

	*out = -1;
	if (digits(dt, 4, &year) || digits(dt + 4, 2, &mon) ||
	    digits(dt + 6, 2, &day) || digits(dt + 8, 2, &hour) ||
	    digits(dt + 10, 2, &min) || digits(dt + 12, 2, &sec))
		return -1;
	if (year == 0 || mon < 1 || mon > 12 || day < 1 || day > 31 ||
	    hour > 23 || min > 59 || sec > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	/* the offset from GMT counts 15-minute intervals */
	*out = (int64_t)t - (int64_t)tz * 15 * 60;
	return 0;
}

void ms_time_format(int64_t t, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t < 0 || !gmtime_r(&tt, &tm)) {
		snprintf(buf, size, "-");
		return;
	}
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int ms_time_parse(const char *s, int64_t *out)
{
	struct tm tm;
	char *end;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -1;
	t = timegm(&tm);
	/* before 1970 is what ms_time_format cannot write back */
	if (t < 0)
		return -1;
	*out = (int64_t)t;
	return 0;
}

/* SUSP entries (IEEE P1281) and Rock Ridge (IEEE P1282) signatures. */
#define SUSP_HDR_LEN	4
#define SUSP_SP_CHECK1	0xbe
#define SUSP_SP_CHECK2	0xef

/* RRIP 1.12 PX: mode, links, uid, gid (both-endian 32-bit), serial. */
#define RR_PX_LEN_1_10	36
#define RR_PX_LEN_1_12	44

int ms_root_px_has_ino(const uint8_t *extent, size_t size)
{
	size_t len, pos;

	if (size < MS_DR_MIN_LEN)
		return 0;
	len = extent[MS_DR_LENGTH_OFF];
	if (len < MS_DR_MIN_LEN || len > size)
		return 0;
	pos = MS_DR_NAME_OFF + extent[MS_DR_NAME_LEN_OFF];
	if (pos % 2)
		pos++;
	while (pos + SUSP_HDR_LEN <= len) {
		const uint8_t *e = extent + pos;
		size_t elen = e[2];

		if (elen < SUSP_HDR_LEN || pos + elen > len)
			break;
		if (e[0] == 'P' && e[1] == 'X')
			return elen >= RR_PX_LEN_1_12;
		if (e[0] == 'S' && e[1] == 'T')
			break;
		pos += elen;
	}
	return 0;
}

int ms_root_has_rockridge(const uint8_t *extent, size_t size)
{
	size_t len, name_len, pos, end;
	int have_sp = 0;

	if (size < MS_DR_MIN_LEN)
		return -1;
	len = extent[MS_DR_LENGTH_OFF];
	if (len < MS_DR_MIN_LEN || len > size)
		return -1;
	name_len = extent[MS_DR_NAME_LEN_OFF];
	pos = MS_DR_NAME_OFF + name_len;
	if (pos % 2)
		pos++;
	end = len;
	while (pos + SUSP_HDR_LEN <= end) {
		const uint8_t *e = extent + pos;
		size_t elen = e[2];

		if (elen < SUSP_HDR_LEN || pos + elen > end)
			break;
		if (e[0] == 'S' && e[1] == 'P' && elen >= 7 &&
		    e[4] == SUSP_SP_CHECK1 && e[5] == SUSP_SP_CHECK2)
			have_sp = 1;
		else if (have_sp &&
			 ((e[0] == 'R' && e[1] == 'R') ||
			  (e[0] == 'P' && e[1] == 'X') ||
			  (e[0] == 'E' && e[1] == 'R') ||
			  (e[0] == 'C' && e[1] == 'E')))
			return 1;
		else if (e[0] == 'S' && e[1] == 'T')
			break;
		pos += elen;
	}
	return 0;
}
