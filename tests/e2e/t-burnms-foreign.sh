#!/bin/bash
# burnms --foreign: an image without a link record still names the disc it
# was built on through its tree.  Every file it points at below its start
# must be a file of the medium's last session, at the same block with the
# same size; otherwise it is the wrong disc (exit 3), even when the two
# discs' sessions sit at the same addresses.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"

# two_discs MAKER: discs A.iso and B.iso, one session each at the same
# addresses (same NWA) but with other files; MAKER is mkms or xorriso.
two_discs() {
	mkdir -p a b g
	echo aaaa >a/x.txt
	head -c 3000 /dev/urandom >a/data.bin
	echo bbbbbbbbb >b/x.txt
	head -c 5000 /dev/urandom >b/data.bin
	echo "from elsewhere" >g/g.txt
	if [ "$1" = mkms ]; then
		new_session A.iso a
		new_session B.iso b
	else
		xorriso -dev A.iso -map a / -commit >/dev/null 2>&1 ||
			fail "xorriso A.iso"
		xorriso -dev B.iso -map b / -commit >/dev/null 2>&1 ||
			fail "xorriso B.iso"
	fi
	msinfo=$(lsms --msinfo A.iso)
	# the old address checks cannot tell them apart
	assert_eq "$msinfo" "$(lsms --msinfo B.iso)" "msinfo of both discs"
}

# foreign_image TOOL IMAGE: a session for A.iso made by genisoimage or
# xorriso -as mkisofs with -C/-M
foreign_image() {
	if [ "$1" = genisoimage ]; then
		genisoimage -quiet -R -J -V FOREIGN -C "$msinfo" -M A.iso \
			-o "$2" g 2>/dev/null || fail "genisoimage"
	else
		xorriso -as mkisofs -R -J -V FOREIGN -C "$msinfo" -M A.iso \
			-o "$2" g >/dev/null 2>&1 || fail "xorriso -as mkisofs"
	fi
}

right_and_wrong() {
	local maker=$1 tool=$2
	two_discs "$maker"
	foreign_image "$tool" f.iso
	expect_refused 3 B.iso -- burnms --foreign -d B.iso f.iso
	assert_eq "burnms: image 'f.iso' was built for another disc or disc state: its file '/data.bin' has 3000 bytes at block $(lsms_block A.iso data.bin), but the file there in the last session of 'B.iso' has 5000" \
		"$(cat err)" "message"
	expect_exit 3 burnms --foreign --dummy -d B.iso f.iso
	# the disc it was built for takes it, and reads back as one tree
	expect_ok burnms --foreign -d A.iso f.iso
	assert_eq "32 FOREIGN" "$(xorriso_toc A.iso | awk 'NR == 2 { print ($1 > 32 ? 32 : $1), $3 }')" \
		"the new session"
	rm -rf exp got
	mkdir exp
	cp -a a/. g/. exp/
	extract_newest A.iso got
	assert_same_tree exp got
}

# lsms_block DISC NAME: the block of /NAME in DISC's newest tree
lsms_block() {
	isoinfo -R -l -i "$1" | awk -v n="$2" '$NF == n { gsub(/[][]/, "", $(NF-2)); print $(NF-2) + 0 }' |
		head -n 1
}

t_genisoimage_on_mkms_discs() {
	right_and_wrong mkms genisoimage
}

t_xorriso_on_xorriso_discs() {
	right_and_wrong xorriso xorriso
}

t_genisoimage_on_xorriso_discs() {
	right_and_wrong xorriso genisoimage
}

t_foreign_image_on_a_blank_medium_needs_no_old_files() {
	mkdir g
	echo g >g/g.txt
	genisoimage -quiet -R -J -C 0,32 -o f.iso g 2>/dev/null ||
		fail "genisoimage"
	expect_ok burnms --foreign -d new.iso f.iso
	assert_eq "32 $(image_blocks f.iso)" "$(xorriso_toc new.iso | cut -d' ' -f1,2)" \
		"the session"
}

t_damaged_directory_in_a_foreign_image_is_refused() {
	two_discs mkms
	foreign_image genisoimage f.iso
	# the first record of the image's root directory: length 1
	root=$(od -An -tu4 -j $((16 * 2048 + 156 + 2)) -N4 f.iso | tr -d ' ')
	start=${msinfo#*,}
	printf '\001' | dd of=f.iso bs=1 seek=$(( (root - start) * 2048 )) \
		conv=notrunc status=none
	expect_refused 1 A.iso -- burnms --foreign -d A.iso f.iso
	assert_grep "^burnms: the directory at block $root of image 'f.iso' is damaged: a directory record does not fit\$" err
}

t_foreign_directory_outside_the_image_is_refused() {
	two_discs mkms
	foreign_image genisoimage f.iso
	# a subdirectory record in the root pointing below the image
	mkdir -p g/sub
	echo s >g/sub/s.txt
	foreign_image genisoimage f.iso
	root=$(od -An -tu4 -j $((16 * 2048 + 156 + 2)) -N4 f.iso | tr -d ' ')
	start=${msinfo#*,}
	off=$(( (root - start) * 2048 ))
	# find the record named SUB in the root and give it extent 20
	rec=$(python3 -c "
import sys
d = open('f.iso', 'rb').read()[$off:$off + 2048]
i = 0
while i < 2048 and d[i]:
    n = d[i + 32]
    if d[i + 33:i + 33 + n] == b'SUB':
        print($off + i); break
    i += d[i]
")
	[ -n "$rec" ] || fail "no SUB record in the root"
	python3 -c "
import struct
f = open('f.iso', 'r+b'); f.seek($rec + 2)
f.write(struct.pack('<I', 20) + struct.pack('>I', 20))"
	expect_refused 1 A.iso -- burnms --foreign -d A.iso f.iso
	assert_grep "^burnms: directory '/sub' of image 'f.iso' lies at blocks 20+1, outside blocks $start to" err
}

image_blocks() {
	echo $(( $(stat -c %s "$1") / 2048 ))
}

run_tests
