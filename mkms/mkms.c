/*
 * mkms: build the next session of a disc as an incremental ISO 9660 +
 * Joliet image that links to the previous session.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
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
#include "plan.h"
#include "progress_line.h"
#include "util.h"

#define COPY_CHUNK (1024 * 1024)
#define PIPE_WIDTH (1024 * 1024)
#define MS_JOLIET_VOLID_CHARS 16	/* 32 bytes of UCS-2 */

struct pathspec {
	char *iso_path;		/* NULL: SOURCE without a graft point */
	char *source;
	struct ms_source *src;
	int archive;		/* --archive: its tree is the archive's */
};

struct mkms {
	const char *output;
	const char *base;
	const char *volid;
	struct ms_plan_opts plan;
	int force;
	int rockridge;
	int md5;
	int no_boot;
	int verbose;
	enum ms_progress_mode progress;
	const char **removals;
	int nremovals;
	const char **archives;	/* --archive [/iso/path=]FILE */
	int narchives;
	int zisofs;
	struct pathspec *specs;
	int nspecs;
	int64_t epoch;
	int update;		/* 0, or an enum ms_update_mode */
	const char **patterns;	/* --exclude */
	int npatterns;
	int in_place;		/* output is a device or fifo: no rename */
};

enum {
	OPT_ALLOW_EMPTY = 256,
	OPT_ARCHIVE,
	OPT_EXCLUDE,
	OPT_FORCE,
	OPT_FRESH,
	OPT_FROM_SESSION,
	OPT_NO_BOOT,
	OPT_NO_MD5,
	OPT_NO_ROCKRIDGE,
	OPT_PROGRESS,
	OPT_RM,
	OPT_UPDATE,
	OPT_VERSION,
	OPT_ZISOFS,
};

static const struct option longopts[] = {
	{ "allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY },
	{ "archive", required_argument, NULL, OPT_ARCHIVE },
	{ "base", required_argument, NULL, 'M' },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "fresh", no_argument, NULL, OPT_FRESH },
	{ "from-session", required_argument, NULL, OPT_FROM_SESSION },
	{ "help", no_argument, NULL, 'h' },
	{ "no-boot", no_argument, NULL, OPT_NO_BOOT },
	{ "no-md5", no_argument, NULL, OPT_NO_MD5 },
	{ "no-rockridge", no_argument, NULL, OPT_NO_ROCKRIDGE },
	{ "output", required_argument, NULL, 'o' },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rm", required_argument, NULL, OPT_RM },
	{ "update", optional_argument, NULL, OPT_UPDATE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "volid", required_argument, NULL, 'V' },
	{ "zisofs", no_argument, NULL, OPT_ZISOFS },
	{ NULL, 0, NULL, 0 },
};

/* The temporary output, removed if we are stopped before the rename. */
static struct ms_tmpfile out_tmp = { .fd = -1 };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mkms [-hqv] [-C last,nwa] [-M medium] [-V volid] "
		"[--allow-empty]\n"
		"            [--archive [/iso/path=]file] [--exclude pattern] "
		"[--force]\n"
		"            [--fresh] [--from-session n] [--no-boot] [--no-md5] "
		"[--no-rockridge]\n"
		"            [--progress=when] [--rm path] [--update[=content]] "
		"[--version]\n"
		"            [--zisofs] -o image|- [pathspec ...]\n");
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
	       "      --from-session n  start from session n's tree "
	       "instead of the last one's\n"
	       "      --allow-empty  build a session even if it changes "
	       "nothing\n"
	       "      --archive [/iso/path=]file  add every entry of an "
	       "archive (- for\n"
	       "                     standard input; data spooled under "
	       "TMPDIR if need be)\n"
	       "      --force        overwrite an output file that holds "
	       "a disc\n"
	       "      --rm path      leave /path out of the new tree\n"
	       "      --update[=content]  make the tree under each pathspec "
	       "exactly its\n"
	       "                     source, writing only what changed "
	       "(content: by MD5)\n"
	       "      --exclude pattern  leave out source entries whose name "
	       "(or, with a\n"
	       "                     '/', path in the source) matches\n"
	       "      --no-rockridge no Rock Ridge\n"
	       "      --no-boot      drop the base's El Torito boot "
	       "records\n"
	       "      --no-md5       no MD5 checksum tags\n"
	       "      --zisofs       compress file content with zisofs "
	       "(needs Rock Ridge)\n"
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
	if (out_tmp.tmp)
		unlink(out_tmp.tmp);
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
	if (ms_parse_u32(buf, &o->plan.c_last) < 0 ||
	    ms_parse_u32(comma + 1, &o->plan.c_nwa) < 0 ||
	    o->plan.c_last > o->plan.c_nwa)
		return -1;
	o->plan.have_c = 1;
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

/* The archives, as pathspecs after those on the command line. */
static int add_archives(struct mkms *o, struct ms_ctx *c)
{
	struct pathspec *ps;
	int i, stdin_taken = 0;

	for (i = 0; i < o->narchives; i++) {
		ps = &o->specs[o->nspecs++];
		ps->archive = 1;
		if (parse_spec(o->archives[i], ps) < 0) {
			ms_cli_error("out of memory");
			return -1;
		}
		if (ps->iso_path && ps->iso_path[0] != '/') {
			ms_cli_error("graft point '%s' is not absolute",
				     ps->iso_path);
			return -1;
		}
		if (!strcmp(ps->source, "-") && stdin_taken++) {
			ms_cli_error("only one --archive can read standard "
				     "input");
			return -1;
		}
		if (ms_source_archive_new(c, ps->source, &ps->src) < 0) {
			ms_cli_fail(c);
			return -1;
		}
	}
	return 0;
}

static int check_args(struct mkms *o, struct ms_ctx *c, char **argv,
		      int argc)
{
	const char *env;
	struct stat st;
	int i;

	if (!o->output) {
		ms_cli_error("no output given: use -o image or -o -");
		return -1;
	}
	if (o->update && !o->base) {
		ms_cli_error("--update needs -M: the medium whose tree the "
			     "sources are compared with");
		return -1;
	}
	if (o->update && !o->rockridge) {
		ms_cli_error("--update and --no-rockridge exclude each other: "
			     "without Rock Ridge the disc keeps no owner, mode "
			     "or exact time to compare with");
		return -1;
	}
	if (o->update && o->plan.fresh) {
		ms_cli_error("--update and --fresh exclude each other: a fresh "
			     "session has no tree to compare with");
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
	o->specs = calloc((size_t)argc + (size_t)o->narchives + 1,
			  sizeof(*o->specs));
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
		if (ms_source_fs_new(c, o->specs[i].source,
				     &o->specs[i].src) < 0) {
			ms_cli_fail(c);
			return -1;
		}
		if (o->specs[i].iso_path && o->specs[i].iso_path[0] != '/') {
			ms_cli_error("graft point '%s' is not absolute",
				     o->specs[i].iso_path);
			return -1;
		}
	}
	if (add_archives(o, c) < 0)
		return -1;
	if (o->zisofs && !o->rockridge) {
		ms_cli_error("--zisofs needs Rock Ridge, which --no-rockridge "
			     "turns off: readers find compressed files by its "
			     "ZF entries");
		return -1;
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

/*
 * A regular file (or a new one) is written under a temporary name and
 * renamed when complete.  Anything else that exists, a device or a fifo,
 * is written in place: renaming over it would replace the node itself.
 */
static int open_output(struct mkms *o, struct ms_ctx *c, int *fd)
{
	struct stat st;

	if (!strcmp(o->output, "-")) {
		*fd = STDOUT_FILENO;
		/* a wider pipe costs fewer wake-ups of both ends */
		if (fstat(*fd, &st) == 0 && S_ISFIFO(st.st_mode))
			fcntl(*fd, F_SETPIPE_SZ, PIPE_WIDTH);
		return 0;
	}
	if (stat(o->output, &st) == 0 && !S_ISREG(st.st_mode)) {
		*fd = open(o->output, O_WRONLY | O_CLOEXEC);
		if (*fd < 0)
			return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
					     "cannot open '%s'", o->output);
		o->in_place = 1;
		return 0;
	}
	if (ms_tmpfile_open(c, &out_tmp, o->output, "mkms", 0666) < 0)
		return -1;
	*fd = out_tmp.fd;
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
	if (o->in_place && fsync(fd) < 0 && errno != EINVAL &&
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
 * session overhead: the plan says so with MS_EXIT_NOTHING.  On standard
 * output leave the marker, so that burnms at the other end of a pipe can
 * tell this from a builder that failed.
 */
static int nothing_to_do(const struct mkms *o, const struct ms_ctx *c)
{
	if (!strcmp(o->output, "-") &&
	    ms_write_all(STDOUT_FILENO, MS_NOTHING_MARKER,
			 strlen(MS_NOTHING_MARKER)) < 0) {
		ms_cli_error("cannot write to standard output: %s",
			     strerror(errno));
		return MS_EXIT_FAILURE;
	}
	return ms_cli_fail(c);
}

/* Options into o.  Returns -1 to go on, else the exit status. */
static int parse_options(struct mkms *o, int argc, char **argv)
{
	uint32_t n;
	int ch;

	while ((ch = getopt_long(argc, argv, "C:hM:o:qV:v", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'C':
			if (parse_c(o, optarg) < 0) {
				ms_cli_error("bad -C '%s': want two block "
					     "numbers, last,nwa, with last not "
					     "after nwa", optarg);
				return MS_EXIT_USAGE;
			}
			break;
		case 'h':
			help();
			return MS_EXIT_OK;
		case 'M':
			o->base = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'q':
			ms_quiet = 1;
			break;
		case 'V':
			o->volid = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case OPT_ALLOW_EMPTY:
			o->plan.allow_empty = 1;
			break;
		case OPT_ARCHIVE:
			o->archives[o->narchives++] = optarg;
			break;
		case OPT_EXCLUDE:
			if (!optarg[0]) {
				ms_cli_error("--exclude wants a pattern");
				return MS_EXIT_USAGE;
			}
			o->patterns[o->npatterns++] = optarg;
			break;
		case OPT_FORCE:
			o->force = 1;
			break;
		case OPT_FRESH:
			o->plan.fresh = 1;
			break;
		case OPT_FROM_SESSION:
			if (ms_parse_u32(optarg, &n) < 0 || n == 0 ||
			    n > INT_MAX) {
				ms_cli_error("bad --from-session '%s': want a "
					     "session number from 1", optarg);
				return MS_EXIT_USAGE;
			}
			o->plan.from_session = (int)n;
			break;
		case OPT_NO_BOOT:
			o->no_boot = 1;
			break;
		case OPT_NO_MD5:
			o->md5 = 0;
			break;
		case OPT_NO_ROCKRIDGE:
			o->rockridge = 0;
			break;
		case OPT_PROGRESS:
			if (ms_cli_progress_mode(optarg, &o->progress) < 0) {
				ms_cli_error("bad --progress '%s': want auto, "
					     "always or never", optarg);
				return MS_EXIT_USAGE;
			}
			break;
		case OPT_RM:
			o->removals[o->nremovals++] = optarg;
			break;
		case OPT_UPDATE:
			if (!optarg) {
				o->update = MS_UPDATE_META;
			} else if (!strcmp(optarg, "content")) {
				o->update = MS_UPDATE_CONTENT;
			} else {
				ms_cli_error("bad --update '%s': want --update or "
					     "--update=content", optarg);
				return MS_EXIT_USAGE;
			}
			break;
		case OPT_VERSION:
			ms_cli_version();
			return MS_EXIT_OK;
		case OPT_ZISOFS:
			o->zisofs = 1;
			break;
		default:
			usage(stderr);
			return MS_EXIT_USAGE;
		}
	}
	return -1;
}

/*
 * Say once what the new session cannot carry of a base made by another
 * tool: a UDF bridge, an HFS hybrid, a partition table, boot records
 * dropped on request.
 */
static void warn_foreign(struct ms_ctx *c, const struct ms_layout *l,
			 const struct mkms *o)
{
	const struct ms_session *last = &l->sessions[l->nsessions - 1];

	if (l->carries_unknown)
		ms_warn(c, "warning: snapshot '%s' was taken by an older "
			"mstools and does not say whether its last session "
			"carries UDF, HFS, a partition table or boot records: "
			"what the new session cannot carry of those is not "
			"named", l->medium);
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

/*
 * Update mode, after the sources: prune what they no longer hold, say
 * what changed, and decide whether there is anything to do (older_tree:
 * the tree came from a session before the newest, a change in itself).
 */
static int settle_update(const struct mkms *o, struct ms_ctx *c,
			 struct ms_build *b, int older_tree)
{
	struct ms_update_sum s;
	struct stat st;
	char human[32];
	int i;

	for (i = 0; i < o->nspecs; i++) {
		if (!o->specs[i].archive && (stat(o->specs[i].source, &st) < 0 ||
					     !S_ISDIR(st.st_mode)))
			continue;
		if (ms_build_prune(b, c, o->specs[i].iso_path) < 0)
			return -1;
	}
	ms_build_update_sum(b, &s);
	ms_human_blocks((s.bytes + MS_BLOCK - 1) / MS_BLOCK, human,
			sizeof(human));
	ms_warn(c, "update: %llu added, %llu changed, %llu removed, %llu "
		"unchanged, %s to write", (unsigned long long)s.added,
		(unsigned long long)s.changed, (unsigned long long)s.removed,
		(unsigned long long)s.unchanged, human);
	return ms_plan_check_update(c, &o->plan, s.added + s.changed +
				    s.removed + (uint64_t)o->nremovals +
				    (uint64_t)older_tree);
}

/* Import, remove, add and lay out: the session, ready to be written. */
static int build(const struct mkms *o, struct ms_ctx *c, struct ms_medium *m,
		 const struct ms_layout *l, const struct ms_plan *p,
		 struct ms_build **out)
{
	struct ms_build_opts bo = { 0 };
	struct ms_build *b;
	struct stat st;
	int i;

	if (strcmp(o->output, "-") && stat(o->output, &st) == 0 &&
	    S_ISREG(st.st_mode)) {
		bo.exclude = 1;
		bo.exclude_dev = st.st_dev;
		bo.exclude_ino = st.st_ino;
	}
	if (o->volid)
		warn_volid(c, o->volid);
	bo.volid = o->volid;
	bo.rockridge = o->rockridge;
	bo.md5 = o->md5;
	bo.no_boot = o->no_boot;
	bo.from_session = p->import ? p->session_index + 1 : 0;
	bo.zisofs = o->zisofs;
	bo.epoch = o->epoch;
	bo.update = o->update;
	bo.patterns = o->patterns;
	bo.npatterns = o->npatterns;
	if (p->import)
		warn_foreign(c, l, o);
	if (ms_build_new(c, &bo, m, l, p->import, p->start, out) < 0)
		return -1;
	b = *out;
	for (i = 0; i < o->nremovals; i++)
		if (ms_build_remove(b, c, o->removals[i]) < 0)
			return -1;
	if (ms_build_check_dropped(b, c) < 0)
		return -1;
	for (i = 0; i < o->nspecs; i++)
		if (ms_build_add_source(b, c, o->specs[i].iso_path,
					o->specs[i].src) < 0)
			return -1;
	/* --from-session with an older session is a change of its own */
	if (o->update && settle_update(o, c, b, p->import &&
				       p->session_index != l->nsessions - 1) < 0)
		return -1;
	if (ms_build_start(b, c) < 0) {
		/* an address given by -C alone is the user's, not the medium's */
		if (c->status == MS_EXIT_UNSUITABLE && p->user_address)
			c->status = MS_EXIT_USAGE;
		return -1;
	}
	if (l)
		ms_plan_warn_space(c, l, ms_build_link(b));
	return 0;
}

/* Write the image to the output, through a temporary file if one. */
static int write_image(struct mkms *o, struct ms_ctx *c, struct ms_build *b)
{
	int fd = -1, ret = -1;

	signal(SIGINT, remove_tmp);
	signal(SIGTERM, remove_tmp);
	signal(SIGHUP, remove_tmp);
	signal(SIGPIPE, remove_tmp);
	/* a file size limit must fail the write, not kill us mid-image */
	signal(SIGXFSZ, SIG_IGN);
	if (open_output(o, c, &fd) < 0)
		return ms_cli_fail(c);
	if (produce(o, c, b, fd) < 0)
		goto out;
	if (out_tmp.tmp) {
		fd = -1;
		if (ms_tmpfile_commit(c, &out_tmp) < 0)
			goto out;
	} else if (fd != STDOUT_FILENO) {
		ret = close(fd);
		fd = -1;
		if (ret < 0) {
			ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				      "cannot write '%s'", o->output);
			goto out;
		}
	}
	ret = 0;
out:
	if (out_tmp.tmp)
		ms_tmpfile_discard(&out_tmp);
	else if (fd >= 0 && fd != STDOUT_FILENO)
		close(fd);
	return ret < 0 ? ms_cli_fail(c) : MS_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct mkms o = { .rockridge = 1, .md5 = 1 };
	struct ms_ctx c;
	struct ms_medium *m = NULL;
	struct ms_layout l, *lp = NULL;
	struct ms_build *b = NULL;
	struct ms_plan p;
	int i, ret;

	/*
	 * libisofs' layout frees many small nodes between 2 KiB buffers;
	 * glibc's fast bins then consolidate on every such buffer: a fifth
	 * of the CPU time of an import of 200,000 files.
	 */
	mallopt(M_MXFAST, 0);
	ms_cli_init("mkms", &c);
	o.removals = calloc((size_t)argc, sizeof(*o.removals));
	o.archives = calloc((size_t)argc, sizeof(*o.archives));
	o.patterns = calloc((size_t)argc, sizeof(*o.patterns));
	if (!o.removals || !o.archives || !o.patterns)
		return MS_EXIT_FAILURE;
	ret = parse_options(&o, argc, argv);
	if (ret >= 0)
		goto out;
	c.verbose = o.verbose;
	ret = MS_EXIT_USAGE;
	if (check_args(&o, &c, argv + optind, argc - optind) < 0)
		goto out;
	if (!o.force && ms_plan_check_output(&c, o.output) < 0)
		goto fail;
	if (o.base) {
		if (ms_medium_open(&c, o.base, 0, &m) < 0 ||
		    ms_layout_read(&c, m, &l) < 0)
			goto fail;
		lp = &l;
	}
	o.plan.changes = o.nspecs > 0 || o.nremovals > 0;
	if (ms_plan_make(&c, lp, &o.plan, &p) < 0) {
		ret = c.status == MS_EXIT_NOTHING ? nothing_to_do(&o, &c) :
		      ms_cli_fail(&c);
		goto out;
	}
	if (build(&o, &c, m, lp, &p, &b) < 0) {
		ret = c.status == MS_EXIT_NOTHING ? nothing_to_do(&o, &c) :
		      ms_cli_fail(&c);
		goto out;
	}
	ret = write_image(&o, &c, b);
	if (ret == MS_EXIT_OK)
		ms_note(&c, "wrote %u blocks for block %u%s%s",
			ms_build_link(b)->blocks, p.start, o.base ? " of " : "",
			o.base ? o.base : "");
	goto out;
fail:
	ret = ms_cli_fail(&c);
out:
	ms_build_free(b);
	if (lp)
		ms_layout_release(&l);
	ms_medium_close(m);
	ms_lib_finish();
	for (i = 0; i < o.nspecs; i++) {
		free(o.specs[i].iso_path);
		free(o.specs[i].source);
		ms_source_free(o.specs[i].src);
	}
	free(o.specs);
	free(o.removals);
	free(o.archives);
	free(o.patterns);
	return ret;
}
