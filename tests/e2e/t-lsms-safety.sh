#!/bin/bash
# lsms never damages a disc file, and names what is wrong with one:
# --export's guard, broken links between sessions, truncated files.
. "$(dirname "$0")/lib.sh"

# disc FILE N: a disc file with N sessions made by mkms and burnms
disc() {
	local i
	for i in $(seq 1 "$2"); do
		mkdir -p "gen$i/dir$i"
		echo "generation $i" >"gen$i/dir$i/file$i"
		mkms -V "GEN$i" -M "$1" -o - "gen$i" | burnms -d "$1" - ||
			fail "session $i of $1"
	done
}

t_export_with_swapped_arguments_leaves_the_disc_alone() {
	disc disc.iso 2
	expect_ok lsms --export disc.mss disc.iso
	cp disc.iso before.iso
	expect_exit 2 lsms --export disc.iso disc.mss
	assert_grep "'disc.iso' exists and is not a snapshot" err
	assert_grep "comes after --export" err
	assert_same_file before.iso disc.iso
	# a plain image is not replaced either
	xorriso -as mkisofs -o plain.iso gen1 2>/dev/null || fail "xorriso"
	cp plain.iso plain.before
	expect_exit 2 lsms --export plain.iso disc.iso
	assert_same_file plain.before plain.iso
}

t_export_onto_the_medium_itself_is_refused() {
	disc disc.iso 1
	cp disc.iso before.iso
	expect_exit 2 lsms --export disc.iso disc.iso
	assert_grep "is the medium 'disc.iso' itself" err
	assert_same_file before.iso disc.iso
	expect_exit 2 lsms --export disc.iso stdio:disc.iso
	assert_grep "itself" err
	ln disc.iso hard.iso
	expect_exit 2 lsms --export hard.iso "stdio:$PWD/disc.iso"
	assert_grep "itself" err
	assert_same_file before.iso disc.iso
	ls disc.iso.* 2>/dev/null && fail "a temporary file was left"
	return 0
}

t_export_replaces_a_snapshot_or_an_empty_file() {
	disc disc.iso 1
	expect_ok lsms --export disc.mss disc.iso
	disc disc.iso 2
	expect_ok lsms --export disc.mss disc.iso
	expect_ok lsms -j disc.mss
	assert_eq 3 "$(jq '.sessions | length' out)" "sessions in the snapshot"
	: >empty.mss
	expect_ok lsms --export empty.mss disc.iso
	expect_ok lsms -j empty.mss
	mkdir dir.mss
	expect_exit 2 lsms --export dir.mss disc.iso
}

run_tests
