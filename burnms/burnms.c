/*
 * burnms: write a session image to the disc it was built for.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "burn.h"
#include "cli.h"
#include "exit.h"
#include "layout.h"
#include "medium.h"
#include "progress_line.h"

struct burnms {
	const char *medium;
	const char *image;
	int blank;
	int dummy;
	unsigned flags;
	int verbose;
	enum ms_progress_mode progress;
};

enum {
	OPT_BLANK = 256,
	OPT_CLOSE,
	OPT_DUMMY,
	OPT_FOREIGN,
	OPT_PROGRESS,
	OPT_VERIFY,
	OPT_VERSION,
};

static const struct option longopts[] = {
	{ "blank", no_argument, NULL, OPT_BLANK },
	{ "close", no_argument, NULL, OPT_CLOSE },
	{ "device", required_argument, NULL, 'd' },
	{ "dummy", no_argument, NULL, OPT_DUMMY },
	{ "foreign", no_argument, NULL, OPT_FOREIGN },
	{ "help", no_argument, NULL, 'h' },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: burnms [-hqv] [--blank] [--close] [--dummy] "
		"[--foreign] [--progress=when]\n"
		"              [--verify] [--version] -d medium [image|-]\n");
}

static void help(void)
{
	usage(stdout);
	printf("\n"
	       "Write a session image made by mkms to the medium it was built "
	       "for.\n\n"
	       "  -d, --device medium  the disc, drive or disc file\n"
	       "      --blank      make a rewritable medium blank first\n"
	       "      --close      close the disc after this session\n"
	       "      --dummy      check everything, write nothing\n"
	       "      --foreign    accept an image without a link record\n"
	       "      --verify     read the session back and compare\n"
	       "      --progress=when  auto, always or never\n"
	       "  -q, --quiet      no warnings\n"
	       "  -v, --verbose    say what is done\n"
	       "  -h, --help       this text\n"
	       "      --version    the version\n\n"
	       "exit status: 0 ok, 1 failure, 2 usage, 3 wrong disc, "
	       "4 medium unsuitable,\n"
	       "5 not enough space, 6 verification failed, 7 nothing to do, "
	       "8 medium busy\n");
}

static int run(struct burnms *o, struct ms_ctx *c)
{
	struct ms_medium *m = NULL;
	struct ms_image img;
	struct ms_layout l;
	struct ms_progress_line p;
	uint32_t next;
	int have_layout = 0, sessions, ret = -1;

	memset(&img, 0, sizeof(img));
	img.fd = -1;
	if (o->image && ms_image_open(c, o->image, &img) < 0)
		goto out;
	if (ms_medium_open(c, o->medium, o->dummy ? 0 : MS_OPEN_WRITE,
			   &m) < 0)
		goto out;
	if (ms_layout_read(c, m, &l) < 0)
		goto out;
	have_layout = 1;
	/* refuse an image before blanking for it: a refusal writes nothing */
	if (o->blank && o->image && !o->dummy &&
	    ms_burn_check(c, m, &l, &img, o->flags | MS_BURN_BLANKED) < 0)
		goto out;
	if (o->blank) {
		if (o->dummy) {
			ms_note(c, "dummy run: would make '%s' blank",
				o->medium);
		} else {
			if (ms_burn_blank(c, m, &l) < 0)
				goto out;
			ms_layout_release(&l);
			have_layout = 0;
			if (ms_medium_refresh(m, c) < 0 ||
			    ms_layout_read(c, m, &l) < 0)
				goto out;
			have_layout = 1;
		}
	}
	if (!o->image) {
		ret = 0;
		goto out;
	}
	/* a dummy run judges the medium as blanking would leave it */
	if (ms_burn_check(c, m, &l, &img, o->flags | (o->dummy && o->blank ?
			  MS_BURN_BLANKED : 0)) < 0)
		goto out;
	sessions = o->dummy && o->blank ? 0 : l.nsessions;
	next = ms_next_nwa(l.profile, sessions, img.start, img.blocks);
	if (o->dummy) {
		printf("would write %u blocks at block %u of '%s' as session "
		       "%d; the session after it would start at block %u\n",
		       img.blocks, img.start, o->medium, sessions + 1, next);
		ret = 0;
		goto out;
	}
	ms_progress_line_start(&p, ms_cli_want_progress(o->progress) ?
			       stderr : NULL, "burnms",
			       (uint64_t)img.blocks * 2048);
	ret = ms_burn_write(c, m, &l, &img, o->flags, &p.model);
	ms_progress_line_end(&p);
	if (ret == 0 && (o->flags & MS_BURN_VERIFY) && !ms_quiet)
		fprintf(stderr, "burnms: verified: the %u blocks read back "
			"from '%s' match the image\n", img.blocks, o->medium);
	if (ret == 0)
		ms_note(c, "wrote %u blocks at block %u of '%s' as session %d",
			img.blocks, img.start, o->medium, l.nsessions + 1);
	if (ret == 0 && o->verbose && !(o->flags & MS_BURN_CLOSE)) {
		struct ms_layout after;

		if (ms_medium_refresh(m, c) == 0 &&
		    ms_layout_read(c, m, &after) == 0) {
			ms_note(c, "the next session starts at block %u "
				"(predicted %u)", after.nwa, next);
			ms_layout_release(&after);
		}
	}
out:
	if (have_layout)
		ms_layout_release(&l);
	ms_medium_close(m);
	ms_image_close(&img);
	return ret;
}

int main(int argc, char **argv)
{
	struct burnms o = { 0 };
	struct ms_ctx c;
	int ch, ret;

	ms_cli_init("burnms", &c);
	while ((ch = getopt_long(argc, argv, "d:hqv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			o.medium = optarg;
			break;
		case 'h':
			help();
			return MS_EXIT_OK;
		case 'q':
			ms_quiet = 1;
			break;
		case 'v':
			o.verbose++;
			break;
		case OPT_BLANK:
			o.blank = 1;
			break;
		case OPT_CLOSE:
			o.flags |= MS_BURN_CLOSE;
			break;
		case OPT_DUMMY:
			o.dummy = 1;
			break;
		case OPT_FOREIGN:
			o.flags |= MS_BURN_FOREIGN;
			break;
		case OPT_PROGRESS:
			if (ms_cli_progress_mode(optarg, &o.progress) < 0) {
				ms_cli_error("bad --progress '%s': want auto, "
					     "always or never", optarg);
				return MS_EXIT_USAGE;
			}
			break;
		case OPT_VERIFY:
			o.flags |= MS_BURN_VERIFY;
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
	c.verbose = o.verbose;

	if (!o.medium) {
		ms_cli_error("no medium given: use -d medium");
		usage(stderr);
		return MS_EXIT_USAGE;
	}
	if (argc > 1) {
		ms_cli_error("one image at a time");
		usage(stderr);
		return MS_EXIT_USAGE;
	}
	if (argc == 0 && !o.blank) {
		ms_cli_error("no image given: name a file, or - for standard "
			     "input");
		usage(stderr);
		return MS_EXIT_USAGE;
	}
	o.image = argc ? argv[0] : NULL;

	/* a file size limit must fail the write, not kill us mid-session */
	signal(SIGXFSZ, SIG_IGN);

	ret = run(&o, &c) < 0 ? ms_cli_fail(&c) : MS_EXIT_OK;
	ms_lib_finish();
	if (fflush(stdout) == EOF && ret == MS_EXIT_OK) {
		ms_cli_error("cannot write to standard output");
		ret = MS_EXIT_FAILURE;
	}
	return ret;
}
