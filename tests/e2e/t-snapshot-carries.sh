#!/bin/bash
# Snapshots record what each session carries beside its ISO 9660 tree (a
# UDF bridge, El Torito boot records, HFS, a master boot record): lsms
# shows the same for the snapshot as for the disc, and mkms warns from a
# snapshot as it warns from the disc.  Snapshots taken before the record
# existed still read, and say that they do not know.
. "$(dirname "$0")/lib.sh"

trees() {
	mkdir -p old/d new
	echo "old file" >old/a.txt
	echo "deeper" >old/d/c.txt
	echo "new file" >new/b.txt
}

# carries MEDIUM: what lsms --json says each session carries
carries() {
	lsms --json "$1" >carries.json || fail "lsms --json '$1' exited $?"
	jq -c '[.sessions[] | {number, udf, hfs, mbr, el_torito,
		boot_catalog}]' carries.json
}

# same_from_snapshot DISC: the snapshot of DISC shows the same keys, and
# mkms from it warns exactly as mkms from DISC, the name aside
same_from_snapshot() {
	local disc=$1 want
	expect_ok lsms --export s.mss "$disc"
	want=$(carries "$disc")
	assert_eq "$want" "$(carries s.mss)" "what the sessions carry"
	run mkms -M "$disc" -o n1.iso /new=new
	[ "$rc" -eq 0 ] || fail "mkms -M '$disc' exited $rc"
	sed "s/'$disc'/'BASE'/g" err >from-disc.err
	run mkms -M s.mss -o n2.iso /new=new
	[ "$rc" -eq 0 ] || fail "mkms -M s.mss exited $rc"
	sed "s/'s.mss'/'BASE'/g" err >from-snap.err
	assert_same_file from-disc.err from-snap.err
}

t_udf_bridge_is_recorded() {
	trees
	genisoimage -quiet -udf -J -R -o u.iso old
	same_from_snapshot u.iso
	assert_eq true "$(jq -r '.sessions[0].udf' carries.json)" "udf"
	assert_grep "'BASE' is a UDF bridge" from-snap.err
	expect_ok lsms s.mss
	assert_grep "also UDF (NSR02)" out
}

t_boot_records_are_recorded() {
	local cat
	trees
	dd if=/dev/urandom of=old/boot.img bs=2048 count=4 2>/dev/null
	genisoimage -quiet -J -R -b boot.img -no-emul-boot -boot-load-size 4 \
		-o b.iso old
	cat=$(isoinfo -d -i b.iso |
		sed -n 's/.*boot catalog is in sector \([0-9]*\).*/\1/p')
	same_from_snapshot b.iso
	assert_eq "true $cat" \
		"$(jq -r '.sessions[0] | "\(.el_torito) \(.boot_catalog)"' \
			carries.json)" "boot keys of the snapshot"
	run mkms --no-boot -M s.mss -o n3.iso /new=new
	assert_grep "El Torito boot records of 's.mss' are dropped" err
	# grown by one session: both sessions recorded
	mkms -M b.iso -o - /new=new 2>/dev/null | burnms -d b.iso - ||
		fail "append"
	same_from_snapshot b.iso
}

t_hfs_is_recorded() {
	trees
	genisoimage -quiet -hfs -J -R -o h.iso old 2>/dev/null
	same_from_snapshot h.iso
	assert_eq true "$(jq -r '.sessions[0].hfs' carries.json)" "hfs"
	assert_grep "'BASE' is an HFS hybrid" from-snap.err
}

t_master_boot_record_is_recorded() {
	trees
	xorriso -as mkisofs --protective-msdos-label -J -R -o p.iso old \
		>/dev/null 2>&1 || fail "xorriso -as mkisofs"
	same_from_snapshot p.iso
	assert_eq true "$(jq -r '.sessions[0].mbr' carries.json)" "mbr"
	assert_grep "'BASE' has a master boot record" from-snap.err
}

t_plain_disc_carries_nothing() {
	trees
	mkms -M d.iso -o - old | burnms -d d.iso - || fail "session 1"
	same_from_snapshot d.iso
	assert_eq '[{"number":1,"udf":false,"hfs":false,"mbr":false,"el_torito":false,"boot_catalog":null}]' \
		"$(carries s.mss)" "keys"
	[ -s from-snap.err ] && fail "mkms warned: $(cat from-snap.err)"
	msnap dump s.mss | grep '^carries ' >lines
	assert_eq "carries 1 0 0 0 0 0" "$(cat lines)" "the carries line"
}

# a snapshot as an older lsms wrote it: no carries lines
old_snapshot() {
	trees
	genisoimage -quiet -udf -J -R -o u.iso old
	lsms --export s.mss u.iso || fail "export"
	msnap dump s.mss | sed -n '/^end$/q;p' >full.txt || fail "msnap dump"
}

t_snapshot_without_carries_lines_still_reads() {
	old_snapshot
	{ grep -v '^carries ' full.txt; echo end; } >old.txt
	msnap text s.mss old.txt old.mss || fail "msnap text"
	expect_ok lsms --json old.mss
	assert_eq "null null null null" \
		"$(jq -r '.sessions[0] | "\(.udf) \(.hfs) \(.mbr) \(.el_torito)"' \
			out)" "unknown keys"
	expect_ok lsms old.mss
	assert_grep "taken by an older mstools" out
	run mkms -M old.mss -o n.iso /new=new
	assert_eq 0 "$rc" "mkms exit"
	assert_grep "^mkms: warning: snapshot 'old.mss' was taken by an older mstools" err
	[ -s n.iso ] || fail "no image"
}

t_damaged_carries_lines_are_refused() {
	old_snapshot
	{ cat full.txt; grep '^carries ' full.txt; echo end; } >twice.txt
	msnap text s.mss twice.txt twice.mss || fail "msnap text"
	expect_exit 1 lsms twice.mss
	assert_grep "^lsms: snapshot 'twice.mss' is damaged: its 'carries' lines do not name each session once\$" err
	{ grep -v '^carries ' full.txt; echo "carries 2 0 0 0 0 0"; echo end; } \
		>beyond.txt
	msnap text s.mss beyond.txt beyond.mss || fail "msnap text"
	expect_exit 1 mkms -M beyond.mss -o n.iso /new=new
	assert_grep "damaged: its 'carries' lines do not name each session once\$" err
	[ -e n.iso ] && fail "mkms wrote an image"
	{ grep -v '^carries ' full.txt; echo "carries 1 0 2 0 0 0"; echo end; } \
		>bad.txt
	msnap text s.mss bad.txt bad.mss || fail "msnap text"
	expect_exit 1 lsms bad.mss
	assert_grep "damaged: bad 'carries' line\$" err
	return 0
}

run_tests
