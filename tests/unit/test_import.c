/*
 * The import of one session's tree (common/import.c) over a disc file
 * with three sessions made by xorriso: any session opens, not only the
 * last, and shows that session's files.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libisofs/libisofs.h>

#include "ctx.h"
#include "exit.h"
#include "import.h"
#include "layout.h"
#include "medium.h"
#include "medium_record.h"

static struct ms_ctx c;
static char dir[] = "/tmp/mstools-test-import.XXXXXX";
static char path[256];
static struct ms_medium *m;
static struct ms_layout l;
static int have_layout;
static struct ms_import *imp;

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/*
 * Session 1 holds /one.txt and /old.txt, session 2 adds /two.txt and
 * drops /old.txt, session 3 adds /three.txt.
 */
static void setup(void)
{
	ms_ctx_init(&c);
	m = NULL;
	imp = NULL;
	have_layout = 0;
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/disc.iso", dir);
	sh("cd '%s' && mkdir s1 s2 s3 && echo one >s1/one.txt && "
	   "echo old >s1/old.txt && echo two >s2/two.txt && "
	   "echo three >s3/three.txt", dir);
	sh("cd '%s' && x='xorriso -joliet on -dev disc.iso' && "
	   "$x -map s1 / -commit >/dev/null 2>&1 && "
	   "$x -map s2 / -rm /old.txt -- -commit >/dev/null 2>&1 && "
	   "$x -map s3 / -commit >/dev/null 2>&1", dir);
	cr_assert_eq(ms_medium_open(&c, path, 0, &m), 0, "%s", c.msg);
	cr_assert_eq(ms_layout_read(&c, m, &l), 0, "%s", c.msg);
	have_layout = 1;
	cr_assert_eq(l.nsessions, 3);
}

static void teardown(void)
{
	char cmd[300];

	ms_import_free(imp);
	if (have_layout)
		ms_layout_release(&l);
	ms_medium_close(m);
	ms_lib_finish();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(import, .init = setup, .fini = teardown);

static int has(const char *iso_path)
{
	IsoNode *node = NULL;

	return iso_tree_path_to_node(ms_import_image(imp), iso_path,
				     &node) == 1;
}

Test(import, the_first_session_shows_its_own_files)
{
	cr_assert_eq(ms_import_open(&c, m, &l, 0, NULL, &imp), 0, "%s",
		     c.msg);
	cr_assert(has("/one.txt"));
	cr_assert(has("/old.txt"), "dropped later, still in session 1");
	cr_assert(!has("/two.txt"));
	cr_assert(!has("/three.txt"));
	cr_assert(ms_import_found(imp) & MS_IMPORT_ROCKRIDGE);
	cr_assert(ms_import_found(imp) & MS_IMPORT_JOLIET);
	cr_assert_eq(ms_import_ndropped(imp), 0);
}

Test(import, a_middle_session_found_by_its_start_block)
{
	int i = ms_import_session_index(&l, l.sessions[1].start);

	cr_assert_eq(i, 1);
	cr_assert_eq(ms_import_open(&c, m, &l, i, NULL, &imp), 0, "%s",
		     c.msg);
	cr_assert(has("/one.txt"));
	cr_assert(has("/two.txt"));
	cr_assert(!has("/old.txt"));
	cr_assert(!has("/three.txt"));
}

Test(import, the_last_session_shows_every_file)
{
	cr_assert_eq(ms_import_open(&c, m, &l, 2, NULL, &imp), 0, "%s",
		     c.msg);
	cr_assert(has("/one.txt") && has("/two.txt") && has("/three.txt"));
	cr_assert(!has("/old.txt"));
}

Test(import, plain_gives_the_iso_9660_tree)
{
	struct ms_import_opts o = { .plain = 1 };

	cr_assert_eq(ms_import_open(&c, m, &l, 0, &o, &imp), 0, "%s", c.msg);
	cr_assert(ms_import_found(imp) & MS_IMPORT_ROCKRIDGE,
		  "the session has it, though its tree was not read");
	cr_assert(has("/ONE.TXT"), "ISO 9660 names, as xorriso writes them");
	cr_assert(!has("/one.txt"));
	cr_assert_eq(ms_import_ndropped(imp), 0);
}

Test(import, a_block_that_starts_no_session_has_no_index)
{
	cr_assert_eq(ms_import_session_index(&l, l.sessions[1].start + 1),
		     -1);
}

Test(import, a_session_out_of_range_is_a_usage_error)
{
	cr_assert_eq(ms_import_open(&c, m, &l, 3, NULL, &imp), -1);
	cr_assert_null(imp);
	cr_assert_eq(c.status, MS_EXIT_USAGE);
	cr_assert(strstr(c.msg, "has no session 4 (it holds 3)"), "%s",
		  c.msg);
}

/*
 * An older session's tree is read within that session's own slot (its
 * blocks up to the next 32-block boundary, which libisofs probes): not
 * from the sessions after it.
 */
Test(import, an_older_session_reads_only_up_to_its_end)
{
	const struct ms_session *s = &l.sessions[0];
	struct ms_medium *rec = NULL;
	const uint32_t *lbas;
	const uint8_t *data;
	uint32_t highest = 0;
	size_t i, n;

	cr_assert_eq(ms_medium_record_new(&c, m, &rec), 0, "%s", c.msg);
	cr_assert_eq(ms_import_open(&c, rec, &l, 0, NULL, &imp), 0, "%s",
		     c.msg);
	n = ms_medium_recorded(rec, &lbas, &data);
	for (i = 0; i < n; i++)
		if (lbas[i] > highest)
			highest = lbas[i];
	ms_import_free(imp);
	imp = NULL;
	ms_medium_close(rec);
	cr_assert(highest >= s->start + 16);
	cr_assert(highest < (s->start + s->blocks + 31) / 32 * 32,
		  "read block %u, session ends at %u", highest,
		  s->start + s->blocks);
	cr_assert(highest < l.sessions[1].start);
}

/* A Joliet session (no Rock Ridge) whose tree holds no file at all. */
Test(import, joliet_session_without_files)
{
	char cmd[600], empty[300];
	struct ms_medium *e = NULL;
	struct ms_layout el;

	snprintf(empty, sizeof(empty), "%s/empty.iso", dir);
	snprintf(cmd, sizeof(cmd), "cd '%s' && mkdir -p e/d && xorriso "
		 "-rockridge off -joliet on -dev empty.iso -map e / -commit "
		 ">/dev/null 2>&1", dir);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(ms_medium_open(&c, empty, 0, &e), 0, "%s", c.msg);
	cr_assert_eq(ms_layout_read(&c, e, &el), 0, "%s", c.msg);
	cr_assert_eq(ms_import_open(&c, e, &el, 0, NULL, &imp), 0, "%s",
		     c.msg);
	cr_assert_eq(ms_import_found(imp) & (MS_IMPORT_ROCKRIDGE |
					     MS_IMPORT_JOLIET),
		     MS_IMPORT_JOLIET);
	cr_assert(has("/d"));
	cr_assert_eq(ms_import_ndropped(imp), 0);
	ms_import_free(imp);
	imp = NULL;
	ms_layout_release(&el);
	ms_medium_close(e);
}
