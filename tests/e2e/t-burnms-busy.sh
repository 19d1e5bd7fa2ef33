#!/bin/bash
# "Medium busy" is exit 8 in all three tools, so that a script can retry
# only when another process holds the medium: a disc file locked by another
# writer, a drive grabbed by another program.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-disc.sh"
. "$(dirname "$0")/lib-mmc.sh"

t_locked_disc_file_is_busy() {
	mkdir s1 s2
	echo one >s1/a.txt
	echo two >s2/b.txt
	new_session d.iso s1
	expect_ok mkms -M d.iso -o n.iso s2
	# another writer's flock(2), as a second burnms holds it
	(exec 9<d.iso && flock 9 && exec sleep 30) &
	holder=$!
	for i in $(seq 50); do
		flock -n d.iso true 2>/dev/null || break
		sleep 0.1
	done
	expect_refused 8 d.iso -- burnms -d d.iso n.iso
	assert_eq "burnms: medium busy: 'd.iso' is being written by another process" \
		"$(cat err)" "message"
	expect_refused 8 d.iso -- sh -c 'burnms -d d.iso - <n.iso'
	kill "$holder"
	wait "$holder" 2>/dev/null
	# free again: the same image is written
	expect_ok burnms -d d.iso n.iso
}

t_grabbed_drive_is_busy_for_all_three_tools() {
	[ -f "$VD_LIB" ] || fail "build the virtual burner first"
	new_disc disc cd-r 40000
	burn disc 1
	src 2
	expect_ok on disc mkms -M "$DEV" -o s2.iso src2
	sum=$(state_sum disc)
	hold disc
	run on disc lsms "$DEV"
	r1=$rc; cp err lsms.err
	run on disc mkms -M "$DEV" -o s3.iso src2
	r2=$rc; cp err mkms.err
	run on disc burnms -d "$DEV" s2.iso
	r3=$rc; cp err burnms.err
	unhold
	assert_eq "8 8 8" "$r1 $r2 $r3" "exit status of lsms, mkms, burnms"
	for t in lsms mkms burnms; do
		assert_grep "^$t: cannot open drive '$DEV': medium busy" $t.err
		assert_grep "busy device" $t.err
	done
	[ -e s3.iso ] && fail "mkms wrote an image"
	assert_eq "$sum" "$(state_sum disc)" "the disc"
	expect_ok on disc burnms -d "$DEV" s2.iso
}

run_tests
