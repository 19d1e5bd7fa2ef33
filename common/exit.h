/*
 * Exit codes shared by lsms, mkms and burnms.  Every man page lists them
 * under EXIT STATUS; scripts rely on the numbers, so never renumber.
 */
#ifndef MS_EXIT_H
#define MS_EXIT_H

enum ms_exit {
	MS_EXIT_OK = 0,		/* success */
	MS_EXIT_FAILURE = 1,	/* runtime failure: I/O, drive, library */
	MS_EXIT_USAGE = 2,	/* bad option or argument */
	MS_EXIT_WRONGDISC = 3,	/* medium is not the one the image was built for */
	MS_EXIT_UNSUITABLE = 4,	/* closed, full, not blank, not writable */
	MS_EXIT_NOSPACE = 5,	/* image plus session overhead does not fit */
	MS_EXIT_VERIFY = 6,	/* a checksum or link check did not match */
	MS_EXIT_NOTHING = 7,	/* the session would change nothing; no image */
	MS_EXIT_BUSY = 8,	/* another writer holds the medium; retry later */
};

#endif
