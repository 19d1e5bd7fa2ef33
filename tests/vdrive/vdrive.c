/*
 * libmsvdrive.so: an LD_PRELOAD library that makes one made-up path look
 * like a Linux SCSI optical burner to libburn's SG_IO adapter.
 *
 *   MSVD_DEVICE  the made-up path, /dev/NAME (no real node may exist there)
 *   MSVD_STATE   the disc (a directory made by "msvd new"); unset or
 *                missing means the drive has no medium
 *   MSVD_LOG     optional file that gets one line per SCSI command
 *   MSVD_UNREADABLE  optional LBA[,LBA...]: blocks that fail to read
 *
 * Every other path passes through untouched, except that real optical and
 * SCSI generic nodes (/dev/sr*, /dev/sg*, /dev/scd*, /dev/hd* and links to
 * them) cannot be opened or even seen, so a test never touches a host
 * drive.  /proc/sys/dev/cdrom/info lists only the virtual drive: that is
 * how libburn learns that the path is a drive address of its own.
 *
 * The library is built without _FILE_OFFSET_BITS=64 so that 'stat' and
 * 'stat64' (and friends) are separate symbols here.
 */
#undef _FILE_OFFSET_BITS
#undef _FORTIFY_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <scsi/scsi.h>
#include <scsi/scsi_ioctl.h>
#include <scsi/sg.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "disc.h"
#include "mmc.h"

#define EXPORT __attribute__((visibility("default")))

#define ENV_DEVICE	"MSVD_DEVICE"
#define ENV_STATE	"MSVD_STATE"
#define ENV_LOG		"MSVD_LOG"

#define CDROM_INFO	"/proc/sys/dev/cdrom/info"
#define DEV_DIR		"/dev/"

/* what the virtual node looks like: a block device of a local major */
#define FAKE_MAJOR	240
#define FAKE_MINOR	0
#define FAKE_INO	0x6d737664
#define FAKE_MODE	(S_IFBLK | 0660)

/* where the drive sits on its pretended SCSI bus */
#define FAKE_HOST	9
#define FAKE_CHANNEL	0
#define FAKE_TARGET	0
#define FAKE_LUN	0
#define SG_VERSION	30536

#define STATUS_CHECK_CONDITION 0x02
#define DRIVER_SENSE	0x08

#define MAX_FDS		64

/* major numbers of host devices that must stay out of reach */
#define MAJOR_SCSI_CDROM	11
#define MAJOR_SCSI_GENERIC	21

/* glibc's stat entry points that have no prototype in its headers */
int __xstat(int ver, const char *path, struct stat *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __fxstat(int ver, int fd, struct stat *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st,
	       int flags);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstat64(int ver, int fd, struct stat64 *st);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st,
		 int flags);
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

/* recursive: the disc code closes its own files while the lock is held */
static pthread_mutex_t big_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

static char device[PATH_MAX];	/* empty: no virtual drive */
static char state[PATH_MAX];	/* empty: no medium */
static char log_path[PATH_MAX];
static char cdrom_info[PATH_MAX + 128];

/* open descriptors of the drive, with the inode each one was opened on */
struct drive_fd {
	int fd;
	dev_t dev;
	ino_t ino;
};

static struct drive_fd fds[MAX_FDS];
static int nfds;
static struct msvd_drive drive;

static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_close)(int);
static int (*real_ioctl)(int, unsigned long, ...);
static int (*real_stat)(const char *, struct stat *);
static int (*real_lstat)(const char *, struct stat *);
static int (*real_fstat)(int, struct stat *);
static int (*real_fstatat)(int, const char *, struct stat *, int);
static int (*real_statx)(int, const char *, int, unsigned, struct statx *);
static ssize_t (*real_readlink)(const char *, char *, size_t);
static ssize_t (*real_readlinkat)(int, const char *, char *, size_t);
static int (*real_access)(const char *, int);
static FILE *(*real_fopen)(const char *, const char *);

static void *next_symbol(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

static void complain(const char *fmt, ...)
{
	char msg[PATH_MAX + 256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(msg) - 2)
		n = (int)sizeof(msg) - 2;
	msg[n++] = '\n';
	if (write(STDERR_FILENO, msg, (size_t)n) < 0)
		return;
}

static int has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Names of host drives (and their usual links) that a test must not use. */
static int banned_name(const char *path)
{
	static const char *const prefixes[] = {
		"/dev/sr", "/dev/sg", "/dev/scd", "/dev/hd", "/dev/bsg/",
		"/dev/cdrom", "/dev/cdrw", "/dev/dvd", "/dev/cdwriter",
	};
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (has_prefix(path, prefixes[i]))
			return 1;
	return 0;
}

static int is_banned(const char *path)
{
	char resolved[PATH_MAX];

	if (!path)
		return 0;
	if (banned_name(path))
		return 1;
	if (!has_prefix(path, DEV_DIR))
		return 0;
	if (!realpath(path, resolved))
		return 0;
	return banned_name(resolved);
}

/* Device nodes of optical drives, whatever they are called. */
static int is_host_drive(const struct stat *st)
{
	if (S_ISBLK(st->st_mode))
		return major(st->st_rdev) == MAJOR_SCSI_CDROM;
	if (S_ISCHR(st->st_mode))
		return major(st->st_rdev) == MAJOR_SCSI_GENERIC;
	return 0;
}

static void setup(void)
{
	const char *dev = getenv(ENV_DEVICE), *st = getenv(ENV_STATE);
	const char *lg = getenv(ENV_LOG), *name;
	struct stat sb;

	real_open = (int (*)(const char *, int, ...))next_symbol("open");
	real_openat = (int (*)(int, const char *, int, ...))
		      next_symbol("openat");
	real_close = (int (*)(int))next_symbol("close");
	real_ioctl = (int (*)(int, unsigned long, ...))next_symbol("ioctl");
	real_stat = (int (*)(const char *, struct stat *))next_symbol("stat");
	real_lstat = (int (*)(const char *, struct stat *))
		     next_symbol("lstat");
	real_fstat = (int (*)(int, struct stat *))next_symbol("fstat");
	real_fstatat = (int (*)(int, const char *, struct stat *, int))
		       next_symbol("fstatat");
	real_statx = (int (*)(int, const char *, int, unsigned,
			      struct statx *))next_symbol("statx");
	real_readlink = (ssize_t (*)(const char *, char *, size_t))
			next_symbol("readlink");
	real_readlinkat = (ssize_t (*)(int, const char *, char *, size_t))
			  next_symbol("readlinkat");
	real_access = (int (*)(const char *, int))next_symbol("access");
	real_fopen = (FILE *(*)(const char *, const char *))
		     next_symbol("fopen");

	snprintf(cdrom_info, sizeof(cdrom_info),
		 "CD-ROM information\n\ndrive name:\n");
	if (lg && *lg && strlen(lg) < sizeof(log_path))
		strcpy(log_path, lg);
	if (!dev || !*dev)
		return;
	name = has_prefix(dev, DEV_DIR) ? dev + strlen(DEV_DIR) : "";
	if (!*name || strchr(name, '/') || strlen(dev) >= sizeof(device)) {
		complain("msvd: '%s' must be /dev/NAME; no virtual drive",
			 dev);
		return;
	}
	if (banned_name(dev) || real_lstat(dev, &sb) == 0) {
		complain("msvd: '%s' exists or names a host drive; "
			 "no virtual drive", dev);
		return;
	}
	strcpy(device, dev);
	snprintf(cdrom_info, sizeof(cdrom_info),
		 "CD-ROM information\n\ndrive name:\t\t%s\n", name);
	if (st && *st && strlen(st) < sizeof(state))
		strcpy(state, st);
}

static void init(void)
{
	pthread_once(&setup_once, setup);
}

static int is_fake(const char *path)
{
	init();
	return path && device[0] && !strcmp(path, device);
}

static void eject_medium(void);

static int fd_index(int fd)
{
	int i;

	for (i = 0; i < nfds; i++)
		if (fds[i].fd == fd)
			return i;
	return -1;
}

static void forget_fd(int i)
{
	fds[i] = fds[--nfds];
	if (nfds == 0)
		eject_medium();
}

/*
 * Whether fd is a descriptor of the virtual drive.  A number closed behind
 * our back (close_range, a child's exec) and then reused for another file
 * no longer counts.
 */
static int is_fake_fd(int fd)
{
	struct stat sb;
	int i, ret = 0;

	init();
	if (!device[0] || fd < 0)
		return 0;
	pthread_mutex_lock(&big_lock);
	i = fd_index(fd);
	if (i >= 0) {
		if (real_fstat(fd, &sb) == 0 && sb.st_dev == fds[i].dev &&
		    sb.st_ino == fds[i].ino)
			ret = 1;
		else
			forget_fd(i);
	}
	pthread_mutex_unlock(&big_lock);
	return ret;
}

static void fake_stat(struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = makedev(0, 5);
	st->st_ino = FAKE_INO;
	st->st_mode = FAKE_MODE;
	st->st_nlink = 1;
	st->st_uid = getuid();
	st->st_gid = getgid();
	st->st_rdev = makedev(FAKE_MAJOR, FAKE_MINOR);
	st->st_blksize = MSVD_BLOCK;
}

static void copy_stat64(struct stat64 *dst, const struct stat *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->st_dev = src->st_dev;
	dst->st_ino = src->st_ino;
	dst->st_mode = src->st_mode;
	dst->st_nlink = src->st_nlink;
	dst->st_uid = src->st_uid;
	dst->st_gid = src->st_gid;
	dst->st_rdev = src->st_rdev;
	dst->st_size = src->st_size;
	dst->st_blksize = src->st_blksize;
	dst->st_blocks = src->st_blocks;
	dst->st_atim = src->st_atim;
	dst->st_mtim = src->st_mtim;
	dst->st_ctim = src->st_ctim;
}

static void log_command(const struct msvd_cmd *c, uint32_t sense)
{
	char line[256];
	struct timespec ts;
	unsigned i;
	int fd, n = 0;

	if (!log_path[0])
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(line, sizeof(line), "%ld.%03ld ", (long)ts.tv_sec,
		     ts.tv_nsec / 1000000);
	for (i = 0; i < c->cdb_len && i < 16; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%02x ",
			      c->cdb[i]);
	if (sense)
		n += snprintf(line + n, sizeof(line) - (size_t)n,
			      "-> %x/%02x/%02x\n", MSVD_SENSE_KEY(sense),
			      MSVD_SENSE_ASC(sense), MSVD_SENSE_ASCQ(sense));
	else
		n += snprintf(line + n, sizeof(line) - (size_t)n,
			      "-> ok %u\n", c->transferred);
	fd = real_open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		       0666);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) < 0)
		n = 0;
	real_close(fd);
}

/* Load the disc when the first descriptor opens the drive. */
static void insert_medium(void)
{
	struct msvd_disc *d = NULL;
	char err[PATH_MAX + 128];
	struct stat sb;

	if (state[0] && real_stat(state, &sb) == 0 &&
	    msvd_disc_load(state, 1, &d, err, sizeof(err)) < 0) {
		complain("msvd: %s", err);
		d = NULL;
	}
	if (d)
		msvd_disc_mark_interrupted(d);
	msvd_drive_init(&drive, d);
}

static void eject_medium(void)
{
	if (drive.disc && drive.disc->dirty)
		msvd_disc_save(drive.disc);
	msvd_disc_free(drive.disc);
	msvd_drive_init(&drive, NULL);
}

/*
 * The descriptor of the virtual drive is a real one on the disc's lock
 * file, so that fcntl() locks between processes work as on a device node.
 * O_EXCL claims the drive as the kernel does for block devices: a second
 * exclusive open fails with EBUSY.  That claim is an flock() on the same
 * descriptor, which Linux keeps apart from the fcntl() locks.
 */
static int open_fake(int flags)
{
	struct stat sb;
	char *lock = NULL;
	int fd = -1, saved;

	pthread_mutex_lock(&big_lock);
	if (nfds == MAX_FDS) {
		errno = EMFILE;
		goto out;
	}
	if (state[0] && real_stat(state, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		lock = msvd_disc_lock_path(state);
		if (!lock) {
			errno = ENOMEM;
			goto out;
		}
		fd = real_open(lock, O_RDWR | O_CREAT | (flags & O_CLOEXEC),
			       0666);
	} else {
		fd = memfd_create("msvd-empty-drive",
				  (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
	}
	if (fd < 0)
		goto out;
	if ((flags & O_EXCL) && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		real_close(fd);
		fd = -1;
		errno = EBUSY;
		goto out;
	}
	if (real_fstat(fd, &sb) < 0) {
		real_close(fd);
		fd = -1;
		goto out;
	}
	if (nfds == 0)
		insert_medium();
	fds[nfds].fd = fd;
	fds[nfds].dev = sb.st_dev;
	fds[nfds].ino = sb.st_ino;
	nfds++;
out:
	saved = errno;
	pthread_mutex_unlock(&big_lock);
	free(lock);
	errno = saved;
	return fd;
}

/* /proc/sys/dev/cdrom/info as a file that lists the virtual drive only. */
static int open_cdrom_info(int flags)
{
	size_t len = strlen(cdrom_info);
	int fd;

	fd = memfd_create("msvd-cdrom-info",
			  (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
	if (fd < 0)
		return -1;
	if (write(fd, cdrom_info, len) != (ssize_t)len ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		real_close(fd);
		errno = EIO;
		return -1;
	}
	return fd;
}

static int open_common(int dirfd, const char *path, int flags, mode_t mode)
{
	struct stat sb;
	int fd;

	if (is_fake(path))
		return open_fake(flags);
	if (!strcmp(path, CDROM_INFO))
		return open_cdrom_info(flags);
	if (is_banned(path)) {
		errno = ENOENT;
		return -1;
	}
	fd = real_openat(dirfd, path, flags, mode);
	if (fd >= 0 && real_fstat(fd, &sb) == 0 && is_host_drive(&sb)) {
		real_close(fd);
		errno = ENOENT;
		return -1;
	}
	return fd;
}

static mode_t mode_arg(int flags, va_list ap)
{
	if (flags & (O_CREAT | O_TMPFILE))
		return (mode_t)va_arg(ap, int);
	return 0;
}

EXPORT int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	init();
	return open_common(AT_FDCWD, path, flags, mode);
}

EXPORT int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	init();
	return open_common(AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	init();
	return open_common(dirfd, path, flags, mode);
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	init();
	return open_common(dirfd, path, flags | O_LARGEFILE, mode);
}

EXPORT int __open_2(const char *path, int flags)
{
	init();
	return open_common(AT_FDCWD, path, flags, 0);
}

EXPORT int __open64_2(const char *path, int flags)
{
	init();
	return open_common(AT_FDCWD, path, flags | O_LARGEFILE, 0);
}

EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	init();
	return open_common(dirfd, path, flags, 0);
}

EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	init();
	return open_common(dirfd, path, flags | O_LARGEFILE, 0);
}

EXPORT int close(int fd)
{
	int i;

	init();
	if (device[0] && fd >= 0) {
		pthread_mutex_lock(&big_lock);
		i = fd_index(fd);
		if (i >= 0)
			forget_fd(i);
		pthread_mutex_unlock(&big_lock);
	}
	return real_close(fd);
}

static void set_sense(sg_io_hdr_t *h, uint32_t sense)
{
	unsigned char s[MSVD_SENSE_LEN];
	unsigned len = MSVD_SENSE_LEN;

	h->status = 0;
	h->masked_status = 0;
	h->driver_status = 0;
	h->sb_len_wr = 0;
	h->info = SG_INFO_OK;
	if (!sense)
		return;
	msvd_sense_fixed(sense, s);
	if (len > h->mx_sb_len)
		len = h->mx_sb_len;
	if (h->sbp && len)
		memcpy(h->sbp, s, len);
	h->sb_len_wr = (unsigned char)len;
	h->status = STATUS_CHECK_CONDITION;
	h->masked_status = STATUS_CHECK_CONDITION >> 1;
	h->driver_status = DRIVER_SENSE;
	h->info = SG_INFO_CHECK;
}

static int do_sg_io(sg_io_hdr_t *h)
{
	struct msvd_cmd c;
	uint32_t sense;

	if (!h || h->interface_id != 'S' || h->iovec_count || !h->cmdp ||
	    h->cmd_len == 0) {
		errno = EINVAL;
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.cdb = h->cmdp;
	c.cdb_len = h->cmd_len;
	c.data = h->dxferp;
	c.data_len = c.data ? h->dxfer_len : 0;
	switch (h->dxfer_direction) {
	case SG_DXFER_TO_DEV:
		c.dir = MSVD_DIR_TO_DRIVE;
		break;
	case SG_DXFER_FROM_DEV:
	case SG_DXFER_TO_FROM_DEV:
		c.dir = MSVD_DIR_FROM_DRIVE;
		break;
	default:
		c.dir = MSVD_DIR_NONE;
		c.data_len = 0;
		break;
	}
	pthread_mutex_lock(&big_lock);
	sense = msvd_execute(&drive, &c);
	log_command(&c, sense);
	pthread_mutex_unlock(&big_lock);
	set_sense(h, sense);
	h->host_status = 0;
	h->resid = c.dir == MSVD_DIR_FROM_DRIVE ?
		   (int)(c.data_len - c.transferred) : 0;
	h->duration = 0;
	return 0;
}

static int fake_ioctl(unsigned long request, void *arg)
{
	struct sg_scsi_id *id;
	int *ip;

	switch (request) {
	case SG_IO:
		return do_sg_io(arg);
	case SG_GET_SCSI_ID:
		id = arg;
		memset(id, 0, sizeof(*id));
		id->host_no = FAKE_HOST;
		id->channel = FAKE_CHANNEL;
		id->scsi_id = FAKE_TARGET;
		id->lun = FAKE_LUN;
		id->scsi_type = TYPE_ROM;
		id->h_cmd_per_lun = 1;
		id->d_queue_depth = 1;
		return 0;
	case SCSI_IOCTL_GET_BUS_NUMBER:
		ip = arg;
		*ip = FAKE_HOST;
		return 0;
	case SCSI_IOCTL_GET_IDLUN:
		ip = arg;
		ip[0] = FAKE_TARGET | FAKE_LUN << 8 | FAKE_CHANNEL << 16 |
			FAKE_HOST << 24;
		ip[1] = FAKE_HOST;
		return 0;
	case SG_GET_VERSION_NUM:
		ip = arg;
		*ip = SG_VERSION;
		return 0;
	case SG_EMULATED_HOST:
		ip = arg;
		*ip = 0;
		return 0;
	case SG_SET_TIMEOUT:
	case SG_GET_TIMEOUT:
		return 0;
	default:
		errno = ENOTTY;
		return -1;
	}
}

EXPORT int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (is_fake_fd(fd))
		return fake_ioctl(request, arg);
	return real_ioctl(fd, request, arg);
}

EXPORT int stat(const char *path, struct stat *st)
{
	if (is_fake(path)) {
		fake_stat(st);
		return 0;
	}
	if (is_banned(path)) {
		errno = ENOENT;
		return -1;
	}
	return real_stat(path, st);
}

EXPORT int lstat(const char *path, struct stat *st)
{
	if (is_fake(path)) {
		fake_stat(st);
		return 0;
	}
	if (is_banned(path)) {
		errno = ENOENT;
		return -1;
	}
	return real_lstat(path, st);
}

EXPORT int fstat(int fd, struct stat *st)
{
	if (is_fake_fd(fd)) {
		fake_stat(st);
		return 0;
	}
	return real_fstat(fd, st);
}

EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	if ((flags & AT_EMPTY_PATH) && !*path && is_fake_fd(dirfd)) {
		fake_stat(st);
		return 0;
	}
	if (is_fake(path)) {
		fake_stat(st);
		return 0;
	}
	if (is_banned(path)) {
		errno = ENOENT;
		return -1;
	}
	return real_fstatat(dirfd, path, st, flags);
}

static int stat64_via(int (*fn)(const char *, struct stat *),
		      const char *path, struct stat64 *st)
{
	struct stat s;

	if (fn(path, &s) < 0)
		return -1;
	copy_stat64(st, &s);
	return 0;
}

EXPORT int stat64(const char *path, struct stat64 *st)
{
	return stat64_via(stat, path, st);
}

EXPORT int lstat64(const char *path, struct stat64 *st)
{
	return stat64_via(lstat, path, st);
}

EXPORT int fstat64(int fd, struct stat64 *st)
{
	struct stat s;

	if (fstat(fd, &s) < 0)
		return -1;
	copy_stat64(st, &s);
	return 0;
}

EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st,
		     int flags)
{
	struct stat s;

	if (fstatat(dirfd, path, &s, flags) < 0)
		return -1;
	copy_stat64(st, &s);
	return 0;
}

/* The versioned entry points of old binaries; on x86_64 the layouts agree. */
EXPORT int __xstat(int ver, const char *path, struct stat *st)
{
	(void)ver;
	return stat(path, st);
}

EXPORT int __lxstat(int ver, const char *path, struct stat *st)
{
	(void)ver;
	return lstat(path, st);
}

EXPORT int __fxstat(int ver, int fd, struct stat *st)
{
	(void)ver;
	return fstat(fd, st);
}

EXPORT int __fxstatat(int ver, int dirfd, const char *path, struct stat *st,
		      int flags)
{
	(void)ver;
	return fstatat(dirfd, path, st, flags);
}

EXPORT int __xstat64(int ver, const char *path, struct stat64 *st)
{
	(void)ver;
	return stat64(path, st);
}

EXPORT int __lxstat64(int ver, const char *path, struct stat64 *st)
{
	(void)ver;
	return lstat64(path, st);
}

EXPORT int __fxstat64(int ver, int fd, struct stat64 *st)
{
	(void)ver;
	return fstat64(fd, st);
}

EXPORT int __fxstatat64(int ver, int dirfd, const char *path,
			struct stat64 *st, int flags)
{
	(void)ver;
	return fstatat64(dirfd, path, st, flags);
}

EXPORT int statx(int dirfd, const char *path, int flags, unsigned mask,
		 struct statx *stx)
{
	struct stat s;
	int fake = is_fake(path) ||
		   ((flags & AT_EMPTY_PATH) && !*path &&
		    is_fake_fd(dirfd));

	if (!fake && is_banned(path)) {
		errno = ENOENT;
		return -1;
	}
	if (!fake) {
		if (!real_statx) {
			errno = ENOSYS;
			return -1;
		}
		return real_statx(dirfd, path, flags, mask, stx);
	}
	fake_stat(&s);
	memset(stx, 0, sizeof(*stx));
	stx->stx_mask = STATX_BASIC_STATS;
	stx->stx_blksize = (uint32_t)s.st_blksize;
	stx->stx_nlink = (uint32_t)s.st_nlink;
	stx->stx_uid = s.st_uid;
	stx->stx_gid = s.st_gid;
	stx->stx_mode = (uint16_t)s.st_mode;
	stx->stx_ino = s.st_ino;
	stx->stx_rdev_major = major(s.st_rdev);
	stx->stx_rdev_minor = minor(s.st_rdev);
	stx->stx_dev_major = major(s.st_dev);
	stx->stx_dev_minor = minor(s.st_dev);
	return 0;
}

EXPORT ssize_t readlink(const char *path, char *buf, size_t len)
{
	if (is_fake(path)) {
		errno = EINVAL;
		return -1;
	}
	if (is_banned(path)) {
		errno = ENOENT;
		return -1;
	}
	return real_readlink(path, buf, len);
}

EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	if (is_fake(path)) {
		errno = EINVAL;
		return -1;
	}
	if (is_banned(path)) {
		errno = ENOENT;
		return -1;
	}
	return real_readlinkat(dirfd, path, buf, len);
}

EXPORT int access(const char *path, int mode)
{
	if (is_fake(path))
		return 0;
	if (is_banned(path)) {
		errno = ENOENT;
		return -1;
	}
	return real_access(path, mode);
}

static FILE *open_stream(const char *path, const char *mode)
{
	if (path && !strcmp(path, CDROM_INFO))
		return fmemopen(cdrom_info, strlen(cdrom_info), "r");
	if (is_fake(path) || is_banned(path)) {
		errno = ENOENT;
		return NULL;
	}
	return real_fopen(path, mode);
}

EXPORT FILE *fopen(const char *path, const char *mode)
{
	init();
	return open_stream(path, mode);
}

EXPORT FILE *fopen64(const char *path, const char *mode)
{
	init();
	return open_stream(path, mode);
}

/* Lets the msvd tool check that it runs with this library preloaded. */
EXPORT const char *msvd_preload_device(void);

EXPORT const char *msvd_preload_device(void)
{
	init();
	return device;
}
