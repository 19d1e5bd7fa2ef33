/*
 * File media as untrusted input: reads past the end are errors, names
 * that are not discs are refused without blocking.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"
#include "exit.h"
#include "iso9660.h"
#include "medium.h"

static struct ms_ctx c;
static char dir[] = "/tmp/mstools-test-medium.XXXXXX";
static char path[256];
static struct ms_medium *m;

static void setup(void)
{
	ms_ctx_init(&c);
	m = NULL;
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/disc.iso", dir);
}

static void teardown(void)
{
	char cmd[300];

	ms_medium_close(m);
	ms_lib_finish();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(medium, .init = setup, .fini = teardown);

/* A file of n blocks, block i filled with the byte i + 1. */
static void make_file(uint32_t n)
{
	uint8_t blk[MS_BLOCK];
	FILE *f = fopen(path, "wb");
	uint32_t i;

	cr_assert_not_null(f);
	for (i = 0; i < n; i++) {
		memset(blk, (int)(i + 1), sizeof(blk));
		cr_assert_eq(fwrite(blk, 1, sizeof(blk), f), sizeof(blk));
	}
	cr_assert_eq(fclose(f), 0);
}

Test(medium, read_past_the_end_fails_naming_the_block)
{
	static uint8_t buf[4 * MS_BLOCK];

	make_file(40);
	cr_assert_eq(ms_medium_open(&c, path, 0, &m), 0, "%s", c.msg);
	cr_assert_eq(ms_medium_read(m, &c, 36, 4, buf), 0, "%s", c.msg);
	cr_assert_eq(buf[3 * MS_BLOCK], 40);
	cr_assert_eq(ms_medium_read(m, &c, 38, 4, buf), -1);
	cr_assert_eq(c.status, MS_EXIT_FAILURE);
	cr_assert(strstr(c.msg, "cannot read block 40 of ") &&
		  strstr(c.msg, "beyond the end of the medium (40 blocks)"),
		  "%s", c.msg);
}

Test(medium, read_upto_serves_only_what_is_there)
{
	static uint8_t buf[4 * MS_BLOCK];
	uint32_t got = 99;

	make_file(40);
	cr_assert_eq(ms_medium_open(&c, path, 0, &m), 0, "%s", c.msg);
	memset(buf, 0xaa, sizeof(buf));
	cr_assert_eq(ms_medium_read_upto(m, &c, 38, 4, buf, &got), 0);
	cr_assert_eq(got, 2);
	cr_assert_eq(buf[0], 39);
	cr_assert_eq(buf[MS_BLOCK], 40);
	/* nothing pretends to be blocks 40 and 41 */
	cr_assert_eq(buf[2 * MS_BLOCK], 0xaa);
	cr_assert_eq(buf[4 * MS_BLOCK - 1], 0xaa);
	cr_assert_eq(ms_medium_read_upto(m, &c, 1000, 4, buf, &got), 0);
	cr_assert_eq(got, 0);
}

Test(medium, missing_dev_name_is_a_missing_drive)
{
	char name[64];

	snprintf(name, sizeof(name), "/dev/mstools-no-such-drive-%d",
		 (int)getpid());
	cr_assert_eq(ms_medium_open(&c, name, 0, &m), -1);
	cr_assert_eq(c.status, MS_EXIT_FAILURE);
	cr_assert(strstr(c.msg, "no such drive"), "%s", c.msg);
	cr_assert_eq(access(name, F_OK), -1);
}

Test(medium, missing_file_is_blank_unless_it_must_exist)
{
	cr_assert_eq(ms_medium_open(&c, path, 0, &m), 0, "%s", c.msg);
	cr_assert_eq(ms_medium_exists(m), 0);
	ms_medium_close(m);
	m = NULL;
	cr_assert_eq(ms_medium_open(&c, path, MS_OPEN_EXISTING, &m), -1);
	cr_assert(strstr(c.msg, "no such file"), "%s", c.msg);
	cr_assert_eq(access(path, F_OK), -1);
}

Test(medium, fifo_is_refused_without_blocking, .timeout = 10)
{
	char name[300];

	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_eq(ms_medium_open(&c, path, 0, &m), -1);
	cr_assert_eq(c.status, MS_EXIT_UNSUITABLE);
	snprintf(name, sizeof(name), "stdio:%s", path);
	ms_ctx_init(&c);
	cr_assert_eq(ms_medium_open(&c, name, 0, &m), -1);
	cr_assert_eq(c.status, MS_EXIT_UNSUITABLE);
	cr_assert(strstr(c.msg, "neither a file nor an optical drive"), "%s",
		  c.msg);
}

Test(medium, stdio_directory_is_refused_like_the_plain_name)
{
	char name[300];

	snprintf(name, sizeof(name), "stdio:%s", dir);
	cr_assert_eq(ms_medium_open(&c, name, 0, &m), -1);
	cr_assert_eq(c.status, MS_EXIT_UNSUITABLE);
	cr_assert(strstr(c.msg, "is a directory, not a medium"), "%s", c.msg);
}
