#!/bin/bash
# mkms: sessions that change nothing, outputs that would destroy a disc,
# addresses past ISO 9660's reach, and what the volume id and graft points
# look like to other readers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"

# d.iso: a disc file with one session holding src/.
make_disc() {
	mkdir -p src
	echo "one" >src/one.txt
	new_session d.iso src
}

assert_no_temporary_files() {
	find . -name '.*.mkms-*' >tmp.list
	assert_eq "" "$(cat tmp.list)" "temporary files"
}

t_unchanged_session_is_nothing_to_do() {
	make_disc
	expect_refused 7 d.iso -- mkms -M d.iso -o n.iso
	assert_grep "^mkms: nothing to do: no pathspec and no --rm" err
	assert_grep "allow-empty" err
	# quiet runs say it too: it is the reason for the exit status
	expect_refused 7 d.iso -- mkms -q -M d.iso -o n.iso
	assert_grep "nothing to do" err
}

t_nothing_to_do_on_stdout_is_the_marker() {
	make_disc
	expect_refused 7 d.iso -- mkms -M d.iso -o -
	printf 'mstools_nothing_v1\n' >want
	assert_same_file want out
	assert_eq 19 "$(stat -c %s out)" "marker size"
	assert_grep "nothing to do" err
}

t_allow_empty_builds_the_unchanged_session() {
	make_disc
	expect_ok mkms --allow-empty -M d.iso -o n.iso
	expect_ok burnms -d d.iso n.iso
	assert_eq 2 "$(xorriso_toc d.iso | wc -l)" "sessions"
	extract_newest d.iso got
	assert_same_tree src got
}

# A first session needs something to hold: an empty one is nothing to do
# too, with or without a medium.
t_empty_first_session_is_nothing_to_do() {
	expect_refused 7 blank.iso -- mkms -M blank.iso -o n.iso
	assert_grep "nothing to do: no pathspec, so the image would be empty" err
	expect_refused 7 n.iso -- mkms -o n.iso
	assert_grep "nothing to do" err
	expect_refused 7 -- mkms --fresh -o -
	assert_eq mstools_nothing_v1 "$(cat out)" "marker"
	expect_ok mkms --allow-empty -o n.iso
	xorriso -indev n.iso -find / 2>/dev/null >list
	assert_eq "'/'" "$(cat list)" "tree of the empty image"
}

# A removal alone changes the tree: not nothing to do.
t_removal_alone_is_a_change() {
	make_disc
	expect_ok mkms -M d.iso -o n.iso --rm /one.txt
	expect_ok burnms -d d.iso n.iso
	extract_newest d.iso got
	[ -e got/one.txt ] && fail "/one.txt is still in the newest tree"
	return 0
}

# The cron pipeline: without pipefail, the script sees burnms' status.
t_nothing_to_do_through_a_pipe_leaves_the_disc_alone() {
	make_disc
	expect_refused 7 d.iso -- bash -c 'mkms -M d.iso -o - | burnms -d d.iso -'
	assert_grep "nothing to do" err
}

t_output_over_a_disc_file_refused() {
	make_disc
	echo "two" >two.txt
	# arguments swapped: the disc named as the output
	expect_refused 4 d.iso -- mkms -o d.iso two.txt
	assert_grep "output 'd.iso' is a disc holding 1 session" err
	assert_grep "\-\-force" err
	# a disc that xorriso grew is a disc too
	xorriso -dev x.iso -map src / -commit >/dev/null 2>&1 ||
		fail "xorriso session 1"
	xorriso -dev x.iso -map two.txt /two.txt -commit >/dev/null 2>&1 ||
		fail "xorriso session 2"
	expect_refused 4 x.iso d.iso -- mkms -M d.iso -o x.iso two.txt
	assert_grep "output 'x.iso' is a disc holding 2 sessions" err
	# and so is a snapshot of one
	expect_ok lsms --export d.mss d.iso
	expect_refused 4 d.mss -- mkms -o d.mss two.txt
	assert_grep "output 'd.mss' is a snapshot of a disc" err
	# --force means it
	expect_ok mkms --force -o x.iso two.txt
	expect_ok lsms x.iso
	assert_no_temporary_files
}

t_output_over_a_previous_image_is_fine() {
	make_disc
	echo "two" >two.txt
	echo "three" >three.txt
	expect_ok mkms -M d.iso -o n.iso two.txt
	expect_ok mkms -M d.iso -o n.iso three.txt
	expect_ok burnms -d d.iso n.iso
	extract_newest d.iso got
	[ -e got/three.txt ] || fail "three.txt missing"
	[ -e got/two.txt ] && fail "the first image was burned"
	# a standalone image (no -M) is an image, not a disc
	expect_ok mkms -o s.iso two.txt
	expect_ok mkms -o s.iso three.txt
	# any other file is replaced, as before
	echo "notes" >notes.txt
	expect_ok mkms -o notes.txt two.txt
	expect_ok lsms notes.txt
}

t_output_that_is_the_medium_refused_even_with_force() {
	make_disc
	expect_refused 2 d.iso -- mkms --force -M d.iso -o d.iso src
	assert_grep "output 'd.iso' is the medium itself" err
	expect_refused 2 d.iso -- mkms --force -M stdio:d.iso -o ./d.iso src
	assert_grep "output './d.iso' is the medium itself" err
}

t_addresses_past_32_bits_refused() {
	echo a >a
	expect_refused 2 n.iso -- mkms -C 4294967295,4294967295 -o n.iso a
	assert_grep "no session fits at block 4294967295" err
	# the descriptors fit, the image would not
	expect_refused 2 n.iso -- mkms -C 4294967270,4294967270 -o n.iso a
	assert_grep "would end past block 4294967295" err
	expect_refused 2 n.iso -- mkms -C 4294967295,5 -o n.iso a
	assert_grep "bad -C '4294967295,5'" err
	# the last image that still fits is built
	expect_ok mkms -C 4294967000,4294967000 -o n.iso a
	blocks=$(( $(stat -c %s n.iso) / 2048 ))
	[ $((4294967000 + blocks)) -le 4294967295 ] ||
		fail "image of $blocks blocks ends past block 4294967295"
}

t_lowercase_volume_id_warns_and_joliet_keeps_it() {
	echo a >a
	run mkms -V "lower case id" -o n.iso a
	assert_eq 0 "$rc" "exit status"
	assert_grep "warning: volume id 'lower case id' is 'LOWER_CASE_ID' in the ISO 9660 tree" err
	isoinfo -d -i n.iso | sed -n 's/^Volume id: //p' >pvd
	assert_eq LOWER_CASE_ID "$(cat pvd)" "ISO 9660 volume id"
	# blkid takes the label from the Joliet descriptor
	assert_eq "lower case id" "$(blkid -p -s LABEL -o value n.iso)" \
		"Joliet volume id"
	run mkms -V "a very long lower case volume id" -o l.iso a
	assert_grep "Joliet readers see its first 16 characters" err
	expect_ok mkms -V "UPPER_CASE_ID" -o u.iso a
	expect_ok mkms -q -V "lower" -o q.iso a
}

t_graft_point_directory_keeps_its_source_time() {
	mkdir -p src/sub
	echo x >src/sub/file
	chmod 750 src
	touch -d 2001-02-03T04:05:06Z src src/sub
	expect_ok mkms -o n.iso /dst=src /a/b=src
	xorriso -indev n.iso -find / -type d -exec lsdl 2>/dev/null >list
	grep -q "^drwxr-x--- .* Feb  3  2001 '/dst'\$" list ||
		fail "/dst lacks the source's mode and time: $(cat list)"
	grep -q "Feb  3  2001 '/a/b'\$" list ||
		fail "/a/b lacks the source's time: $(cat list)"
	grep -q "Feb  3  2001 '/dst/sub'\$" list ||
		fail "/dst/sub lacks its time: $(cat list)"
	# the parent made for the graft point is new
	grep "'/a'\$" list | grep -q 2001 && fail "/a has the source's time"
	return 0
}

# stdin of script(1) is a terminal, so --progress=auto would draw.
t_no_progress_line_into_a_pipe() {
	export SOURCE_DATE_EPOCH=1700000000
	head -c 3000000 /dev/urandom >big
	script -qec "mkms -o - big | cat >p1.iso" /dev/null >tty1 ||
		fail "mkms into a pipe"
	assert_eq 0 "$(stat -c %s tty1)" "terminal output into a pipe"
	script -qec "mkms --progress=always -o - big | cat >p2.iso" \
		/dev/null >tty2 || fail "mkms --progress=always"
	assert_grep "mkms.*100%" tty2
	script -qec "mkms -o p3.iso big" /dev/null >tty3 || fail "mkms -o file"
	assert_grep "mkms.*100%" tty3
	script -qec "mkms -o - big >p4.iso" /dev/null >tty4 ||
		fail "mkms -o - >file"
	assert_grep "mkms.*100%" tty4
	assert_same_file p1.iso p2.iso
}

# A byte of a disc file, as a number.
byte_at() {
	od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '
}

poke() {
	printf "\\$(printf %03o "$3")" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# Three bytes of the directory records of /sub/ and / changed, as a
# mutation run found them: libisofs imports a file of nonsense from the
# misparsed ".." record and fails to lay out the next session for want of
# memory.  The user must hear that the disc's tree is damaged.
t_damaged_directory_record_named_as_such() {
	# the records hold times: fixed ones keep the damaged bytes the same
	export SOURCE_DATE_EPOCH=1700000000
	mkdir -p src/sub
	echo x >src/sub/y
	touch -d @1700000000 src/sub/y src/sub src
	expect_ok mkms --no-md5 -M d.iso -o s1.iso src
	expect_ok burnms -d d.iso s1.iso
	start=$(last_start d.iso)
	root=$(root_block d.iso "$start")
	# the records of /: ".", "..", then "sub" with its extent at +2
	len0=$(byte_at d.iso $((root * 2048)))
	len1=$(byte_at d.iso $((root * 2048 + len0)))
	sub=$(od -An -tu4 -j $((root * 2048 + len0 + len1 + 2)) -N4 d.iso |
		tr -d ' ')
	[ "$(byte_at d.iso $((sub * 2048 + 96)))" = 96 ] ||
		fail "unexpected layout of /sub/"
	poke d.iso $((root * 2048 + 147)) 132
	poke d.iso $((sub * 2048 + 96)) 177
	poke d.iso $((sub * 2048 + 162)) 51
	echo z >z.txt
	expect_refused 1 d.iso -- mkms -M d.iso -o n.iso z.txt
	assert_grep "the directory tree of the last session of 'd.iso' (at block $start) is damaged (libisofs: Memory allocation error)" err
}

run_tests
