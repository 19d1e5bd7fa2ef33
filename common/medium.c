/*
 * The medium interface: a handle, a backend's operations and the facts it
 * keeps.  Which backend serves a name is decided in medium_open.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exit.h"
#include "iso9660.h"
#include "medium.h"

#define STDIO_PREFIX	"stdio:"

struct ms_medium {
	const struct ms_medium_ops *ops;
	void *state;
	char *name;			/* as the user gave it, for messages */
	struct ms_medium_info info;
	uint64_t blocks_read;
};

int ms_medium_new(struct ms_ctx *c, const char *name,
		  const struct ms_medium_ops *ops, void *state,
		  struct ms_medium **out)
{
	struct ms_medium *m;

	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (m)
		m->name = strdup(name);
	if (!m || !m->name) {
		free(m);
		return ms_fail_errno(c, MS_EXIT_FAILURE, ENOMEM, "open");
	}
	m->ops = ops;
	m->state = state;
	m->info.exists = 1;
	*out = m;
	return 0;
}

void ms_medium_close(struct ms_medium *m)
{
	if (!m)
		return;
	if (m->ops->close)
		m->ops->close(m);
	free(m->name);
	free(m);
}

const struct ms_medium_ops *ms_medium_ops(const struct ms_medium *m)
{
	return m->ops;
}

void *ms_medium_state(const struct ms_medium *m)
{
	return m->state;
}

struct ms_medium_info *ms_medium_info(struct ms_medium *m)
{
	return &m->info;
}

void ms_medium_count_read(struct ms_medium *m, uint64_t blocks)
{
	m->blocks_read += blocks;
}

const char *ms_medium_file_path(const char *name)
{
	if (!strncmp(name, STDIO_PREFIX, strlen(STDIO_PREFIX)))
		return name + strlen(STDIO_PREFIX);
	return name;
}

const char *ms_medium_name(const struct ms_medium *m)
{
	return m->name;
}

const char *ms_medium_file(const struct ms_medium *m)
{
	return m->info.file;
}

int ms_medium_exists(const struct ms_medium *m)
{
	return m->info.exists;
}

int ms_medium_is_blockdev(const struct ms_medium *m)
{
	return m->info.is_blockdev;
}

uint64_t ms_medium_size_blocks(const struct ms_medium *m)
{
	return m->info.size_blocks;
}

uint64_t ms_medium_size_bytes(const struct ms_medium *m)
{
	return m->info.size_bytes;
}

int ms_medium_profile(const struct ms_medium *m)
{
	return m->info.profile;
}

const char *ms_medium_profile_name(const struct ms_medium *m)
{
	return m->info.profile_name;
}

uint64_t ms_medium_blocks_read(const struct ms_medium *m)
{
	return m->blocks_read;
}

void ms_medium_set_readahead(struct ms_medium *m, int on)
{
	if (m->ops->set_readahead)
		m->ops->set_readahead(m, on);
}

int ms_medium_read(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		   uint32_t count, uint8_t *buf)
{
	if (count == 0)
		return 0;
	return m->ops->read(m, c, lba, count, buf, NULL);
}

int ms_medium_read_upto(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
			uint32_t count, uint8_t *buf, uint32_t *got)
{
	*got = 0;
	if (count == 0)
		return 0;
	return m->ops->read(m, c, lba, count, buf, got);
}

int ms_medium_write(struct ms_medium *m, struct ms_ctx *c, uint32_t lba,
		    uint32_t count, const uint8_t *buf, unsigned flags)
{
	if (!m->ops->write)
		return ms_fail(c, MS_EXIT_UNSUITABLE,
			       "'%s' is not a writable medium", m->name);
	return m->ops->write(m, c, lba, count, buf, flags);
}

int ms_medium_refresh(struct ms_medium *m, struct ms_ctx *c)
{
	if (!m->ops->refresh)
		return 0;
	return m->ops->refresh(m, c);
}

int64_t ms_medium_free_bytes(struct ms_medium *m, uint64_t start_byte)
{
	if (!m->ops->free_bytes)
		return 0;
	return m->ops->free_bytes(m, start_byte);
}

int ms_medium_layout(struct ms_medium *m, struct ms_ctx *c,
		     struct ms_layout *l)
{
	return m->ops->layout(m, c, l);
}
