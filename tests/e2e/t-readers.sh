#!/bin/bash
# What other readers cannot do, shown on purpose so that no other test
# depends on it by luck.  bsdtar (libarchive 3.6) cannot read the newest
# tree of a later session that holds a file imported from an earlier
# session whose name is about 106 bytes or longer; xorriso, 7z and isoinfo
# read the same disc, and a disc grown the same way by xorriso stops
# bsdtar just the same.  mkms(1) tells users; lib-disc.sh's bsdtar_can_read
# keeps the tests that use bsdtar as an oracle clear of it.
#
# If a newer bsdtar reads these discs, the tests below fail: then update
# mkms(1), bsdtar_can_read and this file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"

# long_name N: a name of N bytes
long_name() {
	printf 'n%.0s' $(seq 1 "$(($1 - 4))")
	printf '.txt'
}

# two_sessions DISC MAKER N: session 1 holds a file with a name of N
# bytes, session 2 a short one, both written by MAKER (mstools or xorriso)
two_sessions() {
	mkdir -p one two
	echo "long" >"one/$(long_name "$3")"
	echo "short" >two/short.txt
	case $2 in
	mstools)
		new_session "$1" one
		new_session "$1" two
		;;
	xorriso)
		xorriso -outdev "$1" -map one / -commit -map two / -commit \
			>/dev/null 2>&1 || fail "xorriso cannot grow '$1'"
		;;
	esac
	assert_eq 2 "$(xorriso_toc "$1" | wc -l)" "sessions of $1"
}

# bsdtar_fails DISC: bsdtar stops with libarchive's SUSP "CE" error
bsdtar_fails() {
	run bsdtar -tf "$1"
	[ "$rc" -ne 0 ] ||
		fail "bsdtar now reads '$1': update mkms(1), lib-disc.sh and this test"
	assert_grep 'Invalid parameter in SUSP "CE" extension' err
}

t_bsdtar_cannot_read_a_later_session_over_a_long_imported_name() {
	two_sessions d.iso mstools 130
	bsdtar_fails d.iso
	# the others read the newest tree whole
	name=$(long_name 130)
	xorriso -indev d.iso -find / -type f 2>/dev/null >xorriso.list
	assert_eq "$(printf "'/%s'\n'/short.txt'" "$name")" \
		"$(LC_ALL=C sort xorriso.list)" "xorriso's names"
	isoinfo -R -f -i d.iso | LC_ALL=C sort >isoinfo.list
	assert_eq "$(printf '/%s\n/short.txt' "$name")" "$(cat isoinfo.list)" \
		"isoinfo's Rock Ridge names"
	7z l -slt d.iso >7z.out || fail "7z cannot list d.iso"
	assert_grep '^Path = short.txt$' 7z.out
	# 7z reads the Joliet tree, which keeps 64 characters of a name
	assert_grep "^Path = ${name:0:61}.txt\$" 7z.out
	run xorriso -osirrox on -indev d.iso -extract / x
	assert_eq 0 "$rc" "xorriso -extract"
	assert_eq long "$(cat "x/$name")" "the long file's data"
	# and the guard of the bsdtar tests sees it coming
	(bsdtar_can_read d.iso) 2>/dev/null &&
		fail "bsdtar_can_read lets the disc pass"
	return 0
}

t_bsdtar_fails_the_same_on_a_disc_grown_by_xorriso() {
	two_sessions x.iso xorriso 200
	bsdtar_fails x.iso
	xorriso -indev x.iso -find / -type f 2>/dev/null | grep -c . >count
	assert_eq 2 "$(cat count)" "files xorriso reads"
}

# The margin the bsdtar tests keep: names just under BSDTAR_NAME_MAX are
# read, in the newest tree and in the session that wrote them.
t_bsdtar_reads_names_under_the_limit() {
	two_sessions d.iso mstools $((BSDTAR_NAME_MAX - 1))
	bsdtar_can_read d.iso
	extract_newest d.iso x
	assert_eq long "$(cat "x/$(long_name $((BSDTAR_NAME_MAX - 1)))")" \
		"the long file's data"
	assert_eq short "$(cat x/short.txt)" "the short file's data"
}

# A long name new in the newest session is no trouble: only imported
# files are.
t_bsdtar_reads_a_long_name_in_the_session_that_wrote_it() {
	mkdir one two
	echo "short" >one/short.txt
	echo "long" >"two/$(long_name 200)"
	new_session d.iso one
	new_session d.iso two
	run bsdtar -tf d.iso
	assert_eq 0 "$rc" "bsdtar -tf"
	assert_grep "^$(long_name 200)\$" out
}

run_tests
