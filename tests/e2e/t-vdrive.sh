#!/bin/bash
# The virtual burner, driven by unmodified libburn through xorriso: it must
# look like a real CD/DVD/BD burner with write-once media.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-mmc.sh"

if ! [ -f "$VD_LIB" ] || ! [ -x "$MS_BUILD/tests/msvd" ]; then
	echo "t-vdrive: build the virtual burner first (make vdrive)" >&2
	exit 1
fi

# files N...: a directory srcN with one file fN per N
files() {
	local i
	for i in "$@"; do
		mkdir -p "src$i"
		echo "file $i" >"src$i/f$i"
	done
}

# xorriso_dev STATE XORRISO-ARGS...: xorriso on the virtual drive, must
# succeed
xorriso_dev() {
	local state=$1
	shift
	run on "$state" xorriso -dev "$DEV" "$@"
	[ "$rc" -eq 0 ] || fail "xorriso $* exited $rc: $(grep -E \
		'FAILURE|SORRY' err | head -n 3)"
}

# read_toc STATE: xorriso -toc of the drive into ./toc
read_toc() {
	on "$1" xorriso -indev "$DEV" -toc >toc 2>/dev/null ||
		fail "xorriso -toc exited $?"
}

# The sessions of ./toc: "start volid" lines.
toc_sessions() {
	awk -F' *, *' '/^ISO session/ { print $2, $4 }' toc
}

status_of() {
	msvd show "$1" | sed -n 's/^status: //p'
}

# track_end STATE N: one past the last block of track N, as msvd sees it
track_end() {
	msvd show "$1" | awk -v t="  track $2:" '
		index($0, t) == 1 { gsub(/,/, ""); print $4 + $6 }'
}

t_blank_cd_r_is_seen_as_writable_media() {
	new_disc disc cd-r 30000
	xorriso_dev disc -toc
	assert_grep "Media current: CD-R" out
	assert_grep "Media status : is blank" out
	assert_grep "vendor 'MSTOOLS' product 'VIRTUAL BURNER'" out
	# the two TAO run-out blocks of a first track are not offered
	assert_grep "29998 writable" out
}

# Issue 5: a CD-R gains three sessions, is closed, and a fourth is refused;
# each tree is readable from a flat read-back and the newest has it all.
t_cd_r_three_sessions_close_refuse_and_read_back() {
	new_disc disc cd-r 40000
	files 1 2 3 4 5
	# session 1 goes SAO (blank disc), 2 and 3 TAO
	xorriso_dev disc -volid S1 -add src1 -- -commit \
		-volid S2 -add src2 -- -commit \
		-volid S3 -add src3 -- -commit
	# lead-out 300 + 11400, then 302 (300 + 2 run-out) + 6900 twice
	read_toc disc
	assert_eq "0 S1
11700 S2
18902 S3" "$(toc_sessions)" "sessions"
	assert_grep "Media nwa *: 26104s" toc
	run on disc xorriso -as cdrecord -msinfo dev="$DEV"
	assert_eq "18902,26104" "$(cat out)" "msinfo"
	assert_eq appendable "$(status_of disc)" "status"

	xorriso_dev disc -close on -volid S4 -add src4 -- -commit
	assert_eq closed "$(status_of disc)" "status after -close on"
	run on disc xorriso -dev "$DEV" -add src5 -- -commit
	[ "$rc" -ne 0 ] || fail "closed disc took a fifth session"
	assert_grep "Media status : is written , is closed" err
	assert_grep "FAILURE" err
	expect_ok msvd show disc
	assert_grep "^sessions: 4$" out
	assert_grep "track 4: start 26104, size 302, readable 300" out

	expect_ok msvd dump disc flat.iso
	for s in 0:S1 11700:S2 18902:S3 26104:S4; do
		isoinfo -i flat.iso -T "${s%%:*}" -d >info 2>&1 ||
			fail "isoinfo cannot read the session at ${s%%:*}"
		assert_grep "^Volume id: ${s#*:}$" info
	done
	isoinfo -i flat.iso -T 26104 -R -f >list 2>/dev/null
	assert_eq "/src1/f1 /src2/f2 /src3/f3 /src4/f4" \
		"$(grep /f list | sort | tr '\n' ' ' | sed 's/ $//')" \
		"files of the newest session"
	run xorriso -load sbsector 18902 -indev flat.iso \
		-osirrox on -extract /src2/f2 f2.out
	assert_eq "file 2" "$(cat f2.out)" "file 2 read from session 3"
}

t_cd_r_tao_track_has_runout_and_minimum_size() {
	new_disc disc cd-r 30000
	# a 10-block TAO track; its writer goes away, the next one closes it
	expect_ok on disc msvd sg "2a 00 00000000 00 000a 00" --send 20480
	assert_eq ok "$(cat out)" "write"
	expect_ok on disc msvd sg "5b 00 01 00 00ff 00 00 00 00"
	assert_eq ok "$(cat out)" "close track"
	expect_ok msvd show disc
	assert_grep "track 1: start 0, size 302, readable 300" out
	assert_grep "next writable address: 452" out
	expect_ok on disc msvd sg "28 00 0000012b 00 0001 00" --recv 2048
	assert_eq ok "$(head -n 1 out)" "last padded block"
	expect_ok on disc msvd sg "28 00 0000012c 00 0001 00" --recv 2048
	assert_eq "sense 5/64/00" "$(cat out)" "first run-out block"
	expect_ok on disc msvd sg "28 00 0000012d 00 0001 00" --recv 2048
	assert_eq "sense 5/64/00" "$(cat out)" "second run-out block"
	expect_ok on disc msvd sg "28 00 00000200 00 0001 00" --recv 2048
	assert_eq "sense 5/21/00" "$(cat out)" "never written block"
}

t_cd_r_tao_first_session_with_xorriso() {
	new_disc disc cd-r 30000
	files 1
	xorriso_dev disc -write_type tao -add src1 -- -commit
	expect_ok msvd show disc
	assert_grep "track 1: start 0, size 302, readable 300" out
	assert_grep "next writable address: 11702" out
}

# DVD+R: each closed session costs 2048 blocks of closure and intro, as
# drives were measured to report (doc/design.md section 1).
t_dvd_plus_r_sessions_and_finalize() {
	new_disc disc dvd+r 60000
	files 1 2
	xorriso_dev disc -volid S1 -add src1 -- -commit \
		-close on -volid S2 -add src2 -- -commit
	read_toc disc
	assert_eq "0 S1
$(($(track_end disc 1) + 2048)) S2" "$(toc_sessions)" "sessions"
	assert_grep "Media status : is written , is closed" toc
	assert_eq closed "$(status_of disc)" "status after -close on"
	expect_ok on disc msvd sg "2a 00 00000000 00 0010 00" --send 32768
	assert_eq "sense 5/21/02" "$(cat out)" "write on a closed disc"
}

# DVD-R incremental: 28688 blocks of border zone after the first session
# (measured on drives), 16384 after later ones (assumed).
t_dvd_minus_r_incremental_sessions() {
	new_disc disc dvd-r 60000
	files 1 2 3
	xorriso_dev disc -volid S1 -add src1 -- -commit \
		-volid S2 -add src2 -- -commit \
		-close on -volid S3 -add src3 -- -commit
	read_toc disc
	s2=$(($(track_end disc 1) + 28688))
	s3=$(($(track_end disc 2) + 16384))
	assert_eq "0 S1
$s2 S2
$s3 S3" "$(toc_sessions)" "sessions"
	assert_eq closed "$(status_of disc)" "status after -close on"
}

# A blank DVD-R written with -close on goes disc-at-once: RESERVE TRACK,
# write type DAO, and the disc is closed once the track is full.
t_dvd_minus_r_dao_closes_disc() {
	new_disc disc dvd-r 30000
	files 1
	xorriso_dev disc -close on -add src1 -- -commit
	expect_ok msvd show disc
	assert_grep "^status: closed$" out
	assert_grep "track 1: start 0, size [0-9]*, readable [0-9]*$" out
}

# BD-R SRM: sessions follow each other on 32-block clusters.
t_bd_r_sessions_and_finalize() {
	new_disc disc bd-r 60000
	files 1 2
	xorriso_dev disc -volid S1 -add src1 -- -commit \
		-close on -volid S2 -add src2 -- -commit
	read_toc disc
	assert_eq "0 S1
$(track_end disc 1) S2" "$(toc_sessions)" "sessions"
	assert_eq closed "$(status_of disc)" "status after -close on"
}

# A writer that vanishes leaves a damaged track, which xorriso can close.
t_interrupted_track_is_damaged() {
	new_disc disc dvd+r 30000
	expect_ok on disc msvd sg "2a 00 00000000 00 0010 00" --send 32768
	expect_ok on disc msvd sg "52 01 000000ff 00 0030 00" --recv 48
	# byte 5: damage bit and track mode; byte 7: NWA_V still set
	assert_eq "25 31 03" "$(sed -n '2p' out | cut -d' ' -f6-8)" \
		"track information"
	# -outdev: the damaged track holds no ISO image to load
	run on disc xorriso -outdev "$DEV" -close_damaged as_needed
	[ "$rc" -eq 0 ] || fail "xorriso -close_damaged exited $rc"
	assert_grep "but next track is damaged" err
	expect_ok msvd show disc
	assert_grep "^session 1: closed$" out
	assert_grep "track 1: start 0, size 16, readable 16$" out
}

t_capacity_overflow_is_refused() {
	new_disc disc dvd+r 1000
	mkdir big
	head -c 3000000 /dev/urandom >big/data
	run on disc xorriso -dev "$DEV" -add big -- -commit
	[ "$rc" -ne 0 ] || fail "3 MB went onto a 2000 KiB disc"
	assert_grep "exceeds free space on media 1000s" err
	assert_eq blank "$(status_of disc)" "status"
	# the drive itself refuses writes that run past the medium
	new_disc tiny dvd+r 40
	expect_ok on tiny msvd sg "2a 00 00000000 00 0020 00" --send 65536
	assert_eq ok "$(cat out)" "32 blocks of 40"
	expect_ok on tiny msvd sg "2a 00 00000020 00 0010 00" --send 32768
	assert_eq "sense 5/21/00" "$(cat out)" "write past the end"
}

t_drive_answers_mmc_basics_and_errors() {
	new_disc disc dvd-r 5000
	expect_ok on disc msvd sg "12 00 00 00 24 00" --recv 36
	assert_eq "ok" "$(head -n 1 out)" "inquiry"
	assert_eq "05" "$(sed -n '2s/ .*//p' out)" "peripheral type"
	expect_ok on disc msvd sg "46 02 0000 00 00 00 0010 00" --recv 16
	assert_eq "00 11" "$(sed -n '2p' out | cut -d' ' -f7-8)" \
		"current profile"
	expect_ok on disc msvd sg "ff 00 00 00 00 00"
	assert_eq "sense 5/20/00" "$(cat out)" "unknown opcode"
	expect_ok on disc msvd sg "2a 00 00000010 00 0010 00" --send 32768
	assert_eq "sense 5/21/02" "$(cat out)" "write beside the nwa"
	expect_ok on disc msvd sg "28 00 00000000 00 0001 00" --recv 2048
	assert_eq "sense 5/21/00" "$(cat out)" "read of a blank disc"
	expect_ok env -u MSVD_STATE LD_PRELOAD="$VD_LIB" MSVD_DEVICE=$DEV \
		msvd sg "00 00 00 00 00 00"
	assert_eq "sense 2/3a/00" "$(cat out)" "empty drive"
}

t_empty_drive_has_no_medium() {
	run env -u MSVD_STATE LD_PRELOAD="$VD_LIB" MSVD_DEVICE=$DEV \
		xorriso -dev "$DEV" -toc
	[ "$rc" -ne 0 ] || fail "xorriso found a medium in an empty drive"
	assert_grep "Media status : is not present" err
}

t_test_write_records_nothing() {
	new_disc disc cd-r 30000
	files 1
	xorriso_dev disc -dummy on -add src1 -- -commit
	assert_eq blank "$(status_of disc)" "status after a test write"
}

t_cd_rw_can_be_blanked() {
	new_disc disc cd-rw 30000
	files 1
	xorriso_dev disc -close on -add src1 -- -commit -blank as_needed
	assert_grep "Blanking done" err
	assert_eq blank "$(status_of disc)" "status after blanking"
}

t_another_state_is_another_disc() {
	new_disc one cd-r 30000
	new_disc two dvd+r 30000
	expect_ok on one msvd sg "2a 00 00000000 00 0010 00" --send 32768
	assert_eq ok "$(cat out)" "write to disc one"
	assert_eq appendable "$(status_of one)" "disc one"
	assert_eq blank "$(status_of two)" "disc two"
	expect_ok on two msvd sg "46 02 0000 00 00 00 0010 00" --recv 16
	assert_eq "00 1b" "$(sed -n '2p' out | cut -d' ' -f7-8)" \
		"profile of disc two"
	# each disc has its own drive lock
	hold one
	expect_ok on two msvd hold 0
	unhold
}

t_busy_drive_is_refused() {
	new_disc disc cd-r 30000
	# O_EXCL, as libburn and xorriso open drives
	hold disc
	run on disc msvd hold 0
	unhold
	assert_grep "Device or resource busy" err
	# fcntl() locks alone also keep others out
	hold disc --no-excl
	run on disc msvd hold 0
	unhold
	assert_grep "cannot lock" err
	expect_ok on disc msvd hold 0
}

t_busy_drive_refuses_xorriso() {
	new_disc disc cd-r 30000
	# libburn tries an exclusive open 4 times, 2 seconds apart
	hold disc
	run on disc xorriso -dev "$DEV" -toc
	unhold
	[ "$rc" -ne 0 ] || fail "xorriso grabbed a drive in use"
	assert_grep "Cannot open busy device" err
}

t_host_drives_stay_out_of_reach() {
	run env LD_PRELOAD="$VD_LIB" MSVD_DEVICE=$DEV \
		cat /proc/sys/dev/cdrom/info
	assert_grep "drive name:[[:space:]]*msvd-test0$" out
	for node in /dev/sr0 /dev/sg0 /dev/scd0 /dev/hda /dev/cdrom; do
		run env LD_PRELOAD="$VD_LIB" MSVD_DEVICE=$DEV \
			ls -d "$node"
		[ "$rc" -ne 0 ] || fail "'$node' visible under the burner"
	done
	# a real node, or a host drive's name, is never made a virtual drive
	run env LD_PRELOAD="$VD_LIB" MSVD_DEVICE=/dev/sr0 \
		cat /proc/sys/dev/cdrom/info
	assert_grep "names a host drive; no virtual drive" err
	assert_no_grep "sr0" out
	run env LD_PRELOAD="$VD_LIB" MSVD_DEVICE=/dev/null \
		cat /proc/sys/dev/cdrom/info
	assert_grep "'/dev/null' exists" err
}

run_tests
