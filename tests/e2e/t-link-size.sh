#!/bin/bash
# Link records name no image size: the session's primary descriptor does,
# so that mkms lays a session out once with MD5 tags on.  Records from
# before, with blocks=, are still read and checked against the descriptor.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"

# vss FILE BLOCK: the volume space size of the descriptor at BLOCK
vss() {
	od -An -tu4 -j $(($2 * 2048 + 80)) -N4 "$1" | tr -d ' '
}

# old_record IMAGE BLOCKS: rewrite the record of IMAGE as records were
# before, with blocks=BLOCKS after start=, its self checksum made again
old_record() {
	local body crc
	body=$(head -c 2048 "$1" | tr -d '\0' | sed 's/ self=.*//')
	body=$(printf '%s' "$body" | sed "s/^\(mstools_link_v1 start=[0-9]*\)/\1 blocks=$2/")
	crc=$(printf '%s' "$body" | gzip -c | tail -c 8 | od -An -tx4 -N4 |
		tr -d ' ')
	head -c 2048 /dev/zero | dd of="$1" conv=notrunc status=none
	printf '%s self=%s\n' "$body" "$crc" |
		dd of="$1" conv=notrunc status=none
}

# A disc of one session and n.iso, the next session for it (mkms
# options after the disc: --no-md5 lets a test rewrite block 0).
disc_and_next() {
	mkdir -p s1 s2
	echo one >s1/a.txt
	head -c 300000 /dev/urandom >s2/b.bin
	new_session d.iso s1
	expect_ok mkms "$@" -M d.iso -o n.iso s2
}

t_record_names_no_size_and_layout_is_one_pass() {
	disc_and_next
	head -c 2048 n.iso | tr -d '\0' >rec
	assert_grep "^mstools_link_v1 start=64 base=session " rec
	assert_no_grep "blocks=" rec
	blocks=$(( $(stat -c %s n.iso) / 2048 ))
	assert_eq "$blocks" "$(vss n.iso 16)" "volume space size"
	# lsms shows the descriptor's size where the record's used to be
	expect_ok lsms n.iso
	assert_grep "^link record  *start 64, $blocks blocks, built " out
	expect_ok lsms --json n.iso
	assert_eq "$blocks" "$(jq '.sessions[0].link.blocks' out)" "json"
	run mkms -v -M d.iso -o n2.iso s2
	assert_eq 0 "$rc" "exit status"
	assert_grep "laid out $blocks blocks in [0-9.]* s (one pass)" err
}

t_session_image_larger_than_its_start_is_still_an_image() {
	mkdir s
	head -c 300000 /dev/urandom >s/big.bin
	expect_ok mkms -M blank.iso -o i.iso s
	[ "$(vss i.iso 16)" -gt 32 ] || fail "image too small for the test"
	expect_ok lsms i.iso
	assert_grep "^status  *image$" out
	assert_grep "^written at  *32 to $((32 + $(vss i.iso 16) - 1))$" out
}

t_grown_disc_passes_xorriso_md5_checks() {
	disc_and_next
	expect_ok burnms -d d.iso n.iso
	expect_ok lsms d.iso
	assert_grep "^status  *appendable$" out
	xorriso -md5 on -indev d.iso -check_media -- >media.out 2>&1 ||
		fail "xorriso -check_media: $(tail -n 3 media.out)"
	assert_no_grep "mismatch" media.out
	assert_no_grep "^Media region .* - " media.out
	assert_eq 2 "$(grep -c '^MD5 tag range: .* + md5_match$' media.out)" \
		"sessions with matching MD5 tags"
	xorriso -md5 on -indev d.iso -check_md5_r sorry / -- >md5.out 2>&1 ||
		fail "xorriso -check_md5_r: $(tail -n 3 md5.out)"
}

t_same_bytes_under_source_date_epoch() {
	mkdir -p s1 s2
	echo one >s1/a.txt
	echo two >s2/b.txt
	export SOURCE_DATE_EPOCH=1700000000
	new_session d.iso s1
	expect_ok mkms -M d.iso -o n1.iso s2
	expect_ok mkms -M d.iso -o n2.iso s2
	cmp n1.iso n2.iso >/dev/null || fail "two builds differ"
}

t_old_record_with_its_size_still_burns() {
	disc_and_next --no-md5
	old_record n.iso "$(vss n.iso 16)"
	head -c 2048 n.iso | tr -d '\0' >rec
	assert_grep "^mstools_link_v1 start=64 blocks=$(vss n.iso 16) base=" rec
	expect_ok lsms n.iso
	assert_grep "^status  *image$" out
	expect_ok burnms -d d.iso n.iso
	expect_ok lsms_toc d.iso
	assert_eq 2 "$(wc -l <out)" "sessions"
}

t_old_record_whose_size_disagrees_is_refused() {
	disc_and_next --no-md5
	want=$(vss n.iso 16)
	old_record n.iso $((want + 1))
	before=$(xorriso_toc d.iso)
	expect_exit 6 burnms -d d.iso n.iso
	assert_grep "says $((want + 1)) blocks in its link record but $want in its volume descriptor" err
	assert_eq "$before" "$(xorriso_toc d.iso)" "disc after the refusal"
}

run_tests
