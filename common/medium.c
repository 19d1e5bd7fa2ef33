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
#include "medium.h"
#include "medium_burn.h"
#include "snapshot.h"

#define STDIO_PREFIX	"stdio:"
#define DEV_PREFIX	"/dev/"
#define CACHE_BLOCKS	32
/* libburn reads at most this much per call; larger reads are split */
#define READ_CHUNK	(32 * MS_BLOCK)
#define SETTLE_POLL_USEC 100000
#define SETTLE_POLLS	1200	/* two minutes */
#define BURN_MSG_BUSY_DEVICE 0x00020001	/* libburn: "Cannot open busy device" */

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

static int file_size(struct ms_medium *m, struct ms_ctx *c)
{
	struct stat st;
	uint64_t bytes = 0;
	int fd;

	if (stat(m->path, &st) < 0) {
		if (errno == ENOENT) {
			m->exists = 0;
			m->size_blocks = 0;
			return 0;
		}
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot stat '%s'", m->name);
	}
	m->exists = 1;
	if (S_ISBLK(st.st_mode)) {
		m->is_blockdev = 1;
		fd = open(m->path, O_RDONLY);
		if (fd < 0)
			return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
					     "cannot open '%s'", m->name);
		if (ioctl(fd, BLKGETSIZE64, &bytes) < 0)
			bytes = 0;
		close(fd);
	} else {
		bytes = (uint64_t)st.st_size;
	}
	m->size_blocks = bytes / MS_BLOCK;
	m->size_bytes = bytes;
	return 0;
}

int ms_medium_zero_prefix(struct ms_medium *m, struct ms_ctx *c, size_t n)
{
	uint8_t buf[4096];
	size_t done = 0;
	ssize_t r;
	int fd, ret = 1;

	fd = open(m->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot open '%s'", m->name);
	while (done < n && ret == 1) {
		r = read(fd, buf, n - done < sizeof(buf) ? n - done :
			 sizeof(buf));
		if (r < 0) {
			ret = ms_fail_errno(c, MS_EXIT_FAILURE, errno,
					    "cannot read '%s'", m->name);
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

/*
 * Decide what kind of medium a name is.  Only paths that are device nodes
 * are offered to libburn's drive address conversion, so a plain file never
 * makes libburn look at the bus.
 */
const char *ms_medium_file_path(const char *name)
{
	if (!strncmp(name, STDIO_PREFIX, strlen(STDIO_PREFIX)))
		return name + strlen(STDIO_PREFIX);
	return name;
}

const char *ms_medium_name(const struct ms_medium *m)
{
	return m->name;
}

const char *ms_medium_file(const struct ms_medium *m)
{
	return m->kind == MS_MEDIUM_FILE ? m->path : NULL;
}

int ms_medium_exists(const struct ms_medium *m)
{
	return m->exists;
}

int ms_medium_is_blockdev(const struct ms_medium *m)
{
	return m->is_blockdev;
}

uint64_t ms_medium_size_blocks(const struct ms_medium *m)
{
	return m->size_blocks;
}

uint64_t ms_medium_size_bytes(const struct ms_medium *m)
{
	return m->size_bytes;
}

int ms_medium_profile(const struct ms_medium *m)
{
	return m->profile;
}

const char *ms_medium_profile_name(const struct ms_medium *m)
{
	return m->profile_name;
}

uint64_t ms_medium_blocks_read(const struct ms_medium *m)
{
	return m->blocks_read;
}

void ms_medium_set_readahead(struct ms_medium *m, int on)
{
	m->readahead = on;
}

struct burn_drive *ms_medium_burn_drive(const struct ms_medium *m)
{
	return m->drive;
}

void ms_medium_burn_set_offset(struct ms_medium *m, uint32_t lba)
{
	m->offset = lba;
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
 * What a file medium's path is, without opening it (a FIFO would block):
 * regular files, block devices and missing files are media, anything else
 * is refused as the plain name is.
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

static int classify(struct ms_ctx *c, const char *name, char *adr,
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

/*
 * Files that exist must be readable: say why one is not before libburn
 * reports a failed read of block 0.  O_NONBLOCK: never wait on an open.
 */
static int check_readable(struct ms_medium *m, struct ms_ctx *c)
{
	int fd;

	fd = open(m->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot open '%s'", m->name);
	close(fd);
	return 0;
}

static int grab(struct ms_medium *m, struct ms_ctx *c)
{
	char adr[BURN_DRIVE_ADR_LEN + sizeof(STDIO_PREFIX)];
	int ret, pno = 0;
	char pname[80] = "";

	if (m->kind == MS_MEDIUM_FILE)
		snprintf(adr, sizeof(adr), "%s%s", STDIO_PREFIX, m->path);
	else
		snprintf(adr, sizeof(adr), "%s", m->path);
	ret = burn_drive_scan_and_grab(&m->infos, adr, 1);
	if (ret <= 0) {
		m->infos = NULL;
		if (m->kind == MS_MEDIUM_DRIVE)
			ms_fail(c, MS_EXIT_FAILURE,
				"cannot open drive '%s': medium busy or "
				"not a usable drive", m->name);
		else
			ms_fail(c, MS_EXIT_FAILURE, "cannot open '%s'",
				m->name);
		ms_burn_msgs_append(c);
		return -1;
	}
	m->drive = m->infos[0].drive;
	if (m->kind == MS_MEDIUM_DRIVE) {
		int waited;

		/* wait, not for ever, for the drive to settle on its medium */
		for (waited = 0; waited < SETTLE_POLLS; waited++) {
			if (burn_drive_get_status(m->drive, NULL) ==
			    BURN_DRIVE_IDLE &&
			    burn_disc_get_status(m->drive) != BURN_DISC_UNREADY)
				break;
			usleep(SETTLE_POLL_USEC);
		}
		if (waited == SETTLE_POLLS) {
			ms_burn_msgs_drop();
			return ms_fail(c, MS_EXIT_FAILURE,
				       "drive '%s' did not become ready in %d "
				       "seconds", m->name, SETTLE_POLLS *
				       (SETTLE_POLL_USEC / 1000) / 1000);
		}
	}
	if (burn_disc_get_profile(m->drive, &pno, pname) > 0) {
		m->profile = pno;
		snprintf(m->profile_name, sizeof(m->profile_name), "%s",
			 pname);
	}
	ms_burn_msgs_drop();
	return 0;
}

int ms_medium_open(struct ms_ctx *c, const char *name, unsigned flags,
		   struct ms_medium **out)
{
	char adr[BURN_DRIVE_ADR_LEN];
	struct ms_medium *m;
	const char *path;
	enum ms_medium_kind kind = MS_MEDIUM_FILE;

	*out = NULL;
	if (ms_lib_init(c) < 0)
		return -1;
	if (classify(c, name, adr, &kind, &path) < 0)
		return -1;
	if (kind == MS_MEDIUM_FILE && ms_snapshot_is_file(path)) {
		if (flags & MS_OPEN_WRITE)
			return ms_fail(c, MS_EXIT_UNSUITABLE,
				       "'%s' is a snapshot of a disc, not a "
				       "medium that can be written", name);
		return ms_snapshot_open(c, path, out);
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return ms_fail_errno(c, MS_EXIT_FAILURE, ENOMEM, "open");
	m->lock_fd = -1;
	m->kind = kind;
	m->name = strdup(name);
	m->path = strdup(path);
	if (!m->name || !m->path) {
		ms_medium_close(m);
		return ms_fail_errno(c, MS_EXIT_FAILURE, ENOMEM, "open");
	}
	if (kind == MS_MEDIUM_FILE && file_size(m, c) < 0)
		goto fail;
	if (kind == MS_MEDIUM_FILE && !m->exists && (flags & MS_OPEN_EXISTING)) {
		ms_fail(c, MS_EXIT_FAILURE, "no such file '%s' (a new disc "
			"file would start blank)", name);
		goto fail;
	}
	if (kind == MS_MEDIUM_FILE && m->exists && check_readable(m, c) < 0)
		goto fail;
	if ((flags & MS_OPEN_WRITE) && kind == MS_MEDIUM_FILE &&
	    ms_medium_lock(m, c) < 0)
		goto fail;
	if (grab(m, c) < 0)
		goto fail;
	if (kind == MS_MEDIUM_FILE && m->profile == 0) {
		m->profile = MS_PROFILE_STDIO;
		snprintf(m->profile_name, sizeof(m->profile_name),
			 "stdio file");
	}
	*out = m;
	return 0;
fail:
	ms_medium_close(m);
	return -1;
}

void ms_medium_close(struct ms_medium *m)
{
	if (!m)
		return;
	ms_snapshot_free(m->snap);
	if (m->drive)
		burn_drive_release(m->drive, 0);
	if (m->infos)
		burn_drive_info_free(m->infos);
	if (m->lock_fd >= 0) {
		struct stat st;

		/* a lock that created the file and wrote nothing removes it */
		if (m->created && fstat(m->lock_fd, &st) == 0 &&
		    st.st_size == 0)
			unlink(m->path);
		close(m->lock_fd);
	}
	ms_burn_msgs_drop();
	free(m->cache);
	free(m->name);
	free(m->path);
	free(m);
}

int ms_medium_lock(struct ms_medium *m, struct ms_ctx *c)
{
	int fd;

	if (m->kind != MS_MEDIUM_FILE || m->lock_fd >= 0)
		return 0;
	fd = open(m->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd >= 0) {
		m->created = 1;
	} else if (errno == EEXIST) {
		fd = open(m->path, O_RDWR | O_CLOEXEC);
	}
	if (fd < 0)
		return ms_fail_errno(c, MS_EXIT_UNSUITABLE, errno,
				     "cannot open '%s' for writing", m->name);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;

		close(fd);
		if (err == EWOULDBLOCK)
			return ms_fail(c, MS_EXIT_BUSY,
				       "medium busy: '%s' is being written by "
				       "another process", m->name);
		return ms_fail_errno(c, MS_EXIT_FAILURE, err,
				     "cannot lock '%s'", m->name);
	}
	m->lock_fd = fd;
	return file_size(m, c);
}

int ms_medium_refresh(struct ms_medium *m, struct ms_ctx *c)
{
	free(m->cache);
	m->cache = NULL;
	m->cache_count = 0;
	/* libburn learns a medium's new state only by grabbing it anew */
	if (m->drive)
		burn_drive_release(m->drive, 0);
	if (m->infos)
		burn_drive_info_free(m->infos);
	m->drive = NULL;
	m->infos = NULL;
	if (m->kind == MS_MEDIUM_SNAPSHOT)
		return 0;
	if (m->kind == MS_MEDIUM_FILE && file_size(m, c) < 0)
		return -1;
	return grab(m, c);
}

int64_t ms_medium_free_bytes(struct ms_medium *m, uint64_t start_byte)
{
	struct burn_write_opts *o;
	off_t space;

	if (!m->drive)
		return 0;
	o = burn_write_opts_new(m->drive);
	if (!o)
		return 0;
	burn_write_opts_set_start_byte(o, (off_t)start_byte);
	space = burn_disc_available_space(m->drive, o);
	burn_write_opts_free(o);
	ms_burn_msgs_drop();
	return space < 0 ? 0 : (int64_t)space;
}

static int raw_read(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		    uint32_t count, uint8_t *buf)
{
	uint32_t done = 0;

	if (m->kind == MS_MEDIUM_SNAPSHOT)
		return ms_snapshot_read(m, c, lba, count, buf);
	while (done < count) {
		uint32_t n = count - done;
		off_t got = 0;
		int ret;

		if (n > READ_CHUNK / MS_BLOCK)
			n = READ_CHUNK / MS_BLOCK;
		ret = burn_read_data(m->drive,
				     (off_t)(lba + done - m->offset) * MS_BLOCK,
				     (char *)buf + (size_t)done * MS_BLOCK,
				     (off_t)n * MS_BLOCK, &got, 2 | 4);
		if (ret <= 0) {
			ms_fail(c, MS_EXIT_FAILURE,
				"cannot read block %u of '%s'",
				lba + done + (uint32_t)(got / MS_BLOCK),
				m->name);
			ms_burn_msgs_append(c);
			return -1;
		}
		done += n;
	}
	m->blocks_read += count;
	return 0;
}

static int check_range(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		       uint32_t count)
{
	uint64_t end = (uint64_t)lba + count;

	if (lba < m->offset)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "block %u lies before the start of '%s' "
			       "(it starts at block %u)", lba, m->name,
			       m->offset);
	if (m->kind != MS_MEDIUM_FILE)
		return 0;
	if (end > m->size_blocks + m->offset)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "cannot read block %llu of '%s': beyond the "
			       "end of the medium (%llu blocks)",
			       (unsigned long long)(lba < m->size_blocks +
						    m->offset ?
						    m->size_blocks + m->offset :
						    lba),
			       m->name,
			       (unsigned long long)(m->size_blocks + m->offset));
	return 0;
}

int ms_medium_read(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		   uint32_t count, uint8_t *buf)
{
	uint32_t n;

	if (count == 0)
		return 0;
	if (check_range(m, c, lba, count) < 0)
		return -1;
	if (m->cache_count && lba >= m->cache_lba &&
	    (uint64_t)lba + count <= (uint64_t)m->cache_lba + m->cache_count) {
		memcpy(buf, m->cache + (size_t)(lba - m->cache_lba) * MS_BLOCK,
		       (size_t)count * MS_BLOCK);
		return 0;
	}
	if (count > 2 || !m->readahead || m->kind == MS_MEDIUM_SNAPSHOT)
		return raw_read(m, c, lba, count, buf);
	/* small reads: fetch a run ahead, as directory walks are sequential */
	if (!m->cache) {
		m->cache = malloc((size_t)CACHE_BLOCKS * MS_BLOCK);
		if (!m->cache)
			return raw_read(m, c, lba, count, buf);
	}
	n = CACHE_BLOCKS;
	if (m->kind == MS_MEDIUM_FILE &&
	    (uint64_t)lba + n > m->size_blocks + m->offset)
		n = (uint32_t)(m->size_blocks + m->offset - lba);
	m->cache_count = 0;
	if (raw_read(m, c, lba, n, m->cache) < 0) {
		/* a drive may refuse the run (run-out blocks): read exactly */
		ms_burn_msgs_drop();
		return raw_read(m, c, lba, count, buf);
	}
	m->cache_lba = lba;
	m->cache_count = n;
	memcpy(buf, m->cache, (size_t)count * MS_BLOCK);
	return 0;
}

int ms_medium_read_upto(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
			uint32_t count, uint8_t *buf, uint32_t *got)
{
	uint32_t n = count;

	if (m->kind == MS_MEDIUM_FILE) {
		uint64_t end = m->size_blocks + m->offset;

		n = (uint64_t)lba >= end ? 0 :
		    (uint32_t)((uint64_t)lba + count > end ? end - lba : count);
	}
	*got = n;
	if (n == 0)
		return 0;
	return ms_medium_read(m, c, lba, n, buf);
}

/*
 * Files are written through the locked descriptor: libburn's random access
 * write moves 32 KiB per system call, which costs a third of the speed of
 * large writes on a fast disk.
 */
static int file_write(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		      uint32_t count, const uint8_t *buf, unsigned flags)
{
	size_t left = (size_t)count * MS_BLOCK;
	off_t pos = (off_t)lba * MS_BLOCK;
	ssize_t n;

	while (left > 0) {
		n = pwrite(m->lock_fd, buf, left, pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ms_fail_errno(c, MS_EXIT_FAILURE,
					     n < 0 ? errno : ENOSPC,
					     "cannot write block %llu of '%s'",
					     (unsigned long long)(pos / MS_BLOCK),
					     m->name);
		/*
		 * Start the write-back now, without waiting for it, so that
		 * the flush at the end of the session finds little to do.
		 */
		sync_file_range(m->lock_fd, pos, n, SYNC_FILE_RANGE_WRITE);
		buf += n;
		pos += n;
		left -= (size_t)n;
	}
	if ((flags & MS_WRITE_SYNC) && fsync(m->lock_fd) < 0)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot flush '%s' to disk", m->name);
	return 0;
}

int ms_medium_write(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		    uint32_t count, const uint8_t *buf, unsigned flags)
{
	int ret;

	m->cache_count = 0;
	if (m->kind == MS_MEDIUM_SNAPSHOT)
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' is a snapshot, not a writable medium",
			       m->name);
	if (m->kind == MS_MEDIUM_FILE) {
		if (m->lock_fd < 0)
			return ms_fail(c, MS_EXIT_FAILURE,
				       "'%s' was not opened for writing",
				       m->name);
		return file_write(m, c, lba, count, buf, flags);
	}
	ret = burn_random_access_write(m->drive, (off_t)lba * MS_BLOCK,
				       (char *)buf, (off_t)count * MS_BLOCK,
				       (flags & MS_WRITE_SYNC) ? 1 : 0);
	if (ret <= 0) {
		ms_fail(c, MS_EXIT_FAILURE,
			"cannot write blocks %u to %u of '%s'", lba,
			lba + count - 1, m->name);
		ms_burn_msgs_append(c);
		return -1;
	}
	ms_burn_msgs_drop();
	return 0;
}
