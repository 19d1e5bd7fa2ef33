/* The image reader: head read ahead, the rest streamed (image.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exit.h"
#include "image.h"
#include "iso9660.h"
#include "util.h"

int ms_image_open(struct ms_ctx *c, const char *name, struct ms_image *img)
{
	struct stat st;
	ssize_t n;
	const uint8_t *pvd;

	memset(img, 0, sizeof(*img));
	img->fd = -1;
	img->name = strdup(name);
	img->first = calloc(MS_HEAD_BLOCKS, MS_BLOCK);
	if (!img->name || !img->first)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	if (!strcmp(name, "-")) {
		img->fd = STDIN_FILENO;
	} else {
		img->fd = open(name, O_RDONLY | O_CLOEXEC);
		if (img->fd < 0)
			return ms_fail_errno(c, MS_EXIT_USAGE, errno,
					     "cannot open image '%s'", name);
	}
	if (fstat(img->fd, &st) == 0 && S_ISREG(st.st_mode)) {
		img->is_file = 1;
		img->file_blocks = ((uint64_t)st.st_size + MS_BLOCK - 1) /
				   MS_BLOCK;
	}
	n = ms_read_full(img->fd, img->first, (size_t)MS_HEAD_BLOCKS * MS_BLOCK);
	if (n < 0)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot read image '%s'", name);
	if (n == 0 && img->fd == STDIN_FILENO)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "no image on standard input (did the command "
			       "before the pipe fail?)");
	if ((size_t)n == sizeof(MS_NOTHING_MARKER) - 1 &&
	    !memcmp(img->first, MS_NOTHING_MARKER, (size_t)n))
		return ms_fail(c, MS_EXIT_NOTHING,
			       "nothing to do: %s%s%s holds no session, only "
			       "the builder's mark that there was nothing to "
			       "add; nothing written",
			       img->fd == STDIN_FILENO ? "" : "'",
			       img->fd == STDIN_FILENO ? "standard input" :
			       name, img->fd == STDIN_FILENO ? "" : "'");
	img->have = (uint32_t)((size_t)n / MS_BLOCK);
	if ((size_t)n % MS_BLOCK)
		return ms_fail(c, MS_EXIT_USAGE,
			       "image '%s' is not a whole number of 2048-byte "
			       "blocks", name);
	pvd = img->first + (size_t)MS_VD_FIRST * MS_BLOCK;
	if (img->have <= MS_VD_FIRST || !ms_vd_is_primary(pvd))
		return ms_fail(c, MS_EXIT_USAGE,
			       "'%s' is not an ISO 9660 image: no primary "
			       "volume descriptor at block 16", name);
	img->vss = ms_vd_space_size(pvd);
	img->root_lba = ms_le32(pvd + MS_VD_ROOT_RECORD_OFF + MS_DR_EXTENT_OFF);
	img->link_state = ms_link_parse(img->first, &img->link, img->link_why,
					sizeof(img->link_why));
	return 0;
}

void ms_image_close(struct ms_image *img)
{
	if (img->fd > STDIN_FILENO)
		close(img->fd);
	free(img->first);
	free(img->name);
	memset(img, 0, sizeof(*img));
	img->fd = -1;
}

/*
 * The image bytes in order: the blocks read ahead, then the rest of fd.
 * Returns blocks delivered (n, or fewer at the end), or -1.
 */
int64_t ms_image_next(struct ms_ctx *c, struct ms_image *img, uint64_t done,
		      uint8_t *buf, uint32_t n)
{
	uint32_t take = 0;
	ssize_t r;

	if (done < img->have) {
		take = img->have - (uint32_t)done;
		if (take > n)
			take = n;
		memcpy(buf, img->first + (size_t)done * MS_BLOCK,
		       (size_t)take * MS_BLOCK);
		return take;
	}
	r = ms_read_full(img->fd, buf, (size_t)n * MS_BLOCK);
	if (r < 0)
		return ms_fail_errno(c, MS_EXIT_FAILURE, errno,
				     "cannot read image '%s'", img->name);
	if (r % MS_BLOCK)
		return ms_fail(c, MS_EXIT_FAILURE,
			       "image '%s' ends in the middle of a block",
			       img->name);
	return r / MS_BLOCK;
}

int ms_image_short(struct ms_ctx *c, struct ms_image *img, uint64_t got)
{
	return ms_fail(c, MS_EXIT_FAILURE,
		       "image '%s' ended after %llu of its %u blocks",
		       img->name, (unsigned long long)got, img->blocks);
}
