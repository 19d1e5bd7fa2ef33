#!/bin/bash
# One suitability check for lsms --msinfo, mkms and burnms: the same
# refusal in the same words from all three (common/layout.c).
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-mmc.sh"

# A damaged next track has no NWA: lsms --msinfo prints no address for
# it, and says why in the words mkms and burnms use.
t_msinfo_of_damaged_track_is_refused_like_mkms() {
	new_disc cd cd-r 100000
	burn cd 1
	src 2
	nwa=$(on cd lsms -m "$DEV" | cut -d, -f2)
	expect_ok on cd msvd sg "2a 00 $(printf %08x "$nwa") 00 0010 00" \
		--send 32768
	expect_exit 4 on cd lsms -m "$DEV"
	assert_eq "" "$(cat out)" "msinfo printed"
	sed "s/^lsms: //" err >lsms.err
	expect_exit 4 on cd mkms -M "$DEV" -o s2.iso src2
	sed "s/^mkms: //" err >mkms.err
	assert_grep "^the next track of '$DEV' is damaged (an interrupted write)" \
		lsms.err
	assert_eq "$(cat mkms.err)" "$(cat lsms.err)" "lsms and mkms wording"
}

# A session image given as the medium: one wording, exit 4, everywhere.
t_session_image_as_medium_same_words_in_all_tools() {
	mkdir src
	echo a >src/a
	expect_ok mkms -M d.iso -o first.iso src
	expect_ok burnms -d d.iso first.iso
	expect_ok mkms -M d.iso -o s.iso src
	expect_ok mkms -M d.iso -o n.iso src
	for tool in lsms mkms burnms; do
		case $tool in
		lsms) expect_exit 4 lsms -m s.iso ;;
		mkms) expect_exit 4 mkms -M s.iso -o m.iso src ;;
		burnms) expect_exit 4 burnms -d s.iso n.iso ;;
		esac
		assert_eq "$tool: 's.iso' is a session image, not a medium" \
			"$(cat err)" "$tool"
	done
	[ -e m.iso ] && fail "mkms left an image"
	true
}

run_tests
