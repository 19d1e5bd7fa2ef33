#!/bin/bash
# What all three command lines share: help, version, usage errors,
# progress, and man pages that say what --help says.
. "$(dirname "$0")/lib.sh"

TOOLS="lsms mkms burnms"

# The SYNOPSIS of a man page, as one line of words.
synopsis() {
	MANWIDTH=200 mandoc -T ascii "$MS_SRC/man/$1.1" | sed 's/.\x08//g' |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' |
		tr -s ' \n' '  ' | sed 's/^ *//; s/ *$//'
}

# The usage lines of --help, as one line of words.
usage_words() {
	"$1" --help | sed -n '1,/^$/p' | sed 's/^usage: //' |
		tr -s ' \n' '  ' | sed 's/^ *//; s/ *$//'
}

t_help_mirrors_the_man_page_synopsis() {
	for t in $TOOLS; do
		assert_eq "$(synopsis $t)" "$(usage_words $t)" "$t synopsis"
	done
}

t_man_pages_are_clean_mdoc() {
	for p in "$MS_SRC"/man/*; do
		expect_ok mandoc -T lint -W warning "$p"
	done
}

t_man_pages_list_every_exit_status() {
	for t in $TOOLS; do
		for code in 0 1 2 3 4 5 6; do
			sed -n '/^\.Sh EXIT STATUS/,/^\.Sh/p' \
				"$MS_SRC/man/$t.1" | grep -q "^\.It $code\$" ||
				fail "$t.1 lacks exit status $code"
		done
	done
}

t_every_long_option_is_documented() {
	for t in $TOOLS; do
		opts=$(sed -n 's/^.*{ "\([a-z-]*\)", .*/\1/p' \
			"$MS_SRC/$t/$t.c")
		for o in $opts; do
			grep -q -e "Fl -$o\b" "$MS_SRC/man/$t.1" ||
				fail "$t.1 does not document --$o"
			"$t" --help | grep -q -e "--$o" ||
				fail "$t --help does not mention --$o"
		done
	done
}

t_version_and_help_succeed() {
	for t in $TOOLS; do
		expect_ok "$t" --version
		assert_grep "^$t (mstools) [0-9]" out
		expect_ok "$t" -h
		assert_grep "^usage: $t" out
	done
}

t_unknown_option_is_a_usage_error() {
	for t in $TOOLS; do
		expect_exit 2 "$t" --no-such-option
		assert_grep "usage: $t" err
	done
}

t_bad_progress_value_is_a_usage_error() {
	for t in $TOOLS; do
		expect_exit 2 "$t" --progress=sometimes x
		assert_grep "sometimes" err
	done
}

t_missing_operands_are_usage_errors() {
	expect_exit 2 lsms
	expect_exit 2 lsms a b
	expect_exit 2 mkms src
	assert_grep "no output" err
	expect_exit 2 burnms x.iso
	assert_grep "no medium" err
	expect_exit 2 burnms -d disc.iso
	assert_grep "no image" err
}

t_progress_always_draws_on_stderr() {
	mkdir src && head -c 3000000 /dev/urandom >src/r
	expect_exit 0 mkms --progress=always -M disc.iso -o a.iso src
	assert_grep "mkms .*%" err
	expect_exit 0 burnms --progress=always -d disc.iso a.iso
	assert_grep "burnms .*MiB/s" err
	mkms --progress=never -M disc.iso -o b.iso src 2>err2
	[ -s err2 ] && fail "--progress=never drew: $(cat err2)"
	return 0
}

t_quiet_drops_warnings() {
	mkdir src && echo a >src/a && mkfifo src/fifo
	expect_exit 0 mkms -o a.iso src
	assert_grep "skipping .*fifo" err
	expect_ok mkms -q -o b.iso src
}

run_tests
