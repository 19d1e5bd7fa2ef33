#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libburn/libburn.h>
#include <libisofs/libisofs.h>

#include "exit.h"
#include "iso9660.h"
#include "isomsg.h"
#include "progress.h"
#include "writer.h"

/*
 * libisofs' ring buffer between its writer thread and us, in blocks: as
 * xorriso's default.  The whole ring is touched once the image is larger,
 * so it is peak memory; 16 MiB cost 12 MiB more than xorriso on a
 * 200,000-file import and bought no speed on a 1 GiB session.
 */
#define FIFO_BLOCKS	(4 * 1024 * 1024 / MS_BLOCK)
#define FILL_WAIT_USEC	1000
#define FILL_WAIT_MAX	1000	/* then read what is there */

struct ms_writer {
	struct ms_writer_opts opts;
	IsoImage *image;
	struct ms_link *link;
	struct burn_source *out;
	uint64_t size;
	uint64_t produced;
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
static int layout_msgs(struct ms_writer *w, struct ms_ctx *c)
{
	char text[ISO_MSGS_MESSAGE_LEN], sev[80], path[ISO_MSGS_MESSAGE_LEN];
	int code, imgid, ret = 0;

	while (iso_obtain_msgs("ALL", &code, &imgid, text, sev) > 0) {
		ms_msg_tidy(text);
		if (ms_iso_sev_is_failure(sev)) {
			if (ret == 0 && !c->status)
				ms_fail(c, MS_EXIT_FAILURE, "%s", text);
			ret = -1;
		} else if (!w->opts.rockridge &&
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

/*
 * Write options.  fifo: libisofs' ring buffer in blocks.  The link record
 * goes into the system area.
 */
static int make_opts(struct ms_writer *w, struct ms_ctx *c, size_t fifo,
		     IsoWriteOpts **out)
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
	iso_write_opts_set_rockridge(o, w->opts.rockridge);
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
	/* ACLs and xattrs the base recorded go on, with or without tags */
	if (w->opts.md5 || w->opts.aaip)
		iso_write_opts_set_aaip(o, 1);
	if (w->opts.md5)
		iso_write_opts_set_record_md5(o, 1, 1);
	/* a base whose PX entries number inodes keeps its hard links */
	if (w->opts.hardlinks) {
		iso_write_opts_set_hardlinks(o, 1);
		iso_write_opts_set_rrip_1_10_px_ino(o, 1);
	}
	iso_write_opts_set_ms_block(o, w->opts.start);
	iso_write_opts_set_appendable(o, w->opts.appendable);
	iso_write_opts_set_fifo_size(o, fifo);
	gmtime_r(&w->opts.now, &tm);
	strftime(uuid, sizeof(uuid), "%Y%m%d%H%M%S00", &tm);
	iso_write_opts_set_pvd_times(o, w->opts.now, w->opts.now, 0, 0, uuid);
	memset(sysarea, 0, sizeof(sysarea));
	if (ms_link_format(w->link, (uint8_t *)sysarea) < 0) {
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
static int damaged_tree(struct ms_writer *w, struct ms_ctx *c,
			const char *what, int ret)
{
	ms_fail(c, MS_EXIT_FAILURE, "%s: the directory tree of the last "
		"session of '%s' (at block %u) is damaged (libisofs: %s)",
		what, w->opts.base_name, w->link->base_last,
		iso_error_to_msg(ret));
	ms_iso_msgs(c);
	return -1;
}

/* Start libisofs' writer and learn the image size. */
static int start_writer(struct ms_writer *w, struct ms_ctx *c, size_t fifo,
			struct burn_source **src, uint64_t *size)
{
	IsoWriteOpts *o;
	int ret;

	if (make_opts(w, c, fifo, &o) < 0)
		return -1;
	ret = iso_image_create_burn_source(w->image, o, src);
	iso_write_opts_free(o);
	if (ret < 0) {
		*src = NULL;
		if (ret == (int)ISO_OUT_OF_MEM && w->opts.appendable)
			return damaged_tree(w, c, "cannot lay out the image",
					    ret);
		return ms_iso_fail(c, ret, "cannot lay out the image");
	}
	*size = (uint64_t)(*src)->get_size(*src);
	if (*size == 0 || *size % MS_BLOCK || *size / MS_BLOCK > UINT32_MAX)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "libisofs laid out an image of %llu bytes",
			       (unsigned long long)*size);
	if (*size / MS_BLOCK > (uint64_t)MS_ISO_MAX_LBA - w->opts.start)
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "an image of %llu blocks at block %u would end "
			       "past block %u, the last ISO 9660 can address",
			       (unsigned long long)(*size / MS_BLOCK),
			       w->opts.start,
			       MS_ISO_MAX_LBA);
	return 0;
}

/*
 * The record is final before layout (it does not name the image size,
 * which the session's primary descriptor says), so it goes into the system
 * area from the start and one layout pass suffices: with checksum tags,
 * which cover block 0, as without them.
 */
static int start(struct ms_writer *w, struct ms_ctx *c)
{
	double t0 = ms_now();

	if (start_writer(w, c, FIFO_BLOCKS, &w->out, &w->size) < 0)
		return -1;
	w->link->blocks = (uint32_t)(w->size / MS_BLOCK);
	ms_note(c, "laid out %u blocks in %.2f s (one pass)", w->link->blocks,
		ms_now() - t0);
	return layout_msgs(w, c);
}

/*
 * libisofs' writer hands over one block at a time and wakes a waiting
 * reader for each: reading whenever anything is there ping-pongs the two
 * threads millions of times per GiB.  Let the ring buffer fill to what
 * is wanted (or a quarter of it) while the writer runs.
 */
static void wait_for_fill(struct ms_writer *w, size_t want)
{
	size_t cap, free_bytes;
	int i;

	for (i = 0; i < FILL_WAIT_MAX; i++) {
		if (iso_ring_buffer_get_status(w->out, &cap, &free_bytes) != 1)
			return;
		if (cap - free_bytes >= want || free_bytes < cap / 4)
			return;
		usleep(FILL_WAIT_USEC);
	}
}

ssize_t ms_writer_read(struct ms_writer *w, struct ms_ctx *c, uint8_t *buf,
		      size_t size)
{
	int n;

	if (w->produced >= w->size)
		return 0;
	if (size > w->size - w->produced)
		size = (size_t)(w->size - w->produced);
	if (size > INT32_MAX)
		size = INT32_MAX & ~(size_t)(MS_BLOCK - 1);
	wait_for_fill(w, size);
	n = w->out->read_xt(w->out, buf, (int)size);
	if (n < 0 || (n == 0 && w->produced < w->size)) {
		ms_fail(c, MS_EXIT_FAILURE,
			"image production stopped after %llu of %llu bytes",
			(unsigned long long)w->produced,
			(unsigned long long)w->size);
		ms_iso_msgs(c);
		return -1;
	}
	w->produced += (uint64_t)n;
	if (ms_iso_msgs(c) < 0)
		return -1;
	return n;
}


int ms_writer_start(struct ms_ctx *c, IsoImage *image,
		    const struct ms_writer_opts *o, struct ms_link *link,
		    struct ms_writer **out)
{
	struct ms_writer *w;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	w->opts = *o;
	w->image = image;
	iso_image_ref(image);
	w->link = link;
	if (start(w, c) < 0) {
		ms_writer_free(w);
		return -1;
	}
	*out = w;
	return 0;
}

uint64_t ms_writer_size(const struct ms_writer *w)
{
	return w ? w->size : 0;
}

void ms_writer_free(struct ms_writer *w)
{
	if (!w)
		return;
	if (w->out) {
		if (w->produced < w->size)
			w->out->cancel(w->out);
		burn_source_free(w->out);
	}
	iso_image_unref(w->image);
	free(w);
}
