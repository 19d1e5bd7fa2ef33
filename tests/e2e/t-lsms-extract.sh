#!/bin/bash
# lsms --cat and --extract: files and trees of any session back out of a
# disc, compared with what isoinfo and xorriso extract from the same
# sessions; and nothing written outside the target, whatever the disc's
# names say.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-audit.sh"
. "$(dirname "$0")/lib-mmc.sh"

# tree_state DIR: "path type mode mtime target" of everything under DIR;
# symlinks' own times are left out (xorriso does not set them).
tree_state() {
	(cd "$1" && find . -printf '%p %y %m %T@ %l\n' |
		awk '$2 == "l" { $4 = "-" } { print }' | LC_ALL=C sort)
}

# check_cat DISC: every file of every session, through --cat, equals
# isoinfo -x of that session and xorriso's extraction of it.
check_cat() {
	local n=0 start path
	for start in $(session_starts "$1"); do
		n=$((n + 1))
		xorriso -osirrox on -load sbsector "$start" -indev "$1" \
			-extract / x$n 2>/dev/null || fail "xorriso -extract $n"
		lsms --files --json --session $n "$1" |
			jq -r '.[] | select(.type == "file") | .path' >paths$n
		[ -s paths$n ] || fail "no files in session $n"
		while read -r path; do
			lsms --cat "$n:$path" "$1" >got 2>err ||
				fail "--cat $n:$path"
			[ -s err ] && fail "--cat $n:$path wrote to stderr"
			isoinfo -i "$1" -T "$start" -R -x "$path" >want ||
				fail "isoinfo -x $path"
			cmp want got || fail "--cat $n:$path is not isoinfo's"
			cmp "x$n$path" got || fail "--cat $n:$path is not xorriso's"
		done <paths$n
	done
	[ "$n" -eq 4 ] || fail "$n sessions"
}

# check_extract DISC: every session, through --extract, equals xorriso's
# extraction of it: contents, types, modes, mtimes and link targets.
check_extract() {
	local n=0 start
	for start in $(session_starts "$1"); do
		n=$((n + 1))
		xorriso -osirrox on -load sbsector "$start" -indev "$1" \
			-extract / want$n 2>/dev/null || fail "xorriso -extract $n"
		expect_ok lsms --extract $n got$n "$1"
		diff -r --no-dereference want$n got$n >&2 ||
			fail "--extract $n differs from xorriso's"
		tree_state want$n >state.want
		tree_state got$n >state.got
		diff state.want state.got >&2 ||
			fail "--extract $n: modes, times or links differ"
	done
	[ "$n" -eq 4 ] || fail "$n sessions"
}

t_cat_xorriso_disc_matches_isoinfo_and_xorriso() {
	xorriso_grown disc.iso
	check_cat disc.iso
}

t_cat_mkms_disc_matches_isoinfo_and_xorriso() {
	mkms_grown disc.iso
	check_cat disc.iso
}

t_extract_xorriso_disc_matches_xorriso() {
	xorriso_grown disc.iso
	check_extract disc.iso
}

t_extract_mkms_disc_matches_xorriso() {
	mkms_grown disc.iso
	check_extract disc.iso
}

t_cat_newest_is_the_default() {
	xorriso_grown disc.iso
	expect_ok lsms --cat /a disc.iso
	assert_eq three "$(cat out)" "newest /a"
	expect_ok lsms --cat 1:a disc.iso
	assert_eq one "$(cat out)" "session 1 /a"
	expect_ok lsms --cat 2:/a disc.iso
	assert_eq "two, longer" "$(cat out)" "session 2 /a"
}

t_extract_subtree_and_file() {
	xorriso_grown disc.iso
	expect_ok lsms --extract 3:/d sub disc.iso
	assert_eq "big" "$(ls sub)" "/d of session 3"
	cmp sub/big t/big || fail "/d/big"
	expect_ok lsms --extract 2:/a file disc.iso
	assert_eq "two, longer" "$(cat file/a)" "/a of session 2"
	expect_ok lsms --extract 2:/l link disc.iso
	assert_eq d "$(readlink link/l)" "/l of session 2"
	expect_ok lsms --extract /sub newest disc.iso
	assert_eq 751 "$(stat -c %a newest/deep)" "mode of /sub/deep"
}

t_cat_refusals() {
	xorriso_grown disc.iso
	expect_exit 1 lsms --cat 1:/d disc.iso
	assert_grep "'/d' is a directory, not a file" err
	expect_exit 1 lsms --cat 1:/l disc.iso
	assert_grep "'/l' is a symbolic link, not a file" err
	expect_exit 1 lsms --cat 3:/d/b disc.iso
	assert_grep "session 3 of 'disc.iso' has no '/d/b'" err
	expect_exit 1 lsms --cat 1:/a/x disc.iso
	assert_grep "has no '/a/x'" err
	expect_exit 2 lsms --cat 1:/d/../a disc.iso
	assert_grep "'..' is not allowed" err
	expect_exit 2 lsms --cat 9:/a disc.iso
	assert_grep "'disc.iso' has no session 9 (it holds 4)" err
	expect_exit 2 lsms --cat 2 disc.iso
	assert_grep "bad --cat '2'" err
	expect_exit 2 lsms --cat a disc.iso
	assert_grep "bad --cat 'a'" err
	expect_exit 2 lsms --cat /a --json disc.iso
	assert_grep "exclude --json" err
	expect_exit 2 lsms --cat /a --session 2 disc.iso
	[ -s out ] && fail "output on refusal"
	return 0
}

t_extract_refusals() {
	xorriso_grown disc.iso
	mkdir full && echo mine >full/mine
	expect_refused 2 full -- lsms --extract 1 full disc.iso
	assert_grep "directory 'full' is not empty" err
	echo x >plain
	expect_refused 2 plain -- lsms --extract 1 plain disc.iso
	assert_grep "cannot open directory 'plain'" err
	expect_exit 2 lsms --extract 1 disc.iso
	assert_grep "wants a directory, then the medium" err
	expect_exit 2 lsms --extract x dir disc.iso
	assert_grep "bad --extract 'x'" err
	expect_exit 1 lsms --extract 1:/nothing dir disc.iso
	assert_grep "has no '/nothing'" err
	[ -e dir ] && [ -n "$(ls -A dir)" ] && fail "wrote into dir"
	return 0
}

# A disc whose Rock Ridge names say "..", hold '/' or repeat a name (a
# directory named like a symlink that points out): nothing lands outside
# the target, and every entry left out is named.  (libisofs itself keeps
# only the last component of a name with '/' and renames repeated names;
# a directory named ".." is lsms's to refuse.)
t_extract_hostile_tree_stays_inside() {
	mkdir -p h/pp h/sx outside
	echo p1 >h/pp/pwned1
	ln -s "$PWD/outside" h/esc
	echo p2 >h/esc_pwned2
	ln -s ../../outside h/up
	echo p3 >h/up_pwned3
	echo p4 >h/dd
	echo p5 >h/sx/pwned5
	echo ok >h/fine
	xorriso -outdev hostile.iso -map h / -commit 2>/dev/null ||
		fail "xorriso"
	python3 "$MS_SRC/tests/e2e/hostile-names.py" hostile.iso pp=.. \
		esc_pwned2=esc/pwned2 up_pwned3=up/pwned3 dd=.. sx=up ||
		fail "renaming"
	lsms --files hostile.iso >names || fail "--files"
	assert_grep ' /\.\./pwned1$' names
	assert_grep ' /up_*/pwned5$' names
	local before after
	: >out
	: >err
	before=$(find . -path ./target -prune -o -print | sort)
	expect_exit 1 lsms --extract 1 target hostile.iso
	after=$(find . -path ./target -prune -o -print | sort)
	assert_eq "$before" "$after" "files outside the target"
	[ -z "$(ls -A outside)" ] || fail "written into outside/"
	assert_grep "skipping '/\.\.': its name is not one plain path component" err
	assert_grep "1 entries of session 1 were not restored into 'target'" err
	assert_eq ok "$(cat target/fine)" "a plain file"
	assert_eq "$PWD/outside" "$(readlink target/esc)" "absolute symlink"
	[ -L target/up ] || fail "/up is not restored as the symlink"
	assert_eq p5 "$(cat target/up_*/pwned5)" "the renamed directory"
	assert_eq p2 "$(cat target/pwned2)" "'esc/pwned2' as libisofs names it"
	return 0
}

# A reader that goes away is no error flood: killed by SIGPIPE as cat
# is, or with SIGPIPE ignored one message.
t_cat_broken_pipe() {
	mkdir s
	head -c 3000000 /dev/urandom >s/big
	mkms -o disc.iso s || fail "mkms"
	lsms --cat /big disc.iso 2>err | head -c 10 >/dev/null
	[ -s err ] && fail "messages on a broken pipe: $(cat err)"
	(trap '' PIPE; lsms --cat /big disc.iso 2>err | head -c 10 >/dev/null)
	[ "$(wc -l <err)" -le 1 ] || fail "more than one message: $(cat err)"
	return 0
}

t_cat_and_extract_refuse_snapshots() {
	xorriso_grown disc.iso
	lsms --export disc.mss --all-sessions disc.iso || fail "export"
	expect_refused 4 disc.mss -- lsms --cat 1:/a disc.mss
	assert_grep "'disc.mss' is a snapshot of '.*', which holds no file data: --cat needs the medium itself" err
	expect_refused 4 disc.mss -- lsms --extract 1 dir disc.mss
	assert_grep "'disc.mss' is a snapshot of '.*', which holds no file data: --extract needs the medium itself" err
	[ -e dir ] && fail "made the target directory"
	return 0
}

# Devices, FIFOs and sockets are left out with a warning, not refused.
t_extract_leaves_out_special_files() {
	mkdir -p sp
	echo f >sp/f
	mkfifo sp/fifo
	xorriso -outdev sp.iso -map sp / -commit 2>/dev/null || fail "xorriso"
	run lsms --extract 1 dir sp.iso
	assert_eq 0 "$rc" "exit status"
	assert_grep "not restoring '/fifo': a device, fifo or socket" err
	assert_eq f "$(cat dir/f)" "the file"
	[ -e dir/fifo ] && fail "made the fifo"
	return 0
}

# zisofs_disc: a disc file whose files xorriso compressed with zisofs
# (z/ holds the originals).
zisofs_disc() {
	mkdir z
	seq 1 20000 >z/big
	head -c 200000 /dev/zero >z/zeros
	{ seq 1 5000; head -c 70000 /dev/zero; seq 1 5000; } >z/mixed
	xorriso -outdev z.iso -map z / -set_filter_r --zisofs / -- \
		-commit 2>/dev/null || fail "xorriso -zisofs"
	# stored compressed: isoinfo gives the stored bytes
	isoinfo -i z.iso -R -x /big >raw || fail "isoinfo"
	cmp -s raw z/big && fail "/big is not compressed"
	return 0
}

t_zisofs_files_come_out_decompressed() {
	local f
	zisofs_disc
	for f in big zeros mixed; do
		expect_ok lsms --cat /$f z.iso
		cmp out z/$f || fail "--cat /$f"
	done
	xorriso -osirrox on -indev z.iso -extract / want 2>/dev/null ||
		fail "xorriso -extract"
	expect_ok lsms --extract 1 got z.iso
	diff -r want got >&2 || fail "--extract differs from xorriso's"
	diff -r z got >&2 || fail "--extract differs from the originals"
}

# zisofs_patch FILE OFFSET HEX: bytes at OFFSET after the first zisofs
# header of FILE; OFFSET "block0" is inside block 0's deflate data.
zisofs_patch() {
	python3 - "$@" <<'PY' || fail "patching zisofs data"
import sys
path, off, hexbytes = sys.argv[1], sys.argv[2], sys.argv[3]
data = bytearray(open(path, "rb").read())
at = data.find(bytes.fromhex("37e45396c9dbd607"))
assert at >= 0
if off == "block0":
    off = int.from_bytes(data[at + 16:at + 20], "little") + 2
else:
    off = int(off)
data[at + off:at + off + len(hexbytes) // 2] = bytes.fromhex(hexbytes)
open(path, "wb").write(data)
PY
}

t_damaged_zisofs_is_named() {
	zisofs_disc
	cp z.iso bad-ptr.iso
	# the second block pointer (the end of block 0) far past the data
	zisofs_patch bad-ptr.iso 20 ffffff7f
	cp z.iso bad-data.iso
	# block 0's compressed data
	zisofs_patch bad-data.iso block0 ffffffffffff
	cp z.iso bad-head.iso
	zisofs_patch bad-head.iso 13 1f
	expect_exit 1 lsms --cat /big bad-ptr.iso
	assert_grep "cannot read '/big' of session 1: its zisofs block 0 is out of bounds" err
	expect_exit 1 lsms --cat /big bad-head.iso
	assert_grep "no zisofs version 1 header" err
	expect_exit 1 lsms --extract 1 dir bad-ptr.iso
	assert_grep "zisofs block 0 is out of bounds" err
	expect_exit 1 lsms --cat /big bad-data.iso
	assert_grep "its zisofs block 0 does not inflate to 32768 bytes" err
}

# On a CD-R in the virtual burner: every session restored as xorriso
# extracts it from the disc read back flat, a replaced file's versions
# through --cat, and its history.
t_drive_extract_cat_and_history() {
	local n=0 start
	new_disc cd cd-r 100000
	burn cd 1
	burn cd 2
	mkdir -p src3 && echo replaced >src3/n1
	on cd mkms -M "$DEV" -o - src3 --rm /d2 | on cd burnms -d "$DEV" - ||
		fail "session 3"
	msvd dump cd flat.iso || fail "msvd dump"
	for start in $(on cd xorriso -indev "$DEV" -toc 2>/dev/null |
		sed -n 's/^ISO session *: *[0-9]* , *\([0-9]*\) ,.*/\1/p'); do
		n=$((n + 1))
		xorriso -osirrox on -load sbsector "$start" -indev flat.iso \
			-extract / want$n 2>/dev/null || fail "xorriso -extract $n"
		expect_ok on cd lsms --extract $n got$n "$DEV"
		diff -r --no-dereference want$n got$n >&2 ||
			fail "--extract $n differs from xorriso's"
		assert_eq "$(tree_state want$n)" "$(tree_state got$n)" \
			"modes and times of session $n"
		isoinfo -i flat.iso -T "$start" -R -x /n1 >want || fail "isoinfo"
		expect_ok on cd lsms --cat "$n:/n1" "$DEV"
		assert_same_file want out
	done
	[ "$n" -eq 3 ] || fail "$n sessions"
	expect_ok on cd lsms --history /n1 "$DEV"
	assert_eq "added unchanged changed" "$(awk '{ print $7 }' out | xargs)" \
		"history of /n1"
}

run_tests
