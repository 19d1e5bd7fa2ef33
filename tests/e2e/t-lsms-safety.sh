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
	expect_refused 2 disc.iso disc.mss -- lsms --export disc.iso disc.mss
	assert_grep "'disc.iso' exists and is not a snapshot" err
	assert_grep "comes after --export" err
	# a plain image is not replaced either
	xorriso -as mkisofs -o plain.iso gen1 2>/dev/null || fail "xorriso"
	expect_refused 2 plain.iso disc.iso -- \
		lsms --export plain.iso disc.iso
}

t_export_onto_the_medium_itself_is_refused() {
	disc disc.iso 1
	expect_refused 2 disc.iso -- lsms --export disc.iso disc.iso
	assert_grep "is the medium 'disc.iso' itself" err
	expect_refused 2 disc.iso -- lsms --export disc.iso stdio:disc.iso
	assert_grep "itself" err
	ln disc.iso hard.iso
	expect_refused 2 disc.iso -- \
		lsms --export hard.iso "stdio:$PWD/disc.iso"
	assert_grep "itself" err
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

# starts FILE: the session starts, as xorriso sees them
starts() {
	xorriso_toc "$1" | cut -d' ' -f1
}

t_changed_volume_id_breaks_the_chain() {
	disc disc.iso 3
	expect_ok lsms disc.iso
	s2=$(starts disc.iso | sed -n 2p)
	# the volume id of session 2's own primary descriptor, in place
	printf 'CHANGED' | dd of=disc.iso bs=1 seek=$(( (s2 + 16) * 2048 + 40 )) \
		conv=notrunc 2>/dev/null
	expect_exit 1 lsms disc.iso
	assert_grep "broken at session 3 (block [0-9]*): session 2 changed" err
	assert_grep "^chain *broken at session 3" out
	assert_grep "session 2, BROKEN" out
	expect_exit 1 lsms -j disc.iso
	assert_eq false "$(jq -r .chain.complete out)" "complete"
	assert_eq 3 "$(jq -r .chain.break_session out)" "break_session"
	assert_eq false "$(jq -r '.sessions[2].link.matches_base' out)" "matches"
	assert_eq true "$(jq -r '.sessions[1].link.matches_base' out)" "session 2"
}

t_damaged_link_record_breaks_the_chain() {
	disc disc.iso 2
	s2=$(starts disc.iso | sed -n 2p)
	# a byte of session 2's record, inside its volume id field
	off=$(dd if=disc.iso bs=2048 skip="$s2" count=1 2>/dev/null |
		grep -abo 'base_volid=' | cut -d: -f1)
	printf 'Q' | dd of=disc.iso bs=1 seek=$(( s2 * 2048 + off + 11 )) \
		conv=notrunc 2>/dev/null
	expect_exit 1 lsms disc.iso
	assert_grep "broken at session 2 (block $s2): its link record is damaged" err
	assert_grep " corrupt$" out
	expect_exit 1 lsms -j disc.iso
	assert_eq false "$(jq -r '.sessions[1].link.valid' out)" "valid"
	assert_eq false "$(jq -r .chain.complete out)" "complete"
}

t_sound_chain_is_quiet() {
	disc disc.iso 3
	expect_ok lsms disc.iso
	assert_no_grep "BROKEN" out
	expect_ok lsms -j disc.iso
	assert_eq true "$(jq -r .chain.complete out)" "complete"
	assert_eq "true true" "$(jq -r '[.sessions[1,2].link.matches_base] | join(" ")' out)" "matches"
}

t_truncated_file_is_named_and_has_no_nwa() {
	disc disc.iso 3
	s3=$(starts disc.iso | sed -n 3p)
	truncate -s $(( (s3 + 4) * 2048 )) disc.iso
	expect_exit 1 lsms disc.iso
	assert_grep "the file is shorter than its newest descriptors say (it ends at block $((s3 + 4)), they name [0-9]* as the end)" err
	assert_grep "^chain .*the file is shorter" out
	assert_no_grep "^next address" out
	assert_no_grep "^free" out
	expect_exit 1 lsms -j disc.iso
	assert_eq null "$(jq -r .next_writable out)" "next_writable"
	assert_eq null "$(jq -r .free_blocks out)" "free_blocks"
	assert_eq 2 "$(jq '.sessions | length' out)" "whole sessions"
	# cut before the last session starts
	truncate -s $(( (s3 - 8) * 2048 )) disc.iso
	expect_exit 1 lsms disc.iso
	assert_grep "session 3 should start at block $s3.*file is shorter than its newest descriptors say (it ends at block $((s3 - 8))," err
	assert_no_grep "^next address" out
}

run_tests
