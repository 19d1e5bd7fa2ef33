/*
 * Private to burn: what ms_burn_check() and ms_burn_write() (burn.c) call
 * in the files that do one job each: the foreign image's tree check
 * (burn_foreign.c), the writer for files and overwriteable media
 * (burn_file.c), the TAO writer (burn_tao.c); and what those share.
 */
#ifndef MS_BURN_INT_H
#define MS_BURN_INT_H

#include <stdint.h>

#include "burn.h"

#define MS_BURN_CHUNK_BLOCKS	512	/* 1 MiB per read or write */
#define MS_BURN_POLL_USEC	100000	/* asking libburn how it goes */

/*
 * A foreign image's tree names the disc it was built on: every file
 * extent below start must be a file of the medium's last session (read
 * from m unless l is blank), at the same block with the same size.
 * MS_EXIT_WRONGDISC names the first file that is not.
 */
int ms_burn_foreign_tree(struct ms_ctx *c, struct ms_medium *m,
			 const struct ms_layout *l, struct ms_image *img,
			 uint32_t start, uint32_t blocks);

/*
 * Files and overwriteable media: the data at img->start, flushed, then
 * the head, flushed; a failure gives a file its old size back.
 */
int ms_burn_write_file(struct ms_ctx *c, struct ms_medium *m,
		       struct ms_image *img, unsigned flags,
		       struct ms_progress *p);

/* Write-once media: one TAO track through libburn. */
int ms_burn_write_tao(struct ms_ctx *c, struct ms_medium *m,
		      struct ms_image *img, unsigned flags,
		      struct ms_progress *p);

/* Read the session back and compare it with the MD5 of what was sent. */
int ms_burn_verify(struct ms_ctx *c, struct ms_medium *m, uint32_t start,
		   uint32_t blocks, const uint8_t want[16],
		   struct ms_progress *p);

#endif
