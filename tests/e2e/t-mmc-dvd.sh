#!/bin/bash
# lsms, mkms and burnms on DVD and BD write-once media, through unmodified
# libburn talking MMC to the virtual burner of tests/vdrive.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-mmc.sh"

t_dvd_plus_r_sessions() {
	new_disc dvd dvd+r
	burn_checked dvd 1
	burn_checked dvd 2
	burn_checked dvd 3 --close
	assert_eq closed "$(jq -r .status json.out)" "status"
	assert_eq "/d1/f1 /d2/f2 /d3/f3 /n1 /n2 /n3 " \
		"$(tree dvd "$(jq -r '.sessions[2].start' json.out)")" "newest"
}

t_dvd_minus_r_sessions() {
	new_disc dvd dvd-r
	burn_checked dvd 1
	burn_checked dvd 2 -q --verify
	assert_eq DVD-R "$(jq -r .profile json.out | cut -c1-5)" "profile"
	assert_eq "/d1/f1 /d2/f2 /n1 /n2 " \
		"$(tree dvd "$(jq -r '.sessions[1].start' json.out)")" "newest"
}

t_bd_r_sessions() {
	new_disc bd bd-r
	burn_checked bd 1
	burn_checked bd 2
	assert_eq "/d1/f1 /d2/f2 /n1 /n2 " \
		"$(tree bd "$(jq -r '.sessions[1].start' json.out)")" "newest"
}

run_tests
