/* burnms's entry points: the checks around the decision, the writers. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "burn.h"
#include "burn_check.h"
#include "burn_int.h"
#include "exit.h"

/* The facts of img that the decision weighs. */
static void image_facts(const struct ms_image *img, struct ms_image_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->name = img->name;
	f->link_state = img->link_state;
	f->link = img->link;
	f->link_why = img->link_why;
	f->vss = img->vss;
	f->root_lba = img->root_lba;
	f->is_file = img->is_file;
	f->file_blocks = img->file_blocks;
}

int ms_burn_check(struct ms_ctx *c, struct ms_medium *m,
		  const struct ms_layout *l, struct ms_image *img,
		  unsigned flags)
{
	struct ms_image_facts f;
	struct ms_burn_target t;
	struct ms_layout blanked;
	struct stat a, b;

	/* an image given as its own medium: say so before anything else */
	if (m && ms_medium_file(m) && img->fd >= 0 &&
	    fstat(img->fd, &a) == 0 && stat(ms_medium_file(m), &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return ms_fail(c, MS_EXIT_USAGE,
			       "image '%s' and the medium '%s' are the same "
			       "file: an image cannot be written onto itself",
			       img->name, l->medium);
	image_facts(img, &f);
	if (ms_burn_decide(c, l, &f, flags, &t) < 0)
		return -1;
	if (t.foreign) {
		ms_burn_blanked_layout(l, &blanked);
		if (ms_burn_foreign_tree(c, m, flags & MS_BURN_BLANKED ?
					 &blanked : l, img, t.start,
					 t.blocks) < 0)
			return -1;
	}
	img->foreign = t.foreign;
	img->start = t.start;
	img->blocks = t.blocks;
	return 0;
}

int ms_burn_write(struct ms_ctx *c, struct ms_medium *m,
		  const struct ms_layout *l, struct ms_image *img,
		  unsigned flags, struct ms_progress *p)
{
	if (l->overwriteable) {
		if (flags & MS_BURN_CLOSE)
			ms_note(c, "--close has no meaning for '%s': files and "
				"overwriteable discs stay appendable",
				ms_medium_name(m));
		return ms_burn_write_file(c, m, img, flags, p);
	}
	return ms_burn_write_tao(c, m, img, flags, p);
}
