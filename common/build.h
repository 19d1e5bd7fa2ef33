/*
 * Building a session image with libisofs: the heart of mkms.
 *
 * A build imports the tree of the base medium's last session (or starts
 * empty), applies removals and additions, and then streams the image for
 * its start address, with the link record of DESIGN section 4 in block 0
 * of its system area.  The image size is known before the first byte is
 * produced, because the record names it.
 */
#ifndef MS_BUILD_H
#define MS_BUILD_H

#include <stdint.h>
#include <sys/types.h>

#include "ctx.h"
#include "import.h"
#include "isomsg.h"
#include "isosrc.h"
#include "layout.h"
#include "link.h"
#include "medium.h"
#include "source.h"
#include "writer.h"

struct ms_build_opts {
	const char *volid;	/* NULL: the base's, or MS_DEFAULT_VOLID */
	int rockridge;
	int md5;		/* session and file checksum tags */
	int no_boot;		/* drop the base's El Torito boot records */
	int from_session;	/* import this session's tree (1-based), not
				   the last one's; 0: the last */
	int zisofs;		/* compress added files (needs Rock Ridge) */
	int64_t epoch;		/* SOURCE_DATE_EPOCH, or -1 */
	int exclude;		/* leave out the file exclude_dev/_ino */
	dev_t exclude_dev;	/* (the output image, when it sits in a tree) */
	ino_t exclude_ino;
	int update;		/* 0, or an enum ms_update_mode (--update) */
	const char *const *patterns;	/* --exclude (source.h) */
	int npatterns;
};

struct ms_build;

/*
 * Start a build of an image that goes to block start.  With import, the
 * base's last session tree (o->from_session's, if set) is loaded through
 * libisofs (base and l must
 * then describe an appendable medium, and stay open during the build);
 * the link record says base=session.  Without import it says base=blank.
 */
int ms_build_new(struct ms_ctx *c, const struct ms_build_opts *o,
		 struct ms_medium *base, const struct ms_layout *l,
		 int import, uint32_t start, struct ms_build **out);

/*
 * Drop /iso/path (a file or a whole directory) from the new tree.  It may
 * also name (without regard to case) files that the base's ISO 9660 tree
 * holds but the imported tree lacks, or a directory above them.
 */
int ms_build_remove(struct ms_build *b, struct ms_ctx *c,
		    const char *iso_path);

/*
 * Fail with MS_EXIT_UNSUITABLE, naming them, if files of the base's last
 * session would vanish from the new one because the tree libisofs imports
 * (Joliet, when there is no Rock Ridge) lacks them, unless removals named
 * them.  Call after the removals.
 */
int ms_build_check_dropped(struct ms_build *b, struct ms_ctx *c);

/*
 * Add what src holds at iso_path (NULL: where the source puts it), as
 * source.h says.  What already sits there is replaced.
 */
int ms_build_add_source(struct ms_build *b, struct ms_ctx *c,
			const char *iso_path, struct ms_source *src);

/*
 * Update mode, after every source: remove what no source met under
 * iso_path (NULL: "/"), as source.h's ms_update_prune() says.
 */
int ms_build_prune(struct ms_build *b, struct ms_ctx *c, const char *iso_path);

/* The update's counts so far; all zero outside update mode. */
void ms_build_update_sum(const struct ms_build *b, struct ms_update_sum *s);

/* Lay the image out, fill in the link record and start producing bytes. */
int ms_build_start(struct ms_build *b, struct ms_ctx *c);

uint64_t ms_build_size(const struct ms_build *b);	/* bytes */
const struct ms_link *ms_build_link(const struct ms_build *b);

/* The next bytes of the image: > 0 bytes, 0 at the end, -1 on error. */
ssize_t ms_build_read(struct ms_build *b, struct ms_ctx *c, uint8_t *buf,
		      size_t size);

void ms_build_free(struct ms_build *b);

#endif
