/*
 * Presenting a layout: the table, JSON (schema in doc/lsms-json.md),
 * the to-scale map, and cdrecord's msinfo.  The caller hands the stream.
 */
#ifndef MS_REPORT_H
#define MS_REPORT_H

#include <stdio.h>

#include "layout.h"

void ms_report_table(FILE *f, const struct ms_layout *l);
void ms_report_json(FILE *f, const struct ms_layout *l);

/* width: columns for the bar itself. */
void ms_report_map(FILE *f, const struct ms_layout *l, int width);

/* "msc1,nwa" as cdrecord -msinfo prints it. */
void ms_report_msinfo(FILE *f, const struct ms_layout *l);

/* How a session's link record reads in one word or two. */
void ms_link_summary(const struct ms_layout *l, const struct ms_session *s,
		     char *buf, size_t size);

#endif
