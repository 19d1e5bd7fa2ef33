#!/bin/bash
# mkms: files that one of an image's trees cannot hold.  Without Rock
# Ridge a later session imports the Joliet tree, which has no room for
# paths over 240 characters or for symbolic links.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"

LONG=directory_01_abcdefghijklmnopqrstuvwxyz_0123456789
# the ISO 9660 names libisofs gives them without Rock Ridge
ISO_DEEP=/DIRECTORY_01_ABCDEFGHIJKLMNOPQR/DIRECTORY_02_ABCDEFGHIJKLMNOPQR/DIRECTORY_03_ABCDEFGHIJKLMNOPQR/DIRECTORY_04_ABCDEFGHIJKLMNOPQR/DIRECTORY_05_ABCDEFGHIJKLMNOPQR/DEEP.TXT

# src/: a file whose path is 268 characters long, a short one, a symlink
make_src() {
	local d=src i
	for i in 1 2 3 4 5; do
		d=$d/${LONG/01/0$i}
	done
	mkdir -p "$d"
	echo "deep" >"$d/deep.txt"
	echo "short" >src/short.txt
	deep_dir3=/${LONG}/${LONG/01/02}/${LONG/01/03}
}

t_no_rockridge_warns_of_what_joliet_cannot_hold() {
	make_src
	ln -s short.txt src/link
	run mkms --no-rockridge -o n.iso src
	assert_eq 0 "$rc" "exit status"
	assert_grep "warning: '$deep_dir3' and all it holds are left out of the Joliet tree" err
	assert_grep "warning: symbolic link '/link' is left out" err
	isoinfo -f -i n.iso >iso.list
	assert_grep "^$ISO_DEEP" iso.list
	isoinfo -J -f -i n.iso >joliet.list
	assert_grep "^/short.txt\$" joliet.list
	assert_no_grep "deep.txt" joliet.list
	# with Rock Ridge the next session keeps them: no warning
	expect_ok mkms -o r.iso src
	run mkms -q --no-rockridge -o q.iso src
	[ -s err ] && fail "-q left warnings: $(cat err)"
	return 0
}

t_session_that_would_drop_files_refused() {
	make_src
	expect_ok mkms -q --no-rockridge -M d.iso -o s1.iso src
	expect_ok burnms -d d.iso s1.iso
	echo "two" >two.txt
	expect_refused 4 d.iso -- mkms -M d.iso -o s2.iso two.txt
	assert_grep "the last session of 'd.iso' has no Rock Ridge" err
	assert_grep "'$ISO_DEEP'" err
	# with Rock Ridge in the new session the import is the same
	expect_refused 4 d.iso -- mkms -M d.iso -o s2.iso --allow-empty
	assert_grep "'$ISO_DEEP'" err
	# a snapshot holds both trees and tells the same
	expect_ok lsms --export d.mss d.iso
	expect_refused 4 d.mss -- mkms -M d.mss -o s2.iso two.txt
	assert_grep "'$ISO_DEEP'" err
	expect_ok mkms -M d.mss -o s2.iso --rm "$ISO_DEEP" two.txt
	# naming the file, or a directory above it in any case, drops it
	expect_ok mkms -M d.iso -o s2.iso --rm "$ISO_DEEP" two.txt
	lower=$(echo "${ISO_DEEP%/*/*/*}" | tr A-Z a-z)
	expect_ok mkms -M d.iso -o s2.iso --rm "$lower" two.txt
	expect_ok burnms -d d.iso s2.iso
	extract_newest d.iso got
	[ -e got/two.txt ] && [ -e got/short.txt ] ||
		fail "newest tree: $(find got)"
}

t_xorriso_base_without_rockridge_refused() {
	make_src
	xorriso -dev x.iso -rockridge off -joliet on -map src / -commit \
		>/dev/null 2>&1 || fail "xorriso base"
	echo "two" >two.txt
	expect_refused 4 x.iso -- mkms -M x.iso -o s2.iso two.txt
	assert_grep "has no Rock Ridge" err
	assert_grep "DEEP.TXT'" err
}

# Nothing lost, nothing said: a base without Rock Ridge whose Joliet tree
# holds everything, and a base with Rock Ridge and long paths.
t_complete_bases_continue_quietly() {
	mkdir -p small
	echo a >small/a.txt
	expect_ok mkms --no-rockridge -M j.iso -o s1.iso small
	expect_ok burnms -d j.iso s1.iso
	echo b >b.txt
	expect_ok mkms -M j.iso -o s2.iso b.txt
	make_src
	expect_ok mkms -M r.iso -o r1.iso src
	expect_ok burnms -d r.iso r1.iso
	expect_ok mkms -M r.iso -o r2.iso b.txt
}

run_tests
