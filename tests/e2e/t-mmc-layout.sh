#!/bin/bash
# lsms's figures on write-once media, through unmodified libburn talking
# MMC to the virtual burner of tests/vdrive: closed discs, the cost of
# closing, and the measured session overheads.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-mmc.sh"

t_closed_cd_r_has_a_fingerprint_and_no_overhead() {
	new_disc cd cd-r 100000
	burn cd 1
	burn cd 2
	src 3
	expect_ok on cd mkms -M "$DEV" -o s3.iso src3
	expect_ok on cd burnms --close -d "$DEV" s3.iso
	json cd
	assert_eq closed "$(jq -r .status json.out)" "status"
	assert_eq 0 "$(jq -r .next_session_overhead_blocks json.out)" "overhead"
	fp=$(jq -r .fingerprint json.out)
	[ "${#fp}" -eq 32 ] || fail "fingerprint '$fp'"
	# the print of the last session, recomputed: NWA 0 on a closed disc
	start=$(jq -r '.sessions[2].start' json.out)
	msvd dump cd flat.iso || fail "msvd dump"
	want=$({ printf 'mstools_fp_v1 %s 0\n' "$start"
		dd if=flat.iso bs=2048 skip=$((start + 16)) count=3
		tag=$(dd if=flat.iso bs=2048 skip=$((start + 19)) count=1 |
			sed -n 's/.*next=\([0-9]*\).*/\1/p' | head -n 1)
		tag=$(dd if=flat.iso bs=2048 skip="$tag" count=1 |
			sed -n 's/.*next=\([0-9]*\).*/\1/p' | head -n 1)
		dd if=flat.iso bs=2048 skip="$tag" count=1; } 2>/dev/null |
		md5sum | cut -d' ' -f1)
	assert_eq "$want" "$fp" "fingerprint of the closed disc"
	expect_ok on cd lsms "$DEV"
	assert_grep "^fingerprint *$fp" out
	assert_no_grep "^overhead" out
	assert_no_grep "^next address" out
}

# IMAPI speaks of about 21 MB for the first CD session, 11 for later ones
t_overhead_in_mib_as_well_as_blocks() {
	new_disc cd cd-r 100000
	expect_ok on cd lsms "$DEV"
	assert_grep '^overhead *11402 blocks (22.3 MiB) for the next session' out
	burn cd 1
	expect_ok on cd lsms "$DEV"
	assert_grep '^overhead *6902 blocks (13.5 MiB) for the next session' out
}

# Closing needs no further lead-in: an image that fits only then is
# refused for appending (exit 5) and written with --close.
t_image_that_fits_only_when_closing() {
	new_disc small cd-r 4000
	mkdir big && head -c 6000000 /dev/urandom >big/r
	on small mkms -M "$DEV" -o big.iso big 2>/dev/null ||
		fail "mkms exited $?"
	blocks=$(( $(stat -c %s big.iso) / 2048 ))
	json small
	free=$(jq -r .free_blocks json.out)
	[ $((blocks + 2)) -le "$free" ] && [ $((blocks + 11402)) -gt "$free" ] ||
		fail "image of $blocks blocks, $free free: not the case tested"
	assert_eq 2 "$(jq -r .closing_overhead_blocks json.out)" "closing"
	expect_ok on small lsms "$DEV"
	assert_grep '^closing *2 blocks (0.0 MiB) if the next session closes the disc' out
	expect_refused 5 small -- on small burnms -d "$DEV" big.iso
	assert_grep "plus 11402 of session overhead" err
	expect_ok on small burnms --dummy --close -d "$DEV" big.iso
	expect_ok on small burnms --close -d "$DEV" big.iso
	json small
	assert_eq closed "$(jq -r .status json.out)" "status"
	assert_eq "$blocks" "$(jq -r '.sessions[0].volume_blocks' json.out)" "size"
}

run_tests
