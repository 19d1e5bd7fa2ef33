#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "link.h"
#include "util.h"

#define SELF_KEY " self="
#define LINE_MAX_LEN 512
#define BLOCKS_SEEN (1u << 1)	/* bit of "blocks" in parse_field's keys */

int ms_link_format(const struct ms_link *l, uint8_t *blk)
{
	char line[LINE_MAX_LEN], fp[MS_FP_HEX_LEN + 1], volid[3 * 33 + 1];
	char created[32];
	int n;
	uLong crc;

	ms_hex(l->base_fp, MS_FP_LEN, fp);
	ms_escape(l->base_volid, volid, sizeof(volid));
	ms_time_format(l->created, created, sizeof(created));
	n = snprintf(line, sizeof(line),
		     "%sstart=%u base=%s base_last=%u base_nwa=%u "
		     "base_sessions=%u base_fp=%s base_volid=%s created=%s",
		     MS_LINK_MAGIC, l->start,
		     l->base_blank ? "blank" : "session", l->base_last,
		     l->base_nwa, l->base_sessions, fp, volid, created);
	if (n < 0 || (size_t)n + 20 > sizeof(line))
		return -1;
	crc = crc32(0L, (const Bytef *)line, (uInt)n);
	snprintf(line + n, sizeof(line) - (size_t)n, "%s%08lx\n", SELF_KEY,
		 (unsigned long)crc);
	memset(blk, 0, MS_BLOCK);
	memcpy(blk, line, strlen(line));
	return 0;
}

static int why_set(char *why, size_t whylen, const char *text)
{
	if (why)
		snprintf(why, whylen, "%s", text);
	return MS_LINK_CORRUPT;
}

static int parse_field(struct ms_link *l, const char *key, const char *val,
		       unsigned *seen)
{
	static const char *keys[] = {
		"start", "blocks", "base", "base_last", "base_nwa",
		"base_sessions", "base_fp", "base_volid", "created",
	};
	unsigned i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			break;
	if (i == sizeof(keys) / sizeof(keys[0]))
		return 0;	/* unknown keys are for later versions */
	if (*seen & (1u << i))
		return -1;
	*seen |= 1u << i;
	switch (i) {
	case 0:
		return ms_parse_u32(val, &l->start);
	case 1:
		return ms_parse_u32(val, &l->blocks);
	case 2:
		if (!strcmp(val, "blank"))
			l->base_blank = 1;
		else if (strcmp(val, "session"))
			return -1;
		return 0;
	case 3:
		return ms_parse_u32(val, &l->base_last);
	case 4:
		return ms_parse_u32(val, &l->base_nwa);
	case 5:
		return ms_parse_u32(val, &l->base_sessions);
	case 6:
		if (strlen(val) != MS_FP_HEX_LEN)
			return -1;
		return ms_unhex(val, MS_FP_LEN, l->base_fp);
	case 7:
		return ms_unescape(val, l->base_volid,
				   sizeof(l->base_volid));
	case 8:
		return ms_time_parse(val, &l->created);
	}
	return -1;
}

/* Addresses within ISO 9660's reach, compared before any sum is formed. */
static int check_limits(const struct ms_link *l, char *why, size_t whylen)
{
	static const char *names[] = { "start", "blocks", "base_last",
				       "base_nwa" };
	const uint32_t vals[] = { l->start, l->blocks, l->base_last,
				  l->base_nwa };
	size_t i;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		if (vals[i] > MS_LINK_MAX_BLOCK) {
			if (why)
				snprintf(why, whylen, "%s=%u is beyond the "
					 "largest ISO 9660 block address %u",
					 names[i], vals[i], MS_LINK_MAX_BLOCK);
			return MS_LINK_CORRUPT;
		}
	if (l->blocks > MS_LINK_MAX_BLOCK - l->start) {
		if (why)
			snprintf(why, whylen, "an image of %u blocks at block "
				 "%u would end beyond the largest ISO 9660 "
				 "block address %u", l->blocks, l->start,
				 MS_LINK_MAX_BLOCK);
		return MS_LINK_CORRUPT;
	}
	if (!l->base_blank && l->base_last >= l->base_nwa) {
		if (why)
			snprintf(why, whylen, "its base's last session starts "
				 "at block %u, not before its next writable "
				 "address %u", l->base_last, l->base_nwa);
		return MS_LINK_CORRUPT;
	}
	return MS_LINK_FOUND;
}

int ms_link_parse(const uint8_t *blk, struct ms_link *l, char *why,
		  size_t whylen)
{
	char line[LINE_MAX_LEN], *self, *tok, *save;
	size_t len, magic_len = strlen(MS_LINK_MAGIC);
	unsigned seen = 0;
	unsigned long crc_rec;
	uLong crc;

	memset(l, 0, sizeof(*l));
	if (memcmp(blk, MS_LINK_MAGIC, magic_len))
		return MS_LINK_ABSENT;
	for (len = 0; len < sizeof(line) - 1 && blk[len] != '\n'; len++)
		if (blk[len] == 0)
			break;
	if (len == sizeof(line) - 1 || blk[len] != '\n')
		return why_set(why, whylen, "the record line is not terminated");
	memcpy(line, blk, len);
	line[len] = '\0';
	if (!ms_is_zero(blk + len + 1, MS_BLOCK - len - 1))
		return why_set(why, whylen, "bytes after the record line");
	self = strstr(line, SELF_KEY);
	if (!self)
		return why_set(why, whylen, "no self checksum");
	if (strlen(self + strlen(SELF_KEY)) != 8 ||
	    sscanf(self + strlen(SELF_KEY), "%8lx", &crc_rec) != 1)
		return why_set(why, whylen, "bad self checksum");
	crc = crc32(0L, (const Bytef *)line, (uInt)(self - line));
	if (crc != crc_rec)
		return why_set(why, whylen,
			       "self checksum does not match the record");
	*self = '\0';
	for (tok = strtok_r(line + magic_len, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			return why_set(why, whylen, "a field without '='");
		*eq = '\0';
		if (parse_field(l, tok, eq + 1, &seen) < 0) {
			if (why)
				snprintf(why, whylen, "bad field '%s'", tok);
			return MS_LINK_CORRUPT;
		}
	}
	/* blocks= is optional: records before one-pass layout carry it */
	if ((seen | BLOCKS_SEEN) != (1u << 9) - 1)
		return why_set(why, whylen, "fields missing");
	if ((seen & BLOCKS_SEEN) && l->blocks == 0)
		return why_set(why, whylen, "an image of zero blocks");
	return check_limits(l, why, whylen);
}

void ms_fingerprint(uint32_t start, uint32_t nwa, const uint8_t *vdset,
		    int vdset_blocks, const uint8_t *tag,
		    uint8_t out[MS_FP_LEN])
{
	struct ms_md5 h;
	char intro[64];
	int n;

	n = snprintf(intro, sizeof(intro), "mstools_fp_v1 %u %u\n", start,
		     nwa);
	memset(out, 0, MS_FP_LEN);
	if (ms_md5_start(&h) < 0)
		return;
	ms_md5_add(&h, intro, (size_t)n);
	ms_md5_add(&h, vdset, (size_t)vdset_blocks * MS_BLOCK);
	if (tag)
		ms_md5_add(&h, tag, MS_BLOCK);
	ms_md5_end(&h, out);
}

int ms_tag_parse(const uint8_t *blk, const char *kind, uint32_t pos,
		 uint32_t *next)
{
	char line[256], want[64];
	const char *p;
	size_t n = strlen(kind);
	unsigned long v;

	*next = 0;
	if (memcmp(blk, kind, n) || blk[n] != ' ')
		return 0;
	memcpy(line, blk, sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	snprintf(want, sizeof(want), " pos=%u ", pos);
	if (!strstr(line, want))
		return 0;
	p = strstr(line, " next=");
	if (p) {
		v = strtoul(p + 6, NULL, 10);
		*next = (uint32_t)v;
	}
	return 1;
}
