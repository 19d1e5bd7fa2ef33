#!/bin/bash
# The documents agree with the tools and with each other: exit codes in
# --help, the man pages and README.md; lsms(1)'s JSON keys; the
# environment lsms reads; quotes that render as quotes; the files the
# documents cite.  (tests/e2e/t-examples.sh runs their examples.)
. "$(dirname "$0")/lib.sh"

TOOLS="lsms mkms burnms"
CODES="0 1 2 3 4 5 6 7 8"

t_help_lists_every_exit_status() {
	local t code
	for t in $TOOLS; do
		"$t" --help | sed -n '/^exit status:/,$p' | tr '\n' ' ' >codes
		for code in $CODES; do
			grep -q "[ :]$code [a-z]" codes ||
				fail "$t --help lacks exit status $code: $(cat codes)"
		done
		grep -q "7 nothing to do" codes || fail "$t --help: 7"
		grep -q "8 medium busy" codes || fail "$t --help: 8"
	done
}

t_man_pages_list_exit_status_0_to_8() {
	local t code
	for t in $TOOLS; do
		sed -n '/^\.Sh EXIT STATUS/,/^\.Sh/p' "$MS_SRC/man/$t.1" >section
		for code in $CODES; do
			grep -q "^\.It $code\$" section ||
				fail "$t.1 lacks exit status $code"
		done
		sed -n '/^\.It 7$/,/^\.It 8$/p' section | grep -qi 'nothing to do' ||
			fail "$t.1: 7 is not \"nothing to do\""
		sed -n '/^\.It 8$/,/^\.El/p' section | grep -qi 'medium busy' ||
			fail "$t.1: 8 is not \"medium busy\""
	done
}

t_readme_lists_every_exit_status() {
	local code
	for code in $CODES; do
		grep -q "^| $code | " "$MS_SRC/README.md" ||
			fail "README.md lacks exit status $code"
	done
	grep -q '^| 7 | nothing to do' "$MS_SRC/README.md" || fail "README: 7"
	grep -q '^| 8 | medium busy' "$MS_SRC/README.md" || fail "README: 8"
}

# Every key lsms --json prints, at the top, in "chain" and in a session,
# is named in lsms(1) (as .Li KEY).
t_lsms_1_names_every_json_key() {
	local key
	mkdir src && echo a >src/a
	expect_ok mkms -M disc.iso -o s.iso src
	expect_ok burnms -d disc.iso s.iso
	expect_ok lsms --json disc.iso
	jq -r 'keys[], (.chain | keys[]), (.sessions[0] | keys[])' out |
		sort -u >keys
	[ "$(wc -l <keys)" -gt 10 ] || fail "too few keys: $(cat keys)"
	sed -n '/^\.It Fl j , Fl -json/,/^\.It Fl m/p' "$MS_SRC/man/lsms.1" |
		sed -n 's/^\.Li //p' | tr -d ',' | tr ' ' '\n' | sort -u >named
	while read -r key; do
		grep -qx "$key" named || fail "lsms(1) does not name '$key'"
	done <keys
}

# COLUMNS sets the width of --map's bars when stdout is not a terminal,
# and lsms(1) has an ENVIRONMENT section naming it.
t_columns_sets_the_map_width_and_is_documented() {
	mkdir src && echo a >src/a
	expect_ok mkms -M disc.iso -o s.iso src
	expect_ok burnms -d disc.iso s.iso
	COLUMNS=50 lsms --map disc.iso >narrow || fail "lsms --map"
	COLUMNS=120 lsms --map disc.iso >wide || fail "lsms --map"
	assert_eq 50 "$(grep '^|' narrow | wc -L)" "bars at COLUMNS=50"
	assert_eq 120 "$(grep '^|' wide | wc -L)" "bars at COLUMNS=120"
	sed -n '/^\.Sh ENVIRONMENT/,/^\.Sh/p' "$MS_SRC/man/lsms.1" |
		grep -q '^\.It Ev COLUMNS$' ||
		fail "lsms(1) has no ENVIRONMENT entry for COLUMNS"
}

# mdoc quoting macros nest easily (.Pq Ql a No b renders as
# "(‘a b’)"); in the rendered pages every ‘ is closed before the next
# one opens.  (mandoc -T lint itself runs in t-cli.sh, and fails on
# warnings.)
t_man_pages_render_quotes_that_do_not_nest() {
	local p
	for p in "$MS_SRC"/man/*.[1-9]; do
		mandoc -T utf8 "$p" | sed 's/.\x08//g' >page
		sed 's/‘/\x01/g; s/’/\x02/g' page | awk '
			{
				n = split($0, c, "")
				for (i = 1; i <= n; i++) {
					if (c[i] == "\001" && open)
						print NR
					if (c[i] == "\001")
						open = 1
					if (c[i] == "\002")
						open = 0
				}
			}' >nested
		if [ -s nested ]; then
			fail "$(basename "$p") nests quotes: \
$(sed -n "$(head -n 1 nested)p" page)"
		fi
	done
}

# Files that the READMEs cite by a path ending in .md exist.
t_readmes_cite_files_that_exist() {
	local doc ref
	for doc in README.md tests/vdrive/README.md; do
		grep -o '[A-Za-z0-9_./-]*\.md\b' "$MS_SRC/$doc" | sort -u |
			while read -r ref; do
				[ -e "$MS_SRC/$ref" ] ||
					fail "$doc cites '$ref', which does not exist"
			done || exit 1
	done
}

run_tests
