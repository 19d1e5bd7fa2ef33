#!/bin/bash
# burnms in a pipeline: an empty standard input means the builder failed
# (exit 1); the builder's "nothing to do" marker (mstools(5)) means there
# was nothing to add (exit 7).  Neither writes anything.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"

MARKER='mstools_nothing_v1\n'

one_session() {
	mkdir -p s1
	echo "first" >s1/a.txt
	new_session d.iso s1
}

t_empty_stdin_is_a_failed_builder() {
	one_session
	expect_refused 1 d.iso -- burnms -d d.iso - </dev/null
	assert_eq "burnms: no image on standard input (did the command before the pipe fail?)" \
		"$(cat err)" "message"
	# a builder that fails before writing a byte, without pipefail
	expect_refused 1 d.iso -- sh -c 'false | burnms -d d.iso -'
	assert_grep "did the command before the pipe fail" err
}

t_empty_stdin_creates_no_disc_file() {
	expect_refused 1 new.iso -- burnms -d new.iso - </dev/null
}

t_nothing_marker_on_stdin_is_exit_7() {
	one_session
	expect_refused 7 d.iso -- sh -c "printf '$MARKER' | burnms -d d.iso -"
	assert_grep "^burnms: nothing to do: standard input holds no session" err
	assert_eq 1 "$(wc -l <err)" "lines on stderr"
	assert_eq "$(xorriso_toc d.iso)" "$(lsms_toc d.iso)" "sessions"
	assert_eq 1 "$(xorriso_toc d.iso | wc -l)" "sessions"
}

t_nothing_marker_as_a_file_is_exit_7() {
	one_session
	printf "$MARKER" >m.iso
	expect_refused 7 d.iso m.iso -- burnms -d d.iso m.iso
	assert_grep "^burnms: nothing to do: 'm.iso' holds no session" err
	# even where a first session would go: no file appears
	expect_refused 7 blank.iso -- burnms -d blank.iso m.iso
	# --blank is not done for an image that brings nothing
	expect_refused 7 d.iso -- burnms --blank -d d.iso m.iso
}

t_only_the_exact_marker_counts() {
	one_session
	# no newline, or anything after it: not the marker, and no image
	expect_refused 2 d.iso -- \
		sh -c "printf 'mstools_nothing_v1' | burnms -d d.iso -"
	assert_grep "not a whole number of 2048-byte blocks" err
	expect_refused 2 d.iso -- sh -c "printf '${MARKER}x' | burnms -d d.iso -"
	assert_grep "not a whole number of 2048-byte blocks" err
}

run_tests
