#!/bin/bash
# Disc snapshots: building sessions away from the drive.
. "$(dirname "$0")/lib.sh"

# disc FILE N: a disc file with N sessions made by mkms and burnms
disc() {
	local i
	for i in $(seq 1 "$2"); do
		mkdir -p "gen$i/dir$i"
		echo "generation $i" >"gen$i/dir$i/file$i"
		seq 1 $((i * 500)) >"gen$i/numbers$i"
		mkms -M "$1" -o - "gen$i" | burnms -d "$1" - ||
			fail "session $i of $1"
	done
}

t_offline_build_then_burn_at_the_drive() {
	disc disc.iso 2
	expect_ok lsms --export disc.mss disc.iso
	before=$(md5sum <disc.iso)
	mv disc.iso away.iso
	mkdir new && echo offline >new/offline.txt
	expect_ok mkms -M disc.mss -o next.iso new
	[ -e disc.iso ] && fail "mkms touched the disc's path"
	mv away.iso disc.iso
	assert_eq "$before" "$(md5sum <disc.iso)" "disc while away"
	expect_ok burnms -d disc.iso next.iso
	assert_eq 3 "$(xorriso_toc disc.iso | wc -l)" "sessions"
	expect_ok lsms_toc disc.iso
	assert_eq "$(xorriso_toc disc.iso)" "$(cat out)" "sessions"
	# short names on purpose: bsdtar cannot read a later session over
	# a file whose name is about 106 bytes or longer (t-readers.sh)
	mkdir x && bsdtar -xf disc.iso -C x || fail "bsdtar"
	assert_same_file new/offline.txt x/offline.txt
	assert_same_file gen1/numbers1 x/numbers1
	assert_same_file gen2/dir2/file2 x/dir2/file2
}

t_image_from_snapshot_equals_image_from_disc() {
	disc disc.iso 3
	expect_ok lsms --export disc.mss disc.iso
	mkdir new && seq 1 1000 >new/n
	export SOURCE_DATE_EPOCH=1700000000
	expect_ok mkms -M disc.iso -o a.iso new /moved=gen1/numbers1 --rm /dir2
	expect_ok mkms -M disc.mss -o b.iso new /moved=gen1/numbers1 --rm /dir2
	assert_same_file a.iso b.iso
}

t_lsms_shows_a_snapshot_like_the_disc() {
	disc disc.iso 3
	expect_ok lsms --export disc.mss disc.iso
	lsms --json disc.iso | jq -S 'del(.free_blocks, .capacity_blocks,
		.medium, .kind)' >want.json
	expect_ok lsms --json disc.mss
	jq -S 'del(.free_blocks, .capacity_blocks, .medium, .kind,
		.snapshot)' out >got.json
	assert_same_file want.json got.json
	assert_eq snapshot "$(jq -r .kind out)" "kind"
	assert_eq disc.iso "$(jq -r .snapshot.of out)" "snapshot of"
	expect_ok lsms disc.mss
	assert_grep '^snapshot of *disc.iso' out
}

t_snapshot_is_small() {
	disc disc.iso 1
	mkdir big && head -c 20000000 /dev/urandom >big/random.bin
	mkms -M disc.iso -o - big | burnms -d disc.iso - || fail "burn"
	expect_ok lsms --export disc.mss disc.iso
	size=$(stat -c %s disc.mss)
	[ "$size" -lt 100000 ] || fail "snapshot of $size bytes"
}

t_snapshot_of_blank_disc_builds_first_session() {
	: >blank.iso
	expect_ok lsms --export blank.mss blank.iso
	mkdir new && echo first >new/first
	expect_ok mkms -M blank.mss -o first.iso new
	expect_ok burnms -d blank.iso first.iso
	assert_eq "32" "$(xorriso_toc blank.iso | cut -d' ' -f1)" "start"
}

t_snapshot_of_disc_a_refused_on_disc_b() {
	disc a.iso 2
	mkdir other && echo b >other/b
	mkms -M b.iso -o - other | burnms -d b.iso - || fail "disc b"
	mkms -M b.iso -o - gen1 | burnms -d b.iso - || fail "disc b"
	expect_ok lsms --export a.mss a.iso
	mkdir new && echo n >new/n
	expect_ok mkms -M a.mss -o next.iso new
	before=$(md5sum <b.iso)
	expect_exit 3 burnms -d b.iso next.iso
	assert_grep "b.iso" err
	assert_eq "$before" "$(md5sum <b.iso)" "disc b"
}

t_disc_changed_after_snapshot_refused() {
	disc disc.iso 1
	expect_ok lsms --export disc.mss disc.iso
	mkdir new && echo n >new/n
	expect_ok mkms -M disc.mss -o next.iso new
	mkdir more && echo m >more/m
	mkms -M disc.iso -o - more | burnms -d disc.iso - || fail "session 2"
	before=$(md5sum <disc.iso)
	expect_exit 3 burnms -d disc.iso next.iso
	assert_grep "last session starts at 32" err
	assert_eq "$before" "$(md5sum <disc.iso)" "disc"
}

t_snapshot_is_not_a_writable_medium() {
	disc disc.iso 1
	expect_ok lsms --export disc.mss disc.iso
	mkdir new && echo n >new/n
	expect_ok mkms -M disc.mss -o next.iso new
	before=$(md5sum <disc.mss)
	expect_exit 4 burnms -d disc.mss next.iso
	assert_grep "snapshot" err
	assert_eq "$before" "$(md5sum <disc.mss)" "snapshot"
}

t_missing_block_is_named_and_leaves_no_output() {
	disc disc.iso 2
	expect_ok lsms --export disc.mss disc.iso
	# drop one block of the last session's directory records
	run=$(msnap dump disc.mss | sed -n 's/^run \([0-9]*\) \([0-9]*\)$/\1 \2/p' |
		awk '$2 > 20 { print $1 + 17; exit }')
	[ -n "$run" ] || fail "no run to cut"
	msnap drop disc.mss "$run" cut.mss || fail "msnap drop"
	mkdir new && echo n >new/n
	expect_exit 1 mkms -M cut.mss -o next.iso new
	assert_grep "lacks block $run" err
	[ -e next.iso ] && fail "output left behind"
	[ "$(ls -A | grep -c mkms)" -eq 0 ] || fail "temporary file left"
}

t_corrupt_snapshots_are_refused() {
	disc disc.iso 2
	expect_ok lsms --export disc.mss disc.iso
	mkdir new && echo n >new/n
	size=$(stat -c %s disc.mss)

	# a flipped byte inside the compressed payload
	cp disc.mss flip.mss
	printf '\377' | dd of=flip.mss bs=1 seek=$((size / 2)) conv=notrunc \
		status=none
	run mkms -M flip.mss -o a.iso new
	[ "$rc" -eq 1 ] || [ "$rc" -eq 6 ] || fail "flipped byte: exit $rc"
	assert_grep "flip.mss" err

	# a flipped byte in the header
	cp disc.mss hdr.mss
	printf '\377' | dd of=hdr.mss bs=1 seek=17 conv=notrunc status=none
	expect_exit 6 lsms hdr.mss
	assert_grep "header checksum" err

	# truncated
	head -c $((size - 10)) disc.mss >short.mss
	expect_exit 1 lsms short.mss
	assert_grep "damaged" err
	head -c 20 disc.mss >tiny.mss
	expect_exit 1 mkms -M tiny.mss -o b.iso new
	assert_grep "tiny.mss" err

	# the payload checksum no longer matches (same length, other bytes)
	msnap dump disc.mss >/dev/null || fail "msnap reads it"

	# wrong magic: then it is no snapshot, just a file of other bytes
	cp disc.mss magic.mss
	printf 'X' | dd of=magic.mss bs=1 seek=1 conv=notrunc status=none
	expect_exit 4 lsms magic.mss
	[ -e a.iso ] || [ -e b.iso ] && fail "output left behind"
	return 0
}

t_payload_checksum_mismatch_is_exit_6() {
	disc disc.iso 1
	expect_ok lsms --export disc.mss disc.iso
	# rewrite the stored payload CRC (and the header CRC over it)
	cp disc.mss bad.mss
	printf '\000\000\000\000' | dd of=bad.mss bs=1 seek=24 conv=notrunc \
		status=none
	crc=$(head -c 28 bad.mss | gzip -c | tail -c 8 | head -c 4 |
		od -An -tx1 | tr -d ' \n')
	# gzip stores the CRC little-endian; the header wants big-endian
	be=$(echo "$crc" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')
	printf "$(echo "$be" | sed 's/../\\x&/g')" |
		dd of=bad.mss bs=1 seek=28 conv=notrunc status=none
	expect_exit 6 lsms bad.mss
	assert_grep "payload checksum" err
}

t_export_refuses_a_session_image() {
	disc disc.iso 1
	mkdir new && echo n >new/n
	expect_ok mkms -M disc.iso -o next.iso new
	expect_exit 4 lsms --export x.mss next.iso
	[ -e x.mss ] && fail "snapshot written"
	return 0
}

run_tests
