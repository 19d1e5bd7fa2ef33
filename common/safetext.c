#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "safetext.h"

size_t ms_utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

char *ms_safe_text(const char *in, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0, n;
	char piece[8];

	if (size == 0)
		return out;
	while (*p) {
		n = ms_utf8_len((const char *)p);
		if (n == 0 || *p < 0x20 || *p == 0x7f ||
		    (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			/* a C1 control is escaped byte by byte, like the rest */
			snprintf(piece, sizeof(piece), "\\x%02x", *p);
			n = 1;
		} else if (*p == '\\') {
			memcpy(piece, "\\\\", 3);
		} else {
			memcpy(piece, p, n);
			piece[n] = '\0';
		}
		if (o + strlen(piece) + 1 > size)
			break;
		memcpy(out + o, piece, strlen(piece));
		o += strlen(piece);
		p += n;
	}
	out[o] = '\0';
	return out;
}
