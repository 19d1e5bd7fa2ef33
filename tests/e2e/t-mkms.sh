#!/bin/bash
# mkms: the sessions it builds, read back by xorriso, bsdtar, 7z and isoinfo.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"

# le_be32 N: N as the both-endian 32-bit field of ISO 9660, for printf
le_be32() {
	local n=$1
	printf '\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x' \
		$((n & 255)) $((n >> 8 & 255)) $((n >> 16 & 255)) \
		$((n >> 24 & 255)) $((n >> 24 & 255)) $((n >> 16 & 255)) \
		$((n >> 8 & 255)) $((n & 255))
}

# append_by_hand DISC IMAGE: DESIGN section 3 without burnms.  The image
# goes to the start its link record names; then blocks 0..31 become the
# image's own, with the volume space size of each PVD and SVD set to
# start + size and whatever follows the terminator zeroed.
append_by_hand() {
	local disc=$1 img=$2 start blocks b type
	start=$(head -c 2048 "$img" | tr -d '\0' |
		sed -n 's/^mstools_link_v1 start=\([0-9]*\) .*/\1/p')
	[ -n "$start" ] || fail "'$img' has no link record"
	blocks=$(( $(stat -c %s "$img") / 2048 ))
	dd if="$img" of="$disc" bs=2048 seek="$start" conv=notrunc,fsync \
		status=none || fail "cannot append '$img'"
	head -c 65536 "$img" >head.bin
	for b in $(seq 16 31); do
		type=$(od -An -tu1 -j $((b * 2048)) -N1 head.bin | tr -d ' ')
		if [ "$type" = 1 ] || [ "$type" = 2 ]; then
			printf "$(le_be32 $((start + blocks)))" |
				dd of=head.bin bs=1 seek=$((b * 2048 + 80)) \
				conv=notrunc status=none
		elif [ "$type" = 255 ]; then
			dd if=/dev/zero of=head.bin bs=2048 seek=$((b + 1)) \
				count=$((31 - b)) conv=notrunc status=none
			break
		fi
	done
	dd if=head.bin of="$disc" bs=2048 conv=notrunc,fsync status=none
	rm -f head.bin
}

t_xorriso_base_three_generations() {
	mkdir -p gen1/docs gen2 gen3
	echo "version one" >gen1/docs/readme.txt
	echo "stays" >gen1/docs/keep.txt
	echo "goes in session 3" >gen1/old.txt
	head -c 300000 /dev/urandom >gen1/blob.bin
	xorriso -dev d.iso -volid BASE -map gen1 / -commit >/dev/null 2>&1 ||
		fail "xorriso base"
	want=$(xorriso_toc d.iso)

	echo "version two, longer than one" >new-readme
	head -c 70000 /dev/urandom >gen2/added.bin
	expect_ok mkms -M d.iso -o s2.iso /docs/readme.txt=new-readme gen2
	start2=$(xorriso -as cdrecord -msinfo --grow_overwriteable_iso \
		dev=d.iso 2>/dev/null | cut -d, -f2)
	append_by_hand d.iso s2.iso
	expect_ok mkms -M d.iso -o s3.iso --rm /old.txt gen3
	start3=$(xorriso -as cdrecord -msinfo --grow_overwriteable_iso \
		dev=d.iso 2>/dev/null | cut -d, -f2)
	append_by_hand d.iso s3.iso

	assert_eq "$want
$start2 $(( $(stat -c %s s2.iso) / 2048 )) BASE
$start3 $(( $(stat -c %s s3.iso) / 2048 )) BASE" "$(xorriso_toc d.iso)" \
		"xorriso's sessions"
	expect_ok lsms_toc d.iso
	assert_eq "$(xorriso_toc d.iso)" "$(cat out)" "lsms's sessions"

	# each generation's own tree, as its own session holds it
	cp -a gen1 exp1
	cp -a exp1 exp2
	cp new-readme exp2/docs/readme.txt
	cp gen2/added.bin exp2/
	cp -a exp2 exp3
	rm exp3/old.txt
	n=1
	for s in 32 "$start2" "$start3"; do
		assert_eq "$(tree_list exp$n)" "$(session_list d.iso "$s")" \
			"tree of session $n"
		extract_session d.iso "$s" x$n
		assert_same_tree exp$n x$n
		n=$((n + 1))
	done
	extract_newest d.iso newest
	assert_same_tree exp3 newest
	xorriso -md5 on -indev d.iso -check_media -- >media.out 2>&1 ||
		fail "xorriso -check_media: $(tail -n 3 media.out)"
	assert_eq 2 "$(grep -c '^MD5 tag range: .* + md5_match$' media.out)" \
		"sessions with matching MD5 tags"
	# the replaced and the removed file still lie in the old sessions
	assert_same_file gen1/docs/readme.txt x1/docs/readme.txt
	assert_same_file gen1/old.txt x2/old.txt
}

t_genisoimage_base_three_generations() {
	mkdir -p gen1/sub gen2 gen3
	echo "first" >gen1/sub/a.txt
	echo "replace me" >gen1/b.txt
	echo "remove me" >gen1/c.txt
	genisoimage -quiet -R -J -V GENISO -o d.iso gen1 2>/dev/null ||
		fail "genisoimage"
	expect_ok lsms_toc d.iso
	assert_eq "0 $(( $(stat -c %s d.iso) / 2048 )) GENISO" "$(cat out)" \
		"a plain image is one session at 0"
	assert_eq "$(xorriso_toc d.iso)" "$(cat out)" "sessions"

	echo "replaced" >gen2/b.txt
	echo "new in 2" >gen2/d.txt
	nwa2=$(lsms --msinfo d.iso | cut -d, -f2)
	new_session d.iso gen2
	nwa3=$(lsms --msinfo d.iso | cut -d, -f2)
	expect_ok mkms -M d.iso -o s3.iso --rm /c.txt gen3
	expect_ok burnms -d d.iso s3.iso

	# growing a plain image keeps one session, for xorriso as for lsms
	expect_ok lsms_toc d.iso
	assert_eq "$(xorriso_toc d.iso)" "$(cat out)" "sessions"
	assert_eq "0 $((nwa3 + $(stat -c %s s3.iso) / 2048)) GENISO" \
		"$(cat out)" "the grown image"
	cp -a gen1 exp2
	cp gen2/* exp2/
	cp -a exp2 exp3
	rm exp3/c.txt
	assert_eq "$(tree_list exp2)" "$(session_list d.iso "$nwa2")" \
		"tree of session 2"
	assert_eq "$(tree_list exp3)" "$(session_list d.iso "$nwa3")" \
		"tree of session 3"
	extract_session d.iso "$nwa2" x2
	assert_same_tree exp2 x2
	extract_newest d.iso newest
	assert_same_tree exp3 newest
	7z l -slt d.iso | sed -n 's/^Path = //p' | grep -v '^d.iso$' |
		LC_ALL=C sort >7z.list
	assert_eq "$(cd exp3 && find . -mindepth 1 -printf '%P\n' |
		LC_ALL=C sort)" "$(cat 7z.list)" "7z's names"
}

t_graft_points_place_files_and_dirs() {
	mkdir -p base tree/inner
	echo base >base/old.txt
	echo readme >README
	echo inner >tree/inner/x.txt
	new_session d.iso base
	new_session d.iso /docs/readme.txt=README /pkg/=README /t=tree
	extract_newest d.iso x
	assert_same_file README x/docs/readme.txt
	assert_same_file README x/pkg/README
	assert_same_file tree/inner/x.txt x/t/inner/x.txt
	assert_same_file base/old.txt x/old.txt
	isoinfo -R -f -i d.iso | LC_ALL=C sort >iso.list
	assert_grep '^/docs/readme.txt$' iso.list
	assert_grep '^/t/inner/x.txt$' iso.list
}

# The names and shapes a tree can have, then read by every reader.
make_odd_tree() {
	local deep i
	mkdir -p "$1/Кириллица" "$1/漢字ディレクトリ" "$1/empty_dir"
	echo "кириллица" >"$1/Кириллица/файл.txt"
	echo "漢字" >"$1/漢字ディレクトリ/文件名.txt"
	long=$(printf 'n%.0s' $(seq 1 60))$(printf 'ёжзий%.0s' $(seq 1 9)).txt
	echo "long" >"$1/$long"
	: >"$1/empty_file"
	deep=$1
	for i in $(seq 1 32); do
		deep=$deep/level$i
	done
	mkdir -p "$deep"
	echo "deep" >"$deep/bottom.txt"
	ln -s "Кириллица/файл.txt" "$1/relative-link"
	ln -s /nonexistent/target "$1/dangling-link"
}

t_unicode_long_deep_empty_and_symlinks() {
	make_odd_tree src
	[ ${#long} -ge 100 ] || fail "the long name has ${#long} characters"
	new_session d.iso src
	# Rock Ridge: every name whole, symlinks as symlinks, 32 levels deep
	assert_eq "$(tree_list src)" "$(session_list d.iso 32)" "xorriso's tree"
	# bsdtar reads the long name because the session that wrote it is
	# the newest; a later session over it is what bsdtar cannot read
	# (t-readers.sh)
	extract_newest d.iso x
	assert_same_tree src x
	[ -L x/relative-link ] || fail "bsdtar sees no symlink"
	assert_eq "Кириллица/файл.txt" "$(readlink x/relative-link)" "target"
	isoinfo -R -f -i d.iso | LC_ALL=C sort >rr.list
	assert_eq "$(cd src && find . -mindepth 1 -printf '/%P\n' |
		LC_ALL=C sort)" "$(cat rr.list)" "isoinfo's Rock Ridge names"
	assert_grep "^/$long\$" rr.list
	[ -f "x/$(cd src && find . -name bottom.txt -printf '%P')" ] ||
		fail "the deep file is missing"
}

t_joliet_names_as_xorriso_makes_them() {
	make_odd_tree src
	new_session d.iso src
	xorriso -outdev x.iso -joliet on -map src / -commit >/dev/null 2>&1 ||
		fail "xorriso"
	for f in d.iso x.iso; do
		xorriso -read_fs norock -indev "$f" -find / 2>/dev/null |
			LC_ALL=C sort >"$f.joliet"
		7z l -slt "$f" | sed -n 's/^Path = //p' | grep -v "^$f\$" |
			LC_ALL=C sort >"$f.7z"
	done
	[ -s x.iso.joliet ] || fail "xorriso lists no Joliet tree"
	assert_eq "$(cat x.iso.joliet)" "$(cat d.iso.joliet)" \
		"Joliet names (xorriso)"
	assert_eq "$(cat x.iso.7z)" "$(cat d.iso.7z)" "Joliet names (7z)"
	# libisofs' rule: name and extension share 64 UCS-2 characters, the
	# dot comes on top, an extension of 3 or more keeps at least 3
	cut=$(grep -m 1 "^'/nnnn" d.iso.joliet | sed "s/^'\\/\\(.*\\)'\$/\\1/")
	assert_eq "${long:0:61}.txt" "$cut" "the cut Joliet name"
	assert_eq 65 "${#cut}" "characters in the cut Joliet name"
	assert_grep "^'/Кириллица/файл.txt'\$" d.iso.joliet
	assert_grep "^'/漢字ディレクトリ/文件名.txt'\$" d.iso.joliet
}

t_fifo_and_socket_are_skipped_with_a_warning() {
	mkdir src
	echo kept >src/kept.txt
	mkfifo src/pipe
	if python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("src/sock")' \
		2>/dev/null; then
		have_sock=1
	else
		have_sock=0
		skip_part "no python3 to make a socket; the fifo is still tested"
	fi
	run mkms -M d.iso -o n.iso src
	assert_eq 0 "$rc" "exit status"
	assert_grep "skipping '.*src/pipe': it is a fifo" err
	[ $have_sock = 0 ] || assert_grep "skipping '.*src/sock': it is a socket" err
	expect_ok burnms -d d.iso n.iso
	bsdtar tf d.iso | LC_ALL=C sort >list
	assert_eq "$(printf '.\nkept.txt')" "$(cat list)" "bsdtar's names"
}

t_source_date_epoch_makes_images_reproducible() {
	export SOURCE_DATE_EPOCH=1700000000
	mkdir -p a b
	echo one >a/one.txt
	echo two >b/two.txt
	expect_ok mkms -M d.iso -o first1.iso a
	touch -a a/one.txt
	sleep 1
	expect_ok mkms -M d.iso -o first2.iso a
	assert_same_file first1.iso first2.iso
	expect_ok burnms -d d.iso first1.iso
	expect_ok mkms -M d.iso -o next1.iso b
	sleep 1
	touch -a a/one.txt b/two.txt
	expect_ok mkms -M d.iso -o next2.iso b
	assert_same_file next1.iso next2.iso
	expect_ok burnms -d d.iso next1.iso
	xorriso -indev d.iso -pvd_info 2>/dev/null >pvd
	assert_grep "Creation Time: 2023111422132000" pvd
}

t_stdout_image_equals_file_image() {
	export SOURCE_DATE_EPOCH=1700000000
	mkdir a b
	echo one >a/one.txt
	head -c 1000000 /dev/urandom >b/two.bin
	new_session d.iso a
	expect_ok mkms -M d.iso -o file.iso b
	expect_ok mkms -M d.iso -o - b
	mv out stream.iso
	assert_same_file file.iso stream.iso
}

# A session shorter than 32 blocks, without MD5 tags, ending the file:
# libisofs looks for tags in 32 blocks from its start, past the file's end.
t_short_session_without_md5_can_be_continued() {
	mkdir a b
	echo one >a/one.txt
	echo two >b/two.txt
	expect_ok mkms --no-md5 -M d.iso -o n1.iso a
	[ "$(stat -c %s n1.iso)" -lt 65536 ] || fail "n1.iso is not short"
	expect_ok burnms -d d.iso n1.iso
	expect_ok mkms --no-md5 -M d.iso -o n2.iso b
	expect_ok burnms -d d.iso n2.iso
	extract_newest d.iso x
	assert_eq "$(printf 'one\ntwo')" "$(cat x/one.txt x/two.txt)" "files"
}

t_no_rockridge_and_volid() {
	mkdir a
	echo one >a/one.txt
	expect_ok mkms --no-rockridge -V PLAINJOLIET -M d.iso -o n.iso a
	expect_ok burnms -d d.iso n.iso
	assert_eq "32 $(( $(stat -c %s n.iso) / 2048 )) PLAINJOLIET" \
		"$(xorriso_toc d.iso)" "sessions"
	expect_ok lsms --json d.iso
	assert_eq "false true" \
		"$(jq -r '.sessions[0] | "\(.rockridge) \(.joliet)"' out)" \
		"rock ridge and joliet (lsms)"
	isoinfo -d -i d.iso >info
	assert_grep "NO Rock Ridge present" info
	assert_grep "Joliet with UCS level 3 found" info
}

# --- slow ------------------------------------------------------------------

t_sparse_file_of_4_5_gib_is_multi_extent() {
	local size=$((4608 * 1024 * 1024)) free
	if [ "${MS_SKIP_SLOW:-0}" = 1 ]; then
		skip "slow test, MS_SKIP_SLOW=1"
		return 0
	fi
	free=$(df -Pk . | awk 'NR == 2 { print $4 }')
	if [ "$free" -lt $((12 * 1024 * 1024)) ]; then
		skip "slow test needs 12 GiB free here, has $((free / 1024)) MiB"
		return 0
	fi
	trap 'rm -f d.iso big/sparse.bin' EXIT
	mkdir a big
	echo small >a/small.txt
	new_session d.iso a
	truncate -s "$size" big/sparse.bin
	printf 'HEAD-of-the-file' | dd of=big/sparse.bin conv=notrunc status=none
	printf 'TAIL-of-the-file' | dd of=big/sparse.bin bs=1 \
		seek=$((size - 16)) conv=notrunc status=none
	run bash -o pipefail -c \
		'mkms --no-md5 -M d.iso -o - big | burnms -d d.iso -'
	[ "$rc" -eq 0 ] || fail "mkms | burnms exited $rc"
	[ -s err ] && fail "mkms | burnms wrote to stderr: $(head -n 3 err)"

	expect_ok lsms_toc d.iso
	assert_eq "$(xorriso_toc d.iso)" "$(cat out)" "sessions"
	assert_eq 2 "$(wc -l <out)" "session count"
	session_list d.iso "$(last_start d.iso)" >list
	assert_grep "^- $size /sparse.bin\$" list
	assert_grep "^- 6 /small.txt\$" list
	xorriso -indev d.iso -find /sparse.bin -exec report_sections \
		2>/dev/null | grep -c "/sparse.bin'\$" >extents
	[ "$(cat extents)" -ge 2 ] || fail "sparse.bin has $(cat extents) extent"
	xorriso -osirrox on -indev d.iso \
		-extract_cut /sparse.bin 0 16 head.got \
		-extract_cut /sparse.bin $((size - 16)) 16 tail.got \
		>/dev/null 2>&1 || fail "xorriso -extract_cut"
	assert_eq HEAD-of-the-file "$(cat head.got)" "first bytes (xorriso)"
	assert_eq TAIL-of-the-file "$(cat tail.got)" "last bytes (xorriso)"
	bsdtar_can_read d.iso
	assert_eq HEAD-of-the-file \
		"$(bsdtar -xOf d.iso sparse.bin | head -c 16)" \
		"first bytes (bsdtar)"
	assert_eq "TAIL-of-the-file $size" \
		"$(bsdtar -xOf d.iso sparse.bin |
		   tee >(wc -c >count) | tail -c 16; sleep 1; echo " $(cat count)")" \
		"last bytes and size (bsdtar)"
	# a later session imports the multi-extent file and keeps it whole
	mkdir c
	echo later >c/later.txt
	new_session d.iso c
	session_list d.iso "$(last_start d.iso)" >list
	assert_grep "^- $size /sparse.bin\$" list
	assert_grep "^- 6 /later.txt\$" list
	xorriso -osirrox on -indev d.iso \
		-extract_cut /sparse.bin $((size - 16)) 16 tail3.got \
		>/dev/null 2>&1 || fail "xorriso -extract_cut"
	assert_eq TAIL-of-the-file "$(cat tail3.got)" "last bytes, session 3"
	rm -f d.iso big/sparse.bin
}

# --- refusals ----------------------------------------------------------------

# A disc of two sessions, and an output directory holding an older image.
refusal_setup() {
	mkdir -p a b dest
	echo one >a/one.txt
	echo two >b/two.txt
	new_session d.iso a
	new_session d.iso b
	echo "an older image" >dest/n.iso
	dir_state dest >dest.before
	disc_md5=$(md5_of d.iso)
}

assert_nothing_written() {
	dir_state dest >dest.after
	assert_eq "$(cat dest.before)" "$(cat dest.after)" "the output directory"
	[ -z "${disc_md5:-}" ] ||
		assert_eq "$disc_md5" "$(md5_of d.iso)" "the medium's checksum"
}

t_missing_source_refused_before_reading_the_medium() {
	refusal_setup
	head -c 100000 /dev/urandom >r.bin
	# the medium would be refused with 4: the source is judged first
	expect_refused 2 d.iso dest r.bin -- \
		mkms -M r.bin -o dest/n.iso a no-such-source
	assert_grep "^mkms: cannot add 'no-such-source': No such file or directory\$" err
	expect_refused 2 d.iso dest -- mkms -M d.iso -o - /x/y=no-such-source
	assert_grep "cannot add 'no-such-source'" err
	[ -s out ] && fail "mkms wrote to standard output"
	return 0
}

t_output_that_is_the_medium_refused() {
	refusal_setup
	for spec in "d.iso d.iso" "stdio:d.iso ./d.iso" "d.iso $PWD/d.iso"; do
		set -- $spec
		expect_refused 2 d.iso dest -- mkms -M "$1" -o "$2" a
		assert_grep "output '$2' is the medium itself" err
	done
	ln -s d.iso alias.iso
	expect_refused 2 d.iso dest -- mkms -M alias.iso -o d.iso a
	assert_grep "output 'd.iso' is the medium itself" err
}

t_unsuitable_medium_refused() {
	refusal_setup
	head -c 200000 /dev/urandom >r.bin
	expect_refused 4 d.iso dest r.bin -- mkms -M r.bin -o dest/n.iso a
	assert_grep "cannot read the sessions of 'r.bin': no ISO 9660" err
	# a session image is not a medium either
	expect_ok mkms -M d.iso -o s.iso b
	expect_refused 4 d.iso dest s.iso -- mkms -M s.iso -o dest/n.iso a
	assert_grep "'s.iso' is a session image, not a medium" err
	mkdir dir.iso
	expect_refused 4 d.iso dest dir.iso -- mkms -M dir.iso -o dest/n.iso a
	assert_grep "'dir.iso' is a directory, not a medium" err
}

t_corrupt_root_directory_refused() {
	refusal_setup
	start=$(last_start d.iso)
	root=$(root_block d.iso "$start")
	[ "$root" -gt $((start + 16)) ] || fail "root block $root"
	head -c 2048 /dev/urandom |
		dd of=d.iso bs=2048 seek="$root" conv=notrunc status=none
	expect_refused 1 d.iso dest -- mkms -M d.iso -o dest/n.iso a
	assert_grep "cannot import the last session of 'd.iso' (session at block $start," err
	assert_grep "checksum mismatch" err
}

t_corrupt_root_directories_without_md5_refused() {
	mkdir -p a b dest
	echo one >a/one.txt
	echo two >b/two.txt
	expect_ok mkms --no-md5 -M d.iso -o n.iso a
	expect_ok burnms -d d.iso n.iso
	expect_ok mkms --no-md5 -M d.iso -o n.iso b
	expect_ok burnms -d d.iso n.iso
	start=$(last_start d.iso)
	# the ISO 9660 root at start+16, the Joliet root at start+17
	root=$(root_block d.iso "$start")
	jroot=$(root_block d.iso $((start + 1)))
	for b in "$root" "$jroot"; do
		head -c 2048 /dev/urandom |
			dd of=d.iso bs=2048 seek="$b" conv=notrunc status=none
	done
	expect_refused 1 d.iso dest -- mkms -M d.iso -o dest/n.iso a
	assert_grep "cannot import the last session of 'd.iso' (session at block $start, last block read $jroot)" err
}

t_truncated_medium_refused() {
	refusal_setup
	start=$(last_start d.iso)
	truncate -s $(( (start + 20) * 2048 )) d.iso
	expect_refused 1 d.iso dest -- mkms -M d.iso -o dest/n.iso a
	assert_grep "the last session of 'd.iso' is damaged at block $((start + 16)): session 2 at block $start needs" err
	truncate -s $(( (start + 10) * 2048 )) d.iso
	expect_refused 1 d.iso dest -- mkms -M d.iso -o - a
	[ -s out ] && fail "mkms wrote to standard output"
	assert_grep "damaged at block $((start + 16))" err
}

t_rm_of_a_missing_path_refused() {
	refusal_setup
	expect_refused 2 d.iso dest -- \
		mkms -M d.iso -o dest/n.iso --rm /no/such/file a
	assert_grep "^mkms: cannot remove '/no/such/file': no such file or directory in the image\$" err
	expect_refused 2 d.iso dest -- mkms -M d.iso -o dest/n.iso --rm one.txt a
	assert_grep "\-\-rm wants an absolute path in the image, not 'one.txt'" err
}

t_bad_c_refused() {
	refusal_setup
	for c in abc 12 ,5 5, 1,2,3 -1,5 99999999999,5; do
		expect_refused 2 d.iso dest -- mkms -C "$c" -o dest/n.iso a
		assert_grep "bad -C '$c': want two block numbers, last,nwa" err
	done
}

t_c_must_agree_with_m() {
	refusal_setup
	msinfo=$(lsms --msinfo d.iso)
	nwa=${msinfo#*,}
	expect_refused 2 d.iso dest -- \
		mkms -C "0,$((nwa + 32))" -M d.iso -o dest/n.iso a
	assert_grep "\-C 0,$((nwa + 32)) disagrees with 'd.iso', whose msinfo is $msinfo" err
	expect_refused 2 d.iso dest -- mkms -C "7,$nwa" -M d.iso -o dest/n.iso a
	assert_grep "disagrees with 'd.iso'" err
	expect_refused 2 d.iso dest blank.iso -- \
		mkms -C 0,64 -M blank.iso -o dest/n.iso a
	assert_grep "\-C 0,64 disagrees with 'blank.iso': a first session goes to block 32" err
	# cdrecord's msinfo and the real start of the last session both agree
	expect_ok mkms -C "$msinfo" -M d.iso -o c1.iso a
	expect_ok mkms -C "$(last_start d.iso),$nwa" -M d.iso -o c2.iso a
	expect_ok burnms -d d.iso c1.iso
}

# The image goes to a temporary name and is renamed at the end.
t_failed_write_leaves_no_temporary_file() {
	refusal_setup
	head -c 3000000 /dev/urandom >b/big.bin
	expect_refused 1 d.iso dest -- \
		bash -c 'ulimit -f 1000; exec mkms -M d.iso -o dest/n.iso b'
	assert_grep "^mkms: cannot write 'dest/n.iso': File too large\$" err
}

t_terminated_build_leaves_no_temporary_file() {
	refusal_setup
	truncate -s 2G b/sparse.bin
	mkms -M d.iso -o dest/n.iso b 2>err &
	pid=$!
	for i in $(seq 1 100); do
		ls -A dest | grep -q '^\.n\.iso\.mkms-' && break
		sleep 0.1
	done
	ls -A dest | grep -q '^\.n\.iso\.mkms-' ||
		fail "mkms made no temporary file"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_eq 143 "$rc" "exit status (SIGTERM)"
	assert_nothing_written
}

# Not enough room is only a warning for mkms (burnms refuses).  A tiny
# tmpfs in a private mount namespace gives a file medium little free space.
t_image_larger_than_free_space_warns() {
	if ! unshare -Urm true 2>/dev/null; then
		skip "no user namespaces here to mount a small tmpfs"
		return 0
	fi
	mkdir a b small
	echo one >a/one.txt
	head -c 2000000 /dev/urandom >b/big.bin
	new_session d.iso a
	unshare -Urm sh -c '
		mount -t tmpfs -o size=1m none small || exit 99
		cp d.iso small/d.iso
		mkms -M small/d.iso -o n.iso b >out 2>err
		echo $? >rc' || fail "cannot mount a tmpfs"
	assert_eq 0 "$(cat rc)" "exit status"
	assert_grep "^mkms: warning: the image needs [0-9]* blocks with the session overhead, but 'small/d.iso' has [0-9]* free: burnms will refuse it\$" err
	[ "$(stat -c %s n.iso)" -gt 2000000 ] || fail "no image written"
}

run_tests
