/*
 * The whole report path of lsms: a sparse disc (or a snapshot, fuzz.h)
 * written to a file, opened as a medium, its layout read, then the table,
 * the map, msinfo and the JSON printed.
 * Every output must be clean UTF-8 text, without the control bytes that
 * steer a terminal: disc bytes pass through one escaping function.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "layout.h"
#include "medium.h"
#include "report.h"

#define MAP_WIDTH 78

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ms_ctx c;

	(void)argc;
	(void)argv;
	fz_ctx_init(&c);
	return ms_lib_init(&c) < 0 ? -1 : 0;
}

/*
 * 1 if s is UTF-8 (RFC 3629: no overlong forms, no surrogates) without
 * control bytes other than newline: what a terminal may be shown, and
 * what JSON text needs (controls escaped inside strings).
 */
static int text_ok(const unsigned char *s, size_t n)
{
	size_t i = 0, k, more;
	unsigned char lo, hi;

	while (i < n) {
		unsigned char b = s[i];

		if ((b < 0x20 && b != '\n') || b == 0x7f)
			return 0;
		if (b < 0x80) {
			i++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (b >= 0xc2 && b <= 0xdf) {
			more = 1;
		} else if (b >= 0xe0 && b <= 0xef) {
			more = 2;
			if (b == 0xe0)
				lo = 0xa0;
			if (b == 0xed)
				hi = 0x9f;
		} else if (b >= 0xf0 && b <= 0xf4) {
			more = 3;
			if (b == 0xf0)
				lo = 0x90;
			if (b == 0xf4)
				hi = 0x8f;
		} else {
			return 0;
		}
		if (n - i <= more || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (k = 2; k <= more; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += more + 1;
	}
	return 1;
}

enum output { OUT_TABLE, OUT_MAP, OUT_MSINFO, OUT_JSON };

/* Print one output to memory; abort if it is not clean text. */
static void check_output(const struct ms_layout *l, enum output o)
{
	static const char *names[] = { "table", "map", "msinfo", "json" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	switch (o) {
	case OUT_TABLE:
		ms_report_table(f, l);
		break;
	case OUT_MAP:
		ms_report_map(f, l, MAP_WIDTH);
		break;
	case OUT_MSINFO:
		ms_report_msinfo(f, l);
		break;
	case OUT_JSON:
		ms_report_json(f, l);
		break;
	}
	if (fclose(f) == 0 && !text_ok((unsigned char *)buf, len)) {
		fprintf(stderr, "lsms %s output holds bytes that are no "
			"clean UTF-8 text:\n%.*s\n", names[o], (int)len, buf);
		abort();
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_medium *m = NULL;
	struct ms_layout l;
	struct ms_ctx c;
	const char *path;

	path = fz_medium_write(data, size);
	if (!path)
		return 0;
	fz_ctx_init(&c);
	if (ms_medium_open(&c, path, 0, &m) == 0 &&
	    ms_layout_read(&c, m, &l) == 0) {
		check_output(&l, OUT_TABLE);
		check_output(&l, OUT_MAP);
		check_output(&l, OUT_MSINFO);
		check_output(&l, OUT_JSON);
		ms_layout_release(&l);
	}
	ms_medium_close(m);
	return 0;
}
