/*
 * The MMC command set of the virtual burner: one CDB in, data and sense
 * out.  Knows nothing of file descriptors or SG_IO; vdrive.c feeds it.
 */
#ifndef MSVD_MMC_H
#define MSVD_MMC_H

#include <stdint.h>

#include "disc.h"

/* mode parameter header and the 52-byte page 05h */
#define MSVD_PAGE5_LEN		60
#define MSVD_CUE_TRACKS_MAX	99
#define MSVD_SENSE_LEN		18	/* fixed format sense data */

enum msvd_dir {
	MSVD_DIR_NONE,
	MSVD_DIR_FROM_DRIVE,
	MSVD_DIR_TO_DRIVE,
};

struct msvd_cmd {
	const unsigned char *cdb;
	unsigned cdb_len;
	enum msvd_dir dir;
	unsigned char *data;
	uint32_t data_len;
	uint32_t transferred;	/* out: bytes really moved */
};

/* A session announced by SEND CUE SHEET and being written (CD SAO). */
struct msvd_cue {
	int active;
	int32_t nwa;		/* next block expected, may be negative */
	uint32_t leadout;
	int ntracks;
	uint32_t starts[MSVD_CUE_TRACKS_MAX];
};

struct msvd_drive {
	struct msvd_disc *disc;		/* NULL: no medium */
	unsigned char page5[MSVD_PAGE5_LEN];
	int64_t sim_nwa;		/* test write in progress, or -1 */
	struct msvd_cue cue;
	uint32_t last_sense;		/* for REQUEST SENSE */
};

/* Fixed format sense data for a sense code. */
void msvd_sense_fixed(uint32_t sense, unsigned char buf[MSVD_SENSE_LEN]);

/* Reset the drive's volatile state (mode pages, cue sheet) for 'disc'. */
void msvd_drive_init(struct msvd_drive *dr, struct msvd_disc *disc);

/*
 * Execute one command.  Returns 0 or the sense code of a CHECK CONDITION;
 * changes of the disc are saved before returning.
 */
uint32_t msvd_execute(struct msvd_drive *dr, struct msvd_cmd *c);

#endif
