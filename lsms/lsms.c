/*
 * lsms: show the session layout of a disc, a disc file or a session image.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "check.h"
#include "cli.h"
#include "exit.h"
#include "extract.h"
#include "layout.h"
#include "medium.h"
#include "progress_line.h"
#include "report.h"
#include "safetext.h"
#include "snapshot.h"

enum output {
	OUT_TABLE,
	OUT_JSON,
	OUT_MSINFO,
	OUT_MAP,
	OUT_EXPORT,
};

enum audit {
	AUDIT_NONE,
	AUDIT_FILES,
	AUDIT_DIFF,
	AUDIT_HISTORY,
	AUDIT_CAT,
	AUDIT_EXTRACT,
	AUDIT_CHECK,
};

struct lsms {
	enum output output;
	enum audit audit;
	int session;		/* --session, 0 for the newest */
	int between[2];		/* --between A,B, or zeros */
	int verbose;
	enum ms_progress_mode progress;
	const char *medium;
	const char *export;
	int all_sessions;	/* --export --all-sessions */
	const char *spec;	/* --history PATH, --cat and --extract N:PATH */
	const char *dir;	/* --extract's directory */
};

enum {
	OPT_ALL_SESSIONS = 256,
	OPT_BETWEEN,
	OPT_CAT,
	OPT_CHECK,
	OPT_DIFF,
	OPT_EXPORT,
	OPT_EXTRACT,
	OPT_FILES,
	OPT_HISTORY,
	OPT_MAP,
	OPT_PROGRESS,
	OPT_SESSION,
	OPT_VERSION,
};

static const struct option longopts[] = {
	{ "all-sessions", no_argument, NULL, OPT_ALL_SESSIONS },
	{ "between", required_argument, NULL, OPT_BETWEEN },
	{ "cat", required_argument, NULL, OPT_CAT },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "diff", no_argument, NULL, OPT_DIFF },
	{ "export", required_argument, NULL, OPT_EXPORT },
	{ "extract", required_argument, NULL, OPT_EXTRACT },
	{ "files", no_argument, NULL, OPT_FILES },
	{ "help", no_argument, NULL, 'h' },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "json", no_argument, NULL, 'j' },
	{ "map", no_argument, NULL, OPT_MAP },
	{ "msinfo", no_argument, NULL, 'm' },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "session", required_argument, NULL, OPT_SESSION },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lsms [-hjmqv] [--export snapshot [--all-sessions]] "
		"[--map]\n"
		"            [--progress=when] [--version] medium\n"
		"       lsms [-jqv] --files [--session n] medium\n"
		"       lsms [-jqv] --diff [--session n | --between a,b] "
		"medium\n"
		"       lsms [-jqv] --history path medium\n"
		"       lsms [-qv] --cat [n:]path medium\n"
		"       lsms [-qv] --extract n[:path] dir medium\n"

		"       lsms [-jqv] --check [--progress=when] medium\n");
}

static void help(void)
{
	usage(stdout);
	printf("\n"
	       "Show the session layout of a disc, a disc file or a session "
	       "image.\n\n"
	       "  -j, --json        one JSON object (see lsms(1))\n"
	       "  -m, --msinfo      print msc1,nwa like cdrecord -msinfo\n"
	       "      --files       the tree of a session (the newest, or "
	       "--session n)\n"
	       "      --diff        what a session changed against the one "
	       "before\n"
	       "      --check       read every session back and verify its "
	       "checksum tags,\n"
	       "                    its files' MD5s and its link record\n"
	       "      --session n   the session for --files and --diff\n"
	       "      --between a,b --diff: what session b changed against "
	       "session a\n"
	       "      --history path  every version of path, session by "
	       "session\n"
	       "      --cat [n:]path  write a file of session n (the newest) "
	       "to stdout\n"
	       "      --extract n[:path] dir  restore session n's tree (or "
	       "path) into dir\n"
	       "      --export file save a snapshot for building sessions "
	       "offline\n"
	       "                    (replaces only a snapshot or an empty "
	       "file)\n"
	       "      --all-sessions  --export: record every session's "
	       "tree\n"
	       "      --map         draw the medium to scale\n"
	       "      --progress=when  auto, always or never\n"
	       "  -q, --quiet       no warnings\n"
	       "  -v, --verbose     notes on what was read\n"
	       "  -h, --help        this text\n"
	       "      --version     the version\n\n"
	       "exit status: 0 ok, 1 failure or broken session chain, "
	       "2 usage,\n3 wrong disc, 4 medium unsuitable, "
	       "5 not enough space, 6 verification failed,\n"
	       "7 nothing to do, 8 medium busy\n");
}

static int set_output(struct lsms *o, enum output out)
{
	if (o->output != OUT_TABLE && o->output != out) {
		ms_cli_error("--export, --json, --msinfo and --map exclude "
			     "each other");
		return -1;
	}
	o->output = out;
	return 0;
}

/* A session number: 1 or more. */
static int parse_session(const char *s, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || n < 1 || n > 1000000)
		return -1;
	*out = (int)n;
	return end - s;
}

static int parse_between(const char *s, int between[2])
{
	int len = parse_session(s, &between[0]);

	if (len < 0 || s[len] != ',')
		return -1;
	s += len + 1;
	len = parse_session(s, &between[1]);
	return len < 0 || s[len] ? -1 : 0;
}

/* The audit options (--files, --diff, --history, --cat, --extract),
 * against each other and the rest. */
static int audit_refusal(const struct lsms *o)
{
	if (o->all_sessions && o->output != OUT_EXPORT) {
		ms_cli_error("--all-sessions goes with --export");
		return -1;
	}
	if (o->audit == AUDIT_NONE ||
	    (o->audit > AUDIT_DIFF && o->audit != AUDIT_CHECK)) {
		if (o->audit == AUDIT_HISTORY && o->output != OUT_TABLE &&
		    o->output != OUT_JSON) {
			ms_cli_error("--history excludes --export, --msinfo "
				     "and --map");
			return -1;
		}
		if ((o->audit == AUDIT_CAT || o->audit == AUDIT_EXTRACT) &&
		    o->output != OUT_TABLE) {
			ms_cli_error("--cat and --extract exclude --json, "
				     "--export, --msinfo and --map");
			return -1;
		}
		if (o->session || o->between[0]) {
			ms_cli_error("--session and --between go with --files "
				     "or --diff");
			return -1;
		}
		return 0;
	}
	if (o->output != OUT_TABLE && o->output != OUT_JSON) {
		ms_cli_error("--files, --diff and --check exclude --export, "
			     "--msinfo and --map");
		return -1;
	}
	if (o->audit == AUDIT_CHECK && (o->session || o->between[0])) {
		ms_cli_error("--check reads every session: it takes no "
			     "--session or --between");
		return -1;
	}
	if (o->between[0] && o->audit != AUDIT_DIFF) {
		ms_cli_error("--between goes with --diff");
		return -1;
	}
	if (o->between[0] && o->session) {
		ms_cli_error("--session and --between exclude each other");
		return -1;
	}
	return 0;
}

/*
 * --files and --diff: the tree of a session, or what it changed.  The
 * session before the first is the empty tree.
 */
static int audit(struct ms_ctx *c, const struct lsms *o,
		 struct ms_medium *m, const struct ms_layout *l)
{
	struct ms_audit_tree a = { 0 }, b = { 0 };
	struct ms_audit_diff d = { 0 };
	int to = o->between[0] ? o->between[1] :
		o->session ? o->session : l->nsessions;
	int from = o->between[0] ? o->between[0] : to - 1;
	int ret = MS_EXIT_OK;

	if (l->nsessions == 0) {
		ms_cli_error("'%s' holds no session", o->medium);
		return MS_EXIT_UNSUITABLE;
	}
	if (to > l->nsessions || from > l->nsessions) {
		ms_cli_error("'%s' has no session %d (it holds %d)", o->medium,
			     to > l->nsessions ? to : from, l->nsessions);
		return MS_EXIT_USAGE;
	}
	if (o->audit == AUDIT_DIFF && from > 0 &&
	    ms_audit_tree_read(c, m, l, from - 1, &a) < 0)
		goto fail;
	if (ms_audit_tree_read(c, m, l, to - 1, &b) < 0)
		goto fail;
	if (o->audit == AUDIT_FILES) {
		if (o->output == OUT_JSON)
			ms_audit_json_files(stdout, &b);
		else
			ms_audit_print_files(stdout, &b);
	} else {
		if (ms_audit_diff(c, &a, &b, &d) < 0)
			goto fail;
		if (o->output == OUT_JSON)
			ms_audit_json_diff(stdout, &a, &b, &d);
		else
			ms_audit_print_diff(stdout, &d);
	}
	goto out;
fail:
	ret = ms_cli_fail(c);
out:
	ms_audit_diff_release(&d);
	ms_audit_tree_release(&a);
	ms_audit_tree_release(&b);
	return ret;
}

/* The index of session n (0: the newest) of l, or -1 after a message. */
static int session_index(const struct lsms *o, const struct ms_layout *l,
			 int n, int *ret)
{
	if (l->nsessions == 0) {
		ms_cli_error("'%s' holds no session", o->medium);
		*ret = MS_EXIT_UNSUITABLE;
		return -1;
	}
	if (n > l->nsessions) {
		ms_cli_error("'%s' has no session %d (it holds %d)", o->medium,
			     n, l->nsessions);
		*ret = MS_EXIT_USAGE;
		return -1;
	}
	return n ? n - 1 : l->nsessions - 1;
}

/* --history, --cat and --extract. */
static int data_audit(struct ms_ctx *c, const struct lsms *o,
		      struct ms_medium *m, const struct ms_layout *l)
{
	static const char *const option[] = {
		[AUDIT_CAT] = "--cat", [AUDIT_EXTRACT] = "--extract",
	};
	struct ms_audit_history h;
	struct ms_extract_stats st;
	const char *path = NULL;
	int n = 0, index, ret = MS_EXIT_OK;

	if (o->audit == AUDIT_HISTORY) {
		if (ms_audit_history(c, m, l, o->spec, &h) < 0)
			return ms_cli_fail(c);
		if (o->output == OUT_JSON)
			ms_audit_json_history(stdout, &h);
		else
			ms_audit_print_history(stdout, &h);
		ms_audit_history_release(&h);
		return MS_EXIT_OK;
	}
	if (ms_medium_needs_data(c, l, option[o->audit]) < 0)
		return ms_cli_fail(c);
	ms_extract_parse_spec(o->spec, &n, &path);
	index = session_index(o, l, n, &ret);
	if (index < 0)
		return ret;
	if (o->audit == AUDIT_CAT) {
		if (ms_extract_cat(c, m, l, index, path, STDOUT_FILENO,
				   "standard output") < 0)
			return ms_cli_fail(c);
		return MS_EXIT_OK;
	}
	if (ms_extract_tree(c, m, l, index, path, o->dir, &st) < 0)
		return ms_cli_fail(c);
	ms_note(c, "restored %lu files, %lu directories and %lu symbolic "
		"links into '%s'", st.files, st.dirs, st.links, o->dir);
	if (st.skipped) {
		ms_cli_error("%lu entries of session %d were not restored "
			     "into '%s'", st.skipped, l->sessions[index].number,
			     o->dir);
		return MS_EXIT_FAILURE;
	}
	return MS_EXIT_OK;
}

/*
 * --check: every session read back and verified.  Exit 6 when anything
 * is wrong, 4 when nothing is wrong but a session carries no checksum
 * tags (it could not be verified), 0 when every session is intact.
 */
static int check(struct ms_ctx *c, const struct lsms *o,
		 struct ms_medium *m, const struct ms_layout *l)
{
	struct ms_progress_line pl;
	struct ms_check k;
	int ret;

	ms_progress_line_start(&pl, ms_cli_want_progress(o->progress) ?
			       stderr : NULL, "checking", 0);
	ret = ms_check_run(c, m, l, &pl.model, &k);
	ms_progress_line_end(&pl);
	if (ret < 0) {
		ms_check_release(&k);
		return ms_cli_fail(c);
	}
	if (o->output == OUT_JSON)
		ms_check_json(stdout, l, &k);
	else
		ms_check_print(stdout, &k);
	ret = ms_check_status(&k);
	if (ret == MS_EXIT_VERIFY)
		ms_cli_error("'%s' is damaged: %zu problem%s found", o->medium,
			     k.nproblems, k.nproblems == 1 ? "" : "s");
	else if (ret == MS_EXIT_UNSUITABLE)
		ms_cli_error("'%s' cannot be verified in full: %d of its %d "
			     "sessions carry no checksum tags", o->medium,
			     k.uncheckable, k.nsessions);
	ms_check_release(&k);
	return ret;
}

/* --msinfo needs a session to continue from, on a medium that takes more. */
static int msinfo_refusal(struct ms_ctx *c, const struct ms_layout *l)
{
	if (l->status == MS_STATUS_BLANK) {
		ms_cli_error("'%s' is blank: no session to continue from",
			     l->medium);
		return MS_EXIT_UNSUITABLE;
	}
	/* a broken chain is reported below, for every output */
	if (!l->broken && ms_layout_check_appendable(c, l, 0) < 0)
		return ms_cli_fail(c);
	return MS_EXIT_OK;
}

/*
 * --export replaces its file: never when that file is a disc.  Refused
 * (exit 2, before anything is read): the medium itself (same device and
 * inode, also through stdio:), and any existing file that is not empty
 * and not already a snapshot, which is what swapped arguments look like.
 */
static int export_refusal(const struct lsms *o)
{
	const char *medium = ms_medium_file_path(o->medium);
	struct stat out, in;

	if (stat(o->export, &out) < 0) {
		if (errno == ENOENT)
			return 0;
		ms_cli_error("cannot look at snapshot file '%s': %s",
			     o->export, strerror(errno));
		return MS_EXIT_FAILURE;
	}
	if (stat(medium, &in) == 0 && in.st_dev == out.st_dev &&
	    in.st_ino == out.st_ino) {
		ms_cli_error("--export '%s' is the medium '%s' itself: the "
			     "snapshot file comes after --export, the medium "
			     "last", o->export, o->medium);
		return MS_EXIT_USAGE;
	}
	if (!S_ISREG(out.st_mode)) {
		ms_cli_error("--export '%s' is not a regular file: the "
			     "snapshot file comes after --export, the medium "
			     "last", o->export);
		return MS_EXIT_USAGE;
	}
	if (out.st_size > 0 && !ms_snapshot_is_file(o->export)) {
		ms_cli_error("--export '%s' exists and is not a snapshot "
			     "(a disc or an image?); lsms replaces only "
			     "snapshots: the snapshot file comes after "
			     "--export, the medium '%s' last", o->export,
			     o->medium);
		return MS_EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct lsms o = { 0 };
	struct ms_ctx c;
	struct ms_medium *m = NULL;
	struct ms_layout l;
	struct ms_snapshot_stats st;
	char safe[MS_SAFE_TEXT_MAX(sizeof(l.break_reason)) + 1];
	const char *path = NULL;
	int ch, i, ret = MS_EXIT_OK;

	ms_cli_init("lsms", &c);
	while ((ch = getopt_long(argc, argv, "hjmqv", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_ALL_SESSIONS:
			o.all_sessions = 1;
			break;
		case OPT_BETWEEN:
			if (parse_between(optarg, o.between) < 0) {
				ms_cli_error("bad --between '%s': want two "
					     "session numbers a,b", optarg);
				return MS_EXIT_USAGE;
			}
			break;
		case OPT_CAT:
		case OPT_EXTRACT:
		case OPT_HISTORY:
			o.audit = ch == OPT_CAT ? AUDIT_CAT :
				ch == OPT_EXTRACT ? AUDIT_EXTRACT :
				AUDIT_HISTORY;
			o.spec = optarg;
			if (ch != OPT_HISTORY &&
			    ms_extract_parse_spec(optarg, &i, &path) < 0) {
				ms_cli_error("bad %s '%s': want n:path, n or "
					     "/path", ch == OPT_CAT ? "--cat" :
					     "--extract", optarg);
				return MS_EXIT_USAGE;
			}
			if (ch == OPT_CAT && !path) {
				ms_cli_error("bad --cat '%s': want the path of "
					     "a file, n:path or /path", optarg);
				return MS_EXIT_USAGE;
			}
			break;
		case OPT_CHECK:
			o.audit = AUDIT_CHECK;
			break;
		case OPT_DIFF:
			o.audit = AUDIT_DIFF;
			break;
		case OPT_FILES:
			o.audit = AUDIT_FILES;
			break;
		case OPT_SESSION:
			if (parse_session(optarg, &o.session) < 0 ||
			    optarg[strspn(optarg, "0123456789")]) {
				ms_cli_error("bad --session '%s': want a "
					     "session number from 1", optarg);
				return MS_EXIT_USAGE;
			}
			break;
		case 'h':
			help();
			return MS_EXIT_OK;
		case 'j':
			if (set_output(&o, OUT_JSON) < 0)
				return MS_EXIT_USAGE;
			break;
		case 'm':
			if (set_output(&o, OUT_MSINFO) < 0)
				return MS_EXIT_USAGE;
			break;
		case 'q':
			ms_quiet = 1;
			break;
		case 'v':
			o.verbose++;
			break;
		case OPT_EXPORT:
			if (set_output(&o, OUT_EXPORT) < 0)
				return MS_EXIT_USAGE;
			o.export = optarg;
			if (optarg[0] == '-' && optarg[1] == '-') {
				ms_cli_error("bad --export '%s': the snapshot "
					     "file comes right after --export",
					     optarg);
				return MS_EXIT_USAGE;
			}
			break;
		case OPT_MAP:
			if (set_output(&o, OUT_MAP) < 0)
				return MS_EXIT_USAGE;
			break;
		case OPT_PROGRESS:
			if (ms_cli_progress_mode(optarg, &o.progress) < 0) {
				ms_cli_error("bad --progress '%s': want auto, "
					     "always or never", optarg);
				return MS_EXIT_USAGE;
			}
			break;
		case OPT_VERSION:
			ms_cli_version();
			return MS_EXIT_OK;
		default:
			usage(stderr);
			return MS_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (o.audit == AUDIT_EXTRACT && argc == 2) {
		o.dir = argv[0];
		argc--;
		argv++;
	} else if (o.audit == AUDIT_EXTRACT) {
		ms_cli_error("--extract wants a directory, then the medium");
		usage(stderr);
		return MS_EXIT_USAGE;
	}
	if (argc != 1) {
		ms_cli_error(argc ? "one medium at a time" : "no medium given");
		usage(stderr);
		return MS_EXIT_USAGE;
	}
	o.medium = argv[0];
	c.verbose = o.verbose;
	if (audit_refusal(&o) < 0) {
		usage(stderr);
		return MS_EXIT_USAGE;
	}
	if (o.output == OUT_EXPORT) {
		ret = export_refusal(&o);
		if (ret != MS_EXIT_OK)
			return ret;
	}

	if (ms_medium_open(&c, o.medium, MS_OPEN_EXISTING, &m) < 0 ||
	    ms_layout_read(&c, m, &l) < 0) {
		ret = ms_cli_fail(&c);
		goto out;
	}
	ms_note(&c, "read %llu blocks of '%s'",
		(unsigned long long)l.blocks_read, o.medium);

	if (o.audit == AUDIT_CHECK) {
		ret = check(&c, &o, m, &l);
		goto release;
	}
	if (o.audit > AUDIT_DIFF) {
		ret = data_audit(&c, &o, m, &l);
		goto chain;
	}
	if (o.audit != AUDIT_NONE) {
		ret = audit(&c, &o, m, &l);
		goto chain;
	}
	switch (o.output) {
	case OUT_TABLE:
		ms_report_table(stdout, &l);
		break;
	case OUT_JSON:
		ms_report_json(stdout, &l);
		break;
	case OUT_MAP:
		ms_report_map(stdout, &l, ms_cli_columns(STDOUT_FILENO) - 2);
		break;
	case OUT_EXPORT:
		if (l.broken)
			break;
		if (ms_snapshot_export(&c, m, &l, o.export, o.all_sessions,
				       &st) < 0) {
			ret = ms_cli_fail(&c);
			break;
		}
		ms_note(&c, "saved %u blocks of metadata of '%s' in '%s': "
			"%llu bytes, %llu deflated", st.blocks, o.medium,
			o.export, (unsigned long long)st.payload_bytes,
			(unsigned long long)st.file_bytes);
		break;
	case OUT_MSINFO:
		ret = msinfo_refusal(&c, &l);
		if (ret == MS_EXIT_OK && l.broken)
			break;
		if (ret == MS_EXIT_OK)
			ms_report_msinfo(stdout, &l);
		break;
	}
chain:
	if (l.broken) {
		ms_cli_error("session chain of '%s' is broken at block %u: %s",
			     o.medium, l.break_lba,
			     ms_safe_text(l.break_reason, safe, sizeof(safe)));
		if (ret == MS_EXIT_OK)
			ret = MS_EXIT_FAILURE;
	}
	for (i = 0; i < l.nsessions; i++) {
		if (!l.sessions[i].link_mismatch)
			continue;
		ms_cli_error("session chain of '%s' is broken at session %d "
			     "(block %u): %s", o.medium, l.sessions[i].number,
			     l.sessions[i].start,
			     ms_safe_text(l.sessions[i].link_mismatch_why, safe,
					  sizeof(safe)));
		if (ret == MS_EXIT_OK)
			ret = MS_EXIT_FAILURE;
	}
release:
	ms_layout_release(&l);
out:
	ms_medium_close(m);
	ms_lib_finish();
	if (fflush(stdout) == EOF || ferror(stdout)) {
		ms_cli_error("cannot write to standard output");
		if (ret == MS_EXIT_OK)
			ret = MS_EXIT_FAILURE;
	}
	return ret;
}
