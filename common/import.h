/*
 * Importing the directory tree of one session of a medium through
 * libisofs: the base of mkms's next session, and the tree of any older
 * session for lsms's audits.
 *
 * The import reads through a libisofs data source over the medium
 * (isosrc.h) with read-ahead, bounded by the session's end: a damaged
 * descriptor or directory cannot lead libisofs through the rest of the
 * medium.  It works over any medium (drive, file, snapshot).
 */
#ifndef MS_IMPORT_H
#define MS_IMPORT_H

#include <stdint.h>

#include "ctx.h"
#include "isosrc.h"
#include "layout.h"
#include "medium.h"

struct Iso_Image;

/*
 * The name a new image gets until a volume id is set: libisofs also uses
 * it as the volume set id, which an import keeps.
 */
#define MS_DEFAULT_VOLID "MSTOOLS"

struct ms_import_opts {
	int plain;		/* the ISO 9660 tree only: no Rock Ridge, Joliet,
				   ISO 9660:1999, AAIP or checksums */
	int no_tag_check;	/* load the MD5s without holding the tree to
				   its checksum tags (the caller checks them) */
};

/*
 * What an import found in the session, whether it read it or not (the
 * tree comes from Rock Ridge if the session has it, else from Joliet,
 * unless plain).
 */
enum ms_import_found {
	MS_IMPORT_ROCKRIDGE = 1 << 0,	/* Rock Ridge */
	MS_IMPORT_JOLIET = 1 << 1,	/* a Joliet tree */
	MS_IMPORT_ISO1999 = 1 << 2,
	MS_IMPORT_MD5 = 1 << 3,		/* a session checksum tag */
	MS_IMPORT_AAIP = 1 << 4,	/* ACLs or xattrs on some node */
	MS_IMPORT_INODES = 1 << 5,	/* Rock Ridge numbers inodes (RRIP
					   1.12 PX): hard links are told */
};

struct ms_import;

/*
 * Import the tree of l->sessions[session_index] of m, as mkms imports its
 * base: Rock Ridge (with AAIP and the MD5 array) if there is one, else
 * Joliet, else ISO 9660; with o->plain the ISO 9660 tree.  When the tree came from Joliet, the plain ISO
 * 9660 tree is loaded as well and its files that the imported tree does
 * not point at are listed (ms_import_dropped).  m and l must stay open as
 * long as the import.  o may be NULL.  A session number out of range is
 * MS_EXIT_USAGE; a damaged tree or unreadable block is MS_EXIT_FAILURE
 * naming the session and the block.
 */
int ms_import_open(struct ms_ctx *c, struct ms_medium *m,
		   const struct ms_layout *l, int session_index,
		   const struct ms_import_opts *o, struct ms_import **out);

/* The index in l->sessions of the session that starts at lba, or -1. */
int ms_import_session_index(const struct ms_layout *l, uint32_t lba);

/*
 * The imported tree.  It belongs to the import: iso_image_ref() it to
 * keep it past ms_import_free().
 */
struct Iso_Image *ms_import_image(const struct ms_import *imp);

/* enum ms_import_found flags. */
unsigned ms_import_found(const struct ms_import *imp);

/*
 * Files (size > 0) of the session's ISO 9660 tree whose data the imported
 * Joliet tree does not point at, as absolute ISO 9660 paths: a new
 * session continuing the Joliet tree would drop them.  None when the tree
 * came from Rock Ridge.
 */
int ms_import_ndropped(const struct ms_import *imp);
const char *ms_import_dropped(const struct ms_import *imp, int i);

void ms_import_free(struct ms_import *imp);

#endif
