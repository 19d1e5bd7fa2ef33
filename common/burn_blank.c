/*
 * Blanking: files and overwriteable discs lose their head descriptors,
 * CD-RW and DVD-RW are blanked by the drive.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libburn/libburn.h>

#include "burn.h"
#include "burn_int.h"
#include "exit.h"
#include "iso9660.h"
#include "medium_burn.h"

static const char invalid_id[MS_VD_ID_LEN] = { 'C', 'D', 'X', 'X', '1' };

int ms_burn_blank(struct ms_ctx *c, struct ms_medium *m,
		  const struct ms_layout *l)
{
	struct burn_drive *d = ms_medium_burn_drive(m);
	int profile = ms_medium_profile(m);
	uint8_t *head;
	uint32_t i;
	int ret = -1;

	if (l->status == MS_STATUS_BLANK)
		return 0;
	if (l->status == MS_STATUS_IMAGE)
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' is a session image, not a medium",
			       l->medium);
	if (!l->overwriteable) {
		if (!ms_profile_is_blankable(profile))
			return ms_fail(c, MS_EXIT_UNSUITABLE,
				       "'%s' is %s: write-once media cannot be "
				       "blanked", ms_medium_name(m),
				       ms_medium_profile_name(m));
		burn_disc_erase(d, 1);
		while (burn_drive_get_status(d, NULL) != BURN_DRIVE_IDLE)
			usleep(MS_BURN_POLL_USEC);
		if (burn_disc_get_status(d) != BURN_DISC_BLANK) {
			ms_fail(c, MS_EXIT_FAILURE, "blanking '%s' failed",
				ms_medium_name(m));
			ms_burn_msgs_append(c);
			return -1;
		}
		return 0;
	}
	head = malloc((size_t)MS_HEAD_BLOCKS * MS_BLOCK);
	if (!head)
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	if (ms_medium_read(m, c, 0, MS_HEAD_BLOCKS, head) < 0)
		goto out;
	for (i = MS_VD_FIRST; i < MS_HEAD_BLOCKS; i++) {
		uint8_t *blk = head + (size_t)i * MS_BLOCK;
		int last = blk[MS_VD_TYPE_OFF] == MS_VD_TERMINATOR;

		if (!ms_vd_is_descriptor(blk))
			break;
		memcpy(blk + MS_VD_ID_OFF, invalid_id, MS_VD_ID_LEN);
		if (last)
			break;
	}
	ret = ms_medium_write(m, c, 0, MS_HEAD_BLOCKS, head, MS_WRITE_SYNC);
out:
	free(head);
	return ret;
}
