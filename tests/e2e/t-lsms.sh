#!/bin/bash
# lsms against discs made by other tools.
. "$(dirname "$0")/lib.sh"

# grow FILE N: a file with N sessions made by xorriso, one file each
grow() {
	local i
	for i in $(seq 1 "$2"); do
		mkdir -p "src$i"
		echo "file $i" >"src$i/f$i"
		xorriso -dev "$1" -volid "S$i" -add "src$i" -- -commit \
			>/dev/null 2>&1 || fail "xorriso session $i"
	done
}

t_xorriso_three_sessions_match_toc() {
	grow d.iso 3
	expect_ok lsms_toc d.iso
	assert_eq "$(xorriso_toc d.iso)" "$(cat out)" "sessions"
	assert_eq 3 "$(wc -l <out)" "session count"
}

t_msinfo_matches_xorriso() {
	grow d.iso 3
	want=$(xorriso -as cdrecord -msinfo --grow_overwriteable_iso \
		dev=d.iso 2>/dev/null)
	expect_ok lsms --msinfo d.iso
	assert_eq "$want" "$(cat out)" "msinfo"
}

t_random_bytes_are_unsuitable() {
	head -c 200000 /dev/urandom >r.bin
	expect_exit 4 lsms r.bin
	assert_grep "no ISO 9660" err
	assert_grep "r.bin" err
}

t_missing_file_is_blank() {
	expect_ok lsms --json none.iso
	assert_eq blank "$(jq -r .status out)" "status"
	assert_eq 32 "$(jq -r .next_writable out)" "next writable"
	[ -e none.iso ] && fail "lsms created the file"
	return 0
}

run_tests
