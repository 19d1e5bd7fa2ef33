#!/bin/bash
# lsms, mkms and burnms on write-once media, through unmodified libburn
# talking MMC to the virtual burner of tests/vdrive.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-mmc.sh"

t_cd_r_three_sessions_then_closed() {
	new_disc cd cd-r 100000
	expect_ok on cd lsms "$DEV"
	assert_grep '^profile *CD-R$' out
	assert_grep '^status *blank$' out
	assert_grep '^overhead *11402 blocks' out
	burn_checked cd 1
	burn_checked cd 2
	assert_eq 6902 "$(jq -r .next_session_overhead_blocks json.out)" \
		"overhead after two sessions"
	burn_checked cd 3 --close
	assert_eq closed "$(jq -r .status json.out)" "status"
	starts=$(jq -r '[.sessions[].start] | join(" ")' json.out)
	assert_eq "0 11702 18904" "$starts" "session starts"
	# each session's own tree, read back from the disc
	assert_eq "/d1/f1 /n1 " "$(tree cd 0)" "session 1"
	assert_eq "/d1/f1 /d2/f2 /n1 /n2 " "$(tree cd 11702)" "session 2"
	assert_eq "/d1/f1 /d2/f2 /d3/f3 /n1 /n2 /n3 " "$(tree cd 18904)" \
		"session 3"
	mkdir x
	xorriso -osirrox on -indev flat.iso -load sbsector 18904 \
		-extract / x >/dev/null 2>&1 || fail "extract"
	for i in 1 2 3; do
		assert_same_file "src$i/n$i" "x/n$i"
	done
	# a fourth session is refused, by mkms and by burnms
	src 4
	expect_refused 4 cd -- on cd mkms -M "$DEV" -o s4.iso src4
	assert_grep "closed" err
	expect_refused 4 cd -- on cd burnms -d "$DEV" s3.iso
	assert_grep "closed" err
}

t_lsms_agrees_with_xorriso_toc() {
	new_disc cd cd-r 100000
	burn cd 1
	burn cd 2
	on cd xorriso -indev "$DEV" -toc 2>/dev/null |
		sed -n 's/^ISO session *: *[0-9]* , *\([0-9]*\) , *\([0-9]*\)s , \(.*\)$/\1 \2 \3/p' >want
	json cd
	jq -r '.sessions[] | "\(.start) \(.volume_blocks) \(.volume_id)"' \
		json.out >got
	assert_same_file want got
	assert_eq "$(on cd xorriso -as cdrecord -msinfo dev="$DEV" 2>/dev/null)" \
		"$(on cd lsms -m "$DEV")" "msinfo"
}

t_another_disc_is_the_wrong_disc() {
	new_disc a cd-r 100000
	new_disc b cd-r 100000
	burn a 1
	src 9
	expect_ok on b mkms -M "$DEV" -o b1.iso src9
	expect_ok on b burnms -d "$DEV" b1.iso
	src 2
	expect_ok on a mkms -M "$DEV" -o for-a.iso src2
	expect_refused 3 b -- on b burnms -d "$DEV" for-a.iso
	assert_grep "was built for" err
}

t_image_too_large_is_refused() {
	new_disc small cd-r 2000
	mkdir big && head -c 6000000 /dev/urandom >big/r
	expect_exit 0 on small mkms -M "$DEV" -o big.iso big
	assert_grep "burnms will refuse" err
	expect_refused 5 small -- on small burnms -d "$DEV" big.iso
	assert_grep "free" err
	assert_eq blank "$(msvd show small | sed -n 's/^status: //p')" "status"
}

t_fresh_image_on_appendable_disc_is_refused() {
	new_disc cd cd-r 100000
	burn cd 1
	src 2
	expect_ok on cd mkms --fresh -M "$DEV" -o fresh.iso src2
	expect_refused 4 cd -- on cd burnms -d "$DEV" fresh.iso
	assert_grep "blank medium" err
}

t_snapshot_of_a_disc_in_the_drive() {
	new_disc cd cd-r 100000
	burn cd 1
	expect_ok on cd lsms --export cd.mss "$DEV"
	src 2
	expect_ok mkms -M cd.mss -o next.iso src2
	expect_ok on cd burnms -d "$DEV" next.iso
	json cd
	assert_eq 2 "$(jq '.sessions | length' json.out)" "sessions"
	assert_eq "/d1/f1 /d2/f2 /n1 /n2 " "$(tree cd 11702)" "newest"
}

t_cd_rw_blanked_and_reused() {
	new_disc rw cd-rw 100000
	burn rw 1
	expect_ok on rw burnms --blank -d "$DEV"
	json rw
	assert_eq blank "$(jq -r .status json.out)" "status after --blank"
	burn rw 2
	assert_eq "/d2/f2 /n2 " "$(tree rw 0)" "new first session"
}

t_write_once_disc_cannot_be_blanked() {
	new_disc cd cd-r 100000
	burn cd 1
	expect_refused 4 cd -- on cd burnms --blank -d "$DEV"
	assert_grep "write-once" err
}

# A writer that died mid-track leaves a damaged track and no NWA: nothing
# may be built for or written to the disc until the track is closed.
t_damaged_track_is_refused_until_closed() {
	new_disc cd cd-r 100000
	burn cd 1
	src 2
	expect_ok on cd mkms -M "$DEV" -o before.iso src2
	nwa=$(on cd lsms -m "$DEV" | cut -d, -f2)
	expect_ok on cd msvd sg "2a 00 $(printf %08x "$nwa") 00 0010 00" \
		--send 32768
	expect_ok on cd lsms "$DEV"
	assert_grep "next track is damaged" out
	assert_no_grep "^next address" out
	expect_refused 4 cd -- on cd mkms -M "$DEV" -o after.iso src2
	assert_grep "close_damaged" err
	expect_refused 4 cd -- on cd burnms -d "$DEV" before.iso
	assert_grep "damaged" err
	on cd xorriso -outdev "$DEV" -close_damaged as_needed >/dev/null 2>&1 ||
		fail "xorriso -close_damaged"
	# the closed track is a session without descriptors: a broken chain
	rc=0
	on cd lsms -j "$DEV" >json.out 2>err || rc=$?
	assert_eq 1 "$rc" "lsms -j exit"
	assert_grep "session 2 at block $nwa has no readable volume descriptor set" err
	assert_eq false "$(jq -r .damaged json.out)" "damaged after closing"
	assert_eq false "$(jq -r .chain.complete json.out)" "chain complete"
	assert_eq 2 "$(jq '.sessions | length' json.out)" "sessions"
	# the closed track holds no ISO tree to continue: refused, named
	expect_refused 1 cd -- on cd mkms -M "$DEV" -o after.iso src2
	assert_grep "block $nwa" err
}

run_tests
