#!/bin/bash
# The session overhead table held to the drive traces it comes from
# (doc/design.md section 1): on the virtual burner, which models the same
# figures, the gap between two sessions equals the table's figure, and
# burnms --dummy predicts the NWA the drive then reports.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-mmc.sh"

# gap N: blocks between the end of session N (on 16-block ECC units) and
# the start of session N+1, from lsms's JSON of the disc
gap() {
	jq -r --argjson n "$1" '.sessions[$n - 1] as $a | .sessions[$n] as $b |
		$b.start - ((($a.start + $a.blocks + 15) / 16 | floor) * 16)' \
		json.out
}

t_dvd_plus_r_2048_after_every_session() {
	new_disc d dvd+r
	expect_ok on d lsms "$DEV"
	assert_grep '^overhead *2048 blocks (4.0 MiB) for the next session (measured' out
	burn_checked d 1
	burn_checked d 2
	burn_checked d 3
	assert_eq 2048 "$(gap 1)" "gap after the first session"
	assert_eq 2048 "$(gap 2)" "gap after the second session"
	assert_eq 2048 "$(jq -r .next_session_overhead_blocks json.out)" "overhead"
	assert_eq false "$(jq -r .overhead_estimate json.out)" "estimate"
}

t_dvd_plus_r_dl_2048_after_every_session() {
	new_disc d dvd+r-dl
	burn_checked d 1
	burn_checked d 2
	assert_eq "DVD+R/DL" "$(jq -r .profile json.out)" "profile"
	assert_eq 2048 "$(gap 1)" "gap after the first session"
}

t_dvd_minus_r_first_border_28688_later_about() {
	new_disc d dvd-r
	expect_ok on d lsms "$DEV"
	assert_grep '^overhead *28688 blocks (56.0 MiB) for the next session (measured' out
	burn_checked d 1
	assert_eq 28688 "$(jq -r '.next_writable - ((.sessions[0].start + .sessions[0].blocks + 15) / 16 | floor) * 16' json.out)" "first border"
	expect_ok on d lsms "$DEV"
	assert_grep '^overhead *about 16384 blocks (32.0 MiB) for the next session (no drive measured' out
	burn_checked d 2
	assert_eq 28688 "$(gap 1)" "gap after the first session"
	assert_eq true "$(jq -r .overhead_estimate json.out)" "estimate"
	burn_checked d 3
	assert_eq 16384 "$(gap 2)" "gap after the second session"
}

# ASUS DRW-2014L1T: 0+12272 -> 12288, +256 -> 12560: a link block of 16
# between incremental tracks of one open border
t_dvd_minus_r_tracks_inside_a_border_16() {
	new_disc d dvd-r
	expect_ok on d msvd sg "2a 00 00000000 00 0010 00" --send 32768
	expect_ok on d msvd sg "5b 00 01 00 0001 00 00 00 00"
	assert_eq ok "$(cat out)" "close track"
	expect_ok msvd show d
	assert_grep "next writable address: 32$" out
	expect_ok on d msvd sg "2a 00 00000020 00 0010 00" --send 32768
	assert_eq ok "$(cat out)" "second track at 32"
}

t_dvd_minus_r_dl_refuses_a_second_session() {
	new_disc d dvd-r-dl
	expect_ok on d lsms "$DEV"
	assert_grep "^overhead .*takes one session only" out
	# the drive may call a DVD-R DL with a session appendable; make one
	new_disc r dvd-r
	burn r 1
	sed -i 's/^profile dvd-r$/profile dvd-r-dl/' r/disc
	expect_ok on r lsms "$DEV"
	assert_grep "^status *unsuitable (a DVD-R DL takes one session only" out
	assert_no_grep "^next address" out
	src 2
	expect_refused 4 r -- on r mkms -M "$DEV" -o s2.iso src2
	assert_grep "takes one session only" err
	expect_ok mkms -o s2.iso -C 0,28736 src2
	expect_refused 4 r -- on r burnms --foreign -d "$DEV" s2.iso
	assert_grep "takes one session only" err
	expect_exit 4 on r lsms -m "$DEV"
	assert_grep "takes one session only" err
}

t_bd_r_overhead_is_about() {
	new_disc d bd-r
	expect_ok on d lsms "$DEV"
	assert_grep '^overhead *about 0 blocks (0.0 MiB) for the next session (no drive measured' out
}

t_overhead_set_by_the_environment() {
	new_disc d dvd-r
	burn d 1
	export MSTOOLS_SESSION_OVERHEAD=6144
	expect_ok on d lsms "$DEV"
	assert_grep '^overhead *6144 blocks (12.0 MiB) for the next session (set by MSTOOLS_SESSION_OVERHEAD)' out
	src 2
	expect_ok on d mkms -M "$DEV" -o s2.iso src2
	expect_ok on d burnms --dummy -d "$DEV" s2.iso
	start=$(on d lsms -m "$DEV" | cut -d, -f2)
	blocks=$(( $(stat -c %s s2.iso) / 2048 ))
	end=$(( (start + blocks + 15) / 16 * 16 ))
	assert_grep "would start at block $((end + 6144))\$" out
	MSTOOLS_SESSION_OVERHEAD=lots
	expect_ok on d lsms "$DEV"
	assert_grep "^overhead *about 16384 blocks .*MSTOOLS_SESSION_OVERHEAD is not BLOCKS or FIRST,LATER: ignored" out
}

run_tests
