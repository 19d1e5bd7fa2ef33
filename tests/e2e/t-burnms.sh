#!/bin/bash
# burnms: sessions written to disc files, refusals that leave the medium
# untouched, and crashes that never lose an older session.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"

# A disc of two sessions made by mkms and burnms; exp/ holds its tree.
two_sessions() {
	mkdir -p s1/docs s2 exp
	echo "first" >s1/docs/a.txt
	head -c 200000 /dev/urandom >s1/blob.bin
	echo "second" >s2/b.txt
	new_session "${1:-d.iso}" s1
	new_session "${1:-d.iso}" s2
	cp -a s1/. s2/. exp/
}

# The medium shows exactly these sessions to lsms and xorriso, and bsdtar
# reads back exactly the tree in want_dir.
assert_disc() {
	local disc=$1 sessions=$2 want_dir=$3
	expect_ok lsms_toc "$disc"
	assert_eq "$sessions" "$(cat out)" "lsms's sessions"
	assert_eq "$sessions" "$(xorriso_toc "$disc")" "xorriso's sessions"
	expect_ok lsms "$disc"
	rm -rf got.tree
	extract_newest "$disc" got.tree
	assert_same_tree "$want_dir" got.tree
}

# assert_md5_tags DISC N: xorriso -check_media finds N sessions with MD5
# tags (mkms's), all matching, and every block readable
assert_md5_tags() {
	xorriso -md5 on -indev "$1" -check_media -- >media.out 2>&1 ||
		fail "xorriso -check_media: $(tail -n 3 media.out)"
	assert_no_grep "mismatch" media.out
	assert_no_grep "^Media region .* - " media.out
	assert_eq "$2" "$(grep -c '^MD5 tag range: .* + md5_match$' media.out)" \
		"sessions with matching MD5 tags"
}

image_blocks() {
	echo $(( $(stat -c %s "$1") / 2048 ))
}

# --- the two pipelines -------------------------------------------------------

t_image_file_adds_exactly_one_session() {
	two_sessions
	before=$(xorriso_toc d.iso)
	nwa=$(lsms --msinfo d.iso | cut -d, -f2)
	mkdir new
	echo "third" >new/c.txt
	head -c 100000 /dev/urandom >new/c.bin
	expect_ok mkms -M d.iso -o n.iso new
	expect_ok burnms -d d.iso n.iso
	cp -a new/. exp/
	assert_disc d.iso "$before
$nwa $(image_blocks n.iso) MSTOOLS" exp
	# every older session still reads back as it was
	extract_session d.iso 32 old1
	assert_same_tree s1 old1
	assert_eq "0,$(( (nwa + $(image_blocks n.iso) + 31) / 32 * 32 ))" \
		"$(xorriso -as cdrecord -msinfo --grow_overwriteable_iso \
		   dev=d.iso 2>/dev/null)" "xorriso's msinfo"
	assert_eq "$(xorriso -as cdrecord -msinfo --grow_overwriteable_iso \
		dev=d.iso 2>/dev/null)" "$(lsms --msinfo d.iso)" "lsms's msinfo"
}

t_image_stream_adds_exactly_one_session() {
	two_sessions
	before=$(xorriso_toc d.iso)
	nwa=$(lsms --msinfo d.iso | cut -d, -f2)
	mkdir new
	head -c 3000000 /dev/urandom >new/c.bin
	run bash -o pipefail -c 'mkms -M d.iso -o - new | burnms -d d.iso -'
	assert_eq 0 "$rc" "exit status"
	[ -s err ] && fail "the pipeline wrote to stderr: $(head -n 3 err)"
	cp -a new/. exp/
	blocks=$(lsms --json d.iso | jq '.sessions[2].blocks')
	assert_disc d.iso "$before
$nwa $blocks MSTOOLS" exp
	7z l -slt d.iso | sed -n 's/^Path = //p' | grep -v '^d.iso$' |
		LC_ALL=C sort >7z.list
	assert_eq "$(cd exp && find . -mindepth 1 -printf '%P\n' |
		LC_ALL=C sort)" "$(cat 7z.list)" "7z's names"
}

t_first_session_on_a_missing_file() {
	mkdir s1
	echo one >s1/one.txt
	expect_ok mkms -M new.iso -o n.iso s1
	[ -e new.iso ] && fail "mkms created the medium"
	expect_ok burnms -d new.iso n.iso
	assert_disc new.iso "32 $(image_blocks n.iso) MSTOOLS" s1
}

t_verify_reads_the_session_back() {
	two_sessions
	mkdir new
	head -c 1000000 /dev/urandom >new/v.bin
	expect_ok mkms -M d.iso -o n.iso new
	expect_exit 0 burnms --verify -d d.iso n.iso
	assert_eq "burnms: verified: the $(image_blocks n.iso) blocks read back from 'd.iso' match the image" \
		"$(cat err)" "what --verify says"
	cp -a new/. exp/
	extract_newest d.iso x
	assert_same_tree exp x
	xorriso -md5 on -indev d.iso -check_md5_r sorry / -- >md5.out 2>&1 ||
		fail "xorriso -check_md5_r: $(tail -n 3 md5.out)"
	assert_grep "File contents and their MD5 checksums match" md5.out
	assert_md5_tags d.iso 3
	# a first session on a new file, and one after blanking
	expect_ok mkms -M new.iso -o first.iso new
	expect_ok burnms -q --verify -d new.iso first.iso
	expect_ok burnms -q --blank --verify -d d.iso first.iso
	assert_disc d.iso "32 $(image_blocks first.iso) MSTOOLS" new
}

t_dummy_writes_nothing() {
	two_sessions
	mkdir new
	echo new >new/n.txt
	expect_ok mkms -M d.iso -o n.iso new
	sum=$(md5_of d.iso)
	nwa=$(lsms --msinfo d.iso | cut -d, -f2)
	expect_ok burnms --dummy -d d.iso n.iso
	next=$(( (nwa + $(image_blocks n.iso) + 31) / 32 * 32 ))
	assert_eq "would write $(image_blocks n.iso) blocks at block $nwa of 'd.iso' as session 3; the session after it would start at block $next" \
		"$(cat out)" "dummy report"
	assert_eq "$sum" "$(md5_of d.iso)" "the medium's checksum"
	expect_ok burnms --dummy --blank -d d.iso
	assert_eq "$sum" "$(md5_of d.iso)" "the medium's checksum"
	expect_ok burnms -d d.iso n.iso
	assert_eq "$next" "$(lsms --msinfo d.iso | cut -d, -f2)" "predicted NWA"
}

t_blank_invalidates_the_head_and_keeps_the_data() {
	two_sessions
	tail -c +65537 d.iso | md5sum >data.before
	expect_ok burnms --blank -d d.iso
	tail -c +65537 d.iso | md5sum >data.after
	assert_eq "$(cat data.before)" "$(cat data.after)" "data beyond block 32"
	expect_ok lsms --json d.iso
	assert_eq "blank 32 0" \
		"$(jq -r '"\(.status) \(.next_writable) \(.sessions | length)"' out)" \
		"lsms's view"
	xorriso -indev d.iso -toc 2>/dev/null >toc
	assert_grep "^Media status : is blank" toc
	# a blank medium takes a first session again
	mkdir fresh
	echo fresh >fresh/f.txt
	expect_ok mkms -M d.iso -o n.iso fresh
	expect_ok burnms -d d.iso n.iso
	assert_disc d.iso "32 $(image_blocks n.iso) MSTOOLS" fresh
}

t_foreign_genisoimage_session_is_written() {
	two_sessions
	before=$(xorriso_toc d.iso)
	msinfo=$(lsms --msinfo d.iso)
	mkdir g
	echo "from genisoimage" >g/g.txt
	genisoimage -quiet -R -J -V GENISO -C "$msinfo" -M d.iso -o g.iso g \
		2>/dev/null || fail "genisoimage"
	expect_refused 3 d.iso -- burnms -d d.iso g.iso
	assert_grep "image 'g.iso' has no link record" err
	expect_ok burnms --foreign -d d.iso g.iso
	cp -a g/. exp/
	assert_disc d.iso "$before
${msinfo#*,} $(image_blocks g.iso) GENISO" exp
}

t_mixed_authorship_with_xorriso() {
	mkdir -p x1 m2 x3 m4 exp
	echo "xorriso 1" >x1/x1.txt
	echo "mkms 2" >m2/m2.txt
	echo "xorriso 3" >x3/x3.txt
	head -c 100000 /dev/urandom >m4/m4.bin
	xorriso -dev d.iso -volid XORRISO1 -map x1 / -commit >/dev/null 2>&1 ||
		fail "xorriso session 1"
	expect_ok mkms -M d.iso -V MKMS2 -o n.iso m2
	expect_ok burnms -d d.iso n.iso
	xorriso -dev d.iso -volid XORRISO3 -map x3 / -commit >/dev/null 2>&1 ||
		fail "xorriso session 3"
	expect_ok mkms -M d.iso -V MKMS4 -o n.iso m4
	expect_ok burnms -d d.iso n.iso
	cp -a x1/. m2/. x3/. m4/. exp/
	expect_ok lsms_toc d.iso
	assert_eq 4 "$(wc -l <out)" "session count"
	assert_eq "XORRISO1 MKMS2 XORRISO3 MKMS4" \
		"$(cut -d' ' -f3 out | tr '\n' ' ' | sed 's/ $//')" "volume ids"
	assert_disc d.iso "$(cat out)" exp
	assert_eq "$(xorriso -as cdrecord -msinfo --grow_overwriteable_iso \
		dev=d.iso 2>/dev/null)" "$(lsms --msinfo d.iso)" "msinfo"
	assert_md5_tags d.iso 2
}

# --- refusals: exit code, message, and the medium's bytes unchanged ---------

t_image_for_another_disc_refused() {
	two_sessions a.iso
	mkdir other
	echo other >other/o.txt
	new_session b.iso other
	expect_ok mkms -M a.iso -o for-a.iso other
	a_msinfo=$(lsms --msinfo a.iso)
	b_msinfo=$(lsms --msinfo b.iso)
	expect_refused 3 b.iso -- burnms -d b.iso for-a.iso
	assert_grep "^burnms: image 'for-a.iso' was built for a disc whose last session starts at $(last_start a.iso) with NWA ${a_msinfo#*,}; 'b.iso' has its last session at 32 with NWA ${b_msinfo#*,}\$" err
	expect_refused 3 b.iso -- burnms --dummy -d b.iso for-a.iso
}

# Two discs alike in every address: only the fingerprint tells them apart.
# It covers the volume descriptors, so the two differ in their volume ids
# (discs whose descriptors are equal byte for byte share a fingerprint).
t_image_for_a_twin_disc_refused_by_fingerprint() {
	mkdir a b new
	echo aaaa >a/same-size.txt
	echo bbbb >b/same-size.txt
	echo new >new/n.txt
	expect_ok mkms -V DISC_A -M a.iso -o a1.iso a
	expect_ok burnms -d a.iso a1.iso
	expect_ok mkms -V DISC_B -M b.iso -o b1.iso b
	expect_ok burnms -d b.iso b1.iso
	assert_eq "$(lsms --msinfo a.iso)" "$(lsms --msinfo b.iso)" "msinfo"
	expect_ok mkms -M a.iso -o for-a.iso new
	expect_refused 3 b.iso -- burnms -d b.iso for-a.iso
	assert_grep "the addresses match, but the fingerprint of 'b.iso' is [0-9a-f]\{32\}, not [0-9a-f]\{32\}\$" err
}

# Same names, sizes, volume id and times: the descriptor sets are equal,
# and only the session checksum tag (the MD5 of the data) tells the discs
# apart.
t_image_for_an_identical_looking_disc_refused() {
	mkdir a b new
	echo aaaa >a/same-size.txt
	echo bbbb >b/same-size.txt
	echo new >new/n.txt
	export SOURCE_DATE_EPOCH=1700000000
	touch -d @1700000000 a/same-size.txt b/same-size.txt a b
	expect_ok mkms -M a.iso -o a1.iso a
	expect_ok burnms -d a.iso a1.iso
	expect_ok mkms -M b.iso -o b1.iso b
	expect_ok burnms -d b.iso b1.iso
	cmp -s <(dd if=a.iso bs=2048 skip=48 count=3 status=none) \
	       <(dd if=b.iso bs=2048 skip=48 count=3 status=none) ||
		fail "the descriptor sets differ; the test needs them equal"
	expect_ok mkms -M a.iso -o for-a.iso new
	expect_refused 3 b.iso -- burnms -d b.iso for-a.iso
	assert_grep "fingerprint of 'b.iso'" err
	# and without checksum tags the two discs cannot be told apart
	rm -f a.iso b.iso
	mkms --no-md5 -M a.iso -o - a | burnms -d a.iso - || fail "disc a"
	mkms --no-md5 -M b.iso -o - b | burnms -d b.iso - || fail "disc b"
	assert_eq "$(lsms -j a.iso | jq -r .fingerprint)" \
		"$(lsms -j b.iso | jq -r .fingerprint)" "fingerprints without tags"
}

t_disc_changed_by_burnms_refused() {
	two_sessions
	mkdir n1 n2
	echo one >n1/one.txt
	echo two >n2/two.txt
	last=$(last_start d.iso)
	expect_ok mkms -M d.iso -o first.iso n1
	expect_ok mkms -M d.iso -o second.iso n2
	expect_ok burnms -d d.iso first.iso
	expect_refused 3 d.iso -- burnms -d d.iso second.iso
	assert_grep "image 'second.iso' was built for a disc whose last session starts at $last with" err
	# the same image twice is a changed disc too
	expect_refused 3 d.iso -- burnms -d d.iso first.iso
}

t_disc_changed_by_xorriso_refused() {
	two_sessions
	mkdir n1 x
	echo one >n1/one.txt
	echo xorriso >x/x.txt
	last=$(last_start d.iso)
	expect_ok mkms -M d.iso -o n.iso n1
	xorriso -dev d.iso -map x /x -commit >/dev/null 2>&1 || fail "xorriso"
	expect_refused 3 d.iso -- burnms -d d.iso n.iso
	assert_grep "image 'n.iso' was built for a disc whose last session starts at $last with" err
	run bash -c 'cat n.iso | burnms -d d.iso -'
	assert_eq 3 "$rc" "exit status of the stream"
}

t_fresh_image_on_a_written_disc_refused() {
	two_sessions
	mkdir f
	echo fresh >f/f.txt
	expect_ok mkms --fresh -M d.iso -o fresh.iso f
	expect_refused 4 d.iso -- burnms -d d.iso fresh.iso
	assert_grep "^burnms: image 'fresh.iso' is a first session for a blank medium, but 'd.iso' is appendable with 2 sessions\$" err
	expect_ok mkms -o standalone.iso f
	expect_refused 4 d.iso -- burnms -d d.iso standalone.iso
}

t_image_built_for_a_disc_on_a_blank_one_refused() {
	two_sessions
	mkdir n
	echo n >n/n.txt
	expect_ok mkms -M d.iso -o n.iso n
	: >empty.iso
	expect_refused 3 empty.iso -- burnms -d empty.iso n.iso
	assert_grep "image 'n.iso' was built for a disc with 2 sessions, but 'empty.iso' is blank" err
	# a standalone image at 0 does not fit a file's first session at 32
	expect_ok mkms -o standalone.iso n
	expect_refused 3 empty.iso -- burnms -d empty.iso standalone.iso
	assert_grep "built to start at block 0, but a first session on 'empty.iso' starts at block 32" err
}

# --blank with an image: the image is judged before anything is blanked
t_blank_with_a_refused_image_leaves_the_disc() {
	two_sessions
	mkdir n
	echo n >n/n.txt
	expect_ok mkms -M d.iso -o n.iso n
	expect_refused 3 d.iso -- burnms --blank -d d.iso n.iso
	assert_grep "image 'n.iso' was built for a disc with 2 sessions" err
	assert_disc d.iso "$(xorriso_toc d.iso)" exp
	expect_ok mkms -M d.iso -o s.iso n
	expect_refused 4 s.iso -- burnms --blank -d s.iso n.iso
	assert_grep "'s.iso' is a session image, not a medium" err
	expect_refused 4 s.iso -- burnms --blank -d s.iso
	assert_grep "^burnms: 's.iso' is a session image, not a medium\$" err
}

t_unsuitable_medium_refused() {
	mkdir s
	echo s >s/s.txt
	expect_ok mkms -o n.iso s
	head -c 200000 /dev/urandom >r.bin
	expect_refused 4 r.bin -- burnms -d r.bin n.iso
	assert_grep "no ISO 9660 primary volume descriptor at block 16" err
	expect_ok mkms -M d.iso -o s.iso s
	expect_refused 4 s.iso -- burnms -d s.iso n.iso
	assert_grep "'s.iso' is a session image, not a medium" err
	mkdir dir.iso
	expect_exit 4 burnms -d dir.iso n.iso
	assert_grep "'dir.iso' is a directory, not a medium" err
}

t_image_without_link_record_refused() {
	two_sessions
	mkdir g
	echo g >g/g.txt
	genisoimage -quiet -R -J -C "$(lsms --msinfo d.iso)" -M d.iso -o g.iso g \
		2>/dev/null || fail "genisoimage"
	expect_refused 3 d.iso -- burnms -d d.iso g.iso
	assert_grep "^burnms: image 'g.iso' has no link record (it was not made by mkms)" err
	# --foreign still checks the addresses: built for another NWA
	genisoimage -quiet -R -J -C "0,$(( $(lsms --msinfo d.iso | cut -d, -f2) + 320 ))" \
		-M d.iso -o far.iso g 2>/dev/null || fail "genisoimage"
	expect_refused 3 d.iso -- burnms --foreign -d d.iso far.iso
	assert_grep "image 'far.iso' keeps its root directory at block [0-9]*, outside blocks .*: it was built for another address" err
	expect_refused 2 d.iso -- bash -c 'cat g.iso | burnms --foreign -d d.iso -'
	assert_grep "needs the image as a file" err
}

t_damaged_link_record_refused() {
	two_sessions
	mkdir n
	echo n >n/n.txt
	expect_ok mkms -M d.iso -o n.iso n
	# one digit of the record's start address, its checksum left alone
	off=$(head -c 100 n.iso | grep -b -o 'start=[0-9]' | head -n 1 |
		cut -d: -f1)
	printf 9 | dd of=n.iso bs=1 seek=$((off + 6)) conv=notrunc status=none
	expect_refused 6 d.iso -- burnms -d d.iso n.iso
	assert_grep "^burnms: the link record of image 'n.iso' is damaged" err
}

t_truncated_image_refused() {
	two_sessions
	mkdir n
	head -c 500000 /dev/urandom >n/n.bin
	expect_ok mkms -M d.iso -o n.iso n
	truncate -s $(( ($(image_blocks n.iso) - 10) * 2048 )) n.iso
	expect_refused 6 d.iso -- burnms -d d.iso n.iso
	assert_grep "image 'n.iso' has [0-9]* blocks, but its volume descriptor says" err
	# a stream cannot be measured first: it fails when it ends, and the
	# disc keeps its sessions
	before=$(xorriso_toc d.iso)
	run bash -c 'cat n.iso | burnms -d d.iso -'
	assert_eq 1 "$rc" "exit status of the stream"
	assert_grep "image '-' ended after [0-9]* of its [0-9]* blocks" err
	assert_disc d.iso "$before" exp
	# a medium that the failed write would have created is not left
	expect_ok mkms -M new.iso -o first.iso n
	expect_refused 1 new.iso -- \
		bash -c 'head -c 98304 first.iso | burnms -d new.iso -'
	assert_grep "image '-' ended after 48 of its" err
}

# Not enough space: a small tmpfs in a private mount namespace holds the
# medium, so that its file system has less room than the image needs.
t_not_enough_space_refused() {
	if ! unshare -Urm true 2>/dev/null; then
		skip "no user namespaces here to mount a small tmpfs"
		return 0
	fi
	two_sessions
	mkdir n small
	head -c 2000000 /dev/urandom >n/big.bin
	expect_ok mkms -q -M d.iso -o n.iso n
	unshare -Urm sh -c '
		mount -t tmpfs -o size=1m none small || exit 99
		cp d.iso small/d.iso
		md5sum <small/d.iso >sum.before
		burnms -d small/d.iso n.iso >out 2>err
		echo $? >rc
		md5sum <small/d.iso >sum.after' || fail "cannot mount a tmpfs"
	assert_eq 5 "$(cat rc)" "exit status"
	assert_grep "^burnms: image 'n.iso' needs $(image_blocks n.iso) blocks plus 0 of session overhead, but 'small/d.iso' has [0-9]* free\$" err
	assert_eq "$(cat sum.before)" "$(cat sum.after)" "the medium's checksum"
}

# --- crashes and concurrency -------------------------------------------------

# feed FIFO FILE BYTES: open the fifo on fd 3 and write the first bytes
feed_start() {
	exec 3>"$1"
	head -c "$3" "$2" >&3
}

# wait_growth FILE SIZE: until FILE is larger than SIZE (10 s at most)
wait_growth() {
	local i
	for i in $(seq 1 100); do
		[ "$(stat -c %s "$1")" -gt "$2" ] && return 0
		sleep 0.1
	done
	fail "'$1' did not grow past $2 bytes"
}

t_sigkill_while_writing_keeps_the_older_sessions() {
	two_sessions
	mkdir big
	head -c 8000000 /dev/urandom >big/big.bin
	expect_ok mkms -M d.iso -o n.iso big
	before=$(xorriso_toc d.iso)
	size=$(stat -c %s d.iso)
	mkfifo stall
	burnms -d d.iso - <stall 2>burnms.err &
	pid=$!
	# the head of the image and a first chunk of data, then nothing
	feed_start stall n.iso 2000000
	wait_growth d.iso "$size"
	kill -KILL "$pid"
	rc=0
	wait "$pid" || rc=$?
	exec 3>&-
	assert_eq 137 "$rc" "exit status (SIGKILL)"
	[ "$(stat -c %s d.iso)" -gt "$size" ] || fail "nothing was written"
	assert_disc d.iso "$before" exp
	assert_md5_tags d.iso 2
	extract_session d.iso 32 old1
	assert_same_tree s1 old1
	# the disc did not change for the image, which can be written now
	expect_ok burnms -d d.iso n.iso
	cp -a big/. exp/
	assert_disc d.iso "$before
$(lsms --json d.iso | jq -r '.sessions[2] | "\(.start) \(.blocks)"') MSTOOLS" exp
}

t_file_size_limit_keeps_the_older_sessions() {
	two_sessions
	mkdir big
	head -c 4000000 /dev/urandom >big/big.bin
	expect_ok mkms -M d.iso -o n.iso big
	before=$(xorriso_toc d.iso)
	# ulimit -f counts 1024-byte units: room for 1 MiB more than now
	limit=$(( $(stat -c %s d.iso) / 1024 + 1024 ))
	expect_refused 1 d.iso -- \
		bash -c "ulimit -f $limit; exec burnms -d d.iso n.iso"
	assert_grep "^burnms: cannot write block.* of 'd.iso'.*File too large" err
	assert_disc d.iso "$before" exp
	expect_refused 1 d.iso -- bash -c "ulimit -f $limit;
		mkms -M d.iso -o - big | exec burnms -d d.iso -"
	assert_grep "File too large" err
	assert_md5_tags d.iso 2
	expect_ok burnms -d d.iso n.iso
	assert_md5_tags d.iso 3
}

t_second_burnms_on_a_busy_medium_fails() {
	two_sessions
	mkdir big other
	head -c 4000000 /dev/urandom >big/big.bin
	echo other >other/o.txt
	expect_ok mkms -M d.iso -o n.iso big
	expect_ok mkms -M d.iso -o o.iso other
	before=$(xorriso_toc d.iso)
	size=$(stat -c %s d.iso)
	mkfifo stall
	burnms -d d.iso - <stall >first.out 2>first.err &
	pid=$!
	feed_start stall n.iso 2000000
	wait_growth d.iso "$size"
	# the first holds the medium inside its write
	expect_exit 8 burnms -d d.iso o.iso
	assert_grep "^burnms: medium busy: 'd.iso' is being written by another process\$" err
	expect_exit 8 burnms -d d.iso n.iso
	assert_grep "medium busy" err
	tail -c +2000001 n.iso >&3
	exec 3>&-
	rc=0
	wait "$pid" || rc=$?
	assert_eq 0 "$rc" "exit status of the first burnms"
	[ -s first.err ] && fail "the first burnms wrote: $(head -n 3 first.err)"
	cp -a big/. exp/
	assert_disc d.iso "$before
$(lsms --json d.iso | jq -r '.sessions[2] | "\(.start) \(.blocks)"') MSTOOLS" exp
	assert_eq 3 "$(lsms --json d.iso | jq '.sessions | length')" "sessions"
	# the loser's image is now for a changed disc
	expect_refused 3 d.iso -- burnms -d d.iso o.iso
}

run_tests
