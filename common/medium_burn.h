/*
 * The libburn backend of the medium interface (medium_burn.c), private to
 * the library: the opener (medium_open.c) and burn's TAO and blanking
 * writers, which drive libburn themselves.  Nothing else reaches a
 * medium's drive.
 */
#ifndef MS_MEDIUM_BURN_H
#define MS_MEDIUM_BURN_H

#include "medium.h"

struct burn_drive;

/* Room for a drive address from ms_medium_burn_classify. */
#define MS_BURN_ADR_LEN	4096

/*
 * What kind of libburn medium a name is, without opening it: a drive
 * (*path is then libburn's address, kept in adr) or a file (*path is the
 * file system path).  Only device nodes are offered to libburn's address
 * conversion, so a plain file never makes libburn look at the bus.
 * Refuses directories, FIFOs and missing names under /dev/.
 */
int ms_medium_burn_classify(struct ms_ctx *c, const char *name, char *adr,
			    enum ms_medium_kind *kind, const char **path);

/* Open a file or drive medium classified so (flags: enum ms_open_flags). */
int ms_medium_burn_open(struct ms_ctx *c, const char *name,
			enum ms_medium_kind kind, const char *path,
			unsigned flags, struct ms_medium **out);

/* The grabbed libburn drive of a file or drive medium, NULL otherwise. */
struct burn_drive *ms_medium_burn_drive(const struct ms_medium *m);

#endif
