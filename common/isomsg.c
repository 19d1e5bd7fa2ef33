#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <libisofs/libisofs.h>

#include "exit.h"
#include "isomsg.h"

int ms_iso_fail(struct ms_ctx *c, int ret, const char *fmt, ...)
{
	char what[MS_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ms_fail(c, MS_EXIT_FAILURE, "%s: %s", what, iso_error_to_msg(ret));
	ms_iso_msgs(c);
	return -1;
}

void ms_iso_msgs_drop(void)
{
	char text[ISO_MSGS_MESSAGE_LEN], sev[80];
	int code, imgid;

	iso_obtain_msgs("NEVER", &code, &imgid, text, sev);
}

int ms_iso_sev_is_failure(const char *sev)
{
	return !strcmp(sev, "SORRY") || !strcmp(sev, "FAILURE") ||
	       !strcmp(sev, "FATAL") || !strcmp(sev, "ABORT") ||
	       !strcmp(sev, "MISHAP");
}

int ms_iso_msgs(struct ms_ctx *c)
{
	char text[ISO_MSGS_MESSAGE_LEN], sev[80];
	int code, imgid, ret = 0;

	while (iso_obtain_msgs("ALL", &code, &imgid, text, sev) > 0) {
		ms_msg_tidy(text);
		if (ms_iso_sev_is_failure(sev)) {
			if (ret == 0 && !c->status)
				ms_fail(c, MS_EXIT_FAILURE, "%s", text);
			else if (ret == 0)
				ms_fail_append(c, " (libisofs: %s)", text);
			ret = -1;
		} else {
			ms_note(c, "libisofs: %s", text);
		}
	}
	return ret;
}
