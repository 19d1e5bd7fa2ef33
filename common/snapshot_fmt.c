#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "exit.h"
#include "iso9660.h"
#include "snapshot_fmt.h"
#include "util.h"

/*
 * File layout (all numbers big-endian):
 *
 *   0   8  magic "\x89MSSNAP\n"
 *   8   4  format version (1)
 *   12  4  flags (0)
 *   16  8  payload length, uncompressed
 *   24  4  CRC-32 of the uncompressed payload
 *   28  4  CRC-32 of bytes 0..27
 *   32  .. the payload, one zlib stream
 *
 * The payload is text, "key value" lines up to a line "end", then the
 * recorded blocks as runs: 4 bytes first block, 4 bytes count, the data.
 */
#define HDR_VERSION_OFF		8
#define HDR_FLAGS_OFF		12
#define HDR_LENGTH_OFF		16
#define HDR_PAYLOAD_CRC_OFF	24
#define HDR_CRC_OFF		28
#define HDR_LEN			32
#define RUN_HDR_LEN		8
#define TEXT_MAGIC		"mstools_snapshot_v1"
/* a payload beyond this is not metadata: refuse to inflate it */
#define PAYLOAD_MAX		((uint64_t)UINT32_MAX)
/* deflate's best case: 1032 bytes out for each byte in (zlib's FAQ) */
#define ZLIB_MAX_RATIO		1032
/* block addresses are 32 bits: no extent reaches past 2^32 */
#define MS_MAX_BLOCKS		((uint64_t)1 << 32)

struct run {
	uint32_t lba;
	uint32_t count;
	const uint8_t *data;
};

/* keys that appear once; a second line of one makes the snapshot corrupt */
static const char *const single_keys[] = {
	"source", "taken", "kind", "profile", "status", "overwriteable",
	"first_address", "msc1", "last_start", "nwa", "free_blocks",
	"capacity_blocks", "overhead_blocks", "fingerprint",
};
#define NKEYS	(sizeof(single_keys) / sizeof(single_keys[0]))

/* a "carries" line, applied once the session table is checked */
struct carries {
	unsigned number;
	int udf, el_torito, hfs, mbr;
	uint32_t catalog;
};

struct ms_snapshot {
	uint8_t *payload;
	uint64_t payload_len;
	struct ms_layout layout;	/* sessions owned here */
	char *source;
	int64_t taken;
	struct run *runs;
	size_t nruns;
	unsigned char seen[NKEYS];	/* while parsing */
	struct carries *carries;	/* while parsing */
	size_t ncarries, carries_room;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int ms_snapshot_is_file(const char *path)
{
	char magic[MS_SNAP_MAGIC_LEN];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	n = read(fd, magic, sizeof(magic));
	close(fd);
	return n == (ssize_t)sizeof(magic) &&
	       !memcmp(magic, MS_SNAP_MAGIC, MS_SNAP_MAGIC_LEN);
}

void ms_snapshot_free(struct ms_snapshot *s)
{
	if (!s)
		return;
	free(s->layout.sessions);
	free(s->payload);
	free(s->source);
	free(s->runs);
	free(s->carries);
	free(s);
}

/* --- reading --- */

/* "snapshot 'NAME'" in messages, or "snapshot" when decoding a buffer */
#define SNAP_FMT	"snapshot%s%s%s"
#define SNAP_ARGS(name)	(name) ? " '" : "", (name) ? (name) : "", \
			(name) ? "'" : ""

static int corrupt(struct ms_ctx *c, const char *name, const char *what)
{
	return ms_fail(c, MS_EXIT_FAILURE, SNAP_FMT " is damaged: %s",
		       SNAP_ARGS(name), what);
}

/* Check magic, header and CRCs of buf and inflate its payload into s. */
static int inflate_payload(struct ms_ctx *c, const char *name,
			   const uint8_t *buf, size_t buflen,
			   struct ms_snapshot *s)
{
	const uint8_t *hdr = buf;
	z_stream z;
	uint64_t len;
	size_t inlen;
	int zret;

	if (buflen < MS_SNAP_MAGIC_LEN ||
	    memcmp(hdr, MS_SNAP_MAGIC, MS_SNAP_MAGIC_LEN)) {
		if (name)
			return ms_fail(c, MS_EXIT_FAILURE,
				       "'%s' is not a snapshot", name);
		return ms_fail(c, MS_EXIT_FAILURE, "not a snapshot");
	}
	if (buflen < HDR_LEN)
		return corrupt(c, name, "shorter than its header");
	if (crc32(0L, hdr, HDR_CRC_OFF) != ms_be32(hdr + HDR_CRC_OFF))
		return ms_fail(c, MS_EXIT_VERIFY, SNAP_FMT " is damaged: "
			       "header checksum mismatch", SNAP_ARGS(name));
	if (ms_be32(hdr + HDR_VERSION_OFF) != MS_SNAP_VERSION)
		return ms_fail(c, MS_EXIT_FAILURE, SNAP_FMT " has format "
			       "version %u; this mstools reads version %d",
			       SNAP_ARGS(name), ms_be32(hdr + HDR_VERSION_OFF),
			       MS_SNAP_VERSION);
	len = (uint64_t)ms_be32(hdr + HDR_LENGTH_OFF) << 32 |
	      ms_be32(hdr + HDR_LENGTH_OFF + 4);
	inlen = buflen - HDR_LEN;
	/* deflate shrinks by at most 1032 to 1: refuse before allocating */
	if (len == 0 || len > PAYLOAD_MAX || inlen > PAYLOAD_MAX ||
	    len > (uint64_t)inlen * ZLIB_MAX_RATIO)
		return corrupt(c, name, "impossible payload length");
	s->payload = malloc((size_t)len);
	if (!s->payload)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return ms_fail(c, MS_EXIT_FAILURE, "cannot start zlib");
	z.next_in = (Bytef *)(buf + HDR_LEN);
	z.avail_in = (uInt)inlen;
	z.next_out = s->payload;
	z.avail_out = (uInt)len;
	zret = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	if (zret != Z_STREAM_END || z.total_out != len) {
		if (zret == Z_DATA_ERROR)
			return corrupt(c, name,
				       "the compressed data are invalid");
		return corrupt(c, name, "truncated");
	}
	if (z.avail_in != 0)
		return corrupt(c, name, "bytes after the compressed data");
	if (crc32(0L, s->payload, (uInt)len) !=
	    ms_be32(hdr + HDR_PAYLOAD_CRC_OFF))
		return ms_fail(c, MS_EXIT_VERIFY, SNAP_FMT " is damaged: "
			       "payload checksum mismatch", SNAP_ARGS(name));
	s->payload_len = len;
	return 0;
}

static enum ms_status status_from_name(const char *name)
{
	static const enum ms_status all[] = {
		MS_STATUS_BLANK, MS_STATUS_APPENDABLE, MS_STATUS_CLOSED,
		MS_STATUS_UNSUITABLE,
	};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(name, ms_status_name(all[i])))
			return all[i];
	return MS_STATUS_IMAGE;		/* never stored: rejected by caller */
}

static int parse_u64(const char *v, uint64_t *out)
{
	char *end;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	*out = strtoull(v, &end, 10);
	return errno || *end ? -1 : 0;
}

static int parse_u32(const char *v, uint32_t *out)
{
	uint64_t u;

	if (parse_u64(v, &u) < 0 || u > UINT32_MAX)
		return -1;
	*out = (uint32_t)u;
	return 0;
}

static int parse_session(struct ms_snapshot *s, char *v)
{
	struct ms_session *ss, *sess;
	char volid[3 * MS_VD_VOLUME_ID_LEN + 1];
	unsigned number, start, blocks, vblocks, tracks, readable, joliet, rr;
	long long created;
	int n;

	if (sscanf(v, "%u %u %u %u %u %u %u %u %lld %96s%n", &number, &start,
		   &blocks, &vblocks, &tracks, &readable, &joliet, &rr,
		   &created, volid, &n) != 10 || v[n])
		return -1;
	if (number != (unsigned)s->layout.nsessions + 1)
		return -1;
	ss = realloc(s->layout.sessions,
		     (size_t)(s->layout.nsessions + 1) * sizeof(*ss));
	if (!ss)
		return -1;
	s->layout.sessions = ss;
	sess = &ss[s->layout.nsessions++];
	memset(sess, 0, sizeof(*sess));
	sess->number = (int)number;
	sess->start = start;
	sess->blocks = blocks;
	sess->volume_blocks = vblocks;
	sess->tracks = (int)tracks;
	sess->readable = readable != 0;
	sess->joliet = (int)joliet;
	sess->rockridge = rr != 0;
	sess->created = created;
	if (strcmp(volid, "-") &&
	    ms_unescape(volid, sess->volume_id, sizeof(sess->volume_id)) < 0)
		return -1;
	return 0;
}

/*
 * "carries N UDF EL_TORITO CATALOG HFS MBR": what session N carries
 * beside its ISO 9660 tree.  Kept until the session table has been
 * checked (apply_carries); snapshots taken before this line existed have
 * none, and their layout says that it does not know.
 */
static int parse_carries(struct ms_snapshot *s, char *v)
{
	struct carries *cr;
	unsigned number, udf, el_torito, catalog, hfs, mbr;
	int n;

	if (sscanf(v, "%u %u %u %u %u %u%n", &number, &udf, &el_torito,
		   &catalog, &hfs, &mbr, &n) != 6 || v[n] || udf > 3 ||
	    el_torito > 1 || hfs > 1 || mbr > 1)
		return -1;
	if (s->ncarries == s->carries_room) {
		size_t room = s->carries_room ? 2 * s->carries_room : 16;

		cr = realloc(s->carries, room * sizeof(*cr));
		if (!cr)
			return -1;
		s->carries = cr;
		s->carries_room = room;
	}
	cr = &s->carries[s->ncarries++];
	cr->number = number;
	cr->udf = (int)udf;
	cr->el_torito = (int)el_torito;
	cr->catalog = catalog;
	cr->hfs = (int)hfs;
	cr->mbr = (int)mbr;
	return 0;
}

/* One "carries" line per session, in order, or none at all. */
static int apply_carries(struct ms_ctx *c, const char *name,
			 struct ms_snapshot *s)
{
	struct ms_layout *l = &s->layout;
	size_t i;

	l->carries_unknown = l->nsessions > 0 && s->ncarries == 0;
	if (s->ncarries && s->ncarries != (size_t)l->nsessions)
		return corrupt(c, name, "its 'carries' lines do not name "
			       "each session once");
	for (i = 0; i < s->ncarries; i++) {
		const struct carries *cr = &s->carries[i];
		struct ms_session *sess = &l->sessions[i];

		if (cr->number != i + 1)
			return corrupt(c, name, "its 'carries' lines do not "
				       "name each session once");
		sess->udf = cr->udf;
		sess->el_torito = cr->el_torito;
		sess->boot_catalog = cr->catalog;
		sess->boot_catalog_ok = cr->el_torito &&
					cr->catalog >= sess->start &&
					cr->catalog - sess->start <
					sess->blocks;
		sess->hfs = cr->hfs;
		sess->mbr = cr->mbr;
	}
	return 0;
}

/* "link N STATE TEXT": the record line, or why it is damaged. */
static int parse_link(struct ms_snapshot *s, char *v)
{
	uint8_t blk[MS_BLOCK];
	struct ms_session *sess;
	char text[512];
	unsigned number;
	int state, n;

	if (sscanf(v, "%u %d %n", &number, &state, &n) != 2 || !number ||
	    number > (unsigned)s->layout.nsessions)
		return -1;
	sess = &s->layout.sessions[number - 1];
	if (sess->link_state != MS_LINK_ABSENT)
		return -1;	/* two records for one session */
	if (ms_unescape(v + n, text, sizeof(text)) < 0)
		return -1;
	if (state == MS_LINK_CORRUPT) {
		sess->link_state = MS_LINK_CORRUPT;
		text[sizeof(sess->link_why) - 1] = '\0';
		memcpy(sess->link_why, text, sizeof(sess->link_why));
		return 0;
	}
	if (state != MS_LINK_FOUND)
		return -1;
	memset(blk, 0, sizeof(blk));
	snprintf((char *)blk, sizeof(blk), "%s\n", text);
	sess->link_state = ms_link_parse(blk, &sess->link, sess->link_why,
					 sizeof(sess->link_why));
	return sess->link_state == MS_LINK_FOUND ? 0 : -1;
}

static int parse_line(struct ms_snapshot *s, char *key, char *v)
{
	struct ms_layout *l = &s->layout;
	uint64_t u;
	uint32_t u32;
	char buf[256];

	if (!strcmp(key, "session"))
		return parse_session(s, v);
	if (!strcmp(key, "link"))
		return parse_link(s, v);
	if (!strcmp(key, "carries"))
		return parse_carries(s, v);
	if (!strcmp(key, "source")) {
		if (ms_unescape(v, buf, sizeof(buf)) < 0)
			return -1;
		s->source = strdup(buf);
		return s->source ? 0 : -1;
	}
	if (!strcmp(key, "taken"))
		return ms_time_parse(v, &s->taken);
	if (!strcmp(key, "kind")) {
		if (!strcmp(v, "drive"))
			l->kind = MS_MEDIUM_DRIVE;
		else if (!strcmp(v, "file"))
			l->kind = MS_MEDIUM_FILE;
		else
			return -1;
		return 0;
	}
	if (!strcmp(key, "profile")) {
		unsigned pno;
		int n;

		if (sscanf(v, "%u %n", &pno, &n) != 1 || pno > 0xffff ||
		    ms_unescape(v + n, l->profile_name,
				sizeof(l->profile_name)) < 0)
			return -1;
		l->profile = (int)pno;
		return 0;
	}
	if (!strcmp(key, "status")) {
		l->status = status_from_name(v);
		return l->status == MS_STATUS_IMAGE ? -1 : 0;
	}
	if (!strcmp(key, "fingerprint")) {
		if (!strcmp(v, "-"))
			return 0;
		if (strlen(v) != MS_FP_HEX_LEN ||
		    ms_unhex(v, MS_FP_LEN, l->fp) < 0)
			return -1;
		l->has_fp = 1;
		return 0;
	}
	if (!strcmp(key, "free_blocks") || !strcmp(key, "capacity_blocks")) {
		if (parse_u64(v, &u) < 0)
			return -1;
		if (!strcmp(key, "free_blocks"))
			l->free_blocks = u;
		else
			l->capacity_blocks = u;
		return 0;
	}
	if (parse_u32(v, &u32) < 0)
		return -1;
	if (!strcmp(key, "overwriteable"))
		l->overwriteable = u32 != 0;
	else if (!strcmp(key, "first_address"))
		l->first_address = u32;
	else if (!strcmp(key, "msc1"))
		l->msc1 = u32;
	else if (!strcmp(key, "last_start"))
		l->last_start = u32;
	else if (!strcmp(key, "nwa"))
		l->nwa = u32;
	else if (!strcmp(key, "overhead_blocks"))
		l->overhead_blocks = u32;
	/* other keys are for later versions */
	return 0;
}

/* Index of a key that must appear once, or -1. */
static int single_key(const char *key)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (!strcmp(key, single_keys[i]))
			return (int)i;
	return -1;
}

/*
 * Fields that contradict each other make a snapshot corrupt, whatever its
 * checksums say: the tools after the decoder rely on these.
 */
static int check_layout(struct ms_ctx *c, const char *name,
			const struct ms_snapshot *s)
{
	const struct ms_layout *l = &s->layout;
	const struct ms_session *last = NULL;
	char why[160];
	size_t k;
	int i;

	for (k = 0; k < NKEYS; k++)
		if (!s->seen[k]) {
			snprintf(why, sizeof(why), "it has no '%s' line",
				 single_keys[k]);
			return corrupt(c, name, why);
		}
	for (i = 0; i < l->nsessions; i++) {
		const struct ms_session *ss = &l->sessions[i];

		if (ss->blocks == 0 ||
		    (uint64_t)ss->start + ss->blocks > MS_MAX_BLOCKS) {
			snprintf(why, sizeof(why), "session %d has an "
				 "impossible extent (%u blocks at block %u)",
				 ss->number, ss->blocks, ss->start);
			return corrupt(c, name, why);
		}
		if (last && ss->start < last->start + last->blocks) {
			snprintf(why, sizeof(why), "session %d at block %u "
				 "starts before session %d ends (block %u)",
				 ss->number, ss->start, last->number,
				 last->start + last->blocks);
			return corrupt(c, name, why);
		}
		last = ss;
	}
	switch (l->status) {
	case MS_STATUS_BLANK:
		if (l->nsessions)
			return corrupt(c, name, "it says blank but lists "
				       "sessions");
		break;
	case MS_STATUS_APPENDABLE:
	case MS_STATUS_CLOSED:
		if (!last) {
			snprintf(why, sizeof(why), "it says %s but lists no "
				 "sessions", ms_status_name(l->status));
			return corrupt(c, name, why);
		}
		break;
	default:
		break;
	}
	if (last && l->last_start != last->start)
		return corrupt(c, name, "its session table disagrees with "
			       "the last session's start");
	if (last && l->msc1 > last->start)
		return corrupt(c, name, "its msc1 lies after the last "
			       "session's start");
	if (l->status == MS_STATUS_APPENDABLE) {
		if (l->nwa < last->start + last->blocks) {
			snprintf(why, sizeof(why), "its next writable address "
				 "%u lies inside session %d (blocks %u to %u)",
				 l->nwa, last->number, last->start,
				 last->start + last->blocks - 1);
			return corrupt(c, name, why);
		}
		if (!l->has_fp)
			return corrupt(c, name, "it says appendable but has "
				       "no fingerprint");
	}
	return 0;
}

static int parse_payload(struct ms_ctx *c, const char *name,
			 struct ms_snapshot *s)
{
	uint8_t *p = s->payload, *end = s->payload + s->payload_len;
	char *line, *nl, *sp, why[96];
	int first = 1, k;

	for (;;) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return corrupt(c, name, "its text part does not end");
		*nl = '\0';
		line = (char *)p;
		p = (uint8_t *)nl + 1;
		if (memchr(line, '\0', (size_t)(nl - line)))
			return corrupt(c, name, "a NUL byte in its text part");
		if (first) {
			if (strcmp(line, TEXT_MAGIC))
				return corrupt(c, name, "unknown text part");
			first = 0;
			continue;
		}
		if (!strcmp(line, "end"))
			break;
		sp = strchr(line, ' ');
		if (!sp)
			return corrupt(c, name, "a line without a value");
		*sp = '\0';
		k = single_key(line);
		if (k >= 0 && s->seen[k]++) {
			snprintf(why, sizeof(why), "two '%s' lines", line);
			return corrupt(c, name, why);
		}
		if (parse_line(s, line, sp + 1) < 0) {
			snprintf(why, sizeof(why), "bad '%.40s' line", line);
			return corrupt(c, name, why);
		}
	}
	while (p < end) {
		struct run *r;
		uint64_t bytes;

		if ((size_t)(end - p) < RUN_HDR_LEN)
			return corrupt(c, name, "a block run is cut short");
		r = realloc(s->runs, (s->nruns + 1) * sizeof(*r));
		if (!r)
			return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		s->runs = r;
		r = &s->runs[s->nruns];
		r->lba = ms_be32(p);
		r->count = ms_be32(p + 4);
		bytes = (uint64_t)r->count * MS_BLOCK;
		p += RUN_HDR_LEN;
		if (r->count == 0 || bytes > (uint64_t)(end - p))
			return corrupt(c, name, "a block run is cut short");
		if ((uint64_t)r->lba + r->count > MS_MAX_BLOCKS)
			return corrupt(c, name, "a block run lies beyond "
				       "block 2^32");
		if (s->nruns && r->lba <= s->runs[s->nruns - 1].lba +
					 s->runs[s->nruns - 1].count - 1)
			return corrupt(c, name, "block runs out of order");
		r->data = p;
		p += bytes;
		s->nruns++;
	}
	if (check_layout(c, name, s) < 0)
		return -1;
	return apply_carries(c, name, s);
}

static int decode(struct ms_ctx *c, const char *name, const uint8_t *buf,
		  size_t len, struct ms_snapshot **out)
{
	struct ms_snapshot *s;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	if (inflate_payload(c, name, buf, len, s) < 0 ||
	    parse_payload(c, name, s) < 0) {
		ms_snapshot_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

int ms_snapshot_decode(struct ms_ctx *c, const unsigned char *buf,
		       size_t len, struct ms_snapshot **out)
{
	return decode(c, NULL, buf, len, out);
}

const struct ms_layout *ms_snapshot_decoded_layout(const struct ms_snapshot *s)
{
	return &s->layout;
}

const char *ms_snapshot_source(const struct ms_snapshot *s)
{
	return s->source;
}

/* Read the whole file, refusing anything but a regular file. */
static int load_file(struct ms_ctx *c, const char *path, uint8_t **buf,
		     size_t *len)
{
	struct stat st;
	ssize_t n;
	int fd, ret = -1;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot open snapshot '%s'", path);
	if (fstat(fd, &st) < 0) {
		ms_fail_errno(c, MS_EXIT_FAILURE, errno,
			      "cannot open snapshot '%s'", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ms_fail(c, MS_EXIT_UNSUITABLE, "'%s' is not a snapshot", path);
		goto out;
	}
	if ((uint64_t)st.st_size > PAYLOAD_MAX + HDR_LEN) {
		corrupt(c, path, "too large for a snapshot");
		goto out;
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	if (!*buf) {
		ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		goto out;
	}
	n = read(fd, *buf, *len);
	if (n < 0 || (size_t)n != *len) {
		ms_fail_errno(c, MS_EXIT_FAILURE, n < 0 ? errno : EIO,
			      "cannot read snapshot '%s'", path);
		goto out;
	}
	ret = 0;
out:
	if (ret < 0) {
		free(*buf);
		*buf = NULL;
	}
	close(fd);
	return ret;
}

/* --- writing --- */

struct order {
	uint32_t lba;
	size_t idx;
};

static int cmp_order(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->lba != y->lba)
		return x->lba < y->lba ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

struct out {
	uint8_t *buf;
	size_t len, cap;
};

static int out_put(struct out *o, const void *p, size_t n)
{
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 65536;
		uint8_t *b;

		while (cap < o->len + n)
			cap *= 2;
		b = realloc(o->buf, cap);
		if (!b)
			return -1;
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

static int out_printf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int out_printf(struct out *o, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	return out_put(o, line, (size_t)n);
}

static int put_text(struct out *o, const char *source,
		    const struct ms_layout *l, int64_t taken)
{
	char esc[3 * 256 + 1], fp[MS_FP_HEX_LEN + 1], when[32];
	int i, bad = 0;

	ms_escape(source, esc, sizeof(esc));
	ms_time_format(taken, when, sizeof(when));
	bad |= out_printf(o, "%s\nsource %s\ntaken %s\n", TEXT_MAGIC, esc,
			  when);
	bad |= out_printf(o, "kind %s\n",
			  l->kind == MS_MEDIUM_DRIVE ? "drive" : "file");
	ms_escape(l->profile_name, esc, sizeof(esc));
	bad |= out_printf(o, "profile %d %s\n", l->profile,
			  esc[0] ? esc : "%20");
	bad |= out_printf(o, "status %s\noverwriteable %d\n",
			  ms_status_name(l->status), l->overwriteable);
	bad |= out_printf(o, "first_address %u\nmsc1 %u\nlast_start %u\n"
			  "nwa %u\n", l->first_address, l->msc1,
			  l->last_start, l->nwa);
	bad |= out_printf(o, "free_blocks %llu\ncapacity_blocks %llu\n"
			  "overhead_blocks %u\n",
			  (unsigned long long)l->free_blocks,
			  (unsigned long long)l->capacity_blocks,
			  l->overhead_blocks);
	ms_hex(l->fp, MS_FP_LEN, fp);
	bad |= out_printf(o, "fingerprint %s\n", l->has_fp ? fp : "-");
	for (i = 0; i < l->nsessions; i++) {
		const struct ms_session *s = &l->sessions[i];
		uint8_t blk[MS_BLOCK];

		ms_escape(s->volume_id, esc, sizeof(esc));
		bad |= out_printf(o, "session %d %u %u %u %d %d %d %d %lld %s\n",
				  s->number, s->start, s->blocks,
				  s->volume_blocks, s->tracks, s->readable,
				  s->joliet, s->rockridge,
				  (long long)s->created, esc[0] ? esc : "-");
		if (s->link_state == MS_LINK_FOUND &&
		    ms_link_format(&s->link, blk) == 0) {
			*(char *)memchr(blk, '\n', MS_BLOCK) = '\0';
			ms_escape((char *)blk, esc, sizeof(esc));
			bad |= out_printf(o, "link %d %d %s\n", s->number,
					  MS_LINK_FOUND, esc);
		} else if (s->link_state == MS_LINK_CORRUPT) {
			ms_escape(s->link_why, esc, sizeof(esc));
			bad |= out_printf(o, "link %d %d %s\n", s->number,
					  MS_LINK_CORRUPT, esc);
		}
		bad |= out_printf(o, "carries %d %d %d %u %d %d\n", s->number,
				  s->udf, s->el_torito, s->boot_catalog,
				  s->hfs, s->mbr);
	}
	bad |= out_printf(o, "end\n");
	return bad ? -1 : 0;
}

static int put_runs(struct out *o, const uint32_t *lbas, const uint8_t *data,
		    size_t n)
{
	struct order *ord;
	size_t i, j, k;
	uint8_t hdr[RUN_HDR_LEN];
	int ret = -1;

	if (!n)
		return 0;
	ord = malloc(n * sizeof(*ord));
	if (!ord)
		return -1;
	for (i = 0; i < n; i++) {
		ord[i].lba = lbas[i];
		ord[i].idx = i;
	}
	qsort(ord, n, sizeof(*ord), cmp_order);
	/* drop repeats, keeping the first reading */
	for (i = 0, k = 0; i < n; i++)
		if (k == 0 || ord[k - 1].lba != ord[i].lba)
			ord[k++] = ord[i];
	for (i = 0; i < k; i = j) {
		for (j = i + 1; j < k && ord[j].lba == ord[j - 1].lba + 1; j++)
			;
		put32(hdr, ord[i].lba);
		put32(hdr + 4, (uint32_t)(j - i));
		if (out_put(o, hdr, sizeof(hdr)) < 0)
			goto out;
		for (size_t b = i; b < j; b++)
			if (out_put(o, data + ord[b].idx * MS_BLOCK,
				    MS_BLOCK) < 0)
				goto out;
	}
	ret = (int)k;
out:
	free(ord);
	return ret;
}


int ms_snapshot_encode(struct ms_ctx *c, const struct ms_snapshot_src *src,
		       uint8_t **buf, size_t *len,
		       struct ms_snapshot_stats *st)
{
	struct out o = { 0 };
	uint8_t *file = NULL;
	uLongf zlen;
	int nblocks, ret = -1;

	*buf = NULL;
	*len = 0;
	memset(st, 0, sizeof(*st));
	if (put_text(&o, src->source, src->layout, src->taken) < 0) {
		ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		goto out;
	}
	nblocks = put_runs(&o, src->lbas, src->data, src->nblocks);
	if (nblocks < 0) {
		ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		goto out;
	}
	zlen = compressBound((uLong)o.len);
	file = malloc(HDR_LEN + zlen);
	if (!file) {
		ms_fail(c, MS_EXIT_FAILURE, "out of memory");
		goto out;
	}
	if (compress2(file + HDR_LEN, &zlen, o.buf, (uLong)o.len,
		      Z_BEST_COMPRESSION) != Z_OK) {
		ms_fail(c, MS_EXIT_FAILURE, "cannot compress the snapshot");
		goto out;
	}
	memset(file, 0, HDR_LEN);
	memcpy(file, MS_SNAP_MAGIC, MS_SNAP_MAGIC_LEN);
	put32(file + HDR_VERSION_OFF, MS_SNAP_VERSION);
	put32(file + HDR_FLAGS_OFF, 0);
	put32(file + HDR_LENGTH_OFF, (uint32_t)((uint64_t)o.len >> 32));
	put32(file + HDR_LENGTH_OFF + 4, (uint32_t)o.len);
	put32(file + HDR_PAYLOAD_CRC_OFF,
	      (uint32_t)crc32(0L, o.buf, (uInt)o.len));
	put32(file + HDR_CRC_OFF, (uint32_t)crc32(0L, file, HDR_CRC_OFF));
	st->blocks = (uint32_t)nblocks;
	st->payload_bytes = o.len;
	st->file_bytes = HDR_LEN + zlen;
	*buf = file;
	*len = HDR_LEN + zlen;
	file = NULL;
	ret = 0;
out:
	free(file);
	free(o.buf);
	return ret;
}

int ms_snapshot_load(struct ms_ctx *c, const char *path,
		     struct ms_snapshot **out)
{
	uint8_t *buf;
	size_t len = 0;
	int ret;

	*out = NULL;
	if (load_file(c, path, &buf, &len) < 0)
		return -1;
	ret = decode(c, path, buf, len, out);
	free(buf);
	return ret;
}

int64_t ms_snapshot_taken(const struct ms_snapshot *s)
{
	return s->taken;
}

static const struct run *find_run(const struct ms_snapshot *s, uint32_t lba)
{
	size_t lo = 0, hi = s->nruns;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct run *r = &s->runs[mid];

		if (lba < r->lba)
			hi = mid;
		else if (lba >= r->lba + r->count)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

const uint8_t *ms_snapshot_block(const struct ms_snapshot *s, uint32_t lba)
{
	const struct run *r = find_run(s, lba);

	if (!r)
		return NULL;
	return r->data + (size_t)(lba - r->lba) * MS_BLOCK;
}
