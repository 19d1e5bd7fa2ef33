/* Text from a medium made safe for terminals and JSON (safetext.h). */
#include <criterion/criterion.h>
#include <string.h>

#include "safetext.h"

static char buf[256];

static const char *safe(const char *in)
{
	return ms_safe_text(in, buf, sizeof(buf));
}

Test(safetext, plain_text_and_utf8_pass)
{
	cr_assert_str_eq(safe("FAMILY_2026"), "FAMILY_2026");
	cr_assert_str_eq(safe("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x80"),
			 "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x80");
	cr_assert_str_eq(safe(""), "");
}

Test(safetext, terminal_controls_are_escaped)
{
	cr_assert_str_eq(safe("\x1b[31mRED\x1b]0;pwned\x07"),
			 "\\x1b[31mRED\\x1b]0;pwned\\x07");
	cr_assert_str_eq(safe("a\tb\nc\rd\x7f"), "a\\x09b\\x0ac\\x0dd\\x7f");
	/* C1 controls: U+009B is CSI on some terminals */
	cr_assert_str_eq(safe("x\xc2\x9b" "1m"), "x\\xc2\\x9b1m");
	/* U+00A0 is not a control */
	cr_assert_str_eq(safe("\xc2\xa0"), "\xc2\xa0");
}

Test(safetext, invalid_utf8_is_escaped_byte_by_byte)
{
	cr_assert_str_eq(safe("\xff"), "\\xff");
	cr_assert_str_eq(safe("a\xc3"), "a\\xc3");
	cr_assert_str_eq(safe("\xc3(" ), "\\xc3(");
	/* overlong '/' and a surrogate */
	cr_assert_str_eq(safe("\xc0\xaf"), "\\xc0\\xaf");
	cr_assert_str_eq(safe("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	/* beyond U+10FFFF */
	cr_assert_str_eq(safe("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
}

Test(safetext, backslash_is_doubled_so_escapes_are_unambiguous)
{
	cr_assert_str_eq(safe("\\x1b"), "\\\\x1b");
}

Test(safetext, output_is_cut_at_a_character)
{
	char small[6];

	ms_safe_text("ab\x1b" "cd", small, sizeof(small));
	cr_assert_str_eq(small, "ab");
	ms_safe_text("\xc3\xa9\xc3\xa9\xc3\xa9", small, sizeof(small));
	cr_assert_str_eq(small, "\xc3\xa9\xc3\xa9");
	ms_safe_text("x", small, 1);
	cr_assert_str_eq(small, "");
}

Test(safetext, worst_case_fits_the_bound)
{
	char in[33], out[MS_SAFE_TEXT_MAX(32) + 1];

	memset(in, 0xff, 32);
	in[32] = '\0';
	ms_safe_text(in, out, sizeof(out));
	cr_assert_eq(strlen(out), 128u);
}

Test(safetext, utf8_length)
{
	cr_assert_eq(ms_utf8_len("a"), 1u);
	cr_assert_eq(ms_utf8_len("\xc3\xa9"), 2u);
	cr_assert_eq(ms_utf8_len("\xe2\x82\xac"), 3u);
	cr_assert_eq(ms_utf8_len("\xf0\x9f\x93\x80"), 4u);
	cr_assert_eq(ms_utf8_len("\x80"), 0u);
	cr_assert_eq(ms_utf8_len("\xe2\x82"), 0u);
}
