/*
 * The libburn backend of the medium interface: files (libburn's stdio
 * pseudo-drive) and MMC drives.  Reads go through libburn
 * (burn_read_data), bounded by the file's size so that a short file reads
 * as "beyond the end" rather than as zeros.  Drives are written through
 * libburn; files through the descriptor that holds their lock, in large
 * pieces.  This is the one file besides burn's TAO and blanking writers
 * (medium_burn.h) that calls libburn's drive API.
 */
#include <errno.h>
#include <fcntl.h>
#include <libburn/libburn.h>
#include <stdint.h>
#include <libisofs/libisofs.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exit.h"
#include "iso9660.h"
#include "layout.h"
#include "medium.h"
#include "medium_burn.h"

#define STDIO_PREFIX	"stdio:"
#define DEV_PREFIX	"/dev/"
#define CACHE_BLOCKS	32
/* libburn reads at most this much per call; larger reads are split */
#define READ_CHUNK	(32 * MS_BLOCK)
#define SETTLE_POLL_USEC 100000
#define SETTLE_POLLS	1200	/* two minutes */
#define BURN_MSG_BUSY_DEVICE 0x00020001	/* libburn: "Cannot open busy device" */
/* a drive that reports no read capacity: let the TOC walk find the end */
#define DRIVE_BLOCKS_UNKNOWN 0x7ffffff0

_Static_assert(MS_BURN_ADR_LEN >= BURN_DRIVE_ADR_LEN, "drive address room");

struct burn_medium {
	char *path;		/* file path or drive address */
	enum ms_medium_kind kind;
	struct burn_drive_info *infos;
	struct burn_drive *drive;
	uint32_t offset;	/* disc address of block 0 (session images) */
	int lock_fd;		/* files: holds the flock, -1 if none */
	int created;		/* files: the lock created the file */
	int readahead;		/* serve small reads from a run read ahead */
	/* a small read-ahead cache for block-by-block readers (libisofs) */
	uint8_t *cache;
	uint32_t cache_lba, cache_count;
};

static int lib_started;

int ms_lib_init(struct ms_ctx *c)
{
	int ret;

	if (lib_started)
		return 0;
	if (!burn_initialize())
		return ms_fail(c, MS_EXIT_FAILURE, "cannot start libburn");
	burn_msgs_set_severities("SORRY", "NEVER", "");
	ret = iso_init();
	if (ret < 0) {
		burn_finish();
		return ms_fail(c, MS_EXIT_FAILURE, "cannot start libisofs: %s",
			       iso_error_to_msg(ret));
	}
	iso_set_msgs_severities("WARNING", "NEVER", "");
	lib_started = 1;
	return 0;
}

void ms_lib_finish(void)
{
	if (!lib_started)
		return;
	ms_burn_msgs_drop();
	iso_finish();
	burn_finish();
	lib_started = 0;
}

void ms_burn_msgs_drop(void)
{
	char text[BURN_MSGS_MESSAGE_LEN], sev[80];
	int code, err;

	while (burn_msgs_obtain("ALL", &code, text, &err, sev) > 0)
		;
}

void ms_burn_msgs_append(struct ms_ctx *c)
{
	char text[BURN_MSGS_MESSAGE_LEN], sev[80], last[BURN_MSGS_MESSAGE_LEN];
	int code, err, last_err = 0, busy = 0;

	last[0] = '\0';
	while (burn_msgs_obtain("ALL", &code, text, &err, sev) > 0) {
		if (busy)
			continue;
		memcpy(last, text, sizeof(last));
		last_err = err;
		/* "Cannot open busy device": another process holds the drive */
		busy = code == BURN_MSG_BUSY_DEVICE || err == EBUSY;
	}
	if (!last[0])
		return;
	if (busy)
		c->status = MS_EXIT_BUSY;
	ms_msg_tidy(last);
	ms_fail_append(c, " (libburn: %s%s%s)", last, last_err ? ": " : "",
		       last_err ? strerror(last_err) : "");
	if (last_err && !c->sys_errno)
		c->sys_errno = last_err;
}

/*
 * A name under /dev/ names a drive: when it does not exist the drive is
 * missing, and treating it as a new file would create a file in /dev.
 */
static int is_dev_name(const char *path)
{
	return !strncmp(path, DEV_PREFIX, strlen(DEV_PREFIX));
}

/*
 * Whether the file system path of a file medium can be one, by stat(2)
 * alone (opening a FIFO would block): a regular file, a block device or a
 * missing file (a blank medium) can; a missing name under /dev/ is a
 * missing drive; a directory or anything else is refused, in the same
 * words whether the name came with "stdio:" or without.
 */
static int classify_file(struct ms_ctx *c, const char *name, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT && is_dev_name(path))
			return ms_fail(c, MS_EXIT_FAILURE,
				       "no such drive '%s'", name);
		if (errno == ENOENT)
			return 0;
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot stat '%s'", name);
	}
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
		return 0;
	if (S_ISDIR(st.st_mode))
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' is a directory, not a medium", name);
	return ms_fail(c, MS_EXIT_UNSUITABLE,
		       "'%s' is neither a file nor an optical drive", name);
}

int ms_medium_burn_classify(struct ms_ctx *c, const char *name, char *adr,
			    enum ms_medium_kind *kind, const char **path)
{
	struct stat st;

	if (ms_medium_file_path(name) != name) {
		*kind = MS_MEDIUM_FILE;
		*path = ms_medium_file_path(name);
		if (!**path)
			return ms_fail(c, MS_EXIT_USAGE,
				       "empty path in medium address '%s'",
				       name);
		return classify_file(c, name, *path);
	}
	*path = name;
	if (stat(name, &st) < 0) {
		*kind = MS_MEDIUM_FILE;
		return classify_file(c, name, name);
	}
	if (S_ISREG(st.st_mode)) {
		*kind = MS_MEDIUM_FILE;
		return 0;
	}
	if (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode)) {
		if (burn_drive_convert_fs_adr((char *)name, adr) > 0) {
			*kind = MS_MEDIUM_DRIVE;
			*path = adr;
			return 0;
		}
		ms_burn_msgs_drop();
	}
	*kind = MS_MEDIUM_FILE;
	return classify_file(c, name, name);
}

static int file_size(struct ms_medium *m, struct ms_ctx *c)
{
	struct burn_medium *b = ms_medium_state(m);
	struct ms_medium_info *in = ms_medium_info(m);
	struct stat st;
	uint64_t bytes = 0;
	int fd;

	if (stat(b->path, &st) < 0) {
		if (errno == ENOENT) {
			in->exists = 0;
			in->size_blocks = 0;
			return 0;
		}
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot stat '%s'", ms_medium_name(m));
	}
	in->exists = 1;
	if (S_ISBLK(st.st_mode)) {
		in->is_blockdev = 1;
		fd = open(b->path, O_RDONLY);
		if (fd < 0)
			return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
					     "cannot open '%s'",
					     ms_medium_name(m));
		if (ioctl(fd, BLKGETSIZE64, &bytes) < 0)
			bytes = 0;
		close(fd);
	} else {
		bytes = (uint64_t)st.st_size;
	}
	in->size_blocks = bytes / MS_BLOCK;
	in->size_bytes = bytes;
	return 0;
}

/*
 * Files that exist must be readable: say why one is not before libburn
 * reports a failed read of block 0.  O_NONBLOCK: never wait on an open.
 */
static int check_readable(struct ms_medium *m, struct ms_ctx *c)
{
	struct burn_medium *b = ms_medium_state(m);
	int fd;

	fd = open(b->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot open '%s'", ms_medium_name(m));
	close(fd);
	return 0;
}

static int grab(struct ms_medium *m, struct ms_ctx *c)
{
	struct burn_medium *b = ms_medium_state(m);
	struct ms_medium_info *in = ms_medium_info(m);
	char adr[BURN_DRIVE_ADR_LEN + sizeof(STDIO_PREFIX)];
	int ret, pno = 0;
	char pname[80] = "";

	if (b->kind == MS_MEDIUM_FILE)
		snprintf(adr, sizeof(adr), "%s%s", STDIO_PREFIX, b->path);
	else
		snprintf(adr, sizeof(adr), "%s", b->path);
	ret = burn_drive_scan_and_grab(&b->infos, adr, 1);
	if (ret <= 0) {
		b->infos = NULL;
		if (b->kind == MS_MEDIUM_DRIVE)
			ms_fail(c, MS_EXIT_FAILURE,
				"cannot open drive '%s': medium busy or "
				"not a usable drive", ms_medium_name(m));
		else
			ms_fail(c, MS_EXIT_FAILURE, "cannot open '%s'",
				ms_medium_name(m));
		ms_burn_msgs_append(c);
		return -1;
	}
	b->drive = b->infos[0].drive;
	if (b->kind == MS_MEDIUM_DRIVE) {
		int waited;

		/* wait, not for ever, for the drive to settle on its medium */
		for (waited = 0; waited < SETTLE_POLLS; waited++) {
			if (burn_drive_get_status(b->drive, NULL) ==
			    BURN_DRIVE_IDLE &&
			    burn_disc_get_status(b->drive) != BURN_DISC_UNREADY)
				break;
			usleep(SETTLE_POLL_USEC);
		}
		if (waited == SETTLE_POLLS) {
			ms_burn_msgs_drop();
			return ms_fail(c, MS_EXIT_FAILURE,
				       "drive '%s' did not become ready in %d "
				       "seconds", ms_medium_name(m),
				       SETTLE_POLLS *
				       (SETTLE_POLL_USEC / 1000) / 1000);
		}
	}
	if (burn_disc_get_profile(b->drive, &pno, pname) > 0) {
		in->profile = pno;
		snprintf(in->profile_name, sizeof(in->profile_name), "%s",
			 pname);
	}
	ms_burn_msgs_drop();
	return 0;
}

/*
 * Take the exclusive write lock of a file medium (non-blocking): a second
 * writer fails at once with MS_EXIT_BUSY and "medium busy".  Drives are
 * locked by libburn's exclusive grab.
 */
static int lock_file(struct ms_medium *m, struct ms_ctx *c)
{
	struct burn_medium *b = ms_medium_state(m);
	int fd;

	if (b->kind != MS_MEDIUM_FILE || b->lock_fd >= 0)
		return 0;
	fd = open(b->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd >= 0) {
		b->created = 1;
	} else if (errno == EEXIST) {
		fd = open(b->path, O_RDWR | O_CLOEXEC);
	}
	if (fd < 0)
		return ms_fail_errno(c, MS_EXIT_UNSUITABLE, errno,
				     "cannot open '%s' for writing",
				     ms_medium_name(m));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;

		close(fd);
		if (err == EWOULDBLOCK)
			return ms_fail(c, MS_EXIT_BUSY,
				       "medium busy: '%s' is being written by "
				       "another process", ms_medium_name(m));
		return ms_fail_errno(c, MS_EXIT_FAILURE, err,
				     "cannot lock '%s'", ms_medium_name(m));
	}
	b->lock_fd = fd;
	return file_size(m, c);
}

static void burn_close(struct ms_medium *m)
{
	struct burn_medium *b = ms_medium_state(m);

	if (!b)
		return;
	if (b->drive)
		burn_drive_release(b->drive, 0);
	if (b->infos)
		burn_drive_info_free(b->infos);
	if (b->lock_fd >= 0) {
		struct stat st;

		/* a lock that created the file and wrote nothing removes it */
		if (b->created && fstat(b->lock_fd, &st) == 0 &&
		    st.st_size == 0)
			unlink(b->path);
		close(b->lock_fd);
	}
	ms_burn_msgs_drop();
	free(b->cache);
	free(b->path);
	free(b);
}

static int burn_refresh(struct ms_medium *m, struct ms_ctx *c)
{
	struct burn_medium *b = ms_medium_state(m);

	free(b->cache);
	b->cache = NULL;
	b->cache_count = 0;
	/* libburn learns a medium's new state only by grabbing it anew */
	if (b->drive)
		burn_drive_release(b->drive, 0);
	if (b->infos)
		burn_drive_info_free(b->infos);
	b->drive = NULL;
	b->infos = NULL;
	if (b->kind == MS_MEDIUM_FILE && file_size(m, c) < 0)
		return -1;
	return grab(m, c);
}

static int64_t burn_free_bytes(struct ms_medium *m, uint64_t start_byte)
{
	struct burn_medium *b = ms_medium_state(m);
	struct burn_write_opts *o;
	off_t space;

	if (!b->drive)
		return 0;
	o = burn_write_opts_new(b->drive);
	if (!o)
		return 0;
	burn_write_opts_set_start_byte(o, (off_t)start_byte);
	space = burn_disc_available_space(b->drive, o);
	burn_write_opts_free(o);
	ms_burn_msgs_drop();
	return space < 0 ? 0 : (int64_t)space;
}

static int raw_read(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		    uint32_t count, uint8_t *buf)
{
	struct burn_medium *b = ms_medium_state(m);
	uint32_t done = 0;

	while (done < count) {
		uint32_t n = count - done;
		off_t got = 0;
		int ret;

		if (n > READ_CHUNK / MS_BLOCK)
			n = READ_CHUNK / MS_BLOCK;
		ret = burn_read_data(b->drive,
				     (off_t)(lba + done - b->offset) * MS_BLOCK,
				     (char *)buf + (size_t)done * MS_BLOCK,
				     (off_t)n * MS_BLOCK, &got, 2 | 4);
		if (ret <= 0) {
			ms_fail(c, MS_EXIT_FAILURE,
				"cannot read block %u of '%s'",
				lba + done + (uint32_t)(got / MS_BLOCK),
				ms_medium_name(m));
			ms_burn_msgs_append(c);
			return -1;
		}
		done += n;
	}
	ms_medium_count_read(m, count);
	return 0;
}

/* One past the last readable disc address of a file medium. */
static uint64_t file_end(struct ms_medium *m)
{
	struct burn_medium *b = ms_medium_state(m);

	return ms_medium_size_blocks(m) + b->offset;
}

static int check_range(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		       uint32_t count)
{
	struct burn_medium *b = ms_medium_state(m);
	uint64_t end = (uint64_t)lba + count, fend = file_end(m);

	if (lba < b->offset)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "block %u lies before the start of '%s' "
			       "(it starts at block %u)", lba,
			       ms_medium_name(m), b->offset);
	if (b->kind != MS_MEDIUM_FILE)
		return 0;
	if (end > fend)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "cannot read block %llu of '%s': beyond the "
			       "end of the medium (%llu blocks)",
			       (unsigned long long)(lba < fend ? fend : lba),
			       ms_medium_name(m), (unsigned long long)fend);
	return 0;
}

static int read_all(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		    uint32_t count, uint8_t *buf)
{
	struct burn_medium *b = ms_medium_state(m);
	uint32_t n;

	if (check_range(m, c, lba, count) < 0)
		return -1;
	if (b->cache_count && lba >= b->cache_lba &&
	    (uint64_t)lba + count <= (uint64_t)b->cache_lba + b->cache_count) {
		memcpy(buf, b->cache + (size_t)(lba - b->cache_lba) * MS_BLOCK,
		       (size_t)count * MS_BLOCK);
		return 0;
	}
	if (count > 2 || !b->readahead)
		return raw_read(m, c, lba, count, buf);
	/* small reads: fetch a run ahead, as directory walks are sequential */
	if (!b->cache) {
		b->cache = malloc((size_t)CACHE_BLOCKS * MS_BLOCK);
		if (!b->cache)
			return raw_read(m, c, lba, count, buf);
	}
	n = CACHE_BLOCKS;
	if (b->kind == MS_MEDIUM_FILE && (uint64_t)lba + n > file_end(m))
		n = (uint32_t)(file_end(m) - lba);
	b->cache_count = 0;
	if (raw_read(m, c, lba, n, b->cache) < 0) {
		/* a drive may refuse the run (run-out blocks): read exactly */
		ms_burn_msgs_drop();
		return raw_read(m, c, lba, count, buf);
	}
	b->cache_lba = lba;
	b->cache_count = n;
	memcpy(buf, b->cache, (size_t)count * MS_BLOCK);
	return 0;
}

static int burn_read(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		     uint32_t count, uint8_t *buf, uint32_t *got)
{
	struct burn_medium *b = ms_medium_state(m);
	uint32_t n = count;

	if (got && b->kind == MS_MEDIUM_FILE) {
		uint64_t end = file_end(m);

		n = (uint64_t)lba >= end ? 0 :
		    (uint32_t)((uint64_t)lba + count > end ? end - lba : count);
	}
	if (got)
		*got = n;
	if (n == 0)
		return 0;
	return read_all(m, c, lba, n, buf);
}

static void burn_set_readahead(struct ms_medium *m, int on)
{
	struct burn_medium *b = ms_medium_state(m);

	b->readahead = on;
}

/*
 * Files are written through the locked descriptor: libburn's random access
 * write moves 32 KiB per system call, which costs a third of the speed of
 * large writes on a fast disk.
 */
static int file_write(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		      uint32_t count, const uint8_t *buf, unsigned flags)
{
	struct burn_medium *b = ms_medium_state(m);
	size_t left = (size_t)count * MS_BLOCK;
	off_t pos = (off_t)lba * MS_BLOCK;
	ssize_t n;

	while (left > 0) {
		n = pwrite(b->lock_fd, buf, left, pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ms_fail_errno(c, MS_EXIT_FAILURE,
					     n < 0 ? errno : ENOSPC,
					     "cannot write block %llu of '%s'",
					     (unsigned long long)(pos / MS_BLOCK),
					     ms_medium_name(m));
		/*
		 * Start the write-back now, without waiting for it, so that
		 * the flush at the end of the session finds little to do.
		 */
		sync_file_range(b->lock_fd, pos, n, SYNC_FILE_RANGE_WRITE);
		buf += n;
		pos += n;
		left -= (size_t)n;
	}
	if ((flags & MS_WRITE_SYNC) && fsync(b->lock_fd) < 0)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot flush '%s' to disk",
				     ms_medium_name(m));
	return 0;
}

static int burn_write(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		      uint32_t count, const uint8_t *buf, unsigned flags)
{
	struct burn_medium *b = ms_medium_state(m);
	int ret;

	b->cache_count = 0;
	if (b->kind == MS_MEDIUM_FILE) {
		if (b->lock_fd < 0)
			return ms_fail(c, MS_EXIT_FAILURE,
				       "'%s' was not opened for writing",
				       ms_medium_name(m));
		return file_write(m, c, lba, count, buf, flags);
	}
	ret = burn_random_access_write(b->drive, (off_t)lba * MS_BLOCK,
				       (char *)buf, (off_t)count * MS_BLOCK,
				       (flags & MS_WRITE_SYNC) ? 1 : 0);
	if (ret <= 0) {
		ms_fail(c, MS_EXIT_FAILURE,
			"cannot write blocks %u to %u of '%s'", lba,
			lba + count - 1, ms_medium_name(m));
		ms_burn_msgs_append(c);
		return -1;
	}
	ms_burn_msgs_drop();
	return 0;
}

/*
 * Files: 1 if the first n bytes (or all, if the file is shorter) are zero,
 * 0 if not, -1 on error.  For files too short to hold a descriptor.
 */
static int zero_prefix(struct ms_medium *m, struct ms_ctx *c, size_t n)
{
	uint8_t buf[4096];
	size_t done = 0;
	ssize_t r;
	int fd, ret = 1;

	fd = open(ms_medium_file(m), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot open '%s'", ms_medium_name(m));
	while (done < n && ret == 1) {
		r = read(fd, buf, n - done < sizeof(buf) ? n - done :
			 sizeof(buf));
		if (r < 0) {
			ret = ms_fail_errno(c, MS_EXIT_FAILURE, errno,
					    "cannot read '%s'",
					    ms_medium_name(m));
			break;
		}
		if (r == 0)
			break;
		if (!ms_is_zero(buf, (size_t)r))
			ret = 0;
		done += (size_t)r;
	}
	close(fd);
	return ret;
}

/* Files and overwriteable discs: the emulated TOC of DESIGN section 3. */
static int layout_emulated(struct ms_ctx *c, struct ms_medium *m,
			   struct ms_layout *l)
{
	struct burn_medium *b = ms_medium_state(m);
	uint64_t blocks;
	uint32_t origin = 0;
	int r;

	if (b->kind == MS_MEDIUM_FILE) {
		r = ms_layout_read_image(c, m, l, &origin);
		if (r < 0)
			return -1;
		if (r > 0) {
			b->offset = origin;
			return ms_layout_finish_sessions(c, m, l);
		}
		blocks = ms_medium_size_blocks(m);
		/* too short for a descriptor: blank only if all zero */
		if (blocks <= MS_VD_FIRST &&
		    ms_medium_size_bytes(m) % MS_BLOCK) {
			int z = zero_prefix(m, c, (size_t)MS_HEAD_BLOCKS *
					       MS_BLOCK);

			if (z < 0)
				return -1;
			if (!z)
				return ms_fail(c, MS_EXIT_UNSUITABLE,
					       "no ISO 9660 primary volume "
					       "descriptor at block 16 (%llu "
					       "bytes, not all zero)",
					       (unsigned long long)
					       ms_medium_size_bytes(m));
		}
	} else {
		int cap = 0;

		blocks = burn_get_read_capacity(b->drive, &cap, 0) > 0 &&
			 cap > 0 ? (uint64_t)cap : 0;
		ms_burn_msgs_drop();
		if (blocks == 0)
			blocks = DRIVE_BLOCKS_UNKNOWN;
	}
	return ms_layout_read_emulated(c, m, l, blocks);
}

/* Write-once media: the drive's own TOC, NWA and free space. */
static int read_mmc(struct ms_ctx *c, struct ms_medium *m,
		    struct ms_layout *l)
{
	struct burn_disc *disc = NULL;
	struct burn_session **sessions = NULL;
	struct burn_track **tracks;
	struct burn_toc_entry e;
	enum burn_disc_status st;
	int nsess = 0, ntracks, i, lba, nwa, msc1, ret = -1;
	off_t space;
	struct burn_medium *b = ms_medium_state(m);

	l->first_address = 0;
	st = burn_disc_get_status(b->drive);
	switch (st) {
	case BURN_DISC_BLANK:
		l->status = MS_STATUS_BLANK;
		break;
	case BURN_DISC_APPENDABLE:
		l->status = MS_STATUS_APPENDABLE;
		break;
	case BURN_DISC_FULL:
		l->status = MS_STATUS_CLOSED;
		break;
	case BURN_DISC_EMPTY:
		ms_burn_msgs_drop();
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "no medium in drive '%s'", ms_medium_name(m));
	default:
		l->status = MS_STATUS_UNSUITABLE;
		break;
	}
	if (l->status == MS_STATUS_APPENDABLE ||
	    l->status == MS_STATUS_CLOSED) {
		disc = burn_drive_get_disc(b->drive);
		if (disc)
			sessions = burn_disc_get_sessions(disc, &nsess);
		for (i = 0; i < nsess; i++) {
			uint32_t start, end;
			int t;

			tracks = burn_session_get_tracks(sessions[i], &ntracks);
			if (ntracks <= 0)
				continue;
			burn_track_get_entry(tracks[0], &e);
			start = (uint32_t)e.start_lba;
			end = start;
			for (t = 0; t < ntracks; t++) {
				burn_track_get_entry(tracks[t], &e);
				end = (uint32_t)(e.start_lba + e.track_blocks);
			}
			if (ms_layout_add_session(c, l, start, end - start,
						  ntracks) < 0)
				goto out;
		}
	}
	if (l->status == MS_STATUS_APPENDABLE) {
		if (burn_disc_get_msc1(b->drive, &msc1) > 0)
			l->msc1 = (uint32_t)msc1;
		if (burn_disc_track_lba_nwa(b->drive, NULL, 0, &lba, &nwa) > 0)
			l->nwa = (uint32_t)nwa;
		else
			l->damaged = 1;
		/* an interrupted write leaves a track the drive cannot extend */
		if (burn_disc_next_track_is_damaged(b->drive, 0) > 0)
			l->damaged = 1;
	} else if (l->status == MS_STATUS_BLANK) {
		l->nwa = 0;
	}
	if (l->status == MS_STATUS_BLANK ||
	    l->status == MS_STATUS_APPENDABLE) {
		space = burn_disc_available_space(b->drive, NULL);
		l->free_blocks = space > 0 ? (uint64_t)space / MS_BLOCK : 0;
		l->capacity_blocks = l->nwa + l->free_blocks;
	} else {
		int cap = 0;

		if (burn_get_read_capacity(b->drive, &cap, 0) > 0 && cap > 0)
			l->capacity_blocks = (uint64_t)cap;
	}
	ms_burn_msgs_drop();
	ret = ms_layout_finish_sessions(c, m, l);
out:
	if (disc)
		burn_disc_free(disc);
	return ret;
}

static int burn_layout(struct ms_medium *m, struct ms_ctx *c,
		       struct ms_layout *l)
{
	struct burn_medium *b = ms_medium_state(m);
	int ret;

	l->medium = ms_medium_name(m);
	l->kind = b->kind;
	l->profile = ms_medium_profile(m);
	memcpy(l->profile_name, ms_medium_profile_name(m),
	       sizeof(l->profile_name));
	if (b->kind == MS_MEDIUM_FILE ||
	    ms_profile_is_overwriteable(l->profile))
		ret = layout_emulated(c, m, l);
	else
		ret = read_mmc(c, m, l);
	if (ret < 0) {
		ms_fail_prefix(c, "cannot read the sessions of '%s'",
			       ms_medium_name(m));
		return -1;
	}
	ms_layout_set_overheads(l);
	return 0;
}

static const struct ms_medium_ops burn_ops = {
	.read = burn_read,
	.layout = burn_layout,
	.write = burn_write,
	.refresh = burn_refresh,
	.close = burn_close,
	.set_readahead = burn_set_readahead,
	.free_bytes = burn_free_bytes,
};

struct burn_drive *ms_medium_burn_drive(const struct ms_medium *m)
{
	const struct burn_medium *b;

	if (!m || ms_medium_ops(m) != &burn_ops)
		return NULL;
	b = ms_medium_state(m);
	return b->drive;
}

int ms_medium_burn_open(struct ms_ctx *c, const char *name,
			enum ms_medium_kind kind, const char *path,
			unsigned flags, struct ms_medium **out)
{
	struct ms_medium_info *in;
	struct burn_medium *b;
	struct ms_medium *m;

	*out = NULL;
	b = calloc(1, sizeof(*b));
	if (b)
		b->path = strdup(path);
	if (!b || !b->path) {
		free(b);
		return ms_fail_errno(c, MS_EXIT_FAILURE, ENOMEM, "open");
	}
	b->lock_fd = -1;
	b->kind = kind;
	if (ms_medium_new(c, name, &burn_ops, b, &m) < 0) {
		free(b->path);
		free(b);
		return -1;
	}
	in = ms_medium_info(m);
	if (kind == MS_MEDIUM_FILE)
		in->file = b->path;
	if (kind == MS_MEDIUM_FILE && file_size(m, c) < 0)
		goto fail;
	if (kind == MS_MEDIUM_FILE && !in->exists &&
	    (flags & MS_OPEN_EXISTING)) {
		ms_fail(c, MS_EXIT_FAILURE, "no such file '%s' (a new disc "
			"file would start blank)", name);
		goto fail;
	}
	if (kind == MS_MEDIUM_FILE && in->exists && check_readable(m, c) < 0)
		goto fail;
	if ((flags & MS_OPEN_WRITE) && kind == MS_MEDIUM_FILE &&
	    lock_file(m, c) < 0)
		goto fail;
	if (grab(m, c) < 0)
		goto fail;
	if (kind == MS_MEDIUM_FILE && in->profile == 0) {
		in->profile = MS_PROFILE_STDIO;
		snprintf(in->profile_name, sizeof(in->profile_name),
			 "stdio file");
	}
	*out = m;
	return 0;
fail:
	ms_medium_close(m);
	return -1;
}
