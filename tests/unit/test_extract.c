/* The path safety of lsms --cat and --extract (extract.h). */
#include <criterion/criterion.h>
#include <string.h>

#include "ctx.h"
#include "exit.h"
#include "extract.h"
#include "layout.h"

Test(extract, plain_names_pass)
{
	cr_assert(ms_extract_name_ok("a"));
	cr_assert(ms_extract_name_ok("..."));
	cr_assert(ms_extract_name_ok(".hidden"));
	cr_assert(ms_extract_name_ok("a..b"));
	cr_assert(ms_extract_name_ok("späť.txt"));
	cr_assert(ms_extract_name_ok("a\\b"));
}

Test(extract, names_that_leave_the_directory_fail)
{
	cr_assert_not(ms_extract_name_ok(NULL));
	cr_assert_not(ms_extract_name_ok(""));
	cr_assert_not(ms_extract_name_ok("."));
	cr_assert_not(ms_extract_name_ok(".."));
	cr_assert_not(ms_extract_name_ok("/"));
	cr_assert_not(ms_extract_name_ok("/etc"));
	cr_assert_not(ms_extract_name_ok("../x"));
	cr_assert_not(ms_extract_name_ok("a/../../x"));
	cr_assert_not(ms_extract_name_ok("a/"));
}

Test(extract, spec_with_session_and_path)
{
	const char *path;
	int n;

	cr_assert_eq(ms_extract_parse_spec("3:/a/b", &n, &path), 0);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(path, "/a/b");
	cr_assert_eq(ms_extract_parse_spec("12:a", &n, &path), 0);
	cr_assert_eq(n, 12);
	cr_assert_str_eq(path, "a");
	/* the part after the first colon is the path, colons and all */
	cr_assert_eq(ms_extract_parse_spec("1:x:y", &n, &path), 0);
	cr_assert_str_eq(path, "x:y");
}

Test(extract, spec_alone)
{
	const char *path;
	int n;

	cr_assert_eq(ms_extract_parse_spec("7", &n, &path), 0);
	cr_assert_eq(n, 7);
	cr_assert_null(path);
	/* an absolute path is the newest session's, even with a colon */
	cr_assert_eq(ms_extract_parse_spec("/2:x", &n, &path), 0);
	cr_assert_eq(n, 0);
	cr_assert_str_eq(path, "/2:x");
}

Test(extract, bad_specs)
{
	const char *path;
	int n;

	cr_assert_eq(ms_extract_parse_spec("", &n, &path), -1);
	cr_assert_eq(ms_extract_parse_spec("a", &n, &path), -1);
	cr_assert_eq(ms_extract_parse_spec("a:/x", &n, &path), -1);
	cr_assert_eq(ms_extract_parse_spec("0:/x", &n, &path), -1);
	cr_assert_eq(ms_extract_parse_spec("3:", &n, &path), -1);
	cr_assert_eq(ms_extract_parse_spec("3x", &n, &path), -1);
	cr_assert_eq(ms_extract_parse_spec("-1:/x", &n, &path), -1);
	cr_assert_eq(ms_extract_parse_spec("99999999999:/x", &n, &path), -1);
}

Test(extract, snapshots_need_the_medium)
{
	struct ms_layout l;
	struct ms_ctx c;

	memset(&l, 0, sizeof(l));
	ms_ctx_init(&c);
	l.medium = "disc.mss";
	cr_assert_eq(ms_medium_needs_data(&c, &l, "--cat"), 0);
	l.snapshot_of = "/dev/sr0";
	cr_assert_eq(ms_medium_needs_data(&c, &l, "--cat"), -1);
	cr_assert_eq(c.status, MS_EXIT_UNSUITABLE);
	cr_assert_str_eq(c.msg, "'disc.mss' is a snapshot of '/dev/sr0', which "
			 "holds no file data: --cat needs the medium itself");
}
