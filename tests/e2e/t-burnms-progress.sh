#!/bin/bash
# burnms's progress line: the whole image from the first block (its size is
# known from the stream's descriptors), then the phase after the data
# ("flushing", "verifying"), never a line that sits still at 100 %; and
# --verify says that it passed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"
. "$(dirname "$0")/lib-mmc.sh"

# The progress redraws of ./err, one per line.
redraws() {
	tr '\r' '\n' <err | sed '/^$/d'
}

mib_of() {
	awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1048576 }'
}

t_stream_shows_the_whole_image_and_its_phases() {
	mkdir s1 s2
	echo one >s1/a.txt
	head -c 3000000 /dev/urandom >s2/big.bin
	new_session d.iso s1
	expect_ok mkms -M d.iso -o n.iso s2
	run sh -c 'cat n.iso | burnms --progress=always --verify -d d.iso -'
	assert_eq 0 "$rc" "exit status"
	redraws >lines
	total=$(mib_of n.iso)
	# every redraw knows the total, from the first on
	assert_eq 0 "$(grep '^burnms ' lines | grep -vc " of $total MiB")" \
		"redraws without the total of $total MiB"
	assert_grep "^burnms 100% $total of $total MiB .*  flushing *\$" lines
	assert_grep "^burnms 100% $total of $total MiB .*  verifying 100% *\$" lines
	assert_grep "^burnms 100% $total of $total MiB .*  done *\$" lines
	assert_eq "burnms: verified: the $(( $(stat -c %s n.iso) / 2048 )) blocks read back from 'd.iso' match the image" \
		"$(tail -n 1 lines)" "the last line"
}

t_quiet_verify_says_nothing() {
	mkdir s1
	echo one >s1/a.txt
	expect_ok mkms -M d.iso -o n.iso s1
	expect_ok burnms -q --verify -d d.iso n.iso
	expect_ok mkms -M d.iso -o m.iso s1
	# not a terminal: no progress line in auto mode
	expect_exit 0 burnms --verify -d d.iso m.iso
	assert_eq 1 "$(wc -l <err)" "lines on stderr"
	assert_grep "^burnms: verified: " err
}

t_write_once_verify_phase() {
	new_disc disc cd-r 40000
	src 1
	expect_ok on disc mkms -M "$DEV" -o s1.iso src1
	run on disc burnms --progress=always --verify -d "$DEV" s1.iso
	assert_eq 0 "$rc" "exit status"
	redraws >lines
	total=$(mib_of s1.iso)
	assert_grep "^burnms 100% $total of $total MiB .*  verifying 100% *\$" lines
	assert_grep "^burnms 100% $total of $total MiB .*  done *\$" lines
	assert_grep "^burnms: verified: the [0-9]* blocks read back from '$DEV' match the image\$" lines
}

run_tests
