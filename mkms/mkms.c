/*
 * mkms: build the next session of a disc as an incremental ISO 9660 +
 * Joliet image that links to the previous session.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "cli.h"
#include "exit.h"
#include "iso9660.h"
#include "layout.h"
#include "medium.h"
#include "progress_line.h"
#include "util.h"

#define COPY_CHUNK (1024 * 1024)
#define PIPE_WIDTH (1024 * 1024)
#define MS_JOLIET_VOLID_CHARS 16	/* 32 bytes of UCS-2 */

struct pathspec {
	char *iso_path;		/* NULL: SOURCE without a graft point */
	char *source;
};

struct mkms {
	const char *output;
	const char *base;
	const char *volid;
	int fresh;
	int allow_empty;
	int force;
	int have_c;
	uint32_t c_last, c_nwa;
	int rockridge;
	int md5;
	int no_boot;
	int verbose;
	enum ms_progress_mode progress;
	const char **removals;
	int nremovals;
	struct pathspec *specs;
	int nspecs;
	int64_t epoch;
	int in_place;		/* output is a device or fifo: no rename */
	char *output_real;	/* output with symbolic links resolved */
};

enum {
	OPT_ALLOW_EMPTY = 256,
	OPT_FORCE,
	OPT_FRESH,
	OPT_NO_BOOT,
	OPT_NO_MD5,
	OPT_NO_ROCKRIDGE,
	OPT_PROGRESS,
	OPT_RM,
	OPT_VERSION,
};

static const struct option longopts[] = {
	{ "allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY },
	{ "base", required_argument, NULL, 'M' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "fresh", no_argument, NULL, OPT_FRESH },
	{ "help", no_argument, NULL, 'h' },
	{ "no-boot", no_argument, NULL, OPT_NO_BOOT },
	{ "no-md5", no_argument, NULL, OPT_NO_MD5 },
	{ "no-rockridge", no_argument, NULL, OPT_NO_ROCKRIDGE },
	{ "output", required_argument, NULL, 'o' },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rm", required_argument, NULL, OPT_RM },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "volid", required_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* The temporary output, removed if we are stopped before the rename. */
static char *tmp_path;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mkms [-hqv] [-C last,nwa] [-M medium] [-V volid] "
		"[--allow-empty] [--force]\n"
		"            [--fresh] [--no-boot] [--no-md5] [--no-rockridge] "
		"[--progress=when]\n"
		"            [--rm path] [--version] -o image|- "
		"[pathspec ...]\n");
}

static void help(void)
{
	usage(stdout);
	printf("\n"
	       "Build the next session of a medium as an ISO 9660 + Joliet "
	       "image.\n"
	       "A pathspec is SOURCE or /iso/path=SOURCE.\n\n"
	       "  -M, --base medium  build the session that follows medium's "
	       "last one\n"
	       "  -C last,nwa        explicit addresses, as mkisofs -C\n"
	       "  -o, --output image the image file, or - for standard "
	       "output\n"
	       "  -V, --volid id     volume id (default: the base's, or "
	       MS_DEFAULT_VOLID ")\n"
	       "      --fresh        a first session, ignoring what the "
	       "medium holds\n"
	       "      --allow-empty  build a session even if it changes "
	       "nothing\n"
	       "      --force        overwrite an output file that holds "
	       "a disc\n"
	       "      --rm path      leave /path out of the new tree\n"
	       "      --no-boot      drop the base's El Torito boot "
	       "records\n"
	       "      --no-rockridge no Rock Ridge\n"
	       "      --no-md5       no MD5 checksum tags\n"
	       "      --progress=when  auto, always or never\n"
	       "  -q, --quiet        no warnings\n"
	       "  -v, --verbose      say what is done\n"
	       "  -h, --help         this text\n"
	       "      --version      the version\n\n"
	       "exit status: 0 ok, 1 failure, 2 usage, 3 wrong disc, "
	       "4 medium unsuitable,\n5 not enough space, "
	       "6 verification failed, 7 nothing to do, 8 medium busy\n");
}

static void remove_tmp(int sig)
{
	if (tmp_path)
		unlink(tmp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int parse_c(struct mkms *o, const char *arg)
{
	char buf[64], *comma;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	comma = strchr(buf, ',');
	if (!comma)
		return -1;
	*comma = '\0';
	if (ms_parse_u32(buf, &o->c_last) < 0 ||
	    ms_parse_u32(comma + 1, &o->c_nwa) < 0 || o->c_last > o->c_nwa)
		return -1;
	o->have_c = 1;
	return 0;
}

/* "/iso/path=SOURCE" (with "\=" for a literal '=') or "SOURCE". */
static int parse_spec(const char *arg, struct pathspec *ps)
{
	const char *p;
	size_t i = 0;
	char *iso;

	ps->iso_path = NULL;
	if (arg[0] == '/') {
		for (p = arg; *p; p++) {
			if (*p == '\\' && p[1] == '=') {
				p++;
				continue;
			}
			if (*p == '=')
				break;
		}
		if (*p == '=') {
			iso = malloc((size_t)(p - arg) + 1);
			if (!iso)
				return -1;
			for (const char *q = arg; q < p; q++) {
				if (*q == '\\' && q[1] == '=')
					q++;
				iso[i++] = *q;
			}
			iso[i] = '\0';
			ps->iso_path = iso;
			arg = p + 1;
		}
	}
	ps->source = strdup(arg);
	return ps->source ? 0 : -1;
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int check_args(struct mkms *o, char **argv, int argc)
{
	const char *env;
	struct stat st;
	int i;

	if (!o->output) {
		ms_cli_error("no output given: use -o image or -o -");
		return -1;
	}
	if (o->volid && strlen(o->volid) > MS_VD_VOLUME_ID_LEN) {
		ms_cli_error("volume id '%s' is longer than %d characters",
			     o->volid, MS_VD_VOLUME_ID_LEN);
		return -1;
	}
	env = getenv("SOURCE_DATE_EPOCH");
	o->epoch = -1;
	if (env && *env) {
		uint32_t v;

		if (ms_parse_u32(env, &v) < 0) {
			ms_cli_error("SOURCE_DATE_EPOCH '%s' is not a number of "
				     "seconds", env);
			return -1;
		}
		o->epoch = v;
	}
	o->specs = calloc((size_t)argc + 1, sizeof(*o->specs));
	if (!o->specs) {
		ms_cli_error("out of memory");
		return -1;
	}
	for (i = 0; i < argc; i++) {
		o->nspecs++;
		if (parse_spec(argv[i], &o->specs[i]) < 0) {
			ms_cli_error("out of memory");
			return -1;
		}
		if (lstat(o->specs[i].source, &st) < 0) {
			ms_cli_error("cannot add '%s': %s", o->specs[i].source,
				     strerror(errno));
			return -1;
		}
		if (o->specs[i].iso_path && o->specs[i].iso_path[0] != '/') {
			ms_cli_error("graft point '%s' is not absolute",
				     o->specs[i].iso_path);
			return -1;
		}
	}
	for (i = 0; i < o->nremovals; i++) {
		if (o->removals[i][0] != '/') {
			ms_cli_error("--rm wants an absolute path in the image, "
				     "not '%s'", o->removals[i]);
			return -1;
		}
	}
	if (strcmp(o->output, "-")) {
		if (stat(o->output, &st) == 0 && S_ISDIR(st.st_mode)) {
			ms_cli_error("output '%s' is a directory", o->output);
			return -1;
		}
		if (o->base && same_file(o->output, ms_medium_file_path(o->base))) {
			ms_cli_error("output '%s' is the medium itself: the "
				     "image must go elsewhere, burnms writes it",
				     o->output);
			return -1;
		}
	} else if (isatty(STDOUT_FILENO)) {
		ms_cli_error("refusing to write an image to a terminal");
		return -1;
	}
	return 0;
}

/*
 * The primary descriptor holds d-characters only: libisofs makes letters
 * uppercase and every other character '_'.  Joliet keeps the text, up to
 * 16 characters.  Say so when the given id does not survive as it is.
 */
static void warn_volid(struct ms_ctx *c, const char *volid)
{
	char iso[MS_VD_VOLUME_ID_LEN + 1];
	const unsigned char *p;
	size_t n = 0, chars = 0;

	for (p = (const unsigned char *)volid; *p && n < sizeof(iso) - 1;
	     p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		chars++;
		if (*p >= 'a' && *p <= 'z')
			iso[n++] = (char)(*p - 'a' + 'A');
		else if ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			 *p == '_')
			iso[n++] = (char)*p;
		else
			iso[n++] = '_';
	}
	iso[n] = '\0';
	if (strcmp(iso, volid))
		ms_warn(c, "warning: volume id '%s' is '%s' in the ISO 9660 "
			"tree, which allows only A-Z, 0-9 and _; Joliet "
			"readers see %s", volid, iso,
			chars > MS_JOLIET_VOLID_CHARS ? "its first 16 "
			"characters" : "it as given");
}

/* Decide where the image goes and whether it continues the medium. */
static int plan(struct mkms *o, struct ms_ctx *c, const struct ms_layout *l,
		int *import, uint32_t *start)
{
	*import = 0;
	*start = 0;
	if (!l) {
		if (o->have_c)
			*start = o->c_nwa;
		return 0;
	}
	if (ms_layout_check_appendable(c, l, o->fresh ? MS_CHECK_FRESH : 0) < 0)
		return -1;
	if (o->fresh || l->status == MS_STATUS_BLANK) {
		*start = l->first_address;
		if (o->have_c && o->c_nwa != *start)
			return ms_fail(c, MS_EXIT_USAGE,
				       "-C %u,%u disagrees with '%s': a first "
				       "session goes to block %u", o->c_last,
				       o->c_nwa, l->medium, *start);
		return 0;
	}
	*import = 1;
	*start = l->nwa;
	if (o->have_c && (o->c_nwa != l->nwa ||
			  (o->c_last != l->msc1 && o->c_last != l->last_start)))
		return ms_fail(c, MS_EXIT_USAGE,
			       "-C %u,%u disagrees with '%s', whose msinfo is "
			       "%u,%u", o->c_last, o->c_nwa, l->medium,
			       l->msc1, l->nwa);
	return 0;
}

/*
 * A regular file (or a new one) is written under a temporary name and
 * renamed when complete.  Anything else that exists, a device or a fifo,
 * is written in place: renaming over it would replace the node itself.
 */
static int open_output(struct mkms *o, int *fd)
{
	char *copy, *dir, *real;
	struct stat st;
	mode_t mask;

	if (!strcmp(o->output, "-")) {
		*fd = STDOUT_FILENO;
		/* a wider pipe costs fewer wake-ups of both ends */
		if (fstat(*fd, &st) == 0 && S_ISFIFO(st.st_mode))
			fcntl(*fd, F_SETPIPE_SZ, PIPE_WIDTH);
		return 0;
	}
	if (stat(o->output, &st) == 0 && !S_ISREG(st.st_mode)) {
		*fd = open(o->output, O_WRONLY | O_CLOEXEC);
		if (*fd < 0) {
			ms_cli_error("cannot open '%s': %s", o->output,
				     strerror(errno));
			return -1;
		}
		o->in_place = 1;
		return 0;
	}
	/* write through a symbolic link, as cp does */
	real = realpath(o->output, NULL);
	if (real)
		o->output_real = real;
	copy = strdup(o->output_real ? o->output_real : o->output);
	if (!copy)
		return -1;
	dir = dirname(copy);
	real = o->output_real ? o->output_real : (char *)o->output;
	if (asprintf(&tmp_path, "%s/.%s.mkms-XXXXXX", dir,
		     strrchr(real, '/') ? strrchr(real, '/') + 1 : real) < 0) {
		free(copy);
		tmp_path = NULL;
		return -1;
	}
	free(copy);
	*fd = mkstemp(tmp_path);
	if (*fd < 0) {
		ms_cli_error("cannot create '%s': %s", o->output,
			     strerror(errno));
		free(tmp_path);
		tmp_path = NULL;
		return -1;
	}
	mask = umask(0);
	umask(mask);
	fchmod(*fd, 0666 & ~mask);
	return 0;
}

/*
 * In a pipe (to burnms, which shows the whole job) mkms draws no progress
 * line unless asked to: two lines on one terminal would fight.
 */
static int want_progress(const struct mkms *o, int fd)
{
	struct stat st;

	if (o->progress == MS_PROGRESS_AUTO && fd == STDOUT_FILENO &&
	    (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)))
		return 0;
	return ms_cli_want_progress(o->progress);
}

static int produce(struct mkms *o, struct ms_ctx *c, struct ms_build *b,
		   int fd)
{
	struct ms_progress_line p;
	uint8_t *buf;
	uint64_t done = 0;
	ssize_t n;
	int ret = -1;

	buf = malloc(COPY_CHUNK);
	if (!buf)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	ms_progress_line_start(&p, want_progress(o, fd) ? stderr : NULL,
			       "mkms", ms_build_size(b));
	for (;;) {
		n = ms_build_read(b, c, buf, COPY_CHUNK);
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		if (ms_write_all(fd, buf, (size_t)n) < 0) {
			ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				      "cannot write '%s'", o->output);
			goto out;
		}
		done += (uint64_t)n;
		ms_progress_update(&p.model, done);
	}
	if (fd != STDOUT_FILENO && fsync(fd) < 0 && errno != EINVAL &&
	    errno != EROFS) {
		ms_fail_errno(c, MS_EXIT_FAILURE, errno, "cannot write '%s'",
			      o->output);
		goto out;
	}
	ret = 0;
out:
	ms_progress_line_end(&p);
	free(buf);
	return ret;
}

/*
 * A session without additions or removals would only cost the medium its
 * session overhead.  Say so with MS_EXIT_NOTHING; on standard output leave
 * the marker, so that burnms at the other end of a pipe can tell this from
 * a builder that failed.
 */
static int nothing_to_do(const struct mkms *o, int import)
{
	if (!strcmp(o->output, "-") &&
	    ms_write_all(STDOUT_FILENO, MS_NOTHING_MARKER,
			 strlen(MS_NOTHING_MARKER)) < 0) {
		ms_cli_error("cannot write to standard output: %s",
			     strerror(errno));
		return MS_EXIT_FAILURE;
	}
	if (import)
		ms_cli_error("nothing to do: no pathspec and no --rm, so the "
			     "next session would change nothing "
			     "(--allow-empty builds it anyway)");
	else
		ms_cli_error("nothing to do: no pathspec, so the image would "
			     "be empty (--allow-empty builds it anyway)");
	return MS_EXIT_NOTHING;
}

/* A standalone image that mkms built for block 0 (no -M): one session. */
static int is_block0_image(const struct ms_layout *l)
{
	const struct ms_session *s = &l->sessions[0];

	return l->nsessions == 1 && s->start == 0 &&
	       s->link_state == MS_LINK_FOUND && s->link.start == 0 &&
	       s->link.base_blank;
}

/*
 * An existing output file that reads as a disc with sessions (or a
 * snapshot of one) is most likely a mix-up of arguments: overwrite it only
 * with --force.  A previous session image, or any other file, is replaced
 * as usual.
 */
static int check_overwrite(const struct mkms *o, struct ms_ctx *c)
{
	struct ms_medium *m = NULL;
	struct ms_layout l;
	struct stat st;
	int ret = 0;

	if (!strcmp(o->output, "-") || stat(o->output, &st) < 0 ||
	    !S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	if (ms_medium_open(c, o->output, 0, &m) < 0) {
		c->status = 0;
		return 0;
	}
	if (ms_layout_read(c, m, &l) < 0) {
		c->status = 0;
		ms_medium_close(m);
		return 0;
	}
	if ((l.status == MS_STATUS_APPENDABLE ||
	     l.status == MS_STATUS_CLOSED) && l.nsessions > 0 &&
	    !is_block0_image(&l))
		ret = ms_fail(c, MS_EXIT_UNSUITABLE,
			      "output '%s' is %s holding %d session%s, not a "
			      "session image: refusing to overwrite it "
			      "(--force does)", o->output,
			      l.snapshot_of ? "a snapshot of a disc" : "a disc",
			      l.nsessions, l.nsessions == 1 ? "" : "s");
	ms_layout_release(&l);
	ms_medium_close(m);
	return ret;
}

static void warn_space(struct ms_ctx *c, const struct ms_layout *l,
		       const struct ms_link *k)
{
	uint64_t need = (uint64_t)k->blocks + l->overhead_blocks;

	if (l->status != MS_STATUS_APPENDABLE && l->status != MS_STATUS_BLANK)
		return;
	if (need > l->free_blocks)
		ms_warn(c, "warning: the image needs %llu blocks with the "
			"session overhead, but '%s' has %llu free: burnms will "
			"refuse it", (unsigned long long)need, l->medium,
			(unsigned long long)l->free_blocks);
}

/*
 * Say once what the new session cannot carry of a base made by another
 * tool: a UDF bridge, an HFS hybrid, boot records dropped on request.
 */
static void warn_foreign(struct ms_ctx *c, const struct ms_layout *l,
			 const struct mkms *o)
{
	const struct ms_session *last = &l->sessions[l->nsessions - 1];

	if (last->udf)
		ms_warn(c, "warning: '%s' is a UDF bridge: the new session "
			"carries ISO 9660, Joliet%s and no UDF, so readers "
			"that prefer UDF will see the newest tree through "
			"Joliet", l->medium, o->rockridge ?
			", Rock Ridge" : "");
	if (last->hfs)
		ms_warn(c, "warning: '%s' is an HFS hybrid: the new session has "
			"no HFS part (its system area holds the link record), "
			"so the disc's HFS volume is lost; every file stays in "
			"the ISO 9660 and Joliet trees", l->medium);
	if (last->mbr)
		ms_warn(c, "warning: '%s' has a master boot record (a partition "
			"table, as isohybrid images have) in its system area: "
			"the new session's system area holds the link record, "
			"so it has no partition table and does not boot from a "
			"USB stick; El Torito boot records are kept",
			l->medium);
	if (last->el_torito && o->no_boot)
		ms_warn(c, "warning: the El Torito boot records of '%s' are "
			"dropped (--no-boot): the new session does not boot",
			l->medium);
}

int main(int argc, char **argv)
{
	struct mkms o = { .rockridge = 1, .md5 = 1 };
	struct ms_build_opts bo = { 0 };
	struct ms_ctx c;
	struct ms_medium *m = NULL;
	struct ms_layout l, *lp = NULL;
	struct ms_build *b = NULL;
	struct stat ost;
	uint32_t start;
	int ch, i, import, fd = -1, ret = MS_EXIT_USAGE;

	ms_cli_init("mkms", &c);
	o.removals = calloc((size_t)argc, sizeof(*o.removals));
	if (!o.removals)
		return MS_EXIT_FAILURE;
	while ((ch = getopt_long(argc, argv, "C:hM:o:qV:v", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'C':
			if (parse_c(&o, optarg) < 0) {
				ms_cli_error("bad -C '%s': want two block "
					     "numbers, last,nwa, with last not "
					     "after nwa", optarg);
				goto out;
			}
			break;
		case 'h':
			help();
			ret = MS_EXIT_OK;
			goto out;
		case 'M':
			o.base = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'q':
			ms_quiet = 1;
			break;
		case 'V':
			o.volid = optarg;
			break;
		case 'v':
			o.verbose++;
			break;
		case OPT_ALLOW_EMPTY:
			o.allow_empty = 1;
			break;
		case OPT_FORCE:
			o.force = 1;
			break;
		case OPT_FRESH:
			o.fresh = 1;
			break;
		case OPT_NO_BOOT:
			o.no_boot = 1;
			break;
		case OPT_NO_MD5:
			o.md5 = 0;
			break;
		case OPT_NO_ROCKRIDGE:
			o.rockridge = 0;
			break;
		case OPT_PROGRESS:
			if (ms_cli_progress_mode(optarg, &o.progress) < 0) {
				ms_cli_error("bad --progress '%s': want auto, "
					     "always or never", optarg);
				goto out;
			}
			break;
		case OPT_RM:
			o.removals[o.nremovals++] = optarg;
			break;
		case OPT_VERSION:
			ms_cli_version();
			ret = MS_EXIT_OK;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	argc -= optind;
	argv += optind;
	c.verbose = o.verbose;

	if (check_args(&o, argv, argc) < 0)
		goto out;
	if (!o.force && check_overwrite(&o, &c) < 0) {
		ret = ms_cli_fail(&c);
		goto out;
	}

	if (o.base) {
		if (ms_medium_open(&c, o.base, 0, &m) < 0 ||
		    ms_layout_read(&c, m, &l) < 0) {
			ret = ms_cli_fail(&c);
			goto out;
		}
		lp = &l;
	}
	if (plan(&o, &c, lp, &import, &start) < 0) {
		ret = ms_cli_fail(&c);
		goto out;
	}
	if (start > MS_ISO_MAX_LBA - MS_SYSAREA_BLOCKS) {
		ms_fail(&c, lp && !o.have_c ? MS_EXIT_UNSUITABLE : MS_EXIT_USAGE,
			"no session fits at block %u: ISO 9660 addresses end "
			"at block %u", start, MS_ISO_MAX_LBA);
		ret = ms_cli_fail(&c);
		goto out;
	}
	if (o.nspecs == 0 && o.nremovals == 0 && !o.allow_empty) {
		ret = nothing_to_do(&o, import);
		goto out;
	}
	if (strcmp(o.output, "-") && stat(o.output, &ost) == 0 &&
	    S_ISREG(ost.st_mode)) {
		bo.exclude = 1;
		bo.exclude_dev = ost.st_dev;
		bo.exclude_ino = ost.st_ino;
	}
	if (o.volid)
		warn_volid(&c, o.volid);
	bo.volid = o.volid;
	bo.rockridge = o.rockridge;
	bo.md5 = o.md5;
	bo.no_boot = o.no_boot;
	bo.epoch = o.epoch;
	if (import)
		warn_foreign(&c, lp, &o);
	ret = MS_EXIT_FAILURE;
	if (ms_build_new(&c, &bo, m, lp, import, start, &b) < 0)
		goto fail;
	for (i = 0; i < o.nremovals; i++)
		if (ms_build_remove(b, &c, o.removals[i]) < 0)
			goto fail;
	if (ms_build_check_dropped(b, &c) < 0)
		goto fail;
	for (i = 0; i < o.nspecs; i++)
		if (ms_build_add(b, &c, o.specs[i].iso_path,
				 o.specs[i].source) < 0)
			goto fail;
	if (ms_build_start(b, &c) < 0) {
		/* an address given by -C alone is the user's, not the medium's */
		if (c.status == MS_EXIT_UNSUITABLE && o.have_c && !lp)
			c.status = MS_EXIT_USAGE;
		goto fail;
	}
	if (lp)
		warn_space(&c, lp, ms_build_link(b));

	signal(SIGINT, remove_tmp);
	signal(SIGTERM, remove_tmp);
	signal(SIGHUP, remove_tmp);
	signal(SIGPIPE, remove_tmp);
	/* a file size limit must fail the write, not kill us mid-image */
	signal(SIGXFSZ, SIG_IGN);
	if (open_output(&o, &fd) < 0)
		goto out;
	if (produce(&o, &c, b, fd) < 0)
		goto fail;
	if (fd != STDOUT_FILENO) {
		if (close(fd) < 0) {
			fd = -1;
			ms_fail_errno(&c, MS_EXIT_FAILURE, errno,
				      "cannot write '%s'", o.output);
			goto fail;
		}
		fd = -1;
	}
	if (tmp_path) {
		if (rename(tmp_path, o.output_real ? o.output_real :
			   o.output) < 0) {
			ms_fail_errno(&c, MS_EXIT_FAILURE, errno,
				      "cannot rename to '%s'", o.output);
			goto fail;
		}
		free(tmp_path);
		tmp_path = NULL;
	}
	ms_note(&c, "wrote %u blocks for block %u%s%s", ms_build_link(b)->blocks,
		start, o.base ? " of " : "", o.base ? o.base : "");
	ret = MS_EXIT_OK;
	goto out;
fail:
	ret = ms_cli_fail(&c);
out:
	if (fd >= 0 && fd != STDOUT_FILENO)
		close(fd);
	if (tmp_path) {
		unlink(tmp_path);
		free(tmp_path);
	}
	ms_build_free(b);
	if (lp)
		ms_layout_release(&l);
	ms_medium_close(m);
	ms_lib_finish();
	for (i = 0; i < o.nspecs; i++) {
		free(o.specs[i].iso_path);
		free(o.specs[i].source);
	}
	free(o.specs);
	free(o.removals);
	free(o.output_real);
	return ret;
}
