#!/bin/bash
# Overwriteable discs on the virtual burner: DVD+RW (profile 1Ah) and
# BD-RE (43h).  libburn reports them blank whatever they hold, so their
# sessions are the emulated TOC of doc/design.md section 3, as on disc
# files: the head at blocks 0..31 is rewritten after every session.
# Checked against xorriso through the same drive, and against 7z,
# udfinfo and xorriso on the disc read back flat (msvd dump).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"
. "$(dirname "$0")/lib-mmc.sh"

# drive_toc STATE: "start size volid" per session, as xorriso reads the
# drive; lsms_drive_toc STATE: the same from lsms
drive_toc() {
	on "$1" xorriso -indev "$DEV" -toc 2>/dev/null |
		sed -n "s/^ISO session *: *[0-9]* , *\([0-9]*\) , *\([0-9]*\)s , \(.*\)$/\1 \2 \3/p"
}

lsms_drive_toc() {
	on "$1" lsms --json "$DEV" |
		jq -r '.sessions[] | "\(.start) \(.blocks) \(.volume_id)"'
}

# same_toc STATE N: lsms and xorriso see the same N sessions, and the
# same msinfo
same_toc() {
	local want
	want=$(drive_toc "$1")
	assert_eq "$2" "$(printf '%s\n' "$want" | grep -c .)" \
		"sessions xorriso sees on $1"
	assert_eq "$want" "$(lsms_drive_toc "$1")" "sessions of $1"
	assert_eq "$(on "$1" xorriso -as cdrecord -msinfo \
			--grow_overwriteable_iso dev="$DEV" 2>/dev/null)" \
		"$(on "$1" lsms --msinfo "$DEV")" "msinfo of $1"
}

# grow STATE: three sessions by mkms | burnms, each adding srcN; the
# newest tree holds them all, and the head names the newest session
grow() {
	local n start
	for n in 1 2 3; do
		burn "$1" "$n"
		same_toc "$1" "$n"
	done
	json "$1"
	assert_eq "appendable true" \
		"$(jq -r '"\(.status) \(.sessions[0].start == 32)"' json.out)" \
		"status and first session of $1"
	msvd dump "$1" flat.iso || fail "msvd dump"
	start=$(jq -r '.sessions[-1].start' json.out)
	# block 16 of the head is the newest session's own descriptor
	assert_eq "$(dd if=flat.iso bs=2048 skip=$((start + 16)) count=1 \
			2>/dev/null | cut -b 1-80 | md5sum)" \
		"$(dd if=flat.iso bs=2048 skip=16 count=1 2>/dev/null |
			cut -b 1-80 | md5sum)" "the head's descriptor"
	extract_newest flat.iso newest
	for n in 1 2 3; do
		[ "$(cat "newest/d$n/f$n")" = "session $n" ] ||
			fail "the newest tree lacks src$n"
	done
}

t_dvd_plus_rw_grows_over_several_sessions() {
	new_disc rw dvd+rw 100000
	json rw
	assert_eq "DVD+RW blank 32 0" \
		"$(jq -r '"\(.profile) \(.status) \(.next_writable) \(.sessions | length)"' json.out)" \
		"a fresh DVD+RW"
	grow rw
}

t_bd_re_grows_over_several_sessions() {
	new_disc re bd-re 200000
	json re
	assert_eq "BD-RE blank 32" \
		"$(jq -r '"\(.profile) \(.status) \(.next_writable)"' json.out)" \
		"a fresh BD-RE"
	grow re
}

t_udf_bridge_on_dvd_plus_rw_loses_its_stale_udf() {
	new_disc rw dvd+rw 100000
	mkdir -p old new
	echo "old file" >old/a.txt
	echo "new file" >new/b.txt
	genisoimage -quiet -udf -J -R -o bridge.iso old
	on rw xorriso -as cdrecord dev="$DEV" bridge.iso >/dev/null 2>&1 ||
		fail "xorriso cannot write the bridge to the DVD+RW"
	msvd dump rw before.iso || fail "msvd dump"
	assert_eq "Udf" "$(7z l before.iso 2>/dev/null |
		sed -n 's/^Type = //p' | head -n 1)" "7z's view of the bridge"
	json rw
	assert_eq true "$(jq -r '.sessions[0].udf' json.out)" "udf"
	# a snapshot of the drive says the same, and mkms warns from it
	expect_ok on rw lsms --export s.mss "$DEV"
	expect_ok lsms --json s.mss
	assert_eq "$(jq -c '[.sessions[] | {udf, hfs, mbr, el_torito}]' \
			json.out)" \
		"$(jq -c '[.sessions[] | {udf, hfs, mbr, el_torito}]' out)" \
		"what the snapshot says the sessions carry"
	run mkms -M s.mss -o s.iso /new=new
	assert_eq 0 "$rc" "mkms -M s.mss exit"
	assert_grep "'s.mss' is a UDF bridge" err
	run on rw mkms -M "$DEV" -o n.iso /new=new
	assert_eq 0 "$rc" "mkms exit"
	assert_grep "is a UDF bridge: the new session carries ISO 9660" err
	expect_ok on rw burnms -d "$DEV" n.iso
	msvd dump rw after.iso || fail "msvd dump"
	assert_eq "Iso" "$(7z l after.iso 2>/dev/null |
		sed -n 's/^Type = //p' | head -n 1)" "7z's view after"
	7z l -ba after.iso 2>/dev/null | awk '{ print $NF }' | sort >7z.list
	assert_eq "a.txt new new/b.txt" "$(tr '\n' ' ' <7z.list | sed 's/ $//')" \
		"what 7z lists"
	assert_eq "new file" "$(7z e -so after.iso new/b.txt 2>/dev/null)" \
		"new/b.txt as 7z reads it"
	udfinfo after.iso >udf.out 2>&1 && fail "udfinfo still finds UDF"
	assert_grep "Recognition Sequence not found" udf.out
	assert_eq "/a.txt /new/b.txt" \
		"$(xorriso -indev after.iso -find / -type f 2>/dev/null |
			tr -d "'" | sort | tr '\n' ' ' | sed 's/ $//')" \
		"xorriso's newest tree"
	assert_eq "old file" "$(isoinfo -R -i after.iso -x /a.txt)" \
		"a.txt as isoinfo reads it"
}

t_blank_invalidates_the_head_of_an_overwriteable_disc() {
	local disc
	for disc in rw:dvd+rw re:bd-re; do
		new_disc "${disc%%:*}" "${disc#*:}" 100000
		burn "${disc%%:*}" 1
		burn "${disc%%:*}" 2
		expect_ok on "${disc%%:*}" burnms --blank -d "$DEV"
		json "${disc%%:*}"
		assert_eq "blank 32 0" \
			"$(jq -r '"\(.status) \(.next_writable) \(.sessions | length)"' json.out)" \
			"lsms after --blank on ${disc#*:}"
		on "${disc%%:*}" xorriso -indev "$DEV" -toc >toc 2>&1
		assert_grep "^Media status : is blank" toc
		# a blank medium takes a first session again
		burn "${disc%%:*}" 3
		same_toc "${disc%%:*}" 1
	done
}

t_wrong_disc_leaves_the_medium_unchanged() {
	new_disc a dvd+rw 100000
	new_disc b dvd+rw 100000
	burn a 1
	burn b 1
	src 2
	expect_ok on a mkms -M "$DEV" -o for-a.iso src2
	expect_refused 3 b -- on b burnms -d "$DEV" for-a.iso
	assert_grep "was built for another disc or disc state" err
	# a session added since the image was built: the same
	burn a 3
	expect_refused 3 a -- on a burnms -d "$DEV" for-a.iso
}

run_tests
