#!/bin/bash
# burnms -d F F: an image given as its own medium is named as such, by
# device and inode, whatever the names look like.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"

t_disc_file_as_its_own_image() {
	mkdir s1
	echo one >s1/a.txt
	new_session d.iso s1
	expect_refused 2 d.iso -- burnms -d d.iso d.iso
	assert_eq "burnms: image 'd.iso' and the medium 'd.iso' are the same file: an image cannot be written onto itself" \
		"$(cat err)" "message"
	# other names for the same file
	ln d.iso hard.iso
	ln -s d.iso soft.iso
	expect_refused 2 d.iso -- burnms -d stdio:"$PWD/hard.iso" ./soft.iso
	assert_grep "are the same file" err
	expect_refused 2 d.iso -- sh -c 'burnms -d d.iso - <d.iso'
	assert_grep "^burnms: image '-' and the medium 'd.iso' are the same file" err
	expect_refused 2 d.iso -- burnms --dummy -d d.iso d.iso
	assert_grep "are the same file" err
}

t_plain_image_as_its_own_medium() {
	mkdir g
	echo g >g/g.txt
	genisoimage -quiet -R -J -o g.iso g 2>/dev/null || fail "genisoimage"
	expect_refused 2 g.iso -- burnms --foreign -d g.iso g.iso
	assert_grep "^burnms: image 'g.iso' and the medium 'g.iso' are the same file" err
	# a copy is another file: judged as usual
	cp g.iso copy.iso
	expect_exit 3 burnms --foreign -d g.iso copy.iso
	assert_grep "it was built for another address" err
	assert_no_grep "same file" err
}

run_tests
