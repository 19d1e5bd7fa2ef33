/* Hex, numbers, MD5 and sizes: the helpers records and reports rest on. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

Test(util, hex_round_trip)
{
	static const uint8_t in[] = { 0x00, 0x0f, 0xa5, 0xff };
	uint8_t out[4];
	char hex[9];

	ms_hex(in, sizeof(in), hex);
	cr_assert_str_eq(hex, "000fa5ff");
	cr_assert_eq(ms_unhex(hex, sizeof(out), out), 0);
	cr_assert_arr_eq(out, in, sizeof(in));
	cr_assert_eq(ms_unhex("000FA5FF", sizeof(out), out), 0);
	cr_assert_arr_eq(out, in, sizeof(in));
	ms_hex(in, 0, hex);
	cr_assert_str_eq(hex, "");
}

Test(util, unhex_refuses_non_hex)
{
	uint8_t out[2];

	cr_assert_eq(ms_unhex("0g00", 2, out), -1);
	cr_assert_eq(ms_unhex("00 0", 2, out), -1);
	cr_assert_eq(ms_unhex("000", 2, out), -1);
	cr_assert_eq(ms_unhex("-100", 2, out), -1);
}

Test(util, parse_u32_whole_string_only)
{
	uint32_t v = 7;

	cr_assert_eq(ms_parse_u32("0", &v), 0);
	cr_assert_eq(v, 0u);
	cr_assert_eq(ms_parse_u32("4294967295", &v), 0);
	cr_assert_eq(v, 4294967295u);
	cr_assert_eq(ms_parse_u32("4294967296", &v), -1);
	cr_assert_eq(ms_parse_u32("18446744073709551616", &v), -1);
	cr_assert_eq(ms_parse_u32("", &v), -1);
	cr_assert_eq(ms_parse_u32(" 1", &v), -1);
	cr_assert_eq(ms_parse_u32("1 ", &v), -1);
	cr_assert_eq(ms_parse_u32("-1", &v), -1);
	cr_assert_eq(ms_parse_u32("+1", &v), -1);
	cr_assert_eq(ms_parse_u32("1e3", &v), -1);
}

static void md5_hex(const void *data, size_t len, char *hex)
{
	struct ms_md5 h;
	uint8_t out[16];

	cr_assert_eq(ms_md5_start(&h), 0);
	ms_md5_add(&h, data, len);
	ms_md5_end(&h, out);
	ms_hex(out, sizeof(out), hex);
}

/* RFC 1321, appendix A.5 */
Test(util, md5_rfc1321_test_suite)
{
	static const struct {
		const char *in, *md5;
	} v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz",
		  "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "12345678901234567890123456789012345678901234567890123456789"
		  "012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a" },
	};
	char hex[33];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		md5_hex(v[i].in, strlen(v[i].in), hex);
		cr_assert_str_eq(hex, v[i].md5, "md5('%s')", v[i].in);
	}
}

Test(util, md5_in_pieces_equals_md5_of_the_whole)
{
	static uint8_t data[10000];
	struct ms_md5 h;
	uint8_t out[16];
	char whole[33], pieces[33];
	size_t i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 31 + 7);
	md5_hex(data, sizeof(data), whole);
	cr_assert_eq(ms_md5_start(&h), 0);
	ms_md5_add(&h, data, 1);
	ms_md5_add(&h, data + 1, 63);
	ms_md5_add(&h, data + 64, 0);
	ms_md5_add(&h, data + 64, 4000);
	ms_md5_add(&h, data + 4064, sizeof(data) - 4064);
	ms_md5_end(&h, out);
	ms_hex(out, sizeof(out), pieces);
	cr_assert_str_eq(pieces, whole);
}

Test(util, human_blocks)
{
	char buf[32];

	ms_human_blocks(0, buf, sizeof(buf));
	cr_assert_str_eq(buf, "0 KiB");
	ms_human_blocks(1, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2 KiB");
	ms_human_blocks(512, buf, sizeof(buf));
	cr_assert_str_eq(buf, "1.0 MiB");
	ms_human_blocks(768, buf, sizeof(buf));
	cr_assert_str_eq(buf, "1.5 MiB");
	ms_human_blocks(359847, buf, sizeof(buf));
	cr_assert_str_eq(buf, "703 MiB");
	ms_human_blocks(2295104, buf, sizeof(buf));
	cr_assert_str_eq(buf, "4.4 GiB");
}

Test(util, path_join_puts_one_slash_between)
{
	const char *cases[][3] = {
		{ "/", "a", "/a" }, { "/d", "a", "/d/a" }, { "/d/", "a", "/d/a" },
		{ "", "a", "a" }, { "/d", "", "/d/" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = ms_path_join(cases[i][0], cases[i][1]);

		cr_assert_not_null(p);
		cr_assert_str_eq(p, cases[i][2], "'%s' + '%s'", cases[i][0],
				 cases[i][1]);
		free(p);
	}
}
