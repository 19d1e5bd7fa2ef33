#!/bin/bash
# burnms in a pipeline: an empty standard input means the builder failed
# (exit 1); the builder's "nothing to do" marker (mstools(5)) means there
# was nothing to add (exit 7).  Neither writes anything.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/disc.sh"

MARKER='mstools_nothing_v1\n'

one_session() {
	mkdir -p s1
	echo "first" >s1/a.txt
	new_session d.iso s1
	sum=$(md5sum <d.iso)
}

t_empty_stdin_is_a_failed_builder() {
	one_session
	expect_exit 1 burnms -d d.iso - </dev/null
	assert_eq "burnms: no image on standard input (did the command before the pipe fail?)" \
		"$(cat err)" "message"
	assert_eq "$sum" "$(md5sum <d.iso)" "the disc"
	# a builder that fails before writing a byte, without pipefail
	run sh -c 'false | burnms -d d.iso -'
	assert_eq 1 "$rc" "exit status of the pipeline"
	assert_grep "did the command before the pipe fail" err
	assert_eq "$sum" "$(md5sum <d.iso)" "the disc"
}

t_empty_stdin_creates_no_disc_file() {
	expect_exit 1 burnms -d new.iso - </dev/null
	[ -e new.iso ] && fail "burnms created 'new.iso'"
	return 0
}

t_nothing_marker_on_stdin_is_exit_7() {
	one_session
	run sh -c "printf '$MARKER' | burnms -d d.iso -"
	assert_eq 7 "$rc" "exit status"
	assert_grep "^burnms: nothing to do: standard input holds no session" err
	assert_eq 1 "$(wc -l <err)" "lines on stderr"
	assert_eq "$sum" "$(md5sum <d.iso)" "the disc"
	assert_eq "$(xorriso_toc d.iso)" "$(lsms_toc d.iso)" "sessions"
	assert_eq 1 "$(xorriso_toc d.iso | wc -l)" "sessions"
}

t_nothing_marker_as_a_file_is_exit_7() {
	one_session
	printf "$MARKER" >m.iso
	expect_exit 7 burnms -d d.iso m.iso
	assert_grep "^burnms: nothing to do: 'm.iso' holds no session" err
	assert_eq "$sum" "$(md5sum <d.iso)" "the disc"
	# even where a first session would go: no file appears
	expect_exit 7 burnms -d blank.iso m.iso
	[ -e blank.iso ] && fail "burnms created 'blank.iso'"
	# --blank is not done for an image that brings nothing
	expect_exit 7 burnms --blank -d d.iso m.iso
	assert_eq "$sum" "$(md5sum <d.iso)" "the disc after --blank"
}

t_only_the_exact_marker_counts() {
	one_session
	# no newline, or anything after it: not the marker, and no image
	run sh -c "printf 'mstools_nothing_v1' | burnms -d d.iso -"
	assert_eq 2 "$rc" "exit status without the newline"
	assert_grep "not a whole number of 2048-byte blocks" err
	run sh -c "printf '${MARKER}x' | burnms -d d.iso -"
	assert_eq 2 "$rc" "exit status with a byte more"
	assert_grep "not a whole number of 2048-byte blocks" err
	assert_eq "$sum" "$(md5sum <d.iso)" "the disc"
}

run_tests
