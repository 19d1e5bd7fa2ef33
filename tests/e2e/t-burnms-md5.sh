#!/bin/bash
# burnms checks an image's libisofs checksum tags (superblock, directory
# tree, session) while it streams: a damaged image is not committed on
# disc files (exit 6, the file as it was), is refused before the first
# block on write-once discs when it is a file, and is reported after the
# write when it is a stream.  Images without tags are written as before.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"
. "$(dirname "$0")/lib-mmc.sh"

# flip IMAGE FILE [OFFSET]: change one bit of FILE's data inside IMAGE
flip() {
	python3 - "$1" "$2" "${3:-5000}" <<'PY' || fail "cannot flip a byte"
import sys
image, name, off = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = open(image, 'rb').read()
o = d.find(open(name, 'rb').read(64))
assert o > 0
f = open(image, 'r+b')
f.seek(o + off)
b = f.read(1)
f.seek(o + off)
f.write(bytes([b[0] ^ 1]))
PY
}

# flip_block IMAGE BLOCK BYTE: change one bit of byte BYTE of block BLOCK
flip_block() {
	python3 - "$@" <<'PY' || fail "cannot flip a byte"
import sys
f = open(sys.argv[1], 'r+b')
o = int(sys.argv[2]) * 2048 + int(sys.argv[3])
f.seek(o)
b = f.read(1)
f.seek(o)
f.write(bytes([b[0] ^ 1]))
PY
}

one_session_and_next() {
	mkdir -p s1 s2
	echo first >s1/a.txt
	head -c 300000 /dev/urandom >s2/big.bin
	new_session d.iso s1
	expect_ok mkms -M d.iso -o n.iso "$@" s2
	cp n.iso good.iso
}

t_flipped_data_byte_is_not_committed_to_a_disc_file() {
	one_session_and_next
	flip n.iso s2/big.bin
	expect_refused 6 d.iso -- burnms -d d.iso n.iso
	assert_eq "burnms: image 'n.iso' is damaged: blocks 64 to $(( 64 + $(stat -c %s n.iso) / 2048 - 2 )) do not match its session checksum tag; nothing of it was committed, and the medium is as it was" \
		"$(cat err)" "message"
	# from a pipe, the same
	expect_refused 6 d.iso -- sh -c 'cat n.iso | burnms -d d.iso -'
	assert_grep "^burnms: image '-' is damaged: .* session checksum tag" err
	# the sound image goes on, and all three of its tags are seen
	expect_exit 0 burnms -v -d d.iso good.iso
	assert_grep "^burnms: image 'good.iso': its 3 checksum tags match\$" err
	assert_eq 2 "$(xorriso_toc d.iso | wc -l)" "sessions"
}

t_damaged_directory_fails_the_tree_tag() {
	one_session_and_next
	# the root directory of the new session: its first record's date
	root=$(od -An -tu4 -j $((16 * 2048 + 156 + 2)) -N4 n.iso | tr -d ' ')
	flip_block n.iso $((root - 64)) 20
	expect_refused 6 d.iso -- burnms -d d.iso n.iso
	assert_grep "do not match its directory tree checksum tag" err
}

t_damaged_session_tag_is_refused() {
	one_session_and_next
	last=$(( $(stat -c %s n.iso) / 2048 - 1 ))
	head -c 24 <(dd if=n.iso bs=2048 skip=$last count=1 status=none) >tag.txt
	assert_eq "libisofs_checksum_tag_v1" "$(cat tag.txt)" "the last block"
	flip_block n.iso "$last" 100
	expect_refused 6 d.iso -- burnms -d d.iso n.iso
	assert_grep "its session checksum tag, expected at block $((64 + last)), is damaged" err
}

t_image_without_tags_is_written_as_before() {
	one_session_and_next --no-md5
	flip n.iso s2/big.bin
	expect_ok burnms -d d.iso n.iso
	assert_eq 2 "$(xorriso_toc d.iso | wc -l)" "sessions"
}

t_write_once_file_image_is_checked_before_writing() {
	new_disc disc cd-r 40000
	burn disc 1
	mkdir s2
	head -c 300000 /dev/urandom >s2/big.bin
	expect_ok on disc mkms -M "$DEV" -o n.iso s2
	cp n.iso good.iso
	flip n.iso s2/big.bin
	expect_refused 6 disc -- on disc burnms -d "$DEV" n.iso
	assert_grep "^burnms: image 'n.iso' is damaged: .* session checksum tag; nothing was written\$" err
	expect_ok on disc burnms -d "$DEV" good.iso
}

t_write_once_stream_is_checked_while_written() {
	new_disc disc cd-r 40000
	burn disc 1
	mkdir s2
	head -c 300000 /dev/urandom >s2/big.bin
	expect_ok on disc mkms -M "$DEV" -o n.iso s2
	cp n.iso good.iso
	flip n.iso s2/big.bin
	cp -a disc disc2
	run sh -c "cat n.iso | LD_PRELOAD=$VD_LIB MSVD_DEVICE=$DEV MSVD_STATE=$PWD/disc burnms -d $DEV -"
	assert_eq 6 "$rc" "exit status"
	assert_eq "burnms: image '-' is a stream: its checksum tags cannot be checked before it is written to write-once '$DEV'; they are checked while it is written" \
		"$(head -n 1 err)" "the warning before writing"
	assert_grep "^burnms: image '-' is damaged: .* session checksum tag; it was written to write-once '$DEV' all the same, as the session at block [0-9]*\$" err
	assert_eq 2 "$(wc -l <err)" "lines on stderr"
	# a sound stream: the warning only, and -q keeps it quiet
	run sh -c "cat good.iso | LD_PRELOAD=$VD_LIB MSVD_DEVICE=$DEV MSVD_STATE=$PWD/disc2 burnms -q -d $DEV -"
	assert_eq 0 "$rc" "exit status of a sound stream"
	[ -s err ] && fail "burnms -q wrote: $(cat err)"
	return 0
}

run_tests
