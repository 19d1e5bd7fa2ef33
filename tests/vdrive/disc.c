/*
 * The virtual disc: layout rules of write-once media and the state
 * directory that holds one disc.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disc.h"

#define DISC_FILE	"disc"
#define DATA_FILE	"data"
#define LOCK_FILE	"lock"
#define DISC_MAGIC	"msvd-disc 1"
#define LINE_MAX_LEN	256

struct profile_desc {
	int profile;
	const char *word;
	const char *name;
};

static const struct profile_desc profiles[] = {
	{ MSVD_PROFILE_CD_R, "cd-r", "CD-R" },
	{ MSVD_PROFILE_CD_RW, "cd-rw", "CD-RW" },
	{ MSVD_PROFILE_DVD_MINUS_R, "dvd-r", "DVD-R sequential recording" },
	{ MSVD_PROFILE_DVD_MINUS_R_DL, "dvd-r-dl",
	  "DVD-R/DL sequential recording" },
	{ MSVD_PROFILE_DVD_PLUS_R, "dvd+r", "DVD+R" },
	{ MSVD_PROFILE_DVD_PLUS_R_DL, "dvd+r-dl", "DVD+R/DL" },
	{ MSVD_PROFILE_BD_R, "bd-r", "BD-R sequential recording" },
	{ MSVD_PROFILE_DVD_PLUS_RW, "dvd+rw", "DVD+RW" },
	{ MSVD_PROFILE_BD_RE, "bd-re", "BD-RE" },
};

#define NPROFILES	(sizeof(profiles) / sizeof(profiles[0]))

int msvd_profile_parse(const char *word)
{
	size_t i;

	for (i = 0; i < NPROFILES; i++)
		if (!strcmp(word, profiles[i].word))
			return profiles[i].profile;
	return -1;
}

const char *msvd_profile_word(int profile)
{
	size_t i;

	for (i = 0; i < NPROFILES; i++)
		if (profiles[i].profile == profile)
			return profiles[i].word;
	return "unknown";
}

const char *msvd_profile_name(int profile)
{
	size_t i;

	for (i = 0; i < NPROFILES; i++)
		if (profiles[i].profile == profile)
			return profiles[i].name;
	return "unknown";
}

int msvd_profile_is_cd(int profile)
{
	return profile == MSVD_PROFILE_CD_R || profile == MSVD_PROFILE_CD_RW;
}

int msvd_profile_is_overwriteable(int profile)
{
	return profile == MSVD_PROFILE_DVD_PLUS_RW ||
	       profile == MSVD_PROFILE_BD_RE;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static char *path_in(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = malloc(len);

	if (p)
		snprintf(p, len, "%s/%s", dir, name);
	return p;
}

/* Blocks a track must start on: the medium's recording unit. */
static uint32_t track_alignment(int profile)
{
	if (profile == MSVD_PROFILE_BD_R)
		return MSVD_BD_CLUSTER_BLOCKS;
	if (msvd_profile_is_cd(profile))
		return 1;
	return MSVD_DVD_ECC_BLOCKS;
}

static uint32_t align_up(uint32_t lba, uint32_t unit)
{
	return (lba + unit - 1) / unit * unit;
}

/* The smallest track worth opening a session for. */
static uint32_t min_track(int profile)
{
	if (msvd_profile_is_cd(profile))
		return MSVD_CD_MIN_TRACK;
	return track_alignment(profile);
}

/* One past the last block that user data may occupy. */
static uint32_t writable_end(const struct msvd_disc *d)
{
	if (msvd_profile_is_cd(d->profile)) {
		if (d->capacity < MSVD_CD_RUNOUT)
			return 0;
		return d->capacity - MSVD_CD_RUNOUT;
	}
	return d->capacity;
}

int msvd_disc_create(const char *dir, int profile, uint32_t capacity,
		     char *err, size_t errlen)
{
	static const char *const files[] = { DATA_FILE, LOCK_FILE };
	struct msvd_disc d;
	char *path = NULL;
	size_t i;
	int fd, ret = -1, saved;

	if (mkdir(dir, 0777) < 0) {
		set_err(err, errlen, "cannot create '%s': %s", dir,
			strerror(errno));
		return -1;
	}
	memset(&d, 0, sizeof(d));
	d.dir = (char *)dir;
	d.data_fd = -1;
	d.profile = profile;
	d.capacity = capacity;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		path = path_in(dir, files[i]);
		if (!path) {
			set_err(err, errlen, "out of memory");
			goto out;
		}
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0) {
			set_err(err, errlen, "cannot create '%s': %s", path,
				strerror(errno));
			goto out;
		}
		close(fd);
		free(path);
		path = NULL;
	}
	if (msvd_disc_save(&d) < 0) {
		set_err(err, errlen, "cannot write '%s/%s': %s", dir,
			DISC_FILE, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	saved = errno;
	free(path);
	errno = saved;
	return ret;
}

char *msvd_disc_lock_path(const char *dir)
{
	return path_in(dir, LOCK_FILE);
}

static int add_track(struct msvd_disc *d, const struct msvd_track *t)
{
	if (d->ntracks == d->track_room) {
		int room = d->track_room ? d->track_room * 2 : 8;
		struct msvd_track *n;

		n = realloc(d->tracks, (size_t)room * sizeof(*n));
		if (!n)
			return -1;
		d->tracks = n;
		d->track_room = room;
	}
	d->tracks[d->ntracks++] = *t;
	return 0;
}

static unsigned parse_flags(const char *s)
{
	unsigned flags = 0;

	if (strstr(s, "closed"))
		flags |= MSVD_TRACK_CLOSED;
	if (strstr(s, "reserved"))
		flags |= MSVD_TRACK_RESERVED;
	if (strstr(s, "runout"))
		flags |= MSVD_TRACK_RUNOUT;
	if (strstr(s, "damaged"))
		flags |= MSVD_TRACK_DAMAGED;
	return flags;
}

static int parse_line(struct msvd_disc *d, const char *line)
{
	char word[32], flags[64];
	unsigned long a, b, c, e;
	int n;

	if (sscanf(line, "profile %31s", word) == 1) {
		d->profile = msvd_profile_parse(word);
		return d->profile < 0 ? -1 : 0;
	}
	if (sscanf(line, "capacity %lu", &a) == 1) {
		d->capacity = (uint32_t)a;
		return 0;
	}
	if (sscanf(line, "closed %d", &n) == 1) {
		d->closed = n;
		return 0;
	}
	if (sscanf(line, "sessions %d", &n) == 1) {
		d->sessions = n;
		return 0;
	}
	if (sscanf(line, "next %lu", &a) == 1) {
		d->next = (uint32_t)a;
		return 0;
	}
	if (sscanf(line, "track %d %lu %lu %lu %63s", &n, &a, &b, &c,
		   flags) == 5) {
		struct msvd_track t;

		e = a + (b > c ? b : c);
		if (n < 1 || e > UINT32_MAX)
			return -1;
		t.session = n;
		t.start = (uint32_t)a;
		t.written = (uint32_t)b;
		t.size = (uint32_t)c;
		t.flags = parse_flags(flags);
		return add_track(d, &t);
	}
	return -1;
}

int msvd_disc_load(const char *dir, int writable, struct msvd_disc **out,
		   char *err, size_t errlen)
{
	struct msvd_disc *d;
	char line[LINE_MAX_LEN], *path = NULL;
	FILE *fp = NULL;
	int lineno = 0, saved;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	d->data_fd = -1;
	d->dir = strdup(dir);
	path = path_in(dir, DISC_FILE);
	if (!d->dir || !path) {
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	fp = fopen(path, "re");
	if (!fp) {
		set_err(err, errlen, "cannot open '%s': %s", path,
			strerror(errno));
		goto fail;
	}
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		if (lineno == 1) {
			if (strncmp(line, DISC_MAGIC, strlen(DISC_MAGIC)))
				goto bad;
			continue;
		}
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (parse_line(d, line) < 0)
			goto bad;
	}
	if (lineno == 0 || d->profile <= 0)
		goto bad;
	fclose(fp);
	fp = NULL;
	free(path);
	path = path_in(dir, DATA_FILE);
	if (!path) {
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	d->data_fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (d->data_fd < 0) {
		set_err(err, errlen, "cannot open '%s': %s", path,
			strerror(errno));
		goto fail;
	}
	free(path);
	*out = d;
	return 0;
bad:
	set_err(err, errlen, "'%s' is not a virtual disc (line %d)", path,
		lineno);
	errno = EINVAL;
fail:
	saved = errno;
	if (fp)
		fclose(fp);
	free(path);
	msvd_disc_free(d);
	errno = saved;
	return -1;
}

static void flag_words(unsigned flags, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s",
		 flags & MSVD_TRACK_CLOSED ? "closed" : "open",
		 flags & MSVD_TRACK_RESERVED ? ",reserved" : "",
		 flags & MSVD_TRACK_RUNOUT ? ",runout" : "",
		 flags & MSVD_TRACK_DAMAGED ? ",damaged" : "");
}

int msvd_disc_save(struct msvd_disc *d)
{
	char *path = NULL, *tmp = NULL, flags[64];
	FILE *fp = NULL;
	int i, ret = -1, saved;

	path = path_in(d->dir, DISC_FILE);
	tmp = path_in(d->dir, DISC_FILE ".new");
	if (!path || !tmp) {
		errno = ENOMEM;
		goto out;
	}
	fp = fopen(tmp, "we");
	if (!fp)
		goto out;
	fprintf(fp, "%s\n", DISC_MAGIC);
	fprintf(fp, "# track: session start written size state\n");
	fprintf(fp, "profile %s\n", msvd_profile_word(d->profile));
	fprintf(fp, "capacity %lu\n", (unsigned long)d->capacity);
	fprintf(fp, "closed %d\n", d->closed);
	fprintf(fp, "sessions %d\n", d->sessions);
	fprintf(fp, "next %lu\n", (unsigned long)d->next);
	for (i = 0; i < d->ntracks; i++) {
		const struct msvd_track *t = &d->tracks[i];

		flag_words(t->flags, flags, sizeof(flags));
		fprintf(fp, "track %d %lu %lu %lu %s\n", t->session,
			(unsigned long)t->start, (unsigned long)t->written,
			(unsigned long)t->size, flags);
	}
	if (fflush(fp) != 0 || ferror(fp))
		goto out;
	if (fclose(fp) != 0) {
		fp = NULL;
		goto out;
	}
	fp = NULL;
	if (rename(tmp, path) < 0)
		goto out;
	d->dirty = 0;
	ret = 0;
out:
	saved = errno;
	if (fp) {
		fclose(fp);
		unlink(tmp);
	}
	free(path);
	free(tmp);
	errno = saved;
	return ret;
}

void msvd_disc_free(struct msvd_disc *d)
{
	if (!d)
		return;
	if (d->data_fd >= 0)
		close(d->data_fd);
	free(d->tracks);
	free(d->dir);
	free(d);
}

void msvd_disc_mark_interrupted(struct msvd_disc *d)
{
	struct msvd_track *t = msvd_open_track(d);

	if (!t || (t->flags & (MSVD_TRACK_RESERVED | MSVD_TRACK_DAMAGED)) ||
	    t->written == 0)
		return;
	t->flags |= MSVD_TRACK_DAMAGED;
	d->dirty = 1;
}

enum msvd_status msvd_disc_status(const struct msvd_disc *d)
{
	if (d->closed)
		return MSVD_CLOSED;
	if (d->ntracks == 0)
		return MSVD_BLANK;
	return MSVD_APPENDABLE;
}

enum msvd_session_state msvd_last_session_state(const struct msvd_disc *d)
{
	if (d->closed)
		return MSVD_SESSION_COMPLETE;
	if (d->ntracks > 0 && d->tracks[d->ntracks - 1].session > d->sessions)
		return MSVD_SESSION_INCOMPLETE;
	return MSVD_SESSION_EMPTY;
}

int msvd_session_count(const struct msvd_disc *d)
{
	return d->closed ? d->sessions : d->sessions + 1;
}

struct msvd_track *msvd_open_track(const struct msvd_disc *d)
{
	struct msvd_track *t;

	if (d->ntracks == 0)
		return NULL;
	t = &d->tracks[d->ntracks - 1];
	return t->flags & MSVD_TRACK_CLOSED ? NULL : t;
}

int msvd_nwa(const struct msvd_disc *d, uint32_t *nwa, uint32_t *free_blocks)
{
	const struct msvd_track *t = msvd_open_track(d);
	uint32_t at, limit;

	*nwa = 0;
	*free_blocks = 0;
	if (msvd_profile_is_overwriteable(d->profile)) {
		*free_blocks = d->capacity;
		return 1;
	}
	if (d->closed)
		return 0;
	if (t && (t->flags & MSVD_TRACK_DAMAGED) &&
	    msvd_profile_is_cd(d->profile))
		return 0;
	if (t) {
		at = t->start + t->written;
		if (t->flags & MSVD_TRACK_RESERVED)
			limit = t->start + t->size;
		else
			limit = writable_end(d);
	} else {
		at = d->next;
		limit = writable_end(d);
	}
	*nwa = at;
	if (at >= limit)
		return 0;
	*free_blocks = limit - at;
	return 1;
}

int msvd_invisible_track(const struct msvd_disc *d)
{
	const struct msvd_track *t = msvd_open_track(d);

	if (t && !(t->flags & MSVD_TRACK_RESERVED))
		return d->ntracks;
	return d->ntracks + 1;
}

uint32_t msvd_track_end(const struct msvd_track *t)
{
	if (t->flags & (MSVD_TRACK_CLOSED | MSVD_TRACK_RESERVED))
		return t->start + t->size;
	return t->start + t->written;
}

uint32_t msvd_recorded_end(const struct msvd_disc *d)
{
	uint32_t end = 0;
	int i;

	/* a formatted medium: READ CAPACITY names the whole of it */
	if (msvd_profile_is_overwriteable(d->profile))
		return d->capacity;
	for (i = 0; i < d->ntracks; i++) {
		const struct msvd_track *t = &d->tracks[i];
		uint32_t e = t->start + t->written;

		if (t->flags & MSVD_TRACK_RUNOUT)
			e += MSVD_CD_RUNOUT;
		if (e > end)
			end = e;
	}
	return end;
}

int msvd_session_tracks(const struct msvd_disc *d, int session, int *first,
			int *last)
{
	int i;

	*first = *last = 0;
	for (i = 0; i < d->ntracks; i++) {
		if (d->tracks[i].session != session)
			continue;
		if (!*first)
			*first = i + 1;
		*last = i + 1;
	}
	return *first ? 0 : -1;
}

uint32_t msvd_store(struct msvd_disc *d, uint32_t lba, uint32_t count,
		    const void *buf)
{
	size_t len = (size_t)count * MSVD_BLOCK;
	off_t off = (off_t)lba * MSVD_BLOCK;
	const char *p = buf;

	while (len > 0) {
		ssize_t n = pwrite(d->data_fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return MSVD_E_WRITE_ERROR;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

uint32_t msvd_write(struct msvd_disc *d, uint32_t lba, uint32_t count,
		    const void *buf)
{
	struct msvd_track *t = msvd_open_track(d);
	struct msvd_track fresh;
	uint32_t nwa, free_blocks, sense;

	if (msvd_profile_is_overwriteable(d->profile)) {
		if ((uint64_t)lba + count > d->capacity)
			return MSVD_E_LBA_OUT_OF_RANGE;
		sense = msvd_store(d, lba, count, buf);
		if (sense)
			return sense;
		if (lba + count > d->next) {
			d->next = lba + count;
			d->dirty = 1;
		}
		return 0;
	}
	if (d->closed)
		return MSVD_E_INVALID_WRITE_ADDRESS;
	msvd_nwa(d, &nwa, &free_blocks);
	if (lba != nwa)
		return MSVD_E_INVALID_WRITE_ADDRESS;
	if (count > free_blocks)
		return MSVD_E_LBA_OUT_OF_RANGE;
	sense = msvd_store(d, lba, count, buf);
	if (sense)
		return sense;
	if (!t) {
		memset(&fresh, 0, sizeof(fresh));
		fresh.session = d->sessions + 1;
		fresh.start = lba;
		if (add_track(d, &fresh) < 0)
			return MSVD_E_WRITE_ERROR;
		t = &d->tracks[d->ntracks - 1];
	}
	t->written += count;
	d->dirty = 1;
	return 0;
}

/*
 * Blocks that fail to read as if damaged: MSVD_UNREADABLE holds their
 * addresses, separated by commas.
 */
static int damaged(uint64_t lba)
{
	const char *p = getenv("MSVD_UNREADABLE");
	char *end;

	while (p && *p) {
		unsigned long long v = strtoull(p, &end, 10);

		if (end == p)
			return 0;
		if (v == lba)
			return 1;
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

uint32_t msvd_read(const struct msvd_disc *d, uint32_t lba, uint32_t count,
		   void *buf)
{
	uint64_t b, end = (uint64_t)lba + count;
	uint32_t recorded = msvd_recorded_end(d);
	size_t len = (size_t)count * MSVD_BLOCK, done = 0;
	int i;

	if (msvd_profile_is_overwriteable(d->profile)) {
		if (end > d->capacity)
			return MSVD_E_LBA_OUT_OF_RANGE;
		end = lba;	/* every block is readable */
	}
	for (b = lba; b < end; b++) {
		int readable = 0;
		uint32_t sense = 0;

		for (i = 0; i < d->ntracks; i++) {
			const struct msvd_track *t = &d->tracks[i];
			uint64_t data_end = (uint64_t)t->start + t->written;

			if (b >= t->start && b < data_end) {
				readable = 1;
				break;
			}
			if ((t->flags & MSVD_TRACK_RUNOUT) && b >= data_end &&
			    b < data_end + MSVD_CD_RUNOUT) {
				sense = MSVD_E_ILLEGAL_MODE;
				break;
			}
		}
		if (readable && damaged(b))
			return MSVD_E_READ_ERROR;
		if (readable)
			continue;
		if (sense)
			return sense;
		if (b >= recorded)
			return MSVD_E_LBA_OUT_OF_RANGE;
		return MSVD_E_READ_ERROR;
	}
	while (done < len) {
		ssize_t n = pread(d->data_fd, (char *)buf + done, len - done,
				  (off_t)lba * MSVD_BLOCK + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return MSVD_E_READ_ERROR;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	/* blocks padded by the drive lie beyond the end of the data file */
	memset((char *)buf + done, 0, len - done);
	return 0;
}

uint32_t msvd_reserve(struct msvd_disc *d, uint32_t blocks)
{
	struct msvd_track t;
	uint32_t nwa, free_blocks, size;

	if (d->closed || msvd_open_track(d))
		return MSVD_E_SEQUENCE;
	if (!msvd_nwa(d, &nwa, &free_blocks))
		return MSVD_E_LBA_OUT_OF_RANGE;
	/* the track keeps its size, the next one starts on the unit */
	size = align_up(blocks, track_alignment(d->profile));
	if (blocks == 0 || size > free_blocks)
		return MSVD_E_LBA_OUT_OF_RANGE;
	memset(&t, 0, sizeof(t));
	t.session = d->sessions + 1;
	t.start = nwa;
	t.size = blocks;
	t.flags = MSVD_TRACK_RESERVED;
	if (add_track(d, &t) < 0)
		return MSVD_E_WRITE_ERROR;
	d->next = nwa + size;
	d->dirty = 1;
	return 0;
}

/* What the drive records when it closes a track. */
static void finish_track(struct msvd_disc *d, struct msvd_track *t)
{
	if (msvd_profile_is_cd(d->profile)) {
		if (t->written < MSVD_CD_MIN_TRACK)
			t->written = MSVD_CD_MIN_TRACK;
		t->size = t->written + MSVD_CD_RUNOUT;
		t->flags |= MSVD_TRACK_RUNOUT;
		d->next = t->start + t->size + MSVD_CD_PREGAP;
	} else {
		if (t->flags & MSVD_TRACK_RESERVED)
			t->written = t->size;
		else
			t->size = t->written;
		d->next = align_up(t->start + t->size,
				   track_alignment(d->profile));
		/* an incremental DVD-R track ends in a link block */
		if (d->profile == MSVD_PROFILE_DVD_MINUS_R &&
		    !(t->flags & MSVD_TRACK_RESERVED))
			d->next += MSVD_DVD_MINUS_R_LINK;
	}
	t->flags |= MSVD_TRACK_CLOSED;
	t->flags &= ~(unsigned)MSVD_TRACK_DAMAGED;
	d->dirty = 1;
}

uint32_t msvd_close_track(struct msvd_disc *d, int number)
{
	struct msvd_track *t = msvd_open_track(d);

	if (!t || d->closed)
		return MSVD_E_SEQUENCE;
	if (number != 0 && number != MSVD_TRACK_INVISIBLE &&
	    number != d->ntracks)
		return MSVD_E_SEQUENCE;
	if (t->written == 0 && !(t->flags & MSVD_TRACK_RESERVED))
		return MSVD_E_SEQUENCE;
	finish_track(d, t);
	return 0;
}

/* Blocks between the lead-out of a closed session and the next track. */
static uint32_t session_gap(const struct msvd_disc *d, uint32_t leadout)
{
	uint32_t pad;

	switch (d->profile) {
	case MSVD_PROFILE_CD_R:
	case MSVD_PROFILE_CD_RW:
		return (d->sessions == 1 ? MSVD_CD_LEADOUT_FIRST :
			MSVD_CD_LEADOUT_NEXT) + MSVD_CD_LEADIN +
		       MSVD_CD_PREGAP;
	case MSVD_PROFILE_DVD_PLUS_R:
	case MSVD_PROFILE_DVD_PLUS_R_DL:
		pad = align_up(leadout, MSVD_DVD_ECC_BLOCKS) - leadout;
		return pad + MSVD_DVD_PLUS_R_GAP;
	case MSVD_PROFILE_DVD_MINUS_R:
	case MSVD_PROFILE_DVD_MINUS_R_DL:
		pad = align_up(leadout, MSVD_DVD_ECC_BLOCKS) - leadout;
		return pad + (d->sessions == 1 ? MSVD_DVD_MINUS_R_GAP_FIRST :
			      MSVD_DVD_MINUS_R_GAP_NEXT);
	default:
		pad = align_up(leadout, MSVD_BD_CLUSTER_BLOCKS) - leadout;
		return pad + MSVD_BD_R_GAP;
	}
}

/* Close the session whose tracks are recorded; maybe the disc too. */
static void end_session(struct msvd_disc *d, int finalize)
{
	uint32_t leadout = msvd_track_end(&d->tracks[d->ntracks - 1]);
	uint64_t next;

	d->sessions++;
	next = (uint64_t)leadout + session_gap(d, leadout);
	d->next = next > UINT32_MAX ? UINT32_MAX : (uint32_t)next;
	if (finalize || next + min_track(d->profile) > writable_end(d))
		d->closed = 1;
	d->dirty = 1;
}

uint32_t msvd_close_session(struct msvd_disc *d, int finalize)
{
	struct msvd_track *t = msvd_open_track(d);

	if (d->closed)
		return MSVD_E_SEQUENCE;
	if (t) {
		if (t->written == 0 && !(t->flags & MSVD_TRACK_RESERVED))
			return MSVD_E_SEQUENCE;
		finish_track(d, t);
	}
	if (msvd_last_session_state(d) != MSVD_SESSION_INCOMPLETE) {
		/* nothing recorded since the last session: finalize only */
		if (!finalize || d->sessions == 0)
			return MSVD_E_SEQUENCE;
		d->closed = 1;
		d->dirty = 1;
		return 0;
	}
	end_session(d, finalize);
	return 0;
}

uint32_t msvd_record_session(struct msvd_disc *d, const uint32_t *starts,
			     int count, uint32_t leadout, int finalize)
{
	int i;

	if (d->closed || msvd_open_track(d) || count < 1)
		return MSVD_E_SEQUENCE;
	for (i = 0; i < count; i++) {
		struct msvd_track t;
		uint32_t end = i + 1 < count ? starts[i + 1] : leadout;

		if (end <= starts[i])
			return MSVD_E_INVALID_FIELD_PARAM;
		memset(&t, 0, sizeof(t));
		t.session = d->sessions + 1;
		t.start = starts[i];
		t.written = t.size = end - starts[i];
		t.flags = MSVD_TRACK_CLOSED;
		if (add_track(d, &t) < 0)
			return MSVD_E_WRITE_ERROR;
	}
	end_session(d, finalize);
	return 0;
}

uint32_t msvd_blank(struct msvd_disc *d)
{
	if (d->profile != MSVD_PROFILE_CD_RW)
		return MSVD_E_INCOMPATIBLE_MEDIUM;
	if (ftruncate(d->data_fd, 0) < 0)
		return MSVD_E_WRITE_ERROR;
	d->ntracks = 0;
	d->sessions = 0;
	d->closed = 0;
	d->next = 0;
	d->dirty = 1;
	return 0;
}
