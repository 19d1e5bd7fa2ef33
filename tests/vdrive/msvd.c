/*
 * msvd: make, describe and read back the discs of the virtual burner.
 *
 *   msvd new STATE --profile PROFILE [--capacity BLOCKS]
 *   msvd show STATE
 *   msvd dump STATE OUT
 *   msvd sg CDB [--recv LEN | --send LEN]
 *   msvd hold SECONDS [--no-excl]
 *
 * "sg" sends one SCSI command to the virtual drive MSVD_DEVICE and prints
 * what came back; "hold" keeps the drive open and locked the way libburn
 * does (O_EXCL and an fcntl() write lock).  Both only run with
 * libmsvdrive.so preloaded, so they can never reach a real drive.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <scsi/sg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "disc.h"

#define EXIT_USAGE	2
#define CHUNK_BLOCKS	64
#define CDB_MAX		16
#define SENSE_MAX	32
#define SG_TIMEOUT_MS	60000
#define SG_LEN_MAX	(1 << 20)
#define SENSE_OFF_KEY	2
#define SENSE_KEY_MASK	0x0f
#define SENSE_OFF_ASC	12
#define SENSE_OFF_ASCQ	13

/* default capacities: 80 min CD, single layer DVD, single layer BD */
#define CAPACITY_CD	359847
#define CAPACITY_DVD	2295104
#define CAPACITY_BD	12219392

struct msvd_opts {
	const char *profile;
	unsigned long capacity;
	int has_capacity;
	long recv;
	long send;
	int no_excl;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: msvd new STATE --profile "
		"cd-r|cd-rw|dvd+r|dvd+r-dl|dvd-r|dvd-r-dl|bd-r|\n"
		"                dvd+rw|bd-re [--capacity BLOCKS]\n"
		"       msvd show STATE\n"
		"       msvd dump STATE OUT\n"
		"       msvd sg CDB [--recv LEN | --send LEN]\n"
		"       msvd hold SECONDS [--no-excl]\n");
	exit(EXIT_USAGE);
}

static unsigned long default_capacity(int profile)
{
	if (msvd_profile_is_cd(profile))
		return CAPACITY_CD;
	if (profile == MSVD_PROFILE_BD_R || profile == MSVD_PROFILE_BD_RE)
		return CAPACITY_BD;
	return CAPACITY_DVD;
}

static int cmd_new(const char *dir, const struct msvd_opts *o)
{
	char err[512];
	unsigned long capacity;
	int profile;

	if (!o->profile) {
		fprintf(stderr, "msvd: new needs --profile\n");
		return EXIT_USAGE;
	}
	profile = msvd_profile_parse(o->profile);
	if (profile < 0) {
		fprintf(stderr, "msvd: unknown profile '%s'\n", o->profile);
		return EXIT_USAGE;
	}
	capacity = o->has_capacity ? o->capacity : default_capacity(profile);
	if (capacity == 0 || capacity > 0x7fffffffUL) {
		fprintf(stderr, "msvd: capacity '%lu' out of range\n",
			capacity);
		return EXIT_USAGE;
	}
	if (msvd_disc_create(dir, profile, (uint32_t)capacity, err,
			     sizeof(err)) < 0) {
		fprintf(stderr, "msvd: %s\n", err);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

static const char *status_word(enum msvd_status s)
{
	switch (s) {
	case MSVD_BLANK:
		return "blank";
	case MSVD_APPENDABLE:
		return "appendable";
	default:
		return "closed";
	}
}

static void show_track(const struct msvd_disc *d, int number)
{
	const struct msvd_track *t = &d->tracks[number - 1];

	printf("  track %d: start %lu, size %lu, readable %lu",
	       number, (unsigned long)t->start,
	       (unsigned long)(msvd_track_end(t) - t->start),
	       (unsigned long)t->written);
	if (!(t->flags & MSVD_TRACK_CLOSED))
		printf(", %s", t->flags & MSVD_TRACK_RESERVED ?
		       "reserved, open" : "open");
	if (t->flags & MSVD_TRACK_DAMAGED)
		printf(", damaged");
	printf("\n");
}

static int cmd_show(const char *dir)
{
	struct msvd_disc *d;
	char err[512];
	uint32_t nwa, free_blocks;
	int s, i, first, last, nsessions;

	if (msvd_disc_load(dir, 0, &d, err, sizeof(err)) < 0) {
		fprintf(stderr, "msvd: %s\n", err);
		return EXIT_FAILURE;
	}
	printf("profile: %s\n", msvd_profile_name(d->profile));
	printf("capacity: %lu blocks\n", (unsigned long)d->capacity);
	if (msvd_profile_is_overwriteable(d->profile)) {
		printf("status: formatted, overwriteable\n");
		printf("written up to block: %lu\n", (unsigned long)d->next);
		msvd_disc_free(d);
		return EXIT_SUCCESS;
	}
	printf("status: %s\n", status_word(msvd_disc_status(d)));
	if (msvd_nwa(d, &nwa, &free_blocks)) {
		printf("next writable address: %lu\n", (unsigned long)nwa);
		printf("free blocks: %lu\n", (unsigned long)free_blocks);
	}
	nsessions = d->sessions;
	if (msvd_last_session_state(d) == MSVD_SESSION_INCOMPLETE)
		nsessions++;
	printf("sessions: %d\n", d->sessions);
	for (s = 1; s <= nsessions; s++) {
		msvd_session_tracks(d, s, &first, &last);
		printf("session %d: %s\n", s,
		       s <= d->sessions ? "closed" : "open");
		for (i = first; i <= last && i > 0; i++)
			show_track(d, i);
	}
	msvd_disc_free(d);
	return EXIT_SUCCESS;
}

static int cmd_dump(const char *dir, const char *out)
{
	struct msvd_disc *d;
	unsigned char *buf = NULL;
	char err[512];
	uint32_t lba, end, n, sense, size = 0;
	int fd = -1, i, ret = EXIT_FAILURE;

	if (msvd_disc_load(dir, 0, &d, err, sizeof(err)) < 0) {
		fprintf(stderr, "msvd: %s\n", err);
		return EXIT_FAILURE;
	}
	buf = malloc((size_t)CHUNK_BLOCKS * MSVD_BLOCK);
	if (!buf) {
		fprintf(stderr, "msvd: out of memory\n");
		goto out;
	}
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		fprintf(stderr, "msvd: cannot create '%s': %s\n", out,
			strerror(errno));
		goto out;
	}
	/* an overwriteable disc: one run up to the highest block written */
	for (i = 0; i < (msvd_profile_is_overwriteable(d->profile) ? 1 :
			 d->ntracks); i++) {
		lba = d->ntracks ? d->tracks[i].start : 0;
		end = d->ntracks ? lba + d->tracks[i].written : d->next;
		for (; lba < end; lba += n) {
			n = end - lba < CHUNK_BLOCKS ? end - lba : CHUNK_BLOCKS;
			sense = msvd_read(d, lba, n, buf);
			if (sense) {
				fprintf(stderr, "msvd: cannot read block %lu "
					"of '%s'\n", (unsigned long)lba, dir);
				goto out;
			}
			if (pwrite(fd, buf, (size_t)n * MSVD_BLOCK,
				   (off_t)lba * MSVD_BLOCK) !=
			    (ssize_t)n * MSVD_BLOCK) {
				fprintf(stderr, "msvd: cannot write '%s': "
					"%s\n", out, strerror(errno));
				goto out;
			}
		}
		if (end > size)
			size = end;
	}
	if (ftruncate(fd, (off_t)size * MSVD_BLOCK) < 0 || close(fd) < 0) {
		fd = -1;
		fprintf(stderr, "msvd: cannot write '%s': %s\n", out,
			strerror(errno));
		goto out;
	}
	fd = -1;
	ret = EXIT_SUCCESS;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	msvd_disc_free(d);
	return ret;
}

static int parse_cdb(const char *hex, unsigned char *cdb)
{
	int n = 0, half = 0;
	unsigned v = 0;

	for (; *hex; hex++) {
		char c = *hex;

		if (c == ' ' || c == ':')
			continue;
		if (c >= '0' && c <= '9')
			v = v << 4 | (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v << 4 | (unsigned)(c - 'A' + 10);
		else
			return -1;
		if (++half == 2) {
			if (n == CDB_MAX)
				return -1;
			cdb[n++] = (unsigned char)v;
			half = 0;
			v = 0;
		}
	}
	return half || n < 6 ? -1 : n;
}

/* The virtual drive's path, if libmsvdrive.so is preloaded. */
static const char *virtual_device(void)
{
	const char *(*preload_device)(void);
	const char *dev;

	*(void **)&preload_device = dlsym(RTLD_DEFAULT,
					  "msvd_preload_device");
	dev = preload_device ? preload_device() : NULL;
	if (!dev || !*dev) {
		fprintf(stderr, "msvd: needs libmsvdrive.so preloaded and "
			"MSVD_DEVICE set\n");
		return NULL;
	}
	return dev;
}

static int cmd_sg(const char *hex, const struct msvd_opts *o)
{
	unsigned char cdb[CDB_MAX], sense[SENSE_MAX], *data = NULL;
	const char *dev;
	sg_io_hdr_t h;
	long len = o->recv > 0 ? o->recv : o->send > 0 ? o->send : 0;
	long i;
	int fd, n, ret = EXIT_FAILURE;

	n = parse_cdb(hex, cdb);
	if (n < 0) {
		fprintf(stderr, "msvd: bad CDB '%s'\n", hex);
		return EXIT_USAGE;
	}
	if (len > SG_LEN_MAX) {
		fprintf(stderr, "msvd: transfer length '%ld' too large\n",
			len);
		return EXIT_USAGE;
	}
	dev = virtual_device();
	if (!dev)
		return EXIT_FAILURE;
	fd = open(dev, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "msvd: cannot open '%s': %s\n", dev,
			strerror(errno));
		return EXIT_FAILURE;
	}
	data = calloc(1, len > 0 ? (size_t)len : 1);
	if (!data) {
		fprintf(stderr, "msvd: out of memory\n");
		goto out;
	}
	memset(&h, 0, sizeof(h));
	h.interface_id = 'S';
	h.cmdp = cdb;
	h.cmd_len = (unsigned char)n;
	h.sbp = sense;
	h.mx_sb_len = sizeof(sense);
	h.timeout = SG_TIMEOUT_MS;
	h.dxfer_direction = o->recv > 0 ? SG_DXFER_FROM_DEV :
			    o->send > 0 ? SG_DXFER_TO_DEV : SG_DXFER_NONE;
	h.dxferp = len > 0 ? data : NULL;
	h.dxfer_len = (unsigned)len;
	if (ioctl(fd, SG_IO, &h) < 0) {
		fprintf(stderr, "msvd: SG_IO on '%s' failed: %s\n", dev,
			strerror(errno));
		goto out;
	}
	if (h.sb_len_wr > SENSE_OFF_ASCQ) {
		printf("sense %x/%02x/%02x\n",
		       sense[SENSE_OFF_KEY] & SENSE_KEY_MASK,
		       sense[SENSE_OFF_ASC], sense[SENSE_OFF_ASCQ]);
	} else {
		printf("ok\n");
		for (i = 0; o->recv > 0 && i < o->recv - h.resid; i++)
			printf("%02x%s", data[i],
			       (i + 1) % 16 == 0 || i + 1 == o->recv - h.resid
			       ? "\n" : " ");
	}
	ret = EXIT_SUCCESS;
out:
	free(data);
	close(fd);
	return ret;
}

static int cmd_hold(const char *seconds, const struct msvd_opts *o)
{
	struct flock lk;
	const char *dev;
	unsigned long n = strtoul(seconds, NULL, 10);
	int fd, flags = O_RDWR | O_NONBLOCK | O_CLOEXEC;

	dev = virtual_device();
	if (!dev)
		return EXIT_FAILURE;
	if (!o->no_excl)
		flags |= O_EXCL;
	fd = open(dev, flags);
	if (fd < 0) {
		fprintf(stderr, "msvd: cannot open '%s': %s\n", dev,
			strerror(errno));
		return EXIT_FAILURE;
	}
	memset(&lk, 0, sizeof(lk));
	lk.l_type = F_WRLCK;
	lk.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &lk) < 0) {
		fprintf(stderr, "msvd: cannot lock '%s': %s\n", dev,
			strerror(errno));
		close(fd);
		return EXIT_FAILURE;
	}
	printf("holding %s\n", dev);
	fflush(stdout);
	sleep((unsigned)n);
	close(fd);
	return EXIT_SUCCESS;
}

static unsigned long parse_number(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-') {
		fprintf(stderr, "msvd: bad %s '%s'\n", what, s);
		exit(EXIT_USAGE);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "capacity", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "no-excl", no_argument, NULL, 'x' },
		{ "profile", required_argument, NULL, 'p' },
		{ "recv", required_argument, NULL, 'r' },
		{ "send", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct msvd_opts o;
	const char *cmd;
	int ch;

	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "c:hp:r:s:x", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'c':
			o.capacity = parse_number(optarg, "capacity");
			o.has_capacity = 1;
			break;
		case 'p':
			o.profile = optarg;
			break;
		case 'r':
			o.recv = (long)parse_number(optarg, "length");
			break;
		case 's':
			o.send = (long)parse_number(optarg, "length");
			break;
		case 'x':
			o.no_excl = 1;
			break;
		case 'h':
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	cmd = argv[0];
	if (o.recv > 0 && o.send > 0) {
		fprintf(stderr, "msvd: --recv and --send exclude each other\n");
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "new") && argc == 2)
		return cmd_new(argv[1], &o);
	if (!strcmp(cmd, "show") && argc == 2)
		return cmd_show(argv[1]);
	if (!strcmp(cmd, "dump") && argc == 3)
		return cmd_dump(argv[1], argv[2]);
	if (!strcmp(cmd, "sg") && argc == 2)
		return cmd_sg(argv[1], &o);
	if (!strcmp(cmd, "hold") && argc == 2) {
		parse_number(argv[1], "seconds");
		return cmd_hold(argv[1], &o);
	}
	usage();
	return EXIT_USAGE;
}
