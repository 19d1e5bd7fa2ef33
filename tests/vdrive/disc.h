/*
 * The virtual disc behind the virtual burner: a write-once medium kept in a
 * state directory.
 *
 *   STATE/disc   one line per fact (profile, capacity, sessions, tracks)
 *   STATE/data   sparse file, block LBA at byte offset LBA * 2048
 *   STATE/lock   the inode the drive's POSIX locks live on
 *
 * The model knows the layout rules of the media (where the next track
 * starts, what a closed session costs, which blocks are readable); the SCSI
 * side (mmc.c) only translates commands into these calls.  Recording calls
 * return 0 or a sense code made with MSVD_SENSE().
 */
#ifndef MSVD_DISC_H
#define MSVD_DISC_H

#include <stddef.h>
#include <stdint.h>

#define MSVD_BLOCK		2048

/* MMC profile numbers of the media the model knows */
#define MSVD_PROFILE_CD_R	0x0009
#define MSVD_PROFILE_CD_RW	0x000a
#define MSVD_PROFILE_DVD_MINUS_R 0x0011
#define MSVD_PROFILE_DVD_MINUS_R_DL 0x0015
#define MSVD_PROFILE_DVD_PLUS_R	0x001b
#define MSVD_PROFILE_DVD_PLUS_R_DL 0x002b
#define MSVD_PROFILE_BD_R	0x0041
/* overwriteable, always formatted: random access, no tracks */
#define MSVD_PROFILE_DVD_PLUS_RW 0x001a
#define MSVD_PROFILE_BD_RE	0x0043

/*
 * Layout figures.  The CD ones are the Red/Orange Book figures that drives
 * report; the DVD ones are what real drives were seen to report in READ
 * TRACK INFORMATION traces, except later DVD-R borders and BD-R, for
 * which no trace was found (see README.md and doc/design.md section 1).
 */
#define MSVD_CD_PREGAP		150	/* before a track's index 1 */
#define MSVD_CD_RUNOUT		2	/* unreadable, after TAO */
#define MSVD_CD_MIN_TRACK	300	/* shortest track recorded */
#define MSVD_CD_LEADOUT_FIRST	6750	/* closing the first session */
#define MSVD_CD_LEADOUT_NEXT	2250	/* closing later sessions */
#define MSVD_CD_LEADIN		4500	/* of a further session */
#define MSVD_DVD_ECC_BLOCKS	16	/* DVD tracks start on these */
#define MSVD_BD_CLUSTER_BLOCKS	32	/* BD tracks start on these */
#define MSVD_DVD_PLUS_R_GAP	2048	/* every session, measured */
#define MSVD_DVD_MINUS_R_GAP_FIRST 28688 /* first border, measured */
#define MSVD_DVD_MINUS_R_GAP_NEXT 16384	/* later borders: assumed */
#define MSVD_DVD_MINUS_R_LINK	16	/* between tracks in a border */
#define MSVD_BD_R_GAP		0	/* SRM: none, next cluster; assumed */

/* sense data as key << 16 | ASC << 8 | ASCQ */
#define MSVD_SENSE(key, asc, ascq) \
	((uint32_t)(key) << 16 | (uint32_t)(asc) << 8 | (uint32_t)(ascq))
#define MSVD_SENSE_KEY(s)	(((s) >> 16) & 0xff)
#define MSVD_SENSE_ASC(s)	(((s) >> 8) & 0xff)
#define MSVD_SENSE_ASCQ(s)	((s) & 0xff)

#define MSVD_E_NOT_READY_NO_MEDIUM	MSVD_SENSE(0x2, 0x3a, 0x00)
#define MSVD_E_WRITE_ERROR		MSVD_SENSE(0x3, 0x0c, 0x00)
#define MSVD_E_READ_ERROR		MSVD_SENSE(0x3, 0x11, 0x00)
#define MSVD_E_PARAM_LIST_LENGTH	MSVD_SENSE(0x5, 0x1a, 0x00)
#define MSVD_E_INVALID_OPCODE		MSVD_SENSE(0x5, 0x20, 0x00)
#define MSVD_E_LBA_OUT_OF_RANGE		MSVD_SENSE(0x5, 0x21, 0x00)
#define MSVD_E_INVALID_WRITE_ADDRESS	MSVD_SENSE(0x5, 0x21, 0x02)
#define MSVD_E_INVALID_FIELD_CDB	MSVD_SENSE(0x5, 0x24, 0x00)
#define MSVD_E_INVALID_FIELD_PARAM	MSVD_SENSE(0x5, 0x26, 0x00)
#define MSVD_E_SEQUENCE			MSVD_SENSE(0x5, 0x2c, 0x00)
#define MSVD_E_INCOMPATIBLE_MEDIUM	MSVD_SENSE(0x5, 0x30, 0x05)
#define MSVD_E_ILLEGAL_MODE		MSVD_SENSE(0x5, 0x64, 0x00)

enum msvd_track_flags {
	MSVD_TRACK_CLOSED	= 1 << 0,
	MSVD_TRACK_RESERVED	= 1 << 1,	/* by RESERVE TRACK */
	MSVD_TRACK_RUNOUT	= 1 << 2,	/* ends in TAO run-out */
	MSVD_TRACK_DAMAGED	= 1 << 3,	/* its writer was lost */
};

struct msvd_track {
	int session;		/* 1-based */
	uint32_t start;		/* LBA of the first user block */
	uint32_t written;	/* readable blocks from start */
	uint32_t size;		/* logical size once closed or reserved */
	unsigned flags;
};

enum msvd_status {
	MSVD_BLANK,
	MSVD_APPENDABLE,
	MSVD_CLOSED,
};

/* state of the last session, as READ DISC INFORMATION reports it */
enum msvd_session_state {
	MSVD_SESSION_EMPTY = 0,
	MSVD_SESSION_INCOMPLETE = 1,
	MSVD_SESSION_COMPLETE = 3,
};

struct msvd_disc {
	char *dir;
	int data_fd;
	int profile;
	uint32_t capacity;	/* blocks up to the last possible lead-out */
	int closed;		/* finalized: nothing more can be written */
	int sessions;		/* closed sessions */
	uint32_t next;		/* start of the next track to be opened */
	int ntracks;
	int track_room;
	struct msvd_track *tracks;
	int dirty;		/* changed since loaded or saved */
};

/* Profiles by name ("cd-r", ...) and their MMC profile names ("CD-R"). */
int msvd_profile_parse(const char *word);
const char *msvd_profile_word(int profile);
const char *msvd_profile_name(int profile);
int msvd_profile_is_cd(int profile);

/*
 * DVD+RW and BD-RE: a formatted medium whose every block may be written
 * at any time and read back (blocks never written read as zeros).  There
 * are no tracks or sessions: 'next' is one past the highest block
 * written, which only msvd show and dump use.
 */
int msvd_profile_is_overwriteable(int profile);

/*
 * Create a blank disc in the new directory 'dir'.  Returns 0, or -1 with
 * errno set and a message in err.
 */
int msvd_disc_create(const char *dir, int profile, uint32_t capacity,
		     char *err, size_t errlen);

/* Load the disc in 'dir'; data is opened read-write when 'writable'. */
int msvd_disc_load(const char *dir, int writable, struct msvd_disc **out,
		   char *err, size_t errlen);

/* The lock file of the disc in 'dir' (malloc'ed). */
char *msvd_disc_lock_path(const char *dir);

/*
 * A track left open when the drive was last released was interrupted: mark
 * it damaged, as a drive finds it after a crash or a lost connection.
 * On CD it can then only be closed; on DVD and BD writing may go on.
 */
void msvd_disc_mark_interrupted(struct msvd_disc *d);

/* Write the description back (atomically, by rename). */
int msvd_disc_save(struct msvd_disc *d);
void msvd_disc_free(struct msvd_disc *d);

enum msvd_status msvd_disc_status(const struct msvd_disc *d);
enum msvd_session_state msvd_last_session_state(const struct msvd_disc *d);

/* Sessions as READ DISC INFORMATION counts them: the empty one included. */
int msvd_session_count(const struct msvd_disc *d);

/* The track being written (incomplete or reserved), or NULL. */
struct msvd_track *msvd_open_track(const struct msvd_disc *d);

/*
 * The next writable address and the blocks writable from there.  Returns 0
 * when the disc cannot take more data.
 */
int msvd_nwa(const struct msvd_disc *d, uint32_t *nwa, uint32_t *free_blocks);

/* Number (1-based) of the track that an invisible track would get. */
int msvd_invisible_track(const struct msvd_disc *d);

/* One past the last block of a track: its lead-out if it ends a session. */
uint32_t msvd_track_end(const struct msvd_track *t);

/* One past the last recorded block (what READ CAPACITY counts). */
uint32_t msvd_recorded_end(const struct msvd_disc *d);

/* First and last track number of a (1-based) session. */
int msvd_session_tracks(const struct msvd_disc *d, int session, int *first,
			int *last);

uint32_t msvd_write(struct msvd_disc *d, uint32_t lba, uint32_t count,
		    const void *buf);
uint32_t msvd_read(const struct msvd_disc *d, uint32_t lba, uint32_t count,
		   void *buf);
uint32_t msvd_reserve(struct msvd_disc *d, uint32_t blocks);

/* track number meaning "the open track" */
#define MSVD_TRACK_INVISIBLE	0xff

/* Close track 'number' (1-based; 0 or 0xff: the track being written). */
uint32_t msvd_close_track(struct msvd_disc *d, int number);

/* Close the open session; 'finalize' closes the disc as well. */
uint32_t msvd_close_session(struct msvd_disc *d, int finalize);

/*
 * Record a whole session at once (CD SAO): the tracks start at starts[]
 * and the session's lead-out at 'leadout'; the data must already be
 * stored with msvd_store().
 */
uint32_t msvd_record_session(struct msvd_disc *d, const uint32_t *starts,
			     int count, uint32_t leadout, int finalize);

/* Store blocks without any layout rule (for CD SAO). */
uint32_t msvd_store(struct msvd_disc *d, uint32_t lba, uint32_t count,
		    const void *buf);

/* Make a rewritable disc blank again. */
uint32_t msvd_blank(struct msvd_disc *d);

#endif
