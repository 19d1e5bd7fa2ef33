/*
 * The libburn side of a medium, private to the libburn backend and to
 * burn's writers (TAO tracks, blanking), which drive libburn themselves.
 * Nothing else reaches a medium's drive.
 */
#ifndef MS_MEDIUM_BURN_H
#define MS_MEDIUM_BURN_H

#include <stdint.h>

#include "medium.h"

struct burn_drive;

/* The grabbed libburn drive of a file or drive medium, NULL otherwise. */
struct burn_drive *ms_medium_burn_drive(const struct ms_medium *m);

/*
 * A session image made for address lba: its block 0 is read as disc block
 * lba (set by the layout reader when it finds the image's link record).
 */
void ms_medium_burn_set_offset(struct ms_medium *m, uint32_t lba);

#endif
