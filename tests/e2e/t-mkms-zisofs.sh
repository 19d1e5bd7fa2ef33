#!/bin/bash
# mkms --zisofs: file content compressed with zisofs, read back by
# xorriso (which decodes it by the Rock Ridge ZF entries) and listed by
# lsms --files.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"

# src/: compressible text, random bytes, a file too small to shrink,
# an empty file and a hard link pair
make_src() {
	mkdir -p src/sub
	seq 1 200000 >src/text
	head -c 300000 /dev/urandom >src/rand
	echo "small" >src/small
	: >src/empty
	seq 1 50000 >src/sub/nums
	ln src/sub/nums src/sub/nums.link
}

# "path filter" of each file, as xorriso's show_stream gives it
streams_of() {
	xorriso -indev "$1" -find / -type f -exec show_stream 2>/dev/null |
		sed -n "s/^'\(.*\)' < \(--zisofs-decode\)\?.*\$/\1 \2/p" |
		sed 's/ $/ plain/; s/ --zisofs-decode$/ zisofs/' | LC_ALL=C sort
}

t_compressed_files_read_back_and_take_less_room() {
	make_src
	expect_ok mkms -o plain.iso src
	expect_ok mkms --zisofs -o z.iso src
	streams_of z.iso >streams
	assert_eq "/empty plain
/rand plain
/small plain
/sub/nums zisofs
/sub/nums.link zisofs
/text zisofs" "$(cat streams)" "compressed files"
	[ "$(stat -c %s z.iso)" -lt $(( $(stat -c %s plain.iso) * 2 / 3 )) ] ||
		fail "z.iso ($(stat -c %s z.iso) bytes) is not much smaller than \
plain.iso ($(stat -c %s plain.iso) bytes)"
	xorriso -osirrox on -indev z.iso -extract / x >/dev/null 2>&1 ||
		fail "xorriso cannot extract z.iso"
	assert_same_tree src x
	# a hard link pair keeps one extent, compressed
	xorriso -indev z.iso -find /sub -type f -exec report_lba 2>/dev/null |
		sed -n "s/^File data lba: *[0-9]* , *\([0-9]*\) .*/\1/p" | sort -u >lba
	assert_eq 1 "$(wc -l <lba)" "extents of the hard link pair"
	if mkdir mnt && mount -o loop,ro z.iso mnt 2>/dev/null; then
		diff -r src mnt >mnt.diff 2>&1
		st=$?
		umount mnt
		[ "$st" -eq 0 ] || fail "the kernel reads z.iso otherwise: \
$(head -n 3 mnt.diff)"
	else
		skip_part "cannot mount an ISO image here (no loop or iso9660)"
	fi
}

t_archive_entries_compressed_too() {
	make_src
	bsdtar -C src -czf t.tgz .
	expect_ok mkms --zisofs -o z.iso --archive t.tgz
	assert_grep "^/text zisofs\$" <(streams_of z.iso)
	assert_grep "^/rand plain\$" <(streams_of z.iso)
	xorriso -osirrox on -indev z.iso -extract / x >/dev/null 2>&1 ||
		fail "xorriso cannot extract z.iso"
	assert_same_tree src x
}

# the next session keeps the compressed files as they are, with or
# without --zisofs; lsms --files marks them
t_imported_files_stay_compressed_and_lsms_marks_them() {
	make_src
	new_session d.iso --zisofs src
	seq 1 100000 >more.txt
	new_session d.iso more.txt
	streams_of d.iso >streams
	assert_grep "^/text zisofs\$" streams
	assert_grep "^/more.txt plain\$" streams
	extract_session d.iso "$(last_start d.iso)" x
	rm x/more.txt
	assert_same_tree src x
	expect_ok lsms --files d.iso
	assert_grep "^z  *1288895 .* /text\$" out
	assert_grep "^f  *300000 .* /rand\$" out
	assert_grep "^f  *588895 .* /more.txt\$" out
	expect_ok lsms --files --json d.iso
	assert_eq "/sub/nums
/sub/nums.link
/text" "$(jq -r '.[] | select(.zisofs) | .path' out)" "zisofs files"
	assert_eq "false" "$(jq -r '.[] | select(.path == "/rand") | .zisofs' out)" \
		"zisofs of /rand"
	assert_eq "null" "$(jq -r '.[] | select(.path == "/sub") | .zisofs' out)" \
		"zisofs of a directory"
}

t_zisofs_needs_rock_ridge() {
	make_src
	expect_refused 2 src -- mkms --zisofs --no-rockridge -o z.iso src
	assert_grep "^mkms: --zisofs needs Rock Ridge" err
	[ -e z.iso ] && fail "an image was left"
	return 0
}

run_tests
