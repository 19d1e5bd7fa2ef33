/*
 * Media: where sessions live.  A medium is named the way libburn names
 * drives (DESIGN section 2):
 *
 *   stdio:PATH, a regular file, a missing file, or a block device that is
 *   not an optical drive: a file medium, libburn's stdio pseudo-drive;
 *   an optical drive address such as /dev/sr0: an MMC drive;
 *   a file that starts with the snapshot magic: a snapshot of a disc.
 *
 * A medium is an interface: an opaque handle with a table of operations
 * (struct ms_medium_ops) that a backend provides.  medium_burn.c serves
 * files and drives through libburn, snapshot_medium.c serves a snapshot,
 * medium_record.c wraps another medium and remembers the blocks read.
 * Code outside the backends uses only the functions below and never asks
 * which backend a medium has.
 */
#ifndef MS_MEDIUM_H
#define MS_MEDIUM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctx.h"

struct ms_layout;

/* What a layout says its medium is (struct ms_layout's kind). */
enum ms_medium_kind {
	MS_MEDIUM_FILE,		/* stdio pseudo-drive */
	MS_MEDIUM_DRIVE,	/* MMC optical drive */
};

enum ms_open_flags {
	MS_OPEN_WRITE = 1 << 0,	/* will write: take the exclusive lock */
	MS_OPEN_EXISTING = 1 << 1, /* a missing file fails, not blank */
};

/* The libburn profile number libburn gives stdio pseudo-drives. */
#define MS_PROFILE_STDIO 0xffff

struct ms_medium;

/*
 * Start libburn and libisofs, once (later calls do nothing), with their
 * printing off: their messages are queued, never printed, and folded into
 * ours on the context.
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

/* Re-read the size of a file medium after writing. */
int ms_medium_refresh(struct ms_medium *m, struct ms_ctx *c);

/* Free bytes from byte address start on (libburn's estimate), or 0. */
int64_t ms_medium_free_bytes(struct ms_medium *m, uint64_t start_byte);

/*
 * Describe the medium: fill l with its sessions, status and room (the
 * backend's "layout" operation; ms_layout_read in layout.h is the way in).
 */
int ms_medium_layout(struct ms_medium *m, struct ms_ctx *c,
		     struct ms_layout *l);

/*
 * Fold pending libburn messages into ": text" on the context message; a
 * busy drive among them makes the status MS_EXIT_BUSY.
 */
void ms_burn_msgs_append(struct ms_ctx *c);
void ms_burn_msgs_drop(void);


/* --- for backends --- */

/*
 * The facts a backend keeps up to date for the accessors above.  Backends
 * that are not files leave file NULL and the sizes 0.
 */
struct ms_medium_info {
	const char *file;		/* a file medium's path, else NULL */
	int exists;			/* 0 while a file is missing */
	int is_blockdev;
	uint64_t size_blocks;		/* whole 2048-byte blocks readable */
	uint64_t size_bytes;
	int profile;
	char profile_name[80];
};

/*
 * The operations of a backend.  read: count blocks at disc address lba;
 * with got NULL all of them or fail naming the block, with got non-NULL
 * stop at the end of the medium and say in *got how many were there.
 * write may be NULL (read-only: writes fail); refresh re-reads what
 * writing changed; close frees the backend's state (the handle itself is
 * freed by ms_medium_close).  set_readahead and free_bytes may be NULL.
 */
struct ms_medium_ops {
	int (*read)(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		    uint32_t count, uint8_t *buf, uint32_t *got);
	int (*layout)(struct ms_medium *m, struct ms_ctx *c,
		      struct ms_layout *l);
	int (*write)(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		     uint32_t count, const uint8_t *buf, unsigned flags);
	int (*refresh)(struct ms_medium *m, struct ms_ctx *c);
	void (*close)(struct ms_medium *m);
	void (*set_readahead)(struct ms_medium *m, int on);
	int64_t (*free_bytes)(struct ms_medium *m, uint64_t start_byte);
};

/*
 * A new handle named name over a backend's ops and state; the name is
 * copied.  On failure nothing is kept (the caller frees its state).
 */
int ms_medium_new(struct ms_ctx *c, const char *name,
		  const struct ms_medium_ops *ops, void *state,
		  struct ms_medium **out);

/* The backend's operations and state, and the facts it keeps. */
const struct ms_medium_ops *ms_medium_ops(const struct ms_medium *m);
void *ms_medium_state(const struct ms_medium *m);
struct ms_medium_info *ms_medium_info(struct ms_medium *m);

/* Count blocks read, for ms_medium_blocks_read. */
void ms_medium_count_read(struct ms_medium *m, uint64_t blocks);

#endif
