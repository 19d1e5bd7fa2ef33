#include <string.h>

#include "json.h"
#include "safetext.h"

void ms_json_init(struct ms_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/*
 * JSON string escapes; a byte that does not start valid UTF-8 becomes
 * U+FFFD.  Text from a medium is made safe before (safetext.h), so it
 * never gets here with such bytes.
 */
static void put_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20) {
				fprintf(f, "\\u%04x", *p);
			} else if (*p >= 0x80) {
				size_t n = ms_utf8_len((const char *)p);

				/* the output stays UTF-8 whatever came in */
				if (n == 0) {
					fputs("\\ufffd", f);
				} else {
					fwrite(p, 1, n, f);
					p += n - 1;
				}
			} else {
				fputc(*p, f);
			}
		}
	}
	fputc('"', f);
}

static void indent(struct ms_json *j)
{
	int i;

	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void member(struct ms_json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->count[j->depth]++)
			fputc(',', j->f);
		fputc('\n', j->f);
		indent(j);
	}
	if (key) {
		put_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void open_level(struct ms_json *j, const char *key, char ch)
{
	member(j, key);
	fputc(ch, j->f);
	if (j->depth + 1 < MS_JSON_DEPTH)
		j->depth++;
	j->count[j->depth] = 0;
}

static void close_level(struct ms_json *j, char ch)
{
	int had = j->count[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (had) {
		fputc('\n', j->f);
		indent(j);
	}
	fputc(ch, j->f);
	if (j->depth == 0)
		fputc('\n', j->f);
}

void ms_json_object(struct ms_json *j, const char *key)
{
	open_level(j, key, '{');
}

void ms_json_array(struct ms_json *j, const char *key)
{
	open_level(j, key, '[');
}

void ms_json_end_object(struct ms_json *j)
{
	close_level(j, '}');
}

void ms_json_end_array(struct ms_json *j)
{
	close_level(j, ']');
}

void ms_json_string(struct ms_json *j, const char *key, const char *val)
{
	member(j, key);
	if (val)
		put_string(j->f, val);
	else
		fputs("null", j->f);
}

void ms_json_uint(struct ms_json *j, const char *key, uint64_t val)
{
	member(j, key);
	fprintf(j->f, "%llu", (unsigned long long)val);
}

void ms_json_bool(struct ms_json *j, const char *key, int val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->f);
}

void ms_json_null(struct ms_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}
