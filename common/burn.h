/*
 * Writing a session image to a medium, after checking that the medium is
 * the one the image was built for (DESIGN sections 1.3, 3, 4, 5).  The
 * decision is burn_check.h; the image reader image.h; the writers are
 * burn_file.c, burn_tao.c and burn_blank.c, behind the calls below.
 */
#ifndef MS_BURN_H
#define MS_BURN_H

#include <stdint.h>

#include "burn_check.h"
#include "ctx.h"
#include "image.h"
#include "layout.h"
#include "medium.h"
#include "progress.h"

/*
 * Decide whether img may be written to the medium m described by l, and
 * where: ms_burn_decide(), and around it the checks that read.  Fails
 * with MS_EXIT_WRONGDISC, MS_EXIT_UNSUITABLE, MS_EXIT_NOSPACE or
 * MS_EXIT_VERIFY (a damaged record), naming what differs.  A foreign
 * image (MS_BURN_FOREIGN, no record) must point only at files of the
 * medium's last session below its start, at the same block with the same
 * size; m is read for that tree (not when l says blank).  An image that
 * is the medium's own file (same device and inode) is MS_EXIT_USAGE.
 * With MS_BURN_BLANKED, l is judged as blanking will leave it.  Sets
 * img->start and img->blocks.
 */
int ms_burn_check(struct ms_ctx *c, struct ms_medium *m,
		  const struct ms_layout *l, struct ms_image *img,
		  unsigned flags);

/*
 * Write img as the next session.  On files and overwriteable media: the
 * data at img->start, flushed, then the head, flushed, so that a crash
 * leaves the previous newest session valid.  On write-once media: one TAO
 * track through libburn.  With MS_BURN_VERIFY the session is read back and
 * compared (MS_EXIT_VERIFY on a mismatch).  p may have a NULL stream.
 */
int ms_burn_write(struct ms_ctx *c, struct ms_medium *m,
		  const struct ms_layout *l, struct ms_image *img,
		  unsigned flags, struct ms_progress *p);

/*
 * Make a rewritable medium blank: files and overwriteable discs get their
 * head descriptors invalidated (CD001 becomes CDXX1, as xorriso does);
 * CD-RW and DVD-RW are blanked by the drive.  Write-once media: 4.
 */
int ms_burn_blank(struct ms_ctx *c, struct ms_medium *m,
		  const struct ms_layout *l);

#endif
