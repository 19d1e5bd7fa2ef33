/*
 * The 64 KiB head of files and overwriteable media (DESIGN section 3):
 * blocks 0..31, rewritten after each session so that a reader starting at
 * block 16 finds the newest tree.
 */
#ifndef MS_HEAD_H
#define MS_HEAD_H

#include <stdint.h>

#include "ctx.h"

/*
 * Make the head for a session of size blocks written at start.
 *
 * image: the session's first MS_HEAD_BLOCKS blocks.  old: the medium's
 * current head (zeros for a blank medium).  head: the result.
 *
 * Like libisofs' overwrite buffer: the old head, overlaid with the image's
 * system area and a copy of its descriptor set in which every primary and
 * supplementary descriptor's volume space size is start + size; if the
 * image carries libisofs checksum tags, a relocated superblock tag follows
 * the set, and stale tags further on are cleared, as are the BEA01, NSR02,
 * NSR03 and TEA01 descriptors of an old UDF bridge (the new session has
 * no UDF tree).  Other blocks the new set does not cover keep their old
 * bytes (a plain image at block 0 may keep file data there).  Returns 0, or -1 if the image holds no descriptor set.
 */
int ms_head_build(const uint8_t *image, const uint8_t *old, uint32_t start,
		  uint32_t size, uint8_t *head, struct ms_ctx *c);

#endif
