/*
 * Media: where sessions live.  A medium is named the way libburn names
 * drives (DESIGN section 2):
 *
 *   stdio:PATH, a regular file, a missing file, or a block device that is
 *   not an optical drive: a file medium, libburn's stdio pseudo-drive;
 *   an optical drive address such as /dev/sr0: an MMC drive.
 *
 * Reads go through libburn (burn_read_data), bounded by the medium's size
 * so that a short file reads as "beyond the end" rather than as zeros.
 * Drives are written through libburn; files through the descriptor that
 * holds their lock, in large pieces.
 */
#ifndef MS_MEDIUM_H
#define MS_MEDIUM_H

#include <stdint.h>
#include <sys/types.h>

#include "ctx.h"

struct burn_drive;
struct burn_drive_info;

enum ms_medium_kind {
	MS_MEDIUM_FILE,		/* stdio pseudo-drive */
	MS_MEDIUM_DRIVE,	/* MMC optical drive */
	MS_MEDIUM_SNAPSHOT,	/* a saved snapshot of a disc (snapshot.h) */
};

enum ms_open_flags {
	MS_OPEN_WRITE = 1 << 0,	/* will write: take the exclusive lock */
	MS_OPEN_EXISTING = 1 << 1, /* a missing file fails, not blank */
};

/* The libburn profile number libburn gives stdio pseudo-drives. */
#define MS_PROFILE_STDIO 0xffff

struct ms_medium;

struct ms_medium {
	char *name;		/* as the user gave it, for messages */
	char *path;		/* file path or drive address */
	enum ms_medium_kind kind;
	struct burn_drive_info *infos;
	struct burn_drive *drive;
	int profile;
	char profile_name[80];
	int exists;		/* files: 0 while the file is missing */
	int is_blockdev;	/* files: a block device */
	uint64_t size_blocks;	/* files: whole 2048-byte blocks readable */
	uint64_t size_bytes;	/* files: the exact size */
	uint32_t offset;	/* disc address of block 0 (session images) */
	uint64_t blocks_read;	/* every block read, for --verbose */
	int lock_fd;		/* files: holds the flock, -1 if none */
	int created;		/* files: the lock created the file */
	int readahead;		/* serve small reads from a run read ahead */
	/* a small read-ahead cache for block-by-block readers (libisofs) */
	uint8_t *cache;
	uint32_t cache_lba, cache_count;
	void *snap;		/* snapshots keep their state here */
};

/*
 * Start libburn and libisofs with printing off: their messages are queued
 * and folded into ours.  prog prefixes nothing; it names the caller in
 * libburn's own records.
 */
int ms_lib_init(struct ms_ctx *c);
void ms_lib_finish(void);

/*
 * Open a medium by name.  MS_OPEN_WRITE also takes the exclusive lock.  A
 * file that starts with the snapshot magic opens as a snapshot.  A missing
 * name under /dev/ is a missing drive and fails; any other missing file is
 * a blank medium unless MS_OPEN_EXISTING.  Names that are neither files,
 * block devices nor drives (directories, FIFOs) fail with
 * MS_EXIT_UNSUITABLE, with or without "stdio:", and nothing here blocks.
 */
int ms_medium_open(struct ms_ctx *c, const char *name, unsigned flags,
		   struct ms_medium **out);
void ms_medium_close(struct ms_medium *m);

/* The file system path in a medium name: name without "stdio:". */
const char *ms_medium_file_path(const char *name);

/* The name as the user gave it, for messages. */
const char *ms_medium_name(const struct ms_medium *m);

/*
 * The file system path of a file medium (regular file, block device or a
 * file still missing), NULL for drives and snapshots.
 */
const char *ms_medium_file(const struct ms_medium *m);

/* Files: 0 while the file is missing (a blank medium); others 1. */
int ms_medium_exists(const struct ms_medium *m);

/* Files: 1 for a block device. */
int ms_medium_is_blockdev(const struct ms_medium *m);

/* Files: whole 2048-byte blocks readable, and the exact size in bytes. */
uint64_t ms_medium_size_blocks(const struct ms_medium *m);
uint64_t ms_medium_size_bytes(const struct ms_medium *m);

/* The libburn profile number and name (MS_PROFILE_STDIO for files). */
int ms_medium_profile(const struct ms_medium *m);
const char *ms_medium_profile_name(const struct ms_medium *m);

/* Every block read from the medium so far, for --verbose. */
uint64_t ms_medium_blocks_read(const struct ms_medium *m);

/*
 * Serve small reads from a run read ahead: for block-by-block readers
 * (libisofs) walking directories in order.
 */
void ms_medium_set_readahead(struct ms_medium *m, int on);

/*
 * Read count blocks at disc address lba.  Fails, naming the block, if the
 * range is beyond the end of the medium or unreadable.
 */
int ms_medium_read(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		   uint32_t count, uint8_t *buf);

/*
 * Read up to count blocks, stopping at the end of a file medium: *got
 * tells how many were there, and buf beyond them is left as it was.  For
 * readers that look at a short file's head; everything else uses
 * ms_medium_read, for which a block past the end is an error.
 */
int ms_medium_read_upto(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
			uint32_t count, uint8_t *buf, uint32_t *got);

enum ms_write_flags {
	MS_WRITE_SYNC = 1 << 0,	/* flush to stable storage afterwards */
};

/* Write count blocks at lba of a file medium or overwriteable disc. */
int ms_medium_write(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		    uint32_t count, const uint8_t *buf, unsigned flags);

/*
 * Take the exclusive write lock of a file medium (non-blocking): a second
 * writer fails at once with MS_EXIT_FAILURE and "medium busy".  Drives are
 * locked by libburn's exclusive grab.
 */
int ms_medium_lock(struct ms_medium *m, struct ms_ctx *c);

/*
 * Files: 1 if the first n bytes (or all, if the file is shorter) are zero,
 * 0 if not, -1 on error.  For files too short to hold a descriptor.
 */
int ms_medium_zero_prefix(struct ms_medium *m, struct ms_ctx *c, size_t n);

/* Re-read the size of a file medium after writing. */
int ms_medium_refresh(struct ms_medium *m, struct ms_ctx *c);

/* Free bytes from byte address start on (libburn's estimate). */
int64_t ms_medium_free_bytes(struct ms_medium *m, uint64_t start_byte);

/*
 * Fold pending libburn messages into ": text" on the context message; a
 * busy drive among them makes the status MS_EXIT_BUSY.
 */
void ms_burn_msgs_append(struct ms_ctx *c);
void ms_burn_msgs_drop(void);

#endif
