#!/bin/bash
# lsms --check: every session read back and verified (checksum tags, the
# files' recorded MD5s, the link chain), on disc files and the virtual
# burner, with xorriso -check_media and -check_md5_r as the second opinion
# on the same damage.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"
. "$(dirname "$0")/lib-mmc.sh"

# flip FILE OFFSET: change one bit of the byte at OFFSET
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	[ -n "$b" ] || fail "no byte at $2 of $1"
	printf "$(printf '\\%03o' $((b ^ 1)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null ||
		fail "cannot flip byte $2 of $1"
}

# file_lba ISO START PATH: the first block of PATH's data in the session
# at START, as xorriso reports it
file_lba() {
	xorriso -indev "$1" -load sbsector "$2" -find "$3" -exec report_lba \
		2>/dev/null |
		sed -n "s/^File data lba: *[0-9]* , *\([0-9]*\) ,.*/\1/p" |
		head -n 1
}

# name_offset ISO BLOCK NAME: the byte offset of NAME in block BLOCK
name_offset() {
	local at
	at=$(dd if="$1" bs=2048 skip="$2" count=1 2>/dev/null |
		grep -obUa "$3" | head -n 1 | cut -d: -f1)
	[ -n "$at" ] || fail "no '$3' in block $2 of $1"
	echo $(($2 * 2048 + at))
}

# xorriso's verdict on the tag range starting at START: md5_match or
# md5_mismatch (anything else fails)
xorriso_tag() {
	local v
	v=$($XO xorriso -md5 on -indev "$1" -check_media -- 2>&1 |
		sed -n "s/^MD5 tag range: *$2 , *[0-9]* , . \(md5_[a-z]*\).*/\1/p")
	[ -n "$v" ] || fail "xorriso -check_media names no tag range at $2"
	echo "$v"
}
XO=

# A disc of three sessions by mkms: session 1 holds big, a hard link pair
# and an empty file; the later sessions add to it.
three_sessions() {
	mkdir s1 s2 s3
	seq 1 50000 >s1/big
	echo x >s1/small
	ln s1/small s1/hard
	: >s1/empty
	seq 1 1000 >s2/two
	echo new >s3/three
	new_session disc.iso s1
	new_session disc.iso s2
	new_session disc.iso s3
}

# check_bad MEDIUM: lsms --check exits 6 and names the damage
check_bad() {
	expect_exit 6 $CHECK_ON lsms --check "$1"
	assert_grep "is damaged" err
}
CHECK_ON=

t_intact_disc_grown_by_mkms() {
	three_sessions
	expect_ok lsms --check disc.iso
	assert_eq 3 "$(grep -c ' intact$' out)" "sessions intact"
	assert_grep '^intact: ' out
	assert_grep '^      1         32 ' out
	# big, small+hard (one extent), empty; later trees name them again
	assert_eq "3 0 ok" "$(awk '$1 == 1 { print $5, $6, $7 }' out)"
	for s in 32 224 288; do
		assert_eq md5_match "$(xorriso_tag disc.iso $s)" "xorriso $s"
	done
	expect_ok lsms --check --json disc.iso
	assert_eq intact "$(jq -r .verdict out)"
	assert_eq "3 3 3" "$(jq -r '[.sessions[].tags_matched] | map(tostring) | join(" ")' out)"
	assert_eq 0 "$(jq '.problems | length' out)"
}

t_intact_disc_grown_by_xorriso_md5_on() {
	mkdir a b
	seq 1 20000 >a/n1
	seq 1 30000 >b/n2
	xorriso -md5 on -outdev disc.iso -add a -- -commit >/dev/null 2>&1 ||
		fail "xorriso session 1"
	xorriso -md5 on -dev disc.iso -add b -- -commit >/dev/null 2>&1 ||
		fail "xorriso session 2"
	expect_ok lsms --check disc.iso
	assert_eq 2 "$(grep -c ' ok .* intact$' out)" "sessions intact"
	assert_eq "1 1" "$(awk '$1 ~ /^[12]$/ { print $5 }' out | xargs)"
}

t_file_data_flipped_in_an_older_session() {
	local lba
	three_sessions
	lba=$(file_lba disc.iso 32 /big)
	flip disc.iso $((lba * 2048 + 1000))
	check_bad disc.iso
	assert_grep "^session 1: file '/big' does not match the MD5 recorded for it" out
	assert_grep "^session 1: blocks 32 to [0-9]* do not match its session checksum tag" out
	assert_eq "mismatch 1 damaged" "$(awk '$1 == 1 { print $4, $6, $8 }' out)"
	assert_eq intact "$(awk '$1 == 3 { print $8 }' out)"
	assert_eq md5_mismatch "$(xorriso_tag disc.iso 32)"
	assert_eq md5_match "$(xorriso_tag disc.iso 288)"
	xorriso -md5 on -indev disc.iso -check_md5_r sorry / -- >xo 2>&1
	assert_grep "MD5 MISMATCH: '/big'" xo
}

t_directory_flipped_in_an_older_session() {
	local root
	three_sessions
	root=$(root_block disc.iso 32)
	flip disc.iso "$(name_offset disc.iso "$root" 'BIG\.;1')"
	check_bad disc.iso
	assert_grep "^session 1: blocks 32 to [0-9]* do not match its directory tree checksum tag" out
	assert_eq "mismatch damaged" "$(awk '$1 == 1 { print $4, $8 }' out)"
	assert_eq intact "$(awk '$1 == 2 { print $8 }' out)"
	assert_eq md5_mismatch "$(xorriso_tag disc.iso 32)"
	xorriso -md5 on -load sbsector 32 -indev disc.iso \
		-check_md5_r sorry / -- >xo 2>&1
	assert_grep "Cannot read ISO image tree" xo
}

t_descriptor_flipped_in_an_older_session() {
	three_sessions
	# a byte of session 1's volume set id
	flip disc.iso $(((32 + 16) * 2048 + 200))
	check_bad disc.iso
	assert_grep "^session 1: blocks 32 to [0-9]* do not match its superblock checksum tag" out
	assert_grep "^session 2: its link record does not fit the session before it: session 1 changed" out
	assert_eq "mismatch damaged" "$(awk '$1 == 1 { print $4, $8 }' out)"
	assert_eq "broken damaged" "$(awk '$1 == 2 { print $7, $8 }' out)"
	assert_eq md5_mismatch "$(xorriso_tag disc.iso 32)"
	xorriso -md5 on -load sbsector 32 -indev disc.iso \
		-check_md5_r sorry / -- >xo 2>&1
	assert_grep "Cannot read ISO image tree" xo
}

t_edited_link_record_breaks_the_chain() {
	three_sessions
	# base_nwa=224 becomes base_nwa=225 in session 2's record
	flip disc.iso $(($(name_offset disc.iso 224 'base_nwa=224') + 11))
	check_bad disc.iso
	assert_grep "^session 2: its link record does not fit the session before it: its link record is damaged" out
	assert_eq "broken damaged" "$(awk '$1 == 2 { print $7, $8 }' out)"
	lsms --check --json disc.iso >j.out 2>/dev/null
	assert_eq broken "$(jq -r '.sessions[1].chain' j.out)"
	assert_eq chain "$(jq -r '.problems[] | select(.session == 2) | .kind' j.out | head -n 1)"
}

t_truncated_file_names_the_missing_blocks() {
	three_sessions
	truncate -s $((310 * 2048)) disc.iso
	check_bad disc.iso
	assert_grep "^session 3: blocks 310 to 319 cannot be read" out
	assert_eq "unreadable damaged" "$(awk '$1 == 3 { print $4, $8 }' out)"
	assert_eq intact "$(awk '$1 == 1 { print $8 }' out)"
}

t_sessions_without_tags_are_not_checkable() {
	mkdir a
	echo a >a/a
	genisoimage -quiet -o gen.iso a || fail "genisoimage"
	expect_exit 4 lsms --check gen.iso
	assert_grep ' none .* not checkable$' out
	assert_no_grep ' intact$' out
	assert_grep "carry no checksum tags" err
	xorriso -md5 off -outdev x.iso -add a -- -commit >/dev/null 2>&1 ||
		fail "xorriso -md5 off"
	expect_exit 4 lsms --check --json x.iso
	assert_eq "not checkable" "$(jq -r .verdict out)"
	assert_eq none "$(jq -r '.sessions[0].tags' out)"
	# a tagged session on top does not make the first one intact
	mkdir b
	echo b >b/b
	new_session x.iso b
	expect_exit 4 lsms --check x.iso
	assert_eq "not checkable" "$(awk '$1 == 1 { print $8, $9 }' out)"
	assert_eq intact "$(awk '$1 == 2 { print $8 }' out)"
}

t_session_image_checks_its_own_blocks() {
	local lba
	three_sessions
	mkdir s4
	seq 1 3000 >s4/four
	expect_ok mkms -M disc.iso -o s4.iso s4
	expect_ok lsms --check s4.iso
	assert_eq "ok 2 0 - intact" "$(awk '$1 == 1 { print $4, $5, $6, $7, $8 }' out)"
	# no other tool reads an image built for block 320 on its own
	lba=$(lsms --files --json s4.iso |
		jq -r '.[] | select(.path == "/four") | .extents[0].start')
	[ "$lba" -gt 320 ] || fail "/four at block '$lba' of s4.iso"
	# and its block lba is at lba - 320 in the file; the file begins
	# with "1\n2\n3\n"
	assert_eq 1 "$(dd if=s4.iso bs=2048 skip=$((lba - 320)) count=1 \
		2>/dev/null | head -n 1)" "first line of /four"
	flip s4.iso $(((lba - 320) * 2048 + 5))
	check_bad s4.iso
	assert_grep "^session 1: file '/four' does not match the MD5 recorded for it" out
}

t_snapshot_needs_the_medium() {
	three_sessions
	expect_ok lsms --export snap disc.iso
	expect_refused 4 snap -- lsms --check snap
	assert_grep "needs the medium itself" err
}

t_check_takes_no_session() {
	three_sessions
	expect_exit 2 lsms --check --session 1 disc.iso
	expect_exit 2 lsms --check --map disc.iso
}

t_progress_shows_speed() {
	three_sessions
	run lsms --check --progress=always disc.iso
	assert_eq 0 "$rc" "exit status"
	assert_grep 'checking .*MiB/s' err
}

# The virtual burner: three sessions on a CD-R, damage poked into the
# disc's data file, read errors from MSVD_UNREADABLE.
vd_disc() {
	new_disc vd cd-r
	burn vd 1
	burn vd 2
	burn vd 3
	on vd lsms --json "$DEV" >layout.json || fail "lsms -j"
	S2=$(jq -r '.sessions[1].start' layout.json)
	msvd dump vd flat.iso || fail "msvd dump"
}

t_vdrive_intact() {
	vd_disc
	expect_ok on vd lsms --check "$DEV"
	assert_eq 3 "$(grep -c ' ok .* intact$' out)" "sessions intact"
	XO="on vd"
	assert_eq md5_match "$(xorriso_tag "$DEV" 0)"
}

t_vdrive_file_data_flipped_in_an_older_session() {
	local lba
	vd_disc
	lba=$(file_lba flat.iso 0 /n1)
	flip vd/data $((lba * 2048 + 10))
	CHECK_ON="on vd"
	check_bad "$DEV"
	assert_grep "^session 1: file '/n1' does not match the MD5 recorded for it" out
	assert_eq "mismatch damaged" "$(awk '$1 == 1 { print $4, $8 }' out)"
	assert_eq intact "$(awk '$1 == 3 { print $8 }' out)"
	XO="on vd"
	assert_eq md5_mismatch "$(xorriso_tag "$DEV" 0)"
	on vd xorriso -md5 on -indev "$DEV" -check_md5_r sorry / -- >xo 2>&1
	assert_grep "MD5 MISMATCH: '/n1'" xo
}

t_vdrive_descriptor_flipped_in_an_older_session() {
	vd_disc
	flip vd/data $((16 * 2048 + 200))
	CHECK_ON="on vd"
	check_bad "$DEV"
	assert_grep "^session 1: blocks 0 to [0-9]* do not match its superblock checksum tag" out
	assert_eq "broken damaged" "$(awk '$1 == 2 { print $7, $8 }' out)"
	XO="on vd"
	assert_eq md5_mismatch "$(xorriso_tag "$DEV" 0)"
}

t_vdrive_unreadable_block_is_named() {
	local lba
	vd_disc
	lba=$(file_lba flat.iso "$S2" /n2)
	MSVD_UNREADABLE=$lba on vd lsms --check "$DEV" >out 2>err
	assert_eq 6 "$?" "exit status"
	assert_grep "^session 2: block $lba cannot be read" out
	assert_grep "^session 2: file '/n2' cannot be read in full" out
	assert_eq "unreadable damaged" "$(awk '$1 == 2 { print $4, $8 }' out)"
	assert_eq intact "$(awk '$1 == 1 { print $8 }' out)"
	MSVD_UNREADABLE=$lba on vd xorriso -md5 on -indev "$DEV" \
		-check_media -- >xo 2>&1
	assert_grep "^Media region : *$lba , *1 , - unreadable" xo
}

run_tests
