#include <errno.h>
#include <libgen.h>
#include <stdint.h>
#include <libisofs/libisofs.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exit.h"
#include "iso9660.h"
#include "util.h"

void ms_hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int nibble(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int ms_unhex(const char *in, size_t n, uint8_t *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int hi = nibble(in[2 * i]), lo;

		if (hi < 0)
			return -1;
		lo = nibble(in[2 * i + 1]);
		if (lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void ms_escape(const char *in, char *out, size_t size)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *in && o + 4 < size; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch > 0x20 && ch < 0x7f && ch != '%') {
			out[o++] = (char)ch;
		} else {
			out[o++] = '%';
			out[o++] = digits[ch >> 4];
			out[o++] = digits[ch & 15];
		}
	}
	out[o] = '\0';
}

int ms_unescape(const char *in, char *out, size_t size)
{
	size_t o = 0;
	uint8_t b;

	while (*in) {
		if (o + 1 >= size)
			return -1;
		if (*in == '%') {
			if (ms_unhex(in + 1, 1, &b) < 0 || b == 0)
				return -1;
			out[o++] = (char)b;
			in += 3;
		} else {
			out[o++] = *in++;
		}
	}
	out[o] = '\0';
	return 0;
}

int ms_parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int ms_write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t ms_read_full(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, p + done, n - done);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

int ms_md5_start(struct ms_md5 *h)
{
	/* iso_md5_start() frees a context it is handed */
	h->ctx = NULL;
	return iso_md5_start(&h->ctx) < 0 ? -1 : 0;
}

void ms_md5_add(struct ms_md5 *h, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		int n = len > INT_MAX / 2 ? INT_MAX / 2 : (int)len;

		iso_md5_compute(h->ctx, (char *)p, n);
		p += n;
		len -= (size_t)n;
	}
}

void ms_md5_end(struct ms_md5 *h, uint8_t out[16])
{
	iso_md5_end(&h->ctx, (char *)out);
}

void ms_human_blocks(uint64_t blocks, char *buf, size_t size)
{
	static const char *units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)blocks * (MS_BLOCK / 1024);
	int u = 0;

	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	if (v < 10 && u > 0)
		snprintf(buf, size, "%.1f %s", v, units[u]);
	else
		snprintf(buf, size, "%.0f %s", v, units[u]);
}

static void tmpfile_free(struct ms_tmpfile *t)
{
	char *tmp = t->tmp;

	t->tmp = NULL;
	free(tmp);
	free(t->target);
	t->target = NULL;
	t->fd = -1;
}

int ms_tmpfile_open(struct ms_ctx *c, struct ms_tmpfile *t, const char *path,
		    const char *tag, mode_t mode)
{
	char *copy = NULL, *tmp = NULL;
	const char *base;
	mode_t mask;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	t->name = path;
	t->target = realpath(path, NULL);
	if (!t->target)
		t->target = strdup(path);
	if (t->target)
		copy = strdup(t->target);
	if (!copy)
		goto oom;
	base = strrchr(t->target, '/') ? strrchr(t->target, '/') + 1 :
	       t->target;
	if (asprintf(&tmp, "%s/.%s.%s-XXXXXX", dirname(copy), base, tag) < 0)
		goto oom;
	free(copy);
	t->fd = mkstemp(tmp);
	if (t->fd < 0) {
		ms_fail_errno(c, MS_EXIT_FAILURE, errno, "cannot create '%s'",
			      path);
		free(tmp);
		tmpfile_free(t);
		return -1;
	}
	t->tmp = tmp;
	mask = umask(0);
	umask(mask);
	fchmod(t->fd, mode & ~mask);
	return 0;
oom:
	free(copy);
	tmpfile_free(t);
	return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
}

int ms_tmpfile_commit(struct ms_ctx *c, struct ms_tmpfile *t)
{
	int fd = t->fd;

	t->fd = -1;
	if (fsync(fd) < 0) {
		ms_fail_errno(c, MS_EXIT_FAILURE, errno, "cannot write '%s'",
			      t->name);
		close(fd);
		goto fail;
	}
	if (close(fd) < 0) {
		ms_fail_errno(c, MS_EXIT_FAILURE, errno, "cannot write '%s'",
			      t->name);
		goto fail;
	}
	if (rename(t->tmp, t->target) < 0) {
		ms_fail_errno(c, MS_EXIT_FAILURE, errno,
			      "cannot rename to '%s'", t->name);
		goto fail;
	}
	tmpfile_free(t);
	return 0;
fail:
	ms_tmpfile_discard(t);
	return -1;
}

void ms_tmpfile_discard(struct ms_tmpfile *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->tmp)
		unlink(t->tmp);
	tmpfile_free(t);
}

char *ms_path_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	int slash = a > 0 && dir[a - 1] != '/';
	char *p = malloc(a + slash + b + 1);

	if (!p)
		return NULL;
	memcpy(p, dir, a);
	if (slash)
		p[a] = '/';
	memcpy(p + a + slash, name, b + 1);
	return p;
}
