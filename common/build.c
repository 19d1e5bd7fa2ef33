#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <libburn/libburn.h>
#include <libisofs/libisofs.h>

#include "build.h"
#include "exit.h"
#include "iso9660.h"
#include "isomsg.h"
#include "source.h"
#include "progress.h"

/* libisofs' ring buffer between its writer thread and us, in blocks */
#define FIFO_BLOCKS	(16 * 1024 * 1024 / MS_BLOCK)
#define SIZING_FIFO_BLOCKS 32	/* the smallest libisofs accepts */
#define FILL_WAIT_USEC	1000
#define FILL_WAIT_MAX	1000	/* then read what is there */
#define MS_DROPPED_NAMED 8	/* files a refusal names */

struct ms_build {
	struct ms_build_opts opts;
	IsoImage *image;
	struct ms_import *imp;		/* the base's last session, or NULL */
	const char *base_name;		/* the base medium, for messages */
	uint32_t start;
	int import;
	time_t now;
	struct ms_tree tree;		/* what sources add into */
	struct ms_link link;
	struct burn_source *out;
	uint64_t size;
	uint64_t produced;
	int patch_record;		/* put record into block 0 of the stream */
	uint8_t record[MS_BLOCK];
	int *dropped_named;	/* the import's dropped files that a removal
				   covers */
};

/* The text between the first pair of double quotes of a message. */
static int quoted(const char *text, char *out, size_t size)
{
	const char *from = strchr(text, '"'), *to;

	if (!from)
		return -1;
	to = strrchr(text, '"');
	if (to == from || (size_t)(to - from - 1) >= size)
		return -1;
	memcpy(out, from + 1, (size_t)(to - from - 1));
	out[to - from - 1] = '\0';
	return 0;
}

/*
 * The layout's messages, with the files that some tree cannot hold turned
 * into warnings where it costs data: without Rock Ridge a later session
 * imports the Joliet tree, so what Joliet cannot hold would vanish there.
 * (With Rock Ridge, paths too long for Joliet are a note: only Joliet
 * readers miss them, as mkms(1) says.)
 */
static int layout_msgs(struct ms_build *b, struct ms_ctx *c)
{
	char text[ISO_MSGS_MESSAGE_LEN], sev[80], path[ISO_MSGS_MESSAGE_LEN];
	int code, imgid, ret = 0;

	while (iso_obtain_msgs("ALL", &code, &imgid, text, sev) > 0) {
		ms_msg_tidy(text);
		if (ms_iso_sev_is_failure(sev)) {
			if (ret == 0 && !c->status)
				ms_fail(c, MS_EXIT_FAILURE, "%s", text);
			ret = -1;
		} else if (!b->opts.rockridge &&
			   strstr(text, "added to Joliet tree, because its "
				  "path length") && !quoted(text, path,
							    sizeof(path))) {
			ms_warn(c, "warning: '%s' and all it holds are left "
				"out of the Joliet tree, whose paths end at "
				"240 characters; without Rock Ridge a later "
				"session cannot keep them", path);
		} else if (strstr(text, "Symlinks need RockRidge") &&
			   !quoted(text, path, sizeof(path))) {
			ms_warn(c, "warning: symbolic link '%s' is left out: "
				"only Rock Ridge holds symbolic links", path);
		} else {
			ms_note(c, "libisofs: %s", text);
		}
	}
	return ret;
}

int ms_build_new(struct ms_ctx *c, const struct ms_build_opts *o,
		 struct ms_medium *base, const struct ms_layout *l,
		 int import, uint32_t start, struct ms_build **out)
{
	struct ms_import_opts io = { o->record, o->record_arg };
	struct ms_build *b;
	const char *volid;
	int ret;

	*out = NULL;
	if (ms_lib_init(c) < 0)
		return -1;
	b = calloc(1, sizeof(*b));
	if (!b)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	b->opts = *o;
	b->start = start;
	b->import = import;
	if (o->epoch >= 0) {
		b->now = (time_t)o->epoch;
		iso_nowtime(&b->now, 1);
	} else {
		b->now = time(NULL);
		iso_nowtime(&b->now, 2);
	}
	iso_set_local_charset("UTF-8", 0);

	b->link.start = start;
	b->link.base_blank = !import;
	b->link.created = (int64_t)b->now;
	if (import) {
		const struct ms_session *last = &l->sessions[l->nsessions - 1];

		b->base_name = l->medium;
		b->link.base_last = l->last_start;
		b->link.base_nwa = l->nwa;
		b->link.base_sessions = (uint32_t)l->nsessions;
		memcpy(b->link.base_fp, l->fp, MS_FP_LEN);
		memcpy(b->link.base_volid, last->volume_id,
		       sizeof(b->link.base_volid));
		if (ms_import_open(c, base, l, l->nsessions - 1, &io,
				   &b->imp) < 0)
			goto fail;
		b->image = ms_import_image(b->imp);
		iso_image_ref(b->image);
		b->dropped_named = calloc((size_t)ms_import_ndropped(b->imp) +
					  1, sizeof(*b->dropped_named));
		if (!b->dropped_named) {
			ms_fail(c, MS_EXIT_FAILURE, "out of memory");
			goto fail;
		}
	} else {
		ret = iso_image_new(MS_DEFAULT_VOLID, &b->image);
		if (ret < 0) {
			ms_iso_fail(c, ret, "cannot create an image");
			goto fail;
		}
		iso_tree_set_follow_symlinks(b->image, 0);
		iso_tree_set_ignore_hidden(b->image, 0);
		iso_image_set_ignore_aclea(b->image, 3);
	}
	volid = o->volid;
	if (!volid && !import)
		volid = MS_DEFAULT_VOLID;
	if (volid)
		iso_image_set_volume_id(b->image, volid);
	b->tree.image = b->image;
	b->tree.now = b->now;
	b->tree.epoch = o->epoch;
	b->tree.exclude = o->exclude;
	b->tree.exclude_dev = o->exclude_dev;
	b->tree.exclude_ino = o->exclude_ino;
	*out = b;
	return 0;
fail:
	ms_build_free(b);
	return -1;
}

/* Find iso_path's node, or NULL.  Trailing slashes are ignored. */
static IsoNode *lookup(struct ms_build *b, const char *iso_path)
{
	IsoNode *node = NULL;

	if (iso_tree_path_to_node(b->image, iso_path, &node) != 1)
		return NULL;
	return node;
}

static int ndropped(const struct ms_build *b)
{
	return b->imp ? ms_import_ndropped(b->imp) : 0;
}

/*
 * Mark the dropped files at or under iso_path (compared without regard to
 * case, as ISO 9660 names are uppercase).  Returns how many it covers.
 */
static int cover_dropped(struct ms_build *b, const char *iso_path)
{
	size_t len = strlen(iso_path);
	int i, n = 0;

	while (len > 1 && iso_path[len - 1] == '/')
		len--;
	for (i = 0; i < ndropped(b); i++) {
		const char *d = ms_import_dropped(b->imp, i);

		if (strncasecmp(d, iso_path, len) ||
		    (d[len] != '\0' && d[len] != '/' && len > 1))
			continue;
		b->dropped_named[i] = 1;
		n++;
	}
	return n;
}

int ms_build_check_dropped(struct ms_build *b, struct ms_ctx *c)
{
	int i, n = 0;

	for (i = 0; i < ndropped(b); i++) {
		if (b->dropped_named[i])
			continue;
		if (n == MS_DROPPED_NAMED)
			ms_fail_append(c, " and more");
		if (n++ >= MS_DROPPED_NAMED)
			continue;
		if (n == 1)
			ms_fail(c, MS_EXIT_UNSUITABLE,
				"the last session of '%s' has no Rock Ridge, "
				"so the new session continues its Joliet "
				"tree, which lacks files of its ISO 9660 "
				"tree: they would be dropped (--rm names them "
				"to drop them knowingly): '%s'", b->base_name,
				ms_import_dropped(b->imp, i));
		else
			ms_fail_append(c, ", '%s'",
				       ms_import_dropped(b->imp, i));
	}
	return n ? -1 : 0;
}

int ms_build_remove(struct ms_build *b, struct ms_ctx *c,
		    const char *iso_path)
{
	IsoNode *node;
	int ret, covered;

	if (iso_path[0] != '/')
		return ms_fail(c, MS_EXIT_USAGE,
			       "--rm wants an absolute path in the image, "
			       "not '%s'", iso_path);
	covered = cover_dropped(b, iso_path);
	node = lookup(b, iso_path);
	if (!node && covered)
		return 0;
	if (!node)
		return ms_fail(c, MS_EXIT_USAGE,
			       "cannot remove '%s': no such file or directory "
			       "in the image", iso_path);
	if (node == (IsoNode *)iso_image_get_root(b->image))
		return ms_fail(c, MS_EXIT_USAGE, "cannot remove the root");
	ret = ms_tree_remove(node);
	if (ret < 0)
		return ms_iso_fail(c, ret, "cannot remove '%s'", iso_path);
	return 0;
}

int ms_build_add_source(struct ms_build *b, struct ms_ctx *c,
			const char *iso_path, struct ms_source *src)
{
	return ms_source_add(src, c, &b->tree, iso_path);
}

/*
 * Write options.  fifo: libisofs' ring buffer in blocks.  record: put the
 * link record into the system area (else the system area is zeros).
 */
static int make_opts(struct ms_build *b, struct ms_ctx *c, size_t fifo,
		     int record, IsoWriteOpts **out)
{
	IsoWriteOpts *o;
	char sysarea[MS_SYSAREA_BLOCKS * MS_BLOCK];
	char uuid[17];
	struct tm tm;
	int ret;

	ret = iso_write_opts_new(&o, 0);
	if (ret < 0)
		return ms_iso_fail(c, ret, "cannot set up the image");
	iso_write_opts_set_iso_level(o, 3);
	iso_write_opts_set_rockridge(o, b->opts.rockridge);
	iso_write_opts_set_joliet(o, 1);
	/* xorriso's default compliance, so that both read each other alike */
	iso_write_opts_set_allow_deep_paths(o, 1);
	iso_write_opts_set_allow_longer_paths(o, 1);
	iso_write_opts_set_always_gmt(o, 1);
	iso_write_opts_set_dir_rec_mtime(o, 1 | 2);
	iso_write_opts_set_rrip_version_1_10(o, 1);
	iso_write_opts_set_aaip_susp_1_10(o, 1);
	iso_write_opts_set_omit_version_numbers(o, 2);
	iso_write_opts_set_no_force_dots(o, 2);
	if (b->opts.md5) {
		iso_write_opts_set_aaip(o, 1);
		iso_write_opts_set_record_md5(o, 1, 1);
	}
	iso_write_opts_set_ms_block(o, b->start);
	iso_write_opts_set_appendable(o, b->import);
	iso_write_opts_set_fifo_size(o, fifo);
	gmtime_r(&b->now, &tm);
	strftime(uuid, sizeof(uuid), "%Y%m%d%H%M%S00", &tm);
	iso_write_opts_set_pvd_times(o, b->now, b->now, 0, 0, uuid);
	memset(sysarea, 0, sizeof(sysarea));
	if (record && ms_link_format(&b->link, (uint8_t *)sysarea) < 0) {
		iso_write_opts_free(o);
		return ms_fail(c, MS_EXIT_FAILURE, "cannot format link record");
	}
	ret = iso_write_opts_set_system_area(o, sysarea, 0, 0);
	if (ret < 0) {
		iso_write_opts_free(o);
		return ms_iso_fail(c, ret, "cannot set up the image");
	}
	*out = o;
	return 0;
}

/*
 * libisofs reads a damaged directory record of the base without complaint
 * and then fails to allocate for the nonsense it found (sizes, attribute
 * strings): "Memory allocation error" alone would send the user looking in
 * the wrong place.
 */
static int damaged_tree(struct ms_build *b, struct ms_ctx *c,
			const char *what, int ret)
{
	ms_fail(c, MS_EXIT_FAILURE, "%s: the directory tree of the last "
		"session of '%s' (at block %u) is damaged (libisofs: %s)",
		what, b->base_name, b->link.base_last,
		iso_error_to_msg(ret));
	ms_iso_msgs(c);
	return -1;
}

/* Start libisofs' writer and learn the image size. */
static int start_writer(struct ms_build *b, struct ms_ctx *c, size_t fifo,
			int record, struct burn_source **src, uint64_t *size)
{
	IsoWriteOpts *o;
	int ret;

	if (make_opts(b, c, fifo, record, &o) < 0)
		return -1;
	ret = iso_image_create_burn_source(b->image, o, src);
	iso_write_opts_free(o);
	if (ret < 0) {
		*src = NULL;
		if (ret == (int)ISO_OUT_OF_MEM && b->import)
			return damaged_tree(b, c, "cannot lay out the image",
					    ret);
		return ms_iso_fail(c, ret, "cannot lay out the image");
	}
	*size = (uint64_t)(*src)->get_size(*src);
	if (*size == 0 || *size % MS_BLOCK || *size / MS_BLOCK > UINT32_MAX)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "libisofs laid out an image of %llu bytes",
			       (unsigned long long)*size);
	if (*size / MS_BLOCK > (uint64_t)MS_ISO_MAX_LBA - b->start)
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "an image of %llu blocks at block %u would end "
			       "past block %u, the last ISO 9660 can address",
			       (unsigned long long)(*size / MS_BLOCK), b->start,
			       MS_ISO_MAX_LBA);
	return 0;
}

/*
 * The record names the image size, which libisofs knows only once it has
 * laid the image out.  Without checksum tags the record is simply put into
 * block 0 as the bytes stream past.  With them it must be in place before
 * libisofs writes, as the tags cover block 0: the image is laid out once
 * to learn the size (the writer started for real, with a tiny ring buffer,
 * since a will_cancel run leaves the MD5 array out of its size), then again
 * with the record.
 */
int ms_build_start(struct ms_build *b, struct ms_ctx *c)
{
	struct burn_source *probe = NULL;
	uint64_t probe_size;
	double t0 = ms_now();
	int ret;

	if (!b->opts.md5) {
		if (start_writer(b, c, FIFO_BLOCKS, 0, &b->out, &b->size) < 0)
			return -1;
		b->link.blocks = (uint32_t)(b->size / MS_BLOCK);
		if (ms_link_format(&b->link, b->record) < 0)
			return ms_fail(c, MS_EXIT_FAILURE,
				       "cannot format link record");
		b->patch_record = 1;
		ms_note(c, "laid out %u blocks in %.2f s", b->link.blocks,
			ms_now() - t0);
		return layout_msgs(b, c);
	}
	ret = start_writer(b, c, SIZING_FIFO_BLOCKS, 0, &probe, &probe_size);
	if (probe) {
		probe->cancel(probe);
		burn_source_free(probe);
	}
	if (ret < 0)
		return -1;
	/* the real run repeats whatever the layout pass had to say */
	ms_iso_msgs_drop();
	b->link.blocks = (uint32_t)(probe_size / MS_BLOCK);
	if (start_writer(b, c, FIFO_BLOCKS, 1, &b->out, &b->size) < 0)
		return -1;
	ms_note(c, "laid out %u blocks in %.2f s (two passes)",
		b->link.blocks, ms_now() - t0);
	if (b->size != probe_size)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "the image size changed between layout passes "
			       "(%llu, then %llu bytes)",
			       (unsigned long long)probe_size,
			       (unsigned long long)b->size);
	return layout_msgs(b, c);
}

uint64_t ms_build_size(const struct ms_build *b)
{
	return b->size;
}

const struct ms_link *ms_build_link(const struct ms_build *b)
{
	return &b->link;
}

/*
 * libisofs' writer hands over one block at a time and wakes a waiting
 * reader for each: reading whenever anything is there ping-pongs the two
 * threads millions of times per GiB.  Let the ring buffer fill to what
 * is wanted (or a quarter of it) while the writer runs.
 */
static void wait_for_fill(struct ms_build *b, size_t want)
{
	size_t cap, free_bytes;
	int i;

	for (i = 0; i < FILL_WAIT_MAX; i++) {
		if (iso_ring_buffer_get_status(b->out, &cap, &free_bytes) != 1)
			return;
		if (cap - free_bytes >= want || free_bytes < cap / 4)
			return;
		usleep(FILL_WAIT_USEC);
	}
}

ssize_t ms_build_read(struct ms_build *b, struct ms_ctx *c, uint8_t *buf,
		      size_t size)
{
	int n;

	if (b->produced >= b->size)
		return 0;
	if (size > b->size - b->produced)
		size = (size_t)(b->size - b->produced);
	if (size > INT32_MAX)
		size = INT32_MAX & ~(size_t)(MS_BLOCK - 1);
	wait_for_fill(b, size);
	n = b->out->read_xt(b->out, buf, (int)size);
	if (n < 0 || (n == 0 && b->produced < b->size)) {
		ms_fail(c, MS_EXIT_FAILURE,
			"image production stopped after %llu of %llu bytes",
			(unsigned long long)b->produced,
			(unsigned long long)b->size);
		ms_iso_msgs(c);
		return -1;
	}
	if (b->patch_record && b->produced < MS_BLOCK) {
		size_t from = (size_t)b->produced;
		size_t len = (size_t)n < MS_BLOCK - from ? (size_t)n :
			     MS_BLOCK - from;

		memcpy(buf, b->record + from, len);
	}
	b->produced += (uint64_t)n;
	if (ms_iso_msgs(c) < 0)
		return -1;
	return n;
}

void ms_build_free(struct ms_build *b)
{
	if (!b)
		return;
	if (b->out) {
		if (b->produced < b->size)
			b->out->cancel(b->out);
		burn_source_free(b->out);
	}
	if (b->image)
		iso_image_unref(b->image);
	ms_import_free(b->imp);
	iso_nowtime(&b->now, 2);
	free(b->dropped_named);
	free(b);
}
